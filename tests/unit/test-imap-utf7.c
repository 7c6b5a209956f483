/* SPDX-License-Identifier: ISC */
/* Unit tests for backend/imap/imap-utf7: modified UTF-7 mailbox names. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "backend/imap/imap-utf7.h"
#include "util/error.h"

/* Pairs of (UTF-8, modified UTF-7) that must convert both ways. */
static const struct {
	const char *utf8;
	const char *mutf7;
} pairs[] = {
	{ "", "" },
	{ "INBOX", "INBOX" },
	{ "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/"
	  "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	    "~peter/mail/&U,BTFw-/&ZeVnLIqe-" }, /* RFC 3501 5.1.3 */
	{ "&", "&-" },
	{ "&&", "&-&-" },
	{ "Tom & Jerry", "Tom &- Jerry" },
	{ "-", "-" },
	{ "\xc3\xa9", "&AOk-" },
	{ "\xc3\xa9\xc3\xa9", "&AOkA6Q-" }, /* one run, not two */
	{ "\xc3\xa9-", "&AOk--" },	    /* '-' after a run */
	{ "\xc3\xa9&", "&AOk-&-" },	    /* '&' after a run */
	{ "\xf0\x9f\x98\x80", "&2D3eAA-" }, /* U+1F600: a pair */
	{ "\xf4\x8f\xbf\xbf", "&2,,f,w-" }, /* U+10FFFF */
	{ "\xef\xbf\xbd", "&,,0-" },	    /* U+FFFD */
	{ "a\tb", "a&AAk-b" },		    /* controls are encoded */
	{ "\x7f", "&AH8-" },
	{ "x\xf0\x9f\x98\x80y\xc3\xa9z", "x&2D3eAA-y&AOk-z" },
	{ "Entw\xc3\xbcrfe", "Entw&APw-rfe" },
};

static void
test_pairs(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(pairs); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree char *enc = imap_utf7_encode(pairs[i].utf8);
		g_autofree char *dec = imap_utf7_decode(pairs[i].mutf7, &error);
		g_autofree char *lossy = imap_utf7_decode_lossy(pairs[i].mutf7);

		g_assert_cmpstr(enc, ==, pairs[i].mutf7);
		g_assert_no_error(error);
		g_assert_cmpstr(dec, ==, pairs[i].utf8);
		g_assert_cmpstr(lossy, ==, pairs[i].utf8);
	}
}

static void
test_printable_ascii(void)
{
	char ascii[0x7f - 0x20 + 1];
	g_autofree char *enc = NULL, *dec = NULL;

	for (int c = 0x20; c < 0x7f; c++)
		ascii[c - 0x20] = (char)c;
	ascii[sizeof(ascii) - 1] = '\0';
	enc = imap_utf7_encode(ascii);
	/* Only '&' changes. */
	g_assert_cmpuint(strlen(enc), ==, strlen(ascii) + 1);
	g_assert_nonnull(strstr(enc, "%&-'"));
	dec = imap_utf7_decode(enc, NULL);
	g_assert_cmpstr(dec, ==, ascii);
}

/* Inputs the strict decoder must refuse. */
static const char *const malformed[] = {
	"&",		  /* not closed */
	"abc&",		  /* not closed */
	"&AOk",		  /* not closed */
	"&AOkA6Q",	  /* not closed */
	"&U/BTFw-",	  /* '/' is not in the modified alphabet */
	"&U,BT=w-",	  /* padding */
	"&U,BT Fw-",	  /* space inside a run */
	"&&-",		  /* '&' inside a run */
	"&U,BTFx-",	  /* leftover bits not zero */
	"&AOl-",	  /* leftover bits not zero */
	"&A-",		  /* 6 bits: no whole unit */
	"&AA-",		  /* 12 bits */
	"&AOkA-",	  /* 22 bits: 6 left over */
	"&U,BTFwA-",	  /* 42 bits: 10 left over */
	"&AAA-",	  /* U+0000 */
	"&AGE-",	  /* 'a', which must be literal */
	"&ACA-",	  /* ' ' */
	"&AH4-",	  /* '~' */
	"&ACY-",	  /* '&' encoded instead of "&-" */
	"&2D0-",	  /* lone high surrogate */
	"&3gA-",	  /* lone low surrogate */
	"&3gDYPQ-",	  /* pair in the wrong order */
	"&2D0AQQ-",	  /* high surrogate then 'A' */
	"&2D3YPQ-",	  /* two high surrogates */
	"&AOk-&AOk-",	  /* null shift: one run must cover both */
	"&2D3eAA-&AOk-",  /* the same after a pair */
	"caf\xc3\xa9",	  /* raw UTF-8 */
	"\xff",		  /* raw 8-bit */
	"a\tb",		  /* literal control */
	"a\x7f",	  /* literal DEL */
	"\x1b[31m",	  /* an escape sequence */
	"&U,BTFw-/&ZeVn", /* good, then not closed */
};

static void
test_malformed(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(malformed); i++) {
		g_autoptr(GError) error = NULL;
		g_autofree char *dec = imap_utf7_decode(malformed[i], &error);
		g_autofree char *lossy = imap_utf7_decode_lossy(malformed[i]);

		if (dec != NULL)
			g_error("accepted '%s' as '%s'", malformed[i], dec);
		g_assert_error(error, SKUA_ERROR, SKUA_ERROR_PARSE);
		g_assert_nonnull(strstr(error->message, "at byte"));
		g_assert_nonnull(lossy);
		g_assert_true(g_utf8_validate(lossy, -1, NULL));
	}
	/* The error names a position, never the (untrusted) name. */
	{
		g_autoptr(GError) error = NULL;

		g_assert_null(imap_utf7_decode("secret&AGE-", &error));
		g_assert_null(strstr(error->message, "secret"));
		g_assert_nonnull(strstr(error->message, "at byte"));
	}
}

static void
test_lossy(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "&", "\xef\xbf\xbd" },
		{ "&U,BTFw", "\xe5\x8f\xb0\xe5\x8c\x97\xef\xbf\xbd" },
		{ "&U,BTFw!x", "\xe5\x8f\xb0\xe5\x8c\x97\xef\xbf\xbd!x" },
		{ "a&AGE-b", "aab" }, /* encoded ASCII shown as itself */
		{ "&2D0-x", "\xef\xbf\xbdx" },
		{ "&3gDYPQ-", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "&2D0AQQ-",
		    "\xef\xbf\xbd"
		    "A" },
		{ "&AAA-", "\xef\xbf\xbd" },
		{ "&AOl-", "\xc3\xa9\xef\xbf\xbd" },
		{ "&AOk-&AOk-", "\xc3\xa9\xc3\xa9" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" }, /* raw UTF-8 passes */
		{ "a\xff"
		  "b",
		    "a\xef\xbf\xbd"
		    "b" },
		{ "\xc3", "\xef\xbf\xbd" }, /* truncated sequence */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "a\tb",
		    "a\xef\xbf\xbd"
		    "b" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *out = imap_utf7_decode_lossy(cases[i].in);

		g_assert_cmpstr(out, ==, cases[i].out);
	}
}

static void
test_encode_invalid_utf8(void)
{
	g_autofree char *a = imap_utf7_encode("a\xff"
					      "b");
	g_autofree char *b = imap_utf7_encode("\xc3");

	g_assert_cmpstr(a, ==, "a&,,0-b");
	g_assert_cmpstr(b, ==, "&,,0-");
}

/* A random code point from a mix of ranges, never 0 or a surrogate. */
static gunichar
random_char(void)
{
	switch (g_test_rand_int_range(0, 6)) {
	case 0:
		return (gunichar)g_test_rand_int_range(0x20, 0x7f);
	case 1:
		return '&';
	case 2:
		return (gunichar)g_test_rand_int_range(1, 0x20);
	case 3:
		return (gunichar)g_test_rand_int_range(0x80, 0xd800);
	case 4:
		return (gunichar)g_test_rand_int_range(0xe000, 0x10000);
	default:
		return (gunichar)g_test_rand_int_range(0x10000, 0x110000);
	}
}

static void
test_random_round_trip(void)
{
	for (int round = 0; round < 5000; round++) {
		GString *s = g_string_new(NULL);
		int len = g_test_rand_int_range(0, 24);
		g_autofree char *enc = NULL, *dec = NULL, *again = NULL;
		g_autoptr(GError) error = NULL;

		for (int i = 0; i < len; i++)
			g_string_append_unichar(s, random_char());
		enc = imap_utf7_encode(s->str);
		for (const char *p = enc; *p != '\0'; p++)
			g_assert_true(*p >= 0x20 && *p <= 0x7e);
		dec = imap_utf7_decode(enc, &error);
		g_assert_no_error(error);
		g_assert_cmpstr(dec, ==, s->str);
		again = imap_utf7_encode(dec);
		g_assert_cmpstr(again, ==, enc);
		g_string_free(s, TRUE);
	}
}

/*
 * Random junk from the bytes that matter: the strict decoder either
 * refuses it or it was canonical (encoding the result gives it back);
 * the lossy decoder always gives valid UTF-8.
 */
static void
test_random_junk(void)
{
	static const char bytes[] = "&-&-AAOk2D3eU,+/ a\t\x80\xc3\xa9\xff";

	for (int round = 0; round < 20000; round++) {
		char in[16];
		int len = g_test_rand_int_range(0, (int)sizeof(in));
		g_autofree char *dec = NULL, *lossy = NULL;
		g_autoptr(GError) error = NULL;

		for (int i = 0; i < len; i++)
			in[i] = bytes[g_test_rand_int_range(0,
			    (int)sizeof(bytes) - 1)];
		in[len] = '\0';
		dec = imap_utf7_decode(in, &error);
		lossy = imap_utf7_decode_lossy(in);
		g_assert_true(g_utf8_validate(lossy, -1, NULL));
		if (dec == NULL) {
			g_assert_error(error, SKUA_ERROR, SKUA_ERROR_PARSE);
		} else {
			g_autofree char *enc = imap_utf7_encode(dec);

			g_assert_no_error(error);
			g_assert_true(g_utf8_validate(dec, -1, NULL));
			g_assert_cmpstr(enc, ==, in);
			g_assert_cmpstr(lossy, ==, dec);
		}
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/imap-utf7/pairs", test_pairs);
	g_test_add_func("/imap-utf7/printable-ascii", test_printable_ascii);
	g_test_add_func("/imap-utf7/malformed", test_malformed);
	g_test_add_func("/imap-utf7/lossy", test_lossy);
	g_test_add_func("/imap-utf7/encode-invalid-utf8",
	    test_encode_invalid_utf8);
	g_test_add_func("/imap-utf7/random-round-trip", test_random_round_trip);
	g_test_add_func("/imap-utf7/random-junk", test_random_junk);
	return g_test_run();
}
