/* SPDX-License-Identifier: ISC */
/* Unit tests for ui/index-format.c. */
#include "config.h"

#include <glib.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/thread-tree.h"
#include "backend/types.h"
#include "ui/index-format.h"
#include "ui/text.h"

static struct envelope *
sample(const char *from, const char *subject, uint32_t flags, uint32_t size)
{
	struct envelope_fields f = {
		.uid = 7,
		.flags = flags,
		.size = size,
		.date = 1700000000, /* 2023-11-14 22:13:20 UTC */
		.from = from,
		.from_addr = "jm@example.de",
		.to = "Ann <ann@example.com>",
		.subject = subject,
	};

	return envelope_new(&f);
}

static void
check(const char *fmt, const struct envelope *env, const char *want)
{
	g_autofree char *got = index_format_row(fmt, 12, 7, env);

	g_assert_cmpstr(got, ==, want);
}

static void
test_codes(void)
{
	g_autofree struct envelope *e =
	    sample("Jürgen Müller", "Hello", MSG_SEEN | MSG_FLAGGED, 1234);

	check("%C|%u|%Z|%d|%a|%s|%c|%%", e,
	    "12|7| ! |Nov 14|jm@example.de|Hello|1.2K|%");
	check("%{%Y-%m-%d %H:%M}", e, "2023-11-14 22:13");
	check("%4C %-10.10L|", e, "  12 Jürgen Mül|");
	check("%-15.15L|", e, "Jürgen Müller  |");
	check("%15.15L|", e, "  Jürgen Müller|");
	check("%x %", e, "%x %");
	check("%{%Y", e, "");
}

static void
test_flags(void)
{
	g_autofree struct envelope *unread = sample("a", "s", 0, 1);
	g_autofree struct envelope *del =
	    sample("a", "s", MSG_DELETED | MSG_ANSWERED, 1);

	check("[%Z]", unread, "[N  ]");
	check("[%Z]", del, "[D r]");
}

static void
test_sizes(void)
{
	const struct {
		uint32_t n;
		const char *s;
	} t[] = { { 0, "0" }, { 999, "999" }, { 1000, "1.0K" },
		{ 10240, "10K" }, { 1048576, "1.0M" }, { 52428800, "50M" } };

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		g_autofree struct envelope *e = sample("a", "s", 0, t[i].n);

		check("%c", e, t[i].s);
	}
}

static void
test_wide_and_hostile(void)
{
	g_autofree struct envelope *cjk =
	    sample("山田太郎", "日本語の件名 🎉", MSG_SEEN, 1);
	g_autofree struct envelope *evil =
	    sample("x\033[2J", "a\nb\rc\x07", MSG_SEEN, 1);
	g_autofree char *row = NULL;

	/* A wide character never straddles the column edge. */
	check("%-5.5L|%-8.8s|", cjk, "山田 |日本語の|");
	check("%L|%s", evil, "x^[[2J|a b c^G");
	row = index_format_row("%-7.7s", 1, 1, cjk);
	g_assert_cmpint(text_width(row), ==, 7);
}

static void
test_placeholder(void)
{
	check("%4C %Z %-6.6L %s", NULL, "  12            ...");
}

/*
 * A forest with every shape: a thread of three levels, then a missing root
 * holding two threads (5 with a reply, and 7).
 */
static const struct thread_node forest[] = {
	{ 1, THREAD_NONE, 0 }, /* 0 */
	{ 2, 0, 1 },	       /* 1 */
	{ 3, 1, 2 },	       /* 2 */
	{ 4, 0, 1 },	       /* 3 */
	{ 0, THREAD_NONE, 0 }, /* 4: missing */
	{ 5, 4, 1 },	       /* 5 */
	{ 6, 5, 2 },	       /* 6 */
	{ 7, 4, 1 },	       /* 7 */
};
static const guint8 forest_next[] = { 1, 1, 0, 0, 0, 1, 0, 0 };

static void
check_prefix(size_t i, const char *want)
{
	g_autofree char *got = index_tree_prefix(forest, forest_next, i);

	g_assert_cmpstr(got, ==, want);
}

static void
test_tree_prefix(void)
{
	g_assert_true(thread_tree_check(forest, G_N_ELEMENTS(forest)));
	check_prefix(0, "");
	check_prefix(1, "\u251c\u2500>");	 /* ├─> */
	check_prefix(2, "\u2502 \u2514\u2500>"); /* │ └─> */
	check_prefix(3, "\u2514\u2500>");	 /* └─> */
	/* Under the missing root: the first hangs from nothing above. */
	check_prefix(5, "\u250c\u2500>");	 /* ┌─> */
	check_prefix(6, "\u2502 \u2514\u2500>"); /* │ └─> */
	check_prefix(7, "\u2514\u2500>");	 /* └─> */
}

static void
test_tree_lone_child_of_missing(void)
{
	const struct thread_node nodes[] = { { 0, THREAD_NONE, 0 },
		{ 9, 0, 1 } };
	const guint8 next[] = { 0, 0 };
	g_autofree char *got = index_tree_prefix(nodes, next, 1);

	g_assert_cmpstr(got, ==, "\u2500\u2500>"); /* ──> */
}

static void
test_tree_deep(void)
{
	enum {
		N = 40
	};
	struct thread_node nodes[N];
	guint8 next[N] = { 0 };
	g_autofree char *deep = NULL, *safe = NULL;
	GString *want;

	for (uint32_t i = 0; i < N; i++) {
		nodes[i].uid = i + 1;
		nodes[i].parent = i == 0 ? THREAD_NONE : i - 1;
		nodes[i].depth = i;
	}
	next[5] = 1;  /* an ancestor with a sibling, cut off on the left */
	next[20] = 1; /* one that is still drawn */
	g_assert_true(thread_tree_check(nodes, N));
	deep = index_tree_prefix(nodes, next, N - 1);
	/* 39 levels: the last 31 ancestors' columns and the arrow. */
	safe = text_sanitize(deep, -1);
	g_assert_cmpstr(safe, ==, deep);
	g_assert_cmpint(text_width(deep), ==,
	    2 * (INDEX_TREE_MAX_LEVELS - 1) + 3);
	/* Levels 8 to 38 drawn: node 20's bar is the 13th column. */
	want = g_string_new(NULL);
	for (int level = 8; level < N - 1; level++)
		g_string_append(want, level == 20 ? "\u2502 " : "  ");
	g_string_append(want, "\u2514\u2500>");
	g_assert_cmpstr(deep, ==, want->str);
	g_string_free(want, TRUE);
}

static void
test_tree_in_subject(void)
{
	g_autofree struct envelope *env = sample("Ann", "hello", MSG_SEEN, 10);
	g_autofree char *row = index_format_row_tree("%4C %-8.8s|", 3, 7, env,
	    "\u2502 \u2514\u2500>");
	g_autofree char *placeholder =
	    index_format_row_tree("%s", 3, 7, NULL, "\u2514\u2500>");
	g_autofree char *plain = index_format_row_tree("%s", 3, 7, env, NULL);

	/* The tree is part of %s and counts in its width, as in mutt. */
	g_assert_cmpstr(row, ==, "   3 \u2502 \u2514\u2500>hel|");
	g_assert_cmpstr(placeholder, ==, "\u2514\u2500>...");
	g_assert_cmpstr(plain, ==, "hello");
}

/* A tagged row shows * in %Z, before the flagged mark, as mutt's. */
static void
test_tagged(void)
{
	g_autofree struct envelope *env =
	    sample("Ann", "hi", MSG_FLAGGED | MSG_DELETED, 10);
	g_autofree char *tagged =
	    index_format_row_full("%Z|%s", 1, 7, env, NULL, true);
	g_autofree char *untagged =
	    index_format_row_full("%Z|%s", 1, 7, env, NULL, false);
	g_autofree char *placeholder =
	    index_format_row_full("%Z|%s", 1, 7, NULL, NULL, true);

	g_assert_cmpstr(tagged, ==, "D* |hi");
	g_assert_cmpstr(untagged, ==, "D! |hi");
	g_assert_cmpstr(placeholder, ==, " * |...");
}

int
main(int argc, char **argv)
{
	g_setenv("TZ", "UTC", TRUE);
	tzset();
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		g_error("the C.UTF-8 locale is missing");
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/index-format/codes", test_codes);
	g_test_add_func("/index-format/flags", test_flags);
	g_test_add_func("/index-format/sizes", test_sizes);
	g_test_add_func("/index-format/wide-and-hostile",
	    test_wide_and_hostile);
	g_test_add_func("/index-format/placeholder", test_placeholder);
	g_test_add_func("/index-format/tree-prefix", test_tree_prefix);
	g_test_add_func("/index-format/tree-lone-child-of-missing",
	    test_tree_lone_child_of_missing);
	g_test_add_func("/index-format/tree-deep", test_tree_deep);
	g_test_add_func("/index-format/tree-in-subject", test_tree_in_subject);
	g_test_add_func("/index-format/tagged", test_tagged);
	return g_test_run();
}
