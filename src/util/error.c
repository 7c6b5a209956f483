/* SPDX-License-Identifier: ISC */
/* The skua error domain. */
#include "config.h"

#include "util/error.h"

G_DEFINE_QUARK(skua - error - quark, skua_error)
