/* SPDX-License-Identifier: MIT */
/* scale — does a request get slower, and how much memory does tapisrv need, as phones and
 * clients are added? For 1 … 10,000 phones and 1 … 1,000 connected clients: the round-trip
 * p50/p99 of 64 B phoneSetData → PHONE_REPLY of one active application (which owns every phone
 * and writes to them in turn), and tapisrv's resident memory per phone and per idle client.
 *
 * "Connected clients": the active application is one; the others are idle clients, each a
 * connection that has said HELLO, registered an app (APP_NEW) and opened one phone as monitor
 * (OPEN) — the frames libopentapi sends for phoneInitializeEx + phoneOpen, sent here directly
 * with the wire codec, so that 1,000 clients need 1,000 sockets and not 1,000 processes. The
 * server cannot tell them from library clients; they then stay silent, as an idle app does.
 *
 * The target compares the largest configuration with 1 phone and 1 client: two servers run at
 * the same time and the two active applications alternate. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ot.h"
#include "stats.h"
#include "wire.h"
#include "worker.h"

#define MSG 64

static const unsigned phone_steps[] = { 1, 10, 100, 1000, 4096, 10000 };
static const unsigned client_steps[] = { 1, 10, 100, 1000 };
#define NP (sizeof(phone_steps) / sizeof(phone_steps[0]))
#define NC (sizeof(client_steps) / sizeof(client_steps[0]))

/* ---- the active application --------------------------------------------------------------- */

struct active {
	const char *socket;
	unsigned nphones;
	struct bench_app app;
	HPHONE *phones;
	unsigned next;
};

static int active_setup(void *arg)
{
	struct active *c = arg;
	unsigned i;

	bench_use_server(c->socket);
	c->phones = calloc(c->nphones, sizeof(*c->phones));
	if (!c->phones || bench_app_init(&c->app, "bench scale"))
		return -1;
	for (i = 0; i < c->nphones; i++)
		if (bench_app_open(&c->app, i, PHONEPRIVILEGE_OWNER, &c->phones[i]))
			return -1;
	return 0;
}

static int active_run(void *arg, long n, double *lat, long *nlat)
{
	struct active *c = arg;
	char buf[MSG] = { 0 };
	long i;

	for (i = 0; i < n; i++) {
		/* A stride that is prime to every phone count: each phone in turn, scattered. */
		unsigned p = (unsigned)(((uint64_t)c->next++ * 7919u) % c->nphones);
		uint64_t t0 = bench_now_ns();

		buf[0] = (char)i;
		if (bench_set_data(&c->app, c->phones[p], 0, buf, MSG) != 0)
			return -1;
		lat[i] = (double)(bench_now_ns() - t0) / 1e3;
	}
	*nlat = n;
	return 0;
}

static void active_teardown(void *arg)
{
	struct active *c = arg;

	bench_app_shutdown(&c->app);
	free(c->phones);
}

static const struct worker_ops active_ops = { active_setup, active_run, active_teardown };

/* ---- idle clients, spoken to with the wire codec ----------------------------------------- */

static int send_frame(int fd, const struct ot_wire_frame *f)
{
	uint8_t buf[OT_WIRE_MAX_HEAD + OT_WIRE_TEXT_MAX];
	long n = ot_wire_encode(buf, sizeof(buf), f);

	if (n < 0 || send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
		return -1;
	return 0;
}

/* Waits for the REPLY to seq (EVENTs are skipped) and decodes it. 0 or -1. */
static int recv_reply(int fd, uint32_t seq, uint16_t op, uint8_t *buf, struct ot_wire_frame *f)
{
	for (;;) {
		long size;
		ssize_t n = recv(fd, buf, OT_WIRE_HEADER_SIZE, MSG_WAITALL);

		if (n != OT_WIRE_HEADER_SIZE)
			return -1;
		size = ot_wire_frame_size(buf, OT_WIRE_HEADER_SIZE);
		if (size < (long)OT_WIRE_HEADER_SIZE)
			return -1;
		if (size > (long)OT_WIRE_HEADER_SIZE &&
		    recv(fd, buf + OT_WIRE_HEADER_SIZE, (size_t)size - OT_WIRE_HEADER_SIZE,
			 MSG_WAITALL) != size - (long)OT_WIRE_HEADER_SIZE)
			return -1;
		if (ot_wire_peek_opcode(buf) != OT_WIRE_REPLY || ot_wire_peek_seq(buf) != seq)
			continue;
		if (ot_wire_decode(buf, (size_t)size, OT_WIRE_TO_CLIENT, op, f) != 0)
			return -1;
		return ot_wire_to_long(f->fixed[OT_WIRE_RESULT]) == 0 ? 0 : -1;
	}
}

static int idle_client(const char *path, unsigned phone)
{
	static uint8_t buf[OT_WIRE_MAX_FRAME];
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct ot_wire_frame f, r;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	uint64_t app;

	if (fd < 0 || strlen(path) >= sizeof(addr.sun_path))
		goto fail;
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		goto fail;
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_HELLO, .seq = 1,
				    OT_WIRE_FIELDS(OT_WIRE_MAGIC, OT_WIRE_PROTO_VERSION,
						   (uint64_t)getpid()) };
	if (send_frame(fd, &f) < 0 || recv_reply(fd, 1, OT_WIRE_HELLO, buf, &r) < 0)
		goto fail;
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_APP_NEW, .seq = 2,
				    OT_WIRE_FIELDS(0x00020002, 1) };
	f.var = (const uint8_t *)"bench idle";
	f.var_len = sizeof("bench idle");
	if (send_frame(fd, &f) < 0 || recv_reply(fd, 2, OT_WIRE_APP_NEW, buf, &r) < 0)
		goto fail;
	app = r.fixed[1];
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_OPEN, .seq = 3,
				    OT_WIRE_FIELDS(app, phone, 0x00020002, 0, 0,
						   PHONEPRIVILEGE_MONITOR) };
	if (send_frame(fd, &f) < 0 || recv_reply(fd, 3, OT_WIRE_OPEN, buf, &r) < 0)
		goto fail;
	return fd;
fail:
	fprintf(stderr, "scale: idle client %u: %s\n", phone, errno ? strerror(errno) : "refused");
	if (fd >= 0)
		close(fd);
	return -1;
}

/* ---- one server with P phones ------------------------------------------------------------- */

struct setup {
	unsigned phones;
	struct bench_srv srv;
	struct active act;
	struct worker w;
	int *idle;
	unsigned nidle;
	long kib_start, kib_open; /* Rss with no client, with every phone open */
};

static long rss(const struct setup *s)
{
	return bench_proc_kib(s->srv.pid, "Rss");
}

/* Starts the server and the active application (which opens every phone). 0 or -1. */
static int setup_start(struct setup *s, const struct bench_args *a, unsigned phones)
{
	char *cfg = bench_config(phones, "64", 0, 4096);
	int rc;

	memset(s, 0, sizeof(*s));
	s->phones = phones;
	if (!cfg)
		return -1;
	rc = bench_srv_start(&s->srv, a->tmp, cfg);
	free(cfg);
	if (rc < 0)
		return -1;
	usleep(100000);
	s->kib_start = rss(s);
	s->act = (struct active){ .socket = s->srv.socket, .nphones = phones };
	if (worker_start(&s->w, "active", &active_ops, &s->act) < 0) {
		bench_srv_stop(&s->srv);
		return -1;
	}
	usleep(100000);
	s->kib_open = rss(s);
	s->idle = calloc(client_steps[NC - 1], sizeof(int));
	return s->idle ? 0 : -1;
}

/* Idle clients until there are `clients` connected clients, the active one included. */
static int setup_clients(struct setup *s, unsigned clients)
{
	while (s->nidle + 1 < clients) {
		int fd = idle_client(s->srv.socket, s->nidle % s->phones);

		if (fd < 0)
			return -1;
		s->idle[s->nidle++] = fd;
	}
	usleep(100000);
	return 0;
}

static void drop_clients(struct setup *s)
{
	while (s->nidle)
		close(s->idle[--s->nidle]);
	usleep(100000);
}

static void setup_stop(struct setup *s)
{
	unsigned i;

	worker_stop(&s->w);
	for (i = 0; i < s->nidle; i++)
		close(s->idle[i]);
	free(s->idle);
	bench_srv_stop(&s->srv);
}

/* What the curves collect: JSON arrays for "extra", and the Rss figures the targets need. */
struct curves {
	FILE *points, *servers, *memory; /* open_memstream */
	char *points_buf, *servers_buf, *memory_buf;
	size_t points_len, servers_len, memory_len;
	unsigned npoints;
	long kib_open_1, kib_start_1;     /* Rss with 1 phone: opened, and started */
	long kib_c1, kib_cmax;            /* Rss with 1 phone and 1 / maxc clients */
	unsigned maxc;
};

/* Memory first, before any request has touched a data area's page: clients are added step by
 * step and the server's Rss read after each step; then they go again. */
static void curve_memory(struct curves *c, struct setup *s, const struct bench_args *a)
{
	unsigned ci;

	fprintf(c->memory, "%s{\"phones\": %u, \"clients\": [", ftell(c->memory) ? ", " : "",
		s->phones);
	for (ci = 0; ci < NC && client_steps[ci] <= (unsigned)a->max_clients; ci++) {
		long kib;

		if (setup_clients(s, client_steps[ci]) < 0)
			break;
		kib = rss(s);
		fprintf(c->memory, "%s{\"clients\": %u, \"rss_kib\": %ld, \"anon_kib\": %ld}",
			ci ? ", " : "", client_steps[ci], kib, bench_proc_kib(s->srv.pid, "Anonymous"));
		if (s->phones == 1 && ci == 0)
			c->kib_c1 = kib;
		if (s->phones == 1) {
			c->kib_cmax = kib;
			c->maxc = client_steps[ci];
		}
	}
	fputs("]}", c->memory);
	drop_clients(s);
}

/* Then the round trip, with the clients added again step by step. */
static void curve_latency(struct curves *c, struct setup *s, const struct bench_args *a, long n)
{
	unsigned ci;

	for (ci = 0; ci < NC && client_steps[ci] <= (unsigned)a->max_clients; ci++) {
		struct series one;
		struct worker_result r;

		if (setup_clients(s, client_steps[ci]) < 0)
			break;
		series_init(&one, "", "us");
		if (worker_run(&s->w, n, &r) == 0) {
			bench_record(&one, &r, n, REP_P50_US, 0);
			fprintf(c->points, "%s{\"phones\": %u, \"clients\": %u, \"p50_us\": %.4g, "
					   "\"p99_us\": %.4g}",
				c->npoints++ ? ", " : "", s->phones, client_steps[ci],
				series_lat_pct(&one, 50), series_lat_pct(&one, 99));
		}
		free(r.lat);
		series_free(&one);
	}
}

static void attach(const char *key, FILE **f, char **buf)
{
	char *x = NULL;

	fclose(*f);
	*f = NULL;
	if (asprintf(&x, "[%s]", *buf) > 0) {
		bench_json_extra(key, x);
		free(x);
	}
	free(*buf);
	*buf = NULL;
}

int main(int argc, char **argv)
{
	struct bench_args a;
	struct curves c = { .kib_open_1 = -1, .kib_start_1 = -1, .kib_c1 = -1, .kib_cmax = -1 };
	struct setup big, small;
	struct series corner_big, corner_small, mem_client, mem_phone, mem_phone_cfg;
	FILE *out;
	long n_curve, n_corner;
	unsigned maxp = 0, pi, refused = 0;
	int rc = 1, have_big = 0;
	char refused_why[300] = "";

	bench_parse_args(argc, argv, &a, 7);
	out = bench_open_out(&a);
	n_curve = bench_ops(&a, 2000);
	n_corner = bench_ops(&a, 4000);
	c.points = open_memstream(&c.points_buf, &c.points_len);
	c.servers = open_memstream(&c.servers_buf, &c.servers_len);
	c.memory = open_memstream(&c.memory_buf, &c.memory_len);
	if (!c.points || !c.servers || !c.memory)
		return 1;
	series_init(&mem_client, "tapisrv Rss per idle client", "KiB");
	series_init(&mem_phone, "tapisrv Rss per open phone", "KiB");
	series_init(&mem_phone_cfg, "tapisrv Rss per configured phone", "KiB");

	/* The curves: one server per phone count; the largest stays up for the comparison. */
	for (pi = 0; pi < NP && phone_steps[pi] <= (unsigned)a.max_phones; pi++) {
		struct setup s;
		unsigned p = phone_steps[pi];

		fprintf(stderr, "scale: %u phones\n", p);
		if (setup_start(&s, &a, p) < 0) {
			refused = p;
			snprintf(refused_why, sizeof(refused_why), "%s", s.srv.error);
			break;
		}
		fprintf(c.servers, "%s{\"phones\": %u, \"rss_kib_start\": %ld, \"rss_kib_open\": %ld}",
			pi ? ", " : "", p, s.kib_start, s.kib_open);
		if (p == 1) {
			c.kib_open_1 = s.kib_open;
			c.kib_start_1 = s.kib_start;
		}
		curve_memory(&c, &s, &a);
		curve_latency(&c, &s, &a, n_curve);
		if (p > 1 && c.kib_open_1 >= 0)
			maxp = p;
		if (have_big)
			setup_stop(&big);
		big = s;
		have_big = 1;
	}
	if (!have_big)
		return 1;
	if (c.maxc > 1)
		series_rep(&mem_client, (double)(c.kib_cmax - c.kib_c1) / (c.maxc - 1));
	if (maxp > 1) {
		series_rep(&mem_phone, (double)(big.kib_open - c.kib_open_1) / (maxp - 1));
		series_rep(&mem_phone_cfg, (double)(big.kib_start - c.kib_start_1) / (maxp - 1));
	}

	/* The target: the largest configuration against 1 phone and 1 client, alternating. */
	series_init(&corner_big, "", "us");
	series_init(&corner_small, "1 phone, 1 client", "us");
	snprintf(corner_big.label, sizeof(corner_big.label), "%u phones, %u clients", big.phones,
		 big.nidle + 1);
	if (setup_start(&small, &a, 1) == 0) {
		struct worker w[2] = { small.w, big.w };
		struct series *sp[2] = { &corner_small, &corner_big };
		char label[128], text[64];

		if (bench_alternate(w, sp, 2, a.reps, n_corner, REP_P99_US, 0) == 0) {
			const struct measure m[] = {
				{ "scale.p99", label, HEAD_MEDIAN, &corner_big, &corner_small, 0,
				  "median over rounds of (p99 large / p99 1 phone 1 client)",
				  { TARGET_RATIO, 0, 2.0, "p99 ≤ 2 ×" }, NULL },
				{ "scale.mem.client", "tapisrv memory per idle client", HEAD_MEDIAN,
				  &mem_client, NULL, 0, NULL, { TARGET_VALUE, 0, 64, text }, NULL },
				{ "scale.mem.phone", "tapisrv memory per phone", HEAD_MEDIAN, &mem_phone,
				  NULL, 0, NULL, { TARGET_VALUE, 0, 8, "≤ 8 KiB per phone" }, NULL },
				{ "scale.mem.phone.configured", "tapisrv memory per configured (closed) phone",
				  HEAD_MEDIAN, &mem_phone_cfg, NULL, 0, NULL, { TARGET_NONE, 0, 0, NULL },
				  NULL },
			};
			size_t i;

			snprintf(label, sizeof(label), "round-trip p99, %u phones and %u clients vs 1 and 1",
				 big.phones, big.nidle + 1);
			snprintf(text, sizeof(text), "≤ 64 KiB per idle client (%u clients)", c.maxc);
			bench_json_begin(out, "scale");
			bench_json_param("reps", "%d", a.reps);
			bench_json_param("ops_per_point", "%ld", n_curve);
			bench_json_param("ops_per_rep_corner", "%ld", n_corner);
			bench_json_param("largest", "%u phones, %u clients", big.phones, big.nidle + 1);
			bench_json_param("phones", "sim, data_areas = 64, durable = no; every phone opened "
					 "as owner by the active client");
			bench_json_param("idle_clients", "raw connections: HELLO, APP_NEW, OPEN (monitor)");
			for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
				bench_json_measure(&m[i]);
			if (refused)
				bench_json_note("%u phones: tapisrv did not start (%s); the largest "
						"configuration measured has %u phones", refused,
						refused_why, maxp);
			bench_json_note("memory per phone: Rss (smaps_rollup) with %u phones open, minus "
					"with 1 phone open, over %u (data areas of 64 B, not yet written)",
					maxp, maxp - 1);
			bench_json_note("memory per idle client: Rss with %u clients minus with 1, over %u "
					"(1 phone; measured before any request, so no data area page is "
					"counted)", c.maxc, c.maxc - 1);
			attach("points", &c.points, &c.points_buf);
			attach("servers", &c.servers, &c.servers_buf);
			attach("memory", &c.memory, &c.memory_buf);
			bench_json_end();
			rc = 0;
		}
		setup_stop(&small);
	}
	setup_stop(&big);
	return rc;
}
