/* SPDX-License-Identifier: ISC */
/*
 * The orders of the message index: the sort option's names (mutt's), and
 * the orders and threads core makes itself when the server cannot (from
 * the envelopes, so only once every header is in). Pure functions.
 */
#ifndef SKUA_CORE_SORT_H
#define SKUA_CORE_SORT_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/thread-tree.h"
#include "backend/types.h"

struct sort_spec {
	enum sort_key key;
	bool reverse;
};

/*
 * Read a value of the sort option: date (date-sent), date-received,
 * mailbox-order, from, subject, size, to, threads, each with an optional
 * "reverse-" prefix. Plain values put the oldest (smallest) first, as in
 * mutt. False when s names no order.
 */
bool sort_parse(const char *s, struct sort_spec *out);
/* The option value for spec ("reverse-subject"). Caller frees. */
char *sort_name(const struct sort_spec *spec);

/*
 * The UIDs of envs[0..n) (all non-NULL) in the order of key, ties broken
 * by UID; reverse turns the whole order around. Strings compare by their
 * case-folded text, subjects by their base subject (no "Re:"). Not for
 * SORT_THREADS. Free with g_array_unref().
 */
GArray *sort_envelopes(struct envelope *const *envs, size_t n,
    enum sort_key key, bool reverse);

/*
 * Thread envs[0..n) (core/thread.c, grouping by subject as REFERENCES
 * does): a forest of struct thread_node, oldest thread first.
 */
GArray *sort_threads(struct envelope *const *envs, size_t n);

/*
 * The forest made fit to draw: a missing message (uid 0) stays only as a
 * root holding two or more children; other missing nodes are dropped and
 * their children move up to the dropped node's parent (a lone child of a
 * missing root becomes a root). With reverse the threads (roots) come in
 * the opposite order, each thread keeping its inner order. Returns a new
 * forest; free with g_array_unref().
 */
GArray *sort_tree_tidy(const struct thread_node *nodes, size_t n, bool reverse);

/*
 * Whether each node of the forest has a next sibling (roots are siblings),
 * one byte per node: what the tree drawing needs. Linear. g_free().
 */
guint8 *sort_tree_next(const struct thread_node *nodes, size_t n);

#endif
