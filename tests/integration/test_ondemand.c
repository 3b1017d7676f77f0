/* SPDX-License-Identifier: MIT */
/* test_ondemand.c — no server configured and none running: the library starts a per-user
 * tapisrv itself (src/lib/ondemand.c, docs/server.md "When no server runs").
 *
 * Each test gets a private XDG_RUNTIME_DIR (so the on-demand socket is ROOT/run/opentapi/
 * tapisrv.sock) and XDG_STATE_HOME, OPENTAPI_SERVER and OPENTAPI_CONFIG unset (the built-in
 * default phone), and $OPENTAPI_TAPISRV from meson. Processes that must be separate are forked
 * children reporting through pipes and their exit status.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tapi.h>

#include "tapisrv.h"

static char root[64], socket_path[128], log_path[128];

static int setup(void **state)
{
	char dir[128];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/opentapi-ondemand-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(dir, sizeof(dir), "%s/run", root);
	mkdir(dir, 0700);
	setenv("XDG_RUNTIME_DIR", dir, 1);
	snprintf(dir, sizeof(dir), "%s/state", root);
	mkdir(dir, 0700);
	setenv("XDG_STATE_HOME", dir, 1);
	snprintf(dir, sizeof(dir), "%s/config", root);
	mkdir(dir, 0700);
	setenv("XDG_CONFIG_HOME", dir, 1);
	unsetenv("OPENTAPI_SERVER");
	unsetenv("OPENTAPI_CONFIG");
	unsetenv("OPENTAPI_STATE_DIR");
	unsetenv("OPENTAPI_IDLE_EXIT_MS");
	snprintf(socket_path, sizeof(socket_path), "%s/run/opentapi/tapisrv.sock", root);
	snprintf(log_path, sizeof(log_path), "%s/run/opentapi/tapisrv.log", root);
	return 0;
}

static int teardown(void **state)
{
	pid_t pid = srv_peer_pid(socket_path);

	(void)state;
	if (pid > 0) {
		kill(pid, SIGTERM);
		proc_wait_gone(pid);
	}
	test_remove_tree(root);
	return 0;
}

static LONG init(HPHONEAPP *app)
{
	PHONEINITIALIZEEXPARAMS p = { .dwTotalSize = sizeof(p),
				      .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD n, v = 0x00020002;

	return phoneInitializeExA(app, NULL, NULL, "on demand", &n, &v, &p);
}

/* ---- several processes starting at once get one server ------------------------------------ */

#define STARTERS 4

struct starter {
	int go, report; /* pipe ends: wait for go's EOF; write the server's pid to report */
	int hold;       /* then keep the app until hold's EOF */
	int close_in_child[3];
};

static int starter(void *arg)
{
	struct starter *s = arg;
	HPHONEAPP app;
	HPHONE phone;
	pid_t pid;
	char c;

	for (int i = 0; i < 3; i++)
		close(s->close_in_child[i]);
	while (read(s->go, &c, 1) > 0)
		;
	if (init(&app) != 0)
		return 10;
	/* Monitor: every starter may, whoever comes first. */
	if (phoneOpen(app, 0, &phone, 0x00020002, 0, 0, PHONEPRIVILEGE_MONITOR) != 0)
		return 11;
	pid = srv_peer_pid(socket_path);
	if (write(s->report, &pid, sizeof(pid)) != (ssize_t)sizeof(pid))
		return 12;
	while (read(s->hold, &c, 1) > 0)
		;
	return phoneShutdown(app) == 0 ? 0 : 13;
}

static void processes_starting_at_once_share_one_server(void **state)
{
	const char *ready_line[] = { " ready: ", NULL };
	int go[2], report[2], hold[2], i;
	pid_t kids[STARTERS], seen[STARTERS];
	struct starter s;
	HPHONEAPP app;
	HPHONE phone;
	PHONESTATUS st = { .dwTotalSize = sizeof(st) };

	(void)state;
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(report), 0);
	assert_int_equal(pipe(hold), 0);
	s = (struct starter){ go[0], report[1], hold[0], { go[1], report[0], hold[1] } };
	for (i = 0; i < STARTERS; i++)
		kids[i] = test_fork(starter, &s);
	close(go[0]);
	close(report[1]);
	close(hold[0]);
	close(go[1]); /* all at once */
	for (i = 0; i < STARTERS; i++)
		assert_int_equal(read(report[0], &seen[i], sizeof(pid_t)), (ssize_t)sizeof(pid_t));
	for (i = 0; i < STARTERS; i++) {
		assert_true(seen[i] > 0);
		assert_int_equal(seen[i], seen[0]);
	}
	assert_int_equal(count_lines(log_path, ready_line), 1);
	/* And this process is one more client of the same server: it sees the four monitors. */
	assert_int_equal(init(&app), 0);
	assert_int_equal(srv_peer_pid(socket_path), seen[0]);
	assert_int_equal(phoneOpen(app, 0, &phone, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER), 0);
	assert_int_equal(phoneGetStatus(phone, &st), 0);
	assert_int_equal(st.dwNumMonitors, STARTERS);
	assert_int_equal(st.dwNumOwners, 1);
	close(hold[1]);
	for (i = 0; i < STARTERS; i++)
		assert_int_equal(test_reap(kids[i]), 0);
	close(report[0]);
	assert_int_equal(phoneShutdown(app), 0);
}

/* ---- the server leaves when idle, and comes back ----------------------------------------- */

static void the_server_leaves_when_idle_and_is_started_again(void **state)
{
	const char *leaving[] = { "leaving (started on demand)", NULL };
	HPHONEAPP app;
	pid_t first, second;

	(void)state;
	setenv("OPENTAPI_IDLE_EXIT_MS", "200", 1);
	assert_int_equal(init(&app), 0);
	first = srv_peer_pid(socket_path);
	assert_true(first > 0);
	assert_int_equal(phoneShutdown(app), 0);
	assert_true(proc_wait_gone(first));
	assert_int_equal(access(socket_path, F_OK), -1); /* it took its socket along */
	assert_int_equal(count_lines(log_path, leaving), 1);
	assert_int_equal(init(&app), 0);
	second = srv_peer_pid(socket_path);
	assert_true(second > 0);
	assert_int_not_equal(second, first);
	assert_int_equal(phoneShutdown(app), 0);
}

/* ---- an application that ignores SIGCHLD (its children are reaped by the kernel) --------- */

static int ignoring_sigchld(void *arg)
{
	HPHONEAPP app;

	(void)arg;
	signal(SIGCHLD, SIG_IGN);
	if (init(&app) != 0)
		return 10;
	if (srv_peer_pid(socket_path) <= 0)
		return 11;
	return phoneShutdown(app) == 0 ? 0 : 12;
}

static void an_application_that_ignores_sigchld_gets_its_server(void **state)
{
	(void)state;
	assert_int_equal(test_reap(test_fork(ignoring_sigchld, NULL)), 0);
}

/* ---- no server to start: in-process, said in the log ------------------------------------- */

static void without_a_tapisrv_to_start_the_engine_runs_in_process(void **state)
{
	char *saved = getenv("OPENTAPI_TAPISRV") ? strdup(getenv("OPENTAPI_TAPISRV")) : NULL;
	HPHONEAPP app;
	DWORD n = 0, v = 0x00020002;
	PHONEINITIALIZEEXPARAMS p = { .dwTotalSize = sizeof(p),
				      .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };

	(void)state;
	setenv("OPENTAPI_TAPISRV", "/nonexistent/tapisrv", 1);
	assert_int_equal(phoneInitializeExA(&app, NULL, NULL, "alone", &n, &v, &p), 0);
	assert_int_equal(n, 1);
	assert_int_equal(srv_peer_pid(socket_path), 0);
	assert_int_equal(phoneShutdown(app), 0);
	if (saved)
		setenv("OPENTAPI_TAPISRV", saved, 1);
	free(saved);
}

/* ---- a server that refuses this user is an error, not a reason to start another ---------- */

/* As user nobody: refused with OPERATIONFAILED, whether the socket is found by the default
 * search or named in OPENTAPI_SERVER. */
static int refused_child(void *arg)
{
	struct passwd *pw = getpwnam("nobody");
	HPHONEAPP app;

	(void)arg;
	if (!pw || setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
		return 10;
	if (init(&app) != (LONG)PHONEERR_OPERATIONFAILED)
		return 11;
	setenv("OPENTAPI_SERVER", socket_path, 1);
	return init(&app) == (LONG)PHONEERR_OPERATIONFAILED ? 0 : 12;
}

static void a_server_that_refuses_the_user_is_an_error(void **state)
{
	char *argv[] = { getenv("OPENTAPI_TAPISRV"), "--socket", socket_path, NULL };
	char run[128];
	pid_t srv, kid;

	(void)state;
	if (geteuid() != 0)
		test_skip_outside("needs root (to run tapisrv as one user and the client as another)");
	/* root's server: its socket is root's only (mode 0600 without the 'opentapi' group). */
	srv = srv_spawn(argv[0], argv, log_path, socket_path);
	assert_true(srv > 0);
	/* Another user may walk to the socket, so that only the socket itself refuses. */
	assert_int_equal(chmod(root, 0755), 0);
	snprintf(run, sizeof(run), "%s/run", root);
	assert_int_equal(chmod(run, 0755), 0);
	snprintf(run, sizeof(run), "%s/run/opentapi", root);
	assert_int_equal(chmod(run, 0755), 0);
	kid = test_fork(refused_child, NULL);
	assert_int_equal(test_reap(kid), 0);
	assert_int_equal(srv_peer_pid(socket_path), srv); /* no second server took its place */
	kill(srv, SIGTERM);
	assert_int_equal(waitpid(srv, NULL, 0), srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(processes_starting_at_once_share_one_server, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_server_leaves_when_idle_and_is_started_again,
						setup, teardown),
		cmocka_unit_test_setup_teardown(an_application_that_ignores_sigchld_gets_its_server,
						setup, teardown),
		cmocka_unit_test_setup_teardown(without_a_tapisrv_to_start_the_engine_runs_in_process,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_server_that_refuses_the_user_is_an_error, setup,
						teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
