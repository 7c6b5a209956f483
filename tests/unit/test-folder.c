/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/folder.c with the in-memory driver: opening a folder
 * makes placeholder rows at once, and envelopes are fetched only for the
 * rows shown plus the prefetch window, never twice.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "backend/types.h"
#include "backend/worker.h"
#include "config/config.h"
#include "core/core.h"
#include "core/folder.h"
#include "core/search.h"
#include "fake/fake-backend.h"
#include "util/error.h"

struct fixture {
	struct core *core;
	struct account *acc;
	struct backend *be; /* owned by the worker; used for stats only */
};

static void
setup(struct fixture *fx, unsigned n)
{
	fx->core = core_new(config_new());
	g_assert_true(
	    core_add_accounts(fx->core, "/nonexistent/Maildir", NULL));
	fx->acc = fx->core->accounts->pdata[0];
	fx->be = fake_backend_new(n);
	core_account_start(fx->core, fx->acc, fx->be);
}

static void
teardown(struct fixture *fx)
{
	core_free(fx->core);
}

/* Dispatch replies until no request is unanswered (bounded: 10 s). */
static void
settle(struct fixture *fx)
{
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while (reply_queue_pending(fx->core->rq) > 0) {
		GPollFD pfd = { reply_queue_fd(fx->core->rq), G_IO_IN, 0 };

		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_poll(&pfd, 1, 100);
		reply_queue_dispatch(fx->core->rq);
	}
}

static unsigned
count_fetched(const struct folder *f)
{
	unsigned n = 0;

	for (unsigned i = 0; i < folder_count(f); i++)
		n += folder_row(f, i)->env != NULL;
	g_assert_cmpuint(n, ==, f->fetched);
	return n;
}

static void
test_open_makes_placeholders(void)
{
	struct fixture fx;
	struct folder *f;
	struct fake_stats st;

	setup(&fx, 10000);
	f = folder_open(fx.core, fx.acc, "INBOX");
	g_assert_true(fx.core->folder == f);
	g_assert_cmpint(f->load, ==, FOLDER_OPENING);
	settle(&fx);
	g_assert_cmpint(f->load, ==, FOLDER_OPEN);
	g_assert_cmpuint(folder_count(f), ==, 10000);
	g_assert_cmpuint(f->uidvalidity, ==, 42);
	/* Newest first, and nothing fetched before a view asks. */
	g_assert_cmpuint(folder_row(f, 0)->uid, ==, 10000);
	g_assert_cmpuint(count_fetched(f), ==, 0);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.fetches, ==, 0);
	teardown(&fx);
}

static void
test_window_and_prefetch(void)
{
	struct fixture fx;
	struct folder *f;
	struct fake_stats st;

	setup(&fx, 10000);
	f = folder_open(fx.core, fx.acc, "INBOX");
	settle(&fx);

	folder_want_rows(f, 0, 30);
	settle(&fx);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.uids_fetched, ==, 30 + FOLDER_PREFETCH);
	g_assert_cmpuint(count_fetched(f), ==, 30 + FOLDER_PREFETCH);
	g_assert_cmpstr(folder_row(f, 0)->env->subject, ==, "message 10000");
	g_assert_null(folder_row(f, 30 + FOLDER_PREFETCH)->env);

	/* The same window again asks for nothing. */
	folder_want_rows(f, 0, 30);
	settle(&fx);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.uids_fetched, ==, 30 + FOLDER_PREFETCH);
	/* Ten rows down: only the ten rows past the margin. */
	folder_want_rows(f, 10, 30);
	settle(&fx);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.uids_fetched, ==, 30 + FOLDER_PREFETCH + 10);

	/* A jump to the middle fetches that window and both margins. */
	folder_want_rows(f, 5000, 30);
	settle(&fx);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.uids_fetched, ==,
	    30 + FOLDER_PREFETCH + 10 + 30 + 2 * FOLDER_PREFETCH);
	g_assert_nonnull(folder_row(f, 5000 - FOLDER_PREFETCH)->env);
	g_assert_null(folder_row(f, 5000 - FOLDER_PREFETCH - 1)->env);

	/* The end of the folder clamps the window. */
	folder_want_rows(f, 9990, 30);
	settle(&fx);
	g_assert_nonnull(folder_row(f, 9999)->env);
	g_assert_cmpuint(folder_row(f, 9999)->uid, ==, 1);
	teardown(&fx);
}

static void
test_batches(void)
{
	struct fixture fx;
	struct folder *f;
	struct fake_stats st;

	setup(&fx, 3000);
	f = folder_open(fx.core, fx.acc, "INBOX");
	settle(&fx);
	folder_want_rows(f, 0, 3000);
	settle(&fx);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.uids_fetched, ==, 3000);
	g_assert_cmpuint(st.max_batch, <=, FOLDER_FETCH_BATCH);
	g_assert_cmpuint(st.fetches, ==, 3000 / FOLDER_FETCH_BATCH);
	g_assert_cmpuint(count_fetched(f), ==, 3000);
	teardown(&fx);
}

static void
test_failed_fetch_is_retried(void)
{
	struct fixture fx;
	struct folder *f;
	struct fake_stats st;

	setup(&fx, 100);
	f = folder_open(fx.core, fx.acc, "INBOX");
	settle(&fx);
	fake_backend_fail_fetches(fx.be, 2);
	folder_want_rows(f, 0, 10);
	settle(&fx);
	g_assert_cmpuint(count_fetched(f), ==, 0);
	g_assert_nonnull(fx.core->status);
	g_assert_nonnull(strstr(fx.core->status, "connection reset"));
	/* The rows are no longer pending: the next draw asks again. */
	folder_want_rows(f, 0, 10);
	settle(&fx);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(count_fetched(f), ==, 10 + FOLDER_PREFETCH);
	teardown(&fx);
}

static void
test_open_missing_folder(void)
{
	struct fixture fx;
	struct folder *f;

	setup(&fx, 10);
	f = folder_open(fx.core, fx.acc, "Nope");
	settle(&fx);
	g_assert_cmpint(f->load, ==, FOLDER_FAILED);
	g_assert_cmpstr(f->error, ==, "no folder 'Nope'");
	folder_want_rows(f, 0, 10); /* harmless */
	teardown(&fx);
}

/* Closing a folder while its fetches are under way drops their replies. */
static void
test_close_while_fetching(void)
{
	struct fixture fx;
	struct folder *f;

	setup(&fx, 5000);
	f = folder_open(fx.core, fx.acc, "INBOX");
	settle(&fx);
	folder_want_rows(f, 0, 5000);
	folder_free(f);
	fx.core->folder = NULL;
	settle(&fx);
	teardown(&fx);
}

/* The background fill loads every header, one chunk at a time. */
static void
test_fill(void)
{
	struct fixture fx;
	struct folder *f;
	struct fake_stats st;

	setup(&fx, 2300);
	f = folder_open(fx.core, fx.acc, "INBOX");
	folder_start_fill(f);
	g_assert_false(folder_filled(f));
	settle(&fx);
	/* Nothing before the first screen asks for its rows. */
	g_assert_cmpuint(count_fetched(f), ==, 0);
	folder_want_rows(f, 0, 20);
	settle(&fx);
	g_assert_true(folder_filled(f));
	g_assert_cmpuint(count_fetched(f), ==, 2300);
	fake_backend_stats(fx.be, &st);
	/* Each header was asked for once, in fill chunks at most. */
	g_assert_cmpuint(st.uids_fetched, ==, 2300);
	g_assert_cmpuint(st.max_batch, <=, FOLDER_FILL_BATCH);
	/* The window, its margin, then the other 2230 in fill chunks. */
	g_assert_cmpuint(st.fetches, ==,
	    2 + (2230 + FOLDER_FILL_BATCH - 1) / FOLDER_FILL_BATCH);
	teardown(&fx);
}

/* Interned envelopes: the same strings, one copy of each sender. */
static void
test_envelope_interned(void)
{
	struct envelope_fields a = { .uid = 7,
		.flags = MSG_SEEN,
		.size = 9,
		.date = 100,
		.received = 200,
		.from = "Ann",
		.from_addr = "ann@x.org",
		.to = "bob@y.org",
		.subject = "Hi",
		.message_id = "<1@x>",
		.in_reply_to = "<0@x>",
		.references = "<a@x> <0@x>" };
	struct envelope_fields b = a;
	GStringChunk *pool = g_string_chunk_new(1024);
	struct envelope *ea, *eb, *ia, *ib;

	b.uid = 8;
	b.subject = "Other";
	b.message_id = NULL;
	b.in_reply_to = NULL;
	b.references = NULL;
	ea = envelope_new(&a);
	eb = envelope_new(&b);
	ia = envelope_interned(ea, pool);
	ib = envelope_interned(eb, pool);
	g_free(ea);
	g_free(eb);
	g_assert_cmpuint(ia->uid, ==, 7);
	g_assert_cmpuint(ia->flags, ==, MSG_SEEN);
	g_assert_cmpint(ia->received, ==, 200);
	g_assert_cmpstr(ia->from, ==, "Ann");
	g_assert_cmpstr(ia->subject, ==, "Hi");
	g_assert_cmpstr(envelope_message_id(ia), ==, "<1@x>");
	g_assert_cmpstr(envelope_in_reply_to(ia), ==, "<0@x>");
	g_assert_cmpstr(envelope_references(ia), ==, "<a@x> <0@x>");
	g_assert_cmpstr(ib->subject, ==, "Other");
	g_assert_cmpstr(envelope_message_id(ib), ==, "");
	g_assert_cmpstr(envelope_references(ib), ==, "");
	/* One copy of each sender and recipient. */
	g_assert_true(ia->from == ib->from);
	g_assert_true(ia->from_addr == ib->from_addr);
	g_assert_true(ia->to == ib->to);
	g_free(ia);
	g_free(ib);
	g_string_chunk_free(pool);
}

static void
count_changes(void *data)
{
	(*(unsigned *)data)++;
}

/*
 * Once the fill is complete, drawing the index (which asks for its rows)
 * changes nothing, so it asks for no redraw: else every redraw would ask
 * for the next one, and the screen would never settle.
 */
static void
test_filled_is_quiet(void)
{
	struct fixture fx;
	struct folder *f;
	unsigned changes = 0;

	setup(&fx, 300);
	f = folder_open(fx.core, fx.acc, "INBOX");
	folder_start_fill(f);
	settle(&fx);
	folder_want_rows(f, 0, 20);
	settle(&fx);
	g_assert_true(folder_filled(f));
	fx.core->changed = count_changes;
	fx.core->changed_data = &changes;
	folder_want_rows(f, 0, 20);
	folder_want_rows(f, 280, 20);
	g_assert_cmpuint(changes, ==, 0);
	g_assert_cmpuint(reply_queue_pending(fx.core->rq), ==, 0);
	teardown(&fx);
}

/*
 * With a second connection, the fill's chunks go to it and a window asked
 * for while the fill runs goes to the first one at once, never behind a
 * chunk; each header is still fetched once.
 */
static void
test_fill_with_window(void)
{
	struct fixture fx;
	struct folder *f;
	struct fake_stats st, fill_st, fill_st2;
	struct backend *fill_be = fake_backend_new(20000);
	struct backend *fill_be2 = fake_backend_new(20000);
	unsigned before;

	setup(&fx, 20000);
	fx.acc->fill_workers[0] = worker_new("fill", fill_be, fx.core->rq);
	fx.acc->fill_workers[1] = worker_new("fill 2", fill_be2, fx.core->rq);
	g_assert_true(core_fill_worker(fx.acc, 0) == fx.acc->fill_workers[0]);
	f = folder_open(fx.core, fx.acc, "INBOX");
	folder_start_fill(f);
	/* Wait for the UID list only (the fill starts with it). */
	while (f->load != FOLDER_OPEN) {
		GPollFD pfd = { reply_queue_fd(fx.core->rq), G_IO_IN, 0 };

		g_poll(&pfd, 1, 100);
		reply_queue_dispatch(fx.core->rq);
	}
	g_assert_cmpuint(f->filling, ==, 0);
	folder_want_rows(f, 0, 30);
	/* Not before the first window's headers are in. */
	g_assert_cmpuint(f->filling, ==, 0);
	while (f->filling == 0) {
		GPollFD pfd = { reply_queue_fd(fx.core->rq), G_IO_IN, 0 };

		g_poll(&pfd, 1, 100);
		reply_queue_dispatch(fx.core->rq);
	}
	g_assert_true(folder_row(f, 0)->env != NULL);
	g_assert_cmpuint(f->filling, ==, FOLDER_FILL_DEPTH);
	before = f->requests;
	/*
	 * The fill has its chunks out on its own connection; the window's
	 * three requests (rows, margin after, margin before) go to the first.
	 */
	folder_want_rows(f, 15000, 30);
	g_assert_cmpuint(f->requests - before, ==, 3);
	g_assert_false(folder_filled(f));
	settle(&fx);
	g_assert_true(folder_filled(f));
	g_assert_cmpint(f->fill_time, >, 0);
	fake_backend_stats(fx.be, &st);
	fake_backend_stats(fill_be, &fill_st);
	fake_backend_stats(fill_be2, &fill_st2);
	/* The chunks went round both fill connections. */
	g_assert_cmpuint(fill_st.fetches, >, 0);
	g_assert_cmpuint(fill_st2.fetches, >, 0);
	/* The first screen and the window (with their margins) only. */
	g_assert_cmpuint(st.fetches, ==, 2 + 3);
	g_assert_cmpuint(st.uids_fetched, ==, 30 + 50 + 30 + 2 * 50);
	g_assert_cmpuint(st.uids_fetched + fill_st.uids_fetched +
		fill_st2.uids_fetched,
	    ==, 20000);
	g_assert_cmpuint(fill_st.max_batch, <=, FOLDER_FILL_BATCH);
	g_assert_cmpuint(fill_st2.max_batch, <=, FOLDER_FILL_BATCH);
	teardown(&fx);
}

/* The UIDs of the rows, "u1 u2 ...". */
static char *
row_uids(const struct folder *f)
{
	GString *s = g_string_new(NULL);

	for (unsigned i = 0; i < folder_count(f); i++)
		g_string_append_printf(s, "%s%u", i > 0 ? " " : "",
		    folder_row(f, i)->uid);
	return g_string_free(s, FALSE);
}

/* The rows as "uid:depth" of their tree nodes. */
static char *
row_tree(const struct folder *f)
{
	GString *s = g_string_new(NULL);

	g_assert_nonnull(f->tree);
	for (unsigned i = 0; i < folder_count(f); i++) {
		const struct msg_row *row = folder_row(f, i);
		const struct thread_node *v =
		    &g_array_index(f->tree, struct thread_node, row->node);

		g_assert_cmpuint(v->uid, ==, row->uid);
		g_string_append_printf(s, "%s%u:%u", i > 0 ? " " : "", row->uid,
		    v->depth);
	}
	return g_string_free(s, FALSE);
}

static void
test_sort_mailbox_order_at_once(void)
{
	struct fixture fx;
	struct folder *f;
	struct fake_stats st;
	g_autofree char *uids = NULL;

	setup(&fx, 5);
	f = folder_open(fx.core, fx.acc, "INBOX");
	settle(&fx);
	/* The default: newest first, the cursor put on it. */
	g_assert_cmpint(f->sort, ==, SORT_ARRIVAL);
	g_assert_true(f->reverse);
	g_assert_cmpint(f->cursor_hint, ==, 0);
	uids = row_uids(f);
	g_assert_cmpstr(uids, ==, "5 4 3 2 1");
	f->cursor_uid = 4; /* the view's cursor */
	folder_set_sort(f, SORT_ARRIVAL, false);
	g_clear_pointer(&uids, g_free);
	uids = row_uids(f);
	g_assert_cmpstr(uids, ==, "1 2 3 4 5");
	g_assert_false(f->sort_waiting);
	g_assert_cmpint(f->cursor_hint, ==, 3);
	settle(&fx);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.fetches, ==, 0);
	g_assert_cmpuint(st.opens, ==, 1);
	teardown(&fx);
}

static void
test_sort_waits_for_the_fill(void)
{
	struct fixture fx;
	struct folder *f;
	g_autofree char *uids = NULL;

	setup(&fx, 1000);
	f = folder_open(fx.core, fx.acc, "INBOX");
	settle(&fx);
	folder_want_rows(f, 0, 30);
	settle(&fx);
	g_assert_cmpuint(f->fetched, ==, 30 + FOLDER_PREFETCH);
	f->cursor_uid = 1000;
	/* No header_fill: sorting starts the fill and says so. */
	g_assert_false(f->fill);
	folder_set_sort(f, SORT_SUBJECT, false);
	g_assert_true(f->sort_waiting);
	g_assert_true(f->fill);
	g_assert_cmpstr(fx.core->notice, ==,
	    "sorting by subject when all headers are in (80/1000)");
	/* The rows keep their order meanwhile. */
	g_assert_cmpuint(folder_row(f, 0)->uid, ==, 1000);
	settle(&fx);
	g_assert_true(folder_filled(f));
	g_assert_false(f->sort_waiting);
	g_assert_cmpstr(fx.core->notice, ==, "sorted by subject");
	/* "message 1" < "message 10" < "message 100" < "message 1000". */
	g_assert_cmpuint(folder_row(f, 0)->uid, ==, 1);
	g_assert_cmpuint(folder_row(f, 1)->uid, ==, 10);
	g_assert_cmpuint(folder_row(f, 2)->uid, ==, 100);
	g_assert_cmpuint(folder_row(f, 3)->uid, ==, 1000);
	g_assert_cmpuint(folder_row(f, 999)->uid, ==, 999);
	g_assert_cmpint(f->cursor_hint, ==, 3);
	g_assert_cmpuint(count_fetched(f), ==, 1000);
	g_assert_null(f->tree);

	/* With every header in, a new order is made at once. */
	folder_set_sort(f, SORT_FROM, true);
	g_assert_false(f->sort_waiting);
	for (unsigned i = 1; i < 1000; i++) {
		const struct envelope *a = folder_row(f, i - 1)->env;
		const struct envelope *b = folder_row(f, i)->env;
		g_autofree char *fa = g_utf8_casefold(a->from, -1);
		g_autofree char *fb = g_utf8_casefold(b->from, -1);
		int c = strcmp(fa, fb);

		/* Reverse: names descending, case ignored, then UIDs. */
		g_assert_true(c > 0 || (c == 0 && a->uid > b->uid));
	}
	g_assert_cmpstr(folder_row(f, 0)->env->from, ==, "Tester");
	g_assert_cmpstr(folder_row(f, 999)->env->from, ==, "Alice");
	teardown(&fx);
}

static void
test_sort_threads_here(void)
{
	struct fixture fx;
	struct folder *f;
	g_autofree char *tree = NULL, *uids = NULL;

	setup(&fx, 10);
	f = folder_open(fx.core, fx.acc, "INBOX");
	folder_start_fill(f);
	settle(&fx);
	folder_want_rows(f, 0, 3);
	settle(&fx);
	g_assert_true(folder_filled(f));
	f->cursor_uid = 7;
	folder_set_sort(f, SORT_THREADS, false);
	tree = row_tree(f);
	g_assert_cmpstr(tree, ==, "1:0 2:1 3:2 4:3 5:0 6:1 7:2 8:3 9:0 10:1");
	g_assert_cmpint(f->cursor_hint, ==, 6);
	g_assert_nonnull(f->tree_next);
	/* Reverse: the newest thread first, each kept whole. */
	folder_set_sort(f, SORT_THREADS, true);
	g_clear_pointer(&tree, g_free);
	tree = row_tree(f);
	g_assert_cmpstr(tree, ==, "9:0 10:1 5:0 6:1 7:2 8:3 1:0 2:1 3:2 4:3");
	g_assert_cmpint(f->cursor_hint, ==, 4);
	/* Back to a flat order: no tree any more. */
	folder_set_sort(f, SORT_SIZE, true);
	g_assert_null(f->tree);
	uids = row_uids(f);
	g_assert_cmpstr(uids, ==, "10 9 8 7 6 5 4 3 2 1");
	for (unsigned i = 0; i < folder_count(f); i++)
		g_assert_cmpuint(folder_row(f, i)->node, ==, THREAD_NONE);
	teardown(&fx);
}

/* The sort option is read when the folder opens. */
static void
test_sort_option(void)
{
	struct fixture fx;
	struct folder *f;
	g_autoptr(GError) error = NULL;
	g_autofree char *tree = NULL;

	setup(&fx, 6);
	g_assert_true(config_exec(fx.core->cfg, "set sort = reverse-threads",
	    "test", NULL, &error));
	g_assert_false(config_exec(fx.core->cfg, "set sort = by-mood", "test",
	    NULL, &error));
	g_assert_nonnull(strstr(error->message, "no sort order 'by-mood'"));
	f = folder_open(fx.core, fx.acc, "INBOX");
	g_assert_cmpint(f->sort, ==, SORT_THREADS);
	g_assert_true(f->reverse);
	settle(&fx);
	/* Threads need every header: the fill (started for them) brought
	 * them, then the rows were threaded. */
	g_assert_true(f->fill);
	g_assert_false(f->sort_waiting);
	tree = row_tree(f);
	g_assert_cmpstr(tree, ==, "5:0 6:1 1:0 2:1 3:2 4:3");
	teardown(&fx);
}

/* folder_change_flags: at once on the row, undone when refused. */
static void
test_change_flags(void)
{
	struct fixture fx;
	struct folder *f;
	struct fake_stats st;
	const struct msg_row *row;

	setup(&fx, 100);
	f = folder_open(fx.core, fx.acc, "INBOX");
	settle(&fx);
	folder_want_rows(f, 0, 10);
	settle(&fx);
	/* Row 0 is UID 100: read (the fake's UIDs not divisible by 3). */
	row = folder_row(f, 0);
	g_assert_cmpuint(row->uid, ==, 100);
	g_assert_true(row->env->flags & MSG_SEEN);
	/* Unread at once, before the server answers. */
	g_assert_true(folder_change_flags(f, 100, 0, MSG_SEEN));
	g_assert_false(row->env->flags & MSG_SEEN);
	settle(&fx);
	g_assert_false(row->env->flags & MSG_SEEN);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.flag_changes, ==, 1);
	g_assert_cmpuint(st.last_uid, ==, 100);
	g_assert_cmpuint(st.last_add, ==, 0);
	g_assert_cmpuint(st.last_remove, ==, MSG_SEEN);
	/* Refused: read again is undone, the row is unread as before. */
	fake_backend_fail_flags(fx.be, 1);
	g_assert_true(folder_change_flags(f, 100, MSG_SEEN | MSG_FLAGGED, 0));
	g_assert_true(row->env->flags & MSG_SEEN);
	g_assert_true(row->env->flags & MSG_FLAGGED);
	settle(&fx);
	g_assert_false(row->env->flags & MSG_SEEN);
	g_assert_false(row->env->flags & MSG_FLAGGED);
	g_assert_nonnull(fx.core->status);
	g_assert_nonnull(strstr(fx.core->status, "injected"));
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.flag_changes, ==, 2);
	g_assert_cmpuint(st.last_add, ==, MSG_SEEN | MSG_FLAGGED);
	g_assert_cmpuint(g_hash_table_size(f->flag_changes), ==, 0);
	/* No row, or no header yet: nothing is asked. */
	g_assert_false(folder_change_flags(f, 100000, MSG_SEEN, 0));
	g_assert_false(folder_change_flags(f, 1, MSG_SEEN, 0));
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.flag_changes, ==, 2);
	teardown(&fx);
}

/* Row index of uid, or -1. */
static int
row_index(const struct folder *f, uint32_t uid)
{
	for (unsigned i = 0; i < folder_count(f); i++)
		if (folder_row(f, i)->uid == uid)
			return (int)i;
	return -1;
}

static GArray *
uid_list(const uint32_t *uids, guint n)
{
	GArray *a = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	g_array_append_vals(a, uids, n);
	return a;
}

/* Open a folder of n (newest first) with the first 20 headers in. */
static struct folder *
open_loaded(struct fixture *fx, unsigned n)
{
	struct folder *f;

	setup(fx, n);
	f = folder_open(fx->core, fx->acc, "INBOX");
	settle(fx);
	folder_want_rows(f, 0, 20);
	settle(fx);
	return f;
}

/* Many messages' flags in one request; all undone when refused. */
static void
test_change_flags_many(void)
{
	struct fixture fx;
	struct folder *f = open_loaded(&fx, 100);
	struct fake_stats st;
	static const uint32_t three[] = { 100, 98, 1 };
	g_autoptr(GArray) uids = uid_list(three, 3);

	/* UID 1 has no header yet: left out. */
	g_assert_cmpuint(folder_change_flags_uids(f, uids, MSG_FLAGGED, 0), ==,
	    2);
	g_assert_true(folder_row(f, 0)->env->flags & MSG_FLAGGED);
	g_assert_true(folder_row(f, 2)->env->flags & MSG_FLAGGED);
	settle(&fx);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.flag_changes, ==, 1);
	g_assert_cmpuint(st.last_count, ==, 2);
	fake_backend_fail_flags(fx.be, 1);
	g_assert_cmpuint(folder_change_flags_uids(f, uids, 0, MSG_FLAGGED), ==,
	    2);
	g_assert_false(folder_row(f, 2)->env->flags & MSG_FLAGGED);
	settle(&fx);
	g_assert_true(folder_row(f, 0)->env->flags & MSG_FLAGGED);
	g_assert_true(folder_row(f, 2)->env->flags & MSG_FLAGGED);
	g_assert_nonnull(strstr(fx.core->status, "2 messages"));
	teardown(&fx);
}

/* Tags are kept across reorderings and counted. */
static void
test_tags(void)
{
	struct fixture fx;
	struct folder *f = open_loaded(&fx, 10);
	g_autoptr(GArray) tagged = NULL;

	folder_set_tag(f, 1, true);
	folder_set_tag(f, 3, true);
	folder_set_tag(f, 3, true);
	g_assert_cmpuint(f->tagged, ==, 2);
	folder_set_sort(f, SORT_ARRIVAL, false);
	settle(&fx);
	g_assert_cmpuint(f->tagged, ==, 2);
	tagged = folder_tagged_uids(f);
	g_assert_cmpuint(tagged->len, ==, 2);
	/* Mailbox order now: UIDs 7 and 9. */
	g_assert_cmpuint(g_array_index(tagged, uint32_t, 0), ==, 7);
	g_assert_cmpuint(g_array_index(tagged, uint32_t, 1), ==, 9);
	g_assert_true(folder_row(f, 6)->tagged);
	folder_untag_all(f);
	g_assert_cmpuint(f->tagged, ==, 0);
	teardown(&fx);
}

/* The UIDs of the rows shown, "9 5 2". */
static char *
shown_uids(const struct folder *f)
{
	GString *out = g_string_new(NULL);

	for (unsigned i = 0; i < folder_count(f); i++)
		g_string_append_printf(out, "%s%u", i ? " " : "",
		    folder_row(f, i)->uid);
	return g_string_free(out, FALSE);
}

/* The limit: the rows shown are the matching ones, in display order. */
static void
test_limit(void)
{
	struct fixture fx;
	struct folder *f = open_loaded(&fx, 10);
	static const uint32_t some[] = { 2, 9, 5 };
	g_autoptr(GArray) uids = uid_list(some, 3);
	g_autoptr(GArray) tagged = NULL;
	g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL;

	f->cursor_uid = 5;
	folder_set_limit(f, uids, "~s x");
	g_assert_cmpstr(f->limit_pattern, ==, "~s x");
	g_assert_cmpuint(folder_count(f), ==, 3);
	g_assert_cmpuint(f->rows->len, ==, 10);
	s1 = shown_uids(f);
	g_assert_cmpstr(s1, ==, "9 5 2");
	g_assert_cmpint(f->cursor_hint, ==, 1); /* still on 5 */
	g_assert_nonnull(folder_row_of_uid(f, 7));
	/* Row numbers count the rows shown. */
	folder_set_tag(f, 1, true);
	tagged = folder_tagged_uids(f);
	g_assert_cmpuint(tagged->len, ==, 1);
	g_assert_cmpuint(g_array_index(tagged, uint32_t, 0), ==, 5);
	/* A new order keeps the limit. */
	folder_set_sort(f, SORT_ARRIVAL, false);
	settle(&fx);
	s2 = shown_uids(f);
	g_assert_cmpstr(s2, ==, "2 5 9");
	/* A purge takes its row from the limited view too. */
	{
		static const uint32_t gone[] = { 9 };
		g_autoptr(GArray) g = uid_list(gone, 1);

		folder_change_flags_uids(f, g, MSG_DELETED, 0);
		settle(&fx);
		folder_expunge(f, g, false, NULL, NULL);
		settle(&fx);
	}
	s3 = shown_uids(f);
	g_assert_cmpstr(s3, ==, "2 5");
	folder_set_limit(f, NULL, NULL);
	g_assert_null(f->limit_pattern);
	g_assert_cmpuint(folder_count(f), ==, 9);
	s4 = shown_uids(f);
	g_assert_cmpstr(s4, ==, "1 2 3 4 5 6 7 8 10");
	teardown(&fx);
}

/* A limited view stays lazy: only its rows' headers are asked for. */
static void
test_limit_lazy(void)
{
	struct fixture fx;
	struct folder *f;
	static const uint32_t some[] = { 1, 500, 999 };
	g_autoptr(GArray) uids = uid_list(some, 3);
	struct fake_stats st;

	setup(&fx, 1000);
	f = folder_open(fx.core, fx.acc, "INBOX");
	settle(&fx);
	folder_set_limit(f, uids, "x");
	folder_want_rows(f, 0, 20);
	settle(&fx);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.uids_fetched, ==, 3);
	for (unsigned i = 0; i < folder_count(f); i++)
		g_assert_nonnull(folder_row(f, i)->env);
	g_assert_cmpuint(f->fetched, ==, 3);
	teardown(&fx);
}

static unsigned search_calls, limit_done;

static void
on_limit_done(void *data)
{
	(void)data;
	limit_done++;
}

static GArray *search_got;

static void
on_search(struct folder *f, const GArray *uids, const GError *error, void *data)
{
	(void)f;
	(void)data;
	search_calls++;
	g_assert_no_error(error);
	g_clear_pointer(&search_got, g_array_unref);
	search_got = g_array_copy((GArray *)uids);
}

/* l and / through the driver's search; a bad pattern never reaches it. */
static void
test_limit_search(void)
{
	struct fixture fx;
	struct folder *f = open_loaded(&fx, 20);
	g_autoptr(GError) error = NULL;
	g_autofree char *s1 = NULL, *s2 = NULL;
	struct fake_stats st;

	/* bob sends UIDs 1, 6, 11, 16; ~N is UID % 3 == 0. */
	g_assert_true(folder_limit(f, "~f bob", NULL, NULL, &error));
	settle(&fx);
	s1 = shown_uids(f);
	g_assert_cmpstr(s1, ==, "16 11 6 1");
	g_assert_cmpstr(f->limit_pattern, ==, "~f bob");
	/* Text without ~ is simple_search: sender or subject. */
	g_assert_true(folder_limit(f, "message 1", NULL, NULL, &error));
	settle(&fx);
	g_assert_cmpuint(folder_count(f), ==, 11); /* 1, 10 to 19 */
	/* A plain word inside a pattern too. */
	g_assert_true(
	    folder_limit(f, "bob | ~s \"message 3\"", NULL, NULL, &error));
	settle(&fx);
	s2 = shown_uids(f);
	g_assert_cmpstr(s2, ==, "16 11 6 3 1");
	/* ~T: the tagged rows, resolved here. */
	folder_set_tag(f, 0, true); /* 16 */
	search_calls = 0;
	g_assert_true(
	    folder_search(f, "~T | ~N ~f dan", on_search, NULL, &error));
	settle(&fx);
	g_assert_cmpuint(search_calls, ==, 1);
	/* dan's unread ones (3, 18) and the tagged 16, ascending. */
	g_assert_cmpuint(search_got->len, ==, 3);
	g_assert_cmpuint(g_array_index(search_got, uint32_t, 0), ==, 3);
	g_assert_cmpuint(g_array_index(search_got, uint32_t, 1), ==, 16);
	g_assert_cmpuint(g_array_index(search_got, uint32_t, 2), ==, 18);
	g_clear_pointer(&search_got, g_array_unref);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.searches, ==, 4);
	g_assert_false(folder_limit(f, "~f (", NULL, NULL, &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_USAGE);
	g_assert_cmpstr(error->message, ==, "missing text after ~f at 1");
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.searches, ==, 4);
	/* Nothing matched: the limit stays as it was. */
	limit_done = 0;
	g_assert_true(folder_limit(f, "~f nobody", on_limit_done, NULL, NULL));
	settle(&fx);
	g_assert_cmpuint(limit_done, ==, 1);
	g_assert_cmpuint(folder_count(f), ==, 5);
	g_assert_true(folder_limit(f, "all", NULL, NULL, NULL));
	g_assert_cmpuint(folder_count(f), ==, 20);
	g_assert_null(f->limit);
	teardown(&fx);
}

static int done_calls;
static GError *done_error;

static void
on_done(const GError *error, void *data)
{
	(void)data;
	done_calls++;
	g_clear_error(&done_error);
	if (error != NULL)
		done_error = g_error_copy(error);
}

/* Expunge purges exactly our deleted rows; the cursor moves to the next. */
static void
test_expunge(void)
{
	struct fixture fx;
	struct folder *f = open_loaded(&fx, 100);
	static const uint32_t ours[] = { 99, 97 };
	g_autoptr(GArray) uids = uid_list(ours, 2);
	g_autoptr(GArray) deleted = NULL;
	struct fake_stats st;

	folder_change_flags_uids(f, uids, MSG_DELETED, 0);
	/* Another client's deleted message, unknown to us, stays. */
	fake_backend_mark_deleted(fx.be, 50);
	settle(&fx);
	deleted = folder_deleted_uids(f);
	g_assert_cmpuint(deleted->len, ==, 2);
	f->cursor_uid = 99; /* the view's cursor is on 99 */
	done_calls = 0;
	folder_expunge(f, deleted, false, on_done, NULL);
	/* The rows go at once, before the server answers. */
	g_assert_cmpuint(folder_count(f), ==, 98);
	g_assert_cmpuint(f->cursor_uid, ==, 98);
	settle(&fx);
	g_assert_cmpint(done_calls, ==, 1);
	g_assert_null(done_error);
	g_assert_cmpuint(folder_count(f), ==, 98);
	g_assert_cmpint(row_index(f, 99), ==, -1);
	g_assert_cmpint(row_index(f, 97), ==, -1);
	g_assert_true(fake_backend_has(fx.be, 50));
	g_assert_false(fake_backend_has(fx.be, 99));
	/* The cursor went to the row after 99's: 98. */
	g_assert_cmpuint(f->cursor_uid, ==, 98);
	g_assert_cmpint(f->cursor_hint, ==, row_index(f, 98));
	(void)count_fetched(f); /* the count follows the rows */
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.expunges, ==, 1);
	g_assert_cmpuint(st.plain_expunges, ==, 0);
	teardown(&fx);
}

/* Without UIDPLUS the caller is asked; a plain EXPUNGE reads the list again. */
static void
test_expunge_no_uidplus(void)
{
	struct fixture fx;
	struct folder *f = open_loaded(&fx, 20);
	static const uint32_t ours[] = { 20 };
	g_autoptr(GArray) uids = uid_list(ours, 1);
	struct fake_stats st;

	fake_backend_limit(fx.be, true, true);
	folder_change_flags_uids(f, uids, MSG_DELETED, 0);
	folder_set_tag(f, 0, true);
	fake_backend_mark_deleted(fx.be, 5);
	done_calls = 0;
	folder_expunge(f, uids, false, on_done, NULL);
	g_assert_cmpuint(folder_count(f), ==, 19);
	g_assert_cmpuint(f->tagged, ==, 0);
	settle(&fx);
	/* Refused: the row is back in its place, header and tag kept. */
	g_assert_cmpint(row_index(f, 20), ==, 0);
	g_assert_nonnull(folder_row(f, 0)->env);
	g_assert_true(folder_row(f, 0)->tagged);
	g_assert_cmpuint(f->tagged, ==, 1);
	(void)count_fetched(f);
	g_assert_cmpint(done_calls, ==, 1);
	g_assert_true(
	    g_error_matches(done_error, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED));
	g_assert_cmpuint(folder_count(f), ==, 20);
	/* Not reported: the caller asks the user. */
	g_assert_null(fx.core->status);
	folder_expunge(f, uids, true, on_done, NULL);
	settle(&fx);
	g_assert_cmpint(done_calls, ==, 2);
	g_assert_null(done_error);
	g_assert_cmpuint(folder_count(f), ==, 18);
	g_assert_cmpint(row_index(f, 5), ==, -1);
	g_assert_cmpint(row_index(f, 20), ==, -1);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.plain_expunges, ==, 1);
	teardown(&fx);
}

/* Move takes the rows away; copy leaves them; to the trash undeletes. */
static void
test_move_copy(void)
{
	struct fixture fx;
	struct folder *f = open_loaded(&fx, 30);
	static const uint32_t two[] = { 29, 27 };
	g_autoptr(GArray) uids = uid_list(two, 2);
	struct fake_stats st;

	folder_transfer(f, uids, "Archive", FOLDER_COPY, NULL, NULL);
	settle(&fx);
	g_assert_cmpuint(folder_count(f), ==, 30);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.copies, ==, 1);
	g_assert_cmpstr(st.last_target, ==, "Archive");
	g_free(st.last_target);
	f->cursor_uid = 30;
	folder_transfer(f, uids, "Archive", FOLDER_MOVE, NULL, NULL);
	settle(&fx);
	g_assert_cmpuint(folder_count(f), ==, 28);
	g_assert_cmpint(row_index(f, 29), ==, -1);
	g_assert_false(fake_backend_has(fx.be, 27));
	g_assert_cmpuint(f->cursor_uid, ==, 30);
	g_assert_nonnull(strstr(fx.core->notice, "2 messages moved"));
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.moves, ==, 1);
	g_assert_false(st.last_undelete);
	g_free(st.last_target);
	/* The last row goes: the cursor falls back to the one before. */
	f->cursor_uid = 1;
	{
		static const uint32_t last[] = { 1 };
		g_autoptr(GArray) one = uid_list(last, 1);

		folder_transfer(f, one, "Trash", FOLDER_TO_TRASH, on_done,
		    NULL);
		settle(&fx);
	}
	g_assert_cmpuint(f->cursor_uid, ==, 2);
	fake_backend_stats(fx.be, &st);
	g_assert_true(st.last_undelete);
	g_assert_cmpstr(st.last_target, ==, "Trash");
	g_free(st.last_target);
	teardown(&fx);
}

/* A server with neither MOVE nor UIDPLUS: copied, marked deleted here. */
static void
test_move_fallback(void)
{
	struct fixture fx;
	struct folder *f = open_loaded(&fx, 10);
	static const uint32_t one[] = { 10 };
	g_autoptr(GArray) uids = uid_list(one, 1);
	struct fake_stats st;

	fake_backend_limit(fx.be, true, true);
	folder_transfer(f, uids, "Archive", FOLDER_MOVE, NULL, NULL);
	settle(&fx);
	g_assert_cmpuint(folder_count(f), ==, 10);
	g_assert_true(folder_row(f, 0)->env->flags & MSG_DELETED);
	fake_backend_stats(fx.be, &st);
	g_assert_cmpuint(st.moves, ==, 1);
	g_assert_cmpuint(st.copies, ==, 1);
	g_assert_cmpuint(st.flag_changes, ==, 1);
	g_free(st.last_target);
	teardown(&fx);
}

/* The trash: the option, else the folder the server marks \Trash. */
static void
test_trash(void)
{
	struct fixture fx;
	struct folder *f = open_loaded(&fx, 3);
	struct folder_info *fi;
	const char *name;
	g_autoptr(GError) error = NULL;

	g_assert_false(folder_trash(f, &name));
	fx.acc->folders =
	    g_ptr_array_new_with_free_func((GDestroyNotify)folder_info_free);
	g_assert_true(folder_trash(f, &name));
	g_assert_null(name);
	fi = g_new0(struct folder_info, 1);
	fi->name = g_strdup("Papierkorb");
	fi->server_name = g_strdup("Papierkorb");
	fi->flags = FOLDER_TRASH;
	g_ptr_array_add(fx.acc->folders, fi);
	g_assert_true(folder_trash(f, &name));
	g_assert_cmpstr(name, ==, "Papierkorb");
	g_assert_true(
	    config_exec(fx.core->cfg, "set trash = Bin", "test", NULL, &error));
	g_assert_true(folder_trash(f, &name));
	g_assert_cmpstr(name, ==, "Bin");
	g_assert_true(config_exec(fx.core->cfg, "set trash = \"\"", "test",
	    NULL, &error));
	g_assert_true(folder_trash(f, &name));
	g_assert_null(name);
	/* In the trash itself, deleting purges. */
	g_assert_true(config_exec(fx.core->cfg, "set trash = INBOX", "test",
	    NULL, &error));
	g_assert_true(folder_trash(f, &name));
	g_assert_null(name);
	teardown(&fx);
}

/* Another client's changes (REPLY_UNSOLICITED): the cursor stays. */
static void
test_live_update(void)
{
	struct fixture fx;
	struct folder *f = open_loaded(&fx, 10);
	struct folder_update *u;
	struct uid_flags uf = { 7, MSG_FLAGGED | MSG_SEEN };
	static const uint32_t gone[] = { 8, 9 };
	static const uint32_t fresh[] = { 11, 12 };
	static const uint32_t fresh_flags[] = { 0, MSG_SEEN };

	/* Newest first: 10 9 8 7 ...; the view's cursor on 7. */
	g_assert_cmpuint(folder_row(f, 3)->uid, ==, 7);
	f->cursor_uid = 7;
	u = folder_update_new("INBOX", f->uidvalidity);
	g_array_append_vals(u->expunged, gone, 2);
	g_array_append_val(u->flags, uf);
	g_array_append_vals(u->added, fresh, 2);
	g_array_append_vals(u->added_flags, fresh_flags, 2);
	/* One of the two new messages is unseen. */
	g_assert_cmpuint(folder_apply_update(f, u), ==, 1);
	folder_update_free(u);
	g_assert_cmpuint(folder_count(f), ==, 10);
	g_assert_cmpint(row_index(f, 8), ==, -1);
	g_assert_cmpint(row_index(f, 9), ==, -1);
	/* The new ones in front, newest first, as placeholders. */
	g_assert_cmpuint(folder_row(f, 0)->uid, ==, 12);
	g_assert_cmpuint(folder_row(f, 1)->uid, ==, 11);
	g_assert_null(folder_row(f, 0)->env);
	g_assert_cmpuint(folder_row(f, 2)->uid, ==, 10);
	/* The cursor is still on 7, wherever its row went. */
	g_assert_cmpuint(f->cursor_uid, ==, 7);
	g_assert_cmpint(f->cursor_hint, ==, row_index(f, 7));
	g_assert_cmpint(row_index(f, 7), ==, 3);
	g_assert_cmpuint(folder_row(f, 3)->env->flags &
		(MSG_FLAGGED | MSG_SEEN),
	    ==, MSG_FLAGGED | MSG_SEEN);
	(void)count_fetched(f);

	/* Another client's \Deleted is not ours to purge: not taken. */
	u = folder_update_new("INBOX", f->uidvalidity);
	uf.uid = 6;
	uf.flags = MSG_DELETED;
	g_array_append_val(u->flags, uf);
	g_assert_cmpuint(folder_apply_update(f, u), ==, 0);
	folder_update_free(u);
	g_assert_false(
	    folder_row(f, row_index(f, 6))->env->flags & MSG_DELETED);

	/* Known UIDs are not added twice; another folder's news are not
	 * ours. */
	u = folder_update_new("Other", f->uidvalidity);
	g_array_append_vals(u->expunged, fresh, 2);
	g_assert_cmpuint(folder_apply_update(f, u), ==, 0);
	g_free(u->folder);
	u->folder = g_strdup("INBOX");
	g_array_set_size(u->expunged, 0);
	g_array_append_vals(u->added, fresh, 2);
	g_assert_cmpuint(folder_apply_update(f, u), ==, 0);
	folder_update_free(u);
	g_assert_cmpuint(folder_count(f), ==, 10);

	/* A new UIDVALIDITY: the UID list is read again. */
	u = folder_update_new("INBOX", f->uidvalidity + 1);
	g_assert_cmpuint(folder_apply_update(f, u), ==, 0);
	folder_update_free(u);
	settle(&fx);
	g_assert_cmpint(row_index(f, 12), ==, -1);
	g_assert_cmpint(row_index(f, 9), >=, 0);
	teardown(&fx);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/folder/open-makes-placeholders",
	    test_open_makes_placeholders);
	g_test_add_func("/folder/window-and-prefetch",
	    test_window_and_prefetch);
	g_test_add_func("/folder/batches", test_batches);
	g_test_add_func("/folder/failed-fetch-is-retried",
	    test_failed_fetch_is_retried);
	g_test_add_func("/folder/open-missing-folder",
	    test_open_missing_folder);
	g_test_add_func("/folder/close-while-fetching",
	    test_close_while_fetching);
	g_test_add_func("/folder/fill", test_fill);
	g_test_add_func("/folder/fill-with-window", test_fill_with_window);
	g_test_add_func("/folder/filled-is-quiet", test_filled_is_quiet);
	g_test_add_func("/folder/envelope-interned", test_envelope_interned);
	g_test_add_func("/folder/sort-mailbox-order-at-once",
	    test_sort_mailbox_order_at_once);
	g_test_add_func("/folder/sort-waits-for-the-fill",
	    test_sort_waits_for_the_fill);
	g_test_add_func("/folder/sort-threads-here", test_sort_threads_here);
	g_test_add_func("/folder/sort-option", test_sort_option);
	g_test_add_func("/folder/change-flags", test_change_flags);
	g_test_add_func("/folder/change-flags-many", test_change_flags_many);
	g_test_add_func("/folder/tags", test_tags);
	g_test_add_func("/folder/limit", test_limit);
	g_test_add_func("/folder/limit-lazy", test_limit_lazy);
	g_test_add_func("/folder/limit-search", test_limit_search);
	g_test_add_func("/folder/expunge", test_expunge);
	g_test_add_func("/folder/expunge-no-uidplus", test_expunge_no_uidplus);
	g_test_add_func("/folder/move-copy", test_move_copy);
	g_test_add_func("/folder/move-fallback", test_move_fallback);
	g_test_add_func("/folder/trash", test_trash);
	g_test_add_func("/folder/live-update", test_live_update);
	return g_test_run();
}
