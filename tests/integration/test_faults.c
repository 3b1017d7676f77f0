/* SPDX-License-Identifier: MIT */
/* test_faults.c — providers that misbehave (tests/providers/faultprov.c, docs/reliability.md).
 *
 *   test_faults            embedded: the engine in this process
 *   test_faults --server   against a private tapisrv per test
 *
 * What the engine promises whatever the provider does: exactly one PHONE_REPLY per accepted
 * request, completions of requests it does not know (a second completion, a made-up ID) ignored
 * with a log line, completions from any thread, and PHONEERR_OPERATIONFAILED after [limits]
 * request_timeout_ms for a request the provider never completes. A provider that crashes
 * takes its process with it: in server mode that is tapisrv, and every client sees what the
 * server's disappearance means (error replies, PHONE_CLOSE, REINIT); restarted, the server has
 * the durable data of every other phone intact.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tapi.h>

#include "tapisrv.h"

/* The request timeout the never/bogus tests configure. */
#define TIMEOUT_MS 400

static int server_mode;
static struct srv server;        /* server mode */
static char root[64];            /* embedded mode: config, state and captured stderr */
static char log_path[128];
static int saved_stderr = -1;

/* ---- fixtures ------------------------------------------------------------------------------- */

/* Starts the world of one test on config. Returns 0 or -1. */
static int start(const char *config)
{
	char path[128];
	FILE *f;

	if (server_mode) {
		if (srv_start(&server, config) == 0) {
			snprintf(log_path, sizeof(log_path), "%s", server.log);
			return 0;
		}
		server.pid = 0; /* it exited; srv_restart reaped it */
		return -1;
	}
	snprintf(root, sizeof(root), "/tmp/opentapi-faults-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(path, sizeof(path), "%s/opentapi.conf", root);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(config, f);
	fclose(f);
	setenv("OPENTAPI_CONFIG", path, 1);
	snprintf(path, sizeof(path), "%s/state", root);
	mkdir(path, 0700);
	setenv("OPENTAPI_STATE_DIR", path, 1);
	/* The engine logs to this process's stderr: keep it in a file to look for lines. */
	snprintf(log_path, sizeof(log_path), "%s/stderr.log", root);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	{
		int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		if (fd < 0)
			return -1;
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (server_mode) {
		srv_stop(&server);
		return 0;
	}
	if (saved_stderr >= 0) {
		fflush(stderr);
		dup2(saved_stderr, STDERR_FILENO);
		close(saved_stderr);
		saved_stderr = -1;
	}
	if (root[0] && !getenv("OPENTAPI_TEST_KEEP"))
		test_remove_tree(root);
	root[0] = '\0';
	return 0;
}

#define PHONE(name, mode) "[phone \"" name "\"]\nprovider = faultprov\nmode = " mode "\n"
#define TIMEOUT_LIMIT "[limits]\nrequest_timeout_ms = 400\n"

static int setup_ok(void **state)
{
	(void)state;
	return start(PHONE("Fine", "ok")) == 0 ? 0 : -1;
}

static int setup_twice(void **state)
{
	(void)state;
	return start(PHONE("Twice", "twice")) == 0 ? 0 : -1;
}

static int setup_bogus(void **state)
{
	(void)state;
	return start(PHONE("Bogus", "bogus")) == 0 ? 0 : -1;
}

static int setup_thread(void **state)
{
	(void)state;
	return start(PHONE("Thread", "thread") "delay_ms = 20\n") == 0 ? 0 : -1;
}

static int setup_timeout(void **state, const char *mode_phone)
{
	char config[256];

	(void)state;
	snprintf(config, sizeof(config), "%s%s", TIMEOUT_LIMIT, mode_phone);
	return start(config);
}

static int setup_never_timeout(void **state)
{
	return setup_timeout(state, PHONE("Never", "never"));
}

static int setup_bogus_timeout(void **state)
{
	return setup_timeout(state, PHONE("Bogus", "bogus"));
}

#define CRASH_CONFIG                                                                             \
	"[phone \"Safe\"]\nprovider = sim\ndata_areas = 64\ndurable = yes\n" PHONE("Crash", "crash")

static int setup_crash(void **state)
{
	(void)state;
	return start(CRASH_CONFIG) == 0 ? 0 : -1;
}

/* ---- helpers ------------------------------------------------------------------------------ */

static LONG try_init(HPHONEAPP *app)
{
	PHONEINITIALIZEEXPARAMS p = { .dwTotalSize = sizeof(p),
				      .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD n, v = 0x00020002;

	return phoneInitializeExA(app, NULL, NULL, "faults", &n, &v, &p);
}

static HPHONEAPP init(void)
{
	HPHONEAPP app = 0;

	assert_int_equal(try_init(&app), 0);
	return app;
}

static HPHONE open_owner(HPHONEAPP app, DWORD dev)
{
	HPHONE h;

	assert_int_equal(phoneOpen(app, dev, &h, 0x00020002, 0, 0x51, PHONEPRIVILEGE_OWNER), 0);
	return h;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The next message msg_id within ms (other messages are skipped); 0 when one came. */
static int next_of(HPHONEAPP app, DWORD msg_id, DWORD ms, PHONEMESSAGE *out)
{
	long end = now_ms() + ms;

	for (;;) {
		long left = end - now_ms();

		if (left < 0 || phoneGetMessage(app, out, (DWORD)left) != 0)
			return -1;
		if (out->dwMessageID == msg_id)
			return 0;
	}
}

static int next_reply(HPHONEAPP app, DWORD ms, PHONEMESSAGE *out)
{
	return next_of(app, PHONE_REPLY, ms, out);
}

static unsigned log_count(const char *text)
{
	char line[1024];
	unsigned n = 0;
	FILE *f;

	fflush(stderr);
	f = fopen(log_path, "r");
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, text) != NULL;
	if (f)
		fclose(f);
	return n;
}

/* Waits up to 5 s for at least n lines with text. */
static unsigned wait_log(const char *text, unsigned n)
{
	unsigned got = 0;
	int i;

	for (i = 0; i < 500 && (got = log_count(text)) < n; i++)
		usleep(10000);
	return got;
}

#define UNKNOWN "completion of unknown request"

/* ---- tests ------------------------------------------------------------------------------- */

static void a_well_behaved_phone_works(void **state)
{
	HPHONEAPP app = init();
	HPHONE h = open_owner(app, 0);
	PHONEMESSAGE m;
	char buf[8] = { 0 };
	LONG id = phoneSetData(h, 0, "fine", 5);

	(void)state;
	assert_true(id > 0);
	assert_int_equal(next_reply(app, test_deadline_ms(5000), &m), 0);
	assert_int_equal(m.dwParam1, id);
	assert_int_equal(m.dwParam2, 0);
	assert_int_equal(phoneGetData(h, 0, buf, 5), 0);
	assert_string_equal(buf, "fine");
	assert_int_equal(phoneShutdown(app), 0);
}

/* The provider completes every request twice (0, then OPERATIONFAILED): the app hears the first
 * only, and the engine logs each duplicate. */
static void a_request_completed_twice_is_answered_once(void **state)
{
	HPHONEAPP app = init();
	HPHONE h = open_owner(app, 0);
	PHONEMESSAGE m;
	LONG ids[5];
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		ids[i] = phoneSetData(h, 0, "dup", 4);
		assert_true(ids[i] > 0);
	}
	for (i = 0; i < 5; i++) {
		assert_int_equal(next_reply(app, test_deadline_ms(5000), &m), 0);
		assert_int_equal(m.dwParam1, ids[i]);
		assert_int_equal(m.dwParam2, 0);
		assert_int_equal(m.dwCallbackInstance, 0x51);
	}
	assert_int_equal(next_reply(app, 300, &m), -1); /* nothing more */
	assert_int_equal(wait_log(UNKNOWN, 5), 5);
	assert_int_equal(phoneShutdown(app), 0);
}

/* The provider completes made-up IDs instead of the real one: nobody hears of them, each is
 * logged, and the real request stays outstanding (see the timeout test for its end). */
static void bogus_completions_are_ignored_with_a_log_line(void **state)
{
	HPHONEAPP app = init();
	HPHONE h = open_owner(app, 0);
	PHONEMESSAGE m;
	LONG id = phoneSetData(h, 0, "bogus", 6);

	(void)state;
	assert_true(id > 0);
	assert_int_equal(next_reply(app, 300, &m), -1);
	assert_int_equal(wait_log(UNKNOWN, 3), 3);
	assert_int_equal(phoneClose(h), 0); /* the outstanding request does not block a close */
	assert_int_equal(phoneShutdown(app), 0);
}

/* Completions from the provider's own thread, after a delay: each request answered once, in
 * order; closing the phone with requests queued suppresses their replies and does not hang. */
static void completions_from_another_thread_work(void **state)
{
	HPHONEAPP app = init();
	HPHONE h = open_owner(app, 0);
	PHONEMESSAGE m;
	char buf[4] = { 0 };
	LONG ids[10];
	long t0 = now_ms();
	int i;

	(void)state;
	for (i = 0; i < 10; i++) {
		char data[4] = { 't', (char)('0' + i), 0, 0 };

		ids[i] = phoneSetData(h, 0, data, sizeof(data));
		assert_true(ids[i] > 0);
	}
	for (i = 0; i < 10; i++) {
		assert_int_equal(next_reply(app, test_deadline_ms(5000), &m), 0);
		assert_int_equal(m.dwParam1, ids[i]);
		assert_int_equal(m.dwParam2, 0);
	}
	assert_true(now_ms() - t0 >= 20 * 10 - 5); /* the provider took its time */
	assert_int_equal(next_reply(app, 100, &m), -1);
	assert_int_equal(phoneGetData(h, 0, buf, sizeof(buf)), 0);
	assert_memory_equal(buf, "t9", 3);
	for (i = 0; i < 3; i++)
		assert_true(phoneSetData(h, 0, "late", 4) > 0);
	assert_int_equal(phoneClose(h), 0);
	assert_int_equal(next_reply(app, 200, &m), -1);
	assert_int_equal(phoneShutdown(app), 0);
}

/* With [limits] request_timeout_ms, a request the provider never completes is answered with
 * PHONEERR_OPERATIONFAILED, not before the timeout. That answer may be false (the provider may
 * still carry the request out), so the phone is then closed for every handle: PHONE_CLOSE to
 * the owner after the reply, and to a monitor in another app; it can be opened again. */
static void timeout_answers(void **state)
{
	HPHONEAPP app = 0, watcher = init();
	PHONEMESSAGE m;
	HPHONE h, mon;
	LONG id;
	long t0;

	(void)state;
	assert_int_equal(try_init(&app), 0);
	h = open_owner(app, 0);
	assert_int_equal(phoneOpen(watcher, 0, &mon, 0x00020002, 0, 0x52, PHONEPRIVILEGE_MONITOR), 0);
	t0 = now_ms();
	id = phoneSetData(h, 0, "lost", 5);
	assert_true(id > 0);
	assert_int_equal(next_reply(app, test_deadline_ms(10000), &m), 0);
	assert_int_equal(m.dwParam1, id);
	assert_int_equal((LONG)m.dwParam2, (LONG)PHONEERR_OPERATIONFAILED);
	assert_true(now_ms() - t0 >= TIMEOUT_MS - 50);
	assert_int_equal(next_of(app, PHONE_CLOSE, test_deadline_ms(5000), &m), 0);
	assert_int_equal(m.hDevice, h);
	assert_int_equal(next_of(watcher, PHONE_CLOSE, test_deadline_ms(5000), &m), 0);
	assert_int_equal(m.hDevice, mon);
	assert_int_equal(phoneSetData(h, 0, "gone", 5), (LONG)PHONEERR_INVALPHONEHANDLE);
	/* exactly one reply, even if the provider wakes up later */
	assert_int_equal(next_reply(app, 300, &m), -1);
	h = open_owner(app, 0);
	assert_int_equal(phoneClose(h), 0);
	assert_int_equal(phoneShutdown(watcher), 0);
	assert_int_equal(phoneShutdown(app), 0);
}

/* The same with the sim holding a durable write (hold-replies), which it carries out after all
 * when the engine closes the phone at the provider: the application was told
 * PHONEERR_OPERATIONFAILED and then, by PHONE_CLOSE, that it cannot trust that answer; opened
 * again, the phone shows the truth (the write was applied). */
static void a_timed_out_write_is_never_applied_untold(void **state)
{
	HPHONEAPP app = init();
	HPHONE h = open_owner(app, 0);
	PHONEMESSAGE m;
	char back[4];
	LONG id;

	(void)state;
	assert_true((id = phoneSetData(h, 0, "old", 4)) > 0);
	assert_int_equal(next_reply(app, test_deadline_ms(5000), &m), 0);
	assert_int_equal(m.dwParam2, 0);
	assert_true((id = phoneDevSpecific(h, "hold-replies", 13)) > 0);
	assert_int_equal(next_reply(app, test_deadline_ms(5000), &m), 0);
	assert_int_equal(m.dwParam2, 0);
	id = phoneSetData(h, 0, "new", 4);
	assert_true(id > 0);
	assert_int_equal(next_reply(app, test_deadline_ms(10000), &m), 0);
	assert_int_equal(m.dwParam1, id);
	assert_int_equal((LONG)m.dwParam2, (LONG)PHONEERR_OPERATIONFAILED);
	assert_int_equal(next_of(app, PHONE_CLOSE, test_deadline_ms(5000), &m), 0);
	assert_int_equal(m.hDevice, h);
	h = open_owner(app, 0);
	assert_int_equal(phoneGetData(h, 0, back, sizeof(back)), 0);
	assert_memory_equal(back, "new", 4);
	assert_int_equal(next_reply(app, 300, &m), -1);
	assert_int_equal(phoneShutdown(app), 0);
}

static int setup_sim_timeout(void **state)
{
	(void)state;
	return start(TIMEOUT_LIMIT "[phone \"S\"]\nprovider = sim\ndata_areas = 64\ndurable = yes\n");
}

static void a_request_never_completed_times_out(void **state)
{
	timeout_answers(state);
}

static void a_request_completed_only_with_bogus_ids_times_out(void **state)
{
	timeout_answers(state);
}

/* Embedded: the provider runs in the application's process, which dies with it. */
static void a_crashing_provider_kills_its_process_embedded(void)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		HPHONEAPP app;
		HPHONE h;

		if (try_init(&app) != 0 ||
		    phoneOpen(app, 1, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER) != 0)
			_exit(10);
		phoneSetData(h, 0, "boom", 5);
		_exit(11); /* not reached */
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGABRT);
	printf("# embedded: the application died with the provider (SIGABRT)\n");
}

/* Server mode: tapisrv dies; the client gets error replies for what was outstanding, PHONE_CLOSE
 * for each open phone and REINIT; a restarted server (systemd: Restart=on-failure) has every
 * acknowledged write of the durable phone. */
static void a_crashing_provider_takes_the_server_down_cleanly(void **state)
{
	HPHONEAPP app;
	HPHONE safe, crash;
	PHONEMESSAGE m;
	LONG held, rc;
	char buf[16] = { 0 };
	int st, replies = 0, closes = 0, reinit = 0;

	(void)state;
	if (!server_mode) {
		a_crashing_provider_kills_its_process_embedded();
		return;
	}
	app = init();
	safe = open_owner(app, 0);
	crash = open_owner(app, 1);
	rc = phoneSetData(safe, 0, "ACKNOWLEDGED", 13);
	assert_true(rc > 0);
	assert_int_equal(next_reply(app, test_deadline_ms(5000), &m), 0);
	assert_int_equal(m.dwParam2, 0);
	/* One request left outstanding on the good phone. */
	rc = phoneDevSpecific(safe, "hold-replies", 13);
	assert_true(rc > 0);
	assert_int_equal(next_reply(app, test_deadline_ms(5000), &m), 0);
	held = phoneSetData(safe, 0, "in flight", 10);
	assert_true(held > 0);

	rc = phoneSetData(crash, 0, "boom", 5);
	printf("# phoneSetData on the crashing phone returned %s (0x%08x)\n",
	       rc == (LONG)PHONEERR_REINIT ? "PHONEERR_REINIT" : rc > 0 ? "a request ID" : "an error",
	       (unsigned)rc);
	assert_true(rc == (LONG)PHONEERR_REINIT || rc == (LONG)PHONEERR_OPERATIONFAILED || rc > 0);
	assert_int_equal(waitpid(server.pid, &st, 0), server.pid);
	server.pid = 0;
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	while (!reinit && phoneGetMessage(app, &m, 5000) == 0) {
		if (m.dwMessageID == PHONE_REPLY) {
			assert_true(m.dwParam1 == (DWORD_PTR)held || (rc > 0 && m.dwParam1 == (DWORD_PTR)rc));
			assert_int_equal((LONG)m.dwParam2, (LONG)PHONEERR_OPERATIONFAILED);
			replies++;
		} else if (m.dwMessageID == PHONE_CLOSE) {
			assert_true(m.hDevice == safe || m.hDevice == crash);
			closes++;
		} else if (m.dwMessageID == PHONE_STATE && m.dwParam1 == PHONESTATE_REINIT) {
			reinit++;
		}
	}
	printf("# the client saw %d error PHONE_REPLY, %d PHONE_CLOSE, %d REINIT\n", replies, closes,
	       reinit);
	assert_int_equal(replies, rc > 0 ? 2 : 1);
	assert_int_equal(closes, 2);
	assert_int_equal(reinit, 1);
	assert_int_equal(phoneSetData(safe, 0, "x", 1), (LONG)PHONEERR_REINIT);
	assert_int_equal(phoneShutdown(app), 0);

	/* What systemd's Restart=on-failure does: a new server on the same state. */
	assert_int_equal(srv_restart(&server), 0);
	app = init();
	safe = open_owner(app, 0);
	assert_int_equal(phoneGetData(safe, 0, buf, 13), 0);
	assert_string_equal(buf, "ACKNOWLEDGED");
	assert_int_equal(phoneShutdown(app), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_well_behaved_phone_works, setup_ok, teardown),
		cmocka_unit_test_setup_teardown(a_request_completed_twice_is_answered_once,
						setup_twice, teardown),
		cmocka_unit_test_setup_teardown(bogus_completions_are_ignored_with_a_log_line,
						setup_bogus, teardown),
		cmocka_unit_test_setup_teardown(completions_from_another_thread_work, setup_thread,
						teardown),
		cmocka_unit_test_setup_teardown(a_request_never_completed_times_out,
						setup_never_timeout, teardown),
		cmocka_unit_test_setup_teardown(a_request_completed_only_with_bogus_ids_times_out,
						setup_bogus_timeout, teardown),
		cmocka_unit_test_setup_teardown(a_timed_out_write_is_never_applied_untold,
						setup_sim_timeout, teardown),
		cmocka_unit_test_setup_teardown(a_crashing_provider_takes_the_server_down_cleanly,
						setup_crash, teardown),
	};

	server_mode = argc > 1 && strcmp(argv[1], "--server") == 0;
	signal(SIGPIPE, SIG_IGN);
	setenv("XDG_CONFIG_HOME", "/nonexistent-opentapi-test", 1);
	if (!server_mode)
		setenv("OPENTAPI_SERVER", "embedded", 1);
	return cmocka_run_group_tests_name(server_mode ? "faults (tapisrv)" : "faults (embedded)",
					   tests, NULL, NULL);
}
