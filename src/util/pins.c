/* SPDX-License-Identifier: ISC */
/* The certificate pin file: parsing, matching and appending. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/path.h"
#include "util/pins.h"

bool
pin_parse(const char *s, unsigned char out[PIN_SHA256_LEN])
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		int hi, lo;

		if (*s == ':' || *s == ' ')
			continue;
		hi = g_ascii_xdigit_value(s[0]);
		lo = hi < 0 ? -1 : g_ascii_xdigit_value(s[1]);
		if (lo < 0 || n == PIN_SHA256_LEN)
			return false;
		out[n++] = (unsigned char)(hi * 16 + lo);
		s++;
	}
	return n == PIN_SHA256_LEN;
}

void
pin_format(const unsigned char md[PIN_SHA256_LEN], char out[96])
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (size_t i = 0; i < PIN_SHA256_LEN; i++) {
		if (i > 0)
			out[o++] = ':';
		out[o++] = hex[md[i] >> 4];
		out[o++] = hex[md[i] & 15];
	}
	out[o] = '\0';
}

/* One line (without its end): its fingerprint if it pins host_port. */
static bool
line_pin(const char *line, size_t len, const char *host_port,
    unsigned char md[PIN_SHA256_LEN])
{
	g_autofree char *copy = g_strndup(line, len);
	char *p = g_strstrip(copy), *sp;

	if (*p == '\0' || *p == '#')
		return false;
	sp = strpbrk(p, " \t");
	if (sp == NULL)
		return false;
	*sp++ = '\0';
	if (g_ascii_strcasecmp(p, host_port) != 0)
		return false;
	return pin_parse(g_strchug(sp), md);
}

unsigned
pins_parse(const char *text, size_t len, const char *host_port, GArray *out)
{
	const char *end = text + len;
	unsigned n = 0;

	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t line_len =
		    nl != NULL ? (size_t)(nl - text) : (size_t)(end - text);
		unsigned char md[PIN_SHA256_LEN];

		/* A NUL would end the copy early: such a line is no pin. */
		if (memchr(text, '\0', line_len) == NULL &&
		    line_pin(text, line_len, host_port, md)) {
			g_array_append_vals(out, md, 1);
			n++;
		}
		text += line_len + (nl != NULL ? 1 : 0);
	}
	return n;
}

bool
pins_load(const char *path, const char *host_port, GArray *out, GError **err)
{
	g_autofree char *text = NULL;
	g_autoptr(GError) error = NULL;
	struct stat st;
	gsize len = 0;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return true;
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot read the pin file '%s': %s", path,
		    g_strerror(errno));
		return false;
	}
	if (st.st_size > PINS_MAX_FILE) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot read the pin file '%s': larger than %d bytes", path,
		    PINS_MAX_FILE);
		return false;
	}
	if (!g_file_get_contents(path, &text, &len, &error)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot read the pin file: %s", error->message);
		return false;
	}
	pins_parse(text, MIN(len, (gsize)PINS_MAX_FILE), host_port, out);
	return true;
}

bool
pins_add(const char *path, const char *host_port, const char *fingerprint,
    GError **err)
{
	g_autoptr(GArray) have = g_array_new(FALSE, FALSE, PIN_SHA256_LEN);
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *line = NULL;
	unsigned char md[PIN_SHA256_LEN];
	char canon[96];
	size_t len, off = 0;
	int fd;

	if (!pin_parse(fingerprint, md)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "cannot pin '%s': not a SHA-256 fingerprint", fingerprint);
		return false;
	}
	if (strpbrk(host_port, " \t\r\n#") != NULL || *host_port == '\0') {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "cannot pin a certificate for '%s'", host_port);
		return false;
	}
	if (g_mkdir_with_parents(dir, 0700) != 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot create '%s': %s", dir, g_strerror(errno));
		return false;
	}
	if (!pins_load(path, host_port, have, err))
		return false;
	for (guint i = 0; i < have->len; i++) {
		if (memcmp(&g_array_index(have, unsigned char,
			       (gsize)i *PIN_SHA256_LEN),
			md, PIN_SHA256_LEN) == 0)
			return true;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot open the pin file '%s': %s", path,
		    g_strerror(errno));
		return false;
	}
	pin_format(md, canon);
	line = g_strdup_printf("%s %s\n", host_port, canon);
	len = strlen(line);
	while (off < len) {
		ssize_t n = write(fd, line + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
			    "cannot write the pin file '%s': %s", path,
			    g_strerror(errno));
			close(fd);
			return false;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot write the pin file '%s': %s", path,
		    g_strerror(errno));
		close(fd);
		return false;
	}
	if (close(fd) != 0) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_IO,
		    "cannot write the pin file '%s': %s", path,
		    g_strerror(errno));
		return false;
	}
	return true;
}

char *
pins_default_path(void)
{
	g_autofree char *dir = path_data_dir();

	return g_build_filename(dir, "certificates", NULL);
}
