/* SPDX-License-Identifier: MIT */
/* wide.h — the structures of the W functions: a structure an A function filled (UTF-8 text),
 * re-encoded into the caller's buffer with every text part in UTF-16.
 *
 * Owns: which parts of PHONECAPS, PHONESTATUS, PHONEBUTTONINFO and VARSTRING are text, and the
 * re-encoding by the variable-size structure rules (Size/Offset/dwNeededSize/dwUsedSize
 * recomputed, a part that does not fit left out whole, never truncated).
 * Must not: call the backend (phone_wide.c does).
 */
#ifndef OT_LIB_WIDE_H
#define OT_LIB_WIDE_H

#include <stddef.h>
#include <stdint.h>

#include <tapi.h>

#include "varcopy.h"

/* The variable parts of each structure, text marked. */
extern const struct ot_var_part ot_wide_caps_parts[10];
extern const struct ot_var_part ot_wide_status_parts[4];
extern const struct ot_var_part ot_wide_button_parts[2];
extern const struct ot_var_part ot_wide_varstring_parts[1];

/* Fills w (its caller set dwTotalSize >= fixed) from a, whose fixed part has the same fixed
 * bytes: the fixed fields copied, every text part converted from UTF-8 to UTF-16 (bad bytes
 * become U+FFFD) unless a's dwStringFormat (at format_field; -1: the structure has none) is not
 * STRINGFORMAT_ASCII, other parts copied unchanged; dwStringFormat becomes
 * STRINGFORMAT_UNICODE when it was ASCII. Parts a could not hold (its dwNeededSize above its
 * dwUsedSize) count twice their size in w's dwNeededSize. Returns 0 or a PHONEERR_ value. */
LONG ot_wide_repack(void *w, const void *a, uint32_t fixed, const struct ot_var_part *parts,
		    size_t n, long format_field);

/* A PHONEBUTTONINFO of a W caller (text UTF-16, fixed part fixed bytes, dwTotalSize checked by
 * the caller to be >= fixed) as a compact UTF-8 copy (ot_malloc): 0, PHONEERR_INVALPARAM (text
 * not valid UTF-16), PHONEERR_NOMEM, or 1 when a part lies outside dwTotalSize (the caller lets
 * the A function refuse the original). */
LONG ot_wide_narrow_button_info(const PHONEBUTTONINFO *w, uint32_t fixed, PHONEBUTTONINFO **a);

#endif
