/* SPDX-License-Identifier: ISC */
/* Client-side threading of messages by Message-ID, References and subject. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/thread.h"

/*
 * A container stands for one Message-ID: a message of msgs, or an id that
 * is only referenced. Containers live in one array and point at each
 * other by index, so nothing moves when the array grows.
 */
struct container {
	uint32_t msg;	 /* index in msgs, or THREAD_NONE */
	uint32_t parent; /* THREAD_NONE for a root */
	uint64_t stamp;	 /* when parent was set: later links count less */
	bool own;	 /* parent set by the message's own references */
};

struct builder {
	const struct thread_msg *msgs;
	size_t n;
	GArray *conts;	     /* struct container */
	GHashTable *ids;     /* id -> container index + 1 */
	GStringChunk *chunk; /* the ids' text */
	GString *scratch;
	uint64_t stamp; /* links made so far */
};

/*
 * A node of the result once containers without a message are gone (but
 * for missing roots that hold two or more): indices into the array of
 * live nodes. Siblings sort by (date, tie).
 */
struct live {
	uint32_t up;  /* the parent's live index, THREAD_NONE for a root */
	uint32_t msg; /* index in msgs, THREAD_NONE for a missing parent */
	int64_t date; /* a missing parent's is its earliest child's */
	uint32_t tie; /* msg, or a missing parent's earliest child's */
	bool dead;    /* a missing parent merged into another node */
};

#define CONT(b, i) (&g_array_index((b)->conts, struct container, (i)))

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The id in s: inside its first "<...>" if any, else s itself; without
 * surrounding spaces. *len_out is 0 when there is none. */
static const char *
id_span(const char *s, size_t *len_out)
{
	const char *end;

	*len_out = 0;
	if (s == NULL)
		return NULL;
	while (is_space(*s))
		s++;
	if (*s == '<') {
		s++;
		end = strchr(s, '>');
		if (end == NULL)
			end = s + strlen(s);
	} else {
		end = s + strlen(s);
	}
	while (s < end && is_space(*s))
		s++;
	while (end > s && is_space(end[-1]))
		end--;
	*len_out = (size_t)(end - s);
	return s;
}

/* The first id of an In-Reply-To text: its first "<...>", or the whole
 * text when it is one word without brackets. */
static const char *
reply_id_span(const char *s, size_t *len_out)
{
	const char *open;

	*len_out = 0;
	if (s == NULL)
		return NULL;
	open = strchr(s, '<');
	if (open != NULL)
		return id_span(open, len_out);
	s = id_span(s, len_out);
	for (size_t i = 0; i < *len_out; i++) {
		if (is_space(s[i])) {
			*len_out = 0;
			return NULL;
		}
	}
	return s;
}

static uint32_t
new_container(struct builder *b, uint32_t msg)
{
	struct container c = { msg, THREAD_NONE, 0, false };

	g_assert(b->conts->len < THREAD_NONE - 1);
	g_array_append_val(b->conts, c);
	return b->conts->len - 1;
}

/* The container of an id, made if it is new. */
static uint32_t
lookup(struct builder *b, const char *id, size_t len)
{
	gpointer v;
	uint32_t c;

	g_string_truncate(b->scratch, 0);
	g_string_append_len(b->scratch, id, (gssize)len);
	v = g_hash_table_lookup(b->ids, b->scratch->str);
	if (v != NULL)
		return GPOINTER_TO_UINT(v) - 1;
	c = new_container(b, THREAD_NONE);
	g_hash_table_insert(b->ids,
	    g_string_chunk_insert_len(b->chunk, id, (gssize)len),
	    GUINT_TO_POINTER(c + 1));
	return c;
}

/* Link message i: its container, then its chain of references. */
static void
link_message(struct builder *b, size_t i, GArray *refs)
{
	const struct thread_msg *m = &b->msgs[i];
	const char *id;
	size_t len, nrefs = 0, first = 0;
	uint32_t c, r;

	id = id_span(m->message_id, &len);
	c = len > 0 ? lookup(b, id, len) : THREAD_NONE;
	if (c == THREAD_NONE || CONT(b, c)->msg != THREAD_NONE)
		c = new_container(b, (uint32_t)i); /* no id, or taken */
	else
		CONT(b, c)->msg = (uint32_t)i;

	g_array_set_size(refs, 0);
	if (m->references != NULL) {
		while (m->references[nrefs] != NULL)
			nrefs++;
		if (nrefs > THREAD_MAX_REFS)
			first = nrefs - THREAD_MAX_REFS;
	}
	for (size_t k = first; k < nrefs; k++) {
		id = id_span(m->references[k], &len);
		if (len == 0)
			continue;
		r = lookup(b, id, len);
		if (r != c)
			g_array_append_val(refs, r);
	}
	if (refs->len == 0) {
		id = reply_id_span(m->in_reply_to, &len);
		if (len > 0 && (r = lookup(b, id, len)) != c)
			g_array_append_val(refs, r);
	}
	if (refs->len == 0)
		return;

	/* Each reference is the parent of the next unless something linked
	 * it first; loops are cut later, all at once. */
	for (guint k = 1; k < refs->len; k++) {
		uint32_t p = g_array_index(refs, uint32_t, k - 1);
		struct container *child =
		    CONT(b, g_array_index(refs, uint32_t, k));

		if (p != g_array_index(refs, uint32_t, k) &&
		    child->parent == THREAD_NONE && !child->own) {
			child->parent = p;
			child->stamp = ++b->stamp;
		}
	}
	/* The message's own references outrank what others said of it. */
	CONT(b, c)->parent = g_array_index(refs, uint32_t, refs->len - 1);
	CONT(b, c)->own = true;
	CONT(b, c)->stamp = ++b->stamp;
}

/*
 * Cut every loop of parent links. Each container has at most one parent,
 * so a walk up from any container either ends at a root or enters one
 * loop; each container is walked once. In a loop, the link made last is
 * cut: the one that closed the loop, which a step-by-step threader such as
 * JWZ's would have refused.
 */
static void
break_loops(struct builder *b)
{
	size_t n = b->conts->len;
	guint8 *state = g_new0(guint8, n); /* 0 new, 1 on the walk, 2 done */

	for (size_t s = 0; s < n; s++) {
		uint32_t x = (uint32_t)s, y, cut = THREAD_NONE;

		while (x != THREAD_NONE && state[x] == 0) {
			state[x] = 1;
			x = CONT(b, x)->parent;
		}
		if (x != THREAD_NONE && state[x] == 1) {
			cut = x;
			for (y = CONT(b, x)->parent; y != x;
			     y = CONT(b, y)->parent) {
				if (CONT(b, y)->stamp > CONT(b, cut)->stamp)
					cut = y;
			}
		}
		/* Mark the walk done (the loop included) before cutting. */
		for (x = (uint32_t)s; x != THREAD_NONE && state[x] == 1;
		     x = CONT(b, x)->parent)
			state[x] = 2;
		if (cut != THREAD_NONE)
			CONT(b, cut)->parent = THREAD_NONE;
	}
	g_free(state);
}

/*
 * For each container, the node its children hang under once containers
 * without a message are removed (RFC 5256 step 4): itself if it has a
 * message or is a root, else the same as its parent's. Iterative, so a
 * chain of any length is fine.
 */
static uint32_t *
hang_points(struct builder *b)
{
	size_t n = b->conts->len;
	uint32_t *hang = g_new(uint32_t, n);
	GArray *path = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	for (size_t i = 0; i < n; i++)
		hang[i] = THREAD_NONE;
	for (size_t s = 0; s < n; s++) {
		uint32_t x = (uint32_t)s, h;

		g_array_set_size(path, 0);
		while (hang[x] == THREAD_NONE) {
			const struct container *c = CONT(b, x);

			if (c->msg != THREAD_NONE || c->parent == THREAD_NONE) {
				hang[x] = x;
				break;
			}
			g_array_append_val(path, x);
			x = c->parent;
		}
		h = hang[x];
		for (guint k = 0; k < path->len; k++)
			hang[g_array_index(path, uint32_t, k)] = h;
	}
	g_array_unref(path);
	return hang;
}

static bool
is_blob_start(const char *s, const char **end_out)
{
	const char *p;

	if (*s != '[')
		return false;
	for (p = s + 1; *p != '\0' && *p != ']'; p++) {
		if (*p == '[')
			return false;
	}
	if (*p != ']')
		return false;
	*end_out = p + 1;
	return true;
}

/* A "re", "fw" or "fwd" prefix (then an optional blob and ':') at s. */
static bool
is_refwd(const char *s, const char **end_out)
{
	const char *p = s;

	if (g_ascii_strncasecmp(p, "re", 2) == 0)
		p += 2;
	else if (g_ascii_strncasecmp(p, "fwd", 3) == 0)
		p += 3;
	else if (g_ascii_strncasecmp(p, "fw", 2) == 0)
		p += 2;
	else
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '[') {
		const char *q;

		if (!is_blob_start(p, &q))
			return false;
		p = q;
	}
	if (*p != ':')
		return false;
	*end_out = p + 1;
	return true;
}

char *
thread_base_subject(const char *subject, bool *is_reply_out)
{
	const char *s = subject != NULL ? subject : "", *end, *next;
	GString *out;
	bool space = false;

	*is_reply_out = false;
	for (;;) {
		while (is_space(*s))
			s++;
		if (is_refwd(s, &next)) {
			*is_reply_out = true;
			s = next;
		} else if (is_blob_start(s, &next)) {
			/* A "[list]" tag, unless it is all there is. */
			const char *rest = next;

			while (is_space(*rest))
				rest++;
			if (*rest == '\0')
				break;
			s = rest;
		} else {
			break;
		}
	}
	end = s + strlen(s);
	for (;;) {
		while (end > s && is_space(end[-1]))
			end--;
		if (end - s >= 5 &&
		    g_ascii_strncasecmp(end - 5, "(fwd)", 5) == 0) {
			*is_reply_out = true;
			end -= 5;
			continue;
		}
		break;
	}
	out = g_string_sized_new((gsize)(end - s));
	for (const char *p = s; p < end; p++) {
		if (is_space(*p)) {
			space = true;
			continue;
		}
		if (space)
			g_string_append_c(out, ' ');
		space = false;
		g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

/*
 * The live nodes: every message, hung under the nearest message above it
 * or under its root when that root is missing; a missing root stays only
 * when it holds two or more messages (RFC 5256 step 4).
 */
static GArray *
make_live(struct builder *b)
{
	size_t ncont = b->conts->len;
	uint32_t *hang = hang_points(b);
	uint32_t *up = g_new(uint32_t, ncont);
	uint32_t *kids = g_new0(uint32_t, ncont);
	uint32_t *lid = g_new(uint32_t, ncont);
	GArray *live =
	    g_array_sized_new(FALSE, FALSE, sizeof(struct live), b->n);

	for (size_t c = 0; c < ncont; c++) {
		const struct container *ct = CONT(b, c);

		up[c] = THREAD_NONE;
		if (ct->msg == THREAD_NONE || ct->parent == THREAD_NONE)
			continue;
		up[c] = hang[ct->parent];
		if (CONT(b, up[c])->msg == THREAD_NONE)
			kids[up[c]]++;
	}
	for (size_t c = 0; c < ncont; c++) {
		const struct container *ct = CONT(b, c);
		struct live l = { THREAD_NONE, ct->msg, 0, 0, false };

		lid[c] = THREAD_NONE;
		if (ct->msg == THREAD_NONE &&
		    (ct->parent != THREAD_NONE || kids[c] < 2))
			continue;
		if (up[c] != THREAD_NONE &&
		    CONT(b, up[c])->msg == THREAD_NONE && kids[up[c]] < 2)
			up[c] =
			    THREAD_NONE; /* an only child of a missing root */
		lid[c] = live->len;
		g_array_append_val(live, l);
	}
	for (size_t c = 0; c < ncont; c++) {
		if (lid[c] != THREAD_NONE && up[c] != THREAD_NONE)
			g_array_index(live, struct live, lid[c]).up =
			    lid[up[c]];
	}
	g_free(hang);
	g_free(up);
	g_free(kids);
	g_free(lid);
	return live;
}

static bool
sorts_before(int64_t date_a, uint32_t tie_a, int64_t date_b, uint32_t tie_b)
{
	return date_a < date_b || (date_a == date_b && tie_a < tie_b);
}

/* Set each node's sort key; a missing parent takes its earliest child's
 * (its children are all messages). */
static void
set_dates(const struct thread_msg *msgs, GArray *live)
{
	struct live *v = (struct live *)(void *)live->data;

	for (guint k = 0; k < live->len; k++) {
		v[k].date =
		    v[k].msg != THREAD_NONE ? msgs[v[k].msg].date : INT64_MAX;
		v[k].tie = v[k].msg;
	}
	for (guint k = 0; k < live->len; k++) {
		struct live *p;

		if (v[k].dead || v[k].up == THREAD_NONE)
			continue;
		p = &v[v[k].up];
		if (p->msg == THREAD_NONE &&
		    sorts_before(v[k].date, v[k].tie, p->date, p->tie)) {
			p->date = v[k].date;
			p->tie = v[k].tie;
		}
	}
}

static bool
is_missing(GArray *live, uint32_t k)
{
	return g_array_index(live, struct live, k).msg == THREAD_NONE;
}

/* Put root r under node t; a missing parent is dissolved into t instead. */
static void
move_root(GArray *live, uint32_t *redirect, uint32_t r, uint32_t t)
{
	struct live *v = &g_array_index(live, struct live, r);

	if (v->msg != THREAD_NONE) {
		v->up = t;
	} else {
		v->dead = true;
		redirect[r] = t;
	}
}

/*
 * Subject grouping (RFC 5256 step 5, restricted as mutt does it): a root
 * that is a reply ("Re: x") goes under the earliest root with the same
 * base subject that is not a reply ("x"); replies whose original is
 * missing all go under one new missing parent. Two roots that are not
 * replies stay apart, so unrelated messages both called "hello" do not
 * become a thread.
 */
static void
group_by_subject(const struct thread_msg *msgs, GArray *live)
{
	guint n = live->len;
	char **base = g_new0(char *, n);
	bool *reply = g_new0(bool, n);
	uint32_t *redirect = g_new(uint32_t, n);
	/* base subject -> live index + 1; keys borrowed from base[] */
	GHashTable *heads = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *orphans = g_hash_table_new(g_str_hash, g_str_equal);

	for (guint k = 0; k < n; k++) {
		const struct live *v = &g_array_index(live, struct live, k);
		gpointer h;

		redirect[k] = THREAD_NONE;
		if (v->up != THREAD_NONE)
			continue;
		base[k] = thread_base_subject(msgs[v->tie].subject, &reply[k]);
		if (*base[k] == '\0' || reply[k])
			continue;
		h = g_hash_table_lookup(heads, base[k]);
		if (h != NULL) {
			const struct live *w = &g_array_index(live, struct live,
			    GPOINTER_TO_UINT(h) - 1);

			if (!sorts_before(v->date, v->tie, w->date, w->tie))
				continue;
		}
		g_hash_table_insert(heads, base[k], GUINT_TO_POINTER(k + 1));
	}
	for (guint k = 0; k < n; k++) {
		gpointer h;
		uint32_t t;

		if (base[k] == NULL || *base[k] == '\0' || !reply[k])
			continue;
		h = g_hash_table_lookup(heads, base[k]);
		if (h != NULL) {
			move_root(live, redirect, k, GPOINTER_TO_UINT(h) - 1);
			continue;
		}
		h = g_hash_table_lookup(orphans, base[k]);
		if (h == NULL) {
			g_hash_table_insert(orphans, base[k],
			    GUINT_TO_POINTER(k + 1));
			continue;
		}
		/* Replies to the same missing original: under one missing
		 * parent, theirs if one has it, else a new one. */
		t = GPOINTER_TO_UINT(h) - 1;
		if (is_missing(live, t)) {
			move_root(live, redirect, k, t);
		} else if (is_missing(live, k)) {
			move_root(live, redirect, t, k);
			g_hash_table_insert(orphans, base[k],
			    GUINT_TO_POINTER(k + 1));
		} else {
			struct live g = { THREAD_NONE, THREAD_NONE, 0, 0,
				false };

			g_array_append_val(live, g);
			move_root(live, redirect, t, live->len - 1);
			move_root(live, redirect, k, live->len - 1);
			g_hash_table_insert(orphans, base[k],
			    GUINT_TO_POINTER(live->len));
		}
	}
	for (guint k = 0; k < live->len; k++) {
		struct live *v = &g_array_index(live, struct live, k);

		if (v->up != THREAD_NONE && v->up < n &&
		    redirect[v->up] != THREAD_NONE)
			v->up = redirect[v->up];
	}
	g_hash_table_unref(heads);
	g_hash_table_unref(orphans);
	for (guint k = 0; k < n; k++)
		g_free(base[k]);
	g_free(base);
	g_free(reply);
	g_free(redirect);
}

/* A live node as the sort sees it: siblings together, in date order. */
struct item {
	uint32_t up; /* THREAD_NONE (roots) sorts last */
	uint32_t id; /* live index */
	int64_t date;
	uint32_t tie;
};

static int
item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->up != y->up)
		return x->up < y->up ? -1 : 1;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if (x->tie != y->tie)
		return x->tie < y->tie ? -1 : 1;
	return 0;
}

/* Walk the forest in pre-order with sorted siblings into the result. */
static GArray *
place(const struct thread_msg *msgs, GArray *live)
{
	const struct live *v = (const struct live *)(void *)live->data;
	guint n = live->len, m = 0, k;
	struct item *items = g_new(struct item, n);
	uint32_t *first = g_new0(uint32_t, n), *count = g_new0(uint32_t, n);
	/* a frame: next item, end of the sibling range, parent's index */
	GArray *stack = g_array_new(FALSE, FALSE, 3 * sizeof(uint32_t));
	GArray *out =
	    g_array_sized_new(FALSE, FALSE, sizeof(struct thread_node), n);
	uint32_t frame[3];

	if (n == 0)
		goto out;
	for (k = 0; k < n; k++) {
		if (!v[k].dead) {
			items[m] =
			    (struct item){ v[k].up, k, v[k].date, v[k].tie };
			m++;
		}
	}
	if (m > 1)
		qsort(items, m, sizeof(*items), item_cmp);
	for (k = 0; k < m && items[k].up != THREAD_NONE; k++) {
		if (count[items[k].up]++ == 0)
			first[items[k].up] = k;
	}
	frame[0] = k;
	frame[1] = m;
	frame[2] = THREAD_NONE;
	g_array_append_val(stack, frame);
	while (stack->len > 0) {
		uint32_t *f =
		    &g_array_index(stack, uint32_t, 3 * (stack->len - 1));
		const struct live *l;
		struct thread_node node;

		if (f[0] == f[1]) {
			g_array_set_size(stack, stack->len - 1);
			continue;
		}
		l = &v[items[f[0]].id];
		node.uid = l->msg != THREAD_NONE ? msgs[l->msg].uid : 0;
		node.parent = f[2];
		node.depth = f[2] == THREAD_NONE
		    ? 0
		    : g_array_index(out, struct thread_node, f[2]).depth + 1;
		g_array_append_val(out, node);
		k = items[f[0]].id;
		f[0]++;
		if (count[k] > 0) {
			frame[0] = first[k];
			frame[1] = first[k] + count[k];
			frame[2] = out->len - 1;
			g_array_append_val(stack, frame);
		}
	}
out:
	g_array_unref(stack);
	g_free(items);
	g_free(first);
	g_free(count);
	return out;
}

GArray *
thread_build(const struct thread_msg *msgs, size_t n, unsigned flags)
{
	struct builder b = { msgs, n, NULL, NULL, NULL, NULL, 0 };
	GArray *refs, *live, *out;

	g_assert(n < THREAD_NONE / 2);
	b.conts = g_array_sized_new(FALSE, FALSE, sizeof(struct container), n);
	b.ids = g_hash_table_new(g_str_hash, g_str_equal);
	b.chunk = g_string_chunk_new(64 * 1024);
	b.scratch = g_string_new(NULL);
	refs = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (size_t i = 0; i < n; i++)
		link_message(&b, i, refs);
	g_array_unref(refs);
	g_hash_table_unref(b.ids);
	g_string_chunk_free(b.chunk);
	g_string_free(b.scratch, TRUE);

	break_loops(&b);
	live = make_live(&b);
	g_array_unref(b.conts);
	set_dates(msgs, live);
	if (flags & THREAD_BY_SUBJECT) {
		group_by_subject(msgs, live);
		set_dates(msgs, live);
	}
	out = place(msgs, live);
	g_array_unref(live);
	return out;
}

char **
thread_parse_ids(const char *buf, size_t len, size_t max)
{
	GArray *spans = g_array_new(FALSE, FALSE, 2 * sizeof(size_t));
	size_t i = 0, first = 0;
	char **out;

	while (i < len) {
		size_t span[2];

		if (buf[i] != '<') {
			i++;
			continue;
		}
		span[0] = ++i;
		while (
		    i < len && buf[i] != '>' && buf[i] != '<' && buf[i] != '\0')
			i++;
		if (i == len || buf[i] != '>')
			continue; /* not closed: go on from where it stopped */
		span[1] = i++;
		while (span[0] < span[1] && is_space(buf[span[0]]))
			span[0]++;
		while (span[1] > span[0] && is_space(buf[span[1] - 1]))
			span[1]--;
		if (span[1] > span[0])
			g_array_append_val(spans, span);
	}
	if (max > 0 && spans->len > max)
		first = spans->len - max;
	out = g_new(char *, spans->len - first + 1);
	for (size_t k = first; k < spans->len; k++) {
		const size_t *span = &g_array_index(spans, size_t, 2 * k);

		out[k - first] = g_strndup(buf + span[0], span[1] - span[0]);
	}
	out[spans->len - first] = NULL;
	g_array_unref(spans);
	return out;
}
