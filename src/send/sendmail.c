/* SPDX-License-Identifier: ISC */
/*
 * Sending through a sendmail-compatible command: the user's own command
 * (the sendmail option) split into argv, "-oi -f sender --" and the
 * recipients appended (no shell ever sees them), the message on its stdin
 * with LF lines; a non-zero exit is a failure that names the first line of
 * what the command wrote on stderr.
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/types.h"
#include "send/smtp.h"
#include "util/error.h"
#include "util/log.h"

struct sendmail {
	char *account;
	char *command;
	GMutex lock;
	GCancellable *running; /* of the command running, under lock */
};

static struct sendmail *
sendmail_of(struct backend *be)
{
	return be->data;
}

char **
sendmail_argv(const char *command, const char *sender,
    const GPtrArray *recipients, GError **err)
{
	g_auto(GStrv) words = NULL;
	GError *error = NULL;
	GPtrArray *argv;

	if (command == NULL ||
	    !g_shell_parse_argv(command, NULL, &words, &error)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG, "sendmail: %s",
		    error != NULL ? error->message : "no command");
		g_clear_error(&error);
		return NULL;
	}
	argv = g_ptr_array_new();
	for (char **w = words; *w != NULL; w++)
		g_ptr_array_add(argv, g_strdup(*w));
	g_ptr_array_add(argv, g_strdup("-oi"));
	g_ptr_array_add(argv, g_strdup("-f"));
	g_ptr_array_add(argv, g_strdup(sender));
	g_ptr_array_add(argv, g_strdup("--"));
	for (guint i = 0; recipients != NULL && i < recipients->len; i++)
		g_ptr_array_add(argv, g_strdup(recipients->pdata[i]));
	g_ptr_array_add(argv, NULL);
	return (char **)g_ptr_array_free(argv, FALSE);
}

/* The first line of text, printable, at most 200 bytes. Caller frees. */
static char *
first_line(const char *text, size_t len)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < len && s->len < 200; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\n' || c == '\r') {
			if (s->len > 0)
				break;
			continue;
		}
		g_string_append_c(s, c >= 0x20 && c < 0x7f ? (char)c : '?');
	}
	return g_string_free(s, FALSE);
}

static bool
sendmail_submit(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err)
{
	struct sendmail *d = sendmail_of(be);
	g_auto(GStrv) argv = NULL;
	g_autofree char *data = NULL;
	GString *lf;
	GBytes *in, *errout = NULL;
	GSubprocess *proc;
	GCancellable *cancel;
	GError *error = NULL;
	gsize len = 0;
	bool ok = false;

	(void)sink;
	if (req->path == NULL || req->sender == NULL ||
	    req->recipients == NULL || req->recipients->len == 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "%s: nothing to send", d->account);
		return false;
	}
	argv = sendmail_argv(d->command, req->sender, req->recipients, err);
	if (argv == NULL)
		return false;
	if (!g_file_get_contents(req->path, &data, &len, err))
		return false;
	/* sendmail takes the local convention: LF lines. */
	lf = g_string_sized_new(len);
	for (gsize i = 0; i < len; i++)
		if (!(data[i] == '\r' && i + 1 < len && data[i + 1] == '\n'))
			g_string_append_c(lf, data[i]);
	in = g_string_free_to_bytes(lf);
	proc = g_subprocess_newv((const char *const *)argv,
	    G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
		G_SUBPROCESS_FLAGS_STDERR_PIPE,
	    &error);
	if (proc == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "%s: cannot run %s: %s", d->account, argv[0],
		    error->message);
		g_error_free(error);
		g_bytes_unref(in);
		return false;
	}
	cancel = g_cancellable_new();
	g_mutex_lock(&d->lock);
	d->running = cancel;
	g_mutex_unlock(&d->lock);
	if (!g_subprocess_communicate(proc, in, cancel, NULL, &errout,
		&error)) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_CANCELLED,
			    "%s: sending cancelled", d->account);
		else
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "%s: %s: %s", d->account, argv[0], error->message);
		g_error_free(error);
		g_subprocess_force_exit(proc);
		g_subprocess_wait(proc, NULL, NULL);
	} else if (!g_subprocess_get_if_exited(proc) ||
	    g_subprocess_get_exit_status(proc) != 0) {
		gsize n = 0;
		const char *text =
		    errout != NULL ? g_bytes_get_data(errout, &n) : NULL;
		g_autofree char *line = first_line(text != NULL ? text : "", n);

		if (g_subprocess_get_if_exited(proc))
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
			    "%s: %s exited with status %d%s%s", d->account,
			    argv[0], g_subprocess_get_exit_status(proc),
			    *line != '\0' ? ": " : "", line);
		else
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_PROTOCOL,
			    "%s: %s was killed by signal %d", d->account,
			    argv[0], g_subprocess_get_term_sig(proc));
	} else {
		log_info("%s: sent %zu bytes to %u recipient%s with %s",
		    d->account, (size_t)len, req->recipients->len,
		    req->recipients->len == 1 ? "" : "s", argv[0]);
		ok = true;
	}
	g_mutex_lock(&d->lock);
	d->running = NULL;
	g_mutex_unlock(&d->lock);
	g_object_unref(cancel);
	if (errout != NULL)
		g_bytes_unref(errout);
	g_bytes_unref(in);
	g_object_unref(proc);
	return ok;
}

static void
sendmail_free(struct backend *be)
{
	struct sendmail *d = sendmail_of(be);

	g_free(d->account);
	g_free(d->command);
	g_mutex_clear(&d->lock);
	g_free(d);
	g_free(be);
}

static void
sendmail_interrupt(struct backend *be)
{
	struct sendmail *d = sendmail_of(be);

	g_mutex_lock(&d->lock);
	if (d->running != NULL)
		g_cancellable_cancel(d->running);
	g_mutex_unlock(&d->lock);
}

static const struct backend_ops sendmail_ops = {
	.size = sizeof(struct backend_ops),
	.name = "sendmail",
	.free = sendmail_free,
	.interrupt = sendmail_interrupt,
	.submit = sendmail_submit,
};

struct backend *
sendmail_backend_new(const struct backend_params *p)
{
	struct backend *be = g_new0(struct backend, 1);
	struct sendmail *d = g_new0(struct sendmail, 1);

	d->account = g_strdup(p->account);
	d->command = g_strdup(p->sendmail);
	g_mutex_init(&d->lock);
	be->ops = &sendmail_ops;
	be->data = d;
	return be;
}
