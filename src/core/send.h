/* SPDX-License-Identifier: ISC */
/*
 * Sending and postponing (core runs them; the UI never blocks): the
 * message goes to the account's send worker (SMTP or sendmail driver),
 * its copy to the Sent folder, a postponed one or one that failed to go
 * to the Drafts folder, so nothing typed is lost.
 */
#ifndef SKUA_CORE_SEND_H
#define SKUA_CORE_SEND_H

#include <stdbool.h>

#include "mime/compose.h"

struct account;
struct core;

/* ok: sent (and copied to Sent when `copy` is set; a failed Sent copy is a
 * notice, not a failure). !ok: error says why in one line; kept_as names where
 * the message was saved (the account's Drafts, else a file under
 * $XDG_DATA_HOME/skua/drafts/) so nothing typed is lost. Called on the main
 * thread. */
typedef void core_send_cb(struct core *core, struct account *acc, bool ok,
    const char *error, const char *kept_as, void *data);
/* Send draft (ownership moves) for account acc (its smtp_url/sendmail, its
 * password source), in the background. */
void core_send(struct core *core, struct account *acc, struct draft *draft,
    core_send_cb *cb, void *data);
/* Save draft (ownership moves) in acc's Drafts folder (`postponed` option;
 * IMAP: APPEND with \Draft \Seen to the SPECIAL-USE \Drafts folder by default;
 * POP3/local: the local Drafts Maildir), in the background; cb's ok/error as
 * above. */
void core_postpone(struct core *core, struct account *acc, struct draft *draft,
    core_send_cb *cb, void *data);
/*
 * Ctrl-G: stop acc's submission under way (an SMTP session or a sendmail
 * command); its callback then says "sending cancelled" and where the
 * message was kept. False when none is under way.
 */
bool core_send_cancel(struct core *core, struct account *acc);
/*
 * The From of acc's messages: "realname <from>", from the options `from`
 * (default: the user of the account's URL when it holds an '@', else
 * user@host) and `realname`. NULL when none can be made (a local
 * account without `from`). Caller frees.
 */
char *core_account_from(const struct account *acc);

#endif
