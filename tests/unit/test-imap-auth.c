/* SPDX-License-Identifier: ISC */
/* Unit tests for the IMAP login helpers: mechanism choice, SASL PLAIN. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "backend/imap/imap-auth.h"

static void
test_choose(void)
{
	g_assert_cmpint(imap_auth_choose(true, false), ==, IMAP_AUTH_PLAIN);
	g_assert_cmpint(imap_auth_choose(true, true), ==, IMAP_AUTH_PLAIN);
	g_assert_cmpint(imap_auth_choose(false, false), ==, IMAP_AUTH_LOGIN);
	g_assert_cmpint(imap_auth_choose(false, true), ==, IMAP_AUTH_NONE);
}

static void
test_plain(void)
{
	/* RFC 4616's example without an authorization identity. */
	g_autofree char *b64 = imap_sasl_plain("tim", "tanstaaftanstaaf");
	g_autofree guchar *raw = NULL;
	gsize len = 0;

	g_assert_cmpstr(b64, ==, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
	raw = g_base64_decode(b64, &len);
	g_assert_cmpmem(raw, len, "\0tim\0tanstaaftanstaaf", 21);
}

static void
test_plain_utf8_and_empty(void)
{
	g_autofree char *b64 = imap_sasl_plain("jürgen", "");
	g_autofree guchar *raw = NULL;
	gsize len = 0;

	raw = g_base64_decode(b64, &len);
	g_assert_cmpmem(raw, len, "\0j\xc3\xbcrgen\0", 9);
	g_assert_null(imap_sasl_plain("", "secret"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/imap-auth/choose", test_choose);
	g_test_add_func("/imap-auth/plain", test_plain);
	g_test_add_func("/imap-auth/plain-utf8-and-empty",
	    test_plain_utf8_and_empty);
	return g_test_run();
}
