/* SPDX-License-Identifier: ISC */
/*
 * Reading the few header fields the index shows straight from a header
 * block (an IMAP BODY[HEADER.FIELDS (...)] answer), without building a
 * whole message: one pass over the bytes, the common address forms parsed
 * here and only the rare ones handed to GMime.
 */
#ifndef SKUA_MIME_HEADERS_H
#define SKUA_MIME_HEADERS_H

#include <glib.h>
#include <stddef.h>

/* Fields longer than this (folded lines included) are cut. */
#define MIME_FIELD_MAX 16384

/*
 * Called for each field of a header block, in order: name (not
 * NUL-terminated, name_len bytes, as written) and its value unfolded
 * (CRLF before a continuation removed, leading and trailing white space
 * trimmed; NUL-terminated, valid only during the call).
 */
typedef void mime_field_cb(const char *name, size_t name_len, const char *value,
    void *data);

/*
 * Split block[0..len) into fields: "Name: value" lines and their
 * continuation lines, up to the first empty line. Lines that are not a
 * field (no colon, a space in the name) are skipped. Bare LF is accepted
 * for CRLF. Never fails; thread-safe.
 */
void mime_header_fields(const char *block, size_t len, mime_field_cb *cb,
    void *data);

/*
 * The first mailbox of an address header value (From:, To:), decoded:
 * *name_out is its display name (RFC 2047 decoded, quotes removed; NULL
 * when none) and *addr_out its address (NULL when none). "Name <a@b>",
 * "\"Quoted, Name\" <a@b>", "a@b", "a@b (Comment)" and groups are all
 * understood. Caller frees both. Thread-safe once mime_init() has run.
 */
void mime_first_mailbox(const char *value, char **name_out, char **addr_out);

/*
 * A run of white space (CR, LF, tab, spaces) squeezed to one space, ends
 * trimmed: for Message-ID, In-Reply-To and References. Caller frees.
 */
char *mime_squeeze_space(const char *value);

/*
 * What the index shows of a message, from its header block (the first of
 * a repeated field counts, as in IMAP's ENVELOPE). Strings are decoded
 * UTF-8 (not yet sanitised for the terminal) or NULL when absent.
 */
struct mime_index_fields {
	char *subject;
	char *from;	 /* the sender's display name, else its address */
	char *from_addr; /* the sender's address */
	char *to;	 /* the first recipient's name, else its address */
	char *message_id, *in_reply_to, *references; /* white space squeezed */
	gint64 date; /* Date:, 0 if none or bad */
};

/* Read block[0..len) into out (cleared first). Thread-safe. */
void mime_index_fields(const char *block, size_t len,
    struct mime_index_fields *out);
void mime_index_fields_clear(struct mime_index_fields *f);

#endif
