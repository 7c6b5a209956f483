/* SPDX-License-Identifier: ISC */
/* The folder list of an account (mutt's folder browser). Main thread. */
#ifndef SKUA_UI_VIEW_FOLDERS_H
#define SKUA_UI_VIEW_FOLDERS_H

struct account;
struct view;

/* A view of acc->folders (which may change under it). */
struct view *view_folders_new(struct account *acc);
/* The server name of the selected folder, or NULL. Borrowed. */
const char *view_folders_selected(struct view *v);

#endif
