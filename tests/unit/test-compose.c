/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for mime/compose.c: a draft built into RFC 5322 bytes and
 * parsed back, Bcc kept only for drafts, 7-bit output with CRLF, encoded
 * non-ASCII headers and file names, long lines, a binary attachment that
 * comes back byte for byte, format=flowed, and refused addresses.
 */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "mime/compose.h"
#include "mime/mime.h"
#include "util/error.h"

static char *
bytes_str(GBytes *b)
{
	gsize n = 0;
	const char *p = g_bytes_get_data(b, &n);

	return g_strndup(p, n);
}

/* The header block of msg (up to the empty line). */
static char *
header_of(const char *msg)
{
	const char *end = strstr(msg, "\r\n\r\n");

	g_assert_nonnull(end);
	return g_strndup(msg, (gsize)(end - msg + 2));
}

static void
assert_7bit_crlf(GBytes *b)
{
	gsize n = 0;
	const unsigned char *p = g_bytes_get_data(b, &n);
	gsize line = 0;

	for (gsize i = 0; i < n; i++) {
		g_assert_cmpuint(p[i], <, 0x80);
		g_assert_cmpuint(p[i], !=, 0);
		if (p[i] == '\n') {
			g_assert_true(i > 0 && p[i - 1] == '\r');
			line = 0;
		} else if (++line > 998)
			g_assert_not_reached();
	}
}

static struct draft *
sample(void)
{
	struct draft *d = draft_new();

	d->from = g_strdup("Jürgen Müller <jm@example.de>");
	d->to = g_strdup("Zoë <zoe@example.org>, bob@example.net");
	d->cc = g_strdup("\"Doe, Jane\" <jane@example.com>");
	d->bcc = g_strdup("secret@example.com");
	d->subject = g_strdup("Grüße aus Köln — 日本語");
	d->reply_to = g_strdup("Replies <replies@example.org>");
	d->in_reply_to = g_strdup("<orig@example.org>");
	d->references = g_strdup("<a@example.org> <orig@example.org>");
	d->headers = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(d->headers,
	    g_strdup("Mail-Followup-To: list@example.org"));
	d->body = g_strdup("Hallo Zoë,\n\nplain text.\n-- \nJM\n");
	return d;
}

static void
test_round_trip(void)
{
	struct draft *d = sample();
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) b = draft_build(d, true, &error);
	g_autofree char *s = NULL;
	struct draft *back;

	g_assert_no_error(error);
	g_assert_nonnull(b);
	assert_7bit_crlf(b);
	s = bytes_str(b);
	g_assert_nonnull(strstr(s, "MIME-Version: 1.0\r\n"));
	g_assert_true(
	    g_str_has_prefix(s, "Date: ") || strstr(s, "\r\nDate: ") != NULL);
	g_assert_nonnull(strstr(s, "=?"));
	/* The Message-ID was made from the From domain and kept in d. */
	g_assert_nonnull(d->message_id);
	g_assert_true(g_str_has_suffix(d->message_id, "@example.de>"));
	back = draft_parse(s, strlen(s), "/nonexistent", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(back->subject, ==, d->subject);
	g_assert_cmpstr(back->from, ==, "Jürgen Müller <jm@example.de>");
	g_assert_nonnull(strstr(back->to, "zoe@example.org"));
	g_assert_nonnull(strstr(back->to, "Zoë"));
	g_assert_nonnull(strstr(back->cc, "jane@example.com"));
	g_assert_cmpstr(back->bcc, ==, "secret@example.com");
	g_assert_cmpstr(back->reply_to, ==, "Replies <replies@example.org>");
	g_assert_cmpstr(back->body, ==, d->body);
	g_assert_cmpstr(back->in_reply_to, ==, "<orig@example.org>");
	g_assert_cmpstr(back->references, ==,
	    "<a@example.org> <orig@example.org>");
	g_assert_cmpstr(back->message_id, ==, d->message_id);
	g_assert_nonnull(back->headers);
	g_assert_cmpuint(back->headers->len, ==, 1);
	g_assert_cmpstr(back->headers->pdata[0], ==,
	    "Mail-Followup-To: list@example.org");
	g_assert_null(back->attachments);
	draft_free(back);
	draft_free(d);
}

static void
test_no_bcc(void)
{
	struct draft *d = sample();
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) b = draft_build(d, false, &error);
	g_autofree char *s = NULL;
	g_autofree char *head = NULL;
	g_autofree char *lower = NULL;

	g_assert_no_error(error);
	s = bytes_str(b);
	head = header_of(s);
	lower = g_ascii_strdown(s, -1);
	/* No Bcc field (a bare "bcc" may well occur in the Message-ID or a
	 * boundary, which are random), and the address nowhere. */
	g_assert_false(g_str_has_prefix(lower, "bcc:"));
	g_assert_null(strstr(lower, "\nbcc:"));
	g_assert_null(strstr(lower, "secret@"));
	g_assert_nonnull(strstr(head, "To: "));
	draft_free(d);
}

static void
test_long_lines(void)
{
	struct draft *d = draft_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) b = NULL;
	g_autofree char *s = NULL;
	GString *body = g_string_new(NULL);
	struct draft *back;

	for (int i = 0; i < 3000; i++)
		g_string_append_c(body, "abcdefgh "[i % 9]);
	g_string_append(body, "\nand a trailing space \nend\n");
	d->from = g_strdup("a@example.org");
	d->to = g_strdup("b@example.org");
	d->body = g_string_free(body, FALSE);
	b = draft_build(d, false, &error);
	g_assert_no_error(error);
	assert_7bit_crlf(b);
	s = bytes_str(b);
	g_assert_nonnull(strstr(s, "quoted-printable"));
	back = draft_parse(s, strlen(s), "/nonexistent", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(back->body, ==, d->body);
	g_assert_cmpstr(back->subject, ==, "");
	draft_free(back);
	draft_free(d);
}

static void
test_attachment(void)
{
	g_autofree char *dir = g_dir_make_tmp("skua-compose-XXXXXX", NULL);
	g_autofree char *out = g_build_filename(dir, "out", NULL);
	g_autofree char *file = g_build_filename(dir, "data.bin", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) b = NULL;
	g_autofree char *s = NULL;
	g_autofree char *got = NULL;
	unsigned char bin[4096];
	struct draft *d = draft_new();
	struct draft *back;
	struct draft_attachment *a;
	gsize len = 0;
	GStatBuf st;

	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)((i * 7 + i / 256) & 0xff);
	bin[10] = '\r';
	bin[11] = '\n';
	bin[20] = '\n';
	g_assert_true(
	    g_file_set_contents(file, (const char *)bin, sizeof(bin), NULL));
	d->from = g_strdup("a@example.org");
	d->to = g_strdup("b@example.org");
	d->subject = g_strdup("files");
	d->body = g_strdup("see attached\n");
	d->attachments = g_ptr_array_new();
	a = draft_attachment_new(file);
	a->name = g_strdup("résumé données.bin");
	a->description = g_strdup("Lebenslauf");
	g_ptr_array_add(d->attachments, a);
	a = draft_attachment_new(file);
	a->name = g_strdup("note.txt");
	a->content_type = g_strdup("text/plain");
	g_ptr_array_add(d->attachments, a);
	b = draft_build(d, false, &error);
	g_assert_no_error(error);
	assert_7bit_crlf(b);
	s = bytes_str(b);
	/* RFC 2231 for the non-ASCII name. */
	g_assert_nonnull(strstr(s, "filename*=UTF-8''r%C3%A9sum%C3%A9"));
	g_assert_nonnull(strstr(s, "multipart/mixed"));
	back = draft_parse(s, strlen(s), out, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(back->body, ==, "see attached\n");
	g_assert_nonnull(back->attachments);
	g_assert_cmpuint(back->attachments->len, ==, 2);
	a = back->attachments->pdata[0];
	g_assert_cmpstr(a->name, ==, "résumé données.bin");
	g_assert_cmpstr(a->description, ==, "Lebenslauf");
	g_assert_true(g_file_get_contents(a->path, &got, &len, NULL));
	g_assert_cmpmem(got, len, bin, sizeof(bin));
	g_assert_cmpint(g_stat(a->path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	a = back->attachments->pdata[1];
	g_assert_cmpstr(a->content_type, ==, "text/plain");
	g_assert_cmpstr(a->name, ==, "note.txt");
	for (guint i = 0; i < back->attachments->len; i++)
		g_unlink(
		    ((struct draft_attachment *)back->attachments->pdata[i])
			->path);
	draft_free(back);
	draft_free(d);
	g_rmdir(out);
	g_unlink(file);
	g_rmdir(dir);
}

/* A forwarded message (message/rfc822) goes as a message, never in
 * base64 (RFC 2046 5.2.1), its 8-bit text encoded inside it. */
static void
test_message_attachment(void)
{
	g_autofree char *dir = g_dir_make_tmp("skua-compose-XXXXXX", NULL);
	g_autofree char *file = g_build_filename(dir, "fwd.eml", NULL);
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) b = NULL;
	g_autofree char *s = NULL;
	const char *orig = "From: Zoë <z@example.net>\n"
			   "Subject: the plan\n"
			   "Message-ID: <plan@example.net>\n"
			   "Content-Type: text/plain; charset=utf-8\n"
			   "Content-Transfer-Encoding: 8bit\n"
			   "\n"
			   "Grüße aus Köln\n";
	struct draft *d = draft_new();
	struct draft_attachment *a;
	const char *ct;

	g_assert_true(g_file_set_contents(file, orig, -1, NULL));
	d->from = g_strdup("a@example.org");
	d->to = g_strdup("b@example.org");
	d->subject = g_strdup("Fwd: the plan");
	d->body = g_strdup("see below\n");
	d->attachments = g_ptr_array_new();
	a = draft_attachment_new(file);
	a->content_type = g_strdup("message/rfc822");
	g_ptr_array_add(d->attachments, a);
	b = draft_build(d, false, &error);
	g_assert_no_error(error);
	assert_7bit_crlf(b);
	s = bytes_str(b);
	ct = strstr(s, "Content-Type: message/rfc822");
	g_assert_nonnull(ct);
	/* The part's own header has no base64 encoding, and the original's
	 * header fields are readable right after it. */
	g_assert_null(g_strstr_len(ct, strstr(ct, "\r\n\r\n") - ct,
	    "Content-Transfer-Encoding: base64"));
	g_assert_nonnull(strstr(ct, "Message-ID: <plan@example.net>"));
	g_assert_nonnull(strstr(ct, "Subject: the plan"));
	draft_free(d);
	g_unlink(file);
	g_rmdir(dir);
}

static void
test_missing_attachment(void)
{
	struct draft *d = draft_new();
	g_autoptr(GError) error = NULL;

	d->from = g_strdup("a@example.org");
	d->to = g_strdup("b@example.org");
	d->attachments = g_ptr_array_new();
	g_ptr_array_add(d->attachments,
	    draft_attachment_new("/nonexistent/file.pdf"));
	g_assert_null(draft_build(d, false, &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_IO);
	g_assert_nonnull(strstr(error->message, "/nonexistent/file.pdf"));
	draft_free(d);
}

static void
test_flowed(void)
{
	struct draft *d = draft_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) b = NULL;
	g_autofree char *s = NULL;
	g_autofree char *flowed = NULL;
	GString *para = g_string_new(NULL);
	struct draft *back;

	for (int i = 0; i < 40; i++)
		g_string_append(para, "word ");
	g_string_append(para, "end");
	flowed = draft_flow_text("From here\n> quoted\n -- x\n");
	g_assert_cmpstr(flowed, ==, " From here\n> quoted\n  -- x\n");
	d->from = g_strdup("a@example.org");
	d->to = g_strdup("b@example.org");
	d->flowed = true;
	d->body = g_strdup_printf("%s\n> %s\n-- \nsig\n", para->str, para->str);
	b = draft_build(d, false, &error);
	g_assert_no_error(error);
	assert_7bit_crlf(b);
	s = bytes_str(b);
	g_assert_nonnull(strstr(s, "format=flowed"));
	/* Soft breaks: no line of the text longer than 72 columns. */
	{
		g_auto(GStrv) lines =
		    g_strsplit(strstr(s, "\r\n\r\n"), "\r\n", -1);

		for (char **l = lines; *l != NULL; l++)
			g_assert_cmpuint(strlen(*l), <=, 72);
	}
	g_assert_nonnull(strstr(s, "word \r\nword"));
	back = draft_parse(s, strlen(s), "/nonexistent", &error);
	g_assert_no_error(error);
	g_assert_true(back->flowed);
	g_assert_cmpstr(back->body, ==, d->body);
	draft_free(back);
	draft_free(d);
	g_string_free(para, TRUE);
}

static void
test_addresses(void)
{
	struct draft *d = draft_new();
	g_autoptr(GError) error = NULL;
	GPtrArray *r;
	char *sender;

	d->from = g_strdup("Me <me@example.org>");
	d->to = g_strdup("A <a@example.org>, b@localhost");
	d->cc = g_strdup("team: c@example.org, d@example.org;");
	d->bcc = g_strdup("e@example.org");
	r = draft_recipients(d, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(r->len, ==, 5);
	g_assert_cmpstr(r->pdata[0], ==, "a@example.org");
	g_assert_cmpstr(r->pdata[1], ==, "b@localhost");
	g_assert_cmpstr(r->pdata[2], ==, "c@example.org");
	g_assert_cmpstr(r->pdata[4], ==, "e@example.org");
	g_ptr_array_unref(r);
	sender = draft_sender(d, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(sender, ==, "me@example.org");
	g_free(sender);

	/* Malformed: refused with a one-line reason naming it. */
	g_free(d->cc);
	d->cc = g_strdup("not an address");
	g_assert_null(draft_recipients(d, &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_USAGE);
	g_assert_nonnull(strstr(error->message, "Cc"));
	g_assert_null(strchr(error->message, '\n'));
	g_clear_error(&error);
	g_assert_null(draft_build(d, false, &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_USAGE);
	g_clear_error(&error);

	g_free(d->cc);
	d->cc = g_strdup("x@y@z, <broken");
	g_assert_null(draft_recipients(d, &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_USAGE);
	g_clear_error(&error);

	g_free(d->cc);
	d->cc = NULL;
	g_free(d->from);
	d->from = g_strdup("a@example.org, b@example.org");
	g_assert_null(draft_sender(d, &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_USAGE);
	g_clear_error(&error);

	g_free(d->to);
	g_free(d->bcc);
	d->to = d->bcc = NULL;
	g_assert_null(draft_recipients(d, &error));
	g_assert_nonnull(strstr(error->message, "no recipients"));
	draft_free(d);
}

/* A received message taken back for "edit as new": hostile names. */
static void
test_parse_foreign(void)
{
	static const char msg[] =
	    "Received: from x by y\r\n"
	    "Return-Path: <a@example.org>\r\n"
	    "From: =?ISO-8859-1?Q?J=FCrgen?= <j@example.org>\r\n"
	    "To: b@example.org\r\n"
	    "Subject: =?UTF-8?B?w6ljaG8=?=\r\n"
	    "X-Custom: kept\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=XX\r\n"
	    "\r\n"
	    "--XX\r\n"
	    "Content-Type: multipart/alternative; boundary=YY\r\n"
	    "\r\n"
	    "--YY\r\n"
	    "Content-Type: text/plain; charset=iso-8859-1\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "\r\n"
	    "caf=E9\r\n"
	    "--YY\r\n"
	    "Content-Type: text/html\r\n"
	    "\r\n"
	    "<p>caf&eacute;</p>\r\n"
	    "--YY--\r\n"
	    "--XX\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "Content-Disposition: attachment; filename=\"../../.bashrc\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "\r\n"
	    "aGk=\r\n"
	    "--XX--\r\n";
	g_autofree char *dir = g_dir_make_tmp("skua-compose-XXXXXX", NULL);
	g_autoptr(GError) error = NULL;
	struct draft *d = draft_parse(msg, sizeof(msg) - 1, dir, &error);
	g_autofree char *base = NULL;
	g_autofree char *got = NULL;
	struct draft_attachment *a;

	g_assert_no_error(error);
	g_assert_cmpstr(d->from, ==, "Jürgen <j@example.org>");
	g_assert_cmpstr(d->subject, ==, "écho");
	g_assert_cmpstr(d->body, ==, "café");
	g_assert_false(d->flowed);
	/* Transport headers dropped, the others kept. */
	g_assert_nonnull(d->headers);
	g_assert_cmpuint(d->headers->len, ==, 1);
	g_assert_cmpstr(d->headers->pdata[0], ==, "X-Custom: kept");
	g_assert_nonnull(d->attachments);
	g_assert_cmpuint(d->attachments->len, ==, 2);
	a = d->attachments->pdata[1];
	/* The name as sent is kept; the file is made inside dir only. */
	g_assert_cmpstr(a->name, ==, "../../.bashrc");
	base = g_path_get_dirname(a->path);
	g_assert_cmpstr(base, ==, dir);
	{
		g_autofree char *file = g_path_get_basename(a->path);

		/* No '/', no leading dot: "../../.bashrc" -> "_.._.bashrc". */
		g_assert_cmpstr(file, ==, "_.._.bashrc");
	}
	g_assert_true(g_file_get_contents(a->path, &got, NULL, NULL));
	g_assert_cmpstr(got, ==, "hi");
	g_assert_cmpstr(((struct draft_attachment *)d->attachments->pdata[0])
			    ->content_type,
	    ==, "text/html");
	for (guint i = 0; i < d->attachments->len; i++)
		g_unlink(((struct draft_attachment *)d->attachments->pdata[i])
			     ->path);
	draft_free(d);
	g_rmdir(dir);
}

static void
test_bad_header(void)
{
	struct draft *d = draft_new();
	g_autoptr(GError) error = NULL;

	d->from = g_strdup("a@example.org");
	d->to = g_strdup("b@example.org");
	d->headers = g_ptr_array_new();
	g_ptr_array_add(d->headers, g_strdup("Bcc: sneaky@example.org"));
	g_assert_null(draft_build(d, false, &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_USAGE);
	draft_free(d);
}

int
main(int argc, char **argv)
{
	int r;

	g_test_init(&argc, &argv, NULL);
	mime_init();
	g_test_add_func("/compose/round-trip", test_round_trip);
	g_test_add_func("/compose/no-bcc", test_no_bcc);
	g_test_add_func("/compose/long-lines", test_long_lines);
	g_test_add_func("/compose/attachment", test_attachment);
	g_test_add_func("/compose/message-attachment", test_message_attachment);
	g_test_add_func("/compose/missing-attachment", test_missing_attachment);
	g_test_add_func("/compose/flowed", test_flowed);
	g_test_add_func("/compose/addresses", test_addresses);
	g_test_add_func("/compose/bad-header", test_bad_header);
	g_test_add_func("/compose/parse-foreign", test_parse_foreign);
	r = g_test_run();
	mime_shutdown();
	return r;
}
