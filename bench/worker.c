/* SPDX-License-Identifier: MIT */
/* worker.c — see worker.h. */
#define _GNU_SOURCE
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stats.h"

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

struct head {
	int rc;
	uint64_t t0, t1;
	long nlat;
};

static void child(int cmd, int res, const struct worker_ops *ops, void *arg)
{
	int ok = ops->setup ? ops->setup(arg) : 0;
	double *lat = NULL;
	long cap = 0, n;

	if (write_all(res, &ok, sizeof(ok)) < 0 || ok < 0)
		_exit(1);
	while (read_all(cmd, &n, sizeof(n)) == 0 && n > 0) {
		struct head h = { 0, 0, 0, 0 };

		if (n > cap) {
			free(lat);
			cap = n;
			lat = malloc((size_t)cap * sizeof(*lat));
			if (!lat)
				_exit(1);
		}
		h.t0 = bench_now_ns();
		h.rc = ops->run(arg, n, lat, &h.nlat);
		h.t1 = bench_now_ns();
		if (write_all(res, &h, sizeof(h)) < 0 ||
		    write_all(res, lat, (size_t)h.nlat * sizeof(*lat)) < 0)
			break;
	}
	if (ops->teardown)
		ops->teardown(arg);
	free(lat);
	_exit(0);
}

int worker_start(struct worker *w, const char *name, const struct worker_ops *ops, void *arg)
{
	int to[2], from[2], ok = -1;

	memset(w, 0, sizeof(*w));
	w->name = name;
	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	w->pid = fork();
	if (w->pid < 0)
		return -1;
	if (w->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the bench program */
		close(to[1]);
		close(from[0]);
		child(to[0], from[1], ops, arg);
	}
	close(to[0]);
	close(from[1]);
	w->cmd = to[1];
	w->res = from[0];
	if (read_all(w->res, &ok, sizeof(ok)) < 0 || ok < 0) {
		fprintf(stderr, "bench: worker '%s' could not set up\n", name);
		worker_stop(w);
		return -1;
	}
	return 0;
}

int worker_go(struct worker *w, long n)
{
	return write_all(w->cmd, &n, sizeof(n));
}

int worker_collect(struct worker *w, struct worker_result *r)
{
	struct head h;

	memset(r, 0, sizeof(*r));
	if (read_all(w->res, &h, sizeof(h)) < 0) {
		fprintf(stderr, "bench: worker '%s' died\n", w->name);
		return -1;
	}
	r->rc = h.rc;
	r->t0 = h.t0;
	r->t1 = h.t1;
	r->nlat = h.nlat;
	r->lat = malloc((size_t)(h.nlat ? h.nlat : 1) * sizeof(double));
	if (!r->lat || read_all(w->res, r->lat, (size_t)h.nlat * sizeof(double)) < 0)
		return -1;
	if (h.rc < 0)
		fprintf(stderr, "bench: worker '%s' failed a run\n", w->name);
	return h.rc;
}

int worker_run(struct worker *w, long n, struct worker_result *r)
{
	memset(r, 0, sizeof(*r));
	if (worker_go(w, n) < 0)
		return -1;
	return worker_collect(w, r);
}

void worker_stop(struct worker *w)
{
	long zero = 0;

	if (w->pid <= 0)
		return;
	if (w->cmd > 0) {
		if (write_all(w->cmd, &zero, sizeof(zero)) < 0) {
			/* gone already */
		}
		close(w->cmd);
	}
	if (w->res > 0)
		close(w->res);
	waitpid(w->pid, NULL, 0);
	w->pid = 0;
}

void bench_record(struct series *s, const struct worker_result *r, long n, enum rep_value how,
		  double bytes_per_op)
{
	double secs = (double)(r->t1 - r->t0) / 1e9;

	series_lats(s, r->lat, (size_t)r->nlat);
	switch (how) {
	case REP_P50_US:
	case REP_P99_US: {
		double *c = malloc((size_t)(r->nlat ? r->nlat : 1) * sizeof(*c));

		if (c) {
			memcpy(c, r->lat, (size_t)r->nlat * sizeof(*c));
			series_rep(s, bench_percentile(c, (size_t)r->nlat,
							  how == REP_P50_US ? 50 : 99));
			free(c);
		}
		break;
	}
	case REP_RATE:
		series_rep(s, (double)n / secs);
		break;
	case REP_MIB_S:
		series_rep(s, bytes_per_op * (double)n / secs / (1024.0 * 1024.0));
		break;
	}
}

int bench_alternate(struct worker *w, struct series *const *s, int k, int reps, long n,
		    enum rep_value how, double bytes_per_op)
{
	struct worker_result r;
	int i, rep;

	for (i = 0; i < k; i++) { /* warm-up: caches, page faults, the server's buffers */
		if (worker_run(&w[i], n / 4 ? n / 4 : 1, &r) < 0)
			return -1;
		free(r.lat);
	}
	for (rep = 0; rep < reps; rep++) {
		for (i = 0; i < k; i++) {
			int j = rep % 2 ? k - 1 - i : i;

			if (worker_run(&w[j], n, &r) < 0) {
				free(r.lat);
				return -1;
			}
			bench_record(s[j], &r, n, how, bytes_per_op);
			free(r.lat);
		}
	}
	return 0;
}
