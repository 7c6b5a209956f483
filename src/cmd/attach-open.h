/* SPDX-License-Identifier: ISC */
/* Opening an attachment through mailcap (mutt's view-attach). Main thread. */
#ifndef SKUA_CMD_ATTACH_OPEN_H
#define SKUA_CMD_ATTACH_OPEN_H

#include <stdbool.h>

struct core;

/*
 * Open part i of the message core->folder shows: fetch that part only
 * into a temporary file we name, then run the mailcap entry for its type
 * on it (needsterminal: curses suspended while it runs; otherwise in the
 * background), or show a copiousoutput entry's output, or for a text part
 * without an entry (unless mailcap_only) its text, in a view. The
 * temporary file is removed when the program is done, at the latest when
 * skua exits. Reports problems on the message line.
 */
void attach_open(struct core *core, unsigned i, bool mailcap_only);

#endif
