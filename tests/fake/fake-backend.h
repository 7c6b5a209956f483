/* SPDX-License-Identifier: ISC */
/*
 * An in-memory driver for tests of core and views: one folder of n
 * generated messages, counters of what was asked, and fault injection.
 */
#ifndef SKUA_TESTS_FAKE_BACKEND_H
#define SKUA_TESTS_FAKE_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

struct backend;

struct fake_stats {
	unsigned opens;
	unsigned fetches;			  /* fetch_envelopes requests */
	unsigned uids_fetched;			  /* envelopes sent */
	unsigned max_batch;			  /* largest request */
	unsigned flag_changes;			  /* set_flags requests */
	uint32_t last_uid, last_add, last_remove; /* the last of them */
	unsigned last_count;			  /* UIDs of the last change */
	unsigned expunges, plain_expunges, copies, moves;
	char *last_target; /* of the last copy or move (a copy: free it) */
	bool last_undelete;
	unsigned searches; /* search requests */
};

/*
 * A driver whose folder "INBOX" holds n messages with UIDs 1..n: subject
 * "message UID", sent UID minutes after a fixed time, size 1000 + UID,
 * from "Tester", "bob", "Alice", "dan", "Carl" in turn (by UID modulo 5),
 * Message-ID <UID@fake>, and threads of four (1 <- 2 <- 3 <- 4, 5 <- ...)
 * by In-Reply-To and References. It offers no server-side sort. Its
 * search evaluates the pattern on those fields (search_eval()).
 */
struct backend *fake_backend_new(unsigned n);
/* Make the next k envelope fetches fail. Thread-safe. */
void fake_backend_fail_fetches(struct backend *be, unsigned k);
/* Make the next k flag changes fail. Thread-safe. */
void fake_backend_fail_flags(struct backend *be, unsigned k);
/* A copy of the counters (free out->last_target). Thread-safe. */
void fake_backend_stats(struct backend *be, struct fake_stats *out);
/*
 * Without UIDPLUS expunge wants plain_expunge (and purges every deleted
 * message); without MOVE and UIDPLUS, move fails NOT_SUPPORTED. The fake
 * keeps which UIDs are \Deleted (set_flags) and which are gone (expunged
 * or moved): the folder opens without them.
 */
void fake_backend_limit(struct backend *be, bool no_uidplus, bool no_move);
/* Another client marks uid \Deleted. */
void fake_backend_mark_deleted(struct backend *be, uint32_t uid);
/* Whether uid is still in the folder. */
bool fake_backend_has(struct backend *be, uint32_t uid);

#endif
