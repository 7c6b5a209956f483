/* SPDX-License-Identifier: ISC */
/* Unit tests for backend/imap/imap-seqmap.c: sequence numbers to UIDs. */
#include "config.h"

#include <glib.h>
#include <stdint.h>

#include "backend/imap/imap-seqmap.h"

static GArray *
uids_of(const uint32_t *v, guint n)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	g_array_append_vals(a, v, n);
	return a;
}

/* The array as "1 2 3". */
static char *
text_of(const GArray *a)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < a->len; i++)
		g_string_append_printf(out, "%s%u", i ? " " : "",
		    g_array_index(a, uint32_t, i));
	return g_string_free(out, FALSE);
}

static void
check_map(const GArray *map, const char *want)
{
	g_autofree char *got = text_of(map);

	g_assert_cmpstr(got, ==, want);
}

/* Any order in, ascending out; zeros and duplicates dropped. */
static void
test_new(void)
{
	static const uint32_t v[] = { 30, 4, 0, 17, 4, 9 };
	g_autoptr(GArray) in = uids_of(v, G_N_ELEMENTS(v));
	g_autoptr(GArray) map = seqmap_new(in);
	g_autoptr(GArray) empty = seqmap_new(NULL);

	check_map(map, "4 9 17 30");
	g_assert_cmpuint(seqmap_uid(map, 1), ==, 4);
	g_assert_cmpuint(seqmap_uid(map, 4), ==, 30);
	g_assert_cmpuint(seqmap_uid(map, 0), ==, 0);
	g_assert_cmpuint(seqmap_uid(map, 5), ==, 0);
	g_assert_cmpuint(seqmap_last(map), ==, 30);
	g_assert_cmpuint(empty->len, ==, 0);
	g_assert_cmpuint(seqmap_last(empty), ==, 0);
}

/*
 * RFC 3501 7.4.1's example: messages 3, 4, 7 and 11 of 11 are expunged;
 * the server says "3 EXPUNGE", "3 EXPUNGE", "5 EXPUNGE", "8 EXPUNGE", as
 * each EXPUNGE renumbers the messages after it.
 */
static void
test_expunge_renumbers(void)
{
	static const uint32_t v[] = { 101, 102, 103, 104, 105, 106, 107, 108,
		109, 110, 111 };
	g_autoptr(GArray) in = uids_of(v, G_N_ELEMENTS(v));
	g_autoptr(GArray) map = seqmap_new(in);

	g_assert_cmpuint(seqmap_expunge(map, 3), ==, 103);
	g_assert_cmpuint(seqmap_expunge(map, 3), ==, 104);
	g_assert_cmpuint(seqmap_expunge(map, 5), ==, 107);
	g_assert_cmpuint(seqmap_expunge(map, 8), ==, 111);
	check_map(map, "101 102 105 106 108 109 110");
	/* A FETCH of message 5 now means UID 108. */
	g_assert_cmpuint(seqmap_uid(map, 5), ==, 108);
	/* Out of range: nothing happens, 0 says the map is out of step. */
	g_assert_cmpuint(seqmap_expunge(map, 8), ==, 0);
	g_assert_cmpuint(seqmap_expunge(map, 0), ==, 0);
	g_assert_cmpuint(map->len, ==, 7);
}

/* New messages take the next numbers; an older UID is refused. */
static void
test_append(void)
{
	static const uint32_t v[] = { 5, 8 };
	g_autoptr(GArray) in = uids_of(v, G_N_ELEMENTS(v));
	g_autoptr(GArray) map = seqmap_new(in);

	g_assert_true(seqmap_append(map, 12));
	g_assert_false(seqmap_append(map, 12)); /* known */
	g_assert_false(seqmap_append(map, 7));	/* older: out of step */
	g_assert_false(seqmap_append(map, 0));
	g_assert_true(seqmap_append(map, 13));
	check_map(map, "5 8 12 13");
	g_assert_cmpuint(seqmap_uid(map, 3), ==, 12);
	/* Expunge the first, then a new one: numbers follow. */
	g_assert_cmpuint(seqmap_expunge(map, 1), ==, 5);
	g_assert_true(seqmap_append(map, 20));
	g_assert_cmpuint(seqmap_uid(map, 4), ==, 20);
	g_assert_cmpuint(seqmap_uid(map, 1), ==, 8);
}

static void
test_diff(void)
{
	static const uint32_t w[] = { 1, 2, 3, 5, 8, 13 };
	static const uint32_t n[] = { 2, 3, 8, 14, 15 };
	g_autoptr(GArray) win = uids_of(w, G_N_ELEMENTS(w));
	g_autoptr(GArray) nin = uids_of(n, G_N_ELEMENTS(n));
	g_autoptr(GArray) was = seqmap_new(win);
	g_autoptr(GArray) now = seqmap_new(nin);
	g_autoptr(GArray) added = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_autoptr(GArray) removed = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_autoptr(GArray) none = seqmap_new(NULL);

	seqmap_diff(was, now, added, removed);
	check_map(added, "14 15");
	check_map(removed, "1 5 13");
	g_array_set_size(added, 0);
	g_array_set_size(removed, 0);
	seqmap_diff(was, was, added, removed);
	g_assert_cmpuint(added->len + removed->len, ==, 0);
	seqmap_diff(none, now, added, removed);
	check_map(added, "2 3 8 14 15");
	g_assert_cmpuint(removed->len, ==, 0);
	g_array_set_size(added, 0);
	seqmap_diff(was, none, added, removed);
	check_map(removed, "1 2 3 5 8 13");
	g_assert_cmpuint(added->len, ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/imap-seqmap/new", test_new);
	g_test_add_func("/imap-seqmap/expunge-renumbers",
	    test_expunge_renumbers);
	g_test_add_func("/imap-seqmap/append", test_append);
	g_test_add_func("/imap-seqmap/diff", test_diff);
	return g_test_run();
}
