/* SPDX-License-Identifier: ISC */
/*
 * index_format, as in mutt: a line of the message index from %-codes.
 *
 *   %C row number   %u UID      %Z flags (N/O unread, D deleted, ! flagged,
 *   %d date (%b %d) %{fmt} date with strftime(3) fmt     r answered)
 *   %F, %L, %n sender's name (address if none)   %a sender's address
 *   %t first recipient   %s subject (after the thread tree, when
 *   threaded)   %c size (1.2K)   %% a percent sign
 *
 * Each code takes mutt's modifiers: %-20.20L pads to 20 cells on the right
 * (without '-', on the left) and cuts at 20 cells. Widths are display
 * cells, never bytes. Pure function: no curses.
 */
#ifndef SKUA_UI_INDEX_FORMAT_H
#define SKUA_UI_INDEX_FORMAT_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

struct envelope;
struct thread_node; /* backend/thread-tree.h */

/*
 * Format the row numbered number (1-based) with envelope env, or a
 * placeholder line when env is NULL (its header is not fetched yet).
 * The result is sanitised for the terminal. Caller frees.
 */
char *index_format_row(const char *fmt, unsigned number, unsigned uid,
    const struct envelope *env);
/* The same in a threaded index: tree (safe text, or NULL) goes before the
 * subject in %s, as in mutt. */
char *index_format_row_tree(const char *fmt, unsigned number, unsigned uid,
    const struct envelope *env, const char *tree);
/* The same for a row that may be tagged: %Z shows * (as mutt's). */
char *index_format_row_full(const char *fmt, unsigned number, unsigned uid,
    const struct envelope *env, const char *tree, bool tagged);

/* Levels of a thread drawn at most; deeper ones are cut on the left. */
#define INDEX_TREE_MAX_LEVELS 32

/*
 * The thread tree before node i's subject, as mutt draws it with
 * line-drawing characters (one cell each): "" for a root, else a column
 * per level ("│ " where the ancestor at that level has a sibling below,
 * "  " where not) and the node's own arrow: "├─>" when a sibling follows,
 * "└─>" for the last child. Under a missing root (uid 0, not a row) the
 * first child gets "┌─>", so the messages of the thread hang together
 * with nothing drawn above them. next is sort_tree_next()'s: whether each
 * node has a next sibling. Beyond INDEX_TREE_MAX_LEVELS levels the
 * leftmost are left out. Caller frees.
 */
char *index_tree_prefix(const struct thread_node *nodes, const guint8 *next,
    size_t i);

#endif
