/* SPDX-License-Identifier: ISC */
/*
 * RFC 2047 encoded words, decoded without GMime for the index: each word's
 * charset converter comes from a per-thread cache, so a folder's headers
 * cost one iconv_open per charset and thread, not one per word (GMime
 * opens and closes one per word). Anything unusual -- a charset iconv does
 * not know -- is left to GMime by returning NULL.
 */
#include "config.h"

#include <errno.h>
#include <gmime/gmime.h>
#include <stdbool.h>
#include <string.h>

#include "mime/mime-internal.h"

/* At most this many converters per thread. */
#define CONVERTERS_MAX 32

static void
close_converter(gpointer cd)
{
	if (cd != NULL)
		g_iconv_close(cd);
}

static void
free_cache(gpointer table)
{
	g_hash_table_destroy(table);
}

static GPrivate cache_key = G_PRIVATE_INIT(free_cache);

/* This thread's converter from charset to UTF-8, reset; NULL if none. */
static GIConv
converter(const char *charset)
{
	GHashTable *cache = g_private_get(&cache_key);
	g_autofree char *key = g_ascii_strdown(charset, -1);
	gpointer cd;

	if (cache == NULL) {
		cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
		    close_converter);
		g_private_set(&cache_key, cache);
	}
	if (g_hash_table_lookup_extended(cache, key, NULL, &cd)) {
		if (cd != NULL)
			g_iconv(cd, NULL, NULL, NULL, NULL);
		return cd;
	}
	if (g_hash_table_size(cache) >= CONVERTERS_MAX)
		return NULL;
	cd = g_mime_iconv_open("UTF-8", key);
	if (cd == (gpointer)(GIConv)-1)
		cd = NULL;
	g_hash_table_insert(cache, g_steal_pointer(&key), cd);
	return cd;
}

static bool
is_utf8_name(const char *cs)
{
	return g_ascii_strcasecmp(cs, "utf-8") == 0 ||
	    g_ascii_strcasecmp(cs, "utf8") == 0 ||
	    g_ascii_strcasecmp(cs, "us-ascii") == 0;
}

/*
 * Append bytes in charset to out as UTF-8 (bad sequences become U+FFFD).
 * False when there is no converter for charset.
 */
static bool
append_converted(GString *out, const char *bytes, size_t len,
    const char *charset)
{
	GIConv cd;
	char buf[512];

	if (is_utf8_name(charset)) {
		g_autofree char *valid = g_utf8_make_valid(bytes, (gssize)len);

		g_string_append(out, valid);
		return true;
	}
	cd = converter(charset);
	if (cd == NULL)
		return false;
	while (len > 0) {
		char *in = (char *)bytes, *o = buf;
		gsize inleft = len, oleft = sizeof(buf);
		gsize r = g_iconv(cd, &in, &inleft, &o, &oleft);

		g_string_append_len(out, buf, (gssize)(o - buf));
		bytes = in;
		len = inleft;
		if (r == (gsize)-1 && errno != E2BIG) {
			/* A byte it refuses (or a cut sequence): U+FFFD. */
			g_string_append(out, "\xef\xbf\xbd");
			bytes++;
			len--;
			g_iconv(cd, NULL, NULL, NULL, NULL);
		}
	}
	/* Flush a stateful charset's shift state. */
	{
		char *o = buf;
		gsize oleft = sizeof(buf);

		g_iconv(cd, NULL, NULL, &o, &oleft);
		g_string_append_len(out, buf, (gssize)(o - buf));
	}
	return true;
}

/* Raw text between words: UTF-8 if valid, else windows-1252. */
static bool
append_raw(GString *out, const char *s, size_t len)
{
	if (g_utf8_validate(s, (gssize)len, NULL)) {
		g_string_append_len(out, s, (gssize)len);
		return true;
	}
	return append_converted(out, s, len, "windows-1252");
}

static int
hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = g_ascii_tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * An encoded word at p ("=?cs?e?text?="): its charset (language suffix
 * cut) into cs, its bytes appended to bytes, its end into *end. False
 * when p is no well-formed word.
 */
static bool
word_at(const char *p, char *cs, size_t cs_size, GByteArray *bytes,
    const char **end)
{
	const char *c = p + 2, *q, *text, *stop;
	size_t n;
	char enc;

	q = strchr(c, '?');
	if (q == NULL || q == c || (size_t)(q - c) >= cs_size)
		return false;
	n = (size_t)(q - c);
	memcpy(cs, c, n);
	cs[n] = '\0';
	cs[strcspn(cs, "*")] = '\0';
	if (cs[0] == '\0')
		return false;
	enc = g_ascii_toupper(q[1]);
	if ((enc != 'B' && enc != 'Q') || q[2] != '?')
		return false;
	text = q + 3;
	stop = strstr(text, "?=");
	if (stop == NULL)
		return false;
	/* Broken mailers put spaces in words; GMime reads them, so do we. */
	for (const char *t = text; t < stop; t++)
		if (*t == '\r' || *t == '\n')
			return false;
	if (enc == 'B') {
		gint state = 0;
		guint save = 0;
		size_t len = (size_t)(stop - text);
		guint old = bytes->len;

		g_byte_array_set_size(bytes, old + (guint)(len / 4 * 3 + 3));
		n = g_base64_decode_step(text, len, bytes->data + old, &state,
		    &save);
		g_byte_array_set_size(bytes, old + (guint)n);
	} else {
		for (const char *t = text; t < stop; t++) {
			guint8 b = (guint8)*t;

			if (*t == '_') {
				b = ' ';
			} else if (*t == '=' && t + 2 < stop &&
			    hex(t[1]) >= 0 && hex(t[2]) >= 0) {
				b = (guint8)(hex(t[1]) << 4 | hex(t[2]));
				t += 2;
			}
			g_byte_array_append(bytes, &b, 1);
		}
	}
	*end = stop + 2;
	return true;
}

/* Whether an encoded word starts at p. */
static bool
is_word(const char *p)
{
	char cs[64];
	const char *end;
	GByteArray *probe;
	bool yes;

	if (p[0] != '=' || p[1] != '?')
		return false;
	probe = g_byte_array_new();
	yes = word_at(p, cs, sizeof(cs), probe, &end);
	g_byte_array_unref(probe);
	return yes;
}

char *
mime_rfc2047_decode(const char *raw)
{
	GString *out = g_string_sized_new(strlen(raw) + 16);
	GByteArray *pending = g_byte_array_new(), *word = g_byte_array_new();
	char cs[64], pending_cs[64] = "";
	const char *p = raw, *lit = raw, *end;
	bool ok = true;

	while (ok && *p != '\0') {
		if (p[0] != '=' || p[1] != '?') {
			p++;
			continue;
		}
		g_byte_array_set_size(word, 0);
		if (!word_at(p, cs, sizeof(cs), word, &end)) {
			p++;
			continue;
		}
		/*
		 * Bytes of adjacent words in one charset are converted
		 * together (a character may be split between two words).
		 */
		if (pending->len > 0 &&
		    (lit != p || g_ascii_strcasecmp(cs, pending_cs) != 0)) {
			ok = append_converted(out, (const char *)pending->data,
			    pending->len, pending_cs);
			g_byte_array_set_size(pending, 0);
		}
		if (ok && lit != p)
			ok = append_raw(out, lit, (size_t)(p - lit));
		g_byte_array_append(pending, word->data, word->len);
		g_strlcpy(pending_cs, cs, sizeof(pending_cs));
		p = end;
		/* White space between two encoded words is not shown. */
		{
			const char *w = p;

			while (
			    *w == ' ' || *w == '\t' || *w == '\r' || *w == '\n')
				w++;
			if (w != p && is_word(w))
				p = w;
		}
		lit = p;
	}
	if (ok && pending->len > 0)
		ok = append_converted(out, (const char *)pending->data,
		    pending->len, pending_cs);
	if (ok && *lit != '\0')
		ok = append_raw(out, lit, strlen(lit));
	g_byte_array_unref(pending);
	g_byte_array_unref(word);
	if (!ok) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}
