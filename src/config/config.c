/* SPDX-License-Identifier: ISC */
/*
 * The rc-file tokenizer and commands. Words are split on blanks; "..." and
 * '...' quote, and backslash escapes one character ("\n", "\t", "\r" and
 * "\e" stand for newline, tab, return and escape inside double quotes and
 * outside quotes). In set commands an unquoted '=' is a word of its own.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/options.h"
#include "util/error.h"
#include "util/path.h"

#define MAX_SOURCE_DEPTH 10
#define MAX_LINE_BYTES	 (64 * 1024)

static void
account_conf_free(struct account_conf *ac)
{
	g_free(ac->name);
	optset_free(ac->opts);
	g_free(ac->origin);
	g_free(ac);
}

static const char *const default_unignore[] = { "date:", "from:", "to:", "cc:",
	"reply-to:", "subject:" };

struct config *
config_new(void)
{
	struct config *cfg = g_new0(struct config, 1);

	cfg->global = optset_new(NULL);
	cfg->accounts =
	    g_ptr_array_new_with_free_func((GDestroyNotify)account_conf_free);
	cfg->push = g_ptr_array_new_with_free_func(g_free);
	cfg->errors = g_ptr_array_new_with_free_func(g_free);
	cfg->ignore = g_ptr_array_new_with_free_func(g_free);
	cfg->unignore = g_ptr_array_new_with_free_func(g_free);
	cfg->hdr_order = g_ptr_array_new_with_free_func(g_free);
	/* Today's default: the fields a mutt user usually keeps. */
	g_ptr_array_add(cfg->ignore, g_strdup("*"));
	for (size_t i = 0; i < G_N_ELEMENTS(default_unignore); i++)
		g_ptr_array_add(cfg->unignore, g_strdup(default_unignore[i]));
	return cfg;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	/* Accounts point at the global set: free them first. */
	g_ptr_array_free(cfg->accounts, TRUE);
	optset_free(cfg->global);
	g_ptr_array_free(cfg->push, TRUE);
	g_ptr_array_free(cfg->errors, TRUE);
	g_ptr_array_free(cfg->ignore, TRUE);
	g_ptr_array_free(cfg->unignore, TRUE);
	g_ptr_array_free(cfg->hdr_order, TRUE);
	g_free(cfg->open_origin);
	g_free(cfg);
}

struct account_conf *
config_find_account(struct config *cfg, const char *name)
{
	for (guint i = 0; i < cfg->accounts->len; i++) {
		struct account_conf *ac = cfg->accounts->pdata[i];

		if (strcmp(ac->name, name) == 0)
			return ac;
	}
	return NULL;
}

enum token_kind {
	TOKEN_END,
	TOKEN_WORD,
	TOKEN_EQUALS,
};

/*
 * Read the next word at *p into out. With split_equals, an unquoted '='
 * ends a word and is returned as TOKEN_EQUALS. Returns TOKEN_END at the end
 * of the line or at a comment; -1 (with err) on an unterminated quote.
 */
static int
next_token(const char **p, bool split_equals, GString *out, GError **err)
{
	const char *s = *p;
	char quote = 0;
	bool any = false;

	g_string_truncate(out, 0);
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#') {
		*p = s;
		return TOKEN_END;
	}
	if (split_equals && *s == '=') {
		*p = s + 1;
		return TOKEN_EQUALS;
	}
	for (; *s != '\0'; s++) {
		if (quote == 0 && (*s == ' ' || *s == '\t'))
			break;
		if (quote == 0 && split_equals && *s == '=')
			break;
		if (quote == 0 && (*s == '"' || *s == '\'')) {
			quote = *s;
			any = true;
			continue;
		}
		if (quote != 0 && *s == quote) {
			quote = 0;
			continue;
		}
		if (*s == '\\' && quote != '\'' && s[1] != '\0') {
			s++;
			switch (*s) {
			case 'n':
				g_string_append_c(out, '\n');
				break;
			case 't':
				g_string_append_c(out, '\t');
				break;
			case 'r':
				g_string_append_c(out, '\r');
				break;
			case 'e':
				g_string_append_c(out, '\033');
				break;
			default:
				g_string_append_c(out, *s);
			}
			any = true;
			continue;
		}
		g_string_append_c(out, *s);
		any = true;
	}
	if (quote != 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "unterminated %s quote",
		    quote == '"' ? "double" : "single");
		return -1;
	}
	*p = s;
	return any ? TOKEN_WORD : TOKEN_END;
}

/* The option set that set/unset/... act on: the open account's or global. */
static struct optset *
target_set(struct config *cfg, const char *name, GError **err)
{
	const struct option_def *def = option_find(name);

	if (def == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "unknown option '%s'", name);
		return NULL;
	}
	if (cfg->open_account == NULL)
		return cfg->global;
	if (!(def->flags & OPT_ACCOUNT)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "option '%s' cannot be set per account", name);
		return NULL;
	}
	return cfg->open_account->opts;
}

/* set name=value | name | noname | invname | ?name | &name, repeated. */
static bool
cmd_set(struct config *cfg, const char **p, GString *msg, GError **err)
{
	g_autoptr(GString) word = g_string_new(NULL);
	g_autoptr(GString) value = g_string_new(NULL);
	bool any = false;
	int t;

	while ((t = next_token(p, true, word, err)) != TOKEN_END) {
		g_autofree char *name = NULL;
		struct optset *set;
		const char *q;

		if (t < 0)
			return false;
		if (t == TOKEN_EQUALS) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
			    "'=' without an option name");
			return false;
		}
		any = true;
		name = g_strdup(word->str);
		q = *p;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '=') {
			*p = q + 1;
			t = next_token(p, false, value, err);
			if (t < 0)
				return false;
			/* "set x=" and `set x = ""` both give an empty value.
			 */
			set = target_set(cfg, name, err);
			if (set == NULL ||
			    !optset_set(set, name, value->str, err))
				return false;
			continue;
		}
		if (name[0] == '?') {
			g_autofree char *v = NULL;

			set = target_set(cfg, name + 1, err);
			if (set == NULL)
				return false;
			v = optset_format(set, name + 1);
			if (msg->len > 0)
				g_string_append_c(msg, ' ');
			g_string_append_printf(msg, "%s=\"%s\"", name + 1, v);
			continue;
		}
		if (name[0] == '&') {
			set = target_set(cfg, name + 1, err);
			if (set == NULL || !optset_reset(set, name + 1, err))
				return false;
			continue;
		}
		if (option_find(name) == NULL && g_str_has_prefix(name, "no") &&
		    option_find(name + 2) != NULL) {
			set = target_set(cfg, name + 2, err);
			if (set == NULL || !optset_unset(set, name + 2, err))
				return false;
			continue;
		}
		if (option_find(name) == NULL &&
		    g_str_has_prefix(name, "inv") &&
		    option_find(name + 3) != NULL) {
			set = target_set(cfg, name + 3, err);
			if (set == NULL || !optset_toggle(set, name + 3, err))
				return false;
			continue;
		}
		/* A bare name sets a yes/no option; others need a value. */
		set = target_set(cfg, name, err);
		if (set == NULL)
			return false;
		if (option_find(name)->type != OPT_BOOL &&
		    option_find(name)->type != OPT_QUAD) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
			    "option '%s' needs a value: set %s = ...", name,
			    name);
			return false;
		}
		if (!optset_set(set, name, "yes", err))
			return false;
	}
	if (!any) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "set: no option given");
		return false;
	}
	return true;
}

typedef bool optset_fn(struct optset *, const char *, GError **);

/* unset, toggle, reset: a list of names. */
static bool
cmd_names(struct config *cfg, const char *cmd, optset_fn *fn, const char **p,
    GError **err)
{
	g_autoptr(GString) word = g_string_new(NULL);
	bool any = false;
	int t;

	while ((t = next_token(p, false, word, err)) != TOKEN_END) {
		struct optset *set;

		if (t < 0)
			return false;
		any = true;
		set = target_set(cfg, word->str, err);
		if (set == NULL || !fn(set, word->str, err))
			return false;
	}
	if (!any) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "%s: no option given", cmd);
		return false;
	}
	return true;
}

/* Account names become file names: keep them to a safe alphabet. */
static bool
valid_account_name(const char *name)
{
	if (*name == '\0' || *name == '.' || strlen(name) > 64)
		return false;
	for (const char *s = name; *s != '\0'; s++) {
		if (!g_ascii_isalnum(*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	}
	return true;
}

static bool
cmd_account(struct config *cfg, const char **p, const char *origin,
    GError **err)
{
	g_autoptr(GString) word = g_string_new(NULL);
	struct account_conf *ac;
	int t;

	if (cfg->open_account != NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "account '%s' is still open: close it with 'end' first",
		    cfg->open_account->name);
		return false;
	}
	t = next_token(p, false, word, err);
	if (t < 0)
		return false;
	if (t == TOKEN_END || !valid_account_name(word->str)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "account needs a name of letters, digits, '-', '_' "
		    "and '.'");
		return false;
	}
	if (config_find_account(cfg, word->str) != NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "account '%s' is defined twice", word->str);
		return false;
	}
	ac = g_new0(struct account_conf, 1);
	ac->name = g_strdup(word->str);
	ac->opts = optset_new(cfg->global);
	ac->origin = g_strdup(origin);
	g_ptr_array_add(cfg->accounts, ac);
	cfg->open_account = ac;
	return true;
}

static bool load_file(struct config *cfg, const char *path, bool must_exist,
    GError **err);

static bool
cmd_source(struct config *cfg, const char **p, const char *origin, GError **err)
{
	g_autoptr(GString) word = g_string_new(NULL);
	g_autofree char *base = NULL, *file = NULL, *path = NULL;
	const char *colon;
	int t;

	t = next_token(p, false, word, err);
	if (t < 0)
		return false;
	if (t == TOKEN_END) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "source: no file given");
		return false;
	}
	if (cfg->depth >= MAX_SOURCE_DEPTH) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "source: nested more than %d deep (a loop?)",
		    MAX_SOURCE_DEPTH);
		return false;
	}
	/* Relative names are relative to the file that sources them. */
	colon = strrchr(origin, ':');
	if (colon != NULL && origin[0] != '-') {
		file = g_strndup(origin, colon - origin);
		base = g_path_get_dirname(file);
	}
	path = path_expand(word->str, base);
	return load_file(cfg, path, true, err);
}

static bool
cmd_push(struct config *cfg, const char **p, GError **err)
{
	g_autoptr(GString) word = g_string_new(NULL);
	g_autoptr(GString) all = g_string_new(NULL);
	int t;

	while ((t = next_token(p, false, word, err)) != TOKEN_END) {
		if (t < 0)
			return false;
		g_string_append(all, word->str);
	}
	if (all->len == 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "push: no keys given");
		return false;
	}
	g_ptr_array_add(cfg->push, g_string_free(g_steal_pointer(&all), FALSE));
	return true;
}

/* Remove pattern from list (any case); "*" empties it, as in mutt. */
static void
list_remove(GPtrArray *list, const char *pattern)
{
	if (strcmp(pattern, "*") == 0) {
		g_ptr_array_set_size(list, 0);
		return;
	}
	for (guint i = list->len; i-- > 0;)
		if (g_ascii_strcasecmp(list->pdata[i], pattern) == 0)
			g_ptr_array_remove_index(list, i);
}

static void
list_add(GPtrArray *list, const char *pattern)
{
	for (guint i = 0; i < list->len; i++)
		if (g_ascii_strcasecmp(list->pdata[i], pattern) == 0)
			return;
	g_ptr_array_add(list, g_strdup(pattern));
}

/*
 * ignore, unignore, hdr_order and unhdr_order, as in mutt: ignore adds to
 * the ignore list and takes the pattern off the unignore list; unignore
 * the other way round (but "*" is never added: it empties ignore).
 */
static bool
cmd_headers(struct config *cfg, const char *cmd, const char **p, GError **err)
{
	g_autoptr(GString) word = g_string_new(NULL);
	unsigned n = 0;
	int t;

	while ((t = next_token(p, false, word, err)) != TOKEN_END) {
		if (t < 0)
			return false;
		if (word->len == 0 || strchr(word->str, '\n') != NULL)
			continue;
		n++;
		if (strcmp(cmd, "ignore") == 0) {
			list_remove(cfg->unignore, word->str);
			list_add(cfg->ignore, word->str);
		} else if (strcmp(cmd, "unignore") == 0) {
			if (strcmp(word->str, "*") != 0)
				list_add(cfg->unignore, word->str);
			list_remove(cfg->ignore, word->str);
		} else if (strcmp(cmd, "hdr_order") == 0) {
			/* A pattern named again moves to the end. */
			list_remove(cfg->hdr_order, word->str);
			if (strcmp(word->str, "*") != 0)
				g_ptr_array_add(cfg->hdr_order,
				    g_strdup(word->str));
		} else {
			list_remove(cfg->hdr_order, word->str);
		}
	}
	if (n == 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "%s: no header name given", cmd);
		return false;
	}
	cfg->headers_serial++;
	return true;
}

bool
config_exec(struct config *cfg, const char *line, const char *origin,
    char **message_out, GError **err)
{
	g_autoptr(GString) cmd = g_string_new(NULL);
	g_autoptr(GString) msg = g_string_new(NULL);
	const char *p = line;
	bool ok;
	int t;

	if (message_out != NULL)
		*message_out = NULL;
	t = next_token(&p, false, cmd, err);
	if (t < 0)
		return false;
	if (t == TOKEN_END)
		return true;
	if (strcmp(cmd->str, "set") == 0)
		ok = cmd_set(cfg, &p, msg, err);
	else if (strcmp(cmd->str, "unset") == 0)
		ok = cmd_names(cfg, "unset", optset_unset, &p, err);
	else if (strcmp(cmd->str, "toggle") == 0)
		ok = cmd_names(cfg, "toggle", optset_toggle, &p, err);
	else if (strcmp(cmd->str, "reset") == 0)
		ok = cmd_names(cfg, "reset", optset_reset, &p, err);
	else if (strcmp(cmd->str, "source") == 0)
		ok = cmd_source(cfg, &p, origin, err);
	else if (strcmp(cmd->str, "account") == 0)
		ok = cmd_account(cfg, &p, origin, err);
	else if (strcmp(cmd->str, "end") == 0) {
		ok = cfg->open_account != NULL;
		if (!ok)
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
			    "'end' without 'account'");
		cfg->open_account = NULL;
	} else if (strcmp(cmd->str, "push") == 0)
		ok = cmd_push(cfg, &p, err);
	else if (strcmp(cmd->str, "ignore") == 0 ||
	    strcmp(cmd->str, "unignore") == 0 ||
	    strcmp(cmd->str, "hdr_order") == 0 ||
	    strcmp(cmd->str, "unhdr_order") == 0)
		ok = cmd_headers(cfg, cmd->str, &p, err);
	else {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "unknown command '%s'", cmd->str);
		return false;
	}
	if (!ok)
		return false;
	if (strcmp(cmd->str, "source") != 0 && strcmp(cmd->str, "push") != 0 &&
	    strcmp(cmd->str, "set") != 0 &&
	    next_token(&p, false, cmd, NULL) != TOKEN_END) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "unexpected '%s' after the command", cmd->str);
		return false;
	}
	if (message_out != NULL && msg->len > 0)
		*message_out = g_string_free(g_steal_pointer(&msg), FALSE);
	return true;
}

static void
record_error(struct config *cfg, const char *origin, const GError *error)
{
	g_ptr_array_add(cfg->errors,
	    g_strdup_printf("%s: %s", origin, error->message));
}

/* Check one logical line and run it; errors go to cfg->errors. */
static void
load_line(struct config *cfg, const char *path, int lineno, GString *line,
    bool too_long)
{
	g_autofree char *origin = g_strdup_printf("%s:%d", path, lineno);
	g_autoptr(GError) error = NULL;

	if (too_long)
		g_set_error(&error, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "line longer than %d bytes", MAX_LINE_BYTES);
	else if (memchr(line->str, '\0', line->len) != NULL)
		g_set_error(&error, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "line contains a NUL byte");
	else if (!g_utf8_validate(line->str, line->len, NULL))
		g_set_error(&error, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "line is not UTF-8");
	else
		config_exec(cfg, line->str, origin, NULL, &error);
	if (error != NULL)
		record_error(cfg, origin, error);
}

static bool
load_file(struct config *cfg, const char *path, bool must_exist, GError **err)
{
	g_autoptr(GString) line = g_string_new(NULL);
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int lineno = 0, first = 1;
	bool too_long = false;

	f = fopen(path, "re");
	if (f == NULL) {
		if (errno == ENOENT && !must_exist)
			return true;
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "cannot read '%s': %s", path, g_strerror(errno));
		return false;
	}
	cfg->depth++;
	while ((len = getline(&buf, &cap, f)) >= 0) {
		lineno++;
		if (len > 0 && buf[len - 1] == '\n')
			len--;
		if (len > 0 && buf[len - 1] == '\r')
			len--;
		if (line->len + len > MAX_LINE_BYTES)
			too_long = true;
		else
			g_string_append_len(line, buf, len);
		/* A trailing backslash joins the next line. */
		if (!too_long && line->len > 0 &&
		    line->str[line->len - 1] == '\\') {
			g_string_truncate(line, line->len - 1);
			continue;
		}
		load_line(cfg, path, first, line, too_long);
		g_string_truncate(line, 0);
		too_long = false;
		first = lineno + 1;
	}
	if (line->len > 0) /* a continuation on the last line */
		load_line(cfg, path, first, line, too_long);
	if (ferror(f)) {
		g_autofree char *origin =
		    g_strdup_printf("%s:%d", path, lineno);
		g_autoptr(GError) error = g_error_new(SKUA_ERROR,
		    SKUA_ERROR_CONFIG, "read error: %s", g_strerror(errno));

		record_error(cfg, origin, error);
	}
	free(buf);
	fclose(f);
	cfg->depth--;
	return true;
}

bool
config_load(struct config *cfg, const char *path, bool must_exist, GError **err)
{
	return load_file(cfg, path, must_exist, err);
}

void
config_finish(struct config *cfg)
{
	if (cfg->open_account == NULL)
		return;
	g_ptr_array_add(cfg->errors,
	    g_strdup_printf("%s: account '%s' has no 'end'",
		cfg->open_account->origin, cfg->open_account->name));
	cfg->open_account = NULL;
}
