/* SPDX-License-Identifier: ISC */
/*
 * The pager's text logic, pure functions tested on their own: which header
 * fields are shown and in what order (mutt's ignore, unignore, hdr_order),
 * the quoting level of a line, and searching the displayed lines.
 */
#ifndef SKUA_UI_PAGER_TEXT_H
#define SKUA_UI_PAGER_TEXT_H

#include <glib.h>
#include <stdbool.h>

/*
 * Whether a header field line ("Name: value") is shown: hidden when a
 * pattern of ignore matches it and none of unignore does. A pattern
 * matches a line it begins (any ASCII case); "*" matches every line.
 */
bool pager_header_shown(const char *field, const GPtrArray *ignore,
    const GPtrArray *unignore);
/*
 * The shown fields of headers ("Name: value\n" lines) in order: for each
 * pattern of order, the fields it matches (in their order), then the
 * others as they came. Caller frees.
 */
char *pager_headers_filter(const char *headers, const GPtrArray *ignore,
    const GPtrArray *unignore, const GPtrArray *order);

/*
 * How deeply a line is quoted: the number of '>' it starts with, blanks
 * between them allowed (">> > x" is 3); 0 for an unquoted line.
 */
unsigned pager_quote_level(const char *line);

/*
 * A search pattern (a GRegex) compiled as mutt does: caseless when it has
 * no upper-case letter. NULL with err when the pattern is invalid.
 */
GRegex *pager_search_compile(const char *pattern, GError **err);
/*
 * The next line of lines (char *) after from with a match, going round to
 * the top; *wrapped tells whether it went round. -1 when no line matches.
 * from may be -1 (search from the first line).
 */
int pager_search_next(const GPtrArray *lines, const GRegex *re, int from,
    bool *wrapped);
/*
 * The matches of re in line, as pairs of byte offsets (start, end) in an
 * array of int; empty matches are left out. Caller frees with
 * g_array_unref.
 */
GArray *pager_search_spans(const GRegex *re, const char *line);

#endif
