/* SPDX-License-Identifier: MIT */
/* test_notify.c — the three notification mechanisms of phoneInitializeEx (event descriptor,
 * callback thread, completion descriptor), phoneInitialize, the parameter checks of
 * phoneInitializeEx, and apps of one process kept apart. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static const char config_a[] = H_PHONE_A_DURABLE;
/* The watchdog answers a held request PHONEERR_OPERATIONFAILED after 100 ms. */
static const char config_timeout[] = "[limits]\nrequest_timeout_ms = 100\n" H_PHONE_A_DURABLE;
static const char config_three[] = "[phone \"A\"]\n"
				   "provider = sim\n"
				   "data_areas = 256, 4096\n"
				   "durable = no\n"
				   "[phone \"B\"]\n"
				   "provider = sim\n"
				   "data_areas = 256\n"
				   "durable = no\n"
				   "[phone \"C\"]\n"
				   "provider = sim\n"
				   "data_areas = 64\n"
				   "durable = no\n";

/* 10a. USEEVENT: the descriptor is readable exactly while messages are queued. */
static void test_event_descriptor(void **state)
{
	HPHONEAPP app;
	HPHONE phone;
	PHONEMESSAGE m;
	int fd = -1;
	char data[32] = "event";
	LONG id1, id2;

	(void)state;
	assert_int_equal(h_try_init_event(&app, "event", NULL, &fd), 0);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) >= 0);
	assert_false(h_readable(fd, 0));
	phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	assert_false(h_readable(fd, 50));

	id1 = phoneSetData(phone, 0, data, sizeof(data));
	assert_true(id1 > 0);
	assert_true(h_readable(fd, H_REPLY_TIMEOUT));
	assert_true(h_readable(fd, 0)); /* level-triggered: still readable, nothing was taken */
	assert_int_equal(phoneGetMessage(app, &m, 0), 0);
	assert_int_equal(m.dwMessageID, PHONE_REPLY);
	assert_int_equal(m.dwParam1, (DWORD_PTR)id1);
	assert_false(h_readable(fd, 0));
	assert_int_equal(phoneGetMessage(app, &m, 0), (LONG)PHONEERR_OPERATIONFAILED);

	/* Two replies queued: readable until the second is taken. */
	id1 = phoneSetData(phone, 0, data, sizeof(data));
	id2 = phoneSetData(phone, 0, data, sizeof(data));
	assert_true(id1 > 0 && id2 > 0);
	usleep(300 * 1000);
	assert_true(h_readable(fd, H_REPLY_TIMEOUT));
	assert_int_equal(phoneGetMessage(app, &m, 0), 0);
	assert_int_equal(m.dwParam1, (DWORD_PTR)id1);
	assert_true(h_readable(fd, H_REPLY_TIMEOUT));
	assert_int_equal(phoneGetMessage(app, &m, 0), 0);
	assert_int_equal(m.dwParam1, (DWORD_PTR)id2);
	assert_false(h_readable(fd, 0));
	assert_false(h_readable(fd, H_QUIET_MS));
	h_shutdown(app);
}

/* What the callback of USEHIDDENWINDOW saw. */
#define MAX_SEEN 128
static struct {
	pthread_t caller;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_int inside, overlap, on_caller_thread, threads_differ, have_thread;
	pthread_t thread;
	int n;
	PHONEMESSAGE seen[MAX_SEEN];
} cb = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void cb_reset(void)
{
	pthread_mutex_lock(&cb.lock);
	cb.caller = pthread_self();
	cb.n = 0;
	atomic_store(&cb.inside, 0);
	atomic_store(&cb.overlap, 0);
	atomic_store(&cb.on_caller_thread, 0);
	atomic_store(&cb.threads_differ, 0);
	atomic_store(&cb.have_thread, 0);
	pthread_mutex_unlock(&cb.lock);
}

static void record_callback(DWORD hDevice, DWORD dwMessage, DWORD_PTR dwInstance,
			    DWORD_PTR dwParam1, DWORD_PTR dwParam2, DWORD_PTR dwParam3)
{
	if (atomic_exchange(&cb.inside, 1))
		atomic_store(&cb.overlap, 1);
	if (pthread_equal(pthread_self(), cb.caller))
		atomic_store(&cb.on_caller_thread, 1);
	if (!atomic_exchange(&cb.have_thread, 1))
		cb.thread = pthread_self();
	else if (!pthread_equal(cb.thread, pthread_self()))
		atomic_store(&cb.threads_differ, 1);
	usleep(500); /* widen the window in which a second concurrent call would show */
	pthread_mutex_lock(&cb.lock);
	if (cb.n < MAX_SEEN)
		cb.seen[cb.n++] = (PHONEMESSAGE){ hDevice,  dwMessage, dwInstance,
						  dwParam1, dwParam2,  dwParam3 };
	pthread_cond_broadcast(&cb.cond);
	pthread_mutex_unlock(&cb.lock);
	atomic_store(&cb.inside, 0);
}

/* Waits until the callback has seen n messages; returns how many it saw. */
static int cb_wait(int n, DWORD timeout_ms)
{
	struct timespec deadline;
	int seen;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&cb.lock);
	while (cb.n < n && pthread_cond_timedwait(&cb.cond, &cb.lock, &deadline) != ETIMEDOUT)
		;
	seen = cb.n;
	pthread_mutex_unlock(&cb.lock);
	return seen;
}

/* 10b. USEHIDDENWINDOW: the callback runs on a library thread, one call at a time, in order,
 * with the phoneOpen callback instance; phoneGetMessage is not for such apps. */
static void test_callback_thread(void **state)
{
	enum { N = 50 };
	HPHONEAPP app;
	HPHONE phone;
	PHONEMESSAGE m;
	LONG ids[N];
	char data[16];

	(void)state;
	cb_reset();
	assert_int_equal(h_try_init_hidden(&app, "callback", record_callback, NULL), 0);
	phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, (DWORD_PTR)0xFEEDBEEF);
	/* A command first: the provider may complete it inside the call, on this thread; the
	 * callback must still come from the library's thread. */
	ids[0] = phoneDevSpecific(phone, (LPVOID) "resume", sizeof("resume"));
	assert_true(ids[0] > 0);
	for (int i = 1; i < N; i++) {
		memset(data, 'a' + i % 26, sizeof(data));
		ids[i] = phoneSetData(phone, 0, data, sizeof(data));
		assert_true(ids[i] > 0);
	}
	assert_int_equal(cb_wait(N, H_REPLY_TIMEOUT), N);
	usleep(H_QUIET_MS * 1000);
	assert_int_equal(cb_wait(N + 1, 0), N); /* no extra message */
	for (int i = 0; i < N; i++) {
		assert_int_equal(cb.seen[i].dwMessageID, PHONE_REPLY);
		if (cb.seen[i].dwParam1 != (DWORD_PTR)ids[i])
			fail_msg("callback %d was the reply of request %lu, expected %d", i,
				 (unsigned long)cb.seen[i].dwParam1, (int)ids[i]);
		assert_int_equal(cb.seen[i].dwParam2, 0);
		assert_int_equal(cb.seen[i].dwCallbackInstance, (DWORD_PTR)0xFEEDBEEF);
	}
	assert_false(atomic_load(&cb.on_caller_thread));
	assert_false(atomic_load(&cb.overlap));
	assert_false(atomic_load(&cb.threads_differ));
	assert_int_equal(phoneGetMessage(app, &m, 0), (LONG)PHONEERR_INVALAPPHANDLE);
	h_shutdown(app);
}

/* 10c. USECOMPLETIONPORT: one OT_COMPLETIONRECORD per message on the app's descriptor. */
static void test_completion_port(void **state)
{
	HPHONEAPP app;
	HPHONE phone;
	PHONEMESSAGE m;
	OT_COMPLETIONRECORD rec;
	int p[2];
	LONG ids[3];
	char data[16] = "port";

	(void)state;
	assert_int_equal(sizeof(OT_COMPLETIONRECORD), sizeof(DWORD) + sizeof(PHONEMESSAGE));
	if (sizeof(void *) == 8)
		assert_int_equal(sizeof(OT_COMPLETIONRECORD), 44);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(h_try_init_port(&app, "port", p[1], 0xC0DE1234u, NULL), 0);
	phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0x77);
	for (int i = 0; i < 3; i++) {
		ids[i] = phoneSetData(phone, 0, data, sizeof(data));
		assert_true(ids[i] > 0);
	}
	for (int i = 0; i < 3; i++) {
		assert_true(h_readable(p[0], H_REPLY_TIMEOUT));
		assert_int_equal(read(p[0], &rec, sizeof(rec)), sizeof(rec));
		assert_int_equal(rec.dwCompletionKey, 0xC0DE1234u);
		assert_int_equal(rec.msg.dwMessageID, PHONE_REPLY);
		assert_int_equal(rec.msg.dwParam1, (DWORD_PTR)ids[i]);
		assert_int_equal(rec.msg.dwParam2, 0);
		assert_int_equal(rec.msg.dwCallbackInstance, 0x77);
	}
	assert_false(h_readable(p[0], H_QUIET_MS));
	assert_int_equal(phoneGetMessage(app, &m, 0), (LONG)PHONEERR_INVALAPPHANDLE);
	h_shutdown(app);
	/* The descriptor is the app's: the library must not have closed it. */
	assert_true(fcntl(p[1], F_GETFD) >= 0);
	close(p[0]);
	close(p[1]);
}

static int closed_reader_child(void *arg)
{
	HPHONEAPP app;
	HPHONE phone;
	int p[2];
	char data[8] = "gone";

	(void)arg;
	if (pipe(p) < 0)
		return 40;
	if (h_try_init_port(&app, "closed reader", p[1], 1, NULL))
		return 41;
	if (h_try_open(app, 0, PHONEPRIVILEGE_OWNER, 0, &phone))
		return 42;
	close(p[0]); /* nobody reads the completion records any more */
	if (phoneSetData(phone, 0, data, sizeof(data)) <= 0)
		return 43;
	usleep(300 * 1000); /* the reply is written (and fails) meanwhile */
	if (phoneShutdown(app) != 0)
		return 44;
	return 0;
}

/* 10c'. A completion descriptor whose reader went away costs the app its messages, not its
 * life: the library's write must not raise SIGPIPE in the process. */
static void test_completion_port_reader_closed(void **state)
{
	int status;

	(void)state;
	status = h_wait_child(h_fork(closed_reader_child, NULL), 10000);
	/* The library blocks SIGPIPE on its dispatch thread: a closed reader costs messages only. */
	assert_int_equal(status, 0);
}

#define SMALL_PIPE 4096                                 /* the least a pipe holds */
#define RECORDS_IN_SMALL_PIPE (SMALL_PIPE / (int)sizeof(OT_COMPLETIONRECORD)) /* 93 */

/* Fills a completion pipe nobody reads (more replies than it holds), shuts down, then reads:
 * exit status 0 when phoneShutdown returned 0 and the pipe holds whole records, the first
 * replies in order. A phoneShutdown that blocks is killed by the parent's hang guard. */
static int full_port_child(void *arg)
{
	enum { REQUESTS = 3 * RECORDS_IN_SMALL_PIPE };
	OT_COMPLETIONRECORD rec;
	LONG ids[REQUESTS];
	HPHONEAPP app;
	HPHONE phone;
	int p[2], queued = 0, i, n;
	char data[8] = "full";

	(void)arg;
	if (pipe2(p, O_CLOEXEC) < 0 || fcntl(p[1], F_SETPIPE_SZ, SMALL_PIPE) < 0)
		return 40;
	if (h_try_init_port(&app, "full port", p[1], 7, NULL) ||
	    h_try_open(app, 0, PHONEPRIVILEGE_OWNER, 0, &phone))
		return 41;
	for (i = 0; i < REQUESTS; i++)
		if ((ids[i] = phoneSetData(phone, 0, data, sizeof(data))) <= 0)
			return 42;
	/* The dispatch thread fills the pipe, then waits for room that never comes. */
	while (queued < RECORDS_IN_SMALL_PIPE * (int)sizeof(rec)) {
		if (ioctl(p[0], FIONREAD, &queued) < 0)
			return 43;
		usleep(1000);
	}
	if (phoneShutdown(app) != 0)
		return 44;
	/* What was written is whole and in order; what was still queued was discarded. */
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	for (i = 0; (n = (int)read(p[0], &rec, sizeof(rec))) > 0; i++)
		if (n != (int)sizeof(rec) || rec.dwCompletionKey != 7 ||
		    rec.msg.dwMessageID != PHONE_REPLY || rec.msg.dwParam1 != (DWORD_PTR)ids[i])
			return 45;
	return i == RECORDS_IN_SMALL_PIPE ? 0 : 46;
}

/* 10c''. phoneShutdown returns while the application has not read its completion descriptor and
 * it is full (Windows posts completions without ever blocking, and tells the application to
 * close its port only after phoneShutdown). */
static void test_completion_port_full_at_shutdown(void **state)
{
	(void)state;
	assert_int_equal(h_wait_child(h_fork(full_port_child, NULL), test_deadline_ms(20000)), 0);
}

/* Windows code tests a PHONE_REPLY's result as it stands, with no cast. */
static int says_operation_failed(DWORD_PTR result)
{
	switch (result) {
	case PHONEERR_OPERATIONFAILED:
		return 1;
	default:
		return 0;
	}
}

/* 10e. A failed PHONE_REPLY compares equal to its PHONEERR_ constant with == and in a switch, in
 * a PHONEMESSAGE and in a PHONECALLBACK, as on Windows (dwParam2 is the result zero-extended;
 * the constants are the SDK's unsigned hex). */
static void test_failed_reply_compares_equal(void **state)
{
	HPHONEAPP app;
	HPHONE phone;
	PHONEMESSAGE m;
	LONG id;

	(void)state;
	cb_reset();
	assert_int_equal(h_try_init_hidden(&app, "callback", record_callback, NULL), 0);
	phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	assert_true(phoneDevSpecific(phone, (LPVOID) "hold-replies", 13) > 0);
	id = phoneSetData(phone, 0, "held", 5);
	assert_true(id > 0);
	assert_true(cb_wait(2, H_REPLY_TIMEOUT) >= 2);
	assert_int_equal(cb.seen[1].dwMessageID, PHONE_REPLY);
	assert_int_equal(cb.seen[1].dwParam1, (DWORD_PTR)id);
	assert_true(cb.seen[1].dwParam2 == PHONEERR_OPERATIONFAILED);
	assert_true(says_operation_failed(cb.seen[1].dwParam2));
	h_shutdown(app);

	app = h_init_event("event");
	phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	assert_true(phoneDevSpecific(phone, (LPVOID) "hold-replies", 13) > 0);
	id = phoneSetData(phone, 0, "held", 5);
	assert_true(id > 0);
	assert_int_equal(h_try_wait_reply_msg(app, id, H_REPLY_TIMEOUT, &m),
			 (LONG)PHONEERR_OPERATIONFAILED);
	assert_true(m.dwParam2 == PHONEERR_OPERATIONFAILED);
	assert_true(says_operation_failed(m.dwParam2));
	h_shutdown(app);
}

/* 10d. phoneInitialize (TAPI 1.x) delivers through its callback too. */
static void test_phone_initialize_1x(void **state)
{
	HPHONEAPP app = 0;
	DWORD devs = 0;
	HPHONE phone;
	LONG id;
	char data[8] = "1.x";

	(void)state;
	cb_reset();
	assert_int_equal(phoneInitialize(&app, NULL, NULL, "old app", &devs),
			 (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(phoneInitialize(&app, NULL, record_callback, "old app", &devs), 0);
	h_track(app);
	assert_int_equal(devs, 1);
	phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0x14);
	id = phoneSetData(phone, 0, data, sizeof(data));
	assert_true(id > 0);
	assert_int_equal(cb_wait(1, H_REPLY_TIMEOUT), 1);
	assert_int_equal(cb.seen[0].dwMessageID, PHONE_REPLY);
	assert_int_equal(cb.seen[0].dwParam1, (DWORD_PTR)id);
	assert_int_equal(cb.seen[0].dwParam2, 0);
	assert_int_equal(cb.seen[0].dwCallbackInstance, 0x14);
	assert_false(atomic_load(&cb.on_caller_thread));
	h_shutdown(app);
}

static LONG init_with(HPHONEAPP *app, PHONECALLBACK cbf, DWORD options, HANDLE handle, DWORD *devs,
		      DWORD *version)
{
	PHONEINITIALIZEEXPARAMS p;

	memset(&p, 0, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = options;
	p.Handles.hCompletionPort = handle;
	return phoneInitializeExA(app, NULL, cbf, "params", devs, version, &p);
}

/* 10e. phoneInitializeEx's parameter checks; a refused call leaves no app behind. */
static void test_initialize_ex_errors(void **state)
{
	PHONEINITIALIZEEXPARAMS p;
	HPHONEAPP app = 0;
	DWORD devs = 0, version = H_API_VERSION;
	int fds[2];

	(void)state;
	assert_int_equal(init_with(&app, NULL, 0, NULL, &devs, &version), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(init_with(&app, NULL, 4, NULL, &devs, &version), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(init_with(&app, NULL, PHONEINITIALIZEEXOPTION_USEHIDDENWINDOW, NULL, &devs,
				   &version),
			 (LONG)PHONEERR_INVALPOINTER);

	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(init_with(&app, NULL, PHONEINITIALIZEEXOPTION_USECOMPLETIONPORT,
				   (HANDLE)(intptr_t)fds[1], &devs, &version),
			 (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(init_with(&app, NULL, PHONEINITIALIZEEXOPTION_USECOMPLETIONPORT,
				   (HANDLE)(intptr_t)-1, &devs, &version),
			 (LONG)PHONEERR_INVALPARAM);

	memset(&p, 0, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	assert_int_equal(phoneInitializeExA(NULL, NULL, NULL, "x", &devs, &version, &p),
			 (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(phoneInitializeExA(&app, NULL, NULL, "x", NULL, &version, &p),
			 (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(phoneInitializeExA(&app, NULL, NULL, "x", &devs, NULL, &p),
			 (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(phoneInitializeExA(&app, NULL, NULL, "x", &devs, &version, NULL),
			 (LONG)PHONEERR_INVALPOINTER);
	assert_true(h_no_app_left());
}

/* 10f. What phoneInitializeEx returns: the highest version, the number of configured phones. */
static void test_initialize_ex_outputs(void **state)
{
	HPHONEAPP app1 = 0, app2 = 0;
	DWORD devs = 0, version = H_API_VERSION;

	(void)state;
	assert_int_equal(
		init_with(&app1, NULL, PHONEINITIALIZEEXOPTION_USEEVENT, NULL, &devs, &version), 0);
	h_track(app1);
	assert_int_equal(version, 0x00020002);
	assert_int_equal(devs, 3);
	/* An app that supports a later TAPI is told what is supported here. */
	devs = 0;
	version = 0x00030001;
	assert_int_equal(
		init_with(&app2, NULL, PHONEINITIALIZEEXOPTION_USEEVENT, NULL, &devs, &version), 0);
	h_track(app2);
	assert_int_equal(version, 0x00020002);
	assert_int_equal(devs, 3);
	assert_int_not_equal(app1, app2);
	h_shutdown(app1);
	h_shutdown(app2);
}

/* 11. Two USEEVENT apps of one process: each hears only its own replies. */
static void test_apps_are_separate(void **state)
{
	HPHONEAPP app1, app2;
	HPHONE ph1, ph2;
	PHONEMESSAGE m;
	int fd1, fd2;
	LONG a[5], b[3];
	char data[16] = "separate";

	(void)state;
	assert_int_equal(h_try_init_event(&app1, "one", NULL, &fd1), 0);
	assert_int_equal(h_try_init_event(&app2, "two", NULL, &fd2), 0);
	assert_int_not_equal(fd1, fd2);
	ph1 = h_open(app1, 0, PHONEPRIVILEGE_OWNER, 0x1111);
	ph2 = h_open(app2, 1, PHONEPRIVILEGE_OWNER, 0x2222);

	for (int i = 0; i < 5; i++)
		assert_true((a[i] = phoneSetData(ph1, 0, data, sizeof(data))) > 0);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(phoneGetMessage(app1, &m, H_REPLY_TIMEOUT), 0);
		assert_int_equal(m.dwMessageID, PHONE_REPLY);
		assert_int_equal(m.dwParam1, (DWORD_PTR)a[i]);
		assert_int_equal(m.dwCallbackInstance, 0x1111);
	}
	assert_false(h_readable(fd2, 0));
	assert_int_equal(phoneGetMessage(app2, &m, 0), (LONG)PHONEERR_OPERATIONFAILED);

	/* Interleaved. */
	for (int i = 0; i < 3; i++) {
		assert_true((b[i] = phoneSetData(ph2, 0, data, sizeof(data))) > 0);
		assert_true((a[i] = phoneSetData(ph1, 0, data, sizeof(data))) > 0);
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(phoneGetMessage(app2, &m, H_REPLY_TIMEOUT), 0);
		assert_int_equal(m.dwMessageID, PHONE_REPLY);
		assert_int_equal(m.dwParam1, (DWORD_PTR)b[i]);
		assert_int_equal(m.dwCallbackInstance, 0x2222);
		assert_int_equal(phoneGetMessage(app1, &m, H_REPLY_TIMEOUT), 0);
		assert_int_equal(m.dwMessageID, PHONE_REPLY);
		assert_int_equal(m.dwParam1, (DWORD_PTR)a[i]);
		assert_int_equal(m.dwCallbackInstance, 0x1111);
	}
	h_assert_quiet(app1, H_QUIET_MS);
	h_assert_quiet(app2, 0);
	/* Once app1 is gone its handle is invalid; app2 goes on. */
	h_shutdown(app1);
	assert_int_equal(phoneSetData(ph1, 0, data, sizeof(data)), (LONG)PHONEERR_INVALPHONEHANDLE);
	h_set_data(app2, ph2, 0, data, sizeof(data));
	h_shutdown(app2);
}

#define T(f, cfg) cmocka_unit_test_prestate_setup_teardown(f, h_setup, h_teardown, (void *)(cfg))

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_event_descriptor, config_a),
		T(test_callback_thread, config_a),
		T(test_completion_port, config_a),
		T(test_completion_port_reader_closed, config_a),
		T(test_completion_port_full_at_shutdown, config_a),
		T(test_failed_reply_compares_equal, config_timeout),
		T(test_phone_initialize_1x, config_a),
		T(test_initialize_ex_errors, config_a),
		T(test_initialize_ex_outputs, config_three),
		T(test_apps_are_separate, config_three),
	};

	return cmocka_run_group_tests_name("api_notify", tests, NULL, NULL);
}
