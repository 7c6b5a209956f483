/* SPDX-License-Identifier: ISC */
/* Unit tests for backend/imap/imap-search.c: search trees as UID SEARCH. */
#include "config.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "backend/imap/imap-search.h"
#include "backend/search-tree.h"
#include "backend/types.h"
#include "util/error.h"

static struct search_node *
text(enum search_kind kind, const char *s)
{
	return search_node_new_text(kind, s);
}

static struct search_node *
op(enum search_kind kind, struct search_node *a, struct search_node *b,
    struct search_node *c)
{
	struct search_node *n = search_node_new(kind);

	search_node_add(n, a);
	if (b != NULL)
		search_node_add(n, b);
	if (c != NULL)
		search_node_add(n, c);
	return n;
}

static struct search_node *
number(enum search_kind kind, int64_t v)
{
	struct search_node *n = search_node_new(kind);

	n->number = v;
	return n;
}

static struct search_node *
flags(uint32_t set, uint32_t clear)
{
	struct search_node *n = search_node_new(SEARCH_FLAGS);

	n->set = set;
	n->clear = clear;
	return n;
}

/* The command for tree (freed), or "error". */
static void
check(struct search_node *tree, bool esearch, bool literal_plus,
    const char *want)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *got = imap_search_command(tree, esearch,
	    literal_plus ? SIZE_MAX : 0, &error);

	if (got == NULL)
		got = g_strdup_printf("error: %s", error->message);
	if (strcmp(got, want) != 0)
		g_error("got %s, want %s", got, want);
	search_node_free(tree);
}

static void
test_keys(void)
{
	check(text(SEARCH_FROM, "alice"), false, true,
	    "UID SEARCH FROM \"alice\"");
	check(text(SEARCH_SUBJECT, "a \"b\" \\c"), true, true,
	    "UID SEARCH RETURN (ALL) SUBJECT \"a \\\"b\\\" \\\\c\"");
	check(op(SEARCH_AND, text(SEARCH_TO, "x"), text(SEARCH_CC, "y"),
		  text(SEARCH_BODY, "z")),
	    false, true, "UID SEARCH TO \"x\" CC \"y\" BODY \"z\"");
	check(op(SEARCH_OR, text(SEARCH_FROM, "a"), text(SEARCH_SUBJECT, "a"),
		  text(SEARCH_TEXT, "a")),
	    false, true,
	    "UID SEARCH OR FROM \"a\" OR SUBJECT \"a\" TEXT \"a\"");
	check(op(SEARCH_NOT,
		  op(SEARCH_AND, flags(MSG_FLAGGED, 0), text(SEARCH_FROM, "b"),
		      NULL),
		  NULL, NULL),
	    false, true, "UID SEARCH NOT (FLAGGED FROM \"b\")");
	check(op(SEARCH_OR,
		  op(SEARCH_AND, flags(0, MSG_SEEN), number(SEARCH_LARGER, 10),
		      NULL),
		  number(SEARCH_SMALLER, 5), NULL),
	    false, true, "UID SEARCH OR (UNSEEN LARGER 10) SMALLER 5");
	check(flags(MSG_SEEN | MSG_ANSWERED | MSG_DELETED, MSG_RECENT), false,
	    true, "UID SEARCH (SEEN ANSWERED DELETED OLD)");
	check(flags(0, 0), false, true, "UID SEARCH ALL");
	check(search_node_new(SEARCH_ALL), true, true,
	    "UID SEARCH RETURN (ALL) ALL");
}

static void
test_header_dates_sizes(void)
{
	struct search_node *h = text(SEARCH_HEADER, "<id@x>");

	h->name = g_strdup("Message-ID");
	check(h, false, true, "UID SEARCH HEADER \"Message-ID\" \"<id@x>\"");
	check(op(SEARCH_AND,
		  number(SEARCH_SENT_SINCE, search_day_from_date(2024, 2, 1)),
		  number(SEARCH_SENT_BEFORE, search_day_from_date(2024, 2, 11)),
		  NULL),
	    false, true,
	    "UID SEARCH SENTSINCE 1-Feb-2024 SENTBEFORE 11-Feb-2024");
	check(number(SEARCH_SENT_ON, search_day_from_date(1999, 12, 31)), false,
	    true, "UID SEARCH SENTON 31-Dec-1999");
	check(number(SEARCH_SINCE, search_day_from_date(2024, 3, 5)), false,
	    true, "UID SEARCH SINCE 5-Mar-2024");
	check(number(SEARCH_BEFORE, 0), false, true,
	    "UID SEARCH BEFORE 1-Jan-1970");
	check(number(SEARCH_ON, 1), false, true, "UID SEARCH ON 2-Jan-1970");
	check(number(SEARCH_LARGER, 5000000000LL), false, true,
	    "UID SEARCH LARGER 4294967295");
	check(number(SEARCH_SMALLER, -3), false, true, "UID SEARCH SMALLER 0");
}

static void
test_literals(void)
{
	check(text(SEARCH_SUBJECT, "café"), true, true,
	    "UID SEARCH RETURN (ALL) CHARSET UTF-8 SUBJECT {5+}\r\ncafé");
	check(text(SEARCH_SUBJECT, "café"), false, false,
	    "error: the server cannot be sent this search text (no LITERAL+ "
	    "for non-ASCII text)");
	/* LITERAL-: non-synchronizing literals up to 4096 bytes. */
	{
		GString *big = g_string_new(NULL);
		struct search_node *n;
		g_autoptr(GError) error = NULL;
		g_autofree char *cmd = NULL;

		n = text(SEARCH_BODY, "é");
		cmd = imap_search_command(n, false, 4096, &error);
		g_assert_no_error(error);
		g_assert_cmpstr(cmd, ==,
		    "UID SEARCH CHARSET UTF-8 BODY {2+}\r\né");
		search_node_free(n);
		for (int i = 0; i < 2100; i++)
			g_string_append(big, "é");
		n = text(SEARCH_BODY, big->str);
		g_assert_null(imap_search_command(n, false, 4096, &error));
		g_assert_error(error, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED);
		search_node_free(n);
		g_string_free(big, TRUE);
	}
	/* A control character is never put in a quoted string. */
	check(text(SEARCH_SUBJECT, "a\tb"), false, true,
	    "UID SEARCH SUBJECT {3+}\r\na\tb");
}

static void
test_uids(void)
{
	struct search_node *n = search_node_new(SEARCH_UIDS);
	uint32_t set[] = { 9, 1, 2, 3, 7, 8, 12 };

	n->uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_array_append_vals(n->uids, set, G_N_ELEMENTS(set));
	check(op(SEARCH_AND, n, flags(0, MSG_SEEN), NULL), false, true,
	    "UID SEARCH UID 1:3,7:9,12 UNSEEN");
	n = search_node_new(SEARCH_UIDS);
	check(n, false, true, "UID SEARCH NOT ALL");
	check(op(SEARCH_NOT, search_node_new(SEARCH_TAGGED), NULL, NULL), false,
	    true, "error: ~T is for skua, not the server");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/imap-search/keys", test_keys);
	g_test_add_func("/imap-search/header-dates-sizes",
	    test_header_dates_sizes);
	g_test_add_func("/imap-search/literals", test_literals);
	g_test_add_func("/imap-search/uids", test_uids);
	return g_test_run();
}
