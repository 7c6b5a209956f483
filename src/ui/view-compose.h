/* SPDX-License-Identifier: ISC */
/*
 * The compose screen (mutt's): the draft's From, To, Cc, Bcc, Subject and
 * Reply-To, then its parts, the text first, with types and sizes; the
 * cursor moves over the parts. Main thread.
 */
#ifndef SKUA_UI_VIEW_COMPOSE_H
#define SKUA_UI_VIEW_COMPOSE_H

struct draft;
struct view;

/* Lines of the header block above the list of parts. */
#define VIEW_COMPOSE_HEADER_ROWS 8

/*
 * A view of *draft (borrowed: the pointer is read at each draw, so the
 * owner may replace the draft). When the view is freed, release(owner)
 * is called.
 */
struct view *view_compose_new(struct draft **draft,
    void (*release)(void *owner), void *owner);
/* The owner of a compose view; NULL for another view. */
void *view_compose_owner(struct view *v);

#endif
