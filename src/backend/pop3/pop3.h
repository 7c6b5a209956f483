/* SPDX-License-Identifier: ISC */
/*
 * The POP3 driver: downloads new mail into the account's local Maildir,
 * never losing or duplicating a message (libetpan's mailpop3 over our TLS
 * stream from net/; the UIDL state in store/uidl.h).
 */
#ifndef SKUA_BACKEND_POP3_POP3_H
#define SKUA_BACKEND_POP3_POP3_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct backend;
struct backend_params;

/* What a fetch did. */
struct pop3_result {
	unsigned fetched; /* messages delivered into the local store */
	uint64_t bytes;	  /* their size on the server */
	unsigned deleted; /* messages deleted on the server (QUIT done) */
	unsigned left;	  /* messages left on the server */
	unsigned partial; /* of fetched: only the header (pop_max_size) */
	/* pop_delete = ask: downloaded messages kept on the server that a
	 * yes would delete (pop_keep_days applied). */
	unsigned deletable;
};

/* Progress: done of total new messages, bytes of total_bytes so far. */
typedef void pop3_progress_fn(void *data, unsigned done, unsigned total,
    uint64_t bytes, uint64_t total_bytes);

/* A driver instance for params (copied). */
struct backend *pop3_backend_new(const struct backend_params *params);
/*
 * Download what is new on the server of be (a pop3 driver) into its local
 * store, delete what is due, QUIT. Synchronous; progress may be NULL.
 * false with err (a one-line reason) on failure: what was delivered and
 * recorded stays, the next run goes on from there.
 */
bool pop3_fetch(struct backend *be, pop3_progress_fn *progress, void *data,
    struct pop3_result *res, GError **err);

#endif
