/* SPDX-License-Identifier: ISC */
/*
 * The certificate pin file ($XDG_DATA_HOME/skua/certificates): servers the
 * user chose to trust always, one "host:port SHA256-FINGERPRINT" per line
 * (blank lines and lines starting with '#' are skipped). A pin trusts one
 * certificate at one host:port only: another certificate there, or the same
 * one elsewhere, is not trusted by it.
 */
#ifndef SKUA_UTIL_PINS_H
#define SKUA_UTIL_PINS_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#define PIN_SHA256_LEN 32

/* A pin file larger than this is refused (a mistake, not a pin file). */
#define PINS_MAX_FILE (1024 * 1024)

/*
 * Parse a SHA-256 fingerprint: 64 hex digits, case-insensitive, pairs
 * optionally separated by ':' or ' '. False when it is anything else.
 */
bool pin_parse(const char *s, unsigned char out[PIN_SHA256_LEN]);
/* "AB:CD:...": 95 characters and a NUL. */
void pin_format(const unsigned char md[PIN_SHA256_LEN], char out[96]);

/*
 * Append to out (a GArray of PIN_SHA256_LEN-byte elements) the fingerprints
 * the pin file text (len bytes, need not end in NUL) lists for host_port
 * ("host:port", "[v6]:port"; the host compared without case). Malformed
 * lines are skipped. Returns how many were appended.
 */
unsigned pins_parse(const char *text, size_t len, const char *host_port,
    GArray *out);
/*
 * Read the pin file at path and append its pins for host_port to out. A
 * missing file is no pin and no error; false with err (SKUA_ERROR_IO) when
 * it cannot be read or is too large.
 */
bool pins_load(const char *path, const char *host_port, GArray *out,
    GError **err);
/*
 * Add the pin "host_port fingerprint" to the file at path unless it is
 * there already: the directory is made 0700 when missing, the file is
 * created 0600 (never through a symlink) and the line appended and synced.
 * False with err (SKUA_ERROR_IO, or SKUA_ERROR_CONFIG for a fingerprint
 * that is no SHA-256).
 */
bool pins_add(const char *path, const char *host_port, const char *fingerprint,
    GError **err);
/* The pin file: path_data_dir()/certificates. Caller frees. */
char *pins_default_path(void);

#endif
