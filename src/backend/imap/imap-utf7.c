/* SPDX-License-Identifier: ISC */
/* Modified UTF-7 (IMAP mailbox names) to and from UTF-8. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "backend/imap/imap-utf7.h"
#include "util/error.h"

#define REPLACEMENT 0xfffd

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/* The value of a modified base64 character, or -1. */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == ',')
		return 63;
	return -1;
}

static bool
is_printable(gunichar c)
{
	return c >= 0x20 && c <= 0x7e;
}

static bool
is_high_surrogate(uint32_t u)
{
	return u >= 0xd800 && u <= 0xdbff;
}

static bool
is_low_surrogate(uint32_t u)
{
	return u >= 0xdc00 && u <= 0xdfff;
}

/* The code point of a valid UTF-8 sequence at p and its length, or
 * (gunichar)-1 for an invalid one. */
static gunichar
utf8_next(const char *p, size_t *len_out)
{
	gunichar c = g_utf8_get_char_validated(p, -1);

	if (c == (gunichar)-1 || c == (gunichar)-2 || c == 0 ||
	    (c >= 0xd800 && c <= 0xdfff)) {
		*len_out = 1;
		return (gunichar)-1;
	}
	*len_out = (size_t)(g_utf8_next_char(p) - p);
	return c;
}

static void
fail(GError **err, size_t offset, const char *why)
{
	g_set_error(err, SKUA_ERROR, SKUA_ERROR_PARSE,
	    "malformed mailbox name (modified UTF-7): %s at byte %zu", why,
	    offset);
}

/*
 * Decode the base64 run that starts with the '&' at in[*pos] (not "&-")
 * and move *pos past its '-'. Strict: false with err set on the first
 * fault. Lossy: each fault becomes U+FFFD, and a run cut short by a
 * foreign character ends before it, so the caller reads it as text.
 */
static bool
decode_run(const unsigned char *in, size_t *pos, GString *out, bool lossy,
    GError **err)
{
	size_t j = *pos + 1;
	uint32_t bits = 0, high = 0;
	unsigned nbits = 0;
	int v;

	while ((v = b64_value(in[j])) >= 0) {
		uint32_t unit;

		bits = (bits << 6) | (uint32_t)v;
		nbits += 6;
		j++;
		if (nbits < 16)
			continue;
		nbits -= 16;
		unit = (bits >> nbits) & 0xffff;
		bits &= (1u << nbits) - 1;

		if (high != 0) {
			if (is_low_surrogate(unit)) {
				g_string_append_unichar(out,
				    0x10000 + ((high - 0xd800) << 10) +
					(unit - 0xdc00));
				high = 0;
				continue;
			}
			if (!lossy) {
				fail(err, j - 1, "unpaired high surrogate");
				return false;
			}
			g_string_append_unichar(out, REPLACEMENT);
			high = 0;
		}
		if (is_high_surrogate(unit)) {
			high = unit;
		} else if (is_low_surrogate(unit) || unit == 0) {
			if (!lossy) {
				fail(err, j - 1,
				    unit == 0 ? "encoded U+0000"
					      : "unpaired low surrogate");
				return false;
			}
			g_string_append_unichar(out, REPLACEMENT);
		} else if (is_printable(unit) && !lossy) {
			fail(err, j - 1, "printable ASCII inside a run");
			return false;
		} else {
			g_string_append_unichar(out, unit);
		}
	}
	if (high != 0) {
		if (!lossy) {
			fail(err, j, "unpaired high surrogate");
			return false;
		}
		g_string_append_unichar(out, REPLACEMENT);
	}
	if (in[j] != '-') {
		if (!lossy) {
			fail(err, j,
			    in[j] == '\0' ? "'&' not closed by '-'"
					  : "character outside base64");
			return false;
		}
		g_string_append_unichar(out, REPLACEMENT);
		*pos = j;
		return true;
	}
	if (nbits >= 6 || bits != 0) {
		if (!lossy) {
			fail(err, j,
			    nbits >= 6 ? "run length not a whole number "
					 "of characters"
				       : "leftover bits not zero");
			return false;
		}
		g_string_append_unichar(out, REPLACEMENT);
	}
	*pos = j + 1;
	return true;
}

static char *
decode(const char *in, bool lossy, GError **err)
{
	const unsigned char *s = (const unsigned char *)in;
	GString *out = g_string_sized_new(strlen(in));
	bool after_run = false;
	size_t i = 0;

	while (s[i] != '\0') {
		size_t len;

		if (s[i] == '&') {
			if (s[i + 1] == '-') {
				g_string_append_c(out, '&');
				i += 2;
				after_run = false;
				continue;
			}
			if (after_run && !lossy) {
				fail(err, i, "run right after another");
				goto bad;
			}
			if (!decode_run(s, &i, out, lossy, err))
				goto bad;
			after_run = true; /* only the strict decoder looks */
			continue;
		}
		after_run = false;
		if (is_printable(s[i])) {
			g_string_append_c(out, (char)s[i]);
			i++;
			continue;
		}
		if (!lossy) {
			fail(err, i, "byte outside printable ASCII");
			goto bad;
		}
		if (s[i] >= 0x80 && utf8_next(in + i, &len) != (gunichar)-1) {
			g_string_append_len(out, in + i, (gssize)len);
			i += len;
			continue;
		}
		g_string_append_unichar(out, REPLACEMENT);
		i++;
	}
	return g_string_free(out, FALSE);
bad:
	g_string_free(out, TRUE);
	return NULL;
}

char *
imap_utf7_decode(const char *in, GError **err)
{
	return decode(in, false, err);
}

char *
imap_utf7_decode_lossy(const char *in)
{
	return decode(in, true, NULL);
}

/* Append a UTF-16 unit to the run's bit buffer and flush whole sextets. */
static void
push_unit(GString *out, uint32_t unit, uint32_t *bits, unsigned *nbits)
{
	*bits = (*bits << 16) | unit;
	*nbits += 16;
	while (*nbits >= 6) {
		*nbits -= 6;
		g_string_append_c(out, b64_alphabet[(*bits >> *nbits) & 63]);
	}
	*bits &= (1u << *nbits) - 1;
}

/* End a run: pad the last sextet with zero bits and close with '-'. */
static void
end_run(GString *out, uint32_t *bits, unsigned *nbits)
{
	if (*nbits > 0)
		g_string_append_c(out,
		    b64_alphabet[(*bits << (6 - *nbits)) & 63]);
	g_string_append_c(out, '-');
	*bits = 0;
	*nbits = 0;
}

char *
imap_utf7_encode(const char *utf8)
{
	GString *out = g_string_sized_new(strlen(utf8) + 8);
	uint32_t bits = 0;
	unsigned nbits = 0;
	bool in_run = false;

	for (const char *p = utf8; *p != '\0';) {
		size_t len;
		gunichar c = utf8_next(p, &len);

		p += len;
		if (c == (gunichar)-1)
			c = REPLACEMENT;
		if (is_printable(c)) {
			if (in_run) {
				end_run(out, &bits, &nbits);
				in_run = false;
			}
			if (c == '&')
				g_string_append(out, "&-");
			else
				g_string_append_c(out, (char)c);
			continue;
		}
		if (!in_run) {
			g_string_append_c(out, '&');
			in_run = true;
		}
		if (c >= 0x10000) {
			c -= 0x10000;
			push_unit(out, 0xd800 + (c >> 10), &bits, &nbits);
			push_unit(out, 0xdc00 + (c & 0x3ff), &bits, &nbits);
		} else {
			push_unit(out, c, &bits, &nbits);
		}
	}
	if (in_run)
		end_run(out, &bits, &nbits);
	return g_string_free(out, FALSE);
}
