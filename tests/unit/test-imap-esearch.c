/* SPDX-License-Identifier: ISC */
/* Unit tests for backend/imap/imap-esearch.c: sequence sets and ESEARCH. */
#include "config.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "backend/imap/imap-esearch.h"
#include "util/error.h"

/* The UIDs as "1 2 3", or "error" when parsing failed. */
static char *
uids_of(bool (*parse)(const char *, size_t, GArray *, GError **),
    const char *text)
{
	g_autoptr(GArray) uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_autoptr(GError) error = NULL;
	GString *out = g_string_new(NULL);

	if (!parse(text, strlen(text), uids, &error)) {
		g_assert_error(error, SKUA_ERROR, SKUA_ERROR_PARSE);
		g_string_free(out, TRUE);
		return g_strdup("error");
	}
	for (guint i = 0; i < uids->len; i++)
		g_string_append_printf(out, "%s%u", i ? " " : "",
		    g_array_index(uids, uint32_t, i));
	return g_string_free(out, FALSE);
}

static void
test_seqset(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "1", "1" },
		{ "1:4", "1 2 3 4" },
		{ "4:2,9,11:12", "2 3 4 9 11 12" },
		{ "4294967295", "4294967295" },
		{ "4294967294:4294967295", "4294967294 4294967295" },
		{ "", "error" },
		{ "0", "error" },
		{ "1:0", "error" },
		{ "4294967296", "error" },
		{ "1,", "error" },
		{ "1::2", "error" },
		{ "1 2", "error" },
		{ "*", "error" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = uids_of(imap_seqset_parse, cases[i].in);

		g_assert_cmpstr(got, ==, cases[i].want);
	}
}

static void
test_esearch(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "(TAG \"4\") UID ALL 1:3,7\r\n", "1 2 3 7" },
		{ "(TAG \"a b\") UID COUNT 4 ALL 9:8,1 MIN 1", "8 9 1" },
		{ "(TAG \"4\") UID", "" }, /* no match */
		{ "UID ALL 5", "5" },
		{ "(TAG \"4\") ALL 1:3", "error" }, /* message numbers */
		{ "(TAG \"4\" UID ALL 1", "error" },
		{ "(TAG \"4\") UID ALL", "error" },
		{ "(TAG \"4\") UID ALL x", "error" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = uids_of(imap_esearch_parse, cases[i].in);

		g_assert_cmpstr(got, ==, cases[i].want);
	}
}

/* A range beyond the bound is refused before it is expanded. */
static void
test_bound(void)
{
	g_autoptr(GArray) uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_autoptr(GError) error = NULL;
	const char *huge = "1:4294967295";

	g_assert_false(imap_seqset_parse(huge, strlen(huge), uids, &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_PARSE);
	g_assert_cmpuint(uids->len, ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/esearch/seqset", test_seqset);
	g_test_add_func("/esearch/esearch", test_esearch);
	g_test_add_func("/esearch/bound", test_bound);
	return g_test_run();
}
