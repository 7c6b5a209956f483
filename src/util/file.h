/* SPDX-License-Identifier: ISC */
/* Writing a new file whole: the one place that loops over write(2). */
#ifndef SKUA_UTIL_FILE_H
#define SKUA_UTIL_FILE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Create path (O_EXCL, never following a symbolic link, with mode) holding
 * the len bytes of data, fsynced first when sync. When path exists and
 * exists is not NULL: false with *exists set and err untouched (the caller
 * picks another name). Any other failure: false with err (SKUA_ERROR_IO,
 * naming path), and a file this call made is removed.
 */
bool file_write_new(const char *path, unsigned mode, const void *data,
    size_t len, bool sync, bool *exists, GError **err);

#endif
