/* SPDX-License-Identifier: ISC */
/*
 * Live updates: the open folder is kept live by its account's worker
 * (IDLE, else NOOP every mail_check seconds; see folder_watch()), its news
 * come through the reply queue's event callback to the folder model; the
 * other folders' counts are asked for again every
 * mail_check_stats_interval seconds; new mail is announced on the message
 * line and to new_mail_command. Main thread.
 */
#ifndef SKUA_CORE_LIVE_H
#define SKUA_CORE_LIVE_H

struct account;
struct core;

/* Take the workers' unrequested news (the reply queue's event callback). */
void core_live_init(struct core *core);
/* Once a second: refresh the folder counts of the accounts that are due. */
void core_live_tick(struct core *core);
/*
 * count new unseen messages came into folder (as the user sees its name)
 * of acc: say so on the message line and run new_mail_command, if set,
 * with the folder, the count and the account as its arguments.
 */
void core_new_mail(struct core *core, struct account *acc, const char *folder,
    unsigned count);

#endif
