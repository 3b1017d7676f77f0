/* SPDX-License-Identifier: MIT */
/* stats.c — see stats.h. */
#define _GNU_SOURCE
#include "stats.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t bench_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* ---- series ----------------------------------------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "bench: out of memory\n");
		exit(2);
	}
	return p;
}

static void push(double **v, size_t *n, size_t *cap, double x)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = x;
}

void series_init(struct series *s, const char *label, const char *unit)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->label, sizeof(s->label), "%s", label);
	snprintf(s->unit, sizeof(s->unit), "%s", unit);
}

void series_free(struct series *s)
{
	free(s->reps);
	free(s->lat);
	memset(s, 0, sizeof(*s));
}

void series_rep(struct series *s, double value)
{
	push(&s->reps, &s->nreps, &s->reps_cap, value);
}

void series_lat(struct series *s, double us)
{
	push(&s->lat, &s->nlat, &s->lat_cap, us);
}

void series_lats(struct series *s, const double *us, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		series_lat(s, us[i]);
}

/* ---- statistics --------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_percentile(double *v, size_t n, double p)
{
	double pos, frac;
	size_t i;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	pos = p / 100.0 * (double)(n - 1);
	i = (size_t)pos;
	frac = pos - (double)i;
	return i + 1 < n ? v[i] + frac * (v[i + 1] - v[i]) : v[n - 1];
}

/* Percentile of a copy, so a series keeps its order of arrival. */
static double pct_of(const double *v, size_t n, double p)
{
	double *c, r;

	if (n == 0)
		return 0;
	c = xrealloc(NULL, n * sizeof(*c));
	memcpy(c, v, n * sizeof(*c));
	r = bench_percentile(c, n, p);
	free(c);
	return r;
}

double series_median(const struct series *s)
{
	return pct_of(s->reps, s->nreps, 50);
}

double series_lat_pct(const struct series *s, double p)
{
	return pct_of(s->lat, s->nlat, p);
}

double measure_headline(const struct series *s, enum headline h)
{
	switch (h) {
	case HEAD_P50:
		return series_lat_pct(s, 50);
	case HEAD_P99:
		return series_lat_pct(s, 99);
	case HEAD_MEDIAN:
		break;
	}
	return series_median(s);
}

/* The ratio of repetition i (both series measured in the same round), or NaN. */
static double rep_ratio(const struct measure *m, size_t i)
{
	double a = m->ot->reps[i], b = m->base->reps[i];

	if (m->ratio_inverse)
		return a > 0 ? b / a : NAN;
	return b > 0 ? a / b : NAN;
}

double measure_ratio(const struct measure *m)
{
	double a, b;

	if (!m->base)
		return NAN;
	if (m->head == HEAD_MEDIAN && m->ot->nreps && m->ot->nreps == m->base->nreps) {
		/* Paired: each round's ratio, then their median. The two sides of a round ran
		 * back to back, so a disturbance of the machine that lasts longer than a round
		 * moves both and cancels. */
		double *r = malloc(m->ot->nreps * sizeof(*r)), x;
		size_t i;

		if (!r)
			return NAN;
		for (i = 0; i < m->ot->nreps; i++)
			r[i] = rep_ratio(m, i);
		x = bench_percentile(r, m->ot->nreps, 50);
		free(r);
		return x;
	}
	a = measure_headline(m->ot, m->head);
	b = measure_headline(m->base, m->head);
	if (m->ratio_inverse)
		return a > 0 ? b / a : NAN;
	return b > 0 ? a / b : NAN;
}

int measure_met(const struct measure *m)
{
	double x;

	switch (m->target.on) {
	case TARGET_NONE:
		return -1;
	case TARGET_RATIO:
		x = measure_ratio(m);
		break;
	case TARGET_VALUE:
	default:
		x = measure_headline(m->ot, m->head);
		break;
	}
	if (isnan(x))
		return 0;
	return m->target.at_least ? x >= m->target.value : x <= m->target.value;
}

/* ---- JSON ----------------------------------------------------------------------------------- */

static struct {
	FILE *out;
	char *params, *measures, *notes, *extra;
	size_t params_len, measures_len, notes_len, extra_len;
	FILE *p, *m, *n, *x;
	int np, nm, nn, nx;
	const char *bench;
} J;

void bench_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* A number, or null for NaN / infinity (JSON has neither). */
static void num(FILE *out, double x)
{
	if (isnan(x) || isinf(x))
		fputs("null", out);
	else
		fprintf(out, "%.6g", x);
}

void bench_json_begin(FILE *out, const char *bench)
{
	memset(&J, 0, sizeof(J));
	J.out = out;
	J.bench = bench;
	J.p = open_memstream(&J.params, &J.params_len);
	J.m = open_memstream(&J.measures, &J.measures_len);
	J.n = open_memstream(&J.notes, &J.notes_len);
	J.x = open_memstream(&J.extra, &J.extra_len);
	if (!J.p || !J.m || !J.n || !J.x) {
		fprintf(stderr, "bench: out of memory\n");
		exit(2);
	}
}

void bench_json_param(const char *key, const char *fmt, ...)
{
	char *v = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&v, fmt, ap) < 0)
		v = NULL;
	va_end(ap);
	fputs(J.np++ ? ",\n    " : "\n    ", J.p);
	bench_json_string(J.p, key);
	fputs(": ", J.p);
	bench_json_string(J.p, v ? v : "");
	free(v);
}

void bench_json_note(const char *fmt, ...)
{
	char *v = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&v, fmt, ap) < 0)
		v = NULL;
	va_end(ap);
	fputs(J.nn++ ? ",\n    " : "\n    ", J.n);
	bench_json_string(J.n, v ? v : "");
	fprintf(stderr, "%s: note: %s\n", J.bench, v ? v : "");
	free(v);
}

void bench_json_extra(const char *key, const char *json)
{
	fputs(J.nx++ ? ",\n    " : "\n    ", J.x);
	bench_json_string(J.x, key);
	fprintf(J.x, ": %s", json);
}

static void json_series(FILE *o, const struct series *s)
{
	static const double cdf_extra[] = { 99.5, 99.9, 100 };
	size_t i;

	fputs("{\"label\": ", o);
	bench_json_string(o, s->label);
	fputs(", \"unit\": ", o);
	bench_json_string(o, s->unit);
	fputs(", \"reps\": [", o);
	for (i = 0; i < s->nreps; i++) {
		if (i)
			fputs(", ", o);
		num(o, s->reps[i]);
	}
	fputs("], \"min\": ", o);
	num(o, s->nreps ? pct_of(s->reps, s->nreps, 0) : NAN);
	fputs(", \"median\": ", o);
	num(o, s->nreps ? series_median(s) : NAN);
	fputs(", \"max\": ", o);
	num(o, s->nreps ? pct_of(s->reps, s->nreps, 100) : NAN);
	if (s->nlat) {
		double *c = xrealloc(NULL, s->nlat * sizeof(*c));

		memcpy(c, s->lat, s->nlat * sizeof(*c));
		qsort(c, s->nlat, sizeof(*c), cmp_double);
		fprintf(o, ",\n       \"lat_us\": {\"n\": %zu, \"min\": ", s->nlat);
		num(o, c[0]);
		fputs(", \"p50\": ", o);
		num(o, bench_percentile(c, s->nlat, 50));
		fputs(", \"p90\": ", o);
		num(o, bench_percentile(c, s->nlat, 90));
		fputs(", \"p99\": ", o);
		num(o, bench_percentile(c, s->nlat, 99));
		fputs(", \"p999\": ", o);
		num(o, bench_percentile(c, s->nlat, 99.9));
		fputs(", \"max\": ", o);
		num(o, c[s->nlat - 1]);
		/* The distribution, for the latency plots: percentile → µs. */
		fputs(",\n         \"cdf\": [", o);
		for (i = 0; i <= 99; i++) {
			fprintf(o, "%s[%zu, ", i ? ", " : "", i);
			num(o, bench_percentile(c, s->nlat, (double)i));
			fputc(']', o);
		}
		for (i = 0; i < sizeof(cdf_extra) / sizeof(cdf_extra[0]); i++) {
			fprintf(o, ", [%g, ", cdf_extra[i]);
			num(o, bench_percentile(c, s->nlat, cdf_extra[i]));
			fputc(']', o);
		}
		fputs("]}", o);
		free(c);
	}
	fputc('}', o);
}

static const char *head_name(enum headline h)
{
	return h == HEAD_P50 ? "p50" : h == HEAD_P99 ? "p99" : "median";
}

void bench_json_measure(const struct measure *m)
{
	FILE *o = J.m;
	double ratio = measure_ratio(m);
	int met = measure_met(m);

	fputs(J.nm++ ? ",\n    {" : "\n    {", o);
	fputs("\"id\": ", o);
	bench_json_string(o, m->id);
	fputs(", \"label\": ", o);
	bench_json_string(o, m->label);
	fprintf(o, ", \"headline\": \"%s\",\n     \"opentapi\": ", head_name(m->head));
	json_series(o, m->ot);
	fputs(",\n     \"baseline\": ", o);
	if (m->base)
		json_series(o, m->base);
	else
		fputs("null", o);
	fputs(",\n     \"ratio\": ", o);
	num(o, ratio);
	if (m->base && m->head == HEAD_MEDIAN && m->ot->nreps == m->base->nreps) {
		size_t i;

		fputs(", \"ratio_reps\": [", o);
		for (i = 0; i < m->ot->nreps; i++) {
			if (i)
				fputs(", ", o);
			num(o, rep_ratio(m, i));
		}
		fputc(']', o);
	}
	fputs(", \"ratio_def\": ", o);
	bench_json_string(o, m->ratio_text ? m->ratio_text : "");
	fputs(", \"target\": ", o);
	if (m->target.on == TARGET_NONE) {
		fputs("null", o);
	} else {
		fprintf(o, "{\"on\": \"%s\", \"cmp\": \"%s\", \"value\": ",
			m->target.on == TARGET_RATIO ? "ratio" : "value", m->target.at_least ? ">=" : "<=");
		num(o, m->target.value);
		fputs(", \"text\": ", o);
		bench_json_string(o, m->target.text ? m->target.text : "");
		fputc('}', o);
	}
	fprintf(o, ", \"met\": %s", met < 0 ? "null" : met ? "true" : "false");
	if (m->note) {
		fputs(", \"note\": ", o);
		bench_json_string(o, m->note);
	}
	fputc('}', o);

	fprintf(stderr, "%s: %-52s %10.4g %-6s", J.bench, m->label, measure_headline(m->ot, m->head),
		m->ot->unit);
	if (m->base)
		fprintf(stderr, " vs %10.4g %-6s ratio %.3g", measure_headline(m->base, m->head),
			m->base->unit, ratio);
	if (met >= 0)
		fprintf(stderr, "  target %s: %s", m->target.text ? m->target.text : "",
			met ? "met" : "NOT met");
	fputc('\n', stderr);
}

void bench_json_end(void)
{
	fclose(J.p);
	fclose(J.m);
	fclose(J.n);
	fclose(J.x);
	fprintf(J.out, "{\"bench\": ");
	bench_json_string(J.out, J.bench);
	fprintf(J.out, ",\n  \"params\": {%s\n  },\n  \"measures\": [%s\n  ],\n  \"notes\": [%s\n  ],"
		"\n  \"extra\": {%s\n  }\n}\n",
		J.params, J.measures, J.notes, J.extra);
	fflush(J.out);
	free(J.params);
	free(J.measures);
	free(J.notes);
	free(J.extra);
}
