/* SPDX-License-Identifier: ISC */
/*
 * Text for the terminal: the one place that knows display widths and the
 * one filter every untrusted string passes before it is drawn. Pure
 * functions over UTF-8, no curses, so they are tested on their own. Widths
 * come from wcwidth(), so the process needs a UTF-8 LC_CTYPE.
 */
#ifndef SKUA_UI_TEXT_H
#define SKUA_UI_TEXT_H

#include <glib.h>
#include <stdbool.h>

/*
 * Make s (len bytes, or -1 for NUL-terminated) safe to draw on one line:
 * invalid UTF-8 becomes U+FFFD, a tab or newline a space, other C0
 * controls and DEL caret notation ("^["), C1 controls and unprintable code
 * points '?', and invisible format characters (bidi overrides, zero-width
 * joiners, variation selectors) are dropped, so that what is drawn has the
 * width text_width() computes. Caller frees.
 */
char *text_sanitize(const char *s, gssize len);
/* Columns that safe (a text_sanitize() result) takes on the terminal. */
int text_width(const char *safe);
/*
 * The longest prefix of safe that fits in cols columns, never cutting a
 * wide character in half; padded with spaces to cols when pad. Caller
 * frees.
 */
char *text_fit(const char *safe, int cols, bool pad);

#endif
