/* SPDX-License-Identifier: MIT */
/* cmd_status.c — "phonectl status": which TAPI phonectl gets (embedded, or which server, of which
 * version) and who uses each phone.
 *
 * The mode is worked out here the way libopentapi chooses it from OPENTAPI_SERVER (docs/server.md,
 * "Which server a client uses"), since the public API does not say; with OPENTAPI_SERVER unset,
 * after phoneInitializeEx has made its choice (and perhaps started a server on demand), from the
 * sockets the library looks at (src/common/paths.h). For a server, phonectl
 * connects itself and says HELLO with the wire codec (src/proto/wire.h): the REPLY carries the
 * server's protocol and software versions. This is the only place where phonectl goes past the
 * phone* API; everything about the phones comes from the API as usual.
 */
#define _GNU_SOURCE /* struct ucred */
#include "phonectl.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"
#include "paths.h"
#include "wire.h"

struct server_info {
	bool answered;         /* HELLO was answered (accepted or refused) */
	LONG result;           /* of HELLO: 0 or PHONEERR_INCOMPATIBLEAPIVERSION */
	uint32_t proto, software;
	char reason[OT_WIRE_TEXT_MAX];
	bool have_pid;
	pid_t pid;
};

/* A connected socket, or -errno. */
static int connect_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, e;

	if (strlen(path) >= sizeof addr.sun_path)
		return -ENAMETOOLONG;
	memcpy(addr.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Reads exactly len bytes before the deadline; 0, or -1 with a reason. */
static int read_full(int fd, uint8_t *buf, size_t len, uint64_t deadline, const char **why)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t now = now_ms();
		ssize_t n;

		if (now >= deadline) {
			*why = "no answer in time";
			return -1;
		}
		if (poll(&p, 1, (int)(deadline - now > 60000 ? 60000 : deadline - now)) < 0) {
			if (errno == EINTR)
				continue;
			*why = strerror(errno);
			return -1;
		}
		if (!p.revents)
			continue;
		n = read(fd, buf + got, len - got);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			*why = strerror(errno);
			return -1;
		}
		if (n == 0) {
			*why = "the server closed the connection";
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

/* HELLO on fd, as libopentapi says it; fills info from the REPLY (or a GOODBYE). Returns 0, or -1
 * after printing why there is no usable answer. */
static int say_hello(int fd, DWORD timeout_ms, struct server_info *info)
{
	struct ot_wire_frame f = OT_WIRE_REQUEST(hello, .magic = OT_WIRE_MAGIC,
						 .proto_version = OT_WIRE_PROTO_VERSION,
						 .client_pid = (uint64_t)getpid());
	uint8_t out[OT_WIRE_MAX_HEAD];
	uint8_t *buf = NULL;
	uint64_t deadline = now_ms() + (timeout_ms == 0xFFFFFFFFu ? 24u * 3600u * 1000u : timeout_ms);
	const char *why = NULL;
	struct ucred cred;
	socklen_t clen = sizeof cred;
	long n, size;
	int err;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0 && cred.pid > 0) {
		info->have_pid = true;
		info->pid = cred.pid;
	}
	f.seq = 1;
	n = ot_wire_encode(out, sizeof out, &f);
	if (n < 0) {
		pc_err("HELLO: %s", ot_wire_strerror((int)n));
		return -1;
	}
	for (long sent = 0; sent < n;) {
		ssize_t w = send(fd, out + sent, (size_t)(n - sent), MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			pc_err("HELLO: %s", strerror(errno));
			return -1;
		}
		sent += w;
	}

	buf = malloc(OT_WIRE_MAX_FRAME);
	if (!buf) {
		pc_err("out of memory");
		return -1;
	}
	/* The header says how long the frame is; a server may send EVENT or GOODBYE frames too,
	 * but before APP_NEW it has nothing for us but the REPLY, or a GOODBYE. */
	for (;;) {
		if (read_full(fd, buf, OT_WIRE_HEADER_SIZE, deadline, &why) < 0)
			goto fail;
		size = ot_wire_frame_size(buf, OT_WIRE_HEADER_SIZE);
		if (size < 0) {
			why = ot_wire_strerror((int)size);
			goto fail;
		}
		if (read_full(fd, buf + OT_WIRE_HEADER_SIZE, (size_t)size - OT_WIRE_HEADER_SIZE,
			      deadline, &why) < 0)
			goto fail;
		err = ot_wire_decode(buf, (size_t)size, OT_WIRE_TO_CLIENT,
				     ot_wire_peek_seq(buf) == 1 ? OT_WIRE_HELLO : 0, &f);
		if (err < 0) {
			why = ot_wire_strerror(err);
			goto fail;
		}
		if (f.opcode == OT_WIRE_GOODBYE) {
			snprintf(info->reason, sizeof info->reason, "%s",
				 f.var_len ? (const char *)f.var : "no reason given");
			why = info->reason;
			goto fail;
		}
		if (f.opcode == OT_WIRE_REPLY && f.seq == 1)
			break;
	}
	info->answered = true;
	info->result = ot_wire_to_long(f.rep_hello.result);
	info->proto = (uint32_t)f.rep_hello.proto_version;
	info->software = (uint32_t)f.rep_hello.software_version;
	snprintf(info->reason, sizeof info->reason, "%s", ot_wire_text(&f));
	free(buf);
	return 0;
fail:
	pc_err("no HELLO from the server: %s", why ? why : "?");
	free(buf);
	return -1;
}

/* What phonectl found out about the TAPI it gets. */
struct mode {
	bool embedded;
	const char *why;        /* embedded: the reason, as text */
	const char *server;     /* the socket, or NULL */
	int connect_error;      /* errno of connecting to it, or 0 */
	struct server_info info;
	char paths[2][108];
	char why_buf[256];
};

static void print_mode_text(const struct mode *m)
{
	const struct server_info *info = &m->info;

	if (m->embedded) {
		printf("mode: embedded (%s): the engine runs inside phonectl\n", m->why);
		return;
	}
	printf("mode: server (%s)", m->server);
	if (m->connect_error == EACCES)
		printf(": permission denied: this user may not connect; an administrator adds it to "
		       "the socket's group (docs/server.md)");
	else if (m->connect_error)
		printf(": nobody listens there (OPENTAPI_SERVER)");
	else if (info->answered)
		printf(", tapisrv %u.%u.%u, protocol %u", (unsigned)(info->software >> 16),
		       (unsigned)((info->software >> 8) & 0xFF), (unsigned)(info->software & 0xFF),
		       (unsigned)info->proto);
	if (!m->connect_error && info->have_pid)
		printf(", pid %ld", (long)info->pid);
	putchar('\n');
	if (info->answered && info->result != 0)
		printf("  the server refuses this client: %s%s%s\n", phonectl_error_name(info->result),
		       info->reason[0] ? ": " : "", info->reason);
}

/* The mode as the first fields of the JSON object: "mode", then "reason" or "socket" and
 * "server" {version, protocol, pid} or "error". */
static void print_mode_json(const struct mode *m)
{
	const struct server_info *info = &m->info;

	printf("{\"mode\":\"%s\"", m->embedded ? "embedded" : "server");
	if (m->embedded) {
		fputs(",\"reason\":", stdout);
		pc_json_string(stdout, m->why);
		return;
	}
	fputs(",\"socket\":", stdout);
	pc_json_string(stdout, m->server);
	if (m->connect_error)
		printf(",\"error\":\"%s\"", m->connect_error == EACCES ? "permission denied"
									: "nobody listens");
	else if (info->answered)
		printf(",\"server\":{\"version\":\"%u.%u.%u\",\"protocol\":%u,\"pid\":%ld}",
		       (unsigned)(info->software >> 16), (unsigned)((info->software >> 8) & 0xFF),
		       (unsigned)(info->software & 0xFF), (unsigned)info->proto,
		       info->have_pid ? (long)info->pid : 0L);
	if (info->answered && info->result != 0) {
		printf(",\"refused\":\"%s\",\"refused_reason\":", phonectl_error_name(info->result));
		pc_json_string(stdout, info->reason);
	}
}

/* What status says of one phone. */
struct phone_use {
	bool removed;
	const char *failed;    /* the phone* function that failed, or NULL */
	LONG err;
	char name[256];
	DWORD flags, owners, monitors;
	char owner[256];
};

/* One phone: name from PHONECAPS, users from PHONESTATUS (through a monitor handle of ours). */
static void read_phone(struct pc_session *s, DWORD dev, struct phone_use *u)
{
	PHONECAPS *caps = NULL;
	PHONESTATUS *st = NULL;
	const char *p;
	char *name;
	DWORD version;

	u->failed = "phoneNegotiateAPIVersion";
	u->err = pc_session_negotiate(s, dev, &version, true);
	if (u->err == (LONG)PHONEERR_NODEVICE) {
		u->removed = true;
		u->failed = NULL;
		return;
	}
	if (u->err == 0) {
		u->failed = "phoneGetDevCapsA";
		u->err = pc_session_get_caps(s, dev, version, &caps, true);
	}
	if (u->err)
		return;
	name = pc_caps_text(caps, caps->dwPhoneNameSize, caps->dwPhoneNameOffset);
	snprintf(u->name, sizeof u->name, "%s", name ? name : "");
	free(name);
	free(caps);

	u->failed = "phoneOpen";
	u->err = phoneOpen(s->app, dev, &s->phone, version, 0, 0, PHONEPRIVILEGE_MONITOR);
	if (u->err)
		return;
	s->phone_ok = true;
	s->dev = dev;
	s->api_version = version;
	u->failed = "phoneGetStatusA";
	u->err = pc_session_get_status(s, &st, true);
	pc_session_close(s);
	if (u->err)
		return;
	u->failed = NULL;
	u->flags = st->dwStatusFlags;
	u->owners = st->dwNumOwners;
	u->monitors = st->dwNumMonitors ? st->dwNumMonitors - 1 : 0; /* not our own handle */
	p = pc_var_part(st, st->dwUsedSize < st->dwTotalSize ? st->dwUsedSize : st->dwTotalSize,
			st->dwOwnerNameSize, st->dwOwnerNameOffset);
	snprintf(u->owner, sizeof u->owner, "%.*s", p ? (int)strnlen(p, st->dwOwnerNameSize) : 0,
		 p ? p : "");
	free(st);
}

static void print_phone_text(DWORD dev, const struct phone_use *u, bool embedded)
{
	printf("phone %u: ", (unsigned)dev);
	if (u->removed) {
		puts("(removed)");
		return;
	}
	if (u->failed && !u->name[0]) {
		printf("(%s: %s)\n", u->failed, phonectl_error_name(u->err));
		return;
	}
	puts(u->name[0] ? u->name : "(unnamed)");
	if (u->failed) {
		printf("  %s: %s%s\n", u->failed, phonectl_error_name(u->err),
		       embedded && u->err == (LONG)PHONEERR_INUSE
			       ? " (another process has it open; run tapisrv to share phones)" : "");
		return;
	}
	printf("  state:    %s%s\n",
	       u->flags & PHONESTATUSFLAGS_CONNECTED ? "connected" : "disconnected",
	       u->flags & PHONESTATUSFLAGS_SUSPENDED ? ", suspended" : "");
	printf("  owners:   %u", (unsigned)u->owners);
	if (u->owner[0])
		printf(" (%s)", u->owner);
	printf("\n  monitors: %u\n", (unsigned)u->monitors);
}

static void print_phone_json(DWORD dev, const struct phone_use *u)
{
	printf("%s{\"id\":%u", dev ? "," : "", (unsigned)dev);
	if (u->removed) {
		fputs(",\"removed\":true}", stdout);
		return;
	}
	if (u->name[0]) {
		fputs(",\"name\":", stdout);
		pc_json_string(stdout, u->name);
	}
	if (u->failed) {
		printf(",\"error\":\"%s: %s\"}", u->failed, phonectl_error_name(u->err));
		return;
	}
	printf(",\"connected\":%s,\"suspended\":%s,\"owners\":%u",
	       u->flags & PHONESTATUSFLAGS_CONNECTED ? "true" : "false",
	       u->flags & PHONESTATUSFLAGS_SUSPENDED ? "true" : "false", (unsigned)u->owners);
	if (u->owner[0]) {
		fputs(",\"owner\":", stdout);
		pc_json_string(stdout, u->owner);
	}
	printf(",\"monitors\":%u}", (unsigned)u->monitors);
}

/* Finds out which TAPI phonectl gets, as the library chooses (docs/server.md): "embedded"; a
 * path (that server, or PHONEERR_SERVICE_NOT_RUNNING); unset or empty: the first default socket
 * that accepts a connection, else one started on demand, else embedded. With OPENTAPI_SERVER
 * unset, s is initialized first (TAPI chooses first: it may start a server). Returns 0, or an
 * exit status. */
static int find_mode(const struct pc_options *opt, struct mode *m, struct pc_session *s,
		     bool *session)
{
	const char *env = getenv("OPENTAPI_SERVER");
	int fd = -1, n, rc;

	if (env && strcmp(env, "embedded") == 0) {
		m->embedded = true;
		m->why = "OPENTAPI_SERVER=embedded";
		return PC_EXIT_OK;
	}
	if (env && *env) {
		m->server = env;
		fd = connect_socket(env);
		if (fd < 0)
			m->connect_error = -fd;
	} else {
		rc = pc_session_init(s, opt);
		if (rc != PC_EXIT_OK)
			return rc;
		*session = true;
		n = ot_client_sockets(m->paths);
		for (int i = 0; i < n && fd < 0; i++) {
			fd = connect_socket(m->paths[i]);
			if (fd >= 0)
				m->server = m->paths[i];
		}
		if (fd < 0) {
			snprintf(m->why_buf, sizeof m->why_buf, "no tapisrv at %s%s%s", m->paths[0],
				 n > 1 ? " or " : "", n > 1 ? m->paths[1] : "");
			m->embedded = true;
			m->why = m->why_buf;
		}
	}
	if (fd >= 0) {
		say_hello(fd, opt->timeout_ms, &m->info);
		close(fd);
	}
	return PC_EXIT_OK;
}

int pc_cmd_status(const struct pc_options *opt, int argc, char **argv)
{
	struct mode m = { 0 };
	struct pc_session s;
	bool ok, session = false;
	int rc;

	(void)argc;
	(void)argv;
	rc = find_mode(opt, &m, &s, &session);
	if (rc != PC_EXIT_OK)
		return rc;
	if (opt->json)
		print_mode_json(&m);
	else
		print_mode_text(&m);
	ok = m.embedded || (m.info.answered && m.info.result == 0);
	fflush(stdout);

	/* Now TAPI itself, which makes the same choice. */
	rc = session ? PC_EXIT_OK : pc_session_init(&s, opt);
	if (rc != PC_EXIT_OK) {
		if (opt->json)
			puts("}");
		return rc;
	}
	if (opt->json)
		fputs(",\"phones\":[", stdout);
	else
		printf("phones: %u\n", (unsigned)s.num_devs);
	for (DWORD dev = 0; dev < s.num_devs; dev++) {
		struct phone_use u = { 0 };

		read_phone(&s, dev, &u);
		if (opt->json)
			print_phone_json(dev, &u);
		else
			print_phone_text(dev, &u, m.embedded);
		ok = ok && !u.failed;
	}
	if (opt->json)
		puts("]}");
	pc_session_end(&s);
	return ok ? PC_EXIT_OK : PC_EXIT_TAPI;
}
