/* SPDX-License-Identifier: ISC */
/* Shared between the files of mime/ only. */
#ifndef SKUA_MIME_MIME_INTERNAL_H
#define SKUA_MIME_MIME_INTERNAL_H

#include <gmime/gmime.h>

/* The parser options made by mime_init(): fallback charsets. */
GMimeParserOptions *mime_parser_options(void);

/*
 * Decode the RFC 2047 encoded words of raw (raw 8-bit text between them:
 * UTF-8 if valid, else windows-1252). NULL when a charset has no
 * converter: the caller then asks GMime. Caller frees. Thread-safe.
 */
char *mime_rfc2047_decode(const char *raw);

#endif
