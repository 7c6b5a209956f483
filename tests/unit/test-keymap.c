/* SPDX-License-Identifier: ISC */
/* Unit tests for cmd/: the command table, bindings and push strings. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/keymap.h"
#include "ui/ui.h"
#include "util/error.h"

static void
test_table_sorted(void)
{
	unsigned n;
	const struct cmd_entry *t = cmd_table(&n);

	for (unsigned i = 0; i < n; i++) {
		if (i > 0)
			g_assert_cmpint(strcmp(t[i - 1].name, t[i].name), <, 0);
		g_assert_true(cmd_find(t[i].name) == &t[i]);
	}
	g_assert_null(cmd_find("no-such-command"));
}

/* mutt's keys where a mutt user expects them. */
static void
test_default_keys(void)
{
	g_assert_cmpstr(keymap_lookup("welcome", 'q'), ==, "quit");
	g_assert_cmpstr(keymap_lookup("accounts", 'q'), ==, "quit");
	g_assert_cmpstr(keymap_lookup("help", 'q'), ==, "exit");
	g_assert_cmpstr(keymap_lookup("accounts", 'j'), ==, "next-entry");
	g_assert_cmpstr(keymap_lookup("accounts", 'k'), ==, "previous-entry");
	g_assert_cmpstr(keymap_lookup("accounts", '?'), ==, "help");
	g_assert_cmpstr(keymap_lookup("accounts", ':'), ==, "enter-command");
	g_assert_cmpstr(keymap_lookup("accounts", '\r'), ==, "select-entry");
	g_assert_null(keymap_lookup("welcome", 'Z'));
	g_assert_cmpstr(keymap_lookup("index", 'N'), ==, "toggle-new");
	g_assert_cmpstr(keymap_lookup("pager", 'N'), ==, "toggle-new");
	g_assert_cmpstr(keymap_lookup("pager", '/'), ==, "search");
	g_assert_cmpstr(keymap_lookup("pager", 'n'), ==, "search-next");
	/* Every bound command exists. */
	for (int key = 0; key < 128; key++) {
		const char *ctx[] = { "welcome", "accounts", "help", "index",
			"pager", "attach", "folders" };

		for (size_t i = 0; i < G_N_ELEMENTS(ctx); i++) {
			const char *c = keymap_lookup(ctx[i], key);

			if (c != NULL && cmd_find(c) == NULL)
				g_error("key %d bound to unknown '%s'", key, c);
		}
	}
}

static void
test_parse_push(void)
{
	GArray *in = g_array_new(FALSE, FALSE, sizeof(struct input));
	g_autoptr(GError) error = NULL;

	g_assert_true(keymap_parse("<quit>", in, &error));
	g_assert_cmpuint(in->len, ==, 1);
	g_assert_cmpstr(g_array_index(in, struct input, 0).command, ==, "quit");
	g_array_set_size(in, 0);

	g_assert_true(keymap_parse("j<Down>^L\n<Enter>é<esc>", in, &error));
	g_assert_cmpuint(in->len, ==, 7);
	g_assert_cmpint(g_array_index(in, struct input, 0).key, ==, 'j');
	g_assert_cmpint(g_array_index(in, struct input, 1).key, ==,
	    UI_KEY_DOWN);
	g_assert_cmpint(g_array_index(in, struct input, 2).key, ==, 12);
	g_assert_cmpint(g_array_index(in, struct input, 3).key, ==, '\r');
	g_assert_cmpint(g_array_index(in, struct input, 4).key, ==, '\r');
	g_assert_cmpint(g_array_index(in, struct input, 5).key, ==, 0xe9);
	g_assert_cmpint(g_array_index(in, struct input, 6).key, ==, 27);
	g_array_set_size(in, 0);

	/* A lone '<' is a key. */
	g_assert_true(keymap_parse("<", in, &error));
	g_assert_cmpint(g_array_index(in, struct input, 0).key, ==, '<');

	g_assert_false(keymap_parse("<no-such-thing>", in, &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_CONFIG);
	g_array_free(in, TRUE);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cmd/table-sorted", test_table_sorted);
	g_test_add_func("/keymap/defaults", test_default_keys);
	g_test_add_func("/keymap/parse-push", test_parse_push);
	return g_test_run();
}
