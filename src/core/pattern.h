/* SPDX-License-Identifier: ISC */
/*
 * mutt's patterns (l limit, / search, T tag-pattern) parsed into a search
 * tree (backend/search-tree.h), which the drivers evaluate: the IMAP one
 * as UID SEARCH, so no body is downloaded to search, the maildir one on
 * its files. Pure: no I/O.
 *
 *   ~f ~t ~c ~s ~b ~B ~L ~C ~i TEXT   from, to, cc, subject, body, whole
 *                                     message, from/to/cc, to/cc,
 *                                     Message-ID (substrings, any case)
 *   ~h "Field: TEXT"                  a header field
 *   ~d DATE ~r DATE                   sent (Date:), received: DD[/MM[/YY]]
 *                                     a-b, -b, a-; <3d >2w =1m (d w m y)
 *   ~z SIZE                           <N >N N a-b -b a- with K or M
 *   ~A ~N ~O ~U ~R ~F ~D ~Q ~T        all, new, old, unread, read,
 *                                     flagged, deleted, replied, tagged
 *   !P  P Q (and)  P | Q  ( P )       a word alone: ~f word | ~s word
 */
#ifndef SKUA_CORE_PATTERN_H
#define SKUA_CORE_PATTERN_H

#include <glib.h>
#include <stdint.h>

#include "backend/search-tree.h"

/*
 * The tree of pattern, relative dates counted back from the local day of
 * now (Unix time). NULL with err (SKUA_ERROR_USAGE) whose one-line
 * message names the 1-based character where it went wrong ("unknown
 * pattern ~x at 3").
 */
struct search_node *pattern_parse(const char *pattern, int64_t now,
    GError **err);

/*
 * What the user typed into the pattern to parse: text with no ~, = or %
 * in it (mutt's rule) becomes simple_search (default "~f %s | ~s %s")
 * with every %s replaced by text quoted; anything else stays as it is.
 * Caller frees.
 */
char *pattern_expand_simple(const char *text, const char *simple_search);

#endif
