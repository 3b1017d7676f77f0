/* SPDX-License-Identifier: MIT */
/* varstruct.h — filling TAPI's variable-size structures (PHONECAPS, PHONESTATUS, PHONEBUTTONINFO,
 * VARSTRING) by the documented rules.
 *
 * Owns: dwTotalSize/dwNeededSize/dwUsedSize bookkeeping and the never-truncate rule: a variable
 * part is written whole or not at all (its Size/Offset pair then stays 0), and dwNeededSize always
 * tells the caller how much room everything needs.
 * Must not: read or write past dwTotalSize. Fields are addressed by byte offset (offsetof), never
 * by pointer, because the structures are packed and their members may be unaligned.
 */
#ifndef OT_VARSTRUCT_H
#define OT_VARSTRUCT_H

#include <stddef.h>
#include <stdint.h>

/* Checks dwTotalSize >= fixed_size and zeroes everything after dwTotalSize up to fixed_size; sets
 * dwNeededSize = dwUsedSize = fixed_size. Returns 0, or -1 when the structure is too small (the
 * caller maps that to PHONEERR_STRUCTURETOOSMALL). */
int ot_var_begin(void *st, uint32_t fixed_size);
/* Appends len bytes of data as the variable part whose Size field is at byte offset size_field
 * (its Offset field follows at size_field + 4). len 0 leaves the pair at 0. */
void ot_var_append(void *st, size_t size_field, const void *data, uint32_t len);
/* Reads or writes one DWORD field of a packed structure. */
uint32_t ot_var_get(const void *st, size_t field);
void ot_var_set(void *st, size_t field, uint32_t value);
/* ot_var_set() only when the field lies inside the first `fixed` bytes: the fixed part of the
 * caller's version of the structure (a field newer than that version is not there to write). */
void ot_var_set_fixed(void *st, uint32_t fixed, size_t field, uint32_t value);

#endif
