/* SPDX-License-Identifier: ISC */
/* The index_format interpreter. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend/types.h"
#include "core/thread.h"
#include "ui/index-format.h"
#include "ui/text.h"

/* A size as mutt shows it: 512, 1.2K, 34K, 5.6M. */
static char *
human_size(uint32_t n)
{
	if (n < 1000)
		return g_strdup_printf("%u", n);
	if (n < 10 * 1024)
		return g_strdup_printf("%.1fK", n / 1024.0);
	if (n < 1024 * 1024)
		return g_strdup_printf("%uK", (n + 512) / 1024);
	if (n < 10 * 1024 * 1024)
		return g_strdup_printf("%.1fM", n / (1024.0 * 1024.0));
	return g_strdup_printf("%uM", (n + 512 * 1024) / (1024 * 1024));
}

static char *
format_date(int64_t t, const char *strf)
{
	char buf[128];
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || localtime_r(&tt, &tm) == NULL)
		return g_strdup("");
		/* The format is the user's own index_format, not mail data. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (strftime(buf, sizeof(buf), strf, &tm) == 0)
		return g_strdup("");
#pragma GCC diagnostic pop
	/* strftime output follows the locale: make sure it is UTF-8. */
	if (!g_utf8_validate(buf, -1, NULL))
		return g_strdup("");
	return g_strdup(buf);
}

static char *
flags(const struct envelope *env, bool tagged)
{
	char s[4] = "   ";

	if (env->flags & MSG_DELETED)
		s[0] = 'D';
	else if (!(env->flags & MSG_SEEN))
		s[0] = 'N';
	if (tagged)
		s[1] = '*';
	else if (env->flags & MSG_FLAGGED)
		s[1] = '!';
	if (env->flags & MSG_ANSWERED)
		s[2] = 'r';
	return g_strdup(s);
}

/* Append safe text padded or cut to the field's width. */
static void
put_field(GString *out, const char *raw, bool left, int width, int prec)
{
	g_autofree char *safe = text_sanitize(raw, -1);
	g_autofree char *cut = NULL;
	int w;

	if (prec >= 0) {
		cut = text_fit(safe, prec, false);
	} else {
		cut = g_strdup(safe);
	}
	w = text_width(cut);
	if (!left)
		for (int i = w; i < width; i++)
			g_string_append_c(out, ' ');
	g_string_append(out, cut);
	if (left)
		for (int i = w; i < width; i++)
			g_string_append_c(out, ' ');
}

/* Read a number at *p (at most 4 digits); -1 if none. */
static int
read_num(const char **p)
{
	int n = -1;

	for (int i = 0; i < 4 && g_ascii_isdigit(**p); i++, (*p)++)
		n = (n < 0 ? 0 : n * 10) + (**p - '0');
	while (g_ascii_isdigit(**p)) /* absurd widths are capped */
		(*p)++;
	return n;
}

char *
index_tree_prefix(const struct thread_node *nodes, const guint8 *next, size_t i)
{
	GString *out = g_string_new(NULL);
	uint32_t depth = nodes[i].depth, from, chain[INDEX_TREE_MAX_LEVELS];
	size_t a = i;

	if (depth == 0)
		return g_string_free(out, FALSE);
	/* The ancestors at levels [from, depth), nearest last. */
	from = depth > INDEX_TREE_MAX_LEVELS ? depth - INDEX_TREE_MAX_LEVELS + 1
					     : 1;
	for (uint32_t d = depth; d > from;) {
		a = nodes[a].parent;
		d--;
		chain[d - from] = (uint32_t)a;
	}
	for (uint32_t d = from; d < depth; d++)
		g_string_append(out, next[chain[d - from]] ? "\u2502 " : "  ");
	if ((size_t)nodes[i].parent + 1 == i &&
	    nodes[nodes[i].parent].uid == 0 &&
	    nodes[nodes[i].parent].parent == THREAD_NONE)
		/* The first message under a missing root. */
		g_string_append(out, next[i] ? "\u250c" : "\u2500");
	else
		g_string_append(out, next[i] ? "\u251c" : "\u2514");
	g_string_append(out, "\u2500>");
	return g_string_free(out, FALSE);
}

char *
index_format_row(const char *fmt, unsigned number, unsigned uid,
    const struct envelope *env)
{
	return index_format_row_tree(fmt, number, uid, env, NULL);
}

char *
index_format_row_tree(const char *fmt, unsigned number, unsigned uid,
    const struct envelope *env, const char *tree)
{
	return index_format_row_full(fmt, number, uid, env, tree, false);
}

char *
index_format_row_full(const char *fmt, unsigned number, unsigned uid,
    const struct envelope *env, const char *tree, bool tagged)
{
	GString *out = g_string_new(NULL);
	const char *p = fmt;

	while (*p != '\0') {
		g_autofree char *val = NULL;
		bool left = false;
		int width, prec = -1;

		if (*p != '%') {
			const char *next = strchr(p, '%');
			size_t n =
			    next != NULL ? (size_t)(next - p) : strlen(p);
			g_autofree char *lit = g_strndup(p, n);
			g_autofree char *safe = text_sanitize(lit, -1);

			g_string_append(out, safe);
			p += n;
			continue;
		}
		p++;
		if (*p == '-') {
			left = true;
			p++;
		}
		width = read_num(&p);
		if (*p == '.') {
			p++;
			prec = read_num(&p);
		}
		switch (*p) {
		case '%':
			val = g_strdup("%");
			break;
		case 'C':
			val = g_strdup_printf("%u", number);
			break;
		case 'u':
			val = g_strdup_printf("%u", uid);
			break;
		case 'Z':
			val = env != NULL ? flags(env, tagged)
					  : g_strdup(tagged ? " * " : "   ");
			break;
		case 'd':
			val = env != NULL ? format_date(env->date, "%b %d")
					  : g_strdup("");
			break;
		case '{': {
			const char *close = strchr(p, '}');
			g_autofree char *strf = NULL;

			if (close == NULL) {
				val = g_strdup("");
				p += strlen(p) - 1;
				break;
			}
			strf = g_strndup(p + 1, close - p - 1);
			val = env != NULL ? format_date(env->date, strf)
					  : g_strdup("");
			p = close;
			break;
		}
		case 'F':
		case 'L':
		case 'n':
			val = g_strdup(env != NULL ? env->from : "");
			break;
		case 'a':
			val = g_strdup(env != NULL ? env->from_addr : "");
			break;
		case 't':
			val = g_strdup(env != NULL ? env->to : "");
			break;
		case 's':
			/* A placeholder until the header arrives. */
			val = g_strconcat(tree != NULL ? tree : "",
			    env != NULL ? env->subject : "...", NULL);
			break;
		case 'c':
			val =
			    env != NULL ? human_size(env->size) : g_strdup("");
			break;
		case '\0':
			val = g_strdup("%");
			p--;
			break;
		default: /* unknown code: shown as written */
			val = g_strdup_printf("%%%c", *p);
			break;
		}
		p++;
		put_field(out, val, left, width, prec);
	}
	return g_string_free(out, FALSE);
}
