/* SPDX-License-Identifier: ISC */
/* GMime set-up and header decoding. */
#include "config.h"

#include <gmime/gmime.h>
#include <stdbool.h>
#include <string.h>

#include "mime/mime-internal.h"
#include "mime/mime.h"

static GMimeParserOptions *parser_options;

/*
 * glibc loads an iconv module (dlopen) when a converter for its charset is
 * opened and unloads it (dlclose) when the last one is closed, and GMime
 * opens and closes a converter for every encoded word: decoding a folder's
 * headers spent most of its time mapping and unmapping ISO8859-1.so. So
 * one converter per charset seen is kept open for the life of the process,
 * which keeps its module loaded; each later open is a lookup. Bounded.
 */
#define PINNED_MAX 64
static GMutex pin_lock;
static GHashTable *pinned; /* charset name (lower case) -> GIConv */

static void
unpin(gpointer cd)
{
	g_iconv_close(cd);
}

void
mime_pin_charset(const char *charset, size_t len)
{
	g_autofree char *name = NULL;

	if (len == 0 || len > 40)
		return;
	name = g_ascii_strdown(charset, (gssize)len);
	g_mutex_lock(&pin_lock);
	if (pinned != NULL && g_hash_table_size(pinned) < PINNED_MAX &&
	    !g_hash_table_contains(pinned, name)) {
		GIConv cd = g_mime_iconv_open("UTF-8", name);

		/* A charset iconv does not know is remembered too. */
		g_hash_table_insert(pinned, g_steal_pointer(&name),
		    cd == (GIConv)-1 ? NULL : cd);
	}
	g_mutex_unlock(&pin_lock);
}

/* Pin the charsets of raw's encoded words (=?charset?e?text?=). */
static void
pin_encoded_words(const char *raw)
{
	for (const char *p = strstr(raw, "=?"); p != NULL;
	     p = strstr(p, "=?")) {
		const char *cs = p + 2;
		size_t n = strcspn(cs, "?*");

		if (cs[n] == '\0')
			break;
		mime_pin_charset(cs, n);
		p = cs + n;
	}
}

void
mime_init(void)
{
	static const char *fallback[] = { "UTF-8", "windows-1252", NULL };

	g_mime_init();
	pinned = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    (GDestroyNotify)unpin);
	parser_options = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(parser_options, fallback);
}

GMimeParserOptions *
mime_parser_options(void)
{
	g_assert(parser_options != NULL);
	return parser_options;
}

void
mime_shutdown(void)
{
	g_clear_pointer(&parser_options, g_mime_parser_options_free);
	g_mutex_lock(&pin_lock);
	g_clear_pointer(&pinned, g_hash_table_destroy);
	g_mutex_unlock(&pin_lock);
	g_mime_shutdown();
}

void
mime_versions(GString *out)
{
	g_string_append_printf(out, "GMime %u.%u.%u\n", gmime_major_version,
	    gmime_minor_version, gmime_micro_version);
}

char *
mime_decode_header(const char *raw)
{
	bool plain = true;

	g_assert(parser_options != NULL);
	/* Printable ASCII without encoded words decodes to itself. */
	for (const unsigned char *p = (const unsigned char *)raw; *p != 0;
	     p++) {
		if (*p < 0x20 || *p > 0x7e || (p[0] == '=' && p[1] == '?')) {
			plain = false;
			break;
		}
	}
	if (plain)
		return g_strdup(raw);
	/* Ours first: converters kept per thread. */
	{
		char *fast = mime_rfc2047_decode(raw);

		if (fast != NULL)
			return fast;
	}
	pin_encoded_words(raw);
	if (!g_utf8_validate(raw, -1, NULL))
		mime_pin_charset("windows-1252", 12);
	return g_mime_utils_header_decode_text(parser_options, raw);
}

gint64
mime_parse_date(const char *raw)
{
	GDateTime *dt;
	gint64 t;

	if (raw == NULL)
		return 0;
	dt = g_mime_utils_header_decode_date(raw);
	if (dt == NULL)
		return 0;
	t = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return t;
}
