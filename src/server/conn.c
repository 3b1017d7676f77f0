/* SPDX-License-Identifier: MIT */
/* conn.c — one client connection: reading frames (and the descriptors that come with them),
 * queuing replies and events, writing them out without ever blocking the loop, and dropping a
 * client that misbehaves or stops reading. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "alloc.h"
#include "idle.h"
#include "log.h"
#include "server.h"

static void on_conn(void *ctx, uint32_t events);
static int flush_locked(struct ot_conn *c);
static void forget_grown(struct ot_conn *c);

void ot_conn_accept(struct ot_server *srv, int fd)
{
	struct ot_conn *c = ot_calloc(1, sizeof(*c));
	socklen_t len = sizeof(c ? c->cred : (struct ucred){ 0 });

	if (!c || !(c->in = ot_malloc(OT_CONN_IN_MIN))) {
		ot_log(OT_LOG_WARN, "server", "out of memory: connection refused");
		ot_free(c);
		close(fd);
		return;
	}
	c->srv = srv;
	c->fd = fd;
	c->in_cap = OT_CONN_IN_MIN;
	pthread_mutex_init(&c->out_lock, NULL);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->cred, &len) < 0)
		c->cred = (struct ucred){ -1, (uid_t)-1, (gid_t)-1 };
	len = sizeof(c->groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, c->groups, &len) == 0)
		c->num_groups = len / sizeof(gid_t);
	snprintf(c->who, sizeof(c->who), "pid %d uid %u", (int)c->cred.pid, (unsigned)c->cred.uid);
	c->watch = ot_loop_watch(srv->loop, fd, EPOLLIN, on_conn, c);
	if (!c->watch) {
		ot_log(OT_LOG_WARN, "server", "%s: cannot watch the connection: %m", c->who);
		pthread_mutex_destroy(&c->out_lock);
		ot_free(c->in);
		ot_free(c);
		close(fd);
		return;
	}
	c->next = srv->conns;
	if (srv->conns)
		srv->conns->prev = c;
	srv->conns = c;
	srv->num_conns++;
	ot_idle_note(srv);
	ot_log(OT_LOG_DEBUG, "server", "%s: connected", c->who);
}

void ot_conn_drop(struct ot_conn *c, int reason, const char *why)
{
	struct ot_server *srv = c->srv;
	unsigned i;

	if (reason) {
		struct ot_wire_frame bye = { .opcode = OT_WIRE_GOODBYE, OT_WIRE_FIELDS((uint64_t)reason) };

		bye.var = (const uint8_t *)why;
		bye.var_len = why ? (uint32_t)strlen(why) + 1 : 0;
		if (bye.var_len > OT_WIRE_TEXT_MAX)
			bye.var_len = 0;
		ot_conn_send(c, &bye);
	}
	/* What is queued (the answer that explains the drop, at least) goes out if it can. */
	pthread_mutex_lock(&c->out_lock);
	c->corked = 0;
	if (!c->broken)
		flush_locked(c);
	pthread_mutex_unlock(&c->out_lock);
	/* After this no engine callback reaches the connection. */
	if (c->client)
		ot_engine_client_free(srv->engine, c->client);
	ot_payload_forget(c);
	forget_grown(c);
	ot_loop_unwatch(srv->loop, c->watch);
	close(c->fd);
	for (i = 0; i < c->num_fds; i++)
		close(c->fds[i]);
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->num_conns--;
	ot_idle_note(srv);
	if (srv->accept_paused) {
		srv->accept_paused = 0;
		ot_loop_modify(srv->loop, srv->listen_watch, EPOLLIN);
	}
	ot_log(reason == OT_WIRE_BYE_PROTOCOL || reason == OT_WIRE_BYE_OVERFLOW ? OT_LOG_WARN
									      : OT_LOG_DEBUG,
	       "server", "%s: disconnected%s%s", c->who, why ? ": " : "", why ? why : "");
	pthread_mutex_destroy(&c->out_lock);
	ot_free(c->out);
	ot_free(c->in);
	ot_free(c);
}

/* Writes what is queued without blocking; out_lock held. Returns -1 when the peer is gone. */
static int flush_locked(struct ot_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return -1;
		c->out_off += (size_t)n;
	}
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	/* Watch for room only while something is left; epoll_ctl is safe from any thread. */
	if ((c->out_len != 0) != c->want_out) {
		c->want_out = c->out_len != 0;
		ot_loop_modify(c->srv->loop, c->watch, EPOLLIN | (c->want_out ? EPOLLOUT : 0));
	}
	return 0;
}

/* Room for len more bytes beyond what is queued and reserved; out_lock held. */
static int make_room(struct ot_conn *c, size_t len)
{
	size_t need, cap;
	uint8_t *out;

	if (c->out_off && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	need = c->out_len + c->reserved + len;
	if (need <= c->out_cap)
		return 0;
	if (c->out_off) { /* slide the unsent bytes to the front first */
		memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
		c->out_len -= c->out_off;
		c->out_off = 0;
		need = c->out_len + c->reserved + len;
		if (need <= c->out_cap)
			return 0;
	}
	if (need > c->srv->max_out) {
		c->overflowed = 1;
		return -1;
	}
	for (cap = c->out_cap ? c->out_cap : 4096; cap < need; cap *= 2)
		;
	out = ot_realloc(c->out, cap);
	if (!out)
		return -1;
	c->out = out;
	c->out_cap = cap;
	return 0;
}

/* Marks the connection for dropping from any thread: shutting the socket down wakes the loop,
 * which then reads end-of-file and drops the client there. */
static void break_locked(struct ot_conn *c)
{
	if (!c->broken) {
		c->broken = 1;
		shutdown(c->fd, SHUT_RDWR);
	}
}

static int send_locked(struct ot_conn *c, const struct ot_wire_frame *f, int reserved)
{
	uint8_t head[OT_WIRE_MAX_HEAD];
	long n = ot_wire_encode_head(head, sizeof(head), f);

	if (n < 0) {
		ot_log(OT_LOG_ERROR, "server", "%s: cannot encode %s: %s", c->who,
		       ot_wire_op_name(f->opcode), ot_wire_strerror((int)n));
		return -1;
	}
	if (c->broken)
		return -1;
	if (reserved && c->reserved >= (size_t)n + f->var_len)
		c->reserved -= (size_t)n + f->var_len;
	if (make_room(c, (size_t)n + f->var_len) < 0) {
		break_locked(c);
		return -1;
	}
	memcpy(c->out + c->out_len, head, (size_t)n);
	if (f->var_len)
		memcpy(c->out + c->out_len + n, f->var, f->var_len);
	c->out_len += (size_t)n + f->var_len;
	if (!c->want_out && !c->corked && flush_locked(c) < 0) {
		break_locked(c);
		return -1;
	}
	return 0;
}

int ot_conn_send(struct ot_conn *c, const struct ot_wire_frame *f)
{
	int rc;

	pthread_mutex_lock(&c->out_lock);
	rc = send_locked(c, f, 0);
	pthread_mutex_unlock(&c->out_lock);
	return rc;
}

/* The engine's sink: called with the engine lock held, from any thread. */
#define EVENT_FRAME_SIZE (OT_WIRE_HEADER_SIZE + 8u * OT_WIRE_EV_NFIXED)

static void sink_event(void *ctx, const struct ot_event *ev)
{
	struct ot_conn *c = ctx;
	int reply = ev->msg.dwMessageID == PHONE_REPLY;
	struct ot_wire_frame f = {
		.opcode = OT_WIRE_EVENT,
		OT_WIRE_FIELDS(ev->app_cookie, ev->msg.hDevice, ev->msg.dwMessageID,
			       ev->msg.dwCallbackInstance, ev->msg.dwParam1, ev->msg.dwParam2,
			       ev->msg.dwParam3, (uint64_t)(ev->suppressed != 0)),
	};

	pthread_mutex_lock(&c->out_lock);
	if (send_locked(c, &f, reply) < 0 && !c->broken)
		break_locked(c);
	pthread_mutex_unlock(&c->out_lock);
}

static int sink_reserve(void *ctx, uint64_t cookie)
{
	struct ot_conn *c = ctx;
	int rc;

	(void)cookie;
	pthread_mutex_lock(&c->out_lock);
	rc = c->broken ? -1 : make_room(c, EVENT_FRAME_SIZE);
	if (rc == 0)
		c->reserved += EVENT_FRAME_SIZE;
	pthread_mutex_unlock(&c->out_lock);
	return rc;
}

static void sink_unreserve(void *ctx, uint64_t cookie)
{
	struct ot_conn *c = ctx;

	(void)cookie;
	pthread_mutex_lock(&c->out_lock);
	if (c->reserved >= EVENT_FRAME_SIZE)
		c->reserved -= EVENT_FRAME_SIZE;
	pthread_mutex_unlock(&c->out_lock);
}

const struct ot_sink ot_server_sink = { sink_event, sink_reserve, sink_unreserve };

/* Reads what the socket has, with any descriptors. Returns bytes read, 0 at end of file, -1 on
 * error (EAGAIN included: nothing to read now). */
static ssize_t receive(struct ot_conn *c)
{
	char control[CMSG_SPACE(sizeof(int) * OT_SERVER_MAX_FDS)];
	struct iovec iov = { c->in + c->in_len, c->in_cap - c->in_len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *cm;
	ssize_t n;

	do
		n = recvmsg(c->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (cm = CMSG_FIRSTHDR(&msg); n >= 0 && cm; cm = CMSG_NXTHDR(&msg, cm)) {
		size_t i, count;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < count; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (c->num_fds < OT_SERVER_MAX_FDS)
				c->fds[c->num_fds++] = fd;
			else
				close(fd); /* more than any honest client sends at once */
		}
	}
	if (msg.msg_flags & MSG_CTRUNC)
		ot_log(OT_LOG_WARN, "server", "%s: descriptors truncated", c->who);
	return n;
}

/* The oldest descriptor received, or -1. */
static int take_fd(struct ot_conn *c)
{
	int fd;

	if (!c->num_fds)
		return -1;
	fd = c->fds[0];
	memmove(c->fds, c->fds + 1, --c->num_fds * sizeof(int));
	return fd;
}

/* ---- the input buffer's size ------------------------------------------------------------------
 *
 * It grows to the frame whose header has arrived (up to OT_WIRE_MAX_FRAME) and stays grown while
 * the client keeps sending: a client streaming 64 KiB frames does not pay a realloc each way per
 * frame. A periodic timer, which runs only while some buffer is grown, shrinks the buffers of
 * clients that sent nothing for a whole period, so that an idle client costs little. */

static void stop_trim(struct ot_server *srv)
{
	if (srv->trim_watch) {
		ot_loop_unwatch(srv->loop, srv->trim_watch);
		close(srv->trim_fd);
		srv->trim_watch = NULL;
	}
}

static void forget_grown(struct ot_conn *c)
{
	struct ot_server *srv = c->srv;

	if (!c->grown)
		return;
	if (c->grown_prev)
		c->grown_prev->grown_next = c->grown_next;
	else
		srv->grown = c->grown_next;
	if (c->grown_next)
		c->grown_next->grown_prev = c->grown_prev;
	c->grown = 0;
	c->grown_next = c->grown_prev = NULL;
	if (!srv->grown)
		stop_trim(srv);
}

/* Shrinks the buffer to what its unhandled bytes need, at least OT_CONN_IN_MIN; a failed
 * realloc leaves it as it was, which is harmless. */
static void shrink_input(struct ot_conn *c)
{
	long size = ot_wire_frame_size(c->in, c->in_len);
	size_t want = size > (long)OT_CONN_IN_MIN ? (size_t)size : OT_CONN_IN_MIN;
	uint8_t *in;

	if (want < c->in_len)
		want = c->in_len;
	if (want < c->in_cap && (in = ot_realloc(c->in, want))) {
		c->in = in;
		c->in_cap = want;
	}
	if (c->in_cap <= OT_CONN_IN_MIN)
		forget_grown(c);
}

static void on_trim(void *ctx, uint32_t events)
{
	struct ot_server *srv = ctx;
	struct ot_conn *c, *next;
	uint64_t ticks;

	(void)events;
	if (read(srv->trim_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		ot_log(OT_LOG_WARN, "server", "trim timer: %m");
	for (c = srv->grown; c; c = next) {
		next = c->grown_next;
		if (c->in_active)
			c->in_active = 0; /* it sent something this period: not idle yet */
		else
			shrink_input(c); /* may stop the timer: c was the last one */
	}
}

static int start_trim(struct ot_server *srv)
{
	struct itimerspec every = {
		.it_interval = { OT_CONN_TRIM_MS / 1000, (OT_CONN_TRIM_MS % 1000) * 1000000L },
	};
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);

	every.it_value = every.it_interval;
	if (fd < 0)
		return -1;
	if (timerfd_settime(fd, 0, &every, NULL) < 0 ||
	    !(srv->trim_watch = ot_loop_watch(srv->loop, fd, EPOLLIN, on_trim, srv))) {
		close(fd);
		return -1;
	}
	srv->trim_fd = fd;
	return 0;
}

/* The buffer is larger than an idle client's: keep it for now, and shrink it once the client
 * has been idle; without a timer (out of descriptors or memory) shrink it at once. */
static void keep_grown(struct ot_conn *c)
{
	struct ot_server *srv = c->srv;

	if (c->grown)
		return;
	if (!srv->trim_watch && start_trim(srv) < 0) {
		shrink_input(c);
		return;
	}
	c->grown = 1;
	c->grown_prev = NULL;
	c->grown_next = srv->grown;
	if (srv->grown)
		srv->grown->grown_prev = c;
	srv->grown = c;
}

/* Sizes the input buffer for what it must hold next: at least the frame whose header has
 * arrived. Returns -1 (and drops the client) when memory runs out. */
static int fit_input(struct ot_conn *c, size_t have)
{
	long size = ot_wire_frame_size(c->in, have);
	size_t want = size > (long)OT_CONN_IN_MIN ? (size_t)size : OT_CONN_IN_MIN;
	uint8_t *in;

	if (want > c->in_cap) {
		in = ot_realloc(c->in, want);
		if (!in) {
			ot_conn_drop(c, OT_WIRE_BYE_OVERFLOW, "out of memory for its input");
			return -1;
		}
		c->in = in;
		c->in_cap = want;
	}
	if (c->in_cap > OT_CONN_IN_MIN)
		keep_grown(c);
	return 0;
}

/* While the loop handles a batch of a client's requests, its replies and the events they cause
 * (a provider may complete inside the call) collect in the output buffer and leave in one send. */
static void cork(struct ot_conn *c, int on)
{
	pthread_mutex_lock(&c->out_lock);
	c->corked = on;
	if (!on && !c->want_out && flush_locked(c) < 0)
		break_locked(c);
	pthread_mutex_unlock(&c->out_lock);
}

/* Decodes and handles every complete frame in the input buffer. Returns -1 to drop the client. */
static int handle_input(struct ot_conn *c)
{
	size_t off = 0;
	int rc = 0;

	while (rc == 0) {
		struct ot_wire_frame f;
		long size = ot_wire_frame_size(c->in + off, c->in_len - off);
		int err, fd = -1;

		if (size == 0 || (size > 0 && (size_t)size > c->in_len - off))
			break;
		err = size < 0 ? (int)size : ot_wire_decode(c->in + off, (size_t)size,
							     OT_WIRE_TO_SERVER, 0, &f);
		if (err == 0 && (f.flags & OT_WIRE_FLAG_FD) && (fd = take_fd(c)) < 0)
			err = OT_WIRE_EFD;
		if (err) {
			char why[128];

			snprintf(why, sizeof(why), "malformed frame: %s", ot_wire_strerror(err));
			ot_conn_drop(c, OT_WIRE_BYE_PROTOCOL, why);
			return -1;
		}
		if (!c->client && f.opcode != OT_WIRE_HELLO) {
			ot_conn_drop(c, OT_WIRE_BYE_PROTOCOL, "first message must be HELLO");
			if (fd >= 0)
				close(fd);
			return -1;
		}
		rc = ot_dispatch(c, &f, fd);
		off += (size_t)size;
	}
	if (rc < 0) {
		ot_conn_drop(c, OT_WIRE_BYE_PROTOCOL, c->why[0] ? c->why : "request refused");
		return -1;
	}
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
	return fit_input(c, c->in_len);
}

/* Reads at most this many times per wake-up, so that a client that never stops sending cannot
 * keep the loop from the others (epoll reports the rest again). */
#define READS_PER_WAKEUP 8

/* Reads and handles what the client sent. While part of a frame is waiting (a large frame,
 * whose header made the buffer grow), the socket is read again at once: the rest is usually
 * there already, and waiting for epoll to say so costs a trip through the loop per frame. */
static void read_input(struct ot_conn *c)
{
	unsigned reads = 0;

	do {
		ssize_t n = receive(c);

		if (c->overflowed) {
			ot_conn_drop(c, OT_WIRE_BYE_OVERFLOW, "stopped reading its events");
			return;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && !c->broken)
			return;
		if (n <= 0 || c->broken) {
			ot_conn_drop(c, 0, NULL);
			return;
		}
		c->in_len += (size_t)n;
		c->in_active = 1;
		cork(c, 1);
		if (handle_input(c) < 0)
			return; /* dropped */
		cork(c, 0);
	} while (c->in_len && ++reads < READS_PER_WAKEUP);
}

static void on_conn(void *ctx, uint32_t events)
{
	struct ot_conn *c = ctx;

	if (events & EPOLLOUT) {
		pthread_mutex_lock(&c->out_lock);
		if (flush_locked(c) < 0)
			break_locked(c);
		pthread_mutex_unlock(&c->out_lock);
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		read_input(c);
}
