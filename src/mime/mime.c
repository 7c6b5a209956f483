/* SPDX-License-Identifier: ISC */
/* GMime set-up and header decoding. */
#include "config.h"

#include <gmime/gmime.h>

#include "mime/mime.h"

static GMimeParserOptions *parser_options;

void
mime_init(void)
{
	static const char *fallback[] = { "UTF-8", "windows-1252", NULL };

	g_mime_init();
	parser_options = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(parser_options, fallback);
}

void
mime_shutdown(void)
{
	g_clear_pointer(&parser_options, g_mime_parser_options_free);
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
	g_assert(parser_options != NULL);
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
