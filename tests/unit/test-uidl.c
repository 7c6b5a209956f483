/* SPDX-License-Identifier: ISC */
/* The POP3 UIDL state: rows survive reopening, per server, pending/done. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>

#include "store/uidl.h"

static char *
temp_db(char **dir)
{
	*dir = g_dir_make_tmp("skua-uidl-XXXXXX", NULL);
	g_assert_nonnull(*dir);
	return g_build_filename(*dir, "state.sqlite", NULL);
}

static void
remove_all(const char *dir, const char *db)
{
	g_autofree char *wal = g_strconcat(db, "-wal", NULL);
	g_autofree char *shm = g_strconcat(db, "-shm", NULL);

	g_unlink(wal);
	g_unlink(shm);
	g_unlink(db);
	g_rmdir(dir);
}

static void
test_pending_done_reopen(void)
{
	g_autofree char *dir = NULL;
	g_autofree char *db = temp_db(&dir);
	g_autoptr(GError) error = NULL;
	struct uidl_store *st = uidl_store_open(db, &error);
	GHashTable *rows;
	struct uidl_row *row;

	g_assert_no_error(error);
	g_assert_true(uidl_store_pending(st, "a@h:1", "U1", "f1", 100, &error));
	g_assert_true(uidl_store_pending(st, "a@h:1", "U2", "f2", 200, &error));
	g_assert_true(uidl_store_done(st, "a@h:1", "U2", true, &error));
	g_assert_true(uidl_store_pending(st, "b@h:1", "U1", "g1", 300, &error));
	g_assert_no_error(error);
	uidl_store_close(st);

	/* Everything committed is there after reopening. */
	st = uidl_store_open(db, &error);
	g_assert_no_error(error);
	rows = uidl_store_load(st, "a@h:1", &error);
	g_assert_no_error(error);
	g_assert_cmpuint(g_hash_table_size(rows), ==, 2);
	row = g_hash_table_lookup(rows, "U1");
	g_assert_nonnull(row);
	g_assert_cmpint(row->state, ==, UIDL_PENDING);
	g_assert_cmpstr(row->file, ==, "f1");
	g_assert_cmpint(row->fetched, ==, 100);
	g_assert_false(row->partial);
	row = g_hash_table_lookup(rows, "U2");
	g_assert_nonnull(row);
	g_assert_cmpint(row->state, ==, UIDL_DONE);
	g_assert_true(row->partial);
	g_assert_cmpstr(row->file, ==, "f2");
	g_hash_table_destroy(rows);

	/* Another server's rows are apart; forget drops one row only. */
	rows = uidl_store_load(st, "b@h:1", &error);
	g_assert_cmpuint(g_hash_table_size(rows), ==, 1);
	g_assert_cmpstr(((struct uidl_row *)g_hash_table_lookup(rows, "U1"))
			    ->file,
	    ==, "g1");
	g_hash_table_destroy(rows);
	g_assert_true(uidl_store_begin(st, &error));
	g_assert_true(uidl_store_forget(st, "a@h:1", "U1", &error));
	g_assert_true(uidl_store_commit(st, &error));
	rows = uidl_store_load(st, "a@h:1", &error);
	g_assert_cmpuint(g_hash_table_size(rows), ==, 1);
	g_assert_false(g_hash_table_contains(rows, "U1"));
	g_hash_table_destroy(rows);

	/* Pending again replaces a row (a fresh download after a crash). */
	g_assert_true(uidl_store_pending(st, "a@h:1", "U2", "f3", 400, &error));
	rows = uidl_store_load(st, "a@h:1", &error);
	row = g_hash_table_lookup(rows, "U2");
	g_assert_cmpint(row->state, ==, UIDL_PENDING);
	g_assert_cmpstr(row->file, ==, "f3");
	g_assert_false(row->partial);
	g_hash_table_destroy(rows);
	uidl_store_close(st);
	remove_all(dir, db);
}

static void
test_open_fails(void)
{
	g_autoptr(GError) error = NULL;
	struct uidl_store *st =
	    uidl_store_open("/nonexistent-skua-dir/x/state.sqlite", &error);

	g_assert_null(st);
	g_assert_nonnull(error);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/uidl/pending-done-reopen", test_pending_done_reopen);
	g_test_add_func("/uidl/open-fails", test_open_fails);
	return g_test_run();
}
