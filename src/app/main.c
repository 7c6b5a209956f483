/* SPDX-License-Identifier: ISC */
/*
 * skua's entry point: the command line, the order of initialisation
 * (locale, libraries, configuration, accounts, curses) and teardown.
 */
#include "config.h"

#include <getopt.h>
#include <glib-unix.h>
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/loop.h"
#include "backend/backend.h"
#include "backend/imap/imap.h"
#include "backend/maildir/maildir.h"
#include "backend/pop3/pop3.h"
#include "backend/worker.h"
#include "config/config.h"
#include "core/core.h"
#include "core/send.h"
#include "mime/compose.h"
#include "mime/mime.h"
#include "net/net.h"
#include "send/smtp.h"
#include "store/store.h"
#include "ui/ui.h"
#include "util/error.h"
#include "util/log.h"
#include "util/path.h"

#define _(s) gettext(s)

struct args {
	const char *rc;	    /* -F */
	const char *folder; /* -f */
	GPtrArray *exec;    /* -e, in order (borrowed argv strings) */
	const char *log;    /* -d */
	bool fetch;	    /* --fetch */
	/* -s: send without the interface. */
	const char *subject;
	GPtrArray *cc, *bcc, *attach, *to; /* borrowed argv strings */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    _("usage: skua [-F rcfile] [-f folder] [-e command]... [-d "
	      "logfile]\n"
	      "       skua --fetch [-F rcfile] [-f pops://...] [-e "
	      "command]...\n"
	      "       skua -s subject [-c cc] [-b bcc] [-a file... --] "
	      "addr... < body\n"
	      "       skua -v | -h\n"
	      "\n"
	      "  -F rcfile   read this rc file instead of %s\n"
	      "  -f folder   open this folder: imaps://user@host/INBOX, a "
	      "Maildir path\n"
	      "  -e command  run an rc command after the rc file (repeatable)\n"
	      "  -d logfile  write a debug log to logfile\n"
	      "  --fetch     download new mail of the POP3 accounts (or of "
	      "-f)\n"
	      "              without the interface, print a summary, exit\n"
	      "  -s subject  send the message on stdin to addr... and exit\n"
	      "              (-c cc, -b bcc: more recipients, repeatable;\n"
	      "              -a attaches the files up to --)\n"
	      "  -v          print the version of skua and of its libraries\n"
	      "  -h          print this help\n"),
	    "$XDG_CONFIG_HOME/skua/skuarc");
}

static void
print_versions(void)
{
	g_autoptr(GString) out = g_string_new(NULL);

	g_string_append_printf(out, "skua %s\n", PACKAGE_VERSION);
	net_versions(out);
	mime_versions(out);
	ui_versions(out);
	store_versions(out);
	g_string_append_printf(out, "GLib %u.%u.%u\n", glib_major_version,
	    glib_minor_version, glib_micro_version);
	fputs(out->str, stdout);
}

/* Returns -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, struct args *args)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ "fetch", no_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:a:b:c:d:e:F:f:hs:v", longopts,
		    NULL)) != -1) {
		switch (c) {
		case 'a':
			/* mutt's -a file... --: the files up to "--". */
			g_ptr_array_add(args->attach, optarg);
			while (optind < argc && strcmp(argv[optind], "--") != 0)
				g_ptr_array_add(args->attach, argv[optind++]);
			if (optind < argc)
				optind++;
			break;
		case 'b':
			g_ptr_array_add(args->bcc, optarg);
			break;
		case 'c':
			g_ptr_array_add(args->cc, optarg);
			break;
		case 's':
			args->subject = optarg;
			break;
		case 'd':
			args->log = optarg;
			break;
		case 'e':
			g_ptr_array_add(args->exec, optarg);
			break;
		case 'F':
			args->rc = optarg;
			break;
		case 'f':
			args->folder = optarg;
			break;
		case 'G':
			args->fetch = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'v':
			print_versions();
			return EXIT_SUCCESS;
		case ':':
			fprintf(stderr,
			    _("skua: option '-%c' needs an argument; try "
			      "'skua -h'\n"),
			    optopt);
			return EXIT_FAILURE;
		default:
			if (optopt != 0)
				fprintf(stderr,
				    _("skua: unknown option '-%c'; try "
				      "'skua -h'\n"),
				    optopt);
			else
				fprintf(stderr,
				    _("skua: unknown option '%s'; try "
				      "'skua -h'\n"),
				    argv[optind - 1]);
			return EXIT_FAILURE;
		}
	}
	if (args->subject != NULL) {
		while (optind < argc)
			g_ptr_array_add(args->to, argv[optind++]);
		if (args->to->len == 0) {
			fprintf(stderr,
			    _("skua: -s: no recipient; try 'skua -h'\n"));
			return EXIT_FAILURE;
		}
	} else if (args->cc->len > 0 || args->bcc->len > 0 ||
	    args->attach->len > 0) {
		fprintf(stderr,
		    _("skua: -a, -b and -c go with -s; try 'skua -h'\n"));
		return EXIT_FAILURE;
	}
	if (optind < argc) {
		fprintf(stderr,
		    _("skua: unexpected argument '%s'; try 'skua -h'\n"),
		    argv[optind]);
		return EXIT_FAILURE;
	}
	return -1;
}

static struct config *
load_config(const struct args *args, GError **err)
{
	struct config *cfg = config_new();
	g_autofree char *rc = NULL;

	/* -F must exist; the default rc file may be missing. */
	rc = args->rc != NULL ? g_strdup(args->rc) : path_default_rc();
	if (!config_load(cfg, rc, args->rc != NULL, err)) {
		config_free(cfg);
		return NULL;
	}
	for (guint i = 0; i < args->exec->len; i++) {
		g_autoptr(GError) error = NULL;

		if (!config_exec(cfg, args->exec->pdata[i], "-e", NULL, &error))
			g_ptr_array_add(cfg->errors,
			    g_strdup_printf("-e '%s': %s",
				(const char *)args->exec->pdata[i],
				error->message));
	}
	config_finish(cfg);
	return cfg;
}

/*
 * skua --fetch: download every POP3 account's new mail (only the -f
 * account's when -f is given), one summary line per account on stdout.
 * Returns the exit status; a failure is one line on stderr.
 */
static int
fetch_all(struct core *core, bool only_first)
{
	int status = EXIT_SUCCESS;
	unsigned n = 0;

	for (guint i = 0; i < core->accounts->len; i++) {
		struct account *acc = core->accounts->pdata[i];
		g_autoptr(GError) error = NULL;
		struct pop3_result res;
		struct backend *be;

		if (only_first && i > 0)
			break;
		if (acc->kind != ACCOUNT_POP)
			continue;
		n++;
		be = core_account_driver(acc);
		if (be == NULL) {
			fprintf(stderr, "skua: %s: no POP3 driver\n",
			    acc->name);
			status = EXIT_FAILURE;
			continue;
		}
		if (!pop3_fetch(be, NULL, NULL, &res, &error)) {
			fprintf(stderr, "skua: %s\n", error->message);
			status = EXIT_FAILURE;
		} else {
			printf(_("%s: %u new message%s (%" G_GUINT64_FORMAT
				 " bytes), %u deleted on the server, %u left "
				 "there\n"),
			    acc->name, res.fetched, res.fetched == 1 ? "" : "s",
			    res.bytes, res.deleted, res.left);
		}
		be->ops->free(be);
	}
	if (n == 0) {
		fprintf(stderr,
		    _("skua: --fetch: no pop:// or pops:// account (set "
		      "folder = pops://user@host/ in an account, or give "
		      "-f)\n"));
		return EXIT_FAILURE;
	}
	fflush(stdout);
	return status;
}

/* The addresses of list joined with ", "; NULL when empty. */
static char *
join_addresses(const GPtrArray *list)
{
	GString *s;

	if (list->len == 0)
		return NULL;
	s = g_string_new(NULL);
	for (guint i = 0; i < list->len; i++) {
		if (i > 0)
			g_string_append(s, ", ");
		g_string_append(s, list->pdata[i]);
	}
	return g_string_free(s, FALSE);
}

/* The body for -s: all of stdin, as UTF-8. NULL with err on a read error. */
static char *
read_stdin(GError **err)
{
	GString *s = g_string_new(NULL);
	char buf[8192];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		g_string_append_len(s, buf, (gssize)n);
	if (ferror(stdin)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot read the message from standard input");
		g_string_free(s, TRUE);
		return NULL;
	}
	if (!g_utf8_validate(s->str, (gssize)s->len, NULL)) {
		/* Not UTF-8: taken as Latin-1 rather than refused. */
		char *u = g_convert(s->str, (gssize)s->len, "UTF-8",
		    "ISO-8859-1", NULL, NULL, NULL);

		g_string_free(s, TRUE);
		return u != NULL ? u : g_strdup("");
	}
	return g_string_free(s, FALSE);
}

struct batch_send {
	bool done, ok;
	char *error, *kept_as;
};

static void
on_batch_sent(struct core *core, struct account *acc, bool ok,
    const char *error, const char *kept_as, void *data)
{
	struct batch_send *b = data;

	(void)core;
	(void)acc;
	b->done = true;
	b->ok = ok;
	b->error = g_strdup(error);
	b->kept_as = g_strdup(kept_as);
}

static gboolean
on_batch_replies(gint fd, GIOCondition cond, gpointer data)
{
	(void)fd;
	(void)cond;
	reply_queue_dispatch(((struct core *)data)->rq);
	return G_SOURCE_CONTINUE;
}

/*
 * skua -s: the message on stdin to the addresses, from the first account
 * (-f's when given), sent, copied to Sent, and kept as a draft when the
 * send fails. Returns the exit status; a failure is one line on stderr.
 */
static int
send_batch(struct core *core, const struct args *args)
{
	struct batch_send b = { 0 };
	g_autoptr(GError) error = NULL;
	struct account *acc;
	struct draft *d;
	guint source;

	if (core->accounts->len == 0) {
		fprintf(stderr,
		    _("skua: -s: no account to send from (give -f or an "
		      "account block with smtp_url)\n"));
		return EXIT_FAILURE;
	}
	acc = core->accounts->pdata[0];
	d = draft_new();
	d->body = read_stdin(&error);
	if (d->body == NULL) {
		fprintf(stderr, "skua: %s\n", error->message);
		draft_free(d);
		return EXIT_FAILURE;
	}
	d->subject = g_strdup(args->subject);
	d->to = join_addresses(args->to);
	d->cc = join_addresses(args->cc);
	d->bcc = join_addresses(args->bcc);
	if (args->attach->len > 0) {
		d->attachments = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)draft_attachment_free);
		for (guint i = 0; i < args->attach->len; i++)
			g_ptr_array_add(d->attachments,
			    draft_attachment_new(args->attach->pdata[i]));
	}
	source = g_unix_fd_add(reply_queue_fd(core->rq), G_IO_IN,
	    on_batch_replies, core);
	core_send(core, acc, d, on_batch_sent, &b);
	while (!b.done)
		g_main_context_iteration(NULL, TRUE);
	g_source_remove(source);
	if (b.ok && core->notice != NULL)
		/* Sent, but something to know: a Sent copy that failed. */
		fprintf(stderr, "skua: %s\n", core->notice);
	if (!b.ok) {
		if (b.kept_as != NULL)
			fprintf(stderr,
			    _("skua: %s; the message is kept in %s\n"), b.error,
			    b.kept_as);
		else
			fprintf(stderr, "skua: %s\n", b.error);
	}
	g_free(b.error);
	g_free(b.kept_as);
	return b.ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

int
main(int argc, char **argv)
{
	struct args args = { 0 };
	g_autoptr(GError) error = NULL;
	struct config *cfg;
	struct core *core = NULL;
	int status;

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);
	args.exec = g_ptr_array_new();
	args.cc = g_ptr_array_new();
	args.bcc = g_ptr_array_new();
	args.attach = g_ptr_array_new();
	args.to = g_ptr_array_new();
	status = parse_args(argc, argv, &args);
	if (status >= 0)
		goto out;
	status = EXIT_FAILURE;
	if (args.log != NULL && !log_open(args.log, LOG_TRACE, &error)) {
		fprintf(stderr, "skua: %s\n", error->message);
		goto out;
	}
	log_set_thread_name("main");
	log_info("skua %s starting", PACKAGE_VERSION);

	loop_install_signals();
	/* Library globals, before any thread starts. */
	mime_init();
	net_init();
	imap_init();
	backend_register("imap", imap_backend_new);
	backend_register("imaps", imap_backend_new);
	backend_register("pop", pop3_backend_new);
	backend_register("pops", pop3_backend_new);
	backend_register("maildir", maildir_backend_new);
	backend_register("smtp", smtp_backend_new);
	backend_register("smtps", smtp_backend_new);
	backend_register("sendmail", sendmail_backend_new);

	cfg = load_config(&args, &error);
	if (cfg == NULL) {
		fprintf(stderr, "skua: %s\n", error->message);
		goto out_lib;
	}
	core = core_new(cfg);
	if (!core_add_accounts(core, args.folder, &error)) {
		fprintf(stderr, "skua: -f: %s\n", error->message);
		goto out_lib;
	}
	for (guint i = 0; i < cfg->errors->len; i++)
		log_warn("config: %s", (const char *)cfg->errors->pdata[i]);

	if (args.fetch) {
		status = fetch_all(core, args.folder != NULL);
		goto out_errors;
	}
	if (args.subject != NULL) {
		status = send_batch(core, &args);
		goto out_errors;
	}
	status = loop_run(core, &error);
	if (status < 0) {
		fprintf(stderr, "skua: %s\n", error->message);
		status = EXIT_FAILURE;
	}
out_errors:
	/* Curses is gone: repeat what was wrong in the rc file. */
	for (guint i = 0; i < cfg->errors->len; i++)
		fprintf(stderr, "skua: %s\n",
		    (const char *)cfg->errors->pdata[i]);
out_lib:
	core_free(core);
	mime_shutdown();
out:
	log_info("skua exiting with status %d", status);
	log_close();
	g_ptr_array_free(args.exec, TRUE);
	g_ptr_array_free(args.cc, TRUE);
	g_ptr_array_free(args.bcc, TRUE);
	g_ptr_array_free(args.attach, TRUE);
	g_ptr_array_free(args.to, TRUE);
	return status;
}
