/* SPDX-License-Identifier: ISC */
/* Maildir delivery: tmp -> new, CRLF -> LF, unique names, found in cur. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "backend/maildir/deliver.h"

static char *
read_file(const char *path, gsize *len)
{
	char *text = NULL;

	g_assert_true(g_file_get_contents(path, &text, len, NULL));
	return text;
}

static void
test_deliver(void)
{
	g_autofree char *dir = g_dir_make_tmp("skua-md-XXXXXX", NULL);
	g_autofree char *md = g_build_filename(dir, "Mail", NULL);
	g_autofree char *name = maildir_unique_name();
	g_autofree char *name2 = maildir_unique_name();
	g_autofree char *dst = NULL, *tmp = NULL, *text = NULL;
	g_autoptr(GError) error = NULL;
	const char msg[] = "Subject: x\r\n\r\nline\r\nbare\rcr\r\n";
	struct stat sb;
	gsize len;

	g_assert_cmpstr(name, !=, name2);
	g_assert_null(strchr(name, '/'));
	g_assert_null(strchr(name, ':'));
	g_assert_true(maildir_ensure(md, &error));
	g_assert_no_error(error);
	g_assert_false(maildir_has(md, name));

	/* A stale tmp file of the same name (a killed run) is replaced. */
	tmp = g_build_filename(md, "tmp", name, NULL);
	g_assert_true(g_file_set_contents(tmp, "partial", -1, NULL));
	g_assert_true(maildir_deliver(md, name, msg, sizeof(msg) - 1,
	    MAILDIR_CRLF, &error));
	g_assert_no_error(error);
	g_assert_false(g_file_test(tmp, G_FILE_TEST_EXISTS));
	dst = g_build_filename(md, "new", name, NULL);
	text = read_file(dst, &len);
	g_assert_cmpstr(text, ==, "Subject: x\n\nline\nbare\rcr\n");
	g_assert_cmpint(g_stat(dst, &sb), ==, 0);
	g_assert_cmpint(sb.st_mode & 0777, ==, 0600);
	g_assert_true(maildir_has(md, name));

	/* Never replaces a delivered message. */
	g_assert_false(maildir_deliver(md, name, "other", 5, 0, &error));
	g_assert_nonnull(error);
	g_clear_error(&error);
	g_free(text);
	text = read_file(dst, &len);
	g_assert_cmpstr(text, ==, "Subject: x\n\nline\nbare\rcr\n");

	/* A reader moved it to cur/ with flags: still found; a name that
	 * merely starts alike is not. */
	{
		g_autofree char *cur =
		    g_strdup_printf("%s/cur/%s:2,S", md, name);
		g_autofree char *pre = g_strndup(name, strlen(name) - 1);

		g_assert_cmpint(g_rename(dst, cur), ==, 0);
		g_assert_true(maildir_has(md, name));
		g_assert_false(maildir_has(md, pre));
		g_unlink(cur);
	}
	g_assert_false(maildir_deliver(md, "../evil", "x", 1, 0, &error));
	g_clear_error(&error);
	/* Without the directory sync, then with it: there, unchanged. */
	g_assert_true(maildir_deliver(md, name2, "a\r\nb", 4,
	    MAILDIR_NO_DIR_SYNC, &error));
	g_assert_true(maildir_sync_new(md, &error));
	g_assert_no_error(error);
	g_free(dst);
	dst = g_build_filename(md, "new", name2, NULL);
	g_free(text);
	text = read_file(dst, &len);
	g_assert_cmpstr(text, ==, "a\r\nb");
	g_unlink(dst);
	/* In steps: tmp/ only until linked, then in new/, tmp/ empty. */
	{
		g_autofree char *n3 = maildir_unique_name();
		char *names[] = { n3 };
		g_autofree char *t3 = g_build_filename(md, "tmp", n3, NULL);
		g_autofree char *d3 = g_build_filename(md, "new", n3, NULL);

		g_assert_true(maildir_write_tmp(md, n3, "x\r\ny\r\n", 6,
		    MAILDIR_CRLF, &error));
		g_assert_true(g_file_test(t3, G_FILE_TEST_EXISTS));
		g_assert_false(maildir_has(md, n3));
		g_assert_true(maildir_sync_tmp(md, names, 1, &error));
		g_assert_true(maildir_link_new(md, n3, &error));
		g_assert_true(maildir_sync_new(md, &error));
		g_assert_no_error(error);
		g_assert_false(g_file_test(t3, G_FILE_TEST_EXISTS));
		g_free(text);
		text = read_file(d3, &len);
		g_assert_cmpstr(text, ==, "x\ny\n");
		g_assert_false(maildir_link_new(md, n3, &error));
		g_clear_error(&error);
		g_unlink(d3);
	}
	{
		g_autofree char *p = g_build_filename(md, "cur", NULL);

		g_rmdir(p);
		g_free(p);
		p = g_build_filename(md, "new", NULL);
		g_rmdir(p);
		g_free(p);
		p = g_build_filename(md, "tmp", NULL);
		g_rmdir(p);
	}
	g_rmdir(md);
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/deliver/tmp-new-cur", test_deliver);
	return g_test_run();
}
