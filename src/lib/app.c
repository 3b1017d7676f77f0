/* SPDX-License-Identifier: MIT */
/* app.c — see app.h.
 *
 * Every app has a ring of PHONEMESSAGEs. A request's PHONE_REPLY has its room reserved when the
 * request is accepted (ot_lib_reserve_reply), so the reply is never lost to a failed allocation;
 * other messages grow the ring as needed and are dropped, with a log line, only when memory runs
 * out.
 */
#define _GNU_SOURCE
#include "app.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "handles.h"
#include "log.h"

struct record {
	DWORD key;
	PHONEMESSAGE msg;
} __attribute__((packed));

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ot_handles table;

static struct ot_lib_app *from_cookie(uint64_t cookie)
{
	return (struct ot_lib_app *)(uintptr_t)cookie;
}

/* How the dispatch thread writes to a completion descriptor without ever blocking in write(),
 * whatever the application does with it: a pipe gets a non-blocking open file description of
 * our own (the application's flags stay as they are), a socket send(MSG_DONTWAIT); anything
 * else (a file) does not block. Plus the eventfd that wakes the thread at phoneShutdown. */
static int open_port(struct ot_lib_app *a)
{
	struct stat st;
	char path[40];

	if (fstat(a->port_fd, &st) < 0)
		return -1;
	a->port_is_socket = S_ISSOCK(st.st_mode);
	if (S_ISFIFO(st.st_mode)) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", a->port_fd);
		a->port_nb = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (a->port_nb < 0)
			return -1;
	}
	a->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (a->wake_fd < 0) {
		if (a->port_nb >= 0)
			close(a->port_nb);
		return -1;
	}
	return 0;
}

LONG ot_lib_app_create(DWORD options, PHONECALLBACK callback, int port_fd, DWORD completion_key,
		       struct ot_lib_app **out)
{
	struct ot_lib_app *a = ot_calloc(1, sizeof(*a));
	pthread_condattr_t attr;

	if (!a)
		return PHONEERR_NOMEM;
	atomic_init(&a->refs, 1);
	a->options = options;
	a->callback = callback;
	a->port_fd = port_fd;
	a->completion_key = completion_key;
	a->event_fd = a->wake_fd = a->port_nb = -1;
	if (options == PHONEINITIALIZEEXOPTION_USEEVENT) {
		a->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (a->event_fd < 0) {
			ot_free(a);
			return errno == ENOMEM ? PHONEERR_NOMEM : PHONEERR_RESOURCEUNAVAIL;
		}
	}
	if (options == PHONEINITIALIZEEXOPTION_USECOMPLETIONPORT && open_port(a) < 0) {
		ot_free(a);
		return errno == ENOMEM ? PHONEERR_NOMEM : PHONEERR_RESOURCEUNAVAIL;
	}
	pthread_mutex_init(&a->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&a->cond, &attr);
	pthread_condattr_destroy(&attr);
	*out = a;
	return 0;
}

static void destroy(struct ot_lib_app *a)
{
	if (a->event_fd >= 0)
		close(a->event_fd);
	if (a->wake_fd >= 0)
		close(a->wake_fd);
	if (a->port_nb >= 0)
		close(a->port_nb);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cond);
	ot_free(a->ring);
	ot_free(a);
}

LONG ot_lib_app_publish(struct ot_lib_app *a)
{
	int rc;

	pthread_mutex_lock(&table_lock);
	rc = ot_handles_add(&table, a, &a->h);
	if (rc == 0)
		a->refs++;
	pthread_mutex_unlock(&table_lock);
	return rc ? PHONEERR_NOMEM : 0;
}

struct ot_lib_app *ot_lib_app_get(HPHONEAPP h)
{
	struct ot_lib_app *a;

	pthread_mutex_lock(&table_lock);
	a = ot_handles_get(&table, h);
	if (a)
		a->refs++;
	pthread_mutex_unlock(&table_lock);
	return a;
}

struct ot_lib_app *ot_lib_app_unpublish(HPHONEAPP h)
{
	struct ot_lib_app *a;

	pthread_mutex_lock(&table_lock);
	a = ot_handles_remove(&table, h); /* the table's reference passes to the caller */
	if (table.count == 0)
		ot_handles_free(&table);
	pthread_mutex_unlock(&table_lock);
	return a;
}

void ot_lib_app_put(struct ot_lib_app *a)
{
	if (atomic_fetch_sub(&a->refs, 1) == 1)
		destroy(a);
}

unsigned ot_lib_app_count(void)
{
	unsigned n;

	pthread_mutex_lock(&table_lock);
	n = table.count;
	pthread_mutex_unlock(&table_lock);
	return n;
}

/* Makes room for `extra` more messages beyond those queued and promised; a->lock held. */
static int ring_reserve(struct ot_lib_app *a, size_t extra)
{
	size_t need = a->count + a->promised + extra, cap, i;
	PHONEMESSAGE *ring;

	if (need <= a->cap)
		return 0;
	cap = a->cap ? a->cap : 16;
	while (cap < need)
		cap *= 2;
	ring = ot_malloc(cap * sizeof(*ring));
	if (!ring)
		return -1;
	for (i = 0; i < a->count; i++)
		ring[i] = a->ring[(a->head + i) % a->cap];
	ot_free(a->ring);
	a->ring = ring;
	a->cap = cap;
	a->head = 0;
	return 0;
}

static void signal_event_fd(struct ot_lib_app *a)
{
	uint64_t one = 1;

	if (a->event_fd >= 0 && write(a->event_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		ot_log(OT_LOG_WARN, "lib", "event descriptor: %m");
}

static void drain_event_fd(struct ot_lib_app *a)
{
	uint64_t n;

	if (a->event_fd >= 0 && read(a->event_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		ot_log(OT_LOG_WARN, "lib", "event descriptor: %m");
}

/* Appends msg; a->lock held and room guaranteed. */
static void push(struct ot_lib_app *a, const PHONEMESSAGE *msg)
{
	a->ring[(a->head + a->count) % a->cap] = *msg;
	if (a->count++ == 0) {
		signal_event_fd(a);
		pthread_cond_signal(&a->cond);
	}
}

static PHONEMESSAGE pop(struct ot_lib_app *a)
{
	PHONEMESSAGE msg = a->ring[a->head];

	a->head = (a->head + 1) % a->cap;
	if (--a->count == 0)
		drain_event_fd(a);
	return msg;
}

void ot_lib_deliver(uint64_t cookie, const PHONEMESSAGE *msg, int suppressed_reply)
{
	struct ot_lib_app *a = from_cookie(cookie);
	int reply = msg->dwMessageID == PHONE_REPLY;

	pthread_mutex_lock(&a->lock);
	if (reply && a->promised)
		a->promised--;
	if (suppressed_reply || a->closing) {
		/* phoneClose or phoneShutdown: nobody may hear it any more. */
	} else if ((reply && a->count < a->cap) || ring_reserve(a, 1) == 0) {
		push(a, msg);
	} else {
		ot_log(OT_LOG_WARN, "lib", "out of memory: message %u for app %u dropped",
		       (unsigned)msg->dwMessageID, (unsigned)a->h);
	}
	pthread_mutex_unlock(&a->lock);
}

int ot_lib_reserve_reply(uint64_t cookie)
{
	struct ot_lib_app *a = from_cookie(cookie);
	int rc;

	pthread_mutex_lock(&a->lock);
	rc = ring_reserve(a, 1);
	if (rc == 0)
		a->promised++;
	pthread_mutex_unlock(&a->lock);
	return rc;
}

void ot_lib_unreserve_reply(uint64_t cookie)
{
	struct ot_lib_app *a = from_cookie(cookie);

	pthread_mutex_lock(&a->lock);
	if (a->promised)
		a->promised--;
	pthread_mutex_unlock(&a->lock);
}

static struct timespec deadline_after(DWORD ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

LONG ot_lib_app_get_message(struct ot_lib_app *a, PHONEMESSAGE *msg, DWORD timeout)
{
	struct timespec deadline = deadline_after(timeout == INFINITE ? 0 : timeout);
	LONG rc = 0;

	pthread_mutex_lock(&a->lock);
	while (a->count == 0 && !a->closing && rc == 0) {
		if (timeout == 0)
			rc = PHONEERR_OPERATIONFAILED;
		else if (timeout == INFINITE)
			pthread_cond_wait(&a->cond, &a->lock);
		else if (pthread_cond_timedwait(&a->cond, &a->lock, &deadline) == ETIMEDOUT)
			rc = a->count ? 0 : PHONEERR_OPERATIONFAILED;
	}
	if (a->closing)
		rc = PHONEERR_INVALAPPHANDLE;
	else if (rc == 0)
		*msg = pop(a);
	pthread_mutex_unlock(&a->lock);
	return rc;
}

/* Writes one completion record, whole (44 bytes: a pipe never splits a write up to PIPE_BUF).
 * While the application has not made room for it, waits for room or for phoneShutdown, which
 * drops it like every message still queued then. */
static void post_record(struct ot_lib_app *a, const PHONEMESSAGE *msg)
{
	struct record rec = { a->completion_key, *msg };
	struct pollfd room[2] = { { a->port_fd, POLLOUT, 0 }, { a->wake_fd, POLLIN, 0 } };
	ssize_t n;

	for (;;) {
		if (a->port_is_socket)
			n = send(a->port_fd, &rec, sizeof(rec), MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			n = write(a->port_nb >= 0 ? a->port_nb : a->port_fd, &rec, sizeof(rec));
		if (n >= 0 || (errno != EINTR && errno != EAGAIN))
			break;
		if (errno == EAGAIN && (poll(room, 2, -1) < 0 ? errno != EINTR : room[1].revents != 0))
			return; /* phoneShutdown (or poll failed: nothing to wait with) */
	}
	if (n != (ssize_t)sizeof(rec))
		ot_log(OT_LOG_WARN, "lib", "completion descriptor %d: message %u lost: %s",
		       a->port_fd, (unsigned)msg->dwMessageID, n < 0 ? "write failed" : "short write");
}

/* The dispatch thread: one message at a time, in order, outside every lock. */
static void *dispatch(void *arg)
{
	struct ot_lib_app *a = arg;
	sigset_t pipe_signal;

	/* A completion descriptor whose reader is gone must cost a message, not the process. */
	sigemptyset(&pipe_signal);
	sigaddset(&pipe_signal, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_signal, NULL);

	pthread_mutex_lock(&a->lock);
	for (;;) {
		PHONEMESSAGE msg;

		while (a->count == 0 && !a->closing)
			pthread_cond_wait(&a->cond, &a->lock);
		if (a->closing)
			break;
		msg = pop(a);
		pthread_mutex_unlock(&a->lock);
		if (a->options == PHONEINITIALIZEEXOPTION_USECOMPLETIONPORT)
			post_record(a, &msg);
		else
			a->callback(msg.hDevice, msg.dwMessageID, msg.dwCallbackInstance,
				    msg.dwParam1, msg.dwParam2, msg.dwParam3);
		pthread_mutex_lock(&a->lock);
	}
	pthread_mutex_unlock(&a->lock);
	ot_lib_app_put(a);
	return NULL;
}

LONG ot_lib_app_start(struct ot_lib_app *a)
{
	if (a->options == PHONEINITIALIZEEXOPTION_USEEVENT)
		return 0;
	a->refs++; /* the thread's (the caller holds one: it cannot reach 0 meanwhile) */
	if (pthread_create(&a->thread, NULL, dispatch, a) != 0) {
		ot_lib_app_put(a);
		return PHONEERR_RESOURCEUNAVAIL;
	}
	a->has_thread = 1;
	return 0;
}

void ot_lib_app_close(struct ot_lib_app *a)
{
	uint64_t one = 1;

	pthread_mutex_lock(&a->lock);
	a->closing = 1;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	if (a->wake_fd >= 0 && write(a->wake_fd, &one, sizeof(one)) < 0)
		ot_log(OT_LOG_WARN, "lib", "wake-up descriptor: %m");
	if (!a->has_thread)
		return;
	/* phoneShutdown from the app's own callback: the thread ends when the callback returns. */
	if (pthread_equal(a->thread, pthread_self()))
		pthread_detach(a->thread);
	else
		pthread_join(a->thread, NULL);
	a->has_thread = 0;
}
