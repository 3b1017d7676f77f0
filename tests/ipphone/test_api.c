/* SPDX-License-Identifier: MIT */
/* test_api.c — the ipphone provider end to end through the public API, as an application uses
 * it: libopentapi → engine (embedded, or a private tapisrv per test when OPENTAPI_TEST_TAPISRV is
 * set) → ipphone.so → an emulated phone on 127.0.0.1 (emu.c) started by each test.
 *
 * The configuration files are written with mode 0600 (umask 077): they hold passwords, and the
 * provider refuses a file every user may read. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "emu.h"
#include "harness.h"

static struct emu *E;
static char config[2048];

/* [provider] settings short enough for a quick suite. */
#define PROVIDER_SECTION                                                                           \
	"[provider \"ipphone\"]\n"                                                                 \
	"timeout_ms = 700\n"                                                                       \
	"failures_before_disconnected = 2\n\n"

static int start_polycom(void **state, const char *password)
{
	E = emu_start(EMU_POLYCOM, "Push", "s3cret", 0, 1);
	if (!E)
		return -1;
	snprintf(config, sizeof(config),
		 PROVIDER_SECTION "[phone \"Front desk\"]\n"
				  "provider = ipphone\n"
				  "vendor = polycom\n"
				  "address = 127.0.0.1:%u\n"
				  "user = Push\n"
				  "password = %s\n"
				  "priority = important\n",
		 emu_port(E), password);
	*state = config;
	return h_setup(state);
}

static int setup_right(void **state)
{
	return start_polycom(state, "s3cret");
}

static int setup_wrong(void **state)
{
	return start_polycom(state, "guess");
}

static unsigned gone_port;

/* A TCP port on 127.0.0.1 where nothing listens (bound and closed again). */
static unsigned closed_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port = 0;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* A Cisco phone where nothing listens (yet). */
static int setup_gone(void **state)
{
	E = NULL;
	gone_port = closed_port();
	snprintf(config, sizeof(config),
		 PROVIDER_SECTION "[phone \"Gone\"]\n"
				  "provider = ipphone\n"
				  "vendor = cisco\n"
				  "address = 127.0.0.1:%u\n"
				  "user = app\n"
				  "password = pw\n",
		 gone_port);
	*state = config;
	return h_setup(state);
}

static int teardown(void **state)
{
	int r = h_teardown(state);

	emu_stop(E);
	E = NULL;
	return r;
}

/* phoneSetData → PHONE_REPLY 0, and the phone got exactly the documented request. */
static void test_push_reaches_phone(void **state)
{
	HPHONEAPP app = h_init_event("ipphone-e2e");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	static const char text[] = "<h1>Fire drill</h1>at 2 pm";
	const struct emu_request *r;
	PHONECAPS *caps;
	char buf[4];

	(void)state;
	caps = h_get_caps(app, 0, H_API_VERSION);
	assert_int_equal(caps->dwNumSetData, 5);
	assert_int_equal(caps->dwNumGetData, 0);
	assert_string_equal((const char *)caps + caps->dwPhoneNameOffset, "Front desk");
	free(caps);

	h_set_data(app, phone, 0, text, sizeof(text));
	assert_int_equal(emu_count(E), 1);
	r = emu_request(E, 0);
	assert_string_equal(r->verdict, "");
	assert_string_equal(r->path, "/push");
	assert_string_equal(r->ctype, "application/xhtml+xml");
	assert_string_equal(r->user, "Push");
	assert_string_equal(r->doc, "<PolycomIPPhone><Data priority=\"Important\">"
				    "<h1>Fire drill</h1>at 2 pm</Data></PolycomIPPhone>");

	/* A URL push, then the upload side, which these phones do not have. */
	h_set_data(app, phone, 1, "/apps/menu.xhtml", 16);
	assert_string_equal(emu_request(E, 1)->doc,
			    "<PolycomIPPhone><URL priority=\"Important\">/apps/menu.xhtml</URL>"
			    "</PolycomIPPhone>");
	assert_int_equal(phoneGetData(phone, 0, buf, sizeof(buf)), (LONG)PHONEERR_OPERATIONUNAVAIL);
	/* The engine checks the area size the provider published. */
	{
		static char big[1981];

		memset(big, 'x', sizeof(big));
		assert_int_equal(phoneSetData(phone, 0, big, sizeof(big)), (LONG)PHONEERR_INVALPARAM);
	}
	h_shutdown(app);
}

/* Wrong password: PHONE_REPLY PHONEERR_OPERATIONFAILED; the phone saw no accepted request. */
static void test_wrong_password(void **state)
{
	HPHONEAPP app = h_init_event("ipphone-e2e");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	PHONESTATUS *st;

	(void)state;
	assert_int_equal(h_try_set_data_wait(app, phone, 0, "hello", 5), (LONG)PHONEERR_OPERATIONFAILED);
	assert_int_equal(emu_count(E), 0);
	assert_true(emu_challenges(E) >= 1);
	/* It answered (401), so it is connected. */
	st = h_get_status(phone);
	assert_true(st->dwStatusFlags & PHONESTATUSFLAGS_CONNECTED);
	free(st);
	h_shutdown(app);
}

/* Unreachable: each push fails within the timeout; after 2 in a row PHONE_STATE DISCONNECTED;
 * when the phone is back, the next push works and PHONE_STATE CONNECTED follows. */
static void test_unreachable(void **state)
{
	HPHONEAPP app = h_init_event("ipphone-e2e");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	PHONEMESSAGE m;
	PHONESTATUS *st;
	int i;

	(void)state;
	assert_int_equal(phoneSetStatusMessages(phone, PHONESTATE_CONNECTED |
							       PHONESTATE_DISCONNECTED, 0, 0),
			 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(h_try_set_data_wait(app, phone, 0, "Key:Headset", 11),
				 (LONG)PHONEERR_OPERATIONFAILED);
	assert_int_equal(h_try_wait_message(app, PHONE_STATE, (DWORD)phone, PHONESTATE_DISCONNECTED,
					    &m, H_REPLY_TIMEOUT),
			 0);
	st = h_get_status(phone);
	assert_false(st->dwStatusFlags & PHONESTATUSFLAGS_CONNECTED);
	free(st);

	E = emu_start(EMU_CISCO, "app", "pw", gone_port, 1);
	assert_non_null(E);
	h_set_data(app, phone, 0, "Key:Headset", 11);
	assert_int_equal(h_try_wait_message(app, PHONE_STATE, (DWORD)phone, PHONESTATE_CONNECTED, &m,
					    H_REPLY_TIMEOUT),
			 0);
	assert_string_equal(emu_request(E, 0)->doc,
			    "<CiscoIPPhoneExecute><ExecuteItem Priority=\"0\" URL=\"Key:Headset\"/>"
			    "</CiscoIPPhoneExecute>");
	st = h_get_status(phone);
	assert_true(st->dwStatusFlags & PHONESTATUSFLAGS_CONNECTED);
	free(st);
	h_shutdown(app);
}

/* A phone that takes too long: the reply is an error (the phone would have answered success
 * after 30 s), and not before the configured timeout of 700 ms. */
static void test_slow_phone(void **state)
{
	HPHONEAPP app = h_init_event("ipphone-e2e");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	uint64_t t0;

	(void)state;
	emu_set_mode(E, EMU_SLOW, 30000);
	t0 = h_now_ms();
	assert_int_equal(h_try_set_data_wait(app, phone, 0, "late", 4), (LONG)PHONEERR_OPERATIONFAILED);
	assert_true(h_now_ms() - t0 >= 650);
	h_shutdown(app);
}

/* A configuration with passwords that every user may read is refused (embedded: the app sees
 * PHONEERR_INIFILECORRUPT; a tapisrv with it would not start at all). */
static void test_world_readable_config(void **state)
{
	HPHONEAPP app;
	DWORD n = 0;

	(void)state;
	assert_false(h_server_mode());
	assert_int_equal(chmod(getenv("OPENTAPI_CONFIG"), 0644), 0);
	assert_int_equal(h_try_init_event(&app, "ipphone-e2e", &n, NULL), (LONG)PHONEERR_INIFILECORRUPT);
	assert_int_equal(chmod(getenv("OPENTAPI_CONFIG"), 0600), 0);
	app = h_init_event("ipphone-e2e");
	h_shutdown(app);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_push_reaches_phone, setup_right, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_password, setup_wrong, teardown),
		cmocka_unit_test_setup_teardown(test_unreachable, setup_gone, teardown),
		cmocka_unit_test_setup_teardown(test_slow_phone, setup_right, teardown),
		/* Embedded only: a tapisrv with that configuration would not start at all. */
		cmocka_unit_test_setup_teardown(test_world_readable_config, setup_right, teardown),
	};
	const size_t n = sizeof(tests) / sizeof(tests[0]);

	/* Configuration files hold passwords: private, as the provider demands. */
	umask(077);
	return _cmocka_run_group_tests("ipphone_api", tests, h_server_mode() ? n - 1 : n, NULL,
				       NULL);
}
