/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for mime/headers.c: splitting a header block into unfolded
 * fields, and the first mailbox of an address field, by the quick path
 * and by GMime's parser, with the same results either way.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "mime/headers.h"
#include "mime/mime-internal.h"
#include "mime/mime.h"

static void
collect(const char *name, size_t len, const char *value, void *data)
{
	GString *out = data;

	g_string_append_printf(out, "[%.*s=%s]", (int)len, name, value);
}

static char *
fields_of(const char *block)
{
	GString *out = g_string_new(NULL);

	mime_header_fields(block, strlen(block), collect, out);
	return g_string_free(out, FALSE);
}

static void
test_fields(void)
{
	static const struct {
		const char *block, *want;
	} cases[] = {
		{ "Subject: hello\r\nFrom: a@b\r\n\r\n",
		    "[Subject=hello][From=a@b]" },
		/* Folded: the break goes, the white space stays. */
		{ "Subject: a long\r\n\tsubject\r\n  here\r\nTo: x@y\r\n",
		    "[Subject=a long\tsubject  here][To=x@y]" },
		/* Bare LF, no final line break, case kept. */
		{ "SUBJECT:  spaced  \nreferences: <a@b>\n <c@d>",
		    "[SUBJECT=spaced][references=<a@b> <c@d>]" },
		/* The header ends at the empty line. */
		{ "To: x@y\r\n\r\nSubject: body\r\n", "[To=x@y]" },
		/* Not fields: skipped, with their continuations. */
		{ "garbage line\r\n cont\r\nBad Name: v\r\nDate: d\r\n",
		    "[Date=d]" },
		{ ": empty name\r\nSubject:\r\n", "[Subject=]" },
		{ "", "" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = fields_of(cases[i].block);

		g_assert_cmpstr(got, ==, cases[i].want);
	}
}

/* A field far longer than the cap is cut, never overflows. */
static void
test_field_cap(void)
{
	GString *block = g_string_new("Subject: x");
	g_autofree char *got = NULL;

	for (int i = 0; i < 5000; i++)
		g_string_append(block, "\r\n folded-word");
	g_string_append(block, "\r\nTo: t@u\r\n");
	got = fields_of(block->str);
	g_assert_cmpuint(strlen(got), <=, MIME_FIELD_MAX + 32);
	g_assert_true(g_str_has_suffix(got, "[To=t@u]"));
	g_string_free(block, TRUE);
}

static void
test_first_mailbox(void)
{
	static const struct {
		const char *value, *name, *addr;
	} cases[] = {
		{ "Alice Example <alice@example.org>", "Alice Example",
		    "alice@example.org" },
		{ "\"Smith, John\" <john@example.org>", "Smith, John",
		    "john@example.org" },
		{ "\"Say \\\"hi\\\"\" <q@x.org>", "Say \"hi\"", "q@x.org" },
		{ "bare@example.org", NULL, "bare@example.org" },
		{ "  <angle@example.org>  ", NULL, "angle@example.org" },
		{ "=?UTF-8?B?w4lsb2RpZQ==?= <e@x.org>", "\xc3\x89lodie",
		    "e@x.org" },
		{ "\"=?ISO-8859-1?Q?Jos=E9?=\" <j@x.org>", "Jos\xc3\xa9",
		    "j@x.org" },
		{ "Jos\xe9 Raw <raw@x.org>", "Jos\xc3\xa9 Raw", "raw@x.org" },
		/* The rest through GMime. */
		{ "first@x.org, second@y.org", NULL, "first@x.org" },
		{ "Friends: one@x.org, two@x.org;", NULL, "one@x.org" },
		{ "Ann <ann@x.org>, Bob <bob@y.org>", "Ann", "ann@x.org" },
		{ "", NULL, NULL },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *name = NULL, *addr = NULL;

		mime_first_mailbox(cases[i].value, &name, &addr);
		g_assert_cmpstr(name, ==, cases[i].name);
		g_assert_cmpstr(addr, ==, cases[i].addr);
	}
}

/* Hostile or broken values: an answer or NULLs, never a crash. */
static void
test_first_mailbox_broken(void)
{
	static const char *const values[] = { "\"unterminated <a@b>",
		"<unterminated@x", "Name <a b@c>", "(only a comment)", "<<<>>>",
		"\"\" <>", ";;;,,,:::", "a@b (comment (nested))" };

	for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
		g_autofree char *name = NULL, *addr = NULL;

		mime_first_mailbox(values[i], &name, &addr);
		g_assert_true(name == NULL || g_utf8_validate(name, -1, NULL));
		g_assert_true(addr == NULL || g_utf8_validate(addr, -1, NULL));
	}
}

static void
test_squeeze(void)
{
	g_autofree char *a = mime_squeeze_space("  <a@b>\r\n\t <c@d>  ");
	g_autofree char *b = mime_squeeze_space("");

	g_assert_cmpstr(a, ==, "<a@b> <c@d>");
	g_assert_cmpstr(b, ==, "");
}

/* GMime's answer, the oracle for ours. */
static char *
gmime_decode(const char *raw)
{
	return g_mime_utils_header_decode_text(mime_parser_options(), raw);
}

static void
check_same(const char *raw)
{
	g_autofree char *ours = mime_rfc2047_decode(raw);
	g_autofree char *theirs = gmime_decode(raw);

	if (g_strcmp0(ours, theirs) != 0)
		g_error("'%s': ours '%s', GMime's '%s'", raw, ours, theirs);
}

/* Hand-made cases: splits, adjacency, broken words, raw 8-bit. */
static void
test_rfc2047_cases(void)
{
	static const char *const cases[] = {
		"=?UTF-8?B?w6l0w6k=?=",
		"=?utf-8?q?caf=C3=A9_cr=C3=A8me?=",
		"=?ISO-8859-1?Q?Andr=E9?= Pirard",
		"a =?UTF-8?Q?x?= =?UTF-8?Q?y?= b",
		"=?UTF-8?Q?x?=\r\n =?UTF-8?Q?y?=",
		"=?UTF-8?Q?x?= plain =?UTF-8?Q?y?=",
		/* One character cut between two words. */
		"=?UTF-8?B?5pel?= =?UTF-8?B?5pys?=",
		"=?UTF-8?Q?=E6=97?= =?UTF-8?Q?=A5?=",
		"=?koi8-r?B?8NLJ18XU?= and =?windows-1251?B?z/Do4uXy?=",
		"=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=",
		"=?gb2312?B?xOO6ww==?=",
		"=?UTF-8*en?Q?lang?=",
		"=?UTF-8?Q?unterminated",
		"=?UTF-8?X?bad_encoding?=",
		"=??Q?empty_charset?=",
		"=?UTF-8?Q?with space?=",
		"x=?UTF-8?Q?glued?=y",
		"Caf\xe9 =?UTF-8?Q?=C3=A9?=",
		"=?UTF-8?B?!!!?=",
		"=?UTF-8?Q?=ZZ?=",
		"= ? not one",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
		check_same(cases[i]);
	/* No converter: ours declines, GMime decides. */
	g_assert_null(mime_rfc2047_decode("=?x-no-such?Q?abc?="));
}

/* Text in several charsets, encoded both ways, next to plain words. */
static void
test_rfc2047_corpus(void)
{
	static const struct {
		const char *charset, *text;
	} samples[] = {
		{ "UTF-8", "Réunion — 日本語 ☕" },
		{ "ISO-8859-1", "Müller Straße Ærø" },
		{ "ISO-8859-15", "Prix 5 € net" },
		{ "windows-1252", "“quoted” – dash" },
		{ "ISO-8859-2", "Łódź Žluťoučký" },
		{ "KOI8-R", "Привет мир" },
		{ "windows-1251", "Встреча в четверг" },
		{ "ISO-8859-7", "Ελένη Οικονόμου" },
		{ "GB2312", "服务器维护通知" },
		{ "GBK", "张敏 王芳" },
		{ "BIG5", "會議記錄" },
		{ "SHIFT_JIS", "見積書の送付" },
		{ "EUC-JP", "出張の件" },
		{ "EUC-KR", "이서연 박지훈" },
		{ "ISO-2022-JP", "リリースのお知らせ" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(samples); i++) {
		gsize n = 0;
		g_autofree char *bytes = g_convert(samples[i].text, -1,
		    samples[i].charset, "UTF-8", NULL, &n, NULL);
		g_autofree char *b64 = NULL;
		GString *q = g_string_new(NULL);

		g_assert_nonnull(bytes);
		b64 = g_base64_encode((const guchar *)bytes, n);
		for (gsize k = 0; k < n; k++) {
			guchar c = (guchar)bytes[k];

			if (c == ' ')
				g_string_append_c(q, '_');
			else if (c < 0x21 || c > 0x7e || c == '=' || c == '?' ||
			    c == '_')
				g_string_append_printf(q, "=%02X", c);
			else
				g_string_append_c(q, (char)c);
		}
		{
			g_autofree char *a =
			    g_strdup_printf("=?%s?B?%s?=", samples[i].charset,
				b64);
			g_autofree char *b =
			    g_strdup_printf("Re: =?%s?Q?%s?= (fwd)",
				samples[i].charset, q->str);
			g_autofree char *c =
			    g_strdup_printf("=?%s?B?%s?= =?%s?Q?%s?=",
				samples[i].charset, b64, samples[i].charset,
				q->str);
			g_autofree char *want = mime_rfc2047_decode(a);

			check_same(a);
			check_same(b);
			check_same(c);
			/* And it is the text that went in. */
			g_assert_cmpstr(want, ==, samples[i].text);
		}
		g_string_free(q, TRUE);
	}
}

/* The index's fields of a header block, decoded, first of each counting. */
static void
test_index_fields(void)
{
	const char *block = "Subject: =?UTF-8?Q?caf=C3=A9?=\r\n"
			    "From: <only@addr.org>\r\n"
			    "To: \"Bob B\" <bob@y.org>, c@z.org\r\n"
			    "Date: Sat, 14 Dec 2024 13:23:58 +0000\r\n"
			    "Message-ID: <1@x>\r\n"
			    "References: <a@x>\r\n <b@x>\r\n"
			    "Subject: second\r\n\r\n";
	struct mime_index_fields xf;

	mime_index_fields(block, strlen(block), &xf);
	g_assert_cmpstr(xf.subject, ==, "caf\xc3\xa9");
	g_assert_cmpstr(xf.from, ==, "only@addr.org");
	g_assert_cmpstr(xf.from_addr, ==, "only@addr.org");
	g_assert_cmpstr(xf.to, ==, "Bob B");
	g_assert_cmpint(xf.date, ==, 1734182638);
	g_assert_cmpstr(xf.message_id, ==, "<1@x>");
	g_assert_null(xf.in_reply_to);
	g_assert_cmpstr(xf.references, ==, "<a@x> <b@x>");
	mime_index_fields_clear(&xf);
	mime_index_fields("", 0, &xf);
	g_assert_null(xf.subject);
	g_assert_null(xf.from);
	g_assert_cmpint(xf.date, ==, 0);
	mime_index_fields_clear(&xf);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	mime_init();
	g_test_add_func("/headers/fields", test_fields);
	g_test_add_func("/headers/field-cap", test_field_cap);
	g_test_add_func("/headers/first-mailbox", test_first_mailbox);
	g_test_add_func("/headers/first-mailbox-broken",
	    test_first_mailbox_broken);
	g_test_add_func("/headers/squeeze", test_squeeze);
	g_test_add_func("/headers/index-fields", test_index_fields);
	g_test_add_func("/headers/rfc2047-cases", test_rfc2047_cases);
	g_test_add_func("/headers/rfc2047-corpus", test_rfc2047_corpus);
	return g_test_run();
}
