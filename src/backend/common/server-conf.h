/* SPDX-License-Identifier: ISC */
/*
 * What a network driver (IMAP, POP3, SMTP) keeps of its backend_params to
 * reach and log in to its server: copies, made and wiped in one place.
 */
#ifndef SKUA_BACKEND_COMMON_SERVER_CONF_H
#define SKUA_BACKEND_COMMON_SERVER_CONF_H

#include <stdbool.h>

#include "backend/backend.h"
#include "net/conn.h"

struct server_conf {
	char *account; /* for messages */
	char *host;
	unsigned port;
	enum tls_mode tls;
	char *user;
	char *password; /* NULL: none known; wiped when freed */
	char *password_command;
	char *ca_file, *fingerprint, *accepted, *pin_file;
	bool verify;
	int timeout; /* seconds, for connect and each read or write */
};

/* Copy the server fields of p into c. */
void server_conf_init(struct server_conf *c, const struct backend_params *p);
/* Free c's copies, the password wiped first. */
void server_conf_clear(struct server_conf *c);
/* c's certificate checks, for net_connect() and net_starttls() (borrowed:
 * valid while c is). */
struct net_tls_opts server_conf_tls(const struct server_conf *c);

#endif
