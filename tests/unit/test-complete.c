/* SPDX-License-Identifier: ISC */
/* Unit tests for ui/complete.c: Tab completion of folder names. */
#include "config.h"

#include <glib.h>
#include <locale.h>

#include "ui/complete.h"

static const char *const folders[] = {
	"INBOX",
	"Drafts",
	"Sent",
	"Lists.skua-dev",
	"Lists.skua-users",
	"Données",
	"Données.2026",
	"日本語メール",
};

#define N_FOLDERS G_N_ELEMENTS(folders)

/* Complete input; check the text and the matches (joined by ","). */
static void
check(const char *input, const char *want, const char *want_matches)
{
	g_autoptr(GPtrArray) matches = g_ptr_array_new();
	g_autofree char *got =
	    complete_prefix(folders, N_FOLDERS, input, matches);
	g_autofree char *joined = NULL;

	g_ptr_array_add(matches, NULL);
	joined = g_strjoinv(",", (char **)matches->pdata);
	g_assert_cmpstr(got, ==, want);
	g_assert_cmpstr(joined, ==, want_matches);
}

static void
test_unique(void)
{
	check("Se", "Sent", "Sent");
	check("IN", "INBOX", "INBOX");
	check("日", "日本語メール", "日本語メール");
	/* Complete already: nothing to add. */
	check("Sent", "Sent", "Sent");
}

static void
test_common_prefix(void)
{
	/* Several matches: as far as they agree. */
	check("Li", "Lists.skua-", "Lists.skua-dev,Lists.skua-users");
	check("Lists.skua-", "Lists.skua-", "Lists.skua-dev,Lists.skua-users");
	/* They agree on "D" only: no progress, the caller lists them. */
	check("D", "D", "Drafts,Données,Données.2026");
	check("Don", "Données", "Données,Données.2026");
	/* Empty input: everything matches; no common prefix. */
	check("", "",
	    "INBOX,Drafts,Sent,Lists.skua-dev,Lists.skua-users,"
	    "Données,Données.2026,日本語メール");
}

static void
test_no_match(void)
{
	check("Archive", "Archive", "");
	check("Sentx", "Sentx", "");
}

static void
test_case(void)
{
	/* No exact-case match: any case, spelled as the folder is. */
	check("inb", "INBOX", "INBOX");
	check("lists.SKUA-d", "Lists.skua-dev", "Lists.skua-dev");
	check("DONN", "Données", "Données,Données.2026");
	/* An exact-case match wins over the others. */
	{
		const char *const names[] = { "mail", "Mail.old" };
		g_autofree char *got = complete_prefix(names, 2, "ma", NULL);

		g_assert_cmpstr(got, ==, "mail");
	}
}

static void
test_normalization(void)
{
	/* "Donne" + COMBINING ACUTE ACCENT: the same name in NFD. */
	check("Donne\xcc\x81", "Données", "Données,Données.2026");
	g_assert_cmpint(complete_find(folders, N_FOLDERS,
			    "Donne\xcc\x81"
			    "es"),
	    ==, 5);
}

static void
test_wide_characters_not_split(void)
{
	/* Two names that share the first byte of their second character. */
	const char *const names[] = { "a日", "a旦" };
	g_autofree char *got = complete_prefix(names, 2, "a", NULL);

	g_assert_cmpstr(got, ==, "a");
	g_assert_true(g_utf8_validate(got, -1, NULL));
}

static void
test_find(void)
{
	g_assert_cmpint(complete_find(folders, N_FOLDERS, "Sent"), ==, 2);
	g_assert_cmpint(complete_find(folders, N_FOLDERS, "inbox"), ==, 0);
	g_assert_cmpint(complete_find(folders, N_FOLDERS, "Lists"), ==, -1);
	{
		/* Two that differ in case only: the exact one, else none. */
		const char *const names[] = { "Work", "work" };

		g_assert_cmpint(complete_find(names, 2, "work"), ==, 1);
		g_assert_cmpint(complete_find(names, 2, "WORK"), ==, -1);
	}
}

static void
test_hostile(void)
{
	/* Invalid UTF-8 in a name or the input never crashes or matches. */
	const char *const names[] = { "ok", "bad\xff" };
	g_autofree char *a = complete_prefix(names, 2, "ba", NULL);
	g_autofree char *b = complete_prefix(names, 2, "\xfe", NULL);

	g_assert_cmpstr(a, ==, "ba");
	g_assert_cmpstr(b, ==, "\xfe");
	g_assert_cmpint(complete_find(names, 2, "bad\xff"), ==, 1);
	g_assert_cmpint(complete_find(names, 2, "BAD\xff"), ==, -1);
}

int
main(int argc, char **argv)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		g_error("the C.UTF-8 locale is missing");
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/complete/unique", test_unique);
	g_test_add_func("/complete/common-prefix", test_common_prefix);
	g_test_add_func("/complete/no-match", test_no_match);
	g_test_add_func("/complete/case", test_case);
	g_test_add_func("/complete/normalization", test_normalization);
	g_test_add_func("/complete/wide-not-split",
	    test_wide_characters_not_split);
	g_test_add_func("/complete/find", test_find);
	g_test_add_func("/complete/hostile", test_hostile);
	return g_test_run();
}
