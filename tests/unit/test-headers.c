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
	return g_test_run();
}
