/* SPDX-License-Identifier: ISC */
/*
 * A search tree (backend/search-tree.h) as the keys of an IMAP UID SEARCH
 * (RFC 3501 6.4.4): FROM, TO, CC, SUBJECT, BODY, TEXT, HEADER,
 * SENTSINCE/SENTBEFORE/SENTON, SINCE/BEFORE/ON, the flag keys, LARGER,
 * SMALLER, UID, NOT, OR and parenthesised lists. Pure: no I/O.
 */
#ifndef SKUA_BACKEND_IMAP_IMAP_SEARCH_H
#define SKUA_BACKEND_IMAP_IMAP_SEARCH_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "backend/search-tree.h"

/*
 * Append the keys of node to out. A string is quoted when it is printable
 * ASCII, else sent as a non-synchronizing literal ("{5+}\r\n...", RFC
 * 7888) of at most literal_max bytes (SIZE_MAX with the server's
 * LITERAL+, 4096 with LITERAL-, 0 with neither): a longer one is an
 * error (SKUA_ERROR_NOT_SUPPORTED), as a synchronizing literal would
 * wait for the server's continuation, which a raw command cannot. *utf8 becomes
 * true when a string is not ASCII, so the command needs CHARSET UTF-8.
 * A node the server cannot be sent (SEARCH_TAGGED) is an error too.
 */
bool imap_search_keys(const struct search_node *node, size_t literal_max,
    GString *out, bool *utf8, GError **err);

/*
 * The whole command: "UID SEARCH [RETURN (ALL)] [CHARSET UTF-8] keys",
 * RETURN (ALL) with esearch (RFC 4731). NULL with err as above.
 */
char *imap_search_command(const struct search_node *node, bool esearch,
    size_t literal_max, GError **err);

#endif
