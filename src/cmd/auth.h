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

#endif
