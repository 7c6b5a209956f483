/* SPDX-License-Identifier: ISC */
/*
 * Option sets. A set maps option names to parsed values; a lookup that
 * misses walks to the parent set, then to the table's default.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/options.h"
#include "util/error.h"

struct optval {
	enum opt_type type;
	bool b;
	long n;
	char *s;
	enum quad q;
};

struct optset {
	struct optset *parent;
	GHashTable *values; /* const char *name (table-owned) -> optval */
};

static void
optval_free(struct optval *v)
{
	if (v->s != NULL)
		explicit_bzero(v->s, strlen(v->s));
	g_free(v->s);
	g_free(v);
}

struct optset *
optset_new(struct optset *parent)
{
	struct optset *set = g_new0(struct optset, 1);

	set->parent = parent;
	set->values = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    (GDestroyNotify)optval_free);
	return set;
}

void
optset_free(struct optset *set)
{
	if (set == NULL)
		return;
	g_hash_table_destroy(set->values);
	g_free(set);
}

static const struct option_def *
find_or_error(const char *name, GError **err)
{
	const struct option_def *def = option_find(name);

	if (def == NULL)
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "unknown option '%s'", name);
	return def;
}

static bool
parse_bool(const char *s, bool *out)
{
	if (g_ascii_strcasecmp(s, "yes") == 0 || strcmp(s, "1") == 0 ||
	    g_ascii_strcasecmp(s, "on") == 0 ||
	    g_ascii_strcasecmp(s, "true") == 0)
		*out = true;
	else if (g_ascii_strcasecmp(s, "no") == 0 || strcmp(s, "0") == 0 ||
	    g_ascii_strcasecmp(s, "off") == 0 ||
	    g_ascii_strcasecmp(s, "false") == 0)
		*out = false;
	else
		return false;
	return true;
}

static bool
parse_quad(const char *s, enum quad *out)
{
	bool b;

	if (g_ascii_strcasecmp(s, "ask-yes") == 0)
		*out = QUAD_ASK_YES;
	else if (g_ascii_strcasecmp(s, "ask-no") == 0)
		*out = QUAD_ASK_NO;
	else if (parse_bool(s, &b))
		*out = b ? QUAD_YES : QUAD_NO;
	else
		return false;
	return true;
}

/* Parse value as def's type into v. */
static bool
parse_value(const struct option_def *def, const char *value, struct optval *v,
    GError **err)
{
	char *end;

	v->type = def->type;
	switch (def->type) {
	case OPT_BOOL:
		if (!parse_bool(value, &v->b))
			goto bad;
		return true;
	case OPT_QUAD:
		if (!parse_quad(value, &v->q))
			goto bad;
		return true;
	case OPT_NUMBER:
		errno = 0;
		v->n = strtol(value, &end, 10);
		if (*value == '\0' || *end != '\0' || errno != 0)
			goto bad;
		if (v->n < def->min || v->n > def->max) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
			    "option '%s' must be between %ld and %ld",
			    def->name, def->min, def->max);
			return false;
		}
		return true;
	case OPT_STRING:
		if (def->check != NULL && !def->check(value, err)) {
			g_prefix_error(err, "option '%s': ", def->name);
			return false;
		}
		v->s = g_strdup(value);
		return true;
	}
	g_assert_not_reached();
bad:
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
	    "option '%s' wants %s, not '%s'", def->name,
	    def->type == OPT_BOOL	? "yes or no"
		: def->type == OPT_QUAD ? "yes, no, ask-yes or ask-no"
					: "a number",
	    def->flags & OPT_SENSITIVE ? "********" : value);
	return false;
}

static void
store(struct optset *set, const struct option_def *def, struct optval *v)
{
	struct optval *copy = g_new(struct optval, 1);

	*copy = *v;
	g_hash_table_replace(set->values, (gpointer)def->name, copy);
}

bool
optset_set(struct optset *set, const char *name, const char *value,
    GError **err)
{
	const struct option_def *def = find_or_error(name, err);
	struct optval v = { 0 };

	if (def == NULL || !parse_value(def, value, &v, err))
		return false;
	store(set, def, &v);
	return true;
}

/* The effective value of def in set: a stored one or the default. */
static const struct optval *
lookup(const struct optset *set, const struct option_def *def,
    struct optval *scratch)
{
	for (; set != NULL; set = set->parent) {
		const struct optval *v =
		    g_hash_table_lookup(set->values, def->name);

		if (v != NULL)
			return v;
	}
	memset(scratch, 0, sizeof(*scratch));
	scratch->type = def->type;
	if (def->def == NULL)
		return scratch;
	/* Defaults are checked by the unit tests, so this cannot fail. */
	if (def->type == OPT_STRING) {
		scratch->s = (char *)def->def;
		return scratch;
	}
	if (!parse_value(def, def->def, scratch, NULL))
		g_error("bad default for option '%s'", def->name);
	return scratch;
}

bool
optset_unset(struct optset *set, const char *name, GError **err)
{
	const struct option_def *def = find_or_error(name, err);
	struct optval v = { 0 };

	if (def == NULL)
		return false;
	v.type = def->type;
	v.q = QUAD_NO;
	store(set, def, &v);
	return true;
}

bool
optset_toggle(struct optset *set, const char *name, GError **err)
{
	const struct option_def *def = find_or_error(name, err);
	struct optval scratch, v = { 0 };
	const struct optval *cur;

	if (def == NULL)
		return false;
	if (def->type != OPT_BOOL && def->type != OPT_QUAD) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "option '%s' is not a yes/no option", name);
		return false;
	}
	cur = lookup(set, def, &scratch);
	v.type = def->type;
	v.b = !cur->b;
	switch (cur->q) {
	case QUAD_NO:
		v.q = QUAD_YES;
		break;
	case QUAD_YES:
		v.q = QUAD_NO;
		break;
	case QUAD_ASK_NO:
		v.q = QUAD_ASK_YES;
		break;
	case QUAD_ASK_YES:
		v.q = QUAD_ASK_NO;
		break;
	}
	store(set, def, &v);
	return true;
}

bool
optset_reset(struct optset *set, const char *name, GError **err)
{
	const struct option_def *def = find_or_error(name, err);

	if (def == NULL)
		return false;
	g_hash_table_remove(set->values, def->name);
	return true;
}

bool
optset_is_set_here(const struct optset *set, const char *name)
{
	return g_hash_table_contains(set->values, name);
}

char *
optset_format(const struct optset *set, const char *name)
{
	static const char *const quads[] = { "no", "yes", "ask-no", "ask-yes" };
	const struct option_def *def = option_find(name);
	struct optval scratch;
	const struct optval *v;

	g_assert(def != NULL);
	v = lookup(set, def, &scratch);
	switch (def->type) {
	case OPT_BOOL:
		return g_strdup(v->b ? "yes" : "no");
	case OPT_QUAD:
		return g_strdup(quads[v->q]);
	case OPT_NUMBER:
		return g_strdup_printf("%ld", v->n);
	case OPT_STRING:
		if (v->s == NULL)
			return g_strdup("");
		if (def->flags & OPT_SENSITIVE)
			return g_strdup("********");
		return g_strdup(v->s);
	}
	g_assert_not_reached();
}

static const struct option_def *
typed(const char *name, enum opt_type type)
{
	const struct option_def *def = option_find(name);

	if (def == NULL || def->type != type)
		g_error("option '%s' looked up with the wrong type", name);
	return def;
}

bool
opt_bool(const struct optset *set, const char *name)
{
	struct optval scratch;

	return lookup(set, typed(name, OPT_BOOL), &scratch)->b;
}

long
opt_number(const struct optset *set, const char *name)
{
	struct optval scratch;

	return lookup(set, typed(name, OPT_NUMBER), &scratch)->n;
}

const char *
opt_string(const struct optset *set, const char *name)
{
	struct optval scratch;
	const struct optval *v;

	v = lookup(set, typed(name, OPT_STRING), &scratch);
	/* scratch->s points at the static default, never at scratch. */
	return v->s;
}

enum quad
opt_quad(const struct optset *set, const char *name)
{
	struct optval scratch;

	return lookup(set, typed(name, OPT_QUAD), &scratch)->q;
}
