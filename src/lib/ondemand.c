/* SPDX-License-Identifier: MIT */
/* ondemand.c — see ondemand.h.
 *
 * The lock: tapisrv.lock beside the socket, flock()ed exclusively by a client for the whole of
 * "connect, else start and wait", and by an idle on-demand server for the whole of "no client
 * waiting in the backlog, remove the socket, leave" (src/server/idle.c). So a client never
 * connects to a server that is leaving, and two clients never start two servers.
 *
 * Readiness: the server gets the write end of a pipe as descriptor 3 (--ready-fd 3) and closes
 * it once it listens; it also closes when the server dies. Either way the pipe hangs up, and a
 * connect() then tells which.
 */
#define _GNU_SOURCE
#include "ondemand.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "log.h"
#include "paths.h"

#ifndef OT_TAPISRV_PATH
#define OT_TAPISRV_PATH "tapisrv"
#endif

/* How long a server being started may take before it listens (thousands of configured phones
 * take a while). */
#define START_TIMEOUT_MS 30000

/* dir/name into buf, where dir is the socket's directory. */
static int beside(const char *socket, const char *name, char *buf, size_t size)
{
	const char *slash = strrchr(socket, '/');
	int n;

	if (!slash)
		return -1;
	n = snprintf(buf, size, "%.*s/%s", (int)(slash - socket), socket, name);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

/* The socket's directory (one level: its parent must exist), private unless it is the system
 * server's. */
static int make_dir(const char *socket)
{
	char dir[PATH_MAX];

	if (beside(socket, "", dir, sizeof(dir)) < 0)
		return -ENAMETOOLONG;
	if (mkdir(dir, strcmp(socket, OT_SYSTEM_SOCKET) ? 0700 : 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int take_lock(const char *socket)
{
	char path[PATH_MAX];
	int fd;

	if (beside(socket, "tapisrv.lock", path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			int e = errno;

			close(fd);
			return -e;
		}
	return fd;
}

/* Starts bin detached: its own session, /dev/null for input and output, its log for errors, the
 * pipe's write end as descriptor 3, no other descriptor of the application, no signal blocked.
 * Everything the child needs is prepared before fork(): between fork and exec only
 * async-signal-safe calls. Returns 0 or -errno. */
static int spawn(char *const argv[], const char *log, int ready_w)
{
	sigset_t none;
	pid_t pid;
	int st;

	sigemptyset(&none);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null_fd, log_fd;

		if (setsid() < 0 || (pid = fork()) < 0)
			_exit(1);
		if (pid > 0)
			_exit(0); /* the server is nobody's child but init's (or the subreaper's) */
		null_fd = open("/dev/null", O_RDWR);
		log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 ||
		    dup2(log_fd >= 0 ? log_fd : null_fd, 2) < 0 || dup2(ready_w, 3) < 0)
			_exit(1);
		close_range(4, ~0u, 0);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0) {
		/* An application that ignores SIGCHLD, or reaps every child itself, took it: the
		 * pipe still tells whether the server came up. */
		if (errno == ECHILD)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

/* Waits until the server closes its end of the pipe (it listens, or it died). */
static int wait_ready(int ready_r)
{
	struct pollfd p = { ready_r, POLLIN, 0 };
	char byte;
	int n;

	do
		n = poll(&p, 1, START_TIMEOUT_MS);
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return -ETIMEDOUT;
	return read(ready_r, &byte, 1) == 0 ? 0 : -EPROTO;
}

static int start_server(const char *socket)
{
	const char *bin = getenv("OPENTAPI_TAPISRV");
	const char *idle = getenv("OPENTAPI_IDLE_EXIT_MS");
	char log[PATH_MAX];
	char *argv[] = { (char *)(bin && *bin ? bin : OT_TAPISRV_PATH), "--socket", (char *)socket,
			 "--idle-exit", (char *)(idle && *idle ? idle : "10000"), "--ready-fd", "3",
			 NULL };
	int pipe_fds[2], rc;

	if (beside(socket, "tapisrv.log", log, sizeof(log)) < 0)
		return -ENAMETOOLONG;
	if (access(argv[0], X_OK) < 0) {
		rc = -errno;
		ot_log(OT_LOG_WARN, "lib", "no telephony server runs and %s cannot be started (%s): "
		       "install tapisrv, set OPENTAPI_TAPISRV to it, or start one yourself "
		       "(docs/server.md)", argv[0], strerror(-rc));
		return rc;
	}
	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		return -errno;
	rc = spawn(argv, log, pipe_fds[1]);
	close(pipe_fds[1]);
	if (rc == 0)
		rc = wait_ready(pipe_fds[0]);
	close(pipe_fds[0]);
	if (rc < 0)
		ot_log(OT_LOG_ERROR, "lib", "the telephony server started on demand (%s) did not come "
		       "up: %s; see %s", argv[0], strerror(-rc), log);
	return rc;
}

int ot_ondemand_connect(const char *socket)
{
	int lock, fd, rc;

	rc = make_dir(socket);
	if (rc < 0) {
		ot_log(OT_LOG_ERROR, "lib", "cannot create the directory of %s: %s", socket,
		       strerror(-rc));
		return rc;
	}
	lock = take_lock(socket);
	if (lock < 0) {
		ot_log(OT_LOG_ERROR, "lib", "cannot lock beside %s: %s", socket, strerror(-lock));
		return lock;
	}
	fd = ot_remote_connect(socket);
	if (fd == -ENOENT || fd == -ECONNREFUSED) {
		rc = start_server(socket);
		fd = rc < 0 ? rc : ot_remote_connect(socket);
		if (fd >= 0)
			ot_log(OT_LOG_INFO, "lib", "started tapisrv on demand at %s", socket);
		else if (rc == 0)
			ot_log(OT_LOG_ERROR, "lib", "the telephony server started on demand does not "
			       "listen on %s: %s", socket, strerror(-fd));
	}
	close(lock);
	return fd;
}
