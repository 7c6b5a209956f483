/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "util/error.h"
#include "util/file.h"

bool
file_write_new(const char *path, unsigned mode, const void *data, size_t len,
    bool sync, bool *exists, GError **err)
{
	const char *p = data;
	int fd = open(path,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	int e;

	if (exists != NULL)
		*exists = false;
	if (fd < 0) {
		if (errno == EEXIST && exists != NULL) {
			*exists = true;
			return false;
		}
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot create '%s': %s", path, g_strerror(errno));
		return false;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		p += n;
		len -= (size_t)n;
	}
	if (sync && fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	return true;
fail:
	e = errno != 0 ? errno : EIO;
	if (fd >= 0)
		close(fd);
	unlink(path);
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO, "cannot write '%s': %s",
	    path, g_strerror(e));
	return false;
}
