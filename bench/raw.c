/* SPDX-License-Identifier: MIT */
/* raw.c — see raw.h. */
#define _GNU_SOURCE
#include "raw.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stats.h"

#define ECHO_BUF (256 * 1024)

int raw_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int raw_read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void echo_loop(int fd)
{
	char *buf = malloc(ECHO_BUF);
	ssize_t n;

	while (buf && (n = read(fd, buf, ECHO_BUF)) > 0)
		if (raw_write_all(fd, buf, (size_t)n) < 0)
			break;
}

static void sink_loop(int fd, size_t size)
{
	char *buf = aligned_alloc(4096, (size + 4095) / 4096 * 4096 + 4096);
	int32_t answer = 0;

	if (!buf)
		return;
	memset(buf, 0, size); /* touched once, like a data area that exists already */
	for (;;) {
		size_t got = 0;

		while (got < size) {
			ssize_t n = read(fd, buf + got, size - got);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return;
			got += (size_t)n;
		}
		answer++;
		if (raw_write_all(fd, &answer, sizeof(answer)) < 0)
			return;
	}
}

int raw_peer_start(struct raw_peer *p, enum raw_mode mode, size_t size)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (p->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(sv[0]);
		if (mode == RAW_ECHO)
			echo_loop(sv[1]);
		else
			sink_loop(sv[1], size);
		_exit(0);
	}
	close(sv[1]);
	p->fd = sv[0];
	return 0;
}

void raw_peer_stop(struct raw_peer *p)
{
	if (p->pid <= 0)
		return;
	close(p->fd);
	waitpid(p->pid, NULL, 0);
	p->pid = 0;
}

int raw_roundtrip(int fd, void *buf, size_t len)
{
	if (raw_write_all(fd, buf, len) < 0)
		return -1;
	return raw_read_all(fd, buf, len);
}

int raw_pipeline(int fd, long n, int window, size_t msg, double *lat)
{
	size_t cap = (size_t)window * msg;
	char *out = calloc(1, cap), *in = malloc(ECHO_BUF);
	uint64_t *sent_at = malloc((size_t)n * sizeof(*sent_at));
	long sent = 0, done = 0;
	size_t partial = 0; /* bytes of a message whose echo is incomplete */
	int rc = -1;

	if (!out || !in || !sent_at)
		goto out;
	while (done < n) {
		long room = window - (sent - done), k = n - sent < room ? n - sent : room, i;
		ssize_t got;

		if (k > 0) { /* top the window up: one write for all of them */
			uint64_t now = bench_now_ns();

			for (i = 0; i < k; i++)
				sent_at[sent + i] = now;
			if (raw_write_all(fd, out, (size_t)k * msg) < 0)
				goto out;
			sent += k;
		}
		do /* everything that has come back, in one read */
			got = read(fd, in, ECHO_BUF);
		while (got < 0 && errno == EINTR);
		if (got <= 0)
			goto out;
		partial += (size_t)got;
		k = (long)(partial / msg);
		partial %= msg;
		if (lat) {
			uint64_t now = bench_now_ns();

			for (i = 0; i < k; i++)
				lat[done + i] = (double)(now - sent_at[done + i]) / 1e3;
		}
		done += k;
	}
	rc = 0;
out:
	free(out);
	free(in);
	free(sent_at);
	return rc;
}

int raw_copy(int fd, const void *buf, size_t size)
{
	int32_t answer;

	if (raw_write_all(fd, buf, size) < 0)
		return -1;
	return raw_read_all(fd, &answer, sizeof(answer));
}

int raw_file_open(const char *dir, const char *name, size_t size)
{
	char path[4096];
	char *zero = calloc(1, size ? size : 1);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !zero || raw_write_all(fd, zero, size) < 0 || fsync(fd) < 0) {
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	free(zero);
	return fd;
}

int raw_fsync_write(int fd, const void *buf, size_t size)
{
	const char *p = buf;
	off_t off = 0;

	while ((size_t)off < size) {
		ssize_t n = pwrite(fd, p + off, size - (size_t)off, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += n;
	}
	return fdatasync(fd);
}
