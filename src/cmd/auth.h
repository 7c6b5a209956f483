/* SPDX-License-Identifier: ISC */
/*
 * The questions core asks the user when an account cannot log in or
 * trust its server: a masked password prompt and the certificate choice.
 * Main thread only.
 */
#ifndef SKUA_CMD_AUTH_H
#define SKUA_CMD_AUTH_H

struct core;

/* Register the questions as core's ask_password and ask_cert hooks. */
void cmd_auth_install(struct core *core);
/*
 * Ask the next waiting question when no prompt is on the screen (after a
 * prompt of the user's ended).
 */
void cmd_auth_next(void);
/* Drop the questions still waiting (at exit). */
void cmd_auth_clear(void);

#endif
