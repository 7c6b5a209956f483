/* SPDX-License-Identifier: ISC */
/*
 * Options: the table in options-table.c is the single source of truth for
 * names, types, defaults and help text (the man page is checked against it
 * by the test suite). Values live in option sets: the global set holds the
 * defaults for every account, and each account's set falls back to it.
 */
#ifndef SKUA_CONFIG_OPTIONS_H
#define SKUA_CONFIG_OPTIONS_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

enum opt_type {
	OPT_BOOL,
	OPT_NUMBER,
	OPT_STRING,
	OPT_QUAD, /* yes, no, ask-yes, ask-no (mutt's quad-options) */
};

enum quad {
	QUAD_NO,
	QUAD_YES,
	QUAD_ASK_NO,
	QUAD_ASK_YES,
};

enum opt_flag {
	OPT_ACCOUNT = 1 << 0,	/* may be set inside an account block */
	OPT_SENSITIVE = 1 << 1, /* never shown (passwords) */
	OPT_PATH = 1 << 2,	/* a file name: "~" is expanded on use */
};

struct option_def {
	const char *name;
	enum opt_type type;
	unsigned flags;	 /* enum opt_flag */
	const char *def; /* default, in rc syntax; NULL: unset string */
	long min, max;	 /* OPT_NUMBER range */
	/* Extra validation of a new value; NULL when the type check is enough.
	 */
	bool (*check)(const char *value, GError **err);
	const char *help; /* one sentence, as in skuarc(5) */
};

/* The table, sorted by name. */
const struct option_def *options_table(size_t *n_out);
const struct option_def *option_find(const char *name);

struct optset;

/* A set whose lookups fall back to parent (NULL: the defaults). */
struct optset *optset_new(struct optset *parent);
void optset_free(struct optset *set);

/* Parse and store value for name; false with err (SKUA_ERROR_CONFIG). */
bool optset_set(struct optset *set, const char *name, const char *value,
    GError **err);
/* Bool and quad: no; number: 0; string: unset. */
bool optset_unset(struct optset *set, const char *name, GError **err);
/* Bool: flip; quad: yes <-> no, ask-yes <-> ask-no. */
bool optset_toggle(struct optset *set, const char *name, GError **err);
/* Forget the value at this level, so the parent's or the default shows. */
bool optset_reset(struct optset *set, const char *name, GError **err);
/* The value in rc syntax ("yes", "42", the string), for `set ?name`;
 * sensitive options show as "********". Caller frees. */
char *optset_format(const struct optset *set, const char *name);
/* Whether name has a value at this level (not inherited, not default). */
bool optset_is_set_here(const struct optset *set, const char *name);

/* Typed lookups. name must be in the table with that type (else abort). */
bool opt_bool(const struct optset *set, const char *name);
long opt_number(const struct optset *set, const char *name);
/* Borrowed: valid until the option changes. NULL when unset. */
const char *opt_string(const struct optset *set, const char *name);
enum quad opt_quad(const struct optset *set, const char *name);

#endif
