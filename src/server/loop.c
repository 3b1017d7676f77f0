/* SPDX-License-Identifier: MIT */
/* loop.c — see loop.h. */
#include "loop.h"

#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "alloc.h"

struct ot_watch {
	int fd;
	ot_watch_fn fn;
	void *ctx;
	int dead;
	struct ot_watch *next_dead;
};

struct ot_loop {
	int epfd;
	int quit;
	struct ot_watch *dead; /* unwatched during this round; freed after it */
};

struct ot_loop *ot_loop_new(void)
{
	struct ot_loop *l = ot_calloc(1, sizeof(*l));

	if (!l) {
		errno = ENOMEM;
		return NULL;
	}
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		int e = errno;

		ot_free(l);
		errno = e;
		return NULL;
	}
	return l;
}

static void free_dead(struct ot_loop *l)
{
	while (l->dead) {
		struct ot_watch *w = l->dead;

		l->dead = w->next_dead;
		ot_free(w);
	}
}

void ot_loop_free(struct ot_loop *l)
{
	if (!l)
		return;
	free_dead(l);
	close(l->epfd);
	ot_free(l);
}

struct ot_watch *ot_loop_watch(struct ot_loop *l, int fd, uint32_t events, ot_watch_fn fn,
			       void *ctx)
{
	struct ot_watch *w = ot_calloc(1, sizeof(*w));

	if (!w) {
		errno = ENOMEM;
		return NULL;
	}
	*w = (struct ot_watch){ fd, fn, ctx, 0, NULL };
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd,
		      &(struct epoll_event){ .events = events, .data.ptr = w }) < 0) {
		int e = errno;

		ot_free(w);
		errno = e;
		return NULL;
	}
	return w;
}

int ot_loop_modify(struct ot_loop *l, struct ot_watch *w, uint32_t events)
{
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, w->fd,
			 &(struct epoll_event){ .events = events, .data.ptr = w }) < 0 ? -errno : 0;
}

void ot_loop_unwatch(struct ot_loop *l, struct ot_watch *w)
{
	if (!w)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	w->dead = 1;
	w->next_dead = l->dead;
	l->dead = w;
}

int ot_loop_run(struct ot_loop *l)
{
	struct epoll_event events[64];

	while (!l->quit) {
		int i, n = epoll_wait(l->epfd, events, 64, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < n; i++) {
			struct ot_watch *w = events[i].data.ptr;

			if (!w->dead)
				w->fn(w->ctx, events[i].events);
		}
		free_dead(l);
	}
	return 0;
}

void ot_loop_quit(struct ot_loop *l)
{
	l->quit = 1;
}
