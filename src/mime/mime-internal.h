/* SPDX-License-Identifier: ISC */
/* Shared between the files of mime/ only. */
#ifndef SKUA_MIME_MIME_INTERNAL_H
#define SKUA_MIME_MIME_INTERNAL_H

#include <gmime/gmime.h>

/* The parser options made by mime_init(): fallback charsets. */
GMimeParserOptions *mime_parser_options(void);

#endif
