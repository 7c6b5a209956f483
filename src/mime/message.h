/* SPDX-License-Identifier: ISC */
/*
 * A whole message held in memory (a local file), taken apart with GMime:
 * its leaf parts numbered as IMAP sections ("1", "2.1"), the part the pager
 * shows, and each part's bytes as they are in the message (still in their
 * transfer encoding), so mime_render_part() and mime_decode_transfer()
 * treat them exactly as they treat an IMAP BODY[n] answer.
 */
#ifndef SKUA_MIME_MESSAGE_H
#define SKUA_MIME_MESSAGE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* At most this many leaves are listed, and multiparts this deep walked. */
#define MIME_MESSAGE_MAX_PARTS 1000
#define MIME_MESSAGE_MAX_DEPTH 32

struct mime_leaf {
	char *section;	 /* "1", "1.2" */
	char *type;	 /* lower case "text/plain" */
	char *name;	 /* file name, decoded (RFC 2047/2231); NULL if none */
	char *encoding;	 /* transfer encoding, lower case; NULL: 7bit */
	char *charset;	 /* NULL if none */
	bool attachment; /* Content-Disposition: attachment */
	bool flowed, delsp; /* format=flowed, delsp=yes */
	unsigned alt_group; /* its multipart/alternative, 0: none */
	GBytes *content;    /* the body bytes, transfer-encoded */
};

struct mime_message {
	GPtrArray *leaves; /* struct mime_leaf *, in document order */
};

/*
 * Take apart the message data[0..len). Never fails: a message without
 * MIME structure is one text/plain leaf "1". Thread-safe once mime_init()
 * has run. Free with mime_message_free().
 */
struct mime_message *mime_message_parse(const char *data, size_t len);
void mime_message_free(struct mime_message *msg);
/* The leaf of section, or NULL. */
const struct mime_leaf *mime_message_leaf(const struct mime_message *msg,
    const char *section);
/*
 * The leaf to show: when the first inline text/plain or text/html leaf is
 * in a multipart/alternative, order (alternative_order: type patterns,
 * best first; NULL: none) picks among that alternative's text leaves;
 * otherwise, and when nothing matches, text/plain wins over text/html.
 * NULL when the message has no text to show.
 */
const struct mime_leaf *mime_message_choose_text(const struct mime_message *msg,
    const char *order);
/*
 * The header block at the start of data (up to the first empty line) as
 * "Name: value" lines, unfolded and RFC 2047 decoded, one line per field,
 * at most max_fields of them; not yet sanitised for the terminal. Caller
 * frees.
 */
char *mime_header_text(const char *data, size_t len, unsigned max_fields);

#endif
