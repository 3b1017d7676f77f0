/* SPDX-License-Identifier: MIT */
/* checks.c — see checks.h. */
#include "checks.h"

#include "internal.h"

LONG ot_check_set_data(const struct ot_caps *caps, DWORD privilege, int provider_has_it,
		       DWORD data_id, DWORD size, int have_data)
{
	if (privilege != PHONEPRIVILEGE_OWNER)
		return PHONEERR_NOTOWNER;
	if (!provider_has_it || caps->num_set_data == 0)
		return PHONEERR_OPERATIONUNAVAIL;
	if (data_id >= caps->num_set_data)
		return PHONEERR_INVALDATAID;
	/* The size before the pointer: no byte of a buffer is read for a request refused anyway. */
	if (size > caps->set_data_sizes[data_id])
		return PHONEERR_INVALPARAM;
	if (size && !have_data)
		return PHONEERR_INVALPOINTER;
	return 0;
}

LONG ot_check_get_data(const struct ot_caps *caps, int provider_has_it, DWORD data_id,
		       DWORD size, int have_buffer)
{
	if (!provider_has_it || caps->num_get_data == 0)
		return PHONEERR_OPERATIONUNAVAIL;
	if (data_id >= caps->num_get_data)
		return PHONEERR_INVALDATAID;
	if (size && !have_buffer)
		return PHONEERR_INVALPOINTER;
	return 0;
}

LONG ot_check_dev_specific(DWORD size, int have_block)
{
	if (size && !have_block)
		return PHONEERR_INVALPOINTER;
	if (size > OT_DEVSPECIFIC_MAX)
		return PHONEERR_RESOURCEUNAVAIL;
	return 0;
}
