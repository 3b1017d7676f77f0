/* SPDX-License-Identifier: MIT */
/* Unit tests of the lock-free-read pointer table (src/common/ptrtable.c). */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "alloc.h"
#include "ptrtable.h"

/* Entry i of the tests is the pointer value i + 1: never NULL, and checkable by a reader. */
static void *entry(uint32_t i)
{
	return (void *)(uintptr_t)(i + 1);
}

static void test_empty(void **state)
{
	struct ot_ptrtable t = OT_PTRTABLE_INIT;
	long start = ot_alloc_live();

	(void)state;
	assert_int_equal(ot_ptrtable_count(&t), 0);
	assert_null(ot_ptrtable_get(&t, 0));
	ot_ptrtable_free(&t); /* nothing allocated: fine */
	assert_int_equal(ot_alloc_live(), start);
}

static void test_append_and_grow(void **state)
{
	struct ot_ptrtable t = OT_PTRTABLE_INIT;
	long start = ot_alloc_live();
	uint32_t i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		assert_int_equal(ot_ptrtable_reserve(&t, 1), 0);
		assert_int_equal(ot_ptrtable_append(&t, entry(i)), i);
		assert_int_equal(ot_ptrtable_count(&t), i + 1);
	}
	for (i = 0; i < 1000; i++)
		assert_ptr_equal(ot_ptrtable_get(&t, i), entry(i));
	assert_null(ot_ptrtable_get(&t, 1000));
	/* Doubling: about log2(1000 / 8) + 1 blocks, every one kept until the end. */
	assert_in_range(ot_alloc_live() - start, 7, 9);
	ot_ptrtable_free(&t);
	assert_int_equal(ot_ptrtable_count(&t), 0);
	assert_int_equal(ot_alloc_live(), start);
}

/* A reserve makes the appends it made room for infallible, and one that fails changes nothing. */
static void test_reserve(void **state)
{
	struct ot_ptrtable t = OT_PTRTABLE_INIT;
	long start = ot_alloc_live();
	uint32_t i;

	(void)state;
	assert_int_equal(ot_ptrtable_reserve(&t, 100), 0);
	ot_alloc_fail_after(0);
	for (i = 0; i < 100; i++) {
		assert_int_equal(ot_ptrtable_reserve(&t, 1), 0); /* room already: no allocation */
		ot_ptrtable_append(&t, entry(i));
	}
	assert_int_equal(ot_ptrtable_reserve(&t, 1), -ENOMEM);
	ot_alloc_fail_after(-1);
	assert_int_equal(ot_ptrtable_count(&t), 100);
	assert_ptr_equal(ot_ptrtable_get(&t, 99), entry(99));
	assert_int_equal(ot_ptrtable_reserve(&t, OT_PTRTABLE_MAX), -ENOMEM); /* too many */
	assert_int_equal(ot_ptrtable_reserve(&t, 1), 0);
	ot_ptrtable_free(&t);
	assert_int_equal(ot_alloc_live(), start);
}

/* Readers without a lock while the table grows many times: every entry below a count they
 * read is the right one, and the count never goes back. */
struct reader {
	struct ot_ptrtable *t;
	uint32_t total;
	unsigned long checked;
	int bad;
};

static void *read_all(void *arg)
{
	struct reader *r = arg;
	uint32_t seen = 0, n, i;

	while (seen < r->total) {
		n = ot_ptrtable_count(r->t);
		if (n < seen)
			r->bad = 1;
		for (i = n > 64 ? n - 64 : 0; i < n; i++, r->checked++)
			if (ot_ptrtable_get(r->t, i) != entry(i))
				r->bad = 1;
		seen = n;
	}
	return NULL;
}

static void test_readers_while_growing(void **state)
{
	enum { TOTAL = 200000, READERS = 2 };
	struct ot_ptrtable t = OT_PTRTABLE_INIT;
	long start = ot_alloc_live();
	struct reader r[READERS];
	pthread_t th[READERS];
	uint32_t i;
	int k;

	(void)state;
	for (k = 0; k < READERS; k++) {
		r[k] = (struct reader){ &t, TOTAL, 0, 0 };
		assert_int_equal(pthread_create(&th[k], NULL, read_all, &r[k]), 0);
	}
	for (i = 0; i < TOTAL; i++) {
		assert_int_equal(ot_ptrtable_reserve(&t, 1), 0);
		ot_ptrtable_append(&t, entry(i));
	}
	for (k = 0; k < READERS; k++) {
		pthread_join(th[k], NULL);
		assert_false(r[k].bad);
		assert_true(r[k].checked > 0);
	}
	ot_ptrtable_free(&t);
	assert_int_equal(ot_alloc_live(), start);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_append_and_grow),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_readers_while_growing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
