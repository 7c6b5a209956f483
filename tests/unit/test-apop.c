/* SPDX-License-Identifier: ISC */
/* Unit tests for backend/pop3/apop.c: RFC 1939's own example. */
#include "config.h"

#include <glib.h>

#include "backend/pop3/apop.h"

static void
test_rfc1939_example(void)
{
	g_autofree char *stamp = apop_timestamp(
	    "POP3 server ready <1896.697170952@dbc.mtview.ca.us>");
	g_autofree char *digest = NULL;

	g_assert_cmpstr(stamp, ==, "<1896.697170952@dbc.mtview.ca.us>");
	digest = apop_digest(stamp, "tanstaaf");
	g_assert_cmpstr(digest, ==, "c4c9334bac560ecc979e58001b3e22fb");
}

static void
test_no_timestamp(void)
{
	g_assert_null(apop_timestamp("Dovecot ready."));
	g_assert_null(apop_timestamp(NULL));
	/* Not a msg-id: no '@'. */
	g_assert_null(apop_timestamp("ready <1896.697170952>"));
	/* Unclosed, or with a control character or space inside. */
	g_assert_null(apop_timestamp("ready <1896@host"));
	g_assert_null(apop_timestamp("ready <18 96@host>"));
	g_assert_null(apop_timestamp("ready <18\x01"
				     "96@host>"));
}

static void
test_too_long(void)
{
	g_autofree char *local = g_strnfill(300, 'a');
	g_autofree char *greeting = g_strdup_printf("ready <%s@h>", local);

	g_assert_null(apop_timestamp(greeting));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/apop/rfc1939-example", test_rfc1939_example);
	g_test_add_func("/apop/no-timestamp", test_no_timestamp);
	g_test_add_func("/apop/too-long", test_too_long);
	return g_test_run();
}
