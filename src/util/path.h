/* SPDX-License-Identifier: ISC */
/* Where skua keeps its files: the XDG base directories, and ~ expansion. */
#ifndef SKUA_UTIL_PATH_H
#define SKUA_UTIL_PATH_H

/* $XDG_CONFIG_HOME/skua (default ~/.config/skua). Caller frees. */
char *path_config_dir(void);
/* $XDG_DATA_HOME/skua (default ~/.local/share/skua). Caller frees. */
char *path_data_dir(void);
/* $XDG_CACHE_HOME/skua (default ~/.cache/skua). Caller frees. */
char *path_cache_dir(void);
/* The default rc file: path_config_dir()/skuarc. Caller frees. */
char *path_default_rc(void);
/*
 * Expand a leading "~" or "~/" to $HOME; a relative path is taken relative
 * to base_dir when base_dir is not NULL. Caller frees.
 */
char *path_expand(const char *path, const char *base_dir);

/*
 * A file name from untrusted text (an attachment's name): no directory
 * part, no '/' or '\\', no control characters, no leading dot or blank,
 * valid UTF-8, at most 200 bytes; fallback when nothing is left. Caller
 * frees.
 */
char *path_safe_name(const char *name, const char *fallback);

#endif
