/* SPDX-License-Identifier: MIT */
/* Integration tests of tapisrv: real server processes (a private one per test), real client
 * processes, the public API and, for hostile clients, raw frames on the socket. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tapi.h>

#include "tapisrv.h"
#include "wire.h"

#define PHONE_CONFIG                                                                            \
	"[phone \"A\"]\nprovider = sim\ndata_areas = 256, 4096, 65536, 16777216\ndurable = yes\n"

static struct srv server;

static int start(void **state, const char *config)
{
	(void)state;
	assert_int_equal(srv_start(&server, config), 0);
	return 0;
}

static int setup(void **state)
{
	return start(state, PHONE_CONFIG);
}

static int teardown(void **state)
{
	(void)state;
	srv_stop(&server);
	return 0;
}

static HPHONEAPP init(const char *name)
{
	PHONEINITIALIZEEXPARAMS p = { .dwTotalSize = sizeof(p),
				      .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD n, v = 0x00020002;
	HPHONEAPP app;

	assert_int_equal(phoneInitializeExA(&app, NULL, NULL, name, &n, &v, &p), 0);
	assert_int_equal(n, 1);
	return app;
}

static HPHONE open_phone(HPHONEAPP app, DWORD privilege)
{
	HPHONE h;

	assert_int_equal(phoneOpen(app, 0, &h, 0x00020002, 0, 0x77, privilege), 0);
	return h;
}

/* The next message with this ID (others are skipped), or fails the test after timeout ms. */
static PHONEMESSAGE wait_msg(HPHONEAPP app, DWORD id, DWORD timeout)
{
	PHONEMESSAGE m;

	for (;;) {
		assert_int_equal(phoneGetMessage(app, &m, timeout), 0);
		if (m.dwMessageID == id)
			return m;
	}
}

static void wait_reply(HPHONEAPP app, LONG id, LONG result)
{
	PHONEMESSAGE m = wait_msg(app, PHONE_REPLY, 10000);

	assert_int_equal(m.dwParam1, id);
	assert_int_equal((LONG)m.dwParam2, result);
}

static void devspecific(HPHONEAPP app, HPHONE h, const char *cmd)
{
	LONG id = phoneDevSpecific(h, (void *)cmd, (DWORD)strlen(cmd) + 1);

	assert_true(id > 0);
	wait_reply(app, id, 0);
}

/* A child process that uses the API: it gets a pipe to hear "go" on and one to report on. */
struct child {
	pid_t pid;
	int to, from;
};

static void spawn(struct child *c, void (*body)(int in, int out))
{
	int a[2], b[2];

	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (c->pid == 0) {
		close(a[1]);
		close(b[0]);
		body(a[0], b[1]);
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	c->to = a[1];
	c->from = b[0];
}

static char expect_from(struct child *c)
{
	char ch = 0;

	assert_int_equal(read(c->from, &ch, 1), 1);
	return ch;
}

static int reap(struct child *c)
{
	int status;

	close(c->to);
	close(c->from);
	assert_int_equal(waitpid(c->pid, &status, 0), c->pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- children (no cmocka asserts: they report by exit status) ---------------------------- */

static HPHONEAPP child_init(const char *name)
{
	PHONEINITIALIZEEXPARAMS p = { .dwTotalSize = sizeof(p),
				      .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD n, v = 0x00020002;
	HPHONEAPP app = 0;

	if (phoneInitializeExA(&app, NULL, NULL, name, &n, &v, &p) != 0)
		_exit(10);
	return app;
}

static void owner_child(int in, int out)
{
	HPHONEAPP app = child_init("owner-child");
	HPHONE h;
	char ch;

	if (phoneOpen(app, 0, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER) != 0)
		_exit(11);
	if (write(out, "o", 1) != 1 || read(in, &ch, 1) < 0)
		_exit(12);
	phoneShutdown(app);
}

static void writer_child(int in, int out)
{
	HPHONEAPP app = child_init("writer-child");
	PHONEMESSAGE m;
	HPHONE h;
	LONG id;
	char ch;

	(void)in;
	if (phoneOpen(app, 0, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER) != 0)
		_exit(11);
	id = phoneSetData(h, 1, "written by another process", 27);
	if (id <= 0 || phoneGetMessage(app, &m, 10000) != 0 || m.dwMessageID != PHONE_REPLY ||
	    m.dwParam1 != (DWORD_PTR)id || m.dwParam2 != 0)
		_exit(12);
	if (write(out, "w", 1) != 1 || read(in, &ch, 1) < 0)
		_exit(13);
	phoneShutdown(app);
}

/* Holds the phone as owner with requests outstanding until it is killed. */
static void doomed_child(int in, int out)
{
	HPHONEAPP app = child_init("doomed-child");
	PHONEMESSAGE m;
	HPHONE h;
	LONG id;
	int i;

	(void)in;
	if (phoneOpen(app, 0, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER) != 0)
		_exit(11);
	id = phoneDevSpecific(h, "hold-replies", 13);
	if (id <= 0 || phoneGetMessage(app, &m, 10000) != 0)
		_exit(12);
	for (i = 0; i < 50; i++)
		if (phoneSetData(h, 0, "x", 1) <= 0)
			_exit(13);
	if (write(out, "h", 1) != 1)
		_exit(14);
	pause();
}

/* ---- tests ------------------------------------------------------------------------------- */

static void two_processes_contend_for_owner(void **state)
{
	struct child c;
	PHONESTATUS *st;
	HPHONEAPP app;
	HPHONE mon, h;
	PHONEMESSAGE m;

	(void)state;
	/* The status buffer is allocated after the fork: a child that inherited it would exit
	 * holding an unreachable block, which valgrind (make check-valgrind) counts as a leak. */
	spawn(&c, owner_child);
	st = calloc(1, 512);
	assert_non_null(st);
	assert_int_equal(expect_from(&c), 'o');
	app = init("parent");
	assert_int_equal(phoneOpen(app, 0, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER),
			 (LONG)PHONEERR_INUSE);
	mon = open_phone(app, PHONEPRIVILEGE_MONITOR);
	st->dwTotalSize = 512;
	assert_int_equal(phoneGetStatus(mon, st), 0);
	assert_int_equal(st->dwNumOwners, 1);
	assert_int_equal(st->dwNumMonitors, 1);
	assert_true(st->dwOwnerNameSize > 0);
	assert_string_equal((char *)st + st->dwOwnerNameOffset, "owner-child");
	assert_int_equal(phoneSetStatusMessages(mon, PHONESTATE_OWNER, 0, 0), 0);
	assert_int_equal(write(c.to, "q", 1), 1);
	m = wait_msg(app, PHONE_STATE, 10000);
	assert_int_equal(m.dwParam1, PHONESTATE_OWNER);
	assert_int_equal(m.dwParam2, 0);
	assert_int_equal(reap(&c), 0);
	h = open_phone(app, PHONEPRIVILEGE_OWNER);
	assert_int_equal(phoneClose(h), 0);
	assert_int_equal(phoneShutdown(app), 0);
	free(st);
}

static void a_monitor_reads_what_the_owner_wrote(void **state)
{
	struct child c;
	char buf[64] = { 0 };
	HPHONEAPP app;
	HPHONE mon;

	(void)state;
	spawn(&c, writer_child);
	assert_int_equal(expect_from(&c), 'w');
	app = init("reader");
	mon = open_phone(app, PHONEPRIVILEGE_MONITOR);
	assert_int_equal(phoneGetData(mon, 1, buf, 27), 0);
	assert_string_equal(buf, "written by another process");
	assert_int_equal(phoneSetData(mon, 1, "no", 2), (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(write(c.to, "q", 1), 1);
	assert_int_equal(reap(&c), 0);
	assert_int_equal(phoneShutdown(app), 0);
}

static void a_killed_client_releases_its_phone_at_once(void **state)
{
	struct child c;
	HPHONEAPP app;
	HPHONE mon, h;
	PHONEMESSAGE m;

	(void)state;
	spawn(&c, doomed_child);
	assert_int_equal(expect_from(&c), 'h');
	app = init("survivor");
	mon = open_phone(app, PHONEPRIVILEGE_MONITOR);
	assert_int_equal(phoneSetStatusMessages(mon, PHONESTATE_OWNER, 0, 0), 0);
	kill(c.pid, SIGKILL);
	m = wait_msg(app, PHONE_STATE, test_deadline_ms(5000));
	assert_int_equal(m.dwParam1, PHONESTATE_OWNER);
	assert_int_equal(m.dwParam2, 0);
	assert_int_equal(reap(&c), 128 + SIGKILL);
	/* Its held requests are gone with it; the phone works for the next owner. */
	h = open_phone(app, PHONEPRIVILEGE_OWNER);
	devspecific(app, h, "release-replies");
	assert_int_equal(phoneGetMessage(app, &m, 200), (LONG)PHONEERR_OPERATIONFAILED);
	wait_reply(app, phoneSetData(h, 0, "mine", 4), 0);
	assert_int_equal(phoneShutdown(app), 0);
}

static void a_killed_server_answers_everything(void **state)
{
	HPHONEAPP app;
	HPHONE h;
	PHONEMESSAGE m;
	LONG ids[5];
	int i, replies = 0, closes = 0, reinit = 0;
	char buf[16] = { 0 };

	(void)state;
	app = init("in-flight");
	h = open_phone(app, PHONEPRIVILEGE_OWNER);
	wait_reply(app, phoneSetData(h, 0, "ACKNOWLEDGED", 13), 0);
	devspecific(app, h, "hold-replies");
	for (i = 0; i < 5; i++) {
		ids[i] = phoneSetData(h, 0, "in flight", 10);
		assert_true(ids[i] > 0);
	}
	srv_kill(&server, SIGKILL);
	while (phoneGetMessage(app, &m, 5000) == 0) {
		if (m.dwMessageID == PHONE_REPLY) {
			assert_int_equal(m.dwParam1, ids[replies]);
			assert_int_equal((LONG)m.dwParam2, (LONG)PHONEERR_OPERATIONFAILED);
			replies++;
		} else if (m.dwMessageID == PHONE_CLOSE) {
			assert_int_equal(m.hDevice, h);
			closes++;
		} else if (m.dwMessageID == PHONE_STATE && m.dwParam1 == PHONESTATE_REINIT) {
			reinit++;
			break;
		}
	}
	assert_int_equal(replies, 5);
	assert_int_equal(closes, 1);
	assert_int_equal(reinit, 1);
	assert_int_equal(phoneSetData(h, 0, "late", 4), (LONG)PHONEERR_REINIT);
	assert_int_equal(phoneShutdown(app), 0);

	/* A new server on the same state: what was acknowledged is there. */
	assert_int_equal(srv_restart(&server), 0);
	app = init("after-restart");
	h = open_phone(app, PHONEPRIVILEGE_MONITOR);
	assert_int_equal(phoneGetData(h, 0, buf, 13), 0);
	assert_string_equal(buf, "ACKNOWLEDGED");
	assert_int_equal(phoneShutdown(app), 0);
}

static void without_a_server_initialize_says_so(void **state)
{
	PHONEINITIALIZEEXPARAMS p = { .dwTotalSize = sizeof(p),
				      .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD n, v = 0x00020002;
	HPHONEAPP app;

	(void)state;
	srv_kill(&server, SIGTERM);
	assert_int_equal(phoneInitializeExA(&app, NULL, NULL, "x", &n, &v, &p),
			 (LONG)PHONEERR_SERVICE_NOT_RUNNING);
}

/* ---- raw protocol clients ----------------------------------------------------------------- */

static int raw_connect(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%.100s", server.socket);
	assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	return fd;
}

static void raw_send(int fd, const struct ot_wire_frame *f)
{
	uint8_t buf[OT_WIRE_MAX_HEAD + 512];
	long n = ot_wire_encode(buf, sizeof(buf), f);

	assert_true(n > 0);
	assert_int_equal(send(fd, buf, (size_t)n, MSG_NOSIGNAL), n);
}

/* Reads one frame (blocking up to 5 s); returns its opcode, or 0 at end of file. */
static uint16_t raw_recv(int fd, uint8_t *buf, size_t cap, size_t *len)
{
	struct pollfd p = { fd, POLLIN, 0 };
	size_t have = 0;
	long size;

	for (;;) {
		ssize_t n;

		size = ot_wire_frame_size(buf, have);
		if (size > 0 && (size_t)size <= have)
			break;
		assert_true(poll(&p, 1, 5000) == 1);
		n = recv(fd, buf + have, size > 0 ? (size_t)size - have : 16 - have, 0);
		if (n <= 0)
			return 0;
		have += (size_t)n;
		assert_true(have <= cap);
	}
	*len = (size_t)size;
	return ot_wire_peek_opcode(buf);
}

/* Reads until end of file, returning whether a GOODBYE with that reason came first. */
static int ends_with_goodbye(int fd, uint64_t reason)
{
	static uint8_t buf[OT_WIRE_MAX_FRAME];
	struct ot_wire_frame f;
	size_t len;
	int seen = 0;
	uint16_t op;

	while ((op = raw_recv(fd, buf, sizeof(buf), &len)) != 0)
		if (op == OT_WIRE_GOODBYE &&
		    ot_wire_decode(buf, len, OT_WIRE_TO_CLIENT, 0, &f) == 0 && f.fixed[0] == reason)
			seen = 1;
	return seen;
}

static void still_serving(void)
{
	HPHONEAPP app = init("bystander");
	HPHONE h = open_phone(app, PHONEPRIVILEGE_OWNER);

	wait_reply(app, phoneSetData(h, 0, "fine", 4), 0);
	assert_int_equal(phoneShutdown(app), 0);
}

static void a_protocol_version_mismatch_is_refused_clearly(void **state)
{
	static uint8_t buf[OT_WIRE_MAX_FRAME];
	struct ot_wire_frame hello = { .opcode = OT_WIRE_HELLO, .seq = 1,
				       OT_WIRE_FIELDS(OT_WIRE_MAGIC, 99, 1) };
	struct ot_wire_frame reply;
	size_t len;
	int fd = raw_connect();

	(void)state;
	raw_send(fd, &hello);
	assert_int_equal(raw_recv(fd, buf, sizeof(buf), &len), OT_WIRE_REPLY);
	assert_int_equal(ot_wire_decode(buf, len, OT_WIRE_TO_CLIENT, OT_WIRE_HELLO, &reply), 0);
	assert_int_equal(ot_wire_to_long(reply.fixed[0]), (LONG)PHONEERR_INCOMPATIBLEAPIVERSION);
	assert_non_null(strstr(ot_wire_text(&reply), "protocol version 99"));
	ends_with_goodbye(fd, OT_WIRE_BYE_PROTOCOL);
	close(fd);
	assert_true(srv_wait_log(&server, "protocol version 99"));
	still_serving();
}

static void malformed_and_truncated_frames_drop_only_their_sender(void **state)
{
	static const uint8_t garbage[32] = "this is not an OpenTAPI frame!!";
	struct ot_wire_frame hello = { .opcode = OT_WIRE_HELLO, .seq = 1,
				       OT_WIRE_FIELDS(OT_WIRE_MAGIC, OT_WIRE_PROTO_VERSION, 1) };
	uint8_t huge[16] = { 0xff, 0xff, 0xff, 0x7f, 0x01, 0x00 };
	uint8_t buf[OT_WIRE_MAX_HEAD];
	int fd;

	(void)state;
	fd = raw_connect();
	assert_int_equal(send(fd, garbage, sizeof(garbage), 0), (ssize_t)sizeof(garbage));
	assert_true(ends_with_goodbye(fd, OT_WIRE_BYE_PROTOCOL));
	close(fd);

	fd = raw_connect(); /* a huge declared length */
	assert_int_equal(send(fd, huge, sizeof(huge), 0), (ssize_t)sizeof(huge));
	assert_true(ends_with_goodbye(fd, OT_WIRE_BYE_PROTOCOL));
	close(fd);

	fd = raw_connect(); /* a valid frame in the wrong order: OPEN before HELLO */
	raw_send(fd, &(struct ot_wire_frame){ .opcode = OT_WIRE_CLOSE, .seq = 1, OT_WIRE_FIELDS(5) });
	assert_true(ends_with_goodbye(fd, OT_WIRE_BYE_PROTOCOL));
	close(fd);

	fd = raw_connect(); /* half a frame, then gone */
	raw_send(fd, &hello);
	assert_true(ot_wire_encode(buf, sizeof(buf), &(struct ot_wire_frame){
		.opcode = OT_WIRE_CLOSE, .seq = 2, OT_WIRE_FIELDS(5) }) > 10);
	assert_int_equal(send(fd, buf, 10, 0), 10);
	close(fd);

	still_serving();
	assert_true(srv_wait_log(&server, "malformed frame"));
}

static void a_client_that_never_reads_is_dropped(void **state)
{
	struct ot_wire_frame f;
	HPHONEAPP app;
	HPHONE h;
	int fd, i, dropped = 0;

	(void)state;
	/* A raw client that monitors the phone, asks for OWNER changes and never reads. */
	fd = raw_connect();
	raw_send(fd, &(struct ot_wire_frame){ .opcode = OT_WIRE_HELLO, .seq = 1,
					      OT_WIRE_FIELDS(OT_WIRE_MAGIC, OT_WIRE_PROTO_VERSION, 1) });
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_APP_NEW, .seq = 2, OT_WIRE_FIELDS(0x00020002, 1) };
	f.var = (const uint8_t *)"sleeper";
	f.var_len = 8;
	raw_send(fd, &f);
	/* Handles are the server's: the first app and phone of a fresh server (see handles.c). */
	raw_send(fd, &(struct ot_wire_frame){ .opcode = OT_WIRE_OPEN, .seq = 3,
					      OT_WIRE_FIELDS(1u << 20, 0, 0x00020002, 0, 0, PHONEPRIVILEGE_MONITOR) });
	raw_send(fd, &(struct ot_wire_frame){ .opcode = OT_WIRE_SET_STATUS_MESSAGES, .seq = 4,
					      OT_WIRE_FIELDS(1u << 20, PHONESTATE_OWNER, 0, 0) });
	app = init("busy");
	for (i = 0; i < 20000 && !dropped; i++) {
		h = open_phone(app, PHONEPRIVILEGE_OWNER);
		assert_int_equal(phoneClose(h), 0);
		if (i % 500 == 499)
			dropped = srv_log_has(&server, "stopped reading its events");
	}
	assert_true(dropped);
	/* The well-behaved client did not notice. */
	h = open_phone(app, PHONEPRIVILEGE_OWNER);
	wait_reply(app, phoneSetData(h, 0, "ok", 2), 0);
	assert_int_equal(phoneShutdown(app), 0);
	close(fd);
}

#define TWO_PHONES                                                                              \
	"[phone \"Keep\"]\nprovider = sim\ndata_areas = 64\ndurable = no\n"                          \
	"[phone \"Drop\"]\nprovider = sim\ndata_areas = 64\ndurable = no\n"

static int setup_two_phones(void **state)
{
	return start(state, TWO_PHONES);
}

static void sighup_adds_and_removes_phones(void **state)
{
	static const char next[] = "[phone \"Keep\"]\nprovider = sim\ndata_areas = 64\ndurable = no\n"
				   "[phone \"New\"]\nprovider = testprov\ndata_areas = 8\n";
	PHONEINITIALIZEEXPARAMS p = { .dwTotalSize = sizeof(p),
				      .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD n, v = 0x00020002;
	HPHONEAPP app;
	HPHONE keep, drop, fresh;
	PHONEMESSAGE m;
	char buf[8] = { 0 };
	FILE *f;
	int closes = 0, removes = 0, creates = 0;

	(void)state;
	assert_int_equal(phoneInitializeExA(&app, NULL, NULL, "reload", &n, &v, &p), 0);
	assert_int_equal(n, 2);
	assert_int_equal(phoneOpen(app, 0, &keep, 0x00020002, 0, 1, PHONEPRIVILEGE_OWNER), 0);
	assert_int_equal(phoneOpen(app, 1, &drop, 0x00020002, 0, 2, PHONEPRIVILEGE_OWNER), 0);
	wait_reply(app, phoneSetData(keep, 0, "kept", 5), 0);

	f = fopen(server.config, "w");
	assert_non_null(f);
	fputs(next, f);
	fclose(f);
	kill(server.pid, SIGHUP);
	while (creates == 0 && phoneGetMessage(app, &m, 5000) == 0) {
		if (m.dwMessageID == PHONE_CLOSE) {
			assert_int_equal(m.hDevice, drop);
			assert_int_equal(m.dwCallbackInstance, 2);
			closes++;
		} else if (m.dwMessageID == PHONE_REMOVE) {
			assert_int_equal(closes, 1); /* PHONE_CLOSE comes first */
			assert_int_equal(m.dwParam1, 1);
			removes++;
		} else if (m.dwMessageID == PHONE_CREATE) {
			assert_int_equal(m.dwParam1, 2);
			creates++;
		}
	}
	assert_int_equal(closes, 1);
	assert_int_equal(removes, 1);
	assert_int_equal(creates, 1);
	assert_true(srv_wait_log(&server, "reloaded"));
	/* The log counts what is there, and says what happened to each phone. */
	assert_true(srv_log_has(&server, ": 2 phones (1 added, 1 removed, 0 changed)"));
	assert_true(srv_log_has(&server, "phone 1 'Drop': removed (no longer configured)"));
	assert_true(srv_log_has(&server, "phone 2 'New': added"));
	/* The removed ID stays taken; the kept phone and its handle were not disturbed. */
	assert_int_equal(phoneSetData(drop, 0, "x", 1), (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneOpen(app, 1, &fresh, 0x00020002, 0, 0, PHONEPRIVILEGE_MONITOR),
			 (LONG)PHONEERR_NODEVICE);
	assert_int_equal(phoneGetData(keep, 0, buf, 5), 0);
	assert_string_equal(buf, "kept");
	wait_reply(app, phoneSetData(keep, 0, "still", 6), 0);
	assert_int_equal(phoneOpen(app, 2, &fresh, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER), 0);
	assert_int_equal(phoneSetData(fresh, 0, "x", 1), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneShutdown(app), 0);
}

/* A reload that adds a phone to the running sim provider: the app hears PHONE_CREATE and the new
 * phone works at once; the phones that were there notice nothing. */
static void sighup_adds_a_sim_phone(void **state)
{
	static const char next[] = TWO_PHONES
		"[phone \"Third\"]\nprovider = sim\ndata_areas = 64, 128\ndurable = yes\n";
	PHONEINITIALIZEEXPARAMS p = { .dwTotalSize = sizeof(p),
				      .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	union {
		PHONECAPS caps;
		char raw[4096];
	} u;
	DWORD n, v = 0x00020002;
	HPHONEAPP app;
	HPHONE keep, drop, third;
	PHONEMESSAGE m;
	char buf[8] = { 0 };
	FILE *f;
	int creates = 0;

	(void)state;
	assert_int_equal(phoneInitializeExA(&app, NULL, NULL, "add", &n, &v, &p), 0);
	assert_int_equal(n, 2);
	assert_int_equal(phoneOpen(app, 0, &keep, 0x00020002, 0, 1, PHONEPRIVILEGE_OWNER), 0);
	assert_int_equal(phoneOpen(app, 1, &drop, 0x00020002, 0, 2, PHONEPRIVILEGE_OWNER), 0);
	wait_reply(app, phoneSetData(keep, 0, "kept", 5), 0);

	f = fopen(server.config, "w");
	assert_non_null(f);
	fputs(next, f);
	fclose(f);
	kill(server.pid, SIGHUP);
	while (creates == 0 && phoneGetMessage(app, &m, 5000) == 0) {
		/* Nothing happens to the phones that were there. */
		assert_int_not_equal(m.dwMessageID, PHONE_CLOSE);
		assert_int_not_equal(m.dwMessageID, PHONE_REMOVE);
		if (m.dwMessageID == PHONE_CREATE) {
			assert_int_equal(m.dwParam1, 2);
			creates++;
		}
	}
	assert_int_equal(creates, 1);
	assert_true(srv_wait_log(&server, "reloaded"));
	assert_false(srv_log_has(&server, "cannot add phones"));

	memset(&u, 0, sizeof(u));
	u.caps.dwTotalSize = sizeof(u);
	assert_int_equal(phoneGetDevCapsA(app, 2, 0x00020002, 0, &u.caps), 0);
	assert_string_equal(u.raw + u.caps.dwPhoneNameOffset, "Third");
	assert_int_equal(u.caps.dwNumSetData, 2);
	assert_int_equal(phoneOpen(app, 2, &third, 0x00020002, 0, 3, PHONEPRIVILEGE_OWNER), 0);
	wait_reply(app, phoneSetData(third, 1, "third", 6), 0);
	assert_int_equal(phoneGetData(third, 1, buf, 6), 0);
	assert_string_equal(buf, "third");

	/* The handles of the old phones still work, with what they had. */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(phoneGetData(keep, 0, buf, 5), 0);
	assert_string_equal(buf, "kept");
	wait_reply(app, phoneSetData(keep, 0, "still", 6), 0);
	wait_reply(app, phoneSetData(drop, 0, "x", 1), 0);
	assert_int_equal(phoneClose(third), 0);
	assert_int_equal(phoneShutdown(app), 0);
}

static int setup_small_queue(void **state)
{
	return start(state, "[limits]\nevents_per_client = 16\n" PHONE_CONFIG);
}

static int setup_restricted(void **state)
{
	return start(state, "[phone \"A\"]\nprovider = sim\nowners = 54321, @54321\n");
}

/* The ready line names the configuration and the state directory; a state directory that cannot
 * be used is said at start, with its path, why, and what to do. */
static void the_start_says_where_things_are(void **state)
{
	char ready[600], bad[600];

	(void)state;
	snprintf(ready, sizeof(ready), "ready: 1 phones, socket %s, configuration %s, state %s",
		 server.socket, server.config, server.state);
	/* The socket listens before the ready line is written: wait for the line. */
	assert_true(srv_wait_log(&server, ready));
	srv_kill(&server, SIGTERM);
	/* Under a file: the configuration's (a short temporary path). */
	snprintf(server.state, sizeof(server.state), "%.100s/state", server.config);
	assert_int_equal(srv_restart(&server), 0);
	snprintf(bad, sizeof(bad), "state directory %s cannot be used (%s/state: Not a directory)",
		 server.state, server.config);
	/* The log goes on from the first run: wait for this run's line. */
	assert_true(srv_wait_log(&server, bad));
	assert_true(srv_log_has(&server, "give --state-dir, set [server] state_dir, or fix"));
}

static void a_peer_not_allowed_to_own_is_refused(void **state)
{
	HPHONEAPP app;
	HPHONE h;

	(void)state;
	app = init("not-allowed");
	assert_int_equal(phoneOpen(app, 0, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER),
			 (LONG)PHONEERR_INVALPRIVILEGE);
	h = open_phone(app, PHONEPRIVILEGE_MONITOR);
	assert_int_equal(phoneClose(h), 0);
	assert_int_equal(phoneShutdown(app), 0);
	assert_true(srv_wait_log(&server, "may not own"));
}

#define PARTS_PHONE "[phone \"Parts\"]\nprovider = partsprov\n"

static int setup_parts(void **state)
{
	return start(state, PARTS_PHONE);
}

/* A reload leaves alone the phones a provider made itself (a device plugged in; the parts test
 * provider's "plug"): they are not the configuration's to remove, and keep their state. */
static void sighup_keeps_a_phone_its_provider_made(void **state)
{
	static const char next[] = PARTS_PHONE
		"[phone \"Extra\"]\nprovider = sim\ndata_areas = 64\ndurable = no\n";
	PHONEINITIALIZEEXPARAMS p = { .dwTotalSize = sizeof(p),
				      .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD n, v = 0x00020002, mode = 0;
	HPHONEAPP app;
	HPHONE parts, found;
	PHONEMESSAGE m;
	FILE *f;

	(void)state;
	assert_int_equal(phoneInitializeExA(&app, NULL, NULL, "plugged", &n, &v, &p), 0);
	assert_int_equal(n, 1);
	parts = open_phone(app, PHONEPRIVILEGE_OWNER);
	devspecific(app, parts, "plug Found");
	m = wait_msg(app, PHONE_CREATE, 10000);
	assert_int_equal(m.dwParam1, 1);
	assert_int_equal(phoneOpen(app, 1, &found, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER), 0);
	wait_reply(app, phoneSetLamp(found, 13, PHONELAMPMODE_STEADY), 0);

	f = fopen(server.config, "w");
	assert_non_null(f);
	fputs(next, f);
	fclose(f);
	kill(server.pid, SIGHUP);
	m = wait_msg(app, PHONE_CREATE, 10000);
	assert_int_equal(m.dwParam1, 2); /* Extra */
	assert_true(srv_wait_log(&server, "reloaded"));
	assert_true(srv_log_has(&server, ": 3 phones (1 added, 0 removed, 0 changed)"));
	assert_int_equal(phoneGetLamp(found, 13, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_STEADY);
	assert_int_equal(phoneShutdown(app), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(two_processes_contend_for_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(a_monitor_reads_what_the_owner_wrote, setup, teardown),
		cmocka_unit_test_setup_teardown(a_killed_client_releases_its_phone_at_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_killed_server_answers_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(without_a_server_initialize_says_so, setup, teardown),
		cmocka_unit_test_setup_teardown(the_start_says_where_things_are, setup, teardown),
		cmocka_unit_test_setup_teardown(a_protocol_version_mismatch_is_refused_clearly, setup,
						teardown),
		cmocka_unit_test_setup_teardown(malformed_and_truncated_frames_drop_only_their_sender,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_client_that_never_reads_is_dropped,
						setup_small_queue, teardown),
		cmocka_unit_test_setup_teardown(a_peer_not_allowed_to_own_is_refused, setup_restricted,
						teardown),
		cmocka_unit_test_setup_teardown(sighup_adds_and_removes_phones, setup_two_phones,
						teardown),
		cmocka_unit_test_setup_teardown(sighup_adds_a_sim_phone, setup_two_phones, teardown),
		cmocka_unit_test_setup_teardown(sighup_keeps_a_phone_its_provider_made, setup_parts,
						teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	setenv("XDG_CONFIG_HOME", "/nonexistent-opentapi-test", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
