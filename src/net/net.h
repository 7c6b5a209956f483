/* SPDX-License-Identifier: ISC */
/* Network layer set-up: the process-wide parts of OpenSSL and libetpan. */
#ifndef SKUA_NET_NET_H
#define SKUA_NET_NET_H

#include <glib.h>

/*
 * Process-wide initialisation; main thread, before any worker starts
 * (libetpan's globals are not thread-safe to change later).
 */
void net_init(void);
/* Append "OpenSSL x" and "libetpan x" lines (compiled and linked). */
void net_versions(GString *out);

#endif
