/* SPDX-License-Identifier: ISC */
/*
 * The thread forest shared by server threading (IMAP THREAD) and client
 * threading (core/thread.c): an array of nodes in display order.
 *
 * Invariants of an array nodes[0..n):
 * - the order is a depth-first pre-order walk: each node comes right after
 *   its previous sibling's whole subtree, or right after its parent;
 * - a root has parent THREAD_NONE and depth 0; any other node has
 *   parent < its own index and depth = nodes[parent].depth + 1;
 * - so a subtree is the contiguous range from its root to the next node
 *   whose depth is not greater than the root's;
 * - uid 0 is a missing message (a dummy parent kept to hold siblings
 *   together); every other uid is a real message's.
 * Plain C with no dependencies, so any layer may include it.
 */
#ifndef SKUA_BACKEND_THREAD_TREE_H
#define SKUA_BACKEND_THREAD_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define THREAD_NONE UINT32_MAX /* no parent, no sibling */

struct thread_node {
	uint32_t uid;	 /* 0: a missing message */
	uint32_t parent; /* index of the parent, or THREAD_NONE for a root */
	uint32_t depth;	 /* 0 for a root */
};

/* The index just past the subtree rooted at nodes[i]. */
static inline size_t
thread_tree_subtree_end(const struct thread_node *nodes, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n && nodes[j].depth > nodes[i].depth)
		j++;
	return j;
}

/* The index of the next sibling of nodes[i] (roots are siblings), or
 * THREAD_NONE for the last child. Linear in the size of i's subtree. */
static inline uint32_t
thread_tree_next_sibling(const struct thread_node *nodes, size_t n, size_t i)
{
	size_t j = thread_tree_subtree_end(nodes, n, i);

	if (j < n && nodes[j].depth == nodes[i].depth)
		return (uint32_t)j;
	return THREAD_NONE;
}

/* Whether nodes[0..n) keeps the invariants above (for tests and asserts;
 * linear in n times the depth). */
static inline bool
thread_tree_check(const struct thread_node *nodes, size_t n)
{
	if (n >= THREAD_NONE)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint32_t p = nodes[i].parent, a;

		if (p == THREAD_NONE) {
			if (nodes[i].depth != 0)
				return false;
			continue;
		}
		if (p >= i || nodes[i].depth != nodes[p].depth + 1)
			return false;
		/* The parent must be the previous node or one of its
		 * ancestors, else the subtree of p would not be contiguous. */
		for (a = (uint32_t)(i - 1); a != p; a = nodes[a].parent) {
			if (a == THREAD_NONE ||
			    nodes[a].depth <= nodes[p].depth)
				return false;
		}
	}
	return true;
}

#endif
