/* SPDX-License-Identifier: ISC */
/*
 * POP3 command pipelining (RFC 2449 PIPELINING) on a libetpan session's
 * stream. libetpan sends one command and waits for its answer; for a
 * batch of RETRs or DELEs that leaves the server idle while skua writes
 * files, and skua idle while the server reads them. Here the commands of
 * a batch go out in one write and the answers are read in order with
 * libetpan's own line and multi-line readers on the session's buffers, so
 * the session is in step again for the libetpan calls that follow.
 */
#include "config.h"

#include <libetpan/libetpan.h>
#include <string.h>

#include "backend/pop3/pop3-pipe.h"

bool
pop3_pipe_send(mailpop3 *session, const GPtrArray *commands)
{
	GString *out = g_string_new(NULL);
	bool ok;

	for (guint i = 0; i < commands->len; i++)
		g_string_append_printf(out, "%s\r\n",
		    (const char *)commands->pdata[i]);
	ok = mailstream_write(session->pop3_stream, out->str, out->len) ==
		(ssize_t)out->len &&
	    mailstream_flush(session->pop3_stream) == 0;
	g_string_free(out, TRUE);
	return ok;
}

int
pop3_pipe_status(mailpop3 *session, char *text, size_t size)
{
	const char *line = mailstream_read_line_remove_eol(session->pop3_stream,
	    session->pop3_stream_buffer);
	const char *rest;
	size_t n = 0;
	int ok;

	if (line == NULL)
		return -1;
	if (strncmp(line, "+OK", 3) == 0) {
		ok = 1;
		rest = line + 3;
	} else if (strncmp(line, "-ERR", 4) == 0) {
		ok = 0;
		rest = line + 4;
	} else {
		return -1; /* out of step: the caller drops the session */
	}
	if (text == NULL || size == 0)
		return ok;
	while (*rest == ' ')
		rest++;
	/* Server text goes to messages: printable ASCII only. */
	for (; *rest != '\0' && n + 1 < size; rest++)
		text[n++] = *rest >= 0x20 && *rest < 0x7f ? *rest : '?';
	text[n] = '\0';
	return ok;
}

const char *
pop3_pipe_multiline(mailpop3 *session, size_t size_hint, size_t *len)
{
	const char *text = mailstream_read_multiline(session->pop3_stream,
	    size_hint, session->pop3_stream_buffer,
	    session->pop3_response_buffer, 0, NULL, NULL, NULL);

	if (text == NULL)
		return NULL;
	*len = session->pop3_response_buffer->len;
	return text;
}
