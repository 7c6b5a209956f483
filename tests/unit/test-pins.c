/* SPDX-License-Identifier: ISC */
/* Unit tests for util/pins: the certificate pin file. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/error.h"
#include "util/pins.h"

#define FP_A                                                                   \
	"AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:"   \
	"67:89:AB:CD:EF:01:23:45:67:89"
#define FP_B                                                                   \
	"00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:"   \
	"66:77:88:99:AA:BB:CC:DD:EE:FF"

static GArray *
pins_new(void)
{
	return g_array_new(FALSE, FALSE, PIN_SHA256_LEN);
}

static void
test_parse_fingerprint(void)
{
	unsigned char md[PIN_SHA256_LEN], md2[PIN_SHA256_LEN];
	char out[96];

	g_assert_true(pin_parse(FP_A, md));
	pin_format(md, out);
	g_assert_cmpstr(out, ==, FP_A);
	/* No colons, lower case: the same fingerprint. */
	g_assert_true(pin_parse("abcdef0123456789abcdef0123456789"
				"abcdef0123456789abcdef0123456789",
	    md2));
	g_assert_cmpmem(md, sizeof(md), md2, sizeof(md2));
	g_assert_false(pin_parse("AB:CD", md));
	g_assert_false(pin_parse(FP_A ":00", md));
	g_assert_false(pin_parse("", md));
	g_assert_false(
	    pin_parse("XY:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:"
		      "89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:"
		      "89",
		md));
	g_assert_false(pin_parse("A:BCD:EF", md));
}

static void
test_match_host_and_port(void)
{
	const char *text = "# pinned by skua\n"
			   "\n"
			   "mail.example.com:993 " FP_A "\n"
			   "mail.example.com:143 " FP_B "\r\n"
			   "  other.example.com:993\t" FP_B "  \n"
			   "[::1]:993 " FP_B;
	g_autoptr(GArray) got = pins_new();
	unsigned char a[PIN_SHA256_LEN], b[PIN_SHA256_LEN];

	g_assert_true(pin_parse(FP_A, a));
	g_assert_true(pin_parse(FP_B, b));
	g_assert_cmpuint(pins_parse(text, strlen(text), "mail.example.com:993",
			     got),
	    ==, 1);
	g_assert_cmpmem(got->data, PIN_SHA256_LEN, a, PIN_SHA256_LEN);
	g_array_set_size(got, 0);
	/* Host names compare without case; the port must be the same. */
	g_assert_cmpuint(pins_parse(text, strlen(text), "MAIL.example.com:143",
			     got),
	    ==, 1);
	g_assert_cmpmem(got->data, PIN_SHA256_LEN, b, PIN_SHA256_LEN);
	g_array_set_size(got, 0);
	g_assert_cmpuint(pins_parse(text, strlen(text), "mail.example.com:995",
			     got),
	    ==, 0);
	g_assert_cmpuint(pins_parse(text, strlen(text), "mail.example.com",
			     got),
	    ==, 0);
	g_assert_cmpuint(pins_parse(text, strlen(text), "example.com:993", got),
	    ==, 0);
	g_assert_cmpuint(pins_parse(text, strlen(text), "other.example.com:993",
			     got),
	    ==, 1);
	g_assert_cmpuint(pins_parse(text, strlen(text), "[::1]:993", got), ==,
	    1);
}

static void
test_malformed_lines(void)
{
	static const char text[] = "mail.example.com:993\n"
				   "mail.example.com:993 not-a-fingerprint\n"
				   "mail.example.com:993 AB:CD\n"
				   "# mail.example.com:993 " FP_A "\n"
				   "mail.example.com:993 " FP_A " trailing\n"
				   "mail.example.com:993\0 " FP_A "\n"
				   "mail.example.com:993 " FP_B;
	g_autoptr(GArray) got = pins_new();
	unsigned char b[PIN_SHA256_LEN];

	g_assert_true(pin_parse(FP_B, b));
	/* Only the last line pins; the one with a NUL in it does not. */
	g_assert_cmpuint(pins_parse(text, sizeof(text) - 1,
			     "mail.example.com:993", got),
	    ==, 1);
	g_assert_cmpmem(got->data, PIN_SHA256_LEN, b, PIN_SHA256_LEN);
	g_array_set_size(got, 0);
	/* The length is obeyed: a text without its end is cut there. */
	g_assert_cmpuint(pins_parse(text, 10, "mail.example.com:993", got), ==,
	    0);
}

static void
test_add_and_load(void)
{
	g_autofree char *dir = g_dir_make_tmp("skua-pins-XXXXXX", NULL);
	g_autofree char *sub = g_build_filename(dir, "data", "skua", NULL);
	g_autofree char *path = g_build_filename(sub, "certificates", NULL);
	g_autofree char *text = NULL;
	g_autoptr(GArray) got = pins_new();
	g_autoptr(GError) error = NULL;
	struct stat st;

	g_assert_nonnull(dir);
	/* A missing file: no pins, no error. */
	g_assert_true(pins_load(path, "h:1", got, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(got->len, ==, 0);

	g_assert_true(pins_add(path, "h:1", FP_A, &error));
	g_assert_no_error(error);
	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	g_assert_cmpint(g_stat(sub, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0700);
	/* The same pin again is not written twice; a lower-case one is
	 * written in the canonical form. */
	g_assert_true(pins_add(path, "h:1", FP_A, &error));
	g_assert_true(pins_add(path, "h:2",
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
	    &error));
	g_assert_no_error(error);
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	g_assert_cmpstr(text, ==, "h:1 " FP_A "\nh:2 " FP_B "\n");
	g_assert_true(pins_load(path, "h:1", got, &error));
	g_assert_cmpuint(got->len, ==, 1);
	g_array_set_size(got, 0);
	g_assert_true(pins_load(path, "h:3", got, &error));
	g_assert_cmpuint(got->len, ==, 0);

	g_assert_false(pins_add(path, "h:1", "nope", &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_CONFIG);
	g_clear_error(&error);
	g_assert_false(pins_add(path, "h 1", FP_A, &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_CONFIG);
	g_clear_error(&error);

	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_cmpint(g_rmdir(sub), ==, 0);
	{
		g_autofree char *data = g_path_get_dirname(sub);

		g_assert_cmpint(g_rmdir(data), ==, 0);
	}
	g_assert_cmpint(g_rmdir(dir), ==, 0);
}

static void
test_symlink_refused(void)
{
	g_autofree char *dir = g_dir_make_tmp("skua-pins-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "certificates", NULL);
	g_autofree char *target = g_build_filename(dir, "elsewhere", NULL);
	g_autoptr(GError) error = NULL;

	g_assert_cmpint(symlink(target, path), ==, 0);
	g_assert_false(pins_add(path, "h:1", FP_A, &error));
	g_assert_error(error, SKUA_ERROR, SKUA_ERROR_IO);
	g_assert_false(g_file_test(target, G_FILE_TEST_EXISTS));
	g_unlink(path);
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/pins/parse-fingerprint", test_parse_fingerprint);
	g_test_add_func("/pins/match-host-and-port", test_match_host_and_port);
	g_test_add_func("/pins/malformed-lines", test_malformed_lines);
	g_test_add_func("/pins/add-and-load", test_add_and_load);
	g_test_add_func("/pins/symlink-refused", test_symlink_refused);
	return g_test_run();
}
