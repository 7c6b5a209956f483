/* SPDX-License-Identifier: ISC */
/* The in-memory test driver. */
#include "config.h"

#include <glib.h>

#include "backend/backend.h"
#include "backend/search-tree.h"
#include "backend/types.h"
#include "fake/fake-backend.h"
#include "util/error.h"

struct fake {
	unsigned n;
	GMutex lock;
	struct fake_stats stats;
	unsigned fail_fetches;
	unsigned fail_flags;
	GHashTable *deleted; /* uids marked \Deleted */
	GHashTable *gone;    /* uids expunged or moved away */
	bool no_uidplus, no_move;
};

static struct fake *
fake_of(struct backend *be)
{
	return be->data;
}

static bool
fake_connect(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	return true;
}

static bool
fake_open(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct fake *fk = fake_of(be);
	struct folder_state *fs;

	if (g_strcmp0(req->folder, "INBOX") != 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
		    "no folder '%s'", req->folder);
		return false;
	}
	fs = g_new0(struct folder_state, 1);
	fs->name = g_strdup(req->folder);
	fs->uidvalidity = 42;
	fs->exists = fk->n;
	fs->sort = req->sort;
	fs->reverse = req->reverse;
	fs->uids = g_array_sized_new(FALSE, FALSE, sizeof(uint32_t), fk->n);
	for (unsigned i = 0; i < fk->n; i++) {
		uint32_t uid = req->reverse ? fk->n - i : i + 1;

		g_mutex_lock(&fk->lock);
		if (!g_hash_table_contains(fk->gone, GUINT_TO_POINTER(uid)))
			g_array_append_val(fs->uids, uid);
		g_mutex_unlock(&fk->lock);
	}
	g_mutex_lock(&fk->lock);
	fk->stats.opens++;
	g_mutex_unlock(&fk->lock);
	sink_folder(sink, fs);
	return true;
}

static const char *const senders[] = { "Tester", "bob", "Alice", "dan",
	"Carl" };

static bool
fake_fetch(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct fake *fk = fake_of(be);
	GPtrArray *envs = g_ptr_array_new_with_free_func(g_free);
	bool fail;

	g_mutex_lock(&fk->lock);
	fail = fk->fail_fetches > 0;
	if (fail)
		fk->fail_fetches--;
	fk->stats.fetches++;
	if (!fail)
		fk->stats.uids_fetched += req->uids->len;
	fk->stats.max_batch = MAX(fk->stats.max_batch, req->uids->len);
	g_mutex_unlock(&fk->lock);
	if (fail) {
		g_ptr_array_unref(envs);
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
		    "connection reset by peer");
		return false;
	}
	for (guint i = 0; i < req->uids->len; i++) {
		uint32_t uid = g_array_index(req->uids, uint32_t, i);
		g_autofree char *subject = g_strdup_printf("message %u", uid);
		g_autofree char *id = g_strdup_printf("<%u@fake>", uid);
		/* Threads of four: each message replies to the one before. */
		g_autofree char *parent =
		    uid % 4 != 1 ? g_strdup_printf("<%u@fake>", uid - 1) : NULL;
		struct envelope_fields f = {
			.uid = uid,
			.flags = uid % 3 == 0 ? 0 : MSG_SEEN,
			.size = 1000 + uid,
			.date = 1700000000 + (int64_t)uid * 60,
			.from = senders[uid % G_N_ELEMENTS(senders)],
			.from_addr = "tester@example.com",
			.subject = subject,
			.message_id = id,
			.in_reply_to = parent,
			.references = parent,
		};

		if (uid > fk->n)
			continue;
		g_mutex_lock(&fk->lock);
		if (g_hash_table_contains(fk->deleted, GUINT_TO_POINTER(uid)))
			f.flags |= MSG_DELETED;
		if (g_hash_table_contains(fk->gone, GUINT_TO_POINTER(uid))) {
			g_mutex_unlock(&fk->lock);
			continue;
		}
		g_mutex_unlock(&fk->lock);
		g_ptr_array_add(envs, envelope_new(&f));
	}
	sink_envelopes(sink, envs);
	return true;
}

static bool
fake_set_flags(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct fake *fk = fake_of(be);
	bool fail;

	g_mutex_lock(&fk->lock);
	fk->stats.flag_changes++;
	fk->stats.last_uid = req->uid;
	fk->stats.last_add = req->flags_add;
	fk->stats.last_remove = req->flags_remove;
	fk->stats.last_count = req->uids != NULL ? req->uids->len : 1;
	fail = fk->fail_flags > 0;
	if (fail)
		fk->fail_flags--;
	for (guint i = 0; !fail && i < fk->stats.last_count; i++) {
		gpointer uid = GUINT_TO_POINTER(req->uids != NULL
			? g_array_index(req->uids, uint32_t, i)
			: req->uid);

		if (req->flags_add & MSG_DELETED)
			g_hash_table_add(fk->deleted, uid);
		if (req->flags_remove & MSG_DELETED)
			g_hash_table_remove(fk->deleted, uid);
	}
	g_mutex_unlock(&fk->lock);
	if (fail) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
		    "UID STORE failed: injected");
		return false;
	}
	return true;
}

/* UID EXPUNGE: only those of uids marked deleted go. */
static bool
fake_expunge(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct fake *fk = fake_of(be);
	bool ok = true;

	g_mutex_lock(&fk->lock);
	fk->stats.expunges++;
	if (fk->no_uidplus && !req->plain_expunge) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
		    "no UIDPLUS");
		ok = false;
	} else if (fk->no_uidplus) {
		GHashTableIter it;
		gpointer uid;

		fk->stats.plain_expunges++;
		g_hash_table_iter_init(&it, fk->deleted);
		while (g_hash_table_iter_next(&it, &uid, NULL))
			g_hash_table_add(fk->gone, uid);
		g_hash_table_remove_all(fk->deleted);
	} else {
		for (guint i = 0; i < req->uids->len; i++) {
			gpointer uid = GUINT_TO_POINTER(
			    g_array_index(req->uids, uint32_t, i));

			if (g_hash_table_remove(fk->deleted, uid))
				g_hash_table_add(fk->gone, uid);
		}
	}
	g_mutex_unlock(&fk->lock);
	return ok;
}

static void
note_transfer(struct fake *fk, const struct request *req)
{
	g_free(fk->stats.last_target);
	fk->stats.last_target = g_strdup(req->target);
	fk->stats.last_count = req->uids->len;
}

static bool
fake_copy(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct fake *fk = fake_of(be);

	g_mutex_lock(&fk->lock);
	fk->stats.copies++;
	note_transfer(fk, req);
	g_mutex_unlock(&fk->lock);
	return true;
}

static bool
fake_move(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct fake *fk = fake_of(be);
	bool ok = true;

	g_mutex_lock(&fk->lock);
	fk->stats.moves++;
	if (fk->no_move && fk->no_uidplus) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
		    "no MOVE, no UIDPLUS");
		ok = false;
	} else {
		note_transfer(fk, req);
		fk->stats.last_undelete = req->undelete;
		for (guint i = 0; i < req->uids->len; i++) {
			gpointer uid = GUINT_TO_POINTER(
			    g_array_index(req->uids, uint32_t, i));

			g_hash_table_remove(fk->deleted, uid);
			g_hash_table_add(fk->gone, uid);
		}
	}
	g_mutex_unlock(&fk->lock);
	return ok;
}

/* A fake message's fields for search_eval(). */
struct fake_msg {
	const char *from;
	char *subject;
};

static const char *
fake_text(void *data, enum search_kind kind, const char *name)
{
	struct fake_msg *m = data;

	(void)name;
	if (kind == SEARCH_FROM)
		return m->from;
	if (kind == SEARCH_SUBJECT || kind == SEARCH_TEXT)
		return m->subject;
	return kind == SEARCH_BODY ? "" : NULL;
}

/* The messages as fake_fetch() describes them, matched by search_eval(). */
static bool
fake_search(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct fake *fk = fake_of(be);
	GArray *uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	(void)err;
	g_mutex_lock(&fk->lock);
	fk->stats.searches++;
	for (uint32_t uid = 1; uid <= fk->n; uid++) {
		struct fake_msg fm = { senders[uid % G_N_ELEMENTS(senders)],
			g_strdup_printf("message %u", uid) };
		struct search_msg m = { uid, uid % 3 == 0 ? 0 : MSG_SEEN,
			1000 + uid, 1700000000 + (int64_t)uid * 60,
			1700000000 + (int64_t)uid * 60, fake_text, &fm };

		if (g_hash_table_contains(fk->deleted, GUINT_TO_POINTER(uid)))
			m.flags |= MSG_DELETED;
		if (!g_hash_table_contains(fk->gone, GUINT_TO_POINTER(uid)) &&
		    search_eval(req->search, &m))
			g_array_append_val(uids, uid);
		g_free(fm.subject);
	}
	g_mutex_unlock(&fk->lock);
	sink_uids(sink, uids);
	return true;
}

static void
fake_free(struct backend *be)
{
	struct fake *fk = fake_of(be);

	g_hash_table_destroy(fk->deleted);
	g_hash_table_destroy(fk->gone);
	g_free(fk->stats.last_target);
	g_mutex_clear(&fk->lock);
	g_free(fk);
	g_free(be);
}

static const struct backend_ops fake_ops = {
	.size = sizeof(struct backend_ops),
	.name = "fake",
	.caps = BACKEND_CAP_FOLDERS,
	.connect = fake_connect,
	.open_folder = fake_open,
	.fetch_envelopes = fake_fetch,
	.free = fake_free,
	.set_flags = fake_set_flags,
	.expunge = fake_expunge,
	.copy = fake_copy,
	.move = fake_move,
	.search = fake_search,
};

struct backend *
fake_backend_new(unsigned n)
{
	struct backend *be = g_new0(struct backend, 1);
	struct fake *fk = g_new0(struct fake, 1);

	fk->n = n;
	fk->deleted = g_hash_table_new(g_direct_hash, g_direct_equal);
	fk->gone = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_mutex_init(&fk->lock);
	be->ops = &fake_ops;
	be->data = fk;
	return be;
}

void
fake_backend_fail_fetches(struct backend *be, unsigned k)
{
	struct fake *fk = fake_of(be);

	g_mutex_lock(&fk->lock);
	fk->fail_fetches = k;
	g_mutex_unlock(&fk->lock);
}

void
fake_backend_fail_flags(struct backend *be, unsigned k)
{
	struct fake *fk = fake_of(be);

	g_mutex_lock(&fk->lock);
	fk->fail_flags = k;
	g_mutex_unlock(&fk->lock);
}

void
fake_backend_stats(struct backend *be, struct fake_stats *out)
{
	struct fake *fk = fake_of(be);

	g_mutex_lock(&fk->lock);
	*out = fk->stats;
	/* The copy's string is the caller's. */
	out->last_target = g_strdup(fk->stats.last_target);
	g_mutex_unlock(&fk->lock);
}

void
fake_backend_limit(struct backend *be, bool no_uidplus, bool no_move)
{
	struct fake *fk = fake_of(be);

	g_mutex_lock(&fk->lock);
	fk->no_uidplus = no_uidplus;
	fk->no_move = no_move;
	g_mutex_unlock(&fk->lock);
}

void
fake_backend_mark_deleted(struct backend *be, uint32_t uid)
{
	struct fake *fk = fake_of(be);

	g_mutex_lock(&fk->lock);
	g_hash_table_add(fk->deleted, GUINT_TO_POINTER(uid));
	g_mutex_unlock(&fk->lock);
}

bool
fake_backend_has(struct backend *be, uint32_t uid)
{
	struct fake *fk = fake_of(be);
	bool has;

	g_mutex_lock(&fk->lock);
	has = uid >= 1 && uid <= fk->n &&
	    !g_hash_table_contains(fk->gone, GUINT_TO_POINTER(uid));
	g_mutex_unlock(&fk->lock);
	return has;
}
