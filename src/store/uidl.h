/* SPDX-License-Identifier: ISC */
/*
 * The POP3 UIDL state of an account: which server messages are already
 * in the local store. One SQLite file per account (WAL, synchronous=FULL:
 * a row that says "this message is here" must survive a crash, or the
 * message would be downloaded twice). Rows are keyed by the server
 * ("user@host:port") and the UIDL.
 */
#ifndef SKUA_STORE_UIDL_H
#define SKUA_STORE_UIDL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

enum uidl_state {
	UIDL_PENDING = 0, /* being delivered as file; maybe not there yet */
	UIDL_DONE = 1,	  /* in the local store as file */
};

struct uidl_row {
	enum uidl_state state;
	bool partial;	 /* only the header was stored (pop_max_size) */
	int64_t fetched; /* Unix time of the download */
	char *file;	 /* Maildir base name (no directory, no info) */
};
void uidl_row_free(struct uidl_row *row);

struct uidl_store;

/* Open (create) the state file; false with err. */
struct uidl_store *uidl_store_open(const char *path, GError **err);
void uidl_store_close(struct uidl_store *st);

/* Every row of server: a table from UIDL to struct uidl_row *. */
GHashTable *uidl_store_load(struct uidl_store *st, const char *server,
    GError **err);
/*
 * Record that uidl is about to be delivered as file, committed before it
 * returns (the crash-safety argument is in backend/pop3/pop3.c).
 */
bool uidl_store_pending(struct uidl_store *st, const char *server,
    const char *uidl, const char *file, int64_t now, GError **err);
/* Mark uidl as delivered (committed). */
bool uidl_store_done(struct uidl_store *st, const char *server,
    const char *uidl, bool partial, GError **err);
/* Forget uidl (the server no longer has it, or it is to be fetched again). */
bool uidl_store_forget(struct uidl_store *st, const char *server,
    const char *uidl, GError **err);
/* Group changes into one transaction (fewer syncs). */
bool uidl_store_begin(struct uidl_store *st, GError **err);
bool uidl_store_commit(struct uidl_store *st, GError **err);
/* Drop the open transaction (after a failed change). */
void uidl_store_rollback(struct uidl_store *st);
#endif
