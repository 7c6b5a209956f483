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

struct account;
struct core;
struct envelope;
struct message_text;

/* Rows around the visible window that are fetched along with it. */
#define FOLDER_PREFETCH 50
/* At most this many UIDs per envelope request. */
#define FOLDER_FETCH_BATCH 500

enum folder_load {
	FOLDER_OPENING, /* waiting for the UID list */
	FOLDER_OPEN,
	FOLDER_FAILED, /* error has the reason */
};

struct msg_row {
	uint32_t uid;
	bool pending;	      /* its envelope has been asked for */
	struct envelope *env; /* NULL: not fetched yet (a placeholder) */
};

struct folder {
	struct account *acc;
	char *name;    /* server name */
	char *display; /* for display: decoded once the folder is open */
	enum folder_load load;
	char *error;
	uint32_t uidvalidity;
	GArray *rows;	    /* struct msg_row, display order */
	GHashTable *by_uid; /* uid -> row index + 1 */
	unsigned fetched;   /* rows with an envelope */
	bool fill;	    /* load every header in the background */
	bool filling;	    /* a fill chunk is under way */
	unsigned fill_pos;  /* rows before this one are fetched or pending */
	unsigned requests;  /* envelope requests sent (for tests and stats) */
	/* The message the pager shows (one at a time). */
	enum folder_load message_load;
	uint32_t message_uid;
	struct message_text *message; /* when FOLDER_OPEN */
	char *message_error;	      /* when FOLDER_FAILED */
};

/*
 * Open name on acc (whose worker must be started): posts the request and
 * returns the folder, loading. It becomes core->folder. Main thread.
 */
struct folder *folder_open(struct core *core, struct account *acc,
    const char *name);
void folder_free(struct folder *f);
unsigned folder_count(const struct folder *f);
const struct msg_row *folder_row(const struct folder *f, unsigned i);
/*
 * Load the headers of every row in the background, newest first, one
 * chunk at a time, so that the requests of what the screen shows never
 * wait behind more than one chunk. Call after folder_open(); the fill
 * begins after the first folder_want_rows(), so the first screen comes
 * first.
 */
void folder_start_fill(struct folder *f);
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

#endif
