/* SPDX-License-Identifier: ISC */
/* The IMAP driver: libetpan's mailimap over our TLS stream (net/). */
#ifndef SKUA_BACKEND_IMAP_IMAP_H
#define SKUA_BACKEND_IMAP_IMAP_H

struct backend;
struct backend_params;

/*
 * Process-wide set-up of the driver (libetpan's parser for THREAD
 * replies): call once from main, before any thread starts.
 */
void imap_init(void);
/* A driver instance for params (copied). Runs on a worker thread. */
struct backend *imap_backend_new(const struct backend_params *params);

#endif
