/* SPDX-License-Identifier: MIT */
/* test_setdata.c — phoneSetData / phoneGetData through the public API: the request ID and its
 * single PHONE_REPLY, what lands in the data area, the copy of the caller's buffer, and a long
 * pipelined run on one handle. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char config_a[] = H_PHONE_A_DURABLE;

/* 1. A positive request ID, then exactly one PHONE_REPLY(id, 0), and nothing after it. */
static void test_reply_exactly_once(void **state)
{
	HPHONEAPP app = h_init_event("setdata");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0x5EED);
	char data[32] = "exactly one reply";
	PHONEMESSAGE m;
	LONG id;

	(void)state;
	id = phoneSetData(phone, 0, data, sizeof(data));
	assert_true(id > 0);
	/* No status messages are enabled, so the first message must be the reply. */
	assert_int_equal(phoneGetMessage(app, &m, H_REPLY_TIMEOUT), 0);
	assert_int_equal(m.dwMessageID, PHONE_REPLY);
	assert_int_equal(m.dwParam1, (DWORD_PTR)id);
	assert_int_equal(m.dwParam2, 0);
	assert_int_equal(m.hDevice, 0); /* tapi.h: 0 for PHONE_REPLY */
	/* ... and no second one. */
	assert_int_equal(phoneGetMessage(app, &m, H_QUIET_MS), (LONG)PHONEERR_OPERATIONFAILED);

	/* A second request gets a different ID and again one reply. */
	{
		LONG id2 = phoneSetData(phone, 0, data, sizeof(data));

		assert_true(id2 > 0);
		assert_int_not_equal(id2, id);
		assert_int_equal(phoneGetMessage(app, &m, H_REPLY_TIMEOUT), 0);
		assert_int_equal(m.dwMessageID, PHONE_REPLY);
		assert_int_equal(m.dwParam1, (DWORD_PTR)id2);
		assert_int_equal(m.dwParam2, 0);
		assert_int_equal(phoneGetMessage(app, &m, H_QUIET_MS), (LONG)PHONEERR_OPERATIONFAILED);
	}
	h_shutdown(app);
}

/* 2a. dwSize bytes at the start of the area; the bytes after them keep their content. */
static void test_partial_write_keeps_tail(void **state)
{
	HPHONEAPP app = h_init_event("setdata");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	char a[100], b[10], back[100], expect[100], rest[4096];

	(void)state;
	memset(a, 'A', sizeof(a));
	memset(b, 'B', sizeof(b));
	h_set_data(app, phone, 1, a, sizeof(a));
	h_set_data(app, phone, 1, b, sizeof(b));
	memset(back, 0, sizeof(back));
	assert_int_equal(phoneGetData(phone, 1, back, sizeof(back)), 0);
	memset(expect, 'A', sizeof(expect));
	memset(expect, 'B', 10);
	assert_memory_equal(back, expect, sizeof(expect));

	/* The rest of the 4 KiB area was never written: still zero in a fresh state directory. */
	memset(rest, 0x77, sizeof(rest));
	assert_int_equal(phoneGetData(phone, 1, rest, sizeof(rest)), 0);
	assert_memory_equal(rest, expect, sizeof(expect));
	for (size_t i = sizeof(expect); i < sizeof(rest); i++)
		if (rest[i] != 0)
			fail_msg("byte %zu of area 1 is 0x%02x, never written", i,
				 (unsigned char)rest[i]);
	h_shutdown(app);
}

/* 2b. phoneGetData copies min(dwSize, area size): asking for more than the area changes only
 * the area's size in bytes of the caller's buffer; asking for less copies less. */
static void test_get_data_copies_at_most_area(void **state)
{
	HPHONEAPP app = h_init_event("setdata");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	unsigned char area[256], buf[400], small[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(area); i++)
		area[i] = (unsigned char)(i * 7 + 1);
	h_set_data(app, phone, 0, area, sizeof(area));

	memset(buf, 0x5A, sizeof(buf));
	assert_int_equal(phoneGetData(phone, 0, buf, sizeof(buf)), 0);
	assert_memory_equal(buf, area, sizeof(area));
	for (i = sizeof(area); i < sizeof(buf); i++)
		if (buf[i] != 0x5A)
			fail_msg(
				"phoneGetData wrote byte %zu of the buffer, past the 256-byte area",
				i);

	memset(small, 0x5A, sizeof(small));
	assert_int_equal(phoneGetData(phone, 0, small, 5), 0);
	assert_memory_equal(small, area, 5);
	for (i = 5; i < sizeof(small); i++)
		assert_int_equal(small[i], 0x5A);

	/* dwSize 0 copies nothing. */
	memset(small, 0x5A, sizeof(small));
	assert_int_equal(phoneGetData(phone, 0, small, 0), 0);
	for (i = 0; i < sizeof(small); i++)
		assert_int_equal(small[i], 0x5A);
	h_shutdown(app);
}

/* 2c. phoneGetData is allowed to monitors, of this app and of another app. */
static void test_get_data_monitor(void **state)
{
	HPHONEAPP owner_app = h_init_event("owner");
	HPHONEAPP other_app = h_init_event("watcher");
	HPHONE owner = h_open(owner_app, 0, PHONEPRIVILEGE_OWNER, 1);
	HPHONE mon_same = h_open(owner_app, 0, PHONEPRIVILEGE_MONITOR, 2);
	HPHONE mon_other = h_open(other_app, 0, PHONEPRIVILEGE_MONITOR, 3);
	char data[4096], back[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	h_set_data(owner_app, owner, 1, data, sizeof(data));
	memset(back, 0, sizeof(back));
	assert_int_equal(phoneGetData(mon_other, 1, back, sizeof(back)), 0);
	assert_memory_equal(back, data, sizeof(data));
	memset(back, 0, sizeof(back));
	assert_int_equal(phoneGetData(mon_same, 1, back, sizeof(back)), 0);
	assert_memory_equal(back, data, sizeof(data));
	h_shutdown(other_app);
	h_shutdown(owner_app);
}

/* 2d. dwSize 0 is a valid request: a request ID and a reply of 0; the area is unchanged. */
static void test_zero_size(void **state)
{
	HPHONEAPP app = h_init_event("setdata");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	char data[256], back[256];
	LONG id;

	(void)state;
	memset(data, 'z', sizeof(data));
	h_set_data(app, phone, 0, data, sizeof(data));

	id = phoneSetData(phone, 0, data, 0);
	assert_true(id > 0);
	assert_int_equal(h_try_wait_reply(app, id, H_REPLY_TIMEOUT), 0);
	id = phoneSetData(phone, 0, NULL, 0); /* nothing to read, so no pointer is needed */
	assert_true(id > 0);
	assert_int_equal(h_try_wait_reply(app, id, H_REPLY_TIMEOUT), 0);

	assert_int_equal(phoneGetData(phone, 0, back, sizeof(back)), 0);
	assert_memory_equal(back, data, sizeof(data));
	h_assert_quiet(app, H_QUIET_MS);
	h_shutdown(app);
}

/* 3. The library copies the caller's buffer before phoneSetData returns: overwriting it while
 * the write is still outstanding (hold-replies) changes nothing. */
static void test_buffer_copied(void **state)
{
	HPHONEAPP app = h_init_event("setdata");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	static char buf[4096], orig[4096], back[4096];
	PHONEMESSAGE m;
	LONG id;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 13 + 5);
	memcpy(orig, buf, sizeof(buf));

	h_command(app, phone, "hold-replies");
	id = phoneSetData(phone, 1, buf, sizeof(buf));
	assert_true(id > 0);
	memset(buf, 0xEE, sizeof(buf));
	/* The write is really still outstanding. */
	assert_int_equal(phoneGetMessage(app, &m, H_QUIET_MS), (LONG)PHONEERR_OPERATIONFAILED);

	h_command(app, phone, "release-replies");
	assert_int_equal(h_try_wait_reply(app, id, H_REPLY_TIMEOUT), 0);
	assert_int_equal(phoneGetData(phone, 1, back, sizeof(back)), 0);
	assert_memory_equal(back, orig, sizeof(orig));
	h_assert_quiet(app, H_QUIET_MS);
	h_shutdown(app);
}

/* 8. 2,000 pipelined requests on one handle: distinct positive IDs, one reply each, in issue
 * order, and the area ends with the last write. */
#define PIPELINE 2000
#define PIPE_LEN 64

static void fill_request(unsigned char *buf, unsigned n)
{
	for (unsigned i = 0; i < PIPE_LEN; i += 4) {
		unsigned v = n * 0x9E3779B1u + i;

		memcpy(buf + i, &v, 4);
	}
	memcpy(buf, &n, sizeof(n));
}

static int cmp_long(const void *a, const void *b)
{
	LONG x = *(const LONG *)a, y = *(const LONG *)b;

	return x < y ? -1 : x > y;
}

static void test_pipelined_2000(void **state)
{
	HPHONEAPP app = h_init_event("pipeline");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0xABC);
	static LONG ids[PIPELINE], sorted[PIPELINE];
	unsigned char buf[PIPE_LEN], back[256];
	PHONEMESSAGE m;
	unsigned i;

	(void)state;
	for (i = 0; i < PIPELINE; i++) {
		fill_request(buf, i);
		ids[i] = phoneSetData(phone, 0, buf, sizeof(buf));
		if (ids[i] <= 0)
			fail_msg("request %u: phoneSetData returned 0x%08X", i, (unsigned)ids[i]);
	}
	memcpy(sorted, ids, sizeof(ids));
	qsort(sorted, PIPELINE, sizeof(sorted[0]), cmp_long);
	for (i = 1; i < PIPELINE; i++)
		if (sorted[i] == sorted[i - 1])
			fail_msg("request ID %d was handed out twice", (int)sorted[i]);

	for (i = 0; i < PIPELINE; i++) {
		LONG rc = phoneGetMessage(app, &m, H_REPLY_TIMEOUT);

		if (rc)
			fail_msg("reply %u of %u missing (0x%08X)", i, PIPELINE, (unsigned)rc);
		assert_int_equal(m.dwMessageID, PHONE_REPLY);
		if (m.dwParam1 != (DWORD_PTR)ids[i])
			fail_msg("reply %u is for request ID %lu, expected %d (issue order)", i,
				 (unsigned long)m.dwParam1, (int)ids[i]);
		assert_int_equal(m.dwParam2, 0);
		assert_int_equal(m.dwCallbackInstance, 0xABC);
	}
	assert_int_equal(phoneGetMessage(app, &m, H_QUIET_MS), (LONG)PHONEERR_OPERATIONFAILED);

	fill_request(buf, PIPELINE - 1);
	memset(back, 0x11, sizeof(back));
	assert_int_equal(phoneGetData(phone, 0, back, sizeof(back)), 0);
	assert_memory_equal(back, buf, PIPE_LEN);
	for (i = PIPE_LEN; i < sizeof(back); i++)
		assert_int_equal(back[i], 0);
	h_shutdown(app);
}

#define T(f) cmocka_unit_test_prestate_setup_teardown(f, h_setup, h_teardown, (void *)config_a)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reply_exactly_once),
		T(test_partial_write_keeps_tail),
		T(test_get_data_copies_at_most_area),
		T(test_get_data_monitor),
		T(test_zero_size),
		T(test_buffer_copied),
		T(test_pipelined_2000),
	};

	return cmocka_run_group_tests_name("api_setdata", tests, NULL, NULL);
}
