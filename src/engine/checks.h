/* SPDX-License-Identifier: MIT */
/* checks.h — the checks that decide the answer to a data request before a provider sees it:
 * pure functions of the request and of what the engine knows of the device (its capabilities
 * as last read, the handle's privilege, whether the provider has the function), so that one
 * definition answers in every mode (docs/decisions.md, "phoneSetData and phoneGetData") and a
 * unit test can hold each to its order (tests/unit/test_engine_checks.c).
 *
 * Owns: the order of the checks and the error each answers. Must not: lock, allocate, call a
 * provider, or look at anything but its arguments.
 */
#ifndef OT_ENGINE_CHECKS_H
#define OT_ENGINE_CHECKS_H

#include <tapi.h>

struct ot_caps;

/* phoneSetData on a resolved handle: NOTOWNER (privilege), OPERATIONUNAVAIL (no
 * TSPI_phoneSetData, or no download areas), INVALDATAID, INVALPARAM (size above the area),
 * INVALPOINTER (size without data), in that order; 0 when the request may go on. */
LONG ot_check_set_data(const struct ot_caps *caps, DWORD privilege, int provider_has_it,
		       DWORD data_id, DWORD size, int have_data);
/* phoneGetData on a resolved handle: OPERATIONUNAVAIL (no TSPI_phoneGetData, or no upload
 * areas), INVALDATAID, INVALPOINTER (size without a buffer); 0 when the request may go on. Any
 * privilege may read. */
LONG ot_check_get_data(const struct ot_caps *caps, int provider_has_it, DWORD data_id,
		       DWORD size, int have_buffer);
/* phoneDevSpecific before the handle is looked at: INVALPOINTER (size without a block),
 * RESOURCEUNAVAIL (above OT_DEVSPECIFIC_MAX); 0 when the request may go on. */
LONG ot_check_dev_specific(DWORD size, int have_block);

#endif
