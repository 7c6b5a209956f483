/* SPDX-License-Identifier: ISC */
/*
 * Outgoing messages: a draft (what the user wrote) into RFC 5322 bytes with
 * GMime, and back; the envelope's addresses. GMime stays inside mime/.
 */
#ifndef SKUA_MIME_COMPOSE_H
#define SKUA_MIME_COMPOSE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

struct draft_attachment {
	char *path;	    /* the file to attach */
	char *content_type; /* NULL: guessed from the name (GLib
			       g_content_type_guess / mime.types) */
	char *name;	   /* the name shown and sent; NULL: basename of path */
	char *description; /* NULL: none */
};

struct draft {
	char *from;	     /* "Name <addr>" or "addr", UTF-8 */
	char *to, *cc, *bcc; /* address lists as the user typed them, ", "
				separated, UTF-8; NULL: none */
	char *reply_to;	     /* NULL: none */
	char *subject;	     /* UTF-8; NULL: empty */
	char *in_reply_to;   /* "<id@x>" or NULL */
	char *references;    /* "<a@x> <b@y>" or NULL */
	char *message_id;    /* NULL: draft_build makes one from the From domain
				(never the host name) */
	GPtrArray *headers; /* more "Name: value" lines (Mail-Followup-To, ...),
			       UTF-8; may be NULL */
	char *body;	    /* the UTF-8 text */
	bool flowed;	    /* format=flowed text/plain */
	GPtrArray *attachments; /* struct draft_attachment *; may be NULL */
};

struct draft *draft_new(void);
/*
 * Frees every string, and both arrays with their elements (headers with
 * g_free, attachments with draft_attachment_free), whatever free function
 * the arrays were made with. NULL is fine.
 */
void draft_free(struct draft *d);
/* A new attachment of path (copied); the other fields NULL. */
struct draft_attachment *draft_attachment_new(const char *path);
void draft_attachment_free(struct draft_attachment *a);
/* The message as RFC 5322 bytes with CRLF line ends, 7-bit safe (QP/base64
 * chosen by content, RFC 2047 headers, RFC 2231 file names), Date,
 * MIME-Version, Message-ID (set in d when it was NULL). for_draft: keep Bcc (a
 * postponed message); false: Bcc never appears. */
GBytes *draft_build(struct draft *d, bool for_draft, GError **err);
/* A message (a postponed draft, or a message to "edit as new") back into a
 * draft: headers, the first text part as body, other parts written to files
 * under dir (0600) as attachments. */
struct draft *draft_parse(const char *data, size_t len, const char *dir,
    GError **err);
/* The envelope: the bare addresses of To, Cc and Bcc (g_free each,
 * g_ptr_array_unref), and of From. NULL / empty with err when an address is
 * malformed (a one-line reason). */
GPtrArray *draft_recipients(const struct draft *d, GError **err);
char *draft_sender(const struct draft *d, GError **err);
/*
 * Text as format=flowed (RFC 3676): trailing spaces of lines dropped,
 * lines longer than 72 columns broken at spaces with soft breaks, quote
 * markers ('>') repeated on each piece, space-stuffing. Caller frees.
 */
char *draft_flow_text(const char *text);

#endif
