/* SPDX-License-Identifier: ISC */
/*
 * A search as a tree of keys, the shape of IMAP SEARCH (RFC 3501 6.4.4):
 * what core's pattern parser (core/pattern.h) makes of a mutt pattern, what
 * the IMAP driver sends as UID SEARCH and what the maildir driver evaluates
 * on its files. A plain value: it crosses to the workers as a deep copy
 * owned by the request.
 */
#ifndef SKUA_BACKEND_SEARCH_TREE_H
#define SKUA_BACKEND_SEARCH_TREE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

enum search_kind {
	SEARCH_ALL,  /* every message */
	SEARCH_AND,  /* every child */
	SEARCH_OR,   /* any child (two or more) */
	SEARCH_NOT,  /* not its one child */
	SEARCH_FROM, /* text in the field (substring, any case) */
	SEARCH_TO,
	SEARCH_CC,
	SEARCH_SUBJECT,
	SEARCH_HEADER,	    /* text in the field name ("": has the field) */
	SEARCH_BODY,	    /* text in the body */
	SEARCH_TEXT,	    /* text in the header or the body */
	SEARCH_SENT_SINCE,  /* Date: on or after day */
	SEARCH_SENT_BEFORE, /* Date: before day */
	SEARCH_SENT_ON,	    /* Date: on day */
	SEARCH_SINCE,	    /* received (INTERNALDATE) on or after day */
	SEARCH_BEFORE,
	SEARCH_ON,
	SEARCH_FLAGS,	/* every flag of set, none of clear */
	SEARCH_LARGER,	/* size > number */
	SEARCH_SMALLER, /* size < number */
	SEARCH_UIDS,   /* uid one of uids, sorted ascending (core resolves ~T to
			  this) */
	SEARCH_TAGGED, /* client-only: core replaces it before sending */
};

struct search_node {
	enum search_kind kind;
	char *name;	     /* HEADER: the field's name */
	char *text;	     /* FROM ... TEXT: UTF-8 */
	int64_t number;	     /* dates: days since 1970-01-01; sizes */
	uint32_t set, clear; /* FLAGS: enum msg_flag masks */
	GArray *uids;	     /* UIDS: uint32_t */
	GPtrArray *children; /* AND, OR, NOT: struct search_node * */
};

struct search_node *search_node_new(enum search_kind kind);
/* A node with text (copied). */
struct search_node *search_node_new_text(enum search_kind kind,
    const char *text);
/* AND, OR, NOT: parent takes child. */
void search_node_add(struct search_node *parent, struct search_node *child);
void search_node_free(struct search_node *node);
struct search_node *search_node_copy(const struct search_node *node);
/* Whether node or one under it is of kind. */
bool search_node_has(const struct search_node *node, enum search_kind kind);

/* The civil date of a day number, and back (proleptic Gregorian). */
void search_day_to_date(int64_t day, int *year, int *month, int *mday);
int64_t search_day_from_date(int year, int month, int mday);

/*
 * What a driver knows of one message for search_eval(). text() gives
 * what a text key looks in: the decoded values of the fields (FROM, TO,
 * CC, SUBJECT, HEADER with name), the body text (BODY) or both (TEXT);
 * it returns NULL when it cannot tell (the file is gone), which matches
 * nothing. The result stays owned by the callback's data.
 */
struct search_msg {
	uint32_t uid, flags, size;
	int64_t date;	  /* the Date: header, Unix time; 0: unknown */
	int64_t received; /* Unix time */
	const char *(
	    *text)(void *data, enum search_kind kind, const char *name);
	void *data;
};

/*
 * Whether the message matches node, the way IMAP SEARCH does: text keys
 * are substrings in any case (UTF-8 case folded); dates compare the
 * local day. SEARCH_TAGGED matches nothing (core resolves it first).
 */
bool search_eval(const struct search_node *node, const struct search_msg *m);

#endif
