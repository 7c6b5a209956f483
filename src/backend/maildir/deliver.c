/* SPDX-License-Identifier: ISC */
/* Atomic Maildir delivery with fsync (see deliver.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "backend/maildir/deliver.h"
#include "util/error.h"

static bool
io_error(GError **err, const char *what, const char *path)
{
	int e = errno;

	g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO, "%s %s: %s", what, path,
	    g_strerror(e));
	return false;
}

bool
maildir_ensure(const char *dir, GError **err)
{
	static const char *const subs[] = { "cur", "new", "tmp" };

	if (g_mkdir_with_parents(dir, 0700) != 0)
		return io_error(err, "cannot create", dir);
	for (size_t i = 0; i < G_N_ELEMENTS(subs); i++) {
		g_autofree char *p = g_build_filename(dir, subs[i], NULL);

		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			return io_error(err, "cannot create", p);
	}
	return true;
}

char *
maildir_unique_name(void)
{
	static gint seq;
	char host[256];
	GString *h = g_string_new(NULL);
	struct timeval tv;
	char *name;

	if (gethostname(host, sizeof(host)) != 0)
		g_strlcpy(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	for (const char *p = host; *p != '\0'; p++) {
		if (*p == '/')
			g_string_append(h, "\\057");
		else if (*p == ':')
			g_string_append(h, "\\072");
		else if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			g_string_append_printf(h, "\\%03o", (unsigned char)*p);
		else
			g_string_append_c(h, *p);
	}
	gettimeofday(&tv, NULL);
	name = g_strdup_printf("%lld.M%ldP%ldQ%d.%s", (long long)tv.tv_sec,
	    (long)tv.tv_usec, (long)getpid(), g_atomic_int_add(&seq, 1) + 1,
	    h->str);
	g_string_free(h, TRUE);
	return name;
}

static bool
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Write data, CRLF as LF when crlf, in one write (a copy when crlf). */
static bool
write_data(int fd, const char *data, size_t len, bool crlf)
{
	char *buf;
	size_t n = 0;
	bool ok;

	if (!crlf)
		return write_all(fd, data, len);
	buf = g_malloc(len > 0 ? len : 1);
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
			continue;
		buf[n++] = data[i];
	}
	ok = write_all(fd, buf, n);
	g_free(buf);
	return ok;
}

static bool
fsync_dir(const char *dir, GError **err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return io_error(err, "cannot open", dir);
	if (fsync(fd) != 0) {
		io_error(err, "cannot sync", dir);
		close(fd);
		return false;
	}
	close(fd);
	return true;
}

bool
maildir_sync_dir(const char *path, GError **err)
{
	return fsync_dir(path, err);
}

bool
maildir_sync_new(const char *dir, GError **err)
{
	g_autofree char *newdir = g_build_filename(dir, "new", NULL);

	return fsync_dir(newdir, err);
}

static bool
valid_name(const char *name, GError **err)
{
	if (strchr(name, '/') != NULL || name[0] == '.' || name[0] == '\0') {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "bad Maildir file name '%s'", name);
		return false;
	}
	return true;
}

/* Create tmp/name with data (a stale one is replaced); fsync when sync. */
static bool
write_tmp(const char *dir, const char *name, const char *data, size_t len,
    unsigned flags, bool sync, GError **err)
{
	g_autofree char *tmp = g_build_filename(dir, "tmp", name, NULL);
	int fd;

	if (!valid_name(name, err))
		return false;
	/* A leftover of a killed run may hold this name: start afresh. */
	if (unlink(tmp) != 0 && errno != ENOENT)
		return io_error(err, "cannot remove", tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return io_error(err, "cannot create", tmp);
	if (!write_data(fd, data, len, (flags & MAILDIR_CRLF) != 0)) {
		io_error(err, "cannot write", tmp);
		goto fail;
	}
	if (sync && fsync(fd) != 0) {
		io_error(err, "cannot sync", tmp);
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		io_error(err, "cannot write", tmp);
		goto fail;
	}
	return true;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return false;
}

bool
maildir_write_tmp(const char *dir, const char *name, const char *data,
    size_t len, unsigned flags, GError **err)
{
	return write_tmp(dir, name, data, len, flags, false, err);
}

bool
maildir_sync_tmp(const char *dir, char *const *names, size_t n, GError **err)
{
	g_autofree char *tmpdir = g_build_filename(dir, "tmp", NULL);
	int fd = open(tmpdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return io_error(err, "cannot open", tmpdir);
	/* One writeback and journal commit for all of them. */
	if (syncfs(fd) == 0) {
		close(fd);
		return true;
	}
	close(fd);
	/* Not there (or it failed): each file on its own. */
	for (size_t i = 0; i < n; i++) {
		g_autofree char *p = g_build_filename(tmpdir, names[i], NULL);
		int f = open(p, O_RDONLY | O_CLOEXEC);

		if (f < 0)
			return io_error(err, "cannot open", p);
		if (fsync(f) != 0) {
			io_error(err, "cannot sync", p);
			close(f);
			return false;
		}
		close(f);
	}
	return true;
}

bool
maildir_link_new(const char *dir, const char *name, GError **err)
{
	g_autofree char *tmp = g_build_filename(dir, "tmp", name, NULL);
	g_autofree char *dst = g_build_filename(dir, "new", name, NULL);

	if (!valid_name(name, err))
		return false;
	/* Never replace a delivered message: link fails if dst exists. */
	if (link(tmp, dst) != 0)
		return io_error(err, "cannot move into new/:", dst);
	unlink(tmp);
	return true;
}

bool
maildir_deliver(const char *dir, const char *name, const char *data, size_t len,
    unsigned flags, GError **err)
{
	if (!write_tmp(dir, name, data, len, flags, true, err))
		return false;
	if (!maildir_link_new(dir, name, err)) {
		maildir_discard_tmp(dir, name);
		return false;
	}
	if (flags & MAILDIR_NO_DIR_SYNC)
		return true;
	return maildir_sync_new(dir, err);
}

bool
maildir_deliver_info(const char *dir, const char *name, const char *info,
    const char *data, size_t len, unsigned flags, GError **err)
{
	g_autofree char *tmp = NULL, *dst = NULL, *file = NULL, *sub = NULL;

	if (info == NULL)
		return maildir_deliver(dir, name, data, len, flags, err);
	if (strchr(info, '/') != NULL) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "bad Maildir flags '%s'", info);
		return false;
	}
	if (!write_tmp(dir, name, data, len, flags, true, err))
		return false;
	tmp = g_build_filename(dir, "tmp", name, NULL);
	file = g_strdup_printf("%s:2,%s", name, info);
	dst = g_build_filename(dir, "cur", file, NULL);
	if (link(tmp, dst) != 0) {
		io_error(err, "cannot move into cur/:", dst);
		unlink(tmp);
		return false;
	}
	unlink(tmp);
	sub = g_build_filename(dir, "cur", NULL);
	return fsync_dir(sub, err);
}

bool
maildir_has(const char *dir, const char *name)
{
	g_autofree char *n = g_build_filename(dir, "new", name, NULL);
	g_autofree char *cur = NULL;
	size_t len = strlen(name);
	struct dirent *de;
	DIR *d;
	bool found = false;

	if (access(n, F_OK) == 0)
		return true;
	cur = g_build_filename(dir, "cur", NULL);
	d = opendir(cur);
	if (d == NULL)
		return false;
	while (!found && (de = readdir(d)) != NULL)
		found = strncmp(de->d_name, name, len) == 0 &&
		    (de->d_name[len] == '\0' || de->d_name[len] == ':');
	closedir(d);
	return found;
}

char *
maildir_path_of(const char *dir, const char *name)
{
	g_autofree char *n = g_build_filename(dir, "new", name, NULL);
	g_autofree char *cur = NULL;
	size_t len = strlen(name);
	struct dirent *de;
	char *found = NULL;
	DIR *d;

	if (access(n, F_OK) == 0)
		return g_steal_pointer(&n);
	cur = g_build_filename(dir, "cur", NULL);
	d = opendir(cur);
	if (d == NULL)
		return NULL;
	while (found == NULL && (de = readdir(d)) != NULL)
		if (strncmp(de->d_name, name, len) == 0 &&
		    (de->d_name[len] == '\0' || de->d_name[len] == ':'))
			found = g_build_filename(cur, de->d_name, NULL);
	closedir(d);
	return found;
}

void
maildir_discard_tmp(const char *dir, const char *name)
{
	g_autofree char *tmp = g_build_filename(dir, "tmp", name, NULL);

	unlink(tmp);
}
