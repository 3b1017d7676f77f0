/* SPDX-License-Identifier: MIT */
/* loop.h — tapisrv's event loop: one epoll instance and a callback per descriptor.
 * ot_loop_modify may be called from any thread (epoll_ctl is thread-safe); everything else
 * belongs to the loop thread.
 *
 * Owns: the epoll descriptor and the registered callbacks.
 * Must not: know about clients, the engine or the protocol.
 */
#ifndef OT_LOOP_H
#define OT_LOOP_H

#include <stdint.h>

struct ot_loop;
struct ot_watch;

typedef void (*ot_watch_fn)(void *ctx, uint32_t events);

/* Returns NULL with errno set. */
struct ot_loop *ot_loop_new(void);
void ot_loop_free(struct ot_loop *l);
/* Watches fd for events (EPOLLIN/EPOLLOUT/...); returns NULL with errno set. */
struct ot_watch *ot_loop_watch(struct ot_loop *l, int fd, uint32_t events, ot_watch_fn fn,
			       void *ctx);
int ot_loop_modify(struct ot_loop *l, struct ot_watch *w, uint32_t events);
/* Stops watching (the callback is never called again, even for events already fetched). */
void ot_loop_unwatch(struct ot_loop *l, struct ot_watch *w);
/* Runs until ot_loop_quit(); returns 0 or -errno. */
int ot_loop_run(struct ot_loop *l);
void ot_loop_quit(struct ot_loop *l);
#endif
