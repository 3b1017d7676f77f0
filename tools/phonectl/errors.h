/* SPDX-License-Identifier: MIT */
/* errors.h — PHONEERR_ names and values for phonectl's messages. */
#ifndef PHONECTL_ERRORS_H
#define PHONECTL_ERRORS_H

#include <stdbool.h>

#include <tapi.h>

/* The name of a TAPI result: "PHONEERR_NOTOWNER", "OK" for 0, and "0x%08X" for any other value
 * (device-specific or unknown errors, or a request ID passed by mistake). The returned
 * string lives in static storage of the calling thread and stays valid until its next call with
 * an unknown value. */
const char *phonectl_error_name(LONG err);

/* The value of a PHONEERR_ name (with or without the "PHONEERR_" prefix, any case). */
bool phonectl_error_value(const char *name, LONG *value);

/* Iterates the table: returns the i-th error name and value, false past the end. */
bool phonectl_error_at(unsigned i, const char **name, LONG *value);

#endif
