/* SPDX-License-Identifier: ISC */
/*
 * The contract between skua and its mail drivers. A driver is a const
 * struct backend_ops plus capability bits; its ops are plain synchronous
 * code run on the account's worker thread (they never see threads or the
 * model). Mandatory: size, name, free. Every other op may be NULL, which
 * means "not supported": the worker answers such a request with
 * REPLY_UNSUPPORTED in one place, so callers ask for capabilities and never
 * for a driver's name.
 */
#ifndef SKUA_BACKEND_BACKEND_H
#define SKUA_BACKEND_BACKEND_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum backend_cap {
	BACKEND_CAP_IDLE = 1 << 0,
	BACKEND_CAP_SORT = 1 << 1,
	BACKEND_CAP_THREAD = 1 << 2,
	BACKEND_CAP_MOVE = 1 << 3,
	BACKEND_CAP_CONDSTORE = 1 << 4,
	BACKEND_CAP_QRESYNC = 1 << 5,
	BACKEND_CAP_KEYWORDS = 1 << 6,
	BACKEND_CAP_FOLDERS = 1 << 7,
	BACKEND_CAP_REMOTE = 1 << 8,
	BACKEND_CAP_SEARCH = 1 << 9,
	BACKEND_CAP_QUOTA = 1 << 10,
	BACKEND_CAP_APPEND = 1 << 11,
};

struct backend;

/*
 * What a running op may tell the worker: progress, data (ownership of the
 * array moves to the sink, which frees it with the elements), and whether
 * the request was cancelled (long ops check it between steps).
 */
struct reply_sink;
struct folder_state;
struct request;
void sink_progress(struct reply_sink *sink, uint64_t done, uint64_t total);
/* Progress that also counts bytes (REQ_FETCH_NEW). */
void sink_progress_bytes(struct reply_sink *sink, uint64_t done, uint64_t total,
    uint64_t bytes, uint64_t total_bytes);
/* REQ_FETCH_NEW with pop_delete = ask: what a yes would delete. */
void sink_deletable(struct reply_sink *sink, uint64_t n);
void sink_folders(struct reply_sink *sink, GPtrArray *folders);
void sink_folder(struct reply_sink *sink, struct folder_state *folder);
void sink_envelopes(struct reply_sink *sink, GPtrArray *envelopes);
struct message_text;
void sink_message(struct reply_sink *sink, struct message_text *message);
/* REQ_SEARCH's answer: uids (uint32_t, ascending) move to the sink. */
void sink_uids(struct reply_sink *sink, GArray *uids);
/* REQ_QUOTA's answer: storage used and its limit, in KiB. */
void sink_quota(struct reply_sink *sink, uint64_t used, uint64_t limit);
bool sink_cancelled(struct reply_sink *sink);
/* REQ_IDLE: news of the folder kept live (ownership of u moves). */
struct folder_update;
void sink_update(struct reply_sink *sink, struct folder_update *u);
/*
 * The server's certificate was refused: its SHA-256 ("AB:CD:...") goes with
 * the op's error reply (struct reply's fingerprint).
 */
void sink_untrusted(struct reply_sink *sink, const char *fingerprint);

/* Every op: run req on be, report through sink; false with err on failure. */
typedef bool backend_op(struct backend *be, const struct request *req,
    struct reply_sink *sink, GError **err);

struct backend_ops {
	size_t size;	  /* sizeof(struct backend_ops): grows at the end */
	const char *name; /* for logs only */
	unsigned caps;	  /* enum backend_cap */
	backend_op *connect;
	backend_op *check;
	backend_op *list_folders;	  /* sink_folders() */
	backend_op *open_folder;	  /* sink_folder() */
	backend_op *fetch_envelopes;	  /* sink_envelopes(), in batches */
	backend_op *fetch_message;	  /* sink_message() */
	backend_op *save_part;		  /* writes req->path */
	void (*free)(struct backend *be); /* frees be and its data */
	/*
	 * May be NULL. Called from ANOTHER thread while an op runs on be:
	 * make its blocking I/O fail at once (the op then fails and the
	 * worker answers CANCELLED); the next op reconnects. Must not block.
	 */
	void (*interrupt)(struct backend *be);
	/*
	 * May be NULL. Add req->flags_add and remove req->flags_remove
	 * (enum msg_flag) on message req->uid of req->folder.
	 */
	backend_op *set_flags;
	/*
	 * May be NULL. Purge req->uids of req->folder (those marked
	 * \Deleted); a server that cannot purge by UID fails with
	 * SKUA_ERROR_NOT_SUPPORTED unless req->plain_expunge allows
	 * purging every \Deleted message.
	 */
	backend_op *expunge;
	/* May be NULL. Copy req->uids of req->folder to req->target. */
	backend_op *copy;
	/*
	 * May be NULL. Move req->uids of req->folder to req->target: they
	 * are gone from req->folder when it succeeds. A server that can
	 * neither move nor purge by UID fails with SKUA_ERROR_NOT_SUPPORTED
	 * before changing anything.
	 */
	backend_op *move;
	/*
	 * May be NULL. Add the message in the file req->path to the folder
	 * req->folder with the flags req->flags_add.
	 */
	backend_op *append;
	/*
	 * May be NULL. POP3: download new mail into the account's local
	 * store (sink_progress_bytes() as it goes: messages and bytes done
	 * of the new ones), delete on the server what is due.
	 */
	backend_op *fetch_new;
	/*
	 * May be NULL. Sending drivers (send/): submit the message in the
	 * file req->path from req->sender to every address of
	 * req->recipients; it fails, naming the address, when one is
	 * refused, and nothing is sent then.
	 */
	backend_op *submit;
	/*
	 * May be NULL. REQ_IDLE, run by the worker while no request waits:
	 * keep req->folder selected and live (IDLE when the server offers
	 * it, else a NOOP every req->poll seconds), telling what changes
	 * through sink_update(), until wake() is called; then return within
	 * a few milliseconds with the connection ready for the next request.
	 * It may also return by itself (to restart IDLE before the server's
	 * timeout): the worker calls it again while nothing waits.
	 */
	backend_op *idle;
	/*
	 * May be NULL (then idle is never called). Called from ANOTHER
	 * thread: make a running or coming idle op return soon, keeping the
	 * session. Must not block.
	 */
	void (*wake)(struct backend *be);
	/*
	 * May be NULL. Folder management. create_folder makes req->folder,
	 * a UTF-8 name as the user typed it (the driver encodes it, mUTF-7
	 * for IMAP); rename_folder renames req->folder (a server name) to
	 * req->target (UTF-8, as typed); delete_folder deletes req->folder
	 * (a server name): a local store refuses one that holds messages
	 * unless req->force. subscribe subscribes to req->folder, or
	 * unsubscribes when !req->subscribe.
	 */
	backend_op *create_folder;
	backend_op *rename_folder;
	backend_op *delete_folder;
	backend_op *subscribe;
	/*
	 * May be NULL. POP3: replace the header-only download named
	 * req->path (a Maildir unique name of the local store) by the whole
	 * message (RETR, found by its UIDL), atomically; an error
	 * (SKUA_ERROR_IO) when the server no longer has it.
	 */
	backend_op *fetch_full;
	/*
	 * May be NULL. The UIDs of req->folder matching req->search
	 * (backend/search-tree.h, never SEARCH_TAGGED): sink_uids() once,
	 * then success. The server searches where there is one, so no
	 * body is downloaded to search.
	 */
	backend_op *search;
	/*
	 * May be NULL. The storage quota of req->folder's quota root:
	 * sink_quota() once; SKUA_ERROR_NOT_SUPPORTED when the server has
	 * no quota (or none for this folder).
	 */
	backend_op *quota;
};

/* How to reach a server: made by core from the account's options. */
enum tls_mode {
	TLS_IMPLICIT, /* imaps, pops: TLS from the first byte */
	TLS_STARTTLS, /* imap, pop with starttls (the default): strict */
	TLS_NONE,     /* only when the user set starttls = no */
};

struct backend_params {
	const char *account; /* for messages */
	const char *host;
	unsigned port;
	enum tls_mode tls;
	const char *user;
	const char *password;	      /* NULL: none known */
	const char *password_command; /* run by the driver when no password */
	const char *ca_file;
	const char *fingerprint; /* tls_fingerprint: trusted without a CA */
	const char *accepted;	 /* a fingerprint the user accepted once */
	const char *pin_file;	 /* the pin file (util/pins.h), or NULL */
	bool verify;
	int timeout; /* seconds, for connect and each read or write */
	const char *mailcap_path;      /* HTML through copiousoutput; NULL */
	const char *alternative_order; /* "text/plain text/html"; NULL */
	/* Local stores (the maildir driver): the store's directory, and
	 * whether a missing one is made (a POP3 account's). */
	const char *path;
	bool create_store;
	/* POP3: where downloads go and what happens on the server. */
	const char *local_store; /* the Maildir that receives */
	const char *pop_state;	 /* the UIDL state file (store/uidl.h) */
	bool pop_delete;	 /* DELE what was downloaded */
	long pop_keep_days;	 /* with pop_delete: after N days; 0: at once */
	long pop_max_size;	 /* bytes; larger: header only; 0: no limit */
	bool pop_no_uidl;	 /* a server without UIDL: download, DELE all */
	/* Sending by a command (the sendmail option): the user's own rc
	 * text, split into argv like a shell word list. */
	const char *sendmail;
	bool pop_delete_ask; /* pop_delete = ask: keep, count, ask */
};

/* A driver instance: drivers embed or extend it through data. */
struct backend {
	const struct backend_ops *ops;
	void *data; /* the driver's own state */
};

bool backend_has_cap(const struct backend *be, enum backend_cap cap);
/*
 * Run the user's password_command (their own rc text, through /bin/sh) and
 * give the first line of its output; NULL with err (SKUA_ERROR_AUTH, naming
 * account) when it cannot run or fails. The output is wiped after use.
 * Worker threads: it blocks until the command ends.
 */
char *backend_password_command(const char *account, const char *command,
    GError **err);

/* Makes a driver instance; params are copied. */
typedef struct backend *backend_new_fn(const struct backend_params *params);
/*
 * The driver registry, by URL scheme ("imap", "imaps"): filled by the app
 * at start-up, before any thread, so core never names a driver.
 */
void backend_register(const char *scheme, backend_new_fn *fn);
/* A new instance of the driver for scheme; NULL when there is none. */
struct backend *backend_new_for(const char *scheme,
    const struct backend_params *params);

#endif
