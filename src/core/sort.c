/* SPDX-License-Identifier: ISC */
/* The index's orders made on the client, and the sort option's names. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/sort.h"
#include "core/thread.h"

static const struct {
	const char *name;
	enum sort_key key;
} sort_names[] = {
	{ "date", SORT_DATE },
	{ "date-sent", SORT_DATE },
	{ "date-received", SORT_RECEIVED },
	{ "from", SORT_FROM },
	{ "mailbox-order", SORT_ARRIVAL },
	{ "size", SORT_SIZE },
	{ "subject", SORT_SUBJECT },
	{ "threads", SORT_THREADS },
	{ "to", SORT_TO },
};

bool
sort_parse(const char *s, struct sort_spec *out)
{
	bool reverse = false;

	if (s == NULL)
		return false;
	if (g_str_has_prefix(s, "reverse-")) {
		reverse = true;
		s += strlen("reverse-");
	}
	for (size_t i = 0; i < G_N_ELEMENTS(sort_names); i++) {
		if (strcmp(s, sort_names[i].name) == 0) {
			out->key = sort_names[i].key;
			out->reverse = reverse;
			return true;
		}
	}
	return false;
}

char *
sort_name(const struct sort_spec *spec)
{
	const char *name = "mailbox-order";

	for (size_t i = 0; i < G_N_ELEMENTS(sort_names); i++) {
		if (sort_names[i].key == spec->key) {
			name = sort_names[i].name;
			break;
		}
	}
	return g_strconcat(spec->reverse ? "reverse-" : "", name, NULL);
}

/* One row's sort key, computed once. */
struct item {
	uint32_t uid;
	int64_t num;
	char *text; /* case-folded, or NULL for numeric keys */
};

static int
cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = 0;

	if (x->text != NULL)
		c = strcmp(x->text, y->text);
	else if (x->num != y->num)
		c = x->num < y->num ? -1 : 1;
	if (c == 0)
		c = x->uid < y->uid ? -1 : x->uid > y->uid;
	return c;
}

static char *
fold(const char *s)
{
	return g_utf8_casefold(s, -1);
}

GArray *
sort_envelopes(struct envelope *const *envs, size_t n, enum sort_key key,
    bool reverse)
{
	struct item *items = g_new0(struct item, n);
	GArray *uids = g_array_sized_new(FALSE, FALSE, sizeof(uint32_t), n);

	g_assert(key != SORT_THREADS);
	for (size_t i = 0; i < n; i++) {
		const struct envelope *e = envs[i];
		struct item *it = &items[i];

		it->uid = e->uid;
		switch (key) {
		case SORT_DATE:
			it->num = e->date;
			break;
		case SORT_RECEIVED:
			it->num = e->received;
			break;
		case SORT_SIZE:
			it->num = e->size;
			break;
		case SORT_FROM:
			it->text = fold(e->from);
			break;
		case SORT_TO:
			it->text = fold(e->to);
			break;
		case SORT_SUBJECT: {
			bool reply;
			g_autofree char *base =
			    thread_base_subject(e->subject, &reply);

			it->text = fold(base);
			break;
		}
		default: /* SORT_ARRIVAL: the UID alone */
			break;
		}
	}
	if (n > 1)
		qsort(items, n, sizeof(*items), cmp_item);
	for (size_t i = 0; i < n; i++) {
		size_t k = reverse ? n - 1 - i : i;

		g_array_append_val(uids, items[k].uid);
		g_free(items[k].text);
	}
	g_free(items);
	return uids;
}

GArray *
sort_threads(struct envelope *const *envs, size_t n)
{
	struct thread_msg *msgs = g_new0(struct thread_msg, n);
	char ***refs = g_new0(char **, n);
	GArray *forest;

	for (size_t i = 0; i < n; i++) {
		const struct envelope *e = envs[i];

		const char *references = envelope_references(e);

		refs[i] = thread_parse_ids(references, strlen(references),
		    THREAD_MAX_REFS);
		msgs[i].message_id = envelope_message_id(e);
		msgs[i].in_reply_to = envelope_in_reply_to(e);
		msgs[i].references = (const char *const *)refs[i];
		msgs[i].subject = e->subject;
		msgs[i].date = e->date;
		msgs[i].uid = e->uid;
	}
	forest = thread_build(msgs, n, THREAD_BY_SUBJECT);
	for (size_t i = 0; i < n; i++)
		g_strfreev(refs[i]);
	g_free(refs);
	g_free(msgs);
	return forest;
}

GArray *
sort_tree_tidy(const struct thread_node *nodes, size_t n, bool reverse)
{
	GArray *out =
	    g_array_sized_new(FALSE, FALSE, sizeof(struct thread_node), n);
	uint32_t *kids = g_new0(uint32_t, n);
	uint32_t *map = g_new(uint32_t, n); /* old index -> new index */
	size_t i;

	g_assert(thread_tree_check(nodes, n));
	/* Children each node will have once missing ones inside threads
	 * have handed theirs up (children come after their parent). */
	for (i = n; i-- > 0;) {
		uint32_t p = nodes[i].parent;

		if (p != THREAD_NONE)
			kids[p] += nodes[i].uid == 0 ? kids[i] : 1;
	}
	/* Whole threads in the order asked: roots forwards or backwards. */
	for (size_t k = 0; k < n;) {
		size_t root, end;

		if (!reverse) {
			root = k;
		} else {
			/* The root of the last thread not yet taken. */
			root = n - k - 1;
			while (nodes[root].parent != THREAD_NONE)
				root--;
		}
		end = thread_tree_subtree_end(nodes, n, root);
		for (i = root; i < end; i++) {
			const struct thread_node *v = &nodes[i];
			uint32_t parent = v->parent == THREAD_NONE
			    ? THREAD_NONE
			    : map[v->parent];
			struct thread_node t;

			if (v->uid == 0 &&
			    (v->parent != THREAD_NONE || kids[i] < 2)) {
				/* Not drawn: children go to its parent. */
				map[i] = parent;
				continue;
			}
			t.uid = v->uid;
			t.parent = parent;
			t.depth = parent == THREAD_NONE
			    ? 0
			    : g_array_index(out, struct thread_node, parent)
				    .depth +
				1;
			map[i] = out->len;
			g_array_append_val(out, t);
		}
		k += end - root;
	}
	g_free(kids);
	g_free(map);
	g_assert(
	    thread_tree_check((const struct thread_node *)out->data, out->len));
	return out;
}

guint8 *
sort_tree_next(const struct thread_node *nodes, size_t n)
{
	guint8 *next = g_new0(guint8, n);
	guint8 *seen = g_new0(guint8, n);
	bool root_seen = false;

	/* From the end: a node has a next sibling iff one came after it. */
	for (size_t i = n; i-- > 0;) {
		uint32_t p = nodes[i].parent;

		if (p == THREAD_NONE) {
			next[i] = root_seen;
			root_seen = true;
		} else {
			next[i] = seen[p];
			seen[p] = 1;
		}
	}
	g_free(seen);
	return next;
}
