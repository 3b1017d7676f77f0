/* SPDX-License-Identifier: MIT */
/* tapisrv.c — see tapisrv.h. */
#define _GNU_SOURCE
#include "tapisrv.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int srv_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%.100s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int srv_can_connect(const char *path)
{
	int fd = srv_connect(path);

	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

char proc_state(int pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command may contain spaces */
	return p && p[1] == ' ' ? p[2] : 0;
}

pid_t srv_spawn(const char *bin, char *const argv[], const char *log, const char *socket)
{
	int i, tries = (int)test_deadline_ms(5000) / 10; /* 10 ms each */
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		if (fd >= 0) {
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		execv(bin, argv);
		_exit(127);
	}
	for (i = 0; i < tries; i++) {
		if (srv_can_connect(socket))
			return pid;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

int srv_restart(struct srv *s)
{
	const char *bin = getenv("OPENTAPI_TAPISRV");
	char *argv[] = { "tapisrv", "--config", s->config, "--socket", s->socket,
			 "--state-dir", s->state, "-v", NULL };

	s->pid = bin ? srv_spawn(bin, argv, s->log, s->socket) : -1;
	if (s->pid < 0) {
		s->pid = 0;
		return -1;
	}
	return 0;
}

int srv_start(struct srv *s, const char *config_text)
{
	FILE *f;

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/opentapi-srv-XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(s->socket, sizeof(s->socket), "%s/tapisrv.sock", s->dir);
	snprintf(s->config, sizeof(s->config), "%s/opentapi.conf", s->dir);
	snprintf(s->state, sizeof(s->state), "%s/state", s->dir);
	snprintf(s->log, sizeof(s->log), "%s/tapisrv.log", s->dir);
	f = fopen(s->config, "w");
	if (!f)
		return -1;
	fputs(config_text, f);
	fclose(f);
	setenv("OPENTAPI_SERVER", s->socket, 1);
	return srv_restart(s);
}

void srv_kill(struct srv *s, int sig)
{
	if (s->pid > 0) {
		kill(s->pid, sig);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
}

void srv_stop(struct srv *s)
{
	srv_kill(s, SIGTERM);
	if (!getenv("OPENTAPI_TEST_KEEP"))
		test_remove_tree(s->dir);
}

int file_has(const char *path, const char *text)
{
	char line[1024];
	FILE *f = fopen(path, "r");
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, text) != NULL;
	if (f)
		fclose(f);
	return found;
}

int srv_log_has(const struct srv *s, const char *text)
{
	return file_has(s->log, text);
}

int srv_wait_log(const struct srv *s, const char *text)
{
	for (unsigned ms = test_deadline_ms(10000); ms > 0; ms -= ms < 10 ? ms : 10) {
		if (srv_log_has(s, text))
			return 1;
		usleep(10000);
	}
	return srv_log_has(s, text);
}

unsigned test_scale(void)
{
	const char *v = getenv("OPENTAPI_TEST_SCALE");
	char *end;
	long d;

	if (!v)
		return 1;
	errno = 0;
	d = strtol(v, &end, 10);
	/* Anything but a plain number from 1 to 1000 is a mistake: run at full strength. */
	if (errno || end == v || *end || d < 1 || d > 1000)
		return 1;
	return (unsigned)d;
}

/* A sanitizer build of this file means a sanitizer build of everything it tests. */
#if defined(__SANITIZE_ADDRESS__)
#define OT_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OT_TEST_SANITIZED 1
#endif
#endif
#ifndef OT_TEST_SANITIZED
#define OT_TEST_SANITIZED 0
#endif

unsigned test_slowness(void)
{
	return test_scale() * (OT_TEST_SANITIZED ? 4 : 1);
}

unsigned test_deadline_ms(unsigned ms)
{
	return ms * test_slowness();
}

unsigned test_scaled_down(unsigned n, unsigned at_least)
{
	unsigned m = n / test_scale();

	if (m < at_least)
		m = at_least;
	return m < n ? m : n;
}

unsigned count_lines(const char *file, const char *const *texts)
{
	char line[2048];
	unsigned count = 0;
	FILE *f = fopen(file, "r");

	while (f && fgets(line, sizeof(line), f)) {
		const char *const *t;

		for (t = texts; *t && strstr(line, *t); t++)
			;
		count += *t == NULL;
	}
	if (f)
		fclose(f);
	return count;
}

pid_t srv_peer_pid(const char *socket)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = srv_connect(socket);
	pid_t pid = 0;

	if (fd >= 0 && getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
		pid = cred.pid;
	if (fd >= 0)
		close(fd);
	return pid;
}

int proc_wait_gone(pid_t pid)
{
	for (unsigned waited = 0; waited < test_deadline_ms(10000); waited += 10) {
		char st = proc_state(pid);

		if (st == 0 || st == 'Z')
			return 1;
		usleep(10000);
	}
	return 0;
}

pid_t test_fork(int (*fn)(void *arg), void *arg)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	return pid;
}

int test_reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) < 0)
		fprintf(stderr, "cannot remove %s: %s\n", path, strerror(errno));
	return 0;
}

void test_remove_tree(const char *dir)
{
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
