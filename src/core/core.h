/* SPDX-License-Identifier: ISC */
/*
 * The model, owned by the main thread: the configuration, the accounts and
 * the state of the session. Views read it; commands change it.
 */
#ifndef SKUA_CORE_CORE_H
#define SKUA_CORE_CORE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct backend;
struct config;
struct reply;
struct folder;
struct folder_info;
struct optset;
struct reply_queue;
struct url;
struct worker;

/*
 * Connections an IMAP account opens for the background header fill, next
 * to the one that serves the screen: parsing headers is most of a fill's
 * work, and two connections let it use two cores.
 */
#define CORE_FILL_CONNECTIONS 2

enum account_kind {
	ACCOUNT_IMAP,  /* mail on an IMAP server */
	ACCOUNT_POP,   /* downloaded by POP3 into a local store */
	ACCOUNT_LOCAL, /* a local Maildir */
};

/* Where an account's connection is, as the accounts view tells it. */
enum account_state {
	ACCOUNT_IDLE,	    /* not started (or not a server account) */
	ACCOUNT_CONNECTING, /* the worker connects and logs in */
	ACCOUNT_CONNECTED,  /* logged in (the last request succeeded) */
	ACCOUNT_FAILED,	    /* the last connect or listing failed: error */
};

struct account {
	char *name;
	enum account_kind kind;
	const struct optset *opts; /* borrowed from the config */
	struct url *url;	   /* IMAP and POP; NULL for local */
	char *path;		   /* local: the Maildir, ~ expanded */
	char *initial_folder;	   /* folder to open first; NULL: spoolfile */
	struct worker *worker;	   /* NULL until core_account_start() */
	/* Connections of the header fill; NULL until first used. */
	struct worker *fill_workers[CORE_FILL_CONNECTIONS];
	GPtrArray *folders; /* struct folder_info *, from the last listing */
	bool listing;	    /* a folder listing is under way */
	struct core *core;  /* back pointer, for reply callbacks */
	/*
	 * The password typed at the prompt (none configured): in memory
	 * only, wiped when replaced or freed. NULL: none typed.
	 */
	char *password;
	/* A certificate the user accepted for this run ("AB:CD:..."). */
	char *accepted_fingerprint;
	/* The fingerprint the user is being asked about, while asking. */
	char *asked_fingerprint;
	bool asking; /* a password or trust question is on screen */
	/* Connection state at a glance, for the accounts view. */
	enum account_state state;
	char *error; /* the last connect or listing failure, else NULL */
	/* The folder list waits for the first screen (core_screen_ready). */
	bool list_wanted;
	/*
	 * POP3: the connection that downloads (REQ_FETCH_NEW), apart from
	 * the worker that serves the local folders; NULL until first used.
	 */
	struct worker *pop_worker;
	uint64_t fetch_id;     /* the fetch under way; 0: none */
	bool fetch_asked;      /* by the user (G): say so even if none came */
	int64_t fetch_started; /* monotonic µs, of the fetch under way */
	int64_t fetch_ended;   /* monotonic µs of the last end; 0: never */
	int64_t fetch_shown;   /* monotonic µs of the last progress shown */
	uint64_t fetch_done;   /* messages delivered by the fetch under way */
	/*
	 * Sending (core/send.c): the SMTP or sendmail driver's worker, and
	 * an IMAP connection for the Sent and Drafts copies; NULL until
	 * first used.
	 */
	struct worker *send_worker;
	struct worker *copy_worker;
	uint64_t send_id; /* the submission under way (core_send_cancel) */
	/* SHA-256 of the options send_worker was made with (send.c): a
	 * :set of smtp_url, sendmail or a password source makes a new one. */
	char *send_key;
	/* IMAP: the folder counts asked for again on a timer (core/live.c). */
	int64_t stats_at;   /* monotonic µs of the last answer; 0: none */
	int64_t stats_soon; /* ask before the interval, at this time; 0 */
	bool stats_busy;    /* a count request is under way */
	/* The folder list: the subscribed folders only (IMAP LSUB). */
	bool subscribed_only;
	/* A change came during the listing under way: list again after. */
	bool list_again;
	/* POP3: the user cancelled the password prompt; only G asks again. */
	bool pop_login_cancelled;
	/* POP3, pop_delete = ask: what the last fetch left that a yes
	 * would delete, and whether that question is on screen. */
	uint64_t fetch_deletable;
	bool asking_delete;
};

/* Called when the model changed and views should redraw. */
typedef void core_changed_cb(void *data);
/*
 * Ask for acc's password; why is NULL the first time, else the reason the
 * last one failed (a one-line message). The answer must come later, from
 * the UI, through core_answer_password(), never from inside the hook.
 */
typedef void core_ask_password_cb(struct core *core, struct account *acc,
    const char *why, void *data);
/*
 * Ask whether to trust the certificate of acc's server whose SHA-256 is
 * fingerprint ("AB:CD:..."); answered later with core_answer_cert().
 */
typedef void core_ask_cert_cb(struct core *core, struct account *acc,
    const char *fingerprint, void *data);
/*
 * pop_delete = ask: ask whether to delete the n downloaded messages acc's
 * server still has; answered later with core_answer_pop_delete().
 */
typedef void core_ask_pop_delete_cb(struct core *core, struct account *acc,
    unsigned n, void *data);

enum core_trust {
	CORE_TRUST_REJECT, /* the account stays closed */
	CORE_TRUST_ONCE,   /* trusted until skua exits */
	CORE_TRUST_ALWAYS, /* pinned in the pin file */
};

struct core {
	struct config *cfg;  /* owned */
	GPtrArray *accounts; /* struct account *, in rc order */
	bool quit_requested;
	struct reply_queue *rq;	  /* replies of every account's worker */
	struct folder *folder;	  /* the open folder, or NULL */
	char *status;		  /* last error, for the message line */
	char *notice;		  /* last notice, for the message line */
	core_changed_cb *changed; /* set by the app: marks the views dirty */
	void *changed_data;
	/* Set by an upper layer; NULL: errors are only reported. */
	core_ask_password_cb *ask_password;
	core_ask_cert_cb *ask_cert;
	core_ask_pop_delete_cb *ask_pop_delete;
	void *ask_data;
};

/* Takes ownership of cfg; accounts are built with core_add_accounts(). */
struct core *core_new(struct config *cfg);
void core_free(struct core *core);
/*
 * Make the accounts of the config's account blocks; problems (no folder)
 * are appended to cfg->errors. Then, if folder_arg (the -f argument) is
 * not NULL, make or select the account it names. False with err when
 * folder_arg is not a valid URL or path.
 */
bool core_add_accounts(struct core *core, const char *folder_arg, GError **err);
/*
 * Start the account's worker with driver instance be (ownership moves to
 * the worker). Main thread.
 */
void core_account_start(struct core *core, struct account *acc,
    struct backend *be);
/*
 * Open the account's first folder (the -f folder, else spoolfile),
 * starting its worker with the driver for its kind. False with err
 * (SKUA_ERROR_NOT_SUPPORTED) when no driver serves the account's kind.
 */
bool core_account_open(struct core *core, struct account *acc, GError **err);
/*
 * Worker k (< CORE_FILL_CONNECTIONS) of acc's background header fill: a
 * connection of its own, made on first use, so the requests of what the
 * screen shows never queue behind a fill chunk. Accounts whose driver
 * cannot make more instances use their one worker.
 */
struct worker *core_fill_worker(struct account *acc, unsigned k);
/*
 * A request of acc failed with reply (REPLY_ERROR): when it is a login
 * failure the user may fix by typing a password (none configured), or an
 * untrusted certificate, ask through the hooks and return true (the
 * caller reports nothing; the answer reconnects); else false.
 */
bool core_account_trouble(struct account *acc, const struct reply *reply);
/*
 * The answer to ask_password: password (copied; NULL: cancelled) is
 * kept on the account and the account reconnects, reopening its folder.
 */
void core_answer_password(struct core *core, struct account *acc,
    const char *password);
/*
 * The pager shows a POP3 download of the header only (Maildir unique
 * name name, message uid of the folder whose serial is folder_serial):
 * fetch the whole message on acc's download connection while the server
 * still has it, then show it again if it is still the one open; a one-line
 * status when it cannot.
 */
void core_fetch_full(struct core *core, struct account *acc,
    unsigned folder_serial, uint32_t uid, const char *name);
/*
 * The answer to ask_pop_delete: yes deletes them on the server (false
 * with err when it cannot start now).
 */
bool core_answer_pop_delete(struct core *core, struct account *acc, bool yes,
    GError **err);
/* The answer to ask_cert; ONCE and ALWAYS reconnect the account. */
void core_answer_cert(struct core *core, struct account *acc,
    enum core_trust trust);
/*
 * Stop acc's worker and start a new one with the driver driver_for()
 * makes (so new credentials and trust apply); the folder of acc that was
 * open is opened again. Main thread; the worker must not be busy on the
 * network for long (it is joined).
 */
void core_account_restart(struct core *core, struct account *acc);
/* "host:port" of a server account, as the pin file names it. Caller frees. */
char *account_host_port(const struct account *acc);
/* Ask the account's server for its folders (into acc->folders). */
void core_list_folders(struct core *core, struct account *acc);
/* core_list_folders() for every account with a worker. */
void core_list_all_folders(struct core *core);
/*
 * Start every IMAP account that has no worker yet: its worker connects
 * and logs in in the background (REQ_CONNECT), then lists its folders
 * with their counts. A failure is reported on the message line naming
 * the account (or becomes a password or certificate question) and leaves
 * the other accounts alone. An account already started (its folder is
 * opening) lists its folders once the first screen is complete.
 */
void core_connect_all(struct core *core);
/*
 * The first screen is complete: the folder lists that waited for it (so
 * they never delay the first rows) are asked for now. Cheap; the main
 * loop calls it every turn the screen is ready.
 */
void core_screen_ready(struct core *core);
/* Open the folder name (as the user or the list names it) on acc. */
void core_open_folder(struct core *core, struct account *acc, const char *name);
/* The folder an account opens first: -f's, else spoolfile, else INBOX. */
const char *account_first_folder(const struct account *acc);
/*
 * Which account and folder the text typed at `c` means: "NAME/Folder"
 * when NAME is an account ("NAME/" alone: its first folder), else
 * the folder text of the current account. *name points into text, or is
 * the account's first folder. False when there is no account to use.
 */
bool core_resolve_folder(struct core *core, const char *text,
    struct account **acc, const char **name);
/*
 * The folder browser's lines: every account as a heading followed by
 * its folders (from its last listing). Line i is acc's heading when *fi is
 * set to NULL; false when i is past the end.
 */
unsigned core_browser_count(const struct core *core);
bool core_browser_line(const struct core *core, unsigned i,
    struct account **acc, const struct folder_info **fi);
/*
 * The sums of unseen and total messages over acc's listed folders (counts
 * the server did not give are left out); false when no listing arrived.
 */
bool account_counts(const struct account *acc, int64_t *unseen, int64_t *total);
/* The account of the open folder, else the first one; NULL if none. */
struct account *core_current_account(struct core *core);
/* Tell the views that the model changed. */
void core_changed(struct core *core);
/* Record an error for the message line (printf-style). */
void core_status(struct core *core, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Record a notice (not an error) for the message line. */
void core_notice(struct core *core, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/*
 * POP3 accounts: download new mail now, on each account's download
 * connection (one fetch at a time per account). Progress (count, bytes,
 * rate) goes to the message line; when messages came, a notice says how
 * many and the views are told the model changed (the local folders
 * reload). A failure goes to the account's state and error (the accounts
 * view); by_user (G) also puts it, or "no new messages", on the message
 * line.
 */
void core_fetch_mail(struct core *core, bool by_user);
/* Once a second: fetch the POP3 accounts whose pop_check_interval passed. */
void core_fetch_tick(struct core *core);
/*
 * A new driver instance for a server account (IMAP or POP), made as its
 * workers' are; NULL for a local account or a scheme with no driver.
 * The caller frees it with be->ops->free.
 */
struct backend *core_account_driver(const struct account *acc);
/* "imaps", "pop", "maildir": for display. */
const char *account_kind_name(const struct account *acc);
/* The location for display, without any password. Caller frees. */
char *account_location(const struct account *acc);
/*
 * The local store of acc's folders: a local account's Maildir, a POP3
 * account's local_store (default $XDG_DATA_HOME/skua/mail/ACCOUNT); NULL
 * for an IMAP account. Caller frees.
 */
char *account_store_path(const struct account *acc);

#endif
