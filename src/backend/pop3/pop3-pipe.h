/* SPDX-License-Identifier: ISC */
/*
 * POP3 command pipelining (RFC 2449) on a libetpan mailpop3 session: the
 * commands of a batch in one write, their answers read in order.
 */
#ifndef SKUA_BACKEND_POP3_POP3_PIPE_H
#define SKUA_BACKEND_POP3_POP3_PIPE_H

#include <glib.h>
#include <libetpan/libetpan.h>
#include <stdbool.h>
#include <stddef.h>

/* Send each command of commands (char *, without CRLF) in one write;
 * false when the stream broke. */
bool pop3_pipe_send(mailpop3 *session, const GPtrArray *commands);
/*
 * Read the next status line: 1 for +OK, 0 for -ERR, -1 when the stream
 * broke or the line is neither (the session is then out of step). The
 * text after the status, made printable ASCII, goes to text (size bytes
 * with its NUL) when text is not NULL.
 */
int pop3_pipe_status(mailpop3 *session, char *text, size_t size);
/*
 * After +OK of RETR or TOP: the multi-line answer, dot-unstuffed, lines
 * ending in CRLF, in the session's response buffer (valid until the next
 * read), its length in *len; NULL when the stream broke.
 */
const char *pop3_pipe_multiline(mailpop3 *session, size_t size_hint,
    size_t *len);

#endif
