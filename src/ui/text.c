/* SPDX-License-Identifier: ISC */
/* Display width and sanitising of text drawn on the terminal. */
#include "config.h"

#include <wchar.h>

#include "ui/text.h"

/* Width of one code point that text_sanitize() lets through. */
static int
cell_width(gunichar c)
{
	int w = wcwidth((wchar_t)c);

	return w < 0 ? 1 : w;
}

static bool
is_invisible(gunichar c)
{
	/* Variation selectors make terminals and wcwidth() disagree. */
	if (c == 0xFE0E || c == 0xFE0F)
		return true;
	return g_unichar_type(c) == G_UNICODE_FORMAT;
}

char *
text_sanitize(const char *s, gssize len)
{
	const char *p = s, *end;
	GString *out;

	if (len < 0)
		len = (gssize)strlen(s);
	end = s + len;
	out = g_string_sized_new(len + 8);
	while (p < end) {
		gunichar c =
		    *p == '\0' ? 0 : g_utf8_get_char_validated(p, end - p);

		if (c == 0) { /* a NUL inside counted text */
			g_string_append(out, "^@");
			p++;
			continue;
		}
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_unichar(out, 0xFFFD);
			p++;
			continue;
		}
		p = g_utf8_next_char(p);
		if (c == '\t' || c == '\n' || c == '\r')
			g_string_append_c(out, ' ');
		else if (c < 0x20 || c == 0x7f) {
			g_string_append_c(out, '^');
			g_string_append_c(out,
			    c == 0x7f ? '?' : (char)(c + 64));
		} else if (c >= 0x80 && c < 0xa0)
			g_string_append_c(out, '?');
		else if (is_invisible(c))
			continue;
		else if (wcwidth((wchar_t)c) < 0 || !g_unichar_validate(c))
			g_string_append_c(out, '?');
		else
			g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

int
text_width(const char *safe)
{
	int w = 0;

	for (const char *p = safe; *p != '\0'; p = g_utf8_next_char(p))
		w += cell_width(g_utf8_get_char(p));
	return w;
}

char *
text_fit(const char *safe, int cols, bool pad)
{
	GString *out = g_string_new(NULL);
	int w = 0;

	for (const char *p = safe; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		int cw = cell_width(c);

		if (w + cw > cols)
			break;
		g_string_append_unichar(out, c);
		w += cw;
	}
	while (pad && w < cols) {
		g_string_append_c(out, ' ');
		w++;
	}
	return g_string_free(out, FALSE);
}
