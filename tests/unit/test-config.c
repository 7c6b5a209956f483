/* SPDX-License-Identifier: ISC */
/* Unit tests for config/: the options table, option sets, the rc parser. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "config/options.h"
#include "util/error.h"

static void
test_table_sorted_and_defaults(void)
{
	size_t n;
	const struct option_def *t = options_table(&n);
	struct optset *set = optset_new(NULL);

	g_assert_cmpuint(n, >, 0);
	for (size_t i = 0; i < n; i++) {
		g_autofree char *v = NULL;

		if (i > 0)
			g_assert_cmpint(strcmp(t[i - 1].name, t[i].name), <, 0);
		g_assert_true(option_find(t[i].name) == &t[i]);
		g_assert_nonnull(t[i].help);
		/* Every default parses as its own type. */
		if (t[i].def != NULL) {
			g_autoptr(GError) error = NULL;

			g_assert_true(
			    optset_set(set, t[i].name, t[i].def, &error));
			g_assert_no_error(error);
		}
		v = optset_format(set, t[i].name);
		g_assert_nonnull(v);
	}
	optset_free(set);
}

/* skuarc(5) documents every option of the table. */
static void
test_man_page_lists_options(void)
{
	const char *top = g_getenv("top_srcdir");
	g_autofree char *path = NULL, *text = NULL;
	size_t n;
	const struct option_def *t = options_table(&n);

	if (top == NULL) {
		g_test_skip("top_srcdir is not set");
		return;
	}
	path = g_build_filename(top, "doc", "skuarc.5", NULL);
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	for (size_t i = 0; i < n; i++) {
		g_autofree char *entry =
		    g_strdup_printf("\n.B %s\n", t[i].name);

		if (strstr(text, entry) == NULL)
			g_error("doc/skuarc.5 does not document '%s'",
			    t[i].name);
	}
}

static void
test_optset_types(void)
{
	struct optset *global = optset_new(NULL);
	struct optset *acc = optset_new(global);
	g_autoptr(GError) error = NULL;

	g_assert_true(opt_bool(global, "help"));
	g_assert_true(optset_set(global, "help", "no", NULL));
	g_assert_false(opt_bool(acc, "help"));
	g_assert_true(optset_toggle(acc, "help", NULL));
	g_assert_true(opt_bool(acc, "help"));
	g_assert_false(opt_bool(global, "help"));
	g_assert_true(optset_reset(acc, "help", NULL));
	g_assert_false(opt_bool(acc, "help"));

	g_assert_cmpint(opt_number(global, "message_timeout"), ==, 5);
	g_assert_false(optset_set(global, "message_timeout", "0", &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_CONFIG);
	g_clear_error(&error);
	g_assert_false(optset_set(global, "message_timeout", "5x", &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_CONFIG);
	g_clear_error(&error);

	g_assert_cmpint(opt_quad(global, "quit"), ==, QUAD_YES);
	g_assert_true(optset_set(global, "quit", "ask-no", NULL));
	g_assert_true(optset_toggle(global, "quit", NULL));
	g_assert_cmpint(opt_quad(global, "quit"), ==, QUAD_ASK_YES);

	g_assert_cmpstr(opt_string(acc, "spoolfile"), ==, "INBOX");
	g_assert_true(optset_unset(acc, "spoolfile", NULL));
	g_assert_null(opt_string(acc, "spoolfile"));
	g_assert_cmpstr(opt_string(global, "spoolfile"), ==, "INBOX");

	g_assert_false(optset_set(global, "nosuch", "1", &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_CONFIG);
	optset_free(acc);
	optset_free(global);
}

static void
test_folder_check(void)
{
	struct optset *set = optset_new(NULL);
	g_autoptr(GError) error = NULL;

	g_assert_true(optset_set(set, "folder", "imaps://u@h/", NULL));
	g_assert_true(optset_set(set, "folder", "~/Mail", NULL));
	g_assert_false(optset_set(set, "folder", "smtps://u@h/", &error));
	g_assert_nonnull(strstr(error->message, "sending"));
	g_clear_error(&error);
	g_assert_false(optset_set(set, "folder", "imaps://h:x/", &error));
	g_assert_nonnull(strstr(error->message, "malformed URL"));
	optset_free(set);
}

/* Run line and expect success; returns the message, if any. */
static char *
exec_ok(struct config *cfg, const char *line)
{
	g_autoptr(GError) error = NULL;
	char *msg = NULL;

	if (!config_exec(cfg, line, "test", &msg, &error))
		g_error("'%s' failed: %s", line, error->message);
	return msg;
}

static void
exec_fails(struct config *cfg, const char *line, const char *needle)
{
	g_autoptr(GError) error = NULL;

	if (config_exec(cfg, line, "test", NULL, &error))
		g_error("'%s' succeeded", line);
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_CONFIG);
	if (strstr(error->message, needle) == NULL)
		g_error("'%s': message '%s' lacks '%s'", line, error->message,
		    needle);
}

static void
test_set_forms(void)
{
	struct config *cfg = config_new();
	g_autofree char *q = NULL;

	exec_ok(cfg, "set nohelp");
	g_assert_false(opt_bool(cfg->global, "help"));
	exec_ok(cfg, "set invhelp");
	g_assert_true(opt_bool(cfg->global, "help"));
	exec_ok(cfg, "set help=no beep = no message_timeout=9");
	g_assert_false(opt_bool(cfg->global, "help"));
	g_assert_false(opt_bool(cfg->global, "beep"));
	g_assert_cmpint(opt_number(cfg->global, "message_timeout"), ==, 9);
	exec_ok(cfg, "set help   # a comment");
	g_assert_true(opt_bool(cfg->global, "help"));
	exec_ok(cfg, "set &help");
	g_assert_true(opt_bool(cfg->global, "help"));
	exec_ok(cfg, "unset help beep");
	g_assert_false(opt_bool(cfg->global, "help"));
	exec_ok(cfg, "toggle help");
	g_assert_true(opt_bool(cfg->global, "help"));
	exec_ok(cfg, "reset beep");
	g_assert_true(opt_bool(cfg->global, "beep"));
	exec_ok(cfg, "set spoolfile=\"Lists/a b\\\"c\"");
	g_assert_cmpstr(opt_string(cfg->global, "spoolfile"), ==,
	    "Lists/a b\"c");
	exec_ok(cfg, "set spoolfile='x\\ny # z'");
	g_assert_cmpstr(opt_string(cfg->global, "spoolfile"), ==, "x\\ny # z");
	exec_ok(cfg, "set spoolfile=a\\ b");
	g_assert_cmpstr(opt_string(cfg->global, "spoolfile"), ==, "a b");
	exec_ok(cfg, "set spoolfile=\"\"");
	g_assert_cmpstr(opt_string(cfg->global, "spoolfile"), ==, "");
	q = exec_ok(cfg, "set ?help ?spoolfile");
	g_assert_cmpstr(q, ==, "help=\"yes\" spoolfile=\"\"");
	exec_ok(cfg, "");
	exec_ok(cfg, "   # only a comment");

	exec_fails(cfg, "set", "no option");
	exec_fails(cfg, "set nosuch=1", "unknown option 'nosuch'");
	exec_fails(cfg, "set spoolfile", "needs a value");
	exec_fails(cfg, "set help=maybe", "yes or no");
	exec_fails(cfg, "set spoolfile=\"open", "unterminated double quote");
	exec_fails(cfg, "toggle spoolfile", "not a yes/no option");
	exec_fails(cfg, "frobnicate", "unknown command 'frobnicate'");
	exec_fails(cfg, "unset", "no option");
	exec_fails(cfg, "end", "'end' without 'account'");
	exec_fails(cfg, "push", "no keys");
	exec_fails(cfg, "account", "needs a name");
	exec_fails(cfg, "account ../x", "needs a name");
	config_free(cfg);
}

static void
test_accounts(void)
{
	struct config *cfg = config_new();
	struct account_conf *ac;

	exec_ok(cfg, "set spoolfile=Global");
	exec_ok(cfg, "account work");
	exec_ok(cfg, "set folder=imaps://me@h/ spoolfile=Work");
	exec_fails(cfg, "set help", "cannot be set per account");
	exec_fails(cfg, "account other", "still open");
	exec_ok(cfg, "end");
	exec_ok(cfg, "account home");
	exec_ok(cfg, "end");
	exec_fails(cfg, "account work", "defined twice");
	g_assert_cmpuint(cfg->accounts->len, ==, 2);
	ac = config_find_account(cfg, "work");
	g_assert_nonnull(ac);
	g_assert_cmpstr(opt_string(ac->opts, "spoolfile"), ==, "Work");
	g_assert_cmpstr(opt_string(ac->opts, "folder"), ==, "imaps://me@h/");
	ac = config_find_account(cfg, "home");
	g_assert_cmpstr(opt_string(ac->opts, "spoolfile"), ==, "Global");
	exec_ok(cfg, "push <quit>");
	exec_ok(cfg, "push \"a b\"");
	g_assert_cmpuint(cfg->push->len, ==, 2);
	g_assert_cmpstr(cfg->push->pdata[0], ==, "<quit>");
	g_assert_cmpstr(cfg->push->pdata[1], ==, "a b");
	config_free(cfg);
}

static char *
write_file(const char *dir, const char *name, const char *text)
{
	char *path = g_build_filename(dir, name, NULL);

	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	return path;
}

static void
test_load_file_errors(void)
{
	g_autofree char *dir = g_dir_make_tmp("skua-test-XXXXXX", NULL);
	g_autofree char *rc = NULL, *inc = NULL, *want1 = NULL, *want2 = NULL,
			*want3 = NULL;
	struct config *cfg = config_new();
	g_autoptr(GError) error = NULL;

	inc = write_file(dir, "extra.rc", "set beep=no\nbogus line\n");
	rc = write_file(dir, "skuarc",
	    "# comment\n"
	    "set help=no\n"
	    "set nosuch=1\n"
	    "set spoolfile = \\\n"
	    "   Continued\n"
	    "source extra.rc\n"
	    "source missing.rc\n"
	    "account a\n"
	    "set folder = imaps://u@h/\n");
	g_assert_true(config_load(cfg, rc, true, &error));
	config_finish(cfg);
	g_assert_false(opt_bool(cfg->global, "help"));
	g_assert_false(opt_bool(cfg->global, "beep"));
	g_assert_cmpstr(opt_string(cfg->global, "spoolfile"), ==, "Continued");
	g_assert_cmpuint(cfg->errors->len, ==, 4);
	want1 = g_strdup_printf("%s:3: unknown option 'nosuch'", rc);
	g_assert_cmpstr(cfg->errors->pdata[0], ==, want1);
	want2 = g_strdup_printf("%s:2: unknown command 'bogus'", inc);
	g_assert_cmpstr(cfg->errors->pdata[1], ==, want2);
	want3 = g_strdup_printf("%s:7: cannot read", rc);
	g_assert_true(g_str_has_prefix(cfg->errors->pdata[2], want3));
	g_assert_true(g_str_has_suffix(cfg->errors->pdata[3],
	    ":8: account 'a' has no 'end'"));
	config_free(cfg);

	/* A missing default rc file is fine; a missing -F file is not. */
	cfg = config_new();
	g_assert_true(config_load(cfg, "/nonexistent/skuarc", false, NULL));
	g_assert_false(config_load(cfg, "/nonexistent/skuarc", true, &error));
	g_assert_nonnull(error);
	config_free(cfg);
	g_unlink(rc);
	g_unlink(inc);
	g_rmdir(dir);
}

static void
test_source_loop(void)
{
	g_autofree char *dir = g_dir_make_tmp("skua-test-XXXXXX", NULL);
	g_autofree char *rc = NULL;
	struct config *cfg = config_new();

	rc = write_file(dir, "skuarc", "source skuarc\n");
	g_assert_true(config_load(cfg, rc, true, NULL));
	g_assert_cmpuint(cfg->errors->len, ==, 1);
	g_assert_nonnull(strstr(cfg->errors->pdata[0], "nested more than"));
	config_free(cfg);
	g_unlink(rc);
	g_rmdir(dir);
}

static void
test_binary_garbage(void)
{
	g_autofree char *dir = g_dir_make_tmp("skua-test-XXXXXX", NULL);
	g_autofree char *rc = NULL;
	struct config *cfg = config_new();
	GString *junk = g_string_new("set help=no\n");

	g_string_append_len(junk, "\xff\xfe\x00zz\n", 6);
	for (int i = 0; i < 70000; i++)
		g_string_append_c(junk, 'x');
	g_string_append(junk, "\nset beep=no\n");
	rc = g_build_filename(dir, "skuarc", NULL);
	g_assert_true(g_file_set_contents(rc, junk->str, junk->len, NULL));
	g_string_free(junk, TRUE);
	g_assert_true(config_load(cfg, rc, true, NULL));
	g_assert_false(opt_bool(cfg->global, "help"));
	g_assert_false(opt_bool(cfg->global, "beep"));
	g_assert_cmpuint(cfg->errors->len, ==, 2);
	config_free(cfg);
	g_unlink(rc);
	g_rmdir(dir);
}

/* The list's patterns joined by spaces, for comparing. */
static char *
joined(const GPtrArray *list)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < list->len; i++)
		g_string_append_printf(out, "%s%s", i > 0 ? " " : "",
		    (const char *)list->pdata[i]);
	return g_string_free(out, FALSE);
}

/* ignore, unignore, hdr_order and unhdr_order behave as mutt's. */
static void
test_header_lists(void)
{
	struct config *cfg = config_new();
	g_autoptr(GError) error = NULL;
	char *s;

	/* The default: every field hidden but the usual ones. */
	s = joined(cfg->ignore);
	g_assert_cmpstr(s, ==, "*");
	g_free(s);
	s = joined(cfg->unignore);
	g_assert_cmpstr(s, ==, "date: from: to: cc: reply-to: subject:");
	g_free(s);
	g_assert_cmpuint(cfg->hdr_order->len, ==, 0);
	/* ignore * empties unignore; unignore adds, once. */
	g_free(exec_ok(cfg, "ignore *"));
	g_assert_cmpuint(cfg->unignore->len, ==, 0);
	g_free(exec_ok(cfg, "unignore from subject x-mailer FROM"));
	s = joined(cfg->unignore);
	g_assert_cmpstr(s, ==, "from subject x-mailer");
	g_free(s);
	/* ignore takes a pattern off unignore (any case). */
	g_free(exec_ok(cfg, "ignore X-Mailer"));
	s = joined(cfg->unignore);
	g_assert_cmpstr(s, ==, "from subject");
	g_free(s);
	s = joined(cfg->ignore);
	g_assert_cmpstr(s, ==, "* X-Mailer");
	g_free(s);
	/* unignore * empties ignore and is not added itself. */
	g_free(exec_ok(cfg, "unignore *"));
	g_assert_cmpuint(cfg->ignore->len, ==, 0);
	s = joined(cfg->unignore);
	g_assert_cmpstr(s, ==, "from subject");
	g_free(s);
	/* hdr_order appends; a name again moves to the end. */
	g_free(exec_ok(cfg, "hdr_order date from subject"));
	g_free(exec_ok(cfg, "hdr_order from"));
	s = joined(cfg->hdr_order);
	g_assert_cmpstr(s, ==, "date subject from");
	g_free(s);
	g_free(exec_ok(cfg, "unhdr_order SUBJECT"));
	s = joined(cfg->hdr_order);
	g_assert_cmpstr(s, ==, "date from");
	g_free(s);
	g_free(exec_ok(cfg, "unhdr_order *"));
	g_assert_cmpuint(cfg->hdr_order->len, ==, 0);
	/* A command needs a name. */
	g_assert_false(config_exec(cfg, "ignore", "-e", NULL, &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_CONFIG);
	config_free(cfg);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/options/table", test_table_sorted_and_defaults);
	g_test_add_func("/options/man-page", test_man_page_lists_options);
	g_test_add_func("/options/types", test_optset_types);
	g_test_add_func("/options/folder-check", test_folder_check);
	g_test_add_func("/config/set-forms", test_set_forms);
	g_test_add_func("/config/accounts", test_accounts);
	g_test_add_func("/config/load-errors", test_load_file_errors);
	g_test_add_func("/config/source-loop", test_source_loop);
	g_test_add_func("/config/binary-garbage", test_binary_garbage);
	g_test_add_func("/config/header-lists", test_header_lists);
	return g_test_run();
}
