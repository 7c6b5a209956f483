/* SPDX-License-Identifier: ISC */
/*
 * The values that cross between the main thread and the account workers.
 * A request is posted by the main thread and owned by the worker from then
 * on; a reply is made by a worker and owned by the main thread once popped.
 * Nothing here points into the model.
 */
#ifndef SKUA_BACKEND_TYPES_H
#define SKUA_BACKEND_TYPES_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

enum request_kind {
	REQ_CONNECT, /* connect and log in */
	REQ_CHECK,   /* look for news (NOOP, a POP3 STAT, a Maildir scan) */
	REQ_QUIT,    /* internal: ends the worker thread */
};

struct request {
	uint64_t id; /* set by worker_post() */
	enum request_kind kind;
};

enum reply_kind {
	/* Terminal: every request gets exactly one of these. */
	REPLY_DONE,
	REPLY_ERROR, /* error is set */
	REPLY_CANCELLED,
	REPLY_UNSUPPORTED,
	/* Not terminal: progress of a running request. */
	REPLY_PROGRESS,
	/* Unrequested (request_id 0): a small closed set of model deltas. */
	REPLY_EVENT,
};

enum event_kind {
	EVENT_CONN_LOST,
	EVENT_CONN_RESTORED,
};

struct reply {
	uint64_t request_id; /* 0 for events */
	enum reply_kind kind;
	GError *error;	       /* REPLY_ERROR */
	uint64_t done, total;  /* REPLY_PROGRESS */
	enum event_kind event; /* REPLY_EVENT */
	char *account;	       /* the worker's name; owned */
};

struct request *request_new(enum request_kind kind);
void request_free(struct request *req);
void reply_free(struct reply *reply);
bool reply_is_terminal(const struct reply *reply);

#endif
