/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for core/live.c: new mail is announced on the message line and
 * given to new_mail_command, whose folder argument (the server's text) is
 * passed as $1 and never becomes part of the shell command.
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "config/config.h"
#include "core/core.h"
#include "core/live.h"

/* Poll until path has content (bounded: 10 s); returns it. */
static char *
wait_content(const char *path)
{
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	char *text = NULL;

	for (;;) {
		if (g_file_get_contents(path, &text, NULL, NULL) &&
		    strchr(text, '\n') != NULL)
			return text;
		g_clear_pointer(&text, g_free);
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_usleep(10000);
	}
}

static void
test_new_mail_command(void)
{
	g_autofree char *dir = g_dir_make_tmp("skua-live-XXXXXX", NULL);
	g_autofree char *out = g_build_filename(dir, "out", NULL);
	g_autofree char *pwned = g_build_filename(dir, "pwned", NULL);
	g_autofree char *set = g_strdup_printf(
	    "set new_mail_command = 'printf \"%%s|%%s|%%s\\n\" \"$1\" \"$2\" "
	    "\"$3\" >>%s'",
	    out);
	/* Shell syntax and a terminal escape, as a hostile server names a
	 * folder. */
	g_autofree char *evil =
	    g_strdup_printf("Evil$(touch %s)`touch %s`;touch %s \033[31m",
		pwned, pwned, pwned);
	g_autofree char *want =
	    g_strdup_printf("Evil$(touch %s)`touch %s`;touch %s ?[31m|3|mail\n",
		pwned, pwned, pwned);
	const char *rc[] = { "account mail",
		"set folder = /nonexistent/Maildir", set, "end" };
	struct config *cfg = config_new();
	g_autoptr(GError) error = NULL;
	struct core *core;
	struct account *acc;
	g_autofree char *got = NULL;

	g_assert_nonnull(dir);
	for (size_t i = 0; i < G_N_ELEMENTS(rc); i++)
		g_assert_true(config_exec(cfg, rc[i], "test", NULL, &error));
	g_assert_cmpuint(cfg->errors->len, ==, 0);
	core = core_new(cfg);
	g_assert_true(core_add_accounts(core, NULL, &error));
	acc = core->accounts->pdata[0];

	/* Nothing new: nothing said, nothing run. */
	core_new_mail(core, acc, "INBOX", 0);
	g_assert_null(core->notice);

	core_new_mail(core, acc, evil, 3);
	g_assert_nonnull(core->notice);
	g_assert_true(g_str_has_prefix(core->notice, "New mail in Evil$("));
	got = wait_content(out);
	g_assert_cmpstr(got, ==, want);
	g_assert_false(g_file_test(pwned, G_FILE_TEST_EXISTS));

	core_free(core);
	g_unlink(out);
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/live/new-mail-command", test_new_mail_command);
	return g_test_run();
}
