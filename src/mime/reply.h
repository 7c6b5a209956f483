/* SPDX-License-Identifier: ISC */
/*
 * Answering a message: from the original (its bytes, as fetched whole)
 * make the draft of a reply, group reply, list reply or forward, the way
 * mutt does: Re:/Fwd: without piling up, In-Reply-To and References for
 * threading, the text quoted under an attribution line, Reply-To and
 * Mail-Followup-To honoured, the user's own addresses left out of group
 * replies. Pure functions (no configuration, no files but those asked
 * for); thread-safe once mime_init() has run.
 */
#ifndef SKUA_MIME_REPLY_H
#define SKUA_MIME_REPLY_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

struct draft;

/* References keeps at most this many message IDs (the first and the last). */
#define REPLY_MAX_REFERENCES 20

/* The original message, taken apart. */
struct reply_orig {
	GHashTable *fields; /* lower-case name -> raw value (first one) */
	char *text;	    /* the text the pager shows, UTF-8, LF lines */
};

/*
 * Take apart the message data[0..len): its header fields and the text
 * part a reader sees (alternative_order picks in an alternative; NULL:
 * text/plain first). Never fails. Free with reply_orig_free().
 */
struct reply_orig *reply_orig_parse(const char *data, size_t len,
    const char *alternative_order);
void reply_orig_free(struct reply_orig *o);
/* The raw value of the field name (any case), or NULL. */
const char *reply_orig_field(const struct reply_orig *o, const char *name);

/* What the user's options say about answering. */
struct reply_opts {
	const char *from;	 /* the draft's From ("Name <a@b>"), or NULL */
	const char *alternates;	 /* a regex of the user's other addresses */
	const char *attribution; /* "On %d, %n wrote:" */
	const char *forward_format; /* the forward's Subject: "Fwd: %s" */
	const char *signature;	    /* the signature's text, or NULL */
	bool honour_reply_to;	    /* answer Reply-To rather than From */
	bool flowed;		    /* format=flowed */
};

enum reply_mode {
	REPLY_SENDER, /* r: the sender (or Reply-To) */
	REPLY_GROUP,  /* g: the sender and every other recipient */
	REPLY_LIST,   /* L: the list of List-Post */
};

/*
 * The subject with leading "Re:", "Aw:", "Fwd:", "Fw:" (any case, also
 * "Re[2]:") taken off, then prefix put in front: "Re: " on "RE: Fwd: x"
 * gives "Re: x". Caller frees.
 */
char *reply_subject(const char *subject, const char *prefix);
/*
 * The References of a reply: the original's References then its
 * Message-ID, at most REPLY_MAX_REFERENCES IDs (the first kept, then
 * the newest). NULL when there is none. Caller frees.
 */
char *reply_references(const char *references, const char *message_id);
/* Each line of text with "> " in front (">" alone on an empty line). */
char *reply_quote(const char *text);
/*
 * The attribution line: fmt with %d the original's Date, %n the sender's
 * name (else address), %a the sender's address, %s the subject, %% a %.
 */
char *reply_attribution(const struct reply_orig *o, const char *fmt);
/*
 * Whether addr (a bare address) is the user's: the address of from, or
 * one matching alternates (a regex, caseless, anchored at both ends).
 */
bool reply_is_own(const char *addr, const char *from, const char *alternates);
/*
 * The draft answering o. NULL with err for a list reply to a message
 * with no List-Post mailto: ("no mailing list"), or a reply with nobody
 * to answer.
 */
struct draft *reply_make(const struct reply_orig *o, enum reply_mode mode,
    const struct reply_opts *opts, GError **err);
/*
 * The draft forwarding o: inline (its main headers and text in a
 * "----- Forwarded message from X -----" block), or, when message_path is
 * not NULL, with that file (the original, unchanged) attached as
 * message/rfc822.
 */
struct draft *reply_forward(const struct reply_orig *o,
    const struct reply_opts *opts, const char *message_path);

/*
 * The text of the editor's file: the body, with edit_headers From, To,
 * Cc, Bcc, Subject and Reply-To lines and an empty line on top. Caller
 * frees.
 */
char *reply_edit_text(const struct draft *d, bool headers);
/*
 * Read the editor's file back into d: with headers, the "Name: value"
 * lines up to the first empty line set those six fields (an empty value
 * unsets them; other fields go to d->headers), the rest is the body.
 */
void reply_edit_apply(struct draft *d, const char *text, bool headers);

#endif
