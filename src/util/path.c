/* SPDX-License-Identifier: ISC */
/*
 * XDG base directories. GLib caches g_get_user_*_dir() for the life of the
 * process, which breaks tests that change the environment, so the variables
 * are read here each time.
 */
#include "config.h"

#include <glib.h>

#include "util/path.h"

static char *
xdg_dir(const char *var, const char *fallback)
{
	const char *v = g_getenv(var);

	/* The spec says a relative value is invalid and must be ignored. */
	if (v != NULL && g_path_is_absolute(v))
		return g_build_filename(v, "skua", NULL);
	return g_build_filename(g_get_home_dir(), fallback, "skua", NULL);
}

char *
path_config_dir(void)
{
	return xdg_dir("XDG_CONFIG_HOME", ".config");
}

char *
path_data_dir(void)
{
	return xdg_dir("XDG_DATA_HOME", ".local/share");
}

char *
path_cache_dir(void)
{
	return xdg_dir("XDG_CACHE_HOME", ".cache");
}

char *
path_default_rc(void)
{
	g_autofree char *dir = path_config_dir();

	return g_build_filename(dir, "skuarc", NULL);
}

char *
path_expand(const char *path, const char *base_dir)
{
	const char *home;

	if (path[0] == '~' && (path[1] == '\0' || path[1] == '/')) {
		home = g_getenv("HOME");
		if (home == NULL || *home == '\0')
			home = g_get_home_dir();
		return g_build_filename(home, path + 1, NULL);
	}
	if (base_dir != NULL && !g_path_is_absolute(path))
		return g_build_filename(base_dir, path, NULL);
	return g_strdup(path);
}

char *
path_safe_name(const char *name, const char *fallback)
{
	g_autofree char *valid = NULL;
	const char *base;
	GString *out;

	if (name == NULL)
		return g_strdup(fallback);
	valid = g_utf8_make_valid(name, -1);
	/* Only the last component of a path-like name. */
	base = valid;
	for (const char *p = valid; *p != '\0'; p++) {
		if (*p == '/' || *p == '\\')
			base = p + 1;
	}
	out = g_string_new(NULL);
	for (const char *p = base; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
			continue;
		if (out->len == 0 && (c == '.' || c == ' ' || c == '-'))
			continue;
		if (out->len + 6 > 200)
			break;
		g_string_append_unichar(out, c);
	}
	while (out->len > 0 && out->str[out->len - 1] == ' ')
		g_string_truncate(out, out->len - 1);
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return g_strdup(fallback);
	}
	return g_string_free(out, FALSE);
}
