/* SPDX-License-Identifier: ISC */
/* GMime glue: set-up, versions and header decoding. */
#ifndef SKUA_MIME_MIME_H
#define SKUA_MIME_MIME_H

#include <glib.h>
#include <stddef.h>

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
/*
 * Keep iconv's converter for charset (len bytes, not NUL-terminated) loaded
 * for the life of the process, so converting from it again does not load
 * and unload a shared object each time. Thread-safe; at most 64 charsets.
 */
void mime_pin_charset(const char *charset, size_t len);
/* An RFC 5322 date as Unix time; 0 when it cannot be parsed. */
gint64 mime_parse_date(const char *raw);

#endif
