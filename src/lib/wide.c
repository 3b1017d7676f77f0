/* SPDX-License-Identifier: MIT */
/* wide.c — see wide.h. */
#include "wide.h"

#include <string.h>

#include "varstruct.h"

#define PART(type, field, text) { offsetof(type, field), text }

const struct ot_var_part ot_wide_caps_parts[10] = {
	PART(PHONECAPS, dwProviderInfoSize, 1),  PART(PHONECAPS, dwPhoneInfoSize, 1),
	PART(PHONECAPS, dwPhoneNameSize, 1),     PART(PHONECAPS, dwButtonModesSize, 0),
	PART(PHONECAPS, dwButtonFunctionsSize, 0), PART(PHONECAPS, dwLampModesSize, 0),
	PART(PHONECAPS, dwSetDataSize, 0),       PART(PHONECAPS, dwGetDataSize, 0),
	PART(PHONECAPS, dwDevSpecificSize, 0),   PART(PHONECAPS, dwDeviceClassesSize, 1),
};

const struct ot_var_part ot_wide_status_parts[4] = {
	PART(PHONESTATUS, dwDisplaySize, 1), PART(PHONESTATUS, dwLampModesSize, 0),
	PART(PHONESTATUS, dwOwnerNameSize, 1), PART(PHONESTATUS, dwDevSpecificSize, 0),
};

const struct ot_var_part ot_wide_button_parts[2] = {
	PART(PHONEBUTTONINFO, dwButtonTextSize, 1), PART(PHONEBUTTONINFO, dwDevSpecificSize, 0),
};

const struct ot_var_part ot_wide_varstring_parts[1] = {
	PART(VARSTRING, dwStringSize, 1),
};

#define MAX_PARTS 10

static LONG from_var_error(int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case OT_VAR_ENOMEM:
		return PHONEERR_NOMEM;
	case OT_VAR_ESMALL:
		return PHONEERR_STRUCTURETOOSMALL;
	case OT_VAR_EINVALID:
		return PHONEERR_INVALPARAM;
	default:
		return PHONEERR_OPERATIONFAILED; /* the A structure was not well formed */
	}
}

LONG ot_wide_repack(void *w, const void *a, uint32_t fixed, const struct ot_var_part *parts,
		    size_t n, long format_field)
{
	struct ot_var_part local[MAX_PARTS];
	uint32_t total = ot_var_get(a, 0), needed = ot_var_get(a, 4), used = ot_var_get(a, 8);
	int ascii = format_field < 0 || ot_var_get(a, (size_t)format_field) == STRINGFORMAT_ASCII;
	size_t i;
	LONG rc;

	if (n > MAX_PARTS)
		return PHONEERR_OPERATIONFAILED;
	for (i = 0; i < n; i++) {
		local[i] = parts[i];
		local[i].text = parts[i].text && ascii;
	}
	rc = from_var_error(ot_var_repack(w, fixed, a, fixed, used < total ? used : total, local,
					  n, OT_VAR_WIDEN));
	if (rc)
		return rc;
	if (ascii && format_field >= 0)
		ot_var_set(w, (size_t)format_field, STRINGFORMAT_UNICODE);
	if (needed > used)
		ot_var_set(w, 4, ot_var_get(w, 4) + 2 * (needed - used));
	return 0;
}

LONG ot_wide_narrow_button_info(const PHONEBUTTONINFO *w, uint32_t fixed, PHONEBUTTONINFO **a)
{
	void *copy = NULL;
	uint32_t len;
	int rc = ot_var_compact(w, fixed, w->dwTotalSize, fixed, ot_wide_button_parts, 2,
				OT_VAR_NARROW, &copy, &len);

	if (rc == OT_VAR_EOUTSIDE)
		return 1;
	*a = copy;
	return from_var_error(rc);
}
