/* SPDX-License-Identifier: MIT */
/* test_hostile.c — hostile and broken clients against a private tapisrv (docs/reliability.md).
 *
 * Offenders are forked children speaking the wire protocol themselves (rawclient.c), so that each
 * has its own pid in the server's log lines ("pid P uid U: ..."); the well-behaved client is this
 * process, through libopentapi: while the abuse goes on it must complete a fixed number of round
 * trips (one phoneGetData of 16 bytes each), every one successful — the abusers keep going until
 * it has, so a starved client fails the test at its hang guard, whatever the machine's speed.
 * The time those round trips take is printed, never asserted: `make bench` measures it
 * (bench/hostile.c). tapisrv's memory is its VmRSS from /proc, asserted in the plain build.
 *
 * Children never call cmocka: they report through their exit status.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tapi.h>

#include "rawclient.h"
#include "tapisrv.h"

#define CONFIG                                                                                   \
	"[limits]\nevents_per_client = 16\n"                                                     \
	"[phone \"A\"]\nprovider = sim\ndata_areas = 64, 65536\ndurable = no\n"                  \
	"[phone \"B\"]\nprovider = sim\ndata_areas = 64\ndurable = no\n"

/* In a sanitizer build tapisrv's memory is mostly the sanitizer's (shadow memory, and a
 * quarantine of up to 256 MiB of freed blocks), and under valgrind mostly valgrind's, so the
 * memory figures are printed but not asserted there; the plain build asserts them. */
static int memory_is_measurable(void)
{
	return test_slowness() == 1;
}

/* How many connections the crowd test opens (fewer if RLIMIT_NOFILE cannot be raised). */
#define CROWD 2000

static struct srv server;
static struct raw rc_a, rc_b; /* big (a frame buffer each): not on the stack */
static HPHONEAPP live_app;   /* the well-behaved client's app, shut down by teardown if a test
			       failed half-way (the next test must start without a backend) */

static int setup(void **state)
{
	(void)state;
	return srv_start(&server, CONFIG) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	if (live_app)
		phoneShutdown(live_app);
	live_app = 0;
	srv_stop(&server);
	return 0;
}

/* ---- the well-behaved client ------------------------------------------------------------- */

struct probe {
	HPHONEAPP app;
	HPHONE phone;
};

static void probe_start(struct probe *p)
{
	PHONEINITIALIZEEXPARAMS ip = { .dwTotalSize = sizeof(ip),
				       .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD n, v = 0x00020002;

	assert_int_equal(phoneInitializeExA(&p->app, NULL, NULL, "bystander", &n, &v, &ip), 0);
	live_app = p->app;
	assert_int_equal(phoneOpen(p->app, 0, &p->phone, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER), 0);
}

static void probe_stop(struct probe *p)
{
	live_app = 0;
	assert_int_equal(phoneShutdown(p->app), 0);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000L;
}

struct latency {
	long p50, p99, max; /* microseconds: printed for a reader, never asserted */
	long n;             /* round trips completed */
};

/* How many round trips the well-behaved client completes while others abuse the server: the
 * abusers stop only when it has. */
static unsigned busy_round_trips(void)
{
	return test_scaled_down(1000, 100);
}

/* n round trips (phoneGetData of 16 bytes), every one of which must succeed. The hang guard: a
 * client that cannot complete them within a minute (stretched for slow builds) is starved. When
 * rss is not NULL, tapisrv's VmRSS is sampled meanwhile and its maximum stored there. */
static struct latency probe_n(struct probe *p, unsigned n, long *rss)
{
	long *t = calloc(n ? n : 1, sizeof(long));
	long give_up = now_us() + (long)test_deadline_ms(60000) * 1000L;
	struct latency l = { 0 };
	char buf[16];
	unsigned i;

	assert_non_null(t);
	for (i = 0; i < n; i++) {
		long t0 = now_us();

		assert_int_equal(phoneGetData(p->phone, 0, buf, sizeof(buf)), 0);
		t[i] = now_us() - t0;
		if (rss && i % 64 == 0) {
			long r = proc_rss_kib(server.pid);

			*rss = r > *rss ? r : *rss;
		}
		if (t0 > give_up)
			fail_msg("the well-behaved client completed only %u of %u round trips in %u ms: "
				 "starved", i + 1, n, test_deadline_ms(60000));
	}
	if (n) {
		qsort(t, n, sizeof(long), cmp_long);
		l = (struct latency){ t[n / 2], t[n * 99 / 100], t[n - 1], (long)n };
	}
	free(t);
	return l;
}

static void print_latency(const char *what, struct latency l)
{
	printf("# %-40s p50 %6ld us  p99 %6ld us  max %6ld us  (%ld round trips)\n", what, l.p50,
	       l.p99, l.max, l.n);
}

/* A pipe that tells abusers when to stop: they poll the read end; the parent closes the write
 * end once its client is done. */
struct stop_pipe {
	int r, w;
};

static void stop_pipe_open(struct stop_pipe *sp)
{
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	sp->r = fds[0], sp->w = fds[1];
}

/* ---- children ------------------------------------------------------------------------------ */

/* A forked child running fn(arg); fails the test when fork does. */
static pid_t spawn_child(int (*fn)(void *), void *arg)
{
	pid_t pid = test_fork(fn, arg);

	assert_true(pid >= 0);
	return pid;
}

/* Warnings and errors the server logged about a peer of this pid. */
static unsigned offender_lines(pid_t pid)
{
	char who[48];
	const char *warn[] = { who, " warn: ", NULL }, *err[] = { who, " error: ", NULL };

	snprintf(who, sizeof(who), "pid %d uid", (int)pid);
	return count_lines(server.log, warn) + count_lines(server.log, err);
}

/* ---- offenders: each connects, misbehaves and expects the server to hang up --------------- */

static int hello_frame(uint8_t *buf, size_t cap, uint32_t seq, uint32_t version)
{
	struct ot_wire_frame f = { .opcode = OT_WIRE_HELLO, .seq = seq,
				   OT_WIRE_FIELDS(OT_WIRE_MAGIC, version, 1) };

	return (int)ot_wire_encode(buf, cap, &f);
}

/* After the offence: the server sends GOODBYE(PROTOCOL) (if want_bye) and closes. */
static int expect_hangup(struct raw *r, int want_bye)
{
	if (!raw_drain(r, 5000))
		return 20; /* still connected after 5 s */
	if (want_bye && r->goodbye != OT_WIRE_BYE_PROTOCOL)
		return 21;
	return 0;
}

enum offence {
	GARBAGE,
	HUGE_LENGTH,
	ONE_PAST_MAX,
	TOO_SHORT,
	RESERVED_BITS,
	UNKNOWN_OPCODE,
	BEFORE_HELLO,
	HELLO_TWICE,
	REPLY_TO_SERVER,
	BAD_MAGIC,
	BAD_VERSION,
	FD_FLAG_NO_FD,
	FD_UNSEALED,
	GET_DATA_TOO_BIG,
	BAD_DWORD,
	NUM_PROTOCOL_OFFENCES,
	/* broken rather than hostile: they hang up themselves */
	HALF_HEADER = NUM_PROTOCOL_OFFENCES,
	HALF_PAYLOAD,
	NUM_OFFENCES
};

static const char *const offence_names[NUM_OFFENCES] = {
	"garbage", "huge declared length", "one byte past the largest frame", "size below 16",
	"reserved field set", "unknown opcode", "valid frame before HELLO", "HELLO twice",
	"a REPLY sent to the server", "HELLO with a bad magic", "HELLO with version 99",
	"FD flag without a descriptor", "a memfd without seals", "inline GET_DATA over 64 KiB",
	"32-bit field over 2^32", "half a header, then gone", "half a 64 KiB payload, then gone",
};

/* Commits offence o on a new connection; returns 0 when the server reacted as it should. */
static int offend_with(struct raw *rp, enum offence o);

static int offend_once(enum offence o)
{
	static struct raw r;
	int rc = offend_with(&r, o);

	raw_close(&r);
	return rc;
}

static int offend(void *arg)
{
	return offend_once((enum offence)(intptr_t)arg);
}

static int offend_with(struct raw *rp, enum offence o)
{
	uint8_t buf[OT_WIRE_MAX_HEAD + 64];
	struct ot_wire_frame f;
	int n, memfd;

	if (raw_open(rp, server.socket) < 0)
		return 10;
	if (o != BEFORE_HELLO && o != GARBAGE && o != HUGE_LENGTH && o != ONE_PAST_MAX &&
	    o != TOO_SHORT && o != RESERVED_BITS && o != BAD_MAGIC && o != BAD_VERSION &&
	    o != HALF_HEADER && raw_hello(rp) != 0)
		return 11;
	switch (o) {
	case GARBAGE: {
		uint8_t junk[4096];
		uint64_t x = 0x9E3779B97F4A7C15ull ^ (uint64_t)getpid();

		for (size_t i = 0; i < sizeof(junk); i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			junk[i] = (uint8_t)x;
		}
		junk[0] = 0x40; /* a plausible size so that the header, not the length, is refused */
		junk[1] = junk[2] = junk[3] = 0;
		if (raw_send_bytes(rp->fd, junk, sizeof(junk)) < 0)
			return 12;
		return expect_hangup(rp, 1);
	}
	case HUGE_LENGTH:
	case ONE_PAST_MAX:
	case TOO_SHORT:
	case RESERVED_BITS: {
		uint32_t size = o == HUGE_LENGTH ? 0xFFFFFFF0u : o == ONE_PAST_MAX ? OT_WIRE_MAX_FRAME + 1 : 12;

		n = hello_frame(buf, sizeof(buf), 1, OT_WIRE_PROTO_VERSION);
		if (o == RESERVED_BITS)
			buf[12] = 1;
		else
			memcpy(buf, &size, 4);
		if (raw_send_bytes(rp->fd, buf, (size_t)n) < 0)
			return 12;
		return expect_hangup(rp, 1);
	}
	case UNKNOWN_OPCODE:
		n = hello_frame(buf, sizeof(buf), 2, OT_WIRE_PROTO_VERSION);
		buf[4] = 0x77, buf[5] = 0x07;
		if (raw_send_bytes(rp->fd, buf, (size_t)n) < 0)
			return 12;
		return expect_hangup(rp, 1);
	case BEFORE_HELLO:
		f = (struct ot_wire_frame){ .opcode = OT_WIRE_OPEN,
					    OT_WIRE_FIELDS(1u << 20, 0, 0x00020002, 0, 0,
							   PHONEPRIVILEGE_OWNER) };
		raw_call(rp, &f, -1, 5000);
		return expect_hangup(rp, 1);
	case HELLO_TWICE:
		raw_hello(rp);
		return expect_hangup(rp, 1);
	case REPLY_TO_SERVER:
		f = (struct ot_wire_frame){ .opcode = OT_WIRE_REPLY, .seq = 7, .reply_to = OT_WIRE_CLOSE,
					    OT_WIRE_FIELDS(0) };
		if (raw_send_frame(rp->fd, &f, -1) < 0)
			return 12;
		return expect_hangup(rp, 1);
	case BAD_MAGIC:
	case BAD_VERSION:
		f = (struct ot_wire_frame){ .opcode = OT_WIRE_HELLO,
					    OT_WIRE_FIELDS(o == BAD_MAGIC ? 0x12345678u : OT_WIRE_MAGIC,
							   o == BAD_MAGIC ? OT_WIRE_PROTO_VERSION : 99, 1) };
		if (raw_call(rp, &f, -1, 5000) != (LONG)PHONEERR_INCOMPATIBLEAPIVERSION)
			return 13;
		return expect_hangup(rp, 0);
	case FD_FLAG_NO_FD:
	case FD_UNSEALED:
		/* A payload the sender could still change while the server reads it. */
		f = (struct ot_wire_frame){ .opcode = OT_WIRE_SET_DATA, .flags = OT_WIRE_FLAG_FD,
					    .seq = 2, OT_WIRE_FIELDS(1u << 20, 0, 100000) };
		memfd = memfd_create("unsealed", MFD_CLOEXEC);
		if (memfd < 0 || ftruncate(memfd, 100000) < 0)
			return 12;
		n = raw_send_frame(rp->fd, &f, o == FD_UNSEALED ? memfd : -1);
		close(memfd);
		if (n < 0)
			return 12;
		return expect_hangup(rp, 1);
	case GET_DATA_TOO_BIG:
		f = (struct ot_wire_frame){ .opcode = OT_WIRE_GET_DATA,
					    OT_WIRE_FIELDS(1u << 20, 1, OT_WIRE_INLINE_MAX + 1) };
		raw_call(rp, &f, -1, 5000);
		return expect_hangup(rp, 1);
	case BAD_DWORD:
		f = (struct ot_wire_frame){ .opcode = OT_WIRE_CLOSE, .seq = 2, OT_WIRE_FIELDS(5) };
		n = (int)ot_wire_encode(buf, sizeof(buf), &f);
		buf[16 + 5] = 1; /* bit 40 of the 32-bit hphone */
		if (raw_send_bytes(rp->fd, buf, (size_t)n) < 0)
			return 12;
		return expect_hangup(rp, 1);
	case HALF_HEADER:
		n = hello_frame(buf, sizeof(buf), 1, OT_WIRE_PROTO_VERSION);
		if (raw_send_bytes(rp->fd, buf, 10) < 0)
			return 12;
		break;
	case HALF_PAYLOAD: {
		/* The request never arrives whole, so its handle does not matter. */
		static uint8_t big[OT_WIRE_MAX_HEAD + 65536], payload[65536];

		f = (struct ot_wire_frame){ .opcode = OT_WIRE_SET_DATA, .seq = 9,
					    OT_WIRE_FIELDS(1u << 20, 1, 65536) };
		f.var = payload;
		f.var_len = sizeof(payload);
		n = (int)ot_wire_encode(big, sizeof(big), &f);
		if (n <= 0 || raw_send_bytes(rp->fd, big, (size_t)n / 2) < 0)
			return 12;
		break;
	}
	default:
		return 15;
	}
	return 0;
}

/* Commits every offence, one after another, until the stop pipe says so (at least one round);
 * says "r" on ready after the first round. Exit status: the number of offences the server did
 * not answer as it should (capped). */
struct storm {
	int ready;
	struct stop_pipe stop;
};

static int storm(void *arg)
{
	struct storm *st = arg;
	struct pollfd stop = { st->stop.r, POLLIN, 0 };
	int bad = 0, rounds = 0;

	close(st->stop.w);
	do {
		for (int o = 0; o < NUM_OFFENCES; o++)
			if (offend_once((enum offence)o) != 0) {
				fprintf(stderr, "storm: offence '%s' not handled as expected\n",
					offence_names[o]);
				bad++;
			}
		if (rounds++ == 0 && write(st->ready, "r", 1) != 1)
			return 101;
	} while (poll(&stop, 1, 0) == 0);
	printf("# storm: %d rounds of %d offences\n", rounds, NUM_OFFENCES);
	fflush(stdout);
	return bad > 100 ? 100 : bad;
}

static void hostile_frames_drop_only_their_sender(void **state)
{
	pid_t pids[NUM_OFFENCES], pid;
	struct storm st;
	struct probe p;
	struct latency quiet, busy;
	long rss0, rss_busy = 0, rss_after;
	int i, bad = 0, ready[2];
	char c;

	(void)state;
	/* Each offence once, by its own process: what the server answers. */
	for (i = 0; i < NUM_OFFENCES; i++)
		pids[i] = spawn_child(offend, (void *)(intptr_t)i);
	for (i = 0; i < NUM_OFFENCES; i++) {
		int rc = test_reap(pids[i]);

		if (rc != 0) {
			printf("# offender '%s' (pid %d): exit %d\n", offence_names[i], (int)pids[i], rc);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* Then all of them over and over, until the well-behaved client has completed its round
	 * trips, each of which must succeed. */
	probe_start(&p);
	quiet = probe_n(&p, busy_round_trips(), NULL);
	rss0 = proc_rss_kib(server.pid);
	assert_int_equal(pipe(ready), 0);
	st.ready = ready[1];
	stop_pipe_open(&st.stop);
	pid = spawn_child(storm, &st);
	close(ready[1]);
	close(st.stop.r);
	assert_int_equal(read(ready[0], &c, 1), 1); /* a whole round is done: the storm is on */
	close(ready[0]);
	busy = probe_n(&p, busy_round_trips(), &rss_busy);
	close(st.stop.w);
	assert_int_equal(test_reap(pid), 0);
	usleep(100000);
	rss_after = proc_rss_kib(server.pid);
	print_latency("quiet", quiet);
	print_latency("during a storm of broken frames", busy);
	printf("# tapisrv VmRSS: %ld KiB before, %ld KiB at most during the storm, %ld KiB after\n",
	       rss0, rss_busy, rss_after);
	/* The offenders hold no state once dropped: 8 MiB covers the allocator's caches. */
	if (memory_is_measurable())
		assert_true(rss_after - rss0 < 8192);
	probe_stop(&p);
}

/* The server logs each protocol offender exactly once (and a client that merely hangs up
 * mid-message at most once). */
static void each_offender_is_logged_once(void **state)
{
	pid_t pids[NUM_OFFENCES];
	unsigned lines[NUM_OFFENCES];
	int i, bad = 0;

	(void)state;
	for (i = 0; i < NUM_OFFENCES; i++)
		pids[i] = spawn_child(offend, (void *)(intptr_t)i);
	for (i = 0; i < NUM_OFFENCES; i++)
		assert_int_equal(test_reap(pids[i]), 0);
	/* The server logs when it drops the peer; the last drop may trail the child's exit. */
	for (i = 0; i < 200; i++) {
		if (offender_lines(pids[NUM_PROTOCOL_OFFENCES - 1]) > 0)
			break;
		usleep(10000);
	}
	usleep(100000);
	for (i = 0; i < NUM_OFFENCES; i++) {
		lines[i] = offender_lines(pids[i]);
		printf("# %-35s logged %u time(s)\n", offence_names[i], lines[i]);
		if (i < NUM_PROTOCOL_OFFENCES ? lines[i] != 1 : lines[i] > 1)
			bad++;
	}
	if (bad)
		printf("# %d kind(s) of offender not logged exactly once (see %s)\n", bad, server.log);
	assert_int_equal(bad, 0);
}

/* ---- other clients' handles ------------------------------------------------------------- */

static void handles_of_other_clients_never_resolve(void **state)
{
	struct raw *a = &rc_a, *b = &rc_b;
	uint32_t app_a, app_b, ph_a, mine;
	struct ot_wire_frame f;
	unsigned idx, gen, probes = 0;
	char secret[] = "secret of A";

	(void)state;
	assert_int_equal(raw_open(a, server.socket), 0);
	assert_int_equal(raw_open(b, server.socket), 0);
	assert_int_equal(raw_hello(a), 0);
	assert_int_equal(raw_hello(b), 0);
	assert_int_equal(raw_app_new(a, "A", 0xA, &app_a), 0);
	assert_int_equal(raw_open_phone(a, app_a, 0, PHONEPRIVILEGE_OWNER, &ph_a), 0);
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_SET_DATA, OT_WIRE_FIELDS(ph_a, 0, sizeof(secret)) };
	f.var = (const uint8_t *)secret;
	f.var_len = sizeof(secret);
	assert_true(raw_call(a, &f, -1, 5000) > 0);
	assert_int_equal(raw_app_new(b, "B", 0xB, &app_b), 0);

#define B_CALL(expect, ...)                                                                        \
	do {                                                                                       \
		struct ot_wire_frame g_ = { __VA_ARGS__ };                                          \
		assert_int_equal(raw_call(b, &g_, -1, 5000), expect);                             \
	} while (0)
	/* A's phone handle, in every request that takes one. */
	B_CALL((LONG)PHONEERR_INVALPHONEHANDLE, .opcode = OT_WIRE_CLOSE, OT_WIRE_FIELDS(ph_a));
	B_CALL((LONG)PHONEERR_INVALPHONEHANDLE, .opcode = OT_WIRE_GET_DATA, OT_WIRE_FIELDS(ph_a, 0, 12));
	B_CALL((LONG)PHONEERR_INVALPHONEHANDLE, .opcode = OT_WIRE_GET_STATUS, OT_WIRE_FIELDS(ph_a, 4096));
	B_CALL((LONG)PHONEERR_INVALPHONEHANDLE, .opcode = OT_WIRE_SET_STATUS_MESSAGES,
	       OT_WIRE_FIELDS(ph_a, PHONESTATE_OWNER, 0, 0));
	B_CALL((LONG)PHONEERR_INVALPHONEHANDLE, .opcode = OT_WIRE_GET_STATUS_MESSAGES, OT_WIRE_FIELDS(ph_a));
	B_CALL((LONG)PHONEERR_INVALPHONEHANDLE, .opcode = OT_WIRE_SET_DATA, OT_WIRE_FIELDS(ph_a, 0, 5),
	       .var = (const uint8_t *)"evil", .var_len = 5);
	B_CALL((LONG)PHONEERR_INVALPHONEHANDLE, .opcode = OT_WIRE_DEV_SPECIFIC, OT_WIRE_FIELDS(ph_a, 8),
	       .var = (const uint8_t *)"suspend", .var_len = 8);
	/* A's app handle, in every request that takes one. */
	B_CALL((LONG)PHONEERR_INVALAPPHANDLE, .opcode = OT_WIRE_OPEN,
	       OT_WIRE_FIELDS(app_a, 0, 0x00020002, 0, 0, PHONEPRIVILEGE_MONITOR));
	B_CALL((LONG)PHONEERR_INVALAPPHANDLE, .opcode = OT_WIRE_NEGOTIATE_API,
	       OT_WIRE_FIELDS(app_a, 0, 0x00010003, 0x00020002));
	B_CALL((LONG)PHONEERR_INVALAPPHANDLE, .opcode = OT_WIRE_NEGOTIATE_EXT,
	       OT_WIRE_FIELDS(app_a, 0, 0x00020002, 0, 0));
	B_CALL((LONG)PHONEERR_INVALAPPHANDLE, .opcode = OT_WIRE_GET_DEV_CAPS,
	       OT_WIRE_FIELDS(app_a, 0, 0x00020002, 0, 4096));
	B_CALL((LONG)PHONEERR_INVALAPPHANDLE, .opcode = OT_WIRE_APP_FREE, OT_WIRE_FIELDS(app_a));

	/* Every small handle value (slots 0-63, generations 0-7): none is B's to use, as a phone
	 * or (but its own app) as an app. */
	for (idx = 0; idx < 64; idx++)
		for (gen = 0; gen < 8; gen++) {
			uint32_t h = gen << 20 | idx;

			B_CALL((LONG)PHONEERR_INVALPHONEHANDLE, .opcode = OT_WIRE_GET_STATUS_MESSAGES,
			       OT_WIRE_FIELDS(h));
			if (h != app_b)
				B_CALL((LONG)PHONEERR_INVALAPPHANDLE, .opcode = OT_WIRE_NEGOTIATE_API,
				       OT_WIRE_FIELDS(h, 0, 0x00010003, 0x00020002));
			probes += 2;
		}
	printf("# %u handle values tried by the other client: none resolved\n", probes);

	/* B may have the same phone, through its own handle; A's is untouched. */
	assert_int_equal(raw_open_phone(b, app_b, 0, PHONEPRIVILEGE_MONITOR, &mine), 0);
	assert_int_not_equal(mine, ph_a);
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_GET_DATA, OT_WIRE_FIELDS(ph_a, 0, sizeof(secret)) };
	assert_int_equal(raw_call(a, &f, -1, 5000), 0);
	assert_int_equal(a->var_len, sizeof(secret));
	assert_memory_equal(a->var, secret, sizeof(secret));
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_GET_STATUS_MESSAGES, OT_WIRE_FIELDS(ph_a) };
	assert_int_equal(raw_call(a, &f, -1, 5000), 0);
	/* A's handle is still A's after B closed its own. */
	B_CALL(0, .opcode = OT_WIRE_CLOSE, OT_WIRE_FIELDS(mine));
	B_CALL((LONG)PHONEERR_INVALPHONEHANDLE, .opcode = OT_WIRE_CLOSE, OT_WIRE_FIELDS(mine));
	assert_int_equal(raw_call(a, &f, -1, 5000), 0);
#undef B_CALL
	raw_close(a);
	raw_close(b);
}

/* ---- clients that flood and never read -------------------------------------------------- */

struct flood {
	enum raw_flood_kind kind;
	int ready;             /* "r" when connected the first time */
	int report;            /* then the number of drops */
	struct stop_pipe stop; /* until the parent closes it (one pipe for all flooders: each
				  child holds a copy of what the parent has open when it forks) */
};

static int flooder(void *arg)
{
	struct flood *fl = arg;

	close(fl->stop.w);
	return raw_flooder(server.socket, fl->kind, fl->ready, fl->stop.r, fl->report,
			   test_deadline_ms(10000));
}

/* Two clients send requests and never read their replies, reconnecting each time they are
 * dropped, for as long as the well-behaved client needs for its round trips: every flooder
 * connection is dropped and logged once, the well-behaved client is not starved, and tapisrv's
 * memory stays bounded and comes back. */
static void flooders_are_dropped_and_memory_stays_bounded(void **state)
{
	struct flood fl[2] = { { .kind = RAW_FLOOD_SMALL_WRITES }, { .kind = RAW_FLOOD_BIG_READS } };
	int ready[2][2], report[2][2], drops[2];
	struct stop_pipe stop;
	pid_t pids[2];
	struct probe p;
	struct latency quiet, busy, after;
	long rss0, rss_busy = 0, rss_after, max_out;
	int i;

	(void)state;
	probe_start(&p);
	quiet = probe_n(&p, busy_round_trips(), NULL);
	rss0 = proc_rss_kib(server.pid);
	stop_pipe_open(&stop);
	for (i = 0; i < 2; i++) {
		char c;

		assert_int_equal(pipe(ready[i]), 0);
		assert_int_equal(pipe(report[i]), 0);
		fl[i].ready = ready[i][1];
		fl[i].report = report[i][1];
		fl[i].stop = stop;
		pids[i] = spawn_child(flooder, &fl[i]);
		close(ready[i][1]);
		close(report[i][1]);
		assert_int_equal(read(ready[i][0], &c, 1), 1);
		close(ready[i][0]);
	}
	close(stop.r);
	busy = probe_n(&p, busy_round_trips(), &rss_busy);
	close(stop.w);
	for (i = 0; i < 2; i++) {
		assert_int_equal(test_reap(pids[i]), 0);
		assert_int_equal(read(report[i][0], &drops[i], sizeof(int)), (ssize_t)sizeof(int));
		close(report[i][0]);
	}
	after = probe_n(&p, 100, NULL);
	usleep(100000);
	rss_after = proc_rss_kib(server.pid);
	print_latency("quiet", quiet);
	print_latency("while two clients flood", busy);
	print_latency("after they were dropped", after);
	printf("# flooders dropped %d times (8-byte writes) and %d times (64 KiB reads)\n", drops[0],
	       drops[1]);
	printf("# tapisrv VmRSS: %ld KiB before, %ld KiB at most while flooded, %ld KiB after\n",
	       rss0, rss_busy, rss_after);
	/* Each connection of a flooder is dropped and logged exactly once. */
	for (i = 0; i < 2; i++) {
		char who[48];
		const char *t[] = { who, "stopped reading its events", NULL };

		assert_true(drops[i] >= 1);
		snprintf(who, sizeof(who), "pid %d uid", (int)pids[i]);
		assert_int_equal(count_lines(server.log, t), (unsigned)drops[i]);
		assert_int_equal(offender_lines(pids[i]), (unsigned)drops[i]);
	}
	/* Each flooder may make the server hold max_out bytes of unsent output (events_per_client
	 * x 80 + one largest frame) plus its input buffer of one largest frame: about 520 KiB. Allow
	 * twice that per flooder, and 8 MiB for the allocator. */
	max_out = (16 * 80 + OT_WIRE_MAX_FRAME) / 1024 + OT_WIRE_MAX_FRAME / 1024;
	if (memory_is_measurable()) {
		assert_true(rss_busy - rss0 < 2 * 2 * max_out + 8192);
		assert_true(rss_after - rss0 < 8192);
	}
	probe_stop(&p);
}

/* ---- a crowd of connections ------------------------------------------------------------- */

struct crowd {
	int n;
	int ready, stop;    /* pipes to and from the parent */
	int parents_ends[2]; /* closed in the child, so that `stop` sees the parent's close */
};

/* Opens n connections, says HELLO on each, then keeps them all busy (one small request at a
 * time, round robin) until the parent closes `stop`. */
static int crowd_main(void *arg)
{
	struct crowd *c = arg;
	int *fds = calloc((size_t)c->n, sizeof(int));
	uint8_t buf[OT_WIRE_MAX_HEAD + 300];
	struct pollfd stop = { c->stop, POLLIN, 0 };
	int i, n, open_count = 0;
	long sent = 0;

	close(c->parents_ends[0]);
	close(c->parents_ends[1]);
	if (!fds)
		return 10;
	n = hello_frame(buf, sizeof(buf), 1, OT_WIRE_PROTO_VERSION);
	for (i = 0; i < c->n; i++) {
		fds[i] = raw_connect_fd(server.socket);
		if (fds[i] < 0)
			return 11;
		if (raw_send_bytes(fds[i], buf, (size_t)n) < 0)
			return 12;
		open_count++;
	}
	for (i = 0; i < c->n; i++) { /* every HELLO answered */
		uint8_t in[OT_WIRE_MAX_HEAD + 300];
		size_t have = 0;
		long size = 0;

		while (size <= 0 || (size_t)size > have) {
			ssize_t r = recv(fds[i], in + have, sizeof(in) - have, 0);

			if (r <= 0)
				return 13;
			have += (size_t)r;
			size = ot_wire_frame_size(in, have);
			if (size < 0)
				return 14;
		}
	}
	if (write(c->ready, &open_count, sizeof(open_count)) != (ssize_t)sizeof(open_count))
		return 15;
	while (poll(&stop, 1, 0) == 0) {
		struct ot_wire_frame f = { .opcode = OT_WIRE_GET_STATUS_MESSAGES, .seq = 2,
					   OT_WIRE_FIELDS(0) };
		uint8_t in[OT_WIRE_MAX_HEAD];
		int k = (int)(sent++ % c->n);
		long m = ot_wire_encode(buf, sizeof(buf), &f);

		if (raw_send_bytes(fds[k], buf, (size_t)m) < 0 || recv(fds[k], in, sizeof(in), 0) <= 0)
			return 16;
	}
	for (i = 0; i < c->n; i++)
		close(fds[i]);
	free(fds);
	return 0;
}

static int raise_nofile(int want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	if (rl.rlim_cur < (rlim_t)want) {
		if (rl.rlim_max < (rlim_t)want && geteuid() == 0)
			rl.rlim_max = (rlim_t)want;
		rl.rlim_cur = rl.rlim_max < (rlim_t)want ? rl.rlim_max : (rlim_t)want;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return (int)rl.rlim_cur;
}

/* One crowd: connects, measures the well-behaved client while the crowd is busy, lets it go. */
static void one_crowd(struct probe *p, int n, struct latency *busy, long *rss_busy,
		      long *rss_after)
{
	struct crowd c = { .n = n };
	int to_child[2], from_child[2], opened = 0;
	pid_t pid;

	assert_int_equal(pipe(to_child), 0);
	assert_int_equal(pipe(from_child), 0);
	c.ready = from_child[1];
	c.stop = to_child[0];
	c.parents_ends[0] = from_child[0];
	c.parents_ends[1] = to_child[1];
	pid = spawn_child(crowd_main, &c);
	close(from_child[1]);
	close(to_child[0]);
	assert_int_equal(read(from_child[0], &opened, sizeof(opened)), (ssize_t)sizeof(opened));
	assert_int_equal(opened, n);
	*rss_busy = 0;
	*busy = probe_n(p, busy_round_trips(), rss_busy);
	close(to_child[1]);
	assert_int_equal(test_reap(pid), 0);
	close(from_child[0]);
	/* The server has seen every hang-up once a new client is served after them. */
	(void)probe_n(p, 1, NULL);
	usleep(100000);
	*rss_after = proc_rss_kib(server.pid);
}

static void a_crowd_of_connections_keeps_latency_and_memory_bounded(void **state)
{
	struct probe p;
	struct latency quiet, busy1, busy2, after;
	long rss0, peak1, after1, peak2, after2;
	int n;

	(void)state;
	/* The limit was raised in main() before the server started; the server and the crowd
	 * inherit it. Leave room for the test's own descriptors. */
	n = raise_nofile(CROWD + 200) - 100;
	n = n > CROWD ? CROWD : n;
	printf("# RLIMIT_NOFILE allows %d connections\n", n);
	probe_start(&p);
	quiet = probe_n(&p, busy_round_trips(), NULL);
	rss0 = proc_rss_kib(server.pid);
	one_crowd(&p, n, &busy1, &peak1, &after1);
	one_crowd(&p, n, &busy2, &peak2, &after2);
	after = probe_n(&p, busy_round_trips(), NULL);
	print_latency("quiet", quiet);
	print_latency("with the crowd connected and busy", busy1);
	print_latency("with a second crowd", busy2);
	print_latency("after the crowds left", after);
	printf("# tapisrv VmRSS: %ld KiB before; crowd 1: %ld KiB (%ld B per connection), %ld KiB "
	       "after; crowd 2: %ld KiB, %ld KiB after\n", rss0, peak1, (peak1 - rss0) * 1024 / n,
	       after1, peak2, after2);
	/* A connection costs the server its state and the touched pages of its input buffer (the
	 * rest of that 256 KiB buffer is never touched): about 10 KiB. Allow 64 KiB each. What the
	 * allocator keeps after the crowd leaves is reused by the next one: a second crowd must not
	 * need more than the first (1 MiB of slack), which is what bounded means here. */
	if (memory_is_measurable()) {
		assert_true(peak1 - rss0 < 64L * n);
		assert_true(peak2 <= peak1 + 1024);
		assert_true(after2 <= after1 + 1024);
	}
	probe_stop(&p);
}

/* ---- running out of descriptors ---------------------------------------------------------- */

static int setup_few_fds(void **state)
{
	struct rlimit rl, low;
	int rc;

	(void)state;
	getrlimit(RLIMIT_NOFILE, &rl);
	low = rl;
	low.rlim_cur = 40;
	setrlimit(RLIMIT_NOFILE, &low);
	rc = srv_start(&server, CONFIG);
	setrlimit(RLIMIT_NOFILE, &rl);
	return rc == 0 ? 0 : -1;
}

/* How many of `samples` looks at tapisrv's main thread, 1 ms apart, found it asleep. A server
 * that spins is running or waiting for a CPU ('R') whenever it is looked at, however fast or
 * loaded the machine is; one that waits for its next event is asleep ('S'). */
static int asleep_samples(int samples)
{
	int asleep = 0;

	for (int i = 0; i < samples; i++) {
		asleep += proc_state(server.pid) == 'S';
		usleep(1000);
	}
	return asleep;
}

/* tapisrv with a descriptor limit of 40 and 80 connections waiting: it must neither spin on
 * accept() nor log each failure, and it serves again once they are gone. Its CPU time at the
 * limit is a figure of `make bench` (bench/hostile.c). */
static void at_the_descriptor_limit_the_server_neither_spins_nor_floods_its_log(void **state)
{
	const char *accept_lines[] = { "accept: ", NULL };
	int fds[80], i, n = 0, asleep;
	unsigned lines;
	struct probe p;

	(void)state;
	if (test_scale() > 1)
		test_skip_outside("under valgrind the server's descriptor limit is valgrind's own, "
				  "not the one this test sets");
	for (i = 0; i < 80; i++) {
		fds[i] = raw_connect_fd(server.socket);
		if (fds[i] >= 0)
			n++;
	}
	printf("# %d connections made against a limit of 40 descriptors\n", n);
	assert_true(srv_wait_log(&server, "accept: "));
	/* Under valgrind an idle process is still woken now and then by valgrind itself: half
	 * the samples asleep is far from a spin's none. */
	asleep = asleep_samples(200);
	lines = count_lines(server.log, accept_lines);
	printf("# tapisrv found asleep in %d of 200 looks; %u accept failures logged\n", asleep,
	       lines);
	for (i = 0; i < 80; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	probe_start(&p);
	(void)probe_n(&p, 1, NULL);
	probe_stop(&p);
	assert_true(asleep >= 100);
	assert_true(lines >= 1 && lines <= 10);
}

/* ---- permissions (root only) ------------------------------------------------------------- */

struct identity {
	uid_t uid;
	gid_t gid;
	gid_t groups[2];
	int ngroups;
};

static int become(const struct identity *id)
{
	return setgroups((size_t)id->ngroups, id->groups) == 0 && setgid(id->gid) == 0 &&
			       setuid(id->uid) == 0
		       ? 0
		       : -1;
}

static int connect_as(void *arg)
{
	const struct identity *id = arg;
	int fd;

	if (become(id) < 0)
		return 10;
	fd = raw_connect_fd(server.socket);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return fd == -EACCES ? 1 : 11;
}

static uid_t nobody_uid(gid_t *gid)
{
	struct passwd *pw = getpwnam("nobody");

	*gid = pw ? pw->pw_gid : 65534;
	return pw ? pw->pw_uid : 65534;
}

static void a_peer_outside_the_allowed_group_cannot_connect(void **state)
{
	struct identity nobody = { 0 }, root = { 0, 0, { 0 }, 0 };
	struct group *g = getgrnam("opentapi");
	struct stat st;

	(void)state;
	if (geteuid() != 0)
		test_skip_outside("needs root (to run tapisrv as the system server and switch users)");
	nobody.uid = nobody_uid(&nobody.gid);
	/* The test's directory is 0700: open it, so that only the socket's own mode decides. */
	assert_int_equal(chmod(server.dir, 0755), 0);
	assert_int_equal(stat(server.socket, &st), 0);
	printf("# socket mode %o, group %u ('opentapi' %s)\n", (unsigned)(st.st_mode & 0777),
	       (unsigned)st.st_gid, g ? "exists" : "does not exist");
	assert_int_equal(test_reap(spawn_child(connect_as, &nobody)), 1); /* EACCES */
	assert_int_equal(test_reap(spawn_child(connect_as, &root)), 0);
	if (g) {
		struct identity member = nobody;

		member.groups[0] = g->gr_gid;
		member.ngroups = 1;
		assert_int_equal(test_reap(spawn_child(connect_as, &member)), 0);
	}
}

#define OWNER_GID 4242
#define OTHER_GID 4343

static int setup_owners(void **state)
{
	(void)state;
	if (srv_start(&server, "[phone \"A\"]\nprovider = sim\ndata_areas = 64\ndurable = no\n"
			       "owners = @4242\n") != 0)
		return -1;
	/* Let unprivileged children reach the socket: ownership is what is tested here. */
	chmod(server.dir, 0755);
	chmod(server.socket, 0666);
	return 0;
}

static int try_own(void *arg)
{
	const struct identity *id = arg;
	PHONEINITIALIZEEXPARAMS p = { .dwTotalSize = sizeof(p),
				      .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD n, v = 0x00020002;
	HPHONEAPP app;
	HPHONE h;
	LONG rc;

	if (become(id) < 0)
		return 10;
	rc = phoneInitializeExA(&app, NULL, NULL, "owner?", &n, &v, &p);
	if (rc != 0) {
		fprintf(stderr, "uid %u: phoneInitializeEx: 0x%08x\n", (unsigned)getuid(), (unsigned)rc);
		return 11;
	}
	rc = phoneOpen(app, 0, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER);
	if (rc != 0 && rc != (LONG)PHONEERR_INVALPRIVILEGE)
		return 12;
	if (rc != 0 && phoneOpen(app, 0, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_MONITOR) != 0)
		return 13; /* monitoring stays open to everyone */
	phoneShutdown(app);
	return rc == 0 ? 0 : 1;
}

static void owner_groups_decide_who_may_own(void **state)
{
	const char *refused[] = { "may not own", NULL };
	struct identity in_group = { 0 }, other_group, primary, uid_like_gid;
	gid_t nogroup;
	uid_t nobody = nobody_uid(&nogroup);

	(void)state;
	if (geteuid() != 0)
		test_skip_outside("needs root (to run tapisrv as the system server and switch users)");
	in_group = (struct identity){ nobody, nogroup, { OWNER_GID }, 1 };
	other_group = (struct identity){ nobody, nogroup, { OTHER_GID }, 1 };
	primary = (struct identity){ nobody, OWNER_GID, { 0 }, 0 };
	uid_like_gid = (struct identity){ OWNER_GID, nogroup, { 0 }, 0 };
	assert_int_equal(test_reap(spawn_child(try_own, &in_group)), 0);
	assert_int_equal(test_reap(spawn_child(try_own, &other_group)), 1);
	assert_int_equal(test_reap(spawn_child(try_own, &primary)), 0);
	assert_int_equal(test_reap(spawn_child(try_own, &uid_like_gid)), 1);
	assert_true(srv_wait_log(&server, "may not own"));
	usleep(100000);
	assert_int_equal(count_lines(server.log, refused), 2);
}

/* test_hostile [PATTERN]: only the tests whose name matches PATTERN (cmocka's filter). */
int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(hostile_frames_drop_only_their_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(each_offender_is_logged_once, setup, teardown),
		cmocka_unit_test_setup_teardown(handles_of_other_clients_never_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(flooders_are_dropped_and_memory_stays_bounded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_crowd_of_connections_keeps_latency_and_memory_bounded,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			at_the_descriptor_limit_the_server_neither_spins_nor_floods_its_log,
			setup_few_fds, teardown),
		cmocka_unit_test_setup_teardown(a_peer_outside_the_allowed_group_cannot_connect, setup,
						teardown),
		cmocka_unit_test_setup_teardown(owner_groups_decide_who_may_own, setup_owners,
						teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	setenv("XDG_CONFIG_HOME", "/nonexistent-opentapi-test", 1);
	/* meson test sets it; it makes glibc fill every allocation, so that tapisrv's untouched
	 * buffers would count in its VmRSS, which is not how it runs. */
	unsetenv("MALLOC_PERTURB_");
	raise_nofile(CROWD + 200);
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
