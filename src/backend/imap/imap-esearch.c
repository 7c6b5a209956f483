/* SPDX-License-Identifier: ISC */
/* ESEARCH (RFC 4731) answers and IMAP sequence sets. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "backend/imap/imap-esearch.h"
#include "util/error.h"

static bool
fail(GError **err, size_t at, const char *what)
{
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_PARSE,
	    "ESEARCH: %s at byte %zu", what, at);
	return false;
}

/* A number 1 .. 2^32-1 at buf[*i]; advances *i. */
static bool
number(const char *buf, size_t len, size_t *i, uint32_t *out)
{
	uint64_t n = 0;
	size_t start = *i;

	while (*i < len && buf[*i] >= '0' && buf[*i] <= '9') {
		n = n * 10 + (uint64_t)(buf[*i] - '0');
		if (n > UINT32_MAX)
			return false;
		(*i)++;
	}
	if (*i == start || n == 0)
		return false;
	*out = (uint32_t)n;
	return true;
}

bool
imap_seqset_parse(const char *buf, size_t len, GArray *uids, GError **err)
{
	size_t i = 0;

	for (;;) {
		uint32_t a, b;

		if (!number(buf, len, &i, &a))
			return fail(err, i, "a number expected");
		b = a;
		if (i < len && buf[i] == ':') {
			i++;
			if (!number(buf, len, &i, &b))
				return fail(err, i, "a number expected");
		}
		if (a > b) {
			uint32_t t = a;

			a = b;
			b = t;
		}
		if ((uint64_t)uids->len + (b - a) + 1 > IMAP_ESEARCH_MAX_UIDS)
			return fail(err, i, "too many UIDs");
		for (uint64_t u = a; u <= b; u++) {
			uint32_t v = (uint32_t)u;

			g_array_append_val(uids, v);
		}
		if (i == len)
			return true;
		if (buf[i] != ',')
			return fail(err, i, "',' expected");
		i++;
	}
}

/* Skip spaces (and a trailing CRLF). */
static void
skip_space(const char *buf, size_t len, size_t *i)
{
	while (
	    *i < len && (buf[*i] == ' ' || buf[*i] == '\r' || buf[*i] == '\n'))
		(*i)++;
}

/* The next atom at buf[*i]: its start and length. */
static size_t
atom(const char *buf, size_t len, size_t *i, const char **start)
{
	*start = buf + *i;
	while (*i < len && buf[*i] != ' ' && buf[*i] != '\r' && buf[*i] != '\n')
		(*i)++;
	return (size_t)(buf + *i - *start);
}

static bool
is_word(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && g_ascii_strncasecmp(s, word, n) == 0;
}

bool
imap_esearch_parse(const char *buf, size_t len, GArray *uids, GError **err)
{
	size_t i = 0;
	bool uid = false;

	skip_space(buf, len, &i);
	/* The correlator: (TAG "string"), no parentheses inside. */
	if (i < len && buf[i] == '(') {
		while (i < len && buf[i] != ')')
			i++;
		if (i == len)
			return fail(err, i, "')' expected");
		i++;
	}
	for (;;) {
		const char *w;
		size_t n;

		skip_space(buf, len, &i);
		if (i == len)
			break;
		n = atom(buf, len, &i, &w);
		if (is_word(w, n, "UID")) {
			uid = true;
			continue;
		}
		/* Every other item has one value: ALL's is ours. */
		skip_space(buf, len, &i);
		{
			const char *v;
			size_t vn = atom(buf, len, &i, &v);

			if (vn == 0)
				return fail(err, i, "a value expected");
			if (is_word(w, n, "ALL") &&
			    !imap_seqset_parse(v, vn, uids, err))
				return false;
		}
	}
	if (!uid)
		return fail(err, i, "not an answer about UIDs");
	return true;
}
