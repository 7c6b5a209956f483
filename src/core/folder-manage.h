/* SPDX-License-Identifier: ISC */
/*
 * Folder management: create, rename, delete, subscribe and unsubscribe a
 * folder of an account, and the choice between every folder and the
 * subscribed ones in its list. Each is one request to the account's
 * worker; the outcome goes to the message line (core_notice, or
 * core_status on failure) and the account's folder list is asked again
 * after it. Main thread only.
 */
#ifndef SKUA_CORE_FOLDER_MANAGE_H
#define SKUA_CORE_FOLDER_MANAGE_H

#include <stdbool.h>

struct core;
struct account;

/* Make folder name (UTF-8, as typed, in the account's hierarchy). */
void core_folder_create(struct core *core, struct account *acc,
    const char *name);
/* Rename folder server_name (shown as shown) to name (UTF-8, as typed). */
void core_folder_rename(struct core *core, struct account *acc,
    const char *server_name, const char *shown, const char *name);
/*
 * Delete folder server_name; force: a local folder's messages go with
 * it (the caller asked), else a local folder that holds any is refused.
 */
void core_folder_delete(struct core *core, struct account *acc,
    const char *server_name, const char *shown, bool force);
/* Subscribe to folder server_name (on), or unsubscribe. */
void core_folder_subscribe(struct core *core, struct account *acc,
    const char *server_name, const char *shown, bool on);
/* List acc's subscribed folders only, or every folder again (IMAP). */
void core_folder_toggle_subscribed(struct core *core, struct account *acc);

#endif
