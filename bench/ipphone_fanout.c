/* SPDX-License-Identifier: MIT */
/* ipphone_fanout.c — phoneSetData to 1,000 emulated IP desk phones at once, through one tapisrv
 * and the ipphone provider with `parallel = 64`, against the same 1,000 pushes made by a plain
 * libcurl multi program (64 at a time), measured in the same run, alternating.
 *
 * The phones are Polycom emulators (tests/ipphone/emu.c: libmicrohttpd on 127.0.0.1, one server
 * and port per phone, HTTP Digest), in this process; each side has its own set of them, so that
 * the two clients never share (and spoil) a Digest nonce. Both sides send byte-identical requests:
 * POST /push, Content-Type application/xhtml+xml, the same <PolycomIPPhone><Data> body, Digest
 * with the same credentials, one easy handle per phone kept between rounds (so both reuse the
 * Digest nonce and whatever connections libcurl keeps). One round: every phone gets one push;
 * OpenTAPI's round ends with the last PHONE_REPLY, the baseline's with the last transfer.
 *
 *   ipphone_fanout [--reps N] [--ops-scale F] [--out FILE] [--tmp DIR] [--delay-ms D]
 *
 * --ops-scale scales the number of phones (1,000); --delay-ms makes every phone take D ms to
 * answer (default 0: the bench then measures the stacks, not the phones). Prints the JSON of
 * bench/stats.h; the headline is the median round time, and the ratio OpenTAPI / baseline.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "emu.h"
#include "ot.h"
#include "stats.h"

#define DEFAULT_PHONES 1000
#define PARALLEL 64
#define USER "Push"
#define PASSWORD "bench-pw"

static const char payload[] = "<h1>Fan-out</h1><p>One push to every phone on the floor.</p>";
/* What the provider sends for payload to area 0 (priority Normal): the baseline sends the same. */
static const char body[] = "<PolycomIPPhone><Data priority=\"Normal\">"
			   "<h1>Fan-out</h1><p>One push to every phone on the floor.</p>"
			   "</Data></PolycomIPPhone>";

static void raise_nofile(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

/* ---- the baseline: a plain libcurl multi program --------------------------------------------- */

struct baseline {
	CURLM *multi;
	CURL **easy;
	struct curl_slist *headers;
	unsigned n;
};

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

static int baseline_init(struct baseline *b, struct emu **phones, unsigned n)
{
	char url[64];
	unsigned i;

	b->n = n;
	b->multi = curl_multi_init();
	b->easy = calloc(n, sizeof(*b->easy));
	b->headers = curl_slist_append(NULL, "Content-Type: application/xhtml+xml");
	b->headers = b->headers ? curl_slist_append(b->headers, "Expect:") : NULL;
	if (!b->multi || !b->easy || !b->headers)
		return -1;
	for (i = 0; i < n; i++) {
		CURL *e = curl_easy_init();

		if (!e)
			return -1;
		snprintf(url, sizeof(url), "http://127.0.0.1:%u/push", emu_port(phones[i]));
		curl_easy_setopt(e, CURLOPT_URL, url);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)(sizeof(body) - 1));
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, b->headers);
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_DIGEST);
		curl_easy_setopt(e, CURLOPT_USERNAME, USER);
		curl_easy_setopt(e, CURLOPT_PASSWORD, PASSWORD);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 8000L);
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 8000L);
		b->easy[i] = e;
	}
	return 0;
}

/* One round: every phone once, at most PARALLEL at a time. Returns failed transfers. */
static unsigned baseline_round(struct baseline *b)
{
	unsigned next = 0, active = 0, failed = 0;

	while (next < b->n || active) {
		struct CURLMsg *m;
		int running, left;

		while (active < PARALLEL && next < b->n) {
			curl_multi_add_handle(b->multi, b->easy[next++]);
			active++;
		}
		curl_multi_perform(b->multi, &running);
		while ((m = curl_multi_info_read(b->multi, &left))) {
			CURL *e = m->easy_handle;
			CURLcode rc = m->data.result;
			long code = 0;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
			if (rc != CURLE_OK || code != 200)
				failed++;
			curl_multi_remove_handle(b->multi, e);
			active--;
		}
		if (active && (next >= b->n || active >= PARALLEL))
			curl_multi_poll(b->multi, NULL, 0, 1000, NULL);
	}
	return failed;
}

static void baseline_free(struct baseline *b)
{
	unsigned i;

	for (i = 0; b->easy && i < b->n; i++)
		if (b->easy[i])
			curl_easy_cleanup(b->easy[i]);
	free(b->easy);
	curl_slist_free_all(b->headers);
	if (b->multi)
		curl_multi_cleanup(b->multi);
}

/* ---- OpenTAPI: one tapisrv, the ipphone provider --------------------------------------------- */

static char *fanout_config(struct emu **phones, unsigned n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	unsigned i;

	if (!f)
		return NULL;
	fprintf(f, "[limits]\nrequests_per_app = %u\nevents_per_client = 1000000\n\n"
		   "[provider \"ipphone\"]\nparallel = %u\ntimeout_ms = 8000\n\n",
		n + 16, PARALLEL);
	for (i = 0; i < n; i++)
		fprintf(f, "[phone \"Desk %u\"]\nprovider = ipphone\nvendor = polycom\n"
			   "address = 127.0.0.1:%u\nuser = " USER "\npassword = " PASSWORD "\n\n",
			i, emu_port(phones[i]));
	fclose(f);
	return text;
}

/* One round: phoneSetData to every phone, then every PHONE_REPLY. Returns failed replies. */
static unsigned opentapi_round(struct bench_app *a, HPHONE *h, unsigned n)
{
	unsigned i, failed = 0;

	for (i = 0; i < n; i++)
		if (phoneSetData(h[i], 0, (LPVOID)payload, sizeof(payload) - 1) < 0)
			failed++;
	for (i = failed; i < n; i++) {
		DWORD id;
		LONG result;

		if (bench_next_reply(a, &id, &result) != 0)
			return n;
		if (result != 0)
			failed++;
	}
	return failed;
}

static double ms_since(uint64_t t0)
{
	return (double)(bench_now_ns() - t0) / 1e6;
}

static int strip_delay(int *argc, char **argv, unsigned *delay)
{
	int i, k = 1;

	for (i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--delay-ms") && i + 1 < *argc) {
			*delay = (unsigned)strtoul(argv[++i], NULL, 10);
			continue;
		}
		argv[k++] = argv[i];
	}
	*argc = k;
	argv[k] = NULL;
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_args args;
	struct series ot, base;
	struct bench_srv srv;
	struct bench_app app = { 0 };
	struct baseline bl = { 0 };
	struct emu **phones, **base_phones;
	HPHONE *h;
	unsigned n, i, delay = 0, bad = 0, bad_ot = 0, bad_base = 0;
	char *config;
	FILE *out;
	int rep;

	strip_delay(&argc, argv, &delay);
	/* The provider's directory in front of the sim provider's (bench_env keeps what is set). */
	setenv("OPENTAPI_PROVIDER_PATH", BENCH_IPPHONE_PATH, 0);
	bench_parse_args(argc, argv, &args, 7);
	out = bench_open_out(&args);
	n = (unsigned)bench_ops(&args, DEFAULT_PHONES);
	umask(077); /* the configuration holds passwords */
	raise_nofile();
	curl_global_init(CURL_GLOBAL_DEFAULT);

	phones = calloc(n, sizeof(*phones));
	base_phones = calloc(n, sizeof(*base_phones));
	h = calloc(n, sizeof(*h));
	if (!phones || !base_phones || !h)
		return 1;
	for (i = 0; i < n; i++) {
		phones[i] = emu_start(EMU_POLYCOM, USER, PASSWORD, 0, 0);
		base_phones[i] = emu_start(EMU_POLYCOM, USER, PASSWORD, 0, 0);
		if (!phones[i] || !base_phones[i]) {
			fprintf(stderr, "ipphone_fanout: cannot start emulated phone %u\n", i);
			return 1;
		}
		emu_set_mode(phones[i], delay ? EMU_SLOW : EMU_OK, delay);
		emu_set_mode(base_phones[i], delay ? EMU_SLOW : EMU_OK, delay);
	}
	config = fanout_config(phones, n);
	if (!config || bench_srv_start(&srv, args.tmp, config) < 0)
		return 1;
	bench_use_server(srv.socket);
	if (bench_app_init(&app, "ipphone-fanout") != 0 || app.num_devs != n)
		return 1;
	for (i = 0; i < n; i++)
		if (bench_app_open(&app, i, PHONEPRIVILEGE_OWNER, &h[i]) != 0)
			return 1;
	if (baseline_init(&bl, base_phones, n) < 0)
		return 1;

	series_init(&ot, "tapisrv + ipphone provider (parallel 64)", "ms");
	series_init(&base, "plain libcurl multi program (64 at a time)", "ms");
	/* A first round of each, not counted: Digest challenges and first connections. */
	bad_ot += opentapi_round(&app, h, n);
	bad_base += baseline_round(&bl);
	for (rep = 0; rep < args.reps; rep++) {
		uint64_t t0;

		if (rep % 2 == 0) {
			t0 = bench_now_ns();
			bad_ot += opentapi_round(&app, h, n);
			series_rep(&ot, ms_since(t0));
			t0 = bench_now_ns();
			bad_base += baseline_round(&bl);
			series_rep(&base, ms_since(t0));
		} else {
			t0 = bench_now_ns();
			bad_base += baseline_round(&bl);
			series_rep(&base, ms_since(t0));
			t0 = bench_now_ns();
			bad_ot += opentapi_round(&app, h, n);
			series_rep(&ot, ms_since(t0));
		}
	}
	bad = bad_ot + bad_base;

	{
		char id[64], label[160];
		struct measure m = {
			.id = id,
			.label = label,
			.head = HEAD_MEDIAN,
			.ot = &ot,
			.base = &base,
			.ratio_text = "OpenTAPI's time / the plain libcurl program's time",
			.target = { TARGET_NONE, 0, 0, NULL },
			.note = "one round = one push to every phone; phones are in-process "
				"libmicrohttpd emulators on 127.0.0.1 with HTTP Digest",
		};

		snprintf(id, sizeof(id), "ipphone_fanout.%u.delay%u", n, delay);
		snprintf(label, sizeof(label),
			 "phoneSetData to %u emulated phones (answer after %u ms), parallel 64", n,
			 delay);
		bench_json_begin(out, "ipphone_fanout");
		bench_json_param("phones", "%u", n);
		bench_json_param("parallel", "%u", PARALLEL);
		bench_json_param("delay_ms", "%u", delay);
		bench_json_param("reps", "%d", args.reps);
		bench_json_measure(&m);
		if (bad)
			bench_json_note("pushes failed: %u through OpenTAPI, %u from libcurl", bad_ot,
					bad_base);
		bench_json_end();
		fprintf(stderr,
			"ipphone_fanout: %u phones, delay %u ms: OpenTAPI %.1f ms, libcurl %.1f ms "
			"(medians of %d rounds), ratio %.2f (median of the rounds' ratios)%s\n",
			n, delay, series_median(&ot), series_median(&base), args.reps,
			measure_ratio(&m), bad ? " (with failures)" : "");
	}

	for (i = 0; i < n; i++)
		phoneClose(h[i]);
	bench_app_shutdown(&app);
	bench_srv_stop(&srv);
	baseline_free(&bl);
	for (i = 0; i < n; i++) {
		emu_stop(phones[i]);
		emu_stop(base_phones[i]);
	}
	free(phones);
	free(base_phones);
	free(h);
	free(config);
	series_free(&ot);
	series_free(&base);
	curl_global_cleanup();
	if (out != stdout)
		fclose(out);
	return bad ? 1 : 0;
}
