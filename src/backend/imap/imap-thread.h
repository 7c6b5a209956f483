/* SPDX-License-Identifier: ISC */
/*
 * The data of an IMAP THREAD response (RFC 5256) as a thread forest in
 * display order (backend/thread-tree.h). Pure: no I/O, no state.
 */
#ifndef SKUA_BACKEND_IMAP_IMAP_THREAD_H
#define SKUA_BACKEND_IMAP_IMAP_THREAD_H

#include <glib.h>
#include <stddef.h>

#include "backend/thread-tree.h"

/* Bounds on what a server may send: parentheses open at once, and nodes
 * (UIDs plus missing parents) in one response. */
#define IMAP_THREAD_MAX_NESTING 1000
#define IMAP_THREAD_MAX_NODES	(1u << 22)

/*
 * Parse buf[0..len), the text after "* THREAD " (possibly empty, possibly
 * ending in spaces or CRLF), e.g. "(2)(3 6 (4 23)(44 7 96))". Returns a
 * GArray of struct thread_node in display order (the order of the text,
 * which is a pre-order walk); "((1)(2))" gives a missing parent (uid 0)
 * with two children. NUL bytes are not special. Besides RFC 5256's grammar
 * it accepts spaces between sibling lists and a nested part of a single
 * list ("(1 (2))"). Returns NULL with err set (SKUA_ERROR_PARSE) on
 * anything else, on a UID that is 0, too big or seen twice, and when
 * IMAP_THREAD_MAX_NESTING or IMAP_THREAD_MAX_NODES is exceeded; the error
 * gives the byte offset. Free the array with g_array_unref().
 */
GArray *imap_thread_parse(const char *buf, size_t len, GError **err);

#endif
