/* SPDX-License-Identifier: MIT */
/* Unit tests of the handle tables (src/common/handles.c) and variable-size structures. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <tapi.h>

#include "alloc.h"
#include "handles.h"
#include "map.h"
#include "varstruct.h"

static void handles_are_positive_and_resolve(void **state)
{
	struct ot_handles t = { 0 };
	int objs[100];
	uint32_t h[100];
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		assert_int_equal(ot_handles_add(&t, &objs[i], &h[i]), 0);
		assert_true(h[i] > 0 && h[i] <= 0x7FFFFFFFu);
	}
	for (i = 0; i < 100; i++)
		assert_ptr_equal(ot_handles_get(&t, h[i]), &objs[i]);
	assert_int_equal(t.count, 100);
	assert_null(ot_handles_get(&t, 0));
	ot_handles_free(&t);
}

static void stale_handles_never_resolve(void **state)
{
	struct ot_handles t = { 0 };
	int a, b;
	uint32_t ha, hb;

	(void)state;
	assert_int_equal(ot_handles_add(&t, &a, &ha), 0);
	assert_ptr_equal(ot_handles_remove(&t, ha), &a);
	assert_null(ot_handles_remove(&t, ha));
	/* The slot is reused with a new generation: the old value stays dead. */
	assert_int_equal(ot_handles_add(&t, &b, &hb), 0);
	assert_int_not_equal(ha, hb);
	assert_null(ot_handles_get(&t, ha));
	assert_ptr_equal(ot_handles_get(&t, hb), &b);
	ot_handles_free(&t);
}

static void generations_wrap_without_zero(void **state)
{
	struct ot_handles t = { 0 };
	uint32_t h, first;
	int a, i;

	(void)state;
	assert_int_equal(ot_handles_add(&t, &a, &first), 0);
	ot_handles_remove(&t, first);
	for (i = 0; i < 5000; i++) {
		assert_int_equal(ot_handles_add(&t, &a, &h), 0);
		assert_true(h > 0 && h <= 0x7FFFFFFFu);
		ot_handles_remove(&t, h);
	}
	ot_handles_free(&t);
}

static void iteration_visits_live_objects(void **state)
{
	struct ot_handles t = { 0 };
	int objs[10], seen = 0;
	uint32_t h[10], cursor = 0, hh;
	int i;
	void *p;

	(void)state;
	for (i = 0; i < 10; i++)
		ot_handles_add(&t, &objs[i], &h[i]);
	for (i = 0; i < 10; i += 2)
		ot_handles_remove(&t, h[i]);
	while ((p = ot_handles_next(&t, &cursor, &hh))) {
		assert_ptr_equal(ot_handles_get(&t, hh), p);
		seen++;
	}
	assert_int_equal(seen, 5);
	ot_handles_free(&t);
}

static void allocation_failure_is_reported(void **state)
{
	struct ot_handles t = { 0 };
	long live = ot_alloc_live();
	uint32_t h;
	int a;

	(void)state;
	ot_alloc_fail_after(0);
	assert_int_equal(ot_handles_add(&t, &a, &h), -12);
	assert_int_equal(t.count, 0);
	assert_int_equal(ot_handles_add(&t, &a, &h), 0);
	ot_handles_free(&t);
	assert_int_equal(ot_alloc_live(), live);
}

static void varstruct_never_truncates(void **state)
{
	union {
		VARSTRING vs;
		char bytes[40];
	} u;
	static const char text[] = "0123456789"; /* 11 bytes with the NUL */

	(void)state;
	memset(&u, 0xAA, sizeof(u));
	u.vs.dwTotalSize = 23;
	assert_int_equal(ot_var_begin(&u.vs, sizeof(VARSTRING)), -1);

	u.vs.dwTotalSize = sizeof(VARSTRING) + 10; /* one byte short */
	assert_int_equal(ot_var_begin(&u.vs, sizeof(VARSTRING)), 0);
	ot_var_append(&u.vs, offsetof(VARSTRING, dwStringSize), text, sizeof(text));
	assert_int_equal(u.vs.dwNeededSize, sizeof(VARSTRING) + sizeof(text));
	assert_int_equal(u.vs.dwUsedSize, sizeof(VARSTRING));
	assert_int_equal(u.vs.dwStringSize, 0);
	assert_int_equal(u.vs.dwStringOffset, 0);
	assert_int_equal((unsigned char)u.bytes[sizeof(VARSTRING)], 0xAA); /* nothing written */

	u.vs.dwTotalSize = sizeof(VARSTRING) + sizeof(text);
	assert_int_equal(ot_var_begin(&u.vs, sizeof(VARSTRING)), 0);
	ot_var_append(&u.vs, offsetof(VARSTRING, dwStringSize), text, sizeof(text));
	assert_int_equal(u.vs.dwNeededSize, u.vs.dwUsedSize);
	assert_int_equal(u.vs.dwStringSize, sizeof(text));
	assert_int_equal(u.vs.dwStringOffset, sizeof(VARSTRING));
	assert_string_equal(u.bytes + sizeof(VARSTRING), text);
}

static void map_survives_churn(void **state)
{
	struct ot_map m = { 0 };
	static int values[4096];
	uint32_t k, key;
	size_t cursor = 0, seen = 0;

	(void)state;
	for (k = 1; k <= 4096; k++)
		assert_int_equal(ot_map_put(&m, k * 7919u, &values[k - 1]), 0);
	for (k = 1; k <= 4096; k += 2)
		assert_ptr_equal(ot_map_remove(&m, k * 7919u), &values[k - 1]);
	for (k = 1; k <= 4096; k++)
		assert_ptr_equal(ot_map_get(&m, k * 7919u), k % 2 ? NULL : &values[k - 1]);
	/* Many insert/remove rounds must not fill the table with dead slots. */
	for (k = 0; k < 100000; k++) {
		assert_int_equal(ot_map_put(&m, 0x40000000u + k, &values[0]), 0);
		assert_non_null(ot_map_remove(&m, 0x40000000u + k));
	}
	assert_true(m.cap <= 8192);
	while (ot_map_next(&m, &cursor, &key)) {
		assert_int_equal(key % 7919u, 0);
		seen++;
	}
	assert_int_equal(seen, 2048);
	assert_null(ot_map_remove(&m, 12345));
	ot_map_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(handles_are_positive_and_resolve),
		cmocka_unit_test(stale_handles_never_resolve),
		cmocka_unit_test(generations_wrap_without_zero),
		cmocka_unit_test(iteration_visits_live_objects),
		cmocka_unit_test(allocation_failure_is_reported),
		cmocka_unit_test(varstruct_never_truncates),
		cmocka_unit_test(map_survives_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
