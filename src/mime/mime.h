/* SPDX-License-Identifier: ISC */
/* GMime glue: set-up, versions and header decoding. */
#ifndef SKUA_MIME_MIME_H
#define SKUA_MIME_MIME_H

#include <glib.h>

/* Once, on the main thread, before any worker starts. */
void mime_init(void);
void mime_shutdown(void);
/* Append a "GMime x" line (linked version). */
void mime_versions(GString *out);
/*
 * Decode RFC 2047 encoded words in a raw header value to UTF-8. Raw 8-bit
 * text is taken as UTF-8, else windows-1252. Caller frees.
 */
char *mime_decode_header(const char *raw);
/* An RFC 5322 date as Unix time; 0 when it cannot be parsed. */
gint64 mime_parse_date(const char *raw);

#endif
