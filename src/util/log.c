/* SPDX-License-Identifier: ISC */
/*
 * The debug log. One mutex serialises whole lines so that threads never
 * interleave; each line carries a timestamp, the level and the thread name.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "util/log.h"

static GMutex log_lock;
static FILE *log_file;
static enum log_level log_max = LOG_DEBUG;
static GPrivate log_thread_name = G_PRIVATE_INIT(g_free);

static const char *const level_names[] = {
	[LOG_ERROR] = "error",
	[LOG_WARN] = "warn",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
	[LOG_TRACE] = "trace",
};

static GLogWriterOutput
glib_writer(GLogLevelFlags flags, const GLogField *fields, gsize n,
    gpointer data)
{
	const char *domain = NULL, *message = NULL;
	enum log_level level = LOG_DEBUG;

	for (gsize i = 0; i < n; i++) {
		if (strcmp(fields[i].key, "MESSAGE") == 0 &&
		    fields[i].length < 0)
			message = fields[i].value;
		else if (strcmp(fields[i].key, "GLIB_DOMAIN") == 0 &&
		    fields[i].length < 0)
			domain = fields[i].value;
	}
	if (flags & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
		level = LOG_ERROR;
	else if (flags & G_LOG_LEVEL_WARNING)
		level = LOG_WARN;
	else if (flags & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
		level = LOG_INFO;
	log_msg(level, "%s: %s", domain != NULL ? domain : "glib",
	    message != NULL ? message : "(no message)");
	return G_LOG_WRITER_HANDLED;
}

bool
log_open(const char *path, enum log_level level, GError **err)
{
	FILE *f;

	f = fopen(path, "ae");
	if (f == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot open log '%s': %s", path, g_strerror(errno));
		return false;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	g_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = f;
	log_max = level;
	g_mutex_unlock(&log_lock);
	g_log_set_writer_func(glib_writer, NULL, NULL);
	return true;
}

void
log_close(void)
{
	g_mutex_lock(&log_lock);
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
	g_mutex_unlock(&log_lock);
}

bool
log_enabled(enum log_level level)
{
	bool on;

	g_mutex_lock(&log_lock);
	on = log_file != NULL && level <= log_max;
	g_mutex_unlock(&log_lock);
	return on;
}

void
log_set_thread_name(const char *name)
{
	g_private_replace(&log_thread_name, g_strdup(name));
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	g_autofree char *text = NULL;
	g_autoptr(GDateTime) now = NULL;
	const char *thread;
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* Log lines may carry server text: keep control bytes out of them. */
	for (char *p = text; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	now = g_date_time_new_now_local();
	thread = g_private_get(&log_thread_name);
	g_mutex_lock(&log_lock);
	if (log_file != NULL) {
		fprintf(log_file, "%02d:%02d:%02d.%03d [%s] %s: %s\n",
		    g_date_time_get_hour(now), g_date_time_get_minute(now),
		    g_date_time_get_second(now),
		    g_date_time_get_microsecond(now) / 1000,
		    thread != NULL ? thread : "?", level_names[level], text);
	}
	g_mutex_unlock(&log_lock);
}
