/* SPDX-License-Identifier: MIT */
/* pipeline — throughput with N requests in flight: an app keeps N phoneSetData (64 B) requests
 * outstanding through tapisrv — issuing a new one whenever a PHONE_REPLY comes back — against
 * raw 64 B messages pipelined over an AF_UNIX stream socket, N in flight, with batched reads and
 * writes (one write tops the window up, one read takes every echo that has arrived). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ot.h"
#include "raw.h"
#include "stats.h"
#include "worker.h"

#define MSG 64
#define IDS 8192 /* > any window: request ID → issue time */

static const int windows[] = { 1, 16, 256 };
#define NW (int)(sizeof(windows) / sizeof(windows[0]))

struct ctx {
	int window;
	DWORD phone_id;
	const char *socket;
	struct bench_app app;
	HPHONE phone;
	struct raw_peer peer;
	uint64_t sent_at[IDS];
};

static int raw_setup(void *arg)
{
	return raw_peer_start(&((struct ctx *)arg)->peer, RAW_ECHO, 0);
}

static int raw_run(void *arg, long n, double *lat, long *nlat)
{
	struct ctx *c = arg;

	*nlat = n;
	return raw_pipeline(c->peer.fd, n, c->window, MSG, lat);
}

static void raw_teardown(void *arg)
{
	raw_peer_stop(&((struct ctx *)arg)->peer);
}

static int ot_setup(void *arg)
{
	struct ctx *c = arg;

	bench_use_server(c->socket);
	if (bench_app_init(&c->app, "bench pipeline"))
		return -1;
	return bench_app_open(&c->app, c->phone_id, PHONEPRIVILEGE_OWNER, &c->phone) ? -1 : 0;
}

static int ot_run(void *arg, long n, double *lat, long *nlat)
{
	struct ctx *c = arg;
	long issued = 0, done = 0;
	char buf[MSG] = { 0 };

	while (done < n) {
		DWORD id;
		LONG result;

		while (issued < n && issued - done < c->window) {
			uint64_t t0 = bench_now_ns();
			LONG rid;

			buf[0] = (char)issued;
			rid = phoneSetData(c->phone, 0, buf, MSG);
			if (rid < 0) {
				fprintf(stderr, "pipeline: phoneSetData: 0x%08x\n", (unsigned)rid);
				return -1;
			}
			c->sent_at[rid % IDS] = t0;
			issued++;
		}
		if (bench_next_reply(&c->app, &id, &result) != 0 || result != 0)
			return -1;
		lat[done++] = (double)(bench_now_ns() - c->sent_at[id % IDS]) / 1e3;
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
	static struct ctx raw[NW], ot[NW];
	struct bench_args a;
	struct bench_srv srv;
	struct worker w[NW][2];
	struct series s_raw[NW], s_ot[NW];
	char ids[NW][32], labels[NW][96];
	struct measure m[NW];
	char *cfg;
	FILE *out;
	long n;
	int i, rc = 1, started = 0;

	bench_parse_args(argc, argv, &a, 7);
	out = bench_open_out(&a);
	n = bench_ops(&a, 20000);
	cfg = bench_config(NW, "256, 4096, 65536, 16777216", 0, 4096);
	if (!cfg || bench_srv_start(&srv, a.tmp, cfg) < 0)
		return 1;
	for (i = 0; i < NW; i++) {
		char label[64];

		raw[i].window = ot[i].window = windows[i];
		ot[i].phone_id = (DWORD)i;
		ot[i].socket = srv.socket;
		snprintf(label, sizeof(label), "raw pipelined 64 B, N = %d", windows[i]);
		series_init(&s_raw[i], label, "msg/s");
		snprintf(label, sizeof(label), "OpenTAPI server, N = %d", windows[i]);
		series_init(&s_ot[i], label, "req/s");
		if (worker_start(&w[i][0], "raw", &raw_ops, &raw[i]) < 0)
			goto out;
		started++;
		if (worker_start(&w[i][1], "server", &ot_ops, &ot[i]) < 0) {
			worker_stop(&w[i][0]);
			started--;
			goto out;
		}
	}
	for (i = 0; i < NW; i++) {
		struct series *s[2] = { &s_raw[i], &s_ot[i] };

		if (bench_alternate(w[i], s, 2, a.reps, n, REP_RATE, 0) < 0)
			goto out;
	}
	bench_json_begin(out, "pipeline");
	bench_json_param("requests_per_rep", "%ld", n);
	bench_json_param("reps", "%d", a.reps);
	bench_json_param("payload", "64 B into data area 0, durable = no, server mode");
	for (i = 0; i < NW; i++) {
		snprintf(ids[i], sizeof(ids[i]), "pipeline.server.n%d", windows[i]);
		snprintf(labels[i], sizeof(labels[i]), "server-mode pipelined phoneSetData, N = %d",
			 windows[i]);
		m[i] = (struct measure){ ids[i], labels[i], HEAD_MEDIAN, &s_ot[i], &s_raw[i], 0,
					 "median over rounds of (OpenTAPI req/s / raw msg/s)",
					 { TARGET_NONE, 0, 0, NULL }, NULL };
		if (windows[i] == 256)
			m[i].target = (struct target){ TARGET_RATIO, 1, 0.5,
						       "≥ 0.5 × raw pipelined messages/s" };
		bench_json_measure(&m[i]);
	}
	bench_json_note("phoneSetData returns only after tapisrv's REPLY (the request ID), so one "
			"application thread has at most one request on the wire; N counts requests "
			"whose PHONE_REPLY the app has not yet taken");
	bench_json_end();
	rc = 0;
out:
	for (i = 0; i < started; i++) {
		worker_stop(&w[i][0]);
		worker_stop(&w[i][1]);
	}
	bench_srv_stop(&srv);
	free(cfg);
	return rc;
}
