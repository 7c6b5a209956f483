/* SPDX-License-Identifier: ISC */
/*
 * The sending drivers: SMTP submission (libetpan's mailsmtp over our net/
 * stream: smtps implicit TLS, smtp with strict STARTTLS, AUTH PLAIN or
 * LOGIN sent by us) and a sendmail-compatible command. Each is a backend
 * driver whose one op is submit (REQ_SUBMIT), run on a send worker.
 */
#ifndef SKUA_SEND_SMTP_H
#define SKUA_SEND_SMTP_H

#include <glib.h>

#include "backend/backend.h"

/* For the schemes "smtp" and "smtps": host, port, tls, user, password... */
struct backend *smtp_backend_new(const struct backend_params *params);
/* For the scheme "sendmail": params->sendmail is the command. */
struct backend *sendmail_backend_new(const struct backend_params *params);
/*
 * The argv of the sendmail command: command split like a shell word list,
 * then "-oi -f sender --" and the recipients. NULL with err when the
 * command cannot be split or is empty. g_strfreev it.
 */
char **sendmail_argv(const char *command, const char *sender,
    const GPtrArray *recipients, GError **err);

#endif
