/* SPDX-License-Identifier: MIT */
/* test_crash.c — crash durability (docs/reliability.md): tapisrv is SIGKILLed at random moments
 * while writer processes do phoneSetData on two durable sim phones, then restarted on the same
 * state directory; every data area must then hold the last acknowledged content or a later one
 * that was in flight, and never torn bytes.
 *
 * Each iteration:
 *  1. checks every area through the API (a monitor in this process) against what was
 *     acknowledged so far, and remembers what it found as the floor for later iterations;
 *  2. forks one writer per phone (it owns the phone and keeps up to 4 phoneSetData in flight on
 *     random areas with random lengths, reporting every acknowledged write through a pipe) and
 *     one reader (a monitor that checks every phoneGetData it makes: never torn, never older than
 *     what it saw before);
 *  3. SIGKILLs tapisrv after a random delay, reaps the children (they see the server vanish:
 *     error replies, PHONE_CLOSE, REINIT, and exit), collects the acknowledgements;
 *  4. in the torn-tail test, also tears the last record of one phone's journal from a random
 *     byte on (the file ends there, or the rest of the record is zeros or garbage), which models
 *     a power cut in the middle of writing it (see below);
 *  5. restarts tapisrv.
 *
 * Content of every write: a 32-byte header (magic, writer, phone, area, sequence number, length,
 * checksum of the rest) followed by bytes generated from (phone, area, seq), so that a reader can
 * tell exactly which write it sees and whether it is whole. Sequence numbers of an area only grow
 * (iteration * 1,000,000 + counter).
 *
 * The torn tail. The sim provider acknowledges a write only after the fdatasync that covers its
 * journal record, so a power cut can only tear a record that was never acknowledged. Tearing the
 * last record of a journal with the server down makes the journal look exactly like that: its
 * write is then treated as never acknowledged (even if the writer had been told it succeeded),
 * and recovery must give that area the content before it — the last acknowledged earlier write
 * or a later one that was in flight — whole, and keep every other area as the rules say.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tapi.h>

#include "tapisrv.h"

#define PHONES 2
#define AREAS 3
static const uint32_t area_size[AREAS] = { 512, 4096, 70000 }; /* the last one travels in a memfd */

#define CONFIG                                                                                   \
	"[phone \"P0\"]\nprovider = sim\ndata_areas = 512, 4096, 70000\ndurable = yes\n"         \
	"[phone \"P1\"]\nprovider = sim\ndata_areas = 512, 4096, 70000\ndurable = yes\n"

/* Divided by test_scale() under valgrind, where an iteration takes seconds. */
#define KILL_ITERATIONS 200
#define TORN_ITERATIONS 200
#define MIN_ITERATIONS 5
#define SEQ_STEP 1000000ull /* sequence numbers of iteration i: i * SEQ_STEP + 1 ... */
#define MAGIC 0x48535243u    /* "CRSH" */
#define HDR 32u
#define IN_FLIGHT 4

static struct srv server;
static HPHONEAPP live_app; /* the checking monitor, shut down by teardown if a check failed */

/* ---- content ------------------------------------------------------------------------------ */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static uint32_t checksum(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* The bytes of write (phone, area, seq) of len bytes. */
static void make_content(uint8_t *buf, uint32_t phone, uint32_t area, uint64_t seq, uint32_t len)
{
	uint64_t x = mix(seq * 31 + area * 7 + phone);
	uint32_t i;

	for (i = HDR; i < len; i += 8) {
		x = mix(x + 0x9E3779B97F4A7C15ull);
		memcpy(buf + i, &x, len - i < 8 ? len - i : 8);
	}
	put32(buf, MAGIC);
	put32(buf + 4, phone); /* the writer of a phone is its owner: writer = phone */
	put32(buf + 8, phone);
	put32(buf + 12, area);
	put64(buf + 16, seq);
	put32(buf + 24, len);
	put32(buf + 28, checksum(buf + HDR, len - HDR) ^ checksum(buf, 28));
}

/* The write an area holds: its sequence number (0 for a never-written area, all zeros), or -1
 * when the bytes are not exactly one whole write of this phone and area. */
static int64_t parse_content(const uint8_t *buf, uint32_t size, uint32_t phone, uint32_t area)
{
	static uint8_t expect[70000];
	uint32_t len, i;
	uint64_t seq;

	if (get32(buf) == 0) {
		for (i = 0; i < size; i++)
			if (buf[i])
				return -1;
		return 0;
	}
	len = get32(buf + 24);
	seq = get64(buf + 16);
	if (get32(buf) != MAGIC || get32(buf + 4) != phone || get32(buf + 8) != phone ||
	    get32(buf + 12) != area || len < HDR || len > size || seq == 0 || seq > INT64_MAX)
		return -1;
	make_content(expect, phone, area, seq, len);
	return memcmp(buf, expect, len) == 0 ? (int64_t)seq : -1;
}

/* ---- children ----------------------------------------------------------------------------- */

struct ack {
	uint32_t phone, area;
	uint64_t seq;
};

static HPHONEAPP child_init(const char *name)
{
	PHONEINITIALIZEEXPARAMS p = { .dwTotalSize = sizeof(p),
				      .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD n, v = 0x00020002;
	HPHONEAPP app = 0;

	if (phoneInitializeExA(&app, NULL, NULL, name, &n, &v, &p) != 0)
		_exit(0); /* the server is already gone */
	return app;
}

/* Owns the phone and writes until the server goes away; reports each acknowledged write. Exit
 * status: 0 when it saw the server vanish, otherwise a code naming the broken promise. */
static int writer(uint32_t phone, uint64_t first_seq, uint64_t rnd, int ack_fd)
{
	static uint8_t buf[70000];
	struct {
		LONG id;
		uint32_t area;
		uint64_t seq;
	} pending[IN_FLIGHT];
	int npending = 0;
	uint64_t seq = first_seq;
	HPHONEAPP app = child_init("crash-writer");
	HPHONE h;
	PHONEMESSAGE m;
	LONG rc;
	int k;

	rc = phoneOpen(app, phone, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER);
	if (rc != 0)
		_exit(rc == (LONG)PHONEERR_REINIT || rc == (LONG)PHONEERR_OPERATIONFAILED ? 0 : 20);
	for (;;) {
		while (npending < IN_FLIGHT) {
			uint32_t area, len;

			rnd = mix(rnd);
			area = (uint32_t)(rnd % AREAS);
			len = HDR + (uint32_t)((rnd >> 8) % (area_size[area] - HDR + 1));
			make_content(buf, phone, area, ++seq, len);
			rc = phoneSetData(h, area, buf, len);
			if (rc <= 0)
				_exit(rc == (LONG)PHONEERR_REINIT || rc == (LONG)PHONEERR_INVALPHONEHANDLE ? 0 : 21);
			pending[npending].id = rc;
			pending[npending].area = area;
			pending[npending].seq = seq;
			npending++;
		}
		if (phoneGetMessage(app, &m, 5000) != 0)
			_exit(22); /* five seconds without a word from a live server */
		if (m.dwMessageID == PHONE_STATE && m.dwParam1 == PHONESTATE_REINIT)
			_exit(0);
		if (m.dwMessageID != PHONE_REPLY)
			continue;
		for (k = 0; k < npending && pending[k].id != (LONG)m.dwParam1; k++)
			;
		if (k == npending)
			_exit(23); /* a reply to nothing we asked */
		if ((LONG)m.dwParam2 == 0) {
			struct ack a = { phone, pending[k].area, pending[k].seq };

			/* Successes come in issue order (one device); the error replies of a
			 * vanished server may come in any order. */
			if (k != 0)
				_exit(26);
			if (write(ack_fd, &a, sizeof(a)) != (ssize_t)sizeof(a))
				_exit(24);
		} else if ((LONG)m.dwParam2 != (LONG)PHONEERR_OPERATIONFAILED) {
			_exit(25);
		}
		memmove(pending + k, pending + k + 1, (size_t)(npending - k - 1) * sizeof(pending[0]));
		npending--;
	}
}

/* A monitor that reads random areas and checks each read: a whole write, never older than the
 * floor or than what it read before. */
static int reader(const int64_t floor[PHONES][AREAS], uint64_t rnd)
{
	static uint8_t buf[70000];
	int64_t seen[PHONES][AREAS];
	HPHONEAPP app = child_init("crash-reader");
	HPHONE h[PHONES];
	uint32_t p, a;

	memcpy(seen, floor, sizeof(seen));
	for (p = 0; p < PHONES; p++)
		if (phoneOpen(app, p, &h[p], 0x00020002, 0, 0, PHONEPRIVILEGE_MONITOR) != 0)
			_exit(0);
	for (;;) {
		int64_t s;
		LONG rc;

		rnd = mix(rnd);
		p = (uint32_t)(rnd % PHONES);
		a = (uint32_t)((rnd >> 8) % AREAS);
		rc = phoneGetData(h[p], a, buf, area_size[a]);
		if (rc != 0)
			_exit(rc == (LONG)PHONEERR_REINIT || rc == (LONG)PHONEERR_INVALPHONEHANDLE ? 0 : 30);
		s = parse_content(buf, area_size[a], p, a);
		if (s < 0)
			_exit(31); /* torn */
		if (s < seen[p][a])
			_exit(32); /* went back */
		seen[p][a] = s;
	}
}

/* ---- the parent ------------------------------------------------------------------------------ */

struct state {
	int64_t floor[PHONES][AREAS]; /* what the area held at the last check */
	int64_t acked[PHONES][AREAS]; /* the last acknowledged write (or the floor) */
	int64_t acked_before[PHONES][AREAS]; /* the acknowledgement before that (this iteration) */
	unsigned acks, in_flight_found, torn, iterations;
};

/* Checks every area through a monitor; torn_phone/area/seq name the write whose record was cut
 * (torn_phone < 0: none). */
static void check_areas(struct state *st, int torn_phone, uint32_t torn_area, int64_t torn_seq,
			int64_t newest)
{
	static uint8_t buf[70000];
	PHONEINITIALIZEEXPARAMS ip = { .dwTotalSize = sizeof(ip),
				       .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD n, v = 0x00020002;
	HPHONEAPP app;
	HPHONE h;
	uint32_t p, a;

	assert_int_equal(phoneInitializeExA(&app, NULL, NULL, "crash-check", &n, &v, &ip), 0);
	live_app = app;
	for (p = 0; p < PHONES; p++) {
		assert_int_equal(phoneOpen(app, p, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_MONITOR), 0);
		for (a = 0; a < AREAS; a++) {
			int64_t s, low, high = newest;

			assert_int_equal(phoneGetData(h, a, buf, area_size[a]), 0);
			s = parse_content(buf, area_size[a], p, a);
			if (s < 0)
				fail_msg("phone %u area %u: torn or foreign bytes after iteration %u", p, a,
					 st->iterations);
			low = st->acked[p][a];
			if ((int)p == torn_phone && a == torn_area) {
				/* Its record was cut: the content before it, whole. */
				low = st->acked[p][a] == torn_seq ? st->acked_before[p][a] : st->acked[p][a];
				high = torn_seq;
			}
			if (s < low || s > high)
				fail_msg("phone %u area %u: holds write %lld, expected %lld ... %lld "
					 "(iteration %u)", p, a, (long long)s, (long long)low,
					 (long long)high, st->iterations);
			if (s > st->acked[p][a])
				st->in_flight_found++;
			st->floor[p][a] = s;
			st->acked[p][a] = st->acked_before[p][a] = s;
		}
	}
	live_app = 0;
	assert_int_equal(phoneShutdown(app), 0);
}

/* CRC-32C (Castagnoli), as in the journal (docs/providers/sim.md); ours, table-driven. */
static uint32_t crc32c(uint32_t crc, const uint8_t *p, size_t n)
{
	static uint32_t table[256];

	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
			table[i] = c;
		}
	crc = ~crc;
	while (n--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* Tears the last whole record of phone's journal from a random byte on, in one of three ways: the
 * file ends there (a journal that was growing), or the rest of the record is zeros or garbage (a
 * preallocated or reused journal, whose old bytes show through). Returns the torn write's sequence
 * number (of our content) and area, or -1 when the journal holds no record. */
static int64_t tear_tail(uint32_t phone, uint64_t rnd, uint32_t *area)
{
	char path[256];
	struct stat sb;
	uint8_t *w;
	uint64_t off = 24, last = 0, last_len = 0, rseq, cut, end;
	int64_t seq;
	int fd;

	snprintf(path, sizeof(path), "%s/sim/P%u/wal", server.state, phone);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	assert_int_equal(fstat(fd, &sb), 0);
	if (sb.st_size < 24 + 24 + (off_t)HDR) {
		close(fd);
		return -1;
	}
	w = malloc((size_t)sb.st_size);
	assert_non_null(w);
	assert_int_equal(pread(fd, w, (size_t)sb.st_size, 0), sb.st_size);
	/* The journal's records: whole, sequence base, base + 1, ..., with a valid CRC. The file is
	 * preallocated and reused, so zeros or records of an older generation follow them. */
	rseq = get64(w + 8);
	if (get32(w) != 0x4C415754u || get32(w + 20) != crc32c(0, w, 20))
		off = (uint64_t)sb.st_size; /* no valid header: no records */
	while ((uint64_t)sb.st_size - off >= 24 && get32(w + off) == 0x43455254u &&
	       get64(w + off + 12) == rseq) {
		uint64_t len = get32(w + off + 4);

		if (len > (uint64_t)sb.st_size - off - 24 || len < HDR ||
		    get32(w + off + 20) != crc32c(crc32c(0, w + off, 20), w + off + 24, len))
			break;
		last = off;
		last_len = len;
		off += 24 + len;
		rseq++;
	}
	if (!last) {
		free(w);
		close(fd);
		return -1;
	}
	*area = get32(w + last + 24 + 12);
	seq = (int64_t)get64(w + last + 24 + 16);
	assert_int_equal(get32(w + last + 24 + 8), phone);
	cut = last + rnd % (24 + last_len);
	end = last + 24 + last_len;
	switch ((rnd >> 32) % 3) {
	case 0:
		assert_int_equal(ftruncate(fd, (off_t)cut), 0);
		break;
	default: {
		int garbage = (rnd >> 32) % 3 == 2;

		for (uint64_t i = cut; i < end; i++)
			w[i] = garbage ? (uint8_t)mix(rnd + i) : 0;
		assert_int_equal(pwrite(fd, w + cut, (size_t)(end - cut), (off_t)cut),
				 (ssize_t)(end - cut));
	}
	}
	free(w);
	close(fd);
	return seq;
}

static pid_t fork_child(void)
{
	pid_t pid;

	fflush(NULL); /* nothing buffered is written twice */
	pid = fork();

	assert_true(pid >= 0);
	return pid;
}

/* Waits for a child up to 10 s (times test_scale()); returns its exit status, or 1000 +
 * signal. */
static int reap(pid_t pid)
{
	int st, i, tries = 1000 * (int)test_scale();

	for (i = 0; i < tries; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return 999; /* hung */
}

static void run_loop(unsigned iterations, int tear)
{
	struct state st;
	struct timespec t0, t1;
	uint64_t rnd = mix((uint64_t)time(NULL) ^ (uint64_t)getpid() << 20);
	unsigned i, writes_lost = 0, tears = 0;
	double secs;

	memset(&st, 0, sizeof(st));
	printf("# seed %llu\n", (unsigned long long)rnd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	check_areas(&st, -1, 0, 0, 0);
	for (i = 1; i <= iterations; i++) {
		int ack_pipe[2], torn_phone = -1;
		pid_t writers[PHONES], rd;
		uint32_t p, torn_area = 0;
		int64_t torn_seq = 0;
		struct ack a;
		long delay_us;

		st.iterations = i;
		assert_int_equal(pipe2(ack_pipe, O_CLOEXEC), 0);
		for (p = 0; p < PHONES; p++) {
			writers[p] = fork_child();
			if (writers[p] == 0) {
				close(ack_pipe[0]);
				_exit(writer(p, i * SEQ_STEP, mix(rnd + p + 1), ack_pipe[1]));
			}
		}
		close(ack_pipe[1]);
		rd = fork_child();
		if (rd == 0)
			_exit(reader((const int64_t(*)[AREAS])st.floor, mix(rnd + 7)));
		/* A quarter of the kills come early (while phones open and recover), the rest while
		 * the writers are busy; under valgrind everything takes test_scale() times longer,
		 * and so does the window. */
		rnd = mix(rnd);
		delay_us = rnd % 4 == 0 ? (long)(rnd >> 8) % 10000 : 10000 + (long)(rnd >> 8) % 70000;
		delay_us *= (long)test_scale();
		usleep((useconds_t)delay_us);
		srv_kill(&server, SIGKILL);
		for (p = 0; p < PHONES; p++) {
			int rc = reap(writers[p]);

			if (rc != 0)
				fail_msg("writer of phone %u: exit %d (iteration %u)", p, rc, i);
		}
		{
			int rc = reap(rd);

			if (rc != 0)
				fail_msg("reader: exit %d (iteration %u)", rc, i);
		}
		while (read(ack_pipe[0], &a, sizeof(a)) == (ssize_t)sizeof(a)) {
			assert_true(a.phone < PHONES && a.area < AREAS);
			assert_true((int64_t)a.seq > st.acked[a.phone][a.area]);
			st.acked_before[a.phone][a.area] = st.acked[a.phone][a.area];
			st.acked[a.phone][a.area] = (int64_t)a.seq;
			st.acks++;
		}
		close(ack_pipe[0]);
		if (tear) {
			rnd = mix(rnd);
			torn_phone = (int)(rnd % PHONES);
			torn_seq = tear_tail((uint32_t)torn_phone, rnd >> 8, &torn_area);
			if (torn_seq < 0)
				torn_phone = -1;
			else
				tears++;
		}
		assert_int_equal(srv_restart(&server), 0);
		check_areas(&st, torn_phone, torn_area, torn_seq, (int64_t)((i + 1) * SEQ_STEP));
		rnd = mix(rnd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# %u iterations in %.1f s (%.0f ms each): %u acknowledged writes, %u lost, %u areas "
	       "found holding a write that was in flight%s",
	       iterations, secs, secs * 1000 / iterations, st.acks, writes_lost, st.in_flight_found,
	       tear ? "" : "\n");
	if (tear)
		printf(", %u journal tails torn\n", tears);
	assert_true(st.acks > iterations / 4); /* the writers did get work done */
}

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

static void sigkill_loop_loses_no_acknowledged_write(void **state)
{
	(void)state;
	run_loop(test_scaled_down(KILL_ITERATIONS, MIN_ITERATIONS), 0);
}

static void a_torn_journal_tail_recovers_old_or_new(void **state)
{
	(void)state;
	run_loop(test_scaled_down(TORN_ITERATIONS, MIN_ITERATIONS), 1);
}

/* test_crash [PATTERN]: only the tests whose name matches PATTERN (cmocka's filter). */
int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sigkill_loop_loses_no_acknowledged_write, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_torn_journal_tail_recovers_old_or_new, setup,
						teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	setenv("XDG_CONFIG_HOME", "/nonexistent-opentapi-test", 1);
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
