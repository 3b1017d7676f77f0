/* SPDX-License-Identifier: MIT */
/* test_device.c — the device's parts through the public API: phoneSet/GetDisplay, Lamp,
 * ButtonInfo (A and W), HookSwitch, Ring, Volume and Gain, each with its success path (request ID,
 * one PHONE_REPLY, the PHONE_STATE that follows) and every documented error the engine produces
 * (UNINITIALIZED, INVALPHONEHANDLE, NOTOWNER, OPERATIONUNAVAIL, INVALBUTTONLAMPID, INVALLAMPMODE,
 * INVALHOOKSWITCHDEV, INVALHOOKSWITCHMODE, INVALRINGMODE, INVALPARAM, INVALPOINTER,
 * STRUCTURETOOSMALL). Phones of the test providers partsprov (every part) and testprov (none). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define PARTS 0
#define PARTIAL 1
#define BARE 2
#define GROWING 3

/* Partial: lamps, handset volume and handset hookswitch only. */
static const char config[] = "[phone \"Parts\"]\n"
			     "provider = partsprov\n"
			     "[phone \"Partial\"]\n"
			     "provider = partsprov\n"
			     "features = 0x02900A40\n"
			     "[phone \"Bare\"]\n"
			     "provider = testprov\n"
			     "[phone \"Growing\"]\n"
			     "provider = partsprov\n"
			     "data_area = 16\n";

/* An accepted request answered by one PHONE_REPLY of 0. */
static void ok(HPHONEAPP app, LONG id)
{
	if (id <= 0)
		fail_msg("request refused: 0x%08X", (unsigned)id);
	assert_int_equal(h_try_wait_reply(app, id, H_REPLY_TIMEOUT), 0);
}

/* Waits for PHONE_STATE(state) on phone; returns its dwParam2. */
static DWORD_PTR state_msg(HPHONEAPP app, HPHONE phone, DWORD state)
{
	PHONEMESSAGE m;

	if (h_try_wait_message(app, PHONE_STATE, phone, state, &m, H_REPLY_TIMEOUT) != 0)
		fail_msg("no PHONE_STATE 0x%08X", (unsigned)state);
	return m.dwParam2;
}

static HPHONE open_all_messages(HPHONEAPP app, DWORD dev, DWORD priv)
{
	HPHONE h = h_open(app, dev, priv, 0x5150);

	assert_int_equal(phoneSetStatusMessages(h, 0x00FFFFFF, 0x3F, 0xF), 0);
	return h;
}

static void test_uninitialized(void **state)
{
	char buf[128] = { 0 };
	VARSTRING *vs = (VARSTRING *)buf;
	PHONEBUTTONINFO *bi = (PHONEBUTTONINFO *)buf;
	DWORD a, b;

	(void)state;
	vs->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneSetDisplay(1, 0, 0, "x", 2), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetDisplay(1, vs), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneSetLamp(1, 0, PHONELAMPMODE_OFF), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetLamp(1, 0, &a), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneSetButtonInfo(1, 0, bi), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneSetButtonInfoA(1, 0, bi), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneSetButtonInfoW(1, 0, bi), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetButtonInfo(1, 0, bi), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetButtonInfoA(1, 0, bi), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetButtonInfoW(1, 0, bi), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneSetHookSwitch(1, 1, PHONEHOOKSWITCHMODE_MIC), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetHookSwitch(1, &a), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneSetRing(1, 1, 1), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetRing(1, &a, &b), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneSetVolume(1, 1, 1), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetVolume(1, 1, &a), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneSetGain(1, 1, 1), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetGain(1, 1, &a), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetStatusW(1, (PHONESTATUS *)buf), (LONG)PHONEERR_UNINITIALIZED);
}

/* Handles that are not open, and monitors, for every setter. */
static void test_handles_and_owner(void **state)
{
	HPHONEAPP app = h_init_event("owner");
	HPHONE mon = h_open(app, PARTS, PHONEPRIVILEGE_MONITOR, 0);
	char buf[128] = { 0 };
	PHONEBUTTONINFO *bi = (PHONEBUTTONINFO *)buf;
	DWORD a, b;

	(void)state;
	bi->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneSetDisplay(0x7777, 0, 0, "x", 2), (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneGetLamp(0x7777, 12, &a), (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneGetRing(0x7777, &a, &b), (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneGetButtonInfoW(0x7777, 12, bi), (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(phoneSetDisplay(mon, 0, 0, "x", 2), (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetLamp(mon, 12, PHONELAMPMODE_WINK), (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetButtonInfo(mon, 12, bi), (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetButtonInfoW(mon, 12, bi), (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetHookSwitch(mon, 1, PHONEHOOKSWITCHMODE_MIC), (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetRing(mon, 1, 1), (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetVolume(mon, 1, 1), (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(phoneSetGain(mon, 1, 1), (LONG)PHONEERR_NOTOWNER);
	/* a monitor reads */
	assert_int_equal(phoneGetLamp(mon, 12, &a), 0);
	assert_int_equal(a, PHONELAMPMODE_OFF);
	assert_int_equal(phoneGetRing(mon, &a, &b), 0);
	h_assert_quiet(app, H_QUIET_MS);
	h_shutdown(app);
}

static void test_display(void **state)
{
	HPHONEAPP app = h_init_event("display");
	HPHONE h = open_all_messages(app, PARTS, PHONEPRIVILEGE_OWNER);
	union {
		VARSTRING vs;
		char bytes[512];
	} u;
	static char big[64 * 1024 + 1];

	(void)state;
	assert_int_equal(phoneSetDisplay(h, 2, 0, "x", 2), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(phoneSetDisplay(h, 0, 40, "x", 2), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(phoneSetDisplay(h, 0, 0, big, sizeof(big)), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(phoneSetDisplay(h, 0, 0, NULL, 4), (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(phoneSetDisplay(h, 0, 0, "\xFF\xFE", 3), (LONG)PHONEERR_INVALPARAM);
	h_assert_quiet(app, H_QUIET_MS);
	ok(app, phoneSetDisplay(h, 1, 0, "Caf\xC3\xA9 ouvert", 15));
	state_msg(app, h, PHONESTATE_DISPLAY);
	memset(&u, 0, sizeof(u));
	u.vs.dwTotalSize = sizeof(u);
	assert_int_equal(phoneGetDisplay(h, &u.vs), 0);
	assert_int_equal(u.vs.dwStringFormat, STRINGFORMAT_ASCII);
	assert_int_equal(u.vs.dwNeededSize, u.vs.dwUsedSize);
	assert_memory_equal(u.bytes + u.vs.dwStringOffset + 40, "Caf\xC3\xA9 ouvert", 12);
	/* too small for the text: the fixed part only, and what it needs */
	u.vs.dwTotalSize = sizeof(VARSTRING) + 10;
	assert_int_equal(phoneGetDisplay(h, &u.vs), 0);
	assert_int_equal(u.vs.dwStringSize, 0);
	assert_int_equal(u.vs.dwStringOffset, 0);
	assert_int_equal(u.vs.dwNeededSize, sizeof(VARSTRING) + 81 + 1);
	u.vs.dwTotalSize = sizeof(VARSTRING) - 1;
	assert_int_equal(phoneGetDisplay(h, &u.vs), (LONG)PHONEERR_STRUCTURETOOSMALL);
	assert_int_equal(phoneGetDisplay(h, NULL), (LONG)PHONEERR_INVALPOINTER);
	h_shutdown(app);
}

static void test_lamps(void **state)
{
	HPHONEAPP app = h_init_event("lamps");
	HPHONE h = open_all_messages(app, PARTS, PHONEPRIVILEGE_OWNER);
	DWORD mode = 0;

	(void)state;
	assert_int_equal(phoneSetLamp(h, 16, PHONELAMPMODE_STEADY), (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(phoneSetLamp(h, 0xFFFFFFFFu, PHONELAMPMODE_STEADY),
			 (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(phoneSetLamp(h, 5, PHONELAMPMODE_STEADY), (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(phoneSetLamp(h, 12, 0), (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(phoneSetLamp(h, 12, PHONELAMPMODE_OFF | PHONELAMPMODE_FLASH),
			 (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(phoneSetLamp(h, 12, PHONELAMPMODE_BROKENFLUTTER), (LONG)PHONEERR_INVALLAMPMODE);
	ok(app, phoneSetLamp(h, 15, PHONELAMPMODE_FLUTTER));
	assert_int_equal(state_msg(app, h, PHONESTATE_LAMP), 15);
	assert_int_equal(phoneGetLamp(h, 15, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_FLUTTER);
	assert_int_equal(phoneGetLamp(h, 3, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_DUMMY);
	assert_int_equal(phoneGetLamp(h, 16, &mode), (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(phoneGetLamp(h, 15, NULL), (LONG)PHONEERR_INVALPOINTER);
	h_shutdown(app);
}

/* A PHONEBUTTONINFO in buf (256 bytes) with text at fixed + 4. */
static PHONEBUTTONINFO *button(char *buf, DWORD fixed, const void *text, DWORD len)
{
	PHONEBUTTONINFO *bi = (PHONEBUTTONINFO *)buf;

	memset(buf, 0, 256);
	bi->dwTotalSize = 256;
	bi->dwButtonMode = PHONEBUTTONMODE_FEATURE;
	bi->dwButtonFunction = PHONEBUTTONFUNCTION_TRANSFER;
	bi->dwButtonTextSize = len;
	bi->dwButtonTextOffset = fixed + 4;
	memcpy(buf + fixed + 4, text, len);
	return bi;
}

static void test_button_info(void **state)
{
	HPHONEAPP app = h_init_event("buttons");
	HPHONE h = open_all_messages(app, PARTS, PHONEPRIVILEGE_OWNER);
	static const char16_t wtext[] = u"Transf\u00e9rer";
	char buf[256], out[256];
	PHONEBUTTONINFO *bi = button(buf, 40, "Xfer", 5), *got = (PHONEBUTTONINFO *)out;
	char16_t w[16];

	(void)state;
	assert_int_equal(phoneSetButtonInfo(h, 16, bi), (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(phoneSetButtonInfo(h, 12, NULL), (LONG)PHONEERR_INVALPOINTER);
	bi->dwTotalSize = 39;
	assert_int_equal(phoneSetButtonInfo(h, 12, bi), (LONG)PHONEERR_STRUCTURETOOSMALL);
	bi->dwTotalSize = 46; /* the text (44 + 5) does not lie inside */
	assert_int_equal(phoneSetButtonInfo(h, 12, bi), (LONG)PHONEERR_STRUCTURETOOSMALL);
	bi->dwTotalSize = 256;
	ok(app, phoneSetButtonInfoA(h, 12, bi));
	memset(out, 0, sizeof(out));
	got->dwTotalSize = sizeof(out);
	assert_int_equal(phoneGetButtonInfo(h, 12, got), 0);
	assert_int_equal(got->dwButtonFunction, PHONEBUTTONFUNCTION_TRANSFER);
	assert_string_equal(out + got->dwButtonTextOffset, "Xfer");
	/* W: text in UTF-16 both ways */
	ok(app, phoneSetButtonInfoW(h, 13, button(buf, 40, wtext, sizeof(wtext))));
	assert_int_equal(phoneGetButtonInfoA(h, 13, got), 0);
	assert_string_equal(out + got->dwButtonTextOffset, "Transf\xC3\xA9rer");
	memset(out, 0, sizeof(out));
	got->dwTotalSize = sizeof(out);
	assert_int_equal(phoneGetButtonInfoW(h, 13, got), 0);
	assert_int_equal(got->dwButtonTextSize, sizeof(wtext));
	memcpy(w, out + got->dwButtonTextOffset, sizeof(wtext));
	assert_memory_equal(w, wtext, sizeof(wtext));
	assert_int_equal(got->dwNeededSize, got->dwUsedSize);
	/* W too small for the text: left out whole, dwNeededSize counts its UTF-16 size */
	got->dwTotalSize = 40 + 10;
	assert_int_equal(phoneGetButtonInfoW(h, 13, got), 0);
	assert_int_equal(got->dwButtonTextSize, 0);
	assert_int_equal(got->dwNeededSize, 40 + sizeof(wtext) + 4);
	got->dwTotalSize = 39;
	assert_int_equal(phoneGetButtonInfoW(h, 13, got), (LONG)PHONEERR_STRUCTURETOOSMALL);
	assert_int_equal(phoneGetButtonInfo(h, 16, got), (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(phoneGetButtonInfo(h, 12, NULL), (LONG)PHONEERR_INVALPOINTER);
	w[0] = 0xDC00; /* a lone low surrogate */
	assert_int_equal(phoneSetButtonInfoW(h, 13, button(buf, 40, w, 4)), (LONG)PHONEERR_INVALPARAM);
	h_shutdown(app);
}

/* A TAPI 1.3 handle sees the 36-byte PHONEBUTTONINFO. */
static void test_button_info_13(void **state)
{
	HPHONEAPP app = h_init_event("old buttons");
	char buf[256], out[256];
	PHONEBUTTONINFO *got = (PHONEBUTTONINFO *)out;
	HPHONE h;

	(void)state;
	assert_int_equal(phoneOpen(app, PARTS, &h, 0x00010003, 0, 0, PHONEPRIVILEGE_OWNER), 0);
	ok(app, phoneSetButtonInfo(h, 14, button(buf, 36, "Old", 4)));
	memset(out, 0xEE, sizeof(out));
	got->dwTotalSize = sizeof(out);
	assert_int_equal(phoneGetButtonInfo(h, 14, got), 0);
	assert_int_equal(got->dwButtonTextOffset, 36);
	assert_string_equal(out + 36, "Old");
	got->dwTotalSize = 36;
	assert_int_equal(phoneGetButtonInfoW(h, 14, got), 0);
	assert_int_equal(got->dwUsedSize, 36);
	got->dwTotalSize = 35;
	assert_int_equal(phoneGetButtonInfo(h, 14, got), (LONG)PHONEERR_STRUCTURETOOSMALL);
	h_shutdown(app);
}

static void test_hookswitch(void **state)
{
	HPHONEAPP app = h_init_event("hookswitch");
	HPHONE h = open_all_messages(app, PARTS, PHONEPRIVILEGE_OWNER);
	DWORD devs = 0xFF;

	(void)state;
	assert_int_equal(phoneSetHookSwitch(h, 0, PHONEHOOKSWITCHMODE_MIC),
			 (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(phoneSetHookSwitch(h, 0x10, PHONEHOOKSWITCHMODE_MIC),
			 (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(phoneSetHookSwitch(h, 1, 0), (LONG)PHONEERR_INVALHOOKSWITCHMODE);
	assert_int_equal(phoneSetHookSwitch(h, 1, PHONEHOOKSWITCHMODE_MIC | 8),
			 (LONG)PHONEERR_INVALHOOKSWITCHMODE);
	assert_int_equal(phoneSetHookSwitch(h, 1, PHONEHOOKSWITCHMODE_UNKNOWN),
			 (LONG)PHONEERR_INVALHOOKSWITCHMODE);
	assert_int_equal(phoneSetHookSwitch(h, 4, PHONEHOOKSWITCHMODE_MIC),
			 (LONG)PHONEERR_INVALHOOKSWITCHMODE); /* not settable on this headset */
	assert_int_equal(phoneGetHookSwitch(h, &devs), 0);
	assert_int_equal(devs, 0);
	ok(app, phoneSetHookSwitch(h, PHONEHOOKSWITCHDEV_HANDSET | PHONEHOOKSWITCHDEV_HEADSET,
				   PHONEHOOKSWITCHMODE_MICSPEAKER));
	assert_int_equal(state_msg(app, h, PHONESTATE_HANDSETHOOKSWITCH),
			 PHONEHOOKSWITCHMODE_MICSPEAKER);
	assert_int_equal(state_msg(app, h, PHONESTATE_HEADSETHOOKSWITCH),
			 PHONEHOOKSWITCHMODE_MICSPEAKER);
	assert_int_equal(phoneGetHookSwitch(h, &devs), 0);
	assert_int_equal(devs, PHONEHOOKSWITCHDEV_HANDSET | PHONEHOOKSWITCHDEV_HEADSET);
	assert_int_equal(phoneGetHookSwitch(h, NULL), (LONG)PHONEERR_INVALPOINTER);
	h_shutdown(app);
}

static void test_ring_volume_gain(void **state)
{
	HPHONEAPP app = h_init_event("levels");
	HPHONE h = open_all_messages(app, PARTS, PHONEPRIVILEGE_OWNER);
	DWORD mode, value;

	(void)state;
	assert_int_equal(phoneSetRing(h, 5, 0), (LONG)PHONEERR_INVALRINGMODE);
	ok(app, phoneSetRing(h, 4, 0xFFFFFFFFu));
	assert_int_equal(state_msg(app, h, PHONESTATE_RINGMODE), 4);
	assert_int_equal(phoneGetRing(h, &mode, &value), 0);
	assert_int_equal(mode, 4);
	assert_int_equal(value, 0xFFFF); /* clamped */
	ok(app, phoneSetRing(h, 0, 10));
	assert_int_equal(phoneGetRing(h, &mode, NULL), (LONG)PHONEERR_INVALPOINTER);

	assert_int_equal(phoneSetVolume(h, 0, 1), (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(phoneSetVolume(h, 3, 1), (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(phoneSetGain(h, 8, 1), (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(phoneGetVolume(h, 6, &value), (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(phoneGetGain(h, 0, &value), (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	ok(app, phoneSetVolume(h, PHONEHOOKSWITCHDEV_SPEAKER, 0x23456));
	state_msg(app, h, PHONESTATE_SPEAKERVOLUME);
	assert_int_equal(phoneGetVolume(h, PHONEHOOKSWITCHDEV_SPEAKER, &value), 0);
	assert_int_equal(value, 0xFFFF);
	ok(app, phoneSetGain(h, PHONEHOOKSWITCHDEV_HEADSET, 0x1234));
	state_msg(app, h, PHONESTATE_HEADSETGAIN);
	assert_int_equal(phoneGetGain(h, PHONEHOOKSWITCHDEV_HEADSET, &value), 0);
	assert_int_equal(value, 0x1234);
	assert_int_equal(phoneGetVolume(h, 1, NULL), (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetGain(h, 1, NULL), (LONG)PHONEERR_INVALPOINTER);
	h_shutdown(app);
}

/* Functions whose PHONEFEATURE_ the phone lacks, and a provider without the TSPI functions. */
static void test_operation_unavailable(void **state)
{
	HPHONEAPP app = h_init_event("unavailable");
	HPHONE part = h_open(app, PARTIAL, PHONEPRIVILEGE_OWNER, 0);
	HPHONE bare = h_open(app, BARE, PHONEPRIVILEGE_OWNER, 0);
	char buf[256];
	VARSTRING *vs = (VARSTRING *)buf;
	DWORD a, b;

	(void)state;
	memset(buf, 0, sizeof(buf));
	vs->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneSetDisplay(part, 0, 0, "x", 2), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneGetDisplay(part, vs), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneSetRing(part, 1, 1), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneGetRing(part, &a, &b), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneSetGain(part, 1, 1), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneSetVolume(part, 2, 1), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneSetHookSwitch(part, 3, PHONEHOOKSWITCHMODE_MIC),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneGetButtonInfo(part, 12, (PHONEBUTTONINFO *)buf),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	ok(app, phoneSetVolume(part, 1, 3));
	ok(app, phoneSetHookSwitch(part, 1, PHONEHOOKSWITCHMODE_SPEAKER));
	ok(app, phoneSetLamp(part, 12, PHONELAMPMODE_STEADY));

	assert_int_equal(phoneSetLamp(bare, 0, PHONELAMPMODE_OFF), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneGetLamp(bare, 0, &a), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneSetDisplay(bare, 0, 0, "x", 2), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneGetHookSwitch(bare, &a), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneGetVolume(bare, 1, &a), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneGetGain(bare, 1, &a), (LONG)PHONEERR_OPERATIONUNAVAIL);
	h_shutdown(app);
}

/* Requests of one device are answered in issue order, each exactly once. */
static void test_replies_in_order(void **state)
{
	HPHONEAPP app = h_init_event("order");
	HPHONE h = h_open(app, PARTS, PHONEPRIVILEGE_OWNER, 0x99);
	LONG ids[6];
	PHONEMESSAGE m;
	int i;

	(void)state;
	ids[0] = phoneSetLamp(h, 12, PHONELAMPMODE_STEADY);
	ids[1] = phoneSetDisplay(h, 0, 0, "1", 2);
	ids[2] = phoneSetRing(h, 2, 2);
	ids[3] = phoneSetVolume(h, 1, 2);
	ids[4] = phoneSetGain(h, 1, 2);
	ids[5] = phoneSetHookSwitch(h, 2, PHONEHOOKSWITCHMODE_SPEAKER);
	for (i = 0; i < 6; i++) {
		assert_true(ids[i] > 0);
		assert_int_equal(h_try_wait_message(app, PHONE_REPLY, 0, 0, &m, H_REPLY_TIMEOUT), 0);
		assert_int_equal((LONG)m.dwParam1, ids[i]);
		assert_int_equal(m.dwParam2, 0);
		assert_int_equal(m.dwCallbackInstance, 0x99);
	}
	h_shutdown(app);
}

/* A data area that grows while the phone is open (PHONE_STATE CAPSCHANGE) takes the larger
 * writes at once, in every mode: through tapisrv the library once refused them with
 * INVALPOINTER, from a copy of the area sizes taken earlier. */
static void test_set_data_after_area_grows(void **state)
{
	HPHONEAPP app = h_init_event("grow");
	HPHONE h = h_open(app, GROWING, PHONEPRIVILEGE_OWNER, 0);
	char data[32], back[32];

	(void)state;
	memset(data, 'g', sizeof(data));
	assert_int_equal(phoneSetData(h, 0, data, 32), (LONG)PHONEERR_INVALPARAM);
	ok(app, phoneSetData(h, 0, data, 16));
	h_command(app, h, "grow");
	ok(app, phoneSetData(h, 0, data, 32));
	assert_int_equal(phoneGetData(h, 0, back, 32), 0);
	assert_memory_equal(back, data, 32);
	assert_int_equal(phoneSetData(h, 0, data, 33), (LONG)PHONEERR_INVALPARAM);
	h_shutdown(app);
}

int main(void)
{
#define T(fn) cmocka_unit_test_prestate_setup_teardown(fn, h_setup, h_teardown, (void *)config)
	const struct CMUnitTest tests[] = {
		T(test_uninitialized),
		T(test_handles_and_owner),
		T(test_display),
		T(test_lamps),
		T(test_button_info),
		T(test_button_info_13),
		T(test_hookswitch),
		T(test_ring_volume_gain),
		T(test_operation_unavailable),
		T(test_replies_in_order),
		T(test_set_data_after_area_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
