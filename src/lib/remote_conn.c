/* SPDX-License-Identifier: MIT */
/* remote_conn.c — the connection of the backend that talks to tapisrv (docs/protocol.md): its
 * life from HELLO to destroy, sending a request and waiting for its REPLY, reading, and what
 * happens when the server goes away. The operations that travel on it are remote.c's.
 *
 * One connection per process, shared by the process's apps. A caller sends its request under
 * send_lock and waits for the REPLY with its seq. Whoever holds the read token reads the socket
 * and handles every frame: REPLYs complete their calls, EVENTs go to the apps' queues. A caller
 * waiting for its REPLY takes the token itself when it is free (leader/follower), so a request
 * costs one sleep, in recv, and no thread hop; a reader thread reads while no caller does, so
 * events reach an idle app ("reading" below).
 *
 * The backend also remembers what the server would otherwise take with it when it goes away:
 * each app's open phones and outstanding request IDs. When the connection ends, every
 * outstanding request is completed with an error PHONE_REPLY, every open phone gets PHONE_CLOSE,
 * each app gets PHONE_STATE(PHONESTATE_REINIT), and later calls fail with PHONEERR_REINIT until
 * the app re-initialises (docs/server.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "copy.h"
#include "app.h"
#include "log.h"
#include "remote.h"

void ot_remote_free_phone(struct rphone *p)
{
	if (p) {
		ot_free(p->set_data_sizes);
		ot_free(p);
	}
}

/* ---- sending and waiting -------------------------------------------------------------------- */

static int send_all(int fd, const void *head, size_t head_len, const void *var, size_t var_len,
		    int pass_fd)
{
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov[2] = { { (void *)head, head_len }, { (void *)var, var_len } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = var_len ? 2 : 1 };

	if (pass_fd >= 0) {
		struct cmsghdr *cm;

		memset(control, 0, sizeof(control));
		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	}
	while (msg.msg_iovlen) {
		ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		msg.msg_control = NULL; /* the descriptor went with the first bytes */
		msg.msg_controllen = 0;
		while (msg.msg_iovlen && (size_t)n >= msg.msg_iov[0].iov_len) {
			n -= (ssize_t)msg.msg_iov[0].iov_len;
			msg.msg_iov++;
			msg.msg_iovlen--;
		}
		if (msg.msg_iovlen) {
			msg.msg_iov[0].iov_base = (char *)msg.msg_iov[0].iov_base + n;
			msg.msg_iov[0].iov_len -= (size_t)n;
		}
	}
	return 0;
}

static void await_reply(struct remote *r, struct call *call);

/* Sends f (with pass_fd unless -1) and waits for its REPLY: the result, with the reply's fixed
 * fields in call->reply and its variable bytes in out. */
static LONG transact_tracked(struct remote *r, struct ot_wire_frame *f, int pass_fd, void *out,
			     uint32_t out_cap, HPHONE track, struct call *call)
{
	uint8_t head[OT_WIRE_MAX_HEAD];
	long n;

	memset(call, 0, sizeof(*call));
	call->track = track;
	pthread_cond_init(&call->cond, NULL);
	call->out = out;
	call->out_cap = out_cap;
	call->opcode = f->opcode;
	pthread_mutex_lock(&r->lock);
	if (r->dead) {
		pthread_mutex_unlock(&r->lock);
		pthread_cond_destroy(&call->cond);
		return PHONEERR_REINIT;
	}
	call->seq = f->seq = ++r->next_seq ? r->next_seq : ++r->next_seq;
	call->next = r->calls;
	r->calls = call;
	pthread_mutex_unlock(&r->lock);

	n = ot_wire_encode_head(head, sizeof(head), f);
	pthread_mutex_lock(&r->send_lock);
	if (n < 0 || send_all(r->fd, head, (size_t)n, f->var, f->var_len, pass_fd) < 0)
		shutdown(r->fd, SHUT_RDWR); /* the next reader sees the end and fails every call */
	pthread_mutex_unlock(&r->send_lock);

	pthread_mutex_lock(&r->lock);
	await_reply(r, call);
	pthread_mutex_unlock(&r->lock);
	pthread_cond_destroy(&call->cond);
	return call->result;
}

static LONG transact(struct remote *r, struct ot_wire_frame *f, int pass_fd, void *out,
		     uint32_t out_cap, struct call *call)
{
	return transact_tracked(r, f, pass_fd, out, out_cap, 0, call);
}

LONG ot_remote_transact(struct remote *r, struct ot_wire_frame *f, int pass_fd, void *out,
			uint32_t out_cap, struct call *call)
{
	return transact_tracked(r, f, pass_fd, out, out_cap, 0, call);
}

/* ---- what the reader does -------------------------------------------------------------------- */

static struct call *take_call(struct remote *r, uint32_t seq)
{
	struct call **p;

	for (p = &r->calls; *p; p = &(*p)->next) {
		if ((*p)->seq == seq) {
			struct call *c = *p;

			*p = c->next;
			return c;
		}
	}
	return NULL;
}

static void finish(struct call *c, LONG result)
{
	c->result = result;
	c->done = 1;
	pthread_cond_signal(&c->cond);
}

/* Request IDs the app may still hear about. lock held. */
static void note_reply(struct rapp *a, DWORD id)
{
	if (!ot_map_remove(&a->outstanding, id))
		ot_map_put(&a->early, id, (void *)1); /* the ID's own REPLY comes next */
}

static void note_request(struct remote *r, HPHONE phone, LONG id)
{
	struct rphone *p = ot_map_get(&r->phones, phone);
	struct rapp *a = p ? ot_map_get(&r->apps, p->app_id) : NULL;

	if (!a || id <= 0)
		return;
	if (!ot_map_remove(&a->early, (uint32_t)id) &&
	    ot_map_put(&a->outstanding, (uint32_t)id, (void *)(uintptr_t)phone) < 0)
		ot_log(OT_LOG_WARN, "lib", "out of memory: request %d not tracked", (int)id);
}

static void on_reply(struct remote *r, const uint8_t *buf, size_t len)
{
	struct ot_wire_frame f;
	struct call *c;
	int err;

	pthread_mutex_lock(&r->lock);
	c = take_call(r, ot_wire_peek_seq(buf));
	err = c ? ot_wire_decode(buf, len, OT_WIRE_TO_CLIENT, c->opcode, &f) : OT_WIRE_ESEQ;
	if (err) {
		ot_log(OT_LOG_WARN, "lib", "bad reply from the server: %s", ot_wire_strerror(err));
		if (c)
			finish(c, PHONEERR_OPERATIONFAILED);
		pthread_mutex_unlock(&r->lock);
		return;
	}
	c->reply = f;
	c->reply.var = NULL; /* the bytes are the reader's: what the caller wants is in out */
	c->out_len = f.var_len < c->out_cap ? f.var_len : c->out_cap;
	if (c->out_len)
		ot_copy(c->out, f.var, c->out_len);
	/* A request ID names an outstanding request from now on (unless its reply came first):
	 * recorded here, in stream order, not by the caller after it wakes up. */
	if (c->track)
		note_request(r, c->track, ot_wire_to_long(f.fixed[OT_WIRE_RESULT]));
	finish(c, ot_wire_to_long(f.fixed[OT_WIRE_RESULT]));
	pthread_mutex_unlock(&r->lock);
}

static void on_event(struct remote *r, const struct ot_wire_frame *f)
{
	PHONEMESSAGE msg = { 0 };
	struct rapp *a;
	uint64_t cookie = 0;

	msg.hDevice = (DWORD)f->fixed[OT_WIRE_EV_HDEVICE];
	msg.dwMessageID = (DWORD)f->fixed[OT_WIRE_EV_MESSAGE];
	msg.dwCallbackInstance = (DWORD_PTR)f->fixed[OT_WIRE_EV_INSTANCE];
	msg.dwParam1 = (DWORD_PTR)f->fixed[OT_WIRE_EV_PARAM1];
	msg.dwParam2 = (DWORD_PTR)f->fixed[OT_WIRE_EV_PARAM2];
	msg.dwParam3 = (DWORD_PTR)f->fixed[OT_WIRE_EV_PARAM3];
	pthread_mutex_lock(&r->lock);
	a = f->fixed[OT_WIRE_EV_COOKIE] <= UINT32_MAX
		    ? ot_map_get(&r->apps, (uint32_t)f->fixed[OT_WIRE_EV_COOKIE]) : NULL;
	if (a) {
		cookie = a->cookie;
		if (msg.dwMessageID == PHONE_REPLY) {
			note_reply(a, (DWORD)msg.dwParam1);
			ot_remote_shm_on_reply(r, (uint32_t)f->fixed[OT_WIRE_EV_COOKIE],
					       (DWORD)msg.dwParam1, (LONG)(DWORD)msg.dwParam2);
		}
		if (msg.dwMessageID == PHONE_CLOSE)
			ot_remote_free_phone(ot_map_remove(&r->phones, msg.hDevice));
	}
	pthread_mutex_unlock(&r->lock);
	/* The app exists until its APP_FREE has been answered, which comes after this event. */
	if (a)
		ot_lib_deliver(cookie, &msg, (int)f->fixed[OT_WIRE_EV_SUPPRESSED]);
}

struct pending {
	uint64_t order; /* the request ID, past 0x7FFFFFFF when the counter wrapped */
	uint32_t id;
	HPHONE phone;
};

static int by_order(const void *x, const void *y)
{
	const struct pending *a = x, *b = y;

	return a->order < b->order ? -1 : a->order > b->order;
}

/* PHONE_REPLY(OPERATIONFAILED) for request id if its phone is still open; a request of a
 * closed handle stays suppressed. lock held. */
static void fail_request(struct remote *r, struct rapp *a, uint32_t id, HPHONE phone)
{
	struct rphone *p = ot_map_get(&r->phones, phone);
	PHONEMESSAGE msg;

	if (!p)
		return;
	msg = (PHONEMESSAGE){ 0, PHONE_REPLY, p->instance, id,
			      (DWORD_PTR)(DWORD)PHONEERR_OPERATIONFAILED, 0 };
	ot_lib_deliver(a->cookie, &msg, 0);
}

/* Completes the app's outstanding requests in the order they were issued: request IDs ascend,
 * and a set spanning more than half the ID space has wrapped past 0x7FFFFFFF. lock held. */
static void fail_outstanding(struct remote *r, struct rapp *a)
{
	size_t n = 0, i = 0, k = 0;
	uint32_t key, low = UINT32_MAX, high = 0;
	struct pending *list;
	void *v;

	while (ot_map_next(&a->outstanding, &i, &key)) {
		n++;
		low = key < low ? key : low;
		high = key > high ? key : high;
	}
	list = ot_malloc((n ? n : 1) * sizeof(*list));
	for (i = 0; (v = ot_map_next(&a->outstanding, &i, &key));) {
		if (!list) { /* out of memory: every reply still comes, in no particular order */
			fail_request(r, a, key, (HPHONE)(uintptr_t)v);
			continue;
		}
		list[k].order = key;
		if (high - low > 0x40000000u && key < 0x40000000u)
			list[k].order += 0x80000000ull;
		list[k].id = key;
		list[k++].phone = (HPHONE)(uintptr_t)v;
	}
	if (!list)
		return;
	qsort(list, k, sizeof(*list), by_order);
	for (i = 0; i < k; i++)
		fail_request(r, a, list[i].id, list[i].phone);
	ot_free(list);
}

/* The server is gone: tell every waiting caller and every app. */
static void server_gone(struct remote *r)
{
	struct rapp *a;
	size_t cursor = 0;

	pthread_mutex_lock(&r->lock);
	r->dead = 1;
	pthread_cond_signal(&r->reader_cond); /* it ends, whichever thread read the end */
	while (r->calls)
		finish(take_call(r, r->calls->seq), PHONEERR_REINIT);
	while ((a = ot_map_next(&r->apps, &cursor, NULL))) {
		PHONEMESSAGE msg = { 0 };
		struct rphone *p;
		size_t i = 0;
		uint32_t key;

		/* Outstanding requests whose phone is still open complete with an error, in issue
		 * order; those of closed handles stay suppressed. */
		fail_outstanding(r, a);
		while ((p = ot_map_next(&r->phones, &i, &key))) {
			if (ot_map_get(&r->apps, p->app_id) != a)
				continue;
			msg = (PHONEMESSAGE){ key, PHONE_CLOSE, p->instance, 0, 0, 0 };
			ot_lib_deliver(a->cookie, &msg, 0);
		}
		msg = (PHONEMESSAGE){ 0, PHONE_STATE, 0, PHONESTATE_REINIT, 0, 0 };
		ot_lib_deliver(a->cookie, &msg, 0);
	}
	pthread_mutex_unlock(&r->lock);
}

static void on_goodbye(const struct ot_wire_frame *f)
{
	const char *why = ot_wire_text(f);

	if (f->fixed[0] == OT_WIRE_BYE_SHUTDOWN)
		ot_log(OT_LOG_INFO, "lib", "tapisrv is shutting down");
	else
		ot_log(OT_LOG_WARN, "lib", "tapisrv closed the connection: %s", *why ? why : "?");
}

/* ---- reading ---------------------------------------------------------------------------------
 *
 * One thread at a time holds the read token (r->token, under lock) and with it r->in: it reads
 * the socket and handles every frame through on_reply() and on_event(). A caller waiting for its
 * REPLY takes the token when it is free and reads until its call is answered (the leader);
 * callers that find the token taken sleep on their call's condition variable (followers) until
 * their REPLY is handled or the token is handed to them. The reader thread takes the token only
 * while no caller holds it, to deliver events to apps that make no calls; while callers keep
 * making requests it stands by, off the socket, so that it does not wake up with every REPLY.
 * Whoever reads the end of the connection runs server_gone(), which answers every call.
 */

/* How long after a caller gave the token back the reader thread still leaves the socket to the
 * next caller, when no PHONE_REPLY is owed. An event arriving for an otherwise idle app just
 * after a call waits at most this long; an app making calls more often than this never wakes
 * the reader thread, whose timed wait then costs one wake-up per period. */
#define LINGER_NS 1000000ull

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* A frame of the server: 0, or -1 when it cannot be decoded (the connection is unusable). */
static int handle_frame(struct remote *r, const uint8_t *buf, size_t size)
{
	struct ot_wire_frame f;

	if (ot_wire_peek_opcode(buf) == OT_WIRE_REPLY) {
		on_reply(r, buf, size);
		return 0;
	}
	if (ot_wire_decode(buf, size, OT_WIRE_TO_CLIENT, 0, &f) != 0)
		return -1;
	if (f.opcode == OT_WIRE_EVENT)
		on_event(r, &f);
	else
		on_goodbye(&f);
	return 0;
}

/* One recv (flags: 0 or MSG_DONTWAIT) into r->in, then every complete frame there handled. The
 * token holder only, without lock. Returns 1 after progress, 0 when nothing was there to read,
 * -1 when the connection is over (server_gone() has run: every call is answered). */
static int read_frames(struct remote *r, int flags)
{
	size_t off = 0;
	ssize_t n;

	do
		n = recv(r->fd, r->in + r->in_len, OT_WIRE_MAX_FRAME - r->in_len, flags);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n <= 0)
		goto gone;
	r->in_len += (size_t)n;
	for (;;) {
		long size = ot_wire_frame_size(r->in + off, r->in_len - off);

		if (size == 0 || (size > 0 && (size_t)size > r->in_len - off))
			break; /* the rest of the frame is still on its way (a frame fits in r->in) */
		if (size < 0 || handle_frame(r, r->in + off, (size_t)size) < 0)
			goto gone;
		off += (size_t)size;
	}
	memmove(r->in, r->in + off, r->in_len - off);
	r->in_len -= off;
	return 1;
gone:
	server_gone(r);
	return -1;
}

/* Whether some app still expects a PHONE_REPLY (a request whose reply comes after its REPLY,
 * from a provider completing later). lock held. */
static int replies_owed(struct remote *r)
{
	struct rapp *a;
	size_t cursor = 0;

	while ((a = ot_map_next(&r->apps, &cursor, NULL)))
		if (a->outstanding.count)
			return 1;
	return 0;
}

/* The token has just become free: a sleeping follower takes it over; with none, the reader
 * thread stops standing by if a PHONE_REPLY is owed, so that it arrives without delay. lock held. */
static void pass_token(struct remote *r)
{
	struct call *c;

	for (c = r->calls; c; c = c->next) {
		if (c->waiting) {
			c->waiting = 0; /* the next pass picks another one */
			pthread_cond_signal(&c->cond);
			return;
		}
	}
	if (r->reader_standby && replies_owed(r))
		pthread_cond_signal(&r->reader_cond);
}

/* Until call is answered, the calling thread reads the socket for everyone (leader), or sleeps
 * while another thread does (follower). lock held; released while reading. */
static void await_reply(struct remote *r, struct call *call)
{
	int led = 0;

	while (!call->done) {
		if (r->token) {
			call->waiting = 1;
			pthread_cond_wait(&call->cond, &r->lock);
			call->waiting = 0;
			continue;
		}
		r->token = 1;
		led = 1;
		do {
			pthread_mutex_unlock(&r->lock);
			read_frames(r, 0); /* at the end, server_gone() answered this call too */
			pthread_mutex_lock(&r->lock);
		} while (!call->done);
		r->token = 0;
	}
	if (led)
		r->last_lead_ns = now_ns();
	/* Also when this call was answered by another reader: a follower it promoted may have
	 * been this thread, which then must hand the promotion on. */
	if (!r->token)
		pass_token(r);
}

/* Whether the reader thread should keep off the socket, and if so waits (at most until the
 * situation may have changed). lock held. Returns 1 when it waited. */
static int stand_by(struct remote *r)
{
	uint64_t now = now_ns(), until;
	struct timespec t;

	if (r->token)
		until = now + LINGER_NS;
	else if (now < r->last_lead_ns + LINGER_NS && !replies_owed(r))
		until = r->last_lead_ns + LINGER_NS;
	else
		return 0;
	t.tv_sec = (time_t)(until / 1000000000ull);
	t.tv_nsec = (long)(until % 1000000000ull);
	r->reader_standby = 1;
	pthread_cond_timedwait(&r->reader_cond, &r->lock, &t);
	r->reader_standby = 0;
	return 1;
}

static void wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	poll(&p, 1, -1); /* EINTR or an error: the caller looks again */
}

/* The reader thread: reads whatever arrives while no caller reads. */
static void *reader(void *arg)
{
	struct remote *r = arg;

	pthread_mutex_lock(&r->lock);
	while (!r->dead && !r->stopping) {
		if (stand_by(r))
			continue;
		pthread_mutex_unlock(&r->lock);
		wait_readable(r->fd);
		pthread_mutex_lock(&r->lock);
		if (r->token || r->dead || r->stopping)
			continue; /* a caller reads (or took what woke us up) */
		r->token = 1;
		pthread_mutex_unlock(&r->lock);
		/* MSG_DONTWAIT: a leader may have taken the bytes poll() saw; the token must not
		 * be held in a blocking recv by a thread that waits for nothing. */
		read_frames(r, MSG_DONTWAIT);
		pthread_mutex_lock(&r->lock);
		r->token = 0;
		pass_token(r);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* The app cookie of an open phone, or 0. */
static uint64_t phone_cookie(struct remote *r, HPHONE phone)
{
	struct rphone *p;
	struct rapp *a = NULL;

	pthread_mutex_lock(&r->lock);
	p = ot_map_get(&r->phones, phone);
	if (p)
		a = ot_map_get(&r->apps, p->app_id);
	pthread_mutex_unlock(&r->lock);
	return a ? a->cookie : 0;
}

LONG ot_remote_async(struct remote *r, HPHONE phone, struct ot_wire_frame *f, int pass_fd)
{
	uint64_t cookie = phone_cookie(r, phone);
	struct call c;
	LONG rc;

	if (!cookie) /* not a phone of ours: let the server say so */
		return transact(r, f, pass_fd, NULL, 0, &c);
	if (ot_lib_reserve_reply(cookie) < 0)
		return PHONEERR_NOMEM;
	rc = transact_tracked(r, f, pass_fd, NULL, 0, phone, &c);
	if (rc <= 0)
		ot_lib_unreserve_reply(cookie);
	return rc;
}

/* ---- connecting ----------------------------------------------------------------------------- */

int ot_remote_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

void ot_remote_free_app(struct rapp *a)
{
	ot_map_free(&a->outstanding);
	ot_map_free(&a->early);
	ot_free(a);
}

void ot_remote_destroy(struct ot_backend *b)
{
	struct remote *r = from(b);
	struct rphone *p;
	struct rapp *a;
	size_t i = 0;

	pthread_mutex_lock(&r->lock);
	r->stopping = 1;
	pthread_cond_signal(&r->reader_cond);
	pthread_mutex_unlock(&r->lock);
	shutdown(r->fd, SHUT_RDWR); /* out of poll() */
	pthread_join(r->reader, NULL);
	close(r->fd);
	while ((a = ot_map_next(&r->apps, &i, NULL)))
		ot_remote_free_app(a);
	i = 0;
	while ((p = ot_map_next(&r->phones, &i, NULL)))
		ot_remote_free_phone(p);
	ot_map_free(&r->apps);
	ot_map_free(&r->phones);
	ot_remote_shm_free(r);
	pthread_cond_destroy(&r->reader_cond);
	pthread_mutex_destroy(&r->lock);
	pthread_mutex_destroy(&r->send_lock);
	ot_free(r->in);
	ot_free(r);
}

LONG ot_remote_create(int fd, struct ot_backend **out)
{
	struct remote *r = ot_calloc(1, sizeof(*r));
	struct ot_wire_frame f = REQUEST(hello, .magic = OT_WIRE_MAGIC,
					 .proto_version = OT_WIRE_PROTO_VERSION,
					 .client_pid = (uint64_t)getpid());
	char why[OT_WIRE_TEXT_MAX] = "";
	struct call c;
	LONG rc;

	pthread_condattr_t attr;

	if (!r || !(r->in = ot_malloc(OT_WIRE_MAX_FRAME))) {
		ot_free(r);
		close(fd);
		return PHONEERR_NOMEM;
	}
	r->base.ops = &ot_remote_ops;
	r->fd = fd;
	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->send_lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* stand_by()'s deadlines */
	pthread_cond_init(&r->reader_cond, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&r->reader, NULL, reader, r) != 0) {
		close(fd);
		pthread_cond_destroy(&r->reader_cond);
		pthread_mutex_destroy(&r->lock);
		pthread_mutex_destroy(&r->send_lock);
		ot_free(r->in);
		ot_free(r);
		return PHONEERR_RESOURCEUNAVAIL;
	}
	rc = transact(r, &f, -1, why, sizeof(why) - 1, &c);
	if (rc) {
		ot_log(OT_LOG_ERROR, "lib", "tapisrv refused the connection: %s",
		       why[0] ? why : "no reason given");
		ot_remote_destroy(&r->base);
		return rc == (LONG)PHONEERR_REINIT ? (LONG)PHONEERR_SERVICE_NOT_RUNNING : rc;
	}
	*out = &r->base;
	return 0;
}
