/* SPDX-License-Identifier: ISC */
/*
 * Atomic delivery into a Maildir (cur/ new/ tmp/): the message is written
 * into tmp/, fsynced, renamed into new/, and new/ is fsynced, so once
 * maildir_deliver() returns the message survives a crash or power loss.
 * libetpan's maildir_message_add() never fsyncs; this replaces it.
 */
#ifndef SKUA_BACKEND_MAILDIR_DELIVER_H
#define SKUA_BACKEND_MAILDIR_DELIVER_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* Create dir and its cur/ new/ tmp/ (mode 0700) where missing. */
bool maildir_ensure(const char *dir, GError **err);
/*
 * A new unique base name per the Maildir spec:
 * "<seconds>.M<usec>P<pid>Q<n>.<host>" ('/' and ':' in the host escaped
 * as \057 and \072). Caller frees.
 */
char *maildir_unique_name(void);
enum maildir_deliver_flags {
	/* Turn CRLF line ends into LF (the Maildir convention). */
	MAILDIR_CRLF = 1 << 0,
	/*
	 * Leave the fsync of new/ to the caller (maildir_sync_new()), who
	 * delivers several messages and syncs once before relying on them.
	 */
	MAILDIR_NO_DIR_SYNC = 1 << 1,
};
/*
 * Write len bytes of data as dir/tmp/name, fsync it, rename it to
 * dir/new/name and fsync new/ (flags: enum maildir_deliver_flags). A file
 * of that name in tmp/ is replaced.
 */
bool maildir_deliver(const char *dir, const char *name, const char *data,
    size_t len, unsigned flags, GError **err);
/*
 * The same in steps, for many messages with few syncs: write each as
 * tmp/name (no sync), make them all durable with maildir_sync_tmp()
 * (syncfs(), else an fsync of each), move each into new/ with
 * maildir_link_new(), then maildir_sync_new() once.
 */
bool maildir_write_tmp(const char *dir, const char *name, const char *data,
    size_t len, unsigned flags, GError **err);
bool maildir_sync_tmp(const char *dir, char *const *names, size_t n,
    GError **err);
bool maildir_link_new(const char *dir, const char *name, GError **err);
/* fsync the directory path itself (a rename or unlink in it). */
bool maildir_sync_dir(const char *path, GError **err);
/* fsync dir/new/: the renames into it are durable once it returns. */
bool maildir_sync_new(const char *dir, GError **err);
/*
 * Like maildir_deliver(), but a message with flags: when info is not NULL
 * the file goes to dir/cur/name:2,info (info: the Maildir flag letters),
 * else to dir/new/name. The rename never replaces a file (link(2)), and
 * the directory it went to is fsynced.
 */
bool maildir_deliver_info(const char *dir, const char *name, const char *info,
    const char *data, size_t len, unsigned flags, GError **err);
/* Whether name was delivered: new/name, or cur/name or cur/name:2,... */
bool maildir_has(const char *dir, const char *name);
/* The path of delivered message name (new/name, or cur/name:2,...), or
 * NULL. Caller frees. */
char *maildir_path_of(const char *dir, const char *name);
/* Remove a leftover dir/tmp/name, if any. */
void maildir_discard_tmp(const char *dir, const char *name);

#endif
