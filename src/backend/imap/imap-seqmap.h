/* SPDX-License-Identifier: ISC */
/*
 * The selected folder's message sequence numbers and their UIDs. IMAP
 * tells EXPUNGE and unsolicited FETCH by sequence number: message n is the
 * n-th smallest UID still in the folder, so the map is the ascending UID
 * list (uint32_t in a GArray; uids[n - 1] is message n), kept in step with
 * every EXPUNGE (which renumbers the messages after it) and every new
 * message (which takes the next number). Pure functions, for unit tests.
 */
#ifndef SKUA_BACKEND_IMAP_IMAP_SEQMAP_H
#define SKUA_BACKEND_IMAP_IMAP_SEQMAP_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* A map from uids (any order, duplicates dropped). Caller unrefs. */
GArray *seqmap_new(const GArray *uids);
/* The UID of message seq (1-based); 0 when there is no such message. */
uint32_t seqmap_uid(const GArray *map, uint32_t seq);
/* Message seq is expunged: its UID (0 when out of range), removed. */
uint32_t seqmap_expunge(GArray *map, uint32_t seq);
/* The largest UID known; 0 when empty. */
uint32_t seqmap_last(const GArray *map);
/*
 * A new message: appended when uid is larger than every UID known (true),
 * else refused (false: the map is out of step or it is known).
 */
bool seqmap_append(GArray *map, uint32_t uid);
/*
 * Compare two maps: the UIDs of now missing from was go to added, those of
 * was missing from now to removed (both ascending).
 */
void seqmap_diff(const GArray *was, const GArray *now, GArray *added,
    GArray *removed);

#endif
