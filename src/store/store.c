/* SPDX-License-Identifier: ISC */
/* The SQLite store: for now, its version report. */
#include "config.h"

#include <sqlite3.h>

#include "store/store.h"

void
store_versions(GString *out)
{
	g_string_append_printf(out, "SQLite %s\n", sqlite3_libversion());
}
