/* SPDX-License-Identifier: ISC */
/*
 * Account worker threads and the reply queue. The only shared state is in
 * the two GAsyncQueues, the eventfd that wakes the main loop, and the set
 * of cancelled request ids (under a mutex); the callbacks table belongs to
 * the main thread alone.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/worker.h"
#include "util/error.h"
#include "util/log.h"

struct reply_queue {
	GAsyncQueue *queue; /* struct reply * from the workers */
	int fd;		    /* eventfd: nonzero while replies may wait */
	uint64_t next_id;
	GHashTable *callbacks; /* request id -> struct pending (main thread) */
	reply_cb *event_cb;
	void *event_data;
};

struct pending {
	struct worker *worker; /* the request's worker */
	reply_cb *cb;
	void *data;
	bool owned; /* worker_post_owned(): cb outlives the worker */
};

struct reply_sink {
	struct worker *worker;
	uint64_t request_id;
	char *fingerprint; /* set by sink_untrusted() */
};

struct worker {
	char *name;
	GThread *thread;
	GAsyncQueue *requests; /* struct request * */
	struct backend *be;    /* the worker thread's alone */
	struct reply_queue *rq;
	GMutex lock;
	GHashTable *cancelled; /* uint64_t ids, under lock */
	uint64_t running;      /* id of the request being run, under lock */
	/* worker_set_idle(), under lock: the folder kept live while the
	 * queue is empty (NULL: none), and whether the idle op runs now. */
	char *idle_folder;
	unsigned idle_poll;
	bool idling;
	int64_t idle_retry; /* no idle before this (monotonic µs), under lock */
};

/* After a failed idle op (the server is gone), wait this long to retry. */
#define IDLE_RETRY_USEC (30 * G_USEC_PER_SEC)

struct reply_queue *
reply_queue_new(void)
{
	struct reply_queue *rq = g_new0(struct reply_queue, 1);

	rq->queue = g_async_queue_new_full((GDestroyNotify)reply_free);
	rq->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (rq->fd < 0)
		g_error("eventfd: %s", g_strerror(errno));
	rq->next_id = 1;
	rq->callbacks =
	    g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
	return rq;
}

void
reply_queue_free(struct reply_queue *rq)
{
	if (rq == NULL)
		return;
	g_async_queue_unref(rq->queue);
	close(rq->fd);
	g_hash_table_destroy(rq->callbacks);
	g_free(rq);
}

int
reply_queue_fd(const struct reply_queue *rq)
{
	return rq->fd;
}

void
reply_queue_set_event_cb(struct reply_queue *rq, reply_cb *cb, void *data)
{
	rq->event_cb = cb;
	rq->event_data = data;
}

bool
reply_queue_is_pending(const struct reply_queue *rq, uint64_t id)
{
	return g_hash_table_contains(rq->callbacks, &id);
}

unsigned
reply_queue_pending(const struct reply_queue *rq)
{
	return g_hash_table_size(rq->callbacks);
}

/* Worker side: hand a reply to the main thread and wake its loop. */
static void
reply_push(struct reply_queue *rq, struct reply *reply)
{
	uint64_t one = 1;

	g_async_queue_push(rq->queue, reply);
	/* EAGAIN means the counter is full, so the fd is readable anyway. */
	if (write(rq->fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_error("worker: cannot wake the main loop: %s",
		    g_strerror(errno));
}

unsigned
reply_queue_dispatch(struct reply_queue *rq)
{
	struct reply *reply;
	uint64_t count;
	unsigned n = 0;

	/* Reset the counter before draining so no wake-up is lost. */
	if (read(rq->fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		log_error("reply queue: read: %s", g_strerror(errno));
	while ((reply = g_async_queue_try_pop(rq->queue)) != NULL) {
		n++;
		if (reply->kind == REPLY_EVENT ||
		    reply->kind == REPLY_UNSOLICITED) {
			if (rq->event_cb != NULL)
				rq->event_cb(reply, rq->event_data);
		} else {
			struct pending *p = g_hash_table_lookup(rq->callbacks,
			    &reply->request_id);

			/* NULL: its worker was freed before the reply came. */
			if (p != NULL && p->cb != NULL)
				p->cb(reply, p->data);
			if (p != NULL && reply_is_terminal(reply))
				g_hash_table_remove(rq->callbacks,
				    &reply->request_id);
		}
		reply_free(reply);
	}
	return n;
}

static struct reply *
reply_new(struct worker *w, uint64_t id, enum reply_kind kind)
{
	struct reply *reply = g_new0(struct reply, 1);

	reply->request_id = id;
	reply->kind = kind;
	reply->account = g_strdup(w->name);
	return reply;
}

void
sink_progress(struct reply_sink *sink, uint64_t done, uint64_t total)
{
	struct reply *reply =
	    reply_new(sink->worker, sink->request_id, REPLY_PROGRESS);

	reply->done = done;
	reply->total = total;
	reply_push(sink->worker->rq, reply);
}

void
sink_progress_bytes(struct reply_sink *sink, uint64_t done, uint64_t total,
    uint64_t bytes, uint64_t total_bytes)
{
	struct reply *reply =
	    reply_new(sink->worker, sink->request_id, REPLY_PROGRESS);

	reply->done = done;
	reply->total = total;
	reply->bytes = bytes;
	reply->total_bytes = total_bytes;
	reply_push(sink->worker->rq, reply);
}

void
sink_deletable(struct reply_sink *sink, uint64_t n)
{
	struct reply *reply =
	    reply_new(sink->worker, sink->request_id, REPLY_PROGRESS);

	reply->deletable = n;
	reply_push(sink->worker->rq, reply);
}

void
sink_folders(struct reply_sink *sink, GPtrArray *folders)
{
	struct reply *reply =
	    reply_new(sink->worker, sink->request_id, REPLY_FOLDERS);

	reply->folders = folders;
	reply_push(sink->worker->rq, reply);
}

void
sink_folder(struct reply_sink *sink, struct folder_state *folder)
{
	struct reply *reply =
	    reply_new(sink->worker, sink->request_id, REPLY_FOLDER);

	reply->folder = folder;
	reply_push(sink->worker->rq, reply);
}

void
sink_envelopes(struct reply_sink *sink, GPtrArray *envelopes)
{
	struct reply *reply =
	    reply_new(sink->worker, sink->request_id, REPLY_ENVELOPES);

	reply->envelopes = envelopes;
	reply_push(sink->worker->rq, reply);
}

void
sink_message(struct reply_sink *sink, struct message_text *message)
{
	struct reply *reply =
	    reply_new(sink->worker, sink->request_id, REPLY_MESSAGE);

	reply->message = message;
	reply_push(sink->worker->rq, reply);
}

void
sink_uids(struct reply_sink *sink, GArray *uids)
{
	struct reply *reply =
	    reply_new(sink->worker, sink->request_id, REPLY_UIDS);

	reply->uids = uids;
	reply_push(sink->worker->rq, reply);
}

void
sink_quota(struct reply_sink *sink, uint64_t used, uint64_t limit)
{
	struct reply *reply =
	    reply_new(sink->worker, sink->request_id, REPLY_QUOTA);

	reply->quota_used = used;
	reply->quota_limit = limit;
	reply_push(sink->worker->rq, reply);
}

static bool
is_cancelled(struct worker *w, uint64_t id)
{
	bool yes;

	g_mutex_lock(&w->lock);
	yes = g_hash_table_remove(w->cancelled, &id);
	if (yes) /* keep it: the op may ask again */
		g_hash_table_add(w->cancelled, g_memdup2(&id, sizeof(id)));
	g_mutex_unlock(&w->lock);
	return yes;
}

void
sink_update(struct reply_sink *sink, struct folder_update *u)
{
	struct reply *reply = reply_new(sink->worker, 0, REPLY_UNSOLICITED);

	reply->update = u;
	reply_push(sink->worker->rq, reply);
}

bool
sink_cancelled(struct reply_sink *sink)
{
	return is_cancelled(sink->worker, sink->request_id);
}

void
sink_untrusted(struct reply_sink *sink, const char *fingerprint)
{
	g_free(sink->fingerprint);
	sink->fingerprint = g_strdup(fingerprint);
}

/* Run one request with the driver and answer it. */
static void
run_request(struct worker *w, struct request *req)
{
	const struct backend_ops *ops = w->be->ops;
	struct reply_sink sink = { w, req->id, NULL };
	GError *error = NULL;
	struct reply *reply;
	backend_op *op = NULL;
	bool ok;

	switch (req->kind) {
	case REQ_CONNECT:
		op = ops->connect;
		break;
	case REQ_CHECK:
		op = ops->check;
		break;
	case REQ_LIST_FOLDERS:
		op = ops->list_folders;
		break;
	case REQ_OPEN_FOLDER:
		op = ops->open_folder;
		break;
	case REQ_FETCH_ENVELOPES:
		op = ops->fetch_envelopes;
		break;
	case REQ_FETCH_MESSAGE:
		op = ops->fetch_message;
		break;
	case REQ_SAVE_PART:
		op = ops->save_part;
		break;
	case REQ_SET_FLAGS:
		/* An op added at the end: an older table may not have it. */
		if (ops->size >=
		    offsetof(struct backend_ops, set_flags) + sizeof(void *))
			op = ops->set_flags;
		break;
	case REQ_EXPUNGE:
		if (ops->size >=
		    offsetof(struct backend_ops, expunge) + sizeof(void *))
			op = ops->expunge;
		break;
	case REQ_COPY:
		if (ops->size >=
		    offsetof(struct backend_ops, copy) + sizeof(void *))
			op = ops->copy;
		break;
	case REQ_MOVE:
		if (ops->size >=
		    offsetof(struct backend_ops, move) + sizeof(void *))
			op = ops->move;
		break;
	case REQ_APPEND:
		if (ops->size >=
		    offsetof(struct backend_ops, append) + sizeof(void *))
			op = ops->append;
		break;
	case REQ_FETCH_NEW:
		if (ops->size >=
		    offsetof(struct backend_ops, fetch_new) + sizeof(void *))
			op = ops->fetch_new;
		break;
	case REQ_SUBMIT:
		if (ops->size >=
		    offsetof(struct backend_ops, submit) + sizeof(void *))
			op = ops->submit;
		break;
	case REQ_CREATE_FOLDER:
		if (ops->size >= offsetof(struct backend_ops, create_folder) +
			sizeof(void *))
			op = ops->create_folder;
		break;
	case REQ_RENAME_FOLDER:
		if (ops->size >= offsetof(struct backend_ops, rename_folder) +
			sizeof(void *))
			op = ops->rename_folder;
		break;
	case REQ_DELETE_FOLDER:
		if (ops->size >= offsetof(struct backend_ops, delete_folder) +
			sizeof(void *))
			op = ops->delete_folder;
		break;
	case REQ_SUBSCRIBE:
		if (ops->size >=
		    offsetof(struct backend_ops, subscribe) + sizeof(void *))
			op = ops->subscribe;
		break;
	case REQ_FETCH_FULL:
		if (ops->size >=
		    offsetof(struct backend_ops, fetch_full) + sizeof(void *))
			op = ops->fetch_full;
		break;
	case REQ_SEARCH:
		if (ops->size >=
		    offsetof(struct backend_ops, search) + sizeof(void *))
			op = ops->search;
		break;
	case REQ_QUOTA:
		if (ops->size >=
		    offsetof(struct backend_ops, quota) + sizeof(void *))
			op = ops->quota;
		break;
	case REQ_QUIT:
	case REQ_IDLE:
		g_assert_not_reached();
	}
	if (is_cancelled(w, req->id)) {
		reply = reply_new(w, req->id, REPLY_CANCELLED);
	} else if (op == NULL) {
		reply = reply_new(w, req->id, REPLY_UNSUPPORTED);
	} else {
		g_mutex_lock(&w->lock);
		w->running = req->id;
		g_mutex_unlock(&w->lock);
		ok = op(w->be, req, &sink, &error);
		g_mutex_lock(&w->lock);
		w->running = 0;
		g_mutex_unlock(&w->lock);
		if (is_cancelled(w, req->id) ||
		    g_error_matches(error, SKUA_ERROR, SKUA_ERROR_CANCELLED)) {
			g_clear_error(&error);
			reply = reply_new(w, req->id, REPLY_CANCELLED);
		} else if (ok) {
			g_clear_error(&error);
			reply = reply_new(w, req->id, REPLY_DONE);
		} else {
			if (error == NULL)
				error =
				    g_error_new(SKUA_ERROR, SKUA_ERROR_PROTOCOL,
					"%s: failed without saying why",
					w->be->ops->name);
			reply = reply_new(w, req->id, REPLY_ERROR);
			reply->error = error;
			if (g_error_matches(error, SKUA_ERROR,
				SKUA_ERROR_TLS_VERIFY)) {
				reply->fingerprint = sink.fingerprint;
				sink.fingerprint = NULL;
			}
		}
	}
	g_free(sink.fingerprint);
	g_mutex_lock(&w->lock);
	g_hash_table_remove(w->cancelled, &req->id);
	g_mutex_unlock(&w->lock);
	reply_push(w->rq, reply);
}

/* Whether the driver can keep a folder live (the ops at the end exist). */
static bool
can_idle(const struct backend *be)
{
	const struct backend_ops *ops = be->ops;

	return ops->size >=
	    offsetof(struct backend_ops, wake) + sizeof(void *) &&
	    ops->idle != NULL && ops->wake != NULL;
}

/* Under w->lock: make an idle op that runs (or is about to) return. */
static void
wake_idle(struct worker *w)
{
	if (w->idling)
		w->be->ops->wake(w->be);
}

/*
 * Run the driver's idle op on the folder of worker_set_idle() while the
 * queue is empty; true when it ran (the caller looks at the queue again).
 */
static bool
run_idle(struct worker *w)
{
	struct reply_sink sink = { w, 0, NULL };
	struct request *req;
	GError *error = NULL;
	bool ok;

	g_mutex_lock(&w->lock);
	if (w->idle_folder == NULL || !can_idle(w->be) ||
	    g_get_monotonic_time() < w->idle_retry ||
	    g_async_queue_length(w->requests) > 0) {
		g_mutex_unlock(&w->lock);
		return false;
	}
	req = request_new(REQ_IDLE);
	req->folder = g_strdup(w->idle_folder);
	req->poll = w->idle_poll;
	/* From here a request posted wakes the op (worker_post()). */
	w->idling = true;
	g_mutex_unlock(&w->lock);
	ok = w->be->ops->idle(w->be, req, &sink, &error);
	g_mutex_lock(&w->lock);
	w->idling = false;
	if (!ok)
		w->idle_retry = g_get_monotonic_time() + IDLE_RETRY_USEC;
	g_mutex_unlock(&w->lock);
	if (!ok)
		log_warn("%s: keeping %s live failed: %s", w->name, req->folder,
		    error != NULL ? error->message : "no reason given");
	g_clear_error(&error);
	g_free(sink.fingerprint);
	request_free(req);
	return true;
}

/* The next request; while none waits, the folder is kept live. */
static struct request *
next_request(struct worker *w)
{
	for (;;) {
		int64_t wait = 0;

		if (run_idle(w))
			continue;
		g_mutex_lock(&w->lock);
		if (w->idle_folder != NULL && can_idle(w->be))
			wait = w->idle_retry - g_get_monotonic_time();
		g_mutex_unlock(&w->lock);
		if (wait <= 0)
			return g_async_queue_pop(w->requests);
		/* After a failure: retry the idle op later. */
		{
			struct request *req =
			    g_async_queue_timeout_pop(w->requests,
				(guint64)wait);

			if (req != NULL)
				return req;
		}
	}
}

static gpointer
worker_main(gpointer data)
{
	struct worker *w = data;
	struct request *req;

	log_set_thread_name(w->name);
	log_debug("worker started (driver %s)", w->be->ops->name);
	for (;;) {
		req = next_request(w);
		if (req->kind == REQ_QUIT) {
			request_free(req);
			break;
		}
		if (req->kind == REQ_IDLE) { /* worker_set_idle()'s nudge */
			request_free(req);
			continue;
		}
		run_request(w, req);
		request_free(req);
	}
	/* Answer what is still queued, so every request ends. */
	while ((req = g_async_queue_try_pop(w->requests)) != NULL) {
		if (req->kind != REQ_IDLE)
			reply_push(w->rq,
			    reply_new(w, req->id, REPLY_CANCELLED));
		request_free(req);
	}
	w->be->ops->free(w->be);
	w->be = NULL;
	log_debug("worker stopped");
	return NULL;
}

struct worker *
worker_new(const char *name, struct backend *be, struct reply_queue *rq)
{
	struct worker *w = g_new0(struct worker, 1);

	g_assert(be->ops->size == sizeof(struct backend_ops));
	g_assert(be->ops->free != NULL);
	w->name = g_strdup(name);
	w->be = be;
	w->rq = rq;
	w->requests = g_async_queue_new();
	g_mutex_init(&w->lock);
	w->cancelled =
	    g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	w->thread = g_thread_new(name, worker_main, w);
	return w;
}

static uint64_t
post(struct worker *w, struct request *req, reply_cb *cb, void *data,
    bool owned)
{
	struct reply_queue *rq = w->rq;
	struct pending *p = g_new(struct pending, 1);
	uint64_t id;

	g_assert(req->kind != REQ_QUIT);
	req->id = rq->next_id++;
	p->worker = w;
	p->cb = cb;
	p->data = data;
	p->owned = owned;
	id = req->id;
	g_hash_table_insert(rq->callbacks, g_memdup2(&id, sizeof(id)), p);
	/* The worker owns req from here on: it may be freed at once. */
	g_async_queue_push(w->requests, req);
	/* Keeping a folder live: stop that first (a few ms). */
	g_mutex_lock(&w->lock);
	wake_idle(w);
	g_mutex_unlock(&w->lock);
	return id;
}

uint64_t
worker_post(struct worker *w, struct request *req, reply_cb *cb, void *data)
{
	return post(w, req, cb, data, false);
}

uint64_t
worker_post_owned(struct worker *w, struct request *req, reply_cb *cb,
    void *data)
{
	return post(w, req, cb, data, true);
}

void
worker_set_idle(struct worker *w, const char *folder, unsigned poll)
{
	bool nudge;

	g_mutex_lock(&w->lock);
	nudge = g_strcmp0(folder, w->idle_folder) != 0 || poll != w->idle_poll;
	g_free(w->idle_folder);
	w->idle_folder = g_strdup(folder);
	w->idle_poll = poll;
	w->idle_retry = 0;
	if (nudge)
		wake_idle(w);
	g_mutex_unlock(&w->lock);
	/* A worker waiting on an empty queue looks again. */
	if (nudge && folder != NULL)
		g_async_queue_push(w->requests, request_new(REQ_IDLE));
}

void
worker_cancel(struct worker *w, uint64_t id)
{
	struct pending *p = g_hash_table_lookup(w->rq->callbacks, &id);

	/* Answered already, or another worker's: nothing to stop. */
	if (p == NULL || p->worker != w)
		return;
	g_mutex_lock(&w->lock);
	g_hash_table_add(w->cancelled, g_memdup2(&id, sizeof(id)));
	/* Running and maybe blocked on the network: wake it up. */
	if (w->running == id &&
	    w->be->ops->size >=
		offsetof(struct backend_ops, interrupt) + sizeof(void *) &&
	    w->be->ops->interrupt != NULL)
		w->be->ops->interrupt(w->be);
	g_mutex_unlock(&w->lock);
}

void
worker_forget(struct worker *w, void *data)
{
	GHashTableIter it;
	gpointer key, value;

	g_hash_table_iter_init(&it, w->rq->callbacks);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		struct pending *p = value;

		if (p->worker == w && p->data == data)
			p->cb = NULL;
	}
}

void
worker_free(struct worker *w)
{
	GHashTableIter it;
	gpointer key, value;

	if (w == NULL)
		return;
	g_async_queue_push_front(w->requests, request_new(REQ_QUIT));
	/*
	 * A request running now (a connect to a server that does not answer,
	 * a listing) is interrupted, so quitting or reconnecting never waits
	 * on the network.
	 */
	g_mutex_lock(&w->lock);
	/* Keeping a folder live counts: a DONE may wait on a dead server. */
	if ((w->running != 0 || w->idling) &&
	    w->be->ops->size >=
		offsetof(struct backend_ops, interrupt) + sizeof(void *) &&
	    w->be->ops->interrupt != NULL)
		w->be->ops->interrupt(w->be);
	g_clear_pointer(&w->idle_folder, g_free);
	wake_idle(w);
	g_mutex_unlock(&w->lock);
	g_thread_join(w->thread);
	g_async_queue_unref(w->requests);
	g_hash_table_destroy(w->cancelled);
	g_mutex_clear(&w->lock);
	/*
	 * Its replies may still sit in the reply queue: they stay there and
	 * are dispatched normally, so callbacks of this worker's requests are
	 * forgotten here to keep them from running after their owner is gone.
	 */
	g_hash_table_iter_init(&it, w->rq->callbacks);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		struct pending *p = value;

		(void)key;
		if (p->worker == w) {
			/* An owned callback sees its cancellation. */
			if (!p->owned)
				p->cb = NULL;
			p->worker = NULL;
		}
	}
	g_free(w->name);
	g_free(w);
}
