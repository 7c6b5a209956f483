/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for mime/reply.c: subject prefixes, References, quoting, the
 * attribution line, the address sets of reply, group reply (own addresses
 * left out, Mail-Followup-To) and list reply (List-Post), forwarding, and
 * the editor's file with edit_headers.
 */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "mime/compose.h"
#include "mime/mime.h"
#include "mime/reply.h"
#include "util/error.h"

static const char original[] =
    "From: Alice Example <alice@example.org>\r\n"
    "To: Bob <bob@example.net>, me@example.com\r\n"
    "Cc: \"Doe, Carol\" <carol@example.com>, Me Again <ME@example.com>\r\n"
    "Subject: RE: Fwd:  Re: lunch =?UTF-8?Q?caf=C3=A9?=\r\n"
    "Date: Tue, 3 Mar 2026 10:00:00 +0100\r\n"
    "Message-ID: <m3@example.org>\r\n"
    "References: <m1@example.org>\r\n <m2@example.org>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Hello,\r\n"
    "\r\n"
    "> earlier\r\n"
    "see you\r\n";

static struct reply_orig *
parse(const char *msg)
{
	return reply_orig_parse(msg, strlen(msg), NULL);
}

static void
opts_init(struct reply_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->from = "Me <me@example.com>";
	o->attribution = "On %d, %n wrote:";
	o->forward_format = "Fwd: %s";
	o->honour_reply_to = true;
}

static void
test_subject(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "lunch", "Re: lunch" },
		{ "Re: lunch", "Re: lunch" },
		{ "RE: re: Aw: lunch", "Re: lunch" },
		{ "Fwd: Fw: FWD: lunch", "Re: lunch" },
		{ "Re[2]: lunch", "Re: lunch" },
		{ "  re:lunch", "Re: lunch" },
		{ "Reply about lunch", "Re: Reply about lunch" },
		{ "Rex: lunch", "Re: Rex: lunch" },
		{ "", "Re: " },
		/* A line break (an encoded one, decoded) never gets through. */
		{ "Re: a\r\nBcc: x@y", "Re: a  Bcc: x@y" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = reply_subject(cases[i].in, "Re: ");

		g_assert_cmpstr(got, ==, cases[i].want);
	}
	{
		g_autofree char *got = reply_subject(NULL, "Fwd: ");

		g_assert_cmpstr(got, ==, "Fwd: ");
	}
}

static void
test_references(void)
{
	g_autofree char *a = reply_references("<a@x>\r\n <b@y>", "<c@z>");
	g_autofree char *b = reply_references(NULL, "<c@z>");
	g_autofree char *none = reply_references(NULL, NULL);
	g_autofree char *junk =
	    reply_references("garbage <no space@x> <ok@x>", "<c@z>");
	GString *many = g_string_new(NULL);
	g_autofree char *bounded = NULL;
	g_auto(GStrv) ids = NULL;

	g_assert_cmpstr(a, ==, "<a@x> <b@y> <c@z>");
	g_assert_cmpstr(b, ==, "<c@z>");
	g_assert_null(none);
	g_assert_cmpstr(junk, ==, "<ok@x> <c@z>");
	for (int i = 0; i < 100; i++)
		g_string_append_printf(many, "<r%d@x> ", i);
	bounded = reply_references(many->str, "<last@x>");
	ids = g_strsplit(bounded, " ", -1);
	g_assert_cmpuint(g_strv_length(ids), ==, REPLY_MAX_REFERENCES);
	g_assert_cmpstr(ids[0], ==, "<r0@x>");
	g_assert_cmpstr(ids[REPLY_MAX_REFERENCES - 1], ==, "<last@x>");
	g_assert_cmpstr(ids[REPLY_MAX_REFERENCES - 2], ==, "<r99@x>");
	g_string_free(many, TRUE);
}

static void
test_quote(void)
{
	g_autofree char *q = reply_quote("a\n\n> b\nc\n");
	g_autofree char *q2 = reply_quote("one line");
	g_autofree char *q3 = reply_quote("");

	g_assert_cmpstr(q, ==, "> a\n>\n> > b\n> c\n");
	g_assert_cmpstr(q2, ==, "> one line\n");
	g_assert_cmpstr(q3, ==, ">\n");
}

static void
test_attribution(void)
{
	struct reply_orig *o = parse(original);
	g_autofree char *a = reply_attribution(o, "On %d, %n wrote:");
	g_autofree char *b = reply_attribution(o, "%a said %% (%s) %x");

	g_assert_cmpstr(a, ==,
	    "On Tue, 3 Mar 2026 10:00:00 +0100, Alice Example wrote:");
	g_assert_cmpstr(b, ==,
	    "alice@example.org said % (RE: Fwd:  Re: lunch café) %x");
	reply_orig_free(o);
}

static void
test_own(void)
{
	g_assert_true(
	    reply_is_own("me@example.com", "Me <ME@example.com>", NULL));
	g_assert_false(
	    reply_is_own("you@example.com", "Me <me@example.com>", NULL));
	g_assert_true(reply_is_own("me@work.example", "me@example.com",
	    "me@(work|home)\\.example"));
	/* Anchored: a longer address does not match. */
	g_assert_false(reply_is_own("notme@work.example", "me@example.com",
	    "me@work\\.example"));
	/* A bad regex matches nothing. */
	g_assert_false(reply_is_own("x@y", NULL, "(("));
}

/* Encoded control characters in the original's header stay out of ours. */
static void
test_controls(void)
{
	static const char msg[] =
	    "From: =?UTF-8?Q?Eve=0D=0ABcc:_x@y?= <eve@example.org>\r\n"
	    "Subject: =?UTF-8?Q?hi=0D=0ABcc:_z@w_=1B[31m?=\r\n\r\nx\r\n";
	struct reply_orig *o = parse(msg);
	struct reply_opts ro;
	g_autoptr(GError) error = NULL;
	struct draft *d;

	opts_init(&ro);
	d = reply_make(o, REPLY_SENDER, &ro, &error);
	g_assert_no_error(error);
	g_assert_null(strpbrk(d->subject, "\r\n\033"));
	g_assert_null(strpbrk(d->to, "\r\n\033"));
	g_assert_true(g_str_has_prefix(d->subject, "Re: hi"));
	g_assert_nonnull(strstr(d->to, "<eve@example.org>"));
	draft_free(d);
	reply_orig_free(o);
}

static void
test_reply(void)
{
	struct reply_orig *o = parse(original);
	struct reply_opts ro;
	g_autoptr(GError) error = NULL;
	struct draft *d;

	opts_init(&ro);
	ro.signature = "Me\n";
	d = reply_make(o, REPLY_SENDER, &ro, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(d->to, ==, "Alice Example <alice@example.org>");
	g_assert_null(d->cc);
	g_assert_cmpstr(d->from, ==, "Me <me@example.com>");
	g_assert_cmpstr(d->subject, ==, "Re: lunch café");
	g_assert_cmpstr(d->in_reply_to, ==, "<m3@example.org>");
	g_assert_cmpstr(d->references, ==,
	    "<m1@example.org> <m2@example.org> <m3@example.org>");
	g_assert_cmpstr(d->body, ==,
	    "On Tue, 3 Mar 2026 10:00:00 +0100, Alice Example wrote:\n"
	    "> Hello,\n"
	    ">\n"
	    "> > earlier\n"
	    "> see you\n"
	    "\n"
	    "-- \n"
	    "Me\n");
	draft_free(d);
	reply_orig_free(o);
}

static void
test_group_reply(void)
{
	struct reply_orig *o = parse(original);
	struct reply_opts ro;
	g_autoptr(GError) error = NULL;
	struct draft *d;

	opts_init(&ro);
	d = reply_make(o, REPLY_GROUP, &ro, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(d->to, ==, "Alice Example <alice@example.org>");
	/* me@example.com (any case) is ours; the quoted name stays quoted. */
	g_assert_cmpstr(d->cc, ==,
	    "Bob <bob@example.net>, \"Doe, Carol\" <carol@example.com>");
	draft_free(d);
	/* With an alternate, Bob is ours too. */
	ro.alternates = "bob@example\\.net";
	d = reply_make(o, REPLY_GROUP, &ro, &error);
	g_assert_cmpstr(d->cc, ==, "\"Doe, Carol\" <carol@example.com>");
	draft_free(d);
	reply_orig_free(o);
}

static void
test_reply_to_and_followup(void)
{
	static const char msg[] =
	    "From: Alice <alice@example.org>\r\n"
	    "Reply-To: Help Desk <help@example.org>\r\n"
	    "To: list@lists.example.org, me@example.com\r\n"
	    "Mail-Followup-To: list@lists.example.org, me@example.com\r\n"
	    "Subject: q\r\n"
	    "\r\n"
	    "?\r\n";
	struct reply_orig *o = parse(msg);
	struct reply_opts ro;
	g_autoptr(GError) error = NULL;
	struct draft *d;

	opts_init(&ro);
	d = reply_make(o, REPLY_SENDER, &ro, &error);
	g_assert_cmpstr(d->to, ==, "Help Desk <help@example.org>");
	draft_free(d);
	ro.honour_reply_to = false;
	d = reply_make(o, REPLY_SENDER, &ro, &error);
	g_assert_cmpstr(d->to, ==, "Alice <alice@example.org>");
	g_assert_null(d->in_reply_to);
	g_assert_null(d->references);
	draft_free(d);
	/* Group reply: Mail-Followup-To wins, without our own address. */
	d = reply_make(o, REPLY_GROUP, &ro, &error);
	g_assert_cmpstr(d->to, ==, "list@lists.example.org");
	g_assert_null(d->cc);
	draft_free(d);
	reply_orig_free(o);
}

static void
test_own_message(void)
{
	static const char msg[] = "From: Me <me@example.com>\r\n"
				  "To: Bob <bob@example.net>\r\n"
				  "Subject: mine\r\n\r\nx\r\n";
	struct reply_orig *o = parse(msg);
	struct reply_opts ro;
	g_autoptr(GError) error = NULL;
	struct draft *d;

	opts_init(&ro);
	d = reply_make(o, REPLY_SENDER, &ro, &error);
	g_assert_cmpstr(d->to, ==, "Bob <bob@example.net>");
	draft_free(d);
	reply_orig_free(o);
}

static void
test_list_reply(void)
{
	static const char with[] =
	    "From: Alice <alice@example.org>\r\n"
	    "List-Post: <mailto:dev@lists.example.org?subject=x>\r\n"
	    "Subject: [dev] build\r\n\r\nx\r\n";
	static const char without[] = "From: Alice <alice@example.org>\r\n"
				      "List-Post: NO (posting not allowed)\r\n"
				      "Subject: s\r\n\r\nx\r\n";
	struct reply_orig *o = parse(with);
	struct reply_opts ro;
	g_autoptr(GError) error = NULL;
	struct draft *d;

	opts_init(&ro);
	d = reply_make(o, REPLY_LIST, &ro, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(d->to, ==, "dev@lists.example.org");
	g_assert_cmpstr(d->subject, ==, "Re: [dev] build");
	draft_free(d);
	reply_orig_free(o);
	o = parse(without);
	d = reply_make(o, REPLY_LIST, &ro, &error);
	g_assert_null(d);
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_USAGE);
	g_assert_nonnull(strstr(error->message, "no mailing list"));
	reply_orig_free(o);
}

static void
test_forward(void)
{
	struct reply_orig *o = parse(original);
	struct reply_opts ro;
	struct draft *d;
	const struct draft_attachment *at;

	opts_init(&ro);
	d = reply_forward(o, &ro, NULL);
	g_assert_cmpstr(d->subject, ==, "Fwd: lunch café");
	g_assert_null(d->to);
	g_assert_null(d->in_reply_to);
	g_assert_true(g_str_has_prefix(d->body,
	    "----- Forwarded message from Alice Example "
	    "<alice@example.org> -----\n\n"
	    "Date: Tue, 3 Mar 2026 10:00:00 +0100\n"
	    "From: Alice Example <alice@example.org>\n"));
	g_assert_nonnull(strstr(d->body, "\n\nHello,\n\n> earlier\nsee you\n"));
	g_assert_true(
	    g_str_has_suffix(d->body, "\n----- End forwarded message -----\n"));
	g_assert_null(d->attachments);
	draft_free(d);
	d = reply_forward(o, &ro, "/some/where/original.eml");
	g_assert_nonnull(d->attachments);
	g_assert_cmpuint(d->attachments->len, ==, 1);
	at = d->attachments->pdata[0];
	g_assert_cmpstr(at->path, ==, "/some/where/original.eml");
	g_assert_cmpstr(at->content_type, ==, "message/rfc822");
	g_assert_null(strstr(d->body, "Forwarded message"));
	draft_free(d);
	reply_orig_free(o);
}

/* The text shown is the alternative's plain part, decoded. */
static void
test_multipart_text(void)
{
	static const char msg[] =
	    "From: a@b\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; boundary=XX\r\n\r\n"
	    "--XX\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n"
	    "--XX\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "caf=E9\r\n--XX--\r\n";
	struct reply_orig *o = parse(msg);
	g_autofree char *q = reply_quote(o->text);

	g_assert_cmpstr(q, ==, "> café\n");
	reply_orig_free(o);
}

static void
test_edit_file(void)
{
	struct draft *d = draft_new();
	g_autofree char *text = NULL;

	d->from = g_strdup("Me <me@example.com>");
	d->to = g_strdup("a@b");
	d->subject = g_strdup("hi");
	d->body = g_strdup("body\n");
	text = reply_edit_text(d, true);
	g_assert_cmpstr(text, ==,
	    "From: Me <me@example.com>\nTo: a@b\nCc: \nBcc: \n"
	    "Subject: hi\nReply-To: \n\nbody\n");
	reply_edit_apply(d,
	    "From: Me <me@example.com>\nto: x@y,\n z@w\nCc: c@d\nBcc: \n"
	    "Subject: new\nX-Extra: 1\n\nnew body\n\nFrom: not a header\n",
	    true);
	g_assert_cmpstr(d->to, ==, "x@y, z@w");
	g_assert_cmpstr(d->cc, ==, "c@d");
	g_assert_null(d->bcc);
	g_assert_null(d->reply_to);
	g_assert_cmpstr(d->subject, ==, "new");
	g_assert_nonnull(d->headers);
	g_assert_cmpuint(d->headers->len, ==, 1);
	g_assert_cmpstr(d->headers->pdata[0], ==, "X-Extra: 1");
	g_assert_cmpstr(d->body, ==, "new body\n\nFrom: not a header\n");
	/* Without edit_headers, the file is the body only. */
	g_clear_pointer(&text, g_free);
	text = reply_edit_text(d, false);
	g_assert_cmpstr(text, ==, "new body\n\nFrom: not a header\n");
	reply_edit_apply(d, "To: q@r\n\nall body\n", false);
	g_assert_cmpstr(d->to, ==, "x@y, z@w");
	g_assert_cmpstr(d->body, ==, "To: q@r\n\nall body\n");
	draft_free(d);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	mime_init();
	g_test_add_func("/reply/subject", test_subject);
	g_test_add_func("/reply/references", test_references);
	g_test_add_func("/reply/quote", test_quote);
	g_test_add_func("/reply/attribution", test_attribution);
	g_test_add_func("/reply/own", test_own);
	g_test_add_func("/reply/controls", test_controls);
	g_test_add_func("/reply/reply", test_reply);
	g_test_add_func("/reply/group", test_group_reply);
	g_test_add_func("/reply/reply-to-followup", test_reply_to_and_followup);
	g_test_add_func("/reply/own-message", test_own_message);
	g_test_add_func("/reply/list", test_list_reply);
	g_test_add_func("/reply/forward", test_forward);
	g_test_add_func("/reply/multipart", test_multipart_text);
	g_test_add_func("/reply/edit-file", test_edit_file);
	return g_test_run();
}
