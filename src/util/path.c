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
