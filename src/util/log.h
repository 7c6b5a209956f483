/* SPDX-License-Identifier: ISC */
/*
 * The debug log: a file opened with -d, written from any thread. Nothing
 * is logged anywhere when no log is open; after curses starts, nothing goes
 * to stdout or stderr, so GLib and GMime warnings are routed here too.
 */
#ifndef SKUA_UTIL_LOG_H
#define SKUA_UTIL_LOG_H

#include <glib.h>
#include <stdbool.h>

enum log_level {
	LOG_ERROR,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
	LOG_TRACE,
};

/* Open (append) the log at path; level is the most verbose level kept. */
bool log_open(const char *path, enum log_level level, GError **err);
void log_close(void);
bool log_enabled(enum log_level level);
/* Name the calling thread in its log lines ("main", an account name). */
void log_set_thread_name(const char *name);
void log_msg(enum log_level level, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_trace(...) log_msg(LOG_TRACE, __VA_ARGS__)

#endif
