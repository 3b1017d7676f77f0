/* SPDX-License-Identifier: MIT */
/* test_push.c — the request bodies and answer reading of providers/ipphone/push.c, without any
 * network: streaming in any chunk size gives the same bytes as the length promised, rewinding
 * starts over, escaping is right, and Cisco answers are read as the documentation describes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "push.h"

/* Reads the whole body in chunks of chunk bytes into a fresh string. */
static char *read_all(struct ipp_body *b, size_t chunk)
{
	char *out = calloc(1, b->length + 64);
	size_t got = 0, n;

	assert_non_null(out);
	while ((n = ipp_body_read(b, out + got, chunk)) > 0) {
		got += n;
		assert_true(got <= b->length);
	}
	assert_int_equal(got, b->length);
	return out;
}

static void expect_body(enum ipp_vendor v, enum ipp_area_kind k, int prio, const char *payload,
			size_t len, const char *want, enum ipp_ctype ct)
{
	static const size_t chunks[] = { 1, 2, 3, 7, 64, 100000 };
	struct ipp_body b;
	const char *why;
	size_t i;

	assert_int_equal(ipp_body_build(&b, v, k, prio, payload, len, &why), 0);
	assert_int_equal(b.ctype, ct);
	assert_int_equal(b.length, strlen(want));
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		char *got;

		ipp_body_rewind(&b);
		got = read_all(&b, chunks[i]);
		assert_string_equal(got, want);
		free(got);
	}
}

static void test_polycom_bodies(void **state)
{
	(void)state;
	expect_body(IPP_POLYCOM, IPP_POLYCOM_XHTML, 0, "<b>Hi</b> & bye", 15,
		    "<PolycomIPPhone><Data priority=\"Normal\"><b>Hi</b> & bye</Data>"
		    "</PolycomIPPhone>",
		    IPP_CT_XHTML);
	/* One trailing NUL is dropped, a second one is payload. */
	expect_body(IPP_POLYCOM, IPP_POLYCOM_XHTML, 3, "x\0", 2,
		    "<PolycomIPPhone><Data priority=\"Critical\">x</Data></PolycomIPPhone>",
		    IPP_CT_XHTML);
	expect_body(IPP_POLYCOM, IPP_POLYCOM_URL, 1, "/a?b=1&c=\"<>\"", 14,
		    "<PolycomIPPhone><URL priority=\"Important\">/a?b=1&amp;c=\"&lt;&gt;\"</URL>"
		    "</PolycomIPPhone>",
		    IPP_CT_SPIPX);
	expect_body(IPP_POLYCOM, IPP_POLYCOM_URI, 2, "Key:Line1\r\ntel:\\\\8500", 21,
		    "<PolycomIPPhone><Data priority=\"High\">Key:Line1\r\ntel:\\\\8500</Data>"
		    "</PolycomIPPhone>",
		    IPP_CT_SPIPX);
	expect_body(IPP_POLYCOM, IPP_POLYCOM_DOC_SPIPX, 0, "<PolycomIPPhone/>", 17,
		    "<PolycomIPPhone/>", IPP_CT_SPIPX);
	expect_body(IPP_POLYCOM, IPP_POLYCOM_DOC_XHTML, 0, "<PolycomIPPhone/>", 17,
		    "<PolycomIPPhone/>", IPP_CT_XHTML);
}

static void test_cisco_bodies(void **state)
{
	(void)state;
	/* Attribute escaping first, then form encoding (space as '+'). */
	expect_body(IPP_CISCO, IPP_CISCO_EXECUTE, 2, "Dial:1 2&'\"\n", 12,
		    "XML=%3CCiscoIPPhoneExecute%3E%3CExecuteItem+Priority%3D%222%22+URL%3D%22"
		    "Dial%3A1+2%26amp%3B%26apos%3B%26quot%3B%22%2F%3E%3C%2FCiscoIPPhoneExecute%3E",
		    IPP_CT_FORM);
	expect_body(IPP_CISCO, IPP_CISCO_DOC, 0, "<a b='1'>*-._~</a>", 18,
		    "XML=%3Ca+b%3D%271%27%3E*-._%7E%3C%2Fa%3E", IPP_CT_FORM);
	expect_body(IPP_CISCO, IPP_CISCO_EXECUTE, 0, "A\nB\r\nC", 6,
		    "XML=%3CCiscoIPPhoneExecute%3E"
		    "%3CExecuteItem+Priority%3D%220%22+URL%3D%22A%22%2F%3E"
		    "%3CExecuteItem+Priority%3D%220%22+URL%3D%22B%22%2F%3E"
		    "%3CExecuteItem+Priority%3D%220%22+URL%3D%22C%22%2F%3E"
		    "%3C%2FCiscoIPPhoneExecute%3E",
		    IPP_CT_FORM);
	/* Non-ASCII bytes (UTF-8) are %-escaped. */
	expect_body(IPP_CISCO, IPP_CISCO_DOC, 0, "\xc3\xa9", 2, "XML=%C3%A9", IPP_CT_FORM);
}

static void test_yealink_body(void **state)
{
	(void)state;
	expect_body(IPP_YEALINK, IPP_YEALINK_OBJECT, 0, "<YealinkIPPhoneTextScreen/>&", 28,
		    "xml=<YealinkIPPhoneTextScreen/>&", IPP_CT_TEXTXML);
}

static void test_refused(void **state)
{
	static const struct {
		enum ipp_vendor v;
		enum ipp_area_kind k;
		const char *p;
		size_t n;
	} bad[] = {
		{ IPP_POLYCOM, IPP_POLYCOM_XHTML, "", 0 },
		{ IPP_POLYCOM, IPP_POLYCOM_XHTML, "\0", 1 },
		{ IPP_POLYCOM, IPP_POLYCOM_URL, "/a\tb", 4 },
		{ IPP_POLYCOM, IPP_POLYCOM_URI, "a\x7f", 2 },
		{ IPP_CISCO, IPP_CISCO_EXECUTE, "\n\n", 2 },
		{ IPP_CISCO, IPP_CISCO_EXECUTE, "1\n2\n3\n4", 7 },
		{ IPP_CISCO, IPP_CISCO_EXECUTE, "a\x01", 2 },
		{ IPP_YEALINK, IPP_YEALINK_OBJECT, "", 0 },
	};
	struct ipp_body b;
	const char *why;
	char url[258];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_int_equal(ipp_body_build(&b, bad[i].v, bad[i].k, 0, bad[i].p, bad[i].n, &why),
				 -1);
		assert_non_null(why);
	}
	memset(url, 'u', sizeof(url));
	assert_int_equal(ipp_body_build(&b, IPP_CISCO, IPP_CISCO_EXECUTE, 0, url, 257, &why), -1);
	assert_int_equal(ipp_body_build(&b, IPP_CISCO, IPP_CISCO_EXECUTE, 0, url, 256, &why), 0);
	/* Three URLs of 256 bytes fit, each as its own item. */
	memset(url, 'u', sizeof(url));
	{
		char three[3 * 257];

		memset(three, 'u', sizeof(three));
		three[256] = three[513] = '\n';
		assert_int_equal(ipp_body_build(&b, IPP_CISCO, IPP_CISCO_EXECUTE, 0, three,
						sizeof(three) - 1, &why),
				 0);
	}
}

static void test_cisco_answers(void **state)
{
	static const struct {
		const char *text;
		int ok;
		const char *why;
	} cases[] = {
		{ "<CiscoIPPhoneResponse><ResponseItem Status=\"0\" Data=\"Success\" URL=\"x\"/>"
		  "</CiscoIPPhoneResponse>",
		  0, NULL },
		{ "<?xml version=\"1.0\"?>\n<CiscoIPPhoneResponse>\n<ResponseItem URL='a' "
		  "Status='0'/>\n<ResponseItem Status = '0' URL='b'/></CiscoIPPhoneResponse>",
		  0, NULL },
		{ "<CiscoIPPhoneResponse></CiscoIPPhoneResponse>", 0, NULL },
		{ "<CiscoIPPhoneResponse><ResponseItem Status=\"6\" URL=\"x\"/>"
		  "</CiscoIPPhoneResponse>",
		  -1, "Status=6" },
		{ "<CiscoIPPhoneResponse><ResponseItem Status=\"0\"/><ResponseItem Status=\"-1\"/>"
		  "</CiscoIPPhoneResponse>",
		  -1, "Status=-1" },
		{ "<CiscoIPPhoneError Number=\"4\" />", -1, "Number=4 (authentication error)" },
		{ "<CiscoIPPhoneError Number=\"1\"/>", -1, "Number=1 (error parsing" },
		{ "<CiscoIPPhoneError Number=\"9\"/>", -1, "Number=9" },
		{ "<CiscoIPPhoneError/>", -1, "CiscoIPPhoneError" },
		{ "", -1, "not a CiscoIPPhoneResponse" },
		{ "<html>OK</html>", -1, "not a CiscoIPPhoneResponse" },
	};
	char why[200];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why[0] = '\0';
		assert_int_equal(ipp_cisco_answer(cases[i].text, strlen(cases[i].text), why,
						  sizeof(why)),
				 cases[i].ok);
		if (cases[i].why && !strstr(why, cases[i].why))
			fail_msg("case %zu: '%s' lacks '%s'", i, why, cases[i].why);
	}
}

static void test_vendor_table(void **state)
{
	int v;
	uint32_t a;

	(void)state;
	for (v = 0; v < IPP_NUM_VENDORS; v++) {
		const struct ipp_vendor_desc *d = ipp_vendor_desc((enum ipp_vendor)v);

		assert_non_null(d);
		assert_in_range(d->num_areas, 1, IPP_MAX_AREAS);
		for (a = 0; a < d->num_areas; a++)
			assert_true(d->areas[a].default_size <= d->areas[a].max_size);
	}
	assert_null(ipp_vendor_desc(IPP_NUM_VENDORS));
	assert_int_equal(ipp_priority_parse(IPP_POLYCOM, "CRITICAL"), 3);
	assert_int_equal(ipp_priority_parse(IPP_CISCO, "2"), 2);
	assert_int_equal(ipp_priority_parse(IPP_YEALINK, "0"), -1);
	assert_string_equal(ipp_ctype_name(IPP_CT_SPIPX), "application/x-com-polycom-spipx");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_polycom_bodies), cmocka_unit_test(test_cisco_bodies),
		cmocka_unit_test(test_yealink_body),   cmocka_unit_test(test_refused),
		cmocka_unit_test(test_cisco_answers),  cmocka_unit_test(test_vendor_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
