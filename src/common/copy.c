/* SPDX-License-Identifier: MIT */
/* copy.c — see copy.h. */
#include "copy.h"

#include <stdint.h>
#include <string.h>

#define PAGE 4096u
/* (dst - src) mod PAGE below this (and not 0) is the slow case; measured 1 … 31, kept wider. */
#define SLOW_DELTA 64u
/* Below glibc's rep-movsb threshold (4 KiB with AVX2, 8 KiB with AVX-512): a vector loop. */
#define PIECE 2048u
/* From here on glibc copies with non-temporal stores, not rep movsb: no slow case. */
#define LARGE (1u << 20)

void ot_copy(void *dst, const void *src, size_t n)
{
	uintptr_t delta = ((uintptr_t)dst - (uintptr_t)src) % PAGE;
	unsigned char *d = dst;
	const unsigned char *s = src;
	size_t off;

	if (n < 2 * PIECE || n >= LARGE || delta == 0 || delta >= SLOW_DELTA) {
		memcpy(dst, src, n);
		return;
	}
	for (off = 0; off < n; off += PIECE)
		memcpy(d + off, s + off, n - off < PIECE ? n - off : PIECE);
}
