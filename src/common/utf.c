/* SPDX-License-Identifier: MIT */
/* utf.c — see utf.h. */
#include "utf.h"

#include <stdint.h>

#include "alloc.h"

#define REPLACEMENT 0xFFFDu

/* Decodes one code point at s[0..len) (len > 0): its length in bytes, or -1 when the bytes are
 * not a shortest-form encoding of a scalar value (no surrogates, nothing above U+10FFFF). */
static int decode8(const unsigned char *s, size_t len, uint32_t *cp)
{
	static const uint32_t min[4] = { 0, 0x80, 0x800, 0x10000 };
	int n, i;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
	if (n < 0 || (size_t)n >= len)
		return -1;
	c &= 0x3Fu >> n;
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		c = c << 6 | (s[i] & 0x3Fu);
	}
	if (c < min[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return -1;
	*cp = c;
	return n + 1;
}

/* Writes cp as UTF-16 at out[k] if it fits; returns the units it takes. */
static size_t put16(uint32_t cp, char16_t *out, size_t cap, size_t k)
{
	if (cp < 0x10000) {
		if (out && k < cap)
			out[k] = (char16_t)cp;
		return 1;
	}
	if (out && k + 1 < cap) {
		cp -= 0x10000;
		out[k] = (char16_t)(0xD800 + (cp >> 10));
		out[k + 1] = (char16_t)(0xDC00 + (cp & 0x3FF));
	}
	return 2;
}

static long convert8(const char *s, size_t len, char16_t *out, size_t cap, int lossy)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k = 0;

	while (i < len) {
		uint32_t cp;
		int n = decode8(p + i, len - i, &cp);

		if (n < 0 && !lossy)
			return -1;
		if (n < 0) {
			cp = REPLACEMENT;
			n = 1;
		}
		k += put16(cp, out, cap, k);
		i += (size_t)n;
	}
	return (long)k;
}

int ot_utf8_valid(const char *s, size_t len)
{
	return convert8(s, len, NULL, 0, 0) >= 0;
}

long ot_utf8_to_utf16(const char *s, size_t len, char16_t *out, size_t cap)
{
	return convert8(s, len, out, cap, 0);
}

size_t ot_utf8_to_utf16_lossy(const char *s, size_t len, char16_t *out, size_t cap)
{
	return (size_t)convert8(s, len, out, cap, 1);
}

/* Writes cp as UTF-8 at out[k] if it fits; returns the bytes it takes. */
static size_t put8(uint32_t cp, char *out, size_t cap, size_t k)
{
	size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	static const unsigned char lead[5] = { 0, 0, 0xC0, 0xE0, 0xF0 };
	size_t i;

	if (!out || k + n > cap)
		return n;
	if (n == 1) {
		out[k] = (char)cp;
		return 1;
	}
	for (i = n - 1; i > 0; i--) {
		out[k + i] = (char)(0x80 | (cp & 0x3F));
		cp >>= 6;
	}
	out[k] = (char)(lead[n] | cp);
	return n;
}

long ot_utf16_to_utf8(const char16_t *s, size_t n, char *out, size_t cap)
{
	size_t i = 0, k = 0;

	while (i < n) {
		uint32_t cp = s[i++];

		if (cp >= 0xDC00 && cp <= 0xDFFF)
			return -1;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (i == n || s[i] < 0xDC00 || s[i] > 0xDFFF)
				return -1;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (s[i++] - 0xDC00u);
		}
		k += put8(cp, out, cap, k);
	}
	return (long)k;
}

size_t ot_utf16_len(const char16_t *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

char16_t *ot_utf8_to_utf16_dup(const char *s, size_t len, size_t *units, int *invalid)
{
	long n = ot_utf8_to_utf16(s, len, NULL, 0);
	char16_t *out;

	*invalid = n < 0;
	if (n < 0)
		return NULL;
	out = ot_malloc(((size_t)n + 1) * sizeof(char16_t));
	if (!out)
		return NULL;
	ot_utf8_to_utf16(s, len, out, (size_t)n);
	out[n] = 0;
	if (units)
		*units = (size_t)n;
	return out;
}

char *ot_utf16_to_utf8_dup(const char16_t *s, size_t n, int *invalid)
{
	long len = ot_utf16_to_utf8(s, n, NULL, 0);
	char *out;

	*invalid = len < 0;
	if (len < 0)
		return NULL;
	out = ot_malloc((size_t)len + 1);
	if (!out)
		return NULL;
	ot_utf16_to_utf8(s, n, out, (size_t)len);
	out[len] = '\0';
	return out;
}
