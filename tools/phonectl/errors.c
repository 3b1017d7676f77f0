/* SPDX-License-Identifier: MIT */
/* errors.c — every PHONEERR_ value of tapi.h with its name.
 *
 * The values come from <tapi.h> itself, so the table cannot drift from the header; the names are
 * spelled out so that a test can check each one against the header (see phonectl_error_at).
 * 0x9000001E is unassigned in every TAPI header and therefore absent here.
 */
#include "errors.h"

#include <stdint.h>
#include <stdio.h>
#include <strings.h>

struct error_name {
	LONG value;
	const char *name;
};

#define E(x) { (LONG)(x), #x }

static const struct error_name error_names[] = {
	E(PHONEERR_ALLOCATED),
	E(PHONEERR_BADDEVICEID),
	E(PHONEERR_INCOMPATIBLEAPIVERSION),
	E(PHONEERR_INCOMPATIBLEEXTVERSION),
	E(PHONEERR_INIFILECORRUPT),
	E(PHONEERR_INUSE),
	E(PHONEERR_INVALAPPHANDLE),
	E(PHONEERR_INVALAPPNAME),
	E(PHONEERR_INVALBUTTONLAMPID),
	E(PHONEERR_INVALBUTTONMODE),
	E(PHONEERR_INVALBUTTONSTATE),
	E(PHONEERR_INVALDATAID),
	E(PHONEERR_INVALDEVICECLASS),
	E(PHONEERR_INVALEXTVERSION),
	E(PHONEERR_INVALHOOKSWITCHDEV),
	E(PHONEERR_INVALHOOKSWITCHMODE),
	E(PHONEERR_INVALLAMPMODE),
	E(PHONEERR_INVALPARAM),
	E(PHONEERR_INVALPHONEHANDLE),
	E(PHONEERR_INVALPHONESTATE),
	E(PHONEERR_INVALPOINTER),
	E(PHONEERR_INVALPRIVILEGE),
	E(PHONEERR_INVALRINGMODE),
	E(PHONEERR_NODEVICE),
	E(PHONEERR_NODRIVER),
	E(PHONEERR_NOMEM),
	E(PHONEERR_NOTOWNER),
	E(PHONEERR_OPERATIONFAILED),
	E(PHONEERR_OPERATIONUNAVAIL),
	E(PHONEERR_RESOURCEUNAVAIL),
	E(PHONEERR_REQUESTOVERRUN),
	E(PHONEERR_STRUCTURETOOSMALL),
	E(PHONEERR_UNINITIALIZED),
	E(PHONEERR_REINIT),
	E(PHONEERR_DISCONNECTED),
	E(PHONEERR_SERVICE_NOT_RUNNING),
};

#undef E

#define N_ERRORS (sizeof error_names / sizeof error_names[0])

const char *phonectl_error_name(LONG err)
{
	static _Thread_local char buf[32];

	if (err == 0)
		return "OK";
	for (size_t i = 0; i < N_ERRORS; i++)
		if (error_names[i].value == err)
			return error_names[i].name;
	snprintf(buf, sizeof buf, "0x%08X", (unsigned)(uint32_t)err);
	return buf;
}

bool phonectl_error_value(const char *name, LONG *value)
{
	static const char prefix[] = "PHONEERR_";

	if (strncasecmp(name, prefix, sizeof prefix - 1) == 0)
		name += sizeof prefix - 1;
	for (size_t i = 0; i < N_ERRORS; i++) {
		if (strcasecmp(error_names[i].name + sizeof prefix - 1, name) == 0) {
			*value = error_names[i].value;
			return true;
		}
	}
	return false;
}

bool phonectl_error_at(unsigned i, const char **name, LONG *value)
{
	if (i >= N_ERRORS)
		return false;
	*name = error_names[i].name;
	*value = error_names[i].value;
	return true;
}
