/* SPDX-License-Identifier: ISC */
/*
 * The folder browser's management commands (neomutt's names and keys):
 * create-mailbox (C), rename-mailbox (r), delete-mailbox (d, after a
 * confirmation naming the folder), subscribe (s), unsubscribe (u) and
 * toggle-subscribed (T). They act on the folder under the browser's
 * cursor (create: in its account). Main thread.
 */
#ifndef SKUA_CMD_FOLDER_CMDS_H
#define SKUA_CMD_FOLDER_CMDS_H

struct core;

void cmd_create_mailbox(struct core *core);
void cmd_rename_mailbox(struct core *core);
void cmd_delete_mailbox(struct core *core);
void cmd_subscribe(struct core *core);
void cmd_unsubscribe(struct core *core);
void cmd_toggle_subscribed(struct core *core);

#endif
