/* SPDX-License-Identifier: ISC */
/*
 * APOP (RFC 1939 section 7): the timestamp of a POP3 greeting and the
 * digest sent instead of the password. Pure functions.
 */
#ifndef SKUA_BACKEND_POP3_APOP_H
#define SKUA_BACKEND_POP3_APOP_H

/*
 * The timestamp of greeting ("<1896.697170952@dbc.mtview.ca.us>", the
 * angle brackets included), or NULL when it has none: a '<' ... '>' run
 * of printable ASCII with an '@', at most 200 bytes. Caller frees.
 */
char *apop_timestamp(const char *greeting);
/* MD5(timestamp password) in lower-case hex (32 digits). Caller frees. */
char *apop_digest(const char *timestamp, const char *password);

#endif
