/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for sending without a network: the sendmail command's argv,
 * and core_send()/core_postpone() on a local account through the real
 * sendmail driver running small shell scripts: a sent message lands in
 * the local Sent folder (seen), a failing command keeps it in Drafts
 * (\Draft) with the command's first stderr line as the reason, a draft
 * that cannot be built is still kept as a file, the From comes from the
 * options, and the callback never runs inside the call.
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "backend/worker.h"
#include "config/config.h"
#include "core/core.h"
#include "core/send.h"
#include "mime/compose.h"
#include "mime/mime.h"
#include "send/smtp.h"
#include "util/error.h"

static void
test_argv(void)
{
	g_autoptr(GPtrArray) rcpts = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;
	char **argv;

	g_ptr_array_add(rcpts, g_strdup("b@example.org"));
	g_ptr_array_add(rcpts, g_strdup("-oi@example.org"));
	argv = sendmail_argv("/usr/sbin/sendmail -t 'a b' \"c\\\"d\"",
	    "a@example.org", rcpts, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(argv[0], ==, "/usr/sbin/sendmail");
	g_assert_cmpstr(argv[1], ==, "-t");
	g_assert_cmpstr(argv[2], ==, "a b");
	g_assert_cmpstr(argv[3], ==, "c\"d");
	g_assert_cmpstr(argv[4], ==, "-oi");
	g_assert_cmpstr(argv[5], ==, "-f");
	g_assert_cmpstr(argv[6], ==, "a@example.org");
	/* Recipients after "--": never taken as options. */
	g_assert_cmpstr(argv[7], ==, "--");
	g_assert_cmpstr(argv[8], ==, "b@example.org");
	g_assert_cmpstr(argv[9], ==, "-oi@example.org");
	g_assert_null(argv[10]);
	g_strfreev(argv);
	g_assert_null(sendmail_argv("sendmail 'unbalanced", "a@example.org",
	    rcpts, &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_CONFIG);
}

/* $XDG_DATA_HOME, set once before any thread starts. */
static char *data_home;

struct fixture {
	char *dir, *store, *data_home;
	struct core *core;
	struct account *acc;
	/* The callback's arguments. */
	unsigned calls;
	bool ok;
	char *error, *kept_as;
};

static void
on_done(struct core *core, struct account *acc, bool ok, const char *error,
    const char *kept_as, void *data)
{
	struct fixture *fx = data;

	g_assert_true(core == fx->core);
	g_assert_true(acc == fx->acc);
	fx->calls++;
	fx->ok = ok;
	g_free(fx->error);
	g_free(fx->kept_as);
	fx->error = g_strdup(error);
	fx->kept_as = g_strdup(kept_as);
}

static void
write_script(const char *path, const char *text)
{
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	g_assert_cmpint(g_chmod(path, 0700), ==, 0);
}

/* A local account whose sendmail is script (a file under the fixture). */
static void
setup(struct fixture *fx, const char *script)
{
	g_autoptr(GError) error = NULL;
	struct config *cfg = config_new();
	g_autofree char *sm = NULL;
	g_autofree char *lines = NULL;

	fx->dir = g_dir_make_tmp("skua-send-XXXXXX", NULL);
	fx->store = g_build_filename(fx->dir, "mail", NULL);
	fx->data_home = g_strdup(data_home);
	sm = g_build_filename(fx->dir, "sendmail.sh", NULL);
	write_script(sm, script);
	lines = g_strdup_printf("account local\n"
				"set folder = \"%s\"\n"
				"set from = \"me@example.org\"\n"
				"set realname = \"Me, Myself\"\n"
				"set sendmail = \"%s\"\n"
				"end\n",
	    fx->store, sm);
	{
		g_auto(GStrv) l = g_strsplit(lines, "\n", -1);

		for (char **p = l; *p != NULL; p++)
			if (**p != '\0')
				g_assert_true(
				    config_exec(cfg, *p, "test", NULL, &error));
	}
	config_finish(cfg);
	fx->core = core_new(cfg);
	g_assert_true(core_add_accounts(fx->core, NULL, &error));
	g_assert_cmpuint(fx->core->accounts->len, ==, 1);
	fx->acc = fx->core->accounts->pdata[0];
}

static void
teardown(struct fixture *fx)
{
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", fx->dir);

	core_free(fx->core);
	g_assert_cmpint(system(cmd), ==, 0);
	g_free(fx->dir);
	g_free(fx->store);
	g_free(fx->data_home);
	g_free(fx->error);
	g_free(fx->kept_as);
}

/* Run the loop until the callback came (bounded). */
static void
wait_done(struct fixture *fx)
{
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while (fx->calls == 0) {
		GPollFD pfd = { reply_queue_fd(fx->core->rq), G_IO_IN, 0 };

		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_poll(&pfd, 1, 20);
		reply_queue_dispatch(fx->core->rq);
		while (g_main_context_iteration(NULL, FALSE))
			;
	}
}

/* The files of dir/cur whose name ends with suffix. */
static unsigned
count_cur(const char *dir, const char *suffix, char **first)
{
	g_autofree char *cur = g_build_filename(dir, "cur", NULL);
	GDir *d = g_dir_open(cur, 0, NULL);
	const char *name;
	unsigned n = 0;

	if (d == NULL)
		return 0;
	while ((name = g_dir_read_name(d)) != NULL)
		if (g_str_has_suffix(name, suffix)) {
			if (n++ == 0 && first != NULL)
				*first = g_build_filename(cur, name, NULL);
		}
	g_dir_close(d);
	return n;
}

static struct draft *
a_draft(void)
{
	struct draft *d = draft_new();

	d->to = g_strdup("you@example.org");
	d->bcc = g_strdup("hidden@example.org");
	d->subject = g_strdup("hello");
	d->body = g_strdup("text\n");
	return d;
}

static void
test_sent(void)
{
	struct fixture fx = { 0 };
	g_autofree char *out = NULL;
	g_autofree char *args = NULL;
	g_autofree char *copy = NULL;
	g_autofree char *copied = NULL;
	g_autofree char *sent = NULL;
	g_autofree char *script = NULL;

	script = g_strdup_printf("#!/bin/sh\n"
				 "echo \"$@\" >\"$(dirname \"$0\")/args\"\n"
				 "cat >\"$(dirname \"$0\")/out\"\n");
	setup(&fx, script);
	core_send(fx.core, fx.acc, a_draft(), on_done, &fx);
	g_assert_cmpuint(fx.calls, ==, 0); /* never inside the call */
	wait_done(&fx);
	g_assert_true(fx.ok);
	g_assert_null(fx.error);
	args = g_build_filename(fx.dir, "args", NULL);
	g_assert_true(g_file_get_contents(args, &out, NULL, NULL));
	g_assert_cmpstr(out, ==,
	    "-oi -f me@example.org -- you@example.org hidden@example.org\n");
	g_free(out);
	out = NULL;
	g_free(args);
	args = g_build_filename(fx.dir, "out", NULL);
	g_assert_true(g_file_get_contents(args, &out, NULL, NULL));
	g_assert_nonnull(strstr(out, "From: \"Me, Myself\" <me@example.org>"));
	g_assert_null(strstr(out, "hidden@"));
	g_assert_null(strchr(out, '\r'));
	sent = g_build_filename(fx.store, ".Sent", NULL);
	g_assert_cmpuint(count_cur(sent, ":2,S", &copy), ==, 1);
	g_assert_true(g_file_get_contents(copy, &copied, NULL, NULL));
	g_assert_nonnull(strstr(copied, "Subject: hello"));
	teardown(&fx);
}

static void
test_failed_kept(void)
{
	struct fixture fx = { 0 };
	g_autofree char *drafts = NULL;
	g_autofree char *sent = NULL;

	setup(&fx,
	    "#!/bin/sh\ncat >/dev/null\n"
	    "echo 'relay: mailbox full' >&2\necho more >&2\nexit 75\n");
	core_send(fx.core, fx.acc, a_draft(), on_done, &fx);
	wait_done(&fx);
	g_assert_false(fx.ok);
	g_assert_nonnull(fx.error);
	g_assert_nonnull(strstr(fx.error, "exited with status 75"));
	g_assert_nonnull(strstr(fx.error, "relay: mailbox full"));
	g_assert_null(strchr(fx.error, '\n'));
	drafts = g_build_filename(fx.store, ".Drafts", NULL);
	g_assert_cmpstr(fx.kept_as, ==, drafts);
	g_assert_cmpuint(count_cur(drafts, ":2,DS", NULL), ==, 1);
	sent = g_build_filename(fx.store, ".Sent", NULL);
	g_assert_cmpuint(count_cur(sent, "", NULL), ==, 0);
	teardown(&fx);
}

static void
test_postpone(void)
{
	struct fixture fx = { 0 };
	g_autofree char *drafts = NULL;
	g_autofree char *file = NULL;
	g_autofree char *text = NULL;
	struct draft *back;

	setup(&fx, "#!/bin/sh\nexit 1\n");
	core_postpone(fx.core, fx.acc, a_draft(), on_done, &fx);
	wait_done(&fx);
	g_assert_true(fx.ok);
	drafts = g_build_filename(fx.store, ".Drafts", NULL);
	g_assert_cmpstr(fx.kept_as, ==, drafts);
	g_assert_cmpuint(count_cur(drafts, ":2,DS", &file), ==, 1);
	g_assert_true(g_file_get_contents(file, &text, NULL, NULL));
	back = draft_parse(text, strlen(text), fx.dir, NULL);
	g_assert_nonnull(back);
	g_assert_cmpstr(back->bcc, ==, "hidden@example.org");
	g_assert_cmpstr(back->body, ==, "text\n");
	draft_free(back);
	teardown(&fx);
}

static void
test_malformed_kept_in_file(void)
{
	struct fixture fx = { 0 };
	struct draft *d = a_draft();
	g_autofree char *text = NULL;
	GStatBuf st;

	setup(&fx, "#!/bin/sh\ncat >/dev/null\n");
	g_free(d->to);
	d->to = g_strdup("not an address");
	core_send(fx.core, fx.acc, d, on_done, &fx);
	wait_done(&fx);
	g_assert_false(fx.ok);
	g_assert_nonnull(strstr(fx.error, "not a valid address"));
	g_assert_nonnull(fx.kept_as);
	g_assert_true(g_str_has_prefix(fx.kept_as, fx.data_home));
	g_assert_cmpint(g_stat(fx.kept_as, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	g_assert_true(g_file_get_contents(fx.kept_as, &text, NULL, NULL));
	g_assert_nonnull(strstr(text, "To: not an address"));
	g_assert_nonnull(strstr(text, "\ntext\n"));
	teardown(&fx);
}

static void
test_cancel(void)
{
	struct fixture fx = { 0 };

	setup(&fx, "#!/bin/sh\nexec sleep 30\n");
	g_assert_false(core_send_cancel(fx.core, fx.acc));
	core_send(fx.core, fx.acc, a_draft(), on_done, &fx);
	g_usleep(200000);
	g_assert_true(core_send_cancel(fx.core, fx.acc));
	wait_done(&fx);
	g_assert_false(fx.ok);
	g_assert_nonnull(strstr(fx.error, "cancelled"));
	g_assert_nonnull(fx.kept_as);
	teardown(&fx);
}

int
main(int argc, char **argv)
{
	int r;

	g_test_init(&argc, &argv, NULL);
	data_home = g_dir_make_tmp("skua-send-data-XXXXXX", NULL);
	g_setenv("XDG_DATA_HOME", data_home, TRUE);
	mime_init();
	backend_register("sendmail", sendmail_backend_new);
	g_test_add_func("/send/sendmail-argv", test_argv);
	g_test_add_func("/send/sent-copy", test_sent);
	g_test_add_func("/send/failed-kept-in-drafts", test_failed_kept);
	g_test_add_func("/send/postpone", test_postpone);
	g_test_add_func("/send/malformed-kept-in-file",
	    test_malformed_kept_in_file);
	g_test_add_func("/send/cancel", test_cancel);
	r = g_test_run();
	mime_shutdown();
	{
		g_autofree char *cmd =
		    g_strdup_printf("rm -rf '%s'", data_home);

		if (system(cmd) != 0)
			r = 1;
	}
	g_free(data_home);
	return r;
}
