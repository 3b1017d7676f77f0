/* SPDX-License-Identifier: MIT */
/* test_config.c — unit tests for src/common/config.c: the pinned file format, every error
 * message, the search order, the state directory and allocation failure. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "config.h"
#include "../integration/tapisrv.h" /* test_skip_outside */

/* A configuration in the shape of docs/configuration.md's example, a comment on every line. */
static const char design_example[] =
	"[server]\n"
	"socket = /run/opentapi/tapisrv.sock\n"
	"state_dir = /var/lib/opentapi\n"
	"\n"
	"[phone \"Front desk\"]          ; one section per phone, in device-ID order; the quoted text is its name\n"
	"provider = sim                ; the provider that serves it (sim, ipphone, ...)\n"
	"data_areas = 256, 4096, 65536, 16777216   ; sim: sizes of its data areas (IDs 0..n-1, set and get)\n"
	"durable = yes                 ; sim: a PHONE_REPLY of success means the bytes are on disk (no: in memory)\n";

/* Something that reaches every allocation of the parser: several phones, enough settings to
 * grow the arrays, both limits. */
static const char big_example[] =
	"[server]\nsocket = /s\nstate_dir = /d\n"
	"[limits]\nrequests_per_app = 10\nevents_per_client = 100\n"
	"[phone \"a\"]\nprovider = sim\nk1 = 1\nk2 = 2\nk3 = 3\nk4 = 4\nk5 = 5\nk6 = 6\n"
	"[phone \"b\"]\nprovider = sim\n[phone \"c\"]\nprovider = x\n[phone \"d\"]\nprovider = y\n"
	"[phone \"e\"]\nprovider = z\nk = v\n";

static char err[512];

static struct ot_config *parse_ok(const char *text)
{
	struct ot_config *cfg = NULL;
	int rc = ot_config_parse(text, strlen(text), "t.conf", &cfg, err, sizeof(err));

	if (rc != 0)
		print_error("unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
	assert_non_null(cfg);
	return cfg;
}

static void expect_error(const char *text, const char *message)
{
	struct ot_config *cfg = (struct ot_config *)1;
	long live = ot_alloc_live();
	int rc;

	err[0] = '\0';
	rc = ot_config_parse(text, strlen(text), "t.conf", &cfg, err, sizeof(err));
	if (rc != -1 || strcmp(err, message) != 0)
		print_error("input:\n%s\nexpected: %s\ngot (%d): %s\n", text, message, rc, err);
	assert_int_equal(rc, -1);
	assert_null(cfg);
	assert_string_equal(err, message);
	assert_int_equal(ot_alloc_live(), live);
}

/* ---- the file format ---- */

static void test_design_example(void **state)
{
	struct ot_config *cfg = parse_ok(design_example);
	struct ot_phone_config *ph;

	(void)state;
	assert_string_equal(cfg->path, "t.conf");
	assert_string_equal(cfg->socket, "/run/opentapi/tapisrv.sock");
	assert_string_equal(cfg->state_dir, "/var/lib/opentapi");
	assert_int_equal(cfg->requests_per_app, OT_DEFAULT_REQUESTS_PER_APP);
	assert_int_equal(cfg->events_per_client, OT_DEFAULT_EVENTS_PER_CLIENT);
	assert_int_equal(cfg->n_phones, 1);
	ph = &cfg->phones[0];
	assert_string_equal(ph->name, "Front desk");
	assert_string_equal(ph->provider, "sim");
	assert_int_equal(ph->line, 5);
	assert_int_equal(ph->n_settings, 2);
	assert_string_equal(ph->settings[0].key, "data_areas");
	assert_string_equal(ph->settings[0].value, "256, 4096, 65536, 16777216");
	assert_int_equal(ph->settings[0].line, 7);
	assert_string_equal(ph->settings[1].key, "durable");
	assert_string_equal(ph->settings[1].value, "yes");
	assert_int_equal(ph->settings[1].line, 8);
	ot_config_free(cfg);
}

static void test_phones_in_order(void **state)
{
	struct ot_config *cfg = parse_ok(big_example);
	static const char *const names[] = { "a", "b", "c", "d", "e" };
	static const char *const providers[] = { "sim", "sim", "x", "y", "z" };
	static const unsigned lines[] = { 7, 15, 17, 19, 21 };
	size_t i;

	(void)state;
	assert_string_equal(cfg->socket, "/s");
	assert_string_equal(cfg->state_dir, "/d");
	assert_int_equal(cfg->requests_per_app, 10);
	assert_int_equal(cfg->events_per_client, 100);
	assert_int_equal(cfg->n_phones, 5);
	for (i = 0; i < 5; i++) {
		assert_string_equal(cfg->phones[i].name, names[i]);
		assert_string_equal(cfg->phones[i].provider, providers[i]);
		assert_int_equal(cfg->phones[i].line, lines[i]);
	}
	assert_int_equal(cfg->phones[0].n_settings, 6);
	for (i = 0; i < 6; i++) {
		char k[8], v[8];

		snprintf(k, sizeof(k), "k%zu", i + 1);
		snprintf(v, sizeof(v), "%zu", i + 1);
		assert_string_equal(cfg->phones[0].settings[i].key, k);
		assert_string_equal(cfg->phones[0].settings[i].value, v);
		assert_int_equal(cfg->phones[0].settings[i].line, 9 + i);
	}
	assert_int_equal(cfg->phones[1].n_settings, 0);
	assert_null(cfg->phones[1].settings);
	assert_int_equal(cfg->phones[4].n_settings, 1);
	assert_string_equal(cfg->phones[4].settings[0].key, "k");
	ot_config_free(cfg);
}

static void test_no_phones(void **state)
{
	struct ot_config *cfg;

	(void)state;
	cfg = parse_ok("");
	assert_int_equal(cfg->n_phones, 0);
	assert_null(cfg->phones);
	assert_null(cfg->socket);
	assert_null(cfg->state_dir);
	assert_int_equal(cfg->requests_per_app, OT_DEFAULT_REQUESTS_PER_APP);
	ot_config_free(cfg);

	cfg = parse_ok("; nothing but a comment\n\n[server]\nsocket = /x\n[limits]\n");
	assert_int_equal(cfg->n_phones, 0);
	assert_string_equal(cfg->socket, "/x");
	ot_config_free(cfg);
}

static void test_limits(void **state)
{
	struct ot_config *cfg;

	(void)state;
	cfg = parse_ok("[limits]\nrequests_per_app = 1\nevents_per_client = 16\n");
	assert_int_equal(cfg->requests_per_app, 1);
	assert_int_equal(cfg->events_per_client, 16);
	ot_config_free(cfg);
	cfg = parse_ok("[limits]\nrequests_per_app = 1000000\nevents_per_client = 100000000\n");
	assert_int_equal(cfg->requests_per_app, 1000000);
	assert_int_equal(cfg->events_per_client, 100000000);
	ot_config_free(cfg);
	cfg = parse_ok("[limits]\nrequests_per_app = 007\n");
	assert_int_equal(cfg->requests_per_app, 7);
	assert_int_equal(cfg->events_per_client, OT_DEFAULT_EVENTS_PER_CLIENT);
	ot_config_free(cfg);
}

static void test_inline_comments(void **state)
{
	struct ot_config *cfg;
	struct ot_phone_config *ph;

	(void)state;
	cfg = parse_ok("# hash comment\n"
		       "; semicolon comment\n"
		       "[phone \"A\"] ; after a header\n"
		       "provider = sim ; comment\n"
		       "a = yes;no\n"
		       "b = yes # not a comment\n"
		       "c = x\t; tab before it\n"
		       "d = ; only a comment\n"
		       "e =\n"
		       "[server]# right after ]\n"
		       "socket = /run/a b ; spaces inside are kept\n");
	assert_int_equal(cfg->n_phones, 1);
	ph = &cfg->phones[0];
	assert_string_equal(ph->provider, "sim");
	assert_int_equal(ph->n_settings, 5);
	assert_string_equal(ph->settings[0].value, "yes;no");
	assert_string_equal(ph->settings[1].value, "yes # not a comment");
	assert_string_equal(ph->settings[2].value, "x");
	assert_string_equal(ph->settings[3].value, "");
	assert_string_equal(ph->settings[4].value, "");
	assert_string_equal(cfg->socket, "/run/a b");
	ot_config_free(cfg);
}

static void test_whitespace_and_line_endings(void **state)
{
	struct ot_config *cfg;
	struct ot_phone_config *ph;

	(void)state;
	/* Indented keys are keys, not continuations of the previous value. */
	cfg = parse_ok("  [phone \"A\"]\n"
		       "  provider = sim\n"
		       "\tdurable = no\n"
		       "   \n"
		       "data_areas:1,2\n");
	ph = &cfg->phones[0];
	assert_string_equal(ph->provider, "sim");
	assert_int_equal(ph->n_settings, 2);
	assert_string_equal(ph->settings[0].key, "durable");
	assert_string_equal(ph->settings[0].value, "no");
	assert_int_equal(ph->settings[0].line, 3);
	assert_string_equal(ph->settings[1].key, "data_areas");
	assert_string_equal(ph->settings[1].value, "1,2");
	assert_int_equal(ph->settings[1].line, 5);
	ot_config_free(cfg);

	/* CRLF, a UTF-8 byte order mark, no newline at the end. */
	cfg = parse_ok("\xef\xbb\xbf[server]\r\nsocket = /a\r\n\r\n[phone \"B\"]\r\nprovider = sim");
	assert_string_equal(cfg->socket, "/a");
	assert_string_equal(cfg->phones[0].name, "B");
	assert_int_equal(cfg->phones[0].line, 4);
	ot_config_free(cfg);

	/* Whitespace inside the brackets and none before the quote. */
	cfg = parse_ok("[ phone\"C\" ]\nprovider = sim\n[ server ]\n");
	assert_string_equal(cfg->phones[0].name, "C");
	ot_config_free(cfg);
}

static void test_phone_names(void **state)
{
	char text[600];
	char name[300];
	struct ot_config *cfg;

	(void)state;
	cfg = parse_ok("[phone \"B\xc3\xbcro 3 \xe2\x98\x8e\"]\nprovider = sim\n"
		       "[phone \"with ] and ; inside\"]\nprovider = sim\n"
		       "[phone \"front desk\"]\nprovider = sim\n");
	assert_string_equal(cfg->phones[0].name, "B\xc3\xbcro 3 \xe2\x98\x8e");
	assert_string_equal(cfg->phones[1].name, "with ] and ; inside");
	assert_string_equal(cfg->phones[2].name, "front desk"); /* names are case-sensitive */
	ot_config_free(cfg);

	/* 255 bytes is the longest name; the header line is longer than inih's buffer. */
	memset(name, 'n', 255);
	name[255] = '\0';
	snprintf(text, sizeof(text), "[phone \"%s\"]\nprovider = sim\n", name);
	cfg = parse_ok(text);
	assert_string_equal(cfg->phones[0].name, name);
	ot_config_free(cfg);

	memset(name, 'n', 256);
	name[256] = '\0';
	snprintf(text, sizeof(text), "[phone \"%s\"]\nprovider = sim\n", name);
	{
		char msg[600];

		snprintf(msg, sizeof(msg),
			 "t.conf:1: section 'phone \"%s\"': the phone name is longer than 255 bytes", name);
		expect_error(text, msg);
	}
}

static void test_long_lines(void **state)
{
	char value[1024] = "", text[4096], key[300];
	struct ot_config *cfg;
	int i;

	(void)state;
	/* 64 areas of the largest size: far longer than inih's 200-byte line buffer. */
	for (i = 0; i < 64; i++)
		strcat(value, i ? ", 1073741824" : "1073741824");
	assert_true(strlen(value) > 700);
	snprintf(text, sizeof(text),
		 "[phone \"A\"]\nprovider = sim\ndata_areas = %s ; a comment\nlong = %s;x\nnext = 1\n",
		 value, value);
	cfg = parse_ok(text);
	assert_int_equal(cfg->phones[0].n_settings, 3);
	assert_string_equal(cfg->phones[0].settings[0].value, value);
	assert_int_equal(cfg->phones[0].settings[0].line, 3);
	assert_int_equal(strncmp(cfg->phones[0].settings[1].value, value, strlen(value)), 0);
	assert_string_equal(cfg->phones[0].settings[1].value + strlen(value), ";x");
	assert_string_equal(cfg->phones[0].settings[2].key, "next");
	assert_int_equal(cfg->phones[0].settings[2].line, 5);
	ot_config_free(cfg);

	/* A value that starts after the part inih sees. */
	snprintf(text, sizeof(text), "[phone \"A\"]\nprovider = sim\nk =%250s\n", "v");
	cfg = parse_ok(text);
	assert_string_equal(cfg->phones[0].settings[0].value, "v");
	ot_config_free(cfg);

	/* A comment that starts just where inih's part ends. */
	snprintf(text, sizeof(text), "[phone \"A\"]\nprovider = sim\nk = %s ; c\n", value);
	cfg = parse_ok(text);
	assert_string_equal(cfg->phones[0].settings[0].value, value);
	ot_config_free(cfg);

	/* A key so long that inih cannot see its '='. */
	memset(key, 'k', 250);
	key[250] = '\0';
	snprintf(text, sizeof(text), "[phone \"A\"]\nprovider = sim\n%s = 1\n", key);
	expect_error(text, "t.conf:3: syntax error (line too long)");
}

/* ---- every error ---- */

static void test_errors_sections(void **state)
{
	(void)state;
	expect_error("[bogus]\n", "t.conf:1: section 'bogus': unknown section");
	expect_error("\n[Server]\n", "t.conf:2: section 'Server': unknown section");
	expect_error("[phones \"A\"]\n", "t.conf:1: section 'phones \"A\"': unknown section");
	expect_error("[]\n", "t.conf:1: section '': unknown section");
	expect_error("[server \"x\"]\n", "t.conf:1: section 'server \"x\"': [server] takes no name");
	expect_error("[limits]\n[server]\n[limits]\n",
		     "t.conf:3: section 'limits': repeated (first at line 1)");
	expect_error("[server]\n[server]\n", "t.conf:2: section 'server': repeated (first at line 1)");
	expect_error("provider = sim\n", "t.conf:1: key 'provider': not inside a section");
}

static void test_errors_quoting(void **state)
{
	(void)state;
	expect_error("[phone Front]\n",
		     "t.conf:1: section 'phone Front': bad quoting (the phone name must be in double quotes)");
	expect_error("[phone \"Front]\n", "t.conf:1: section 'phone \"Front]': bad quoting (no closing '\"')");
	expect_error("[phone \"A\" x]\n",
		     "t.conf:1: section 'phone \"A\" x': bad quoting (text after the closing '\"')");
	expect_error("[phone \"A\"\"B\"]\n",
		     "t.conf:1: section 'phone \"A\"\"B\"': bad quoting (text after the closing '\"')");
	expect_error("[phone \"]\n", "t.conf:1: section 'phone \"]': bad quoting (no closing '\"')");
	expect_error("[phone]\n",
		     "t.conf:1: section 'phone': the phone name is missing (write [phone \"NAME\"])");
	expect_error("[phone \"\"]\n", "t.conf:1: section 'phone \"\"': the phone name is empty");
	expect_error("[phone \"a\tb\"]\n",
		     "t.conf:1: section 'phone \"a\tb\"': the phone name contains a control character");
	expect_error("[phone \"a\xc2\x85\"]\n",
		     "t.conf:1: section 'phone \"a\xc2\x85\"': the phone name contains a control character");
	expect_error("[phone \"a\xff\"]\n",
		     "t.conf:1: section 'phone \"a\xff\"': the phone name is not valid UTF-8");
	expect_error("[phone \"a\xc0\xaf\"]\n", /* overlong '/' */
		     "t.conf:1: section 'phone \"a\xc0\xaf\"': the phone name is not valid UTF-8");
	expect_error("[phone \"a\xed\xa0\x80\"]\n", /* a surrogate */
		     "t.conf:1: section 'phone \"a\xed\xa0\x80\"': the phone name is not valid UTF-8");
	expect_error("[phone \"a\xe2\x98\"]\n", /* cut short */
		     "t.conf:1: section 'phone \"a\xe2\x98\"': the phone name is not valid UTF-8");
}

static void test_errors_syntax(void **state)
{
	static const char nul_text[] = "[server]\nsocket = /a\0b\n";
	char e[128];

	(void)state;
	expect_error("[server]\nsocket\n", "t.conf:2: syntax error (expected 'key = value')");
	expect_error("[server\n", "t.conf:1: syntax error (no closing ']')");
	expect_error("[server] x\n", "t.conf:1: syntax error (text after ']')");
	expect_error("[phone \"A\"]\nprovider = sim\n= 5\n", "t.conf:3: syntax error (expected 'key = value')");
	expect_error("[phone \"A\"]\nprovider = sim\nfoo ;= 5\n",
		     "t.conf:3: syntax error (expected 'key = value')");
	/* The first error in the file is the one reported, whoever finds it. */
	expect_error("[server]\nsocket\nport = 1\n", "t.conf:2: syntax error (expected 'key = value')");
	expect_error("[server]\nport = 1\nsocket\n", "t.conf:2: key 'port': unknown key in [server]");
	expect_error("[phone \"A\"]\njunk\n[phone \"B\"]\n",
		     "t.conf:1: section 'phone \"A\"': required key 'provider' is missing");

	assert_int_equal(ot_config_parse(nul_text, sizeof(nul_text) - 1, "t.conf", NULL, e, sizeof(e)), -1);
	assert_string_equal(e, "t.conf:2: syntax error (NUL byte)");
}

static void test_errors_server(void **state)
{
	char text[300], path[200];

	(void)state;
	expect_error("[server]\nport = 1\n", "t.conf:2: key 'port': unknown key in [server]");
	expect_error("[server]\nSocket = /x\n", "t.conf:2: key 'Socket': unknown key in [server]");
	expect_error("[server]\nsocket = run/x\n", "t.conf:2: key 'socket': must be an absolute path");
	expect_error("[server]\nsocket =\n", "t.conf:2: key 'socket': must be an absolute path");
	expect_error("[server]\nstate_dir = var/lib\n", "t.conf:2: key 'state_dir': must be an absolute path");
	expect_error("[server]\nstate_dir = /a\x01\n", "t.conf:2: key 'state_dir': path contains a control character");
	expect_error("[server]\nsocket = /a\nsocket = /b\n", "t.conf:3: key 'socket': repeated (first at line 2)");
	expect_error("[server]\nstate_dir = /a\n\nstate_dir = /a\n",
		     "t.conf:4: key 'state_dir': repeated (first at line 2)");

	/* sun_path holds 107 bytes and the NUL. */
	path[0] = '/';
	memset(path + 1, 's', 106);
	path[107] = '\0';
	snprintf(text, sizeof(text), "[server]\nsocket = %s\n", path);
	ot_config_free(parse_ok(text));
	strcat(path, "s");
	snprintf(text, sizeof(text), "[server]\nsocket = %s\n", path);
	expect_error(text, "t.conf:2: key 'socket': path longer than 107 bytes");
}

static void test_errors_limits(void **state)
{
	(void)state;
	expect_error("[limits]\nfoo = 1\n", "t.conf:2: key 'foo': unknown key in [limits]");
	expect_error("[limits]\nrequests_per_app = 0\n",
		     "t.conf:2: key 'requests_per_app': 0 is out of range (1..1000000)");
	expect_error("[limits]\nrequests_per_app = 1000001\n",
		     "t.conf:2: key 'requests_per_app': 1000001 is out of range (1..1000000)");
	expect_error("[limits]\nrequests_per_app = 99999999999999999999999\n",
		     "t.conf:2: key 'requests_per_app': 99999999999999999999999 is out of range (1..1000000)");
	expect_error("[limits]\nevents_per_client = 15\n",
		     "t.conf:2: key 'events_per_client': 15 is out of range (16..100000000)");
	expect_error("[limits]\nevents_per_client = 100000001\n",
		     "t.conf:2: key 'events_per_client': 100000001 is out of range (16..100000000)");
	expect_error("[limits]\nrequests_per_app = abc\n",
		     "t.conf:2: key 'requests_per_app': 'abc' is not a whole number");
	expect_error("[limits]\nrequests_per_app = -1\n",
		     "t.conf:2: key 'requests_per_app': '-1' is not a whole number");
	expect_error("[limits]\nrequests_per_app = +5\n",
		     "t.conf:2: key 'requests_per_app': '+5' is not a whole number");
	expect_error("[limits]\nrequests_per_app = 0x10\n",
		     "t.conf:2: key 'requests_per_app': '0x10' is not a whole number");
	expect_error("[limits]\nrequests_per_app = 5 5\n",
		     "t.conf:2: key 'requests_per_app': '5 5' is not a whole number");
	expect_error("[limits]\nrequests_per_app =\n",
		     "t.conf:2: key 'requests_per_app': '' is not a whole number");
	expect_error("[limits]\nevents_per_client = 20\nevents_per_client = 20\n",
		     "t.conf:3: key 'events_per_client': repeated (first at line 2)");
}

static void test_errors_phone(void **state)
{
	(void)state;
	expect_error("[phone \"A\"]\nprovider = sim\n[phone \"B\"]\nprovider = sim\n[phone \"A\"]\nprovider = sim\n",
		     "t.conf:5: section 'phone \"A\"': duplicate phone name (first at line 1)");
	expect_error("[phone \"A\"]\ndurable = yes\n[phone \"B\"]\nprovider = sim\n",
		     "t.conf:1: section 'phone \"A\"': required key 'provider' is missing");
	expect_error("[phone \"A\"]\nprovider = sim\n\n[phone \"B\"]\n",
		     "t.conf:4: section 'phone \"B\"': required key 'provider' is missing");
	expect_error("[phone \"A\"]\nprovider = sim\nprovider = sim\n",
		     "t.conf:3: key 'provider': repeated (first at line 2)");
	expect_error("[phone \"A\"]\nprovider = sim\ndurable = yes\nx = 1\ndurable = no\n",
		     "t.conf:5: key 'durable': repeated (first at line 3)");
	expect_error("[phone \"A\"]\nprovider = Sim\n",
		     "t.conf:2: key 'provider': 'Sim' is not a provider name (1 to 64 of a-z 0-9 _ -)");
	expect_error("[phone \"A\"]\nprovider =\n",
		     "t.conf:2: key 'provider': '' is not a provider name (1 to 64 of a-z 0-9 _ -)");
	expect_error("[phone \"A\"]\nprovider = a b\n",
		     "t.conf:2: key 'provider': 'a b' is not a provider name (1 to 64 of a-z 0-9 _ -)");
	expect_error("[phone \"A\"]\nprovider = ../sim\n",
		     "t.conf:2: key 'provider': '../sim' is not a provider name (1 to 64 of a-z 0-9 _ -)");
	{
		char text[200], msg[300], name[70];

		/* 65 characters: too long. */
		memset(name, 'a', 65);
		name[65] = '\0';
		snprintf(text, sizeof(text), "[phone \"A\"]\nprovider = %s\n", name);
		snprintf(msg, sizeof(msg),
			 "t.conf:2: key 'provider': '%s' is not a provider name (1 to 64 of a-z 0-9 _ -)", name);
		expect_error(text, msg);
		/* 64 characters and every allowed kind of character are fine. */
		memcpy(name, "az09_-", 6);
		name[64] = '\0';
		snprintf(text, sizeof(text), "[phone \"A\"]\nprovider = %s\n", name);
		{
			struct ot_config *cfg = parse_ok(text);

			assert_string_equal(cfg->phones[0].provider, name);
			ot_config_free(cfg);
		}
	}
}

static void test_error_buffer(void **state)
{
	static const char bad[] = "[bogus]\n";
	struct ot_config *cfg = NULL;
	char small[8];

	(void)state;
	/* No buffer, or a tiny one: still -1, never an overflow. */
	assert_int_equal(ot_config_parse(bad, strlen(bad), "t.conf", &cfg, NULL, 0), -1);
	assert_null(cfg);
	memset(small, 'x', sizeof(small));
	assert_int_equal(ot_config_parse(bad, strlen(bad), "t.conf", &cfg, small, sizeof(small)), -1);
	assert_string_equal(small, "t.conf:");
	/* Without a name. */
	assert_int_equal(ot_config_parse(bad, strlen(bad), NULL, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "(config):1: section 'bogus': unknown section");
	assert_int_equal(ot_config_parse("[server]\n", 9, NULL, &cfg, err, sizeof(err)), 0);
	assert_null(cfg->path);
	ot_config_free(cfg);
	/* Only len bytes are read: the text need not be NUL-terminated. */
	assert_int_equal(ot_config_parse("[server]XYZ", 8, "t.conf", &cfg, err, sizeof(err)), 0);
	ot_config_free(cfg);
	ot_config_free(NULL);
}

/* ---- files and the search order ---- */

static char tmpdir[256];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_config.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	unsetenv("OPENTAPI_CONFIG");
	unsetenv("OPENTAPI_STATE_DIR");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", tmpdir, 1);
	return 0;
}

static int teardown_tmp(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *tmp_path(const char *rel)
{
	static char buf[4][512];
	static int i;
	char *p = buf[i++ % 4];

	snprintf(p, 512, "%s/%s", tmpdir, rel);
	return p;
}

static void mkdirs(const char *rel)
{
	char p[512], *s;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, rel);
	for (s = p + strlen(tmpdir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		assert_true(mkdir(p, 0700) == 0 || errno == EEXIST);
		*s = '/';
	}
	assert_true(mkdir(p, 0700) == 0 || errno == EEXIST);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void test_load_file(void **state)
{
	struct ot_config *cfg = NULL;
	char *path = tmp_path("a.conf"), msg[600];

	(void)state;
	write_file(path, design_example);
	assert_int_equal(ot_config_load_file(path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg->path, path);
	assert_string_equal(cfg->phones[0].name, "Front desk");
	assert_string_equal(cfg->phones[0].settings[1].value, "yes");
	ot_config_free(cfg);

	/* Errors name the file. */
	write_file(path, "[server]\n\nsocket = relative\n");
	assert_int_equal(ot_config_load_file(path, &cfg, err, sizeof(err)), -1);
	assert_null(cfg);
	snprintf(msg, sizeof(msg), "%s:3: key 'socket': must be an absolute path", path);
	assert_string_equal(err, msg);

	path = tmp_path("missing.conf");
	assert_int_equal(ot_config_load_file(path, &cfg, err, sizeof(err)), -1);
	snprintf(msg, sizeof(msg), "%s: cannot read: No such file or directory", path);
	assert_string_equal(err, msg);

	assert_int_equal(ot_config_load_file(tmpdir, &cfg, err, sizeof(err)), -1);
	snprintf(msg, sizeof(msg), "%s: cannot read: Is a directory", tmpdir);
	assert_string_equal(err, msg);

	assert_int_equal(ot_config_load_file("", &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "no configuration file named");
}

static void test_load_large_file(void **state)
{
	struct ot_config *cfg = NULL;
	char *path = tmp_path("big.conf"), msg[600];
	FILE *f;
	int i;

	(void)state;
	/* Exactly at the 16 MiB limit: fine (comments only, no phones). */
	f = fopen(path, "w");
	assert_non_null(f);
	for (i = 0; i < 16 * 1024; i++) {
		char line[1024];

		memset(line, ';', sizeof(line) - 1);
		line[1023] = '\n';
		assert_int_equal(fwrite(line, 1, sizeof(line), f), sizeof(line));
	}
	assert_int_equal(fclose(f), 0);
	assert_int_equal(ot_config_load_file(path, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg->n_phones, 0);
	ot_config_free(cfg);

	/* One byte more is refused. */
	f = fopen(path, "a");
	assert_non_null(f);
	assert_int_equal(fputc('\n', f), '\n');
	assert_int_equal(fclose(f), 0);
	assert_int_equal(ot_config_load_file(path, &cfg, err, sizeof(err)), -1);
	snprintf(msg, sizeof(msg), "%s: file too large (more than 16777216 bytes)", path);
	assert_string_equal(err, msg);
}

static void test_search_env(void **state)
{
	struct ot_config *cfg = NULL;
	char *path = tmp_path("env.conf"), msg[600];

	(void)state;
	/* OPENTAPI_CONFIG wins over XDG_CONFIG_HOME. */
	mkdirs("xdg/opentapi");
	write_file(tmp_path("xdg/opentapi/opentapi.conf"), "[phone \"xdg\"]\nprovider = sim\n");
	setenv("XDG_CONFIG_HOME", tmp_path("xdg"), 1);
	write_file(path, "[phone \"env\"]\nprovider = sim\n");
	setenv("OPENTAPI_CONFIG", path, 1);
	assert_int_equal(ot_config_load(&cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg->path, path);
	assert_string_equal(cfg->phones[0].name, "env");
	ot_config_free(cfg);

	/* A file named by OPENTAPI_CONFIG must exist. */
	path = tmp_path("nope.conf");
	setenv("OPENTAPI_CONFIG", path, 1);
	assert_int_equal(ot_config_load(&cfg, err, sizeof(err)), -1);
	assert_null(cfg);
	snprintf(msg, sizeof(msg), "%s: cannot read: No such file or directory (named by OPENTAPI_CONFIG)",
		 path);
	assert_string_equal(err, msg);

	/* Empty means unset: on to XDG_CONFIG_HOME. */
	setenv("OPENTAPI_CONFIG", "", 1);
	assert_int_equal(ot_config_load(&cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg->path, tmp_path("xdg/opentapi/opentapi.conf"));
	assert_string_equal(cfg->phones[0].name, "xdg");
	ot_config_free(cfg);
	unsetenv("OPENTAPI_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
}

static void test_search_xdg_and_home(void **state)
{
	struct ot_config *cfg = NULL;
	char msg[600];

	(void)state;
	/* Without XDG_CONFIG_HOME, or with a relative one: ~/.config. */
	mkdirs(".config/opentapi");
	write_file(tmp_path(".config/opentapi/opentapi.conf"), "[phone \"home\"]\nprovider = sim\n");
	assert_int_equal(ot_config_load(&cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg->path, tmp_path(".config/opentapi/opentapi.conf"));
	assert_string_equal(cfg->phones[0].name, "home");
	ot_config_free(cfg);
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	assert_int_equal(ot_config_load(&cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg->phones[0].name, "home");
	ot_config_free(cfg);

	/* An error in a file found by the search names that file. */
	write_file(tmp_path(".config/opentapi/opentapi.conf"), "[phone \"home\"]\n");
	assert_int_equal(ot_config_load(&cfg, err, sizeof(err)), -1);
	snprintf(msg, sizeof(msg), "%s:1: section 'phone \"home\"': required key 'provider' is missing",
		 tmp_path(".config/opentapi/opentapi.conf"));
	assert_string_equal(err, msg);

	/* A file that is there but cannot be read is an error, not a reason to go on. */
	mkdirs("xdg2/opentapi/opentapi.conf");
	setenv("XDG_CONFIG_HOME", tmp_path("xdg2"), 1);
	assert_int_equal(ot_config_load(&cfg, err, sizeof(err)), -1);
	assert_null(cfg);
	snprintf(msg, sizeof(msg), "%s: cannot read: Is a directory", tmp_path("xdg2/opentapi/opentapi.conf"));
	assert_string_equal(err, msg);

	if (geteuid() != 0) {
		mkdirs("xdg3/opentapi");
		write_file(tmp_path("xdg3/opentapi/opentapi.conf"), design_example);
		assert_int_equal(chmod(tmp_path("xdg3/opentapi/opentapi.conf"), 0), 0);
		setenv("XDG_CONFIG_HOME", tmp_path("xdg3"), 1);
		assert_int_equal(ot_config_load(&cfg, err, sizeof(err)), -1);
		snprintf(msg, sizeof(msg), "%s: cannot read: Permission denied",
			 tmp_path("xdg3/opentapi/opentapi.conf"));
		assert_string_equal(err, msg);
	}

	/* A config file with no phones is used as it is: no phones, not the default. */
	mkdirs("xdg4/opentapi");
	write_file(tmp_path("xdg4/opentapi/opentapi.conf"), "[server]\nsocket = /x\n");
	setenv("XDG_CONFIG_HOME", tmp_path("xdg4"), 1);
	assert_int_equal(ot_config_load(&cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg->n_phones, 0);
	assert_string_equal(cfg->socket, "/x");
	ot_config_free(cfg);
	unsetenv("XDG_CONFIG_HOME");
}

static void test_search_default(void **state)
{
	struct ot_config *cfg = NULL;

	(void)state;
	if (access("/etc/opentapi/opentapi.conf", F_OK) == 0)
		test_skip_outside("/etc/opentapi/opentapi.conf is installed on this machine: it "
				  "would be found before the built-in default");
	setenv("XDG_CONFIG_HOME", tmp_path("empty"), 1);
	assert_int_equal(ot_config_load(&cfg, err, sizeof(err)), 0);
	assert_null(cfg->path);
	assert_int_equal(cfg->n_phones, 1);
	assert_string_equal(cfg->phones[0].name, OT_DEFAULT_PHONE_NAME);
	ot_config_free(cfg);
	unsetenv("XDG_CONFIG_HOME");
}

static void test_default(void **state)
{
	struct ot_config *cfg = NULL;

	(void)state;
	assert_int_equal(ot_config_default(&cfg), 0);
	assert_null(cfg->path);
	assert_null(cfg->socket);
	assert_null(cfg->state_dir);
	assert_int_equal(cfg->requests_per_app, OT_DEFAULT_REQUESTS_PER_APP);
	assert_int_equal(cfg->events_per_client, OT_DEFAULT_EVENTS_PER_CLIENT);
	assert_int_equal(cfg->n_phones, 1);
	assert_string_equal(cfg->phones[0].name, "OpenTAPI Simulated Phone");
	assert_string_equal(cfg->phones[0].provider, "sim");
	assert_int_equal(cfg->phones[0].line, 0);
	assert_int_equal(cfg->phones[0].n_settings, 0);
	assert_null(cfg->phones[0].settings);
	ot_config_free(cfg);
}

static void expect_state_dir(const struct ot_config *cfg, const char *want)
{
	char *d = ot_config_state_dir(cfg);

	assert_non_null(d);
	assert_string_equal(d, want);
	ot_free(d);
}

static void test_state_dir(void **state)
{
	struct ot_config *cfg = parse_ok("[server]\nstate_dir = /srv/ot\n");
	char want[600];

	(void)state;
	setenv("OPENTAPI_STATE_DIR", "/env/state", 1);
	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	setenv("HOME", "/home/u", 1);
	expect_state_dir(cfg, "/srv/ot");
	ot_config_free(cfg);
	cfg = parse_ok("[server]\n");
	expect_state_dir(cfg, "/env/state");
	expect_state_dir(NULL, "/env/state");
	setenv("OPENTAPI_STATE_DIR", "", 1);
	expect_state_dir(cfg, "/xdg/state/opentapi");
	unsetenv("OPENTAPI_STATE_DIR");
	expect_state_dir(cfg, "/xdg/state/opentapi");
	setenv("XDG_STATE_HOME", "relative", 1);
	expect_state_dir(cfg, "/home/u/.local/state/opentapi");
	unsetenv("XDG_STATE_HOME");
	expect_state_dir(cfg, "/home/u/.local/state/opentapi");
	setenv("HOME", tmpdir, 1);
	snprintf(want, sizeof(want), "%s/.local/state/opentapi", tmpdir);
	expect_state_dir(cfg, want);
	ot_config_free(cfg);
}

/* ---- allocation failure ---- */

static void sweep_parse(const char *text)
{
	long start = ot_alloc_live();
	struct ot_config *cfg;
	long n;
	int rc = -1;

	for (n = 0; n < 10000; n++) {
		cfg = (struct ot_config *)1;
		err[0] = '\0';
		ot_alloc_fail_after(n);
		rc = ot_config_parse(text, strlen(text), "t.conf", &cfg, err, sizeof(err));
		ot_alloc_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, -1);
		assert_null(cfg);
		assert_string_equal(err, "t.conf: out of memory");
		assert_int_equal(ot_alloc_live(), start);
	}
	assert_int_equal(rc, 0);
	assert_true(n > 0);
	ot_config_free(cfg);
	assert_int_equal(ot_alloc_live(), start);
}

static void test_alloc_parse(void **state)
{
	(void)state;
	sweep_parse(design_example);
	sweep_parse(big_example);
}

static void test_alloc_load(void **state)
{
	long start = ot_alloc_live(), n;
	struct ot_config *cfg;
	char *path = tmp_path("oom.conf");
	int rc = -1;

	(void)state;
	write_file(path, design_example);
	setenv("OPENTAPI_CONFIG", path, 1);
	for (n = 0; n < 10000; n++) {
		cfg = NULL;
		ot_alloc_fail_after(n);
		rc = ot_config_load(&cfg, err, sizeof(err));
		ot_alloc_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, -1);
		assert_null(cfg);
		assert_non_null(strstr(err, "out of memory"));
		assert_int_equal(ot_alloc_live(), start);
	}
	assert_int_equal(rc, 0);
	assert_true(n > 1);
	assert_string_equal(cfg->phones[0].name, "Front desk");
	ot_config_free(cfg);
	unsetenv("OPENTAPI_CONFIG");

	/* Through the search order to the built-in default. */
	if (access("/etc/opentapi/opentapi.conf", F_OK) != 0) {
		setenv("XDG_CONFIG_HOME", tmp_path("empty"), 1);
		for (n = 0; n < 10000; n++) {
			cfg = NULL;
			ot_alloc_fail_after(n);
			rc = ot_config_load(&cfg, err, sizeof(err));
			ot_alloc_fail_after(-1);
			if (rc == 0)
				break;
			assert_null(cfg);
			assert_non_null(strstr(err, "out of memory"));
			assert_int_equal(ot_alloc_live(), start);
		}
		assert_int_equal(rc, 0);
		assert_true(n > 1);
		assert_null(cfg->path);
		ot_config_free(cfg);
		unsetenv("XDG_CONFIG_HOME");
	}
	assert_int_equal(ot_alloc_live(), start);
}

static void test_alloc_default_and_state_dir(void **state)
{
	long start = ot_alloc_live(), n;
	struct ot_config *cfg;
	char *d;

	(void)state;
	for (n = 0; n < 100; n++) {
		cfg = (struct ot_config *)1;
		ot_alloc_fail_after(n);
		if (ot_config_default(&cfg) == 0) {
			ot_alloc_fail_after(-1);
			break;
		}
		ot_alloc_fail_after(-1);
		assert_null(cfg);
		assert_int_equal(ot_alloc_live(), start);
	}
	assert_int_equal(n, 4); /* config, phones, name, provider */
	ot_config_free(cfg);

	setenv("XDG_STATE_HOME", "/x", 1);
	ot_alloc_fail_after(0);
	d = ot_config_state_dir(NULL);
	ot_alloc_fail_after(-1);
	assert_null(d);
	unsetenv("XDG_STATE_HOME");
	assert_int_equal(ot_alloc_live(), start);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_design_example),
		cmocka_unit_test(test_phones_in_order),
		cmocka_unit_test(test_no_phones),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_inline_comments),
		cmocka_unit_test(test_whitespace_and_line_endings),
		cmocka_unit_test(test_phone_names),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_errors_sections),
		cmocka_unit_test(test_errors_quoting),
		cmocka_unit_test(test_errors_syntax),
		cmocka_unit_test(test_errors_server),
		cmocka_unit_test(test_errors_limits),
		cmocka_unit_test(test_errors_phone),
		cmocka_unit_test(test_error_buffer),
		cmocka_unit_test_setup_teardown(test_load_file, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_load_large_file, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_search_env, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_search_xdg_and_home, setup_tmp, teardown_tmp),
		cmocka_unit_test_setup_teardown(test_search_default, setup_tmp, teardown_tmp),
		cmocka_unit_test(test_default),
		cmocka_unit_test_setup_teardown(test_state_dir, setup_tmp, teardown_tmp),
		cmocka_unit_test(test_alloc_parse),
		cmocka_unit_test_setup_teardown(test_alloc_load, setup_tmp, teardown_tmp),
		cmocka_unit_test(test_alloc_default_and_state_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
