/* SPDX-License-Identifier: ISC */
/*
 * The pure parts of IMAP login: which mechanism the server's capabilities
 * allow, and the SASL PLAIN message (RFC 4616).
 */
#ifndef SKUA_BACKEND_IMAP_IMAP_AUTH_H
#define SKUA_BACKEND_IMAP_IMAP_AUTH_H

#include <stdbool.h>

enum imap_auth_mech {
	IMAP_AUTH_NONE,	 /* no usable mechanism: refuse to log in */
	IMAP_AUTH_PLAIN, /* AUTHENTICATE PLAIN */
	IMAP_AUTH_LOGIN, /* the LOGIN command */
};

/*
 * AUTHENTICATE PLAIN when the server offers AUTH=PLAIN, else LOGIN unless
 * the server says LOGINDISABLED, else none.
 */
enum imap_auth_mech imap_auth_choose(bool has_auth_plain, bool login_disabled);
/*
 * The base64 of the SASL PLAIN message "\0user\0password" (no
 * authorization identity). The caller wipes it (explicit_bzero) and frees
 * it: it holds the password. NULL when user is empty (a PLAIN message
 * needs an identity).
 */
char *imap_sasl_plain(const char *user, const char *password);

#endif
