/* SPDX-License-Identifier: MIT */
/* harness.c — see harness.h. */
#define _GNU_SOURCE
#include "harness.h"
#include "tapisrv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_APPS 32

struct tracked_app {
	int used;
	HPHONEAPP h;
	PHONEMESSAGE *stash;
	size_t n, cap;
};

static struct tracked_app apps[MAX_APPS];
/* Server mode ($OPENTAPI_TEST_TAPISRV set): a private tapisrv per test, restarted whenever the
 * test changes the configuration or the state directory, as the embedded engine would reread
 * them at the next phoneInitializeEx. */
static pid_t server_pid;
static char server_socket[1100];
/* Sizes chosen so that every path built from them fits (and the compiler can tell). */
static char root[1024];
static char state_dir[2048];
static char config_path[2048];

/* ---- directories ------------------------------------------------------------------------- */

const char *h_root(void)
{
	return root;
}

const char *h_state_dir(void)
{
	return state_dir;
}

const char *h_sim_phone_dir(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/sim/%.255s", state_dir, name);
	return buf;
}

static int make_dir(const char *fmt, const char *arg, char *out, size_t outlen)
{
	snprintf(out, outlen, fmt, root, arg); /* arg is a short literal or test-made name */
	if (mkdir(out, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "harness: mkdir %s: %s\n", out, strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- server mode ---------------------------------------------------------------------------- */

int h_server_mode(void)
{
	return getenv("OPENTAPI_TEST_TAPISRV") != NULL;
}

int h_ondemand_mode(void)
{
	return getenv("OPENTAPI_TEST_ONDEMAND") != NULL;
}

/* The pid of whoever listens on ROOT/run/opentapi/tapisrv.sock, or 0. */
static pid_t ondemand_pid(void)
{
	char path[1100];

	snprintf(path, sizeof(path), "%s/run/opentapi/tapisrv.sock", root);
	return srv_peer_pid(path);
}

pid_t h_server_pid(void)
{
	return h_ondemand_mode() ? ondemand_pid() : server_pid;
}

static void stop_server(void)
{
	pid_t pid;

	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
	server_pid = 0;
	if (h_ondemand_mode() && root[0] && (pid = ondemand_pid()) > 0) {
		kill(pid, SIGTERM);
		if (!proc_wait_gone(pid))
			fprintf(stderr, "harness: the on-demand tapisrv (pid %d) did not stop\n",
				(int)pid);
	}
}

/* (Re)starts the test's tapisrv with its current configuration and state directory. */
static int start_server(void)
{
	const char *bin = getenv("OPENTAPI_TEST_TAPISRV");
	const char *config = getenv("OPENTAPI_CONFIG");
	char *argv[] = { "tapisrv", "--socket", server_socket, "--state-dir", state_dir,
			 config ? "--config" : NULL, (char *)config, NULL };
	char log[1200];

	stop_server();
	snprintf(server_socket, sizeof(server_socket), "%s/tapisrv.sock", root);
	snprintf(log, sizeof(log), "%s/tapisrv.log", root);
	setenv("OPENTAPI_SERVER", server_socket, 1);
	server_pid = srv_spawn(bin, argv, log, server_socket);
	if (server_pid > 0)
		return 0;
	server_pid = 0;
	fprintf(stderr, "harness: tapisrv did not start (see %s)\n", log);
	return -1;
}

void h_write_config(const char *text)
{
	FILE *f = fopen(config_path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(setenv("OPENTAPI_CONFIG", config_path, 1), 0);
	if (h_server_mode())
		assert_int_equal(start_server(), 0);
	if (h_ondemand_mode())
		stop_server(); /* the next phoneInitializeEx starts one on the new text */
}

const char *h_use_state_subdir(const char *sub)
{
	char path[2048];

	if (make_dir("%s/%s", sub, path, sizeof(path)) < 0)
		return NULL;
	snprintf(state_dir, sizeof(state_dir), "%s", path);
	setenv("OPENTAPI_STATE_DIR", state_dir, 1);
	if (h_server_mode() && start_server() < 0)
		return NULL;
	if (h_ondemand_mode())
		stop_server(); /* the next phoneInitializeEx starts one on the new directory */
	return state_dir;
}

int h_setup(void **state)
{
	const char *config = *state;
	const char *tmp = getenv("TMPDIR");
	char path[2048];

	memset(apps, 0, sizeof(apps));
	snprintf(root, sizeof(root), "%.900s/opentapi-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root)) {
		fprintf(stderr, "harness: mkdtemp %s: %s\n", root, strerror(errno));
		return -1;
	}
	if (make_dir("%s/%s", "state", state_dir, sizeof(state_dir)) < 0 ||
	    make_dir("%s/%s", "xdg-config", path, sizeof(path)) < 0)
		return -1;
	setenv("OPENTAPI_STATE_DIR", state_dir, 1);
	setenv("XDG_CONFIG_HOME", path, 1);
	make_dir("%s/%s", "xdg-state", path, sizeof(path));
	setenv("XDG_STATE_HOME", path, 1);
	if (h_ondemand_mode()) {
		if (make_dir("%s/%s", "run", path, sizeof(path)) < 0)
			return -1;
		setenv("XDG_RUNTIME_DIR", path, 1);
		unsetenv("OPENTAPI_SERVER");
	} else {
		/* tests/meson.build sets it; keep the tests in-process when run by hand, too. */
		setenv("OPENTAPI_SERVER", "embedded", 0);
	}
	snprintf(config_path, sizeof(config_path), "%s/opentapi.conf", root);
	if (config) {
		FILE *f = fopen(config_path, "w");

		if (!f || fputs(config, f) < 0 || fclose(f) != 0) {
			fprintf(stderr, "harness: cannot write %s\n", config_path);
			return -1;
		}
		setenv("OPENTAPI_CONFIG", config_path, 1);
	} else {
		unsetenv("OPENTAPI_CONFIG");
	}
	if (h_server_mode() && start_server() < 0)
		return -1;
	return 0;
}

int h_teardown(void **state)
{
	int i, ok;

	(void)state;
	for (i = 0; i < MAX_APPS; i++)
		if (apps[i].used)
			h_try_shutdown(apps[i].h);
	ok = h_no_app_left();
	if (!ok)
		fprintf(stderr, "harness: an app is still initialised after the test\n");
	stop_server();
	if (root[0])
		test_remove_tree(root);
	root[0] = '\0';
	unsetenv("OPENTAPI_CONFIG");
	return ok ? 0 : -1;
}

int h_no_app_left(void)
{
	char byte = 0;

	return phoneSetData(1, 0, &byte, 1) == (LONG)PHONEERR_UNINITIALIZED;
}

/* ---- apps --------------------------------------------------------------------------------- */

static struct tracked_app *find_app(HPHONEAPP h)
{
	int i;

	for (i = 0; i < MAX_APPS; i++)
		if (apps[i].used && apps[i].h == h)
			return &apps[i];
	return NULL;
}

void h_track(HPHONEAPP h)
{
	int i;

	if (find_app(h))
		return;
	for (i = 0; i < MAX_APPS; i++)
		if (!apps[i].used) {
			apps[i] = (struct tracked_app){ .used = 1, .h = h };
			return;
		}
	fprintf(stderr, "harness: too many apps\n");
	abort();
}

static LONG init_ex(HPHONEAPP *app, const char *name, PHONECALLBACK cb, DWORD options, int port_fd,
		    DWORD key, DWORD *num_devs, int *event_fd)
{
	PHONEINITIALIZEEXPARAMS p;
	DWORD version = H_API_VERSION, devs = 0;
	LONG rc;

	memset(&p, 0, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = options;
	if (options == PHONEINITIALIZEEXOPTION_USECOMPLETIONPORT) {
		p.Handles.hCompletionPort = (HANDLE)(intptr_t)port_fd;
		p.dwCompletionKey = key;
	}
	rc = phoneInitializeExA(app, NULL, cb, name, &devs, &version, &p);
	if (rc == 0) {
		h_track(*app);
		if (num_devs)
			*num_devs = devs;
		if (event_fd)
			*event_fd = (int)(intptr_t)p.Handles.hEvent;
	}
	return rc;
}

LONG h_try_init_event(HPHONEAPP *app, const char *name, DWORD *num_devs, int *event_fd)
{
	return init_ex(app, name, NULL, PHONEINITIALIZEEXOPTION_USEEVENT, -1, 0, num_devs,
		       event_fd);
}

HPHONEAPP h_init_event(const char *name)
{
	HPHONEAPP app = 0;

	assert_int_equal(h_try_init_event(&app, name, NULL, NULL), 0);
	assert_int_not_equal(app, 0);
	return app;
}

LONG h_try_init_hidden(HPHONEAPP *app, const char *name, PHONECALLBACK cb, DWORD *num_devs)
{
	return init_ex(app, name, cb, PHONEINITIALIZEEXOPTION_USEHIDDENWINDOW, -1, 0, num_devs,
		       NULL);
}

LONG h_try_init_port(HPHONEAPP *app, const char *name, int port_fd, DWORD key, DWORD *num_devs)
{
	return init_ex(app, name, NULL, PHONEINITIALIZEEXOPTION_USECOMPLETIONPORT, port_fd, key,
		       num_devs, NULL);
}

LONG h_try_shutdown(HPHONEAPP app)
{
	struct tracked_app *t = find_app(app);
	LONG rc = phoneShutdown(app);

	if (t) {
		free(t->stash);
		memset(t, 0, sizeof(*t));
	}
	return rc;
}

void h_shutdown(HPHONEAPP app)
{
	assert_int_equal(h_try_shutdown(app), 0);
}

LONG h_try_open(HPHONEAPP app, DWORD dev, DWORD privilege, DWORD_PTR instance, HPHONE *phone)
{
	PHONEEXTENSIONID ext;
	DWORD version = 0;
	LONG rc = phoneNegotiateAPIVersion(app, dev, 0x00010003, H_API_VERSION, &version, &ext);

	if (rc)
		return rc;
	return phoneOpen(app, dev, phone, version, 0, instance, privilege);
}

HPHONE h_open(HPHONEAPP app, DWORD dev, DWORD privilege, DWORD_PTR instance)
{
	HPHONE phone = 0;

	assert_int_equal(h_try_open(app, dev, privilege, instance, &phone), 0);
	assert_int_not_equal(phone, 0);
	return phone;
}

/* ---- messages ------------------------------------------------------------------------------ */

static void stash_push(struct tracked_app *t, const PHONEMESSAGE *m)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		PHONEMESSAGE *s = realloc(t->stash, cap * sizeof(*s));

		if (!s)
			abort();
		t->stash = s;
		t->cap = cap;
	}
	t->stash[t->n++] = *m;
}

static void stash_remove(struct tracked_app *t, size_t i)
{
	memmove(&t->stash[i], &t->stash[i + 1], (t->n - i - 1) * sizeof(*t->stash));
	t->n--;
}

size_t h_stash_count(HPHONEAPP app)
{
	struct tracked_app *t = find_app(app);

	return t ? t->n : 0;
}

const PHONEMESSAGE *h_stash_at(HPHONEAPP app, size_t i)
{
	struct tracked_app *t = find_app(app);

	return t && i < t->n ? &t->stash[i] : NULL;
}

void h_stash_clear(HPHONEAPP app)
{
	struct tracked_app *t = find_app(app);

	if (t)
		t->n = 0;
}

LONG h_try_next_message(HPHONEAPP app, PHONEMESSAGE *msg, DWORD timeout_ms)
{
	struct tracked_app *t = find_app(app);

	if (t && t->n) {
		*msg = t->stash[0];
		stash_remove(t, 0);
		return 0;
	}
	return phoneGetMessage(app, msg, timeout_ms);
}

/* Remaining milliseconds until deadline (0 when passed). */
static DWORD remaining(uint64_t deadline)
{
	uint64_t now = h_now_ms();

	return now >= deadline ? 0 : (DWORD)(deadline - now);
}

typedef int (*match_fn)(const PHONEMESSAGE *m, const void *arg);

/* Finds (stash first) and removes the first message that matches. 0, or the last error of
 * phoneGetMessage (PHONEERR_OPERATIONFAILED on timeout). */
static LONG wait_match(HPHONEAPP app, match_fn match, const void *arg, PHONEMESSAGE *out,
		       DWORD timeout_ms)
{
	struct tracked_app *t = find_app(app);
	uint64_t deadline = h_now_ms() + timeout_ms;
	PHONEMESSAGE m;
	size_t i;

	if (t)
		for (i = 0; i < t->n; i++)
			if (match(&t->stash[i], arg)) {
				*out = t->stash[i];
				stash_remove(t, i);
				return 0;
			}
	for (;;) {
		LONG rc = phoneGetMessage(app, &m, remaining(deadline));

		if (rc)
			return rc;
		if (match(&m, arg)) {
			*out = m;
			return 0;
		}
		if (t)
			stash_push(t, &m);
	}
}

static int is_reply(const PHONEMESSAGE *m, const void *arg)
{
	return m->dwMessageID == PHONE_REPLY && (LONG)m->dwParam1 == *(const LONG *)arg;
}

LONG h_try_wait_reply_msg(HPHONEAPP app, LONG id, DWORD timeout_ms, PHONEMESSAGE *msg)
{
	PHONEMESSAGE m;
	LONG rc = wait_match(app, is_reply, &id, &m, timeout_ms);

	if (rc == (LONG)PHONEERR_OPERATIONFAILED)
		return H_NO_REPLY;
	if (rc)
		return H_WAIT_FAILED;
	if (msg)
		*msg = m;
	return (LONG)(DWORD)m.dwParam2;
}

LONG h_try_wait_reply(HPHONEAPP app, LONG id, DWORD timeout_ms)
{
	return h_try_wait_reply_msg(app, id, timeout_ms, NULL);
}

struct msg_pattern {
	DWORD id, hdev;
	DWORD_PTR p1;
};

static int is_message(const PHONEMESSAGE *m, const void *arg)
{
	const struct msg_pattern *p = arg;

	return m->dwMessageID == p->id && (!p->hdev || m->hDevice == p->hdev) &&
	       (m->dwParam1 & p->p1) == p->p1;
}

int h_try_wait_message(HPHONEAPP app, DWORD msg_id, DWORD hdev, DWORD_PTR p1, PHONEMESSAGE *out,
		       DWORD timeout_ms)
{
	struct msg_pattern p = { msg_id, hdev, p1 };
	PHONEMESSAGE m;

	if (wait_match(app, is_message, &p, &m, timeout_ms))
		return -1;
	if (out)
		*out = m;
	return 0;
}

void h_assert_quiet(HPHONEAPP app, DWORD ms)
{
	PHONEMESSAGE m;
	LONG rc;

	if (h_stash_count(app)) {
		const PHONEMESSAGE *s = h_stash_at(app, 0);

		fail_msg("app %u has %zu unexpected message(s), first: msg %u p1 0x%lx p2 0x%lx",
			 (unsigned)app, h_stash_count(app), (unsigned)s->dwMessageID,
			 (unsigned long)s->dwParam1, (unsigned long)s->dwParam2);
	}
	rc = phoneGetMessage(app, &m, ms);
	if (rc == 0)
		fail_msg("app %u got unexpected message %u (hDevice %u, p1 0x%lx, p2 0x%lx)",
			 (unsigned)app, (unsigned)m.dwMessageID, (unsigned)m.hDevice,
			 (unsigned long)m.dwParam1, (unsigned long)m.dwParam2);
	assert_int_equal(rc, (LONG)PHONEERR_OPERATIONFAILED);
}

/* ---- requests ------------------------------------------------------------------------------ */

static LONG finish_request(HPHONEAPP app, LONG id)
{
	if (id < 0)
		return id;
	if (id == 0)
		return H_ZERO_REQUEST;
	return h_try_wait_reply(app, id, H_REPLY_TIMEOUT);
}

LONG h_try_command(HPHONEAPP app, HPHONE phone, const char *cmd)
{
	return finish_request(app, phoneDevSpecific(phone, (LPVOID)cmd, (DWORD)strlen(cmd) + 1));
}

void h_command(HPHONEAPP app, HPHONE phone, const char *cmd)
{
	LONG id = phoneDevSpecific(phone, (LPVOID)cmd, (DWORD)strlen(cmd) + 1);

	if (id <= 0)
		fail_msg("phoneDevSpecific(\"%s\") returned 0x%08X", cmd, (unsigned)id);
	assert_int_equal(h_try_wait_reply(app, id, H_REPLY_TIMEOUT), 0);
}

LONG h_try_set_data_wait(HPHONEAPP app, HPHONE phone, DWORD data_id, const void *data, DWORD size)
{
	return finish_request(app, phoneSetData(phone, data_id, (LPVOID)data, size));
}

void h_set_data(HPHONEAPP app, HPHONE phone, DWORD data_id, const void *data, DWORD size)
{
	LONG id = phoneSetData(phone, data_id, (LPVOID)data, size);

	if (id <= 0)
		fail_msg("phoneSetData(area %u, %u bytes) returned 0x%08X", (unsigned)data_id,
			 (unsigned)size, (unsigned)id);
	assert_int_equal(h_try_wait_reply(app, id, H_REPLY_TIMEOUT), 0);
}

/* ---- processes ----------------------------------------------------------------------------- */

pid_t h_fork(int (*fn)(void *arg), void *arg)
{
	pid_t pid;

	assert_true(h_no_app_left());
	fflush(NULL);
	pid = fork();
	assert_int_not_equal(pid, -1);
	if (pid == 0) {
		memset(apps, 0, sizeof(apps)); /* the parent's bookkeeping is not the child's */
		_exit(fn(arg));
	}
	return pid;
}

int h_wait_child(pid_t pid, DWORD timeout_ms)
{
	uint64_t deadline = h_now_ms() + timeout_ms;
	int status;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		if (h_now_ms() >= deadline) {
			fprintf(stderr, "harness: child %d did not finish in %u ms; killing it\n",
				(int)pid, (unsigned)timeout_ms);
			kill(pid, SIGKILL);
			if (waitpid(pid, &status, 0) != pid)
				return -1;
			break;
		}
		usleep(2000);
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 1000 + WTERMSIG(status);
	return -1;
}

/* ---- utilities ----------------------------------------------------------------------------- */

uint64_t h_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

int h_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;

	do
		n = poll(&p, 1, ms);
	while (n < 0 && errno == EINTR);
	return n == 1 && (p.revents & POLLIN);
}

PHONECAPS *h_get_caps(HPHONEAPP app, DWORD dev, DWORD api_version)
{
	DWORD total = 4096;
	PHONECAPS *caps = NULL;

	for (int tries = 0; tries < 4; tries++) {
		free(caps);
		caps = calloc(1, total);
		assert_non_null(caps);
		caps->dwTotalSize = total;
		assert_int_equal(phoneGetDevCapsA(app, dev, api_version, 0, caps), 0);
		if (caps->dwNeededSize <= caps->dwTotalSize)
			return caps;
		total = caps->dwNeededSize;
	}
	fail_msg("phoneGetDevCaps keeps asking for more room");
	return NULL;
}

PHONESTATUS *h_get_status(HPHONE phone)
{
	DWORD total = 4096;
	PHONESTATUS *st = NULL;

	for (int tries = 0; tries < 4; tries++) {
		free(st);
		st = calloc(1, total);
		assert_non_null(st);
		st->dwTotalSize = total;
		assert_int_equal(phoneGetStatusA(phone, st), 0);
		if (st->dwNeededSize <= st->dwTotalSize)
			return st;
		total = st->dwNeededSize;
	}
	fail_msg("phoneGetStatus keeps asking for more room");
	return NULL;
}
