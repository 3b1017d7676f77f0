/* SPDX-License-Identifier: MIT */
/* test_errors.c — every error phoneSetData can give, each on its own, and that a refused request
 * changes nothing. (PHONEERR_NOMEM needs an injected allocator: the unit tests cover it. The
 * storage failure is in test_durability.c.) */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static const char config_a[] = H_PHONE_A_DURABLE;

static const char config_no_areas[] = "[phone \"A\"]\n"
				      "provider = sim\n"
				      "data_areas = 256\n"
				      "durable = no\n"
				      "[phone \"Bare\"]\n"
				      "provider = sim\n"
				      "data_areas =\n"
				      "durable = no\n";

static const char config_testprov[] = "[phone \"NoSetData\"]\n"
				      "provider = testprov\n"
				      "data_areas = 16\n";

static const char config_limit4[] = "[limits]\n"
				    "requests_per_app = 4\n" H_PHONE_A_DURABLE;

/* Any handle, before any app exists in the process. */
static void test_uninitialized_before_init(void **state)
{
	char byte = 1;

	(void)state;
	assert_int_equal(phoneSetData(0, 0, &byte, 1), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneSetData(1, 0, &byte, 1), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneSetData(0x12345678, 3, NULL, 0), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetData(1, 0, &byte, 1), (LONG)PHONEERR_UNINITIALIZED);
}

/* After the last phoneShutdown of the process: UNINITIALIZED again, even for a handle that was
 * valid. While another app lives, the old handle is merely invalid. */
static void test_uninitialized_after_last_shutdown(void **state)
{
	HPHONEAPP app1 = h_init_event("first");
	HPHONEAPP app2 = h_init_event("second");
	HPHONE phone = h_open(app1, 0, PHONEPRIVILEGE_OWNER, 0);
	char byte = 1;

	(void)state;
	h_set_data(app1, phone, 0, &byte, 1);
	h_shutdown(app1);
	assert_int_equal(phoneSetData(phone, 0, &byte, 1), (LONG)PHONEERR_INVALPHONEHANDLE);
	h_shutdown(app2);
	assert_int_equal(phoneSetData(phone, 0, &byte, 1), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneSetData(1, 0, &byte, 1), (LONG)PHONEERR_UNINITIALIZED);
}

/* Unknown and closed handles. */
static void test_invalid_phone_handle(void **state)
{
	HPHONEAPP app = h_init_event("handles");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0), again;
	char byte = 1;

	(void)state;
	assert_int_equal(phoneSetData(0, 0, &byte, 1), (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneSetData(0xFFFFFFFFu, 0, &byte, 1), (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneSetData(0x12345678u, 0, &byte, 1), (LONG)PHONEERR_INVALPHONEHANDLE);

	assert_int_equal(phoneClose(phone), 0);
	assert_int_equal(phoneSetData(phone, 0, &byte, 1), (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneClose(phone), (LONG)PHONEERR_INVALPHONEHANDLE);
	/* A new handle (which may reuse the slot) does not revive the old one. */
	again = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	assert_int_not_equal(again, phone);
	assert_int_equal(phoneSetData(phone, 0, &byte, 1), (LONG)PHONEERR_INVALPHONEHANDLE);
	h_set_data(app, again, 0, &byte, 1);
	h_assert_quiet(app, H_QUIET_MS);
	h_shutdown(app);
}

/* A monitor may not write. */
static void test_not_owner(void **state)
{
	HPHONEAPP app = h_init_event("monitor");
	HPHONE mon = h_open(app, 0, PHONEPRIVILEGE_MONITOR, 0);
	char data[8] = "monitor";

	(void)state;
	assert_int_equal(phoneSetData(mon, 0, data, sizeof(data)), (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetData(mon, 0, NULL, 0), (LONG)PHONEERR_NOTOWNER);
	h_assert_quiet(app, H_QUIET_MS);
	h_shutdown(app);
}

/* Data IDs are 0 .. dwNumSetData - 1: dwNumSetData itself is refused (the JulMar off-by-one). */
static void test_invalid_data_id(void **state)
{
	HPHONEAPP app = h_init_event("dataid");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	PHONECAPS *caps = h_get_caps(app, 0, H_API_VERSION);
	DWORD n = caps->dwNumSetData;
	char data[8] = "data id";

	(void)state;
	free(caps);
	assert_int_equal(n, 4);
	assert_int_equal(phoneSetData(phone, n, data, sizeof(data)), (LONG)PHONEERR_INVALDATAID);
	assert_int_equal(phoneSetData(phone, n + 1, data, sizeof(data)), (LONG)PHONEERR_INVALDATAID);
	assert_int_equal(phoneSetData(phone, 0xFFFFFFFFu, data, sizeof(data)),
			 (LONG)PHONEERR_INVALDATAID);
	assert_int_equal(phoneGetData(phone, n, data, sizeof(data)), (LONG)PHONEERR_INVALDATAID);
	/* The last valid ID works. */
	h_set_data(app, phone, n - 1, data, sizeof(data));
	h_assert_quiet(app, H_QUIET_MS);
	h_shutdown(app);
}

static void test_null_data(void **state)
{
	HPHONEAPP app = h_init_event("pointer");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);

	(void)state;
	assert_int_equal(phoneSetData(phone, 0, NULL, 1), (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(phoneSetData(phone, 1, NULL, 4096), (LONG)PHONEERR_INVALPOINTER);
	h_assert_quiet(app, H_QUIET_MS);
	h_shutdown(app);
}

/* dwSize larger than the area: INVALPARAM, and nothing is written. */
static void test_size_too_big(void **state)
{
	HPHONEAPP app = h_init_event("size");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	static char old[4097], big[4097], back[4097];

	(void)state;
	memset(old, 'o', sizeof(old));
	memset(big, 'X', sizeof(big));
	h_set_data(app, phone, 0, old, 256);
	h_set_data(app, phone, 1, old, 4096);

	assert_int_equal(phoneSetData(phone, 0, big, 257), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(phoneSetData(phone, 1, big, 4097), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(phoneSetData(phone, 0, big, 0xFFFFFFFFu), (LONG)PHONEERR_INVALPARAM);
	h_assert_quiet(app, H_QUIET_MS);

	assert_int_equal(phoneGetData(phone, 0, back, 256), 0);
	assert_memory_equal(back, old, 256);
	assert_int_equal(phoneGetData(phone, 1, back, 4096), 0);
	assert_memory_equal(back, old, 4096);
	h_shutdown(app);
}

/* A sim phone configured without data areas: no SETDATA in its caps, OPERATIONUNAVAIL. */
static void test_no_data_areas(void **state)
{
	DWORD devs = 0;
	HPHONEAPP app;
	HPHONE phone;
	PHONECAPS *caps;
	char data[4] = "x";

	(void)state;
	assert_int_equal(h_try_init_event(&app, "bare", &devs, NULL), 0);
	assert_int_equal(devs, 2);
	caps = h_get_caps(app, 1, H_API_VERSION);
	assert_int_equal(caps->dwNumSetData, 0);
	assert_int_equal(caps->dwNumGetData, 0);
	assert_int_equal(caps->dwPhoneFeatures & PHONEFEATURE_SETDATA, 0);
	assert_int_equal(caps->dwPhoneFeatures & PHONEFEATURE_GETDATA, 0);
	free(caps);
	/* The other phone of the same provider still has its area. */
	caps = h_get_caps(app, 0, H_API_VERSION);
	assert_int_equal(caps->dwNumSetData, 1);
	assert_int_not_equal(caps->dwPhoneFeatures & PHONEFEATURE_SETDATA, 0);
	free(caps);

	phone = h_open(app, 1, PHONEPRIVILEGE_OWNER, 0);
	assert_int_equal(phoneSetData(phone, 0, data, sizeof(data)), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneSetData(phone, 0, NULL, 0), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneGetData(phone, 0, data, sizeof(data)), (LONG)PHONEERR_OPERATIONUNAVAIL);
	h_assert_quiet(app, H_QUIET_MS);
	h_shutdown(app);
}

/* A provider that publishes an area but exports no TSPI_phoneSetData. */
static void test_provider_without_set_data(void **state)
{
	HPHONEAPP app;
	HPHONE phone;
	char data[16] = "no setdata";

	(void)state;
	assert_int_equal(h_try_init_event(&app, "testprov", NULL, NULL), 0);
	phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	assert_int_equal(phoneSetData(phone, 0, data, sizeof(data)), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneSetData(phone, 0, data, 1), (LONG)PHONEERR_OPERATIONUNAVAIL);
	h_assert_quiet(app, H_QUIET_MS);
	h_shutdown(app);
}

/* PHONEERR_INVALPHONESTATE while the phone is in state `bad` (entered with command `enter`),
 * and writes work again after `leave`. Both transitions are announced by PHONE_STATE to the
 * handle that enabled them. */
static void check_state_pair(const char *enter, DWORD enter_state, const char *leave,
			     DWORD leave_state)
{
	HPHONEAPP app = h_init_event("states");
	HPHONEAPP deaf = h_init_event("not listening");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0x51);
	char data[64], back[64];
	PHONEMESSAGE m;
	LONG rc;

	memset(data, 'g', sizeof(data));
	/* A monitor that enabled other states only hears nothing of this. */
	assert_int_equal(phoneSetStatusMessages(h_open(deaf, 0, PHONEPRIVILEGE_MONITOR, 0),
						PHONESTATE_OWNER, 0, 0),
			 0);
	assert_int_equal(phoneSetStatusMessages(phone, enter_state | leave_state, 0, 0), 0);
	h_set_data(app, phone, 0, data, sizeof(data));

	h_command(app, phone, enter);
	assert_int_equal(
		h_try_wait_message(app, PHONE_STATE, phone, enter_state, &m, H_REPLY_TIMEOUT), 0);
	assert_int_equal(m.dwCallbackInstance, 0x51);

	memset(data, 'b', sizeof(data));
	/* Either refused at once or replied with the error: both are TAPI. */
	rc = h_try_set_data_wait(app, phone, 0, data, sizeof(data));
	if (rc != (LONG)PHONEERR_INVALPHONESTATE)
		fail_msg("phoneSetData after '%s' gave 0x%08X, expected INVALPHONESTATE", enter,
			 (unsigned)rc);

	h_command(app, phone, leave);
	assert_int_equal(
		h_try_wait_message(app, PHONE_STATE, phone, leave_state, &m, H_REPLY_TIMEOUT), 0);
	h_set_data(app, phone, 0, data, sizeof(data));
	assert_int_equal(phoneGetData(phone, 0, back, sizeof(back)), 0);
	assert_memory_equal(back, data, sizeof(data));
	h_assert_quiet(app, H_QUIET_MS);
	h_assert_quiet(deaf, 0);
	h_shutdown(deaf);
	h_shutdown(app);
}

static void test_suspend_resume(void **state)
{
	(void)state;
	check_state_pair("suspend", PHONESTATE_SUSPEND, "resume", PHONESTATE_RESUME);
}

static void test_disconnect_connect(void **state)
{
	(void)state;
	check_state_pair("disconnect", PHONESTATE_DISCONNECTED, "connect", PHONESTATE_CONNECTED);
}

/* [limits] requests_per_app = 4: the fifth outstanding request is refused with RESOURCEUNAVAIL;
 * once the four complete, requests are accepted again. */
static void test_requests_per_app(void **state)
{
	HPHONEAPP app = h_init_event("limited");
	HPHONEAPP helper = h_init_event("helper");
	HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0x44);
	HPHONE mon = h_open(helper, 0, PHONEPRIVILEGE_MONITOR, 0);
	char data[4][16], back[16];
	const char hold[] = "hold-replies";
	LONG ids[4], id;
	int i;

	(void)state;
	h_command(app, phone, "hold-replies");
	for (i = 0; i < 4; i++) {
		memset(data[i], '0' + i, sizeof(data[i]));
		ids[i] = phoneSetData(phone, 0, data[i], sizeof(data[i]));
		if (ids[i] <= 0)
			fail_msg("request %d of 4 refused: 0x%08X", i + 1, (unsigned)ids[i]);
	}
	assert_int_equal(phoneSetData(phone, 0, data[0], sizeof(data[0])),
			 (LONG)PHONEERR_RESOURCEUNAVAIL);
	/* The limit counts every asynchronous request of the app, phoneDevSpecific too. */
	assert_int_equal(phoneDevSpecific(phone, (LPVOID)hold, sizeof(hold)),
			 (LONG)PHONEERR_RESOURCEUNAVAIL);
	/* The refused requests produce no reply, and the held ones none yet. */
	h_assert_quiet(app, H_QUIET_MS);

	/* Another app has its own budget: it releases the held writes. */
	h_command(helper, mon, "release-replies");
	for (i = 0; i < 4; i++) {
		PHONEMESSAGE m;

		assert_int_equal(phoneGetMessage(app, &m, H_REPLY_TIMEOUT), 0);
		assert_int_equal(m.dwMessageID, PHONE_REPLY);
		assert_int_equal(m.dwParam1, (DWORD_PTR)ids[i]);
		assert_int_equal(m.dwParam2, 0);
		assert_int_equal(m.dwCallbackInstance, 0x44);
	}
	assert_int_equal(phoneGetData(phone, 0, back, sizeof(back)), 0);
	assert_memory_equal(back, data[3], sizeof(back));

	id = phoneSetData(phone, 0, data[1], sizeof(data[1]));
	assert_true(id > 0);
	assert_int_equal(h_try_wait_reply(app, id, H_REPLY_TIMEOUT), 0);
	h_assert_quiet(app, H_QUIET_MS);
	h_assert_quiet(helper, H_QUIET_MS);
	h_shutdown(helper);
	h_shutdown(app);
}

/* The checks that decide an answer come in the engine's order in every mode: the handle, the
 * privilege and the data ID before the pointer. Through tapisrv the library once answered
 * INVALPOINTER first, because it checked the pointer before sending anything. */
static void test_pointer_checked_last(void **state)
{
	HPHONEAPP app = h_init_event("order");
	HPHONE mon = h_open(app, 0, PHONEPRIVILEGE_MONITOR, 0);
	HPHONE owner = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);

	(void)state;
	assert_int_equal(phoneGetData(0x12345678u, 0, NULL, 10), (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneGetData(mon, 99, NULL, 10), (LONG)PHONEERR_INVALDATAID);
	assert_int_equal(phoneGetData(mon, 0, NULL, 10), (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetData(mon, 0, NULL, 0), 0);
	assert_int_equal(phoneSetData(0x12345678u, 0, NULL, 10), (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneSetData(mon, 0, NULL, 10), (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetData(owner, 99, NULL, 10), (LONG)PHONEERR_INVALDATAID);
	assert_int_equal(phoneSetData(owner, 0, NULL, 257), (LONG)PHONEERR_INVALPARAM);
	h_assert_quiet(app, H_QUIET_MS);
	h_shutdown(app);
}

/* phoneDevSpecific's limit of 64 KiB holds in every mode, checked after the pointer and before
 * the handle (a client of tapisrv must read the block to send it). It once held only through
 * tapisrv. */
static void test_dev_specific_limit(void **state)
{
	static char block[65537];
	HPHONEAPP app = h_init_event("devspecific");
	HPHONE mon = h_open(app, 0, PHONEPRIVILEGE_MONITOR, 0);

	(void)state;
	assert_int_equal(phoneDevSpecific(mon, block, sizeof(block)),
			 (LONG)PHONEERR_RESOURCEUNAVAIL);
	assert_int_equal(phoneDevSpecific(0x12345678u, block, sizeof(block)),
			 (LONG)PHONEERR_RESOURCEUNAVAIL);
	assert_int_equal(phoneDevSpecific(0x12345678u, NULL, sizeof(block)),
			 (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(phoneDevSpecific(0x12345678u, block, 1), (LONG)PHONEERR_INVALPHONEHANDLE);
	h_assert_quiet(app, H_QUIET_MS);
	h_shutdown(app);
}

#define T(f, cfg) cmocka_unit_test_prestate_setup_teardown(f, h_setup, h_teardown, (void *)(cfg))

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_uninitialized_before_init, config_a),
		T(test_uninitialized_after_last_shutdown, config_a),
		T(test_invalid_phone_handle, config_a),
		T(test_not_owner, config_a),
		T(test_invalid_data_id, config_a),
		T(test_null_data, config_a),
		T(test_size_too_big, config_a),
		T(test_pointer_checked_last, config_a),
		T(test_dev_specific_limit, config_a),
		T(test_no_data_areas, config_no_areas),
		T(test_provider_without_set_data, config_testprov),
		T(test_suspend_resume, config_a),
		T(test_disconnect_connect, config_a),
		T(test_requests_per_app, config_limit4),
	};

	return cmocka_run_group_tests_name("api_errors", tests, NULL, NULL);
}
