/* SPDX-License-Identifier: ISC */
/* Parsing of IMAP THREAD response data into a thread forest. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>

#include "backend/imap/imap-thread.h"
#include "util/error.h"

/*
 * One open parenthesis. Its members form a chain (each a child of the one
 * before); its nested lists are children of the chain's last node, which
 * is a missing parent (uid 0) when the list starts with a nested list.
 */
struct frame {
	uint32_t parent; /* the node the list hangs under, or THREAD_NONE */
	uint32_t tail;	 /* the chain's last node so far, or THREAD_NONE */
	uint32_t nested; /* nested lists opened so far */
};

/* The kinds of token before the current byte, for the grammar checks. */
enum prev {
	PREV_START,
	PREV_OPEN,
	PREV_CLOSE,
	PREV_NUMBER,
	PREV_SPACE,
};

struct parser {
	GArray *nodes;
	GHashTable *seen; /* uids already in nodes */
	struct frame stack[IMAP_THREAD_MAX_NESTING];
	size_t depth; /* frames in use */
};

static void
fail(GError **err, size_t offset, const char *why)
{
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_PARSE,
	    "malformed THREAD response: %s at byte %zu", why, offset);
}

/* Append a node to the chain of the innermost frame. */
static bool
add_node(struct parser *p, uint32_t uid, size_t offset, GError **err)
{
	struct frame *f = &p->stack[p->depth - 1];
	struct thread_node node;

	if (p->nodes->len >= IMAP_THREAD_MAX_NODES) {
		fail(err, offset, "too many messages");
		return false;
	}
	if (uid != 0 && !g_hash_table_add(p->seen, GUINT_TO_POINTER(uid))) {
		fail(err, offset, "UID seen twice");
		return false;
	}
	node.uid = uid;
	node.parent = f->tail != THREAD_NONE ? f->tail : f->parent;
	node.depth = node.parent == THREAD_NONE
	    ? 0
	    : g_array_index(p->nodes, struct thread_node, node.parent).depth +
		1;
	g_array_append_val(p->nodes, node);
	f->tail = p->nodes->len - 1;
	return true;
}

/* Read an nz-number at buf[*pos]; moves *pos past it. */
static bool
read_uid(const char *buf, size_t end, size_t *pos, uint32_t *uid_out,
    GError **err)
{
	uint64_t v = 0;
	size_t i = *pos;

	if (buf[i] == '0') {
		fail(err, i, "UID 0 or with a leading zero");
		return false;
	}
	while (i < end && g_ascii_isdigit(buf[i])) {
		v = v * 10 + (uint64_t)(buf[i] - '0');
		if (v > UINT32_MAX) {
			fail(err, *pos, "UID too big");
			return false;
		}
		i++;
	}
	*uid_out = (uint32_t)v;
	*pos = i;
	return true;
}

static bool
parse(struct parser *p, const char *buf, size_t end, GError **err)
{
	enum prev prev = PREV_START;
	size_t i = 0;

	while (i < end) {
		char c = buf[i];
		struct frame *f = p->depth > 0 ? &p->stack[p->depth - 1] : NULL;
		uint32_t uid;

		if (c == '(') {
			if (f == NULL) {
				if (prev == PREV_NUMBER || prev == PREV_OPEN)
					goto unexpected;
			} else if (prev == PREV_OPEN) {
				/* "((": the list's parent is missing. */
				if (!add_node(p, 0, i, err))
					return false;
				f->nested++;
			} else if (prev == PREV_SPACE || prev == PREV_CLOSE) {
				f->nested++;
			} else {
				goto unexpected;
			}
			if (p->depth == IMAP_THREAD_MAX_NESTING) {
				fail(err, i, "lists nested too deep");
				return false;
			}
			p->stack[p->depth].parent =
			    f != NULL ? f->tail : THREAD_NONE;
			p->stack[p->depth].tail = THREAD_NONE;
			p->stack[p->depth].nested = 0;
			p->depth++;
			prev = PREV_OPEN;
			i++;
		} else if (c == ')') {
			if (f == NULL ||
			    (prev != PREV_NUMBER && prev != PREV_CLOSE))
				goto unexpected;
			p->depth--;
			prev = PREV_CLOSE;
			i++;
		} else if (c == ' ') {
			if (prev != PREV_NUMBER && prev != PREV_CLOSE)
				goto unexpected;
			prev = PREV_SPACE;
			i++;
		} else if (g_ascii_isdigit(c)) {
			/* Members come first in a list, separated by spaces. */
			if (f == NULL || f->nested > 0 ||
			    (prev != PREV_OPEN && prev != PREV_SPACE))
				goto unexpected;
			if (!read_uid(buf, end, &i, &uid, err) ||
			    !add_node(p, uid, i, err))
				return false;
			prev = PREV_NUMBER;
		} else {
			goto unexpected;
		}
	}
	if (p->depth > 0) {
		fail(err, end, "list not closed");
		return false;
	}
	return true;
unexpected:
	fail(err, i, "unexpected character");
	return false;
}

GArray *
imap_thread_parse(const char *buf, size_t len, GError **err)
{
	struct parser *p = g_new0(struct parser, 1);
	GArray *nodes;
	bool ok;

	while (len > 0 &&
	    (buf[len - 1] == ' ' || buf[len - 1] == '\r' ||
		buf[len - 1] == '\n'))
		len--;
	p->nodes = g_array_new(FALSE, FALSE, sizeof(struct thread_node));
	p->seen = g_hash_table_new(g_direct_hash, g_direct_equal);
	ok = parse(p, buf, len, err);
	nodes = p->nodes;
	g_hash_table_unref(p->seen);
	g_free(p);
	if (!ok) {
		g_array_unref(nodes);
		return NULL;
	}
	return nodes;
}
