/* SPDX-License-Identifier: MIT */
/* test_server_alloc.c — tapisrv with its Nth allocation failing, for every N of a scripted run
 * (docs/reliability.md, "Server allocation sweep").
 *
 * The server is tapisrv-fault (tapisrv built with OT_FAULT_INJECTION): OT_FAIL_ALLOC=N makes
 * its Nth allocation through ot_malloc fail, once; at exit it prints
 * "fault injection: A allocations, L live at exit". A first run with OT_FAIL_ALLOC=0 counts the
 * allocations of the whole script (bring-up, two client sessions, shutdown): the failure points.
 * Then, for each N:
 *
 *  - the failure during bring-up: tapisrv exits with a status other than 0 and an error line,
 *    and never listens;
 *  - later: each client session (a forked process, so each is its own connection: an owner and a
 *    monitor app; capabilities, open, small and memfd-sized data written and read back, display,
 *    lamp, status, close, shutdown) sees every step succeed with the right content, or stops at
 *    the first step answered PHONEERR_NOMEM, RESOURCEUNAVAIL, OPERATIONFAILED or REINIT (the
 *    client was dropped; for phoneInitializeEx that is SERVICE_NOT_RUNNING) — never a wrong
 *    result, wrong bytes or a missing PHONE_REPLY. After a
 *    session that saw a failure, one more session must succeed entirely: the server keeps
 *    serving;
 *  - SIGTERM: tapisrv exits with status 0 and nothing of ot_malloc left live (and, in a
 *    sanitizer build, no leak or error report: either would change the status).
 *
 * Run time: every OPENTAPI_SWEEP_STEP-th N (default: every one, and every test_scale()-th under
 * valgrind — never a number that depends on how fast the machine is); OPENTAPI_SWEEP_STEP=1
 * sweeps all of them. OPENTAPI_SWEEP_ONLY=N runs point N alone (and
 * OPENTAPI_TEST_VERBOSE=1 then prints the server's log even when it passes).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "session.h"
#include "tapisrv.h"

#define SMALL 200u
#define BIG 100000u /* more than 64 KiB: a memfd */
#define LAMP 12u

static const char config_text[] = "[phone \"A\"]\n"
				  "provider = sim\n"
				  "data_areas = 256, 4096, 200000\n"
				  "durable = yes\n"
				  "[phone \"B\"]\n"
				  "provider = sim\n"
				  "durable = no\n";

static char dir[64], sock_path[128], conf_path[128], state_path[128], log_path[128];
static const char *server_bin;
/* How the failure points turned out: tapisrv did not start; a client saw the failure; nobody
 * saw it (handled inside the server, or it fell on the test's readiness probe). */
static long n_bring_up, n_seen, n_unseen;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- the server ------------------------------------------------------------------------------ */

/* Starts tapisrv-fault with OT_FAIL_ALLOC=n, its stderr in a fresh log. Returns its pid once it
 * listens; or -1 with *status set when it exited first (*status = -1: it never listened and
 * never exited within 30 s, and was killed). */
static pid_t start_server(long n, int *status)
{
	char v[32];
	pid_t pid;
	int i;

	unlink(log_path);
	snprintf(v, sizeof(v), "%ld", n);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd >= 0) {
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		setenv("OT_FAIL_ALLOC", v, 1);
		execl(server_bin, "tapisrv", "--config", conf_path, "--socket", sock_path,
		      "--state-dir", state_path, "-v", (char *)NULL);
		_exit(127);
	}
	/* The socket listens before the engine exists: ready is the log line, not a connect. */
	for (i = 0; i < 3000; i++) { /* up to 30 s: valgrind */
		if (file_has(log_path, "ready:") && srv_can_connect(sock_path))
			return pid;
		if (waitpid(pid, status, WNOHANG) == pid)
			return -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	*status = -1;
	return -1;
}

/* The numbers of the "fault injection:" line. Returns 0, or -1 when there is none. */
static int read_report(long *allocations, long *live)
{
	char line[1024];
	FILE *f = fopen(log_path, "r");
	int found = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "fault injection: %ld allocations, %ld live at exit", allocations,
			   live) == 2)
			found = 1;
	if (f)
		fclose(f);
	return found ? 0 : -1;
}

static void dump_log(void)
{
	char line[1024];
	FILE *f = fopen(log_path, "r");

	fprintf(stderr, "---- tapisrv's log:\n");
	while (f && fgets(line, sizeof(line), f))
		fputs(line, stderr);
	if (f)
		fclose(f);
}

/* ---- one client ------------------------------------------------------------------------------ */

/* A session's outcome, its child's exit status: STOPPED + the index of the error it stopped on
 * in stop_results. */
enum outcome { ALL_OK = 0, WRONG = 2, STOPPED = 10 };

static const LONG stop_results[] = { (LONG)PHONEERR_NOMEM, (LONG)PHONEERR_RESOURCEUNAVAIL,
				     (LONG)PHONEERR_OPERATIONFAILED, (LONG)PHONEERR_REINIT,
				     (LONG)PHONEERR_SERVICE_NOT_RUNNING };
#define NUM_STOP (sizeof(stop_results) / sizeof(stop_results[0]))
static long stopped_on[NUM_STOP];

/* The index of rc in stop_results, or -1. SERVICE_NOT_RUNNING only via init_result(). */
static int stop_index(LONG rc)
{
	unsigned i;

	for (i = 0; i < NUM_STOP; i++)
		if (rc == stop_results[i])
			return (int)i;
	return -1;
}

static int allowed_failure(LONG rc)
{
	return rc != (LONG)PHONEERR_SERVICE_NOT_RUNNING && stop_index(rc) >= 0;
}

/* Judges one step: 0 to go on, or the session's outcome. */
static int step(const char *what, LONG rc, int strict)
{
	if (rc == 0)
		return 0;
	if (!strict && allowed_failure(rc))
		return STOPPED + stop_index(rc);
	fprintf(stderr, "client %d: %s: %s\n", (int)getpid(), what, s_result_name(rc));
	return WRONG;
}

#define STEP(what, expr)                                                                           \
	do {                                                                                       \
		if ((out = step(what, (expr), strict)) != 0)                                       \
			goto done;                                                                 \
	} while (0)

/* A connection the server drops before it has answered HELLO (it could not allocate the
 * connection, or the app) is, for the library, a server that is not running (docs/server.md):
 * a dropped client, for phoneInitializeEx. */
static int init_step(LONG rc, int strict)
{
	if (rc == (LONG)PHONEERR_SERVICE_NOT_RUNNING && !strict)
		return STOPPED + stop_index(rc);
	return step("initialize (owner app)", rc, strict);
}

static LONG check_caps(HPHONEAPP app)
{
	union {
		PHONECAPS caps;
		char raw[8192];
	} u;
	LONG rc;

	memset(&u, 0, sizeof(u));
	u.caps.dwTotalSize = sizeof(u);
	rc = phoneGetDevCaps(app, 0, 0x00020002u, 0, &u.caps);
	if (rc == 0 && u.caps.dwNumSetData != 3)
		rc = 1;
	return rc;
}

static LONG check_status(HPHONE phone)
{
	union {
		PHONESTATUS st;
		char raw[8192];
	} u;
	LONG rc;

	memset(&u, 0, sizeof(u));
	u.st.dwTotalSize = sizeof(u);
	rc = phoneGetStatus(phone, &u.st);
	if (rc == 0 && u.st.dwNumOwners != 1)
		rc = 1;
	return rc;
}

static LONG check_lamp(HPHONE phone, DWORD want)
{
	DWORD mode = 0;
	LONG rc = phoneGetLamp(phone, LAMP, &mode);

	return rc ? rc : mode == want ? 0 : 1;
}

/* The script of one client. Returns an outcome (the child's exit status). */
static int session(int strict, uint64_t seed)
{
	static unsigned char small[SMALL], big[BIG];
	HPHONEAPP owner_app = 0, mon_app = 0;
	HPHONE owner = 0, mon = 0;
	DWORD devs = 0;
	int out = ALL_OK;

	s_fill(small, SMALL, seed);
	s_fill(big, BIG, seed + 1);
	if ((out = init_step(s_init(&owner_app, "sweep owner", &devs), strict)) != 0)
		goto done;
	STEP("number of phones", devs == 2 ? 0 : 1);
	STEP("initialize (monitor app)", s_init(&mon_app, "sweep monitor", NULL));
	STEP("capabilities", check_caps(owner_app));
	STEP("open (owner)", s_open(owner_app, 0, PHONEPRIVILEGE_OWNER, &owner));
	STEP("open (monitor)", s_open(mon_app, 0, PHONEPRIVILEGE_MONITOR, &mon));
	STEP("small write", s_set_data(owner_app, owner, 0, small, SMALL));
	STEP("small read", s_check_data(mon, 0, small, SMALL));
	STEP("big write", s_set_data(owner_app, owner, 2, big, BIG));
	STEP("big read", s_check_data(mon, 2, big, BIG));
	STEP("display", s_set_display(owner_app, owner, "allocation sweep"));
	STEP("display read", s_check_display(mon, "allocation sweep"));
	STEP("lamp", s_async(owner_app, phoneSetLamp(owner, LAMP, PHONELAMPMODE_STEADY)));
	STEP("lamp read", check_lamp(mon, PHONELAMPMODE_STEADY));
	STEP("status", check_status(mon));
	STEP("close (monitor)", phoneClose(mon));
	mon = 0;
	STEP("close (owner)", phoneClose(owner));
	owner = 0;
done:
	/* Shutting down is due in every case; after a drop it is local (0) or REINIT. */
	if (mon_app) {
		LONG rc = phoneShutdown(mon_app);

		if (rc && (strict || !allowed_failure(rc)) && out != WRONG)
			out = step("shutdown (monitor app)", rc, strict);
	}
	if (owner_app) {
		LONG rc = phoneShutdown(owner_app);

		if (rc && (strict || !allowed_failure(rc)) && out != WRONG)
			out = step("shutdown (owner app)", rc, strict);
	}
	return out;
}

/* Runs one session in a child (its own process: its own connection to the server). */
static int client(int strict, uint64_t seed)
{
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return WRONG;
	if (pid == 0)
		_exit(session(strict, seed));
	if (waitpid(pid, &status, 0) != pid)
		return WRONG;
	if (!WIFEXITED(status)) {
		fprintf(stderr, "client %d died: signal %d\n", (int)pid, WTERMSIG(status));
		return WRONG;
	}
	/* Anything else (valgrind's error status, a sanitizer's) is wrong too. */
	if (WEXITSTATUS(status) != ALL_OK &&
	    (WEXITSTATUS(status) < STOPPED || WEXITSTATUS(status) >= STOPPED + (int)NUM_STOP)) {
		fprintf(stderr, "client %d exited with status %d\n", (int)pid, WEXITSTATUS(status));
		return WRONG;
	}
	return WEXITSTATUS(status);
}

/* ---- one point of the sweep ------------------------------------------------------------------ */

/* Runs the script with allocation n failing (0: none). Returns 0 or -1 (reported on stderr).
 * *allocations: what the server counted (or -1). */
static int run_point(long n, long *allocations)
{
	int status = 0, i, rc = 0, seen = 0;
	long live = -1;
	pid_t pid = start_server(n, &status);

	*allocations = -1;
	if (pid < 0) {
		/* Bring-up failed: that must be an error exit, said in the log. */
		if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) == 0 ||
		    !file_has(log_path, "error")) {
			fprintf(stderr, "N=%ld: tapisrv neither served nor failed cleanly (status 0x%x)\n",
				n, status);
			dump_log();
			return -1;
		}
		read_report(allocations, &live);
		n_bring_up++;
		return 0;
	}
	for (i = 0; i < 3; i++) {
		int out = client(n == 0 || i == 2, (uint64_t)n * 4 + (uint64_t)i);

		if (out >= STOPPED) {
			seen = 1;
			stopped_on[out - STOPPED]++;
		}
		if (out == WRONG) {
			fprintf(stderr, "N=%ld: session %d went wrong\n", n, i + 1);
			rc = -1;
			break;
		}
		/* Two sessions, and a third one only when the second saw the failure. */
		if (i == 1 && out == ALL_OK)
			break;
	}
	if (n > 0 && rc == 0)
		*(seen ? &n_seen : &n_unseen) += 1;
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "N=%ld: tapisrv did not exit cleanly on SIGTERM (status 0x%x)\n", n,
			status);
		rc = -1;
	}
	if (read_report(allocations, &live) < 0 || live != 0) {
		fprintf(stderr, "N=%ld: %ld allocations still live at exit\n", n, live);
		rc = -1;
	}
	if (rc < 0)
		dump_log();
	return rc;
}

static long env_long(const char *name, long dflt)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 10) : dflt;
}

static void remove_dir(void)
{
	char cmd[128];

	if (getenv("OPENTAPI_TEST_KEEP"))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

int main(void)
{
	long total, n, step_n, failed = 0, runs = 0;
	uint64_t t0, per_run;
	FILE *f;

	server_bin = getenv("OPENTAPI_TAPISRV_FAULT");
	if (!server_bin) {
		fprintf(stderr, "test_server_alloc needs OPENTAPI_TAPISRV_FAULT\n");
		return 1;
	}
	snprintf(dir, sizeof(dir), "/tmp/opentapi-sweep-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(sock_path, sizeof(sock_path), "%s/tapisrv.sock", dir);
	snprintf(conf_path, sizeof(conf_path), "%s/opentapi.conf", dir);
	snprintf(state_path, sizeof(state_path), "%s/state", dir);
	snprintf(log_path, sizeof(log_path), "%s/tapisrv.log", dir);
	f = fopen(conf_path, "w");
	if (!f)
		return 1;
	fputs(config_text, f);
	fclose(f);
	setenv("OPENTAPI_SERVER", sock_path, 1);
	signal(SIGPIPE, SIG_IGN);

	if (env_long("OPENTAPI_SWEEP_ONLY", 0) > 0) { /* one point, to look at it */
		long count, only = env_long("OPENTAPI_SWEEP_ONLY", 0);

		n = run_point(only, &count);
		if (n < 0 || getenv("OPENTAPI_TEST_VERBOSE"))
			dump_log();
		remove_dir();
		return n < 0 ? 1 : 0;
	}
	t0 = now_ms();
	if (run_point(0, &total) < 0 || total <= 0) {
		fprintf(stderr, "the run without failures failed\n");
		remove_dir();
		return 1;
	}
	per_run = now_ms() - t0 + 1;
	/* Every point, whatever the machine's speed (every test_scale()-th under valgrind). */
	step_n = env_long("OPENTAPI_SWEEP_STEP", 0);
	if (step_n <= 0)
		step_n = (long)test_scale();
	printf("# %ld allocations in the script; a run takes %llu ms; every %ld. N is swept\n",
	       total, (unsigned long long)per_run, step_n);
	for (n = 1; n <= total; n += step_n) {
		long count;

		runs++;
		if (run_point(n, &count) < 0)
			failed++;
	}
	/* And the last one, where the count may end. */
	if ((total - 1) % step_n) {
		long count;

		runs++;
		if (run_point(total, &count) < 0)
			failed++;
	}
	printf("# %ld failure points run in %llu ms, %ld went wrong; of the others tapisrv did not "
	       "start at %ld, a client saw the failure at %ld, nobody saw it at %ld\n",
	       runs, (unsigned long long)(now_ms() - t0), failed, n_bring_up, n_seen, n_unseen);
	printf("# sessions stopped on:");
	for (n = 0; n < (long)NUM_STOP; n++)
		printf(" %s %ld%s", s_result_name(stop_results[n]), stopped_on[n],
		       n + 1 < (long)NUM_STOP ? "," : "\n");
	remove_dir();
	return failed ? 1 : 0;
}
