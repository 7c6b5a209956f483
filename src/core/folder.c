/* SPDX-License-Identifier: ISC */
/* The open folder's model and its lazy, windowed envelope fetching. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "backend/types.h"
#include "backend/worker.h"
#include "config/options.h"
#include "core/core.h"
#include "core/folder.h"
#include "core/search.h"
#include "core/sort.h"
#include "util/error.h"
#include "util/log.h"

static void fill_next(struct folder *f);
static void apply_folder_state(struct folder *f, const struct folder_state *fs);
static void sort_progress(struct folder *f);

/* A change of messages under way: expunge, copy or move. */
struct change {
	enum request_kind kind;
	GArray *uids;
	char *target;	    /* COPY, MOVE */
	bool plain;	    /* EXPUNGE: a plain EXPUNGE was allowed */
	bool undelete;	    /* MOVE: to the trash */
	bool then_delete;   /* COPY: a move the server could not do */
	folder_done_cb *cb; /* may be NULL */
	void *data;
	/* Rows taken away at once (a purge, a move), put back if refused:
	 * the display order before (uids and their tree nodes) and the
	 * rows themselves (struct msg_row, owning their envelopes). */
	GArray *order, *order_nodes, *hidden;
};

struct flag_change;
static void flag_change_free(struct flag_change *ch);

static void
change_free(struct change *ch)
{
	for (guint i = 0; ch->hidden != NULL && i < ch->hidden->len; i++)
		g_free(g_array_index(ch->hidden, struct msg_row, i).env);
	if (ch->hidden != NULL)
		g_array_unref(ch->hidden);
	if (ch->order != NULL)
		g_array_unref(ch->order);
	if (ch->order_nodes != NULL)
		g_array_unref(ch->order_nodes);
	g_array_unref(ch->uids);
	g_free(ch->target);
	g_free(ch);
}

static struct msg_row *
row_at(const struct folder *f, unsigned i)
{
	return &g_array_index(f->rows, struct msg_row, i);
}

static int
cmp_uid(gconstpointer a, gconstpointer b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A request of f ended: the rows it asked for and did not get may be asked
 * again if it failed or was cancelled (rows a finished request did not
 * bring are gone from the server: they stay pending, never asked again).
 */
static void
request_answered(struct folder *f, const struct reply *reply)
{
	GArray *uids = g_hash_table_lookup(f->asked, &reply->request_id);

	if (uids == NULL)
		return;
	for (guint i = 0; reply->kind != REPLY_DONE && i < uids->len; i++) {
		gpointer idx = g_hash_table_lookup(f->by_uid,
		    GUINT_TO_POINTER(g_array_index(uids, uint32_t, i)));
		struct msg_row *row;

		if (idx == NULL)
			continue;
		row = row_at(f, GPOINTER_TO_UINT(idx) - 1);
		if (row->env == NULL)
			row->pending = false;
	}
	g_hash_table_remove(f->asked, &reply->request_id);
}

/* Put the envelopes of reply into their rows. */
static void
got_envelopes(struct folder *f, const struct reply *reply)
{
	for (guint i = 0; i < reply->envelopes->len; i++) {
		struct envelope *env = reply->envelopes->pdata[i];
		gpointer idx =
		    g_hash_table_lookup(f->by_uid, GUINT_TO_POINTER(env->uid));
		struct msg_row *row;

		if (idx == NULL) /* gone meanwhile */
			continue;
		row = row_at(f, GPOINTER_TO_UINT(idx) - 1);
		if (row->env == NULL)
			f->fetched++;
		g_free(row->env);
		/* Senders and recipients repeat: one copy of each. */
		row->env = envelope_interned(env, f->strings);
	}
	if (f->sort_waiting)
		sort_progress(f);
}

static void
on_envelopes(const struct reply *reply, void *data)
{
	struct folder *f = data;
	struct core *core = f->acc->core;

	switch (reply->kind) {
	case REPLY_ENVELOPES:
		got_envelopes(f, reply);
		core_changed(core);
		break;
	case REPLY_DONE:
		/*
		 * The first screen is in: the fill may start (its connections'
		 * handshakes no longer compete with it). A fill stopped by an
		 * error goes on once fetching works.
		 */
		f->screen_in = true;
		if (f->fill && f->filling == 0)
			fill_next(f);
		break;
	case REPLY_ERROR:
		core_status(core, "%s: %s", f->acc->name,
		    reply->error->message);
		break;
	default:
		break;
	}
	if (reply_is_terminal(reply))
		request_answered(f, reply);
}

static void
on_fill(const struct reply *reply, void *data)
{
	struct folder *f = data;

	if (reply->kind == REPLY_ENVELOPES) {
		int64_t now = g_get_monotonic_time();

		got_envelopes(f, reply);
		/*
		 * Hundreds of batches a second arrive: redraw (the progress,
		 * rows shown that came with the fill) ten times a second, not
		 * for each; the fill's end redraws at once.
		 */
		if (now - f->fill_drawn >= G_USEC_PER_SEC / 10) {
			f->fill_drawn = now;
			core_changed(f->acc->core);
		}
		return;
	}
	on_envelopes(reply, data);
	if (!reply_is_terminal(reply))
		return;
	g_assert(f->filling > 0);
	f->filling--;
	if (reply->kind == REPLY_DONE)
		fill_next(f);
}

static void
on_opened(const struct reply *reply, void *data)
{
	struct folder *f = data;
	struct core *core = f->acc->core;

	switch (reply->kind) {
	case REPLY_FOLDER:
		if (reply->folder->name != NULL) {
			g_free(f->display);
			f->display = g_strdup(reply->folder->name);
		}
		if (f->load != FOLDER_OPEN)
			folder_quota_refresh(f);
		f->load = FOLDER_OPEN;
		apply_folder_state(f, reply->folder);
		/* The fill starts after the first window: the screen first. */
		core_changed(core);
		break;
	case REPLY_ERROR:
		if (f->load == FOLDER_OPEN) { /* a new order failed */
			core_status(core, "cannot sort '%s': %s", f->display,
			    reply->error->message);
			break;
		}
		/* A password or trust question: the answer opens it again. */
		if (core_account_trouble(f->acc, reply)) {
			core_changed(core);
			break;
		}
		f->load = FOLDER_FAILED;
		g_free(f->error);
		f->error = g_strdup(reply->error->message);
		core_status(core, "cannot open '%s': %s", f->display,
		    reply->error->message);
		break;
	case REPLY_UNSUPPORTED:
	case REPLY_CANCELLED:
		if (f->load == FOLDER_OPEN)
			break;
		if (reply->kind == REPLY_CANCELLED)
			core_notice(core, "opening '%s' cancelled", f->display);
		f->load = FOLDER_FAILED;
		g_free(f->error);
		f->error = g_strdup(reply->kind == REPLY_CANCELLED
			? "cancelled"
			: "this account cannot open folders");
		core_changed(core);
		break;
	default:
		break;
	}
}

/* Ask for the folder's UIDs in f's order. */
static void
post_open(struct folder *f)
{
	struct request *req = request_new(REQ_OPEN_FOLDER);

	req->folder = g_strdup(f->name);
	req->sort = f->sort;
	req->reverse = f->reverse;
	f->open_id = worker_post(f->acc->worker, req, on_opened, f);
}

/* Folders opened: each folder's serial, so late callbacks know it. */
static unsigned serials;

struct folder *
folder_open(struct core *core, struct account *acc, const char *name)
{
	struct folder *f = g_new0(struct folder, 1);
	struct sort_spec spec = { SORT_ARRIVAL, true };

	g_assert(acc->worker != NULL);
	f->acc = acc;
	f->name = g_strdup(name);
	f->display = g_strdup(name);
	f->load = FOLDER_OPENING;
	f->rows = g_array_new(FALSE, FALSE, sizeof(struct msg_row));
	f->by_uid = g_hash_table_new(g_direct_hash, g_direct_equal);
	f->strings = g_string_chunk_new(64 * 1024);
	f->asked = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
	    (GDestroyNotify)g_array_unref);
	f->flag_changes = g_hash_table_new_full(g_int64_hash, g_int64_equal,
	    g_free, (GDestroyNotify)flag_change_free);
	f->changes = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
	    (GDestroyNotify)change_free);
	/* The option's value was checked when it was set. */
	(void)sort_parse(opt_string(acc->opts, "sort"), &spec);
	f->sort = spec.key;
	f->reverse = spec.reverse;
	f->cursor_hint = -1;
	f->serial = ++serials;
	post_open(f);
	folder_free(core->folder);
	core->folder = f;
	folder_watch(acc, f);
	return f;
}

void
folder_free(struct folder *f)
{
	if (f == NULL)
		return;
	/* Replies still under way must not reach the freed folder. */
	if (f->acc->worker != NULL)
		worker_forget(f->acc->worker, f);
	folder_watch(f->acc, NULL);
	for (unsigned k = 0; k < CORE_FILL_CONNECTIONS; k++)
		if (f->acc->fill_workers[k] != NULL)
			worker_forget(f->acc->fill_workers[k], f);
	for (guint i = 0; f->rows != NULL && i < f->rows->len; i++)
		g_free(row_at(f, i)->env);
	g_array_free(f->rows, TRUE);
	g_hash_table_destroy(f->by_uid);
	g_hash_table_destroy(f->asked);
	/* After the rows: their envelopes point into it. */
	g_string_chunk_free(f->strings);
	g_hash_table_destroy(f->flag_changes);
	g_hash_table_destroy(f->changes);
	if (f->tree != NULL)
		g_array_unref(f->tree);
	g_free(f->tree_next);
	if (f->search_id != 0 && f->search_data_free != NULL)
		f->search_data_free(f->search_data);
	if (f->limit != NULL)
		g_hash_table_destroy(f->limit);
	g_free(f->limit_pattern);
	if (f->shown != NULL)
		g_array_free(f->shown, TRUE);
	g_free(f->name);
	g_free(f->display);
	g_free(f->error);
	message_text_free(f->message);
	g_free(f->message_error);
	g_free(f);
}

/* The index into f->rows of shown row i. */
static unsigned
shown_index(const struct folder *f, unsigned i)
{
	return f->limit != NULL ? g_array_index(f->shown, guint, i) : i;
}

unsigned
folder_count(const struct folder *f)
{
	return f->limit != NULL ? f->shown->len : f->rows->len;
}

const struct msg_row *
folder_row(const struct folder *f, unsigned i)
{
	g_assert(i < folder_count(f));
	return row_at(f, shown_index(f, i));
}

const struct msg_row *
folder_row_of_uid(const struct folder *f, uint32_t uid)
{
	gpointer idx = g_hash_table_lookup(f->by_uid, GUINT_TO_POINTER(uid));

	return idx != NULL ? row_at(f, GPOINTER_TO_UINT(idx) - 1) : NULL;
}

/*
 * After the rows changed: the shown rows again, and the cursor hint (an
 * index into rows) made an index of them, the cursor's row or the first
 * shown one after it.
 */
static void
limit_refresh(struct folder *f)
{
	int hint = f->cursor_hint;

	if (f->limit == NULL)
		return;
	g_array_set_size(f->shown, 0);
	f->cursor_hint = -1;
	for (guint i = 0; i < f->rows->len; i++) {
		if (!g_hash_table_contains(f->limit,
			GUINT_TO_POINTER(row_at(f, i)->uid)))
			continue;
		if (hint >= 0 && f->cursor_hint < 0 && i >= (guint)hint)
			f->cursor_hint = (int)f->shown->len;
		g_array_append_val(f->shown, i);
	}
	if (hint >= 0 && f->cursor_hint < 0 && f->shown->len > 0)
		f->cursor_hint = (int)f->shown->len - 1;
}

void
folder_set_limit(struct folder *f, const GArray *uids, const char *pattern)
{
	gpointer cur = f->cursor_uid != 0
	    ? g_hash_table_lookup(f->by_uid, GUINT_TO_POINTER(f->cursor_uid))
	    : NULL;

	g_clear_pointer(&f->limit, g_hash_table_destroy);
	g_clear_pointer(&f->limit_pattern, g_free);
	if (f->shown != NULL)
		g_array_set_size(f->shown, 0);
	f->cursor_hint = cur != NULL ? (int)GPOINTER_TO_UINT(cur) - 1 : -1;
	if (uids != NULL) {
		f->limit = g_hash_table_new(g_direct_hash, g_direct_equal);
		for (guint i = 0; i < uids->len; i++)
			g_hash_table_add(f->limit,
			    GUINT_TO_POINTER(g_array_index(uids, uint32_t, i)));
		f->limit_pattern = g_strdup(pattern);
		if (f->shown == NULL)
			f->shown = g_array_new(FALSE, FALSE, sizeof(guint));
		limit_refresh(f);
	}
	if (f->cursor_hint < 0 && folder_count(f) > 0)
		f->cursor_hint = 0;
	f->order_serial++;
	core_changed(f->acc->core);
}

/* Ask w for the envelopes of uids (taken); cb sees the replies. */
static void
post_fetch_to(struct folder *f, struct worker *w, GArray *uids, reply_cb *cb)
{
	struct request *req = request_new(REQ_FETCH_ENVELOPES);
	uint64_t *id = g_new(uint64_t, 1);

	req->folder = g_strdup(f->name);
	req->uids = g_array_ref(uids);
	/* The fill's connection only reads: EXAMINE, not SELECT. */
	req->readonly = w != f->acc->worker;
	f->requests++;
	*id = worker_post(w, req, cb, f);
	g_hash_table_insert(f->asked, id, uids);
}

static void
post_fetch(struct folder *f, GArray *uids)
{
	post_fetch_to(f, f->acc->worker, uids, on_envelopes);
}

/* Ask for the rows of [first, end) that have neither envelope nor request. */
static void
request_range(struct folder *f, unsigned first, unsigned end)
{
	GArray *uids = NULL;

	end = MIN(end, folder_count(f));
	for (unsigned i = first; i < end; i++) {
		struct msg_row *row = row_at(f, shown_index(f, i));

		if (row->env != NULL || row->pending)
			continue;
		if (uids == NULL)
			uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
		g_array_append_val(uids, row->uid);
		row->pending = true;
		if (uids->len == FOLDER_FETCH_BATCH) {
			post_fetch(f, uids);
			uids = NULL;
		}
	}
	if (uids != NULL)
		post_fetch(f, uids);
}

void
folder_want_rows(struct folder *f, unsigned first, unsigned n)
{
	unsigned end, pre_first;

	if (f->load != FOLDER_OPEN || first >= folder_count(f))
		return;
	end = MIN(first + n, folder_count(f));
	/* The visible rows first, so they arrive first. */
	request_range(f, first, end);
	pre_first = first > FOLDER_PREFETCH ? first - FOLDER_PREFETCH : 0;
	request_range(f, end, end + FOLDER_PREFETCH);
	request_range(f, pre_first, first);
	fill_next(f);
}

static void
on_message(const struct reply *reply, void *data)
{
	struct folder *f = data;
	struct core *core = f->acc->core;

	switch (reply->kind) {
	case REPLY_MESSAGE: {
		struct reply *r = (struct reply *)reply;
		gpointer idx;

		if (reply->message->uid != f->message_uid)
			break; /* an older request, overtaken */
		message_text_free(f->message);
		/* Steal the message from the reply. */
		f->message = r->message;
		r->message = NULL;
		f->message_load = FOLDER_OPEN;
		idx = g_hash_table_lookup(f->by_uid,
		    GUINT_TO_POINTER(f->message->uid));
		if (idx != NULL &&
		    row_at(f, GPOINTER_TO_UINT(idx) - 1)->env != NULL)
			row_at(f, GPOINTER_TO_UINT(idx) - 1)->env->flags =
			    f->message->flags;
		/* Only its header was downloaded: the rest, once. */
		if (f->message->partial_name != NULL &&
		    f->full_asked != f->message->uid) {
			f->full_asked = f->message->uid;
			core_fetch_full(core, f->acc, f->serial,
			    f->message->uid, f->message->partial_name);
		}
		core_changed(core);
		break;
	}
	case REPLY_ERROR:
	case REPLY_UNSUPPORTED:
	case REPLY_CANCELLED:
		f->message_load = FOLDER_FAILED;
		g_free(f->message_error);
		f->message_error =
		    g_strdup(reply->kind == REPLY_ERROR ? reply->error->message
			    : reply->kind == REPLY_CANCELLED
			    ? "cancelled"
			    : "this account cannot show messages");
		core_changed(core);
		break;
	default:
		break;
	}
}

void
folder_open_message(struct folder *f, unsigned i)
{
	struct request *req;

	if (f->load != FOLDER_OPEN || i >= folder_count(f))
		return;
	req = request_new(REQ_FETCH_MESSAGE);
	req->folder = g_strdup(f->name);
	req->uid = folder_row(f, i)->uid;
	f->message_uid = req->uid;
	f->message_load = FOLDER_OPENING;
	g_clear_pointer(&f->message, message_text_free);
	f->message_id = worker_post(f->acc->worker, req, on_message, f);
}

void
folder_reload_message(struct folder *f, uint32_t uid)
{
	struct request *req;

	if (f->load != FOLDER_OPEN || f->message_uid != uid)
		return;
	req = request_new(REQ_FETCH_MESSAGE);
	req->folder = g_strdup(f->name);
	req->uid = uid;
	f->message_load = FOLDER_OPENING;
	g_clear_pointer(&f->message, message_text_free);
	f->message_id = worker_post(f->acc->worker, req, on_message, f);
}

/* What one message's flag change did: what to undo if it is refused. */
struct flag_undo {
	uint32_t uid;
	uint32_t added;	  /* the bits this change set */
	uint32_t removed; /* the bits this change cleared */
};

/* A flag change under way (one request, one or many messages). */
struct flag_change {
	uint64_t id;  /* the request: the table's key */
	GArray *undo; /* struct flag_undo */
};

static void
flag_change_free(struct flag_change *ch)
{
	g_array_unref(ch->undo);
	g_free(ch);
}

static struct msg_row *
row_of_uid(const struct folder *f, uint32_t uid)
{
	gpointer idx = g_hash_table_lookup(f->by_uid, GUINT_TO_POINTER(uid));

	return idx != NULL ? row_at(f, GPOINTER_TO_UINT(idx) - 1) : NULL;
}

/* Undo u on the row of its message (and on the message shown). */
static void
flags_undo(struct folder *f, const struct flag_undo *u)
{
	struct msg_row *row = row_of_uid(f, u->uid);

	if (row != NULL && row->env != NULL)
		row->env->flags = (row->env->flags & ~u->added) | u->removed;
	if (f->message != NULL && f->message->uid == u->uid)
		f->message->flags =
		    (f->message->flags & ~u->added) | u->removed;
}

static void
on_flags(const struct reply *reply, void *data)
{
	struct folder *f = data;
	struct core *core = f->acc->core;
	uint64_t id = reply->request_id;
	struct flag_change *ch;
	g_autofree char *what = NULL;

	if (!reply_is_terminal(reply))
		return;
	ch = g_hash_table_lookup(f->flag_changes, &id);
	if (ch == NULL)
		return;
	if (reply->kind != REPLY_DONE) {
		for (guint i = 0; i < ch->undo->len; i++)
			flags_undo(f,
			    &g_array_index(ch->undo, struct flag_undo, i));
		what = ch->undo->len == 1
		    ? g_strdup_printf("message %u",
			  g_array_index(ch->undo, struct flag_undo, 0).uid)
		    : g_strdup_printf("%u messages", ch->undo->len);
	}
	switch (reply->kind) {
	case REPLY_ERROR:
		core_status(core, "flags of %s not changed: %s", what,
		    reply->error->message);
		break;
	case REPLY_UNSUPPORTED:
		core_status(core, "this account cannot change flags");
		break;
	case REPLY_CANCELLED:
		core_status(core, "flags of %s not changed: cancelled", what);
		break;
	default:
		break;
	}
	g_hash_table_remove(f->flag_changes, &id);
	core_changed(core);
}

unsigned
folder_change_flags_uids(struct folder *f, const GArray *uids, uint32_t add,
    uint32_t remove)
{
	struct flag_change *ch;
	struct request *req;
	GArray *sent;

	if (f->load != FOLDER_OPEN)
		return 0;
	remove &= ~add;
	ch = g_new0(struct flag_change, 1);
	ch->undo = g_array_new(FALSE, FALSE, sizeof(struct flag_undo));
	sent = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (guint i = 0; i < uids->len; i++) {
		uint32_t uid = g_array_index(uids, uint32_t, i);
		struct msg_row *row = row_of_uid(f, uid);
		struct flag_undo u = { uid, 0, 0 };
		uint32_t old;

		if (row == NULL || row->env == NULL)
			continue;
		old = row->env->flags;
		u.added = add & ~old;
		u.removed = remove & old;
		/* On the screen at once; undone if the server refuses. */
		row->env->flags = (old | add) & ~remove;
		if (f->message != NULL && f->message->uid == uid)
			f->message->flags = (f->message->flags | add) & ~remove;
		g_array_append_val(ch->undo, u);
		g_array_append_val(sent, uid);
	}
	if (sent->len == 0) {
		g_array_unref(sent);
		flag_change_free(ch);
		return 0;
	}
	req = request_new(REQ_SET_FLAGS);
	req->folder = g_strdup(f->name);
	req->uid = g_array_index(sent, uint32_t, 0);
	req->uids = sent;
	req->flags_add = add;
	req->flags_remove = remove;
	ch->id = worker_post(f->acc->worker, req, on_flags, f);
	g_hash_table_insert(f->flag_changes, g_memdup2(&ch->id, sizeof(ch->id)),
	    ch);
	core_changed(f->acc->core);
	return ch->undo->len;
}

bool
folder_change_flags(struct folder *f, uint32_t uid, uint32_t add,
    uint32_t remove)
{
	g_autoptr(GArray) one = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	g_array_append_val(one, uid);
	return folder_change_flags_uids(f, one, add, remove) == 1;
}

struct save {
	struct core *core;
	char *path;
};

static void
on_saved(const struct reply *reply, void *data)
{
	struct save *sv = data;

	switch (reply->kind) {
	case REPLY_PROGRESS:
		core_notice(sv->core,
		    "saved '%s' (%" G_GUINT64_FORMAT " bytes)", sv->path,
		    reply->done);
		break;
	case REPLY_ERROR:
		core_status(sv->core, "%s", reply->error->message);
		break;
	case REPLY_UNSUPPORTED:
		core_status(sv->core, "this account cannot save attachments");
		break;
	case REPLY_CANCELLED:
		core_notice(sv->core, "saving '%s' cancelled", sv->path);
		break;
	default:
		break;
	}
	if (reply_is_terminal(reply)) {
		g_free(sv->path);
		g_free(sv);
	}
}

void
folder_save_part(struct folder *f, unsigned i, const char *path)
{
	const struct part_info *pi;
	struct request *req;
	struct save *sv;

	if (f->message == NULL || i >= f->message->parts->len)
		return;
	pi = f->message->parts->pdata[i];
	req = request_new(REQ_SAVE_PART);
	req->folder = g_strdup(f->name);
	req->uid = f->message->uid;
	req->section = g_strdup(pi->section);
	req->encoding = g_strdup(pi->encoding);
	req->path = g_strdup(path);
	sv = g_new0(struct save, 1);
	sv->core = f->acc->core;
	sv->path = g_strdup(path);
	/* Not tied to the folder: the file is written even if it closes. */
	f->save_id = worker_post(f->acc->worker, req, on_saved, sv);
}

bool
folder_cancel(struct folder *f)
{
	bool any = false;

	if (f->load == FOLDER_OPENING) {
		worker_cancel(f->acc->worker, f->open_id);
		any = true;
	}
	if (f->message_load == FOLDER_OPENING && f->message_id != 0) {
		worker_cancel(f->acc->worker, f->message_id);
		any = true;
	}
	if (f->save_id != 0 &&
	    reply_queue_is_pending(f->acc->core->rq, f->save_id)) {
		worker_cancel(f->acc->worker, f->save_id);
		any = true;
	}
	return any;
}

struct part_fetch {
	folder_part_cb *cb;
	void *data;
	bool written;
};

static void
on_part(const struct reply *reply, void *data)
{
	struct part_fetch *pf = data;

	if (reply->kind == REPLY_PROGRESS)
		pf->written = true;
	if (!reply_is_terminal(reply))
		return;
	if (reply->kind == REPLY_DONE && pf->written) {
		pf->cb(NULL, pf->data);
	} else {
		g_autoptr(GError) error = NULL;

		if (reply->kind == REPLY_ERROR)
			error = g_error_copy(reply->error);
		else if (reply->kind == REPLY_UNSUPPORTED)
			error =
			    g_error_new(SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
				"this account cannot fetch attachments");
		else
			error = g_error_new(SKUA_ERROR, SKUA_ERROR_CANCELLED,
			    "the part was not fetched");
		pf->cb(error, pf->data);
	}
	g_free(pf);
}

bool
folder_fetch_part(struct folder *f, unsigned i, const char *path, unsigned mode,
    folder_part_cb *cb, void *data)
{
	const struct part_info *pi;
	struct request *req;
	struct part_fetch *pf;

	if (f->message == NULL || i >= f->message->parts->len)
		return false;
	pi = f->message->parts->pdata[i];
	req = request_new(REQ_SAVE_PART);
	req->folder = g_strdup(f->name);
	req->uid = f->message->uid;
	req->section = g_strdup(pi->section);
	req->encoding = g_strdup(pi->encoding);
	req->path = g_strdup(path);
	req->mode = mode;
	pf = g_new0(struct part_fetch, 1);
	pf->cb = cb;
	pf->data = data;
	worker_post(f->acc->worker, req, on_part, pf);
	return true;
}

bool
folder_fetch_message(struct folder *f, unsigned i, const char *path,
    folder_part_cb *cb, void *data)
{
	const struct msg_row *row;
	struct request *req;
	struct part_fetch *pf;

	if (f->load != FOLDER_OPEN || i >= f->rows->len)
		return false;
	row = folder_row(f, i);
	req = request_new(REQ_SAVE_PART);
	req->folder = g_strdup(f->name);
	req->uid = row->uid;
	req->section = g_strdup(""); /* the whole message */
	req->path = g_strdup(path);
	req->mode = 0600;
	pf = g_new0(struct part_fetch, 1);
	pf->cb = cb;
	pf->data = data;
	worker_post(f->acc->worker, req, on_part, pf);
	return true;
}

bool
folder_filled(const struct folder *f)
{
	return f->load == FOLDER_OPEN && f->fetched == f->rows->len;
}

/* Every row has been asked for: once all are in, note the time, redraw. */
static void
fill_done(struct folder *f)
{
	/* Once: this runs on every redraw after the fill (a redraw loop). */
	if (f->fill_time == 0 && folder_filled(f)) {
		f->fill_time = MAX(g_get_monotonic_time() - f->fill_started, 1);
		log_msg(LOG_INFO, "%s: all %u headers of %s in %.3f s",
		    f->acc->name, f->rows->len, f->name,
		    (double)f->fill_time / G_USEC_PER_SEC);
		core_changed(f->acc->core);
	}
}

/* Post the next chunk of rows that have no header and no request. */
static void
fill_next(struct folder *f)
{
	GArray *uids;

	if (!f->fill || f->filling >= FOLDER_FILL_DEPTH ||
	    f->load != FOLDER_OPEN || (!f->screen_in && !f->sort_waiting))
		return;
	while (f->fill_pos < f->rows->len) {
		struct msg_row *row = row_at(f, f->fill_pos);

		if (row->env == NULL && !row->pending)
			break;
		f->fill_pos++;
	}
	if (f->fill_pos >= f->rows->len) {
		fill_done(f);
		return;
	}
	uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (unsigned i = f->fill_pos;
	     i < f->rows->len && uids->len < FOLDER_FILL_BATCH; i++) {
		struct msg_row *row = row_at(f, i);

		if (row->env != NULL || row->pending)
			continue;
		g_array_append_val(uids, row->uid);
		row->pending = true;
	}
	f->filling++;
	/* Chunks go round the fill's connections. */
	post_fetch_to(f,
	    core_fill_worker(f->acc, f->fill_chunks++ % CORE_FILL_CONNECTIONS),
	    uids, on_fill);
	/* Keep FOLDER_FILL_DEPTH chunks queued on the fill's worker. */
	fill_next(f);
}

void
folder_start_fill(struct folder *f)
{
	f->fill = true;
	if (f->fill_started == 0)
		f->fill_started = g_get_monotonic_time();
	fill_next(f);
}

/*
 * The order of the rows. Everything below reorders rows that exist (their
 * envelopes and pending requests kept) or makes them from a UID list.
 */

/* Replace the rows by uids[0..n) in that order, keeping what is known of
 * each; nodes, when not NULL, gives each row's tree node. */
static void
set_rows(struct folder *f, const uint32_t *uids, guint n, const uint32_t *nodes)
{
	GArray *rows =
	    g_array_sized_new(FALSE, FALSE, sizeof(struct msg_row), n);
	GHashTable *by_uid = g_hash_table_new(g_direct_hash, g_direct_equal);
	unsigned fetched = 0, tagged = 0;

	for (guint i = 0; i < n; i++) {
		gpointer key = GUINT_TO_POINTER(uids[i]);
		gpointer idx = g_hash_table_lookup(f->by_uid, key);
		struct msg_row row = { uids[i], false, NULL, THREAD_NONE,
			false };

		if (uids[i] == 0 || g_hash_table_contains(by_uid, key))
			continue; /* a server's duplicate */
		if (idx != NULL) {
			struct msg_row *old =
			    row_at(f, GPOINTER_TO_UINT(idx) - 1);

			row = *old;
			old->env = NULL; /* moved */
		}
		row.node = nodes != NULL ? nodes[i] : THREAD_NONE;
		fetched += row.env != NULL;
		tagged += row.tagged;
		g_array_append_val(rows, row);
		g_hash_table_insert(by_uid, key, GUINT_TO_POINTER(rows->len));
	}
	for (guint i = 0; i < f->rows->len; i++)
		g_free(row_at(f, i)->env); /* rows gone from the folder */
	g_array_free(f->rows, TRUE);
	g_hash_table_destroy(f->by_uid);
	f->rows = rows;
	f->by_uid = by_uid;
	f->fetched = fetched;
	f->tagged = tagged;
	f->fill_pos = 0;
	f->order_serial++;
	/* The cursor stays on its message; before the view has put it on
	 * one, on the newest. */
	f->cursor_hint = -1;
	if (f->cursor_uid != 0) {
		gpointer idx = g_hash_table_lookup(by_uid,
		    GUINT_TO_POINTER(f->cursor_uid));

		if (idx != NULL)
			f->cursor_hint = (int)GPOINTER_TO_UINT(idx) - 1;
	} else if (rows->len > 0) {
		f->cursor_hint = f->reverse ? 0 : (int)rows->len - 1;
	}
	limit_refresh(f);
}

static void
clear_tree(struct folder *f)
{
	g_clear_pointer(&f->tree, g_array_unref);
	g_clear_pointer(&f->tree_next, g_free);
}

/* Make the rows the messages of forest (tidied), in its order. */
static void
set_tree(struct folder *f, const GArray *forest)
{
	GArray *tree = sort_tree_tidy((const struct thread_node *)forest->data,
	    forest->len, f->reverse);
	GArray *uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	GArray *nodes = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	for (guint i = 0; i < tree->len; i++) {
		uint32_t uid = g_array_index(tree, struct thread_node, i).uid;

		if (uid == 0)
			continue;
		g_array_append_val(uids, uid);
		g_array_append_val(nodes, i);
	}
	set_rows(f, (const uint32_t *)uids->data, uids->len,
	    (const uint32_t *)nodes->data);
	clear_tree(f);
	f->tree = tree;
	f->tree_next =
	    sort_tree_next((const struct thread_node *)tree->data, tree->len);
	g_array_unref(uids);
	g_array_unref(nodes);
}

/* Sort here: mailbox order at once, else with every header in. */
static void
sort_here(struct folder *f)
{
	struct envelope **envs;
	guint n = f->rows->len;

	if (f->sort == SORT_ARRIVAL) {
		GArray *uids =
		    g_array_sized_new(FALSE, FALSE, sizeof(uint32_t), n);

		for (guint i = 0; i < n; i++)
			g_array_append_val(uids, row_at(f, i)->uid);
		g_array_sort(uids, cmp_uid);
		if (f->reverse)
			for (guint i = 0; i < n / 2; i++) {
				uint32_t t = g_array_index(uids, uint32_t, i);

				g_array_index(uids, uint32_t, i) =
				    g_array_index(uids, uint32_t, n - 1 - i);
				g_array_index(uids, uint32_t, n - 1 - i) = t;
			}
		f->sort_waiting = false;
		clear_tree(f);
		set_rows(f, (const uint32_t *)uids->data, uids->len, NULL);
		g_array_unref(uids);
		return;
	}
	if (!folder_filled(f)) {
		f->sort_waiting = true;
		if (!f->fill)
			folder_start_fill(f);
		else
			fill_next(f); /* waiting for no first screen now */
		sort_progress(f);
		return;
	}
	f->sort_waiting = false;
	envs = g_new(struct envelope *, n);
	for (guint i = 0; i < n; i++)
		envs[i] = row_at(f, i)->env;
	if (f->sort == SORT_THREADS) {
		GArray *forest = sort_threads(envs, n);

		set_tree(f, forest);
		g_array_unref(forest);
	} else {
		GArray *uids = sort_envelopes(envs, n, f->sort, f->reverse);

		clear_tree(f);
		set_rows(f, (const uint32_t *)uids->data, uids->len, NULL);
		g_array_unref(uids);
	}
	g_free(envs);
}

/* While a sort waits for the headers: apply it once they are all in. */
static void
sort_progress(struct folder *f)
{
	struct core *core = f->acc->core;
	struct sort_spec spec = { f->sort, f->reverse };
	g_autofree char *name = sort_name(&spec);

	if (folder_filled(f)) {
		sort_here(f);
		core_notice(core, "sorted by %s", name);
	} else if (f->sort == SORT_THREADS) {
		core_notice(core, "threading when all headers are in (%u/%u)",
		    f->fetched, f->rows->len);
	} else {
		core_notice(core,
		    "sorting by %s when all headers are in (%u/%u)", name,
		    f->fetched, f->rows->len);
	}
}

/* A UID list from the server: in the order asked, or to be sorted here. */
static void
apply_folder_state(struct folder *f, const struct folder_state *fs)
{
	const GArray *uids = fs->uids;

	f->uidvalidity = fs->uidvalidity;
	f->server_sorts = fs->server_sorts;
	/* An answer overtaken by a newer order (asked or made here). */
	if (f->rows->len > 0 &&
	    (fs->sort != f->sort ||
		(fs->reverse != f->reverse && f->sort != SORT_THREADS)))
		return;
	f->sort_waiting = false;
	if (fs->sorted && fs->threads != NULL && f->sort == SORT_THREADS) {
		set_tree(f, fs->threads);
		return;
	}
	clear_tree(f);
	set_rows(f, (const uint32_t *)uids->data, uids->len, NULL);
	if (!fs->sorted)
		sort_here(f);
}

void
folder_reload(struct folder *f)
{
	if (f->load == FOLDER_OPEN)
		post_open(f);
}

void
folder_set_sort(struct folder *f, enum sort_key key, bool reverse)
{
	f->sort = key;
	f->reverse = reverse;
	if (f->load == FOLDER_FAILED)
		return;
	/* Still opening: the answer to come has the old order. */
	if (f->load == FOLDER_OPENING ||
	    (key != SORT_ARRIVAL && (f->server_sorts & (1u << key)) != 0)) {
		f->sort_waiting = false;
		post_open(f);
		return;
	}
	sort_here(f);
	core_changed(f->acc->core);
}

/*
 * Tags, and the changes that take messages away: expunge, copy, move.
 */

void
folder_set_tag(struct folder *f, unsigned i, bool tagged)
{
	struct msg_row *row;

	if (i >= folder_count(f))
		return;
	row = row_at(f, shown_index(f, i));
	if (row->tagged == tagged)
		return;
	row->tagged = tagged;
	if (tagged)
		f->tagged++;
	else
		f->tagged--;
	core_changed(f->acc->core);
}

void
folder_untag_all(struct folder *f)
{
	for (guint i = 0; i < f->rows->len; i++)
		row_at(f, i)->tagged = false;
	f->tagged = 0;
	core_changed(f->acc->core);
}

GArray *
folder_tagged_uids(const struct folder *f)
{
	GArray *uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	for (guint i = 0; i < f->rows->len && uids->len < f->tagged; i++)
		if (row_at(f, i)->tagged)
			g_array_append_val(uids, row_at(f, i)->uid);
	return uids;
}

GArray *
folder_deleted_uids(const struct folder *f)
{
	GArray *uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	for (guint i = 0; i < f->rows->len; i++) {
		const struct msg_row *row = row_at(f, i);

		if (row->env != NULL && (row->env->flags & MSG_DELETED))
			g_array_append_val(uids, row->uid);
	}
	return uids;
}

/*
 * Drop the rows of uids (gone, or going, from the server). The cursor
 * stays on its message, or goes to the next row that stays (else the
 * previous). save, when not NULL, gets the dropped rows (struct msg_row)
 * with their envelopes, to be put back by restore_rows().
 */
static void
remove_uids(struct folder *f, const GArray *uids, GArray *save)
{
	g_autoptr(GHashTable) gone =
	    g_hash_table_new(g_direct_hash, g_direct_equal);
	g_autoptr(GArray) keep = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_autoptr(GArray) nodes = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	gpointer cur = f->cursor_uid != 0
	    ? g_hash_table_lookup(f->by_uid, GUINT_TO_POINTER(f->cursor_uid))
	    : NULL;
	bool cursor_gone = false;
	uint32_t before = 0;

	for (guint i = 0; i < uids->len; i++)
		g_hash_table_add(gone,
		    GUINT_TO_POINTER(g_array_index(uids, uint32_t, i)));
	for (guint i = 0; i < f->rows->len; i++) {
		const struct msg_row *row = row_at(f, i);

		if (g_hash_table_contains(gone, GUINT_TO_POINTER(row->uid))) {
			if (cur != NULL && GPOINTER_TO_UINT(cur) - 1 == i)
				cursor_gone = true;
			if (save != NULL) {
				g_array_append_val(save, *row);
				/* The envelope moves to save. */
				row_at(f, i)->env = NULL;
			}
			continue;
		}
		if (cursor_gone) { /* the first row after the cursor's */
			f->cursor_uid = row->uid;
			cursor_gone = false;
			cur = NULL;
		}
		if (cur != NULL && i < GPOINTER_TO_UINT(cur) - 1)
			before = row->uid;
		g_array_append_val(keep, row->uid);
		g_array_append_val(nodes, row->node);
	}
	if (cursor_gone) /* none after it: the one before */
		f->cursor_uid = before;
	if (keep->len == f->rows->len)
		return;
	set_rows(f, (const uint32_t *)keep->data, keep->len,
	    f->tree != NULL ? (const uint32_t *)nodes->data : NULL);
	if (f->fill && f->filling == 0)
		fill_next(f);
}

/*
 * The server refused a purge or a move: the rows ch took away come back
 * where they were, with their envelopes and tags.
 */
static void
restore_rows(struct folder *f, struct change *ch)
{
	g_autoptr(GHashTable) hidden =
	    g_hash_table_new(g_direct_hash, g_direct_equal);
	g_autoptr(GHashTable) listed =
	    g_hash_table_new(g_direct_hash, g_direct_equal);
	g_autoptr(GArray) uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_autoptr(GArray) nodes = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	if (ch->hidden == NULL || ch->hidden->len == 0)
		return;
	for (guint i = 0; i < ch->hidden->len; i++)
		g_hash_table_add(hidden,
		    GUINT_TO_POINTER(
			g_array_index(ch->hidden, struct msg_row, i).uid));
	/* The old order, without the rows gone meanwhile... */
	for (guint i = 0; i < ch->order->len; i++) {
		uint32_t uid = g_array_index(ch->order, uint32_t, i);
		gpointer key = GUINT_TO_POINTER(uid);

		g_hash_table_add(listed, key);
		if (!g_hash_table_contains(hidden, key) &&
		    !g_hash_table_contains(f->by_uid, key))
			continue;
		g_array_append_val(uids, uid);
		g_array_append_val(nodes,
		    g_array_index(ch->order_nodes, uint32_t, i));
	}
	/* ...and rows that came since, after them. */
	for (guint i = 0; i < f->rows->len; i++) {
		const struct msg_row *row = row_at(f, i);

		if (g_hash_table_contains(listed, GUINT_TO_POINTER(row->uid)))
			continue;
		g_array_append_val(uids, row->uid);
		g_array_append_val(nodes, row->node);
	}
	set_rows(f, (const uint32_t *)uids->data, uids->len,
	    f->tree != NULL ? (const uint32_t *)nodes->data : NULL);
	for (guint i = 0; i < ch->hidden->len; i++) {
		struct msg_row *saved =
		    &g_array_index(ch->hidden, struct msg_row, i);
		struct msg_row *row = row_of_uid(f, saved->uid);

		if (row == NULL || row->env != NULL)
			continue;
		row->env = saved->env;
		saved->env = NULL;
		row->tagged = saved->tagged;
		f->fetched += row->env != NULL;
		f->tagged += row->tagged;
	}
	g_array_set_size(ch->hidden, 0);
}

/* Take the rows of a purge or a move away at once, keeping them. */
static void
hide_rows(struct folder *f, struct change *ch)
{
	ch->order =
	    g_array_sized_new(FALSE, FALSE, sizeof(uint32_t), f->rows->len);
	ch->order_nodes =
	    g_array_sized_new(FALSE, FALSE, sizeof(uint32_t), f->rows->len);
	for (guint i = 0; i < f->rows->len; i++) {
		g_array_append_val(ch->order, row_at(f, i)->uid);
		g_array_append_val(ch->order_nodes, row_at(f, i)->node);
	}
	ch->hidden = g_array_new(FALSE, FALSE, sizeof(struct msg_row));
	remove_uids(f, ch->uids, ch->hidden);
	/* Rows asked for and not brought may be asked again. */
	for (guint i = 0; i < ch->hidden->len; i++)
		if (g_array_index(ch->hidden, struct msg_row, i).env == NULL)
			g_array_index(ch->hidden, struct msg_row, i).pending =
			    false;
}

static void post_change(struct folder *f, struct change *ch);

static const char *
change_what(enum request_kind kind)
{
	switch (kind) {
	case REQ_EXPUNGE:
		return "purge";
	case REQ_COPY:
		return "copy";
	default:
		return "move";
	}
}

/* What the folder list shows for server name name (a local ".Sent"). */
static const char *
shown_name(const struct account *acc, const char *name)
{
	for (guint i = 0; acc->folders != NULL && i < acc->folders->len; i++) {
		const struct folder_info *fi = acc->folders->pdata[i];

		if (strcmp(fi->server_name, name) == 0)
			return fi->name;
	}
	return name;
}

static void
on_change(const struct reply *reply, void *data)
{
	struct folder *f = data;
	struct core *core = f->acc->core;
	uint64_t id = reply->request_id;
	struct change *ch;
	g_autoptr(GError) error = NULL;

	if (!reply_is_terminal(reply))
		return;
	ch = g_hash_table_lookup(f->changes, &id);
	if (ch == NULL)
		return;
	{
		gpointer key = NULL;

		g_hash_table_steal_extended(f->changes, &id, &key, NULL);
		g_free(key);
	}
	/* Purges, moves and copies change what the quota counts. */
	if (reply->kind == REPLY_DONE)
		folder_quota_refresh(f);
	switch (reply->kind) {
	case REPLY_DONE:
		if (ch->kind == REQ_EXPUNGE && ch->plain) {
			/* Other clients' messages may have gone too. */
			post_open(f);
			core_notice(core, "deleted messages purged");
		} else if (ch->kind == REQ_EXPUNGE) {
			remove_uids(f, ch->uids, NULL);
			core_notice(core, "%u deleted message%s purged",
			    ch->uids->len, ch->uids->len == 1 ? "" : "s");
		} else if (ch->kind == REQ_MOVE) {
			remove_uids(f, ch->uids, NULL);
			core_notice(core, "%u message%s moved to %s",
			    ch->uids->len, ch->uids->len == 1 ? "" : "s",
			    shown_name(f->acc, ch->target));
		} else if (ch->then_delete) {
			folder_change_flags_uids(f, ch->uids, MSG_DELETED, 0);
			core_notice(core,
			    "copied to %s and marked deleted here (the server "
			    "cannot move): $ purges them",
			    ch->target);
		} else {
			core_notice(core, "%u message%s copied to %s",
			    ch->uids->len, ch->uids->len == 1 ? "" : "s",
			    shown_name(f->acc, ch->target));
		}
		break;
	case REPLY_ERROR:
		restore_rows(f, ch);
		if (ch->kind == REQ_MOVE &&
		    g_error_matches(reply->error, SKUA_ERROR,
			SKUA_ERROR_NOT_SUPPORTED)) {
			/* No MOVE, no UIDPLUS: copy, then mark deleted. */
			ch->kind = REQ_COPY;
			ch->then_delete = true;
			post_change(f, ch);
			return;
		}
		error = g_error_copy(reply->error);
		break;
	case REPLY_UNSUPPORTED:
		restore_rows(f, ch);
		error = g_error_new(SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
		    "this account cannot %s messages", change_what(ch->kind));
		break;
	default:
		restore_rows(f, ch);
		error = g_error_new(SKUA_ERROR, SKUA_ERROR_CANCELLED,
		    "%s cancelled", change_what(ch->kind));
		break;
	}
	/* Refused purges by UID are the caller's question to ask. */
	if (error != NULL &&
	    !(ch->kind == REQ_EXPUNGE && ch->cb != NULL &&
		g_error_matches(error, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED)))
		core_status(core, "cannot %s: %s", change_what(ch->kind),
		    error->message);
	if (ch->cb != NULL)
		ch->cb(error, ch->data);
	change_free(ch);
	core_changed(core);
}

static void
post_change(struct folder *f, struct change *ch)
{
	struct request *req = request_new(ch->kind);
	uint64_t *id = g_new(uint64_t, 1);

	req->folder = g_strdup(f->name);
	req->uids = g_array_copy(ch->uids);
	req->target = g_strdup(ch->target);
	req->plain_expunge = ch->plain;
	req->undelete = ch->undelete;
	/* A purge by UID or a move: the rows go from the screen at once. */
	if (ch->hidden == NULL &&
	    ((ch->kind == REQ_EXPUNGE && !ch->plain) || ch->kind == REQ_MOVE)) {
		hide_rows(f, ch);
		core_changed(f->acc->core);
	}
	*id = worker_post(f->acc->worker, req, on_change, f);
	g_hash_table_insert(f->changes, id, ch);
}

void
folder_expunge(struct folder *f, const GArray *uids, bool plain,
    folder_done_cb *cb, void *data)
{
	struct change *ch = g_new0(struct change, 1);

	ch->kind = REQ_EXPUNGE;
	ch->uids = g_array_copy((GArray *)uids);
	ch->plain = plain;
	ch->cb = cb;
	ch->data = data;
	post_change(f, ch);
}

void
folder_transfer(struct folder *f, const GArray *uids, const char *target,
    enum folder_transfer how, folder_done_cb *cb, void *data)
{
	struct change *ch = g_new0(struct change, 1);

	ch->kind = how == FOLDER_COPY ? REQ_COPY : REQ_MOVE;
	ch->undelete = how == FOLDER_TO_TRASH;
	ch->uids = g_array_copy((GArray *)uids);
	ch->target = g_strdup(target);
	ch->cb = cb;
	ch->data = data;
	post_change(f, ch);
}

bool
folder_trash(const struct folder *f, const char **name)
{
	const char *opt = opt_string(f->acc->opts, "trash");
	GPtrArray *list = f->acc->folders;
	const char *trash = NULL;

	*name = NULL;
	if (opt != NULL && *opt == '\0')
		return true; /* set trash = "": none */
	if (opt == NULL && list == NULL)
		return false; /* the list tells: not known yet */
	trash = opt;
	for (guint i = 0; list != NULL && i < list->len; i++) {
		const struct folder_info *fi = list->pdata[i];

		/* The user's name is the list's display name. */
		if (opt != NULL && strcmp(fi->name, opt) == 0)
			trash = fi->server_name;
		if (opt == NULL && (fi->flags & FOLDER_TRASH) && trash == NULL)
			trash = fi->server_name;
	}
	if (trash != NULL && strcmp(trash, f->name) != 0 &&
	    (opt == NULL || strcmp(opt, f->name) != 0))
		*name = trash;
	return true;
}

/*
 * A copy or move to another account: one message at a time, fetched whole
 * (BODY.PEEK[]) into a private temporary file and APPENDed there with its
 * flags; a move marks the originals deleted and purges them (UID EXPUNGE)
 * only once every APPEND has succeeded. The callbacks hold this, never
 * the folder, which they find again by its serial.
 */
struct xfer {
	struct core *core;
	unsigned folder_serial;
	struct account *src, *dst;
	char *folder, *target;
	GArray *uids, *flags; /* uint32_t each */
	guint next;
	bool move;
	char *dir, *path; /* the temporary directory, the file under way */
};

static void xfer_next(struct xfer *x);

static void
xfer_finish(struct xfer *x, const GError *error)
{
	struct folder *f = x->core->folder;
	const char *verb = x->move ? "moved" : "copied";

	if (x->path != NULL)
		(void)g_unlink(x->path);
	if (x->dir != NULL)
		(void)g_rmdir(x->dir);
	if (f != NULL && f->serial != x->folder_serial)
		f = NULL;
	if (error != NULL) {
		core_status(x->core,
		    "%u of %u messages %s to %s/%s, then: %s%s", x->next,
		    x->uids->len, verb, x->dst->name, x->target, error->message,
		    x->move ? " (the originals stay here)" : "");
	} else if (x->move && f == NULL) {
		core_status(x->core,
		    "%u messages copied to %s/%s; the folder was closed, so "
		    "the originals stay",
		    x->uids->len, x->dst->name, x->target);
	} else {
		if (x->move) {
			folder_change_flags_uids(f, x->uids, MSG_DELETED, 0);
			folder_expunge(f, x->uids, false, NULL, NULL);
		}
		core_notice(x->core, "%u message%s %s to %s/%s", x->uids->len,
		    x->uids->len == 1 ? "" : "s", verb, x->dst->name,
		    x->target);
	}
	g_free(x->folder);
	g_free(x->target);
	g_array_unref(x->uids);
	g_array_unref(x->flags);
	g_free(x->dir);
	g_free(x->path);
	g_free(x);
}

static void
terminal_error(const struct reply *reply, const char *what, GError **error)
{
	if (reply->kind == REPLY_ERROR)
		*error = g_error_copy(reply->error);
	else if (reply->kind == REPLY_UNSUPPORTED)
		*error = g_error_new(SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
		    "the account cannot %s messages", what);
	else
		*error =
		    g_error_new(SKUA_ERROR, SKUA_ERROR_CANCELLED, "cancelled");
}

static void
on_xfer_appended(const struct reply *reply, void *data)
{
	struct xfer *x = data;
	g_autoptr(GError) error = NULL;

	if (!reply_is_terminal(reply))
		return;
	(void)g_unlink(x->path);
	g_clear_pointer(&x->path, g_free);
	if (reply->kind != REPLY_DONE) {
		terminal_error(reply, "add", &error);
		xfer_finish(x, error);
		return;
	}
	x->next++;
	core_changed(x->core);
	xfer_next(x); /* may free x */
}

static void
on_xfer_fetched(const struct reply *reply, void *data)
{
	struct xfer *x = data;
	struct request *req;
	g_autoptr(GError) error = NULL;

	if (!reply_is_terminal(reply))
		return;
	if (reply->kind != REPLY_DONE) {
		terminal_error(reply, "fetch", &error);
		xfer_finish(x, error);
		return;
	}
	if (x->dst->worker == NULL) {
		error = g_error_new(SKUA_ERROR, SKUA_ERROR_NETWORK,
		    "account '%s' is not open", x->dst->name);
		xfer_finish(x, error);
		return;
	}
	req = request_new(REQ_APPEND);
	req->folder = g_strdup(x->target);
	req->path = g_strdup(x->path);
	req->flags_add = g_array_index(x->flags, uint32_t, x->next);
	/* Owned: a worker restarted meanwhile still ends the transfer. */
	worker_post_owned(x->dst->worker, req, on_xfer_appended, x);
}

static void
xfer_next(struct xfer *x)
{
	struct request *req;

	if (x->next >= x->uids->len) {
		xfer_finish(x, NULL);
		return;
	}
	if (x->src->worker == NULL) {
		g_autoptr(GError) error =
		    g_error_new(SKUA_ERROR, SKUA_ERROR_NETWORK,
			"account '%s' is not open", x->src->name);

		xfer_finish(x, error);
		return;
	}
	x->path = g_strdup_printf("%s/%u.eml", x->dir,
	    g_array_index(x->uids, uint32_t, x->next));
	req = request_new(REQ_SAVE_PART);
	req->folder = g_strdup(x->folder);
	req->uid = g_array_index(x->uids, uint32_t, x->next);
	req->section = g_strdup(""); /* the whole message */
	req->path = g_strdup(x->path);
	req->mode = 0600;
	worker_post_owned(x->src->worker, req, on_xfer_fetched, x);
}

bool
folder_transfer_account(struct folder *f, const GArray *uids,
    struct account *dst, const char *target, bool move, GError **err)
{
	struct xfer *x;
	g_autoptr(GError) error = NULL;
	char *dir;

	if (dst->worker == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "account '%s' is not open", dst->name);
		return false;
	}
	dir = g_dir_make_tmp("skua-copy-XXXXXX", &error);
	if (dir == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "no temporary directory: %s", error->message);
		return false;
	}
	x = g_new0(struct xfer, 1);
	x->core = f->acc->core;
	x->folder_serial = f->serial;
	x->src = f->acc;
	x->dst = dst;
	x->folder = g_strdup(f->name);
	x->target = g_strdup(target);
	x->uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	x->flags = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	x->move = move;
	x->dir = dir;
	for (guint i = 0; i < uids->len; i++) {
		uint32_t uid = g_array_index(uids, uint32_t, i);
		const struct msg_row *row = row_of_uid(f, uid);
		uint32_t fl;

		if (row == NULL)
			continue;
		fl = row->env != NULL ? row->env->flags &
			(MSG_SEEN | MSG_ANSWERED | MSG_FLAGGED | MSG_DRAFT)
				      : 0;
		g_array_append_val(x->uids, uid);
		g_array_append_val(x->flags, fl);
	}
	xfer_next(x);
	return true;
}

/*
 * Live updates: what another client changed, told by the server without
 * being asked (REPLY_UNSOLICITED from the worker that keeps the folder
 * live). The cursor stays on its message throughout (set_rows()).
 */

/* Whether a flag change of ours on uid still waits for the server. */
static bool
flags_in_flight(const struct folder *f, uint32_t uid)
{
	GHashTableIter it;
	gpointer key, value;

	g_hash_table_iter_init(&it, f->flag_changes);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		const struct flag_change *ch = value;

		for (guint i = 0; i < ch->undo->len; i++)
			if (g_array_index(ch->undo, struct flag_undo, i).uid ==
			    uid)
				return true;
	}
	return false;
}

/* New messages get rows at the newest end of the order (no header yet). */
static unsigned
add_rows(struct folder *f, const struct folder_update *u)
{
	g_autoptr(GArray) uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_autoptr(GArray) nodes = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_autoptr(GArray) fresh = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	const uint32_t none = THREAD_NONE;
	unsigned unseen = 0;

	for (guint i = 0; i < u->added->len; i++) {
		uint32_t uid = g_array_index(u->added, uint32_t, i);
		uint32_t flags = i < u->added_flags->len
		    ? g_array_index(u->added_flags, uint32_t, i)
		    : 0;

		if (uid == 0 ||
		    g_hash_table_contains(f->by_uid, GUINT_TO_POINTER(uid)))
			continue;
		g_array_append_val(fresh, uid);
		if (!(flags & MSG_SEEN))
			unseen++;
	}
	if (fresh->len == 0)
		return 0;
	/* Newest first (reverse): in front, newest of them first. */
	if (f->reverse)
		for (guint i = fresh->len; i-- > 0;) {
			g_array_append_val(uids,
			    g_array_index(fresh, uint32_t, i));
			g_array_append_val(nodes, none);
		}
	for (guint i = 0; i < f->rows->len; i++) {
		g_array_append_val(uids, row_at(f, i)->uid);
		g_array_append_val(nodes, row_at(f, i)->node);
	}
	if (!f->reverse)
		for (guint i = 0; i < fresh->len; i++) {
			g_array_append_val(uids,
			    g_array_index(fresh, uint32_t, i));
			g_array_append_val(nodes, none);
		}
	set_rows(f, (const uint32_t *)uids->data, uids->len,
	    f->tree != NULL ? (const uint32_t *)nodes->data : NULL);
	log_debug("%s: %u new in %s (%u unseen)", f->acc->name, fresh->len,
	    f->name, unseen);
	return unseen;
}

unsigned
folder_apply_update(struct folder *f, const struct folder_update *u)
{
	unsigned unseen = 0;

	/* Opening: the UID list to come is newer than this. */
	if (f->load != FOLDER_OPEN || strcmp(u->folder, f->name) != 0)
		return 0;
	if (u->reload || u->uidvalidity != f->uidvalidity) {
		log_info("%s: %s changed its UIDs: opening it again",
		    f->acc->name, f->name);
		post_open(f);
		return 0;
	}
	if (u->expunged->len > 0)
		remove_uids(f, u->expunged, NULL);
	for (guint i = 0; i < u->flags->len; i++) {
		const struct uid_flags *uf =
		    &g_array_index(u->flags, struct uid_flags, i);
		struct msg_row *row = row_of_uid(f, uf->uid);
		/*
		 * \Recent is said once, with the header. \Deleted stays as
		 * we set it: $ purges exactly the messages deleted here,
		 * never another client's (its own purge takes them away).
		 */
		uint32_t keep = MSG_RECENT | MSG_DELETED;

		if (row == NULL || row->env == NULL ||
		    flags_in_flight(f, uf->uid))
			continue;
		row->env->flags =
		    (row->env->flags & keep) | (uf->flags & ~keep);
		if (f->message != NULL && f->message->uid == uf->uid)
			f->message->flags =
			    (f->message->flags & keep) | (uf->flags & ~keep);
	}
	if (u->added->len > 0) {
		unseen = add_rows(f, u);
		/* An order the server makes: ask for it again; ours: once
		 * their headers are in (the fill brings them). */
		if (f->sort != SORT_ARRIVAL &&
		    (f->server_sorts & (1u << f->sort)) != 0)
			post_open(f);
		else if (f->sort != SORT_ARRIVAL)
			sort_here(f);
	}
	if (f->fill && f->filling == 0)
		fill_next(f);
	core_changed(f->acc->core);
	return unseen;
}

void
folder_watch(struct account *acc, struct folder *f)
{
	if (acc->worker == NULL)
		return;
	worker_set_idle(acc->worker, f != NULL ? f->name : NULL,
	    f != NULL ? (unsigned)opt_number(acc->opts, "mail_check") : 0);
}
