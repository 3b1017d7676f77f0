/* SPDX-License-Identifier: MIT */
/* stats.h — what every benchmark shares: the clock, series of measurements with their statistics,
 * and the JSON each bench program prints (bench/run.py gathers it into bench/results.json).
 *
 * A *series* is one thing measured (OpenTAPI in some mode, or a baseline) over several
 * repetitions. Each repetition adds one value in the series' unit (a latency's p50 in µs, a rate
 * in req/s, a bandwidth in MiB/s) and, optionally, the latency of every single operation in µs.
 * The statistics are min/median/max over the repetitions and p50/p99 over all operations.
 *
 * A *measure* compares two series (OpenTAPI and its baseline, measured in the same run,
 * alternating) with a ratio, and checks the ratio (or the plain value) against a target.
 */
#ifndef OT_BENCH_STATS_H
#define OT_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* CLOCK_MONOTONIC in nanoseconds: comparable between processes. */
uint64_t bench_now_ns(void);

struct series {
	char label[96];    /* "raw AF_UNIX 64 B ping-pong" */
	char unit[16];     /* of the per-repetition values: "us", "req/s", "MiB/s", "KiB" */
	double *reps;
	size_t nreps, reps_cap;
	double *lat;       /* per-operation latencies in µs, pooled over the repetitions */
	size_t nlat, lat_cap;
};

void series_init(struct series *s, const char *label, const char *unit);
void series_free(struct series *s);
void series_rep(struct series *s, double value);
void series_lat(struct series *s, double us);
/* Appends n latencies at once. */
void series_lats(struct series *s, const double *us, size_t n);

/* The p-th percentile (0..100) of n values (sorted in place), linear interpolation. */
double bench_percentile(double *v, size_t n, double p);
/* Median of the repetition values / percentile of the latencies (0 when there are none). */
double series_median(const struct series *s);
double series_lat_pct(const struct series *s, double p);

/* What a measure's number is compared to. */
enum target_on {
	TARGET_NONE,  /* informational */
	TARGET_RATIO, /* the ratio must satisfy cmp value */
	TARGET_VALUE, /* OpenTAPI's headline value itself */
};

struct target {
	enum target_on on;
	int at_least;     /* 1: >= value, 0: <= value */
	double value;
	const char *text; /* "p50 ≤ 1.25 × raw socket round trip" */
};

/* Which statistic a series is summed up by in the table: the pooled p50 / p99 of all its
 * operations, or the median of its repetition values (a latency bench records each
 * repetition's p50, so that is "the median p50"). With HEAD_MEDIAN and both series measured
 * in the same rounds, the ratio is the median of the rounds' ratios (paired). */
enum headline { HEAD_P50, HEAD_P99, HEAD_MEDIAN };

struct measure {
	const char *id;        /* "roundtrip.server.64" */
	const char *label;     /* "server-mode 64 B phoneSetData → PHONE_REPLY" */
	enum headline head;
	const struct series *ot;
	const struct series *base;    /* may be NULL */
	/* ratio = ot/base of the headline (ratio_inverse: base/ot, "times faster") */
	int ratio_inverse;
	const char *ratio_text;       /* how to read the ratio */
	struct target target;
	const char *note;             /* anything a reader of the table must know, or NULL */
};

double measure_headline(const struct series *s, enum headline h);
/* ratio (or NAN when there is no baseline) and whether the target is met (-1: no target). */
double measure_ratio(const struct measure *m);
int measure_met(const struct measure *m);

/* The JSON document one bench program prints:
 *   { "bench": NAME, "params": {...}, "measures": [ ... ], "notes": [ ... ] }
 * Call bench_json_begin, then bench_json_param*, bench_json_measure for each measure (and
 * bench_json_note), then bench_json_end. Also prints each measure as one human line to stderr. */
void bench_json_begin(FILE *out, const char *bench);
void bench_json_param(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void bench_json_measure(const struct measure *m);
void bench_json_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Attaches a ready JSON value under "extra": {key: json} (curves, raw data). */
void bench_json_extra(const char *key, const char *json);
void bench_json_end(void);

/* A JSON string (quotes included). */
void bench_json_string(FILE *out, const char *s);

#endif
