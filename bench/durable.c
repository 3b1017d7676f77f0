/* SPDX-License-Identifier: MIT */
/* durable — phoneSetData of 4 KiB with the sim provider's durable storage on (durable = yes, the
 * state directory on a real disk), through tapisrv, until the PHONE_REPLY that promises the bytes
 * are on stable storage; against the floor: overwriting 4 KiB of a file and fdatasync. With 1
 * writer, and with 8 concurrent writers (processes) on 8 phones (8 files for the raw writers). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "ot.h"
#include "raw.h"
#include "stats.h"
#include "worker.h"

#define SIZE 4096
#define WRITERS 8

struct ctx {
	int ot;
	int index;
	const char *where; /* socket, or the raw files' directory */
	struct bench_app app;
	HPHONE phone;
	int fd;
	char buf[SIZE];
};

static int setup(void *arg)
{
	struct ctx *c = arg;

	memset(c->buf, 'a' + c->index, SIZE);
	if (!c->ot) {
		char name[32];

		snprintf(name, sizeof(name), "raw-%d", c->index);
		c->fd = raw_file_open(c->where, name, SIZE);
		return c->fd < 0 ? -1 : 0;
	}
	bench_use_server(c->where);
	if (bench_app_init(&c->app, "bench durable"))
		return -1;
	return bench_app_open(&c->app, (DWORD)c->index, PHONEPRIVILEGE_OWNER, &c->phone) ? -1 : 0;
}

static int run(void *arg, long n, double *lat, long *nlat)
{
	struct ctx *c = arg;
	long i;

	for (i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns();
		int rc;

		c->buf[0] = (char)i;
		if (c->ot)
			rc = bench_set_data(&c->app, c->phone, 0, c->buf, SIZE) ? -1 : 0;
		else
			rc = raw_fsync_write(c->fd, c->buf, SIZE);
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

	if (c->ot)
		bench_app_shutdown(&c->app);
	else
		close(c->fd);
}

static const struct worker_ops ops = { setup, run, teardown };

/* k writers at once, n operations each: one repetition of the rate (all writers' operations over
 * the time from the first start to the last end) and of every latency. */
static int run_many(struct worker *w, int k, long n, struct series *lat, struct series *rate)
{
	struct worker_result r[WRITERS];
	uint64_t t0 = UINT64_MAX, t1 = 0;
	int i, rc = 0;

	for (i = 0; i < k; i++)
		if (worker_go(&w[i], n) < 0)
			return -1;
	for (i = 0; i < k; i++) {
		if (worker_collect(&w[i], &r[i]) < 0)
			rc = -1;
		if (r[i].t0 < t0)
			t0 = r[i].t0;
		if (r[i].t1 > t1)
			t1 = r[i].t1;
	}
	if (rc == 0) {
		double *all = NULL;
		size_t total = 0;

		for (i = 0; i < k; i++) {
			series_lats(lat, r[i].lat, (size_t)r[i].nlat);
			total += (size_t)r[i].nlat;
		}
		all = malloc(total * sizeof(*all));
		if (all) {
			total = 0;
			for (i = 0; i < k; i++) {
				memcpy(all + total, r[i].lat, (size_t)r[i].nlat * sizeof(*all));
				total += (size_t)r[i].nlat;
			}
			series_rep(lat, bench_percentile(all, total, 50));
			free(all);
		}
		series_rep(rate, (double)k * (double)n / ((double)(t1 - t0) / 1e9));
	}
	for (i = 0; i < k; i++)
		free(r[i].lat);
	return rc;
}

static const char *fs_name(long type)
{
	switch ((unsigned long)type) {
	case 0xEF53: return "ext2/3/4";
	case 0x58465342: return "xfs";
	case 0x9123683E: return "btrfs";
	case 0x01021994: return "tmpfs";
	case 0x794C7630: return "overlayfs";
	default: return "other";
	}
}

int main(int argc, char **argv)
{
	static struct ctx raw[WRITERS], ot[WRITERS];
	struct bench_args a;
	struct bench_srv srv;
	struct worker wr[WRITERS], wo[WRITERS];
	struct series raw1_lat, raw1_rate, ot1_lat, ot1_rate, raw8_lat, raw8_rate, ot8_lat, ot8_rate;
	struct statfs fs;
	char *cfg;
	FILE *out;
	long n1, n8;
	int i, rep, rc = 1, nraw = 0, not = 0;

	bench_parse_args(argc, argv, &a, 7);
	out = bench_open_out(&a);
	n1 = bench_ops(&a, 200);
	n8 = bench_ops(&a, 100);
	cfg = bench_config(WRITERS, "4096", 1, 4096);
	if (!cfg || bench_srv_start(&srv, a.disk, cfg) < 0)
		return 1;
	if (statfs(srv.dir, &fs) < 0)
		fs.f_type = 0;
	if (fs.f_type == 0x01021994)
		fprintf(stderr, "durable: warning: %s is on tmpfs: fdatasync costs nothing there\n",
			srv.dir);
	series_init(&raw1_lat, "raw pwrite 4 KiB + fdatasync", "us");
	series_init(&raw1_rate, "raw pwrite + fdatasync, 1 writer", "op/s");
	series_init(&ot1_lat, "OpenTAPI durable, 1 writer", "us");
	series_init(&ot1_rate, "OpenTAPI durable, 1 writer", "req/s");
	series_init(&raw8_lat, "raw pwrite + fdatasync, 8 writers", "us");
	series_init(&raw8_rate, "raw pwrite + fdatasync, 8 writers (8 files)", "op/s");
	series_init(&ot8_lat, "OpenTAPI durable, 8 writers", "us");
	series_init(&ot8_rate, "OpenTAPI durable, 8 writers on 8 phones", "req/s");
	for (i = 0; i < WRITERS; i++) {
		raw[i] = (struct ctx){ .ot = 0, .index = i, .where = srv.dir };
		ot[i] = (struct ctx){ .ot = 1, .index = i, .where = srv.socket };
		if (worker_start(&wr[i], "raw writer", &ops, &raw[i]) < 0)
			goto out;
		nraw++;
		if (worker_start(&wo[i], "durable writer", &ops, &ot[i]) < 0)
			goto out;
		not++;
	}
	{ /* warm-up */
		struct series junk_lat, junk_rate;

		series_init(&junk_lat, "", "");
		series_init(&junk_rate, "", "");
		if (run_many(wr, WRITERS, n8 / 4 + 1, &junk_lat, &junk_rate) < 0 ||
		    run_many(wo, WRITERS, n8 / 4 + 1, &junk_lat, &junk_rate) < 0)
			goto out;
		series_free(&junk_lat);
		series_free(&junk_rate);
	}
	for (rep = 0; rep < a.reps; rep++) {
		/* raw 1, OpenTAPI 1, raw 8, OpenTAPI 8 — backwards in odd rounds */
		for (i = 0; i < 4; i++) {
			int j = rep % 2 ? 3 - i : i, r;

			switch (j) {
			case 0: r = run_many(wr, 1, n1, &raw1_lat, &raw1_rate); break;
			case 1: r = run_many(wo, 1, n1, &ot1_lat, &ot1_rate); break;
			case 2: r = run_many(wr, WRITERS, n8, &raw8_lat, &raw8_rate); break;
			default: r = run_many(wo, WRITERS, n8, &ot8_lat, &ot8_rate); break;
			}
			if (r < 0)
				goto out;
		}
	}
	{
		const struct measure m[] = {
			{ "durable.1w.4096", "durable 4 KiB phoneSetData, 1 writer", HEAD_MEDIAN,
			  &ot1_lat, &raw1_lat, 0, "median over rounds of (OpenTAPI p50 / raw p50)",
			  { TARGET_RATIO, 0, 1.3, "p50 ≤ 1.3 × raw write+fdatasync" }, NULL },
			{ "durable.8w.4096", "durable, 8 writers on 8 phones, total req/s", HEAD_MEDIAN,
			  &ot8_rate, &ot1_rate, 0,
			  "median over rounds of (8-writer req/s / 1-writer req/s)",
			  { TARGET_RATIO, 1, 3.0, "≥ 3 × the 1-writer rate" }, NULL },
			{ "durable.8w.4096.raw", "durable, 8 writers: OpenTAPI vs raw 8 writers",
			  HEAD_MEDIAN, &ot8_rate, &raw8_rate, 0,
			  "median over rounds of (OpenTAPI req/s / raw op/s)",
			  { TARGET_NONE, 0, 0, NULL }, NULL },
			{ "durable.1w.4096.rate", "durable, 1 writer: OpenTAPI vs raw rate", HEAD_MEDIAN,
			  &ot1_rate, &raw1_rate, 0, "median over rounds of (OpenTAPI req/s / raw op/s)",
			  { TARGET_NONE, 0, 0, NULL }, NULL },
			{ "durable.8w.4096.lat", "durable, 8 writers: latency vs raw 8 writers",
			  HEAD_MEDIAN, &ot8_lat, &raw8_lat, 0,
			  "median over rounds of (OpenTAPI p50 / raw p50)",
			  { TARGET_NONE, 0, 0, NULL }, NULL },
		};
		size_t k;

		bench_json_begin(out, "durable");
		bench_json_param("reps", "%d", a.reps);
		bench_json_param("ops_1_writer", "%ld", n1);
		bench_json_param("ops_per_writer_8", "%ld", n8);
		bench_json_param("state_dir", "%s", srv.dir);
		bench_json_param("state_fs", "%s (f_type 0x%lx)", fs_name((long)fs.f_type),
				 (unsigned long)fs.f_type);
		bench_json_param("payload", "4 KiB into data area 0 (4 KiB), durable = yes, server mode");
		for (k = 0; k < sizeof(m) / sizeof(m[0]); k++)
			bench_json_measure(&m[k]);
		bench_json_end();
		rc = 0;
	}
out:
	for (i = 0; i < nraw; i++)
		worker_stop(&wr[i]);
	for (i = 0; i < not; i++)
		worker_stop(&wo[i]);
	bench_srv_stop(&srv);
	free(cfg);
	return rc;
}
