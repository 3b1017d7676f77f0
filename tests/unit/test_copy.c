/* SPDX-License-Identifier: MIT */
/* Unit test of ot_copy (src/common/copy.c): the same bytes as memcpy, whatever the sizes and the
 * relative position of the buffers — the slow-case pieces included (their speed is a matter for
 * the benchmarks, not for a test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "copy.h"

#define ROOM (3u << 20)

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 131u + seed + (i >> 12));
}

/* Copies n bytes from src to src + gap (gap > n: no overlap) and checks them and the guard bytes
 * on both sides of the destination. */
static void copy_and_check(unsigned char *buf, size_t n, size_t gap)
{
	unsigned char *src = buf + 64, *dst = src + gap;

	fill(src, n, (unsigned)gap);
	memset(dst - 16, 0xA5, n + 32);
	ot_copy(dst, src, n);
	assert_memory_equal(dst, src, n);
	for (size_t i = 1; i <= 16; i++) {
		assert_int_equal(dst[-(long)i], 0xA5);
		assert_int_equal(dst[n + i - 1], 0xA5);
	}
}

static void test_same_bytes_as_memcpy(void **state)
{
	static const size_t sizes[] = { 0, 1, 63, 4095, 4096, 4097, 65536, 65536 + 40, 300001,
					(1u << 20) - 1, 1u << 20 };
	static const size_t deltas[] = { 0, 1, 8, 16, 31, 32, 63, 64, 100, 2048, 4095 };
	unsigned char *buf = malloc(ROOM);

	(void)state;
	assert_non_null(buf);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (size_t k = 0; k < sizeof(deltas) / sizeof(deltas[0]); k++) {
			/* dst past the end of src, at deltas[k] modulo a page */
			size_t gap = (sizes[i] + 32 + 4095) / 4096 * 4096 + 4096 + deltas[k];

			copy_and_check(buf, sizes[i], gap);
		}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes_as_memcpy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
