/* SPDX-License-Identifier: ISC */
/* The command table and the commands of the first screens. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "backend/types.h"
#include "cmd/attach-open.h"
#include "cmd/auth.h"
#include "cmd/cmd.h"
#include "cmd/compose.h"
#include "cmd/folder-cmds.h"
#include "cmd/keymap.h"
#include "config/config.h"
#include "config/options.h"
#include "core/core.h"
#include "core/folder.h"
#include "core/search.h"
#include "core/send.h"
#include "ui/complete.h"
#include "ui/sidebar.h"
#include "ui/ui.h"
#include "ui/view-accounts.h"
#include "ui/view-attach.h"
#include "ui/view-folders.h"
#include "ui/view-index.h"
#include "ui/view-pager.h"
#include "util/error.h"
#include "util/path.h"

static void
do_quit(struct core *core)
{
	core->quit_requested = true;
}

static void leave_and_quit(struct core *core);
static void leave_and_open(struct core *core, struct account *acc,
    const char *name);

static void
ask_quit_cb(bool yes, void *data)
{
	if (yes)
		leave_and_quit(data);
}

static void show_index(struct core *core);

static void
cmd_quit(struct core *core)
{
	switch (opt_quad(core->cfg->global, "quit")) {
	case QUAD_YES:
		leave_and_quit(core);
		break;
	case QUAD_NO:
		ui_message("quit is set to no: set quit=yes to leave with q");
		break;
	case QUAD_ASK_YES:
	case QUAD_ASK_NO:
		ui_ask("Quit skua?",
		    opt_quad(core->cfg->global, "quit") == QUAD_ASK_YES,
		    ask_quit_cb, core);
		break;
	}
}

static void
cmd_exit(struct core *core)
{
	if (!ui_pop_view())
		cmd_quit(core);
}

static void
cmd_help(struct core *core)
{
	struct view *top = ui_top_view(), *v;

	if (top != NULL && strcmp(top->context, "help") == 0)
		return;
	v = view_new("help", "Help", false);
	view_set_hint(v, keymap_hint("help"));
	keymap_describe(top != NULL ? top->context : "generic", v);
	ui_push_view(v);
}

static void
command_cb(const char *text, void *data)
{
	struct core *core = data;
	g_autoptr(GError) error = NULL;
	g_autofree char *msg = NULL;

	if (text == NULL || *text == '\0')
		return;
	if (!config_exec(core->cfg, text, "-", &msg, &error))
		ui_error("%s", error->message);
	else if (msg != NULL)
		ui_message("%s", msg);
	/* Options such as help change the layout. */
	ui_mark_dirty();
}

static void
cmd_enter_command(struct core *core)
{
	ui_prompt(":", NULL, command_cb, core);
}

/*
 * Ctrl-G: stop what the user waits for (a message being sent too, which
 * is then kept in Drafts); the background fill goes on.
 */
static void
cmd_cancel(struct core *core)
{
	bool sending = false;

	for (guint i = 0; i < core->accounts->len; i++)
		if (core_send_cancel(core, core->accounts->pdata[i]))
			sending = true;
	if ((core->folder == NULL || !folder_cancel(core->folder)) && !sending)
		ui_message("nothing to cancel");
}

/* G: download the POP3 accounts' new mail; keys keep working meanwhile. */
static void
cmd_fetch_mail(struct core *core)
{
	core_fetch_mail(core, true);
}

static void
cmd_redraw(struct core *core)
{
	ui_resize();
}

static void
cmd_next_entry(struct core *core)
{
	view_move(ui_top_view(), 1);
}

static void
cmd_previous_entry(struct core *core)
{
	view_move(ui_top_view(), -1);
}

static void
cmd_next_page(struct core *core)
{
	view_page(ui_top_view(), 1);
}

static void
cmd_previous_page(struct core *core)
{
	view_page(ui_top_view(), -1);
}

static void
cmd_first_entry(struct core *core)
{
	view_jump(ui_top_view(), false);
}

static void
cmd_last_entry(struct core *core)
{
	view_jump(ui_top_view(), true);
}

/* Open acc's first folder in an index view on top of the current one. */
static void
open_account(struct core *core, struct account *acc)
{
	g_autoptr(GError) error = NULL;
	struct view *v;

	if (!core_account_open(core, acc, &error)) {
		ui_error("%s", error->message);
		return;
	}
	v = view_index_new(core);
	view_set_hint(v, keymap_hint("index"));
	ui_push_view(v);
}

static void
cmd_select_entry(struct core *core)
{
	struct view *v = ui_top_view();
	struct account *acc;

	if (v != NULL && strcmp(v->context, "folders") == 0) {
		const char *name = view_folders_selected(v, &acc);

		if (name == NULL || acc->worker == NULL) {
			ui_beep();
			return;
		}
		leave_and_open(core, acc, name);
		return;
	}

	if (v == NULL || strcmp(v->context, "accounts") != 0 ||
	    v->cursor >= (int)core->accounts->len) {
		ui_beep();
		return;
	}
	acc = core->accounts->pdata[v->cursor];
	open_account(core, acc);
}

/*
 * The index view with a message under its cursor, else NULL (after a
 * beep): what the message commands act on.
 */
static struct view *
index_with_message(struct core *core)
{
	struct view *index = ui_find_view("index");
	struct folder *f = core->folder;

	if (index == NULL || f == NULL || f->load != FOLDER_OPEN ||
	    folder_count(f) == 0) {
		ui_beep();
		return NULL;
	}
	return index;
}

/* Show the index's selected message in the pager. */
static void
cmd_display_message(struct core *core)
{
	struct view *index = index_with_message(core), *v;
	struct folder *f = core->folder;

	if (index == NULL)
		return;
	folder_open_message(f, (unsigned)index->cursor);
	if (ui_find_view("pager") == NULL) {
		v = view_pager_new(core);
		view_set_hint(v, keymap_hint("pager"));
		ui_push_view(v);
	}
}

/* From the pager: the next or previous message of the index. */
static void
step_message(struct core *core, int delta)
{
	struct view *index = ui_find_view("index");
	struct folder *f = core->folder;
	int to;

	if (index == NULL || f == NULL || f->load != FOLDER_OPEN)
		return;
	to = index->cursor + delta;
	if (to < 0 || to >= (int)folder_count(f)) {
		ui_message(delta > 0 ? "you are on the last message"
				     : "you are on the first message");
		return;
	}
	index->cursor = to;
	if (ui_find_view("pager") != NULL) {
		folder_open_message(f, (unsigned)to);
		ui_mark_dirty();
	}
}

static void
cmd_next_message(struct core *core)
{
	step_message(core, 1);
}

static void
cmd_previous_message(struct core *core)
{
	step_message(core, -1);
}

/* After a folder is chosen: back to its index (made if need be). */
static void
show_index(struct core *core)
{
	struct view *v;

	while (ui_top_view() != NULL &&
	    strcmp(ui_top_view()->context, "index") != 0 && ui_pop_view())
		;
	v = ui_top_view();
	if (v == NULL || strcmp(v->context, "index") != 0) {
		v = view_index_new(core);
		view_set_hint(v, keymap_hint("index"));
		ui_push_view(v);
	}
	v->cursor = 0;
	v->top = 0;
}

/* Whether some account has a worker (its folders can be opened). */
static bool
any_account_started(struct core *core)
{
	for (guint i = 0; i < core->accounts->len; i++) {
		const struct account *acc = core->accounts->pdata[i];

		if (acc->worker != NULL)
			return true;
	}
	return false;
}

/* y: the folders of every account, the current one's on the screen. */
static void
cmd_folder_list(struct core *core)
{
	struct account *acc = core_current_account(core);
	struct view *v;

	if (!any_account_started(core)) {
		ui_error("no account is open");
		return;
	}
	/* Fresh counts for every account. */
	core_list_all_folders(core);
	if (ui_find_view("folders") != NULL)
		return;
	v = view_folders_new(core);
	if (acc != NULL)
		view_folders_show(v, acc);
	view_set_hint(v, keymap_hint("folders"));
	ui_push_view(v);
}

/* The decoded names of acc's folders that can be opened (borrowed). */
static GPtrArray *
openable_names(struct account *acc, GPtrArray **infos_out)
{
	GPtrArray *names = g_ptr_array_new();
	GPtrArray *infos = g_ptr_array_new();

	for (guint i = 0; acc->folders != NULL && i < acc->folders->len; i++) {
		struct folder_info *fi = acc->folders->pdata[i];

		if (fi->flags & FOLDER_NOSELECT)
			continue;
		g_ptr_array_add(names, fi->name);
		g_ptr_array_add(infos, fi);
	}
	*infos_out = infos;
	return names;
}

static void
change_folder_cb(const char *text, void *data)
{
	struct core *core = data;
	struct account *acc;
	const char *name;
	g_autoptr(GPtrArray) infos = NULL;
	g_autoptr(GPtrArray) names = NULL;
	int i;

	if (text == NULL || *text == '\0')
		return;
	/* "bob/INBOX" is bob's INBOX; "Sent" is the current account's. */
	if (!core_resolve_folder(core, text, &acc, &name))
		return;
	if (acc->worker == NULL) {
		ui_error("account '%s' is not open", acc->name);
		return;
	}
	/* A name of the list is opened by what the server calls it. */
	names = openable_names(acc, &infos);
	i = complete_find((const char *const *)names->pdata, names->len, name);
	if (i >= 0)
		name = ((struct folder_info *)infos->pdata[i])->server_name;
	leave_and_open(core, acc, name);
}

/* At most this many candidates are named on the message line. */
#define COMPLETE_SHOWN 40

/*
 * Tab in the change-folder prompt: the folders of the current account,
 * and with several accounts also "NAME/" for each; after "NAME/", the
 * folders of that account.
 */
static char *
complete_folder(const char *text, void *data)
{
	struct core *core = data;
	struct account *acc = NULL;
	const char *rest = text;
	g_autoptr(GPtrArray) infos = NULL;
	g_autoptr(GPtrArray) names = NULL;
	g_autoptr(GPtrArray) matches = g_ptr_array_new();
	g_autoptr(GPtrArray) heads = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *done = NULL, *prefix = NULL;
	const char *slash = strchr(text, '/');
	GString *list;

	if (!core_resolve_folder(core, text, &acc, &rest))
		return NULL;
	if (rest != text) {
		/* "NAME/..." named an account: complete after the slash. */
		prefix = g_strndup(text, (gsize)(slash + 1 - text));
		rest = slash + 1;
	}
	if (acc->worker == NULL && prefix == NULL && core->accounts->len < 2)
		return NULL;
	if (acc->worker != NULL && acc->folders == NULL) {
		core_list_folders(core, acc);
		ui_message("loading the folder list...");
		return NULL;
	}
	if (acc->worker != NULL) {
		names = openable_names(acc, &infos);
	} else {
		names = g_ptr_array_new();
		if (prefix != NULL) {
			ui_error("account '%s' is not open", acc->name);
			return NULL;
		}
	}
	if (prefix == NULL && core->accounts->len > 1) {
		for (guint i = 0; i < core->accounts->len; i++) {
			const struct account *a = core->accounts->pdata[i];
			char *head = g_strconcat(a->name, "/", NULL);

			g_ptr_array_add(heads, head);
			g_ptr_array_add(names, head);
		}
	}
	done = complete_prefix((const char *const *)names->pdata, names->len,
	    rest, matches);
	if (matches->len == 0) {
		ui_error("no folder starts with '%s'", text);
		return NULL;
	}
	if (strcmp(done, rest) != 0)
		return prefix != NULL ? g_strconcat(prefix, done, NULL)
				      : g_steal_pointer(&done);
	if (matches->len == 1)
		return NULL; /* complete already */
	/* No progress: name the candidates, as mutt's second Tab does. */
	list = g_string_new(NULL);
	for (guint i = 0; i < matches->len && i < COMPLETE_SHOWN; i++)
		g_string_append_printf(list, "%s%s%s", i > 0 ? "  " : "",
		    prefix != NULL ? prefix : "",
		    (const char *)matches->pdata[i]);
	if (matches->len > COMPLETE_SHOWN)
		g_string_append_printf(list, "  (%u more)",
		    matches->len - COMPLETE_SHOWN);
	ui_message("%s", list->str);
	g_string_free(list, TRUE);
	return NULL;
}

/*
 * What the change-folder prompt offers, as mutt does: the next folder
 * after the open one (in sidebar order) with unread mail; NULL when none
 * or the list is not loaded.
 */
static const char *
folder_with_news(struct core *core, struct account *acc)
{
	g_autoptr(GPtrArray) order = NULL;
	const char *open = core->folder != NULL && core->folder->acc == acc
	    ? core->folder->name
	    : NULL;
	int from = -1;

	if (acc->folders == NULL)
		return NULL;
	order = sidebar_order(acc->folders);
	for (guint i = 0; open != NULL && i < order->len; i++)
		if (sidebar_folder_is(order->pdata[i], open))
			from = (int)i;
	for (guint k = 0; k < order->len; k++) {
		guint j = ((guint)(from + 1) + k) % order->len;
		const struct folder_info *fi = order->pdata[j];

		if ((int)j != from && !(fi->flags & FOLDER_NOSELECT) &&
		    fi->unseen > 0)
			return fi->name;
	}
	return NULL;
}

static void
cmd_change_folder(struct core *core)
{
	struct account *acc = core_current_account(core);

	if (!any_account_started(core)) {
		ui_error("no account is open");
		return;
	}
	/* The offer and Tab work on the current account's folders. */
	ui_prompt_complete("Open folder: ",
	    acc != NULL && acc->worker != NULL ? folder_with_news(core, acc)
					       : NULL,
	    complete_folder, change_folder_cb, core);
}

/* B in neomutt configs: show or hide the sidebar. */
static void
cmd_sidebar_toggle(struct core *core)
{
	g_autoptr(GError) error = NULL;

	if (!optset_toggle(core->cfg->global, "sidebar_visible", &error)) {
		ui_error("%s", error->message);
		return;
	}
	/* Fresh counts each time it shows (and a retry after a failure). */
	sidebar_refresh();
	ui_mark_dirty();
}

static void
sidebar_move(struct core *core, int delta)
{
	struct account *acc = core_current_account(core);

	if (!opt_bool(core->cfg->global, "sidebar_visible")) {
		ui_message("the sidebar is hidden: B shows it");
		return;
	}
	if (acc != NULL && acc->folders == NULL) {
		ui_message("loading the folder list...");
		return;
	}
	if (!sidebar_step(delta))
		ui_beep();
}

static void
cmd_sidebar_next(struct core *core)
{
	sidebar_move(core, 1);
}

static void
cmd_sidebar_prev(struct core *core)
{
	sidebar_move(core, -1);
}

static void
cmd_sidebar_open(struct core *core)
{
	struct account *acc = core_current_account(core);
	const char *name;
	g_autofree char *copy = NULL;

	if (!opt_bool(core->cfg->global, "sidebar_visible")) {
		ui_message("the sidebar is hidden: B shows it");
		return;
	}
	name = sidebar_selected();
	if (acc == NULL || acc->worker == NULL || name == NULL) {
		ui_beep();
		return;
	}
	/* Opening frees the old folder; the name lives in the list. */
	copy = g_strdup(name);
	leave_and_open(core, acc, copy);
}

static void
cmd_view_attachments(struct core *core)
{
	struct view *index = index_with_message(core), *v;
	struct folder *f = core->folder;

	if (index == NULL)
		return;
	/* From the index, the selected message is fetched first. */
	if (ui_find_view("pager") == NULL)
		folder_open_message(f, (unsigned)index->cursor);
	v = view_attach_new(core);
	view_set_hint(v, keymap_hint("attach"));
	ui_push_view(v);
}

static void
save_cb(const char *text, void *data)
{
	struct core *core = data;
	struct view *v = ui_find_view("attach");
	g_autofree char *path = NULL;

	if (text == NULL || *text == '\0' || v == NULL || core->folder == NULL)
		return;
	path = path_expand(text, NULL);
	if (g_file_test(path, G_FILE_TEST_EXISTS)) {
		ui_error("'%s' exists; not overwritten", path);
		return;
	}
	folder_save_part(core->folder, (unsigned)v->cursor, path);
	ui_message("saving '%s'...", path);
}

static void
cmd_save_attachment(struct core *core)
{
	struct view *v = ui_top_view();
	struct folder *f = core->folder;
	const struct part_info *pi;
	g_autofree char *fallback = NULL, *name = NULL;

	if (v == NULL || strcmp(v->context, "attach") != 0 || f == NULL ||
	    f->message == NULL || v->cursor >= (int)f->message->parts->len) {
		ui_beep();
		return;
	}
	pi = f->message->parts->pdata[v->cursor];
	fallback = g_strdup_printf("attachment-%s", pi->section);
	/* The name comes from the mail: never a path, never hidden. */
	name = path_safe_name(pi->name, fallback);
	ui_prompt("Save to file: ", name, save_cb, core);
}

/* Enter in the attachment list: the part through mailcap (or as text). */
static void
open_selected_part(struct core *core, bool mailcap_only)
{
	struct view *v = ui_top_view();

	if (v == NULL || strcmp(v->context, "attach") != 0 || v->cursor < 0) {
		ui_beep();
		return;
	}
	attach_open(core, (unsigned)v->cursor, mailcap_only);
}

static void
cmd_view_attach(struct core *core)
{
	open_selected_part(core, false);
}

static void
cmd_view_mailcap(struct core *core)
{
	open_selected_part(core, true);
}

/* Move the index cursor to row i, on the screen. */
static void
index_goto(struct view *index, int i)
{
	index->cursor = i;
	ui_mark_dirty();
}

/* Tab in mutt: the next unread message (among the headers loaded). */
static void
cmd_next_unread(struct core *core)
{
	struct view *index = ui_find_view("index");
	struct folder *f = core->folder;
	unsigned n;

	if (index == NULL || f == NULL || f->load != FOLDER_OPEN)
		return;
	n = folder_count(f);
	for (unsigned k = 1; k <= n; k++) {
		unsigned i = ((unsigned)index->cursor + k) % n;
		const struct msg_row *row = folder_row(f, i);

		if (row->env != NULL && !(row->env->flags & MSG_SEEN)) {
			index_goto(index, (int)i);
			return;
		}
	}
	ui_message("no unread messages%s",
	    folder_filled(f) ? "" : " among the headers loaded so far");
}

/*
 * Searching the index with mutt's patterns: the server (or the local
 * store) answers with the matching UIDs (core/search.h), and the cursor
 * goes to the next shown row among them, after the cursor (before it with
 * search-reverse), wrapping round. Nothing waits: the answer moves the
 * cursor when it comes.
 */
static char *last_search;
static bool last_reverse;      /* the last search went backwards */
static bool searching_reverse; /* the search under way goes backwards */

static bool
uid_in(const GArray *sorted, uint32_t uid)
{
	guint lo = 0, hi = sorted->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		uint32_t u = g_array_index(sorted, uint32_t, mid);

		if (u == uid)
			return true;
		if (u < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/*
 * Keys typed while a search, limit or tag pattern waits for its answer
 * are held and run once it has come, in order, as mutt's type-ahead acts
 * on the row its (blocking) search found; the screen is never frozen, and
 * Ctrl-G cancels the search and drops them.
 */
#define HELD_KEYS_MAX 256
static GArray *held_keys; /* int */
static bool holding;

static void
hold_keys(void)
{
	holding = true;
	if (held_keys == NULL)
		held_keys = g_array_new(FALSE, FALSE, sizeof(int));
	ui_message("searching...");
}

/* The answer came: run the keys held meanwhile (until one waits again). */
static void
release_keys(struct core *core)
{
	holding = false;
	while (held_keys != NULL && held_keys->len > 0 && !holding) {
		int key = g_array_index(held_keys, int, 0);

		g_array_remove_index(held_keys, 0);
		cmd_key(core, key);
	}
}

static void
release_keys_cb(void *data)
{
	release_keys(data);
}

static void
on_search_found(struct folder *f, const GArray *uids, const GError *error,
    void *data)
{
	struct core *core = data;
	struct view *index = ui_find_view("index");
	unsigned n = folder_count(f);

	if (error != NULL) {
		ui_error("search: %s", error->message);
		release_keys(core);
		return;
	}
	ui_message("%s", ""); /* "searching..." is over */
	if (index == NULL || f != core->folder || n == 0) {
		release_keys(core);
		return;
	}
	for (unsigned k = 1; k <= n; k++) {
		unsigned cur = (unsigned)index->cursor % n;
		unsigned i =
		    searching_reverse ? (cur + n - k % n) % n : (cur + k) % n;

		if (uid_in(uids, folder_row(f, i)->uid)) {
			if (!searching_reverse && i <= cur)
				ui_message("search wrapped to the top");
			else if (searching_reverse && i >= cur)
				ui_message("search wrapped to the bottom");
			index_goto(index, (int)i);
			release_keys(core);
			return;
		}
	}
	ui_error("not found: %s", last_search);
	release_keys(core);
}

static void
search_from_cursor(struct core *core, bool reverse)
{
	struct view *index = ui_find_view("index");
	struct folder *f = core->folder;
	g_autoptr(GError) error = NULL;

	if (index == NULL || f == NULL || f->load != FOLDER_OPEN ||
	    last_search == NULL)
		return;
	searching_reverse = reverse;
	if (!folder_search(f, last_search, on_search_found, core, &error))
		ui_error("%s", error->message);
	else
		hold_keys();
}

static void
search_cb(const char *text, void *data)
{
	if (text == NULL || *text == '\0')
		return;
	g_free(last_search);
	last_search = g_strdup(text);
	search_from_cursor(data, last_reverse);
}

static void
pager_search_cb(const char *text, void *data)
{
	struct view *v = ui_top_view();

	(void)data;
	if (text == NULL || *text == '\0' || v == NULL ||
	    strcmp(v->context, "pager") != 0)
		return;
	view_pager_search(v, text);
}

/*
 * / in mutt: in the index a pattern (a plain word matches the sender and
 * the subject), searched by the server; in the pager, the lines shown.
 */
static void
cmd_search(struct core *core)
{
	struct view *v = ui_top_view();

	if (v != NULL && strcmp(v->context, "pager") == 0) {
		ui_prompt("Search for: ", view_pager_last_search(v),
		    pager_search_cb, core);
		return;
	}
	last_reverse = false;
	ui_prompt("Search for: ", last_search, search_cb, core);
}

/* Esc / in mutt: the same, towards the top. */
static void
cmd_search_reverse(struct core *core)
{
	struct view *v = ui_top_view();

	if (v != NULL && strcmp(v->context, "pager") == 0) {
		cmd_search(core);
		return;
	}
	last_reverse = true;
	ui_prompt("Reverse search for: ", last_search, search_cb, core);
}

static void
cmd_search_next(struct core *core)
{
	struct view *v = ui_top_view();

	if (v != NULL && strcmp(v->context, "pager") == 0) {
		if (!view_pager_search_next(v))
			cmd_search(core);
		return;
	}
	if (last_search == NULL) {
		cmd_search(core);
		return;
	}
	search_from_cursor(core, last_reverse);
}

/* mutt's search-opposite: the last search the other way. */
static void
cmd_search_opposite(struct core *core)
{
	struct view *v = ui_top_view();

	if (v != NULL && strcmp(v->context, "pager") == 0) {
		cmd_search_next(core);
		return;
	}
	if (last_search == NULL) {
		cmd_search_reverse(core);
		return;
	}
	search_from_cursor(core, !last_reverse);
}

static void
limit_cb(const char *text, void *data)
{
	struct core *core = data;
	struct folder *f = core->folder;
	g_autoptr(GError) error = NULL;

	if (text == NULL || f == NULL)
		return;
	if (folder_limit_is_all(text)) {
		folder_limit(f, text, NULL, NULL, NULL);
		ui_message("every message shown");
	} else if (!folder_limit(f, text, release_keys_cb, core, &error)) {
		ui_error("%s", error->message);
	} else {
		hold_keys();
	}
	ui_mark_dirty();
}

/*
 * l in mutt: show only the messages matching a pattern (the server
 * searches); "all", ~A or nothing shows them all again.
 */
static void
cmd_limit(struct core *core)
{
	struct folder *f = core->folder;

	if (ui_find_view("index") == NULL || f == NULL ||
	    f->load != FOLDER_OPEN) {
		ui_beep();
		return;
	}
	ui_prompt("Limit to messages matching: ", f->limit_pattern, limit_cb,
	    core);
}

/*
 * N in mutt (toggle-new): the message shown in the pager, else the one
 * selected in the index, becomes unread if it was read and read if not.
 */
static void
cmd_toggle_new(struct core *core)
{
	struct view *v = ui_top_view();
	struct folder *f = core->folder;
	const struct msg_row *row;
	uint32_t uid;

	if (v != NULL && strcmp(v->context, "pager") == 0) {
		if (f == NULL || f->message == NULL) {
			ui_beep();
			return;
		}
		uid = f->message->uid;
	} else {
		struct view *index = index_with_message(core);

		if (index == NULL)
			return;
		uid = folder_row(f, (unsigned)index->cursor)->uid;
	}
	for (unsigned i = 0; i < folder_count(f); i++) {
		row = folder_row(f, i);
		if (row->uid != uid)
			continue;
		if (row->env == NULL)
			break;
		if (row->env->flags & MSG_SEEN)
			folder_change_flags(f, uid, 0, MSG_SEEN);
		else
			folder_change_flags(f, uid, MSG_SEEN, 0);
		ui_mark_dirty();
		return;
	}
	ui_message("the message's header is not loaded yet");
}

/*
 * Changing mail: flags, tags, purge, copy and move. A command acts on the
 * tagged messages after ; (tag-prefix), else on the message shown in the
 * pager, else on the index's selected one.
 */

static bool tag_prefix; /* ; was typed: the next command takes the tags */

/* The UIDs the command acts on (caller unrefs); NULL after a beep. */
static GArray *
target_uids(struct core *core, bool *tagged)
{
	struct view *v = ui_top_view();
	struct folder *f = core->folder;
	GArray *uids;
	uint32_t uid;

	*tagged = false;
	if (tag_prefix && f != NULL && f->load == FOLDER_OPEN) {
		tag_prefix = false;
		if (f->tagged == 0) {
			ui_error("no tagged messages");
			return NULL;
		}
		*tagged = true;
		return folder_tagged_uids(f);
	}
	if (v != NULL && strcmp(v->context, "pager") == 0) {
		if (f == NULL || f->message == NULL) {
			ui_beep();
			return NULL;
		}
		uid = f->message->uid;
	} else {
		struct view *index = index_with_message(core);

		if (index == NULL)
			return NULL;
		uid = folder_row(f, (unsigned)index->cursor)->uid;
	}
	uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_array_append_val(uids, uid);
	return uids;
}

/* mutt's resolve: after a change of one message, the index moves on. */
static void
resolve(struct core *core, bool tagged)
{
	struct view *v = ui_top_view();

	if (!tagged && v != NULL && strcmp(v->context, "index") == 0 &&
	    v->cursor + 1 < (int)folder_count(core->folder))
		index_goto(v, v->cursor + 1);
}

static void
change_flags(struct core *core, uint32_t add, uint32_t remove)
{
	bool tagged;
	g_autoptr(GArray) uids = target_uids(core, &tagged);

	if (uids == NULL)
		return;
	if (folder_change_flags_uids(core->folder, uids, add, remove) == 0) {
		ui_message("the message's header is not loaded yet");
		return;
	}
	resolve(core, tagged);
	ui_mark_dirty();
}

/* d: mark deleted (\Deleted); $ or leaving the folder purges. */
static void
cmd_delete_message(struct core *core)
{
	change_flags(core, MSG_DELETED, 0);
}

static void
cmd_undelete_message(struct core *core)
{
	change_flags(core, 0, MSG_DELETED);
}

/* F: each message flagged if it was not, else unflagged. */
static void
cmd_flag_message(struct core *core)
{
	struct folder *f = core->folder;
	bool tagged;
	g_autoptr(GArray) uids = target_uids(core, &tagged);
	g_autoptr(GArray) on = NULL, off = NULL;
	unsigned n;

	if (uids == NULL)
		return;
	on = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	off = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (guint k = 0; k < uids->len; k++) {
		uint32_t uid = g_array_index(uids, uint32_t, k);
		const struct msg_row *row = folder_row_of_uid(f, uid);

		if (row == NULL || row->env == NULL)
			continue;
		if (row->env->flags & MSG_FLAGGED)
			g_array_append_val(off, uid);
		else
			g_array_append_val(on, uid);
	}
	n = folder_change_flags_uids(f, on, MSG_FLAGGED, 0) +
	    folder_change_flags_uids(f, off, 0, MSG_FLAGGED);
	if (n == 0) {
		ui_message("the message's header is not loaded yet");
		return;
	}
	resolve(core, tagged);
	ui_mark_dirty();
}

/* t: tag or untag the selected message and move down. */
static void
cmd_tag_entry(struct core *core)
{
	struct view *index = index_with_message(core);
	struct folder *f = core->folder;

	if (index == NULL)
		return;
	folder_set_tag(f, (unsigned)index->cursor,
	    !folder_row(f, (unsigned)index->cursor)->tagged);
	resolve(core, false);
	ui_mark_dirty();
}

static void
on_tag_found(struct folder *f, const GArray *uids, const GError *error,
    void *data)
{
	struct core *core = data;
	unsigned n = 0;

	if (error != NULL) {
		ui_error("tag: %s", error->message);
		release_keys(core);
		return;
	}
	if (f != core->folder) {
		release_keys(core);
		return;
	}
	/* The rows shown, as mutt tags within the limit. */
	for (unsigned i = 0; i < folder_count(f); i++) {
		if (uid_in(uids, folder_row(f, i)->uid)) {
			folder_set_tag(f, i, true);
			n++;
		}
	}
	ui_message("%u message%s tagged", n, n == 1 ? "" : "s");
	ui_mark_dirty();
	release_keys(core);
}

static void
tag_pattern_cb(const char *text, void *data)
{
	struct core *core = data;
	struct folder *f = core->folder;
	g_autoptr(GError) error = NULL;

	if (text == NULL || *text == '\0' || f == NULL ||
	    f->load != FOLDER_OPEN)
		return;
	if (!folder_search(f, text, on_tag_found, core, &error))
		ui_error("%s", error->message);
	else
		hold_keys();
}

/* T: tag the messages matching a pattern (the server searches). */
static void
cmd_tag_pattern(struct core *core)
{
	if (index_with_message(core) == NULL)
		return;
	ui_prompt("Tag messages matching: ", NULL, tag_pattern_cb, core);
}

/* ;: the next command acts on the tagged messages. */
static void
cmd_tag_prefix(struct core *core)
{
	struct folder *f = core->folder;

	if (f == NULL || f->load != FOLDER_OPEN || f->tagged == 0) {
		ui_error("no tagged messages");
		return;
	}
	tag_prefix = true;
	ui_message("tag-");
}

/*
 * Purging: $ or leaving a folder. With a trash (not this folder), the
 * deleted messages move there instead of going for good.
 */
struct purge {
	struct core *core;
	GArray *uids;
	bool leaving; /* a folder opens or skua quits once it is done */
	bool quit;
	struct account *acc; /* the folder to open, when not quit */
	char *name;
	unsigned serial; /* what its callbacks get: never a freed pointer */
};

/* At most one purge waits for an answer (the question may be dropped). */
static struct purge *purging;
static unsigned purge_serial;

/* The purge a callback's data names, if it is still the one under way. */
static struct purge *
purge_of(void *data)
{
	if (purging == NULL || purging->serial != GPOINTER_TO_UINT(data))
		return NULL;
	return purging;
}

static void
purge_free(struct purge *pg)
{
	if (pg == NULL)
		return;
	g_array_unref(pg->uids);
	g_free(pg->name);
	g_free(pg);
}

static void open_folder_now(struct core *core, struct account *acc,
    const char *name);

/* The purge is done or declined: go where the user was going. */
static void
purge_finish(struct purge *pg)
{
	struct core *core = pg->core;

	if (purging == pg)
		purging = NULL;
	if (pg->leaving && pg->quit)
		do_quit(core);
	else if (pg->leaving)
		open_folder_now(core, pg->acc, pg->name);
	purge_free(pg);
}

static void purge_run(struct purge *pg, bool plain);

static void
plain_expunge_cb(bool yes, void *data)
{
	struct purge *pg = purge_of(data);

	if (pg == NULL)
		return;
	if (yes)
		purge_run(pg, true);
	else
		purge_finish(pg);
}

static void
purged_cb(const GError *error, void *data)
{
	struct purge *pg = purge_of(data);

	if (pg == NULL)
		return;
	if (g_error_matches(error, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED)) {
		/* No UIDPLUS: only a plain EXPUNGE, which is everyone's. */
		ui_ask("The server cannot purge only these (no UIDPLUS): "
		       "purge EVERY deleted message, other clients' too?",
		    false, plain_expunge_cb, GUINT_TO_POINTER(pg->serial));
		return;
	}
	if (error != NULL) { /* reported; the folder stays open */
		purging = NULL;
		purge_free(pg);
		ui_mark_dirty();
		return;
	}
	purge_finish(pg);
	ui_mark_dirty();
}

static void
purge_run(struct purge *pg, bool plain)
{
	struct folder *f = pg->core->folder;
	const char *trash = NULL;

	if (f == NULL || f->load != FOLDER_OPEN) { /* closed meanwhile */
		purge_finish(pg);
		return;
	}
	if (!plain && !folder_trash(f, &trash)) {
		core_list_folders(pg->core, f->acc);
		ui_error("the folder list (for the trash) is loading: "
			 "try again");
		purging = NULL;
		purge_free(pg);
		return;
	}
	if (trash != NULL)
		folder_transfer(f, pg->uids, trash, FOLDER_TO_TRASH, purged_cb,
		    GUINT_TO_POINTER(pg->serial));
	else
		folder_expunge(f, pg->uids, plain, purged_cb,
		    GUINT_TO_POINTER(pg->serial));
	ui_message("%s %u deleted message%s...",
	    trash != NULL ? "moving to the trash" : "purging", pg->uids->len,
	    pg->uids->len == 1 ? "" : "s");
}

static void
purge_answer_cb(bool yes, void *data)
{
	struct purge *pg = purge_of(data);

	if (pg == NULL)
		return;
	if (yes)
		purge_run(pg, false);
	else
		purge_finish(pg);
}

/*
 * Purge the messages marked deleted, as the delete option says (asking
 * first, or not at all); then, when leaving, open acc's name or quit.
 */
static void
purge_start(struct core *core, bool leaving, bool quit, struct account *acc,
    const char *name)
{
	struct folder *f = core->folder;
	struct purge *pg;
	g_autofree char *question = NULL;
	enum quad q = opt_quad(core->cfg->global, "delete");

	pg = g_new0(struct purge, 1);
	pg->core = core;
	pg->leaving = leaving;
	pg->quit = quit;
	pg->acc = acc;
	pg->name = g_strdup(name);
	/* Never 0, so a callback's data always names one purge. */
	pg->serial = ++purge_serial != 0 ? purge_serial : ++purge_serial;
	pg->uids = f != NULL && f->load == FOLDER_OPEN
	    ? folder_deleted_uids(f)
	    : g_array_new(FALSE, FALSE, sizeof(uint32_t));
	purge_free(purging);
	purging = pg;
	if (pg->uids->len == 0 || q == QUAD_NO) {
		if (!leaving)
			ui_message(pg->uids->len == 0
				? "no deleted messages"
				: "delete is set to no: nothing purged");
		purge_finish(pg);
		return;
	}
	if (q == QUAD_YES) {
		purge_run(pg, false);
		return;
	}
	question = g_strdup_printf("Purge %u deleted message%s?", pg->uids->len,
	    pg->uids->len == 1 ? "" : "s");
	ui_ask(question, q == QUAD_ASK_YES, purge_answer_cb,
	    GUINT_TO_POINTER(pg->serial));
}

/* $: purge the messages marked deleted (or move them to the trash). */
static void
cmd_sync_mailbox(struct core *core)
{
	if (core->folder == NULL || core->folder->load != FOLDER_OPEN) {
		ui_beep();
		return;
	}
	purge_start(core, false, false, NULL, NULL);
}

static void
open_folder_now(struct core *core, struct account *acc, const char *name)
{
	core_open_folder(core, acc, name);
	show_index(core);
	sidebar_refresh();
}

/* Open a folder, purging the one left first (the delete option). */
static void
leave_and_open(struct core *core, struct account *acc, const char *name)
{
	purge_start(core, true, false, acc, name);
}

void
cmd_open_folder(struct core *core, struct account *acc, const char *name)
{
	leave_and_open(core, acc, name);
}

/* Quit, purging the open folder first (the delete option). */
static void
leave_and_quit(struct core *core)
{
	purge_start(core, true, true, NULL, NULL);
}

/* The messages s and C act on, kept while the prompt is up. */
static GArray *transfer_uids;
static bool transfer_tagged;

static void
transfer_cb(const char *text, void *data, enum folder_transfer how)
{
	struct core *core = data;
	struct folder *f = core->folder;
	struct account *acc;
	const char *name;
	g_autoptr(GPtrArray) infos = NULL;
	g_autoptr(GPtrArray) names = NULL;
	int i;

	if (text == NULL || *text == '\0' || f == NULL ||
	    f->load != FOLDER_OPEN || transfer_uids == NULL) {
		g_clear_pointer(&transfer_uids, g_array_unref);
		return;
	}
	if (!core_resolve_folder(core, text, &acc, &name))
		return;
	names = openable_names(acc, &infos);
	i = complete_find((const char *const *)names->pdata, names->len, name);
	if (i >= 0)
		name = ((struct folder_info *)infos->pdata[i])->server_name;
	if (acc != f->acc) {
		g_autoptr(GError) error = NULL;

		/* Another account: APPEND there, delete here after. */
		if (!folder_transfer_account(f, transfer_uids, acc, name,
			how != FOLDER_COPY, &error)) {
			ui_error("%s", error->message);
			return;
		}
		ui_message("%s %u message%s to %s/%s...",
		    how == FOLDER_COPY ? "copying" : "moving",
		    transfer_uids->len, transfer_uids->len == 1 ? "" : "s",
		    acc->name, name);
		if (transfer_tagged)
			folder_untag_all(f);
		g_clear_pointer(&transfer_uids, g_array_unref);
		return;
	}
	if (strcmp(name, f->name) == 0) {
		ui_error("the messages are in that folder already");
		return;
	}
	folder_transfer(f, transfer_uids, name, how, NULL, NULL);
	ui_message("%s %u message%s to %s...",
	    how == FOLDER_COPY ? "copying" : "moving", transfer_uids->len,
	    transfer_uids->len == 1 ? "" : "s", name);
	if (transfer_tagged)
		folder_untag_all(f);
	g_clear_pointer(&transfer_uids, g_array_unref);
}

static void
save_message_cb(const char *text, void *data)
{
	transfer_cb(text, data, FOLDER_MOVE);
}

static void
copy_message_cb(const char *text, void *data)
{
	transfer_cb(text, data, FOLDER_COPY);
}

static void
transfer_prompt(struct core *core, bool move)
{
	GArray *uids = target_uids(core, &transfer_tagged);

	if (uids == NULL)
		return;
	if (transfer_uids != NULL)
		g_array_unref(transfer_uids);
	transfer_uids = uids;
	if (core->folder->acc->folders == NULL)
		core_list_folders(core, core->folder->acc);
	ui_prompt_complete(move ? (transfer_tagged ? "Move tagged to folder: "
						   : "Move to folder: ")
				: (transfer_tagged ? "Copy tagged to folder: "
						   : "Copy to folder: "),
	    NULL, complete_folder, move ? save_message_cb : copy_message_cb,
	    core);
}

/* s: move to a folder of the account (mutt's save-message). */
static void
cmd_save_message(struct core *core)
{
	transfer_prompt(core, true);
}

/* C: copy to a folder of the account. */
static void
cmd_copy_message(struct core *core)
{
	transfer_prompt(core, false);
}

/* o and O in mutt: one key names the order. */
static const struct {
	char key;
	enum sort_key sort;
} sort_keys[] = {
	{ 'd', SORT_DATE },
	{ 'f', SORT_FROM },
	{ 'r', SORT_RECEIVED },
	{ 's', SORT_SUBJECT },
	{ 't', SORT_TO },
	{ 'z', SORT_SIZE },
	{ 'T', SORT_THREADS },
	{ 'u', SORT_ARRIVAL },
};

static void
sort_by_key(struct core *core, int key, bool reverse)
{
	struct folder *f = core->folder;

	if (f == NULL || f->load == FOLDER_FAILED)
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(sort_keys); i++) {
		if (sort_keys[i].key == key) {
			folder_set_sort(f, sort_keys[i].sort, reverse);
			ui_mark_dirty();
			return;
		}
	}
}

static void
sort_cb(int key, void *data)
{
	sort_by_key(data, key, false);
}

static void
sort_reverse_cb(int key, void *data)
{
	sort_by_key(data, key, true);
}

static void
cmd_sort_mailbox(struct core *core)
{
	if (ui_find_view("index") == NULL || core->folder == NULL) {
		ui_beep();
		return;
	}
	ui_choose("Sort (d)ate/(f)rm/(r)ecv/(s)ubj/(t)o/(z)size/(T)hreads/"
		  "(u)nsorted?",
	    "dfrstzTu", sort_cb, core);
}

static void
cmd_sort_reverse(struct core *core)
{
	if (ui_find_view("index") == NULL || core->folder == NULL) {
		ui_beep();
		return;
	}
	ui_choose("Rev-Sort (d)ate/(f)rm/(r)ecv/(s)ubj/(t)o/(z)size/(T)hreads/"
		  "(u)nsorted?",
	    "dfrstzTu", sort_reverse_cb, core);
}

/* clang-format off */
static const struct cmd_entry table[] = {
	{ "abort-message", cmd_abort_message,  "abandon the message being written (asks first)" },
	{ "attach-file",  cmd_attach_file,    "attach a file to the message (Tab completes the path)" },
	{ "cancel",         cmd_cancel,         "stop opening a folder, a message, a save or a send" },
	{ "change-folder",  cmd_change_folder,  "open a folder by name" },
	{ "copy-message",   cmd_copy_message,   "copy the message (or ; the tagged) to a folder" },
	{ "create-mailbox", cmd_create_mailbox, "create a folder in the account (folder list)" },
	{ "delete-mailbox", cmd_delete_mailbox, "delete the folder, after asking (folder list)" },
	{ "delete-message", cmd_delete_message, "mark the message deleted ($ purges it)" },
	{ "detach-file",  cmd_detach_file,    "remove the selected attachment from the message" },
	{ "display-message", cmd_display_message, "show the selected message" },
	{ "edit-as-new",  cmd_edit_as_new,    "write a new message from a copy of this one" },
	{ "edit-bcc",     cmd_edit_bcc,       "change the Bcc addresses" },
	{ "edit-cc",      cmd_edit_cc,        "change the Cc addresses" },
	{ "edit-from",    cmd_edit_from,      "change the From address" },
	{ "edit-message", cmd_edit_message,   "edit the text of the message again" },
	{ "edit-reply-to", cmd_edit_reply_to,  "change the Reply-To address" },
	{ "edit-subject", cmd_edit_subject,   "change the subject" },
	{ "edit-to",      cmd_edit_to,        "change the To addresses" },
	{ "enter-command",  cmd_enter_command,  "run an rc command (set, unset, push ...)" },
	{ "exit",           cmd_exit,           "leave this screen" },
	{ "fetch-mail",     cmd_fetch_mail,     "download new mail of the POP3 accounts" },
	{ "first-entry",    cmd_first_entry,    "go to the first line" },
	{ "flag-message",   cmd_flag_message,   "flag the message, or unflag it" },
	{ "folder-list",    cmd_folder_list,    "list the folders of every account" },
	{ "forward-message", cmd_forward_message, "forward the message (inline, or attached with mime_forward)" },
	{ "group-reply",  cmd_group_reply,    "reply to the sender and every recipient" },
	{ "help",           cmd_help,           "show the keys of this screen" },
	{ "last-entry",     cmd_last_entry,     "go to the last line" },
	{ "limit",          cmd_limit,          "show only the messages matching a pattern" },
	{ "list-reply",   cmd_list_reply,     "reply to the mailing list (List-Post)" },
	{ "mail",         cmd_mail,           "write a new message" },
	{ "next-entry",     cmd_next_entry,     "move down one line" },
	{ "next-message",   cmd_next_message,   "show the next message" },
	{ "next-page",      cmd_next_page,      "move down one page" },
	{ "next-unread",    cmd_next_unread,    "go to the next unread message" },
	{ "postpone-message", cmd_postpone_message, "keep the message in the Drafts folder for later" },
	{ "previous-entry", cmd_previous_entry, "move up one line" },
	{ "previous-message", cmd_previous_message, "show the previous message" },
	{ "previous-page",  cmd_previous_page,  "move up one page" },
	{ "quit",           cmd_quit,           "leave skua (see the quit option)" },
	{ "recall-message", cmd_recall_message, "go on with a postponed message (Drafts)" },
	{ "recall-only-draft", cmd_recall_only_draft, "in Drafts, go on with the postponed message if it is the only one" },
	{ "redraw-screen",  cmd_redraw,         "clear and redraw the screen" },
	{ "rename-mailbox", cmd_rename_mailbox, "rename the folder (folder list)" },
	{ "reply",        cmd_reply,          "reply to the sender (or Reply-To)" },
	{ "save-attachment", cmd_save_attachment, "save the selected part to a file" },
	{ "save-message",   cmd_save_message,   "move the message (or ; the tagged) to a folder" },
	{ "search",         cmd_search,         "search with a pattern (the server searches), or the pager's text" },
	{ "search-next",    cmd_search_next,    "search again" },
	{ "search-opposite", cmd_search_opposite, "search again, the other way" },
	{ "search-reverse", cmd_search_reverse, "search towards the top" },
	{ "select-entry",   cmd_select_entry,   "open the selected entry" },
	{ "send-message", cmd_send_message,   "send the message" },
	{ "sidebar-next",   cmd_sidebar_next,   "move the sidebar's cursor to the next folder" },
	{ "sidebar-open",   cmd_sidebar_open,   "open the folder under the sidebar's cursor" },
	{ "sidebar-prev",   cmd_sidebar_prev,   "move the sidebar's cursor to the previous folder" },
	{ "sidebar-toggle-visible", cmd_sidebar_toggle, "show or hide the sidebar" },
	{ "sort-mailbox",   cmd_sort_mailbox,   "sort the index (asks for the order)" },
	{ "sort-reverse",   cmd_sort_reverse,   "sort the index in reverse order" },
	{ "subscribe",      cmd_subscribe,      "subscribe to the folder (folder list)" },
	{ "sync-mailbox",   cmd_sync_mailbox,   "purge the messages marked deleted (or move them to the trash)" },
	{ "tag-entry",      cmd_tag_entry,      "tag or untag the message" },
	{ "tag-pattern",    cmd_tag_pattern,    "tag the messages whose sender or subject contains a text" },
	{ "tag-prefix",     cmd_tag_prefix,     "apply the next command to the tagged messages" },
	{ "toggle-new",     cmd_toggle_new,     "mark the message unread, or read again" },
	{ "toggle-subscribed", cmd_toggle_subscribed, "list the subscribed folders only, or all (folder list)" },
	{ "undelete-message", cmd_undelete_message, "remove the message's deleted mark" },
	{ "unsubscribe",    cmd_unsubscribe,    "unsubscribe from the folder (folder list)" },
	{ "view-attach",    cmd_view_attach,    "open the selected part (mailcap, else text)" },
	{ "view-attachments", cmd_view_attachments, "list the parts of the message" },
	{ "view-mailcap",   cmd_view_mailcap,   "open the selected part with its mailcap entry" },
};
/* clang-format on */

const struct cmd_entry *
cmd_table(unsigned *n_out)
{
	*n_out = G_N_ELEMENTS(table);
	return table;
}

static int
cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct cmd_entry *)elem)->name);
}

const struct cmd_entry *
cmd_find(const char *name)
{
	return bsearch(name, table, G_N_ELEMENTS(table), sizeof(table[0]),
	    cmp_name);
}

bool
cmd_run(struct core *core, const char *name)
{
	const struct cmd_entry *c = cmd_find(name);

	if (c == NULL)
		return false;
	c->fn(core);
	return true;
}

void
cmd_key(struct core *core, int key)
{
	struct view *v = ui_top_view();
	const char *name;

	if (holding) {
		struct folder *f = core->folder;

		if (f == NULL || f->search_id == 0) {
			/* The folder went, and its answer with it. */
			release_keys(core);
		} else if (key == 7) { /* Ctrl-G */
			folder_search_cancel(f);
			g_array_set_size(held_keys, 0);
			return;
		} else {
			if (held_keys->len < HELD_KEYS_MAX)
				g_array_append_val(held_keys, key);
			return;
		}
	}
	if (ui_prompt_active()) {
		ui_prompt_key(key);
		/* A question that waited for the prompt to end. */
		cmd_auth_next();
		return;
	}
	name = keymap_lookup(v != NULL ? v->context : "generic", key);
	if (name == NULL) {
		g_autofree char *k = ui_key_name(key);

		ui_error("key %s is not bound: press ? for help", k);
		return;
	}
	cmd_run(core, name);
	/* ; applies to the one command that follows. */
	if (strcmp(name, "tag-prefix") != 0)
		tag_prefix = false;
}

static struct view *
welcome_view(void)
{
	struct view *v = view_new("welcome", "no account", false);
	g_autofree char *rc = path_default_rc();

	view_add_line(v, "");
	view_addf(v, "  Welcome to skua %s. No mail account is configured.",
	    PACKAGE_VERSION);
	view_add_line(v, "");
	view_addf(v, "  Write an rc file at %s", rc);
	view_add_line(v, "  (or start skua with -F FILE), for example:");
	view_add_line(v, "");
	view_add_line(v, "      account work");
	view_add_line(v,
	    "          set folder = \"imaps://you@mail.example.com/\"");
	view_add_line(v, "          set password = \"...\"");
	view_add_line(v, "      end");
	view_add_line(v, "");
	view_add_line(v, "  or open a folder directly:");
	view_add_line(v, "");
	view_add_line(v, "      skua -f imaps://you@mail.example.com/INBOX");
	view_add_line(v, "");
	view_add_line(v,
	    "  skuarc(5) lists every option; press ? for the keys, "
	    "q to quit.");
	view_set_hint(v, keymap_hint("welcome"));
	return v;
}

static struct view *
accounts_view(struct core *core)
{
	struct view *v = view_accounts_new(core);

	view_set_hint(v, keymap_hint("accounts"));
	return v;
}

void
cmd_first_screen(struct core *core)
{
	GPtrArray *errors = core->cfg->errors;

	sidebar_init(core);
	if (core->accounts->len == 0) {
		ui_push_view(welcome_view());
	} else {
		struct account *first = core->accounts->pdata[0];

		ui_push_view(accounts_view(core));
		/* Like mutt, start in the first mailbox when it can be read. */
		open_account(core, first);
		/* Every other account connects and lists in the background. */
		core_connect_all(core);
	}
	if (errors->len == 1)
		ui_error("%s", (const char *)errors->pdata[0]);
	else if (errors->len > 1)
		ui_error("%s (and %u more errors)",
		    (const char *)errors->pdata[0], errors->len - 1);
}
