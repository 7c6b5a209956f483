/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/sort.c: the sort option's names (the same the
 * options table accepts), client-side orders, and the forest made fit to
 * draw (missing messages, reversed threads, sibling flags).
 */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "backend/types.h"
#include "config/options.h"
#include "core/sort.h"

static void
test_names(void)
{
	static const char *const names[] = { "date", "date-sent",
		"date-received", "from", "mailbox-order", "size", "subject",
		"threads", "to" };
	const struct option_def *opt = option_find("sort");
	struct sort_spec spec;

	g_assert_nonnull(opt);
	g_assert_nonnull(opt->check);
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		for (int rev = 0; rev < 2; rev++) {
			g_autofree char *value =
			    g_strconcat(rev ? "reverse-" : "", names[i], NULL);
			g_autofree char *back = NULL;
			struct sort_spec again;

			g_assert_true(sort_parse(value, &spec));
			g_assert_cmpint(spec.reverse, ==, rev);
			g_assert_true(opt->check(value, NULL));
			back = sort_name(&spec);
			g_assert_true(sort_parse(back, &again));
			g_assert_cmpint(again.key, ==, spec.key);
			g_assert_cmpint(again.reverse, ==, spec.reverse);
		}
	}
	g_assert_true(sort_parse(opt->def, &spec));
	g_assert_cmpint(spec.key, ==, SORT_ARRIVAL);
	g_assert_true(spec.reverse);
	g_assert_true(sort_parse("date-received", &spec));
	g_assert_cmpint(spec.key, ==, SORT_RECEIVED);
	g_assert_true(sort_parse("reverse-threads", &spec));
	g_assert_cmpint(spec.key, ==, SORT_THREADS);
	for (const char *const *bad = (const char *const[]){ "", "reverse-",
		 "Date", "reverse-reverse-date", "score", " date", NULL };
	     *bad != NULL; bad++) {
		g_assert_false(sort_parse(*bad, &spec));
		g_assert_false(opt->check(*bad, NULL));
	}
}

static struct envelope *
env(uint32_t uid, const char *from, const char *subject, int64_t date)
{
	struct envelope_fields f = {
		.uid = uid,
		.size = 100 - uid,
		.date = date,
		.received = 1000 - date,
		.from = from,
		.to = from,
		.subject = subject,
	};

	return envelope_new(&f);
}

static char *
order(struct envelope *const *envs, size_t n, enum sort_key key, bool rev)
{
	GArray *uids = sort_envelopes(envs, n, key, rev);
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < uids->len; i++)
		g_string_append_printf(s, "%s%u", i > 0 ? " " : "",
		    g_array_index(uids, uint32_t, i));
	g_array_unref(uids);
	return g_string_free(s, FALSE);
}

static void
check_order(struct envelope *const *envs, size_t n, enum sort_key key, bool rev,
    const char *want)
{
	g_autofree char *got = order(envs, n, key, rev);

	g_assert_cmpstr(got, ==, want);
}

static void
test_envelopes(void)
{
	struct envelope *e[] = {
		env(1, "bob", "Re: Zebra", 30),
		env(2, "Alice", "apple", 10),
		env(3, "Élise", "Fwd: zebra", 20),
		env(4, "alice", "Mango", 20),
	};
	size_t n = G_N_ELEMENTS(e);

	/* Base subjects, case ignored; ties by UID. */
	check_order(e, n, SORT_SUBJECT, false, "2 4 1 3");
	check_order(e, n, SORT_SUBJECT, true, "3 1 4 2");
	check_order(e, n, SORT_FROM, false, "2 4 1 3");
	check_order(e, n, SORT_TO, false, "2 4 1 3");
	check_order(e, n, SORT_DATE, false, "2 3 4 1");
	check_order(e, n, SORT_RECEIVED, false, "1 3 4 2");
	check_order(e, n, SORT_SIZE, false, "4 3 2 1");
	check_order(e, n, SORT_ARRIVAL, true, "4 3 2 1");
	check_order(e, 0, SORT_DATE, false, "");
	for (size_t i = 0; i < n; i++)
		g_free(e[i]);
}

static char *
forest_string(const GArray *a)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < a->len; i++) {
		const struct thread_node *v =
		    &g_array_index(a, struct thread_node, i);

		g_string_append_printf(s, "%s%u:%u", i > 0 ? " " : "", v->uid,
		    v->depth);
	}
	return g_string_free(s, FALSE);
}

/* Nodes from "uid:depth ..." (parents follow from the depths). */
static GArray *
forest_of(const char *spec)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(struct thread_node));
	g_auto(GStrv) items = g_strsplit(spec, " ", -1);

	for (size_t i = 0; items[i] != NULL; i++) {
		struct thread_node v;
		unsigned uid, depth;

		g_assert_cmpint(sscanf(items[i], "%u:%u", &uid, &depth), ==, 2);
		v.uid = uid;
		v.depth = depth;
		v.parent = THREAD_NONE;
		if (depth > 0) {
			guint p = a->len;

			while (
			    g_array_index(a, struct thread_node, p - 1).depth >=
			    depth)
				p--;
			v.parent = p - 1;
		}
		g_array_append_val(a, v);
	}
	g_assert_true(
	    thread_tree_check((const struct thread_node *)a->data, a->len));
	return a;
}

static void
check_tidy(const char *in, bool reverse, const char *want)
{
	GArray *a = forest_of(in);
	GArray *b = sort_tree_tidy((const struct thread_node *)a->data, a->len,
	    reverse);
	g_autofree char *got = forest_string(b);

	g_assert_cmpstr(got, ==, want);
	g_array_unref(a);
	g_array_unref(b);
}

static void
test_tidy(void)
{
	check_tidy("", false, "");
	check_tidy("1:0 2:1 3:2 4:0", false, "1:0 2:1 3:2 4:0");
	/* A missing root holding two threads stays. */
	check_tidy("0:0 1:1 2:1 3:2", false, "0:0 1:1 2:1 3:2");
	/* Holding one: its child becomes the root. */
	check_tidy("0:0 1:1 2:2 3:0", false, "1:0 2:1 3:0");
	/* Missing inside a thread: its children move up. */
	check_tidy("1:0 0:1 2:2 3:3 4:2 5:1", false, "1:0 2:1 3:2 4:1 5:1");
	/* Both at once, nested. */
	check_tidy("0:0 0:1 1:2 2:2", false, "0:0 1:1 2:1");
	/* Reversed: the threads turn round, each kept whole. */
	check_tidy("1:0 2:1 3:0 4:0 5:1 6:2", true, "4:0 5:1 6:2 3:0 1:0 2:1");
	check_tidy("0:0 1:1 2:1 3:0", true, "3:0 0:0 1:1 2:1");
}

static void
test_next(void)
{
	GArray *a = forest_of("1:0 2:1 3:2 4:1 5:0 0:0 6:1 7:1");
	g_autofree guint8 *next =
	    sort_tree_next((const struct thread_node *)a->data, a->len);
	const guint8 want[] = { 1, 1, 0, 0, 1, 0, 1, 0 };

	for (guint i = 0; i < a->len; i++)
		g_assert_cmpuint(next[i], ==, want[i]);
	g_array_unref(a);
}

static void
test_threads(void)
{
	struct envelope_fields f[] = {
		{ .uid = 1, .date = 10, .subject = "a", .message_id = "<a@x>" },
		{ .uid = 2, .date = 20, .subject = "b", .message_id = "<b@x>" },
		{ .uid = 3,
		    .date = 30,
		    .subject = "Re: a",
		    .message_id = "<c@x>",
		    .in_reply_to = "<a@x>",
		    .references = "<a@x>" },
		{ .uid = 4,
		    .date = 40,
		    .subject = "Re: a",
		    .message_id = "<d@x>",
		    .references = "<a@x> <c@x>" },
		/* Two replies to a message not in the folder. */
		{ .uid = 5,
		    .date = 50,
		    .subject = "Re: gone",
		    .message_id = "<e@x>",
		    .references = "<gone@x>" },
		{ .uid = 6,
		    .date = 60,
		    .subject = "Re: gone",
		    .message_id = "<f@x>",
		    .references = "<gone@x>" },
	};
	struct envelope *e[G_N_ELEMENTS(f)];
	GArray *forest, *tidy;
	g_autofree char *got = NULL, *rev = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(f); i++)
		e[i] = envelope_new(&f[i]);
	forest = sort_threads(e, G_N_ELEMENTS(e));
	tidy = sort_tree_tidy((const struct thread_node *)forest->data,
	    forest->len, false);
	got = forest_string(tidy);
	g_assert_cmpstr(got, ==, "1:0 3:1 4:2 2:0 0:0 5:1 6:1");
	g_array_unref(tidy);
	tidy = sort_tree_tidy((const struct thread_node *)forest->data,
	    forest->len, true);
	rev = forest_string(tidy);
	g_assert_cmpstr(rev, ==, "0:0 5:1 6:1 2:0 1:0 3:1 4:2");
	g_array_unref(tidy);
	g_array_unref(forest);
	for (size_t i = 0; i < G_N_ELEMENTS(e); i++)
		g_free(e[i]);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sort/names", test_names);
	g_test_add_func("/sort/envelopes", test_envelopes);
	g_test_add_func("/sort/tidy", test_tidy);
	g_test_add_func("/sort/next", test_next);
	g_test_add_func("/sort/threads", test_threads);
	return g_test_run();
}
