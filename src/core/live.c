/* SPDX-License-Identifier: ISC */
/* Live updates: news of the open folder, counts of the others, new mail. */
#include "config.h"

#include <string.h>

#include "backend/types.h"
#include "backend/worker.h"
#include "config/options.h"
#include "core/core.h"
#include "core/folder.h"
#include "core/live.h"
#include "util/log.h"

static struct account *
account_of_worker(struct core *core, const char *name)
{
	for (guint i = 0; name != NULL && i < core->accounts->len; i++) {
		struct account *acc = core->accounts->pdata[i];

		if (strcmp(acc->name, name) == 0)
			return acc;
	}
	return NULL;
}

/* The listed folder of acc whose server name is name, or NULL. */
static struct folder_info *
listed(const struct account *acc, const char *name)
{
	for (guint i = 0; acc->folders != NULL && i < acc->folders->len; i++) {
		struct folder_info *fi = acc->folders->pdata[i];

		if (strcmp(fi->server_name, name) == 0)
			return fi;
	}
	return NULL;
}

/* A copy of text without control characters, for an argument. */
static char *
plain(const char *text)
{
	char *s = g_strdup(text);

	for (char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

void
core_new_mail(struct core *core, struct account *acc, const char *folder,
    unsigned count)
{
	const char *cmd = opt_string(acc->opts, "new_mail_command");
	g_autofree char *where = NULL;

	if (count == 0)
		return;
	/* The current account's folders by name, others' with the account. */
	where = acc == core_current_account(core)
	    ? g_strdup(folder)
	    : g_strdup_printf("%s/%s", acc->name, folder);
	core_notice(core, "New mail in %s.", where);
	if (cmd != NULL && *cmd != '\0') {
		/*
		 * The user's own text through the shell; the folder name (the
		 * server's text), the count and the account go as $1 $2 $3,
		 * never into the command string. Not waited for: GLib reaps
		 * it. Its output goes nowhere, so the screen stays ours.
		 */
		g_autofree char *name = plain(folder);
		g_autofree char *n = g_strdup_printf("%u", count);
		g_autofree char *account = plain(acc->name);
		const char *argv[] = { "/bin/sh", "-c", cmd, "sh", name, n,
			account, NULL };
		g_autoptr(GError) error = NULL;

		if (!g_spawn_async(NULL, (char **)argv, NULL,
			G_SPAWN_STDOUT_TO_DEV_NULL |
			    G_SPAWN_STDERR_TO_DEV_NULL |
			    G_SPAWN_CHILD_INHERITS_STDIN,
			NULL, NULL, NULL, &error))
			core_status(core, "new_mail_command: %s",
			    error->message);
	}
}

/* A worker's news of the folder it keeps live. */
static void
on_event(const struct reply *reply, void *data)
{
	struct core *core = data;
	struct account *acc = account_of_worker(core, reply->account);
	struct folder *f = core->folder;
	const struct folder_update *u = reply->update;
	unsigned unseen;

	if (reply->kind != REPLY_UNSOLICITED || u == NULL || acc == NULL ||
	    f == NULL || f->acc != acc)
		return;
	unseen = folder_apply_update(f, u);
	if (unseen > 0)
		core_new_mail(core, acc, f->display, unseen);
	/* The sidebar's counts follow in a second. */
	if (acc->stats_soon == 0)
		acc->stats_soon = g_get_monotonic_time() + G_USEC_PER_SEC;
}

void
core_live_init(struct core *core)
{
	reply_queue_set_event_cb(core->rq, on_event, core);
}

/* New counts of acc's folders: merged into its list, new mail told. */
static void
on_stats(const struct reply *reply, void *data)
{
	struct account *acc = data;
	struct core *core = acc->core;

	if (reply->kind == REPLY_FOLDERS) {
		struct folder *open = core->folder;

		for (guint i = 0; i < reply->folders->len; i++) {
			const struct folder_info *now =
			    reply->folders->pdata[i];
			struct folder_info *fi = listed(acc, now->server_name);
			bool is_open;

			if (fi == NULL)
				continue;
			is_open = open != NULL && open->acc == acc &&
			    strcmp(open->name, fi->server_name) == 0;
			/* The open folder announces its own (live). */
			if (!is_open && fi->unseen >= 0 &&
			    now->unseen > fi->unseen)
				core_new_mail(core, acc, fi->name,
				    (unsigned)(now->unseen - fi->unseen));
			if (now->total >= 0)
				fi->total = now->total;
			if (now->unseen >= 0)
				fi->unseen = now->unseen;
		}
		core_changed(core);
	} else if (reply->kind == REPLY_ERROR) {
		log_warn("%s: folder counts: %s", acc->name,
		    reply->error->message);
	}
	if (reply_is_terminal(reply)) {
		acc->stats_busy = false;
		acc->stats_at = g_get_monotonic_time();
	}
}

void
core_live_tick(struct core *core)
{
	int64_t now = g_get_monotonic_time();

	for (guint i = 0; i < core->accounts->len; i++) {
		struct account *acc = core->accounts->pdata[i];
		long every;
		int64_t due;
		struct worker *w;

		/* IMAP accounts with a first listing; POP3 ones fetch on
		 * pop_check_interval, local ones are read from disk. */
		if (acc->kind != ACCOUNT_IMAP || acc->url == NULL ||
		    acc->worker == NULL || acc->folders == NULL ||
		    acc->listing || acc->stats_busy || acc->asking ||
		    acc->state == ACCOUNT_FAILED)
			continue;
		every = opt_number(acc->opts, "mail_check_stats_interval");
		if (every <= 0)
			continue;
		/* The first listing's counts are new. */
		if (acc->stats_at == 0) {
			acc->stats_at = now;
			continue;
		}
		due = acc->stats_at + every * G_USEC_PER_SEC;
		if (acc->stats_soon != 0 && acc->stats_soon < due)
			due = acc->stats_soon;
		if (now < due)
			continue;
		acc->stats_soon = 0;
		/*
		 * On a fill connection: the main one keeps the open folder
		 * live, and STATUS of the selected folder is not for it.
		 */
		w = core_fill_worker(acc, 0);
		acc->stats_busy = true;
		worker_post(w, request_new(REQ_LIST_FOLDERS), on_stats, acc);
	}
}
