/* SPDX-License-Identifier: ISC */
/*
 * The data of an IMAP ESEARCH response (RFC 4731) to UID SEARCH RETURN
 * (ALL): the UIDs of its ALL item, given as a sequence set, so a folder of
 * 100,000 messages answers in a few bytes ("UID ALL 1:100000") instead of
 * 600 KB of numbers. Pure: no I/O, no state.
 */
#ifndef SKUA_BACKEND_IMAP_IMAP_ESEARCH_H
#define SKUA_BACKEND_IMAP_IMAP_ESEARCH_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* The most UIDs a response may stand for. */
#define IMAP_ESEARCH_MAX_UIDS (1u << 24)

/*
 * Append to uids (uint32_t) the numbers of the sequence set buf[0..len)
 * ("1:5,9,12:10"; a range may go either way, and is appended in
 * ascending order). False with err (SKUA_ERROR_PARSE) on anything else,
 * on 0 or a number over 2^32-1, or past IMAP_ESEARCH_MAX_UIDS in all.
 */
bool imap_seqset_parse(const char *buf, size_t len, GArray *uids, GError **err);

/*
 * Parse the text after "* ESEARCH " (e.g. "(TAG \"4\") UID ALL 1:3,7") and
 * append the UIDs of its ALL item to uids; no ALL item means no match.
 * False with err (SKUA_ERROR_PARSE) when it is not an answer about UIDs
 * or its ALL item is not a sequence set.
 */
bool imap_esearch_parse(const char *buf, size_t len, GArray *uids,
    GError **err);

#endif
