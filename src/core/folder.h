/* SPDX-License-Identifier: ISC */
/*
 * The open folder: its rows in display order, each a UID with its envelope
 * once fetched. Rows exist as placeholders from the moment the UID list
 * arrives; envelopes are asked for only for the rows a view shows plus a
 * prefetch window, never twice while a fetch is under way. Main thread.
 */
#ifndef SKUA_CORE_FOLDER_H
#define SKUA_CORE_FOLDER_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "backend/thread-tree.h"
#include "backend/types.h"

struct account;
struct core;
struct envelope;
struct message_text;

/* Rows around the visible window that are fetched along with it. */
#define FOLDER_PREFETCH 50
/* At most this many UIDs per envelope request. */
#define FOLDER_FETCH_BATCH 500
/*
 * UIDs per background fill request: larger, as each command costs the
 * server a fixed amount (2000 rather than 500 took a third off Dovecot's
 * time for a 100,000-message fill); windows the user asks for meanwhile go
 * to another connection and never wait for it.
 */
#define FOLDER_FILL_BATCH 2000
/*
 * Fill chunks kept in flight, two per fill connection, so no fill worker
 * ever waits for the main thread.
 */
#define FOLDER_FILL_DEPTH 4

enum folder_load {
	FOLDER_OPENING, /* waiting for the UID list */
	FOLDER_OPEN,
	FOLDER_FAILED, /* error has the reason */
};

struct msg_row {
	uint32_t uid;
	bool pending;	      /* its envelope has been asked for */
	struct envelope *env; /* NULL: not fetched yet (a placeholder) */
	uint32_t node;	      /* its node in the folder's tree, or
				 THREAD_NONE when not threaded */
	bool tagged;	      /* t, T: the messages ; acts on */
};

struct folder {
	struct account *acc;
	char *name;    /* server name */
	char *display; /* for display: decoded once the folder is open */
	enum folder_load load;
	char *error;
	uint32_t uidvalidity;
	GArray *rows;	       /* struct msg_row, display order */
	GHashTable *by_uid;    /* uid -> row index + 1 */
	GStringChunk *strings; /* senders and recipients of the envelopes */
	unsigned fetched;      /* rows with an envelope */
	bool fill;	       /* load every header in the background */
	unsigned filling;      /* fill chunks under way */
	unsigned fill_pos;     /* rows before this one are fetched or pending */
	unsigned requests;    /* envelope requests sent (for tests and stats) */
	GHashTable *asked;    /* request id -> GArray of its uids, unanswered */
	int64_t fill_started; /* monotonic usec when the fill began, or 0 */
	int64_t fill_time;    /* usec the fill took, once complete, or 0 */
	int64_t fill_drawn;   /* when a fill batch last asked for a redraw */
	unsigned fill_chunks; /* fill chunks posted */
	bool screen_in;	      /* a window's headers came: the fill may run */
	uint64_t open_id;     /* the request that opens it */
	uint64_t message_id;  /* the request of the message shown */
	uint64_t save_id;     /* the last save of a part */
	GHashTable *flag_changes; /* request id -> flag change under way */
	GHashTable *changes;	  /* request id -> expunge, copy, move */
	unsigned tagged;	  /* rows tagged */
	unsigned serial;	  /* counts the folders opened */
	/* The message the pager shows (one at a time). */
	enum folder_load message_load;
	uint32_t message_uid;
	struct message_text *message; /* when FOLDER_OPEN */
	char *message_error;	      /* when FOLDER_FAILED */
	uint32_t full_asked; /* the header-only message whose whole was asked */
	/* The order of the rows (folder_set_sort()). */
	enum sort_key sort;
	bool reverse;
	bool sort_waiting;     /* sorting here once every header is in */
	unsigned server_sorts; /* 1 << enum sort_key the server can do */
	GArray *tree;	       /* struct thread_node when threaded, else NULL */
	guint8 *tree_next;     /* per node of tree: whether a sibling follows */
	unsigned order_serial; /* counts the reorderings */
	/* The index view's cursor across reorderings: the view records the
	 * UID it is on; a reordering tells it the row that UID went to. */
	uint32_t cursor_uid;
	int cursor_hint; /* -1: none */
	/*
	 * The limit (l): the views see only the rows whose UID is in limit,
	 * through shown (row indices in display order), so folder_count(),
	 * folder_row() and the other functions taking a row number count
	 * the rows shown. NULL: every row is shown.
	 */
	GHashTable *limit;   /* uid set */
	char *limit_pattern; /* as typed, for the status line */
	GArray *shown;	     /* guint: indices into rows */
	/* The search or limit under way (core/search.c): one at a time. */
	uint64_t search_id;
	void (*search_cb)(struct folder *f, const GArray *uids,
	    const GError *error, void *data);
	void *search_data;
	void (*search_data_free)(void *data); /* when cb is never called */
	/* The quota of the folder's quota root (core/search.c), in KiB. */
	bool quota_known;
	uint64_t quota_used, quota_limit;
};

/*
 * Open name on acc (whose worker must be started): posts the request and
 * returns the folder, loading. It becomes core->folder. Main thread.
 */
struct folder *folder_open(struct core *core, struct account *acc,
    const char *name);
void folder_free(struct folder *f);
/* The rows shown (all of them, or those of the limit), and row i of them. */
unsigned folder_count(const struct folder *f);
const struct msg_row *folder_row(const struct folder *f, unsigned i);
/* The row of uid, shown or not; NULL when there is none. */
const struct msg_row *folder_row_of_uid(const struct folder *f, uint32_t uid);
/*
 * Show only the rows whose UID is in uids (uint32_t, any order), as the
 * limit pattern (kept for the status line); uids NULL shows every row
 * again. The cursor stays on its message when it is shown, else goes to
 * the first shown row after it. Rows keep their headers either way.
 */
void folder_set_limit(struct folder *f, const GArray *uids,
    const char *pattern);
/*
 * Load the headers of every row in the background, in display order
 * (newest first by default), in chunks of FOLDER_FILL_BATCH with
 * FOLDER_FILL_DEPTH in flight, round the account's fill connections
 * (core_fill_worker()), so the requests of what the screen shows never
 * wait behind the fill. Call after folder_open(); the fill begins once the
 * headers of a window asked for by folder_want_rows() are in, so the first
 * screen comes first (and the fill's handshakes do not slow it down).
 */
void folder_start_fill(struct folder *f);
/*
 * Cancel what the user waits for (Ctrl-G): the opening of the folder, the
 * message being fetched for the pager, a part being saved; the background
 * fill goes on. False when none of them was under way.
 */
bool folder_cancel(struct folder *f);
/* Whether every row has its header. */
bool folder_filled(const struct folder *f);
/*
 * A view shows rows [first, first + n): ask for the envelopes missing
 * there, then for the prefetch window around them.
 */
void folder_want_rows(struct folder *f, unsigned first, unsigned n);
/*
 * Fetch the shown text of row i for the pager (the server marks it seen;
 * the row's flags follow). Replaces the message shown before.
 */
void folder_open_message(struct folder *f, unsigned i);
/* Ask again for message uid when it is the one the pager shows. */
void folder_reload_message(struct folder *f, uint32_t uid);
/*
 * Set the flags add and clear the flags remove (enum msg_flag) of the
 * message uid: its row (and the message shown, if it is that one) change
 * at once, the server is told (REQ_SET_FLAGS), and the change is undone
 * with a message on the status line if it refuses, or if the account
 * cannot change flags. False when uid has no row with its header yet.
 */
bool folder_change_flags(struct folder *f, uint32_t uid, uint32_t add,
    uint32_t remove);
/*
 * The same for every message of uids (uint32_t) that has a row with its
 * header, in one request (UID STORE of a UID set): the rows change at once
 * and all are undone if the server refuses. Returns how many changed.
 */
unsigned folder_change_flags_uids(struct folder *f, const GArray *uids,
    uint32_t add, uint32_t remove);
/* Tag or untag row i (t, T; ; applies a command to the tagged rows). */
void folder_set_tag(struct folder *f, unsigned i, bool tagged);
void folder_untag_all(struct folder *f);
/* The UIDs of the tagged rows, in display order. Caller unrefs. */
GArray *folder_tagged_uids(const struct folder *f);
/* The UIDs of the rows marked deleted (among the loaded headers). */
GArray *folder_deleted_uids(const struct folder *f);
/* Called once when an expunge, copy or move ends: error NULL on success. */
typedef void folder_done_cb(const GError *error, void *data);
/*
 * Purge uids (marked deleted) from the server by UID EXPUNGE: never
 * another client's deleted mail. Their rows go once it is done; the cursor
 * stays on its message or goes to the next. A server that cannot purge by
 * UID answers SKUA_ERROR_NOT_SUPPORTED (not reported: cb asks the user),
 * unless plain allows a plain EXPUNGE, after which the UID list is read
 * again. cb (may be NULL) is not called once the folder is freed.
 */
void folder_expunge(struct folder *f, const GArray *uids, bool plain,
    folder_done_cb *cb, void *data);
enum folder_transfer {
	FOLDER_COPY,
	FOLDER_MOVE,
	FOLDER_TO_TRASH, /* a move that clears \Deleted first */
};
/*
 * Copy or move uids to the folder target (a server name) of the same
 * account. A move takes the rows away once the server has moved them (UID
 * MOVE, else COPY + \Deleted + UID EXPUNGE); a server that can do neither
 * gets a copy and the rows are marked deleted. Errors are reported on the
 * status line and passed to cb (may be NULL).
 */
void folder_transfer(struct folder *f, const GArray *uids, const char *target,
    enum folder_transfer how, folder_done_cb *cb, void *data);
/*
 * Copy or move uids to the folder target (a server name) of another
 * account dst: each message is fetched whole and APPENDed there, one at a
 * time; a move marks the originals deleted and purges them once every
 * APPEND succeeded (never before). The result goes to the message line.
 * False with err when it cannot start (dst not open, no temporary dir).
 */
bool folder_transfer_account(struct folder *f, const GArray *uids,
    struct account *dst, const char *target, bool move, GError **err);
/*
 * The account's trash (server name) into *name: the trash option (a name
 * of the folder list, or a server name; "" for none), else the folder the
 * server marks \Trash (SPECIAL-USE); NULL when there is none or when f is
 * the trash. False when it is not known yet (the folder list is loading).
 */
bool folder_trash(const struct folder *f, const char **name);
/*
 * Order the rows by key (reverse: the other way round; for threads, the
 * newest thread first). The server sorts when it can (a new UID SORT or
 * UID THREAD); else core does, at once for mailbox order or when every
 * header is in, otherwise once the background fill (started if need be)
 * has brought them all, saying so on the message line meanwhile.
 */
void folder_set_sort(struct folder *f, enum sort_key key, bool reverse);
/*
 * Ask for the folder's UID list again (new mail in a local store): rows
 * that stay keep their headers and the cursor stays on its message. Does
 * nothing while the folder is not open.
 */
void folder_reload(struct folder *f);
/*
 * Save part number i of the shown message to path (a new file), fetching
 * that part only; the result is reported as a notice or an error.
 */
void folder_save_part(struct folder *f, unsigned i, const char *path);
/* Called once when a part fetch ends: error is NULL on success. */
typedef void folder_part_cb(const GError *error, void *data);
/*
 * Fetch part number i of the shown message into path (a new file of the
 * given mode) and call cb on the main thread when it is written or has
 * failed. False (cb is not called) when there is no such part.
 */
bool folder_fetch_part(struct folder *f, unsigned i, const char *path,
    unsigned mode, folder_part_cb *cb, void *data);

/*
 * What another client changed in the folder, as its account's worker tells
 * it (REPLY_UNSOLICITED): rows of expunged messages go, flags change, new
 * messages get rows (their headers fetched as the screen or the fill asks
 * for them), all with the cursor kept on its message. An update of a
 * folder still opening, or of another one, is ignored; a new UIDVALIDITY
 * opens the folder again. Returns how many of the new messages are
 * unseen (for the announcement).
 */
unsigned folder_apply_update(struct folder *f, const struct folder_update *u);
/*
 * Keep f live: its account's worker watches it (IDLE, else a NOOP every
 * mail_check seconds) whenever it has nothing else to do. f NULL: stop
 * watching for acc.
 */
void folder_watch(struct account *acc, struct folder *f);
/*
 * Fetch the whole message of row i, as it is on the server, into path (a
 * new file, 0600) and call cb on the main thread when it is written or
 * has failed: for replying, forwarding and editing it as new. False (cb is
 * not called) when there is no such row.
 */
bool folder_fetch_message(struct folder *f, unsigned i, const char *path,
    folder_part_cb *cb, void *data);

#endif
