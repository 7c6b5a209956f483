/* SPDX-License-Identifier: ISC */
/* One MIME part's body bytes into display text (UTF-8, LF, plain). */
#ifndef SKUA_MIME_RENDER_H
#define SKUA_MIME_RENDER_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Turn one MIME part, as fetched with BODY[n], into display text: undo the
 * transfer encoding (7bit, 8bit, binary, quoted-printable, base64; names
 * case-insensitive; an unknown one is taken as is), convert from charset to
 * UTF-8 (NULL or unknown charset: UTF-8 if the bytes are valid UTF-8, else
 * windows-1252), un-flow format=flowed text/plain per RFC 3676 (quote depth,
 * space-stuffing, soft line breaks, DelSp=yes, the "-- " signature line is
 * never joined), and turn text/html into readable plain text with a built-in
 * converter (drop tags, <script>, <style> and comments; decode entities,
 * named common ones and numeric; block elements <p> <div> <br> <li> <tr>
 * <h1-6> <blockquote> start new lines, <li> gets "* ", <blockquote> lines get
 * "> "; collapse whitespace outside <pre>; <a href="u">text</a> shows as
 * "text <u>" when u differs from text; <img alt="x"> shows "[x]").
 * Returns valid UTF-8 with LF line endings and no trailing CR (caller frees).
 * Never fails: garbage in gives best-effort text out, never a crash.
 * Pure and thread-safe once mime_init() has run.
 */
char *mime_render_part(const char *data, size_t len, const char *content_type,
    const char *transfer_encoding, const char *charset, bool flowed,
    bool delsp);

/*
 * Undo a transfer encoding (base64, quoted-printable; others as they are)
 * and give the part's bytes, for saving an attachment. Never fails.
 */
GBytes *mime_decode_transfer(const char *data, size_t len,
    const char *transfer_encoding);

#endif
