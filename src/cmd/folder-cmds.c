/* SPDX-License-Identifier: ISC */
/* Folder management from the folder browser (see folder-cmds.h). */
#include "config.h"

#include <string.h>

#include "backend/types.h"
#include "cmd/folder-cmds.h"
#include "core/core.h"
#include "core/folder-manage.h"
#include "core/folder.h"
#include "ui/ui.h"

/* The folder a prompt or a question is about, copied when it opens. */
struct target {
	struct core *core;
	struct account *acc;
	char *server_name; /* NULL for create */
	char *shown;
	int64_t total; /* messages, -1 if unknown */
};

static void
target_free(struct target *t)
{
	g_free(t->server_name);
	g_free(t->shown);
	g_free(t);
}

/*
 * The browser line under the cursor: its account, and its folder (NULL
 * on an account's heading). False (after a beep) outside the browser.
 */
static bool
selected(struct core *core, struct account **acc, const struct folder_info **fi)
{
	struct view *v = ui_top_view();

	if (v == NULL || strcmp(v->context, "folders") != 0 || v->cursor < 0 ||
	    !core_browser_line(core, (unsigned)v->cursor, acc, fi)) {
		ui_beep();
		return false;
	}
	return true;
}

/* The selected folder as a target; NULL (after a message) if none. */
static struct target *
selected_folder(struct core *core)
{
	struct account *acc;
	const struct folder_info *fi;
	struct target *t;

	if (!selected(core, &acc, &fi))
		return NULL;
	if (fi == NULL) {
		ui_error("put the cursor on a folder first");
		return NULL;
	}
	t = g_new0(struct target, 1);
	t->core = core;
	t->acc = acc;
	t->server_name = g_strdup(fi->server_name);
	t->shown = g_strdup(fi->name);
	t->total = fi->total;
	return t;
}

/*
 * Whether t is the folder open in the index; then a message says so. The
 * index would go on showing a folder that has gone or has another name:
 * mutt's users leave it first, and so do skua's.
 */
static bool
is_open(const struct target *t, const char *what)
{
	const struct folder *f = t->core->folder;

	if (f == NULL || f->acc != t->acc ||
	    strcmp(f->name, t->server_name) != 0)
		return false;
	ui_error("%s is the open folder: open another one before you %s it",
	    t->shown, what);
	return true;
}

/* A name as typed: not empty, no control characters; else a message. */
static bool
name_ok(const char *text)
{
	if (text == NULL || *text == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *)text; *p != 0;
	     p++) {
		if (*p < 0x20 || *p == 0x7f) {
			ui_error("a folder name has no control characters");
			return false;
		}
	}
	return true;
}

static void
create_cb(const char *text, void *data)
{
	struct target *t = data;

	if (name_ok(text)) {
		core_folder_create(t->core, t->acc, text);
		ui_message("creating %s...", text);
	}
	target_free(t);
}

void
cmd_create_mailbox(struct core *core)
{
	struct account *acc;
	const struct folder_info *fi;
	struct target *t;
	g_autofree char *prompt = NULL;

	if (!selected(core, &acc, &fi))
		return;
	t = g_new0(struct target, 1);
	t->core = core;
	t->acc = acc;
	prompt = g_strdup_printf("Create folder in %s: ", acc->name);
	ui_prompt(prompt, NULL, create_cb, t);
}

static void
rename_cb(const char *text, void *data)
{
	struct target *t = data;

	if (name_ok(text) && strcmp(text, t->shown) != 0) {
		core_folder_rename(t->core, t->acc, t->server_name, t->shown,
		    text);
		ui_message("renaming %s...", t->shown);
	}
	target_free(t);
}

void
cmd_rename_mailbox(struct core *core)
{
	struct target *t = selected_folder(core);
	g_autofree char *prompt = NULL;

	if (t == NULL)
		return;
	if (is_open(t, "rename")) {
		target_free(t);
		return;
	}
	prompt = g_strdup_printf("Rename folder %s to: ", t->shown);
	ui_prompt(prompt, t->shown, rename_cb, t);
}

/*
 * The folder of the delete question on screen: a question cancelled with
 * Ctrl-G calls nobody, so it is freed when the next one comes.
 */
static struct target *deleting;

static void
delete_cb(bool yes, void *data)
{
	struct target *t = data;

	if (t != deleting)
		return;
	deleting = NULL;
	if (yes) {
		/* The question named the messages: they may go with it. */
		core_folder_delete(t->core, t->acc, t->server_name, t->shown,
		    true);
		ui_message("deleting %s...", t->shown);
	}
	target_free(t);
}

void
cmd_delete_mailbox(struct core *core)
{
	struct target *t = selected_folder(core);
	g_autofree char *question = NULL;

	if (t == NULL)
		return;
	if (is_open(t, "delete")) {
		target_free(t);
		return;
	}
	if (t->total > 0)
		question =
		    g_strdup_printf("Delete folder %s and its %" G_GINT64_FORMAT
				    " message%s?",
			t->shown, t->total, t->total == 1 ? "" : "s");
	else
		question = g_strdup_printf("Delete folder %s?", t->shown);
	if (deleting != NULL)
		target_free(deleting);
	deleting = t;
	ui_ask(question, false, delete_cb, t);
}

static void
subscribe(struct core *core, bool on)
{
	struct target *t = selected_folder(core);

	if (t == NULL)
		return;
	core_folder_subscribe(core, t->acc, t->server_name, t->shown, on);
	target_free(t);
}

void
cmd_subscribe(struct core *core)
{
	subscribe(core, true);
}

void
cmd_unsubscribe(struct core *core)
{
	subscribe(core, false);
}

void
cmd_toggle_subscribed(struct core *core)
{
	struct account *acc;
	const struct folder_info *fi;

	if (selected(core, &acc, &fi))
		core_folder_toggle_subscribed(core, acc);
}
