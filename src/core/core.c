/* SPDX-License-Identifier: ISC */
/* The model: accounts made from the configuration and from -f. */
#include "config.h"

#include <string.h>

#include "backend/backend.h"
#include "backend/types.h"
#include "backend/worker.h"
#include "config/config.h"
#include "config/options.h"
#include "core/core.h"
#include "core/folder.h"
#include "core/live.h"
#include "util/error.h"
#include "util/log.h"
#include "util/path.h"
#include "util/pins.h"
#include "util/url.h"

/* Wipe and free a string that held a password. */
static void
free_secret(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	g_free(s);
}

static void
account_free(struct account *acc)
{
	for (unsigned k = 0; k < CORE_FILL_CONNECTIONS; k++)
		worker_free(acc->fill_workers[k]);
	worker_free(acc->worker);
	worker_free(acc->pop_worker);
	worker_free(acc->send_worker);
	g_free(acc->send_key);
	worker_free(acc->copy_worker);
	if (acc->folders != NULL)
		g_ptr_array_unref(acc->folders);
	g_free(acc->name);
	url_free(acc->url);
	g_free(acc->path);
	g_free(acc->initial_folder);
	free_secret(acc->password);
	g_free(acc->accepted_fingerprint);
	g_free(acc->asked_fingerprint);
	g_free(acc->error);
	g_free(acc);
}

struct core *
core_new(struct config *cfg)
{
	struct core *core = g_new0(struct core, 1);

	core->cfg = cfg;
	core->accounts =
	    g_ptr_array_new_with_free_func((GDestroyNotify)account_free);
	core->rq = reply_queue_new();
	core_live_init(core);
	return core;
}

void
core_free(struct core *core)
{
	if (core == NULL)
		return;
	folder_free(core->folder);
	/* Workers stop here; their late replies die with the queue. */
	g_ptr_array_free(core->accounts, TRUE);
	reply_queue_free(core->rq);
	g_free(core->status);
	g_free(core->notice);
	config_free(core->cfg);
	g_free(core);
}

/* An account for location (a URL or a path); NULL with err if invalid. */
static struct account *
account_new(const char *name, const struct optset *opts, const char *location,
    GError **err)
{
	struct account *acc = g_new0(struct account, 1);

	acc->name = g_strdup(name);
	acc->opts = opts;
	if (url_is_url(location)) {
		acc->url = url_parse(location, err);
		if (acc->url == NULL)
			goto fail;
		switch (acc->url->scheme) {
		case URL_IMAP:
		case URL_IMAPS:
			acc->kind = ACCOUNT_IMAP;
			break;
		case URL_POP:
		case URL_POPS:
			acc->kind = ACCOUNT_POP;
			break;
		case URL_SMTP:
		case URL_SMTPS:
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
			    "'%s://' is for sending, not a folder",
			    url_scheme_name(acc->url->scheme));
			goto fail;
		}
		if (acc->url->path != NULL)
			acc->initial_folder = g_strdup(acc->url->path);
	} else {
		acc->kind = ACCOUNT_LOCAL;
		acc->path = path_expand(location, NULL);
	}
	return acc;
fail:
	account_free(acc);
	return NULL;
}

void
core_account_start(struct core *core, struct account *acc, struct backend *be)
{
	g_assert(acc->worker == NULL);
	acc->core = core;
	acc->worker = worker_new(acc->name, be, core->rq);
	acc->state = ACCOUNT_CONNECTING;
}

/* A string option, NULL when unset or empty. */
static const char *
opt_nonempty(const struct account *acc, const char *name)
{
	const char *v = opt_string(acc->opts, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static unsigned
account_port(const struct account *acc)
{
	return acc->url->port != 0 ? acc->url->port
				   : url_default_port(acc->url->scheme);
}

char *
account_host_port(const struct account *acc)
{
	/* As net/ names the peer: IPv6 literals in brackets. */
	if (strchr(acc->url->host, ':') != NULL)
		return g_strdup_printf("[%s]:%u", acc->url->host,
		    account_port(acc));
	return g_strdup_printf("%s:%u", acc->url->host, account_port(acc));
}

/*
 * A file name from an account name: the name itself when it is made of
 * letters, digits, '.', '_', '-' and does not start with a dot, else a hash
 * of it (account names come from the rc file or a server's host name).
 */
static char *
account_file_name(const char *name)
{
	bool plain = *name != '\0' && *name != '.' && strlen(name) <= 64;

	for (const char *p = name; plain && *p != '\0'; p++)
		plain =
		    g_ascii_isalnum(*p) || *p == '.' || *p == '_' || *p == '-';
	if (plain)
		return g_strdup(name);
	{
		g_autofree char *sum =
		    g_compute_checksum_for_string(G_CHECKSUM_SHA256, name, -1);

		return g_strdup_printf("account-%.16s", sum);
	}
}

/*
 * The driver instance for a server account, from its URL and options,
 * the password typed at the prompt and the certificate accepted once: the
 * one place that makes struct backend_params for an account, so every
 * connection of an account logs in and trusts alike.
 */
static struct backend *
driver_for(const struct account *acc)
{
	const struct optset *o = acc->opts;
	g_autofree char *ca = NULL;
	g_autofree char *pins = pins_default_path();
	struct backend_params p = { 0 };
	const char *ca_opt = opt_string(o, "tls_ca_file");
	g_autofree char *store = NULL;
	g_autofree char *state = NULL;

	if (ca_opt != NULL && *ca_opt != '\0')
		ca = path_expand(ca_opt, NULL);
	p.account = acc->name;
	p.host = acc->url->host;
	p.port = account_port(acc);
	if (url_implicit_tls(acc->url->scheme))
		p.tls = TLS_IMPLICIT;
	else
		p.tls = opt_bool(o, "starttls") ? TLS_STARTTLS : TLS_NONE;
	p.user = acc->url->user;
	p.password = acc->url->password;
	if (p.password == NULL)
		p.password = opt_nonempty(acc, "password");
	p.password_command = opt_nonempty(acc, "password_command");
	if (p.password == NULL && p.password_command == NULL)
		p.password = acc->password;
	p.ca_file = ca;
	p.fingerprint = opt_nonempty(acc, "tls_fingerprint");
	p.accepted = acc->accepted_fingerprint;
	p.pin_file = pins;
	p.verify = opt_bool(o, "tls_verify");
	p.timeout = (int)opt_number(o, "connect_timeout");
	p.mailcap_path = opt_string(o, "mailcap_path");
	p.alternative_order = opt_string(o, "alternative_order");
	if (acc->kind == ACCOUNT_POP) {
		g_autofree char *data = path_data_dir();
		g_autofree char *safe = account_file_name(acc->name);

		/* The same store the maildir driver serves. */
		store = account_store_path(acc);
		state = g_strconcat(data, "/pop/", safe, ".sqlite", NULL);
		p.local_store = store;
		p.pop_state = state;
		/* ask: kept, and the interface asks after the fetch. */
		p.pop_delete =
		    g_strcmp0(opt_string(o, "pop_delete"), "yes") == 0;
		p.pop_delete_ask =
		    g_strcmp0(opt_string(o, "pop_delete"), "ask") == 0;
		p.pop_keep_days = opt_number(o, "pop_keep_days");
		p.pop_max_size = opt_number(o, "pop_max_size");
		p.pop_no_uidl = opt_bool(o, "pop_no_uidl");
	}
	/* The driver copies what it keeps. */
	return backend_new_for(url_scheme_name(acc->url->scheme), &p);
}

char *
account_store_path(const struct account *acc)
{
	const char *opt;
	g_autofree char *data = NULL;

	if (acc->kind == ACCOUNT_LOCAL)
		return g_strdup(acc->path);
	if (acc->kind != ACCOUNT_POP)
		return NULL;
	opt = opt_nonempty(acc, "local_store");
	if (opt != NULL)
		return path_expand(opt, NULL);
	data = path_data_dir();
	/* The account's name is the user's, but keep it one component. */
	{
		g_autofree char *safe = path_safe_name(acc->name, "pop");

		return g_build_filename(data, "mail", safe, NULL);
	}
}

/*
 * The driver that serves the folders of a local account (its Maildir) or
 * of a POP3 account (its local_store): the maildir driver.
 */
static struct backend *
store_driver_for(const struct account *acc)
{
	g_autofree char *path = account_store_path(acc);
	struct backend_params p = { 0 };

	if (path == NULL)
		return NULL;
	p.account = acc->name;
	p.path = path;
	p.create_store = acc->kind == ACCOUNT_POP;
	p.mailcap_path = opt_string(acc->opts, "mailcap_path");
	p.alternative_order = opt_string(acc->opts, "alternative_order");
	return backend_new_for("maildir", &p);
}

/* The driver of acc's folders, whatever its kind; NULL when none. */
static struct backend *
account_driver(const struct account *acc)
{
	if (acc->kind == ACCOUNT_IMAP)
		return acc->url != NULL ? driver_for(acc) : NULL;
	return store_driver_for(acc);
}

struct backend *
core_account_driver(const struct account *acc)
{
	if (acc->url == NULL)
		return NULL;
	return driver_for(acc);
}

struct worker *
core_fill_worker(struct account *acc, unsigned k)
{
	g_assert(k < CORE_FILL_CONNECTIONS);
	if (acc->fill_workers[k] == NULL && acc->worker != NULL &&
	    acc->kind == ACCOUNT_IMAP && acc->url != NULL) {
		struct backend *be = driver_for(acc);

		if (be != NULL) {
			g_autofree char *name =
			    g_strdup_printf("%s (fill %u)", acc->name, k + 1);

			acc->fill_workers[k] =
			    worker_new(name, be, acc->core->rq);
		}
	}
	return acc->fill_workers[k] != NULL ? acc->fill_workers[k]
					    : acc->worker;
}

/* Open a folder; with header_fill, load all its headers behind the screen. */
static void
open_and_fill(struct core *core, struct account *acc, const char *name)
{
	struct folder *f = folder_open(core, acc, name);

	if (opt_bool(acc->opts, "header_fill"))
		folder_start_fill(f);
}

const char *
account_first_folder(const struct account *acc)
{
	const char *name = acc->initial_folder != NULL
	    ? acc->initial_folder
	    : opt_string(acc->opts, "spoolfile");

	return name != NULL && *name != '\0' ? name : "INBOX";
}

bool
core_account_open(struct core *core, struct account *acc, GError **err)
{
	if (acc->worker == NULL) {
		struct backend *be = account_driver(acc);

		if (be == NULL) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
			    "account '%s': this version of skua cannot open "
			    "%s folders yet",
			    acc->name, account_kind_name(acc));
			return false;
		}
		core_account_start(core, acc, be);
	}
	open_and_fill(core, acc, account_first_folder(acc));
	return true;
}

/*
 * Whether a password typed by the user can help acc log in: it has a user
 * name and no password or password_command of its own (those are never
 * replaced by a prompt: a wrong one is reported, not asked again).
 */
static bool
may_ask_password(const struct account *acc)
{
	return acc->url != NULL && acc->url->user != NULL &&
	    acc->url->password == NULL &&
	    opt_nonempty(acc, "password") == NULL &&
	    opt_nonempty(acc, "password_command") == NULL;
}

bool
core_account_trouble(struct account *acc, const struct reply *reply)
{
	struct core *core = acc->core;
	const GError *e = reply->error;

	if (reply->kind != REPLY_ERROR || e == NULL || core == NULL)
		return false;
	if (g_error_matches(e, SKUA_ERROR, SKUA_ERROR_TLS_VERIFY) &&
	    reply->fingerprint != NULL && core->ask_cert != NULL) {
		if (acc->asking)
			return true;
		acc->asking = true;
		g_free(acc->asked_fingerprint);
		acc->asked_fingerprint = g_strdup(reply->fingerprint);
		core->ask_cert(core, acc, reply->fingerprint, core->ask_data);
		return true;
	}
	if (g_error_matches(e, SKUA_ERROR, SKUA_ERROR_AUTH) &&
	    core->ask_password != NULL && may_ask_password(acc)) {
		bool retry = acc->password != NULL;

		if (acc->asking)
			return true;
		acc->asking = true;
		/* The typed one failed: forget it, say why, ask again. */
		g_clear_pointer(&acc->password, free_secret);
		core->ask_password(core, acc, retry ? e->message : NULL,
		    core->ask_data);
		return true;
	}
	return false;
}

/* The account's folder still waits for an answer: it is not opening. */
static void
fail_folder(struct core *core, struct account *acc, const char *why)
{
	struct folder *f = core->folder;

	if (f != NULL && f->acc == acc && f->load == FOLDER_OPENING) {
		f->load = FOLDER_FAILED;
		g_free(f->error);
		f->error = g_strdup(why);
	}
	acc->state = ACCOUNT_FAILED;
	g_free(acc->error);
	acc->error = g_strdup(why);
	core_status(core, "%s: %s", acc->name, why);
}

/* The account cannot be used now: keep why, and say it naming it. */
static void
account_failed(struct account *acc, const struct reply *reply)
{
	acc->state = ACCOUNT_FAILED;
	g_free(acc->error);
	acc->error = g_strdup(reply->error->message);
	core_status(acc->core, "%s: %s", acc->name, reply->error->message);
}

static void
on_connected(const struct reply *reply, void *data)
{
	struct account *acc = data;

	switch (reply->kind) {
	case REPLY_DONE:
		acc->state = ACCOUNT_CONNECTED;
		g_clear_pointer(&acc->error, g_free);
		core_list_folders(acc->core, acc);
		break;
	case REPLY_ERROR:
		/* A question (password, certificate) reconnects when
		 * answered; anything else is reported. */
		if (!core_account_trouble(acc, reply))
			account_failed(acc, reply);
		break;
	case REPLY_UNSUPPORTED:
		/* No connect op: the listing connects by itself. */
		core_list_folders(acc->core, acc);
		break;
	case REPLY_CANCELLED:
		acc->state = ACCOUNT_IDLE;
		break;
	default:
		return;
	}
	core_changed(acc->core);
}

/* Connect and log in in the background, then list the folders. */
static void
post_connect(struct account *acc)
{
	acc->state = ACCOUNT_CONNECTING;
	worker_post(acc->worker, request_new(REQ_CONNECT), on_connected, acc);
}

static void fetch_account(struct core *core, struct account *acc, bool by_user);

/*
 * A POP3 account's question was answered: its download connection is
 * made again (with the typed password or the trust) and fetches; a
 * cancelled question leaves the local folders as they are.
 */
static void
pop_answered(struct core *core, struct account *acc, const char *why)
{
	if (why != NULL) {
		acc->pop_login_cancelled = true;
		acc->state = ACCOUNT_FAILED;
		g_free(acc->error);
		acc->error = g_strdup(why);
		core_status(core, "%s: %s", acc->name, why);
		return;
	}
	acc->pop_login_cancelled = false;
	g_clear_pointer(&acc->pop_worker, worker_free);
	fetch_account(core, acc, true);
}

void
core_answer_password(struct core *core, struct account *acc,
    const char *password)
{
	acc->asking = false;
	if (acc->kind == ACCOUNT_POP) {
		if (password != NULL) {
			free_secret(acc->password);
			acc->password = g_strdup(password);
		}
		pop_answered(core, acc,
		    password == NULL ? "login cancelled" : NULL);
		return;
	}
	if (password == NULL) {
		fail_folder(core, acc, "login cancelled");
		return;
	}
	free_secret(acc->password);
	acc->password = g_strdup(password);
	core_account_restart(core, acc);
}

void
core_answer_cert(struct core *core, struct account *acc, enum core_trust trust)
{
	g_autofree char *fp = g_steal_pointer(&acc->asked_fingerprint);

	acc->asking = false;
	if (acc->kind == ACCOUNT_POP &&
	    (trust == CORE_TRUST_REJECT || fp == NULL)) {
		pop_answered(core, acc,
		    "certificate rejected; nothing is downloaded");
		return;
	}
	if (trust == CORE_TRUST_REJECT || fp == NULL) {
		fail_folder(core, acc,
		    "certificate rejected; the account stays closed");
		return;
	}
	if (trust == CORE_TRUST_ALWAYS) {
		g_autofree char *path = pins_default_path();
		g_autofree char *where = account_host_port(acc);
		g_autoptr(GError) error = NULL;

		if (pins_add(path, where, fp, &error))
			core_notice(core, "certificate of %s pinned in '%s'",
			    where, path);
		else
			core_status(core,
			    "%s (the certificate is trusted until skua "
			    "exits)",
			    error->message);
	}
	/* Always also for this run: the pin file may not be writable. */
	g_free(acc->accepted_fingerprint);
	acc->accepted_fingerprint = g_steal_pointer(&fp);
	if (acc->kind == ACCOUNT_POP) {
		pop_answered(core, acc, NULL);
		return;
	}
	core_account_restart(core, acc);
}

void
core_account_restart(struct core *core, struct account *acc)
{
	g_autofree char *reopen = NULL;
	struct backend *be;

	if (core->folder != NULL && core->folder->acc == acc) {
		reopen = g_strdup(core->folder->name);
		g_clear_pointer(&core->folder, folder_free);
	}
	/* The old workers' unanswered callbacks are dropped with them; the
	 * fill's connection is made again, with the new credentials, on its
	 * next use. */
	for (unsigned k = 0; k < CORE_FILL_CONNECTIONS; k++)
		g_clear_pointer(&acc->fill_workers[k], worker_free);
	g_clear_pointer(&acc->worker, worker_free);
	acc->listing = false;
	be = account_driver(acc);
	if (be == NULL)
		return;
	core_account_start(core, acc, be);
	if (reopen != NULL) {
		open_and_fill(core, acc, reopen);
		/* Its folder list (lost with the old worker, or never
		 * made) comes after the folder's first screen. */
		acc->list_wanted = true;
	} else {
		post_connect(acc);
	}
	core_changed(core);
}

/* INBOX first, then by name. */
static int
cmp_folders(gconstpointer a, gconstpointer b)
{
	const struct folder_info *x = *(const struct folder_info *const *)a;
	const struct folder_info *y = *(const struct folder_info *const *)b;

	if ((x->flags & FOLDER_INBOX) != (y->flags & FOLDER_INBOX))
		return x->flags & FOLDER_INBOX ? -1 : 1;
	return g_utf8_collate(x->name, y->name);
}

static void
on_folders(const struct reply *reply, void *data)
{
	struct account *acc = data;

	if (reply->kind == REPLY_FOLDERS) {
		struct reply *r = (struct reply *)reply;

		if (acc->folders != NULL)
			g_ptr_array_unref(acc->folders);
		/* Steal the list from the reply. */
		acc->folders = r->folders;
		r->folders = NULL;
		g_ptr_array_sort(acc->folders, cmp_folders);
		acc->state = ACCOUNT_CONNECTED;
		g_clear_pointer(&acc->error, g_free);
	} else if (reply->kind == REPLY_ERROR &&
	    !core_account_trouble(acc, reply)) {
		account_failed(acc, reply);
	}
	if (reply_is_terminal(reply))
		acc->listing = false;
	if (reply_is_terminal(reply) && acc->list_again) {
		acc->list_again = false;
		core_list_folders(acc->core, acc);
	}
	core_changed(acc->core);
}

void
core_list_folders(struct core *core, struct account *acc)
{
	struct request *req;

	if (acc->worker == NULL || acc->listing)
		return;
	req = request_new(REQ_LIST_FOLDERS);
	req->subscribed_only = acc->subscribed_only;
	acc->listing = true;
	worker_post(acc->worker, req, on_folders, acc);
}

void
core_list_all_folders(struct core *core)
{
	for (guint i = 0; i < core->accounts->len; i++)
		core_list_folders(core, core->accounts->pdata[i]);
}

static void
on_fetched(const struct reply *reply, void *data)
{
	struct account *acc = data;
	struct core *core = acc->core;
	int64_t now = g_get_monotonic_time();

	if (reply->kind == REPLY_PROGRESS && reply->deletable > 0) {
		acc->fetch_deletable = reply->deletable;
		return;
	}
	if (reply->kind == REPLY_PROGRESS) {
		acc->fetch_done = reply->done;
		/* The message line follows at most five times a second. */
		if (reply->total > 0 &&
		    (now - acc->fetch_shown >= 200000 ||
			reply->done == reply->total)) {
			double secs = (double)(now - acc->fetch_started) / 1e6;
			g_autofree char *got = g_format_size(reply->bytes);
			g_autofree char *all =
			    g_format_size(reply->total_bytes);
			g_autofree char *rate = g_format_size(secs > 0.05
				? (guint64)((double)reply->bytes / secs)
				: 0);

			acc->fetch_shown = now;
			core_notice(core,
			    "%s: fetching %" G_GUINT64_FORMAT
			    "/%" G_GUINT64_FORMAT " messages, %s of %s, %s/s",
			    acc->name, reply->done, reply->total, got, all,
			    rate);
		}
		return;
	}
	acc->fetch_id = 0;
	acc->fetch_ended = now;
	if (reply->kind == REPLY_DONE) {
		if (acc->state == ACCOUNT_FAILED) {
			acc->state = ACCOUNT_IDLE;
			g_clear_pointer(&acc->error, g_free);
		}
		/* New files in the store: the open Inbox shows them. */
		if (acc->fetch_done > 0 && core->folder != NULL &&
		    core->folder->acc == acc &&
		    g_ascii_strcasecmp(core->folder->name, "INBOX") == 0)
			folder_reload(core->folder);
		if (acc->fetch_done > 0)
			core_notice(core,
			    "%s: %" G_GUINT64_FORMAT " new message%s",
			    acc->name, acc->fetch_done,
			    acc->fetch_done == 1 ? "" : "s");
		else if (acc->fetch_asked)
			core_notice(core, "%s: no new messages", acc->name);
		/* pop_delete = ask: after new mail, or when G asked. */
		if (acc->fetch_deletable > 0 &&
		    (acc->fetch_done > 0 || acc->fetch_asked) &&
		    core->ask_pop_delete != NULL && !acc->asking_delete) {
			acc->asking_delete = true;
			core->ask_pop_delete(core, acc,
			    (unsigned)acc->fetch_deletable, core->ask_data);
		}
	} else if (reply->kind == REPLY_ERROR &&
	    (acc->fetch_asked || !acc->pop_login_cancelled) &&
	    core_account_trouble(acc, reply)) {
		/* A password (none configured) is asked for: the answer
		 * fetches again. */
		acc->state = ACCOUNT_CONNECTING;
	} else if (reply->kind == REPLY_ERROR) {
		/*
		 * The accounts view keeps it; the message line only for G,
		 * so a server that is down does not cover the screen's own
		 * messages at start and every pop_check_interval.
		 */
		g_free(acc->error);
		acc->error = g_strdup(reply->error->message);
		acc->state = ACCOUNT_FAILED;
		log_warn("%s", reply->error->message);
		if (acc->fetch_asked)
			core_status(core, "%s", reply->error->message);
	} else if (reply->kind == REPLY_UNSUPPORTED) {
		core_status(core, "%s: this account cannot fetch mail",
		    acc->name);
	}
	/* What was delivered is in the local store: views reload it. */
	core_changed(core);
}

/* The POP3 account's download connection, made on first use. */
static bool
pop_worker_ready(struct core *core, struct account *acc)
{
	struct backend *be;
	g_autofree char *name = NULL;

	if (acc->pop_worker != NULL)
		return true;
	be = driver_for(acc);
	if (be == NULL) {
		core_status(core, "%s: no driver for %s", acc->name,
		    account_kind_name(acc));
		return false;
	}
	name = g_strdup_printf("%s (fetch)", acc->name);
	acc->pop_worker = worker_new(name, be, core->rq);
	return true;
}

/* A whole message asked for the pager: where it is to be shown. */
struct full_fetch {
	struct core *core;
	unsigned folder_serial;
	uint32_t uid;
};

static void
on_full_fetched(const struct reply *reply, void *data)
{
	struct full_fetch *ff = data;
	struct core *core = ff->core;
	struct folder *f = core->folder;

	if (!reply_is_terminal(reply))
		return;
	if (f != NULL && f->serial != ff->folder_serial)
		f = NULL;
	if (reply->kind == REPLY_DONE) {
		core_notice(core, "the whole message was downloaded");
		if (f != NULL)
			folder_reload_message(f, ff->uid);
	} else if (reply->kind == REPLY_ERROR) {
		core_status(core, "%s", reply->error->message);
	} else {
		core_status(core, "the whole message was not downloaded");
	}
	g_free(ff);
	core_changed(core);
}

void
core_fetch_full(struct core *core, struct account *acc, unsigned folder_serial,
    uint32_t uid, const char *name)
{
	struct full_fetch *ff;
	struct request *req;

	if (acc->kind != ACCOUNT_POP || acc->url == NULL) {
		core_status(core,
		    "only the header of this message is here "
		    "(X-Skua-Partial), and no POP3 account to "
		    "fetch the rest from");
		return;
	}
	acc->core = core;
	if (!pop_worker_ready(core, acc))
		return;
	ff = g_new0(struct full_fetch, 1);
	ff->core = core;
	ff->folder_serial = folder_serial;
	ff->uid = uid;
	req = request_new(REQ_FETCH_FULL);
	req->path = g_strdup(name);
	worker_post(acc->pop_worker, req, on_full_fetched, ff);
	core_notice(core,
	    "only the header is here: downloading the whole "
	    "message...");
}

static void
fetch_account(struct core *core, struct account *acc, bool by_user)
{
	if (acc->kind != ACCOUNT_POP || acc->url == NULL)
		return;
	if (acc->fetch_id != 0) {
		if (by_user)
			core_notice(core, "%s: already fetching", acc->name);
		return;
	}
	acc->core = core;
	if (!pop_worker_ready(core, acc)) {
		acc->fetch_ended = g_get_monotonic_time();
		return;
	}
	acc->fetch_asked = by_user;
	acc->fetch_done = 0;
	acc->fetch_deletable = 0;
	acc->fetch_started = g_get_monotonic_time();
	acc->fetch_shown = 0;
	acc->fetch_id = worker_post(acc->pop_worker, request_new(REQ_FETCH_NEW),
	    on_fetched, acc);
}

static void
on_pop_deleted(const struct reply *reply, void *data)
{
	struct account *acc = data;
	struct core *core = acc->core;

	if (reply->kind == REPLY_PROGRESS) {
		acc->fetch_done = reply->done;
		return;
	}
	acc->fetch_id = 0;
	acc->fetch_ended = g_get_monotonic_time();
	if (reply->kind == REPLY_DONE)
		core_notice(core,
		    "%s: %" G_GUINT64_FORMAT " message%s deleted on the server",
		    acc->name, acc->fetch_done,
		    acc->fetch_done == 1 ? "" : "s");
	else if (reply->kind == REPLY_ERROR)
		core_status(core, "%s", reply->error->message);
	else
		core_status(core, "%s: nothing deleted on the server",
		    acc->name);
	core_changed(core);
}

bool
core_answer_pop_delete(struct core *core, struct account *acc, bool yes,
    GError **err)
{
	struct request *req;

	acc->asking_delete = false;
	if (!yes)
		return true;
	if (acc->pop_worker == NULL || acc->fetch_id != 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "%s: a fetch is under way; G asks again", acc->name);
		return false;
	}
	req = request_new(REQ_FETCH_NEW);
	req->pop_delete_now = true;
	acc->fetch_asked = true;
	acc->fetch_done = 0;
	acc->fetch_started = g_get_monotonic_time();
	acc->fetch_id = worker_post(acc->pop_worker, req, on_pop_deleted, acc);
	return true;
}

void
core_fetch_mail(struct core *core, bool by_user)
{
	unsigned n = 0;

	for (guint i = 0; i < core->accounts->len; i++) {
		struct account *acc = core->accounts->pdata[i];

		if (acc->kind == ACCOUNT_POP) {
			fetch_account(core, acc, by_user);
			n++;
		}
	}
	if (n == 0 && by_user)
		core_status(core, "no POP3 account to fetch mail for");
}

void
core_fetch_tick(struct core *core)
{
	int64_t now = g_get_monotonic_time();

	for (guint i = 0; i < core->accounts->len; i++) {
		struct account *acc = core->accounts->pdata[i];
		long every;

		if (acc->kind != ACCOUNT_POP || acc->fetch_id != 0 ||
		    acc->fetch_ended == 0)
			continue;
		every = opt_number(acc->opts, "pop_check_interval");
		if (every > 0 &&
		    now - acc->fetch_ended >= every * G_USEC_PER_SEC)
			fetch_account(core, acc, false);
	}
}

void
core_connect_all(struct core *core)
{
	for (guint i = 0; i < core->accounts->len; i++) {
		struct account *acc = core->accounts->pdata[i];
		struct backend *be;

		/* A POP3 account fetches at start; its folders are local. */
		if (acc->kind == ACCOUNT_POP && acc->fetch_ended == 0)
			fetch_account(core, acc, false);
		if (acc->kind == ACCOUNT_IMAP && acc->url == NULL)
			continue;
		if (acc->worker != NULL) {
			/* Its folder is opening: list after its first screen.
			 */
			if (acc->folders == NULL)
				acc->list_wanted = true;
			continue;
		}
		be = account_driver(acc);
		if (be == NULL) {
			core_status(core, "%s: no driver for %s folders",
			    acc->name, account_kind_name(acc));
			continue;
		}
		core_account_start(core, acc, be);
		post_connect(acc);
	}
}

void
core_screen_ready(struct core *core)
{
	for (guint i = 0; i < core->accounts->len; i++) {
		struct account *acc = core->accounts->pdata[i];

		if (!acc->list_wanted || acc->asking)
			continue;
		acc->list_wanted = false;
		/* A login cancelled or a certificate rejected is not asked
		 * about again behind the user's back. */
		if (acc->worker != NULL && acc->state != ACCOUNT_FAILED)
			core_list_folders(core, acc);
	}
}

/* The account called name (a prefix of length len), else NULL. */
static struct account *
account_named(const struct core *core, const char *name, size_t len)
{
	for (guint i = 0; i < core->accounts->len; i++) {
		struct account *acc = core->accounts->pdata[i];

		if (strlen(acc->name) == len &&
		    strncmp(acc->name, name, len) == 0)
			return acc;
	}
	return NULL;
}

bool
core_resolve_folder(struct core *core, const char *text, struct account **acc,
    const char **name)
{
	const char *slash = strchr(text, '/');
	struct account *named =
	    slash != NULL ? account_named(core, text, slash - text) : NULL;

	if (named != NULL) {
		*acc = named;
		*name =
		    slash[1] != '\0' ? slash + 1 : account_first_folder(named);
		return true;
	}
	*acc = core_current_account(core);
	*name = text;
	return *acc != NULL;
}

unsigned
core_browser_count(const struct core *core)
{
	unsigned n = 0;

	for (guint i = 0; i < core->accounts->len; i++) {
		const struct account *acc = core->accounts->pdata[i];

		n += 1 + (acc->folders != NULL ? acc->folders->len : 0);
	}
	return n;
}

bool
core_browser_line(const struct core *core, unsigned i, struct account **acc,
    const struct folder_info **fi)
{
	for (guint k = 0; k < core->accounts->len; k++) {
		struct account *a = core->accounts->pdata[k];
		unsigned n;

		n = a->folders != NULL ? a->folders->len : 0;
		if (i <= n) {
			*acc = a;
			*fi = i == 0 ? NULL : a->folders->pdata[i - 1];
			return true;
		}
		i -= n + 1;
	}
	return false;
}

bool
account_counts(const struct account *acc, int64_t *unseen, int64_t *total)
{
	*unseen = *total = 0;
	if (acc->folders == NULL)
		return false;
	for (guint i = 0; i < acc->folders->len; i++) {
		const struct folder_info *fi = acc->folders->pdata[i];

		if (fi->flags & FOLDER_NOSELECT)
			continue;
		if (fi->unseen > 0)
			*unseen += fi->unseen;
		if (fi->total > 0)
			*total += fi->total;
	}
	return true;
}

void
core_open_folder(struct core *core, struct account *acc, const char *name)
{
	if (acc->worker == NULL)
		return;
	open_and_fill(core, acc, name);
}

struct account *
core_current_account(struct core *core)
{
	if (core->folder != NULL)
		return core->folder->acc;
	return core->accounts->len > 0 ? core->accounts->pdata[0] : NULL;
}

void
core_changed(struct core *core)
{
	if (core->changed != NULL)
		core->changed(core->changed_data);
}

void
core_status(struct core *core, const char *fmt, ...)
{
	va_list ap;

	g_free(core->status);
	va_start(ap, fmt);
	core->status = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* The -d log keeps what the message line showed, for a later look. */
	log_msg(LOG_INFO, "status: %s", core->status);
	core_changed(core);
}

void
core_notice(struct core *core, const char *fmt, ...)
{
	va_list ap;

	g_free(core->notice);
	va_start(ap, fmt);
	core->notice = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	log_msg(LOG_INFO, "notice: %s", core->notice);
	core_changed(core);
}

bool
core_add_accounts(struct core *core, const char *folder_arg, GError **err)
{
	struct config *cfg = core->cfg;
	struct account *acc;

	for (guint i = 0; i < cfg->accounts->len; i++) {
		struct account_conf *ac = cfg->accounts->pdata[i];
		const char *folder = opt_string(ac->opts, "folder");
		g_autoptr(GError) error = NULL;

		if (folder == NULL || !optset_is_set_here(ac->opts, "folder")) {
			g_ptr_array_add(cfg->errors,
			    g_strdup_printf("%s: account '%s' has no folder "
					    "(set folder = imaps://user@host/)",
				ac->origin, ac->name));
			continue;
		}
		acc = account_new(ac->name, ac->opts, folder, &error);
		if (acc == NULL) {
			g_ptr_array_add(cfg->errors,
			    g_strdup_printf("%s: account '%s': %s", ac->origin,
				ac->name, error->message));
			continue;
		}
		g_ptr_array_add(core->accounts, acc);
	}
	if (folder_arg == NULL)
		return true;
	/*
	 * -f: a URL or path becomes an account of its own, with the global
	 * options as its options (so -e 'set ...' applies to it).
	 */
	acc = account_new(url_is_url(folder_arg) ? "cmdline" : "local",
	    cfg->global, folder_arg, err);
	if (acc == NULL)
		return false;
	if (acc->url != NULL) {
		g_free(acc->name);
		acc->name = g_strdup(acc->url->host);
	}
	/* The -f account goes first: it is the one opened. */
	g_ptr_array_insert(core->accounts, 0, acc);
	return true;
}

const char *
account_kind_name(const struct account *acc)
{
	if (acc->url != NULL)
		return url_scheme_name(acc->url->scheme);
	return "maildir";
}

char *
account_location(const struct account *acc)
{
	const struct url *u = acc->url;
	GString *out;

	if (u == NULL)
		return g_strdup(acc->path);
	out = g_string_new(url_scheme_name(u->scheme));
	g_string_append(out, "://");
	if (u->user != NULL)
		g_string_append_printf(out, "%s@", u->user);
	if (strchr(u->host, ':') != NULL)
		g_string_append_printf(out, "[%s]", u->host);
	else
		g_string_append(out, u->host);
	if (u->port != 0)
		g_string_append_printf(out, ":%u", u->port);
	g_string_append_c(out, '/');
	if (u->path != NULL)
		g_string_append(out, u->path);
	return g_string_free(out, FALSE);
}
