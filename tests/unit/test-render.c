/* SPDX-License-Identifier: ISC */
/* Unit tests for mime/render: transfer encodings, charsets, flowed, HTML. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "mime/mime.h"
#include "mime/render.h"

/* Render a NUL-terminated body. */
static char *
render(const char *data, const char *type, const char *cte, const char *charset)
{
	return mime_render_part(data, strlen(data), type, cte, charset, false,
	    false);
}

static void
check(const char *data, const char *type, const char *cte, const char *charset,
    const char *want)
{
	char *got = render(data, type, cte, charset);

	g_assert_cmpstr(got, ==, want);
	g_free(got);
}

static void
check_flowed(const char *data, bool delsp, const char *want)
{
	char *got = mime_render_part(data, strlen(data), "text/plain", NULL,
	    "utf-8", true, delsp);

	g_assert_cmpstr(got, ==, want);
	g_free(got);
}

static void
check_html(const char *html, const char *want)
{
	check(html, "text/html", NULL, "utf-8", want);
}

static void
test_qp(void)
{
	check("Caf=E9 cr=\r\n=E8me=\r\n", "text/plain", "Quoted-Printable",
	    "iso-8859-1", "Café crème");
	check("a=3Db =  \nc=\n", "text/plain", "quoted-printable", NULL,
	    "a=b c");
	/* Broken escapes stay as they are. */
	check("100=% =G1 end=", "text/plain", "quoted-printable", NULL,
	    "100=% =G1 end");
}

static void
test_base64(void)
{
	check("5pel5pys6KqeIPCfjokgb2s=", "text/plain", "BASE64", "UTF-8",
	    "日本語 🎉 ok");
	/* Line breaks and junk between groups are skipped. */
	check("5pel5pys\r\n6KqeIPCf\r\njokgb2s=\r\n", "text/plain", "base64",
	    NULL, "日本語 🎉 ok");
	check("", "text/plain", "base64", NULL, "");
}

static void
test_charsets(void)
{
	/* No charset, not UTF-8: windows-1252 smart quotes. */
	check("\x93quoted\x94 \x96 it\x92s \x80", "text/plain", "8bit", NULL,
	    "“quoted” – it’s €");
	check("d\xc3\xa9j\xc3\xa0 vu", "text/plain", NULL, NULL, "déjà vu");
	check("d\xc3\xa9j\xc3\xa0 vu", "text/plain", NULL, "x-unknown-cs",
	    "déjà vu");
	check("caf\xe9", "text/plain", NULL, "us-ascii", "café");
	check("\xf0\xd2\xc9\xd7\xc5\xd4, \xcd\xc9\xd2", "text/plain", NULL,
	    "KOI8-R", "Привет, мир");
	check("\x1b$BF|K\\8l$N%F%9%H\x1b(B", "text/plain", "7bit",
	    "iso-2022-jp", "日本語のテスト");
	check("\x93\xfa\x96{\x8c\xea\xc3\xbd\xc4", "text/plain", NULL,
	    "shift_jis", "日本語ﾃｽﾄ");
	check("\xd6\xd0\xce\xc4\xd3\xca\xbc\xfe", "text/plain", NULL, "gb2312",
	    "中文邮件");
	/* Bad bytes in a declared charset become U+FFFD. */
	check("ok \xff\xfe", "text/plain", NULL, "utf-8",
	    "ok \xef\xbf\xbd"
	    "\xef\xbf\xbd");
}

static void
test_line_endings(void)
{
	char *got;

	check("one\r\ntwo\r\n\r\nthree\rfour", "text/plain", NULL, NULL,
	    "one\ntwo\n\nthree\nfour");
	got = mime_render_part("nul\0byte", 8, "text/plain", NULL, NULL, false,
	    false);
	g_assert_cmpstr(got, ==, "nulbyte");
	g_free(got);
}

static void
test_flowed(void)
{
	check_flowed("This is a \nsoft break.\nHard.\n", false,
	    "This is a soft break.\nHard.\n");
	check_flowed("> a \n> b\n", false, "> a b\n");
	check_flowed(">> deep \n>> er\n> out\n", false, ">> deep er\n> out\n");
	check_flowed(" From here\n", false, "From here\n");
	check_flowed("end \n-- \nSig \nname\n", false, "end \n-- \nSig name\n");
	check_flowed("Del\nsp: abc \ndef\n", true, "Del\nsp: abcdef\n");
	/* A change of quote depth ends the paragraph. */
	check_flowed("> q \nplain\n", false, "> q \nplain\n");
	check_flowed(">\n", false, ">\n");
	check_flowed("soft at end ", false, "soft at end ");
}

static void
test_html_blocks(void)
{
	check_html("<html><body><p>One\n  two</p><p>Three<br>four</p>"
		   "</body></html>",
	    "One two\n\nThree\nfour\n");
	check_html("<div>a</div><div>b</div>", "a\nb\n");
	check_html("<h1>Title</h1>text", "Title\n\ntext\n");
	check_html("<ul><li>one</li><li> two</li></ul>after",
	    "* one\n* two\n\nafter\n");
	check_html("<ul><li>a<ul><li>b</li></ul></li></ul>", "* a\n  * b\n");
	check_html("<p>Said:</p><blockquote>line 1<br>line 2</blockquote>"
		   "<p>reply</p>",
	    "Said:\n\n> line 1\n> line 2\n\nreply\n");
	check_html("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr>"
		   "</table>",
	    "a b\nc\n");
}

static void
test_html_inline(void)
{
	check_html("a &amp; b &lt;c&gt; caf&#233; &#x1F389; &nbsp;x &bogus; "
		   "&amp",
	    "a & b <c> café 🎉  x &bogus; &\n");
	check_html("x<script>if (a < b) alert('</p>')</script>y"
		   "<style>p { color: red }</style>z<!-- <p>hidden</p> -->!",
	    "xyz!\n");
	check_html("<a href=\"https://x.org/\">site</a>, "
		   "<a href='https://y.org/'>https://y.org/</a>, "
		   "<a href=\"mailto:me@x.org\">me@x.org</a>",
	    "site <https://x.org/>, https://y.org/, me@x.org\n");
	check_html("<img src=a.png alt=\"logo &amp; co\"> <img src=b.png>",
	    "[logo & co]\n");
	check_html("<p>x</p><pre>\n  a  b\n    c\n</pre><p>y   z</p>",
	    "x\n\n  a  b\n    c\n\ny z\n");
	check_html("1 < 2 and 3 <= 4", "1 < 2 and 3 <= 4\n");
	check_html("<title>T</title><b>bold</b> <i>it</i>", "bold it\n");
	check_html("unterminated <a href=\"x", "unterminated\n");
	check_html("", "");
}

static void
test_html_deep(void)
{
	const guint depth = 100000;
	GString *html = g_string_new(NULL);
	gint64 start;
	char *got;
	guint i;

	for (i = 0; i < depth; i++)
		g_string_append(html, "<div><blockquote><ul><li>");
	g_string_append(html, "deep");
	for (i = 0; i < depth; i++)
		g_string_append(html, "</li></ul></blockquote></div>");
	start = g_get_monotonic_time();
	got = mime_render_part(html->str, html->len, "text/html; charset=x",
	    NULL, NULL, false, false);
	g_assert_cmpint(g_get_monotonic_time() - start, <, 5 * G_USEC_PER_SEC);
	g_assert_nonnull(strstr(got, "deep"));
	g_assert_true(g_utf8_validate(got, -1, NULL));
	g_free(got);
	g_string_free(html, TRUE);
}

static void
test_big(void)
{
	const size_t n = 8 * 1024 * 1024;
	char *data = g_malloc(n), *got;
	gint64 start = g_get_monotonic_time();
	size_t i;

	for (i = 0; i < n; i++)
		data[i] = "<a>&=\r\n \xe9x"[i % 10];
	got = mime_render_part(data, n, "text/html", "quoted-printable", NULL,
	    false, false);
	g_free(got);
	got = mime_render_part(data, n, "text/plain", NULL, "shift_jis", true,
	    true);
	g_free(got);
	g_assert_cmpint(g_get_monotonic_time() - start, <, 10 * G_USEC_PER_SEC);
	g_free(data);
}

static void
test_garbage(void)
{
	static const char *const types[] = { "text/plain", "text/html" };
	static const char *const ctes[] = { NULL, "7bit", "8bit", "binary",
		"quoted-printable", "base64", "x-uuencode" };
	static const char *const charsets[] = { NULL, "utf-8", "iso-8859-1",
		"windows-1252", "koi8-r", "iso-2022-jp", "shift_jis", "gb2312",
		"utf-16", "bogus" };
	/* Bytes that steer the decoders into their corners. */
	static const char alphabet[] = "<>&#;=/!-\r\n \"'abAZ09+\x1b\xe9\x80";
	GRand *rand = g_rand_new_with_seed(3676);
	char buf[301];
	size_t len, i, t, e, c;
	char *got;

	for (len = 0; len <= 300; len++) {
		for (i = 0; i < len; i++)
			buf[i] = g_rand_boolean(rand)
			    ? (char)g_rand_int_range(rand, 0, 256)
			    : alphabet[g_rand_int_range(rand, 0,
				  sizeof(alphabet) - 1)];
		for (t = 0; t < G_N_ELEMENTS(types); t++)
			for (e = 0; e < G_N_ELEMENTS(ctes); e++)
				for (c = 0; c < G_N_ELEMENTS(charsets); c++) {
					got = mime_render_part(buf, len,
					    types[t], ctes[e], charsets[c],
					    (len + c) % 2 == 0, len % 3 == 0);
					g_assert_nonnull(got);
					g_assert_true(
					    g_utf8_validate(got, -1, NULL));
					g_assert_null(strchr(got, '\r'));
					g_free(got);
				}
	}
	got = mime_render_part(NULL, 0, NULL, NULL, NULL, true, true);
	g_assert_cmpstr(got, ==, "");
	g_free(got);
	g_rand_free(rand);
}

/* Header values: encoded words in any charset, raw 8-bit, plain ASCII. */
static void
test_decode_header(void)
{
	static const struct {
		const char *raw, *want;
	} cases[] = {
		{ "Plain  subject, two spaces", "Plain  subject, two spaces" },
		{ "=?ISO-8859-1?Q?Andr=E9?= Pirard", "Andr\u00e9 Pirard" },
		{ "=?utf-8?B?w6l0w6k=?=", "\u00e9t\u00e9" },
		{ "=?koi8-r?B?8NLJ18XU?=",
		    "\u041f\u0440\u0438\u0432\u0435\u0442" },
		{ "Caf\xe9 cr\xe8me", "Caf\u00e9 cr\u00e8me" },
		{ "d\xc3\xa9j\xc3\xa0 vu", "d\u00e9j\u00e0 vu" },
		{ "=? not a word", "=? not a word" },
	};

	/* Twice: the second time through the converters kept loaded. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
			g_autofree char *got = mime_decode_header(cases[i].raw);

			g_assert_cmpstr(got, ==, cases[i].want);
		}
	}
	/* A charset iconv does not know: no crash, some text. */
	{
		g_autofree char *got =
		    mime_decode_header("=?x-no-such-charset?Q?abc?= tail");

		g_assert_nonnull(got);
		g_assert_true(g_utf8_validate(got, -1, NULL));
		g_assert_nonnull(strstr(got, "tail"));
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	mime_init();
	g_test_add_func("/render/qp", test_qp);
	g_test_add_func("/render/decode-header", test_decode_header);
	g_test_add_func("/render/base64", test_base64);
	g_test_add_func("/render/charsets", test_charsets);
	g_test_add_func("/render/line-endings", test_line_endings);
	g_test_add_func("/render/flowed", test_flowed);
	g_test_add_func("/render/html-blocks", test_html_blocks);
	g_test_add_func("/render/html-inline", test_html_inline);
	g_test_add_func("/render/html-deep", test_html_deep);
	g_test_add_func("/render/big", test_big);
	g_test_add_func("/render/garbage", test_garbage);
	return g_test_run();
}
