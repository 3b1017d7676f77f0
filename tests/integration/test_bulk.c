/* SPDX-License-Identifier: MIT */
/* test_bulk.c — large phoneSetData / phoneGetData (above the 64 KiB that travel inline), many in
 * a row, from one thread and from several at once, with the content checked every time. In
 * server mode these payloads travel in the connection's reusable memfds (src/lib/remote_shm.c):
 * the sizes vary so that the buffers must grow, and asynchronous (durable) writes follow each
 * other at once, so that a buffer the server still reads is never written again. Embedded, the
 * same tests check the engine's copy. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define MIB (1024u * 1024u)

static const char config_big[] =
	"[phone \"A\"]\nprovider = sim\ndata_areas = 256, 4096, 65536, 16777216\ndurable = no\n";

/* One phone per thread of the concurrent test, each with areas of several sizes. */
#define THREADS 4
#define THREAD_AREAS "data_areas = 262144, 1048576, 4194304\ndurable = no\n"
static const char config_threads[] =
	"[phone \"T0\"]\nprovider = sim\n" THREAD_AREAS
	"[phone \"T1\"]\nprovider = sim\n" THREAD_AREAS
	"[phone \"T2\"]\nprovider = sim\n" THREAD_AREAS
	"[phone \"T3\"]\nprovider = sim\n" THREAD_AREAS;

/* Durable: every write is an asynchronous request, completed by the sim's writer thread. */
static const char config_durable[] =
	"[phone \"D\"]\nprovider = sim\n"
	"data_areas = 2097152, 2097152, 2097152, 2097152, 2097152, 2097152, 4194304\n"
	"durable = yes\n";

/* Bytes that differ for every (seed, offset), so that a stale or mixed buffer shows. */
static void fill(unsigned char *p, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i += 4) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		memcpy(p + i, &x, n - i < 4 ? n - i : 4);
	}
}

/* The first offset where a and b differ, or -1. */
static long first_difference(const unsigned char *a, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return (long)i;
	return -1;
}

/* 1. Sizes that go up and down (the reusable buffer must grow), each written and read back. */
static void test_many_sizes_in_a_row(void **state)
{
	static const DWORD sizes[] = { 65537, 100000, MIB, 300000, 4 * MIB + 3, 70000,
				       16 * MIB, 65536 + 4096, 2 * MIB, 16 * MIB - 1 };
	HPHONEAPP app = h_init_event("bulk");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	unsigned char *out = malloc(16 * MIB), *back = malloc(16 * MIB);

	(void)state;
	assert_non_null(out);
	assert_non_null(back);
	for (unsigned round = 0; round < 3; round++) {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			DWORD n = sizes[i];

			fill(out, n, (uint32_t)(round * 100 + i));
			h_set_data(app, phone, 3, out, n);
			memset(back, 0xEE, n);
			assert_int_equal(phoneGetData(phone, 3, back, n), 0);
			assert_int_equal(first_difference(out, back, n), -1);
		}
	}
	free(out);
	free(back);
	h_shutdown(app);
}

/* 2. Several threads at once, each with its app and phone (one connection in server mode, so
 * they compete for its buffers). */
struct worker {
	HPHONEAPP app;
	HPHONE phone;
	uint32_t seed;
	int failures;
	char why[160];
};

/* Waits for the PHONE_REPLY of id on this thread's own app; returns its result or 1. */
static LONG wait_own_reply(HPHONEAPP app, LONG id)
{
	PHONEMESSAGE m;

	while (phoneGetMessage(app, &m, H_REPLY_TIMEOUT) == 0)
		if (m.dwMessageID == PHONE_REPLY && m.dwParam1 == (DWORD_PTR)id)
			return (LONG)m.dwParam2;
	return 1;
}

static void *work(void *arg)
{
	static const DWORD sizes[] = { 262144, 70000, MIB, 4 * MIB, 65537, 3 * MIB + 5, 200000 };
	static const DWORD areas[] = { 0, 0, 1, 2, 0, 2, 0 };
	struct worker *w = arg;
	unsigned char *out = malloc(4 * MIB), *back = malloc(4 * MIB);

	if (!out || !back) {
		w->failures++;
		snprintf(w->why, sizeof(w->why), "out of memory");
	}
	for (unsigned i = 0; i < 40 && !w->failures; i++) {
		size_t k = (i + w->seed) % (sizeof(sizes) / sizeof(sizes[0]));
		DWORD n = sizes[k];
		LONG id, rc;
		long diff;

		fill(out, n, w->seed * 1000 + i);
		id = phoneSetData(w->phone, areas[k], out, n);
		rc = id > 0 ? wait_own_reply(w->app, id) : id;
		if (rc != 0) {
			w->failures++;
			snprintf(w->why, sizeof(w->why), "write %u of %u bytes: %ld", i, (unsigned)n,
				 (long)rc);
			break;
		}
		memset(back, 0, n);
		rc = phoneGetData(w->phone, areas[k], back, n);
		diff = rc == 0 ? first_difference(out, back, n) : -1;
		if (rc != 0 || diff >= 0) {
			w->failures++;
			snprintf(w->why, sizeof(w->why), "read %u of %u bytes: %ld, first difference %ld",
				 i, (unsigned)n, (long)rc, diff);
		}
	}
	free(out);
	free(back);
	return NULL;
}

static void test_threads_at_once(void **state)
{
	struct worker w[THREADS];
	pthread_t t[THREADS];

	(void)state;
	for (unsigned i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .seed = i + 1 };
		w[i].app = h_init_event("bulk-thread");
		w[i].phone = h_open(w[i].app, i, PHONEPRIVILEGE_OWNER, 0);
	}
	for (unsigned i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	for (unsigned i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (unsigned i = 0; i < THREADS; i++) {
		if (w[i].failures)
			print_error("thread %u: %s\n", i, w[i].why);
		assert_int_equal(w[i].failures, 0);
		h_shutdown(w[i].app);
	}
}

/* 3. Durable writes issued back to back without waiting: each request's bytes stay what they
 * were while the sim's writer reads them, though the next request follows at once. */
static void test_durable_writes_back_to_back(void **state)
{
	enum { N = 6, SIZE = 2 * MIB };
	HPHONEAPP app = h_init_event("bulk-durable");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	unsigned char *out = malloc(4 * MIB), *back = malloc(4 * MIB);
	LONG ids[N + 2];

	(void)state;
	assert_non_null(out);
	assert_non_null(back);
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < N; i++) {
			fill(out, SIZE - i, round * 10 + i);
			ids[i] = phoneSetData(phone, i, out, SIZE - i);
			assert_true(ids[i] > 0);
		}
		/* The same area twice in a row: the second write wins. */
		fill(out, 3 * MIB, round * 10 + 8);
		ids[N] = phoneSetData(phone, 6, out, 3 * MIB);
		fill(out, 3 * MIB + 1, round * 10 + 9);
		ids[N + 1] = phoneSetData(phone, 6, out, 3 * MIB + 1);
		assert_true(ids[N] > 0 && ids[N + 1] > 0);
		for (unsigned i = 0; i < N + 2; i++)
			assert_int_equal(h_try_wait_reply(app, ids[i], H_REPLY_TIMEOUT), 0);
		for (unsigned i = 0; i < N; i++) {
			fill(out, SIZE - i, round * 10 + i);
			assert_int_equal(phoneGetData(phone, i, back, SIZE - i), 0);
			assert_int_equal(first_difference(out, back, SIZE - i), -1);
		}
		fill(out, 3 * MIB + 1, round * 10 + 9);
		assert_int_equal(phoneGetData(phone, 6, back, 3 * MIB + 1), 0);
		assert_int_equal(first_difference(out, back, 3 * MIB + 1), -1);
	}
	free(out);
	free(back);
	h_shutdown(app);
}

/* 4. Server mode: the library's reusable buffers are sealed so that they can never shrink (the
 * server cannot meet SIGBUS) and their seals are final, but they stay writable. */
static void test_reusable_buffers_are_sealed(void **state)
{
	HPHONEAPP app = h_init_event("bulk-seals");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	unsigned char *out = malloc(MIB);
	unsigned found = 0;
	struct dirent *e;
	DIR *d;

	(void)state;
	assert_non_null(out);
	fill(out, MIB, 7);
	h_set_data(app, phone, 3, out, MIB);
	assert_int_equal(phoneGetData(phone, 3, out, MIB), 0);
	d = opendir("/proc/self/fd");
	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[300], target[256];
		ssize_t n;
		int fd = atoi(e->d_name), seals;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = 0;
		if (!strstr(target, "memfd:opentapi-payload"))
			continue;
		found++;
		seals = fcntl(fd, F_GET_SEALS);
		assert_true(seals >= 0);
		assert_true(seals & F_SEAL_SHRINK);
		assert_true(seals & F_SEAL_GROW);
		assert_true(seals & F_SEAL_SEAL);
		assert_false(seals & F_SEAL_WRITE);
		/* Neither a truncation nor removing the seals (nor adding a write seal) gets through. */
		assert_int_equal(ftruncate(fd, 0), -1);
		assert_int_equal(errno, EPERM);
		assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), -1);
		assert_int_equal(errno, EPERM);
	}
	closedir(d);
	if (h_server_mode())
		assert_true(found >= 1);
	else
		assert_int_equal(found, 0); /* embedded: the engine copies, nothing is shared */
	free(out);
	h_shutdown(app);
}

/* 5. A PHONE_REPLY with an error may be the engine's watchdog answering while the provider still
 * holds the payload: the library must never write that buffer again. Phone H holds its requests
 * (the sim's hold-replies) past the watchdog, which answers and closes H for everyone; the sim
 * applies what it held when the engine closes it at the provider, while other large writes (to
 * phone G) go out; H (durable, so that its data outlives the close), opened again, must show
 * the bytes it was given. */
static const char config_watchdog[] =
	"[limits]\nrequest_timeout_ms = 300\n"
	"[phone \"H\"]\nprovider = sim\ndata_areas = 1048576\ndurable = yes\n"
	"[phone \"G\"]\nprovider = sim\ndata_areas = 1048576\ndurable = no\n";

static void test_buffer_of_a_timed_out_request_is_not_reused(void **state)
{
	enum { SIZE = 1024 * 1024 };
	HPHONEAPP app = h_init_event("bulk-watchdog");
	HPHONE held = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	HPHONE other = h_open(app, 1, PHONEPRIVILEGE_OWNER, 0);
	unsigned char *out = malloc(SIZE), *back = malloc(SIZE);
	LONG id;

	(void)state;
	assert_non_null(out);
	assert_non_null(back);
	h_command(app, held, "hold-replies");
	fill(out, SIZE, 1);
	id = phoneSetData(held, 0, out, SIZE);
	assert_true(id > 0);
	assert_int_equal(h_try_wait_reply(app, id, H_REPLY_TIMEOUT), (LONG)PHONEERR_OPERATIONFAILED);
	for (uint32_t i = 2; i < 6; i++) { /* enough to go through every buffer */
		fill(out, SIZE, i);
		h_set_data(app, other, 0, out, SIZE);
	}
	/* The outcome is unknown, so H was closed; opened again it shows the write it held,
	 * applied from the payload it was handed. */
	assert_int_equal(h_try_wait_message(app, PHONE_CLOSE, held, 0, NULL, H_REPLY_TIMEOUT), 0);
	held = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	fill(out, SIZE, 1);
	assert_int_equal(phoneGetData(held, 0, back, SIZE), 0);
	assert_int_equal(first_difference(out, back, SIZE), -1);
	fill(out, SIZE, 5);
	assert_int_equal(phoneGetData(other, 0, back, SIZE), 0);
	assert_int_equal(first_difference(out, back, SIZE), -1);
	free(out);
	free(back);
	h_shutdown(app);
}

#define T(f, cfg) cmocka_unit_test_prestate_setup_teardown(f, h_setup, h_teardown, (void *)cfg)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_many_sizes_in_a_row, config_big),
		T(test_threads_at_once, config_threads),
		T(test_durable_writes_back_to_back, config_durable),
		T(test_reusable_buffers_are_sealed, config_big),
		T(test_buffer_of_a_timed_out_request_is_not_reused, config_watchdog),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
