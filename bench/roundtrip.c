/* SPDX-License-Identifier: MIT */
/* roundtrip — the latency of one request: phoneSetData of 64 B until its PHONE_REPLY is in the
 * app's hands (phoneGetMessage, USEEVENT), embedded and through tapisrv, against the floor: a
 * 64 B ping-pong over an AF_UNIX SOCK_STREAM socket between two processes. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "ot.h"
#include "raw.h"
#include "stats.h"
#include "worker.h"

#define MSG 64

struct ctx {
	int server;            /* 0: embedded */
	const char *where;     /* config file (embedded) or socket (server) */
	struct bench_app app;
	HPHONE phone;
	struct raw_peer peer;
	char buf[MSG];
};

static int raw_setup(void *arg)
{
	struct ctx *c = arg;

	return raw_peer_start(&c->peer, RAW_ECHO, 0);
}

static int raw_run(void *arg, long n, double *lat, long *nlat)
{
	struct ctx *c = arg;
	long i;

	for (i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns();

		if (raw_roundtrip(c->peer.fd, c->buf, MSG) < 0)
			return -1;
		lat[i] = (double)(bench_now_ns() - t0) / 1e3;
	}
	*nlat = n;
	return 0;
}

static void raw_teardown(void *arg)
{
	raw_peer_stop(&((struct ctx *)arg)->peer);
}

static int ot_setup(void *arg)
{
	struct ctx *c = arg;

	if (c->server)
		bench_use_server(c->where);
	else
		bench_use_embedded(c->where);
	if (bench_app_init(&c->app, "bench roundtrip"))
		return -1;
	return bench_app_open(&c->app, 0, PHONEPRIVILEGE_OWNER, &c->phone) ? -1 : 0;
}

static int ot_run(void *arg, long n, double *lat, long *nlat)
{
	struct ctx *c = arg;
	long i;

	for (i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns();

		c->buf[0] = (char)i;
		if (bench_set_data(&c->app, c->phone, 0, c->buf, MSG) != 0)
			return -1;
		lat[i] = (double)(bench_now_ns() - t0) / 1e3;
	}
	*nlat = n;
	return 0;
}

static void ot_teardown(void *arg)
{
	bench_app_shutdown(&((struct ctx *)arg)->app);
}

static const struct worker_ops raw_ops = { raw_setup, raw_run, raw_teardown };
static const struct worker_ops ot_ops = { ot_setup, ot_run, ot_teardown };

int main(int argc, char **argv)
{
	struct bench_args a;
	struct bench_srv srv;
	struct ctx raw = { 0 }, emb = { 0 }, server = { 0 };
	struct worker w[3];
	struct series s_raw, s_emb, s_srv;
	struct series *s[3] = { &s_raw, &s_emb, &s_srv };
	char dir[256], config[300];
	char *cfg;
	FILE *out;
	long n;
	int rc = 1;

	bench_parse_args(argc, argv, &a, 7);
	out = bench_open_out(&a);
	n = bench_ops(&a, 5000);
	cfg = bench_config(1, "256, 4096, 65536, 16777216", 0, 4096);
	if (!cfg || bench_srv_start(&srv, a.tmp, cfg) < 0)
		return 1;
	if (bench_config_file(a.tmp, cfg, dir, sizeof(dir), config, sizeof(config)) < 0)
		goto out_srv;
	emb.where = config;
	server.server = 1;
	server.where = srv.socket;

	series_init(&s_raw, "raw AF_UNIX 64 B ping-pong", "us");
	series_init(&s_emb, "OpenTAPI embedded", "us");
	series_init(&s_srv, "OpenTAPI server mode", "us");
	if (worker_start(&w[0], "raw", &raw_ops, &raw) < 0)
		goto out_dir;
	if (worker_start(&w[1], "embedded", &ot_ops, &emb) < 0)
		goto out_w0;
	if (worker_start(&w[2], "server", &ot_ops, &server) < 0)
		goto out_w1;

	if (bench_alternate(w, s, 3, a.reps, n, REP_P50_US, 0) == 0) {
		const struct measure m[] = {
			{ "roundtrip.server.64", "server-mode 64 B phoneSetData → PHONE_REPLY", HEAD_MEDIAN,
			  &s_srv, &s_raw, 0, "median over rounds of (OpenTAPI p50 / raw p50)",
			  { TARGET_RATIO, 0, 1.25, "p50 ≤ 1.25 × raw socket round trip" }, NULL },
			{ "roundtrip.embedded.64", "embedded-mode 64 B phoneSetData → PHONE_REPLY",
			  HEAD_MEDIAN, &s_emb, &s_raw, 0, "median over rounds of (OpenTAPI p50 / raw p50)",
			  { TARGET_RATIO, 0, 0.1, "p50 ≤ 0.1 × raw socket round trip" }, NULL },
		};
		size_t i;

		bench_json_begin(out, "roundtrip");
		bench_json_param("ops_per_rep", "%ld", n);
		bench_json_param("reps", "%d", a.reps);
		bench_json_param("payload", "64 B into data area 0 (256 B), durable = no");
		for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
			bench_json_measure(&m[i]);
		bench_json_end();
		rc = 0;
	}

	worker_stop(&w[2]);
out_w1:
	worker_stop(&w[1]);
out_w0:
	worker_stop(&w[0]);
out_dir:
	bench_rmdir(dir);
out_srv:
	bench_srv_stop(&srv);
	free(cfg);
	return rc;
}
