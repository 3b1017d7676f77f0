/* SPDX-License-Identifier: MIT */
/* test_kit.c — the provider kit (src/kit) driven through its TSPI functions the way the engine
 * calls them, with a provider of the test's own whose run() hands each request to another
 * thread that completes it later (as ipphone does) and keeps working after the hand-off (as
 * otsp.h allows). Checks the kit's promises: never two run()s of one phone at once, no close
 * while run() still works, every request completed exactly once, the exports it says it
 * implements, that a provider cannot send the engine's own messages, and that the kit's
 * allocation failures are answered PHONEERR_NOMEM. */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <otsp.h>

#include "alloc.h"

#define REQUESTS 60

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct otsp_request *handed; /* the request run() passed to the completer */
static int stop;
static int in_run, most_in_run, close_during_run;
static int completed[REQUESTS + 1];
static DWORD messages[8];
static unsigned nmessages;
static pthread_t caller; /* the thread that makes the TSPI calls */

static void *completer(void *arg)
{
	pthread_mutex_lock(&lock);
	for (;;) {
		struct otsp_request *rq;

		while (!handed && !stop)
			pthread_cond_wait(&wake, &lock);
		if (!handed)
			break;
		rq = handed;
		handed = NULL;
		pthread_mutex_unlock(&lock);
		usleep(3000); /* completes while the phone's next request is on its way */
		otsp_complete(rq, 0);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return arg;
}

static void stop_completer(pthread_t t)
{
	pthread_mutex_lock(&lock);
	stop = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(t, NULL);
}

static LONG configure(struct otsp_phone *ph, const OTSPIPHONECONFIG *cfg, char *err, size_t n)
{
	struct otsp_caps caps = { .num_buttons = 4 };

	(void)cfg;
	(void)err;
	(void)n;
	otsp_phone_set_inline(ph, 1);
	return otsp_phone_set_caps(ph, &caps);
}

static LONG accept_all(struct otsp_phone *ph, struct otsp_request *rq)
{
	(void)ph;
	(void)rq;
	return 0;
}

/* Hands the request over, then, on a worker, keeps working a while: the kit must not start this
 * phone's next batch, nor close it, before this returns. (Inline, in the caller's thread, it
 * returns at once, as a non-blocking hand-over does.) */
static void run(struct otsp_phone *ph, struct otsp_request *rq)
{
	int now = __atomic_add_fetch(&in_run, 1, __ATOMIC_SEQ_CST);

	(void)ph;
	pthread_mutex_lock(&lock);
	if (now > most_in_run)
		most_in_run = now;
	handed = rq; /* max_batch 1: one request */
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	if (!pthread_equal(pthread_self(), caller))
		usleep(10000);
	__atomic_sub_fetch(&in_run, 1, __ATOMIC_SEQ_CST);
}

static void close_phone(struct otsp_phone *ph)
{
	(void)ph;
	if (__atomic_load_n(&in_run, __ATOMIC_SEQ_CST))
		close_during_run++;
}

static const struct otsp_provider kitprov = {
	.abi_version = OTSP_ABI_VERSION,
	.name = "kittest",
	.tspi_low = 0x00010003,
	.tspi_high = 0x00020002,
	.phone_size = 8,
	.workers = 2,
	.max_batch = 1,
	.configure = configure,
	.close = close_phone,
	.set_lamp = accept_all,
	.run = run,
};
OTSP_PROVIDER(kitprov);

static void CALLBACK on_completion(DRV_REQUESTID id, LONG result)
{
	(void)result;
	if (id >= 1 && id <= REQUESTS)
		__atomic_add_fetch(&completed[id], 1, __ATOMIC_SEQ_CST);
}

static void CALLBACK on_event(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3)
{
	(void)ht;
	(void)p1;
	(void)p2;
	(void)p3;
	if (nmessages < 8)
		messages[nmessages++] = msg;
}

static HDRVPHONE start(void)
{
	OTSPIPHONECONFIG pc = { .dwDeviceID = 0, .lpszName = "p" };
	char err[128];
	DWORD lines, phones, options;
	HDRVPHONE hd;

	assert_int_equal(OTSPI_providerConfigure(1, NULL, &pc, 1, err, sizeof(err)), 0);
	assert_int_equal(TSPI_providerEnumDevices(1, &lines, &phones, NULL, NULL, on_event), 0);
	assert_int_equal(phones, 1);
	assert_int_equal(TSPI_providerInit(0x00020002, 1, 0, 0, 0, 1, on_completion, &options), 0);
	assert_int_equal(TSPI_phoneOpen(0, (HTAPIPHONE)1, &hd, 0x00020002, on_event), 0);
	return hd;
}

/* One caller at a time, as the engine's per-device call lock has it: the first request runs
 * inline, the second on a worker once the first is complete; the third comes while the worker
 * is still in run() with its request already complete; then a close. */
static void one_run_at_a_time_and_no_close_during_run(void **state)
{
	pthread_t t;
	HDRVPHONE hd;
	DRV_REQUESTID id = 1;
	int i;

	(void)state;
	caller = pthread_self();
	assert_int_equal(pthread_create(&t, NULL, completer, NULL), 0);
	hd = start();
	for (i = 0; i < REQUESTS / 3; i++) {
		assert_int_equal(TSPI_phoneSetLamp(id, hd, 0, 1), (LONG)id);
		id++;
		assert_int_equal(TSPI_phoneSetLamp(id, hd, 0, 1), (LONG)id);
		id++;
		usleep(8000);
		assert_int_equal(TSPI_phoneSetLamp(id, hd, 0, 1), (LONG)id);
		id++;
		assert_int_equal(TSPI_phoneClose(hd), 0);
		assert_int_equal(TSPI_phoneOpen(0, (HTAPIPHONE)1, &hd, 0x00020002, on_event), 0);
	}
	assert_int_equal(TSPI_phoneClose(hd), 0);
	assert_int_equal(TSPI_providerShutdown(0x00020002, 1), 0);
	stop_completer(t);

	assert_int_equal(most_in_run, 1);
	assert_int_equal(close_during_run, 0);
	for (i = 1; i <= REQUESTS; i++)
		if (completed[i] != 1)
			fail_msg("request %d completed %d times", i, completed[i]);
}

/* The exports the engine is told about: the kit's own, and the provider's operations. */
static void implements_what_the_table_has(void **state)
{
	(void)state;
	assert_true(OTSPI_providerImplements("TSPI_phoneOpen"));
	assert_true(OTSPI_providerImplements("TSPI_phoneGetDevCaps"));
	assert_true(OTSPI_providerImplements("TSPI_phoneSetLamp"));
	assert_false(OTSPI_providerImplements("TSPI_phoneGetLamp"));
	assert_false(OTSPI_providerImplements("TSPI_phoneSetData"));
	assert_false(OTSPI_providerImplements("OTSPI_providerSetOptions"));
	assert_false(OTSPI_providerImplements("TSPI_phoneDevSpecific"));
	assert_false(OTSPI_providerImplements(NULL));
	/* A function without an operation answers as a provider without it would. */
	assert_int_equal(TSPI_phoneGetLamp((HDRVPHONE)1, 0, NULL), (LONG)PHONEERR_INVALPHONEHANDLE);
}

/* PHONE_CLOSE and the other engine messages are not a provider's to send. */
static void a_provider_sends_only_its_own_messages(void **state)
{
	HDRVPHONE hd;
	struct otsp_phone *ph;
	pthread_t t;

	(void)state;
	stop = 0;
	caller = pthread_self();
	assert_int_equal(pthread_create(&t, NULL, completer, NULL), 0);
	hd = start();
	ph = otsp_phone_at(0);
	nmessages = 0;
	assert_int_equal(otsp_phone_event(ph, PHONE_CLOSE, 0, 0, 0), -1);
	assert_int_equal(otsp_phone_event(ph, PHONE_REPLY, 1, 0, 0), -1);
	assert_int_equal(otsp_phone_event(ph, PHONE_STATE, PHONESTATE_OTHER, 0, 0), 0);
	assert_int_equal(nmessages, 1);
	assert_int_equal(messages[0], PHONE_STATE);
	assert_int_equal(TSPI_phoneClose(hd), 0);
	assert_int_equal(otsp_phone_event(ph, PHONE_STATE, PHONESTATE_OTHER, 0, 0), -1);
	assert_int_equal(TSPI_providerShutdown(0x00020002, 1), 0);
	stop_completer(t);
}

/* What the kit allocates on a call can fail: the call says PHONEERR_NOMEM and nothing else
 * happens. A phone can only be made while the provider runs. */
static void failures_are_answered(void **state)
{
	char buf[sizeof(PHONESTATUS) + 64] = { 0 };
	PHONESTATUS *st = (PHONESTATUS *)buf;
	HDRVPHONE hd;
	pthread_t t;
	LONG r;

	(void)state;
	assert_int_equal(otsp_phone_create("early", NULL, NULL), (LONG)PHONEERR_OPERATIONFAILED);
	stop = 0;
	caller = pthread_self();
	memset(completed, 0, sizeof(completed));
	assert_int_equal(pthread_create(&t, NULL, completer, NULL), 0);
	hd = start();
	ot_alloc_fail_after(0);
	r = TSPI_phoneSetLamp(1, hd, 0, 1);
	ot_alloc_fail_after(-1);
	assert_int_equal(r, (LONG)PHONEERR_NOMEM);
	st->dwTotalSize = sizeof(buf);
	st->dwUsedSize = sizeof(PHONESTATUS);
	ot_alloc_fail_after(0);
	r = TSPI_phoneGetStatus(hd, st);
	ot_alloc_fail_after(-1);
	assert_int_equal(r, (LONG)PHONEERR_NOMEM);
	assert_int_equal(TSPI_phoneGetStatus(hd, st), 0);
	assert_int_equal(st->dwStatusFlags, PHONESTATUSFLAGS_CONNECTED);
	assert_int_equal(TSPI_phoneClose(hd), 0);
	assert_int_equal(completed[1], 0); /* the refused request never completes */
	assert_int_equal(TSPI_providerShutdown(0x00020002, 1), 0);
	stop_completer(t);
	assert_int_equal(otsp_phone_create("late", NULL, NULL), (LONG)PHONEERR_OPERATIONFAILED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_run_at_a_time_and_no_close_during_run),
		cmocka_unit_test(implements_what_the_table_has),
		cmocka_unit_test(a_provider_sends_only_its_own_messages),
		cmocka_unit_test(failures_are_answered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
