/* SPDX-License-Identifier: ISC */
/* IMAP login: the choice of mechanism and the SASL PLAIN message. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "backend/imap/imap-auth.h"

enum imap_auth_mech
imap_auth_choose(bool has_auth_plain, bool login_disabled)
{
	if (has_auth_plain)
		return IMAP_AUTH_PLAIN;
	if (!login_disabled)
		return IMAP_AUTH_LOGIN;
	return IMAP_AUTH_NONE;
}

char *
imap_sasl_plain(const char *user, const char *password)
{
	size_t ulen = strlen(user), plen = strlen(password);
	size_t len = 1 + ulen + 1 + plen;
	char *msg, *out;

	if (ulen == 0)
		return NULL;
	msg = g_malloc(len);
	msg[0] = '\0';
	memcpy(msg + 1, user, ulen);
	msg[1 + ulen] = '\0';
	memcpy(msg + 2 + ulen, password, plen);
	out = g_base64_encode((const guchar *)msg, len);
	explicit_bzero(msg, len);
	g_free(msg);
	return out;
}
