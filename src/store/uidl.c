/* SPDX-License-Identifier: ISC */
/* The POP3 UIDL state in SQLite (see uidl.h). */
#include "config.h"

#include <sqlite3.h>

#include "store/uidl.h"
#include "util/error.h"

struct uidl_store {
	sqlite3 *db;
	char *path;
};

void
uidl_row_free(struct uidl_row *row)
{
	if (row == NULL)
		return;
	g_free(row->file);
	g_free(row);
}

static bool
db_error(struct uidl_store *st, const char *what, GError **err)
{
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO, "%s: %s: %s", st->path,
	    what, sqlite3_errmsg(st->db));
	return false;
}

static bool
exec(struct uidl_store *st, const char *sql, GError **err)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return true;
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO, "%s: %s", st->path,
	    msg != NULL ? msg : sqlite3_errmsg(st->db));
	sqlite3_free(msg);
	return false;
}

struct uidl_store *
uidl_store_open(const char *path, GError **err)
{
	struct uidl_store *st = g_new0(struct uidl_store, 1);

	st->path = g_strdup(path);
	if (sqlite3_open_v2(path, &st->db,
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
		    SQLITE_OPEN_NOMUTEX,
		NULL) != SQLITE_OK) {
		db_error(st, "cannot open", err);
		uidl_store_close(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, 10000);
	if (!exec(st,
		"PRAGMA journal_mode=WAL;"
		"PRAGMA synchronous=FULL;"
		"CREATE TABLE IF NOT EXISTS uidl ("
		" server TEXT NOT NULL,"
		" uidl TEXT NOT NULL,"
		" state INTEGER NOT NULL,"
		" partial INTEGER NOT NULL DEFAULT 0,"
		" fetched INTEGER NOT NULL,"
		" file TEXT NOT NULL,"
		" PRIMARY KEY (server, uidl));",
		err)) {
		uidl_store_close(st);
		return NULL;
	}
	return st;
}

void
uidl_store_close(struct uidl_store *st)
{
	if (st == NULL)
		return;
	sqlite3_close(st->db);
	g_free(st->path);
	g_free(st);
}

GHashTable *
uidl_store_load(struct uidl_store *st, const char *server, GError **err)
{
	GHashTable *rows = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, (GDestroyNotify)uidl_row_free);
	sqlite3_stmt *q = NULL;
	int r;

	if (sqlite3_prepare_v2(st->db,
		"SELECT uidl, state, partial, fetched, file FROM uidl "
		"WHERE server = ?1",
		-1, &q, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(q, 1, server, -1, SQLITE_TRANSIENT);
	while ((r = sqlite3_step(q)) == SQLITE_ROW) {
		struct uidl_row *row = g_new0(struct uidl_row, 1);

		row->state = sqlite3_column_int(q, 1) == UIDL_DONE
		    ? UIDL_DONE
		    : UIDL_PENDING;
		row->partial = sqlite3_column_int(q, 2) != 0;
		row->fetched = sqlite3_column_int64(q, 3);
		row->file = g_strdup((const char *)sqlite3_column_text(q, 4));
		g_hash_table_replace(rows,
		    g_strdup((const char *)sqlite3_column_text(q, 0)), row);
	}
	if (r != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(q);
	return rows;
fail:
	db_error(st, "cannot read the UIDL state", err);
	sqlite3_finalize(q);
	g_hash_table_destroy(rows);
	return NULL;
}

/* Run one statement with text/int parameters ("t" or "i" per ?N). */
static bool
run(struct uidl_store *st, const char *sql, const char *types,
    const void *const *args, GError **err)
{
	sqlite3_stmt *q = NULL;
	int r;

	if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
		return db_error(st, "cannot prepare", err);
	for (int i = 0; types[i] != '\0'; i++) {
		if (types[i] == 't')
			sqlite3_bind_text(q, i + 1, args[i], -1,
			    SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(q, i + 1, *(const int64_t *)args[i]);
	}
	r = sqlite3_step(q);
	sqlite3_finalize(q);
	if (r != SQLITE_DONE)
		return db_error(st, "cannot write the UIDL state", err);
	return true;
}

bool
uidl_store_pending(struct uidl_store *st, const char *server, const char *uidl,
    const char *file, int64_t now, GError **err)
{
	const void *args[] = { server, uidl, &now, file };

	return run(st,
	    "INSERT OR REPLACE INTO uidl (server, uidl, state, partial, "
	    "fetched, file) VALUES (?1, ?2, 0, 0, ?3, ?4)",
	    "ttit", args, err);
}

bool
uidl_store_done(struct uidl_store *st, const char *server, const char *uidl,
    bool partial, GError **err)
{
	int64_t p = partial ? 1 : 0;
	const void *args[] = { server, uidl, &p };

	return run(st,
	    "UPDATE uidl SET state = 1, partial = ?3 "
	    "WHERE server = ?1 AND uidl = ?2",
	    "tti", args, err);
}

bool
uidl_store_forget(struct uidl_store *st, const char *server, const char *uidl,
    GError **err)
{
	const void *args[] = { server, uidl };

	return run(st, "DELETE FROM uidl WHERE server = ?1 AND uidl = ?2", "tt",
	    args, err);
}

bool
uidl_store_begin(struct uidl_store *st, GError **err)
{
	return exec(st, "BEGIN IMMEDIATE", err);
}

bool
uidl_store_commit(struct uidl_store *st, GError **err)
{
	return exec(st, "COMMIT", err);
}

void
uidl_store_rollback(struct uidl_store *st)
{
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}
