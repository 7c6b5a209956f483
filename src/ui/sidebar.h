/* SPDX-License-Identifier: ISC */
/*
 * The sidebar: the folders of the current account down the left of the
 * index and the pager (neomutt's sidebar), each with its unread/total
 * counts, the open folder highlighted and a cursor the sidebar commands
 * move. The line layout and the order are pure functions, tested alone.
 * Main thread only.
 */
#ifndef SKUA_UI_SIDEBAR_H
#define SKUA_UI_SIDEBAR_H

#include <glib.h>
#include <stdbool.h>

struct account;
struct core;
struct folder_info;

/*
 * fi's line in a sidebar cols cells wide: its last name component
 * (sanitised) indented two cells per level of the hierarchy, then
 * "unread/total" against the right edge ("?" when unknown, nothing for a
 * folder that cannot be opened). Exactly cols cells of safe text: the name
 * is cut first, never in the middle of a wide character, and the counts
 * go when even they do not fit. Caller frees.
 */
char *sidebar_line(const struct folder_info *fi, int cols);
/*
 * The folders in sidebar order, as a tree: a folder comes before its
 * children, and siblings go INBOX first, then the special-use folders
 * (Drafts, Sent, Archive, Junk, Trash), then the others by name. The
 * array holds the struct folder_info pointers of folders (borrowed).
 * Caller frees the array.
 */
GPtrArray *sidebar_order(const GPtrArray *folders);
/* Whether fi is the folder name names (a server name or a decoded one). */
bool sidebar_folder_is(const struct folder_info *fi, const char *name);

/* The model the sidebar shows; before the first screen. */
void sidebar_init(struct core *core);
/* Forget the state (at exit). */
void sidebar_end(void);
/*
 * Columns the sidebar takes, its divider included, on a screen cols wide
 * whose top view has context: 0 when it is hidden (sidebar_visible) or
 * the view is neither the index nor the pager.
 */
int sidebar_columns(const char *context, int cols);
/*
 * Draw the sidebar in rows rows from top, cols columns at the left of the
 * screen (the last one the divider). The first time it shows an account,
 * it asks for that account's folder list.
 */
void sidebar_draw(int top, int rows, int cols);
/* Ask for the current account's folder list again (counts change). */
void sidebar_refresh(void);
/*
 * Move the sidebar's cursor delta folders down (up when negative), over
 * the folders that cannot be opened. False when there is no folder to
 * move to (or no list yet).
 */
bool sidebar_step(int delta);
/* The server name of the folder under the sidebar's cursor, or NULL. */
const char *sidebar_selected(void);

#endif
