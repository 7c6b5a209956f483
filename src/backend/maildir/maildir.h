/* SPDX-License-Identifier: ISC */
/*
 * The maildir driver: serves the folders of a local Maildir store (a
 * LOCAL account's path, a POP3 account's local_store) through the same
 * backend ops as IMAP, so the index, pager and attachment views work on
 * local mail unchanged.
 */
#ifndef SKUA_BACKEND_MAILDIR_MAILDIR_H
#define SKUA_BACKEND_MAILDIR_MAILDIR_H

#include <stdbool.h>

struct backend;
struct backend_params;

/* A driver instance for the store params->path (copied). */
struct backend *maildir_backend_new(const struct backend_params *params);

/*
 * Whether name is acceptable as a folder name of a store: not empty, no
 * leading '/', no "." or ".." component, no control characters. Exposed
 * for the tests.
 */
bool maildir_name_is_safe(const char *name);

#endif
