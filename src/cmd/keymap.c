/* SPDX-License-Identifier: ISC */
/*
 * Default key bindings, as a mutt user's hands expect them, and key-string
 * parsing. The table is the documentation too: the help view lists it.
 */
#include "config.h"

#include <string.h>

#include "cmd/cmd.h"
#include "cmd/keymap.h"
#include "ui/ui.h"
#include "util/error.h"

#define CTRL(c) ((c)&0x1f)

struct binding {
	const char *context;
	int key;
	const char *command;
};

/* clang-format off */
static const struct binding bindings[] = {
	{ "welcome",  'q',                      "quit" },
	{ "accounts", 'q',                      "quit" },
	{ "accounts", '\r',                     "select-entry" },
	{ "accounts", UI_KEY_ENTER,     "select-entry" },
	{ "help",     'q',                      "exit" },
	{ "index",    'q',                      "quit" },
	{ "index",    '\r',                     "display-message" },
	{ "index",    UI_KEY_ENTER,             "display-message" },
	{ "index",    'c',                      "change-folder" },
	{ "index",    'y',                      "folder-list" },
	{ "folders",  'q',                      "exit" },
	{ "folders",  '\r',                     "select-entry" },
	{ "folders",  UI_KEY_ENTER,             "select-entry" },
	{ "folders",  'c',                      "change-folder" },
	{ "folders",  'C',                      "create-mailbox" },
	{ "folders",  'r',                      "rename-mailbox" },
	{ "folders",  'd',                      "delete-mailbox" },
	{ "folders",  's',                      "subscribe" },
	{ "folders",  'u',                      "unsubscribe" },
	{ "folders",  'T',                      "toggle-subscribed" },
	{ "index",    'v',                      "view-attachments" },
	{ "index",    '\t',                     "next-unread" },
	{ "index",    '/',                      "search" },
	{ "index",    'n',                      "search-next" },
	{ "index",    'l',                      "limit" },
	{ "index",    'o',                      "sort-mailbox" },
	{ "index",    'O',                      "sort-reverse" },
	{ "index",    'N',                      "toggle-new" },
	{ "index",    'B',                      "sidebar-toggle-visible" },
	{ "index",    CTRL('N'),                "sidebar-next" },
	{ "index",    CTRL('P'),                "sidebar-prev" },
	{ "index",    CTRL('O'),                "sidebar-open" },
	{ "index",    'd',                      "delete-message" },
	{ "index",    'u',                      "undelete-message" },
	{ "index",    'F',                      "flag-message" },
	{ "index",    't',                      "tag-entry" },
	{ "index",    'T',                      "tag-pattern" },
	{ "index",    ';',                      "tag-prefix" },
	{ "index",    '$',                      "sync-mailbox" },
	{ "index",    's',                      "save-message" },
	{ "index",    'C',                      "copy-message" },
	{ "pager",    'v',                      "view-attachments" },
	{ "pager",    'B',                      "sidebar-toggle-visible" },
	{ "pager",    CTRL('N'),                "sidebar-next" },
	{ "pager",    CTRL('P'),                "sidebar-prev" },
	{ "pager",    CTRL('O'),                "sidebar-open" },
	{ "attach",   's',                      "save-attachment" },
	{ "attach",   '\r',                     "view-attach" },
	{ "attach",   UI_KEY_ENTER,             "view-attach" },
	{ "attach",   'm',                      "view-mailcap" },
	{ "part",     'q',                      "exit" },
	{ "attach",   'q',                      "exit" },
	{ "pager",    'q',                      "exit" },
	{ "pager",    'i',                      "exit" },
	{ "pager",    'j',                      "next-message" },
	{ "pager",    'k',                      "previous-message" },
	{ "pager",    '\r',                     "next-entry" },
	{ "pager",    '/',                      "search" },
	{ "pager",    'n',                      "search-next" },
	{ "pager",    'N',                      "toggle-new" },
	{ "pager",    'd',                      "delete-message" },
	{ "pager",    'u',                      "undelete-message" },
	{ "pager",    'F',                      "flag-message" },
	{ "pager",    '$',                      "sync-mailbox" },
	{ "pager",    's',                      "save-message" },
	{ "pager",    'C',                      "copy-message" },
	{ "index",    'm',                      "mail" },
	{ "index",    'r',                      "reply" },
	{ "index",    'g',                      "group-reply" },
	{ "index",    'L',                      "list-reply" },
	{ "index",    'f',                      "forward-message" },
	{ "index",    'e',                      "edit-as-new" },
	{ "index",    'R',                      "recall-message" },
	{ "pager",    'm',                      "mail" },
	{ "pager",    'r',                      "reply" },
	{ "pager",    'g',                      "group-reply" },
	{ "pager",    'L',                      "list-reply" },
	{ "pager",    'f',                      "forward-message" },
	{ "pager",    'e',                      "edit-as-new" },
	{ "pager",    'R',                      "recall-message" },
	{ "compose",  't',                      "edit-to" },
	{ "compose",  'c',                      "edit-cc" },
	{ "compose",  'b',                      "edit-bcc" },
	{ "compose",  's',                      "edit-subject" },
	{ "compose",  'r',                      "edit-reply-to" },
	{ "compose",  'f',                      "edit-from" },
	{ "compose",  'e',                      "edit-message" },
	{ "compose",  'a',                      "attach-file" },
	{ "compose",  'D',                      "detach-file" },
	{ "compose",  'y',                      "send-message" },
	{ "compose",  'P',                      "postpone-message" },
	{ "compose",  'q',                      "abort-message" },
	{ "compose",  'x',                      "abort-message" },
	{ "generic",  'x',                      "exit" },
	{ "generic",  '?',                      "help" },
	{ "generic",  ':',                      "enter-command" },
	{ "generic",  CTRL('L'),                "redraw-screen" },
	{ "generic",  CTRL('G'),                "cancel" },
	{ "generic",  'G',                      "fetch-mail" },
	{ "generic",  'j',                      "next-entry" },
	{ "generic",  UI_KEY_DOWN,      "next-entry" },
	{ "generic",  'k',                      "previous-entry" },
	{ "generic",  UI_KEY_UP,        "previous-entry" },
	{ "generic",  UI_KEY_PAGE_DOWN,     "next-page" },
	{ "generic",  ' ',                      "next-page" },
	{ "generic",  UI_KEY_PAGE_UP,     "previous-page" },
	{ "generic",  '-',                      "previous-page" },
	{ "generic",  UI_KEY_HOME,      "first-entry" },
	{ "generic",  '=',                      "first-entry" },
	{ "generic",  UI_KEY_END,       "last-entry" },
	{ "generic",  '*',                      "last-entry" },
};
/* clang-format on */

static const struct {
	const char *context;
	const char *hint;
} hints[] = {
	{ "welcome", "q:Quit  ?:Help  ::Command" },
	{ "accounts", "q:Quit  Enter:Open  ?:Help  ::Command" },
	{ "help", "q:Back  j/k:Scroll  ?:Help" },
	{ "index", "q:Quit  Enter:Open  c:Change folder  y:Folders  ?:Help" },
	{ "attach", "q:Back  Enter:Open  s:Save  j/k:Move  ?:Help" },
	{ "part", "q:Back  j/k:Scroll  Space:Page  ?:Help" },
	{ "folders",
	    "q:Back  Enter:Open  C:New  r:Rename  d:Delete  s/u:(Un)subscribe  "
	    "?:Help" },
	{ "compose",
	    "y:Send  q:Abort  t:To  s:Subj  a:Attach  P:Postpone  ?:Help" },
	{ "pager", "i:Index  j/k:Next/Prev  Space:Page  /:Search  ?:Help" },
};

const char *
keymap_lookup(const char *context, int key)
{
	for (size_t pass = 0; pass < 2; pass++) {
		const char *ctx = pass == 0 ? context : "generic";

		for (size_t i = 0; i < G_N_ELEMENTS(bindings); i++) {
			if (bindings[i].key == key &&
			    strcmp(bindings[i].context, ctx) == 0)
				return bindings[i].command;
		}
	}
	return NULL;
}

const char *
keymap_hint(const char *context)
{
	for (size_t i = 0; i < G_N_ELEMENTS(hints); i++) {
		if (strcmp(hints[i].context, context) == 0)
			return hints[i].hint;
	}
	return "q:Quit  ?:Help";
}

/* Describe the bindings of which; context is the one they serve. */
static void
describe(const char *which, const char *context, struct view *v)
{
	for (size_t i = 0; i < G_N_ELEMENTS(bindings); i++) {
		const struct binding *b = &bindings[i];
		const struct cmd_entry *c;
		g_autofree char *name = NULL;

		if (strcmp(b->context, which) != 0)
			continue;
		/* A key bound in the context hides its generic binding. */
		if (strcmp(which, context) != 0 &&
		    strcmp(keymap_lookup(context, b->key), b->command) != 0)
			continue;
		c = cmd_find(b->command);
		name = ui_key_name(b->key);
		view_addf(v, "%-12s %-18s %s", name, b->command,
		    c != NULL ? c->help : "");
	}
}

void
keymap_describe(const char *context, struct view *v)
{
	describe(context, context, v);
	describe("generic", context, v);
}

static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Enter", '\r' },
	{ "Return", '\r' },
	{ "Esc", 27 },
	{ "Tab", '\t' },
	{ "Space", ' ' },
	{ "Backspace", 127 },
	{ "Up", UI_KEY_UP },
	{ "Down", UI_KEY_DOWN },
	{ "Left", UI_KEY_LEFT },
	{ "Right", UI_KEY_RIGHT },
	{ "PageUp", UI_KEY_PAGE_UP },
	{ "PageDown", UI_KEY_PAGE_DOWN },
	{ "Home", UI_KEY_HOME },
	{ "End", UI_KEY_END },
	{ "Delete", UI_KEY_DELETE },
};

static void
add_key(GArray *out, int key)
{
	struct input in = { key, NULL };

	g_array_append_val(out, in);
}

bool
keymap_parse(const char *keys, GArray *out, GError **err)
{
	const char *p = keys;

	while (*p != '\0') {
		const char *close;

		if (*p == '<' && (close = strchr(p + 1, '>')) != NULL &&
		    close > p + 1) {
			g_autofree char *name = g_strndup(p + 1, close - p - 1);
			const struct cmd_entry *c = cmd_find(name);
			size_t i;

			if (c != NULL) {
				struct input in = { 0, c->name };

				g_array_append_val(out, in);
				p = close + 1;
				continue;
			}
			for (i = 0; i < G_N_ELEMENTS(key_names); i++) {
				if (g_ascii_strcasecmp(name,
					key_names[i].name) == 0)
					break;
			}
			if (i == G_N_ELEMENTS(key_names)) {
				g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
				    "unknown key or function '<%s>'", name);
				return false;
			}
			add_key(out, key_names[i].key);
			p = close + 1;
			continue;
		}
		if (*p == '^' && p[1] != '\0' && g_ascii_isalpha(p[1])) {
			add_key(out, CTRL(g_ascii_toupper(p[1])));
			p += 2;
			continue;
		}
		if (!g_utf8_validate(p, -1, NULL)) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
			    "keys are not UTF-8");
			return false;
		}
		add_key(out, *p == '\n' ? '\r' : (int)g_utf8_get_char(p));
		p = g_utf8_next_char(p);
	}
	return true;
}
