/* SPDX-License-Identifier: ISC */
/* The attachment list of the shown message. Main thread. */
#ifndef SKUA_UI_VIEW_ATTACH_H
#define SKUA_UI_VIEW_ATTACH_H

struct core;
struct view;

/* A view of core->folder's message parts. */
struct view *view_attach_new(struct core *core);

#endif
