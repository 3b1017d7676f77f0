/* SPDX-License-Identifier: MIT */
/* rawclient.c — see rawclient.h. */
#define _GNU_SOURCE
#include "rawclient.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <tapi.h>

int raw_connect_fd(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%.100s", path);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

int raw_open(struct raw *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	r->fd = raw_connect_fd(path);
	if (r->fd < 0)
		return r->fd;
	r->buf = malloc(OT_WIRE_MAX_FRAME);
	if (!r->buf) {
		close(r->fd);
		r->fd = -1;
		return -ENOMEM;
	}
	return 0;
}

void raw_close(struct raw *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	free(r->buf);
	r->buf = NULL;
}

int raw_send_bytes(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int raw_send_frame(int sock, const struct ot_wire_frame *f, int fd)
{
	static uint8_t out[OT_WIRE_MAX_FRAME];
	long n = ot_wire_encode(out, sizeof(out), f);
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { out, 0 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t sent;

	if (n < 0)
		return -EINVAL;
	iov.iov_len = (size_t)n;
	if (fd >= 0) {
		struct cmsghdr *cm;

		memset(control, 0, sizeof(control));
		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	do
		sent = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return -errno;
	return raw_send_bytes(sock, out + sent, (size_t)n - (size_t)sent);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads one whole frame into r->buf (r->have bytes from its start). 1: a frame is there;
 * 0: end of file or error; 2: timeout. */
static int read_frame(struct raw *r, long deadline)
{
	for (;;) {
		long size = ot_wire_frame_size(r->buf, r->have);
		struct pollfd p = { r->fd, POLLIN, 0 };
		long left = deadline - now_ms();
		ssize_t n;

		if (size < 0)
			return 0;
		if (size > 0 && (size_t)size <= r->have)
			return 1;
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return 2;
		n = recv(r->fd, r->buf + r->have, OT_WIRE_MAX_FRAME - r->have, 0);
		if (n <= 0)
			return 0;
		r->have += (size_t)n;
	}
}

static void consume(struct raw *r)
{
	long size = ot_wire_frame_size(r->buf, r->have);

	memmove(r->buf, r->buf + size, r->have - (size_t)size);
	r->have -= (size_t)size;
}

static int handle_unsolicited(struct raw *r)
{
	struct ot_wire_frame f;
	uint16_t op = ot_wire_peek_opcode(r->buf);

	if (op == OT_WIRE_EVENT) {
		r->events++;
	} else if (op == OT_WIRE_GOODBYE) {
		long size = ot_wire_frame_size(r->buf, r->have);

		if (ot_wire_decode(r->buf, (size_t)size, OT_WIRE_TO_CLIENT, 0, &f) == 0)
			r->goodbye = (int)f.fixed[0];
	} else {
		return 0;
	}
	consume(r);
	return 1;
}

long raw_call(struct raw *r, struct ot_wire_frame *req, int fd, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	struct ot_wire_frame f;

	if (++r->seq == 0)
		r->seq = 1;
	req->seq = r->seq;
	if (raw_send_frame(r->fd, req, fd) < 0)
		return 1;
	for (;;) {
		int rc = read_frame(r, deadline);
		long size;

		if (rc != 1)
			return rc == 2 ? 2 : 1;
		if (handle_unsolicited(r))
			continue;
		size = ot_wire_frame_size(r->buf, r->have);
		if (ot_wire_peek_seq(r->buf) != req->seq ||
		    ot_wire_decode(r->buf, (size_t)size, OT_WIRE_TO_CLIENT, req->opcode, &f) != 0) {
			consume(r); /* not ours (or not decodable): skip it */
			continue;
		}
		memcpy(r->reply, f.fixed, sizeof(r->reply));
		r->var_len = f.var_len;
		if (f.var_len)
			memcpy(r->var, f.var, f.var_len);
		consume(r);
		return ot_wire_to_long(r->reply[OT_WIRE_RESULT]);
	}
}

long raw_hello(struct raw *r)
{
	struct ot_wire_frame f = { .opcode = OT_WIRE_HELLO,
				   OT_WIRE_FIELDS(OT_WIRE_MAGIC, OT_WIRE_PROTO_VERSION,
						  (uint64_t)getpid()) };

	return raw_call(r, &f, -1, 5000);
}

long raw_app_new(struct raw *r, const char *name, uint64_t cookie, uint32_t *app)
{
	struct ot_wire_frame f = { .opcode = OT_WIRE_APP_NEW, OT_WIRE_FIELDS(0x00020002, cookie) };
	long rc;

	f.var = (const uint8_t *)name;
	f.var_len = (uint32_t)strlen(name) + 1;
	rc = raw_call(r, &f, -1, 5000);
	*app = rc == 0 ? (uint32_t)r->reply[1] : 0;
	return rc;
}

long raw_open_phone(struct raw *r, uint32_t app, uint32_t dev, uint32_t privilege,
		    uint32_t *phone)
{
	struct ot_wire_frame f = { .opcode = OT_WIRE_OPEN,
				   OT_WIRE_FIELDS(app, dev, 0x00020002, 0, 0x1234, privilege) };
	long rc = raw_call(r, &f, -1, 5000);

	*phone = rc == 0 ? (uint32_t)r->reply[1] : 0;
	return rc;
}

int raw_drain(struct raw *r, int timeout_ms)
{
	long deadline = now_ms() + timeout_ms;

	for (;;) {
		int rc = read_frame(r, deadline);

		if (rc == 0)
			return 1;
		if (rc == 2)
			return 0;
		if (!handle_unsolicited(r))
			consume(r);
	}
}

int raw_flood_once(const char *socket, enum raw_flood_kind kind, int ready_fd,
		   unsigned give_up_ms)
{
	static struct raw r; /* big: not on the stack */
	const int big = kind == RAW_FLOOD_BIG_READS;
	uint32_t app, phone, sent = 0;
	uint8_t buf[OT_WIRE_MAX_HEAD + 16];
	struct ot_wire_frame f;
	long n, end = now_ms() + (long)give_up_ms;
	int rc = 1;

	if (raw_open(&r, socket) < 0 || raw_hello(&r) != 0 ||
	    raw_app_new(&r, "flooder", 1, &app) != 0 ||
	    raw_open_phone(&r, app, big ? 0 : 1, big ? PHONEPRIVILEGE_MONITOR : PHONEPRIVILEGE_OWNER,
			   &phone) != 0) {
		raw_close(&r);
		return -1;
	}
	if (ready_fd >= 0 && write(ready_fd, "r", 1) != 1) {
		raw_close(&r);
		return -2;
	}
	f = big ? (struct ot_wire_frame){ .opcode = OT_WIRE_GET_DATA, .seq = 1,
					  OT_WIRE_FIELDS(phone, 1, 65536) }
		: (struct ot_wire_frame){ .opcode = OT_WIRE_SET_DATA, .seq = 1,
					  OT_WIRE_FIELDS(phone, 0, 8),
					  .var = (const uint8_t *)"flooding", .var_len = 8 };
	n = ot_wire_encode(buf, sizeof(buf), &f);
	while (now_ms() < end) {
		ssize_t w;

		/* A fresh 24-bit seq per request (never 0). */
		if ((++sent & 0xFFFFFFu) == 0)
			sent++;
		buf[8] = (uint8_t)sent, buf[9] = (uint8_t)(sent >> 8), buf[10] = (uint8_t)(sent >> 16);
		w = send(r.fd, buf, (size_t)n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EPIPE || errno == ECONNRESET)) {
			rc = 0; /* dropped, as it should be */
			break;
		}
		if (w < 0 && errno != EINTR) {
			rc = -3;
			break;
		}
	}
	raw_close(&r);
	return rc;
}

int raw_flooder(const char *socket, enum raw_flood_kind kind, int ready_fd, int stop_fd,
		int report_fd, unsigned give_up_ms)
{
	struct pollfd stop = { stop_fd, POLLIN, 0 };
	int drops = 0, rc;

	do {
		rc = raw_flood_once(socket, kind, drops == 0 ? ready_fd : -1, give_up_ms);
		if (rc != 0)
			return 10 - rc;
		drops++;
	} while (poll(&stop, 1, 0) == 0);
	return write(report_fd, &drops, sizeof(drops)) == (ssize_t)sizeof(drops) ? 0 : 20;
}

long proc_rss_kib(int pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

long proc_cpu_ms(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long utime, stime;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the command may contain spaces */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime,
			  &stime) != 2)
		return -1;
	return (long)((utime + stime) * 1000UL / (unsigned long)(hz > 0 ? hz : 100));
}

