/* SPDX-License-Identifier: ISC */
/* Folder management requests and their outcome (see folder-manage.h). */
#include "config.h"

#include "backend/types.h"
#include "backend/worker.h"
#include "core/core.h"
#include "core/folder-manage.h"
#include "util/error.h"

/* What a reply callback needs: no pointer into a folder list. */
struct manage {
	struct core *core;
	struct account *acc;
	const char *done; /* "created", "renamed to x", ... */
	const char *what; /* "create", "rename", ... */
	char *shown;	  /* the folder as the list shows it */
	char *outcome;	  /* the notice on success */
};

static void
manage_free(struct manage *m)
{
	g_free(m->shown);
	g_free(m->outcome);
	g_free(m);
}

/* Ask for the list again, after the listing under way if there is one. */
static void
relist(struct core *core, struct account *acc)
{
	if (acc->listing)
		acc->list_again = true;
	else
		core_list_folders(core, acc);
}

static void
on_managed(const struct reply *reply, void *data)
{
	struct manage *m = data;

	if (!reply_is_terminal(reply))
		return;
	switch (reply->kind) {
	case REPLY_DONE:
		core_notice(m->core, "%s", m->outcome);
		break;
	case REPLY_ERROR:
		core_status(m->core, "cannot %s '%s': %s", m->what, m->shown,
		    reply->error->message);
		break;
	case REPLY_UNSUPPORTED:
		core_status(m->core, "account %s cannot %s folders",
		    m->acc->name, m->what);
		break;
	default:
		core_status(m->core, "%s of '%s' cancelled", m->what, m->shown);
		break;
	}
	relist(m->core, m->acc);
	manage_free(m);
}

static void
post(struct core *core, struct account *acc, struct request *req,
    const char *what, const char *shown, char *outcome)
{
	struct manage *m = g_new0(struct manage, 1);

	if (acc->worker == NULL) {
		core_status(core, "account %s is not open", acc->name);
		request_free(req);
		g_free(outcome);
		g_free(m);
		return;
	}
	m->core = core;
	m->acc = acc;
	m->what = what;
	m->shown = g_strdup(shown);
	m->outcome = outcome;
	worker_post(acc->worker, req, on_managed, m);
}

void
core_folder_create(struct core *core, struct account *acc, const char *name)
{
	struct request *req = request_new(REQ_CREATE_FOLDER);

	req->folder = g_strdup(name);
	post(core, acc, req, "create", name,
	    g_strdup_printf("folder %s created", name));
}

void
core_folder_rename(struct core *core, struct account *acc,
    const char *server_name, const char *shown, const char *name)
{
	struct request *req = request_new(REQ_RENAME_FOLDER);

	req->folder = g_strdup(server_name);
	req->target = g_strdup(name);
	post(core, acc, req, "rename", shown,
	    g_strdup_printf("folder %s renamed to %s", shown, name));
}

void
core_folder_delete(struct core *core, struct account *acc,
    const char *server_name, const char *shown, bool force)
{
	struct request *req = request_new(REQ_DELETE_FOLDER);

	req->folder = g_strdup(server_name);
	req->force = force;
	post(core, acc, req, "delete", shown,
	    g_strdup_printf("folder %s deleted", shown));
}

void
core_folder_subscribe(struct core *core, struct account *acc,
    const char *server_name, const char *shown, bool on)
{
	struct request *req = request_new(REQ_SUBSCRIBE);

	req->folder = g_strdup(server_name);
	req->subscribe = on;
	post(core, acc, req, on ? "subscribe to" : "unsubscribe from", shown,
	    g_strdup_printf("%s %s", on ? "subscribed to" : "unsubscribed from",
		shown));
}

void
core_folder_toggle_subscribed(struct core *core, struct account *acc)
{
	/* Subscriptions are an IMAP server's; a local store lists all. */
	if (acc->kind != ACCOUNT_IMAP) {
		core_status(core, "%s: a local store has no subscriptions",
		    acc->name);
		return;
	}
	acc->subscribed_only = !acc->subscribed_only;
	core_notice(core, "%s: %s", acc->name,
	    acc->subscribed_only ? "subscribed folders only" : "every folder");
	relist(core, acc);
}
