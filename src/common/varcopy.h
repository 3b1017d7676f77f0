/* SPDX-License-Identifier: MIT */
/* varcopy.h — copying a variable-size structure (PHONECAPS, PHONESTATUS, PHONEBUTTONINFO,
 * VARSTRING) into another layout: another fixed size (PHONEBUTTONINFO is 36 bytes for TAPI 1.3,
 * 40 from 1.4), a compact copy of what an application passed in (only its parts, nothing of the
 * rest of its buffer), or with the text parts re-encoded for the W functions.
 *
 * Owns: reading a structure's variable parts safely (every Size/Offset pair checked against the
 * bytes that may be read) and appending them to the destination by the rules of varstruct.h.
 * Must not: know which structure it copies beyond the part list it is given.
 */
#ifndef OT_VARCOPY_H
#define OT_VARCOPY_H

#include <stddef.h>
#include <stdint.h>

/* One variable part: the byte offset of its Size field (its Offset field follows), and whether
 * it is text (re-encoded by OT_VAR_WIDEN / OT_VAR_NARROW; other parts are copied unchanged). */
struct ot_var_part {
	uint16_t field;
	uint8_t text;
};

enum ot_var_mode {
	OT_VAR_COPY = 0,   /* every part as it is */
	OT_VAR_WIDEN = 1,  /* text parts UTF-8 -> UTF-16 (bad bytes become U+FFFD) */
	OT_VAR_NARROW = 2, /* text parts UTF-16 -> UTF-8 (an unpaired surrogate is an error) */
};

enum {
	OT_VAR_EOUTSIDE = -1, /* a part of src does not lie inside the bytes that may be read */
	OT_VAR_EINVALID = -2, /* OT_VAR_NARROW: a text part is not valid UTF-16 */
	OT_VAR_ENOMEM = -3,
	OT_VAR_ESMALL = -4,   /* dst's dwTotalSize is below dst_fixed */
};

/* Fills dst, whose caller set dwTotalSize: ot_var_begin(dst, dst_fixed), the fixed fields after
 * the three size fields copied from src (as many bytes as both fixed parts have), every part of
 * src appended in list order (a text part converted by mode, always NUL-terminated), so
 * dwNeededSize tells the truth even when a part did not fit. src_len is how many bytes of src may
 * be read (its dwTotalSize, or dwUsedSize); a part with Size 0 is empty. Returns 0 or OT_VAR_E*. */
int ot_var_repack(void *dst, uint32_t dst_fixed, const void *src, uint32_t src_fixed,
		  uint32_t src_len, const struct ot_var_part *parts, size_t n, int mode);

/* A new compact copy of src (ot_malloc, ot_free it): fixed part dst_fixed, then the parts, and
 * dwTotalSize = dwNeededSize = dwUsedSize = its size. Same errors as ot_var_repack. */
int ot_var_compact(const void *src, uint32_t src_fixed, uint32_t src_len, uint32_t dst_fixed,
		   const struct ot_var_part *parts, size_t n, int mode, void **out,
		   uint32_t *out_len);

#endif
