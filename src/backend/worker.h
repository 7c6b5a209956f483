/* SPDX-License-Identifier: ISC */
/*
 * Account workers. Each account has one thread that owns its driver
 * instance and runs one request at a time. Requests go in through the
 * worker's queue; replies come back through one reply queue shared by all
 * workers, whose file descriptor becomes readable when replies wait, so
 * the main loop can watch it next to the terminal.
 *
 * Thread rules: worker_post(), worker_cancel(), worker_free() and every
 * reply_queue_*() function are for the main thread only. Callbacks run on
 * the main thread, from reply_queue_dispatch().
 */
#ifndef SKUA_BACKEND_WORKER_H
#define SKUA_BACKEND_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/types.h"

struct backend;
struct reply_queue;
struct worker;

/*
 * Called for each reply to a request (progress, then one terminal reply),
 * or for each event (REPLY_EVENT, REPLY_UNSOLICITED) when registered with
 * reply_queue_set_event_cb().
 * The reply is freed after the callback returns.
 */
typedef void reply_cb(const struct reply *reply, void *data);

struct reply_queue *reply_queue_new(void);
/* All workers using the queue must be freed first. */
void reply_queue_free(struct reply_queue *rq);
/* Readable while replies wait; never read or close it yourself. */
int reply_queue_fd(const struct reply_queue *rq);
void reply_queue_set_event_cb(struct reply_queue *rq, reply_cb *cb, void *data);
/* Run the callbacks of every waiting reply; returns how many there were. */
unsigned reply_queue_dispatch(struct reply_queue *rq);
/* Whether request id is posted and not yet answered. */
bool reply_queue_is_pending(const struct reply_queue *rq, uint64_t id);
/* Requests posted and not yet answered with a terminal reply. */
unsigned reply_queue_pending(const struct reply_queue *rq);

/* Start a worker thread named name that owns be from now on. */
struct worker *worker_new(const char *name, struct backend *be,
    struct reply_queue *rq);
/*
 * Queue req (ownership moves to the worker) and return its id; cb (may be
 * NULL) will see its replies.
 */
uint64_t worker_post(struct worker *w, struct request *req, reply_cb *cb,
    void *data);
/*
 * worker_post() for a callback whose data does not belong to the worker's
 * owner (it frees itself on its terminal reply): when the worker is freed
 * first, cb still gets the request's REPLY_CANCELLED (or its last reply)
 * from the reply queue, instead of being forgotten.
 */
uint64_t worker_post_owned(struct worker *w, struct request *req, reply_cb *cb,
    void *data);
/*
 * Ask for request id to stop: a queued request is answered CANCELLED
 * without running; a running one sees sink_cancelled() turn true, and its
 * driver's interrupt op (if any) breaks off the I/O it waits on.
 */
void worker_cancel(struct worker *w, uint64_t id);
/*
 * Keep folder (a server name; NULL: none) live while w has nothing to do:
 * the driver's idle op runs whenever the queue is empty (IDLE, else a NOOP
 * every poll seconds) and its news come as REPLY_UNSOLICITED to the
 * queue's event callback. A request posted meanwhile wakes it at once.
 * Drivers without the idle op ignore it.
 */
void worker_set_idle(struct worker *w, const char *folder, unsigned poll);
/* Drop the callbacks of w's unanswered requests whose data is data. */
void worker_forget(struct worker *w, void *data);
/*
 * Stop the thread after the request it runs (or the idle op), which the
 * driver's interrupt op (when it has one) makes fail at once (the queue is
 * answered CANCELLED), and free it with its driver. Callbacks of requests still
 * unanswered are dropped.
 */
void worker_free(struct worker *w);

#endif
