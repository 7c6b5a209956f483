/* SPDX-License-Identifier: ISC */
/*
 * A recursive-descent parser of mutt's patterns:
 *
 *   or   := and ('|' and)*
 *   and  := unary unary*            (juxtaposition)
 *   unary:= '!' unary | '(' or ')' | '~' LETTER [ARG] | WORD
 *
 * An argument is "double quoted" (\" and \\ inside), 'single quoted'
 * (taken as it is) or a run of characters up to white space, '(', ')' or
 * '|'. Nesting and the pattern's length are bounded.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "backend/types.h"
#include "core/pattern.h"
#include "util/error.h"

#define PATTERN_MAX_LEN	  4096
#define PATTERN_MAX_DEPTH 64

struct parser {
	const char *s; /* the pattern */
	size_t pos;    /* byte offset of the next character */
	int depth;
	int64_t today; /* the local day of now */
	GError **err;
	bool failed;
};

/* The 1-based character position of byte offset pos. */
static long
char_pos(const struct parser *p, size_t pos)
{
	return g_utf8_pointer_to_offset(p->s, p->s + pos) + 1;
}

static void G_GNUC_PRINTF(3, 4)
    fail(struct parser *p, size_t pos, const char *fmt, ...)
{
	g_autofree char *what = NULL;
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(p->err, SKUA_ERROR, SKUA_ERROR_USAGE, "%s at %ld", what,
	    char_pos(p, pos));
}

static void
skip_space(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
		p->pos++;
}

static bool
ends_word(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '(' || c == ')' ||
	    c == '|';
}

/* An argument (quoted or a word) at p->pos; NULL when there is none. */
static char *
argument(struct parser *p)
{
	GString *out;
	char quote;

	skip_space(p);
	quote = p->s[p->pos];
	if (quote == '"' || quote == '\'') {
		size_t start = p->pos++;

		out = g_string_new(NULL);
		for (;;) {
			char c = p->s[p->pos];

			if (c == '\0') {
				fail(p, start, "missing closing %c", quote);
				g_string_free(out, TRUE);
				return NULL;
			}
			p->pos++;
			if (c == quote)
				break;
			if (quote == '"' && c == '\\' && p->s[p->pos] != '\0')
				c = p->s[p->pos++];
			g_string_append_c(out, c);
		}
		return g_string_free(out, FALSE);
	}
	if (ends_word(quote))
		return NULL;
	out = g_string_new(NULL);
	while (!ends_word(p->s[p->pos]))
		g_string_append_c(out, p->s[p->pos++]);
	return g_string_free(out, FALSE);
}

/* A text argument of ~X at pos, required. */
static char *
text_argument(struct parser *p, size_t pos, char letter)
{
	char *text = argument(p);

	if (text == NULL)
		fail(p, pos, "missing text after ~%c", letter);
	return text;
}

static struct search_node *
text_node(enum search_kind kind, const char *text)
{
	return search_node_new_text(kind, text);
}

/* OR of the kinds, each with text. */
static struct search_node *
any_of(const enum search_kind *kinds, unsigned n, const char *text)
{
	struct search_node * or = search_node_new(SEARCH_OR);

	for (unsigned i = 0; i < n; i++)
		search_node_add(or, text_node(kinds[i], text));
	return or ;
}

static struct search_node *
flags_node(uint32_t set, uint32_t clear)
{
	struct search_node *node = search_node_new(SEARCH_FLAGS);

	node->set = set;
	node->clear = clear;
	return node;
}

static struct search_node *
number_node(enum search_kind kind, int64_t n)
{
	struct search_node *node = search_node_new(kind);

	node->number = n;
	return node;
}

/* a AND b (either may be NULL: the other alone). */
static struct search_node *
both(struct search_node *a, struct search_node *b)
{
	struct search_node *and;

	if (a == NULL)
		return b;
	if (b == NULL)
		return a;
	and = search_node_new(SEARCH_AND);
	search_node_add(and, a);
	search_node_add(and, b);
	return and;
}

/* Digits at *s into *n (at most 9); false when there are none. */
static bool
digits(const char **s, int64_t *n)
{
	int k = 0;

	*n = 0;
	while (g_ascii_isdigit(**s) && k < 9) {
		*n = *n * 10 + (**s - '0');
		(*s)++;
		k++;
	}
	return k > 0 && !g_ascii_isdigit(**s);
}

static void
today_date(const struct parser *p, int *y, int *m, int *d)
{
	search_day_to_date(p->today, y, m, d);
}

/*
 * An absolute date DD[/MM[/YY[YY]]] at *s (the missing parts are this
 * month's, this year's) into a day number; false when it is not one.
 */
static bool
absolute_date(const struct parser *p, const char **s, int64_t *day)
{
	int64_t d, m, y;
	int ty, tm, td;

	today_date(p, &ty, &tm, &td);
	m = tm;
	y = ty;
	if (!digits(s, &d))
		return false;
	if (**s == '/') {
		(*s)++;
		if (!digits(s, &m))
			return false;
		if (**s == '/') {
			const char *start = ++(*s);

			if (!digits(s, &y))
				return false;
			if (*s - start <= 2)
				y += y < 70 ? 2000 : 1900;
			else if (*s - start != 4)
				return false;
		}
	}
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	/* 31/02 and the like are refused rather than moved on. */
	*day = search_day_from_date((int)y, (int)m, (int)d);
	{
		int cy, cm, cd;

		search_day_to_date(*day, &cy, &cm, &cd);
		if (cy != y || cm != m || cd != d)
			return false;
	}
	return true;
}

/* The day count units back from today (d w m y). */
static bool
days_back(const struct parser *p, int64_t n, char unit, int64_t *day)
{
	int y, m, d, ny, nm;
	int64_t months;

	switch (unit) {
	case 'd':
		*day = p->today - n;
		return true;
	case 'w':
		*day = p->today - 7 * n;
		return true;
	case 'm':
	case 'y':
		today_date(p, &y, &m, &d);
		months = (int64_t)y * 12 + (m - 1) - (unit == 'y' ? 12 * n : n);
		if (months < 0)
			return false;
		ny = (int)(months / 12);
		nm = (int)(months % 12) + 1;
		/* The 31st of a shorter month: its last day. */
		while (d > 28) {
			int cy, cm, cd;

			search_day_to_date(search_day_from_date(ny, nm, d), &cy,
			    &cm, &cd);
			if (cm == nm)
				break;
			d--;
		}
		*day = search_day_from_date(ny, nm, d);
		return true;
	default:
		return false;
	}
}

/* ~d and ~r: the date argument into one node or an AND of two. */
static struct search_node *
date_node(struct parser *p, size_t pos, char letter, const char *arg)
{
	bool sent = letter == 'd';
	enum search_kind since = sent ? SEARCH_SENT_SINCE : SEARCH_SINCE;
	enum search_kind before = sent ? SEARCH_SENT_BEFORE : SEARCH_BEFORE;
	enum search_kind on = sent ? SEARCH_SENT_ON : SEARCH_ON;
	const char *s = arg;
	int64_t a, b, n;

	if (*s == '<' || *s == '>' || *s == '=') {
		char op = *s++;

		if (!digits(&s, &n) || s[0] == '\0' || s[1] != '\0' ||
		    !days_back(p, n, g_ascii_tolower(s[0]), &a))
			goto bad;
		/* <3d: newer than three days; >3d: older; =3d: that day. */
		if (op == '<')
			return number_node(since, a);
		if (op == '>')
			return number_node(before, a);
		return number_node(on, a);
	}
	if (*s == '-') {
		s++;
		if (!absolute_date(p, &s, &b) || *s != '\0')
			goto bad;
		return number_node(before, b + 1);
	}
	if (!absolute_date(p, &s, &a))
		goto bad;
	if (*s == '\0')
		return number_node(on, a);
	if (*s++ != '-')
		goto bad;
	if (*s == '\0')
		return number_node(since, a);
	if (!absolute_date(p, &s, &b) || *s != '\0' || b < a)
		goto bad;
	return both(number_node(since, a), number_node(before, b + 1));
bad:
	fail(p, pos, "bad date %s after ~%c", arg, letter);
	return NULL;
}

/* A size N[K|M] at *s. */
static bool
size_value(const char **s, int64_t *n)
{
	if (!digits(s, n))
		return false;
	if (**s == 'K' || **s == 'k') {
		*n *= 1024;
		(*s)++;
	} else if (**s == 'M' || **s == 'm') {
		*n *= 1024 * 1024;
		(*s)++;
	}
	return true;
}

/* ~z: <N, >N, N, a-b, -b, a-. */
static struct search_node *
size_node(struct parser *p, size_t pos, const char *arg)
{
	const char *s = arg;
	int64_t a, b;

	if (*s == '<' || *s == '>') {
		char op = *s++;

		if (!size_value(&s, &a) || *s != '\0')
			goto bad;
		return number_node(op == '<' ? SEARCH_SMALLER : SEARCH_LARGER,
		    a);
	}
	if (*s == '-') {
		s++;
		if (!size_value(&s, &b) || *s != '\0')
			goto bad;
		return number_node(SEARCH_SMALLER, b + 1);
	}
	if (!size_value(&s, &a))
		goto bad;
	if (*s == '\0')
		return both(a > 0 ? number_node(SEARCH_LARGER, a - 1) : NULL,
		    number_node(SEARCH_SMALLER, a + 1));
	if (*s++ != '-')
		goto bad;
	if (*s == '\0')
		return a > 0 ? number_node(SEARCH_LARGER, a - 1)
			     : search_node_new(SEARCH_ALL);
	if (!size_value(&s, &b) || *s != '\0' || b < a)
		goto bad;
	return both(a > 0 ? number_node(SEARCH_LARGER, a - 1) : NULL,
	    number_node(SEARCH_SMALLER, b + 1));
bad:
	fail(p, pos, "bad size %s after ~z", arg);
	return NULL;
}

/* ~h "Field: text". */
static struct search_node *
header_node(struct parser *p, size_t pos, const char *arg)
{
	const char *colon = strchr(arg, ':');
	struct search_node *node;
	const char *value;

	if (colon == NULL || colon == arg)
		goto bad;
	for (const char *c = arg; c < colon; c++)
		if (*c <= ' ' || *c >= 127)
			goto bad;
	value = colon + 1;
	while (*value == ' ' || *value == '\t')
		value++;
	node = text_node(SEARCH_HEADER, value);
	node->name = g_strndup(arg, (gsize)(colon - arg));
	return node;
bad:
	fail(p, pos, "~h wants \"Field: text\", not %s", arg);
	return NULL;
}

/* ~X at p->pos (the ~). */
static struct search_node *
term(struct parser *p)
{
	static const enum search_kind list[] = { SEARCH_FROM, SEARCH_TO,
		SEARCH_CC };
	static const enum search_kind recipients[] = { SEARCH_TO, SEARCH_CC };
	size_t pos = p->pos;
	char letter = p->s[p->pos + 1];
	g_autofree char *arg = NULL;
	enum search_kind kind;

	if (letter == '\0' || letter == ' ') {
		fail(p, pos, "missing letter after ~");
		return NULL;
	}
	p->pos += 2;
	switch (letter) {
	case 'A':
		return search_node_new(SEARCH_ALL);
	case 'N': /* new: skua has no "old" mark, so every unread one */
	case 'U':
		return flags_node(0, MSG_SEEN);
	case 'O': /* old: unread and no longer \Recent */
		return flags_node(0, MSG_SEEN | MSG_RECENT);
	case 'R':
		return flags_node(MSG_SEEN, 0);
	case 'F':
		return flags_node(MSG_FLAGGED, 0);
	case 'D':
		return flags_node(MSG_DELETED, 0);
	case 'Q':
		return flags_node(MSG_ANSWERED, 0);
	case 'T':
		return search_node_new(SEARCH_TAGGED);
	case 'f':
		kind = SEARCH_FROM;
		break;
	case 't':
		kind = SEARCH_TO;
		break;
	case 'c':
		kind = SEARCH_CC;
		break;
	case 's':
		kind = SEARCH_SUBJECT;
		break;
	case 'b':
		kind = SEARCH_BODY;
		break;
	case 'B':
		kind = SEARCH_TEXT;
		break;
	case 'h':
	case 'i':
	case 'L':
	case 'C':
	case 'd':
	case 'r':
	case 'z':
		kind = SEARCH_ALL; /* chosen below */
		break;
	default:
		if ((unsigned char)letter >= 0x80) {
			fail(p, pos, "unknown pattern ~%.*s",
			    (int)(g_utf8_next_char(p->s + pos + 1) -
				(p->s + pos + 1)),
			    p->s + pos + 1);
		} else {
			fail(p, pos, "unknown pattern ~%c", letter);
		}
		return NULL;
	}
	arg = text_argument(p, pos, letter);
	if (arg == NULL)
		return NULL;
	switch (letter) {
	case 'h':
		return header_node(p, pos, arg);
	case 'i': {
		struct search_node *node = text_node(SEARCH_HEADER, arg);

		node->name = g_strdup("Message-ID");
		return node;
	}
	case 'L':
		return any_of(list, G_N_ELEMENTS(list), arg);
	case 'C':
		return any_of(recipients, G_N_ELEMENTS(recipients), arg);
	case 'd':
	case 'r':
		return date_node(p, pos, letter, arg);
	case 'z':
		return size_node(p, pos, arg);
	default:
		return text_node(kind, arg);
	}
}

static struct search_node *or_expr(struct parser *p);

static struct search_node *
unary(struct parser *p)
{
	static const enum search_kind simple[] = { SEARCH_FROM,
		SEARCH_SUBJECT };
	struct search_node *node, *inner;
	size_t pos;
	char *word;

	skip_space(p);
	pos = p->pos;
	switch (p->s[p->pos]) {
	case '!':
		p->pos++;
		if (++p->depth > PATTERN_MAX_DEPTH) {
			fail(p, pos, "pattern nested too deep");
			return NULL;
		}
		inner = unary(p);
		p->depth--;
		if (inner == NULL) {
			fail(p, pos, "missing pattern after !");
			return NULL;
		}
		node = search_node_new(SEARCH_NOT);
		search_node_add(node, inner);
		return node;
	case '(':
		p->pos++;
		if (++p->depth > PATTERN_MAX_DEPTH) {
			fail(p, pos, "pattern nested too deep");
			return NULL;
		}
		inner = or_expr(p);
		p->depth--;
		if (inner == NULL) {
			fail(p, pos, "empty ( )");
			return NULL;
		}
		skip_space(p);
		if (p->s[p->pos] != ')') {
			search_node_free(inner);
			fail(p, pos, "missing ) for (");
			return NULL;
		}
		p->pos++;
		return inner;
	case '~':
		return term(p);
	case '\0':
	case ')':
	case '|':
		return NULL;
	default:
		word = argument(p);
		if (word == NULL)
			return NULL;
		node = any_of(simple, G_N_ELEMENTS(simple), word);
		g_free(word);
		return node;
	}
}

static struct search_node *
and_expr(struct parser *p)
{
	struct search_node *first = unary(p), *and = NULL, *next;

	if (first == NULL)
		return NULL;
	for (;;) {
		skip_space(p);
		if (p->failed || p->s[p->pos] == '\0' || p->s[p->pos] == ')' ||
		    p->s[p->pos] == '|')
			break;
		next = unary(p);
		if (next == NULL)
			break;
		if (and == NULL) {
			and = search_node_new(SEARCH_AND);
			search_node_add(and, first);
		}
		search_node_add(and, next);
	}
	if (p->failed) {
		search_node_free(and != NULL ? and : first);
		return NULL;
	}
	return and != NULL ? and : first;
}

static struct search_node *
or_expr(struct parser *p)
{
	struct search_node *first = and_expr(p), * or = NULL, *next;
	size_t pos;

	if (first == NULL)
		return NULL;
	for (;;) {
		skip_space(p);
		if (p->s[p->pos] != '|')
			break;
		pos = p->pos++;
		next = and_expr(p);
		if (next == NULL) {
			fail(p, pos, "missing pattern after |");
			break;
		}
		if (or == NULL) {
			or = search_node_new(SEARCH_OR);
			search_node_add(or, first);
		}
		search_node_add(or, next);
	}
	if (p->failed) {
		search_node_free(or != NULL ? or : first);
		return NULL;
	}
	return or != NULL ? or : first;
}

struct search_node *
pattern_parse(const char *pattern, int64_t now, GError **err)
{
	struct parser p = { pattern, 0, 0, 0, err, false };
	struct search_node *tree;
	time_t t = (time_t)now;
	struct tm tm;

	if (strlen(pattern) > PATTERN_MAX_LEN) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "pattern longer than %d bytes", PATTERN_MAX_LEN);
		return NULL;
	}
	if (!g_utf8_validate(pattern, -1, NULL)) {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE,
		    "pattern is not valid UTF-8");
		return NULL;
	}
	p.today = localtime_r(&t, &tm) != NULL
	    ? search_day_from_date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday)
	    : now / 86400;
	tree = or_expr(&p);
	if (p.failed)
		return NULL;
	skip_space(&p);
	if (tree == NULL && p.s[p.pos] == '\0') {
		g_set_error(err, SKUA_ERROR, SKUA_ERROR_USAGE, "empty pattern");
		return NULL;
	}
	if (tree == NULL || p.s[p.pos] != '\0') {
		search_node_free(tree);
		fail(&p, p.pos, "unexpected %c", p.s[p.pos]);
		return NULL;
	}
	return tree;
}

char *
pattern_expand_simple(const char *text, const char *simple_search)
{
	GString *quoted, *out;

	if (strpbrk(text, "~=%") != NULL || simple_search == NULL ||
	    *simple_search == '\0')
		return g_strdup(text);
	quoted = g_string_new("\"");
	for (const char *c = text; *c != '\0'; c++) {
		if (*c == '"' || *c == '\\')
			g_string_append_c(quoted, '\\');
		g_string_append_c(quoted, *c);
	}
	g_string_append_c(quoted, '"');
	out = g_string_new(NULL);
	for (const char *c = simple_search; *c != '\0'; c++) {
		if (c[0] == '%' && c[1] == 's') {
			g_string_append(out, quoted->str);
			c++;
		} else {
			g_string_append_c(out, *c);
		}
	}
	g_string_free(quoted, TRUE);
	return g_string_free(out, FALSE);
}
