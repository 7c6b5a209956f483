/* SPDX-License-Identifier: ISC */
/*
 * Key bindings: which command a key runs in a view context, the default
 * bindings (mutt's keys), and the parsing of key strings for push.
 */
#ifndef SKUA_CMD_KEYMAP_H
#define SKUA_CMD_KEYMAP_H

#include <glib.h>
#include <stdbool.h>

struct view;

/* One input: a key, or a command pushed by name ("<quit>"). */
struct input {
	int key;	     /* when command is NULL */
	const char *command; /* static: a name from the command table */
};

/* The command bound to key in context (then in "generic"), or NULL. */
const char *keymap_lookup(const char *context, int key);
/*
 * Parse a push string: plain characters, escapes as in the rc file, key
 * names (<Enter>, <Esc>, <Up>, ^X ...) and command names (<quit>). Appends
 * struct input to out. False with err on an unknown <name>.
 */
bool keymap_parse(const char *keys, GArray *out, GError **err);
/* Add the bindings of context and of "generic" to v, one per line. */
void keymap_describe(const char *context, struct view *v);
/* The key hints of the help line for context. */
const char *keymap_hint(const char *context);

#endif
