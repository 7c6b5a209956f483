/* SPDX-License-Identifier: ISC */
/*
 * Name completion for the line prompt, as mutt's Tab does it: the longest
 * common prefix of the candidates that start with what was typed. Pure
 * functions over UTF-8, no curses.
 */
#ifndef SKUA_UI_COMPLETE_H
#define SKUA_UI_COMPLETE_H

#include <glib.h>
#include <stdbool.h>

/*
 * Complete input against the n names (UTF-8). The matches are the names
 * that start with input, compared in NFC form; when none does, those that
 * start with it ignoring case. The result is the longest common prefix of
 * the matches (whole characters, the first match's spelling), or input
 * itself when nothing matches; never shorter than input. When matches_out
 * is not NULL, the matching names (borrowed from names, in their order)
 * are appended to it. Caller frees the result.
 */
char *complete_prefix(const char *const *names, guint n, const char *input,
    GPtrArray *matches_out);
/*
 * The name among the n names that text means: the one equal to it in NFC
 * form, else the only one equal ignoring case; -1 when none (or several
 * differ only in case).
 */
int complete_find(const char *const *names, guint n, const char *text);

#endif
