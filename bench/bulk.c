/* SPDX-License-Identifier: MIT */
/* bulk — bandwidth of large downloads: phoneSetData of 64 KiB, 1 MiB and 16 MiB through tapisrv
 * (until the PHONE_REPLY), against a raw copy of the same bytes over an AF_UNIX stream socket
 * into a buffer of the peer process (which answers with an int), and against memcpy. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ot.h"
#include "raw.h"
#include "stats.h"
#include "worker.h"

static const struct {
	size_t size;
	long ops; /* per repetition */
	const char *name;
} sizes[] = {
	{ 64 * 1024, 2000, "64 KiB" },
	{ 1024 * 1024, 200, "1 MiB" },
	{ 16 * 1024 * 1024, 16, "16 MiB" },
};
#define NS (int)(sizeof(sizes) / sizeof(sizes[0]))

enum kind { K_RAW, K_OT, K_MEMCPY };

struct ctx {
	enum kind kind;
	size_t size;
	DWORD phone_id;
	const char *socket;
	struct bench_app app;
	HPHONE phone;
	struct raw_peer peer;
	char *src, *dst;
};

static int setup(void *arg)
{
	struct ctx *c = arg;

	/* Page-aligned: glibc's memcpy (rep movsb) is several times slower on some CPUs when
	 * source and destination are close to each other modulo 4 KiB. */
	c->src = aligned_alloc(4096, c->size);
	if (!c->src)
		return -1;
	memset(c->src, 0x5a, c->size);
	switch (c->kind) {
	case K_RAW:
		return raw_peer_start(&c->peer, RAW_SINK, c->size);
	case K_MEMCPY:
		c->dst = aligned_alloc(4096, c->size);
		if (!c->dst)
			return -1;
		memset(c->dst, 0, c->size);
		return 0;
	case K_OT:
		break;
	}
	bench_use_server(c->socket);
	if (bench_app_init(&c->app, "bench bulk"))
		return -1;
	return bench_app_open(&c->app, c->phone_id, PHONEPRIVILEGE_OWNER, &c->phone) ? -1 : 0;
}

static int run(void *arg, long n, double *lat, long *nlat)
{
	struct ctx *c = arg;
	long i;

	for (i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns();
		int rc = 0;

		c->src[0] = (char)i;
		switch (c->kind) {
		case K_RAW:
			rc = raw_copy(c->peer.fd, c->src, c->size);
			break;
		case K_MEMCPY:
			memcpy(c->dst, c->src, c->size);
			__asm__ volatile("" : : "r"(c->dst) : "memory"); /* keep the copy */
			break;
		case K_OT:
			/* Area 3 is 16 MiB: every size fits. */
			rc = bench_set_data(&c->app, c->phone, 3, c->src, (DWORD)c->size) ? -1 : 0;
			break;
		}
		if (rc < 0)
			return -1;
		lat[i] = (double)(bench_now_ns() - t0) / 1e3;
	}
	*nlat = n;
	return 0;
}

static void teardown(void *arg)
{
	struct ctx *c = arg;

	if (c->kind == K_RAW)
		raw_peer_stop(&c->peer);
	if (c->kind == K_OT)
		bench_app_shutdown(&c->app);
	free(c->src);
	free(c->dst);
}

static const struct worker_ops ops = { setup, run, teardown };

int main(int argc, char **argv)
{
	static struct ctx ctx[NS][3];
	static const char *const kind_names[3] = { "raw", "server", "memcpy" };
	struct bench_args a;
	struct bench_srv srv;
	struct worker w[NS][3];
	struct series s[NS][3];
	char ids[NS][2][40], labels[NS][2][96];
	char *cfg;
	FILE *out;
	int i, k, rc = 1, started = 0;

	bench_parse_args(argc, argv, &a, 7);
	out = bench_open_out(&a);
	cfg = bench_config(NS, "256, 4096, 65536, 16777216", 0, 4096);
	if (!cfg || bench_srv_start(&srv, a.tmp, cfg) < 0)
		return 1;
	for (i = 0; i < NS; i++) {
		char label[96];

		snprintf(label, sizeof(label), "raw AF_UNIX stream copy of %s", sizes[i].name);
		series_init(&s[i][K_RAW], label, "MiB/s");
		snprintf(label, sizeof(label), "OpenTAPI server, %s", sizes[i].name);
		series_init(&s[i][K_OT], label, "MiB/s");
		snprintf(label, sizeof(label), "memcpy of %s", sizes[i].name);
		series_init(&s[i][K_MEMCPY], label, "MiB/s");
		for (k = 0; k < 3; k++) {
			ctx[i][k] = (struct ctx){ .kind = (enum kind)k, .size = sizes[i].size,
						  .phone_id = (DWORD)i, .socket = srv.socket };
			if (worker_start(&w[i][k], kind_names[k], &ops, &ctx[i][k]) < 0)
				goto out;
			started = i * 3 + k + 1;
		}
	}
	for (i = 0; i < NS; i++) {
		struct series *sp[3] = { &s[i][0], &s[i][1], &s[i][2] };

		if (bench_alternate(w[i], sp, 3, a.reps, bench_ops(&a, sizes[i].ops), REP_MIB_S,
				    (double)sizes[i].size) < 0)
			goto out;
	}
	bench_json_begin(out, "bulk");
	bench_json_param("reps", "%d", a.reps);
	bench_json_param("payload", "into data area 3 (16 MiB), durable = no, server mode");
	for (i = 0; i < NS; i++) {
		struct measure m;

		bench_json_param(sizes[i].name, "%ld operations per repetition",
				 bench_ops(&a, sizes[i].ops));
		snprintf(ids[i][0], sizeof(ids[i][0]), "bulk.server.%zu", sizes[i].size);
		snprintf(labels[i][0], sizeof(labels[i][0]), "%s phoneSetData, server mode",
			 sizes[i].name);
		m = (struct measure){ ids[i][0], labels[i][0], HEAD_MEDIAN, &s[i][K_OT],
				      &s[i][K_RAW], 0,
				      "median over rounds of (OpenTAPI MiB/s / raw copy MiB/s)",
				      { TARGET_NONE, 0, 0, NULL }, NULL };
		if (sizes[i].size == 16 * 1024 * 1024)
			m.target = (struct target){ TARGET_RATIO, 1, 1.0,
						    "≥ 1.0 × raw stream-socket copy bandwidth" };
		bench_json_measure(&m);
		snprintf(ids[i][1], sizeof(ids[i][1]), "bulk.server.%zu.memcpy", sizes[i].size);
		snprintf(labels[i][1], sizeof(labels[i][1]), "%s phoneSetData vs memcpy",
			 sizes[i].name);
		m = (struct measure){ ids[i][1], labels[i][1], HEAD_MEDIAN, &s[i][K_OT],
				      &s[i][K_MEMCPY], 0,
				      "median over rounds of (OpenTAPI MiB/s / memcpy MiB/s)",
				      { TARGET_NONE, 0, 0, NULL }, NULL };
		bench_json_measure(&m);
	}
	bench_json_end();
	rc = 0;
out:
	for (i = 0; i < started; i++)
		worker_stop(&w[i / 3][i % 3]);
	bench_srv_stop(&srv);
	free(cfg);
	return rc;
}
