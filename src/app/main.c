/* SPDX-License-Identifier: ISC */
/*
 * skua's entry point: the command line, the order of initialisation
 * (locale, libraries, configuration, accounts, curses) and teardown.
 */
#include "config.h"

#include <getopt.h>
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
#include "config/config.h"
#include "core/core.h"
#include "mime/mime.h"
#include "net/net.h"
#include "store/store.h"
#include "ui/ui.h"
#include "util/log.h"
#include "util/path.h"

#define _(s) gettext(s)

struct args {
	const char *rc;	    /* -F */
	const char *folder; /* -f */
	GPtrArray *exec;    /* -e, in order (borrowed argv strings) */
	const char *log;    /* -d */
	bool fetch;	    /* --fetch */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    _("usage: skua [-F rcfile] [-f folder] [-e command]... [-d "
	      "logfile]\n"
	      "       skua --fetch [-F rcfile] [-f pops://...] [-e "
	      "command]...\n"
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
	while ((c = getopt_long(argc, argv, ":d:e:F:f:hv", longopts, NULL)) !=
	    -1) {
		switch (c) {
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
				 "there"),
			    acc->name, res.fetched, res.fetched == 1 ? "" : "s",
			    res.bytes, res.deleted, res.left);
			/* pop_delete = ask: nobody to ask here, so no. */
			if (res.deletable > 0)
				printf(_(" (pop_delete is ask: --fetch does "
					 "not ask and keeps them)"));
			printf("\n");
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
	return status;
}
