/* SPDX-License-Identifier: MIT */
/* test_tspi.c — the ipphone provider driven through TSPI directly (ipphone.so loaded with dlopen,
 * as the engine loads it), against emulated phones on 127.0.0.1 (emu.c): what each vendor's
 * phone receives byte for byte, how every kind of failure completes, connectivity events,
 * ordering, the parallel limit, closing with pushes outstanding, and the configuration checks. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <tapi.h>
#include <tspi.h>

#include "emu.h"
#include "tspi_host.h"

#define WAIT_MS 5000u

static char addr_buf[8][32];
static int addr_next;

/* "127.0.0.1:PORT" of an emulator (a few rotating buffers). */
static const char *addr_of(unsigned port)
{
	char *b = addr_buf[addr_next++ % 8];

	snprintf(b, 32, "127.0.0.1:%u", port);
	return b;
}

static PHONECAPS *caps_of(DWORD dev)
{
	PHONECAPS *c = calloc(1, 4096);

	assert_non_null(c);
	c->dwTotalSize = 4096;
	c->dwNeededSize = c->dwUsedSize = sizeof(PHONECAPS);
	assert_int_equal(TH.getDevCaps(dev, 0x00020002, 0, c), 0);
	return c;
}

static DWORD status_flags(HDRVPHONE hd)
{
	PHONESTATUS st;

	memset(&st, 0, sizeof(st));
	st.dwTotalSize = st.dwNeededSize = st.dwUsedSize = sizeof(st);
	assert_int_equal(TH.getStatus(hd, &st), 0);
	return st.dwStatusFlags;
}

/* Configures one phone and brings the provider up; returns its handle. */
static HDRVPHONE one_phone(const struct th_phone *p, const char *const *options)
{
	char err[512];
	HDRVPHONE hd;

	assert_int_equal(th_configure(p, 1, options, err, sizeof(err)), 0);
	assert_int_equal(th_init(), 0);
	hd = th_open(0);
	assert_non_null(hd);
	return hd;
}

static LONG push(HDRVPHONE hd, DWORD area, const char *text, size_t len)
{
	DRV_REQUESTID id;
	LONG r = th_set_data(hd, area, text, (DWORD)len, &id);

	if (r < 0)
		return r;
	assert_int_equal(r, (LONG)id);
	return th_wait(id, WAIT_MS);
}

static LONG push_str(HDRVPHONE hd, DWORD area, const char *text)
{
	return push(hd, area, text, strlen(text));
}

static void finish(HDRVPHONE hd)
{
	assert_int_equal(TH.close(hd), 0);
	th_shutdown();
	assert_int_equal(th_violations(), 0);
}

static void expect_doc(struct emu *e, size_t i, const char *ctype, const char *doc)
{
	const struct emu_request *r = emu_request(e, i);

	assert_non_null(r);
	assert_string_equal(r->verdict, "");
	assert_string_equal(r->method, "POST");
	assert_string_equal(r->ctype, ctype);
	assert_non_null(r->doc);
	assert_string_equal(r->doc, doc);
}

/* ---- capabilities ------------------------------------------------------------------------- */

static void test_caps(void **state)
{
	const struct th_phone phones[] = {
		{ "Desk P", { "vendor", "polycom", "address", "10.0.0.5", "user", "Push", "password",
			      "s3cret", NULL } },
		{ "Desk C", { "vendor", "cisco", "address", "10.0.0.6:8080", "user", "app",
			      "password", "pw", "data_areas", "512, 4096", NULL } },
		{ "Desk Y", { "vendor", "yealink", "address", "[fd00::7]", "scheme", "https",
			      "insecure", "yes", NULL } },
	};
	static const DWORD want_sizes[3][5] = {
		{ 1980, 1024, 1024, 2048, 2048 }, { 512, 4096 }, { 10000 } };
	static const DWORD want_n[3] = { 5, 2, 1 };
	char err[512];
	DWORD dev;

	(void)state;
	assert_int_equal(th_configure(phones, 3, NULL, err, sizeof(err)), 0);
	assert_int_equal(th_init(), 0);
	for (dev = 0; dev < 3; dev++) {
		PHONECAPS *c = caps_of(dev);
		const char *info = (const char *)c + c->dwPhoneInfoOffset;

		assert_int_equal(c->dwNumSetData, want_n[dev]);
		assert_int_equal(c->dwSetDataSize, want_n[dev] * sizeof(DWORD));
		assert_memory_equal((const char *)c + c->dwSetDataOffset, want_sizes[dev],
				    want_n[dev] * sizeof(DWORD));
		assert_int_equal(c->dwNumGetData, 0);
		assert_int_equal(c->dwGetDataSize, 0);
		assert_int_equal(c->dwPhoneFeatures, PHONEFEATURE_SETDATA);
		assert_int_equal(c->dwPhoneStates, PHONESTATE_CONNECTED | PHONESTATE_DISCONNECTED);
		assert_string_equal((const char *)c + c->dwPhoneNameOffset, phones[dev].name);
		assert_int_equal(c->dwNeededSize, c->dwUsedSize);
		/* Phone info names the endpoint, never the credentials. */
		assert_null(strstr(info, "s3cret"));
		assert_null(strstr(info, "Push"));
		free(c);
	}
	{
		PHONECAPS *c = caps_of(1);

		assert_non_null(strstr((const char *)c + c->dwPhoneInfoOffset,
				       "http://10.0.0.6:8080/CGI/Execute"));
		free(c);
		c = caps_of(2);
		assert_non_null(strstr((const char *)c + c->dwPhoneInfoOffset,
				       "https://[fd00::7]/servlet?push=xml"));
		free(c);
	}
	th_shutdown();
	assert_int_equal(th_violations(), 0);
}

/* ---- what each vendor's phone receives -------------------------------------------------------- */

static void test_polycom_areas(void **state)
{
	struct emu *e = emu_start(EMU_POLYCOM, "Push", "p4ss", 0, 1);
	const struct th_phone p = { "Polycom", { "vendor", "polycom", "address", NULL, "user", "Push",
						 "password", "p4ss", "priority", "critical", NULL } };
	struct th_phone pc = p;
	HDRVPHONE hd;

	(void)state;
	assert_non_null(e);
	pc.kv[3] = addr_of(emu_port(e));
	hd = one_phone(&pc, NULL);

	/* 0: XHTML inside <Data>; a NUL-terminated string loses its NUL. */
	assert_int_equal(push(hd, 0, "<h1>Fire drill</h1> at 2pm", 27), 0);
	/* 1: a URL, escaped for XML. */
	assert_int_equal(push_str(hd, 1, "/apps/page.xhtml?a=1&b=<2>"), 0);
	/* 2: URI actions, one per line. */
	assert_int_equal(push_str(hd, 2, "Key:Line1\nKey:DialPad0\ntel:\\\\8500"), 0);
	/* 3 and 4: the caller's own document, as it is. */
	assert_int_equal(push_str(hd, 3, "<PolycomIPPhone><Data priority=\"Normal\">x</Data>"
					 "</PolycomIPPhone>"),
			 0);
	assert_int_equal(push_str(hd, 4, "<PolycomIPPhone><URL priority=\"High\">/u</URL>"
					 "</PolycomIPPhone>"),
			 0);

	assert_int_equal(emu_count(e), 5);
	expect_doc(e, 0, "application/xhtml+xml",
		   "<PolycomIPPhone><Data priority=\"Critical\"><h1>Fire drill</h1> at 2pm</Data>"
		   "</PolycomIPPhone>");
	expect_doc(e, 1, "application/x-com-polycom-spipx",
		   "<PolycomIPPhone><URL priority=\"Critical\">/apps/page.xhtml?a=1&amp;b=&lt;2&gt;"
		   "</URL></PolycomIPPhone>");
	expect_doc(e, 2, "application/x-com-polycom-spipx",
		   "<PolycomIPPhone><Data priority=\"Critical\">Key:Line1\nKey:DialPad0\n"
		   "tel:\\\\8500</Data></PolycomIPPhone>");
	expect_doc(e, 3, "application/xhtml+xml",
		   "<PolycomIPPhone><Data priority=\"Normal\">x</Data></PolycomIPPhone>");
	expect_doc(e, 4, "application/x-com-polycom-spipx",
		   "<PolycomIPPhone><URL priority=\"High\">/u</URL></PolycomIPPhone>");
	assert_string_equal(emu_request(e, 0)->path, "/push");
	assert_string_equal(emu_request(e, 0)->user, "Push");
	/* Digest: the first push is challenged once; the nonce is reused afterwards. */
	assert_in_range(emu_challenges(e), 1, 2);
	assert_int_equal(status_flags(hd), PHONESTATUSFLAGS_CONNECTED);
	finish(hd);
	emu_stop(e);
}

static void test_polycom_refused_payloads(void **state)
{
	struct emu *e = emu_start(EMU_POLYCOM, "Push", "p4ss", 0, 1);
	struct th_phone p = { "Polycom", { "vendor", "polycom", "address", NULL, "user", "Push",
					   "password", "p4ss", NULL } };
	HDRVPHONE hd;
	DRV_REQUESTID id;

	(void)state;
	assert_non_null(e);
	p.kv[3] = addr_of(emu_port(e));
	hd = one_phone(&p, NULL);
	assert_int_equal(th_set_data(hd, 0, "", 0, &id), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(th_set_data(hd, 0, "\0", 1, &id), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(th_set_data(hd, 1, "/a\n/b", 5, &id), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(th_set_data(hd, 2, "Key:\x01", 5, &id), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(th_set_data(hd, 5, "x", 1, &id), (LONG)PHONEERR_INVALDATAID);
	{
		static char big[1981];

		memset(big, 'a', sizeof(big));
		assert_int_equal(th_set_data(hd, 0, big, sizeof(big), &id), (LONG)PHONEERR_INVALPARAM);
	}
	/* Escaping makes this request longer than the 2 KB a Polycom phone takes: HTTP 400. */
	{
		static char amps[1024];

		memset(amps, '&', sizeof(amps));
		assert_int_equal(push(hd, 1, amps, sizeof(amps)), (LONG)PHONEERR_OPERATIONFAILED);
	}
	assert_int_equal(emu_count(e), 1);
	assert_string_not_equal(emu_request(e, 0)->verdict, "");
	finish(hd);
	emu_stop(e);
}

static void test_cisco(void **state)
{
	struct emu *e = emu_start(EMU_CISCO, "appuser", "cisco!pw", 0, 1);
	struct th_phone p = { "Cisco", { "vendor", "cisco", "address", NULL, "user", "appuser",
					 "password", "cisco!pw", "priority", "1", NULL } };
	HDRVPHONE hd;
	char big[400];
	DRV_REQUESTID id;

	(void)state;
	assert_non_null(e);
	p.kv[3] = addr_of(emu_port(e));
	hd = one_phone(&p, NULL);

	assert_int_equal(push_str(hd, 0, "Dial:1234\r\n\nhttp://srv/x.xml?a=1&b=\"2\" c"), 0);
	assert_int_equal(push_str(hd, 1, "<CiscoIPPhoneExecute><ExecuteItem URL=\"Key:Headset\"/>"
					 "</CiscoIPPhoneExecute>"),
			 0);
	assert_int_equal(emu_count(e), 2);
	expect_doc(e, 0, "application/x-www-form-urlencoded",
		   "<CiscoIPPhoneExecute><ExecuteItem Priority=\"1\" URL=\"Dial:1234\"/>"
		   "<ExecuteItem Priority=\"1\" URL=\"http://srv/x.xml?a=1&amp;b=&quot;2&quot; c\"/>"
		   "</CiscoIPPhoneExecute>");
	expect_doc(e, 1, "application/x-www-form-urlencoded",
		   "<CiscoIPPhoneExecute><ExecuteItem URL=\"Key:Headset\"/></CiscoIPPhoneExecute>");
	assert_string_equal(emu_request(e, 0)->path, "/CGI/Execute");
	assert_string_equal(emu_request(e, 0)->user, "appuser");
	/* Basic is sent with the first request: no challenge. */
	assert_int_equal(emu_challenges(e), 0);

	/* At most 3 URLs of at most 256 bytes each. */
	assert_int_equal(th_set_data(hd, 0, "a\nb\nc\nd", 7, &id), (LONG)PHONEERR_INVALPARAM);
	memset(big, 'u', sizeof(big));
	assert_int_equal(th_set_data(hd, 0, big, 257, &id), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(th_set_data(hd, 0, "\n\r\n", 3, &id), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(push(hd, 0, big, 256), 0);

	/* The phone's own error documents. */
	emu_set_mode(e, EMU_VENDOR_ERROR, 0);
	assert_int_equal(push_str(hd, 0, "Key:Services"), (LONG)PHONEERR_OPERATIONFAILED);
	emu_set_mode(e, EMU_ITEM_ERROR, 0);
	assert_int_equal(push_str(hd, 0, "Key:Headset\nBogus:1"), (LONG)PHONEERR_OPERATIONFAILED);
	/* A document the phone cannot parse: CiscoIPPhoneError Number="1". */
	emu_set_mode(e, EMU_OK, 0);
	assert_int_equal(push_str(hd, 1, "<NotCisco/>"), (LONG)PHONEERR_OPERATIONFAILED);
	assert_int_equal(status_flags(hd), PHONESTATUSFLAGS_CONNECTED);
	finish(hd);
	emu_stop(e);
}

static void test_yealink(void **state)
{
	struct emu *open_phone = emu_start(EMU_YEALINK, NULL, NULL, 0, 1);
	struct emu *locked = emu_start(EMU_YEALINK, "admin", "yl", 0, 1);
	const struct th_phone phones[] = {
		{ "Yealink open", { "vendor", "yealink", "address", addr_of(emu_port(open_phone)),
				    NULL } },
		{ "Yealink locked", { "vendor", "yealink", "address", addr_of(emu_port(locked)),
				      "user", "admin", "password", "yl", NULL } },
	};
	static const char obj[] = "<YealinkIPPhoneTextScreen Beep=\"yes\"><Title>Hi</Title>"
				  "<Text>Lunch is served</Text></YealinkIPPhoneTextScreen>";
	char err[512];
	HDRVPHONE a, b;

	(void)state;
	assert_int_equal(th_configure(phones, 2, NULL, err, sizeof(err)), 0);
	assert_int_equal(th_init(), 0);
	a = th_open(0);
	b = th_open(1);
	assert_int_equal(push(a, 0, obj, sizeof(obj)), 0);
	assert_int_equal(push(b, 0, obj, sizeof(obj) - 1), 0);
	expect_doc(open_phone, 0, "text/xml", obj);
	expect_doc(locked, 0, "text/xml", obj);
	assert_string_equal(emu_request(open_phone, 0)->path, "/servlet");
	assert_string_equal(emu_request(open_phone, 0)->query_push, "xml");
	assert_string_equal(emu_request(locked, 0)->user, "admin");
	assert_int_equal(TH.close(b), 0);
	finish(a);
	emu_stop(open_phone);
	emu_stop(locked);
}

/* ---- failures ---------------------------------------------------------------------------------- */

static void test_wrong_password(void **state)
{
	struct emu *p = emu_start(EMU_POLYCOM, "Push", "right", 0, 1);
	struct emu *c = emu_start(EMU_CISCO, "app", "right", 0, 1);
	const struct th_phone phones[] = {
		{ "P", { "vendor", "polycom", "address", addr_of(emu_port(p)), "user", "Push",
			 "password", "wrong", NULL } },
		{ "C", { "vendor", "cisco", "address", addr_of(emu_port(c)), "user", "app",
			 "password", "wrong", NULL } },
	};
	char err[512];
	HDRVPHONE a, b;

	(void)state;
	assert_int_equal(th_configure(phones, 2, NULL, err, sizeof(err)), 0);
	assert_int_equal(th_init(), 0);
	a = th_open(0);
	b = th_open(1);
	assert_int_equal(push_str(a, 0, "hello"), (LONG)PHONEERR_OPERATIONFAILED);
	assert_int_equal(push_str(b, 0, "Key:Headset"), (LONG)PHONEERR_OPERATIONFAILED);
	assert_int_equal(emu_count(p), 0);
	assert_int_equal(emu_count(c), 0);
	assert_true(emu_challenges(p) >= 1);
	assert_true(emu_challenges(c) >= 1);
	/* A 401 is an answer: the phone is there. */
	assert_int_equal(status_flags(a), PHONESTATUSFLAGS_CONNECTED);
	assert_int_equal(TH.close(b), 0);
	finish(a);
	emu_stop(p);
	emu_stop(c);
}

static void test_http_errors(void **state)
{
	struct emu *e = emu_start(EMU_POLYCOM, "Push", "pw", 0, 1);
	struct th_phone p = { "P", { "vendor", "polycom", "address", NULL, "user", "Push",
				     "password", "pw", NULL } };
	HDRVPHONE hd;

	(void)state;
	assert_non_null(e);
	p.kv[3] = addr_of(emu_port(e));
	hd = one_phone(&p, NULL);
	emu_set_mode(e, EMU_FAIL500, 0);
	assert_int_equal(push_str(hd, 0, "x"), (LONG)PHONEERR_OPERATIONFAILED);
	emu_set_mode(e, EMU_DENY, 0);
	assert_int_equal(push_str(hd, 0, "x"), (LONG)PHONEERR_OPERATIONFAILED);
	emu_set_mode(e, EMU_OK, 0);
	assert_int_equal(push_str(hd, 0, "x"), 0);
	assert_int_equal(status_flags(hd), PHONESTATUSFLAGS_CONNECTED);
	assert_int_equal(th_events(0), 0);
	finish(hd);
	emu_stop(e);
}

static void test_timeouts(void **state)
{
	struct emu *e = emu_start(EMU_YEALINK, NULL, NULL, 0, 1);
	struct th_phone p = { "Y", { "vendor", "yealink", "address", NULL, "timeout_ms", "300",
				     NULL } };
	static const char *const options[] = { "failures_before_disconnected", "2", NULL };
	HDRVPHONE hd;
	uint64_t t0;
	LONG r;

	(void)state;
	assert_non_null(e);
	p.kv[3] = addr_of(emu_port(e));
	hd = one_phone(&p, options);

	/* Slower than the timeout: a failure (the phone would answer success after 30 s), not
	 * before the timeout. */
	emu_set_mode(e, EMU_SLOW, 30000);
	t0 = th_now_ms();
	r = push_str(hd, 0, "<YealinkIPPhoneStatus/>");
	assert_int_equal(r, (LONG)PHONEERR_OPERATIONFAILED);
	assert_true(th_now_ms() - t0 >= 250);

	/* Never answering: the same; the second one in a row reports the phone disconnected,
	 * and the event comes before that push's completion. */
	emu_set_mode(e, EMU_SILENT, 0);
	{
		DRV_REQUESTID id;

		assert_true(th_set_data(hd, 0, "<YealinkIPPhoneStatus/>", 23, &id) > 0);
		t0 = th_now_ms();
		assert_int_equal(th_wait(id, WAIT_MS), (LONG)PHONEERR_OPERATIONFAILED);
		assert_true(th_now_ms() - t0 >= 250);
		assert_true(th_wait_state(0, PHONESTATE_DISCONNECTED, 10) >= 0);
		assert_true(th_wait_state(0, PHONESTATE_DISCONNECTED, 10) < th_completion_seq(id));
	}
	assert_int_equal(status_flags(hd), 0);

	/* Slow but within the timeout: fine, and connected again. */
	emu_set_mode(e, EMU_SLOW, 50);
	assert_int_equal(push_str(hd, 0, "<YealinkIPPhoneStatus/>"), 0);
	assert_true(th_wait_state(0, PHONESTATE_CONNECTED, 10) >= 0);
	assert_int_equal(status_flags(hd), PHONESTATUSFLAGS_CONNECTED);
	finish(hd);
	emu_stop(e);
}

static void test_unreachable_then_back(void **state)
{
	unsigned port = th_closed_port();
	struct th_phone p = { "Gone", { "vendor", "cisco", "address", addr_of(port), "user", "u",
					"password", "p", "timeout_ms", "500", NULL } };
	static const char *const options[] = { "failures_before_disconnected", "3", NULL };
	struct emu *e;
	HDRVPHONE hd;
	int i;

	(void)state;
	assert_true(port > 0);
	hd = one_phone(&p, options);
	for (i = 1; i <= 3; i++) {
		assert_int_equal(push_str(hd, 0, "Key:Headset"), (LONG)PHONEERR_OPERATIONFAILED);
		if (i < 3) {
			assert_int_equal(th_events(0), 0);
			assert_int_equal(status_flags(hd), PHONESTATUSFLAGS_CONNECTED);
		}
	}
	assert_true(th_wait_state(0, PHONESTATE_DISCONNECTED, 100) >= 0);
	assert_int_equal(th_events(0), 1);
	assert_int_equal(status_flags(hd), 0);
	/* A fourth failure sends nothing new. */
	assert_int_equal(push_str(hd, 0, "Key:Headset"), (LONG)PHONEERR_OPERATIONFAILED);
	assert_int_equal(th_events(0), 1);

	/* The phone comes back on the same address. */
	e = emu_start(EMU_CISCO, "u", "p", port, 1);
	assert_non_null(e);
	assert_int_equal(push_str(hd, 0, "Key:Headset"), 0);
	assert_true(th_wait_state(0, PHONESTATE_CONNECTED, 100) >= 0);
	assert_int_equal(status_flags(hd), PHONESTATUSFLAGS_CONNECTED);

	/* Hanging up without an answer counts as no answer too. */
	emu_set_mode(e, EMU_HANGUP, 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(push_str(hd, 0, "Key:Headset"), (LONG)PHONEERR_OPERATIONFAILED);
	assert_int_equal(status_flags(hd), 0);
	finish(hd);
	emu_stop(e);
}

/* ---- order, parallelism, close ------------------------------------------------------------------ */

static void test_one_phone_in_order(void **state)
{
	struct emu *e = emu_start(EMU_POLYCOM, "Push", "pw", 0, 1);
	struct th_phone p = { "P", { "vendor", "polycom", "address", NULL, "user", "Push",
				     "password", "pw", NULL } };
	DRV_REQUESTID id[6];
	char text[6][16];
	HDRVPHONE hd;
	int i;

	(void)state;
	assert_non_null(e);
	p.kv[3] = addr_of(emu_port(e));
	hd = one_phone(&p, NULL);
	emu_set_mode(e, EMU_SLOW, 40);
	for (i = 0; i < 6; i++) {
		snprintf(text[i], sizeof(text[i]), "push %d", i);
		assert_true(th_set_data(hd, 0, text[i], (DWORD)strlen(text[i]), &id[i]) > 0);
	}
	for (i = 0; i < 6; i++)
		assert_int_equal(th_wait(id[i], WAIT_MS), 0);
	for (i = 0; i < 6; i++) {
		char want[128];

		assert_int_equal(th_completion_index(id[i]), i);
		snprintf(want, sizeof(want),
			 "<PolycomIPPhone><Data priority=\"Normal\">push %d</Data></PolycomIPPhone>",
			 i);
		expect_doc(e, (size_t)i, "application/xhtml+xml", want);
	}
	assert_int_equal(emu_max_concurrent(e), 1);
	finish(hd);
	emu_stop(e);
}

static void test_parallel_limit(void **state)
{
	enum { N = 6 };
	struct emu *e[N];
	struct th_phone phones[N];
	static const char *const options[] = { "parallel", "3", NULL };
	static char names[N][8];
	HDRVPHONE hd[N];
	DRV_REQUESTID id[N];
	char err[512];
	uint64_t t0, took;
	int i;

	(void)state;
	for (i = 0; i < N; i++) {
		e[i] = emu_start(EMU_YEALINK, NULL, NULL, 0, 1);
		assert_non_null(e[i]);
		emu_set_mode(e[i], EMU_SLOW, 300);
		snprintf(names[i], sizeof(names[i]), "Y%d", i);
		phones[i] = (struct th_phone){ names[i], { "vendor", "yealink", "address",
							   addr_of(emu_port(e[i])), NULL } };
	}
	assert_int_equal(th_configure(phones, N, options, err, sizeof(err)), 0);
	assert_int_equal(th_init(), 0);
	for (i = 0; i < N; i++)
		hd[i] = th_open((DWORD)i);
	emu_global_reset();
	t0 = th_now_ms();
	for (i = 0; i < N; i++)
		assert_true(th_set_data(hd[i], 0, "<YealinkIPPhoneStatus/>", 23, &id[i]) > 0);
	for (i = 0; i < N; i++)
		assert_int_equal(th_wait(id[i], WAIT_MS), 0);
	took = th_now_ms() - t0;
	/* Three at a time (not unlimited, not serial), so two rounds of 300 ms at least. */
	assert_int_equal(emu_global_max(), 3);
	assert_true(took >= 550);
	for (i = 0; i < N; i++)
		assert_int_equal(TH.close(hd[i]), 0);
	th_shutdown();
	assert_int_equal(th_violations(), 0);
	for (i = 0; i < N; i++)
		emu_stop(e[i]);
}

static void test_close_with_pushes_outstanding(void **state)
{
	struct emu *e = emu_start(EMU_YEALINK, NULL, NULL, 0, 1);
	/* A push timeout of 10 minutes: a close that waited for the push in flight would not
	 * return before it (the test's time limit ends it first). */
	struct th_phone p = { "Y", { "vendor", "yealink", "address", NULL, "timeout_ms", "600000",
				     NULL } };
	DRV_REQUESTID id[3];
	HDRVPHONE hd;
	int i;

	(void)state;
	assert_non_null(e);
	p.kv[3] = addr_of(emu_port(e));
	hd = one_phone(&p, NULL);
	emu_set_mode(e, EMU_SILENT, 0);
	for (i = 0; i < 3; i++)
		assert_true(th_set_data(hd, 0, "<YealinkIPPhoneStatus/>", 23, &id[i]) > 0);
	usleep(100 * 1000); /* the first push is on the wire */
	assert_int_equal(TH.close(hd), 0);
	/* Everything completed before TSPI_phoneClose returned (not after the timeout of the push
	 * in flight). */
	assert_int_equal(th_completions(), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(th_wait(id[i], 0), (LONG)PHONEERR_OPERATIONFAILED);
	/* The handle is gone; the phone can be opened again and works. */
	assert_int_equal(th_set_data(hd, 0, "x", 1, &id[0]), (LONG)PHONEERR_INVALPHONEHANDLE);
	emu_set_mode(e, EMU_OK, 0);
	hd = th_open(0);
	assert_non_null(hd);
	assert_int_equal(push_str(hd, 0, "<YealinkIPPhoneStatus/>"), 0);
	finish(hd);
	emu_stop(e);
}

/* ---- https -------------------------------------------------------------------------------------- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 8192);

	assert_non_null(f);
	assert_non_null(buf);
	assert_true(fread(buf, 1, 8191, f) > 0);
	fclose(f);
	return buf;
}

static void test_https(void **state)
{
	char *cert = slurp(IPPHONE_TLS_DIR "/phone-cert.pem");
	char *key = slurp(IPPHONE_TLS_DIR "/phone-key.pem");
	struct emu *e = emu_start_tls(EMU_YEALINK, NULL, NULL, 0, 1, cert, key);
	const char *addr;
	char err[512];
	HDRVPHONE a, b, c;

	(void)state;
	assert_non_null(e);
	addr = addr_of(emu_port(e));
	{
		const struct th_phone phones[] = {
			{ "Self-signed, not checked",
			  { "vendor", "yealink", "address", addr, "scheme", "https", "insecure",
			    "yes", NULL } },
			{ "Checked against its CA",
			  { "vendor", "yealink", "address", addr, "scheme", "https", "ca_file",
			    IPPHONE_TLS_DIR "/phone-cert.pem", NULL } },
			{ "Checked against the system's CAs",
			  { "vendor", "yealink", "address", addr, "scheme", "https", NULL } },
		};

		assert_int_equal(th_configure(phones, 3, NULL, err, sizeof(err)), 0);
	}
	assert_int_equal(th_init(), 0);
	a = th_open(0);
	b = th_open(1);
	c = th_open(2);
	assert_int_equal(push_str(a, 0, "<YealinkIPPhoneStatus/>"), 0);
	assert_int_equal(push_str(b, 0, "<YealinkIPPhoneStatus/>"), 0);
	assert_int_equal(push_str(c, 0, "<YealinkIPPhoneStatus/>"), (LONG)PHONEERR_OPERATIONFAILED);
	assert_int_equal(emu_count(e), 2);
	expect_doc(e, 1, "text/xml", "<YealinkIPPhoneStatus/>");
	assert_int_equal(TH.close(b), 0);
	assert_int_equal(TH.close(c), 0);
	finish(a);
	emu_stop(e);
	free(cert);
	free(key);
}

/* ---- configuration ------------------------------------------------------------------------------- */

struct bad_config {
	const char *kv[16];
	const char *message; /* a part of the expected message */
};

static void test_config_errors(void **state)
{
	static const struct bad_config bad[] = {
		{ { "address", "h", NULL }, "required key 'vendor'" },
		{ { "vendor", "snom", "address", "h", NULL }, "key 'vendor': 'snom'" },
		{ { "vendor", "yealink", NULL }, "required key 'address'" },
		{ { "vendor", "yealink", "address", "a b", NULL }, "key 'address'" },
		{ { "vendor", "yealink", "address", "h:0", NULL }, "port" },
		{ { "vendor", "yealink", "address", "h:65536", NULL }, "port" },
		{ { "vendor", "yealink", "address", "[::1", NULL }, "']'" },
		{ { "vendor", "yealink", "address", "http://h/", NULL }, "key 'address'" },
		{ { "vendor", "yealink", "address", "h", "scheme", "ftp", NULL }, "key 'scheme'" },
		{ { "vendor", "yealink", "address", "h", "insecure", "yes", NULL },
		  "only for scheme = https" },
		{ { "vendor", "yealink", "address", "h", "scheme", "https", "insecure", "maybe",
		    NULL },
		  "key 'insecure'" },
		{ { "vendor", "yealink", "address", "h", "scheme", "https", "ca_file",
		    "/nonexistent/ca.pem", NULL },
		  "key 'ca_file': cannot read" },
		{ { "vendor", "yealink", "address", "h", "scheme", "https", "ca_file", "ca.pem",
		    NULL },
		  "absolute path" },
		{ { "vendor", "yealink", "address", "h", "user", "u", NULL }, "both 'user' and" },
		{ { "vendor", "polycom", "address", "h", NULL }, "need 'user' and 'password'" },
		{ { "vendor", "cisco", "address", "h", NULL }, "need 'user' and 'password'" },
		{ { "vendor", "yealink", "address", "h", "priority", "1", NULL },
		  "yealink phones take no priority" },
		{ { "vendor", "cisco", "address", "h", "user", "u", "password", "p", "priority", "3",
		    NULL },
		  "key 'priority'" },
		{ { "vendor", "polycom", "address", "h", "user", "u", "password", "p", "priority",
		    "urgent", NULL },
		  "key 'priority'" },
		{ { "vendor", "yealink", "address", "h", "timeout_ms", "50", NULL },
		  "key 'timeout_ms'" },
		{ { "vendor", "yealink", "address", "h", "data_areas", "10001", NULL },
		  "key 'data_areas'" },
		{ { "vendor", "yealink", "address", "h", "data_areas", "100, 100", NULL },
		  "key 'data_areas'" },
		{ { "vendor", "cisco", "address", "h", "user", "u", "password", "p", "data_areas",
		    "100", NULL },
		  "give 2 sizes" },
		{ { "vendor", "yealink", "address", "h", "colour", "red", NULL }, "key 'colour'" },
		{ { "vendor", "yealink", "address", "h", "address", "g", NULL }, "given twice" },
		{ { "vendor", "yealink", "address", "h", "user", "a:b", "password", "p", NULL },
		  "key 'user'" },
		{ { "vendor", "yealink", "address", "h", "user", "a", "password", "", NULL },
		  "key 'password'" },
	};
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct th_phone p = { "Bad", { NULL } };

		memcpy(p.kv, bad[i].kv, sizeof(bad[i].kv));
		assert_int_equal(th_configure(&p, 1, NULL, err, sizeof(err)),
				 (LONG)PHONEERR_INIFILECORRUPT);
		if (!strstr(err, bad[i].message))
			fail_msg("case %zu: '%s' does not contain '%s'", i, err, bad[i].message);
	}
	/* The provider can still be configured properly afterwards. */
	{
		const struct th_phone ok = { "Ok", { "vendor", "yealink", "address", "h", NULL } };

		assert_int_equal(th_configure(&ok, 1, NULL, err, sizeof(err)), 0);
		assert_int_equal(th_init(), 0);
		th_shutdown();
	}
}

static void test_options(void **state)
{
	static const char *const bad[][3] = {
		{ "parallel", "0", NULL },	     { "parallel", "4097", NULL },
		{ "timeout_ms", "99", NULL },	     { "timeout_ms", "x", NULL },
		{ "failures_before_disconnected", "0", NULL },
		{ "speed", "fast", NULL },
	};
	const struct th_phone ok = { "Ok", { "vendor", "yealink", "address", "h", NULL } };
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(th_configure(&ok, 1, bad[i], err, sizeof(err)),
				 (LONG)PHONEERR_INIFILECORRUPT);
		assert_non_null(strstr(err, bad[i][0]));
	}
	{
		static const char *const good[] = { "parallel", "64", "timeout_ms", "8000",
						    "failures_before_disconnected", "3", NULL };

		assert_int_equal(th_configure(&ok, 1, good, err, sizeof(err)), 0);
		assert_int_equal(th_init(), 0);
		th_shutdown();
	}
}

static void test_world_readable_file(void **state)
{
	const struct th_phone secret = { "S", { "vendor", "polycom", "address", "h", "user", "Push",
						"password", "pw", NULL } };
	const struct th_phone open_phone = { "O", { "vendor", "yealink", "address", "h", NULL } };
	char err[512];

	(void)state;
	th_config_mode(0644);
	assert_int_equal(th_configure(&secret, 1, NULL, err, sizeof(err)),
			 (LONG)PHONEERR_INIFILECORRUPT);
	assert_non_null(strstr(err, th_config_path()));
	assert_non_null(strstr(err, "every user may read it"));
	assert_null(strstr(err, "pw"));
	/* Without passwords the mode does not matter. */
	assert_int_equal(th_configure(&open_phone, 1, NULL, err, sizeof(err)), 0);
	/* Group-readable is fine (a server's group may read it). */
	th_config_mode(0640);
	assert_int_equal(th_configure(&secret, 1, NULL, err, sizeof(err)), 0);
	assert_int_equal(th_init(), 0);
	th_shutdown();
	th_config_mode(0600);
	unlink(th_config_path());
}

/* ---- phones added while the provider runs ------------------------------------------------------ */

static void test_add_phones(void **state)
{
	struct emu *y = emu_start(EMU_YEALINK, NULL, NULL, 0, 1);
	struct emu *p = emu_start(EMU_POLYCOM, "Push", "pw", 0, 1);
	struct th_phone first = { "Y", { "vendor", "yealink", "address", NULL, NULL } };
	struct th_phone added = { "P", { "vendor", "polycom", "address", NULL, "user", "Push",
					 "password", "pw", NULL } };
	DRV_REQUESTID a, b;
	PHONECAPS *c;
	HDRVPHONE hy, hp;
	char err[512];
	DWORD v;

	(void)state;
	assert_non_null(y);
	assert_non_null(p);
	first.kv[3] = addr_of(emu_port(y));
	added.kv[3] = addr_of(emu_port(p));
	hy = one_phone(&first, NULL);
	assert_int_equal(push_str(hy, 0, "<YealinkIPPhoneStatus/>"), 0);

	/* Configured, not created yet: no such device. */
	assert_int_equal(th_configure_more(&added, 1, 1, err, sizeof(err)), 0);
	assert_int_equal(TH.negotiate(1, 0x00010003, 0x00020002, &v), (LONG)PHONEERR_BADDEVICEID);
	assert_null(th_open(1));
	assert_int_equal(TH.createPhoneDevice(2, 2), (LONG)PHONEERR_BADDEVICEID);
	assert_int_equal(TH.createPhoneDevice(1, 1), 0);
	assert_int_equal(TH.createPhoneDevice(1, 1), (LONG)PHONEERR_BADDEVICEID);

	/* The worker serves it like the others, both at once. */
	c = caps_of(1);
	assert_string_equal((const char *)c + c->dwPhoneNameOffset, "P");
	assert_int_equal(c->dwNumSetData, 5);
	free(c);
	hp = th_open(1);
	assert_non_null(hp);
	assert_ptr_equal(hp, (HDRVPHONE)(uintptr_t)2);
	emu_set_mode(y, EMU_SLOW, 200);
	assert_true(th_set_data(hy, 0, "<YealinkIPPhoneStatus/>", 23, &a) > 0);
	assert_true(th_set_data(hp, 0, "<b>added</b>", 12, &b) > 0);
	assert_int_equal(th_wait(b, WAIT_MS), 0);
	assert_int_equal(th_wait(a, WAIT_MS), 0);
	assert_true(th_completion_index(b) < th_completion_index(a));
	expect_doc(p, 0, "application/xhtml+xml",
		   "<PolycomIPPhone><Data priority=\"Normal\"><b>added</b></Data></PolycomIPPhone>");
	assert_int_equal(status_flags(hp), PHONESTATUSFLAGS_CONNECTED);
	assert_int_equal(status_flags(hy), PHONESTATUSFLAGS_CONNECTED);
	assert_int_equal(emu_count(y), 2);

	/* Closing the added phone with a push outstanding works as for the others. */
	emu_set_mode(p, EMU_SILENT, 0);
	assert_true(th_set_data(hp, 0, "<b>late</b>", 11, &b) > 0);
	usleep(100 * 1000);
	assert_int_equal(TH.close(hp), 0);
	assert_int_equal(th_wait(b, 0), (LONG)PHONEERR_OPERATIONFAILED);
	finish(hy);
	emu_stop(y);
	emu_stop(p);
}

static void test_add_phones_checked(void **state)
{
	const struct th_phone first = { "Y", { "vendor", "yealink", "address", "h", NULL } };
	const struct th_phone secret = { "S", { "vendor", "polycom", "address", "h", "user", "Push",
						"password", "pw", NULL } };
	const struct th_phone plain = { "O", { "vendor", "yealink", "address", "h", NULL } };
	const struct th_phone bad = { "B", { "vendor", "yealink", "address", "h", "scheme", "ftp",
					     NULL } };
	const struct th_phone same_name = { "Y", { "vendor", "yealink", "address", "g", NULL } };
	const struct th_phone twins[2] = { { "T", { "vendor", "yealink", "address", "h", NULL } },
					   { "T", { "vendor", "yealink", "address", "g", NULL } } };
	HDRVPHONE hd;
	char err[512];

	(void)state;
	hd = one_phone(&first, NULL);
	/* Every key as at start-up. */
	assert_int_equal(th_configure_more(&bad, 1, 1, err, sizeof(err)), (LONG)PHONEERR_INIFILECORRUPT);
	assert_non_null(strstr(err, "key 'scheme'"));
	/* A device ID the provider has; the name of an open phone; twins. */
	assert_int_equal(th_configure_more(&plain, 1, 0, err, sizeof(err)), (LONG)PHONEERR_INIFILECORRUPT);
	assert_string_equal(err, "phone 'O': device ID 0 is taken (phone 'Y')");
	assert_int_equal(th_configure_more(&same_name, 1, 1, err, sizeof(err)),
			 (LONG)PHONEERR_INIFILECORRUPT);
	assert_string_equal(err, "phone 'Y': a phone of this name is open (device ID 0)");
	assert_int_equal(th_configure_more(twins, 2, 1, err, sizeof(err)), (LONG)PHONEERR_INIFILECORRUPT);
	assert_string_equal(err, "phone 'T': two phones have this name");
	/* Passwords in a file every user may read: refused, as at start-up. */
	th_config_mode(0644);
	assert_int_equal(th_configure_more(&secret, 1, 1, err, sizeof(err)),
			 (LONG)PHONEERR_INIFILECORRUPT);
	assert_non_null(strstr(err, "every user may read it"));
	assert_null(strstr(err, "pw"));
	assert_int_equal(TH.createPhoneDevice(1, 1), (LONG)PHONEERR_BADDEVICEID);
	/* Pending phones are dropped by the next configure (and at shutdown). */
	assert_int_equal(th_configure_more(&plain, 1, 1, err, sizeof(err)), 0);
	th_config_mode(0600);
	assert_int_equal(th_configure_more(&secret, 1, 2, err, sizeof(err)), 0);
	assert_int_equal(TH.createPhoneDevice(1, 1), (LONG)PHONEERR_BADDEVICEID);
	assert_int_equal(TH.createPhoneDevice(2, 2), 0);
	assert_int_equal(th_configure_more(&plain, 1, 3, err, sizeof(err)), 0);
	finish(hd);
}

static void TSPIAPI no_events(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3)
{
	(void)ht;
	(void)msg;
	(void)p1;
	(void)p2;
	(void)p3;
}

/* A reload that changes a phone: the engine closes it, then adds it again under its name with a
 * new device ID; the old ID is gone. */
static void test_add_phone_again(void **state)
{
	struct emu *e = emu_start(EMU_YEALINK, NULL, NULL, 0, 1);
	struct th_phone before = { "Y", { "vendor", "yealink", "address", NULL, NULL } };
	struct th_phone after = { "Y", { "vendor", "yealink", "address", NULL, "data_areas", "100",
					 NULL } };
	PHONECAPS *c;
	HDRVPHONE hd;
	char err[512];
	DWORD v, permanent;

	(void)state;
	assert_non_null(e);
	before.kv[3] = after.kv[3] = addr_of(emu_port(e));
	hd = one_phone(&before, NULL);
	c = caps_of(0);
	permanent = c->dwPermanentPhoneID;
	free(c);
	assert_int_equal(TH.close(hd), 0);
	assert_int_equal(th_configure_more(&after, 1, 1, err, sizeof(err)), 0);
	assert_int_equal(TH.createPhoneDevice(1, 1), 0);
	assert_int_equal(TH.negotiate(0, 0x00010003, 0x00020002, &v), (LONG)PHONEERR_NODEVICE);
	assert_int_equal(TH.open(0, (HTAPIPHONE)1, &hd, 0x00020002, no_events), (LONG)PHONEERR_NODEVICE);
	c = caps_of(1);
	assert_int_equal(c->dwPermanentPhoneID, permanent);
	assert_int_equal(*(const DWORD *)((const char *)c + c->dwSetDataOffset), 100);
	free(c);
	hd = th_open(1);
	assert_non_null(hd);
	assert_int_equal(push_str(hd, 0, "<YealinkIPPhoneStatus/>"), 0);
	assert_null(th_open(0));
	finish(hd);
	emu_stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_polycom_areas),
		cmocka_unit_test(test_polycom_refused_payloads),
		cmocka_unit_test(test_cisco),
		cmocka_unit_test(test_yealink),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_http_errors),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_unreachable_then_back),
		cmocka_unit_test(test_one_phone_in_order),
		cmocka_unit_test(test_parallel_limit),
		cmocka_unit_test(test_close_with_pushes_outstanding),
		cmocka_unit_test(test_https),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_world_readable_file),
		cmocka_unit_test(test_add_phones),
		cmocka_unit_test(test_add_phones_checked),
		cmocka_unit_test(test_add_phone_again),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	unlink(th_config_path());
	return r;
}
