/* SPDX-License-Identifier: ISC */
/* Mail URL parsing. */
#include "config.h"

#include <string.h>

#include "util/error.h"
#include "util/url.h"

static const struct {
	const char *name;
	unsigned port;
	bool tls;
} schemes[] = {
	[URL_IMAP] = { "imap", 143, false },
	[URL_IMAPS] = { "imaps", 993, true },
	[URL_POP] = { "pop", 110, false },
	[URL_POPS] = { "pops", 995, true },
	[URL_SMTP] = { "smtp", 587, false },
	[URL_SMTPS] = { "smtps", 465, true },
};

const char *
url_scheme_name(enum url_scheme scheme)
{
	return schemes[scheme].name;
}

unsigned
url_default_port(enum url_scheme scheme)
{
	return schemes[scheme].port;
}

bool
url_implicit_tls(enum url_scheme scheme)
{
	return schemes[scheme].tls;
}

bool
url_is_url(const char *s)
{
	const char *p = strstr(s, "://");

	if (p == NULL || p == s)
		return false;
	for (const char *q = s; q < p; q++) {
		if (!g_ascii_isalnum(*q) && *q != '+' && *q != '-' && *q != '.')
			return false;
	}
	return true;
}

/* Decode %XX escapes; NULL if an escape is malformed or decodes to NUL. */
static char *
unescape(const char *s, size_t len)
{
	GString *out = g_string_sized_new(len);

	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] != '%') {
			g_string_append_c(out, s[i]);
			continue;
		}
		if (i + 2 >= len) {
			g_string_free(out, TRUE);
			return NULL;
		}
		hi = g_ascii_xdigit_value(s[i + 1]);
		lo = g_ascii_xdigit_value(s[i + 2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			g_string_free(out, TRUE);
			return NULL;
		}
		g_string_append_c(out, (char)(hi * 16 + lo));
		i += 2;
	}
	return g_string_free(out, FALSE);
}

void
url_free(struct url *u)
{
	if (u == NULL)
		return;
	g_free(u->user);
	if (u->password != NULL)
		explicit_bzero(u->password, strlen(u->password));
	g_free(u->password);
	g_free(u->host);
	g_free(u->path);
	g_free(u);
}

static bool
parse_port(const char *s, size_t len, unsigned *port_out)
{
	unsigned v = 0;

	if (len == 0 || len > 5)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!g_ascii_isdigit(s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return false;
	*port_out = v;
	return true;
}

/* s without its user and password, for error messages. Caller frees. */
static char *
redact(const char *s)
{
	const char *sep = strstr(s, "://"), *auth_end, *at = NULL;

	if (sep == NULL)
		return g_strdup(s);
	auth_end = sep + 3 + strcspn(sep + 3, "/?#");
	for (const char *p = sep + 3; p < auth_end; p++) {
		if (*p == '@')
			at = p;
	}
	if (at == NULL)
		return g_strdup(s);
	return g_strdup_printf("%.*s...%s", (int)(sep + 3 - s), s, at);
}

struct url *
url_parse(const char *s, GError **err)
{
	struct url *u = g_new0(struct url, 1);
	const char *sep, *auth, *auth_end, *host, *host_end, *at, *colon;
	char *redacted;
	size_t i;

	sep = strstr(s, "://");
	if (sep == NULL)
		goto bad;
	for (i = 0; i < G_N_ELEMENTS(schemes); i++) {
		if (strlen(schemes[i].name) == (size_t)(sep - s) &&
		    g_ascii_strncasecmp(s, schemes[i].name, sep - s) == 0)
			break;
	}
	if (i == G_N_ELEMENTS(schemes)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
		    "unknown URL scheme '%.*s' (imap, imaps, pop, pops, "
		    "smtp, smtps)",
		    (int)(sep - s), s);
		url_free(u);
		return NULL;
	}
	u->scheme = (enum url_scheme)i;

	auth = sep + 3;
	auth_end = auth + strcspn(auth, "/?#");
	/* The user may contain '@' (user@example.com@host): split at the last.
	 */
	at = NULL;
	for (const char *p = auth; p < auth_end; p++) {
		if (*p == '@')
			at = p;
	}
	host = auth;
	if (at != NULL) {
		colon = memchr(auth, ':', at - auth);
		u->user = unescape(auth, (colon != NULL ? colon : at) - auth);
		if (u->user == NULL || *u->user == '\0')
			goto bad;
		if (colon != NULL) {
			u->password = unescape(colon + 1, at - colon - 1);
			if (u->password == NULL)
				goto bad;
		}
		host = at + 1;
	}
	if (*host == '[') {
		host_end = memchr(host, ']', auth_end - host);
		if (host_end == NULL || host_end == host + 1)
			goto bad;
		u->host = g_strndup(host + 1, host_end - host - 1);
		host_end++;
	} else {
		host_end = memchr(host, ':', auth_end - host);
		if (host_end == NULL)
			host_end = auth_end;
		u->host = g_strndup(host, host_end - host);
	}
	if (*u->host == '\0')
		goto bad;
	for (const char *p = u->host; *p != '\0'; p++) {
		if (!g_ascii_isalnum(*p) && *p != '.' && *p != '-' &&
		    *p != ':' && *p != '_')
			goto bad;
	}
	if (host_end < auth_end) {
		if (*host_end != ':' ||
		    !parse_port(host_end + 1, auth_end - host_end - 1,
			&u->port))
			goto bad;
	}
	if (*auth_end == '/' && auth_end[1] != '\0') {
		u->path = unescape(auth_end + 1, strlen(auth_end + 1));
		if (u->path == NULL)
			goto bad;
	} else if (*auth_end != '\0' && *auth_end != '/') {
		goto bad;
	}
	return u;
bad:
	redacted = redact(s);
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_CONFIG,
	    "malformed URL '%s' (expected "
	    "scheme://[user@]host[:port][/folder])",
	    redacted);
	g_free(redacted);
	url_free(u);
	return NULL;
}
