/* SPDX-License-Identifier: ISC */
/*
 * Commands: every user action is a named function, run from a key, from
 * push, or by name. Main thread only.
 */
#ifndef SKUA_CMD_CMD_H
#define SKUA_CMD_CMD_H

#include <stdbool.h>

struct account;
struct core;

typedef void cmd_fn(struct core *core);

struct cmd_entry {
	const char *name;
	cmd_fn *fn;
	const char *help;
};

/* The table, sorted by name. */
const struct cmd_entry *cmd_table(unsigned *n_out);
const struct cmd_entry *cmd_find(const char *name);
/* Run a command by name; false if there is none. */
bool cmd_run(struct core *core, const char *name);
/* Handle one key: the active prompt's, else the top view's binding. */
void cmd_key(struct core *core, int key);
/*
 * Open the folder name of acc in the index, as change-folder does (the
 * folder left is purged first, per the delete option).
 */
void cmd_open_folder(struct core *core, struct account *acc, const char *name);
/* Show the first screen: the accounts, or how to configure one. */
void cmd_first_screen(struct core *core);

#endif
