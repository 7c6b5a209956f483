/* SPDX-License-Identifier: ISC */
/*
 * Opening an attachment: the part alone is fetched into a temporary file
 * we name, then shown by its mailcap entry, as mutt's view-attach does.
 * Every substitution into the command is checked by mime/mailcap, so
 * nothing from the mail reaches a shell as code.
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
#include "cmd/attach-open.h"
#include "cmd/keymap.h"
#include "config/config.h"
#include "config/options.h"
#include "core/core.h"
#include "core/folder.h"
#include "mime/mailcap.h"
#include "mime/render.h"
#include "ui/text.h"
#include "ui/ui.h"
#include "util/log.h"

/* A copiousoutput filter's limits, as for HTML in the pager. */
#define FILTER_TIMEOUT 10000
#define FILTER_MAX_OUT (8 * 1024 * 1024)
/* The biggest text part shown without a mailcap entry. */
#define TEXT_MAX (16 * 1024 * 1024)

/* Temporary files not yet removed: whatever is left goes at exit. */
static GPtrArray *temps;

static void
remove_all_temps(void)
{
	if (temps == NULL)
		return;
	for (guint i = 0; i < temps->len; i++)
		mailcap_temp_remove(temps->pdata[i]);
	g_ptr_array_free(temps, TRUE);
	temps = NULL;
}

static void
temp_track(const char *path)
{
	if (temps == NULL) {
		temps = g_ptr_array_new_with_free_func(g_free);
		atexit(remove_all_temps);
	}
	g_ptr_array_add(temps, g_strdup(path));
}

static void
temp_done(const char *path)
{
	mailcap_temp_remove(path);
	if (temps == NULL)
		return;
	for (guint i = 0; i < temps->len; i++) {
		if (strcmp(temps->pdata[i], path) == 0) {
			g_ptr_array_remove_index_fast(temps, i);
			break;
		}
	}
}

/* One opening, from the key to the end of the program. */
struct open_job {
	struct mailcap *mc;
	const struct mailcap_entry *e; /* in mc; NULL: shown as text */
	char *type;
	char *charset;
	char *section;
	char *path; /* the temporary file */
	GHashTable *params;
	GBytes *out; /* a filter's output */
	GError *error;
};

static void
job_free(struct open_job *job)
{
	mailcap_free(job->mc);
	g_free(job->type);
	g_free(job->charset);
	g_free(job->section);
	g_free(job->path);
	g_hash_table_unref(job->params);
	if (job->out != NULL)
		g_bytes_unref(job->out);
	g_clear_error(&job->error);
	g_free(job);
}

/* Text in a view of its own, over the attachment list, wrapped. */
static void
show_text(const char *title, const char *text)
{
	struct view *v = view_new("part", title, false);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	int rows = 0, cols = 0;

	ui_size(&rows, &cols);
	cols = MAX(cols, 10);
	for (size_t i = 0; lines[i] != NULL; i++) {
		g_autofree char *safe = NULL;
		GString *line;
		const char *p;
		int col = 0;

		if (lines[i + 1] == NULL && lines[i][0] == '\0')
			break;
		/* Tabs to 8-column stops, before sanitising makes them ' '. */
		line = g_string_new(NULL);
		for (p = lines[i]; *p != '\0'; p++) {
			if (*p == '\t') {
				do
					g_string_append_c(line, ' ');
				while (++col % 8 != 0);
				continue;
			}
			g_string_append_c(line, *p);
			if (((unsigned char)*p & 0xc0) != 0x80)
				col++;
		}
		safe = text_sanitize(line->str, (gssize)line->len);
		g_string_free(line, TRUE);
		p = safe;
		do {
			g_autofree char *piece = text_fit(p, cols, false);

			/* A character wider than the screen still moves on. */
			if (*piece == '\0' && *p != '\0') {
				g_free(piece);
				piece = g_strndup(p, g_utf8_next_char(p) - p);
			}
			view_add_line(v, piece);
			p += strlen(piece);
		} while (*p != '\0');
	}
	view_set_hint(v, keymap_hint("part"));
	ui_push_view(v);
}

static gboolean
filter_done(gpointer data)
{
	struct open_job *job = data;

	if (job->out == NULL) {
		ui_error("%s", job->error->message);
	} else {
		g_autofree char *text =
		    mime_render_part(g_bytes_get_data(job->out, NULL),
			g_bytes_get_size(job->out), "text/plain", NULL, NULL,
			false, false);
		g_autofree char *title =
		    g_strdup_printf("part %s (%s)", job->section, job->type);

		show_text(title, text);
	}
	temp_done(job->path);
	job_free(job);
	return G_SOURCE_REMOVE;
}

/* A thread of its own: a filter may take seconds, the UI may not. */
static gpointer
filter_thread(gpointer data)
{
	struct open_job *job = data;

	job->out = mailcap_filter(job->e, job->type, job->params, job->path,
	    FILTER_TIMEOUT, FILTER_MAX_OUT, &job->error);
	g_idle_add(filter_done, job);
	return NULL;
}

static void
show_part_text(struct open_job *job)
{
	g_autofree char *data = NULL;
	g_autofree char *text = NULL;
	g_autofree char *title = NULL;
	g_autoptr(GError) error = NULL;
	gsize len = 0;
	struct stat st;

	if (stat(job->path, &st) == 0 && st.st_size > TEXT_MAX) {
		ui_error("part %s is too big to show; s saves it",
		    job->section);
		return;
	}
	if (!g_file_get_contents(job->path, &data, &len, &error)) {
		ui_error("%s", error->message);
		return;
	}
	text = mime_render_part(data, len, job->type, NULL, job->charset, false,
	    false);
	title = g_strdup_printf("part %s (%s)", job->section, job->type);
	show_text(title, text);
}

static void
on_viewer_exit(GPid pid, gint status, gpointer data)
{
	char *path = data;

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		log_info("mailcap viewer %d ended with status %d", (int)pid,
		    status);
	temp_done(path);
	g_free(path);
	g_spawn_close_pid(pid);
}

/* In the child: the signal dispositions a program expects at start. */
static void
default_signals(gpointer data)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	(void)data;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGQUIT, &dfl, NULL);
	sigaction(SIGPIPE, &dfl, NULL);
}

/* Detached from the terminal: a background viewer never reads our keys. */
static void
detach(gpointer data)
{
	default_signals(data);
	setsid();
}

/* After a terminal viewer: our signal handlers and the screen back. */
static void
resume(const struct sigaction *old_int, const struct sigaction *old_quit,
    const struct sigaction *old_tstp)
{
	sigaction(SIGINT, old_int, NULL);
	sigaction(SIGQUIT, old_quit, NULL);
	sigaction(SIGTSTP, old_tstp, NULL);
	ui_resume();
}

/*
 * Run the viewer on the file: with needsterminal on our terminal, curses
 * suspended, waiting for it like an editor; otherwise in the background
 * with /dev/null as its terminal streams, the file removed when it ends.
 */
static void
run_viewer(struct open_job *job)
{
	g_auto(GStrv) argv = NULL;
	g_autoptr(GError) error = NULL;
	bool uses_file = false, wait = job->e->needsterminal;
	int in_fd = -1, null_fd = -1, status = 0;
	struct sigaction old_int = { 0 }, old_quit = { 0 }, old_tstp = { 0 };
	GPid pid = 0;

	argv = mailcap_expand(job->e->command, job->type, job->params,
	    job->path, &uses_file, &error);
	if (argv == NULL || argv[0] == NULL) {
		ui_error("mailcap entry for %s: %s", job->type,
		    error != NULL ? error->message : "empty command");
		temp_done(job->path);
		return;
	}
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (!uses_file)
		in_fd = open(job->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	else if (!wait)
		in_fd = null_fd;
	if (wait) {
		/*
		 * As system() does: Ctrl-C belongs to the viewer, and Ctrl-Z
		 * stops skua along with it (the shell continues both).
		 */
		struct sigaction ign = { .sa_handler = SIG_IGN };
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		sigemptyset(&ign.sa_mask);
		sigemptyset(&dfl.sa_mask);
		sigaction(SIGINT, &ign, &old_int);
		sigaction(SIGQUIT, &ign, &old_quit);
		sigaction(SIGTSTP, &dfl, &old_tstp);
		ui_suspend();
	}
	if (!g_spawn_async_with_fds(NULL, argv, NULL,
		G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
		wait ? default_signals : detach, NULL, &pid, in_fd,
		wait ? -1 : null_fd, wait ? -1 : null_fd, &error)) {
		if (wait)
			resume(&old_int, &old_quit, &old_tstp);
		ui_error("cannot run '%s': %s", argv[0], error->message);
		temp_done(job->path);
		goto out;
	}
	if (wait) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		g_spawn_close_pid(pid);
		resume(&old_int, &old_quit, &old_tstp);
		temp_done(job->path);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			ui_error("'%s' failed (status %d)", argv[0],
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	} else {
		g_child_watch_add(pid, on_viewer_exit, g_strdup(job->path));
		ui_message("running '%s' on part %s", argv[0], job->section);
	}
out:
	if (in_fd >= 0 && in_fd != null_fd)
		close(in_fd);
	if (null_fd >= 0)
		close(null_fd);
}

static void
on_fetched(const GError *error, void *data)
{
	struct open_job *job = data;

	if (error != NULL) {
		ui_error("%s", error->message);
		temp_done(job->path);
	} else if (job->e == NULL) {
		show_part_text(job);
		temp_done(job->path);
	} else if (job->e->copiousoutput) {
		ui_message("running the mailcap filter for %s...", job->type);
		g_thread_unref(g_thread_new("mailcap", filter_thread, job));
		return; /* filter_done() finishes the job */
	} else {
		run_viewer(job);
	}
	job_free(job);
}

void
attach_open(struct core *core, unsigned i, bool mailcap_only)
{
	struct folder *f = core->folder;
	const struct part_info *pi;
	struct open_job *job;
	g_autoptr(GError) error = NULL;
	const struct optset *opts;

	if (f == NULL || f->message == NULL || i >= f->message->parts->len) {
		ui_beep();
		return;
	}
	pi = f->message->parts->pdata[i];
	opts = f->acc != NULL ? f->acc->opts : core->cfg->global;
	job = g_new0(struct open_job, 1);
	job->type = g_ascii_strdown(pi->type, -1);
	job->charset = g_strdup(pi->charset);
	job->section = g_strdup(pi->section);
	job->params =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (pi->charset != NULL)
		g_hash_table_insert(job->params, g_strdup("charset"),
		    g_strdup(pi->charset));
	job->mc = mailcap_load(opt_string(opts, "mailcap_path"));
	job->e = mailcap_lookup(job->mc, job->type, job->params,
	    MAILCAP_INTERACTIVE);
	if (job->e == NULL)
		job->e = mailcap_lookup(job->mc, job->type, job->params,
		    MAILCAP_COPIOUS);
	if (job->e == NULL &&
	    (mailcap_only || !g_str_has_prefix(job->type, "text/"))) {
		ui_error("no mailcap entry for %s; s saves it", job->type);
		job_free(job);
		return;
	}
	job->path =
	    mailcap_temp_path(job->e != NULL ? job->e->nametemplate : NULL,
		pi->name, &error);
	if (job->path == NULL) {
		ui_error("%s", error->message);
		job_free(job);
		return;
	}
	temp_track(job->path);
	if (!folder_fetch_part(f, i, job->path, 0600, on_fetched, job)) {
		temp_done(job->path);
		job_free(job);
		ui_beep();
		return;
	}
	ui_message("fetching part %s...", job->section);
}
