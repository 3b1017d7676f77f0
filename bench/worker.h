/* SPDX-License-Identifier: MIT */
/* worker.h — measuring processes.
 *
 * libopentapi has one backend per process (embedded, or one connection to one tapisrv), and a
 * raw baseline needs its own peer process; so every variant of a benchmark runs in a worker
 * process of its own, forked by the (single-threaded) bench program before anything else
 * starts. The bench program then alternates between its workers: "run n operations" → the
 * worker runs them and sends back its start and end time and the latency of every operation.
 */
#ifndef OT_BENCH_WORKER_H
#define OT_BENCH_WORKER_H

#include <stdint.h>
#include <sys/types.h>

struct worker_ops {
	/* In the worker, once, before the first run: 0, or -1 (the worker exits). */
	int (*setup)(void *arg);
	/* n operations; the latency of each (µs) into lat[0 .. *nlat - 1] (at most n). 0 or -1. */
	int (*run)(void *arg, long n, double *lat, long *nlat);
	/* In the worker, before it exits; may be NULL. */
	void (*teardown)(void *arg);
};

struct worker {
	pid_t pid;
	int cmd, res; /* pipes: to the worker, from it */
	const char *name;
};

struct worker_result {
	int rc;
	uint64_t t0, t1; /* CLOCK_MONOTONIC ns around the run, in the worker */
	long nlat;
	double *lat;     /* malloc'd; the caller frees */
};

/* Forks a worker; arg is the worker's copy of whatever the caller set up. Waits until its setup
 * is done. Returns 0, or -1 (setup failed; the worker is gone). */
int worker_start(struct worker *w, const char *name, const struct worker_ops *ops, void *arg);
/* Tells the worker to run n operations (worker_collect gets the result): several workers can
 * run at the same time. */
int worker_go(struct worker *w, long n);
int worker_collect(struct worker *w, struct worker_result *r);
/* worker_go + worker_collect. */
int worker_run(struct worker *w, long n, struct worker_result *r);
/* Ends the worker (its teardown runs) and waits for it. */
void worker_stop(struct worker *w);

struct series;

/* What one repetition of a worker adds to its series (every operation's latency is added too). */
enum rep_value {
	REP_P50_US,    /* the p50 of this repetition's latencies, µs */
	REP_P99_US,    /* their p99 */
	REP_RATE,      /* operations per second */
	REP_MIB_S,     /* bytes_per_op × operations per second, in MiB/s */
};

/* The alternation every bench uses: a warm-up run of each worker (not recorded), then reps
 * rounds in which each of the k workers runs n operations, one after the other — forward in
 * even rounds, backward in odd ones, so that no variant always follows the same one. 0 or -1. */
int bench_alternate(struct worker *w, struct series *const *s, int k, int reps, long n,
		    enum rep_value how, double bytes_per_op);
/* Adds one repetition's result to s, as bench_alternate does. */
void bench_record(struct series *s, const struct worker_result *r, long n, enum rep_value how,
		  double bytes_per_op);

#endif
