/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the worker mechanism, with a fake driver whose connect
 * blocks until the test opens a gate. The main loop must keep handling
 * input while the worker is stuck in it: the gate is opened only by the
 * loop's own input handler, so a loop blocked by the worker would never
 * get there and the test would fail on its guard timeout.
 */
#include "config.h"

#include <glib-unix.h>
#include <glib.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/worker.h"
#include "util/error.h"

struct gate {
	GMutex lock;
	GCond cond;
	bool open;
	bool entered; /* the op has started */
};

static struct gate gate;

static void
gate_reset(void)
{
	g_mutex_lock(&gate.lock);
	gate.open = false;
	gate.entered = false;
	g_mutex_unlock(&gate.lock);
}

static void
gate_open(void)
{
	g_mutex_lock(&gate.lock);
	gate.open = true;
	g_cond_broadcast(&gate.cond);
	g_mutex_unlock(&gate.lock);
}

static bool
gate_entered(void)
{
	bool e;

	g_mutex_lock(&gate.lock);
	e = gate.entered;
	g_mutex_unlock(&gate.lock);
	return e;
}

/* The slow op: blocks until the gate opens, checking for cancellation. */
static bool
slow_connect(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	g_mutex_lock(&gate.lock);
	gate.entered = true;
	g_cond_broadcast(&gate.cond);
	while (!gate.open) {
		gint64 until = g_get_monotonic_time() + 10 * 1000;

		g_cond_wait_until(&gate.cond, &gate.lock, until);
		if (sink_cancelled(sink))
			break;
	}
	g_mutex_unlock(&gate.lock);
	sink_progress(sink, 1, 1);
	return true;
}

/*
 * An op blocked in I/O that never looks at sink_cancelled(): only the
 * driver's interrupt op (from the main thread) wakes it.
 */
static int interrupts; /* under gate.lock */

static bool
blocked_connect(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	bool woken;

	g_mutex_lock(&gate.lock);
	gate.entered = true;
	g_cond_broadcast(&gate.cond);
	while (!gate.open && interrupts == 0)
		g_cond_wait(&gate.cond, &gate.lock);
	woken = interrupts > 0;
	g_mutex_unlock(&gate.lock);
	if (woken)
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CANCELLED, "cancelled");
	return !woken;
}

static void
blocked_interrupt(struct backend *be)
{
	g_mutex_lock(&gate.lock);
	interrupts++;
	g_cond_broadcast(&gate.cond);
	g_mutex_unlock(&gate.lock);
}

static bool
failing_check(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK, "no route to host");
	return false;
}

static void
fake_free(struct backend *be)
{
	g_free(be);
}

static const struct backend_ops fake_ops = {
	.size = sizeof(struct backend_ops),
	.name = "fake",
	.connect = slow_connect,
	.check = failing_check,
	.free = fake_free,
};

static const struct backend_ops blocking_ops = {
	.size = sizeof(struct backend_ops),
	.name = "blocking",
	.connect = blocked_connect,
	.free = fake_free,
	.interrupt = blocked_interrupt,
};

static const struct backend_ops bare_ops = {
	.size = sizeof(struct backend_ops),
	.name = "bare",
	.free = fake_free,
};

static struct backend *
fake_new(const struct backend_ops *ops)
{
	struct backend *be = g_new0(struct backend, 1);

	be->ops = ops;
	return be;
}

/* Replies seen by the callback, in order. */
struct log {
	GArray *kinds; /* enum reply_kind */
	GArray *ids;   /* uint64_t */
	char *error;
};

static void
log_cb(const struct reply *reply, void *data)
{
	struct log *l = data;

	g_array_append_val(l->kinds, reply->kind);
	g_array_append_val(l->ids, reply->request_id);
	if (reply->error != NULL) {
		g_free(l->error);
		l->error = g_strdup(reply->error->message);
	}
}

static void
log_init(struct log *l)
{
	l->kinds = g_array_new(FALSE, FALSE, sizeof(enum reply_kind));
	l->ids = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	l->error = NULL;
}

static void
log_release(struct log *l)
{
	g_array_free(l->kinds, TRUE);
	g_array_free(l->ids, TRUE);
	g_free(l->error);
}

/* Dispatch until n terminal replies were seen (bounded: 10 s). */
static void
wait_terminal(struct reply_queue *rq, unsigned n_pending_left)
{
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while (reply_queue_pending(rq) > n_pending_left) {
		GPollFD pfd = { reply_queue_fd(rq), G_IO_IN, 0 };

		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_poll(&pfd, 1, 100);
		reply_queue_dispatch(rq);
	}
}

static void
test_unsupported_and_error(void)
{
	struct reply_queue *rq = reply_queue_new();
	struct worker *bare = worker_new("bare", fake_new(&bare_ops), rq);
	struct worker *fake = worker_new("fake", fake_new(&fake_ops), rq);
	struct log l;

	log_init(&l);
	worker_post(bare, request_new(REQ_CONNECT), log_cb, &l);
	wait_terminal(rq, 0);
	g_assert_cmpuint(l.kinds->len, ==, 1);
	g_assert_cmpint(g_array_index(l.kinds, enum reply_kind, 0), ==,
	    REPLY_UNSUPPORTED);

	worker_post(fake, request_new(REQ_CHECK), log_cb, &l);
	wait_terminal(rq, 0);
	g_assert_cmpuint(l.kinds->len, ==, 2);
	g_assert_cmpint(g_array_index(l.kinds, enum reply_kind, 1), ==,
	    REPLY_ERROR);
	g_assert_cmpstr(l.error, ==, "no route to host");
	worker_free(bare);
	worker_free(fake);
	reply_queue_free(rq);
	log_release(&l);
}

/* The loop test: a pipe stands for the terminal. */
struct live {
	struct reply_queue *rq;
	GMainLoop *loop;
	int tty[2];
	unsigned keys_handled;
	unsigned keys_while_busy;
	bool busy_done;
	bool timed_out;
	struct log l;
};

static gboolean
on_key(gint fd, GIOCondition cond, gpointer data)
{
	struct live *t = data;
	char c;

	while (read(fd, &c, 1) == 1) {
		t->keys_handled++;
		if (gate_entered() && !t->busy_done)
			t->keys_while_busy++;
	}
	/* Enough keys answered while the worker is stuck: let it go. */
	if (t->keys_while_busy >= 20)
		gate_open();
	return G_SOURCE_CONTINUE;
}

static gboolean
type_key(gpointer data)
{
	struct live *t = data;
	ssize_t r = write(t->tty[1], "j", 1);

	g_assert_cmpint(r, ==, 1);
	return G_SOURCE_CONTINUE;
}

static gboolean
on_replies(gint fd, GIOCondition cond, gpointer data)
{
	struct live *t = data;

	reply_queue_dispatch(t->rq);
	if (reply_queue_pending(t->rq) == 0) {
		t->busy_done = true;
		g_main_loop_quit(t->loop);
	}
	return G_SOURCE_CONTINUE;
}

static gboolean
guard(gpointer data)
{
	struct live *t = data;

	t->timed_out = true;
	gate_open();
	g_main_loop_quit(t->loop);
	return G_SOURCE_REMOVE;
}

static void
test_loop_stays_live(void)
{
	struct live t = { 0 };
	struct worker *w;
	guint s1, s2, s3, s4;

	gate_reset();
	log_init(&t.l);
	t.rq = reply_queue_new();
	t.loop = g_main_loop_new(NULL, FALSE);
	g_assert_true(g_unix_open_pipe(t.tty, FD_CLOEXEC, NULL));
	g_assert_true(g_unix_set_fd_nonblocking(t.tty[0], TRUE, NULL));
	w = worker_new("slow", fake_new(&fake_ops), t.rq);
	worker_post(w, request_new(REQ_CONNECT), log_cb, &t.l);

	s1 = g_unix_fd_add(t.tty[0], G_IO_IN, on_key, &t);
	s2 = g_unix_fd_add(reply_queue_fd(t.rq), G_IO_IN, on_replies, &t);
	s3 = g_timeout_add(2, type_key, &t);
	s4 = g_timeout_add_seconds(20, guard, &t);
	g_main_loop_run(t.loop);

	g_assert_false(t.timed_out);
	g_assert_cmpuint(t.keys_while_busy, >=, 20);
	/* A progress reply, then exactly one terminal reply. */
	g_assert_cmpuint(t.l.kinds->len, ==, 2);
	g_assert_cmpint(g_array_index(t.l.kinds, enum reply_kind, 0), ==,
	    REPLY_PROGRESS);
	g_assert_cmpint(g_array_index(t.l.kinds, enum reply_kind, 1), ==,
	    REPLY_DONE);
	g_test_message("%u keys handled while the worker was busy",
	    t.keys_while_busy);

	g_source_remove(s1);
	g_source_remove(s2);
	g_source_remove(s3);
	g_source_remove(s4);
	worker_free(w);
	reply_queue_free(t.rq);
	g_main_loop_unref(t.loop);
	close(t.tty[0]);
	close(t.tty[1]);
	log_release(&t.l);
}

static void
test_cancel(void)
{
	struct reply_queue *rq = reply_queue_new();
	struct worker *w;
	uint64_t running, queued;
	gint64 deadline;
	struct log l;

	gate_reset();
	log_init(&l);
	w = worker_new("cancel", fake_new(&fake_ops), rq);
	running = worker_post(w, request_new(REQ_CONNECT), log_cb, &l);
	queued = worker_post(w, request_new(REQ_CONNECT), log_cb, &l);
	g_assert_cmpuint(running, !=, queued);
	deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	while (!gate_entered()) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_usleep(1000);
	}
	/* Cancel the queued one first, then the running one. */
	worker_cancel(w, queued);
	worker_cancel(w, running);
	wait_terminal(rq, 0);
	/* Progress (the op returns after noticing), then CANCELLED twice. */
	g_assert_cmpuint(l.kinds->len, ==, 3);
	g_assert_cmpint(g_array_index(l.kinds, enum reply_kind, 0), ==,
	    REPLY_PROGRESS);
	g_assert_cmpint(g_array_index(l.kinds, enum reply_kind, 1), ==,
	    REPLY_CANCELLED);
	g_assert_cmpuint(g_array_index(l.ids, uint64_t, 1), ==, running);
	g_assert_cmpint(g_array_index(l.kinds, enum reply_kind, 2), ==,
	    REPLY_CANCELLED);
	g_assert_cmpuint(g_array_index(l.ids, uint64_t, 2), ==, queued);
	worker_free(w);
	reply_queue_free(rq);
	log_release(&l);
}

/* Cancelling a running request interrupts its driver, a queued one not. */
static void
test_interrupt(void)
{
	struct reply_queue *rq = reply_queue_new();
	struct worker *w;
	uint64_t running, queued;
	gint64 deadline;
	struct log l;

	gate_reset();
	interrupts = 0;
	log_init(&l);
	w = worker_new("interrupt", fake_new(&blocking_ops), rq);
	running = worker_post(w, request_new(REQ_CONNECT), log_cb, &l);
	queued = worker_post(w, request_new(REQ_CONNECT), log_cb, &l);
	deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	while (!gate_entered()) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_usleep(1000);
	}
	worker_cancel(w, queued);
	g_mutex_lock(&gate.lock);
	g_assert_cmpint(interrupts, ==, 0);
	g_mutex_unlock(&gate.lock);
	worker_cancel(w, running);
	wait_terminal(rq, 0);
	g_assert_cmpint(interrupts, ==, 1);
	g_assert_cmpuint(l.kinds->len, ==, 2);
	g_assert_cmpint(g_array_index(l.kinds, enum reply_kind, 0), ==,
	    REPLY_CANCELLED);
	g_assert_cmpuint(g_array_index(l.ids, uint64_t, 0), ==, running);
	g_assert_cmpint(g_array_index(l.kinds, enum reply_kind, 1), ==,
	    REPLY_CANCELLED);
	/* Cancelling an answered request does nothing. */
	worker_cancel(w, running);
	g_assert_cmpint(interrupts, ==, 1);
	worker_free(w);
	reply_queue_free(rq);
	log_release(&l);
}

/* Freeing a worker answers its queue and drops its callbacks. */
static void
test_free_with_queue(void)
{
	struct reply_queue *rq = reply_queue_new();
	struct worker *w;
	gint64 deadline;
	struct log l;

	gate_reset();
	log_init(&l);
	w = worker_new("busy", fake_new(&fake_ops), rq);
	worker_post(w, request_new(REQ_CONNECT), log_cb, &l);
	worker_post(w, request_new(REQ_CHECK), log_cb, &l);
	deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	while (!gate_entered()) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_usleep(1000);
	}
	gate_open();
	worker_free(w);
	wait_terminal(rq, 0);
	g_assert_cmpuint(l.kinds->len, ==, 0);
	reply_queue_free(rq);
	log_release(&l);
}

/*
 * An owned request queued behind a running one when its worker is freed:
 * its callback still gets its terminal reply (a cross-account transfer
 * frees itself there); a plain one's is dropped.
 */
static void
test_free_owned(void)
{
	struct reply_queue *rq = reply_queue_new();
	struct worker *w;
	gint64 deadline;
	struct log plain, owned;
	enum reply_kind kind;
	uint64_t id;

	gate_reset();
	log_init(&plain);
	log_init(&owned);
	w = worker_new("busy", fake_new(&fake_ops), rq);
	worker_post(w, request_new(REQ_CONNECT), log_cb, &plain);
	id = worker_post_owned(w, request_new(REQ_CHECK), log_cb, &owned);
	deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	while (!gate_entered()) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_usleep(1000);
	}
	gate_open();
	worker_free(w);
	wait_terminal(rq, 0);
	g_assert_cmpuint(plain.kinds->len, ==, 0);
	/*
	 * One terminal reply: REPLY_CANCELLED when the quit came first, the
	 * check's own error when the worker took it before the quit (the
	 * gate opens before worker_free(), so either may happen).
	 */
	g_assert_cmpuint(owned.kinds->len, ==, 1);
	kind = g_array_index(owned.kinds, enum reply_kind, 0);
	g_assert_true(kind == REPLY_CANCELLED || kind == REPLY_ERROR);
	g_assert_cmpuint(g_array_index(owned.ids, uint64_t, 0), ==, id);
	reply_queue_free(rq);
	log_release(&plain);
	log_release(&owned);
}

/*
 * A driver that keeps a folder live: its idle op tells one update, then
 * blocks on its wake fd (as IMAP IDLE blocks on the socket) for up to
 * 10 s, and counts how often it ran and how it ended.
 */
struct idler {
	GMutex lock;
	int wake_fd;
	unsigned runs, woken;
	char *folder;  /* the last req->folder */
	unsigned poll; /* the last req->poll */
	bool in_wait;  /* blocked now */
};

static struct idler idler;

static bool
idle_op(struct backend *be, const struct request *req, struct reply_sink *sink,
    GError **err)
{
	struct pollfd p = { .fd = idler.wake_fd, .events = POLLIN };
	struct folder_update *u = folder_update_new(req->folder, 7);
	uint32_t uid = 42;
	uint64_t n;
	int r;

	g_array_append_val(u->added, uid);
	sink_update(sink, u);
	g_mutex_lock(&idler.lock);
	idler.runs++;
	g_free(idler.folder);
	idler.folder = g_strdup(req->folder);
	idler.poll = req->poll;
	idler.in_wait = true;
	g_mutex_unlock(&idler.lock);
	r = poll(&p, 1, 10000);
	g_mutex_lock(&idler.lock);
	idler.in_wait = false;
	if (r > 0 && read(idler.wake_fd, &n, sizeof(n)) == sizeof(n))
		idler.woken++;
	g_mutex_unlock(&idler.lock);
	return true;
}

static void
idle_wake(struct backend *be)
{
	uint64_t one = 1;
	ssize_t r = write(idler.wake_fd, &one, sizeof(one));

	g_assert_cmpint(r, ==, sizeof(one));
}

static bool
quick_connect(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	/* A request never runs while the idle op blocks. */
	g_mutex_lock(&idler.lock);
	g_assert_false(idler.in_wait);
	g_mutex_unlock(&idler.lock);
	return true;
}

static const struct backend_ops idle_ops = {
	.size = sizeof(struct backend_ops),
	.name = "idler",
	.connect = quick_connect,
	.free = fake_free,
	.idle = idle_op,
	.wake = idle_wake,
};

static bool
idler_waiting(unsigned runs)
{
	bool yes;

	g_mutex_lock(&idler.lock);
	yes = idler.in_wait && idler.runs >= runs;
	g_mutex_unlock(&idler.lock);
	return yes;
}

static void
wait_idler(unsigned runs)
{
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while (!idler_waiting(runs)) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_usleep(1000);
	}
}

static void
count_updates(const struct reply *reply, void *data)
{
	unsigned *n = data;

	g_assert_cmpint(reply->kind, ==, REPLY_UNSOLICITED);
	g_assert_cmpuint(reply->request_id, ==, 0);
	g_assert_nonnull(reply->update);
	g_assert_cmpstr(reply->update->folder, ==, "INBOX");
	g_assert_cmpuint(reply->update->added->len, ==, 1);
	(*n)++;
}

/*
 * While the queue is empty the idle op runs on the folder of
 * worker_set_idle(); a request posted then wakes it and is answered within
 * a few milliseconds; afterwards the idle op runs again. Without a folder
 * it never runs.
 */
static void
test_idle(void)
{
	struct reply_queue *rq = reply_queue_new();
	struct worker *w;
	unsigned updates = 0;
	gint64 worst = 0;
	struct log l;

	g_mutex_init(&idler.lock);
	idler.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	g_assert_cmpint(idler.wake_fd, >=, 0);
	log_init(&l);
	reply_queue_set_event_cb(rq, count_updates, &updates);
	w = worker_new("idle", fake_new(&idle_ops), rq);
	/* No folder yet: a request runs, nothing idles. */
	worker_post(w, request_new(REQ_CONNECT), log_cb, &l);
	wait_terminal(rq, 0);
	g_usleep(20000);
	g_mutex_lock(&idler.lock);
	g_assert_cmpuint(idler.runs, ==, 0);
	g_mutex_unlock(&idler.lock);

	worker_set_idle(w, "INBOX", 60);
	wait_idler(1);
	for (unsigned i = 0; i < 5; i++) {
		gint64 t0 = g_get_monotonic_time();

		worker_post(w, request_new(REQ_CONNECT), log_cb, &l);
		wait_terminal(rq, 0);
		worst = MAX(worst, g_get_monotonic_time() - t0);
		/* Back to keeping the folder live. */
		wait_idler(i + 2);
	}
	g_test_message("a request waited at most %.1f ms on the idle op",
	    (double)worst / 1000);
	/* Generous for sanitizers and a loaded machine; the idle op alone
	 * would hold a request for 10 s. */
	g_assert_cmpint(worst, <, 500 * 1000);
	g_mutex_lock(&idler.lock);
	g_assert_cmpuint(idler.woken, >=, 5);
	g_assert_cmpstr(idler.folder, ==, "INBOX");
	g_assert_cmpuint(idler.poll, ==, 60);
	g_mutex_unlock(&idler.lock);
	/* Each idle run told its update through the event callback. */
	{
		gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

		while (updates < 6) {
			g_assert_cmpint(g_get_monotonic_time(), <, deadline);
			g_usleep(1000);
			reply_queue_dispatch(rq);
		}
	}
	/* Freeing wakes it too (else this would take 10 s). */
	{
		gint64 t0 = g_get_monotonic_time();

		worker_free(w);
		g_assert_cmpint(g_get_monotonic_time() - t0, <,
		    5 * G_USEC_PER_SEC);
	}
	reply_queue_dispatch(rq);
	reply_queue_free(rq);
	close(idler.wake_fd);
	g_free(idler.folder);
	g_mutex_clear(&idler.lock);
	log_release(&l);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/worker/unsupported-and-error",
	    test_unsupported_and_error);
	g_test_add_func("/worker/loop-stays-live", test_loop_stays_live);
	g_test_add_func("/worker/cancel", test_cancel);
	g_test_add_func("/worker/interrupt", test_interrupt);
	g_test_add_func("/worker/free-with-queue", test_free_with_queue);
	g_test_add_func("/worker/free-owned", test_free_owned);
	g_test_add_func("/worker/idle", test_idle);
	return g_test_run();
}
