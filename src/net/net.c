/* SPDX-License-Identifier: ISC */
/* OpenSSL and libetpan: process-wide set-up and version reports. */
#include "config.h"

#include <libetpan/libetpan.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include "net/conn.h"
#include "net/net.h"

void
net_init(void)
{
	OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, NULL);
	/* Reads and writes time out after this; set before threads start. */
	mailstream_network_delay.tv_sec = 60;
	mailstream_network_delay.tv_usec = 0;
	net_conn_init();
}

void
net_versions(GString *out)
{
	g_string_append_printf(out, "OpenSSL %s (built with %s)\n",
	    OpenSSL_version(OPENSSL_VERSION_STRING), OPENSSL_VERSION_TEXT);
	g_string_append_printf(out, "libetpan %d.%d (built with %d.%d)\n",
	    libetpan_get_version_major(), libetpan_get_version_minor(),
	    LIBETPAN_VERSION_MAJOR, LIBETPAN_VERSION_MINOR);
}
