/* SPDX-License-Identifier: ISC */
/* The folder list of an account (mutt's folder browser). Main thread. */
#ifndef SKUA_UI_VIEW_FOLDERS_H
#define SKUA_UI_VIEW_FOLDERS_H

struct account;
struct core;
struct view;

/*
 * A view of every IMAP account's folders, each account's under a heading
 * with its name (the lists may change under it).
 */
struct view *view_folders_new(struct core *core);
/*
 * The server name of the selected folder (on a heading: the account's
 * first folder) and its account in *acc, or NULL. Borrowed.
 */
const char *view_folders_selected(struct view *v, struct account **acc);
/* Put the cursor (and the top of the screen) on acc's heading. */
void view_folders_show(struct view *v, const struct account *acc);

#endif
