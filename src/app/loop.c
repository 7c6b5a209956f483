/* SPDX-License-Identifier: ISC */
/*
 * The main loop. Terminal input, worker replies and signals are GLib
 * sources; after each turn of the loop, pushed keys are fed once the first
 * screen is drawn, and the screen is redrawn if anything changed.
 *
 * Signals: SIGTERM, SIGHUP and SIGINT end the loop through GLib's signal
 * sources. SIGWINCH resizes. SIGTSTP (Ctrl-Z) is caught by a handler that
 * only writes to a pipe; the loop then restores the terminal and stops the
 * process for real, and redraws when it continues. Crash signals restore
 * the terminal with async-signal-safe calls and re-raise.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "app/loop.h"
#include "backend/worker.h"
#include "cmd/auth.h"
#include "cmd/cmd.h"
#include "cmd/keymap.h"
#include "config/config.h"
#include "config/options.h"
#include "core/core.h"
#include "core/live.h"
#include "ui/ui.h"
#include "util/log.h"

static int tstp_pipe[2] = { -1, -1 };

struct loop {
	struct core *core;
	GArray *pushed; /* struct input from push, fed after the first draw */
	int exit_status;
	int signal; /* the signal that ended the loop, or 0 */
};

static void
crash_handler(int sig)
{
	ui_emergency_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
tstp_handler(int sig)
{
	int saved = errno;
	char c = 'z';
	ssize_t r;

	(void)sig;
	r = write(tstp_pipe[1], &c, 1);
	(void)r;
	errno = saved;
}

void
loop_install_signals(void)
{
	static const int crash[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;

	if (pipe2(tstp_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		g_error("pipe: %s", g_strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = crash_handler;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < G_N_ELEMENTS(crash); i++)
		sigaction(crash[i], &sa, NULL);
	sa.sa_handler = tstp_handler;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTSTP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static gboolean
on_quit_signal(gpointer data)
{
	struct loop *loop = data;

	log_info("signal received: leaving");
	loop->signal = 1;
	loop->exit_status = 1;
	loop->core->quit_requested = true;
	return G_SOURCE_CONTINUE;
}

static gboolean
on_sigint(gpointer data)
{
	struct loop *loop = data;

	/* Ctrl-C runs quit, which asks when the quit option says so. */
	cmd_run(loop->core, "quit");
	return G_SOURCE_CONTINUE;
}

static gboolean
on_winch(gpointer data)
{
	ui_resize();
	return G_SOURCE_CONTINUE;
}

static gboolean
on_tstp(gint fd, GIOCondition cond, gpointer data)
{
	struct sigaction sa, old;
	char buf[16];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	log_debug("suspending");
	ui_suspend();
	/* Stop for real with the default action, then take SIGTSTP back. */
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTSTP, &sa, &old);
	raise(SIGTSTP);
	sigaction(SIGTSTP, &old, NULL);
	log_debug("resumed");
	ui_resume();
	return G_SOURCE_CONTINUE;
}

static void
feed(struct loop *loop, const struct input *in)
{
	if (in->command != NULL)
		cmd_run(loop->core, in->command);
	else
		cmd_key(loop->core, in->key);
}

static gboolean
on_tty(gint fd, GIOCondition cond, gpointer data)
{
	struct loop *loop = data;
	int key;

	if (cond & (G_IO_HUP | G_IO_ERR)) {
		log_info("terminal closed: leaving");
		loop->exit_status = 1;
		loop->core->quit_requested = true;
		return G_SOURCE_REMOVE;
	}
	while (!loop->core->quit_requested && ui_read_key(&key)) {
		struct input in = { key, NULL };

		feed(loop, &in);
	}
	return G_SOURCE_CONTINUE;
}

static gboolean
on_replies(gint fd, GIOCondition cond, gpointer data)
{
	struct loop *loop = data;

	reply_queue_dispatch(loop->core->rq);
	/* What went wrong in the background goes to the message line. */
	if (loop->core->notice != NULL) {
		ui_message("%s", loop->core->notice);
		g_clear_pointer(&loop->core->notice, g_free);
	}
	if (loop->core->status != NULL) {
		ui_error("%s", loop->core->status);
		g_clear_pointer(&loop->core->status, g_free);
	}
	return G_SOURCE_CONTINUE;
}

static gboolean
on_tick(gpointer data)
{
	struct loop *loop = data;

	ui_message_expire(
	    (int)opt_number(loop->core->cfg->global, "message_timeout"));
	core_fetch_tick(loop->core);
	core_live_tick(loop->core);
	return G_SOURCE_CONTINUE;
}

/* Move push strings from the config into the input queue. */
static void
take_pushed(struct loop *loop)
{
	GPtrArray *push = loop->core->cfg->push;

	for (guint i = 0; i < push->len; i++) {
		g_autoptr(GError) error = NULL;

		if (!keymap_parse(push->pdata[i], loop->pushed, &error))
			ui_error("push: %s", error->message);
	}
	g_ptr_array_set_size(push, 0);
}

static void
mark_dirty(void *data)
{
	ui_mark_dirty();
}

int
loop_run(struct core *core, GError **err)
{
	struct loop loop = { 0 };
	guint sources[8];
	size_t n = 0;

	loop.core = core;
	loop.pushed = g_array_new(FALSE, FALSE, sizeof(struct input));

	/* Before curses starts, so ncurses keeps its hands off them. */
	sources[n++] = g_unix_signal_add(SIGTERM, on_quit_signal, &loop);
	sources[n++] = g_unix_signal_add(SIGHUP, on_quit_signal, &loop);
	sources[n++] = g_unix_signal_add(SIGINT, on_sigint, &loop);
	sources[n++] = g_unix_signal_add(SIGWINCH, on_winch, &loop);
	if (!ui_init(core->cfg->global, err)) {
		loop.exit_status = -1;
		goto out;
	}
	sources[n++] = g_unix_fd_add(tstp_pipe[0], G_IO_IN, on_tstp, &loop);
	sources[n++] = g_unix_fd_add(STDIN_FILENO,
	    G_IO_IN | G_IO_HUP | G_IO_ERR, on_tty, &loop);
	sources[n++] =
	    g_unix_fd_add(reply_queue_fd(core->rq), G_IO_IN, on_replies, &loop);
	sources[n++] = g_timeout_add_seconds(1, on_tick, &loop);

	core->changed = mark_dirty;
	cmd_auth_install(core);
	cmd_first_screen(core);
	while (!core->quit_requested) {
		ui_draw();
		/* Pushed keys are read once the first screen is complete. */
		if (ui_screen_ready()) {
			/* Work that waited for the first screen starts. */
			core_screen_ready(core);
			take_pushed(&loop);
			if (loop.pushed->len > 0) {
				struct input in =
				    g_array_index(loop.pushed, struct input, 0);

				g_array_remove_index(loop.pushed, 0);
				feed(&loop, &in);
				continue;
			}
		}
		g_main_context_iteration(NULL, TRUE);
	}
out:
	cmd_auth_clear();
	ui_end();
	for (size_t i = 0; i < n; i++)
		g_source_remove(sources[i]);
	g_array_free(loop.pushed, TRUE);
	return loop.exit_status;
}
