/* SPDX-License-Identifier: MIT */
/* utf.h — UTF-8 <-> UTF-16 conversion for the W functions and for TSPI's UTF-16 strings.
 *
 * Owns: strict validation (overlong forms, surrogates in UTF-8, code points above U+10FFFF and
 * unpaired surrogates in UTF-16 are errors) and a lenient decoder for text that comes from
 * providers (bad bytes become U+FFFD instead of failing the call).
 * Must not: allocate except in the *_dup helpers (through ot_malloc), or know TAPI.
 *
 * Lengths are in code units (bytes for UTF-8, char16_t for UTF-16) and cover exactly the units
 * given: a NUL inside the input converts to a NUL in the output, so NUL-separated lists survive.
 * With out NULL (or cap too small) the functions only count: the return value is the number of
 * units the whole conversion needs, whatever cap is.
 */
#ifndef OT_UTF_H
#define OT_UTF_H

#include <stddef.h>
#include <uchar.h>

/* Is s[0..len) valid UTF-8? */
int ot_utf8_valid(const char *s, size_t len);
/* Converts s[0..len) to UTF-16: the units needed, or -1 when s is not valid UTF-8. */
long ot_utf8_to_utf16(const char *s, size_t len, char16_t *out, size_t cap);
/* The same, but invalid bytes become U+FFFD (never fails). */
size_t ot_utf8_to_utf16_lossy(const char *s, size_t len, char16_t *out, size_t cap);
/* Converts s[0..n) to UTF-8: the bytes needed, or -1 on an unpaired surrogate. */
long ot_utf16_to_utf8(const char16_t *s, size_t n, char *out, size_t cap);

/* Units before the terminating NUL. */
size_t ot_utf16_len(const char16_t *s);

/* NUL-terminated conversions into memory from ot_malloc (ot_free it). NULL on invalid input
 * (*invalid = 1) or out of memory (*invalid = 0). */
char16_t *ot_utf8_to_utf16_dup(const char *s, size_t len, size_t *units, int *invalid);
char *ot_utf16_to_utf8_dup(const char16_t *s, size_t n, int *invalid);

#endif
