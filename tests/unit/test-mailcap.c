/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for mime/mailcap: parsing, matching, test=, expansion into
 * argv, the refusal of hostile values, temporary names and filters.
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "mime/mailcap.h"

static struct mailcap *
parse(const char *text)
{
	struct mailcap *mc = mailcap_new();

	mailcap_parse(mc, text, strlen(text));
	return mc;
}

static const struct mailcap_entry *
entry(const struct mailcap *mc, guint i)
{
	g_assert_cmpuint(i, <, mc->entries->len);
	return mc->entries->pdata[i];
}

static void
test_parse(void)
{
	struct mailcap *mc =
	    parse("# a comment\n"
		  "\n"
		  "   # an indented comment\n"
		  "Text/HTML; w3m -dump -T text/html %s; copiousoutput; "
		  "nametemplate=%s.html\n"
		  "image/*; display %s; test=test -n \"$DISPLAY\"; "
		  "description=An image\n"
		  "application/pdf; \\\n"
		  "   mupdf %s ;\\\n"
		  "   needsterminal\r\n"
		  "text/plain; sed -e 's/a\\;b/c/' %s; copiousoutput\n"
		  "audio; play %s\n"
		  "broken-line-without-command\n"
		  "video/mp4;   ;\n"
		  "last/entry; view %s");

	g_assert_cmpuint(mc->entries->len, ==, 6);
	g_assert_cmpstr(entry(mc, 0)->type, ==, "text/html");
	g_assert_cmpstr(entry(mc, 0)->command, ==, "w3m -dump -T text/html %s");
	g_assert_true(entry(mc, 0)->copiousoutput);
	g_assert_false(entry(mc, 0)->needsterminal);
	g_assert_cmpstr(entry(mc, 0)->nametemplate, ==, "%s.html");
	g_assert_null(entry(mc, 0)->test);
	g_assert_cmpstr(entry(mc, 1)->type, ==, "image/*");
	g_assert_cmpstr(entry(mc, 1)->test, ==, "test -n \"$DISPLAY\"");
	g_assert_cmpstr(entry(mc, 2)->type, ==, "application/pdf");
	g_assert_cmpstr(entry(mc, 2)->command, ==, "mupdf %s");
	g_assert_true(entry(mc, 2)->needsterminal);
	/* \; stays escaped in the field, one command. */
	g_assert_cmpstr(entry(mc, 3)->command, ==, "sed -e 's/a\\;b/c/' %s");
	g_assert_true(entry(mc, 3)->copiousoutput);
	g_assert_cmpstr(entry(mc, 4)->type, ==, "audio");
	g_assert_cmpstr(entry(mc, 5)->type, ==, "last/entry");
	mailcap_free(mc);
}

static void
test_bounds(void)
{
	GString *text = g_string_new(NULL);
	struct mailcap *mc;

	/* An overlong line (even through continuations) is skipped whole. */
	g_string_append(text, "a/b; ");
	for (int i = 0; i < MAILCAP_MAX_LINE + 200; i++)
		g_string_append(text, i % 100 == 99 ? "\\\n" : "x");
	g_string_append(text, "\nc/d; ok %s\n");
	for (int i = 0; i < MAILCAP_MAX_ENTRIES + 10; i++)
		g_string_append_printf(text, "t/%d; v %%s\n", i);
	mc = mailcap_new();
	mailcap_parse(mc, text->str, text->len);
	g_assert_cmpuint(mc->entries->len, ==, MAILCAP_MAX_ENTRIES);
	g_assert_cmpstr(entry(mc, 0)->type, ==, "c/d");
	mailcap_free(mc);
	/* A NUL inside a line drops that line only. */
	mc = mailcap_new();
	mailcap_parse(mc, "a/b; x\0y\nc/d; z %s\n", 19);
	g_assert_cmpuint(mc->entries->len, ==, 1);
	g_assert_cmpstr(entry(mc, 0)->type, ==, "c/d");
	mailcap_free(mc);
	g_string_free(text, TRUE);
}

static void
test_match(void)
{
	g_assert_true(mailcap_type_matches("text/html", "text/html"));
	g_assert_true(mailcap_type_matches("TEXT/Html", "text/html"));
	g_assert_true(mailcap_type_matches("text/*", "text/html"));
	g_assert_true(mailcap_type_matches("text", "text/plain"));
	g_assert_true(mailcap_type_matches("*/*", "image/png"));
	g_assert_false(mailcap_type_matches("text/plain", "text/html"));
	g_assert_false(mailcap_type_matches("text", "textual/x"));
	g_assert_false(mailcap_type_matches("text/*", "texts/plain"));
	g_assert_false(mailcap_type_matches("image/*", "text/plain"));
	g_assert_false(mailcap_type_matches("/*", "text/plain"));
}

static void
test_lookup(void)
{
	struct mailcap *mc =
	    parse("text/html; first %s; test=false\n"
		  "text/html; second %s; copiousoutput\n"
		  "text/html; third %s\n"
		  "text/plain; charset-one %{charset}; copiousoutput\n"
		  "text/*; fourth %s; copiousoutput\n"
		  "application/*; app %s\n");
	g_autoptr(GHashTable) params =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	const struct mailcap_entry *e;

	/* First match wins; test=false skips the first one. */
	e = mailcap_lookup(mc, "text/html", NULL, MAILCAP_ANY);
	g_assert_cmpstr(e->command, ==, "second %s");
	e = mailcap_lookup(mc, "text/html", NULL, MAILCAP_INTERACTIVE);
	g_assert_cmpstr(e->command, ==, "third %s");
	e = mailcap_lookup(mc, "text/enriched", NULL, MAILCAP_COPIOUS);
	g_assert_cmpstr(e->command, ==, "fourth %s");
	e = mailcap_lookup(mc, "application/pdf", NULL, MAILCAP_ANY);
	g_assert_cmpstr(e->command, ==, "app %s");
	g_assert_null(mailcap_lookup(mc, "image/png", NULL, MAILCAP_ANY));
	g_assert_null(
	    mailcap_lookup(mc, "application/pdf", NULL, MAILCAP_COPIOUS));
	/* A hostile parameter value: that entry is not used. */
	g_hash_table_insert(params, g_strdup("charset"),
	    g_strdup("utf-8;touch pwned"));
	e = mailcap_lookup(mc, "text/plain", params, MAILCAP_COPIOUS);
	g_assert_cmpstr(e->command, ==, "fourth %s");
	g_hash_table_insert(params, g_strdup("charset"), g_strdup("utf-8"));
	e = mailcap_lookup(mc, "text/plain", params, MAILCAP_COPIOUS);
	g_assert_cmpstr(e->command, ==, "charset-one %{charset}");
	mailcap_free(mc);
	/* test= sees the substituted parameter. */
	mc = parse("text/plain; plain %s; test=test %{charset} = utf-8\n"
		   "text/plain; other %s\n");
	e = mailcap_lookup(mc, "text/plain", params, MAILCAP_ANY);
	g_assert_cmpstr(e->command, ==, "plain %s");
	g_hash_table_insert(params, g_strdup("charset"), g_strdup("latin1"));
	e = mailcap_lookup(mc, "text/plain", params, MAILCAP_ANY);
	g_assert_cmpstr(e->command, ==, "other %s");
	mailcap_free(mc);
}

static void
check_argv(char **argv, const char *const *want)
{
	guint i;

	g_assert_nonnull(argv);
	for (i = 0; want[i] != NULL; i++)
		g_assert_cmpstr(argv[i], ==, want[i]);
	g_assert_null(argv[i]);
}

static void
test_expand(void)
{
	g_autoptr(GHashTable) params =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GError) error = NULL;
	bool uses = false;
	char **argv;

	g_hash_table_insert(params, g_strdup("charset"),
	    g_strdup("iso-8859-1"));
	/* Plain: split into words, no shell. */
	argv = mailcap_expand("w3m -dump -I %{charset} -T %t %s", "text/html",
	    params, "/tmp/skua-x/a.html", &uses, &error);
	check_argv(argv,
	    (const char *const[]){ "w3m", "-dump", "-I", "iso-8859-1", "-T",
		"text/html", "/tmp/skua-x/a.html", NULL });
	g_assert_true(uses);
	g_strfreev(argv);
	/* Metacharacters: /bin/sh -c with the substituted template. */
	argv = mailcap_expand("lynx -dump '%s' | head -n 5", "text/html",
	    params, "/tmp/d/f", &uses, &error);
	check_argv(argv,
	    (const char *const[]){ "/bin/sh", "-c",
		"lynx -dump '/tmp/d/f' | head -n 5", NULL });
	g_strfreev(argv);
	/* %% and \x; no %s: not using a file; an absent parameter is empty. */
	argv = mailcap_expand("pr 100%% \\%s %{nope}", "text/plain", params,
	    NULL, &uses, &error);
	g_assert_no_error(error);
	check_argv(argv, (const char *const[]){ "pr", "100%", "%s", NULL });
	g_assert_false(uses);
	g_strfreev(argv);
	argv = mailcap_expand("cat", "text/plain", NULL, NULL, &uses, &error);
	check_argv(argv, (const char *const[]){ "cat", NULL });
	g_strfreev(argv);
	/* %s without a file, %n and %F refuse. */
	g_assert_null(
	    mailcap_expand("v %s", "text/plain", NULL, NULL, NULL, &error));
	g_clear_error(&error);
	g_assert_null(mailcap_expand("v %n %s", "text/plain", NULL, "/t/f",
	    NULL, &error));
	g_clear_error(&error);
	g_assert_null(
	    mailcap_expand("v %F", "text/plain", NULL, "/t/f", NULL, &error));
	g_clear_error(&error);
}

static void
test_hostile(void)
{
	static const char *const bad[] = { "$(touch pwned)", ";rm -rf ~", "a b",
		"`id`", "x'y", "x\"y", "-o", "", "a|b", "a\nb", "a&b", "a>b",
		"é", "a\\b", "a*", "~" };
	g_autoptr(GHashTable) params =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr(GError) error = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		char **argv;

		g_assert_false(mailcap_value_is_safe(bad[i]));
		g_hash_table_insert(params, g_strdup("charset"),
		    g_strdup(bad[i]));
		argv = mailcap_expand("conv %{charset} %s", "text/plain",
		    params, "/t/f", NULL, &error);
		g_assert_null(argv);
		g_assert_nonnull(error);
		g_clear_error(&error);
		argv = mailcap_expand("conv -T %t", bad[i], NULL, NULL, NULL,
		    &error);
		g_assert_null(argv);
		g_clear_error(&error);
	}
	/* Never a file name that is not ours. */
	g_assert_null(mailcap_expand("v %s", "text/plain", NULL, "/tmp/$(id)",
	    NULL, &error));
	g_clear_error(&error);
	g_assert_true(mailcap_value_is_safe("utf-8"));
	g_assert_true(mailcap_value_is_safe("application/vnd.ms-excel+xml"));
}

static void
test_temp(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = NULL;
	g_autofree char *base = NULL;
	struct stat st;
	char *path;

	path = mailcap_temp_path(NULL, "../../$(touch pwned);x.pdf", &error);
	g_assert_no_error(error);
	base = g_path_get_basename(path);
	g_assert_cmpstr(base, ==, "__touch_pwned__x.pdf");
	dir = g_path_get_dirname(path);
	g_assert_cmpint(stat(dir, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0700);
	g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
	mailcap_temp_remove(path);
	g_assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
	g_free(path);
	g_clear_pointer(&base, g_free);
	g_clear_pointer(&dir, g_free);

	path = mailcap_temp_path("%s.html", "page", &error);
	base = g_path_get_basename(path);
	g_assert_cmpstr(base, ==, "page.html");
	mailcap_temp_remove(path);
	g_free(path);
	g_clear_pointer(&base, g_free);
	path = mailcap_temp_path("%s.html", "page.html", &error);
	base = g_path_get_basename(path);
	g_assert_cmpstr(base, ==, "page.html");
	mailcap_temp_remove(path);
	g_free(path);
	g_clear_pointer(&base, g_free);
	path = mailcap_temp_path("../%s", NULL, &error);
	base = g_path_get_basename(path);
	g_assert_cmpstr(base, ==, "_part");
	mailcap_temp_remove(path);
	g_free(path);
	g_clear_pointer(&base, g_free);
	path = mailcap_temp_path(NULL, "...", &error);
	base = g_path_get_basename(path);
	g_assert_cmpstr(base, ==, "part");
	mailcap_temp_remove(path);
	g_free(path);

	path = mailcap_temp_write(NULL, "x.txt", "hello", 5, &error);
	g_assert_no_error(error);
	g_assert_cmpint(stat(path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	g_assert_cmpint(st.st_size, ==, 5);
	mailcap_temp_remove(path);
	g_free(path);
}

static void
test_filter(void)
{
	struct mailcap *mc =
	    parse("text/html; sed -e s/^/X:/ %s; copiousoutput\n"
		  "text/plain; tr a-z A-Z; copiousoutput\n"
		  "text/x-sh; cat %s | tr a-z A-Z; copiousoutput\n"
		  "text/x-fail; false; copiousoutput\n"
		  "text/x-slow; sleep 5; copiousoutput\n"
		  "text/x-big; yes; copiousoutput\n");
	g_autoptr(GError) error = NULL;
	g_autofree char *path =
	    mailcap_temp_write("%s.html", "in", "one\ntwo\n", 8, &error);
	GBytes *out;
	gint64 t0;

	out = mailcap_filter(entry(mc, 0), "text/html", NULL, path, 10000,
	    1 << 20, &error);
	g_assert_no_error(error);
	g_assert_cmpmem(g_bytes_get_data(out, NULL), g_bytes_get_size(out),
	    "X:one\nX:two\n", 12);
	g_bytes_unref(out);
	/* No %s: the file is the standard input. */
	out = mailcap_filter(entry(mc, 1), "text/plain", NULL, path, 10000,
	    1 << 20, &error);
	g_assert_no_error(error);
	g_assert_cmpmem(g_bytes_get_data(out, NULL), g_bytes_get_size(out),
	    "ONE\nTWO\n", 8);
	g_bytes_unref(out);
	out = mailcap_filter(entry(mc, 2), "text/x-sh", NULL, path, 10000,
	    1 << 20, &error);
	g_assert_no_error(error);
	g_assert_cmpmem(g_bytes_get_data(out, NULL), g_bytes_get_size(out),
	    "ONE\nTWO\n", 8);
	g_bytes_unref(out);
	g_assert_null(mailcap_filter(entry(mc, 3), "text/x-fail", NULL, path,
	    10000, 1 << 20, &error));
	g_clear_error(&error);
	t0 = g_get_monotonic_time();
	g_assert_null(mailcap_filter(entry(mc, 4), "text/x-slow", NULL, path,
	    300, 1 << 20, &error));
	g_assert_nonnull(error);
	g_assert_cmpint(g_get_monotonic_time() - t0, <, 3 * G_USEC_PER_SEC);
	g_clear_error(&error);
	g_assert_null(mailcap_filter(entry(mc, 5), "text/x-big", NULL, path,
	    10000, 100000, &error));
	g_assert_nonnull(error);
	g_clear_error(&error);
	mailcap_temp_remove(path);
	mailcap_free(mc);
}

static void
test_load(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp("test-mailcap-XXXXXX", &error);
	g_autofree char *a = g_build_filename(dir, "a", NULL);
	g_autofree char *b = g_build_filename(dir, "b", NULL);
	g_autofree char *list = g_strdup_printf("%s:%s/missing::%s", a, dir, b);
	struct mailcap *mc;

	g_assert_true(g_file_set_contents(a, "text/html; one %s\n", -1, NULL));
	g_assert_true(g_file_set_contents(b, "text/html; two %s\n", -1, NULL));
	mc = mailcap_load(list);
	g_assert_cmpuint(mc->entries->len, ==, 2);
	g_assert_cmpstr(entry(mc, 0)->command, ==, "one %s");
	mailcap_free(mc);
	g_unlink(a);
	g_unlink(b);
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	/* As skua does: a filter that stops reading never kills us. */
	signal(SIGPIPE, SIG_IGN);
	g_test_add_func("/mailcap/parse", test_parse);
	g_test_add_func("/mailcap/bounds", test_bounds);
	g_test_add_func("/mailcap/match", test_match);
	g_test_add_func("/mailcap/lookup", test_lookup);
	g_test_add_func("/mailcap/expand", test_expand);
	g_test_add_func("/mailcap/hostile", test_hostile);
	g_test_add_func("/mailcap/temp", test_temp);
	g_test_add_func("/mailcap/filter", test_filter);
	g_test_add_func("/mailcap/load", test_load);
	return g_test_run();
}
