/* SPDX-License-Identifier: MIT */
/* test_device_sim.c — the DESIGN default phone (the built-in configuration: the sim provider's
 * "OpenTAPI Simulated Phone") driven through every function of its parts, as an application
 * sees it: a 2 x 40 display, keypad buttons 0-11 plus feature buttons with lamps, handset,
 * speaker and headset with volume and gain, 4 ring modes; the dev-specific commands that press
 * buttons and lift handsets; and what it answers for identification. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static PHONECAPS *caps_of(HPHONEAPP app)
{
	return h_get_caps(app, 0, H_API_VERSION);
}

static DWORD caps_dword(const PHONECAPS *caps, DWORD offset, DWORD i)
{
	DWORD v;

	memcpy(&v, (const char *)caps + offset + 4 * i, sizeof(v));
	return v;
}

/* The first button/lamp ID whose lamp can be set, or -1. */
static int a_lamp(const PHONECAPS *caps)
{
	DWORD i;

	for (i = 0; i < caps->dwNumButtonLamps && 4 * i < caps->dwLampModesSize; i++)
		if (caps_dword(caps, caps->dwLampModesOffset, i) & PHONELAMPMODE_STEADY)
			return (int)i;
	return -1;
}

/* Opens the app and reads the default phone's caps, which must have its parts (a display). */
static HPHONEAPP app_with_parts(const char *name, PHONECAPS **caps)
{
	HPHONEAPP app = h_init_event(name);

	*caps = caps_of(app);
	assert_int_equal((*caps)->dwDisplayNumRows, 2);
	assert_int_equal((*caps)->dwDisplayNumColumns, 40);
	return app;
}

static void ok(HPHONEAPP app, LONG id)
{
	if (id <= 0)
		fail_msg("request refused: 0x%08X", (unsigned)id);
	assert_int_equal(h_try_wait_reply(app, id, H_REPLY_TIMEOUT), 0);
}

static DWORD_PTR state_msg(HPHONEAPP app, HPHONE phone, DWORD state)
{
	PHONEMESSAGE m;

	if (h_try_wait_message(app, PHONE_STATE, phone, state, &m, H_REPLY_TIMEOUT) != 0)
		fail_msg("no PHONE_STATE 0x%08X", (unsigned)state);
	return m.dwParam2;
}

static void test_default_phone_shape(void **state)
{
	PHONECAPS *caps;
	HPHONEAPP app = app_with_parts("shape", &caps);
	DWORD i, want = PHONEFEATURE_GETDISPLAY | PHONEFEATURE_SETDISPLAY | PHONEFEATURE_GETLAMP |
			PHONEFEATURE_SETLAMP | PHONEFEATURE_GETBUTTONINFO |
			PHONEFEATURE_SETBUTTONINFO | PHONEFEATURE_GETRING | PHONEFEATURE_SETRING |
			PHONEFEATURE_SETHOOKSWITCHHANDSET | PHONEFEATURE_GETVOLUMEHEADSET |
			PHONEFEATURE_SETGAINSPEAKER;

	(void)state;
	assert_int_equal(caps->dwDisplayNumRows, 2);
	assert_int_equal(caps->dwDisplayNumColumns, 40);
	assert_true(caps->dwNumButtonLamps > 12);
	for (i = 0; i < 12; i++)
		assert_int_equal(caps_dword(caps, caps->dwButtonModesOffset, i),
				 PHONEBUTTONMODE_KEYPAD);
	assert_true(a_lamp(caps) >= 12);
	assert_int_equal(caps->dwHookSwitchDevs, 7);
	assert_int_equal(caps->dwVolumeFlags, 7);
	assert_int_equal(caps->dwGainFlags, 7);
	assert_int_equal(caps->dwNumRingModes, 4);
	assert_int_equal(caps->dwPhoneFeatures & want, want);
	free(caps);
	h_shutdown(app);
}

static void test_setters_and_their_messages(void **state)
{
	PHONECAPS *caps;
	HPHONEAPP app = app_with_parts("setters", &caps);
	HPHONE owner = h_open(app, 0, PHONEPRIVILEGE_OWNER, 1);
	HPHONE mon = h_open(app, 0, PHONEPRIVILEGE_MONITOR, 2);
	int lamp = a_lamp(caps);
	union {
		VARSTRING vs;
		char bytes[512];
	} u;
	DWORD a, b;

	(void)state;
	assert_int_equal(phoneSetStatusMessages(mon, 0x00FFFFFF, 0x3F, 0xF), 0);
	ok(app, phoneSetDisplay(owner, 1, 2, "Hello", 6));
	state_msg(app, mon, PHONESTATE_DISPLAY);
	memset(&u, 0, sizeof(u));
	u.vs.dwTotalSize = sizeof(u);
	assert_int_equal(phoneGetDisplay(mon, &u.vs), 0);
	assert_true(u.vs.dwStringSize >= 80);
	assert_memory_equal(u.bytes + u.vs.dwStringOffset + 42, "Hello", 5);

	ok(app, phoneSetLamp(owner, (DWORD)lamp, PHONELAMPMODE_STEADY));
	assert_int_equal(state_msg(app, mon, PHONESTATE_LAMP), lamp);
	assert_int_equal(phoneGetLamp(mon, (DWORD)lamp, &a), 0);
	assert_int_equal(a, PHONELAMPMODE_STEADY);

	ok(app, phoneSetRing(owner, 3, 0x20000));
	assert_int_equal(state_msg(app, mon, PHONESTATE_RINGMODE), 3);
	assert_int_equal(phoneGetRing(mon, &a, &b), 0);
	assert_int_equal(a, 3);
	assert_int_equal(b, 0xFFFF);

	ok(app, phoneSetVolume(owner, PHONEHOOKSWITCHDEV_SPEAKER, 0x1111));
	state_msg(app, mon, PHONESTATE_SPEAKERVOLUME);
	assert_int_equal(phoneGetVolume(mon, PHONEHOOKSWITCHDEV_SPEAKER, &a), 0);
	assert_int_equal(a, 0x1111);
	ok(app, phoneSetGain(owner, PHONEHOOKSWITCHDEV_HEADSET, 0x2222));
	state_msg(app, mon, PHONESTATE_HEADSETGAIN);
	assert_int_equal(phoneGetGain(mon, PHONEHOOKSWITCHDEV_HEADSET, &a), 0);
	assert_int_equal(a, 0x2222);

	ok(app, phoneSetHookSwitch(owner, PHONEHOOKSWITCHDEV_HANDSET,
				   PHONEHOOKSWITCHMODE_MICSPEAKER));
	assert_int_equal(state_msg(app, mon, PHONESTATE_HANDSETHOOKSWITCH),
			 PHONEHOOKSWITCHMODE_MICSPEAKER);
	assert_int_equal(phoneGetHookSwitch(mon, &a), 0);
	assert_true(a & PHONEHOOKSWITCHDEV_HANDSET);
	free(caps);
	h_shutdown(app);
}

static void test_button_info_both_encodings(void **state)
{
	static const char16_t text[] = u"R\u00e9p\u00e9ter";
	PHONECAPS *caps;
	HPHONEAPP app = app_with_parts("buttons", &caps);
	HPHONE owner = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	int lamp = a_lamp(caps);
	char buf[256], out[256];
	PHONEBUTTONINFO *bi = (PHONEBUTTONINFO *)buf, *got = (PHONEBUTTONINFO *)out;

	(void)state;
	memset(buf, 0, sizeof(buf));
	bi->dwTotalSize = sizeof(buf);
	bi->dwButtonMode = PHONEBUTTONMODE_FEATURE;
	bi->dwButtonFunction = PHONEBUTTONFUNCTION_REDIRECT;
	bi->dwButtonTextSize = sizeof(text);
	bi->dwButtonTextOffset = 40;
	memcpy(buf + 40, text, sizeof(text));
	ok(app, phoneSetButtonInfoW(owner, (DWORD)lamp, bi));
	memset(out, 0, sizeof(out));
	got->dwTotalSize = sizeof(out);
	assert_int_equal(phoneGetButtonInfoA(owner, (DWORD)lamp, got), 0);
	assert_int_equal(got->dwButtonFunction, PHONEBUTTONFUNCTION_REDIRECT);
	assert_string_equal(out + got->dwButtonTextOffset, "R\xC3\xA9p\xC3\xA9ter");
	assert_int_equal(phoneGetButtonInfoW(owner, (DWORD)lamp, got), 0);
	assert_memory_equal(out + got->dwButtonTextOffset, text, sizeof(text));
	free(caps);
	h_shutdown(app);
}

static void test_errors_of_the_default_phone(void **state)
{
	PHONECAPS *caps;
	HPHONEAPP app = app_with_parts("errors", &caps);
	HPHONE owner = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	HPHONE mon = h_open(app, 0, PHONEPRIVILEGE_MONITOR, 0);
	DWORD n = caps->dwNumButtonLamps;

	(void)state;
	assert_int_equal(phoneSetLamp(mon, 12, PHONELAMPMODE_OFF), (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetLamp(owner, n, PHONELAMPMODE_OFF), (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(phoneSetLamp(owner, 0, PHONELAMPMODE_STEADY), (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(phoneSetRing(owner, 5, 0), (LONG)PHONEERR_INVALRINGMODE);
	assert_int_equal(phoneSetVolume(owner, 8, 0), (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(phoneSetHookSwitch(owner, 1, 0x30), (LONG)PHONEERR_INVALHOOKSWITCHMODE);
	assert_int_equal(phoneSetDisplay(owner, 2, 0, "x", 2), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(phoneSetDisplay(owner, 0, 0, NULL, 2), (LONG)PHONEERR_INVALPOINTER);
	h_assert_quiet(app, H_QUIET_MS);
	free(caps);
	h_shutdown(app);
}

static void command(HPHONEAPP app, HPHONE h, const char *cmd)
{
	LONG id = phoneDevSpecific(h, (LPVOID)cmd, (DWORD)strlen(cmd) + 1);

	assert_true(id > 0);
	assert_int_equal(h_try_wait_reply(app, id, H_REPLY_TIMEOUT), 0);
}

/* The world around the phone: a key pressed and released, a handset lifted. */
static void test_press_and_hook(void **state)
{
	PHONECAPS *caps;
	HPHONEAPP app = app_with_parts("press", &caps);
	HPHONE owner = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	HPHONE mon = h_open(app, 0, PHONEPRIVILEGE_MONITOR, 0x44);
	PHONEMESSAGE m;

	(void)state;
	assert_int_equal(phoneSetStatusMessages(mon, PHONESTATE_HANDSETHOOKSWITCH,
						PHONEBUTTONMODE_KEYPAD,
						PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP), 0);
	command(app, owner, "press 5");
	command(app, owner, "release 5");
	assert_int_equal(h_try_wait_message(app, PHONE_BUTTON, mon, 0, &m, H_REPLY_TIMEOUT), 0);
	assert_int_equal(m.dwParam1, 5);
	assert_int_equal(m.dwParam2, PHONEBUTTONMODE_KEYPAD);
	assert_int_equal(m.dwParam3, PHONEBUTTONSTATE_DOWN);
	assert_int_equal(m.dwCallbackInstance, 0x44);
	assert_int_equal(h_try_wait_message(app, PHONE_BUTTON, mon, 0, &m, H_REPLY_TIMEOUT), 0);
	assert_int_equal(m.dwParam3, PHONEBUTTONSTATE_UP);
	command(app, owner, "hook handset mic");
	assert_int_equal(state_msg(app, mon, PHONESTATE_HANDSETHOOKSWITCH),
			 PHONEHOOKSWITCHMODE_MIC);
	free(caps);
	h_shutdown(app);
}

/* The sim lists "tapi/phone" only and has no icon or dialog of its own. */
static void test_identification(void **state)
{
	HPHONEAPP app = h_init_event("ident");
	HPHONE h = h_open(app, 0, PHONEPRIVILEGE_MONITOR, 0);
	union {
		VARSTRING vs;
		char bytes[64];
	} u = { .vs.dwTotalSize = sizeof(u) };
	HICON icon = NULL;
	DWORD id = 99;

	(void)state;
	assert_int_equal(phoneGetID(h, &u.vs, "tapi/phone"), 0);
	memcpy(&id, u.bytes + u.vs.dwStringOffset, sizeof(id));
	assert_int_equal(id, 0);
	assert_int_equal(phoneGetID(h, &u.vs, "wave/out"), (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(phoneGetIcon(0, NULL, &icon), 0);
	assert_string_equal((const char *)icon, "phone");
	assert_int_equal(phoneGetIcon(1, NULL, &icon), (LONG)PHONEERR_BADDEVICEID);
	assert_int_equal(phoneConfigDialog(0, NULL, NULL), (LONG)PHONEERR_OPERATIONUNAVAIL);
	h_shutdown(app);
}

/* After "remove" the device ID answers PHONEERR_NODEVICE, the provider never asked again. */
static void test_removed_device(void **state)
{
	PHONECAPS *caps;
	HPHONEAPP app = app_with_parts("removed", &caps);
	HPHONE owner = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	LONG id = phoneDevSpecific(owner, "remove", 7);
	PHONEMESSAGE m;
	HICON icon;

	(void)state;
	assert_true(id > 0);
	assert_int_equal(h_try_wait_message(app, PHONE_REMOVE, 0, 0, &m, H_REPLY_TIMEOUT), 0);
	assert_int_equal(m.dwParam1, 0);
	assert_int_equal(phoneGetIcon(0, NULL, &icon), (LONG)PHONEERR_NODEVICE);
	assert_int_equal(phoneConfigDialog(0, NULL, NULL), (LONG)PHONEERR_NODEVICE);
	assert_int_equal(phoneSetLamp(owner, 12, PHONELAMPMODE_OFF), (LONG)PHONEERR_INVALPHONEHANDLE);
	free(caps);
	h_shutdown(app);
}

int main(void)
{
#define T(fn) cmocka_unit_test_prestate_setup_teardown(fn, h_setup, h_teardown, NULL)
	const struct CMUnitTest tests[] = {
		T(test_default_phone_shape),
		T(test_setters_and_their_messages),
		T(test_button_info_both_encodings),
		T(test_errors_of_the_default_phone),
		T(test_press_and_hook),
		T(test_identification),
		T(test_removed_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
