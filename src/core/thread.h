/* SPDX-License-Identifier: ISC */
/*
 * Client-side threading (Jamie Zawinski's algorithm, as RFC 5256's
 * REFERENCES describes it) for servers without THREAD and for local
 * folders. The result has the same form as a server's THREAD answer
 * (backend/thread-tree.h), so the index draws both the same way.
 */
#ifndef SKUA_CORE_THREAD_H
#define SKUA_CORE_THREAD_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/thread-tree.h"

/* References beyond this many (the oldest) are ignored: the last ones
 * name the nearest ancestors, and this bounds the work per message. */
#define THREAD_MAX_REFS 32

/*
 * What threading needs of one message; every string is borrowed for the
 * call only. A Message-ID may be given with or without its angle brackets
 * and surrounding spaces ("<a@b>", " a@b "); ids compare exactly.
 */
struct thread_msg {
	const char *message_id;	       /* NULL or empty: none */
	const char *in_reply_to;       /* the header's text (its first <id>
					  counts), or NULL */
	const char *const *references; /* ids, oldest first, NULL-terminated;
					  NULL when absent */
	const char *subject;	       /* decoded; NULL when absent */
	int64_t date;		       /* sent date, seconds since the epoch */
	uint32_t uid;		       /* copied to the output; not 0 */
};

enum thread_flag {
	/* Also join threads whose roots share a base subject when the later
	 * ones are replies ("Re: x" under "x"), much as mutt does. */
	THREAD_BY_SUBJECT = 1 << 0,
};

/*
 * Thread msgs[0..n). Returns a GArray of struct thread_node in display
 * order, one node per message plus a missing parent (uid 0) wherever two
 * or more threads share a root that is not in msgs. A message's parent is
 * the last of its References (else the first id of In-Reply-To); ids
 * never seen as a message are skipped over, as RFC 5256 prunes them.
 * Siblings (roots included) are sorted by date, then by position in msgs;
 * a missing parent sorts as its earliest child. A message whose Message-ID
 * was already taken by an earlier one, or that has none, is threaded by its
 * own references but cannot be a parent. In a reference loop the link made
 * last (in msgs order) is dropped, as a step-by-step threader would have
 * refused it; self-references are ignored. Work is O(m log m) in the total
 * number m of messages and references, with at most THREAD_MAX_REFS per
 * message. Never fails; free with g_array_unref().
 */
GArray *thread_build(const struct thread_msg *msgs, size_t n, unsigned flags);

/*
 * The ids ("<...>", brackets and inner spaces removed) in a References or
 * In-Reply-To header's text buf[0..len), oldest first, keeping only the
 * last max (0: all). Text outside angle brackets (comments, junk) and ids
 * holding a NUL byte are skipped. Returns a NULL-terminated array (empty
 * when there is no id); free with g_strfreev().
 */
char **thread_parse_ids(const char *buf, size_t len, size_t max);

/*
 * The base subject used for grouping: leading "Re:", "Fwd:", "Fw:" (any
 * case, also "Re[2]:") and "[list]" tags and trailing "(fwd)" removed,
 * spaces collapsed. *is_reply_out tells whether a reply or forward prefix
 * was removed. Caller frees.
 */
char *thread_base_subject(const char *subject, bool *is_reply_out);

#endif
