/* SPDX-License-Identifier: ISC */
/* Unit tests for core/pattern.c and backend/search-tree.c. */
#include "config.h"

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/search-tree.h"
#include "backend/types.h"
#include "core/pattern.h"
#include "util/error.h"

/* 2024-03-15 12:00 UTC, a Friday; the tests run with TZ=UTC. */
#define NOW 1710504000

static void
show_date(int64_t day, GString *out)
{
	int y, m, d;

	search_day_to_date(day, &y, &m, &d);
	g_string_append_printf(out, "%04d-%02d-%02d", y, m, d);
}

/* A tree as an s-expression, for comparing. */
static void
show(const struct search_node *n, GString *out)
{
	static const char *const names[] = { "all", "and", "or", "not", "from",
		"to", "cc", "subject", "header", "body", "text", "sentsince",
		"sentbefore", "senton", "since", "before", "on", "flags",
		"larger", "smaller", "uids", "tagged" };

	g_string_append_printf(out, "(%s", names[n->kind]);
	if (n->name != NULL)
		g_string_append_printf(out, " %s:", n->name);
	if (n->text != NULL)
		g_string_append_printf(out, " '%s'", n->text);
	if (n->kind >= SEARCH_SENT_SINCE && n->kind <= SEARCH_ON) {
		g_string_append_c(out, ' ');
		show_date(n->number, out);
	}
	if (n->kind == SEARCH_LARGER || n->kind == SEARCH_SMALLER)
		g_string_append_printf(out, " %" G_GINT64_FORMAT, n->number);
	if (n->kind == SEARCH_FLAGS)
		g_string_append_printf(out, " +%u -%u", n->set, n->clear);
	for (guint i = 0; n->children != NULL && i < n->children->len; i++) {
		g_string_append_c(out, ' ');
		show(g_ptr_array_index(n->children, i), out);
	}
	g_string_append_c(out, ')');
}

/* The tree of pattern, or "error: message". */
static char *
parse(const char *pattern)
{
	g_autoptr(GError) error = NULL;
	struct search_node *tree = pattern_parse(pattern, NOW, &error);
	GString *out = g_string_new(NULL);

	if (tree == NULL) {
		g_assert_error(error, SKUA_ERROR, SKUA_ERROR_USAGE);
		g_string_printf(out, "error: %s", error->message);
		return g_string_free(out, FALSE);
	}
	g_assert_null(error);
	show(tree, out);
	search_node_free(tree);
	return g_string_free(out, FALSE);
}

static void
check(const char *pattern, const char *want)
{
	g_autofree char *got = parse(pattern);

	if (strcmp(got, want) != 0)
		g_error("%s: got %s, want %s", pattern, got, want);
}

static void
test_terms(void)
{
	check("~f alice", "(from 'alice')");
	check("~t bob", "(to 'bob')");
	check("~c carol", "(cc 'carol')");
	check("~s hello", "(subject 'hello')");
	check("~b needle", "(body 'needle')");
	check("~B needle", "(text 'needle')");
	check("~i <a@b>", "(header Message-ID: '<a@b>')");
	check("~h 'X-Spam: yes'", "(header X-Spam: 'yes')");
	check("~h \"List-Id:\"", "(header List-Id: '')");
	check("~L dave", "(or (from 'dave') (to 'dave') (cc 'dave'))");
	check("~C eve", "(or (to 'eve') (cc 'eve'))");
	check("~A", "(all)");
	check("~N", "(flags +0 -1)");
	check("~U", "(flags +0 -1)");
	check("~O", "(flags +0 -33)");
	check("~R", "(flags +1 -0)");
	check("~F", "(flags +4 -0)");
	check("~D", "(flags +8 -0)");
	check("~Q", "(flags +2 -0)");
	check("~T", "(tagged)");
}

static void
test_operators(void)
{
	check("word", "(or (from 'word') (subject 'word'))");
	check("~f a ~s b", "(and (from 'a') (subject 'b'))");
	check("~f a | ~s b", "(or (from 'a') (subject 'b'))");
	check("~f a ~s b | ~N",
	    "(or (and (from 'a') (subject 'b')) (flags +0 -1))");
	check("~f a (~s b | ~N)",
	    "(and (from 'a') (or (subject 'b') (flags +0 -1)))");
	check("!~F", "(not (flags +4 -0))");
	check("! ~F", "(not (flags +4 -0))");
	check("!(~f a|~f b)", "(not (or (from 'a') (from 'b')))");
	check("!!~F", "(not (not (flags +4 -0)))");
	check("  ~F  ", "(flags +4 -0)");
	check("~f a|~f b|~f c", "(or (from 'a') (from 'b') (from 'c'))");
	check("((~F))", "(flags +4 -0)");
}

static void
test_quoting(void)
{
	check("~s \"two words\"", "(subject 'two words')");
	check("~s 'it''s'",
	    "(and (subject 'it') (or (from 's') (subject 's')))");
	check("~s \"say \\\"hi\\\"\"", "(subject 'say \"hi\"')");
	check("~s 'back\\slash'", "(subject 'back\\slash')");
	check("~s (x)", "error: missing text after ~s at 1");
	check("~s café", "(subject 'café')");
	check("(~s a)", "(subject 'a')");
	check("~s a|b", "(or (subject 'a') (or (from 'b') (subject 'b')))");
}

static void
test_dates(void)
{
	check("~d 01/02/2024", "(senton 2024-02-01)");
	check("~d 01/02/2024-10/02/2024",
	    "(and (sentsince 2024-02-01) (sentbefore 2024-02-11))");
	check("~d -10/02/2024", "(sentbefore 2024-02-11)");
	check("~d 01/02/2024-", "(sentsince 2024-02-01)");
	check("~d 3/2", "(senton 2024-02-03)");
	check("~d 7", "(senton 2024-03-07)");
	check("~d 1/1/99", "(senton 1999-01-01)");
	check("~d 1/1/05", "(senton 2005-01-01)");
	check("~d <3d", "(sentsince 2024-03-12)");
	check("~d >2w", "(sentbefore 2024-03-01)");
	check("~d <1m", "(sentsince 2024-02-15)");
	check("~d =1y", "(senton 2023-03-15)");
	check("~r <1d", "(since 2024-03-14)");
	check("~r 01/01/2024-", "(since 2024-01-01)");
	check("~d 31/02/2024", "error: bad date 31/02/2024 after ~d at 1");
	check("~d 10/02/2024-01/02/2024",
	    "error: bad date 10/02/2024-01/02/2024 after ~d at 1");
	check("~N ~d <3x", "error: bad date <3x after ~d at 4");
	check("~d 1/13/2024", "error: bad date 1/13/2024 after ~d at 1");
	check("~d", "error: missing text after ~d at 1");
}

static void
test_dates_month_end(void)
{
	g_autoptr(GError) error = NULL;
	/* 2024-03-31 12:00 UTC: a month back is the last of February. */
	struct search_node *t = pattern_parse("~d <1m", 1711886400, &error);
	GString *out = g_string_new(NULL);

	g_assert_nonnull(t);
	show(t, out);
	g_assert_cmpstr(out->str, ==, "(sentsince 2024-02-29)");
	g_string_free(out, TRUE);
	search_node_free(t);
}

static void
test_sizes(void)
{
	check("~z <1K", "(smaller 1024)");
	check("~z >2M", "(larger 2097152)");
	check("~z 100", "(and (larger 99) (smaller 101))");
	check("~z 1k-2k", "(and (larger 1023) (smaller 2049))");
	check("~z -2k", "(smaller 2049)");
	check("~z 10-", "(larger 9)");
	check("~z 0-", "(all)");
	check("~z big", "error: bad size big after ~z at 1");
	check("~z 5-1", "error: bad size 5-1 after ~z at 1");
}

static void
test_errors(void)
{
	check("~x", "error: unknown pattern ~x at 1");
	check("~f a ~x", "error: unknown pattern ~x at 6");
	check("é ~é", "error: unknown pattern ~é at 3");
	check("~", "error: missing letter after ~ at 1");
	check("", "error: empty pattern");
	check("   ", "error: empty pattern");
	check("(~f a", "error: missing ) for ( at 1");
	check("~f a)", "error: unexpected ) at 5");
	check("| ~f a", "error: unexpected | at 1");
	check("~f a |", "error: missing pattern after | at 6");
	check("!", "error: missing pattern after ! at 1");
	check("()", "error: empty ( ) at 1");
	check("~s \"open", "error: missing closing \" at 4");
	check("~h nocolon",
	    "error: ~h wants \"Field: text\", not nocolon at 1");
	check("~h ': x'", "error: ~h wants \"Field: text\", not : x at 1");
}

static void
test_bounds(void)
{
	GString *deep = g_string_new(NULL);
	GString *longp = g_string_new(NULL);
	g_autofree char *got = NULL;

	for (int i = 0; i < 100; i++)
		g_string_append_c(deep, '(');
	g_string_append(deep, "~F");
	for (int i = 0; i < 100; i++)
		g_string_append_c(deep, ')');
	got = parse(deep->str);
	g_assert_true(g_str_has_prefix(got, "error: pattern nested too deep"));
	g_free(g_steal_pointer(&got));
	for (int i = 0; i < 2000; i++)
		g_string_append(longp, "~F ");
	got = parse(longp->str);
	g_assert_true(g_str_has_prefix(got, "error: pattern longer than"));
	got = (g_free(got), parse("\xff"));
	g_assert_cmpstr(got, ==, "error: pattern is not valid UTF-8");
	g_string_free(deep, TRUE);
	g_string_free(longp, TRUE);
}

static void
test_simple(void)
{
	g_autofree char *a = pattern_expand_simple("hello", "~f %s | ~s %s");
	g_autofree char *b = pattern_expand_simple("~f x", "~f %s | ~s %s");
	g_autofree char *c =
	    pattern_expand_simple("two \"words\"", "~f %s | ~s %s");
	g_autofree char *d = pattern_expand_simple("x", "");

	g_assert_cmpstr(a, ==, "~f \"hello\" | ~s \"hello\"");
	g_assert_cmpstr(b, ==, "~f x");
	g_assert_cmpstr(c, ==,
	    "~f \"two \\\"words\\\"\" | ~s \"two \\\"words\\\"\"");
	g_assert_cmpstr(d, ==, "x");
	check(c, "(or (from 'two \"words\"') (subject 'two \"words\"'))");
}

/* search_eval() on a message described by fields. */
struct fake {
	const char *from, *subject, *body;
};

static const char *
fake_text(void *data, enum search_kind kind, const char *name)
{
	struct fake *f = data;

	(void)name;
	switch (kind) {
	case SEARCH_FROM:
		return f->from;
	case SEARCH_SUBJECT:
		return f->subject;
	case SEARCH_BODY:
		return f->body;
	default:
		return NULL;
	}
}

static bool
eval(const char *pattern, const struct search_msg *m)
{
	g_autoptr(GError) error = NULL;
	struct search_node *t = pattern_parse(pattern, NOW, &error);
	struct search_node *copy;
	bool yes;

	g_assert_no_error(error);
	copy = search_node_copy(t);
	search_node_free(t);
	yes = search_eval(copy, m);
	search_node_free(copy);
	return yes;
}

static void
test_eval(void)
{
	struct fake f = { "Ålice Example", "Quarterly Report", "the NEEDLE" };
	struct search_msg m = { 7, MSG_SEEN | MSG_FLAGGED, 2000, NOW - 86400,
		NOW, fake_text, &f };
	struct search_node *uids = search_node_new(SEARCH_UIDS);
	uint32_t set[] = { 3, 7, 9 };

	g_assert_true(eval("~f ålice", &m));
	g_assert_true(eval("~s report ~F", &m));
	g_assert_false(eval("~s report ~N", &m));
	g_assert_true(eval("~s nothing | ~b needle", &m));
	g_assert_false(eval("!~b needle", &m));
	g_assert_true(eval("quarterly", &m));
	g_assert_false(eval("~t anyone", &m));
	g_assert_true(eval("~d <3d", &m));
	g_assert_false(eval("~d >3d", &m));
	g_assert_true(eval("~d 14/03/2024", &m));
	g_assert_true(eval("~d 01/03/2024-14/03/2024", &m));
	g_assert_false(eval("~d -13/03/2024", &m));
	g_assert_true(eval("~z 1K-2K", &m));
	g_assert_false(eval("~z >2K", &m));
	g_assert_false(eval("~T", &m));
	g_assert_true(eval("~A", &m));
	uids->uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_array_append_vals(uids->uids, set, G_N_ELEMENTS(set));
	g_assert_true(search_eval(uids, &m));
	m.uid = 8;
	g_assert_false(search_eval(uids, &m));
	g_assert_true(search_node_has(uids, SEARCH_UIDS));
	search_node_free(uids);
}

static void
test_days(void)
{
	int y, m, d;

	g_assert_cmpint(search_day_from_date(1970, 1, 1), ==, 0);
	g_assert_cmpint(search_day_from_date(2000, 3, 1), ==, 11017);
	search_day_to_date(-1, &y, &m, &d);
	g_assert_cmpint(y, ==, 1969);
	g_assert_cmpint(m, ==, 12);
	g_assert_cmpint(d, ==, 31);
	for (int64_t day = -800000; day < 800000; day += 97) {
		search_day_to_date(day, &y, &m, &d);
		g_assert_cmpint(search_day_from_date(y, m, d), ==, day);
	}
}

int
main(int argc, char **argv)
{
	setenv("TZ", "UTC", 1);
	tzset();
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pattern/terms", test_terms);
	g_test_add_func("/pattern/operators", test_operators);
	g_test_add_func("/pattern/quoting", test_quoting);
	g_test_add_func("/pattern/dates", test_dates);
	g_test_add_func("/pattern/dates-month-end", test_dates_month_end);
	g_test_add_func("/pattern/sizes", test_sizes);
	g_test_add_func("/pattern/errors", test_errors);
	g_test_add_func("/pattern/bounds", test_bounds);
	g_test_add_func("/pattern/simple", test_simple);
	g_test_add_func("/pattern/eval", test_eval);
	g_test_add_func("/pattern/days", test_days);
	return g_test_run();
}
