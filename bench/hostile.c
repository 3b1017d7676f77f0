/* SPDX-License-Identifier: MIT */
/* hostile — what abusive clients cost the others (the figures tests/integration/test_hostile.c
 * prints but, being a test, never asserts):
 *   - the round-trip p99 of a well-behaved application (phoneGetData of 16 B through tapisrv)
 *     while two clients flood the server without reading (tests/integration/rawclient.c's
 *     flooders: 8-byte writes and 64 KiB reads), against its p99 on the quiet server, the two
 *     measured alternately in every repetition;
 *   - tapisrv's CPU time per second while 80 connections wait at a descriptor limit of 40 (a
 *     server that retried accept() would spin), against the same server idle just before. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ot.h"
#include "rawclient.h"
#include "stats.h"

#define CONFIG                                                                                   \
	"[limits]\nevents_per_client = 16\n"                                                     \
	"[phone \"A\"]\nprovider = sim\ndata_areas = 64, 65536\ndurable = no\n"                  \
	"[phone \"B\"]\nprovider = sim\ndata_areas = 64\ndurable = no\n"

/* n round trips of the well-behaved application into s. */
static int round_trips(HPHONE phone, long n, struct series *s)
{
	char buf[16];
	double *lat = malloc((size_t)n * sizeof(double));
	long i;

	if (!lat)
		return -1;
	for (i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns();

		if (phoneGetData(phone, 0, buf, sizeof(buf)) != 0) {
			free(lat);
			return -1;
		}
		lat[i] = (double)(bench_now_ns() - t0) / 1e3;
	}
	series_lats(s, lat, (size_t)n);
	series_rep(s, bench_percentile(lat, (size_t)n, 99));
	free(lat);
	return 0;
}

/* Two flooders (forked), started and connected; they stop when *stop_w is closed. */
static int start_flooders(const char *socket, pid_t pids[2], int *stop_w)
{
	int stop[2], ready[2], report[2], i;
	char c;

	if (pipe(stop) < 0 || pipe(ready) < 0 || pipe(report) < 0)
		return -1;
	fflush(NULL);
	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(stop[1]);
			_exit(raw_flooder(socket, i ? RAW_FLOOD_BIG_READS : RAW_FLOOD_SMALL_WRITES,
					  ready[1], stop[0], report[1], 60000));
		}
	}
	close(stop[0]);
	close(ready[1]);
	close(report[1]);
	close(report[0]); /* the drop counts are the test's business */
	for (i = 0; i < 2; i++)
		if (pids[i] < 0 || read(ready[0], &c, 1) != 1)
			return -1;
	close(ready[0]);
	*stop_w = stop[1];
	return 0;
}

static int stop_flooders(pid_t pids[2], int stop_w)
{
	int st, ok = 1;

	close(stop_w);
	for (int i = 0; i < 2; i++) /* a flooder reports its drops into a closed pipe: exit 20 */
		ok &= waitpid(pids[i], &st, 0) == pids[i] && WIFEXITED(st);
	return ok ? 0 : -1;
}

static int flood(const struct bench_args *a, struct series *quiet, struct series *busy)
{
	struct bench_srv srv;
	struct bench_app app;
	HPHONE phone;
	long n = bench_ops(a, 2000);
	int rc = -1;

	if (bench_srv_start(&srv, a->tmp, CONFIG) < 0)
		return -1;
	bench_use_server(srv.socket);
	if (bench_app_init(&app, "bench hostile") == 0 &&
	    bench_app_open(&app, 0, PHONEPRIVILEGE_OWNER, &phone) == 0) {
		int r;

		for (r = 0; r < a->reps; r++) {
			pid_t pids[2];
			int stop_w;

			if (round_trips(phone, n, quiet) < 0 ||
			    start_flooders(srv.socket, pids, &stop_w) < 0)
				break;
			if (round_trips(phone, n, busy) < 0 || stop_flooders(pids, stop_w) < 0)
				break;
		}
		rc = r == a->reps ? 0 : -1;
		bench_app_shutdown(&app);
	}
	bench_srv_stop(&srv);
	return rc;
}

/* tapisrv's CPU milliseconds over one second. */
static double cpu_ms_per_s(pid_t pid)
{
	long t0 = proc_cpu_ms(pid), t1;

	sleep(1);
	t1 = proc_cpu_ms(pid);
	return t0 < 0 || t1 < 0 ? -1 : (double)(t1 - t0);
}

static int descriptor_limit(const struct bench_args *a, struct series *idle, struct series *limit)
{
	struct rlimit rl, low;
	struct bench_srv srv;
	int fds[80], r, i, rc;

	getrlimit(RLIMIT_NOFILE, &rl);
	low = rl;
	low.rlim_cur = 40;
	setrlimit(RLIMIT_NOFILE, &low);
	rc = bench_srv_start(&srv, a->tmp, CONFIG);
	setrlimit(RLIMIT_NOFILE, &rl);
	if (rc < 0)
		return -1;
	for (r = 0; r < a->reps; r++) {
		series_rep(idle, cpu_ms_per_s(srv.pid));
		for (i = 0; i < 80; i++)
			fds[i] = raw_connect_fd(srv.socket);
		usleep(200000); /* it accepts up to the limit and pauses */
		series_rep(limit, cpu_ms_per_s(srv.pid));
		for (i = 0; i < 80; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		usleep(200000);
	}
	bench_srv_stop(&srv);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_args a;
	struct series quiet, busy, idle, limit;
	FILE *out;

	bench_parse_args(argc, argv, &a, 5);
	out = bench_open_out(&a);
	series_init(&quiet, "the same application, quiet server", "us");
	series_init(&busy, "round trip while two clients flood", "us");
	series_init(&idle, "tapisrv idle", "ms/s");
	series_init(&limit, "tapisrv, 80 connections at a limit of 40 fds", "ms/s");
	if (flood(&a, &quiet, &busy) < 0 || descriptor_limit(&a, &idle, &limit) < 0) {
		fprintf(stderr, "hostile: a measurement failed\n");
		return 1;
	}
	{
		const struct measure m[] = {
			{ "hostile.flood.p99", "16 B phoneGetData p99 while two clients flood",
			  HEAD_P99, &busy, &quiet, 0, "p99 under the flood / quiet p99",
			  { TARGET_RATIO, 0, 10, "p99 ≤ 10 × quiet p99" }, NULL },
			{ "hostile.fdlimit.cpu", "tapisrv CPU at the descriptor limit", HEAD_MEDIAN,
			  &limit, &idle, 0, NULL,
			  { TARGET_VALUE, 0, 100, "≤ 100 ms of CPU per second (a spin takes 1,000)" },
			  "the baseline is the same server idle; the ratio is meaningless when it is 0" },
		};

		bench_json_begin(out, "hostile");
		bench_json_param("round_trips_per_rep", "%ld", bench_ops(&a, 2000));
		bench_json_param("reps", "%d", a.reps);
		for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
			bench_json_measure(&m[i]);
		bench_json_end();
	}
	series_free(&quiet);
	series_free(&busy);
	series_free(&idle);
	series_free(&limit);
	return 0;
}
