/* SPDX-License-Identifier: MIT */
/* test_lib_threads.c — many threads of one process calling at once, and the server going away
 * under them (docs/architecture.md, "The library"; src/lib/remote.c, "reading").
 *
 * In server mode the thread that waits for a REPLY reads the shared socket itself and handles
 * every frame it finds there: other threads' REPLYs, and events for every app of the process,
 * including apps that make no calls. These tests check that every caller gets its own answer,
 * every accepted request exactly one PHONE_REPLY, that an idle app hears its events in order,
 * and that a server vanishing while calls wait answers every one of them. They run embedded too
 * (the same promises hold for the in-process engine), except the ones that need a server.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static const char config_fast[] = "[phone \"A\"]\n"
				  "provider = sim\n"
				  "data_areas = 256, 4096\n"
				  "durable = no\n";

#define WORKERS 6
#define REQUESTS 300 /* per worker */
#define PRESSES 100  /* key presses (a DOWN and an UP each) while the workers run */

struct worker {
	pthread_t thread;
	HPHONE phone;
	int index;
	LONG ids[REQUESTS];
	int failures; /* calls that did not answer as they should */
};

/* Asynchronous phoneSetData calls, with a synchronous call (a reply carrying data back)
 * between them now and then, so REPLYs of both kinds cross between threads. */
static void *work(void *arg)
{
	struct worker *w = arg;
	unsigned char data[200], back[200];
	int i;

	for (i = 0; i < REQUESTS; i++) {
		memset(data, w->index * 16 + i % 16, sizeof(data));
		w->ids[i] = phoneSetData(w->phone, (DWORD)(i % 2), data, (DWORD)(16 + i % 184));
		if (w->ids[i] <= 0)
			w->failures++;
		if (i % 10 == 0 && phoneGetData(w->phone, 1, back, sizeof(back)) != 0)
			w->failures++;
	}
	return NULL;
}

struct presser {
	pthread_t thread;
	HPHONE phone;
	LONG ids[2 * PRESSES];
	int failures;
};

static void *press(void *arg)
{
	struct presser *p = arg;
	int i;

	for (i = 0; i < 2 * PRESSES; i++) {
		const char *cmd = i % 2 ? "release 5" : "press 5";

		p->ids[i] = phoneDevSpecific(p->phone, (LPVOID)cmd, (DWORD)strlen(cmd) + 1);
		if (p->ids[i] <= 0)
			p->failures++;
	}
	return NULL;
}

/* Takes the PHONE_REPLY of every ID in ids (n of them) from app, in any order, each exactly
 * once and with result 0. Other messages are not expected on this app. */
static void expect_replies(HPHONEAPP app, const LONG *ids, size_t n)
{
	unsigned char *seen = calloc(n, 1);
	size_t got = 0, i;
	PHONEMESSAGE m;

	assert_non_null(seen);
	while (got < n) {
		assert_int_equal(phoneGetMessage(app, &m, H_REPLY_TIMEOUT), 0);
		assert_int_equal(m.dwMessageID, PHONE_REPLY);
		assert_int_equal((LONG)m.dwParam2, 0);
		for (i = 0; i < n && ids[i] != (LONG)m.dwParam1; i++)
			;
		assert_true(i < n);    /* a reply to one of our requests */
		assert_false(seen[i]); /* and only one */
		seen[i] = 1;
		got++;
	}
	free(seen);
	assert_int_equal(phoneGetMessage(app, &m, H_QUIET_MS), (LONG)PHONEERR_OPERATIONFAILED);
}

/* Six threads of one app make requests while a seventh presses a key; a second app of the
 * process, which makes no call at all, watches the key. */
static void test_threads_and_an_idle_watcher(void **state)
{
	HPHONEAPP app = h_init_event("workers"), watcher = h_init_event("watcher");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	HPHONE mon = h_open(watcher, 0, PHONEPRIVILEGE_MONITOR, 0x77);
	static struct worker w[WORKERS];
	static struct presser p;
	static LONG all[WORKERS * REQUESTS + 2 * PRESSES];
	size_t n = 0;
	PHONEMESSAGE m;
	int i, j;

	(void)state;
	assert_int_equal(phoneSetStatusMessages(mon, 0, PHONEBUTTONMODE_KEYPAD,
						PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP), 0);
	memset(&p, 0, sizeof(p));
	p.phone = phone;
	for (i = 0; i < WORKERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].phone = phone;
		w[i].index = i;
		assert_int_equal(pthread_create(&w[i].thread, NULL, work, &w[i]), 0);
	}
	assert_int_equal(pthread_create(&p.thread, NULL, press, &p), 0);
	for (i = 0; i < WORKERS; i++) {
		assert_int_equal(pthread_join(w[i].thread, NULL), 0);
		assert_int_equal(w[i].failures, 0);
		for (j = 0; j < REQUESTS; j++)
			all[n++] = w[i].ids[j];
	}
	assert_int_equal(pthread_join(p.thread, NULL), 0);
	assert_int_equal(p.failures, 0);
	for (j = 0; j < 2 * PRESSES; j++)
		all[n++] = p.ids[j];
	expect_replies(app, all, n);

	/* The watcher hears every press and release, in order, on its own handle. */
	for (i = 0; i < 2 * PRESSES; i++) {
		assert_int_equal(phoneGetMessage(watcher, &m, H_REPLY_TIMEOUT), 0);
		assert_int_equal(m.dwMessageID, PHONE_BUTTON);
		assert_int_equal(m.hDevice, mon);
		assert_int_equal(m.dwCallbackInstance, 0x77);
		assert_int_equal(m.dwParam1, 5);
		assert_int_equal(m.dwParam3, i % 2 ? PHONEBUTTONSTATE_UP : PHONEBUTTONSTATE_DOWN);
	}
	h_assert_quiet(watcher, H_QUIET_MS);
	h_shutdown(watcher);
	h_shutdown(app);
}

/* An event raised for an app that makes no calls, right after another app's call returned (in
 * server mode the reader thread is then standing by for the next call): it arrives. */
static void test_event_after_a_call_reaches_an_idle_app(void **state)
{
	HPHONEAPP app = h_init_event("caller"), watcher = h_init_event("watcher");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	HPHONE mon = h_open(watcher, 0, PHONEPRIVILEGE_MONITOR, 0);
	PHONEMESSAGE m;
	char data[8] = "x";
	int round;

	(void)state;
	assert_int_equal(phoneSetStatusMessages(mon, 0, PHONEBUTTONMODE_KEYPAD,
						PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP), 0);
	for (round = 0; round < 20; round++) {
		h_set_data(app, phone, 0, data, sizeof(data));
		h_command(app, phone, round % 2 ? "release 3" : "press 3");
		/* Nobody calls now: the watcher must get it all the same. */
		assert_int_equal(phoneGetMessage(watcher, &m, H_REPLY_TIMEOUT), 0);
		assert_int_equal(m.dwMessageID, PHONE_BUTTON);
		assert_int_equal(m.dwParam1, 3);
	}
	h_shutdown(watcher);
	h_shutdown(app);
}

/* ---- the server vanishing while calls wait (server mode) ------------------------------------ */

#define WAITERS 4

struct waiter {
	pthread_t thread;
	HPHONE phone;
	int sync; /* a synchronous call (a reply with data), else an asynchronous one */
	LONG rc;
};

static void *wait_for_reply(void *arg)
{
	struct waiter *w = arg;
	char data[64] = "never answered";
	PHONESTATUS st = { .dwTotalSize = sizeof(st) };

	w->rc = w->sync ? phoneGetStatus(w->phone, &st)
			: phoneSetData(w->phone, 0, data, sizeof(data));
	return NULL;
}

/* Whether process pid is stopped (state T in /proc/PID/stat). */
static int stopped(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')'); /* the command name may hold spaces */
	return p && p[1] == ' ' && (p[2] == 'T' || p[2] == 't');
}

/* Threads wait for REPLYs that never come (the server is stopped), then the server dies: every
 * waiting call returns PHONEERR_REINIT, whichever of them was reading the socket, and the app gets
 * PHONE_CLOSE and REINIT; later calls fail with REINIT at once. */
static void test_server_dies_under_waiting_calls(void **state)
{
	HPHONEAPP app;
	HPHONE phone;
	struct waiter w[WAITERS];
	PHONEMESSAGE m;
	pid_t pid = h_server_pid();
	int i, closes = 0, reinit = 0;
	char data[8] = "x";

	(void)state;
	assert_true(pid > 0);
	app = h_init_event("waiters");
	phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0x55);
	h_set_data(app, phone, 0, data, sizeof(data));

	assert_int_equal(kill(pid, SIGSTOP), 0);
	for (i = 0; i < 200 && !stopped(pid); i++)
		usleep(5000);
	assert_true(stopped(pid));
	for (i = 0; i < WAITERS; i++) {
		w[i].phone = phone;
		w[i].sync = i % 2;
		w[i].rc = 1;
		assert_int_equal(pthread_create(&w[i].thread, NULL, wait_for_reply, &w[i]), 0);
	}
	usleep(200 * 1000); /* let them all send and wait (one reads, the others follow) */
	assert_int_equal(kill(pid, SIGKILL), 0); /* the harness reaps it at teardown */
	for (i = 0; i < WAITERS; i++) {
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_sec += H_REPLY_TIMEOUT / 1000;
		assert_int_equal(pthread_timedjoin_np(w[i].thread, NULL, &t), 0);
		assert_int_equal(w[i].rc, (LONG)PHONEERR_REINIT);
	}
	while (!reinit) {
		assert_int_equal(phoneGetMessage(app, &m, H_REPLY_TIMEOUT), 0);
		if (m.dwMessageID == PHONE_CLOSE) {
			assert_int_equal(m.hDevice, phone);
			assert_int_equal(m.dwCallbackInstance, 0x55);
			closes++;
		} else {
			assert_int_equal(m.dwMessageID, PHONE_STATE);
			assert_int_equal(m.dwParam1, PHONESTATE_REINIT);
			reinit = 1;
		}
	}
	assert_int_equal(closes, 1);
	assert_int_equal(phoneSetData(phone, 0, data, sizeof(data)), (LONG)PHONEERR_REINIT);
	h_shutdown(app);
}

/* The server dies while no call is in progress, right after one returned: the reader thread
 * sees the end, and the app, blocked in phoneGetMessage, hears PHONE_CLOSE and REINIT. */
static void test_server_dies_between_calls(void **state)
{
	HPHONEAPP app;
	HPHONE phone;
	PHONEMESSAGE m;
	pid_t pid = h_server_pid();
	char data[8] = "x";

	(void)state;
	assert_true(pid > 0);
	app = h_init_event("idle");
	phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	h_set_data(app, phone, 0, data, sizeof(data));
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(h_try_wait_message(app, PHONE_CLOSE, phone, 0, &m, H_REPLY_TIMEOUT), 0);
	assert_int_equal(h_try_wait_message(app, PHONE_STATE, 0, PHONESTATE_REINIT, &m,
					    H_REPLY_TIMEOUT), 0);
	h_shutdown(app);
}

/* Threads that call a phone function in a loop until told to stop; calls is -1 after a call
 * failed. */
struct busy_caller {
	pthread_t thread;
	HPHONE phone;
	atomic_int *stop;
	atomic_long calls;
};

static void *call_in_a_loop(void *arg)
{
	struct busy_caller *c = arg;
	DWORD states, modes, button_states;

	while (!atomic_load(c->stop)) {
		if (phoneGetStatusMessages(c->phone, &states, &modes, &button_states) != 0) {
			atomic_store(&c->calls, -1);
			break;
		}
		atomic_fetch_add(&c->calls, 1);
	}
	return NULL;
}

struct init_shutdown {
	int rounds;
	LONG rc;
};

static void *init_and_shutdown(void *arg)
{
	struct init_shutdown *is = arg;

	for (int i = 0; i < is->rounds && is->rc == 0; i++) {
		HPHONEAPP app;

		is->rc = h_try_init_event(&app, "writer", NULL, NULL);
		if (is->rc == 0)
			is->rc = phoneShutdown(app);
	}
	return NULL;
}

/* phoneInitializeEx and phoneShutdown, which change the process's set of apps, do not wait for
 * eight other threads calling phone functions in a loop to stop: the callers go on until the
 * rounds are done, so a starved thread would wait forever (here: until the hang guard). */
static void test_init_and_shutdown_are_not_starved(void **state)
{
	enum { CALLERS = 8 };
	struct busy_caller c[CALLERS];
	struct init_shutdown is = { 20, 0 };
	HPHONEAPP app = h_init_event("busy");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_MONITOR, 0);
	atomic_int stop = 0;
	struct timespec t;
	pthread_t writer;
	int i, rc;

	(void)state;
	for (i = 0; i < CALLERS; i++) {
		c[i] = (struct busy_caller){ .phone = phone, .stop = &stop };
		atomic_init(&c[i].calls, 0);
		assert_int_equal(pthread_create(&c[i].thread, NULL, call_in_a_loop, &c[i]), 0);
	}
	/* Every caller is in its loop before the writer starts. */
	for (i = 0; i < CALLERS; i++)
		while (atomic_load(&c[i].calls) == 0)
			usleep(1000);
	assert_int_equal(pthread_create(&writer, NULL, init_and_shutdown, &is), 0);
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += test_deadline_ms(60000) / 1000;
	rc = pthread_timedjoin_np(writer, NULL, &t);
	atomic_store(&stop, 1);
	for (i = 0; i < CALLERS; i++)
		assert_int_equal(pthread_join(c[i].thread, NULL), 0);
	if (rc == ETIMEDOUT)
		fail_msg("phoneInitializeEx/phoneShutdown did not finish %d rounds in %u s while %d "
			 "threads called phone functions: starved", is.rounds,
			 test_deadline_ms(60000) / 1000, CALLERS);
	assert_int_equal(rc, 0);
	assert_int_equal(is.rc, 0);
	for (i = 0; i < CALLERS; i++)
		assert_true(atomic_load(&c[i].calls) > 0); /* none of their calls failed */
	h_shutdown(app);
}

#define T(fn) cmocka_unit_test_prestate_setup_teardown(fn, h_setup, h_teardown, (void *)config_fast)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_threads_and_an_idle_watcher),
		T(test_event_after_a_call_reaches_an_idle_app),
		T(test_init_and_shutdown_are_not_starved),
		/* Server mode only: embedded, there is no server to lose. */
		T(test_server_dies_under_waiting_calls),
		T(test_server_dies_between_calls),
	};

	return _cmocka_run_group_tests("lib_threads", tests,
				       h_server_mode() ? 5 : 3, NULL, NULL);
}
