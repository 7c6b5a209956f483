/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for several accounts at once: every account connects and
 * lists in the background at start (the opened one after its first
 * screen), a failing account is reported by name and leaves the others
 * alone, `c` resolves "NAME/Folder", the browser's lines group folders
 * under their accounts and the accounts' unread counts add up. The driver
 * is a fake registered as "imaps".
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/types.h"
#include "backend/worker.h"
#include "config/config.h"
#include "core/core.h"
#include "core/folder.h"
#include "util/error.h"

/* The driver's copy of what it needs from its parameters. */
struct fake {
	char *host;
	char *user;
	bool has_password;
};

/* Connections and listings per user (main thread reads after settle). */
static GMutex counts_lock;
static GHashTable *connects, *listings;

static void
count(GHashTable *t, const char *user)
{
	g_mutex_lock(&counts_lock);
	g_hash_table_insert(t, g_strdup(user),
	    GUINT_TO_POINTER(
		GPOINTER_TO_UINT(g_hash_table_lookup(t, user)) + 1));
	g_mutex_unlock(&counts_lock);
}

static unsigned
counted(GHashTable *t, const char *user)
{
	unsigned n;

	g_mutex_lock(&counts_lock);
	n = GPOINTER_TO_UINT(g_hash_table_lookup(t, user));
	g_mutex_unlock(&counts_lock);
	return n;
}

static bool
fake_login(struct fake *d, GError **err)
{
	if (strcmp(d->host, "down.example") == 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_NETWORK,
		    "cannot connect to '%s:993': connection refused", d->host);
		return false;
	}
	if (!d->has_password) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_AUTH, "no password");
		return false;
	}
	return true;
}

static bool
fake_connect(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct fake *d = be->data;

	count(connects, d->user);
	return fake_login(d, err);
}

static struct folder_info *
info(const char *name, unsigned flags, int64_t unseen, int64_t total)
{
	struct folder_info *fi = g_new0(struct folder_info, 1);

	fi->name = g_strdup(name);
	fi->server_name = g_strdup(name);
	fi->delim = '.';
	fi->flags = flags;
	fi->unseen = unseen;
	fi->total = total;
	return fi;
}

/* Every user has INBOX (2 of 5 unread), Sent (3), a parent and a child
 * whose counts are unknown. */
static bool
fake_list(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct fake *d = be->data;
	GPtrArray *folders;

	count(listings, d->user);
	if (!fake_login(d, err))
		return false;
	folders =
	    g_ptr_array_new_with_free_func((GDestroyNotify)folder_info_free);
	g_ptr_array_add(folders, info("Sent", 0, 0, 3));
	g_ptr_array_add(folders, info("INBOX", FOLDER_INBOX, 2, 5));
	g_ptr_array_add(folders,
	    info("Lists", FOLDER_NOSELECT | FOLDER_HAS_CHILDREN, -1, -1));
	g_ptr_array_add(folders, info("Lists.dev", 0, -1, -1));
	sink_folders(sink, folders);
	return true;
}

static bool
fake_open(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct fake *d = be->data;
	struct folder_state *fs;

	if (!fake_login(d, err))
		return false;
	fs = g_new0(struct folder_state, 1);
	fs->name = g_strdup(req->folder);
	fs->uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	sink_folder(sink, fs);
	return true;
}

static void
fake_free(struct backend *be)
{
	struct fake *d = be->data;

	g_free(d->host);
	g_free(d->user);
	g_free(d);
	g_free(be);
}

static const struct backend_ops fake_ops = {
	.size = sizeof(struct backend_ops),
	.name = "fake",
	.caps = BACKEND_CAP_FOLDERS | BACKEND_CAP_REMOTE,
	.connect = fake_connect,
	.list_folders = fake_list,
	.open_folder = fake_open,
	.free = fake_free,
};

static struct backend *
fake_new(const struct backend_params *p)
{
	struct backend *be = g_new0(struct backend, 1);
	struct fake *d = g_new0(struct fake, 1);

	d->host = g_strdup(p->host);
	d->user = g_strdup(p->user);
	d->has_password = p->password != NULL;
	be->ops = &fake_ops;
	be->data = d;
	return be;
}

/* Who the hooks were asked about. */
struct asked {
	unsigned passwords;
	struct account *acc;
};

static void
ask_password(struct core *core, struct account *acc, const char *why,
    void *data)
{
	struct asked *a = data;

	a->passwords++;
	a->acc = acc;
}

struct fixture {
	struct core *core;
	struct asked asked;
};

static const char *const rc[] = {
	"set header_fill = no",
	"account alice",
	"set folder = imaps://alice@mail.example/",
	"set password = a",
	"end",
	"account bob",
	"set folder = imaps://bob@mail.example/Work",
	"set password = b",
	"end",
	"account dead",
	"set folder = imaps://carol@down.example/",
	"set password = c",
	"end",
	"account carol",
	"set folder = imaps://carol@mail.example/",
	"end",
	"account local",
	"set folder = /nonexistent/Maildir",
	"end",
};

static void
setup(struct fixture *fx)
{
	struct config *cfg = config_new();
	g_autoptr(GError) error = NULL;

	memset(fx, 0, sizeof(*fx));
	for (size_t i = 0; i < G_N_ELEMENTS(rc); i++)
		g_assert_true(config_exec(cfg, rc[i], "test", NULL, &error));
	g_assert_cmpuint(cfg->errors->len, ==, 0);
	fx->core = core_new(cfg);
	g_assert_true(core_add_accounts(fx->core, NULL, &error));
	g_assert_cmpuint(fx->core->accounts->len, ==, 5);
	fx->core->ask_password = ask_password;
	fx->core->ask_data = &fx->asked;
	g_hash_table_remove_all(connects);
	g_hash_table_remove_all(listings);
}

static struct account *
acc_at(struct fixture *fx, unsigned i)
{
	return fx->core->accounts->pdata[i];
}

/* Dispatch replies until none is unanswered (bounded: 10 s). */
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

static void
test_connect_all(void)
{
	struct fixture fx;
	struct account *alice, *bob, *dead, *carol, *local;
	int64_t unseen, total;

	setup(&fx);
	alice = acc_at(&fx, 0);
	bob = acc_at(&fx, 1);
	dead = acc_at(&fx, 2);
	carol = acc_at(&fx, 3);
	local = acc_at(&fx, 4);
	core_connect_all(fx.core);
	g_assert_nonnull(alice->worker);
	g_assert_null(local->worker);
	settle(&fx);

	/* One connect each, then the listing for those that logged in. */
	g_assert_cmpuint(counted(connects, "alice"), ==, 1);
	g_assert_cmpuint(counted(connects, "bob"), ==, 1);
	g_assert_cmpuint(counted(listings, "alice"), ==, 1);
	g_assert_cmpuint(counted(listings, "bob"), ==, 1);
	g_assert_cmpint(alice->state, ==, ACCOUNT_CONNECTED);
	g_assert_cmpint(bob->state, ==, ACCOUNT_CONNECTED);
	g_assert_nonnull(bob->folders);
	/* INBOX first. */
	g_assert_cmpstr(((struct folder_info *)bob->folders->pdata[0])->name,
	    ==, "INBOX");
	g_assert_true(account_counts(bob, &unseen, &total));
	g_assert_cmpint(unseen, ==, 2);
	g_assert_cmpint(total, ==, 8);

	/* The dead one: failed, by name, and not listed. */
	g_assert_cmpint(dead->state, ==, ACCOUNT_FAILED);
	g_assert_cmpstr(dead->error, ==,
	    "cannot connect to 'down.example:993': connection refused");
	g_assert_null(dead->folders);
	g_assert_false(account_counts(dead, &unseen, &total));
	g_assert_nonnull(fx.core->status);
	g_assert_true(
	    g_str_has_prefix(fx.core->status, "dead: cannot connect"));

	/* carol has no password: the question names carol. */
	g_assert_cmpuint(fx.asked.passwords, ==, 1);
	g_assert_true(fx.asked.acc == carol);
	g_assert_true(carol->asking);
	g_assert_cmpint(local->state, ==, ACCOUNT_IDLE);

	/* Started accounts are not started twice. */
	core_connect_all(fx.core);
	settle(&fx);
	g_assert_cmpuint(counted(connects, "alice"), ==, 1);
	core_free(fx.core);
}

static void
test_opened_account_lists_after_first_screen(void)
{
	struct fixture fx;
	struct account *alice, *bob;
	g_autoptr(GError) error = NULL;

	setup(&fx);
	alice = acc_at(&fx, 0);
	bob = acc_at(&fx, 1);
	g_assert_true(core_account_open(fx.core, alice, &error));
	core_connect_all(fx.core);
	settle(&fx);
	g_assert_cmpint(fx.core->folder->load, ==, FOLDER_OPEN);
	/* Its folder opened without a connect or a listing before it. */
	g_assert_cmpuint(counted(connects, "alice"), ==, 0);
	g_assert_cmpuint(counted(listings, "alice"), ==, 0);
	g_assert_true(alice->list_wanted);
	g_assert_nonnull(bob->folders);

	core_screen_ready(fx.core);
	settle(&fx);
	g_assert_cmpuint(counted(listings, "alice"), ==, 1);
	g_assert_false(alice->list_wanted);
	g_assert_nonnull(alice->folders);
	core_screen_ready(fx.core);
	settle(&fx);
	g_assert_cmpuint(counted(listings, "alice"), ==, 1);

	/* Opening bob's folder closes alice's; her worker stays. */
	core_open_folder(fx.core, bob, "Work");
	settle(&fx);
	g_assert_true(fx.core->folder->acc == bob);
	g_assert_nonnull(alice->worker);
	g_assert_true(core_current_account(fx.core) == bob);
	core_free(fx.core);
}

/* A login cancelled is not asked again when the first screen is done. */
static void
test_cancelled_not_asked_again(void)
{
	struct fixture fx;
	struct account *carol;
	g_autoptr(GError) error = NULL;

	setup(&fx);
	carol = acc_at(&fx, 3);
	g_assert_true(core_account_open(fx.core, carol, &error));
	core_connect_all(fx.core);
	settle(&fx);
	g_assert_cmpuint(fx.asked.passwords, ==, 1);
	g_assert_true(fx.asked.acc == carol);
	core_answer_password(fx.core, carol, NULL);
	g_assert_cmpint(carol->state, ==, ACCOUNT_FAILED);
	g_assert_cmpstr(carol->error, ==, "login cancelled");
	g_assert_cmpint(fx.core->folder->load, ==, FOLDER_FAILED);
	core_screen_ready(fx.core);
	settle(&fx);
	g_assert_cmpuint(counted(listings, "carol"), ==, 0);
	g_assert_cmpuint(fx.asked.passwords, ==, 1);
	g_assert_false(carol->list_wanted);
	core_free(fx.core);
}

static void
test_resolve_folder(void)
{
	struct fixture fx;
	struct account *acc = NULL;
	const char *name = NULL;

	setup(&fx);
	/* No folder open: the current account is the first. */
	g_assert_true(core_resolve_folder(fx.core, "Sent", &acc, &name));
	g_assert_true(acc == acc_at(&fx, 0));
	g_assert_cmpstr(name, ==, "Sent");

	g_assert_true(core_resolve_folder(fx.core, "bob/INBOX", &acc, &name));
	g_assert_true(acc == acc_at(&fx, 1));
	g_assert_cmpstr(name, ==, "INBOX");

	/* "NAME/" alone: the account's first folder (its URL's path). */
	g_assert_true(core_resolve_folder(fx.core, "bob/", &acc, &name));
	g_assert_true(acc == acc_at(&fx, 1));
	g_assert_cmpstr(name, ==, "Work");
	g_assert_true(core_resolve_folder(fx.core, "dead/", &acc, &name));
	g_assert_cmpstr(name, ==, "INBOX");

	/* The rest may hold slashes of the folder's own hierarchy. */
	g_assert_true(core_resolve_folder(fx.core, "carol/a/b", &acc, &name));
	g_assert_true(acc == acc_at(&fx, 3));
	g_assert_cmpstr(name, ==, "a/b");

	/* Not an account's name: the whole text, current account. */
	g_assert_true(core_resolve_folder(fx.core, "Lists/dev", &acc, &name));
	g_assert_true(acc == acc_at(&fx, 0));
	g_assert_cmpstr(name, ==, "Lists/dev");
	/* A local account is named like the others. */
	g_assert_true(core_resolve_folder(fx.core, "local/INBOX", &acc, &name));
	g_assert_true(acc == acc_at(&fx, 4));
	g_assert_cmpstr(name, ==, "INBOX");
	/* A prefix of a name is not the name. */
	g_assert_true(core_resolve_folder(fx.core, "bo/INBOX", &acc, &name));
	g_assert_true(acc == acc_at(&fx, 0));
	g_assert_true(core_resolve_folder(fx.core, "bobby/X", &acc, &name));
	g_assert_true(acc == acc_at(&fx, 0));
	core_free(fx.core);
}

static void
test_browser_lines(void)
{
	struct fixture fx;
	struct account *acc;
	const struct folder_info *fi;

	setup(&fx);
	/* Before any listing: one heading per account, local ones too. */
	g_assert_cmpuint(core_browser_count(fx.core), ==, 5);
	g_assert_true(core_browser_line(fx.core, 2, &acc, &fi));
	g_assert_true(acc == acc_at(&fx, 2));
	g_assert_null(fi);
	g_assert_true(core_browser_line(fx.core, 4, &acc, &fi));
	g_assert_true(acc == acc_at(&fx, 4));
	g_assert_false(core_browser_line(fx.core, 5, &acc, &fi));

	core_connect_all(fx.core);
	settle(&fx);
	/* alice: heading + 4, bob: heading + 4, dead: heading, carol
	 * (asking): heading, local (no maildir driver here): heading. */
	g_assert_cmpuint(core_browser_count(fx.core), ==, 13);
	g_assert_true(core_browser_line(fx.core, 0, &acc, &fi));
	g_assert_true(acc == acc_at(&fx, 0));
	g_assert_null(fi);
	g_assert_true(core_browser_line(fx.core, 1, &acc, &fi));
	g_assert_cmpstr(fi->name, ==, "INBOX");
	g_assert_true(core_browser_line(fx.core, 4, &acc, &fi));
	g_assert_true(acc == acc_at(&fx, 0));
	g_assert_cmpstr(fi->name, ==, "Sent");
	g_assert_true(core_browser_line(fx.core, 5, &acc, &fi));
	g_assert_true(acc == acc_at(&fx, 1));
	g_assert_null(fi);
	g_assert_true(core_browser_line(fx.core, 6, &acc, &fi));
	g_assert_true(acc == acc_at(&fx, 1));
	g_assert_cmpstr(fi->name, ==, "INBOX");
	g_assert_true(core_browser_line(fx.core, 10, &acc, &fi));
	g_assert_true(acc == acc_at(&fx, 2));
	g_assert_null(fi);
	g_assert_true(core_browser_line(fx.core, 11, &acc, &fi));
	g_assert_true(acc == acc_at(&fx, 3));
	g_assert_null(fi);
	g_assert_true(core_browser_line(fx.core, 12, &acc, &fi));
	g_assert_true(acc == acc_at(&fx, 4));
	g_assert_false(core_browser_line(fx.core, 13, &acc, &fi));
	core_free(fx.core);
}

static void
test_counts_skip_unknown(void)
{
	struct account acc = { 0 };
	int64_t unseen = -5, total = -5;

	g_assert_false(account_counts(&acc, &unseen, &total));
	g_assert_cmpint(unseen, ==, 0);
	g_assert_cmpint(total, ==, 0);
	acc.folders =
	    g_ptr_array_new_with_free_func((GDestroyNotify)folder_info_free);
	g_ptr_array_add(acc.folders, info("INBOX", FOLDER_INBOX, 7, 10));
	g_ptr_array_add(acc.folders, info("Unknown", 0, -1, -1));
	g_ptr_array_add(acc.folders, info("Half", 0, -1, 4));
	/* A name in the hierarchy only never counts, whatever it says. */
	g_ptr_array_add(acc.folders, info("Parent", FOLDER_NOSELECT, 9, 9));
	g_assert_true(account_counts(&acc, &unseen, &total));
	g_assert_cmpint(unseen, ==, 7);
	g_assert_cmpint(total, ==, 14);
	g_ptr_array_unref(acc.folders);
}

int
main(int argc, char **argv)
{
	int status;

	g_test_init(&argc, &argv, NULL);
	connects = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	listings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	backend_register("imaps", fake_new);
	g_test_add_func("/core-accounts/connect-all", test_connect_all);
	g_test_add_func("/core-accounts/opened-lists-after-first-screen",
	    test_opened_account_lists_after_first_screen);
	g_test_add_func("/core-accounts/cancelled-not-asked-again",
	    test_cancelled_not_asked_again);
	g_test_add_func("/core-accounts/resolve-folder", test_resolve_folder);
	g_test_add_func("/core-accounts/browser-lines", test_browser_lines);
	g_test_add_func("/core-accounts/counts", test_counts_skip_unknown);
	status = g_test_run();
	g_hash_table_destroy(connects);
	g_hash_table_destroy(listings);
	return status;
}
