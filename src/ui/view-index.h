/* SPDX-License-Identifier: ISC */
/* The message index view of the open folder. Main thread. */
#ifndef SKUA_UI_VIEW_INDEX_H
#define SKUA_UI_VIEW_INDEX_H

struct core;
struct view;

/* A view of core->folder (which may change under it). */
struct view *view_index_new(struct core *core);

#endif
