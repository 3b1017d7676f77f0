/* SPDX-License-Identifier: MIT */
/* setdata-loop — one path, nothing else, for profiling: n × phoneSetData of size bytes to data
 * area `area` of device 0, keeping `window` requests outstanding, each until its PHONE_REPLY.
 * Runs against whatever OPENTAPI_SERVER (and OPENTAPI_CONFIG) say, and prints µs per request.
 *
 *   OPENTAPI_SERVER=/path/tapisrv.sock perf stat -e task-clock,context-switches \
 *       build/bench/setdata-loop 20000 64 0 1
 * (docs/performance.md, "Profiling", has the recipes.) */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "ot.h"
#include "stats.h"

int main(int argc, char **argv)
{
	struct bench_app a;
	HPHONE h;
	long n, issued = 0, done = 0, window;
	size_t size;
	DWORD area;
	uint64_t t0;
	char *buf;

	if (argc < 4) {
		fprintf(stderr, "usage: %s COUNT SIZE AREA [WINDOW]\n", argv[0]);
		return 2;
	}
	n = atol(argv[1]);
	size = (size_t)atol(argv[2]);
	area = (DWORD)atol(argv[3]);
	window = argc > 4 ? atol(argv[4]) : 1;
	bench_env();
	buf = calloc(1, size ? size : 1);
	if (!buf || n < 1 || window < 1 || bench_app_init(&a, "setdata-loop") ||
	    bench_app_open(&a, 0, PHONEPRIVILEGE_OWNER, &h))
		return 1;
	t0 = bench_now_ns();
	while (done < n) {
		DWORD id;
		LONG result, rc;

		while (issued < n && issued - done < window) {
			rc = phoneSetData(h, area, buf, (DWORD)size);
			if (rc < 0) {
				fprintf(stderr, "phoneSetData: 0x%08x\n", (unsigned)rc);
				return 1;
			}
			issued++;
		}
		if (bench_next_reply(&a, &id, &result) || result) {
			fprintf(stderr, "PHONE_REPLY: 0x%08x\n", (unsigned)result);
			return 1;
		}
		done++;
	}
	printf("%.2f us per request\n", (double)(bench_now_ns() - t0) / 1e3 / (double)n);
	bench_app_shutdown(&a);
	free(buf);
	return 0;
}
