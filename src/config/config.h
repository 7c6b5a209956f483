/* SPDX-License-Identifier: ISC */
/*
 * The rc file: commands set, unset, toggle, reset, source, account ... end,
 * push, ignore, unignore, hdr_order and unhdr_order, one per line (a trailing
 * backslash continues a line, '#' starts a comment). An error never stops the
 * rest of the file: it is recorded as "file:line: message" and skua starts with
 * everything else.
 */
#ifndef SKUA_CONFIG_CONFIG_H
#define SKUA_CONFIG_CONFIG_H

#include <glib.h>
#include <stdbool.h>

struct optset;

/* One `account NAME ... end` block. */
struct account_conf {
	char *name;
	struct optset *opts; /* falls back to config->global */
	char *origin;	     /* "file:line" of the account command */
};

struct config {
	struct optset *global;
	GPtrArray *accounts; /* struct account_conf *, in file order */
	GPtrArray *push;     /* char *: key strings from push, in order */
	GPtrArray *errors;   /* char *: "file:line: message" */
	/*
	 * The pager's header fields, as mutt's ignore, unignore and
	 * hdr_order: char * patterns, each a prefix of "Name: value" (any
	 * case) or "*". A field is hidden when it matches ignore and not
	 * unignore; shown ones come in hdr_order's order, then the rest.
	 */
	GPtrArray *ignore;
	GPtrArray *unignore;
	GPtrArray *hdr_order;
	unsigned headers_serial; /* counts changes of the three lists */
	/* Parser state. */
	struct account_conf *open_account; /* inside account ... end */
	char *open_origin;
	int depth; /* source nesting */
};

struct config *config_new(void);
void config_free(struct config *cfg);

/*
 * Read the rc file at path. A missing file is not an error unless
 * must_exist; an unreadable one is (returned in err). Errors inside the
 * file are appended to cfg->errors and do not make this fail.
 */
bool config_load(struct config *cfg, const char *path, bool must_exist,
    GError **err);
/*
 * Run one rc command line. origin names it in messages ("-e", "file:12").
 * On success, *message_out (if not NULL) may get text to show the user,
 * such as the answer to `set ?name`; caller frees.
 */
bool config_exec(struct config *cfg, const char *line, const char *origin,
    char **message_out, GError **err);
/* Close an account block left open at the end of the rc file. */
void config_finish(struct config *cfg);

struct account_conf *config_find_account(struct config *cfg, const char *name);

#endif
