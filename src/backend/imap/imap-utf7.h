/* SPDX-License-Identifier: ISC */
/*
 * Modified UTF-7, the encoding of IMAP mailbox names (RFC 3501 section
 * 5.1.3): printable ASCII stands for itself, "&-" is "&", and anything
 * else is UTF-16 in a base64 run ("&" ... "-") whose alphabet has ','
 * instead of '/'. Pure functions: no I/O, no state.
 */
#ifndef SKUA_BACKEND_IMAP_IMAP_UTF7_H
#define SKUA_BACKEND_IMAP_IMAP_UTF7_H

#include <glib.h>

/*
 * Decode a mailbox name from the server into UTF-8. Returns a new string,
 * or NULL with err set (SKUA_ERROR_PARSE) when in is not the canonical
 * modified UTF-7 of some name: a byte outside printable ASCII, a character
 * outside the base64 alphabet, a run without its closing '-', a run whose
 * length is not that of whole UTF-16 units, leftover bits that are not
 * zero, printable ASCII or U+0000 inside a run, an unpaired surrogate, or a run
 * right after another
 * ("-&" with no character between). The error gives the byte offset, never
 * the name.
 */
char *imap_utf7_decode(const char *in, GError **err);

/*
 * Decode for display: never fails and always returns valid UTF-8 without
 * NUL. Each piece the strict decoder would refuse becomes U+FFFD, except
 * printable ASCII inside a run, which is shown as itself, a run right after
 * another, which is decoded, and raw UTF-8 (servers that send UTF-8 names),
 * which passes through. A run cut short by a foreign character ends with
 * U+FFFD before it. Caller frees.
 */
char *imap_utf7_decode_lossy(const char *in);

/*
 * Encode a UTF-8 name for the server. Each run covers as many characters
 * as possible, so the result is canonical and imap_utf7_decode() accepts
 * it. in should be valid UTF-8; an invalid byte is encoded as U+FFFD.
 * Caller frees.
 */
char *imap_utf7_encode(const char *utf8);

#endif
