/* SPDX-License-Identifier: ISC */
/* Tab completion of names: the longest common prefix of the matches. */
#include "config.h"

#include <string.h>

#include "ui/complete.h"

/* s in NFC, or a copy when it is not valid UTF-8. Caller frees. */
static char *
nfc(const char *s)
{
	char *n = g_utf8_normalize(s, -1, G_NORMALIZE_NFC);

	return n != NULL ? n : g_strdup(s);
}

static gunichar
fold(gunichar c, bool ci)
{
	return ci ? g_unichar_tolower(c) : c;
}

/*
 * Characters a and b (NFC, valid UTF-8) have in common at their start;
 * *bytes_out gets the byte length of that prefix in a.
 */
static glong
common_chars(const char *a, const char *b, bool ci, size_t *bytes_out)
{
	const char *p = a, *q = b;
	glong n = 0;

	while (*p != '\0' && *q != '\0' &&
	    fold(g_utf8_get_char(p), ci) == fold(g_utf8_get_char(q), ci)) {
		p = g_utf8_next_char(p);
		q = g_utf8_next_char(q);
		n++;
	}
	*bytes_out = (size_t)(p - a);
	return n;
}

static bool
has_prefix(const char *name, const char *prefix, bool ci)
{
	size_t bytes;

	return common_chars(prefix, name, ci, &bytes) ==
	    g_utf8_strlen(prefix, -1);
}

char *
complete_prefix(const char *const *names, guint n, const char *input,
    GPtrArray *matches_out)
{
	g_autofree char *in = nfc(input);
	g_autofree char *best = NULL;
	GPtrArray *forms = g_ptr_array_new_with_free_func(g_free);
	GArray *which = g_array_new(FALSE, FALSE, sizeof(guint));
	bool ci = false;

	if (!g_utf8_validate(input, -1, NULL)) {
		g_ptr_array_free(forms, TRUE);
		g_array_free(which, TRUE);
		return g_strdup(input);
	}
	for (guint i = 0; i < n; i++)
		g_ptr_array_add(forms,
		    g_utf8_validate(names[i], -1, NULL) ? nfc(names[i]) : NULL);
	for (int pass = 0; pass < 2 && which->len == 0; pass++) {
		ci = pass == 1;
		for (guint i = 0; i < n; i++) {
			const char *f = forms->pdata[i];

			if (f != NULL && has_prefix(f, in, ci))
				g_array_append_val(which, i);
		}
	}
	for (guint k = 0; k < which->len; k++) {
		guint i = g_array_index(which, guint, k);
		const char *f = forms->pdata[i];

		if (matches_out != NULL)
			g_ptr_array_add(matches_out, (gpointer)names[i]);
		if (best == NULL) {
			best = g_strdup(f);
		} else {
			size_t bytes;

			common_chars(best, f, ci, &bytes);
			best[bytes] = '\0';
		}
	}
	g_ptr_array_free(forms, TRUE);
	g_array_free(which, TRUE);
	/* The prefix covers the input (ignoring case at worst): never less. */
	if (best == NULL || g_utf8_strlen(best, -1) < g_utf8_strlen(in, -1))
		return g_strdup(input);
	return g_steal_pointer(&best);
}

int
complete_find(const char *const *names, guint n, const char *text)
{
	g_autofree char *want = nfc(text);
	int found = -1;

	for (guint i = 0; i < n; i++) {
		g_autofree char *f = nfc(names[i]);

		if (strcmp(f, want) == 0)
			return (int)i;
	}
	if (!g_utf8_validate(want, -1, NULL))
		return -1;
	for (guint i = 0; i < n; i++) {
		g_autofree char *a = g_utf8_casefold(want, -1);
		g_autofree char *f = NULL, *b = NULL;

		if (!g_utf8_validate(names[i], -1, NULL))
			continue;
		f = nfc(names[i]);
		b = g_utf8_casefold(f, -1);
		if (strcmp(a, b) != 0)
			continue;
		if (found >= 0)
			return -1;
		found = (int)i;
	}
	return found;
}
