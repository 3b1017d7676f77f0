/* SPDX-License-Identifier: MIT */
/* server.h — tapisrv's pieces and how they meet: the server (listening socket, signals, the
 * engine), its client connections, and the dispatch of requests to the engine.
 *
 * Threads: everything runs on the loop thread, except the engine's sink callbacks, which a
 * provider may make from its own thread; they touch only a connection's output side, under its
 * out_lock.
 */
#ifndef OT_SERVER_H
#define OT_SERVER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "engine.h"
#include "loop.h"
#include "wire.h"

#define OT_SERVER_MAX_FDS 8 /* descriptors received but not yet claimed by a frame */
#define OT_CONN_IN_MIN 4096u /* an idle client's input buffer */
#define OT_CONN_MAPS 2 /* reusable payload buffers of a client that tapisrv keeps mapped */
#define OT_CONN_TRIM_MS 1000u /* a grown input buffer shrinks after this long without input */

struct ot_server;
struct ot_payload_map;

struct ot_conn {
	struct ot_server *srv;
	int fd;
	struct ot_watch *watch;
	struct ot_client *client; /* the engine's side; NULL until HELLO */
	struct ucred cred;
	gid_t groups[64]; /* the peer's supplementary groups (SO_PEERGROUPS) */
	size_t num_groups;
	char who[64]; /* "pid P uid U" for log lines */
	char why[160]; /* why a request was refused, for the one line logged when dropping */

	/* Input: loop thread only. */
	uint8_t *in;
	size_t in_len, in_cap; /* grows to the frame being read, back to OT_CONN_IN_MIN when idle */
	int fds[OT_SERVER_MAX_FDS];
	unsigned num_fds;
	int in_active;        /* input arrived since the last trim tick */
	int grown;            /* on the server's list of grown input buffers */
	struct ot_conn *grown_next, *grown_prev;
	/* The client's reusable payload memfds, mapped once (dispatch.c), most recent first. */
	struct ot_payload_map *maps[OT_CONN_MAPS];

	/* Output: any thread, under out_lock. */
	pthread_mutex_t out_lock;
	uint8_t *out;
	size_t out_len, out_off, out_cap;
	size_t reserved;  /* bytes promised to PHONE_REPLY events of accepted requests */
	int want_out;     /* EPOLLOUT is being watched */
	int corked;       /* the loop is handling this client's requests: flush once at the end */
	int broken;       /* a send failed or the client overflowed: drop it */
	int overflowed;   /* it stopped reading: more than max_out bytes were waiting */

	struct ot_conn *next, *prev;
};

struct ot_server {
	struct ot_loop *loop;
	struct ot_engine *engine;
	int listen_fd;
	struct ot_watch *listen_watch;
	struct ot_conn *conns;
	size_t num_conns;
	size_t max_out; /* bytes of unsent events before a client is dropped */
	int accept_paused; /* out of descriptors: the listening socket rests until a client leaves */
	/* Connections whose input buffer is larger than OT_CONN_IN_MIN, and the periodic timer
	 * (a timerfd, only while that list is not empty) that shrinks those gone idle. */
	struct ot_conn *grown;
	struct ot_watch *trim_watch;
	int trim_fd;
	struct ot_idle *idle; /* started on demand (--idle-exit): leaves when idle (idle.c) */
};

/* conn.c */
void ot_conn_accept(struct ot_server *srv, int fd);
void ot_conn_drop(struct ot_conn *c, int reason, const char *why);
/* Queues one frame (header and fixed fields from f, then f->var_len bytes at f->var). Any
 * thread. Returns 0, or -1 when the connection is broken or out of memory (it will be dropped). */
int ot_conn_send(struct ot_conn *c, const struct ot_wire_frame *f);

/* dispatch.c: handles one decoded request; fd is the descriptor that came with it or -1 (the
 * handler owns it). Returns 0, or -1 on a protocol error (the caller drops the client). */
int ot_dispatch(struct ot_conn *c, const struct ot_wire_frame *f, int fd);

/* payload.c: a client's memfd as the engine's payload. ot_payload_map maps size bytes of fd for
 * a request (writable: the server fills it); *release lets go of them. NULL when it is not a
 * memfd that may be used: not sealed against shrinking (the server could meet SIGBUS), smaller
 * than size, write-sealed when the server must write, or not mappable. A reusable memfd (sealed
 * against shrinking, growing and sealing) stays mapped for the connection's next requests. */
void *ot_payload_map(struct ot_conn *c, int fd, DWORD size, int writable, ot_release_fn *release);
/* Is fd a memfd of size 0 (what a client sends for a payload its caller did not give)? */
int ot_payload_is_empty(int fd);
/* Lets go of the connection's cached payload mappings (each stays until the last request that
 * uses it is released). */
void ot_payload_forget(struct ot_conn *c);
extern const struct ot_sink ot_server_sink;

#endif
