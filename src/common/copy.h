/* SPDX-License-Identifier: MIT */
/* copy.h — copying payloads (data areas, phoneSetData/phoneGetData buffers) quickly.
 *
 * Owns: one function, ot_copy(), a memcpy for large buffers that steers around a slow path of
 * glibc's x86 memcpy. Must not: allocate, or be used where a plain memcpy of a small, fixed
 * size does (headers, fields).
 */
#ifndef OT_COPY_H
#define OT_COPY_H

#include <stddef.h>

/* ot_copy() - Copies n bytes from src to dst (the buffers must not overlap), as memcpy does.
 *
 * Why not memcpy: glibc 2.36 (Debian 12) copies buffers of 4 KiB and more with `rep movsb`,
 * which on AMD EPYC runs about 20 times slower when the destination lies 1 to 31 bytes past the
 * source modulo a 4 KiB page (measured: 26–35 µs for 64 KiB against 1.6 µs) — and that is
 * exactly where a fresh heap buffer lands after an input buffer of a frame's size. In that case,
 * for sizes where glibc uses `rep movsb`, ot_copy() copies in pieces small enough for its vector
 * loop (64 KiB: ≈ 5 µs); otherwise it is memcpy. */
void ot_copy(void *dst, const void *src, size_t n);

#endif
