/* SPDX-License-Identifier: ISC */
/* The accounts view: every account, its state and unread count. */
#ifndef SKUA_UI_VIEW_ACCOUNTS_H
#define SKUA_UI_VIEW_ACCOUNTS_H

struct core;
struct view;

/* A view of core->accounts, drawn from the model each time. */
struct view *view_accounts_new(struct core *core);

#endif
