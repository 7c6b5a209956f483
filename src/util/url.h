/* SPDX-License-Identifier: ISC */
/*
 * Mail URLs as mutt writes them: scheme://[user[:password]@]host[:port][/path]
 * for imap, imaps, pop, pops, smtp and smtps. Percent-escapes in the user,
 * password and path are decoded. Local folders are plain paths, not URLs.
 */
#ifndef SKUA_UTIL_URL_H
#define SKUA_UTIL_URL_H

#include <glib.h>
#include <stdbool.h>

enum url_scheme {
	URL_IMAP,
	URL_IMAPS,
	URL_POP,
	URL_POPS,
	URL_SMTP,
	URL_SMTPS,
};

/* A parsed URL; every string is owned by the struct (NULL when absent). */
struct url {
	enum url_scheme scheme;
	char *user;
	char *password;
	char *host;    /* without the brackets of an IPv6 literal */
	unsigned port; /* 0: the scheme's default */
	char *path;    /* decoded, without the leading '/'; NULL if none */
};

/* Whether s looks like a URL (has "scheme://") rather than a path. */
bool url_is_url(const char *s);
/* Parse s; NULL with err set (SKUA_ERROR_CONFIG) when it is not valid. */
struct url *url_parse(const char *s, GError **err);
void url_free(struct url *u);
/* The scheme's name ("imaps") and its default port (993). */
const char *url_scheme_name(enum url_scheme scheme);
unsigned url_default_port(enum url_scheme scheme);
/* Whether the scheme uses TLS from the first byte (imaps, pops, smtps). */
bool url_implicit_tls(enum url_scheme scheme);

typedef struct url url_t; /* for g_autoptr only */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(url_t, url_free)

#endif
