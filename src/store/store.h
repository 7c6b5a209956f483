/* SPDX-License-Identifier: ISC */
/* The SQLite cache and state store. */
#ifndef SKUA_STORE_STORE_H
#define SKUA_STORE_STORE_H

#include <glib.h>

/* Append a "SQLite x" line (linked version). */
void store_versions(GString *out);

#endif
