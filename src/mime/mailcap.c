/* SPDX-License-Identifier: ISC */
/*
 * Mailcap (RFC 1524): parsing the user's files, choosing an entry for a
 * type, expanding its command into argv with values that cannot reach a
 * shell as code, and running a copiousoutput filter with bounded time and
 * output.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mime/mailcap.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/path.h"

static void
entry_free(struct mailcap_entry *e)
{
	g_free(e->type);
	g_free(e->command);
	g_free(e->test);
	g_free(e->nametemplate);
	g_free(e);
}

struct mailcap *
mailcap_new(void)
{
	struct mailcap *mc = g_new0(struct mailcap, 1);

	mc->entries =
	    g_ptr_array_new_with_free_func((GDestroyNotify)entry_free);
	return mc;
}

void
mailcap_free(struct mailcap *mc)
{
	if (mc == NULL)
		return;
	g_ptr_array_free(mc->entries, TRUE);
	g_free(mc);
}

/*
 * Split line at the ';' that are not escaped by '\'. Backslashes stay in
 * the fields (the command expansion takes the next character literally),
 * so "\;" in a command reaches it as a ';'.
 */
static GPtrArray *
split_fields(const char *line)
{
	GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
	GString *cur = g_string_new(NULL);

	for (const char *p = line; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			g_string_append_c(cur, *p);
			g_string_append_c(cur, *++p);
		} else if (*p == ';') {
			g_ptr_array_add(fields,
			    g_strstrip(g_string_free(cur, FALSE)));
			cur = g_string_new(NULL);
		} else {
			g_string_append_c(cur, *p);
		}
	}
	g_ptr_array_add(fields, g_strstrip(g_string_free(cur, FALSE)));
	return fields;
}

/* One logical line (continuations joined) into an entry; NULL if none. */
static struct mailcap_entry *
parse_line(const char *line)
{
	g_autoptr(GPtrArray) f = NULL;
	struct mailcap_entry *e;
	const char *type;

	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '\0' || *line == '#')
		return NULL;
	f = split_fields(line);
	type = f->pdata[0];
	if (f->len < 2 || *type == '\0' || *(char *)f->pdata[1] == '\0' ||
	    strpbrk(type, " \t") != NULL)
		return NULL;
	e = g_new0(struct mailcap_entry, 1);
	e->type = g_ascii_strdown(type, -1);
	e->command = g_strdup(f->pdata[1]);
	for (guint i = 2; i < f->len; i++) {
		const char *field = f->pdata[i];
		const char *eq = strchr(field, '=');
		g_autofree char *key = NULL;

		if (eq == NULL) {
			if (g_ascii_strcasecmp(field, "copiousoutput") == 0)
				e->copiousoutput = true;
			else if (g_ascii_strcasecmp(field, "needsterminal") ==
			    0)
				e->needsterminal = true;
			continue;
		}
		key = g_strstrip(g_strndup(field, (gsize)(eq - field)));
		if (g_ascii_strcasecmp(key, "test") == 0 && e->test == NULL)
			e->test = g_strstrip(g_strdup(eq + 1));
		else if (g_ascii_strcasecmp(key, "nametemplate") == 0 &&
		    e->nametemplate == NULL)
			e->nametemplate = g_strstrip(g_strdup(eq + 1));
	}
	return e;
}

unsigned
mailcap_parse(struct mailcap *mc, const char *text, size_t len)
{
	GString *line = g_string_new(NULL);
	const char *p = text, *end = text + len;
	unsigned added = 0;
	bool too_long = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl != NULL ? nl : end;
		size_t n = (size_t)(eol - p);
		bool more;

		if (n > 0 && p[n - 1] == '\r')
			n--;
		/* An odd number of trailing backslashes continues the line. */
		{
			size_t bs = 0;

			while (bs < n && p[n - 1 - bs] == '\\')
				bs++;
			more = bs % 2 == 1 && nl != NULL;
			if (more)
				n--;
		}
		if (line->len + n > MAILCAP_MAX_LINE)
			too_long = true;
		else
			g_string_append_len(line, p, (gssize)n);
		p = nl != NULL ? nl + 1 : end;
		if (more)
			continue;
		if (too_long) {
			log_warn("mailcap: a line longer than %d bytes skipped",
			    MAILCAP_MAX_LINE);
		} else if (memchr(line->str, '\0', line->len) == NULL &&
		    mc->entries->len < MAILCAP_MAX_ENTRIES) {
			struct mailcap_entry *e = parse_line(line->str);

			if (e != NULL) {
				g_ptr_array_add(mc->entries, e);
				added++;
			}
		}
		g_string_truncate(line, 0);
		too_long = false;
	}
	g_string_free(line, TRUE);
	return added;
}

struct mailcap *
mailcap_load(const char *path_list)
{
	struct mailcap *mc = mailcap_new();
	g_auto(GStrv) paths = NULL;

	if (path_list == NULL)
		return mc;
	paths = g_strsplit(path_list, ":", -1);
	for (size_t i = 0; paths[i] != NULL; i++) {
		g_autofree char *path = NULL;
		g_autofree char *text = NULL;
		gsize len = 0;
		GStatBuf st;

		if (*paths[i] == '\0')
			continue;
		path = path_expand(paths[i], NULL);
		if (g_stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (st.st_size > MAILCAP_MAX_FILE) {
			log_warn(
			    "mailcap: '%s' is bigger than %d bytes: skipped",
			    path, MAILCAP_MAX_FILE);
			continue;
		}
		if (!g_file_get_contents(path, &text, &len, NULL) ||
		    len > MAILCAP_MAX_FILE)
			continue;
		mailcap_parse(mc, text, len);
	}
	return mc;
}

bool
mailcap_type_matches(const char *pattern, const char *type)
{
	const char *slash = strchr(pattern, '/');
	size_t major;

	if (strcmp(pattern, "*") == 0 || strcmp(pattern, "*/*") == 0)
		return true;
	if (slash == NULL)
		major = strlen(pattern);
	else if (strcmp(slash, "/*") == 0)
		major = (size_t)(slash - pattern);
	else
		return g_ascii_strcasecmp(pattern, type) == 0;
	return major > 0 && g_ascii_strncasecmp(pattern, type, major) == 0 &&
	    type[major] == '/';
}

bool
mailcap_value_is_safe(const char *value)
{
	if (value == NULL || *value == '\0' || *value == '-')
		return false;
	for (const char *p = value; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr("._+/-", *p) == NULL)
			return false;
	}
	return true;
}

/* A path we made: the safe set plus '_'. */
static bool
is_safe_path(const char *path)
{
	if (path == NULL || *path == '\0' || *path == '-')
		return false;
	for (const char *p = path; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr("._+/-_", *p) == NULL)
			return false;
	}
	return true;
}

/* Characters a command may hold and still be split into words by us. */
static bool
is_plain_command(const char *cmd)
{
	for (const char *p = cmd; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && strchr(" \t-_./,:+@%^", *p) == NULL)
			return false;
	}
	return true;
}

char **
mailcap_expand(const char *tmpl, const char *type, GHashTable *params,
    const char *file, bool *uses_file_out, GError **err)
{
	GString *out = g_string_new(NULL);
	bool uses_file = false;
	char **argv = NULL;

	for (const char *p = tmpl; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			g_string_append_c(out, *++p);
			continue;
		}
		if (*p != '%' || p[1] == '\0') {
			g_string_append_c(out, *p);
			continue;
		}
		switch (*++p) {
		case '%':
			g_string_append_c(out, '%');
			break;
		case 's':
			if (file == NULL) {
				g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
				    "mailcap: no file for %%s");
				goto fail;
			}
			/* We named it, from [A-Za-z0-9._+/-] only. */
			if (!is_safe_path(file)) {
				g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
				    "mailcap: the file name is not safe for "
				    "%%s");
				goto fail;
			}
			g_string_append(out, file);
			uses_file = true;
			break;
		case 't':
			if (!mailcap_value_is_safe(type)) {
				g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
				    "mailcap: the type is not safe for %%t");
				goto fail;
			}
			g_string_append(out, type);
			break;
		case '{': {
			const char *close = strchr(p, '}');
			g_autofree char *name = NULL;
			const char *value;

			if (close == NULL) {
				g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
				    "mailcap: %%{ without }");
				goto fail;
			}
			name = g_ascii_strdown(p + 1, close - p - 1);
			value = params != NULL
			    ? g_hash_table_lookup(params, name)
			    : NULL;
			if (value != NULL && !mailcap_value_is_safe(value)) {
				g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
				    "mailcap: the %s parameter is not safe "
				    "for %%{%s}",
				    name, name);
				goto fail;
			}
			if (value != NULL)
				g_string_append(out, value);
			p = close;
			break;
		}
		case 'n':
		case 'F':
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_NOT_SUPPORTED,
			    "mailcap: %%%c is not supported", *p);
			goto fail;
		default:
			g_string_append_c(out, '%');
			g_string_append_c(out, *p);
			break;
		}
	}
	if (is_plain_command(out->str)) {
		if (!g_shell_parse_argv(out->str, NULL, &argv, err))
			goto fail;
	} else {
		argv = g_new0(char *, 4);
		argv[0] = g_strdup("/bin/sh");
		argv[1] = g_strdup("-c");
		argv[2] = g_strdup(out->str);
	}
	if (uses_file_out != NULL)
		*uses_file_out = uses_file;
fail:
	g_string_free(out, TRUE);
	return argv;
}

/* Own process group, so a timeout kills the command and its children. */
static void
child_setup(gpointer data)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	(void)data;
	/* skua ignores SIGPIPE; a filter's own pipelines expect it. */
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGPIPE, &dfl, NULL);
	setpgid(0, 0);
}

/*
 * Run argv with stdin from in_fd (-1: /dev/null), stderr to /dev/null,
 * reading its standard output into out (NULL: discarded) up to max_out
 * bytes, within timeout_ms. *status_out gets the wait status. False with
 * err on a spawn failure, too much output or the timeout.
 */
static bool
run_capture(char **argv, int in_fd, int timeout_ms, size_t max_out,
    GByteArray *out, int *status_out, GError **err)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	int pipefd[2] = { -1, -1 }, null_fd = -1;
	bool ok = false, killed = false, exited = false;
	size_t total = 0;
	GPid pid = 0;
	int status = 0;

	if (!g_unix_open_pipe(pipefd, FD_CLOEXEC, err))
		return false;
	if (in_fd < 0) {
		null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		in_fd = null_fd;
	}
	if (!g_spawn_async_with_fds(NULL, argv, NULL,
		G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH |
		    G_SPAWN_STDERR_TO_DEV_NULL,
		child_setup, NULL, &pid, in_fd, pipefd[1], -1, err)) {
		g_prefix_error(err, "cannot run '%s': ", argv[0]);
		goto out;
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	g_unix_set_fd_nonblocking(pipefd[0], TRUE, NULL);
	for (;;) {
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		gint64 left = (deadline - g_get_monotonic_time()) / 1000;
		char buf[8192];
		ssize_t n;

		if (left <= 0) {
			killed = true;
			break;
		}
		if (poll(&pfd, 1, (int)MIN(left, 1000)) < 0 && errno != EINTR)
			break;
		n = read(pipefd[0], buf, sizeof(buf));
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			break;
		}
		total += (size_t)n;
		if (total > max_out) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "'%s' wrote more than %zu bytes", argv[0], max_out);
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			exited = true;
			goto out;
		}
		if (out != NULL)
			g_byte_array_append(out, (guint8 *)buf, (guint)n);
	}
	/* Output closed: wait for the exit, within the same deadline. */
	while (!killed) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid || (r < 0 && errno != EINTR)) {
			exited = true;
			break;
		}
		if (g_get_monotonic_time() >= deadline)
			killed = true;
		else
			g_usleep(5000);
	}
	if (killed) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		exited = true;
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "'%s' took longer than %d s", argv[0],
		    (timeout_ms + 999) / 1000);
		goto out;
	}
	*status_out = status;
	ok = true;
out:
	if (pid != 0 && !exited) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	if (pid != 0)
		g_spawn_close_pid(pid);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (null_fd >= 0)
		close(null_fd);
	return ok;
}

/* Whether e's test= command (if any) exits 0. */
static bool
passes_test(const struct mailcap_entry *e, const char *type, GHashTable *params)
{
	g_auto(GStrv) argv = NULL;
	g_autoptr(GError) error = NULL;
	int status = 0;

	if (e->test == NULL)
		return true;
	argv = mailcap_expand(e->test, type, params, NULL, NULL, &error);
	if (argv == NULL || argv[0] == NULL)
		return false;
	if (!run_capture(argv, -1, MAILCAP_TEST_TIMEOUT, 64 * 1024, NULL,
		&status, &error)) {
		log_warn("mailcap: test '%s': %s", e->test, error->message);
		return false;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

const struct mailcap_entry *
mailcap_lookup(const struct mailcap *mc, const char *type, GHashTable *params,
    enum mailcap_want want)
{
	for (guint i = 0; i < mc->entries->len; i++) {
		const struct mailcap_entry *e = mc->entries->pdata[i];
		g_auto(GStrv) argv = NULL;
		g_autoptr(GError) error = NULL;

		if (!mailcap_type_matches(e->type, type))
			continue;
		if ((want == MAILCAP_COPIOUS && !e->copiousoutput) ||
		    (want == MAILCAP_INTERACTIVE && e->copiousoutput))
			continue;
		/* A value that is not safe to substitute: skip the entry. */
		argv = mailcap_expand(e->command, type, params, "/tmp/f", NULL,
		    &error);
		if (argv == NULL || argv[0] == NULL) {
			log_info("mailcap: '%s' for %s not used: %s",
			    e->command, type,
			    error != NULL ? error->message : "empty command");
			continue;
		}
		if (passes_test(e, type, params))
			return e;
	}
	return NULL;
}

/* Only [A-Za-z0-9._-], no leading dot or dash; at most max bytes. */
static void
append_safe(GString *out, const char *s, size_t max)
{
	size_t start = out->len;

	for (const char *p = s; *p != '\0' && out->len - start < max; p++) {
		char c = *p;

		if (!g_ascii_isalnum(c) && strchr("._-", c) == NULL)
			c = '_';
		if ((c == '.' || c == '-') && out->len == start)
			continue;
		g_string_append_c(out, c);
	}
}

char *
mailcap_temp_path(const char *nametemplate, const char *name, GError **err)
{
	g_autofree char *dir = NULL;
	g_autofree char *base = NULL;
	GString *file = g_string_new(NULL);
	const char *slash;

	/* Only the last path component of a name from mail. */
	if (name != NULL) {
		slash = strrchr(name, '/');
		if (slash != NULL)
			name = slash + 1;
		slash = strrchr(name, '\\');
		if (slash != NULL)
			name = slash + 1;
	}
	{
		GString *b = g_string_new(NULL);

		append_safe(b, name != NULL ? name : "", 100);
		if (b->len == 0)
			g_string_assign(b, "part");
		base = g_string_free(b, FALSE);
	}
	if (nametemplate != NULL && strstr(nametemplate, "%s") != NULL) {
		const char *s = strstr(nametemplate, "%s");
		g_autofree char *prefix =
		    g_strndup(nametemplate, (gsize)(s - nametemplate));
		const char *suffix = s + 2;

		/* "%s.html" and "page.html": keep it as it is. */
		if (*prefix == '\0' && *suffix != '\0' &&
		    g_str_has_suffix(base, suffix) &&
		    strlen(base) > strlen(suffix)) {
			append_safe(file, base, 200);
		} else {
			GString *t = g_string_new(prefix);

			g_string_append(t, base);
			g_string_append(t, suffix);
			append_safe(file, t->str, 200);
			g_string_free(t, TRUE);
		}
	} else {
		append_safe(file, base, 200);
	}
	if (file->len == 0)
		g_string_assign(file, "part");
	dir = g_dir_make_tmp("skua-XXXXXX", err);
	if (dir == NULL) {
		g_string_free(file, TRUE);
		return NULL;
	}
	if (!is_safe_path(dir)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "the temporary directory '%s' has characters mailcap "
		    "commands cannot take",
		    dir);
		g_rmdir(dir);
		g_string_free(file, TRUE);
		return NULL;
	}
	{
		char *path = g_build_filename(dir, file->str, NULL);

		g_string_free(file, TRUE);
		return path;
	}
}

void
mailcap_temp_remove(const char *path)
{
	g_autofree char *dir = NULL;

	if (path == NULL)
		return;
	g_unlink(path);
	dir = g_path_get_dirname(path);
	g_rmdir(dir);
}

char *
mailcap_temp_write(const char *nametemplate, const char *name, const void *data,
    size_t len, GError **err)
{
	char *path = mailcap_temp_path(nametemplate, name, err);

	if (path == NULL)
		return NULL;
	if (!file_write_new(path, 0600, data, len, false, NULL, err)) {
		mailcap_temp_remove(path);
		g_free(path);
		return NULL;
	}
	return path;
}

GBytes *
mailcap_filter(const struct mailcap_entry *e, const char *type,
    GHashTable *params, const char *path, int timeout_ms, size_t max_out,
    GError **err)
{
	g_auto(GStrv) argv = NULL;
	GByteArray *out = NULL;
	bool uses_file = false;
	int in_fd = -1, status = 0;

	argv = mailcap_expand(e->command, type, params, path, &uses_file, err);
	if (argv == NULL)
		return NULL;
	if (argv[0] == NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "mailcap: an empty command for %s", type);
		return NULL;
	}
	if (!uses_file) {
		in_fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (in_fd < 0) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "cannot read '%s': %s", path, g_strerror(errno));
			return NULL;
		}
	}
	out = g_byte_array_new();
	if (!run_capture(argv, in_fd, timeout_ms, max_out, out, &status, err)) {
		g_byte_array_unref(out);
		out = NULL;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "'%s' failed (status %d)", e->command,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		g_byte_array_unref(out);
		out = NULL;
	}
	if (in_fd >= 0)
		close(in_fd);
	return out != NULL ? g_byte_array_free_to_bytes(out) : NULL;
}
