/* SPDX-License-Identifier: ISC */
/* The one GError domain of skua; its codes are kinds of failure. */
#ifndef SKUA_UTIL_ERROR_H
#define SKUA_UTIL_ERROR_H

#include <glib.h>

#define SKUA_ERROR (skua_error_quark())

enum skua_error {
	SKUA_ERROR_NETWORK,
	SKUA_ERROR_TLS_VERIFY,
	SKUA_ERROR_AUTH,
	SKUA_ERROR_PROTOCOL,
	SKUA_ERROR_NOT_SUPPORTED,
	SKUA_ERROR_CANCELLED,
	SKUA_ERROR_IO,
	SKUA_ERROR_PARSE,
	SKUA_ERROR_CONFIG,
	SKUA_ERROR_USAGE,
};

GQuark skua_error_quark(void);

#endif
