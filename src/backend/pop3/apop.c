/* SPDX-License-Identifier: ISC */
/* APOP's timestamp and digest (see apop.h). */
#include "config.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

#include "backend/pop3/apop.h"

#define TIMESTAMP_MAX 200

char *
apop_timestamp(const char *greeting)
{
	const char *start, *end;
	bool at = false;

	if (greeting == NULL)
		return NULL;
	start = strchr(greeting, '<');
	if (start == NULL)
		return NULL;
	end = strchr(start, '>');
	if (end == NULL || end - start + 1 > TIMESTAMP_MAX)
		return NULL;
	for (const char *p = start + 1; p < end; p++) {
		if (*p < 0x21 || *p > 0x7e || *p == '<')
			return NULL;
		at |= *p == '@';
	}
	return at ? g_strndup(start, (gsize)(end - start + 1)) : NULL;
}

char *
apop_digest(const char *timestamp, const char *password)
{
	GChecksum *md5 = g_checksum_new(G_CHECKSUM_MD5);
	char *hex;

	g_checksum_update(md5, (const guchar *)timestamp, strlen(timestamp));
	g_checksum_update(md5, (const guchar *)password, strlen(password));
	hex = g_strdup(g_checksum_get_string(md5));
	g_checksum_free(md5);
	return hex;
}
