/* SPDX-License-Identifier: ISC */
/*
 * Writing mail, as mutt does it: prompts, the editor on a private file,
 * the compose screen, then sending or postponing through core in the
 * background (the UI never waits on the network).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/types.h"
#include "backend/worker.h"
#include "cmd/cmd.h"
#include "cmd/compose.h"
#include "cmd/keymap.h"
#include "config/config.h"
#include "config/options.h"
#include "core/core.h"
#include "core/folder.h"
#include "core/send.h"
#include "mime/compose.h"
#include "mime/headers.h"
#include "mime/reply.h"
#include "ui/complete.h"
#include "ui/ui.h"
#include "ui/view-compose.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/path.h"

/* A signature file larger than this is not read. */
#define SIGNATURE_MAX (64 * 1024)
/* A message fetched to answer larger than this is refused. */
#define ORIGINAL_MAX (256 * 1024 * 1024)

enum compose_kind {
	COMPOSE_NEW,
	COMPOSE_REPLY,
	COMPOSE_FORWARD,
	COMPOSE_EDIT_AS_NEW,
	COMPOSE_RECALL,
};

struct compose {
	struct core *core;
	struct account *acc;
	enum compose_kind kind;
	enum reply_mode mode;
	struct draft *draft;
	char *dir;  /* our temporary directory (0700), removed at the end */
	char *orig; /* the original message, fetched whole into dir */
	struct reply_orig *parsed;
	bool honour_reply_to, include;
	/* The message answered (\Answered once sent) or the draft recalled
	 * (removed from Drafts once sent): folder server name and UID. */
	char *src_folder;
	uint32_t src_uid;
	struct view *view; /* the compose screen, NULL before and after */
	bool busy;	   /* a send or postpone is under way */
	bool edited;	   /* the editor changed the text once */
};

static void compose_free(struct compose *c);

static const struct optset *
opts_of(const struct compose *c)
{
	return c->acc != NULL ? c->acc->opts : c->core->cfg->global;
}

/*
 * Remove our temporary directory: its files, and those of its parts/
 * directory (a recalled draft's attachments), never following a link.
 */
static void
remove_dir(const char *dir, int depth)
{
	GDir *d;
	const char *name;

	if (dir == NULL)
		return;
	d = g_dir_open(dir, 0, NULL);
	if (d != NULL) {
		while ((name = g_dir_read_name(d)) != NULL) {
			g_autofree char *p = g_build_filename(dir, name, NULL);
			struct stat st;

			if (depth == 0 && lstat(p, &st) == 0 &&
			    S_ISDIR(st.st_mode))
				remove_dir(p, depth + 1);
			else
				unlink(p);
		}
		g_dir_close(d);
	}
	rmdir(dir);
}

static void
compose_free(struct compose *c)
{
	if (c == NULL)
		return;
	if (c->draft != NULL)
		draft_free(c->draft);
	reply_orig_free(c->parsed);
	remove_dir(c->dir, 0);
	g_free(c->dir);
	g_free(c->orig);
	g_free(c->src_folder);
	g_free(c);
}

/* The compose view went away (popped, or the UI ended). */
static void
on_view_released(void *owner)
{
	struct compose *c = owner;

	c->view = NULL;
	if (!c->busy)
		compose_free(c);
}

static struct compose *
compose_new(struct core *core, enum compose_kind kind)
{
	struct compose *c = g_new0(struct compose, 1);
	g_autoptr(GError) error = NULL;

	c->core = core;
	c->kind = kind;
	c->acc = core_current_account(core);
	c->dir = g_dir_make_tmp("skua-compose-XXXXXX", &error);
	if (c->dir == NULL) {
		ui_error("no temporary directory: %s", error->message);
		g_free(c);
		return NULL;
	}
	chmod(c->dir, 0700);
	return c;
}

/* The user's From: the from option with realname, else the account's. */
static char *
default_from(const struct compose *c)
{
	return c->acc != NULL ? core_account_from(c->acc) : NULL;
}

/* The signature file's text, or NULL. */
static char *
signature_text(const struct compose *c)
{
	const char *opt = opt_string(opts_of(c), "signature");
	g_autofree char *path = NULL, *text = NULL;
	gsize len = 0;
	struct stat st;

	if (opt == NULL || *opt == '\0')
		return NULL;
	path = path_expand(opt, NULL);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > SIGNATURE_MAX)
		return NULL;
	if (!g_file_get_contents(path, &text, &len, NULL) ||
	    !g_utf8_validate(text, (gssize)len, NULL))
		return NULL;
	return g_steal_pointer(&text);
}

static void
fill_reply_opts(struct compose *c, struct reply_opts *ro, char *from, char *sig)
{
	const struct optset *o = opts_of(c);

	ro->from = from;
	ro->alternates = opt_string(o, "alternates");
	ro->attribution = opt_string(o, "attribution");
	ro->forward_format = opt_string(o, "forward_format");
	ro->signature = sig;
	ro->honour_reply_to = c->honour_reply_to;
	ro->flowed = opt_bool(o, "text_flowed");
}

/* ---- the editor ---- */

static char *
editor_command(const struct compose *c)
{
	const char *e = opt_string(opts_of(c), "editor");

	if (e == NULL || *e == '\0')
		e = g_getenv("VISUAL");
	if (e == NULL || *e == '\0')
		e = g_getenv("EDITOR");
	if (e == NULL || *e == '\0')
		e = "vi";
	return g_strdup(e);
}

static void
child_signals(gpointer data)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	(void)data;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGQUIT, &dfl, NULL);
	sigaction(SIGPIPE, &dfl, NULL);
	sigaction(SIGTSTP, &dfl, NULL);
}

/*
 * Run the editor on path, curses suspended, and wait for it: on the UI
 * thread, but nothing of the network runs there (the workers go on).
 * False after an error message when it could not run or failed.
 */
static bool
run_editor(const struct compose *c, const char *path)
{
	g_autofree char *editor = editor_command(c);
	g_autofree char *script = g_strdup_printf("%s \"$1\"", editor);
	char *argv[] = { g_strdup("/bin/sh"), g_strdup("-c"), script,
		g_strdup("sh"), g_strdup(path), NULL };
	struct sigaction ign = { .sa_handler = SIG_IGN };
	struct sigaction old_int, old_quit;
	g_autoptr(GError) error = NULL;
	GPid pid = 0;
	int status = 0;
	bool ok;

	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	ui_suspend();
	ok = g_spawn_async(NULL, argv, NULL,
	    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CHILD_INHERITS_STDIN,
	    child_signals, NULL, &pid, &error);
	if (ok) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		g_spawn_close_pid(pid);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	ui_resume();
	ui_mark_dirty();
	g_free(argv[0]);
	g_free(argv[1]);
	g_free(argv[3]);
	g_free(argv[4]);
	if (!ok) {
		ui_error("cannot run the editor: %s", error->message);
		return false;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ui_error("the editor failed (status %d)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return false;
	}
	return true;
}

/* Write text to a new file path, 0600; false after an error message. */
static bool
write_private(const char *path, const char *text)
{
	g_autoptr(GError) error = NULL;

	unlink(path);
	if (!file_write_new(path, 0600, text, strlen(text), false, NULL,
		&error)) {
		ui_error("%s", error->message);
		return false;
	}
	return true;
}

/*
 * Edit the draft's text (with edit_headers, its fields too). Returns
 * false when the session ended (a new message left unchanged: aborted).
 */
static bool
edit_draft(struct compose *c)
{
	bool headers = opt_bool(opts_of(c), "edit_headers");
	g_autofree char *before = reply_edit_text(c->draft, headers);
	g_autofree char *path = g_build_filename(c->dir, "message.txt", NULL);
	g_autofree char *after = NULL;
	gsize len = 0;
	g_autoptr(GError) error = NULL;

	if (!write_private(path, before))
		return c->view != NULL || c->edited;
	run_editor(c, path);
	if (!g_file_get_contents(path, &after, &len, &error)) {
		ui_error("cannot read the edited message: %s", error->message);
		unlink(path);
		return true;
	}
	unlink(path);
	if (strcmp(before, after) == 0) {
		if (!c->edited && c->view == NULL && c->kind == COMPOSE_NEW) {
			ui_message("Aborted unmodified message.");
			return false;
		}
		return true;
	}
	if (!g_utf8_validate(after, (gssize)len, NULL)) {
		g_autofree char *fixed = g_utf8_make_valid(after, (gssize)len);

		g_free(after);
		after = g_steal_pointer(&fixed);
	}
	reply_edit_apply(c->draft, after, headers);
	c->edited = true;
	return true;
}

/* Show the compose screen for c (once). */
static void
show_compose(struct compose *c)
{
	struct view *v;

	if (c->view != NULL) {
		ui_mark_dirty();
		return;
	}
	v = view_compose_new(&c->draft, on_view_released, c);
	view_set_hint(v, keymap_hint("compose"));
	c->view = v;
	ui_push_view(v);
}

/* The editor, then the compose screen (or the end, if aborted). */
static void
edit_then_compose(struct compose *c)
{
	if (!edit_draft(c)) {
		compose_free(c);
		return;
	}
	show_compose(c);
}

/* ---- prompts before the editor ---- */

static void ask_subject(struct compose *c);
static void ask_cc(struct compose *c);
static void ask_bcc(struct compose *c);

/* Set *field to text (empty: unset). */
static void
set_field(char **field, const char *text)
{
	g_autofree char *v = g_strstrip(g_strdup(text));

	g_free(*field);
	*field = *v != '\0' ? g_steal_pointer(&v) : NULL;
}

static void
bcc_cb(const char *text, void *data)
{
	struct compose *c = data;

	if (text == NULL) {
		compose_free(c);
		return;
	}
	set_field(&c->draft->bcc, text);
	edit_then_compose(c);
}

static void
ask_bcc(struct compose *c)
{
	if (c->kind == COMPOSE_NEW && opt_bool(opts_of(c), "askbcc")) {
		ui_prompt("Bcc: ", c->draft->bcc, bcc_cb, c);
		return;
	}
	edit_then_compose(c);
}

static void
cc_cb(const char *text, void *data)
{
	struct compose *c = data;

	if (text == NULL) {
		compose_free(c);
		return;
	}
	set_field(&c->draft->cc, text);
	ask_bcc(c);
}

static void
ask_cc(struct compose *c)
{
	if (c->kind == COMPOSE_NEW && opt_bool(opts_of(c), "askcc")) {
		ui_prompt("Cc: ", c->draft->cc, cc_cb, c);
		return;
	}
	ask_bcc(c);
}

static void
subject_cb(const char *text, void *data)
{
	struct compose *c = data;

	if (text == NULL) {
		compose_free(c);
		return;
	}
	if (*text == '\0' && c->kind == COMPOSE_NEW) {
		/* As mutt: no subject, no message (the user can retype). */
		ui_message("No subject, aborting.");
		compose_free(c);
		return;
	}
	set_field(&c->draft->subject, text);
	ask_cc(c);
}

static void
ask_subject(struct compose *c)
{
	ui_prompt("Subject: ", c->draft->subject, subject_cb, c);
}

static void
to_cb(const char *text, void *data)
{
	struct compose *c = data;

	if (text == NULL) {
		compose_free(c);
		return;
	}
	set_field(&c->draft->to, text);
	if (c->draft->to == NULL && c->kind == COMPOSE_NEW) {
		ui_message("No recipients were specified.");
		compose_free(c);
		return;
	}
	ask_subject(c);
}

/* The prompts of a message (not with fast_reply for an answer). */
static void
start_prompts(struct compose *c)
{
	if (c->kind != COMPOSE_NEW && opt_bool(opts_of(c), "fast_reply")) {
		edit_then_compose(c);
		return;
	}
	ui_prompt("To: ", c->draft->to, to_cb, c);
}

/* ---- m: a new message ---- */

static void
new_message(struct core *core)
{
	struct compose *c = compose_new(core, COMPOSE_NEW);
	g_autofree char *sig = NULL;
	GString *body;

	if (c == NULL)
		return;
	c->draft = draft_new();
	c->draft->from = default_from(c);
	c->draft->flowed = opt_bool(opts_of(c), "text_flowed");
	sig = signature_text(c);
	body = g_string_new(NULL);
	if (sig != NULL) {
		g_string_append(body, "\n-- \n");
		g_string_append(body, sig);
		if (body->str[body->len - 1] != '\n')
			g_string_append_c(body, '\n');
	}
	c->draft->body = g_string_free(body, FALSE);
	start_prompts(c);
}

static const char *drafts_folder(struct account *acc);

static void
recall_answer_cb(int key, void *data)
{
	struct core *core = data;

	if (key == 'n')
		new_message(core);
	else if (key == 'y' || key == '\r')
		cmd_recall_message(core);
}

/*
 * m: a new message; when the last folder listing counted postponed
 * messages in Drafts, ask first whether to go on with one, as mutt does.
 */
void
cmd_mail(struct core *core)
{
	struct account *acc = core_current_account(core);
	const char *drafts = acc != NULL ? drafts_folder(acc) : NULL;
	struct folder *f = core->folder;

	for (guint i = 0;
	     drafts != NULL && acc->folders != NULL && i < acc->folders->len;
	     i++) {
		const struct folder_info *fi = acc->folders->pdata[i];

		if (strcmp(fi->server_name, drafts) != 0 || fi->total <= 0)
			continue;
		if (f != NULL && f->acc == acc && strcmp(f->name, drafts) == 0)
			break;
		ui_choose("Recall postponed message? ([yes]/no): ", "yn\r",
		    recall_answer_cb, core);
		return;
	}
	new_message(core);
}

/* ---- answering: fetch the original whole, then make the draft ---- */

/*
 * The index's selected row, with the folder open: what r, g, L, f and e
 * act on. -1 (after a beep) when there is none.
 */
static int
selected_row(struct core *core)
{
	struct view *index = ui_find_view("index");
	struct folder *f = core->folder;

	if (index == NULL || f == NULL || f->load != FOLDER_OPEN ||
	    index->cursor < 0 || (unsigned)index->cursor >= folder_count(f)) {
		ui_beep();
		return -1;
	}
	return index->cursor;
}

static void make_answer(struct compose *c);

static void
include_cb(int key, void *data)
{
	struct compose *c = data;

	if (key < 0) {
		compose_free(c);
		return;
	}
	c->include = key == 'y' ||
	    (key == '\r' && opt_quad(opts_of(c), "include") == QUAD_ASK_YES);
	make_answer(c);
}

/* Ask whether to quote, when the include option says so; else go on. */
static void
ask_include(struct compose *c)
{
	enum quad q = opt_quad(opts_of(c), "include");

	if (c->kind != COMPOSE_REPLY || q == QUAD_YES || q == QUAD_NO) {
		c->include = q != QUAD_NO;
		make_answer(c);
		return;
	}
	ui_choose(q == QUAD_ASK_YES ? "Include message in reply? ([yes]/no): "
				    : "Include message in reply? (yes/[no]): ",
	    "yn\r", include_cb, c);
}

static void
reply_to_cb(int key, void *data)
{
	struct compose *c = data;

	if (key < 0) {
		compose_free(c);
		return;
	}
	c->honour_reply_to = key == 'y' ||
	    (key == '\r' && opt_quad(opts_of(c), "reply_to") == QUAD_ASK_YES);
	ask_include(c);
}

/* Whether to answer Reply-To: the reply_to quad-option. */
static void
ask_reply_to(struct compose *c)
{
	const char *rt = reply_orig_field(c->parsed, "reply-to");
	enum quad q = opt_quad(opts_of(c), "reply_to");
	g_autofree char *name = NULL, *addr = NULL, *question = NULL;

	if (rt == NULL || c->kind != COMPOSE_REPLY || c->mode == REPLY_LIST ||
	    q == QUAD_YES || q == QUAD_NO) {
		c->honour_reply_to = rt != NULL && q != QUAD_NO;
		ask_include(c);
		return;
	}
	mime_first_mailbox(rt, &name, &addr);
	question = g_strdup_printf("Reply to %s?%s", addr != NULL ? addr : rt,
	    q == QUAD_ASK_YES ? " ([yes]/no): " : " (yes/[no]): ");
	ui_choose(question, "yn\r", reply_to_cb, c);
}

/* The original is parsed and every question answered: the draft. */
static void
make_answer(struct compose *c)
{
	g_autofree char *from = default_from(c);
	g_autofree char *sig = signature_text(c);
	g_autoptr(GError) error = NULL;
	struct reply_opts ro = { 0 };

	fill_reply_opts(c, &ro, from, sig);
	if (c->kind == COMPOSE_REPLY) {
		g_autofree char *text = NULL;

		if (!c->include) {
			text = c->parsed->text;
			c->parsed->text = g_strdup("");
		}
		c->draft = reply_make(c->parsed, c->mode, &ro, &error);
		if (text != NULL) {
			g_free(c->parsed->text);
			c->parsed->text = g_steal_pointer(&text);
		}
		if (c->draft != NULL && !c->include) {
			/* No quote: no attribution line either. */
			g_free(c->draft->body);
			c->draft->body = sig != NULL
			    ? g_strdup_printf("\n-- \n%s", sig)
			    : g_strdup("");
		}
	} else {
		c->draft = reply_forward(c->parsed, &ro,
		    opt_bool(opts_of(c), "mime_forward") ? c->orig : NULL);
	}
	if (c->draft == NULL) {
		ui_error("%s", error->message);
		compose_free(c);
		return;
	}
	start_prompts(c);
}

/* The original of an answer, edit as new or recall is in c->orig. */
static void
on_original(const GError *error, void *data)
{
	struct compose *c = data;
	g_autofree char *bytes = NULL;
	g_autoptr(GError) err = NULL;
	gsize len = 0;

	if (error != NULL) {
		ui_error("%s", error->message);
		compose_free(c);
		return;
	}
	if (!g_file_get_contents(c->orig, &bytes, &len, &err)) {
		ui_error("%s", err->message);
		compose_free(c);
		return;
	}
	ui_message("%s", "");
	if (c->kind == COMPOSE_EDIT_AS_NEW || c->kind == COMPOSE_RECALL) {
		g_autofree char *parts =
		    g_build_filename(c->dir, "parts", NULL);

		/* Apart from our files: a part may be named message.txt. */
		c->draft = draft_parse(bytes, len, parts, &err);
		if (c->draft == NULL) {
			ui_error("%s", err->message);
			compose_free(c);
			return;
		}
		/* A new message: a new Message-ID and Date when sent. */
		g_clear_pointer(&c->draft->message_id, g_free);
		if (c->kind == COMPOSE_EDIT_AS_NEW) {
			g_free(c->draft->from);
			c->draft->from = default_from(c);
			edit_then_compose(c);
		} else {
			show_compose(c);
		}
		return;
	}
	c->parsed = reply_orig_parse(bytes, len,
	    opt_string(opts_of(c), "alternative_order"));
	ask_reply_to(c);
}

/* Fetch the selected message whole, then go on in on_original(). */
static void
start_from_original(struct core *core, enum compose_kind kind,
    enum reply_mode mode)
{
	int row = selected_row(core);
	struct compose *c;
	struct folder *f = core->folder;

	if (row < 0)
		return;
	c = compose_new(core, kind);
	if (c == NULL)
		return;
	c->acc = f->acc;
	c->mode = mode;
	c->src_folder = g_strdup(f->name);
	c->src_uid = folder_row(f, (unsigned)row)->uid;
	c->orig = g_build_filename(c->dir, "original.eml", NULL);
	if (!folder_fetch_message(f, (unsigned)row, c->orig, on_original, c)) {
		ui_beep();
		compose_free(c);
		return;
	}
	ui_message("fetching the message...");
}

void
cmd_reply(struct core *core)
{
	start_from_original(core, COMPOSE_REPLY, REPLY_SENDER);
}

void
cmd_group_reply(struct core *core)
{
	start_from_original(core, COMPOSE_REPLY, REPLY_GROUP);
}

void
cmd_list_reply(struct core *core)
{
	start_from_original(core, COMPOSE_REPLY, REPLY_LIST);
}

void
cmd_forward_message(struct core *core)
{
	start_from_original(core, COMPOSE_FORWARD, REPLY_SENDER);
}

void
cmd_edit_as_new(struct core *core)
{
	start_from_original(core, COMPOSE_EDIT_AS_NEW, REPLY_SENDER);
}

/*
 * The account's Drafts folder as a server name, where core_postpone puts
 * drafts: the postponed option (without mutt's '=' or '+'), else the
 * folder the server marks \Drafts, else "Drafts"; a name of the folder
 * list becomes its server name (".Drafts" in a Maildir++ store).
 */
static const char *
drafts_folder(struct account *acc)
{
	const char *opt = opt_string(acc->opts, "postponed");
	GPtrArray *list = acc->folders;

	if (opt != NULL && (*opt == '=' || *opt == '+'))
		opt++;
	for (guint i = 0; opt == NULL && list != NULL && i < list->len; i++) {
		const struct folder_info *fi = list->pdata[i];

		if ((fi->flags & FOLDER_DRAFTS) &&
		    !(fi->flags & FOLDER_NOSELECT))
			return fi->server_name;
	}
	if (opt == NULL || *opt == '\0')
		opt = "Drafts";
	for (guint i = 0; list != NULL && i < list->len; i++) {
		const struct folder_info *fi = list->pdata[i];

		if (strcmp(fi->name, opt) == 0)
			return fi->server_name;
	}
	return opt;
}

/* Whether the open folder is acc's Drafts folder. */
static bool
in_drafts(struct core *core, struct account *acc)
{
	struct folder *f = core->folder;

	return f != NULL && acc != NULL && f->acc == acc &&
	    strcmp(f->name, drafts_folder(acc)) == 0;
}

/*
 * R: in the account's Drafts folder, go on with the selected draft; else
 * open the Drafts folder, whose index lists the postponed messages, and
 * once it is loaded go on with the only one if there is one only.
 */
void
cmd_recall_message(struct core *core)
{
	struct account *acc = core_current_account(core);
	struct folder *f = core->folder;
	g_autofree char *name = NULL;

	if (acc == NULL) {
		ui_beep();
		return;
	}
	if (in_drafts(core, acc)) {
		if (f->load == FOLDER_OPEN && folder_count(f) == 0) {
			ui_message("No postponed messages.");
			return;
		}
		start_from_original(core, COMPOSE_RECALL, REPLY_SENDER);
		return;
	}
	name = g_strdup(drafts_folder(acc));
	cmd_open_folder(core, acc, name);
	/* Pushed commands run once the screen (the new index) is complete. */
	g_ptr_array_add(core->cfg->push, g_strdup("<recall-only-draft>"));
}

void
cmd_recall_only_draft(struct core *core)
{
	struct account *acc = core_current_account(core);
	struct folder *f = core->folder;
	unsigned n;

	if (!in_drafts(core, acc) || f->load != FOLDER_OPEN)
		return;
	n = folder_count(f);
	if (n == 0)
		ui_message("No postponed messages.");
	else if (n == 1)
		start_from_original(core, COMPOSE_RECALL, REPLY_SENDER);
	else
		ui_message("%u postponed messages: R on one goes on with it.",
		    n);
}

/* ---- the compose screen's keys ---- */

/* The session of the compose screen on top, or NULL after a beep. */
static struct compose *
current(void)
{
	struct compose *c = view_compose_owner(ui_top_view());

	if (c == NULL || c->busy)
		ui_beep();
	return c != NULL && !c->busy ? c : NULL;
}

struct field_edit {
	struct compose *c;
	size_t which;
};

static char **
draft_field(struct draft *d, size_t which)
{
	switch (which) {
	case 0:
		return &d->to;
	case 1:
		return &d->cc;
	case 2:
		return &d->bcc;
	case 3:
		return &d->subject;
	case 4:
		return &d->reply_to;
	default:
		return &d->from;
	}
}

static void
field_cb(const char *text, void *data)
{
	struct field_edit *fe = data;

	/* The session may be gone if the screen closed meanwhile. */
	if (text != NULL && view_compose_owner(ui_top_view()) == fe->c) {
		set_field(draft_field(fe->c->draft, fe->which), text);
		ui_mark_dirty();
	}
	g_free(fe);
}

static void
edit_field(size_t which, const char *prompt)
{
	struct compose *c = current();
	struct field_edit *fe;

	if (c == NULL)
		return;
	fe = g_new0(struct field_edit, 1);
	fe->c = c;
	fe->which = which;
	ui_prompt(prompt, *draft_field(c->draft, which), field_cb, fe);
}

void
cmd_edit_to(struct core *core)
{
	(void)core;
	edit_field(0, "To: ");
}

void
cmd_edit_cc(struct core *core)
{
	(void)core;
	edit_field(1, "Cc: ");
}

void
cmd_edit_bcc(struct core *core)
{
	(void)core;
	edit_field(2, "Bcc: ");
}

void
cmd_edit_subject(struct core *core)
{
	(void)core;
	edit_field(3, "Subject: ");
}

void
cmd_edit_reply_to(struct core *core)
{
	(void)core;
	edit_field(4, "Reply-To: ");
}

void
cmd_edit_from(struct core *core)
{
	(void)core;
	edit_field(5, "From: ");
}

void
cmd_edit_message(struct core *core)
{
	struct compose *c = current();

	(void)core;
	if (c != NULL)
		edit_draft(c);
	ui_mark_dirty();
}

/* Tab in the attach prompt: complete a path. */
static char *
complete_path(const char *text, void *data)
{
	g_autofree char *expanded =
	    path_expand(*text != '\0' ? text : "./", NULL);
	g_autofree char *dir = NULL, *base = NULL;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *done = NULL;
	const char *slash = strrchr(text, '/');
	size_t keep = slash != NULL ? (size_t)(slash - text + 1) : 0;
	GDir *d;
	const char *n;

	(void)data;
	if (g_str_has_suffix(expanded, "/")) {
		dir = g_strdup(expanded);
		base = g_strdup("");
	} else {
		dir = g_path_get_dirname(expanded);
		base = g_path_get_basename(expanded);
	}
	d = g_dir_open(dir, 0, NULL);
	if (d == NULL)
		return NULL;
	while ((n = g_dir_read_name(d)) != NULL) {
		g_autofree char *full = g_build_filename(dir, n, NULL);

		if (*base != '.' && *n == '.')
			continue;
		g_ptr_array_add(names,
		    g_file_test(full, G_FILE_TEST_IS_DIR)
			? g_strconcat(n, "/", NULL)
			: g_strdup(n));
	}
	g_dir_close(d);
	if (names->len == 0)
		return NULL;
	done = complete_prefix((const char *const *)names->pdata, names->len,
	    base, NULL);
	if (g_str_has_suffix(expanded, "/") && *text != '\0')
		return g_strconcat(text, done, NULL);
	return g_strdup_printf("%.*s%s", (int)keep, text, done);
}

static void
attach_cb(const char *text, void *data)
{
	struct compose *c = data;
	g_autofree char *path = NULL;
	struct draft_attachment *at;

	if (text == NULL || *text == '\0' ||
	    view_compose_owner(ui_top_view()) != c)
		return;
	path = path_expand(text, NULL);
	if (!g_file_test(path, G_FILE_TEST_IS_REGULAR) ||
	    access(path, R_OK) != 0) {
		ui_error("'%s' is not a readable file", path);
		return;
	}
	at = draft_attachment_new(path);
	if (c->draft->attachments == NULL)
		c->draft->attachments = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)draft_attachment_free);
	g_ptr_array_add(c->draft->attachments, at);
	ui_mark_dirty();
}

void
cmd_attach_file(struct core *core)
{
	struct compose *c = current();

	(void)core;
	if (c == NULL)
		return;
	ui_prompt_complete("Attach file: ", NULL, complete_path, attach_cb, c);
}

void
cmd_detach_file(struct core *core)
{
	struct compose *c = current();

	(void)core;
	if (c == NULL)
		return;
	if (c->view->cursor <= 0 || c->draft->attachments == NULL ||
	    (guint)c->view->cursor > c->draft->attachments->len) {
		ui_error("You may not delete the only text part.");
		return;
	}
	g_ptr_array_remove_index(c->draft->attachments,
	    (guint)c->view->cursor - 1);
	if (c->view->cursor > (int)c->draft->attachments->len)
		c->view->cursor = (int)c->draft->attachments->len;
	ui_mark_dirty();
}

/* ---- sending and postponing ---- */

/* After sending an answer: \Answered on the original. */
static void
mark_source(struct compose *c, uint32_t add)
{
	struct folder *f = c->core->folder;
	struct request *req;

	if (c->src_folder == NULL || c->acc == NULL || c->acc->worker == NULL)
		return;
	if (f != NULL && f->acc == c->acc &&
	    strcmp(f->name, c->src_folder) == 0 &&
	    folder_change_flags(f, c->src_uid, add, 0))
		return;
	req = request_new(REQ_SET_FLAGS);
	req->folder = g_strdup(c->src_folder);
	req->uid = c->src_uid;
	req->flags_add = add;
	worker_post(c->acc->worker, req, NULL, NULL);
}

/* After sending a recalled draft: the draft leaves Drafts (that UID only). */
static void
remove_recalled(struct compose *c)
{
	struct folder *f = c->core->folder;
	struct request *req;
	GArray *uids;

	if (c->src_folder == NULL || c->acc == NULL || c->acc->worker == NULL)
		return;
	uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_array_append_val(uids, c->src_uid);
	if (f != NULL && f->acc == c->acc &&
	    strcmp(f->name, c->src_folder) == 0 &&
	    folder_change_flags(f, c->src_uid, MSG_DELETED, 0)) {
		folder_expunge(f, uids, false, NULL, NULL);
		g_array_unref(uids);
		return;
	}
	req = request_new(REQ_SET_FLAGS);
	req->folder = g_strdup(c->src_folder);
	req->uid = c->src_uid;
	req->flags_add = MSG_DELETED;
	worker_post(c->acc->worker, req, NULL, NULL);
	req = request_new(REQ_EXPUNGE);
	req->folder = g_strdup(c->src_folder);
	req->uids = uids;
	worker_post(c->acc->worker, req, NULL, NULL);
}

static void
on_sent(struct core *core, struct account *acc, bool ok, const char *error,
    const char *kept_as, void *data)
{
	struct compose *c = data;

	(void)core;
	(void)acc;
	c->busy = false;
	/* core_send owned the draft. */
	c->draft = NULL;
	if (ok) {
		if (c->kind == COMPOSE_REPLY)
			mark_source(c, MSG_ANSWERED);
		else if (c->kind == COMPOSE_RECALL)
			remove_recalled(c);
		ui_message("Mail sent.");
	} else if (kept_as != NULL) {
		/* Where it is kept first: a long reason is cut at the edge. */
		ui_error("Sending failed; the message is kept in %s: %s",
		    kept_as, error != NULL ? error : "unknown error");
	} else {
		ui_error("Sending failed: %s",
		    error != NULL ? error : "unknown error");
	}
	if (c->view == NULL)
		compose_free(c);
}

static void
on_postponed(struct core *core, struct account *acc, bool ok, const char *error,
    const char *kept_as, void *data)
{
	struct compose *c = data;

	(void)core;
	(void)acc;
	c->busy = false;
	c->draft = NULL;
	if (ok) {
		/* A recalled draft postponed again: the new copy replaces it.
		 */
		if (c->kind == COMPOSE_RECALL)
			remove_recalled(c);
		ui_message("Message postponed.");
	} else if (kept_as != NULL)
		ui_error("Postponing failed; the message is kept in %s: %s",
		    kept_as, error != NULL ? error : "unknown error");
	else
		ui_error("Postponing failed: %s",
		    error != NULL ? error : "unknown error");
	if (c->view == NULL)
		compose_free(c);
}

/* Close the compose screen, keeping the session for the callback. */
static void
close_screen(struct compose *c)
{
	c->busy = true;
	if (c->view != NULL && ui_top_view() == c->view)
		ui_pop_view();
}

void
cmd_send_message(struct core *core)
{
	struct compose *c = current();
	struct draft *d;

	if (c == NULL)
		return;
	if (c->draft->to == NULL && c->draft->cc == NULL &&
	    c->draft->bcc == NULL) {
		ui_error("No recipients are specified!");
		return;
	}
	if (c->acc == NULL) {
		ui_error("no account to send from");
		return;
	}
	d = g_steal_pointer(&c->draft);
	close_screen(c);
	ui_message("Sending message...");
	core_send(core, c->acc, d, on_sent, c);
}

void
cmd_postpone_message(struct core *core)
{
	struct compose *c = current();
	struct draft *d;

	if (c == NULL)
		return;
	if (c->acc == NULL) {
		ui_error("no account to keep the draft in");
		return;
	}
	d = g_steal_pointer(&c->draft);
	close_screen(c);
	core_postpone(core, c->acc, d, on_postponed, c);
}

static void
abort_cb(int key, void *data)
{
	struct compose *c = data;

	if (key != 'y' || view_compose_owner(ui_top_view()) != c)
		return;
	ui_pop_view();
	ui_message("Message aborted.");
}

void
cmd_abort_message(struct core *core)
{
	struct compose *c = current();

	(void)core;
	if (c == NULL)
		return;
	ui_choose(c->edited ? "Abort modified message? (yes/[no]): "
			    : "Abort unmodified message? (yes/[no]): ",
	    "yn\r", abort_cb, c);
}
