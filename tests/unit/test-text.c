/* SPDX-License-Identifier: ISC */
/* Unit tests for ui/text.c: sanitising and display widths. */
#include "config.h"

#include <glib.h>
#include <locale.h>

#include "ui/text.h"

static void
check_sanitize(const char *in, gssize len, const char *want)
{
	g_autofree char *out = text_sanitize(in, len);

	g_assert_cmpstr(out, ==, want);
	g_assert_true(g_utf8_validate(out, -1, NULL));
}

static void
test_sanitize_controls(void)
{
	/* An escape sequence that would retitle or recolour the terminal. */
	check_sanitize("a\033]0;pwned\007b", -1, "a^[]0;pwned^Gb");
	check_sanitize("tab\there\nnl\rcr", -1, "tab here nl cr");
	check_sanitize("del\x7f", -1, "del^?");
	/* C1 controls as UTF-8 (U+009B is CSI on some terminals). */
	check_sanitize("x\xc2\x9b"
		       "31m",
	    -1, "x?31m");
	check_sanitize("nul\0hidden", 10, "nul^@hidden");
}

static void
test_sanitize_invalid_utf8(void)
{
	check_sanitize("caf\xe9", -1, "caf\xef\xbf\xbd");
	check_sanitize("\xff\xfe", -1, "\xef\xbf\xbd\xef\xbf\xbd");
	/* A truncated 3-byte sequence. */
	check_sanitize("\xe6\x97", -1, "\xef\xbf\xbd\xef\xbf\xbd");
}

static void
test_sanitize_invisible(void)
{
	/* RIGHT-TO-LEFT OVERRIDE would reverse what follows. */
	check_sanitize("invoice\xe2\x80\xaegpj.exe", -1, "invoicegpj.exe");
	/* Emoji presentation selector and zero-width joiner are dropped. */
	check_sanitize("\xe2\x9d\xa4\xef\xb8\x8f", -1, "\xe2\x9d\xa4");
	check_sanitize("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", -1,
	    "\xf0\x9f\x91\xa8\xf0\x9f\x91\xa9");
}

static void
test_width(void)
{
	g_assert_cmpint(text_width("abc"), ==, 3);
	g_assert_cmpint(text_width("日本語"), ==, 6);
	g_assert_cmpint(text_width("🎉"), ==, 2);
	g_assert_cmpint(text_width("Jürgen"), ==, 6);
	/* e + COMBINING ACUTE ACCENT takes one cell. */
	g_assert_cmpint(text_width("e\xcc\x81"), ==, 1);
}

static void
test_fit(void)
{
	g_autofree char *a = text_fit("日本語の件名", 5, false);
	g_autofree char *b = text_fit("日本語の件名", 5, true);
	g_autofree char *c = text_fit("ab", 4, true);
	g_autofree char *d = text_fit("Party 🎉 time", 7, true);
	g_autofree char *e = text_fit("abc", 0, true);

	/* A wide character never straddles the edge. */
	g_assert_cmpstr(a, ==, "日本");
	g_assert_cmpstr(b, ==, "日本 ");
	g_assert_cmpint(text_width(b), ==, 5);
	g_assert_cmpstr(c, ==, "ab  ");
	g_assert_cmpstr(d, ==, "Party  ");
	g_assert_cmpstr(e, ==, "");
}

int
main(int argc, char **argv)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		g_error("the C.UTF-8 locale is missing");
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/text/sanitize/controls", test_sanitize_controls);
	g_test_add_func("/text/sanitize/invalid-utf8",
	    test_sanitize_invalid_utf8);
	g_test_add_func("/text/sanitize/invisible", test_sanitize_invisible);
	g_test_add_func("/text/width", test_width);
	g_test_add_func("/text/fit", test_fit);
	return g_test_run();
}
