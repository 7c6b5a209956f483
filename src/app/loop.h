/* SPDX-License-Identifier: ISC */
/*
 * The main loop: a GLib main loop on the main thread that watches the
 * terminal, the workers' reply queue, timers and signals, and redraws
 * once per turn.
 */
#ifndef SKUA_APP_LOOP_H
#define SKUA_APP_LOOP_H

#include <glib.h>

struct core;

/*
 * Install the signal handlers that must be in place before curses starts
 * (crash, suspend). Main thread, once.
 */
void loop_install_signals(void);
/* Run the UI until the user quits or a signal ends it; returns the exit
 * status. Curses is started here and always restored before it returns. */
int loop_run(struct core *core, GError **err);

#endif
