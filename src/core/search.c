/* SPDX-License-Identifier: ISC */
/*
 * Search, limit and quota requests of the open folder. The callbacks of
 * the worker hold the folder (worker_forget() drops them when it is freed)
 * and check that the answer is the one they wait for.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "backend/types.h"
#include "backend/worker.h"
#include "config/options.h"
#include "core/core.h"
#include "core/folder.h"
#include "core/pattern.h"
#include "core/search.h"
#include "util/error.h"
#include "util/log.h"

static int
cmp_uid(gconstpointer a, gconstpointer b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Replace every SEARCH_TAGGED under node by the set of tagged UIDs. */
static void
resolve_tagged(struct search_node *node, const GArray *tagged)
{
	if (node->kind == SEARCH_TAGGED) {
		node->kind = SEARCH_UIDS;
		node->uids = g_array_sized_new(FALSE, FALSE, sizeof(uint32_t),
		    tagged->len);
		g_array_append_vals(node->uids, tagged->data, tagged->len);
		g_array_sort(node->uids, cmp_uid);
		return;
	}
	for (guint i = 0; node->children != NULL && i < node->children->len;
	     i++)
		resolve_tagged(g_ptr_array_index(node->children, i), tagged);
}

struct search_node *
folder_pattern(const struct folder *f, const char *text, GError **err)
{
	g_autofree char *expanded = pattern_expand_simple(text,
	    opt_string(f->acc->opts, "simple_search"));
	struct search_node *tree =
	    pattern_parse(expanded, (int64_t)time(NULL), err);

	if (tree != NULL && search_node_has(tree, SEARCH_TAGGED)) {
		g_autoptr(GArray) tagged = folder_tagged_uids(f);

		resolve_tagged(tree, tagged);
	}
	return tree;
}

static void
on_search(const struct reply *reply, void *data)
{
	struct folder *f = data;
	folder_search_cb *cb = f->search_cb;
	void *cb_data = f->search_data;

	if (reply->request_id != f->search_id)
		return; /* replaced by a newer search */
	if (reply->kind == REPLY_UIDS) {
		f->search_id = 0;
		cb(f, reply->uids, NULL, cb_data);
		return;
	}
	if (!reply_is_terminal(reply))
		return;
	f->search_id = 0;
	if (reply->kind == REPLY_ERROR) {
		cb(f, NULL, reply->error, cb_data);
	} else {
		g_autoptr(GError) error = g_error_new(SKUA_ERROR,
		    reply->kind == REPLY_CANCELLED ? SKUA_ERROR_CANCELLED
						   : SKUA_ERROR_NOT_SUPPORTED,
		    "%s",
		    reply->kind == REPLY_CANCELLED ? "search cancelled"
			: reply->kind == REPLY_DONE
			? "the search gave no answer"
			: "this folder cannot be searched");

		cb(f, NULL, error, cb_data);
	}
}

/* folder_search(), with data's free function for a cb never called. */
static bool
search_post(struct folder *f, const char *text, folder_search_cb *cb,
    void *data, void (*data_free)(void *), GError **err)
{
	struct search_node *tree;
	struct request *req;

	if (f->load != FOLDER_OPEN) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "the folder is not open yet");
		return false;
	}
	tree = folder_pattern(f, text, err);
	if (tree == NULL)
		return false;
	if (f->search_id != 0) {
		worker_cancel(f->acc->worker, f->search_id);
		if (f->search_data_free != NULL)
			f->search_data_free(f->search_data);
	}
	req = request_new(REQ_SEARCH);
	req->folder = g_strdup(f->name);
	req->search = tree;
	f->search_cb = cb;
	f->search_data = data;
	f->search_data_free = data_free;
	f->search_id = worker_post(f->acc->worker, req, on_search, f);
	return true;
}

bool
folder_search(struct folder *f, const char *text, folder_search_cb *cb,
    void *data, GError **err)
{
	return search_post(f, text, cb, data, NULL, err);
}

bool
folder_limit_is_all(const char *text)
{
	g_autofree char *t = g_strstrip(g_strdup(text != NULL ? text : ""));

	return *t == '\0' || strcmp(t, "all") == 0 || strcmp(t, ".") == 0 ||
	    strcmp(t, "~A") == 0;
}

/* A limit waiting for its answer. */
struct limit {
	char *pattern;
	void (*done)(void *data);
	void *data;
};

static void
limit_free(void *data)
{
	struct limit *l = data;

	g_free(l->pattern);
	g_free(l);
}

static void
on_limit(struct folder *f, const GArray *uids, const GError *error, void *data)
{
	struct limit *l = data;
	struct core *core = f->acc->core;

	if (error != NULL) {
		core_status(core, "limit: %s", error->message);
	} else if (uids->len == 0) {
		core_status(core, "no messages matched %s", l->pattern);
	} else {
		folder_set_limit(f, uids, l->pattern);
		core_notice(core, "%u of %u messages shown", folder_count(f),
		    f->rows->len);
	}
	core_changed(core);
	if (l->done != NULL)
		l->done(l->data);
	limit_free(l);
}

bool
folder_limit(struct folder *f, const char *text, void (*done)(void *data),
    void *data, GError **err)
{
	struct limit *l;

	if (folder_limit_is_all(text)) {
		folder_set_limit(f, NULL, NULL);
		return true;
	}
	l = g_new0(struct limit, 1);
	l->pattern = g_strdup(text);
	l->done = done;
	l->data = data;
	if (!search_post(f, text, on_limit, l, limit_free, err)) {
		limit_free(l);
		return false;
	}
	return true;
}

void
folder_search_cancel(struct folder *f)
{
	if (f->search_id != 0)
		worker_cancel(f->acc->worker, f->search_id);
}

static void
on_quota(const struct reply *reply, void *data)
{
	struct folder *f = data;

	switch (reply->kind) {
	case REPLY_QUOTA:
		f->quota_known = true;
		f->quota_used = reply->quota_used;
		f->quota_limit = reply->quota_limit;
		core_changed(f->acc->core);
		break;
	case REPLY_ERROR:
		log_debug("%s: no quota: %s", f->acc->name,
		    reply->error->message);
		break;
	default:
		break;
	}
}

void
folder_quota_refresh(struct folder *f)
{
	struct request *req;

	if (f->acc->worker == NULL)
		return;
	req = request_new(REQ_QUOTA);
	req->folder = g_strdup(f->name);
	worker_post(f->acc->worker, req, on_quota, f);
}
