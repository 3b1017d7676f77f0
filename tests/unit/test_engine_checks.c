/* SPDX-License-Identifier: MIT */
/* test_engine_checks.c — the checks that decide a data request's answer (src/engine/checks.c):
 * each error at its place in the order, with every later check failing too, so that a check
 * moved forward or back is seen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "checks.h"
#include "engine.h"
#include "internal.h"

#define OWNER PHONEPRIVILEGE_OWNER
#define MONITOR PHONEPRIVILEGE_MONITOR

static DWORD sizes[2] = { 16, 4096 };
static const struct ot_caps two_areas = { .num_set_data = 2, .num_get_data = 2,
					  .set_data_sizes = sizes, .get_data_sizes = sizes };
static const struct ot_caps no_areas = { 0 };

static void set_data_order(void **state)
{
	const struct ot_caps *c = &two_areas;

	(void)state;
	/* Every check fails: the first one answers. */
	assert_int_equal(ot_check_set_data(&no_areas, MONITOR, 0, 9, 99999, 0),
			 (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(ot_check_set_data(&no_areas, OWNER, 1, 9, 99999, 0),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_check_set_data(c, OWNER, 0, 9, 99999, 0),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_check_set_data(c, OWNER, 1, 2, 99999, 0), (LONG)PHONEERR_INVALDATAID);
	assert_int_equal(ot_check_set_data(c, OWNER, 1, 0, 17, 0), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(ot_check_set_data(c, OWNER, 1, 0, 16, 0), (LONG)PHONEERR_INVALPOINTER);
	/* The edges that pass. */
	assert_int_equal(ot_check_set_data(c, OWNER, 1, 0, 16, 1), 0);
	assert_int_equal(ot_check_set_data(c, OWNER, 1, 1, 4096, 1), 0);
	assert_int_equal(ot_check_set_data(c, OWNER, 1, 1, 0, 0), 0);
}

static void get_data_order(void **state)
{
	const struct ot_caps *c = &two_areas;

	(void)state;
	assert_int_equal(ot_check_get_data(&no_areas, 1, 9, 10, 0), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_check_get_data(c, 0, 9, 10, 0), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_check_get_data(c, 1, 2, 10, 0), (LONG)PHONEERR_INVALDATAID);
	assert_int_equal(ot_check_get_data(c, 1, 1, 10, 0), (LONG)PHONEERR_INVALPOINTER);
	/* A read larger than the area is not an error: it copies the area. */
	assert_int_equal(ot_check_get_data(c, 1, 0, 99999, 1), 0);
	assert_int_equal(ot_check_get_data(c, 1, 0, 0, 0), 0);
}

static void dev_specific_order(void **state)
{
	(void)state;
	assert_int_equal(ot_check_dev_specific(OT_DEVSPECIFIC_MAX + 1, 0),
			 (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(ot_check_dev_specific(OT_DEVSPECIFIC_MAX + 1, 1),
			 (LONG)PHONEERR_RESOURCEUNAVAIL);
	assert_int_equal(ot_check_dev_specific(OT_DEVSPECIFIC_MAX, 1), 0);
	assert_int_equal(ot_check_dev_specific(0, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_data_order),
		cmocka_unit_test(get_data_order),
		cmocka_unit_test(dev_specific_order),
	};

	return cmocka_run_group_tests_name("engine_checks", tests, NULL, NULL);
}
