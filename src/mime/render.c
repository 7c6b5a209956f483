/* SPDX-License-Identifier: ISC */
/* A MIME part's body into display text: decoding, charsets, flowed, HTML. */
#include "config.h"

#include <errno.h>
#include <gmime/gmime.h>
#include <string.h>

#include "mime/mime.h"
#include "mime/render.h"

/* Longest charset name looked up; a longer one counts as unknown. */
#define CHARSET_MAX 64
/* Quote and list depths drawn in HTML; deeper nesting draws at this depth. */
#define DEPTH_MAX   16
#define REPLACEMENT "\xef\xbf\xbd"

/* Whether NAME, give or take blanks and quotes, is WANT (any case). */
static gboolean
name_is(const char *name, const char *want)
{
	size_t n, w = strlen(want);

	if (name == NULL)
		return FALSE;
	while (*name == ' ' || *name == '\t' || *name == '"')
		name++;
	n = strlen(name);
	while (n > 0 &&
	    (name[n - 1] == ' ' || name[n - 1] == '\t' || name[n - 1] == '"'))
		n--;
	return n == w && g_ascii_strncasecmp(name, want, n) == 0;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Quoted-printable; a broken escape is kept as it stands. */
static GString *
decode_qp(const char *s, size_t len)
{
	GString *out = g_string_sized_new(len);
	size_t i = 0, j;

	while (i < len) {
		if (s[i] != '=') {
			g_string_append_c(out, s[i++]);
			continue;
		}
		if (i + 2 < len && hex_value(s[i + 1]) >= 0 &&
		    hex_value(s[i + 2]) >= 0) {
			g_string_append_c(out,
			    (char)(hex_value(s[i + 1]) << 4 |
				hex_value(s[i + 2])));
			i += 3;
			continue;
		}
		/* A soft line break may have blanks before its newline. */
		j = i + 1;
		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j == len) {
			i = len;
		} else if (s[j] == '\n') {
			i = j + 1;
		} else if (s[j] == '\r') {
			i = j + 1 < len && s[j + 1] == '\n' ? j + 2 : j + 1;
		} else {
			g_string_append_c(out, '=');
			i++;
		}
	}
	return out;
}

/* Base64; bytes outside the alphabet are skipped. */
static GString *
decode_base64(const char *s, size_t len)
{
	GString *out = g_string_new(NULL);
	int state = 0;
	guint save = 0;
	gsize n;

	if (len == 0)
		return out;
	g_string_set_size(out, len / 4 * 3 + 3);
	n = g_base64_decode_step(s, len, (guchar *)out->str, &state, &save);
	g_string_truncate(out, n);
	return out;
}

static GString *
transfer_decode(const char *s, size_t len, const char *encoding)
{
	if (name_is(encoding, "base64"))
		return decode_base64(s, len);
	if (name_is(encoding, "quoted-printable"))
		return decode_qp(s, len);
	return g_string_new_len(s, (gssize)len);
}

/* windows-1252 0x80-0x9F; its five holes become U+FFFD. */
static const gunichar cp1252_c1[32] = { 0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E,
	0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD,
	0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
	0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E,
	0x0178 };

static GString *
from_cp1252(const char *s, size_t len)
{
	GString *out = g_string_sized_new(len + len / 2);
	size_t i;

	for (i = 0; i < len; i++) {
		guchar c = (guchar)s[i];

		if (c < 0x80)
			g_string_append_c(out, (char)c);
		else if (c < 0xA0)
			g_string_append_unichar(out, cp1252_c1[c - 0x80]);
		else
			g_string_append_unichar(out, c);
	}
	return out;
}

/* Valid UTF-8, not counting NUL bytes (they are dropped later). */
static gboolean
utf8_valid(const char *s, size_t len)
{
	const char *end = s + len, *bad;

	while (s < end) {
		if (g_utf8_validate(s, end - s, &bad))
			return TRUE;
		if (*bad != '\0')
			return FALSE;
		s = bad + 1;
	}
	return TRUE;
}

static GString *
from_utf8_lossy(const char *s, size_t len)
{
	char *valid = g_utf8_make_valid(s, (gssize)len);
	GString *out = g_string_new(valid);

	g_free(valid);
	return out;
}

/* Through iconv; each byte it refuses becomes U+FFFD. NULL: no converter. */
static GString *
from_iconv(const char *s, size_t len, const char *charset)
{
	GIConv cd;

	mime_pin_charset(charset, strlen(charset));
	cd = g_iconv_open("UTF-8", charset);
	GString *out;
	gchar *in = (gchar *)s, *o;
	gsize inleft = len, oleft, r;
	char buf[4096];
	int err;

	if (cd == (GIConv)-1)
		return NULL;
	out = g_string_sized_new(len + len / 2);
	while (inleft > 0) {
		o = buf;
		oleft = sizeof(buf);
		r = g_iconv(cd, &in, &inleft, &o, &oleft);
		err = errno;
		g_string_append_len(out, buf, o - buf);
		if (r != (gsize)-1)
			break;
		if (err == E2BIG && o != buf)
			continue;
		/* EILSEQ, or EINVAL for a sequence cut short. */
		g_string_append(out, REPLACEMENT);
		in++;
		inleft--;
	}
	o = buf;
	oleft = sizeof(buf);
	g_iconv(cd, NULL, NULL, &o, &oleft);
	g_string_append_len(out, buf, o - buf);
	g_iconv_close(cd);
	return out;
}

/* Declared names whose real-world use is a wider charset. */
static const struct {
	const char *name;
	const char *wider;
} wider_charsets[] = {
	{ "gb2312", "GB18030" },
	{ "gbk", "GB18030" },
	{ "x-gbk", "GB18030" },
	{ "euc-cn", "GB18030" },
	{ "shift_jis", "CP932" },
	{ "shift-jis", "CP932" },
	{ "sjis", "CP932" },
	{ "x-sjis", "CP932" },
	{ "ks_c_5601-1987", "CP949" },
	{ "euc-kr", "CP949" },
	{ "iso-8859-9", "CP1254" },
	{ "tis-620", "CP874" },
};

static GString *
to_utf8(const char *s, size_t len, const char *charset)
{
	char name[CHARSET_MAX + 1];
	const char *p = charset, *iconv_name;
	GString *out;
	size_t n, i;

	/* Copy the name without blanks and quotes around it. */
	while (p != NULL && (*p == ' ' || *p == '\t' || *p == '"'))
		p++;
	n = p != NULL ? strlen(p) : 0;
	while (
	    n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '"'))
		n--;
	if (n > CHARSET_MAX)
		n = 0;
	if (n > 0)
		memcpy(name, p, n);
	name[n] = '\0';

	if (name_is(name, "utf-8") || name_is(name, "utf8"))
		return from_utf8_lossy(s, len);
	if (name_is(name, "iso-8859-1") || name_is(name, "latin1") ||
	    name_is(name, "windows-1252") || name_is(name, "cp1252"))
		return from_cp1252(s, len);
	if (n > 0 && !name_is(name, "us-ascii") && !name_is(name, "ascii")) {
		for (i = 0; i < G_N_ELEMENTS(wider_charsets); i++) {
			if (name_is(name, wider_charsets[i].name)) {
				out =
				    from_iconv(s, len, wider_charsets[i].wider);
				if (out != NULL)
					return out;
			}
		}
		iconv_name = g_mime_charset_iconv_name(name);
		out =
		    from_iconv(s, len, iconv_name != NULL ? iconv_name : name);
		if (out != NULL)
			return out;
	}
	/* None, ASCII or unknown: UTF-8 if it is, else windows-1252. */
	if (utf8_valid(s, len))
		return g_string_new_len(s, (gssize)len);
	return from_cp1252(s, len);
}

/* CRLF and lone CR to LF; NUL bytes dropped. In place. */
static void
normalize_lines(GString *text)
{
	size_t i, w = 0;
	char *s = text->str;

	for (i = 0; i < text->len; i++) {
		if (s[i] == '\0')
			continue;
		if (s[i] == '\r') {
			if (i + 1 < text->len && s[i + 1] == '\n')
				continue;
			s[w++] = '\n';
			continue;
		}
		s[w++] = s[i];
	}
	g_string_truncate(text, w);
}

/* RFC 3676: join soft-broken lines into one line per paragraph. */
static GString *
unflow(const char *s, size_t len, bool delsp)
{
	GString *out = g_string_sized_new(len);
	gboolean in_para = FALSE;
	size_t i = 0, depth, para_depth = 0, n, prefix_end = 0;

	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		const char *line = s + i;
		gboolean sig, soft;

		n = nl != NULL ? (size_t)(nl - line) : len - i;
		i = nl != NULL ? i + n + 1 : len;
		for (depth = 0; depth < n && line[depth] == '>'; depth++)
			;
		line += depth;
		n -= depth;
		if (n > 0 && line[0] == ' ') {
			line++;
			n--;
		}
		sig = n == 3 && memcmp(line, "-- ", 3) == 0;
		soft = !sig && n > 0 && line[n - 1] == ' ';
		if (in_para && (depth != para_depth || sig)) {
			/* A paragraph ends at a change of depth or a sig. */
			g_string_append_c(out, '\n');
			in_para = FALSE;
		}
		if (!in_para) {
			for (size_t d = 0; d < depth; d++)
				g_string_append_c(out, '>');
			if (depth > 0)
				g_string_append_c(out, ' ');
			para_depth = depth;
			prefix_end = out->len;
		}
		if (soft && delsp)
			n--;
		g_string_append_len(out, line, (gssize)n);
		if (soft) {
			in_para = TRUE;
			continue;
		}
		in_para = FALSE;
		if (para_depth > 0 && out->len == prefix_end)
			g_string_truncate(out, out->len - 1);
		if (nl != NULL)
			g_string_append_c(out, '\n');
	}
	if (in_para && len > 0 && s[len - 1] == '\n')
		g_string_append_c(out, '\n');
	return out;
}

/* HTML to text. */

struct html {
	GString *out;
	guint pre;	 /* open <pre> */
	guint quote;	 /* open <blockquote> */
	guint list;	 /* open <ul> and <ol> */
	guint want_nl;	 /* newlines owed before the next text: 1 or 2 */
	gboolean space;	 /* collapsed whitespace owed before the next text */
	gboolean bol;	 /* nothing written on this line yet */
	gboolean lead;	 /* only a bullet on this line: skip blanks */
	gboolean pre_nl; /* a newline right after <pre> is skipped */
	guint nl_run;	 /* newlines at the end of out */
	char *href;	 /* the open <a>'s target */
	size_t link_start;
};

static void
h_newline(struct html *h)
{
	guint d;

	if (h->bol)
		for (d = 0; d < MIN(h->quote, DEPTH_MAX); d++)
			g_string_append_c(h->out, '>');
	g_string_append_c(h->out, '\n');
	h->bol = TRUE;
	h->lead = FALSE;
	h->nl_run++;
}

static void
h_flush_lines(struct html *h)
{
	if (h->out->len > 0)
		while (h->nl_run < h->want_nl)
			h_newline(h);
	h->want_nl = 0;
}

static void
h_block(struct html *h, guint n)
{
	h->want_nl = MAX(h->want_nl, n);
	h->space = FALSE;
}

/* Get ready to write text: owed newlines, the quote prefix, a space. */
static void
h_start_text(struct html *h)
{
	guint d;

	if (h->want_nl > 0) {
		h_flush_lines(h);
		h->space = FALSE;
	}
	if (h->bol) {
		for (d = 0; d < MIN(h->quote, DEPTH_MAX); d++)
			g_string_append_c(h->out, '>');
		if (h->quote > 0)
			g_string_append_c(h->out, ' ');
		h->bol = FALSE;
		h->space = FALSE;
	}
	if (h->space && !h->lead)
		g_string_append_c(h->out, ' ');
	h->space = FALSE;
	h->nl_run = 0;
}

static void
h_text(struct html *h, const char *s, size_t n)
{
	if (n == 0)
		return;
	h_start_text(h);
	g_string_append_len(h->out, s, (gssize)n);
	h->lead = FALSE;
	h->pre_nl = FALSE;
}

static void
h_byte(struct html *h, char c)
{
	if (h->pre > 0) {
		if (c == '\n') {
			if (!h->pre_nl) {
				h_flush_lines(h);
				h_newline(h);
			}
			h->pre_nl = FALSE;
			return;
		}
		h_text(h, &c, 1);
		return;
	}
	if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
		if (!h->bol && !h->lead && h->want_nl == 0)
			h->space = TRUE;
		return;
	}
	if (h->want_nl > 0 || h->bol || h->space) {
		h_text(h, &c, 1);
		return;
	}
	g_string_append_c(h->out, c);
	h->lead = FALSE;
}

static const struct {
	const char *name;
	gunichar c;
} entities[] = {
	{ "amp", '&' },
	{ "lt", '<' },
	{ "gt", '>' },
	{ "quot", '"' },
	{ "apos", '\'' },
	{ "nbsp", 0xA0 },
	{ "copy", 0xA9 },
	{ "reg", 0xAE },
	{ "trade", 0x2122 },
	{ "hellip", 0x2026 },
	{ "mdash", 0x2014 },
	{ "ndash", 0x2013 },
	{ "lsquo", 0x2018 },
	{ "rsquo", 0x2019 },
	{ "sbquo", 0x201A },
	{ "ldquo", 0x201C },
	{ "rdquo", 0x201D },
	{ "bdquo", 0x201E },
	{ "laquo", 0xAB },
	{ "raquo", 0xBB },
	{ "bull", 0x2022 },
	{ "middot", 0xB7 },
	{ "euro", 0x20AC },
	{ "pound", 0xA3 },
	{ "yen", 0xA5 },
	{ "cent", 0xA2 },
	{ "deg", 0xB0 },
	{ "plusmn", 0xB1 },
	{ "times", 0xD7 },
	{ "divide", 0xF7 },
	{ "para", 0xB6 },
	{ "sect", 0xA7 },
	{ "shy", 0xAD },
	{ "iexcl", 0xA1 },
	{ "iquest", 0xBF },
	{ "frac12", 0xBD },
	{ "frac14", 0xBC },
	{ "frac34", 0xBE },
	{ "micro", 0xB5 },
	{ "not", 0xAC },
	{ "ordm", 0xBA },
	{ "ordf", 0xAA },
	{ "acute", 0xB4 },
	{ "Agrave", 0xC0 },
	{ "Aacute", 0xC1 },
	{ "Acirc", 0xC2 },
	{ "Auml", 0xC4 },
	{ "Aring", 0xC5 },
	{ "AElig", 0xC6 },
	{ "Ccedil", 0xC7 },
	{ "Egrave", 0xC8 },
	{ "Eacute", 0xC9 },
	{ "Ecirc", 0xCA },
	{ "Ntilde", 0xD1 },
	{ "Oacute", 0xD3 },
	{ "Ouml", 0xD6 },
	{ "Oslash", 0xD8 },
	{ "Uacute", 0xDA },
	{ "Uuml", 0xDC },
	{ "szlig", 0xDF },
	{ "agrave", 0xE0 },
	{ "aacute", 0xE1 },
	{ "acirc", 0xE2 },
	{ "atilde", 0xE3 },
	{ "auml", 0xE4 },
	{ "aring", 0xE5 },
	{ "aelig", 0xE6 },
	{ "ccedil", 0xE7 },
	{ "egrave", 0xE8 },
	{ "eacute", 0xE9 },
	{ "ecirc", 0xEA },
	{ "euml", 0xEB },
	{ "igrave", 0xEC },
	{ "iacute", 0xED },
	{ "icirc", 0xEE },
	{ "iuml", 0xEF },
	{ "ntilde", 0xF1 },
	{ "ograve", 0xF2 },
	{ "oacute", 0xF3 },
	{ "ocirc", 0xF4 },
	{ "otilde", 0xF5 },
	{ "ouml", 0xF6 },
	{ "oslash", 0xF8 },
	{ "ugrave", 0xF9 },
	{ "uacute", 0xFA },
	{ "ucirc", 0xFB },
	{ "uuml", 0xFC },
	{ "yuml", 0xFF },
	{ "ensp", 0x2002 },
	{ "emsp", 0x2003 },
	{ "thinsp", 0x2009 },
	{ "zwnj", 0x200C },
	{ "zwj", 0x200D },
	{ "dagger", 0x2020 },
	{ "larr", 0x2190 },
	{ "rarr", 0x2192 },
	{ "uarr", 0x2191 },
	{ "darr", 0x2193 },
	{ "hearts", 0x2665 },
	{ "check", 0x2713 },
};

/*
 * The entity at S (S[0] is '&'): its length, and in *C its character.
 * 0 when it is no entity we know, and the '&' stands for itself.
 */
static size_t
entity(const char *s, size_t len, gunichar *c)
{
	size_t i = 1, start, k;
	gunichar v = 0;
	gboolean hex = FALSE;

	if (i < len && s[i] == '#') {
		i++;
		if (i < len && (s[i] == 'x' || s[i] == 'X')) {
			hex = TRUE;
			i++;
		}
		start = i;
		while (i < len &&
		    (hex ? hex_value(s[i]) >= 0 : g_ascii_isdigit(s[i]))) {
			v = v * (hex ? 16 : 10) +
			    (gunichar)(hex ? hex_value(s[i]) : s[i] - '0');
			if (v > 0x10FFFF)
				v = 0x110000;
			i++;
		}
		if (i == start)
			return 0;
		if (i < len && s[i] == ';')
			i++;
		if (v >= 0x80 && v < 0xA0)
			v = cp1252_c1[v - 0x80];
		if (v == 0 || !g_unichar_validate(v))
			v = 0xFFFD;
		*c = v;
		return i;
	}
	start = i;
	while (i < len && i - start < 8 && g_ascii_isalnum(s[i]))
		i++;
	if (i == start)
		return 0;
	for (k = 0; k < G_N_ELEMENTS(entities); k++) {
		size_t n = strlen(entities[k].name);

		if (n != i - start || memcmp(s + start, entities[k].name, n))
			continue;
		*c = entities[k].c;
		if (i < len && s[i] == ';')
			return i + 1;
		/* Sloppy HTML leaves ';' off the commonest ones. */
		return k < 6 ? i : 0;
	}
	return 0;
}

/* An attribute's value with its entities decoded; caller frees. */
static char *
attr_value(const char *s, size_t len)
{
	GString *v = g_string_sized_new(len);
	size_t i = 0, n;
	gunichar c;

	while (i < len) {
		if (s[i] == '&' && (n = entity(s + i, len - i, &c)) > 0) {
			g_string_append_unichar(v, c == 0xA0 ? ' ' : c);
			i += n;
			continue;
		}
		g_string_append_c(v, s[i] == '\n' || s[i] == '\t' ? ' ' : s[i]);
		i++;
	}
	return g_strstrip(g_string_free(v, FALSE));
}

static void
h_entity_char(struct html *h, gunichar c)
{
	char buf[6];

	if (c == 0xAD || c == 0x200C || c == 0x200D)
		return;
	if (c == ' ' || c == '\t' || c == '\n') {
		h_byte(h, (char)c);
		return;
	}
	if (c == 0xA0)
		c = ' ';
	h_text(h, buf, g_unichar_to_utf8(c, buf));
}

/* Where the raw text of <NAME> ends: after its end tag, or at the end. */
static size_t
skip_raw(const char *s, size_t len, size_t i, const char *name)
{
	size_t n = strlen(name);
	const char *gt;

	for (; i + 2 + n <= len; i++) {
		if (s[i] != '<' || s[i + 1] != '/' ||
		    g_ascii_strncasecmp(s + i + 2, name, n) != 0)
			continue;
		gt = memchr(s + i, '>', len - i);
		return gt != NULL ? (size_t)(gt - s) + 1 : len;
	}
	return len;
}

static void
h_link_end(struct html *h)
{
	const char *text, *href = h->href;
	size_t n;

	if (href == NULL)
		return;
	text = h->out->str + h->link_start;
	n = h->out->len - h->link_start;
	while (n > 0 && g_ascii_isspace(*text)) {
		text++;
		n--;
	}
	while (n > 0 && g_ascii_isspace(text[n - 1]))
		n--;
	if (g_ascii_strncasecmp(href, "mailto:", 7) == 0 &&
	    strlen(href + 7) == n && memcmp(href + 7, text, n) == 0)
		href = NULL;
	else if (strlen(href) == n && memcmp(href, text, n) == 0)
		href = NULL;
	if (href != NULL && href[0] != '\0' && href[0] != '#') {
		if (n > 0)
			h->space = TRUE;
		h_text(h, "<", 1);
		h_text(h, href, strlen(href));
		h_text(h, ">", 1);
	}
	g_clear_pointer(&h->href, g_free);
}

static gboolean
is_one_of(const char *name, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(name, *set) == 0)
			return TRUE;
	return FALSE;
}

/* What a tag does to the text; END for </name>. */
static size_t
h_element(struct html *h, const char *name, gboolean end, const char *s,
    size_t len, size_t i, const char *attr)
{
	static const char *const paragraphs[] = { "p", "h1", "h2", "h3", "h4",
		"h5", "h6", "table", "dl", "hr", NULL };
	static const char *const lines[] = { "div", "tr", "dt", "dd", "section",
		"article", "header", "footer", "center", "address", "form",
		"nav", "aside", "figure", "main", "caption", "li", "body",
		NULL };
	static const char *const raw[] = { "script", "style", "title",
		"textarea", NULL };
	guint d;

	if (!end && is_one_of(name, raw))
		return skip_raw(s, len, i, name);
	if (strcmp(name, "br") == 0) {
		if (h->out->len > 0) {
			h_flush_lines(h);
			h_newline(h);
		}
		h->space = FALSE;
	} else if (strcmp(name, "blockquote") == 0) {
		h_block(h, 2);
		if (end && h->quote > 0)
			h->quote--;
		h_flush_lines(h);
		if (!end)
			h->quote++;
	} else if (strcmp(name, "pre") == 0) {
		h_block(h, 2);
		if (end && h->pre > 0)
			h->pre--;
		else if (!end)
			h->pre++;
		h->pre_nl = !end;
	} else if (strcmp(name, "ul") == 0 || strcmp(name, "ol") == 0) {
		if (end && h->list > 0)
			h->list--;
		h_block(h, h->list > 0 ? 1 : 2);
		if (!end)
			h->list++;
	} else if (is_one_of(name, paragraphs)) {
		h_block(h, 2);
	} else if (is_one_of(name, lines)) {
		h_block(h, 1);
	} else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
		if (!end && !h->bol)
			h->space = TRUE;
	}

	if (end) {
		if (strcmp(name, "a") == 0)
			h_link_end(h);
		return i;
	}
	if (strcmp(name, "li") == 0) {
		h_start_text(h);
		for (d = 1; d < MIN(h->list, DEPTH_MAX); d++)
			g_string_append(h->out, "  ");
		g_string_append(h->out, "* ");
		h->lead = TRUE;
	} else if (strcmp(name, "hr") == 0) {
		h_text(h, "----", 4);
		h_block(h, 2);
	} else if (strcmp(name, "a") == 0) {
		h_link_end(h);
		if (attr != NULL) {
			h->href = g_strdup(attr);
			h->link_start = h->out->len;
		}
	} else if (strcmp(name, "img") == 0 && attr != NULL &&
	    attr[0] != '\0') {
		h_text(h, "[", 1);
		for (const char *p = attr; *p != '\0'; p++)
			h_byte(h, *p);
		h_text(h, "]", 1);
	}
	return i;
}

/* The markup at S[I] ('<'); returns where the text goes on. */
static size_t
h_tag(struct html *h, const char *s, size_t len, size_t i)
{
	char name[16];
	size_t start, n = 0, an, vs, vn;
	gboolean end = FALSE;
	const char *want = NULL, *gt;
	char *attr = NULL;

	if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
		for (start = i + 4; start + 3 <= len; start++)
			if (memcmp(s + start, "-->", 3) == 0)
				return start + 3;
		return len;
	}
	i++;
	if (i < len && (s[i] == '!' || s[i] == '?')) {
		gt = memchr(s + i, '>', len - i);
		return gt != NULL ? (size_t)(gt - s) + 1 : len;
	}
	if (i < len && s[i] == '/') {
		end = TRUE;
		i++;
	}
	if (i >= len || !g_ascii_isalpha(s[i])) {
		/* Not markup: a lone '<' in the text. */
		h_text(h, "<", 1);
		return end ? i - 1 : i;
	}
	while (
	    i < len && (g_ascii_isalnum(s[i]) || s[i] == '-' || s[i] == ':')) {
		if (n < sizeof(name) - 1)
			name[n++] = g_ascii_tolower(s[i]);
		i++;
	}
	name[n] = '\0';
	if (strcmp(name, "a") == 0)
		want = "href";
	else if (strcmp(name, "img") == 0)
		want = "alt";

	/* Attributes up to '>', quoted values may hold '>'. */
	while (i < len && s[i] != '>') {
		if (g_ascii_isspace(s[i]) || s[i] == '/') {
			i++;
			continue;
		}
		start = i;
		while (i < len && !g_ascii_isspace(s[i]) && s[i] != '=' &&
		    s[i] != '>')
			i++;
		an = i - start;
		while (i < len && g_ascii_isspace(s[i]))
			i++;
		if (i >= len || s[i] != '=')
			continue;
		i++;
		while (i < len && g_ascii_isspace(s[i]))
			i++;
		if (i < len && (s[i] == '"' || s[i] == '\'')) {
			const char *q = memchr(s + i + 1, s[i], len - i - 1);

			vs = i + 1;
			vn = q != NULL ? (size_t)(q - s) - vs : len - vs;
			i = q != NULL ? (size_t)(q - s) + 1 : len;
		} else {
			vs = i;
			while (i < len && !g_ascii_isspace(s[i]) && s[i] != '>')
				i++;
			vn = i - vs;
		}
		if (want != NULL && attr == NULL && an == strlen(want) &&
		    g_ascii_strncasecmp(s + start, want, an) == 0)
			attr = attr_value(s + vs, vn);
	}
	/* A tag cut off by the end of the part is dropped. */
	if (i < len)
		i = h_element(h, name, end, s, len, i + 1, attr);
	g_free(attr);
	return i;
}

static GString *
html_to_text(const char *s, size_t len)
{
	struct html h = { 0 };
	size_t i = 0, n;
	gunichar c;

	h.out = g_string_sized_new(len / 2 + 16);
	h.bol = TRUE;
	while (i < len) {
		if (s[i] == '<') {
			i = h_tag(&h, s, len, i);
		} else if (s[i] == '&' &&
		    (n = entity(s + i, len - i, &c)) > 0) {
			h_entity_char(&h, c);
			i += n;
		} else {
			h_byte(&h, s[i++]);
		}
	}
	h_link_end(&h);
	while (h.out->len > 0 && g_ascii_isspace(h.out->str[h.out->len - 1]))
		g_string_truncate(h.out, h.out->len - 1);
	if (h.out->len > 0)
		g_string_append_c(h.out, '\n');
	return h.out;
}

static gboolean
is_html(const char *type)
{
	size_t n = 0;

	if (type == NULL)
		return FALSE;
	while (*type == ' ' || *type == '\t')
		type++;
	while (type[n] != '\0' && type[n] != ';' && type[n] != ' ')
		n++;
	return n == 9 && g_ascii_strncasecmp(type, "text/html", 9) == 0;
}

char *
mime_render_part(const char *data, size_t len, const char *content_type,
    const char *transfer_encoding, const char *charset, bool flowed, bool delsp)
{
	GString *raw, *text, *out;
	char *valid;

	if (data == NULL)
		len = 0;
	raw = transfer_decode(data != NULL ? data : "", len, transfer_encoding);
	text = to_utf8(raw->str, raw->len, charset);
	g_string_free(raw, TRUE);
	normalize_lines(text);
	if (is_html(content_type)) {
		out = html_to_text(text->str, text->len);
		g_string_free(text, TRUE);
	} else if (flowed) {
		out = unflow(text->str, text->len, delsp);
		g_string_free(text, TRUE);
	} else {
		out = text;
	}
	if (g_utf8_validate(out->str, (gssize)out->len, NULL))
		return g_string_free(out, FALSE);
	/* Not expected; a last guard so callers always get UTF-8. */
	valid = g_utf8_make_valid(out->str, (gssize)out->len);
	g_string_free(out, TRUE);
	return valid;
}

GBytes *
mime_decode_transfer(const char *data, size_t len,
    const char *transfer_encoding)
{
	GString *out = transfer_decode(data != NULL ? data : "",
	    data != NULL ? len : 0, transfer_encoding);

	return g_string_free_to_bytes(out);
}
