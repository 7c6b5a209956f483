/* SPDX-License-Identifier: ISC */
/* The open folder's model and its lazy, windowed envelope fetching. */
#include "config.h"

#include "backend/types.h"
#include "backend/worker.h"
#include "core/core.h"
#include "core/folder.h"
#include "util/error.h"
#include "util/log.h"

static void fill_next(struct folder *f);

static struct msg_row *
row_at(const struct folder *f, unsigned i)
{
	return &g_array_index(f->rows, struct msg_row, i);
}

static void
on_envelopes(const struct reply *reply, void *data)
{
	struct folder *f = data;
	struct core *core = f->acc->core;

	switch (reply->kind) {
	case REPLY_ENVELOPES:
		for (guint i = 0; i < reply->envelopes->len; i++) {
			struct envelope *env = reply->envelopes->pdata[i];
			gpointer idx = g_hash_table_lookup(f->by_uid,
			    GUINT_TO_POINTER(env->uid));
			struct msg_row *row;

			if (idx == NULL) /* gone meanwhile */
				continue;
			row = row_at(f, GPOINTER_TO_UINT(idx) - 1);
			if (row->env == NULL)
				f->fetched++;
			g_free(row->env);
			/* Steal the envelope from the reply. */
			row->env = env;
			reply->envelopes->pdata[i] = NULL;
		}
		core_changed(core);
		break;
	case REPLY_DONE:
		/* A fill stopped by an error goes on once fetching works. */
		if (f->fill && !f->filling)
			fill_next(f);
		break;
	case REPLY_ERROR:
		core_status(core, "%s: %s", f->acc->name,
		    reply->error->message);
		break;
	default:
		break;
	}
	/* A failed or cancelled fetch may be asked again. */
	if (reply_is_terminal(reply) && reply->kind != REPLY_DONE) {
		for (guint i = 0; i < f->rows->len; i++) {
			struct msg_row *row = row_at(f, i);

			if (row->env == NULL)
				row->pending = false;
		}
	}
}

static void
on_fill(const struct reply *reply, void *data)
{
	struct folder *f = data;

	on_envelopes(reply, data);
	if (!reply_is_terminal(reply))
		return;
	f->filling = false;
	if (reply->kind == REPLY_DONE)
		fill_next(f);
}

static void
on_opened(const struct reply *reply, void *data)
{
	struct folder *f = data;
	struct core *core = f->acc->core;

	switch (reply->kind) {
	case REPLY_FOLDER: {
		const GArray *uids = reply->folder->uids;

		f->uidvalidity = reply->folder->uidvalidity;
		if (reply->folder->name != NULL) {
			g_free(f->display);
			f->display = g_strdup(reply->folder->name);
		}
		g_array_set_size(f->rows, 0);
		g_hash_table_remove_all(f->by_uid);
		for (guint i = 0; i < uids->len; i++) {
			struct msg_row row = { g_array_index(uids, uint32_t, i),
				false, NULL };

			g_array_append_val(f->rows, row);
			g_hash_table_insert(f->by_uid,
			    GUINT_TO_POINTER(row.uid), GUINT_TO_POINTER(i + 1));
		}
		f->load = FOLDER_OPEN;
		f->fill_pos = 0;
		/* The fill starts after the first window: the screen first. */
		core_changed(core);
		break;
	}
	case REPLY_ERROR:
		f->load = FOLDER_FAILED;
		g_free(f->error);
		f->error = g_strdup(reply->error->message);
		core_status(core, "cannot open '%s': %s", f->display,
		    reply->error->message);
		break;
	case REPLY_UNSUPPORTED:
	case REPLY_CANCELLED:
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

struct folder *
folder_open(struct core *core, struct account *acc, const char *name)
{
	struct folder *f = g_new0(struct folder, 1);
	struct request *req = request_new(REQ_OPEN_FOLDER);

	g_assert(acc->worker != NULL);
	f->acc = acc;
	f->name = g_strdup(name);
	f->display = g_strdup(name);
	f->load = FOLDER_OPENING;
	f->rows = g_array_new(FALSE, FALSE, sizeof(struct msg_row));
	f->by_uid = g_hash_table_new(g_direct_hash, g_direct_equal);
	req->folder = g_strdup(name);
	req->sort = SORT_ARRIVAL;
	req->reverse = true;
	worker_post(acc->worker, req, on_opened, f);
	folder_free(core->folder);
	core->folder = f;
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
	for (guint i = 0; f->rows != NULL && i < f->rows->len; i++)
		g_free(row_at(f, i)->env);
	g_array_free(f->rows, TRUE);
	g_hash_table_destroy(f->by_uid);
	g_free(f->name);
	g_free(f->display);
	g_free(f->error);
	message_text_free(f->message);
	g_free(f->message_error);
	g_free(f);
}

unsigned
folder_count(const struct folder *f)
{
	return f->rows->len;
}

const struct msg_row *
folder_row(const struct folder *f, unsigned i)
{
	g_assert(i < f->rows->len);
	return row_at(f, i);
}

static void
post_fetch(struct folder *f, GArray *uids)
{
	struct request *req = request_new(REQ_FETCH_ENVELOPES);

	req->folder = g_strdup(f->name);
	req->uids = uids;
	f->requests++;
	worker_post(f->acc->worker, req, on_envelopes, f);
}

/* Ask for the rows of [first, end) that have neither envelope nor request. */
static void
request_range(struct folder *f, unsigned first, unsigned end)
{
	GArray *uids = NULL;

	end = MIN(end, f->rows->len);
	for (unsigned i = first; i < end; i++) {
		struct msg_row *row = row_at(f, i);

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

	if (f->load != FOLDER_OPEN || first >= f->rows->len)
		return;
	end = MIN(first + n, f->rows->len);
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

	if (f->load != FOLDER_OPEN || i >= f->rows->len)
		return;
	req = request_new(REQ_FETCH_MESSAGE);
	req->folder = g_strdup(f->name);
	req->uid = row_at(f, i)->uid;
	f->message_uid = req->uid;
	f->message_load = FOLDER_OPENING;
	g_clear_pointer(&f->message, message_text_free);
	worker_post(f->acc->worker, req, on_message, f);
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
	worker_post(f->acc->worker, req, on_saved, sv);
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
folder_filled(const struct folder *f)
{
	return f->load == FOLDER_OPEN && f->fetched == f->rows->len;
}

/* Post the next chunk of rows that have no header and no request. */
static void
fill_next(struct folder *f)
{
	GArray *uids;

	if (!f->fill || f->filling || f->load != FOLDER_OPEN)
		return;
	while (f->fill_pos < f->rows->len) {
		struct msg_row *row = row_at(f, f->fill_pos);

		if (row->env == NULL && !row->pending)
			break;
		f->fill_pos++;
	}
	if (f->fill_pos >= f->rows->len) {
		core_changed(f->acc->core);
		return;
	}
	uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (unsigned i = f->fill_pos;
	     i < f->rows->len && uids->len < FOLDER_FETCH_BATCH; i++) {
		struct msg_row *row = row_at(f, i);

		if (row->env != NULL || row->pending)
			continue;
		g_array_append_val(uids, row->uid);
		row->pending = true;
	}
	{
		struct request *req = request_new(REQ_FETCH_ENVELOPES);

		req->folder = g_strdup(f->name);
		req->uids = uids;
		f->requests++;
		f->filling = true;
		worker_post(f->acc->worker, req, on_fill, f);
	}
}

void
folder_start_fill(struct folder *f)
{
	f->fill = true;
	fill_next(f);
}
