/* SPDX-License-Identifier: MIT */
/* Unit tests of src/common/utf.c (UTF-8 <-> UTF-16) and src/common/varcopy.c (copies of
 * variable-size structures into another layout or encoding). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <tapi.h>

#include "alloc.h"
#include "utf.h"
#include "varcopy.h"
#include "varstruct.h"

static void valid_utf8_converts(void **state)
{
	/* A, é (2 bytes), € (3 bytes), 😀 U+1F600 (4 bytes: a surrogate pair) */
	static const char s[] = "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
	char16_t out[8];

	(void)state;
	assert_true(ot_utf8_valid(s, sizeof(s) - 1));
	assert_int_equal(ot_utf8_to_utf16(s, sizeof(s) - 1, NULL, 0), 5);
	assert_int_equal(ot_utf8_to_utf16(s, sizeof(s) - 1, out, 8), 5);
	assert_int_equal(out[0], u'A');
	assert_int_equal(out[1], 0x00E9);
	assert_int_equal(out[2], 0x20AC);
	assert_int_equal(out[3], 0xD83D);
	assert_int_equal(out[4], 0xDE00);
	/* too small a buffer: counts, writes nothing past cap */
	out[1] = 0x1234;
	assert_int_equal(ot_utf8_to_utf16(s, sizeof(s) - 1, out, 1), 5);
	assert_int_equal(out[1], 0x1234);
}

static void invalid_utf8_is_refused(void **state)
{
	static const char *const bad[] = {
		"\xC0\x80",         /* overlong NUL */
		"\xC1\xBF",         /* overlong */
		"\xE0\x80\x80",     /* overlong */
		"\xF0\x80\x80\x80", /* overlong */
		"\xED\xA0\x80",     /* a surrogate encoded */
		"\xF4\x90\x80\x80", /* above U+10FFFF */
		"\xF5\x80\x80\x80", /* no such lead byte */
		"\x80",             /* continuation without lead */
		"\xC3",             /* truncated */
		"\xE2\x82",         /* truncated */
		"\xC3\x28",         /* bad continuation */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(ot_utf8_valid(bad[i], strlen(bad[i])));
		assert_int_equal(ot_utf8_to_utf16(bad[i], strlen(bad[i]), NULL, 0), -1);
	}
	assert_true(ot_utf8_valid("\xF4\x8F\xBF\xBF", 4)); /* U+10FFFF is the last */
	assert_true(ot_utf8_valid("\xEF\xBF\xBF", 3));
}

static void lossy_replaces_bad_bytes(void **state)
{
	char16_t out[8];

	(void)state;
	assert_int_equal(ot_utf8_to_utf16_lossy("a\xFF" "b", 3, out, 8), 3);
	assert_int_equal(out[0], u'a');
	assert_int_equal(out[1], 0xFFFD);
	assert_int_equal(out[2], u'b');
}

static void nuls_inside_survive(void **state)
{
	static const char list[] = "ab\0c\0"; /* a NUL-separated list */
	char16_t out[8];
	char back[8];

	(void)state;
	assert_int_equal(ot_utf8_to_utf16(list, sizeof(list), out, 8), 6);
	assert_int_equal(out[2], 0);
	assert_int_equal(out[5], 0);
	assert_int_equal(ot_utf16_to_utf8(out, 6, back, sizeof(back)), 6);
	assert_memory_equal(back, list, 6);
}

static void utf16_to_utf8(void **state)
{
	static const char16_t s[] = { u'A', 0x00E9, 0x20AC, 0xD83D, 0xDE00, 0 };
	char out[16];
	char *dup;
	int invalid;

	(void)state;
	assert_int_equal(ot_utf16_len(s), 5);
	assert_int_equal(ot_utf16_to_utf8(s, 5, NULL, 0), 10);
	assert_int_equal(ot_utf16_to_utf8(s, 5, out, sizeof(out)), 10);
	assert_memory_equal(out, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 10);
	dup = ot_utf16_to_utf8_dup(s, 5, &invalid);
	assert_string_equal(dup, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
	ot_free(dup);
}

static void unpaired_surrogates_are_refused(void **state)
{
	static const char16_t high_end[] = { u'a', 0xD83D };
	static const char16_t high_then_a[] = { 0xD83D, u'a' };
	static const char16_t low_alone[] = { 0xDE00, u'a' };
	static const char16_t two_highs[] = { 0xD83D, 0xD83D, 0xDE00 };
	int invalid = 0;

	(void)state;
	assert_int_equal(ot_utf16_to_utf8(high_end, 2, NULL, 0), -1);
	assert_int_equal(ot_utf16_to_utf8(high_then_a, 2, NULL, 0), -1);
	assert_int_equal(ot_utf16_to_utf8(low_alone, 2, NULL, 0), -1);
	assert_int_equal(ot_utf16_to_utf8(two_highs, 3, NULL, 0), -1);
	assert_null(ot_utf16_to_utf8_dup(low_alone, 2, &invalid));
	assert_true(invalid);
}

static void dup_helpers_and_memory(void **state)
{
	size_t units = 0;
	int invalid = 1;
	char16_t *w = ot_utf8_to_utf16_dup("h\xC3\xA9", 3, &units, &invalid);

	(void)state;
	assert_non_null(w);
	assert_false(invalid);
	assert_int_equal(units, 2);
	assert_int_equal(w[2], 0);
	ot_free(w);
	assert_null(ot_utf8_to_utf16_dup("\xC3", 1, &units, &invalid));
	assert_true(invalid);
	ot_alloc_fail_after(0);
	assert_null(ot_utf8_to_utf16_dup("ok", 2, &units, &invalid));
	ot_alloc_fail_after(-1);
	assert_false(invalid);
}

/* ---- varcopy ---- */

static const struct ot_var_part parts[] = {
	{ offsetof(PHONEBUTTONINFO, dwButtonTextSize), 1 },
	{ offsetof(PHONEBUTTONINFO, dwDevSpecificSize), 0 },
};

/* A 1.4 PHONEBUTTONINFO with text "Hi" and 3 dev-specific bytes, in 64 bytes. */
static PHONEBUTTONINFO *sample(char *buf)
{
	PHONEBUTTONINFO *bi = (PHONEBUTTONINFO *)buf;

	memset(buf, 0, 64);
	bi->dwTotalSize = 64;
	bi->dwButtonMode = PHONEBUTTONMODE_CALL;
	bi->dwButtonState = PHONEBUTTONSTATE_DOWN;
	bi->dwButtonTextSize = 3;
	bi->dwButtonTextOffset = 50;
	memcpy(buf + 50, "Hi", 3);
	bi->dwDevSpecificSize = 3;
	bi->dwDevSpecificOffset = 44;
	memcpy(buf + 44, "\1\2\3", 3);
	return bi;
}

static void compact_copies_only_the_parts(void **state)
{
	char buf[64];
	void *out = NULL;
	uint32_t len = 0;
	PHONEBUTTONINFO *c;

	(void)state;
	assert_int_equal(ot_var_compact(sample(buf), 40, 64, 40, parts, 2, OT_VAR_COPY, &out, &len),
			 0);
	c = out;
	assert_int_equal(len, 40 + 3 + 3);
	assert_int_equal(c->dwTotalSize, len);
	assert_int_equal(c->dwNeededSize, len);
	assert_int_equal(c->dwUsedSize, len);
	assert_int_equal(c->dwButtonMode, PHONEBUTTONMODE_CALL);
	assert_int_equal(c->dwButtonTextOffset, 40);
	assert_string_equal((char *)out + 40, "Hi");
	assert_int_equal(c->dwDevSpecificOffset, 43);
	ot_free(out);
}

static void a_part_outside_is_refused(void **state)
{
	char buf[64];
	void *out = NULL;
	uint32_t len;
	PHONEBUTTONINFO *bi = sample(buf);

	(void)state;
	assert_int_equal(ot_var_compact(bi, 40, 52, 40, parts, 2, OT_VAR_COPY, &out, &len),
			 OT_VAR_EOUTSIDE);
	bi->dwButtonTextOffset = 0xFFFFFFFEu; /* no wrap-around */
	assert_int_equal(ot_var_compact(bi, 40, 64, 40, parts, 2, OT_VAR_COPY, &out, &len),
			 OT_VAR_EOUTSIDE);
	assert_null(out);
}

static void repack_to_the_13_layout_and_never_truncate(void **state)
{
	char buf[64], dst[64];
	PHONEBUTTONINFO *d = (PHONEBUTTONINFO *)dst;

	(void)state;
	memset(dst, 0xEE, sizeof(dst));
	d->dwTotalSize = 36 + 3; /* room for the text only */
	assert_int_equal(ot_var_repack(dst, 36, sample(buf), 40, 64, parts, 2, OT_VAR_COPY), 0);
	assert_int_equal(d->dwUsedSize, 39);
	assert_int_equal(d->dwNeededSize, 42);
	assert_int_equal(d->dwButtonTextOffset, 36);
	assert_string_equal(dst + 36, "Hi");
	assert_int_equal(d->dwDevSpecificSize, 0);
	assert_int_equal(d->dwDevSpecificOffset, 0);
	d->dwTotalSize = 35;
	assert_int_equal(ot_var_repack(dst, 36, buf, 40, 64, parts, 2, OT_VAR_COPY),
			 OT_VAR_ESMALL);
}

static void widen_and_narrow_text_parts(void **state)
{
	char buf[64], wide[96];
	PHONEBUTTONINFO *w = (PHONEBUTTONINFO *)wide;
	void *back = NULL;
	uint32_t len;
	char16_t text[3];

	(void)state;
	memset(wide, 0, sizeof(wide));
	w->dwTotalSize = sizeof(wide);
	assert_int_equal(ot_var_repack(wide, 40, sample(buf), 40, 64, parts, 2, OT_VAR_WIDEN), 0);
	assert_int_equal(w->dwButtonTextSize, 6);
	memcpy(text, wide + w->dwButtonTextOffset, 6);
	assert_int_equal(text[0], u'H');
	assert_int_equal(text[2], 0);
	assert_int_equal(w->dwDevSpecificSize, 3); /* not text: unchanged */
	assert_int_equal(ot_var_compact(wide, 40, sizeof(wide), 40, parts, 2, OT_VAR_NARROW, &back,
					&len), 0);
	assert_string_equal((char *)back + ((PHONEBUTTONINFO *)back)->dwButtonTextOffset, "Hi");
	ot_free(back);
	/* an odd byte count, or an unpaired surrogate, is not UTF-16 */
	w->dwButtonTextSize = 5;
	assert_int_equal(ot_var_compact(wide, 40, sizeof(wide), 40, parts, 2, OT_VAR_NARROW, &back,
					&len), OT_VAR_EINVALID);
	text[0] = 0xD800;
	memcpy(wide + w->dwButtonTextOffset, text, 6);
	w->dwButtonTextSize = 6;
	assert_int_equal(ot_var_compact(wide, 40, sizeof(wide), 40, parts, 2, OT_VAR_NARROW, &back,
					&len), OT_VAR_EINVALID);
}

static void compact_allocation_failures(void **state)
{
	char buf[64];
	void *out;
	uint32_t len;
	long live = ot_alloc_live(), n;

	(void)state;
	for (n = 0;; n++) {
		int rc;

		ot_alloc_fail_after(n);
		rc = ot_var_compact(sample(buf), 40, 64, 40, parts, 2, OT_VAR_WIDEN, &out, &len);
		ot_alloc_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, OT_VAR_ENOMEM);
		assert_int_equal(ot_alloc_live(), live);
	}
	ot_free(out);
	assert_int_equal(ot_alloc_live(), live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_utf8_converts),
		cmocka_unit_test(invalid_utf8_is_refused),
		cmocka_unit_test(lossy_replaces_bad_bytes),
		cmocka_unit_test(nuls_inside_survive),
		cmocka_unit_test(utf16_to_utf8),
		cmocka_unit_test(unpaired_surrogates_are_refused),
		cmocka_unit_test(dup_helpers_and_memory),
		cmocka_unit_test(compact_copies_only_the_parts),
		cmocka_unit_test(a_part_outside_is_refused),
		cmocka_unit_test(repack_to_the_13_layout_and_never_truncate),
		cmocka_unit_test(widen_and_narrow_text_parts),
		cmocka_unit_test(compact_allocation_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
