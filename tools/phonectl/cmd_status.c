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
	struct ot_wire_frame f = {
		.opcode = OT_WIRE_HELLO,
		.seq = 1,
		OT_WIRE_FIELDS(OT_WIRE_MAGIC, OT_WIRE_PROTO_VERSION, (uint64_t)getpid()),
	};
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
	info->result = ot_wire_to_long(f.fixed[OT_WIRE_RESULT]);
	info->proto = (uint32_t)f.fixed[1];
	info->software = (uint32_t)f.fixed[2];
	snprintf(info->reason, sizeof info->reason, "%s", ot_wire_text(&f));
	free(buf);
	return 0;
fail:
	pc_err("no HELLO from the server: %s", why ? why : "?");
	free(buf);
	return -1;
}

static void print_server(const char *path, const struct server_info *info)
{
	printf("mode: server (%s)", path);
	if (!info->answered) {
		putchar('\n');
		return;
	}
	printf(", tapisrv %u.%u.%u, protocol %u", (unsigned)(info->software >> 16),
	       (unsigned)((info->software >> 8) & 0xFF), (unsigned)(info->software & 0xFF),
	       (unsigned)info->proto);
	if (info->have_pid)
		printf(", pid %ld", (long)info->pid);
	putchar('\n');
}

/* One phone: name from PHONECAPS, users from PHONESTATUS (through a monitor handle of ours). */
static bool print_phone(struct pc_session *s, DWORD dev, bool embedded)
{
	PHONECAPS *caps = NULL;
	PHONESTATUS *st = NULL;
	const char *owner;
	DWORD version, owners, monitors;
	LONG err;

	printf("phone %u: ", (unsigned)dev);
	err = pc_session_negotiate(s, dev, &version, true);
	if (err != 0) {
		printf("(phoneNegotiateAPIVersion: %s)\n", phonectl_error_name(err));
		return false;
	}
	err = pc_session_get_caps(s, dev, version, &caps, true);
	if (err != 0) {
		printf("(phoneGetDevCapsA: %s)\n", phonectl_error_name(err));
		return false;
	}
	{
		const char *name = pc_var_part(caps, caps->dwUsedSize < caps->dwTotalSize
							     ? caps->dwUsedSize : caps->dwTotalSize,
					       caps->dwPhoneNameSize, caps->dwPhoneNameOffset);
		if (name)
			printf("%.*s\n", (int)strnlen(name, caps->dwPhoneNameSize), name);
		else
			puts("(unnamed)");
	}
	free(caps);

	err = phoneOpen(s->app, dev, &s->phone, version, 0, 0, PHONEPRIVILEGE_MONITOR);
	if (err != 0) {
		printf("  phoneOpen: %s%s\n", phonectl_error_name(err),
		       embedded && err == (LONG)PHONEERR_INUSE
			       ? " (another process has it open; run tapisrv to share phones)" : "");
		return false;
	}
	s->phone_ok = true;
	s->dev = dev;
	s->api_version = version;
	err = pc_session_get_status(s, &st, true);
	pc_session_close(s);
	if (err != 0) {
		printf("  phoneGetStatusA: %s\n", phonectl_error_name(err));
		return false;
	}
	owners = st->dwNumOwners;
	monitors = st->dwNumMonitors ? st->dwNumMonitors - 1 : 0; /* not our own handle */
	owner = pc_var_part(st, st->dwUsedSize < st->dwTotalSize ? st->dwUsedSize : st->dwTotalSize,
			    st->dwOwnerNameSize, st->dwOwnerNameOffset);
	printf("  state:    %s%s\n",
	       st->dwStatusFlags & PHONESTATUSFLAGS_CONNECTED ? "connected" : "disconnected",
	       st->dwStatusFlags & PHONESTATUSFLAGS_SUSPENDED ? ", suspended" : "");
	printf("  owners:   %u", (unsigned)owners);
	if (owner)
		printf(" (%.*s)", (int)strnlen(owner, st->dwOwnerNameSize), owner);
	printf("\n  monitors: %u\n", (unsigned)monitors);
	free(st);
	return true;
}

int pc_cmd_status(const struct pc_options *opt, int argc, char **argv)
{
	char paths[2][108];
	const char *mode = getenv("OPENTAPI_SERVER");
	struct server_info info = { 0 };
	const char *server = NULL;
	bool embedded = false, ok = true, session = false;
	struct pc_session s;
	int fd = -1, n, rc;

	(void)argc;
	(void)argv;
	/* The library's choice (docs/server.md): "embedded"; a path (that server, or
	 * PHONEERR_SERVICE_NOT_RUNNING); unset or empty: the first default socket that accepts a
	 * connection, else one started on demand, else embedded. */
	if (mode && strcmp(mode, "embedded") == 0) {
		embedded = true;
		puts("mode: embedded (OPENTAPI_SERVER=embedded): the engine runs inside phonectl");
	} else if (mode && *mode) {
		server = mode;
		fd = connect_socket(mode);
		if (fd == -EACCES)
			printf("mode: server (%s): permission denied: this user may not connect; an "
			       "administrator adds it to the socket's group (docs/server.md)\n", mode);
		else if (fd < 0)
			printf("mode: server (%s): nobody listens there (OPENTAPI_SERVER)\n", mode);
		ok = ok && fd >= 0;
	} else {
		rc = pc_session_init(&s, opt); /* TAPI chooses first: it may start a server */
		if (rc != PC_EXIT_OK)
			return rc;
		session = true;
		n = ot_client_sockets(paths);
		for (int i = 0; i < n && fd < 0; i++) {
			fd = connect_socket(paths[i]);
			if (fd >= 0)
				server = paths[i];
		}
		if (fd < 0) {
			embedded = true;
			printf("mode: embedded (no tapisrv at %s%s%s): the engine runs inside phonectl\n",
			       paths[0], n > 1 ? " or " : "", n > 1 ? paths[1] : "");
		}
	}
	if (fd >= 0) {
		if (say_hello(fd, opt->timeout_ms, &info) < 0)
			ok = false;
		close(fd);
		print_server(server, &info);
		if (info.answered && info.result != 0) {
			printf("  the server refuses this client: %s%s%s\n",
			       phonectl_error_name(info.result), info.reason[0] ? ": " : "",
			       info.reason);
			ok = false;
		}
	}
	fflush(stdout);

	/* Now TAPI itself, which makes the same choice. */
	rc = session ? PC_EXIT_OK : pc_session_init(&s, opt);
	if (rc != PC_EXIT_OK)
		return rc;
	printf("phones: %u\n", (unsigned)s.num_devs);
	for (DWORD dev = 0; dev < s.num_devs; dev++)
		if (!print_phone(&s, dev, embedded))
			ok = false;
	pc_session_end(&s);
	return ok ? PC_EXIT_OK : PC_EXIT_TAPI;
}
