/* SPDX-License-Identifier: ISC */
/*
 * index_format, as in mutt: a line of the message index from %-codes.
 *
 *   %C row number   %u UID      %Z flags (N/O unread, D deleted, ! flagged,
 *   %d date (%b %d) %{fmt} date with strftime(3) fmt     r answered)
 *   %F, %L, %n sender's name (address if none)   %a sender's address
 *   %t first recipient   %s subject   %c size (1.2K)   %% a percent sign
 *
 * Each code takes mutt's modifiers: %-20.20L pads to 20 cells on the right
 * (without '-', on the left) and cuts at 20 cells. Widths are display
 * cells, never bytes. Pure function: no curses.
 */
#ifndef SKUA_UI_INDEX_FORMAT_H
#define SKUA_UI_INDEX_FORMAT_H

#include <glib.h>

struct envelope;

/*
 * Format the row numbered number (1-based) with envelope env, or a
 * placeholder line when env is NULL (its header is not fetched yet).
 * The result is sanitised for the terminal. Caller frees.
 */
char *index_format_row(const char *fmt, unsigned number, unsigned uid,
    const struct envelope *env);

#endif
