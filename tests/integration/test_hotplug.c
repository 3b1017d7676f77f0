/* SPDX-License-Identifier: MIT */
/* test_hotplug.c — phones a provider finds by itself while it runs (a device plugged in) and
 * loses (unplugged), through the public API: the provider kit's otsp_phone_create and
 * otsp_phone_remove (the parts test provider's "plug NAME" and "unplug" commands), the engine's
 * PHONE_CREATE path, and what applications see: PHONE_CREATE with the new device ID, a phone
 * that works like a configured one, PHONE_REMOVE, and an ID never given again. Run embedded,
 * through a private tapisrv and on demand, like the other API suites. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define PARTS 0

static const char config[] = "[phone \"Parts\"]\n"
			     "provider = partsprov\n";

/* Waits for PHONE_CREATE; returns the new device ID. */
static DWORD created(HPHONEAPP app)
{
	PHONEMESSAGE m;

	if (h_try_wait_message(app, PHONE_CREATE, 0, 0, &m, H_REPLY_TIMEOUT) != 0)
		fail_msg("no PHONE_CREATE");
	return (DWORD)m.dwParam1;
}

/* The phone's name from PHONECAPS. */
static void expect_name(HPHONEAPP app, DWORD dev, const char *name)
{
	char buf[4096] = { 0 };
	PHONECAPS *c = (PHONECAPS *)buf;
	DWORD version;
	PHONEEXTENSIONID ext;

	c->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneNegotiateAPIVersion(app, dev, 0x00010003, 0x00020002, &version, &ext),
			 0);
	assert_int_equal(phoneGetDevCaps(app, dev, version, 0, c), 0);
	assert_true(c->dwPhoneNameSize > 0);
	assert_string_equal(buf + c->dwPhoneNameOffset, name);
}

static void test_plug_and_unplug(void **state)
{
	HPHONEAPP app, late;
	HPHONE parts, plugged;
	DWORD dev, n = 0, mode = 0;
	PHONEMESSAGE m;

	(void)state;
	assert_int_equal(h_try_init_event(&app, "hotplug", &n, NULL), 0);
	assert_int_equal(n, 1);
	parts = h_open(app, PARTS, PHONEPRIVILEGE_OWNER, 0);

	/* Plugged in: every application hears of it, with the next device ID. */
	h_command(app, parts, "plug Desk headset");
	dev = created(app);
	assert_int_equal(dev, 1);
	expect_name(app, dev, "Desk headset");

	/* It works like a configured phone. */
	plugged = h_open(app, dev, PHONEPRIVILEGE_OWNER, 0);
	assert_int_equal(h_try_wait_reply(app, phoneSetLamp(plugged, 13, PHONELAMPMODE_STEADY),
					  H_REPLY_TIMEOUT),
			 0);
	assert_int_equal(phoneGetLamp(plugged, 13, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_STEADY);
	assert_int_equal(phoneGetLamp(parts, 13, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_OFF); /* a phone of its own */

	/* An application that starts now counts it. */
	assert_int_equal(h_try_init_event(&late, "late", &n, NULL), 0);
	assert_int_equal(n, 2);
	h_shutdown(late);

	/* Unplugged: PHONE_REMOVE, its handles closed, its ID gone for good. */
	h_command(app, plugged, "unplug");
	if (h_try_wait_message(app, PHONE_REMOVE, 0, 0, &m, H_REPLY_TIMEOUT) != 0)
		fail_msg("no PHONE_REMOVE");
	assert_int_equal(m.dwParam1, dev);
	assert_int_equal(phoneGetLamp(plugged, 13, &mode), (LONG)PHONEERR_INVALPHONEHANDLE);
	{
		DWORD version;
		PHONEEXTENSIONID ext;

		assert_int_equal(phoneNegotiateAPIVersion(app, dev, 0x00010003, 0x00020002, &version,
							  &ext),
				 (LONG)PHONEERR_NODEVICE);
	}

	/* Plugged in again: a new phone with a new ID (TAPI never reuses one). */
	h_command(app, parts, "plug Desk headset");
	assert_int_equal(created(app), 2);
	expect_name(app, 2, "Desk headset");
	h_shutdown(app);
}

int main(void)
{
#define T(fn) cmocka_unit_test_prestate_setup_teardown(fn, h_setup, h_teardown, (void *)config)
	const struct CMUnitTest tests[] = {
		T(test_plug_and_unplug),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
