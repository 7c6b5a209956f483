/* SPDX-License-Identifier: ISC */
/* The pager: the message the open folder shows. Main thread. */
#ifndef SKUA_UI_VIEW_PAGER_H
#define SKUA_UI_VIEW_PAGER_H

struct core;
struct view;

/* A view of core->folder's message (which may change under it). */
struct view *view_pager_new(struct core *core);

#endif
