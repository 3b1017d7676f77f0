/* SPDX-License-Identifier: MIT */
/* idle.c — see idle.h. */
#define _GNU_SOURCE
#include "idle.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "alloc.h"
#include "listen.h"
#include "log.h"
#include "loop.h"
#include "server.h"

struct ot_idle {
	struct ot_listener *listener;
	unsigned idle_ms;
	int timer_fd;
	struct ot_watch *watch;
	char lock_path[PATH_MAX];
};

static void arm(struct ot_idle *d, unsigned ms)
{
	struct itimerspec t = { .it_value = { ms / 1000, (long)(ms % 1000) * 1000000L } };

	timerfd_settime(d->timer_fd, 0, &t, NULL); /* 0 disarms */
}

/* Leaves if nobody is starting or reaching us: the start lock is free and the backlog empty. The
 * lock stays held (its descriptor open) until the process exits, after the socket is gone. */
static void try_leave(struct ot_server *srv, struct ot_idle *d)
{
	struct pollfd backlog = { srv->listen_fd, POLLIN, 0 };
	int lock = open(d->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0) {
		if (lock >= 0)
			close(lock);
		arm(d, 100); /* a client is connecting or starting a server: look again soon */
		return;
	}
	if (poll(&backlog, 1, 0) > 0) {
		close(lock); /* a client came after all: on_listen takes it */
		return;
	}
	unlink(d->listener->path);
	d->listener->created = 0;
	ot_log(OT_LOG_INFO, "server", "no client for %u ms: leaving (started on demand)", d->idle_ms);
	ot_loop_quit(srv->loop);
}

static void on_timer(void *ctx, uint32_t events)
{
	struct ot_server *srv = ctx;
	uint64_t n;

	(void)events;
	if (read(srv->idle->timer_fd, &n, sizeof(n)) == (ssize_t)sizeof(n) && srv->num_conns == 0)
		try_leave(srv, srv->idle);
}

int ot_idle_start(struct ot_server *srv, struct ot_listener *l, unsigned idle_ms)
{
	struct ot_idle *d = ot_calloc(1, sizeof(*d));
	const char *slash = strrchr(l->path, '/');

	if (!d || !slash) {
		ot_free(d);
		ot_log(OT_LOG_ERROR, "server", "--idle-exit: out of memory or no socket directory");
		return -1;
	}
	d->listener = l;
	d->idle_ms = idle_ms;
	snprintf(d->lock_path, sizeof(d->lock_path), "%.*s/tapisrv.lock", (int)(slash - l->path),
		 l->path);
	d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->timer_fd < 0 || !(d->watch = ot_loop_watch(srv->loop, d->timer_fd, EPOLLIN,
							   on_timer, srv))) {
		ot_log(OT_LOG_ERROR, "server", "--idle-exit: timer: %m");
		if (d->timer_fd >= 0)
			close(d->timer_fd);
		ot_free(d);
		return -1;
	}
	srv->idle = d;
	ot_idle_note(srv);
	return 0;
}

void ot_idle_note(struct ot_server *srv)
{
	if (srv->idle)
		arm(srv->idle, srv->num_conns ? 0 : srv->idle->idle_ms);
}

void ot_idle_stop(struct ot_server *srv)
{
	struct ot_idle *d = srv->idle;

	if (!d)
		return;
	ot_loop_unwatch(srv->loop, d->watch);
	close(d->timer_fd);
	ot_free(d);
	srv->idle = NULL;
}
