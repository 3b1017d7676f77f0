/* SPDX-License-Identifier: MIT */
/* tapisrv.h — a private tapisrv per test: its own directory, configuration, state and socket,
 * started from the build tree ($OPENTAPI_TAPISRV) and stopped (or killed) by the test. */
#ifndef OT_TEST_TAPISRV_H
#define OT_TEST_TAPISRV_H

#include <stdio.h> /* test_skip_outside */
#include <sys/types.h>

struct srv {
	pid_t pid;
	char dir[64];
	char socket[128];
	char config[128];
	char state[128];
	char log[128];
};

/* Starts bin with argv (argv[0] first, NULL-terminated), its stderr appended to log, and waits
 * up to test_deadline_ms(5000) until socket accepts connections. Returns the pid, or -1 when
 * it could not be started, exited, or never listened (then it is killed). */
pid_t srv_spawn(const char *bin, char *const argv[], const char *log, const char *socket);
/* Writes config_text, starts tapisrv and waits until it accepts connections; points
 * OPENTAPI_SERVER at its socket. Returns 0 or -1. */
int srv_start(struct srv *s, const char *config_text);
/* Starts it again on the same directory (after srv_kill). */
int srv_restart(struct srv *s);
/* Sends sig and waits for the process. */
void srv_kill(struct srv *s, int sig);
/* SIGTERM, wait, and remove the directory. */
void srv_stop(struct srv *s);
/* A connected socket to path, or -1. */
int srv_connect(const char *path);
/* Does a server accept connections on socket? */
int srv_can_connect(const char *socket);
/* The pid of the process listening on socket (SO_PEERCRED), or 0 when nobody listens. */
pid_t srv_peer_pid(const char *socket);
/* Waits until pid (not necessarily a child of ours) is gone or a zombie. 1, or 0 when it is still
 * there at the hang guard, test_deadline_ms(10000). */
int proc_wait_gone(pid_t pid);
/* fork(): the child runs fn(arg) and _exit()s with what it returns (buffered output is flushed
 * first, so nothing is written twice). The child's pid, or -1. */
pid_t test_fork(int (*fn)(void *arg), void *arg);
/* waitpid(): the exit status (0-255), 128 + the signal that killed it, or -1. */
int test_reap(pid_t pid);
/* rm -rf dir (a cannot-remove is printed, never fatal). */
void test_remove_tree(const char *dir);
/* The scheduler state of a process ('R' running or runnable, 'S' sleeping, 'Z' a zombie, ...),
 * from /proc/PID/stat, or 0 when there is no such process. */
char proc_state(int pid);
/* Does a line of the file at path contain text? */
int file_has(const char *path, const char *text);
/* Number of lines of file that contain every one of the given texts (NULL-terminated list). */
unsigned count_lines(const char *file, const char *const *texts);
/* Does the server's log contain text? */
int srv_log_has(const struct srv *s, const char *text);
/* Waits for text to appear in the server's log: 1 when it does, 0 at the hang guard,
 * test_deadline_ms(10000) (a log line that must come; the wait is never a measure). */
int srv_wait_log(const struct srv *s, const char *text);

/* OPENTAPI_TEST_SCALE (default 1): how much slower the processes run than in a normal build;
 * make check-valgrind sets it to 10. Tests divide their long loops by it and stretch their
 * timing windows by it; normal builds keep their full strength. */
unsigned test_scale(void);
/* n divided by test_scale(), but never below at_least (nor above n). */
unsigned test_scaled_down(unsigned n, unsigned at_least);

/* Hang guards, in one place. A test asserts behaviour, never speed: a deadline only stops a test
 * that would otherwise hang, so it is generous and stretched for the builds that run slower.
 * test_slowness() is test_scale() (valgrind), times 4 in a sanitizer build; test_deadline_ms(ms)
 * is ms times that. Use them for every wait that must end for the test to pass. */
unsigned test_slowness(void);
unsigned test_deadline_ms(unsigned ms);

/* Skips the current cmocka test for a reason outside the project (a privilege the test run does
 * not have, a kernel feature the machine lacks), printing "# skipped, outside the project: why".
 * make check fails on any skip that did not print that line (tests/check_skips.sh). */
#define test_skip_outside(why)                                                                   \
	do {                                                                                     \
		printf("# skipped, outside the project: %s\n", (why));                          \
		fflush(stdout);                                                                  \
		skip();                                                                          \
	} while (0)

#endif
