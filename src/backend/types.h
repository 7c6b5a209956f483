/* SPDX-License-Identifier: ISC */
/*
 * The values that cross between the main thread and the account workers.
 * A request is posted by the main thread and owned by the worker from then
 * on; a reply is made by a worker and owned by the main thread once popped.
 * Nothing here points into the model.
 */
#ifndef SKUA_BACKEND_TYPES_H
#define SKUA_BACKEND_TYPES_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum request_kind {
	REQ_CONNECT,	     /* connect and log in */
	REQ_CHECK,	     /* look for news (NOOP, a POP3 STAT, a scan) */
	REQ_LIST_FOLDERS,    /* the folders, with counts where cheap */
	REQ_OPEN_FOLDER,     /* select folder; reply: its UIDs in order */
	REQ_FETCH_ENVELOPES, /* the envelopes of uids in folder */
	REQ_FETCH_MESSAGE, /* the shown text of uid in folder; marks it seen */
	REQ_SAVE_PART,	   /* fetch one part of uid and write it to path */
	REQ_SET_FLAGS,	   /* add and remove flags of uid (or uids) */
	REQ_EXPUNGE,	   /* purge uids (\Deleted) from folder */
	REQ_COPY,	   /* copy uids of folder to target */
	REQ_MOVE,	   /* move uids of folder to target */
	REQ_APPEND,	   /* add the message in path to folder */
	REQ_FETCH_NEW,	   /* POP3: download new mail into the local store */
	REQ_SUBMIT,	   /* send the message in path to recipients */
	REQ_CREATE_FOLDER, /* make folder (its UTF-8 name, as typed) */
	REQ_RENAME_FOLDER, /* rename folder to target (UTF-8, as typed) */
	REQ_DELETE_FOLDER, /* delete folder (with its messages when force) */
	REQ_SUBSCRIBE,	   /* subscribe to folder, or unsubscribe */
	REQ_FETCH_FULL,	   /* POP3: the whole message of a header-only
			      download (path: its Maildir unique name) */
	REQ_SEARCH,	   /* the uids of folder matching search */
	REQ_QUOTA,	   /* the storage quota of folder's quota root */
	REQ_QUIT,	   /* internal: ends the worker thread */
	/* internal: made by the worker while its queue is empty (see
	 * worker_set_idle()): keep folder live (IDLE, else NOOP every poll
	 * seconds) until a request comes; news go out as REPLY_UNSOLICITED */
	REQ_IDLE,
};

/* Orders the server may be asked for (display order of the UID list). */
enum sort_key {
	SORT_ARRIVAL, /* UID order (mutt's mailbox-order) */
	SORT_DATE,    /* the Date: header */
	SORT_FROM,
	SORT_SUBJECT,
	SORT_SIZE,
	SORT_RECEIVED, /* INTERNALDATE (IMAP SORT's ARRIVAL) */
	SORT_TO,
	SORT_THREADS, /* threads (REFERENCES), oldest thread first */
};

struct search_node; /* backend/search-tree.h */

struct request {
	uint64_t id; /* set by worker_post() */
	enum request_kind kind;
	char *folder;	    /* OPEN_FOLDER, FETCH_ENVELOPES: server name */
	GArray *uids;	    /* FETCH_ENVELOPES, SET_FLAGS (when not NULL,
			       instead of uid), EXPUNGE, COPY, MOVE */
	uint32_t uid;	    /* FETCH_MESSAGE, SAVE_PART */
	char *section;	    /* SAVE_PART: "2", "1.3"; "": the whole message */
	char *encoding;	    /* SAVE_PART: its transfer encoding */
	char *path;	    /* SAVE_PART: a new file to create; APPEND: the
			       message to add */
	unsigned mode;	    /* SAVE_PART: its permissions; 0: 0644 */
	enum sort_key sort; /* OPEN_FOLDER */
	bool reverse;	    /* OPEN_FOLDER: newest (largest) first; not
			       applied to SORT_THREADS, whose roots the
			       caller reverses */
	bool readonly; /* FETCH_ENVELOPES: the folder may be opened read-only */
	uint32_t flags_add;    /* SET_FLAGS: enum msg_flag to set; APPEND: the
				  new message's flags */
	uint32_t flags_remove; /* SET_FLAGS: enum msg_flag to clear */
	char *target;	       /* COPY, MOVE: the target's server name */
	/* EXPUNGE: when the server cannot purge by UID (no UIDPLUS), a
	 * plain EXPUNGE (which purges every \Deleted message, another
	 * client's too) is allowed; else such a server is an error
	 * SKUA_ERROR_NOT_SUPPORTED and nothing is purged. */
	bool plain_expunge;
	/* MOVE: clear \Deleted before moving (a move to the trash). */
	bool undelete;
	/* SUBMIT: the envelope's sender and its recipients (char *, bare
	 * addresses; owned, freed with the request). The message is in
	 * path. */
	char *sender;
	GPtrArray *recipients;
	/* IDLE: seconds between NOOPs when the server has no IDLE. */
	unsigned poll;
	/* SUBSCRIBE: true subscribes, false unsubscribes. */
	bool subscribe;
	/* DELETE_FOLDER: a local folder that still holds messages is
	 * deleted with them; without it such a folder is refused. */
	bool force;
	/* LIST_FOLDERS: only the subscribed folders (IMAP LSUB). */
	bool subscribed_only;
	/* FETCH_NEW: download nothing; delete on the server what was
	 * downloaded (the yes to pop_delete = ask). */
	bool pop_delete_now;
	/* SEARCH: what to look for (backend/search-tree.h); owned. */
	struct search_node *search;
};

enum msg_flag {
	MSG_SEEN = 1 << 0,
	MSG_ANSWERED = 1 << 1,
	MSG_FLAGGED = 1 << 2,
	MSG_DELETED = 1 << 3,
	MSG_DRAFT = 1 << 4,
	MSG_RECENT = 1 << 5,
};

/*
 * One message's index data. The strings are decoded UTF-8 (not yet
 * sanitised for the terminal) and live in the same allocation as the
 * struct, so an envelope is one block: free it with g_free().
 */
struct envelope {
	uint32_t uid;
	uint32_t flags;	       /* enum msg_flag */
	uint32_t size;	       /* RFC822.SIZE */
	int64_t date;	       /* the Date: header, Unix time; 0 if unknown */
	int64_t received;      /* INTERNALDATE, Unix time */
	const char *from;      /* display name, else address; never NULL */
	const char *from_addr; /* never NULL */
	const char *to;	       /* first recipient, for display; never NULL */
	const char *subject;   /* never NULL */
	/*
	 * "Message-ID\0In-Reply-To\0References\0" ("" each if none;
	 * References space-separated): one pointer for the three, which
	 * only threading reads, through envelope_message_id() and the like.
	 */
	const char *ids;
	char strings[];
};

static inline const char *
envelope_message_id(const struct envelope *e)
{
	return e->ids;
}

static inline const char *
envelope_in_reply_to(const struct envelope *e)
{
	return e->ids + strlen(e->ids) + 1;
}

static inline const char *
envelope_references(const struct envelope *e)
{
	const char *irt = envelope_in_reply_to(e);

	return irt + strlen(irt) + 1;
}

/* The fields of envelope_new(); NULL strings become "". */
struct envelope_fields {
	uint32_t uid, flags, size;
	int64_t date, received;
	const char *from, *from_addr, *to, *subject;
	const char *message_id, *in_reply_to, *references;
};

struct envelope *envelope_new(const struct envelope_fields *f);
/*
 * A copy of env to keep in a folder: the sender and recipient strings,
 * which repeat from message to message, interned in pool (one copy of
 * each for the pool's life); the rest in the copy's own allocation. Free
 * it with g_free() before the pool.
 */
struct envelope *envelope_interned(const struct envelope *env,
    GStringChunk *pool);

enum folder_flag {
	FOLDER_NOSELECT = 1 << 0, /* a name in the hierarchy only */
	FOLDER_HAS_CHILDREN = 1 << 1,
	FOLDER_INBOX = 1 << 2,
	FOLDER_SENT = 1 << 3,
	FOLDER_DRAFTS = 1 << 4,
	FOLDER_TRASH = 1 << 5,
	FOLDER_JUNK = 1 << 6,
	FOLDER_ARCHIVE = 1 << 7,
	FOLDER_SUBSCRIBED = 1 << 8, /* in the server's subscriptions */
};

struct folder_info {
	char *name;	   /* for display: UTF-8, the full path */
	char *server_name; /* what the server calls it (mUTF-7 for IMAP) */
	char delim;	   /* hierarchy delimiter, 0 if flat */
	unsigned flags;	   /* enum folder_flag */
	int64_t total;	   /* messages, -1 if unknown */
	int64_t unseen;	   /* -1 if unknown */
};

void folder_info_free(struct folder_info *fi);

/* A part of a message, for the attachment list. */
struct part_info {
	char *section;	/* IMAP section: "2", "1.3" */
	char *type;	/* "application/pdf" */
	char *name;	/* file name, decoded; NULL if none */
	char *encoding; /* transfer encoding, NULL: 7bit */
	char *charset;	/* the charset parameter, NULL if none */
	uint32_t size;	/* encoded size */
};

void part_info_free(struct part_info *pi);

/* A message as the pager shows it. */
struct message_text {
	uint32_t uid;
	char *headers;	  /* every field, "From: ...\nTo: ...\n", decoded
			     UTF-8, one line each, in the message's order */
	char *body;	  /* the shown part as text, UTF-8, LF lines */
	char *shown_type; /* "text/plain", or NULL when no text part */
	GPtrArray *parts; /* struct part_info *: every leaf part */
	uint32_t flags;	  /* the flags after opening (MSG_SEEN set) */
	/* A POP3 download of the header only (pop_max_size, marked
	 * X-Skua-Partial): its Maildir unique name, for REQ_FETCH_FULL;
	 * else NULL. */
	char *partial_name;
};

void message_text_free(struct message_text *mt);

/* What opening a folder tells: its identity and its UIDs in order. */
struct folder_state {
	char *name; /* for display, UTF-8 */
	uint32_t uidvalidity;
	uint32_t exists;
	GArray *uids;	    /* uint32_t, display order */
	bool sorted;	    /* the order is the requested sort (server SORT) */
	enum sort_key sort; /* the request's order, echoed */
	bool reverse;	    /* the request's, echoed */
	/* SORT_THREADS done by the server: the forest (struct thread_node,
	 * backend/thread-tree.h) whose real nodes are uids, in order. */
	GArray *threads;
	/* The keys the server sorts by (1 << enum sort_key), so the caller
	 * knows when a new order is worth asking for. */
	unsigned server_sorts;
};

void folder_state_free(struct folder_state *fs);

/* A message's flags as the server says they are now. */
struct uid_flags {
	uint32_t uid;
	uint32_t flags; /* enum msg_flag */
};

/*
 * What another client (or the server) changed in the folder a worker
 * keeps live (REQ_IDLE), told without being asked: REPLY_UNSOLICITED.
 */
struct folder_update {
	char *folder;	      /* the server name of the folder */
	uint32_t uidvalidity; /* of the UIDs below */
	GArray *added;	      /* uint32_t: new messages, ascending UIDs */
	GArray *added_flags;  /* uint32_t: the flags of each of added */
	GArray *expunged;     /* uint32_t: UIDs gone from the folder */
	GArray *flags;	      /* struct uid_flags: flags changed */
	/* UIDVALIDITY changed: the UIDs known mean other messages now,
	 * the folder must be opened again. */
	bool reload;
};

struct folder_update *folder_update_new(const char *folder,
    uint32_t uidvalidity);
/* Whether u tells nothing. */
bool folder_update_empty(const struct folder_update *u);
void folder_update_free(struct folder_update *u);

enum reply_kind {
	/* Terminal: every request gets exactly one of these. */
	REPLY_DONE,
	REPLY_ERROR, /* error is set */
	REPLY_CANCELLED,
	REPLY_UNSUPPORTED,
	/* Not terminal: progress and data of a running request. */
	REPLY_PROGRESS,
	REPLY_FOLDERS,	 /* folders is set */
	REPLY_FOLDER,	 /* folder is set */
	REPLY_ENVELOPES, /* envelopes is set */
	REPLY_MESSAGE,	 /* message is set */
	REPLY_UIDS,	 /* uids is set (REQ_SEARCH) */
	REPLY_QUOTA,	 /* quota_used, quota_limit are set (REQ_QUOTA) */
	/* Unrequested (request_id 0): a small closed set of model deltas. */
	REPLY_EVENT,
	REPLY_UNSOLICITED, /* update is set (request_id 0) */
};

enum event_kind {
	EVENT_CONN_LOST,
	EVENT_CONN_RESTORED,
};

struct reply {
	uint64_t request_id; /* 0 for events */
	enum reply_kind kind;
	GError *error;		      /* REPLY_ERROR */
	uint64_t done, total;	      /* REPLY_PROGRESS */
	GPtrArray *folders;	      /* struct folder_info *; REPLY_FOLDERS */
	struct folder_state *folder;  /* REPLY_FOLDER */
	GPtrArray *envelopes;	      /* struct envelope *; REPLY_ENVELOPES */
	struct message_text *message; /* REPLY_MESSAGE */
	enum event_kind event;	      /* REPLY_EVENT */
	struct folder_update *update; /* REPLY_UNSOLICITED */
	/*
	 * REPLY_ERROR with SKUA_ERROR_TLS_VERIFY: the SHA-256 of the refused
	 * certificate ("AB:CD:..."), so the user can be asked to trust it;
	 * NULL when none was seen. Owned.
	 */
	char *fingerprint;
	char *account; /* the worker's name; owned */
	/* REPLY_PROGRESS of REQ_FETCH_NEW: bytes of done, of total. */
	uint64_t bytes, total_bytes;
	/* REPLY_PROGRESS of REQ_FETCH_NEW with pop_delete = ask, at its end
	 * (done and total 0): downloaded messages the server still has
	 * that a yes would delete. */
	uint64_t deletable;
	GArray *uids; /* uint32_t, ascending; REPLY_UIDS */
	/* REPLY_QUOTA: the STORAGE resource of the quota root, in KiB. */
	uint64_t quota_used, quota_limit;
};

struct request *request_new(enum request_kind kind);
void request_free(struct request *req);
void reply_free(struct reply *reply);
bool reply_is_terminal(const struct reply *reply);

#endif
