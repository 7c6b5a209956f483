/* SPDX-License-Identifier: ISC */
/* Unit tests for ui/index-format.c. */
#include "config.h"

#include <glib.h>
#include <locale.h>
#include <stdlib.h>
#include <time.h>

#include "backend/types.h"
#include "ui/index-format.h"
#include "ui/text.h"

static struct envelope *
sample(const char *from, const char *subject, uint32_t flags, uint32_t size)
{
	struct envelope_fields f = {
		.uid = 7,
		.flags = flags,
		.size = size,
		.date = 1700000000, /* 2023-11-14 22:13:20 UTC */
		.from = from,
		.from_addr = "jm@example.de",
		.to = "Ann <ann@example.com>",
		.subject = subject,
	};

	return envelope_new(&f);
}

static void
check(const char *fmt, const struct envelope *env, const char *want)
{
	g_autofree char *got = index_format_row(fmt, 12, 7, env);

	g_assert_cmpstr(got, ==, want);
}

static void
test_codes(void)
{
	g_autofree struct envelope *e =
	    sample("Jürgen Müller", "Hello", MSG_SEEN | MSG_FLAGGED, 1234);

	check("%C|%u|%Z|%d|%a|%s|%c|%%", e,
	    "12|7| ! |Nov 14|jm@example.de|Hello|1.2K|%");
	check("%{%Y-%m-%d %H:%M}", e, "2023-11-14 22:13");
	check("%4C %-10.10L|", e, "  12 Jürgen Mül|");
	check("%-15.15L|", e, "Jürgen Müller  |");
	check("%15.15L|", e, "  Jürgen Müller|");
	check("%x %", e, "%x %");
	check("%{%Y", e, "");
}

static void
test_flags(void)
{
	g_autofree struct envelope *unread = sample("a", "s", 0, 1);
	g_autofree struct envelope *del =
	    sample("a", "s", MSG_DELETED | MSG_ANSWERED, 1);

	check("[%Z]", unread, "[N  ]");
	check("[%Z]", del, "[D r]");
}

static void
test_sizes(void)
{
	const struct {
		uint32_t n;
		const char *s;
	} t[] = { { 0, "0" }, { 999, "999" }, { 1000, "1.0K" },
		{ 10240, "10K" }, { 1048576, "1.0M" }, { 52428800, "50M" } };

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		g_autofree struct envelope *e = sample("a", "s", 0, t[i].n);

		check("%c", e, t[i].s);
	}
}

static void
test_wide_and_hostile(void)
{
	g_autofree struct envelope *cjk =
	    sample("山田太郎", "日本語の件名 🎉", MSG_SEEN, 1);
	g_autofree struct envelope *evil =
	    sample("x\033[2J", "a\nb\rc\x07", MSG_SEEN, 1);
	g_autofree char *row = NULL;

	/* A wide character never straddles the column edge. */
	check("%-5.5L|%-8.8s|", cjk, "山田 |日本語の|");
	check("%L|%s", evil, "x^[[2J|a b c^G");
	row = index_format_row("%-7.7s", 1, 1, cjk);
	g_assert_cmpint(text_width(row), ==, 7);
}

static void
test_placeholder(void)
{
	check("%4C %Z %-6.6L %s", NULL, "  12            ...");
}

int
main(int argc, char **argv)
{
	g_setenv("TZ", "UTC", TRUE);
	tzset();
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		g_error("the C.UTF-8 locale is missing");
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/index-format/codes", test_codes);
	g_test_add_func("/index-format/flags", test_flags);
	g_test_add_func("/index-format/sizes", test_sizes);
	g_test_add_func("/index-format/wide-and-hostile",
	    test_wide_and_hostile);
	g_test_add_func("/index-format/placeholder", test_placeholder);
	return g_test_run();
}
