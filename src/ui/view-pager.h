/* SPDX-License-Identifier: ISC */
/* The pager: the message the open folder shows. Main thread. */
#ifndef SKUA_UI_VIEW_PAGER_H
#define SKUA_UI_VIEW_PAGER_H

#include <stdbool.h>

struct core;
struct view;

/* A view of core->folder's message (which may change under it). */
struct view *view_pager_new(struct core *core);
/*
 * Search the displayed lines for pattern (a regular expression, caseless
 * when it has no capital) and show the next match below; false (after an
 * error message) when the pattern is invalid.
 */
bool view_pager_search(struct view *v, const char *pattern);
/* The next match of the last search; false when there was none. */
bool view_pager_search_next(struct view *v);
/* The last search pattern, or NULL. */
const char *view_pager_last_search(struct view *v);

#endif
