/* SPDX-License-Identifier: ISC */
/* Unit tests for ui/pager-text.c: header choice and order, quoting, search. */
#include "config.h"

#include <glib.h>
#include <stdarg.h>
#include <string.h>

#include "ui/pager-text.h"

/* A GPtrArray of the NULL-terminated patterns. */
static GPtrArray *
list_of(const char *first, ...)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	va_list ap;

	va_start(ap, first);
	for (const char *s = first; s != NULL; s = va_arg(ap, const char *))
		g_ptr_array_add(a, g_strdup(s));
	va_end(ap);
	return a;
}

static const char headers[] = "Received: from a by b\n"
			      "Date: Mon, 23 Nov 2026 10:00:00 +0000\n"
			      "From: Ann <ann@example.com>\n"
			      "To: bob@example.com\n"
			      "Subject: hello\n"
			      "X-Mailer: Mutt\n"
			      "X-Spam-Score: 1.0\n"
			      "Cc: carol@example.com\n"
			      "From-Header-Lookalike: x\n";

static void
test_shown(void)
{
	g_autoptr(GPtrArray) all = list_of("*", NULL);
	g_autoptr(GPtrArray) some = list_of("from:", "x-", NULL);
	g_autoptr(GPtrArray) none = list_of(NULL);

	/* Nothing ignored: everything shown. */
	g_assert_true(pager_header_shown("Received: x", none, none));
	g_assert_true(pager_header_shown("Received: x", NULL, NULL));
	/* Ignored by "*", back by a prefix in any case. */
	g_assert_false(pager_header_shown("Received: x", all, some));
	g_assert_true(pager_header_shown("FROM: a", all, some));
	g_assert_true(pager_header_shown("x-mailer: a", all, some));
	/* "from:" with its colon does not take From-Header-Lookalike. */
	g_assert_false(
	    pager_header_shown("From-Header-Lookalike: x", all, some));
	/* A prefix ignore only hides what it begins. */
	g_assert_false(pager_header_shown("X-Spam-Score: 1", some, none));
	g_assert_true(pager_header_shown("Subject: 1", some, none));
	/* unignore wins over ignore. */
	g_assert_true(pager_header_shown("X-Mailer: m", some, some));
}

static void
test_filter_default_order(void)
{
	g_autoptr(GPtrArray) ignore = list_of("*", NULL);
	g_autoptr(GPtrArray) unignore =
	    list_of("date:", "from:", "to:", "cc:", "subject:", NULL);
	g_autofree char *got =
	    pager_headers_filter(headers, ignore, unignore, NULL);

	/* The message's order when there is no hdr_order. */
	g_assert_cmpstr(got, ==,
	    "Date: Mon, 23 Nov 2026 10:00:00 +0000\n"
	    "From: Ann <ann@example.com>\n"
	    "To: bob@example.com\n"
	    "Subject: hello\n"
	    "Cc: carol@example.com\n");
}

static void
test_filter_hdr_order(void)
{
	g_autoptr(GPtrArray) ignore = list_of("*", NULL);
	g_autoptr(GPtrArray) unignore =
	    list_of("from", "subject", "x-mailer", "cc", NULL);
	g_autoptr(GPtrArray) order =
	    list_of("x-mailer", "SUBJECT", "from:", "date", NULL);
	g_autofree char *got =
	    pager_headers_filter(headers, ignore, unignore, order);

	/* Ordered ones first (date is not shown: no effect), then the rest
	 * as they came; "from" also takes From-Header-Lookalike. */
	g_assert_cmpstr(got, ==,
	    "X-Mailer: Mutt\n"
	    "Subject: hello\n"
	    "From: Ann <ann@example.com>\n"
	    "Cc: carol@example.com\n"
	    "From-Header-Lookalike: x\n");
}

static void
test_filter_edges(void)
{
	g_autoptr(GPtrArray) none = list_of(NULL);
	g_autoptr(GPtrArray) all = list_of("*", NULL);
	g_autoptr(GPtrArray) twice = list_of("x-", "x-spam", "*", NULL);
	g_autofree char *empty = pager_headers_filter("", all, none, none);
	g_autofree char *hidden =
	    pager_headers_filter(headers, all, none, none);
	g_autofree char *ordered =
	    pager_headers_filter(headers, none, none, twice);
	g_autofree char *blank =
	    pager_headers_filter("A: 1\n\n\nB: 2", none, none, NULL);

	g_assert_cmpstr(empty, ==, "");
	g_assert_cmpstr(hidden, ==, "");
	/* A field is shown once even when two patterns take it; "*" in
	 * the order takes all the rest in the message's order. */
	g_assert_true(g_str_has_prefix(ordered,
	    "X-Mailer: Mutt\nX-Spam-Score: 1.0\nReceived: from a by b\n"));
	g_assert_cmpuint(strlen(ordered), ==, strlen(headers));
	/* Empty lines are dropped; a last line without newline is kept. */
	g_assert_cmpstr(blank, ==, "A: 1\nB: 2\n");
}

static void
test_quote_level(void)
{
	g_assert_cmpuint(pager_quote_level(""), ==, 0);
	g_assert_cmpuint(pager_quote_level("plain > not quoted"), ==, 0);
	g_assert_cmpuint(pager_quote_level(" > indented is not"), ==, 0);
	g_assert_cmpuint(pager_quote_level(">"), ==, 1);
	g_assert_cmpuint(pager_quote_level("> one"), ==, 1);
	g_assert_cmpuint(pager_quote_level(">> two"), ==, 2);
	g_assert_cmpuint(pager_quote_level("> > two"), ==, 2);
	g_assert_cmpuint(pager_quote_level(">> >\t> four > x"), ==, 4);
}

static GPtrArray *
sample_lines(void)
{
	return list_of("Subject: Searching", "", "first line", "a Needle here",
	    "nothing", "NEEDLE again and needle", "last", NULL);
}

static void
test_search(void)
{
	g_autoptr(GPtrArray) lines = sample_lines();
	g_autoptr(GError) error = NULL;
	GRegex *lower = pager_search_compile("needle", &error);
	GRegex *upper = pager_search_compile("Needle", &error);
	GRegex *none = pager_search_compile("absent", &error);
	bool wrapped = true;

	g_assert_no_error(error);
	/* Lower case: any case; from the top (-1) the first match. */
	g_assert_cmpint(pager_search_next(lines, lower, -1, &wrapped), ==, 3);
	g_assert_false(wrapped);
	/* Below the line given, never on it. */
	g_assert_cmpint(pager_search_next(lines, lower, 3, &wrapped), ==, 5);
	g_assert_false(wrapped);
	/* Past the last match: round to the top, and said so. */
	g_assert_cmpint(pager_search_next(lines, lower, 5, &wrapped), ==, 3);
	g_assert_true(wrapped);
	/* The only match is the line itself: found again, wrapped. */
	g_assert_cmpint(pager_search_next(lines, upper, 3, &wrapped), ==, 3);
	g_assert_true(wrapped);
	/* A capital: case matters. */
	g_assert_cmpint(pager_search_next(lines, upper, 4, &wrapped), ==, 3);
	g_assert_cmpint(pager_search_next(lines, none, 0, &wrapped), ==, -1);
	/* Out of range starts are clamped. */
	g_assert_cmpint(pager_search_next(lines, lower, 99, &wrapped), ==, 3);
	g_regex_unref(lower);
	g_regex_unref(upper);
	g_regex_unref(none);
}

static void
test_search_empty_and_bad(void)
{
	g_autoptr(GPtrArray) empty = list_of(NULL);
	g_autoptr(GError) error = NULL;
	GRegex *re = pager_search_compile("x", &error);
	bool wrapped = true;

	g_assert_cmpint(pager_search_next(empty, re, -1, &wrapped), ==, -1);
	g_assert_false(wrapped);
	g_regex_unref(re);
	g_assert_null(pager_search_compile("(unclosed", &error));
	g_assert_nonnull(error);
}

static void
test_spans(void)
{
	g_autoptr(GError) error = NULL;
	GRegex *re = pager_search_compile("needle", &error);
	GRegex *empty = pager_search_compile("x*", &error);
	GRegex *wide = pager_search_compile("日本", &error);
	g_autoptr(GArray) two =
	    pager_search_spans(re, "NEEDLE again and needle");
	g_autoptr(GArray) none = pager_search_spans(re, "nothing");
	g_autoptr(GArray) nothing = pager_search_spans(empty, "abc");
	g_autoptr(GArray) cjk = pager_search_spans(wide, "é日本語");

	g_assert_no_error(error);
	g_assert_cmpuint(two->len, ==, 4);
	g_assert_cmpint(g_array_index(two, int, 0), ==, 0);
	g_assert_cmpint(g_array_index(two, int, 1), ==, 6);
	g_assert_cmpint(g_array_index(two, int, 2), ==, 17);
	g_assert_cmpint(g_array_index(two, int, 3), ==, 23);
	g_assert_cmpuint(none->len, ==, 0);
	/* Empty matches mark nothing. */
	g_assert_cmpuint(nothing->len, ==, 0);
	/* Byte offsets, at character boundaries. */
	g_assert_cmpuint(cjk->len, ==, 2);
	g_assert_cmpint(g_array_index(cjk, int, 0), ==, 2);
	g_assert_cmpint(g_array_index(cjk, int, 1), ==, 8);
	g_regex_unref(re);
	g_regex_unref(empty);
	g_regex_unref(wide);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pager-text/shown", test_shown);
	g_test_add_func("/pager-text/filter-default",
	    test_filter_default_order);
	g_test_add_func("/pager-text/hdr-order", test_filter_hdr_order);
	g_test_add_func("/pager-text/filter-edges", test_filter_edges);
	g_test_add_func("/pager-text/quote-level", test_quote_level);
	g_test_add_func("/pager-text/search", test_search);
	g_test_add_func("/pager-text/search-empty-bad",
	    test_search_empty_and_bad);
	g_test_add_func("/pager-text/spans", test_spans);
	return g_test_run();
}
