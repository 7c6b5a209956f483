/* SPDX-License-Identifier: ISC */
/*
 * Searching the open folder with mutt's patterns (core/pattern.h): the
 * pattern goes to the account's driver as REQ_SEARCH (UID SEARCH on IMAP,
 * so no body is downloaded; evaluated on the files of a local store), and
 * the matching UIDs come back for the limit (l), search (/) and tag
 * pattern (T). Also the folder's quota (REQ_QUOTA). Main thread.
 */
#ifndef SKUA_CORE_SEARCH_H
#define SKUA_CORE_SEARCH_H

#include <glib.h>
#include <stdbool.h>

#include "backend/search-tree.h"

struct folder;

/*
 * The answer to folder_search(): the matching UIDs (uint32_t, ascending),
 * or error. Not called once the folder is freed or a newer search of it
 * replaced this one.
 */
typedef void folder_search_cb(struct folder *f, const GArray *uids,
    const GError *error, void *data);

/*
 * The tree of text as the user typed it: the account's simple_search
 * applied to a plain text, then parsed, with ~T made the set of the
 * tagged UIDs. NULL with err (a one-line message naming the position).
 */
struct search_node *folder_pattern(const struct folder *f, const char *text,
    GError **err);
/*
 * Ask the server (or the local store) which messages match text; cb
 * gets the answer. A search still under way is cancelled. False with err
 * (cb is not called) when the pattern is bad or the folder is not open.
 */
bool folder_search(struct folder *f, const char *text, folder_search_cb *cb,
    void *data, GError **err);
/* Whether text means "no limit" for l: empty, "all", "." or "~A". */
bool folder_limit_is_all(const char *text);
/*
 * l: show only the messages matching text, once the answer comes (the
 * count, or that none matched and the limit stays as it was, go to the
 * message line), then call done (may be NULL) with data; text meaning
 * everything (folder_limit_is_all()) drops the limit at once, without
 * done. False with err when the pattern is bad (done is not called).
 */
bool folder_limit(struct folder *f, const char *text, void (*done)(void *data),
    void *data, GError **err);
/* Cancel the search under way, if any: its callback gets an error. */
void folder_search_cancel(struct folder *f);
/*
 * Ask for the quota of the folder's quota root (GETQUOTAROOT); the answer
 * sets f->quota_used and f->quota_limit. Nothing when the server has no
 * quota. Called when the folder opens and after purges and moves.
 */
void folder_quota_refresh(struct folder *f);

#endif
