/* SPDX-License-Identifier: ISC */
/* The pager's header choice, quoting levels and search over lines. */
#include "config.h"

#include <string.h>

#include "ui/pager-text.h"

static bool
pattern_matches(const char *pattern, const char *field)
{
	size_t n = strlen(pattern);

	return strcmp(pattern, "*") == 0 ||
	    g_ascii_strncasecmp(field, pattern, n) == 0;
}

static bool
any_matches(const GPtrArray *list, const char *field)
{
	for (guint i = 0; list != NULL && i < list->len; i++)
		if (pattern_matches(list->pdata[i], field))
			return true;
	return false;
}

bool
pager_header_shown(const char *field, const GPtrArray *ignore,
    const GPtrArray *unignore)
{
	return !any_matches(ignore, field) || any_matches(unignore, field);
}

char *
pager_headers_filter(const char *headers, const GPtrArray *ignore,
    const GPtrArray *unignore, const GPtrArray *order)
{
	g_auto(GStrv) lines = g_strsplit(headers, "\n", -1);
	g_autoptr(GPtrArray) shown = g_ptr_array_new();
	g_autofree bool *done = NULL;
	GString *out = g_string_new(NULL);

	for (size_t i = 0; lines[i] != NULL; i++)
		if (lines[i][0] != '\0' &&
		    pager_header_shown(lines[i], ignore, unignore))
			g_ptr_array_add(shown, lines[i]);
	done = g_new0(bool, shown->len + 1);
	for (guint k = 0; order != NULL && k < order->len; k++) {
		for (guint i = 0; i < shown->len; i++) {
			if (done[i] ||
			    !pattern_matches(order->pdata[k], shown->pdata[i]))
				continue;
			g_string_append_printf(out, "%s\n",
			    (const char *)shown->pdata[i]);
			done[i] = true;
		}
	}
	for (guint i = 0; i < shown->len; i++)
		if (!done[i])
			g_string_append_printf(out, "%s\n",
			    (const char *)shown->pdata[i]);
	return g_string_free(out, FALSE);
}

unsigned
pager_quote_level(const char *line)
{
	unsigned level = 0;

	if (line[0] != '>')
		return 0;
	for (const char *p = line; *p != '\0'; p++) {
		if (*p == '>')
			level++;
		else if (*p != ' ' && *p != '\t')
			break;
	}
	return level;
}

GRegex *
pager_search_compile(const char *pattern, GError **err)
{
	GRegexCompileFlags flags = G_REGEX_OPTIMIZE;
	bool upper = false;

	for (const char *p = pattern; *p != '\0'; p = g_utf8_next_char(p))
		if (g_unichar_isupper(g_utf8_get_char(p)))
			upper = true;
	if (!upper)
		flags |= G_REGEX_CASELESS;
	return g_regex_new(pattern, flags, 0, err);
}

static bool
line_matches(const GRegex *re, const char *line)
{
	return g_regex_match(re, line, 0, NULL);
}

int
pager_search_next(const GPtrArray *lines, const GRegex *re, int from,
    bool *wrapped)
{
	int n = (int)lines->len;

	*wrapped = false;
	if (n == 0)
		return -1;
	from = CLAMP(from, -1, n - 1);
	for (int i = from + 1; i < n; i++)
		if (line_matches(re, lines->pdata[i]))
			return i;
	for (int i = 0; i <= from; i++) {
		if (line_matches(re, lines->pdata[i])) {
			*wrapped = true;
			return i;
		}
	}
	return -1;
}

GArray *
pager_search_spans(const GRegex *re, const char *line)
{
	GArray *spans = g_array_new(FALSE, FALSE, sizeof(int));
	g_autoptr(GMatchInfo) mi = NULL;

	g_regex_match(re, line, 0, &mi);
	while (g_match_info_matches(mi)) {
		int start, end;

		if (g_match_info_fetch_pos(mi, 0, &start, &end) &&
		    end > start) {
			g_array_append_val(spans, start);
			g_array_append_val(spans, end);
		}
		if (!g_match_info_next(mi, NULL))
			break;
	}
	return spans;
}
