/* SPDX-License-Identifier: ISC */
/* Unit tests for ui/sidebar.c: the line layout and the folder order. */
#include "config.h"

#include <glib.h>
#include <locale.h>

#include "backend/types.h"
#include "ui/sidebar.h"
#include "ui/text.h"

static struct folder_info *
fi_new(const char *name, unsigned flags, int64_t unseen, int64_t total)
{
	struct folder_info *fi = g_new0(struct folder_info, 1);

	fi->name = g_strdup(name);
	fi->server_name = g_strdup(name);
	fi->delim = '.';
	fi->flags = flags;
	fi->unseen = unseen;
	fi->total = total;
	return fi;
}

/* The line of fi at cols; checks it is exactly cols cells wide. */
static char *
line_of(struct folder_info *fi, int cols)
{
	char *line = sidebar_line(fi, cols);

	g_assert_true(g_utf8_validate(line, -1, NULL));
	g_assert_cmpint(text_width(line), ==, MAX(cols, 0));
	folder_info_free(fi);
	return line;
}

static void
test_line_layout(void)
{
	g_autofree char *a = line_of(fi_new("INBOX", FOLDER_INBOX, 3, 120), 20);
	g_autofree char *b = line_of(fi_new("Sent", 0, 0, 7), 12);
	g_autofree char *c = line_of(fi_new("Trash", 0, -1, -1), 10);
	g_autofree char *d =
	    line_of(fi_new("Lists", FOLDER_NOSELECT, -1, -1), 10);

	/* The counts against the right edge, the name at the left. */
	g_assert_cmpstr(a, ==, "INBOX          3/120");
	g_assert_cmpstr(b, ==, "Sent     0/7");
	g_assert_cmpstr(c, ==, "Trash    ?");
	/* A folder that cannot be opened has no counts. */
	g_assert_cmpstr(d, ==, "Lists     ");
}

static void
test_line_depth(void)
{
	g_autofree char *a = line_of(fi_new("Lists.skua-dev", 0, 2, 20), 20);
	g_autofree char *b = line_of(fi_new("a.b.c", 0, 0, 1), 10);
	g_autofree char *e = line_of(fi_new("a.b.c", 0, 0, 1), 14);
	/* Very deep: the indentation leaves a few cells for the name. */
	g_autofree char *c =
	    line_of(fi_new("a.b.c.d.e.f.g.h.leaf", 0, 0, 1), 10);
	g_autofree char *d = NULL;
	struct folder_info *flat = fi_new("x.y", 0, 0, 1);

	g_assert_cmpstr(a, ==, "  skua-dev      2/20");
	/* Two cells a level, but the name keeps three cells. */
	g_assert_cmpstr(b, ==, "   c   0/1");
	g_assert_cmpstr(c, ==, "   lea 0/1");
	g_assert_cmpstr(e, ==, "    c      0/1");
	/* No delimiter: one level, the whole name. */
	flat->delim = '\0';
	d = line_of(flat, 8);
	g_assert_cmpstr(d, ==, "x.y  0/1");
}

static void
test_line_wide(void)
{
	/* A CJK name cut at a cell boundary, padded to the width. */
	g_autofree char *a = line_of(fi_new("日本語のフォルダ", 0, 1, 2), 12);
	g_autofree char *b = line_of(fi_new("日本語のフォルダ", 0, 1, 2), 11);
	g_autofree char *c = line_of(fi_new("Party 🎉.🎉🎉🎉", 0, 10, 99), 12);

	g_assert_cmpstr(a, ==, "日本語の 1/2");
	/* 7 cells for the name: three characters and a space. */
	g_assert_cmpstr(b, ==, "日本語  1/2");
	g_assert_cmpstr(c, ==, "  🎉🎉 10/99");
}

static void
test_line_narrow(void)
{
	g_autofree char *a = line_of(fi_new("INBOX", 0, 12, 3456), 8);
	g_autofree char *b = line_of(fi_new("INBOX", 0, 12, 3456), 9);
	g_autofree char *c = line_of(fi_new("INBOX", 0, 1, 2), 1);
	g_autofree char *d = line_of(fi_new("INBOX", 0, 1, 2), 0);

	/* Counts that leave no room for a name go. */
	g_assert_cmpstr(a, ==, "INBOX   ");
	g_assert_cmpstr(b, ==, "I 12/3456");
	g_assert_cmpstr(c, ==, "I");
	g_assert_cmpstr(d, ==, "");
}

static void
test_line_hostile(void)
{
	/* A name with an escape sequence is drawn harmless. */
	g_autofree char *a = line_of(fi_new("evil\033]0;x\007", 0, 0, 1), 16);

	g_assert_cmpstr(a, ==, "evil^[]0;x^G 0/1");
}

static void
test_order(void)
{
	GPtrArray *folders =
	    g_ptr_array_new_with_free_func((GDestroyNotify)folder_info_free);
	g_autoptr(GPtrArray) order = NULL;
	g_autoptr(GString) got = g_string_new(NULL);

	g_ptr_array_add(folders, fi_new("Zeta", 0, 0, 0));
	g_ptr_array_add(folders, fi_new("Trash", FOLDER_TRASH, 0, 0));
	g_ptr_array_add(folders, fi_new("Lists.b", 0, 0, 0));
	g_ptr_array_add(folders, fi_new("Archive", FOLDER_ARCHIVE, 0, 0));
	g_ptr_array_add(folders, fi_new("Lists", FOLDER_NOSELECT, 0, 0));
	g_ptr_array_add(folders, fi_new("INBOX.child", 0, 0, 0));
	g_ptr_array_add(folders, fi_new("Sent", FOLDER_SENT, 0, 0));
	g_ptr_array_add(folders, fi_new("Lists.a", 0, 0, 0));
	g_ptr_array_add(folders, fi_new("Drafts", FOLDER_DRAFTS, 0, 0));
	g_ptr_array_add(folders, fi_new("INBOX", FOLDER_INBOX, 0, 0));
	g_ptr_array_add(folders, fi_new("Junk", FOLDER_JUNK, 0, 0));
	/* A name that sorts between a parent and its children by bytes. */
	g_ptr_array_add(folders, fi_new("Lists-old", 0, 0, 0));
	g_ptr_array_add(folders, fi_new("Lists.a.deep", 0, 0, 0));
	g_ptr_array_add(folders, fi_new("Données", 0, 0, 0));
	order = sidebar_order(folders);
	for (guint i = 0; i < order->len; i++)
		g_string_append_printf(got, "%s%s", i > 0 ? " " : "",
		    ((struct folder_info *)order->pdata[i])->name);
	g_assert_cmpstr(got->str, ==,
	    "INBOX INBOX.child Drafts Sent Archive Junk Trash Données Lists "
	    "Lists.a Lists.a.deep Lists.b Lists-old Zeta");
	g_ptr_array_unref(folders);
}

static void
test_folder_is(void)
{
	struct folder_info *fi = fi_new("Données", 0, 0, 0);
	struct folder_info *inbox = fi_new("INBOX", FOLDER_INBOX, 0, 0);

	g_free(fi->server_name);
	fi->server_name = g_strdup("Donn&AOk-es");
	g_assert_true(sidebar_folder_is(fi, "Donn&AOk-es"));
	g_assert_true(sidebar_folder_is(fi, "Données"));
	g_assert_false(sidebar_folder_is(fi, "Donnees"));
	g_assert_true(sidebar_folder_is(inbox, "inbox"));
	folder_info_free(fi);
	folder_info_free(inbox);
}

int
main(int argc, char **argv)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		g_error("the C.UTF-8 locale is missing");
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sidebar/line/layout", test_line_layout);
	g_test_add_func("/sidebar/line/depth", test_line_depth);
	g_test_add_func("/sidebar/line/wide", test_line_wide);
	g_test_add_func("/sidebar/line/narrow", test_line_narrow);
	g_test_add_func("/sidebar/line/hostile", test_line_hostile);
	g_test_add_func("/sidebar/order", test_order);
	g_test_add_func("/sidebar/folder-is", test_folder_is);
	return g_test_run();
}
