/* SPDX-License-Identifier: ISC */
/* Unit tests for core/thread: client-side threading. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "backend/thread-tree.h"
#include "core/thread.h"

/* A message as a test writes it: refs is space-separated. */
struct spec {
	uint32_t uid;
	const char *id;
	const char *irt;
	const char *refs;
	const char *subject;
	int64_t date;
};

/* The messages of specs; *refs_out keeps the reference arrays alive. */
static struct thread_msg *
make_msgs(const struct spec *specs, size_t n, GPtrArray **refs_out)
{
	struct thread_msg *msgs = g_new0(struct thread_msg, n);

	*refs_out = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	for (size_t i = 0; i < n; i++) {
		msgs[i].uid = specs[i].uid;
		msgs[i].message_id = specs[i].id;
		msgs[i].in_reply_to = specs[i].irt;
		msgs[i].subject = specs[i].subject;
		msgs[i].date =
		    specs[i].date != 0 ? specs[i].date : (int64_t)specs[i].uid;
		if (specs[i].refs != NULL) {
			char **v = g_strsplit(specs[i].refs, " ", -1);

			g_ptr_array_add(*refs_out, v);
			msgs[i].references = (const char *const *)v;
		}
	}
	return msgs;
}

/* The sort date of node i: its message's, or its earliest child's. */
static int64_t
node_date(const struct thread_node *v, size_t len, size_t i, GHashTable *dates)
{
	int64_t d = INT64_MAX;

	if (v[i].uid != 0)
		return *(int64_t *)g_hash_table_lookup(dates,
		    GUINT_TO_POINTER(v[i].uid));
	for (size_t j = i + 1; j < len && v[j].depth > v[i].depth; j++) {
		if (v[j].parent == i)
			d = MIN(d, node_date(v, len, j, dates));
	}
	return d;
}

/*
 * What every result must keep: the tree invariants, each message exactly
 * once, missing parents only as roots holding two or more, siblings in
 * date order.
 */
static void
check_forest(GArray *nodes, const struct thread_msg *msgs, size_t n)
{
	const struct thread_node *v = (const struct thread_node *)nodes->data;
	GHashTable *dates = g_hash_table_new(NULL, NULL);
	GHashTable *seen = g_hash_table_new(NULL, NULL);
	size_t dummies = 0;

	g_assert_true(thread_tree_check(v, nodes->len));
	for (size_t i = 0; i < n; i++)
		g_hash_table_insert(dates, GUINT_TO_POINTER(msgs[i].uid),
		    (gpointer)&msgs[i].date);
	for (size_t i = 0; i < nodes->len; i++) {
		uint32_t next;

		if (v[i].uid == 0) {
			size_t kids = 0;

			dummies++;
			g_assert_cmpuint(v[i].parent, ==, THREAD_NONE);
			for (size_t j = i + 1; j < nodes->len && v[j].depth > 0;
			     j++)
				kids += v[j].parent == i;
			g_assert_cmpuint(kids, >=, 2);
		} else {
			g_assert_true(
			    g_hash_table_add(seen, GUINT_TO_POINTER(v[i].uid)));
		}
		next = thread_tree_next_sibling(v, nodes->len, i);
		if (next != THREAD_NONE && n < 5000)
			g_assert_cmpint(node_date(v, nodes->len, i, dates), <=,
			    node_date(v, nodes->len, next, dates));
	}
	g_assert_cmpuint(g_hash_table_size(seen), ==, n);
	g_assert_cmpuint(nodes->len, ==, n + dummies);
	g_hash_table_unref(dates);
	g_hash_table_unref(seen);
}

/* Thread specs and compare the "uid:depth" rendering with expect. */
static void
check_flags(const struct spec *specs, size_t n, unsigned flags,
    const char *expect)
{
	GPtrArray *refs;
	struct thread_msg *msgs = make_msgs(specs, n, &refs);
	GArray *nodes = thread_build(msgs, n, flags);
	const struct thread_node *v = (const struct thread_node *)nodes->data;
	GString *s = g_string_new(NULL);

	check_forest(nodes, msgs, n);
	for (guint i = 0; i < nodes->len; i++)
		g_string_append_printf(s, "%s%u:%u", i > 0 ? " " : "", v[i].uid,
		    v[i].depth);
	g_assert_cmpstr(s->str, ==, expect);
	g_string_free(s, TRUE);
	g_array_unref(nodes);
	g_free(msgs);
	g_ptr_array_unref(refs);
}

#define CHECK(specs, expect) check_flags(specs, G_N_ELEMENTS(specs), 0, expect)
#define CHECK_SUBJECT(specs, expect)                                           \
	check_flags(specs, G_N_ELEMENTS(specs), THREAD_BY_SUBJECT, expect)

static void
test_empty(void)
{
	GArray *nodes = thread_build(NULL, 0, THREAD_BY_SUBJECT);

	g_assert_cmpuint(nodes->len, ==, 0);
	g_array_unref(nodes);
}

static void
test_chain(void)
{
	static const struct spec in_order[] = {
		{ 1, "<a@x>", NULL, NULL, "s", 0 },
		{ 2, "<b@x>", "<a@x>", "<a@x>", "Re: s", 0 },
		{ 3, "<c@x>", "<b@x>", "<a@x> <b@x>", "Re: s", 0 },
		{ 4, "<d@x>", "<a@x>", "<a@x>", "Re: s", 0 },
	};
	/* The same, given backwards, and ids without brackets. */
	static const struct spec backwards[] = {
		{ 4, "d@x", NULL, "a@x", "Re: s", 0 },
		{ 3, " <c@x> ", NULL, "a@x <b@x>", "Re: s", 0 },
		{ 2, "b@x", NULL, "<a@x>", "Re: s", 0 },
		{ 1, "a@x", NULL, NULL, "s", 0 },
	};

	CHECK(in_order, "1:0 2:1 3:2 4:1");
	CHECK(backwards, "1:0 2:1 3:2 4:1");
}

static void
test_in_reply_to(void)
{
	static const struct spec specs[] = {
		{ 1, "<a@x>", NULL, NULL, NULL, 0 },
		{ 2, "<b@x>", "Your message of Monday <a@x> (sic)", NULL, NULL,
		    0 },
		{ 3, "<c@x>", "b@x", NULL, NULL, 0 },
		/* Junk without brackets is no id. */
		{ 4, "<d@x>", "your message of monday", NULL, NULL, 0 },
		/* References win over In-Reply-To (RFC 5256). */
		{ 5, "<e@x>", "<b@x>", "<a@x>", NULL, 0 },
	};

	CHECK(specs, "1:0 2:1 3:2 5:1 4:0");
}

static void
test_missing_parent(void)
{
	/* Two replies to a message not in the folder share a parent. */
	static const struct spec siblings[] = {
		{ 1, "<a@x>", NULL, "<gone@x>", NULL, 10 },
		{ 2, "<b@x>", NULL, "<gone@x>", NULL, 5 },
		{ 3, "<c@x>", NULL, NULL, NULL, 7 },
	};
	/* One reply alone is a root. */
	static const struct spec alone[] = {
		{ 1, "<a@x>", NULL, "<gone@x>", NULL, 0 },
	};
	/* A missing middle is skipped over. */
	static const struct spec middle[] = {
		{ 1, "<a@x>", NULL, NULL, NULL, 0 },
		{ 3, "<c@x>", NULL, "<a@x> <gone@x>", NULL, 0 },
		{ 4, "<d@x>", NULL, "<a@x> <gone@x> <gone2@x>", NULL, 0 },
	};
	/* Missing parents above a missing root collapse into it. */
	static const struct spec deep[] = {
		{ 1, "<a@x>", NULL, "<r@x> <m1@x>", NULL, 0 },
		{ 2, "<b@x>", NULL, "<r@x> <m2@x> <m3@x>", NULL, 0 },
	};

	/* The missing parent sorts by its earliest child (5), before 7. */
	CHECK(siblings, "0:0 2:1 1:1 3:0");
	CHECK(alone, "1:0");
	CHECK(middle, "1:0 3:1 4:1");
	CHECK(deep, "0:0 1:1 2:1");
}

static void
test_loops(void)
{
	static const struct spec two[] = {
		{ 1, "<a@x>", NULL, "<b@x>", NULL, 0 },
		{ 2, "<b@x>", NULL, "<a@x>", NULL, 0 },
	};
	static const struct spec three[] = {
		{ 1, "<a@x>", NULL, "<c@x>", NULL, 0 },
		{ 2, "<b@x>", NULL, "<a@x>", NULL, 0 },
		{ 3, "<c@x>", NULL, "<b@x>", NULL, 0 },
		{ 4, "<d@x>", NULL, "<b@x>", NULL, 0 },
	};
	/* A loop inside one References list. */
	static const struct spec inside[] = {
		{ 1, "<a@x>", NULL, NULL, NULL, 0 },
		{ 2, "<b@x>", NULL, NULL, NULL, 0 },
		{ 3, "<c@x>", NULL, "<a@x> <b@x> <a@x>", NULL, 0 },
	};
	/* A loop made by other messages' lists, not a message's own. */
	static const struct spec others[] = {
		{ 1, "<a@x>", NULL, NULL, NULL, 0 },
		{ 2, "<b@x>", NULL, NULL, NULL, 0 },
		{ 3, "<c@x>", NULL, "<a@x> <b@x> <c2@x>", NULL, 0 },
		{ 4, "<d@x>", NULL, "<b@x> <a@x> <d2@x>", NULL, 0 },
	};

	/* b is cut from a: b is the root, a its child. */
	CHECK(two, "2:0 1:1");
	CHECK(three, "3:0 1:1 2:2 4:3");
	CHECK(inside, "1:0 2:1 3:1");
	CHECK(others, "1:0 2:1 3:2 4:1");
}

static void
test_self_reference(void)
{
	static const struct spec specs[] = {
		{ 1, "<a@x>", "<a@x>", "<a@x>", NULL, 0 },
		{ 2, "<b@x>", NULL, "<a@x> <b@x>", NULL, 0 },
		{ 3, "<c@x>", NULL, "<c@x> <c@x>", NULL, 0 },
	};

	CHECK(specs, "1:0 2:1 3:0");
}

static void
test_duplicates(void)
{
	static const struct spec specs[] = {
		{ 1, "<a@x>", NULL, NULL, NULL, 0 },
		{ 2, "<a@x>", NULL, NULL, NULL, 0 }, /* same id: a copy */
		{ 3, "<b@x>", NULL, "<a@x>", NULL, 0 },
		{ 4, "<a@x>", NULL, "<b@x>", NULL, 0 }, /* taken id, refs */
		{ 5, "<c@x>", NULL, "<a@x>", NULL, 0 },
	};

	/* Replies to a@x go under its first holder. */
	CHECK(specs, "1:0 3:1 4:2 5:1 2:0");
}

static void
test_no_message_id(void)
{
	static const struct spec specs[] = {
		{ 1, "<a@x>", NULL, NULL, NULL, 0 },
		{ 2, NULL, NULL, "<a@x>", NULL, 0 },
		{ 3, "", "<a@x>", NULL, NULL, 0 },
		{ 4, "  ", NULL, NULL, NULL, 0 },
		{ 5, "<>", NULL, "<>", NULL, 0 },
		{ 6, NULL, NULL, NULL, NULL, 0 },
	};

	CHECK(specs, "1:0 2:1 3:1 4:0 5:0 6:0");
}

static void
test_order(void)
{
	static const struct spec specs[] = {
		{ 1, "<a@x>", NULL, NULL, NULL, 50 },
		{ 2, "<b@x>", NULL, "<a@x>", NULL, 70 },
		{ 3, "<c@x>", NULL, "<a@x>", NULL, 60 },
		{ 4, "<d@x>", NULL, NULL, NULL, 40 },
		{ 5, "<e@x>", NULL, "<a@x>", NULL, 60 }, /* tie: by position */
		{ 6, "<f@x>", NULL, NULL, NULL, -5 },	 /* before 1970 */
		{ 7, "<g@x>", NULL, NULL, NULL, 40 },
	};

	CHECK(specs, "6:0 4:0 7:0 1:0 3:1 5:1 2:1");
}

static void
test_subject(void)
{
	static const struct spec specs[] = {
		{ 1, "<a@x>", NULL, NULL, "hello", 10 },
		{ 2, "<b@x>", NULL, NULL, "Re: hello", 20 },
		{ 3, "<c@x>", NULL, NULL, "hello", 30 }, /* not a reply */
		{ 4, "<d@x>", NULL, NULL, "RE: [list] Fwd: hello", 5 },
		{ 5, "<e@x>", NULL, "<b@x>", "Re: hello", 25 },
		{ 6, "<f@x>", NULL, NULL, "Re: other", 1 },
		{ 7, "<g@x>", NULL, NULL, "Re[2]: other", 2 },
		{ 8, "<h@x>", NULL, NULL, "Re: lonely", 3 },
		{ 9, "<i@x>", NULL, NULL, "", 4 },
		{ 10, "<j@x>", NULL, NULL, "Re:", 6 },
	};
	/* A missing root whose thread is a reply is moved whole. */
	static const struct spec dissolve[] = {
		{ 1, "<a@x>", NULL, NULL, "topic", 10 },
		{ 2, "<b@x>", NULL, "<gone@x>", "Re: topic", 20 },
		{ 3, "<c@x>", NULL, "<gone@x>", "Re: topic", 15 },
		{ 4, "<d@x>", NULL, "<gone2@x>", "Re: orphan", 30 },
		{ 5, "<e@x>", NULL, "<gone2@x>", "Re: orphan", 31 },
		{ 6, "<f@x>", NULL, NULL, "Re: orphan", 29 },
	};

	CHECK(specs, "6:0 7:0 8:0 9:0 4:0 10:0 1:0 2:0 5:1 3:0");
	/* "other" has no original: its replies share a missing parent. */
	CHECK_SUBJECT(specs, "0:0 6:1 7:1 8:0 9:0 10:0 1:0 4:1 2:1 5:2 3:0");
	CHECK(dissolve, "1:0 0:0 3:1 2:1 6:0 0:0 4:1 5:1");
	CHECK_SUBJECT(dissolve, "1:0 3:1 2:1 0:0 6:1 4:1 5:1");
}

static void
test_base_subject(void)
{
	static const struct {
		const char *in, *out;
		bool reply;
	} cases[] = {
		{ "hello", "hello", false },
		{ "  hello   world  ", "hello world", false },
		{ "Re: hello", "hello", true },
		{ "re:hello", "hello", true },
		{ "RE: Re: Fwd: hello", "hello", true },
		{ "Fw: hello", "hello", true },
		{ "Re [3]: hello", "hello", true },
		{ "Re[3]: hello", "hello", true },
		{ "[list] Re: hello", "hello", true },
		{ "Re: [list] hello", "hello", true },
		{ "[list]", "[list]", false },
		{ "[list] ", "[list]", false },
		{ "hello (fwd)", "hello", true },
		{ "hello (FWD) (fwd)", "hello", true },
		{ "Reply: hello", "Reply: hello", false },
		{ "Re hello", "Re hello", false },
		{ "Re[: hello", "Re[: hello", false },
		{ "[a[b] hello", "[a[b] hello", false },
		{ "hello\tworld\r\n", "hello world", false },
		{ "", "", false },
		{ NULL, "", false },
		{ "Re:", "", true },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		bool reply = !cases[i].reply;
		g_autofree char *out = thread_base_subject(cases[i].in, &reply);

		g_assert_cmpstr(out, ==, cases[i].out);
		g_assert_cmpint(reply, ==, cases[i].reply);
	}
}

static void
test_parse_ids(void)
{
	static const char hdr[] = "<a@x> <b@x>\r\n\t<c@x> (comment) junk "
				  "< d@x > <> <e@x";
	g_auto(GStrv) all = thread_parse_ids(hdr, strlen(hdr), 0);
	g_auto(GStrv) last = thread_parse_ids(hdr, strlen(hdr), 2);
	g_auto(GStrv) none = thread_parse_ids("junk", 4, 0);
	g_auto(GStrv) nested = thread_parse_ids("<<a@x>>", 7, 0);
	g_auto(GStrv) nul = thread_parse_ids("<a\0b> <c@x>", 11, 0);
	g_autofree char *joined = g_strjoinv(",", all);

	g_assert_cmpstr(joined, ==, "a@x,b@x,c@x,d@x");
	g_assert_cmpuint(g_strv_length(last), ==, 2);
	g_assert_cmpstr(last[0], ==, "c@x");
	g_assert_cmpstr(last[1], ==, "d@x");
	g_assert_cmpuint(g_strv_length(none), ==, 0);
	g_assert_cmpuint(g_strv_length(nested), ==, 1);
	g_assert_cmpstr(nested[0], ==, "a@x");
	g_assert_cmpuint(g_strv_length(nul), ==, 1);
	g_assert_cmpstr(nul[0], ==, "c@x");

	/* Every prefix parses without reading past it. */
	for (size_t cut = 0; cut <= strlen(hdr); cut++) {
		char *copy = g_memdup2(hdr, cut);
		char **ids = thread_parse_ids(copy, cut, 3);

		g_assert_cmpuint(g_strv_length(ids), <=, 3);
		g_strfreev(ids);
		g_free(copy);
	}
}

/* More references than THREAD_MAX_REFS: the oldest are dropped. */
static void
test_many_refs(void)
{
	GPtrArray *refs = g_ptr_array_new_with_free_func(g_free);
	struct thread_msg msgs[2] = { 0 };
	GArray *nodes;
	const struct thread_node *v;

	for (int i = 0; i < 10000; i++)
		g_ptr_array_add(refs, g_strdup_printf("<r%d@x>", i));
	g_ptr_array_add(refs, g_strdup("<a@x>"));
	g_ptr_array_add(refs, NULL);
	msgs[0] = (struct thread_msg){ "<a@x>", NULL, NULL, "s", 1, 1 };
	msgs[1] = (struct thread_msg){ "<b@x>", NULL,
		(const char *const *)refs->pdata, "s", 2, 2 };
	nodes = thread_build(msgs, 2, 0);
	check_forest(nodes, msgs, 2);
	v = (const struct thread_node *)nodes->data;
	g_assert_cmpuint(nodes->len, ==, 2);
	g_assert_cmpuint(v[0].uid, ==, 1);
	g_assert_cmpuint(v[1].uid, ==, 2);
	g_assert_cmpuint(v[1].depth, ==, 1);
	g_array_unref(nodes);
	g_ptr_array_unref(refs);
}

/* Random small folders: ids from a small pool, so duplicates, loops and
 * missing parents are common; the invariants must hold. */
static void
test_random(void)
{
	for (int round = 0; round < 3000; round++) {
		size_t n = (size_t)g_test_rand_int_range(0, 12);
		struct thread_msg *msgs = g_new0(struct thread_msg, n);
		GPtrArray *keep = g_ptr_array_new_with_free_func(g_free);
		GPtrArray *refv = g_ptr_array_new_with_free_func(g_free);
		GArray *nodes;

		for (size_t i = 0; i < n; i++) {
			int nrefs = g_test_rand_int_range(0, 5);
			const char **refs = g_new0(const char *, nrefs + 1);
			char *s;

			if (g_test_rand_int_range(0, 6) > 0) {
				s = g_strdup_printf("<%d@x>",
				    g_test_rand_int_range(0, 10));
				g_ptr_array_add(keep, s);
				msgs[i].message_id = s;
			}
			for (int k = 0; k < nrefs; k++) {
				s = g_strdup_printf("<%d@x>",
				    g_test_rand_int_range(0, 14));
				g_ptr_array_add(keep, s);
				refs[k] = s;
			}
			g_ptr_array_add(refv, refs);
			msgs[i].references = refs;
			msgs[i].uid = (uint32_t)i + 1;
			msgs[i].date = g_test_rand_int_range(0, 4);
			msgs[i].subject =
			    g_test_rand_bit() ? "Re: same" : "same";
		}
		nodes =
		    thread_build(msgs, n, round % 2 ? THREAD_BY_SUBJECT : 0);
		check_forest(nodes, msgs, n);
		g_array_unref(nodes);
		g_ptr_array_unref(keep);
		g_ptr_array_unref(refv);
		g_free(msgs);
	}
}

/* Synthetic folders of 100k messages, for time (printed, not asserted). */
struct big {
	struct thread_msg *msgs;
	char **ids;
	const char ***refs;
	size_t n;
};

static void
big_free(struct big *b)
{
	for (size_t i = 0; i < b->n; i++) {
		g_free(b->ids[i]);
		g_free(b->refs[i]);
	}
	g_free(b->ids);
	g_free(b->refs);
	g_free(b->msgs);
}

static void
time_build(const char *what, struct big *b, unsigned flags)
{
	gint64 start = g_get_monotonic_time();
	GArray *nodes = thread_build(b->msgs, b->n, flags);
	gint64 usec = g_get_monotonic_time() - start;

	g_test_message("%s: %zu messages threaded in %.1f ms", what, b->n,
	    usec / 1000.0);
	check_forest(nodes, b->msgs, b->n);
	g_array_unref(nodes);
}

/* Threads of 1 to 20 messages; each refers to up to 10 ancestors, some
 * originals are missing, some ids are duplicated. */
static void
test_big_realistic(void)
{
	struct big b = { 0 };
	const size_t n = 100000;
	static const char *const subjects[] = { "status", "Re: status",
		"lunch?", "Re: lunch?", "[dev] patch v2",
		"Re: [dev] patch v2" };

	b.n = n;
	b.msgs = g_new0(struct thread_msg, n);
	b.ids = g_new0(char *, n);
	b.refs = g_new0(const char **, n);
	for (size_t i = 0; i < n;) {
		size_t len = (size_t)g_test_rand_int_range(1, 21);
		size_t base = i;

		for (size_t k = 0; k < len && i < n; k++, i++) {
			size_t nrefs = MIN(k, 10), depth;

			b.ids[i] = (i % 997 == 0 && i > 0)
			    ? g_strdup(b.ids[i - 1])
			    : g_strdup_printf("<%zu.%u@example.org>", i,
				  g_test_rand_int());
			b.refs[i] = g_new0(const char *, nrefs + 1);
			/* References: a random path up the thread. */
			depth = k;
			for (size_t r = nrefs; r > 0; r--) {
				depth = (size_t)g_test_rand_int_range(0,
				    (int)depth);
				b.refs[i][r - 1] = b.ids[base + depth];
				if (depth == 0)
					break;
			}
			/* Compact out the unused front slots. */
			{
				size_t w = 0;

				for (size_t r = 0; r < nrefs; r++) {
					if (b.refs[i][r] != NULL)
						b.refs[i][w++] = b.refs[i][r];
				}
				b.refs[i][w] = NULL;
			}
			b.msgs[i].message_id = b.ids[i];
			b.msgs[i].references = b.refs[i];
			b.msgs[i].subject =
			    subjects[g_test_rand_int_range(0, 6)];
			b.msgs[i].date =
			    1700000000 + g_test_rand_int_range(0, 1000000);
			b.msgs[i].uid = (uint32_t)i + 1;
		}
		/* Now and then the thread's original is not in the folder. */
		if (g_test_rand_int_range(0, 10) == 0)
			b.msgs[base].message_id = "<deleted@example.org>";
	}
	time_build("realistic", &b, 0);
	time_build("realistic, by subject", &b, THREAD_BY_SUBJECT);
	big_free(&b);
}

/* Hostile shapes: one chain 100k deep, one loop of 100k, and every
 * message with THREAD_MAX_REFS fresh references plus one loop back. */
static void
test_big_hostile(void)
{
	struct big b = { 0 };
	const size_t n = 100000;

	b.n = n;
	b.msgs = g_new0(struct thread_msg, n);
	b.ids = g_new0(char *, n);
	b.refs = g_new0(const char **, n);
	for (size_t i = 0; i < n; i++)
		b.ids[i] = g_strdup_printf("<%zu@x>", i);
	for (size_t i = 0; i < n; i++) {
		b.refs[i] = g_new0(const char *, 2);
		b.refs[i][0] = i > 0 ? b.ids[i - 1] : NULL;
		b.msgs[i] = (struct thread_msg){ b.ids[i], NULL, b.refs[i],
			"Re: chain", (int64_t)i, (uint32_t)i + 1 };
	}
	time_build("one chain", &b, THREAD_BY_SUBJECT);

	for (size_t i = 0; i < n; i++)
		b.refs[i][0] = b.ids[(i + 1) % n];
	time_build("one loop", &b, 0);

	for (size_t i = 0; i < n; i++) {
		g_free(b.refs[i]);
		b.refs[i] = g_new0(const char *, THREAD_MAX_REFS + 2);
		for (size_t r = 0; r < THREAD_MAX_REFS; r++)
			b.refs[i][r] = b.ids[(i * 7 + r * 13) % n];
		b.refs[i][THREAD_MAX_REFS] = b.ids[(i + n - 1) % n];
		b.msgs[i].references = b.refs[i];
		b.msgs[i].date = 0; /* all equal */
	}
	time_build("tangled, THREAD_MAX_REFS references each", &b,
	    THREAD_BY_SUBJECT);
	big_free(&b);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/thread/empty", test_empty);
	g_test_add_func("/thread/chain", test_chain);
	g_test_add_func("/thread/in-reply-to", test_in_reply_to);
	g_test_add_func("/thread/missing-parent", test_missing_parent);
	g_test_add_func("/thread/loops", test_loops);
	g_test_add_func("/thread/self-reference", test_self_reference);
	g_test_add_func("/thread/duplicates", test_duplicates);
	g_test_add_func("/thread/no-message-id", test_no_message_id);
	g_test_add_func("/thread/order", test_order);
	g_test_add_func("/thread/subject", test_subject);
	g_test_add_func("/thread/base-subject", test_base_subject);
	g_test_add_func("/thread/parse-ids", test_parse_ids);
	g_test_add_func("/thread/many-refs", test_many_refs);
	g_test_add_func("/thread/random", test_random);
	g_test_add_func("/thread/big-realistic", test_big_realistic);
	g_test_add_func("/thread/big-hostile", test_big_hostile);
	return g_test_run();
}
