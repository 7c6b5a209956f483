/* SPDX-License-Identifier: ISC */
/* Unit tests for util/: URLs and paths. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"
#include "util/file.h"
#include "util/path.h"
#include "util/url.h"

static void
test_url_full(void)
{
	g_autoptr(GError) error = NULL;
	struct url *u = url_parse(
	    "imaps://me%40example.com:p%3Ass@mail.example.com:1993/Lists/skua",
	    &error);

	g_assert_no_error(error);
	g_assert_nonnull(u);
	g_assert_cmpint(u->scheme, ==, URL_IMAPS);
	g_assert_cmpstr(u->user, ==, "me@example.com");
	g_assert_cmpstr(u->password, ==, "p:ss");
	g_assert_cmpstr(u->host, ==, "mail.example.com");
	g_assert_cmpuint(u->port, ==, 1993);
	g_assert_cmpstr(u->path, ==, "Lists/skua");
	url_free(u);
}

static void
test_url_minimal(void)
{
	struct url *u = url_parse("pop://host", NULL);

	g_assert_nonnull(u);
	g_assert_cmpint(u->scheme, ==, URL_POP);
	g_assert_null(u->user);
	g_assert_cmpstr(u->host, ==, "host");
	g_assert_cmpuint(u->port, ==, 0);
	g_assert_null(u->path);
	g_assert_cmpuint(url_default_port(u->scheme), ==, 110);
	g_assert_false(url_implicit_tls(u->scheme));
	url_free(u);

	u = url_parse("IMAPS://u@h/", NULL);
	g_assert_nonnull(u);
	g_assert_cmpint(u->scheme, ==, URL_IMAPS);
	g_assert_null(u->path);
	url_free(u);
}

static void
test_url_user_with_at(void)
{
	struct url *u =
	    url_parse("imap://me@example.com@127.0.0.1:10143/INBOX", NULL);

	g_assert_nonnull(u);
	g_assert_cmpstr(u->user, ==, "me@example.com");
	g_assert_cmpstr(u->host, ==, "127.0.0.1");
	g_assert_cmpuint(u->port, ==, 10143);
	url_free(u);
}

static void
test_url_ipv6(void)
{
	struct url *u = url_parse("imaps://u@[::1]:993/INBOX", NULL);

	g_assert_nonnull(u);
	g_assert_cmpstr(u->host, ==, "::1");
	g_assert_cmpuint(u->port, ==, 993);
	url_free(u);
}

static void
test_url_bad(void)
{
	static const char *bad[] = {
		"imaps://",
		"imaps://u@",
		"imaps://host:0/",
		"imaps://host:65536/",
		"imaps://host:12x/",
		"imaps://@host/",
		"imaps://host/%zz",
		"imaps://host/%00",
		"imaps://ho st/",
		"imaps://[::1/",
		"gopher://host/",
		"imaps://host?x",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		struct url *u = url_parse(bad[i], &error);

		if (u != NULL)
			g_error("accepted '%s'", bad[i]);
		g_assert_error(error, SKUA_ERROR, SKUA_ERROR_CONFIG);
	}
}

static void
test_url_error_hides_password(void)
{
	g_autoptr(GError) error = NULL;

	g_assert_null(url_parse("imaps://joe:hunter2@host:99999/", &error));
	g_assert_nonnull(error);
	g_assert_null(strstr(error->message, "hunter2"));
	g_assert_nonnull(strstr(error->message, "host:99999"));
}

static void
test_url_is_url(void)
{
	g_assert_true(url_is_url("imaps://h"));
	g_assert_false(url_is_url("/home/me/Mail"));
	g_assert_false(url_is_url("~/Mail://x"));
	g_assert_false(url_is_url("://h"));
}

static void
test_path_expand(void)
{
	g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

	g_setenv("HOME", "/home/tester", TRUE);
	a = path_expand("~/Mail", NULL);
	g_assert_cmpstr(a, ==, "/home/tester/Mail");
	b = path_expand("~", NULL);
	g_assert_cmpstr(b, ==, "/home/tester");
	c = path_expand("colors", "/etc/skua");
	g_assert_cmpstr(c, ==, "/etc/skua/colors");
	d = path_expand("~other/x", NULL);
	g_assert_cmpstr(d, ==, "~other/x");
}

static void
test_path_xdg(void)
{
	g_autofree char *rc = NULL, *data = NULL, *rc2 = NULL;

	g_setenv("HOME", "/home/tester", TRUE);
	g_setenv("XDG_CONFIG_HOME", "/xdg/config", TRUE);
	rc = path_default_rc();
	g_assert_cmpstr(rc, ==, "/xdg/config/skua/skuarc");
	/* A relative value is invalid per the spec and ignored. */
	g_setenv("XDG_CONFIG_HOME", "relative", TRUE);
	rc2 = path_default_rc();
	g_assert_true(g_str_has_suffix(rc2, "/.config/skua/skuarc"));
	g_unsetenv("XDG_DATA_HOME");
	data = path_data_dir();
	g_assert_true(g_str_has_suffix(data, "/.local/share/skua"));
}

static void
test_safe_name(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "report.pdf", "report.pdf" },
		{ "../../etc/passwd", "passwd" },
		{ "/etc/shadow", "shadow" },
		{ "..\\..\\win.ini", "win.ini" },
		{ ".bashrc", "bashrc" },
		{ "-rf", "rf" },
		{ "a\033[2Jb\nc", "a[2Jbc" },
		{ "r\xc3\xa9sum\xc3\xa9.pdf", "r\xc3\xa9sum\xc3\xa9.pdf" },
		{ "bad\xff.txt", "bad\xef\xbf\xbd.txt" },
		{ "..", "fallback" },
		{ "", "fallback" },
		{ "dir/", "fallback" },
	};
	g_autofree char *nul = path_safe_name(NULL, "fallback");
	g_autofree char *big = g_strnfill(1000, 'x');
	g_autofree char *cut = path_safe_name(big, "f");

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		g_autofree char *got = path_safe_name(t[i].in, "fallback");

		g_assert_cmpstr(got, ==, t[i].want);
	}
	g_assert_cmpstr(nul, ==, "fallback");
	g_assert_cmpuint(strlen(cut), <=, 200);
}

/* file_write_new: whole content and mode, never over a file or through
 * a symbolic link, "exists" told apart from other failures. */
static void
test_file_write_new(void)
{
	g_autofree char *dir = g_dir_make_tmp("skua-file-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "f", NULL);
	g_autofree char *link = g_build_filename(dir, "l", NULL);
	g_autofree char *nodir = g_build_filename(dir, "no", "f", NULL);
	g_autofree char *got = NULL;
	g_autoptr(GError) error = NULL;
	gsize len = 0;
	GStatBuf st;
	bool exists = true;

	g_assert_true(
	    file_write_new(path, 0600, "abc\0def", 7, true, &exists, &error));
	g_assert_no_error(error);
	g_assert_false(exists);
	g_assert_true(g_file_get_contents(path, &got, &len, NULL));
	g_assert_cmpmem(got, len, "abc\0def", 7);
	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	/* An existing file: told, not replaced, no error. */
	g_assert_false(
	    file_write_new(path, 0600, "x", 1, false, &exists, &error));
	g_assert_true(exists);
	g_assert_no_error(error);
	g_clear_pointer(&got, g_free);
	g_assert_true(g_file_get_contents(path, &got, &len, NULL));
	g_assert_cmpuint(len, ==, 7);
	/* Without exists, the same is an error naming the path. */
	g_assert_false(file_write_new(path, 0600, "x", 1, false, NULL, &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_IO);
	g_assert_nonnull(strstr(error->message, path));
	g_clear_error(&error);
	/* A symbolic link is not followed, even to a missing target. */
	g_assert_cmpint(symlink(nodir, link), ==, 0);
	g_assert_false(
	    file_write_new(link, 0600, "x", 1, false, &exists, &error));
	g_assert_true(exists);
	g_assert_false(g_file_test(nodir, G_FILE_TEST_EXISTS));
	/* No directory: an error, exists false. */
	g_assert_false(
	    file_write_new(nodir, 0600, "x", 1, false, &exists, &error));
	g_assert_false(exists);
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_IO);
	g_unlink(link);
	g_unlink(path);
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/url/full", test_url_full);
	g_test_add_func("/url/minimal", test_url_minimal);
	g_test_add_func("/url/user-with-at", test_url_user_with_at);
	g_test_add_func("/url/ipv6", test_url_ipv6);
	g_test_add_func("/url/bad", test_url_bad);
	g_test_add_func("/url/error-hides-password",
	    test_url_error_hides_password);
	g_test_add_func("/url/is-url", test_url_is_url);
	g_test_add_func("/path/expand", test_path_expand);
	g_test_add_func("/path/xdg", test_path_xdg);
	g_test_add_func("/path/safe-name", test_safe_name);
	g_test_add_func("/file/write-new", test_file_write_new);
	return g_test_run();
}
