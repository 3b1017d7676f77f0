/* SPDX-License-Identifier: MIT */
/* test_ident.c — naming a device and the UTF-16 functions through the public API: phoneGetID,
 * phoneGetIcon and phoneConfigDialog (plain, A and W), phoneInitializeExW, phoneGetDevCapsW and
 * phoneGetStatusW, and the message forms of older API versions. Phones of the test providers
 * partsprov (which exports TSPI_phoneGetID, TSPI_phoneGetIcon, TUISPI_phoneConfigDialog) and
 * testprov (which exports none of them). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define PARTS 0
#define BARE 1

static const char config[] = "[phone \"Parts\"]\n"
			     "provider = partsprov\n"
			     "[phone \"Bare\"]\n"
			     "provider = testprov\n";

union vs {
	VARSTRING vs;
	char bytes[256];
};

static VARSTRING *fresh(union vs *u)
{
	memset(u, 0, sizeof(*u));
	u->vs.dwTotalSize = sizeof(*u);
	return &u->vs;
}

static void test_uninitialized(void **state)
{
	union vs u;
	HICON icon;

	(void)state;
	assert_int_equal(phoneGetID(1, fresh(&u), "tapi/phone"), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetIDA(1, fresh(&u), "tapi/phone"), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetIDW(1, fresh(&u), u"tapi/phone"), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetIcon(0, NULL, &icon), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetIconA(0, NULL, &icon), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneGetIconW(0, NULL, &icon), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneConfigDialog(0, NULL, NULL), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneConfigDialogA(0, NULL, NULL), (LONG)PHONEERR_UNINITIALIZED);
	assert_int_equal(phoneConfigDialogW(0, NULL, NULL), (LONG)PHONEERR_UNINITIALIZED);
}

static void test_get_id(void **state)
{
	HPHONEAPP app = h_init_event("getid");
	HPHONE h = h_open(app, PARTS, PHONEPRIVILEGE_MONITOR, 0);
	HPHONE bare = h_open(app, BARE, PHONEPRIVILEGE_MONITOR, 0);
	static const char16_t expect[] = u"wave-out-0 \u00e9";
	char16_t wide[16];
	union vs u;
	DWORD id;

	(void)state;
	assert_int_equal(phoneGetID(h, fresh(&u), "Tapi/Phone"), 0);
	assert_int_equal(u.vs.dwStringFormat, STRINGFORMAT_BINARY);
	assert_int_equal(u.vs.dwStringSize, sizeof(DWORD));
	memcpy(&id, u.bytes + u.vs.dwStringOffset, sizeof(id));
	assert_int_equal(id, PARTS);
	assert_int_equal(phoneGetIDA(bare, fresh(&u), "tapi/phone"), 0);
	memcpy(&id, u.bytes + u.vs.dwStringOffset, sizeof(id));
	assert_int_equal(id, BARE);
	/* a class the device lists goes to its provider */
	assert_int_equal(phoneGetIDA(h, fresh(&u), "WAVE/out"), 0);
	assert_int_equal(u.vs.dwStringFormat, STRINGFORMAT_ASCII);
	assert_string_equal(u.bytes + u.vs.dwStringOffset, "wave-out-0 \xC3\xA9");
	assert_int_equal(phoneGetIDW(h, fresh(&u), u"wave/out"), 0);
	assert_int_equal(u.vs.dwStringFormat, STRINGFORMAT_UNICODE);
	assert_int_equal(u.vs.dwStringSize, sizeof(expect));
	memcpy(wide, u.bytes + u.vs.dwStringOffset, sizeof(expect));
	assert_memory_equal(wide, expect, sizeof(expect));
	assert_int_equal(phoneGetIDW(h, fresh(&u), u"tapi/phone"), 0);
	assert_int_equal(u.vs.dwStringFormat, STRINGFORMAT_BINARY);
	assert_int_equal(phoneGetID(h, fresh(&u), "comm"), (LONG)PHONEERR_OPERATIONFAILED);
	/* errors */
	assert_int_equal(phoneGetID(h, fresh(&u), "tapi/line"), (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(phoneGetID(h, fresh(&u), ""), (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(phoneGetID(bare, fresh(&u), "wave/out"), (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(phoneGetIDW(h, fresh(&u), (const char16_t[]){ 0xD800, 0 }),
			 (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(phoneGetID(h, fresh(&u), NULL), (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetID(h, NULL, "tapi/phone"), (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetIDW(h, fresh(&u), NULL), (LONG)PHONEERR_INVALPOINTER);
	fresh(&u)->dwTotalSize = sizeof(VARSTRING) - 1;
	assert_int_equal(phoneGetID(h, &u.vs, "tapi/phone"), (LONG)PHONEERR_STRUCTURETOOSMALL);
	assert_int_equal(phoneGetIDW(h, &u.vs, u"tapi/phone"), (LONG)PHONEERR_STRUCTURETOOSMALL);
	assert_int_equal(phoneGetID(0x4321, fresh(&u), "tapi/phone"), (LONG)PHONEERR_INVALPHONEHANDLE);
	h_shutdown(app);
}

static void test_get_icon(void **state)
{
	HPHONEAPP app = h_init_event("icons");
	HICON icon = NULL, again = NULL;

	(void)state;
	assert_int_equal(phoneGetIcon(PARTS, NULL, &icon), 0);
	assert_string_equal((const char *)icon, "partsprov-phone");
	assert_int_equal(phoneGetIconA(PARTS, "tapi/phone", &again), 0);
	assert_ptr_equal(icon, again); /* the library's one lasting copy */
	assert_int_equal(phoneGetIconW(PARTS, u"", &again), 0);
	assert_ptr_equal(icon, again);
	assert_int_equal(phoneGetIconW(PARTS, u"wave/out", &icon), 0);
	assert_string_equal((const char *)icon, "audio-card");
	/* a provider without icons: the default one, for the phone classes only */
	assert_int_equal(phoneGetIcon(BARE, "", &icon), 0);
	assert_string_equal((const char *)icon, "phone");
	assert_int_equal(phoneGetIcon(BARE, "wave/out", &icon), (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(phoneGetIcon(PARTS, "comm", &icon), (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(phoneGetIconW(PARTS, (const char16_t[]){ 0xDBFF, 0 }, &icon),
			 (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(phoneGetIcon(2, NULL, &icon), (LONG)PHONEERR_BADDEVICEID);
	assert_int_equal(phoneGetIcon(PARTS, NULL, NULL), (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetIconW(PARTS, NULL, NULL), (LONG)PHONEERR_INVALPOINTER);
	h_shutdown(app);
}

static void test_config_dialog(void **state)
{
	HPHONEAPP app = h_init_event("dialog");
	static char long_class[300];

	(void)state;
	assert_int_equal(phoneConfigDialog(PARTS, NULL, NULL), 0);
	assert_int_equal(phoneConfigDialogA(PARTS, (HWND)0x1234, "tapi/phone"), 0);
	assert_int_equal(phoneConfigDialogW(PARTS, NULL, u"Wave/Out"), 0);
	assert_int_equal(phoneConfigDialog(PARTS, NULL, "comm"), (LONG)PHONEERR_INUSE);
	assert_int_equal(phoneConfigDialog(PARTS, NULL, "tapi/line"), (LONG)PHONEERR_INVALDEVICECLASS);
	memset(long_class, 'x', sizeof(long_class) - 1);
	assert_int_equal(phoneConfigDialog(PARTS, NULL, long_class), (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(phoneConfigDialogW(PARTS, NULL, (const char16_t[]){ 0xDC00, 0 }),
			 (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(phoneConfigDialog(BARE, NULL, NULL), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(phoneConfigDialog(2, NULL, NULL), (LONG)PHONEERR_BADDEVICEID);
	assert_int_equal(phoneConfigDialogW(77, NULL, NULL), (LONG)PHONEERR_BADDEVICEID);
	h_shutdown(app);
}

static LONG init_w(HPHONEAPP *app, const char16_t *name)
{
	PHONEINITIALIZEEXPARAMS p = { .dwTotalSize = sizeof(p),
				      .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD version = H_API_VERSION, devs = 0;
	LONG rc = phoneInitializeExW(app, NULL, NULL, name, &devs, &version, &p);

	if (rc == 0) {
		h_track(*app);
		assert_int_equal(devs, 2);
		assert_int_equal(version, 0x00020002);
	}
	return rc;
}

/* The W name is the owner name the A status shows (UTF-8), and the W status shows (UTF-16). */
static void test_initialize_ex_w_and_status_w(void **state)
{
	static const char16_t name[] = u"T\u00e9l\u00e9phone \U0001F4DE";
	HPHONEAPP app = 0;
	PHONESTATUS *a;
	char buf[1024];
	PHONESTATUS *w = (PHONESTATUS *)buf;
	HPHONE h;

	(void)state;
	assert_int_equal(init_w(&app, (const char16_t[]){ u'x', 0xD800, 0 }),
			 (LONG)PHONEERR_INVALAPPNAME);
	assert_int_equal(init_w(&app, name), 0);
	h = h_open(app, PARTS, PHONEPRIVILEGE_OWNER, 0);
	a = h_get_status(h);
	assert_string_equal((char *)a + a->dwOwnerNameOffset,
			    "T\xC3\xA9l\xC3\xA9phone \xF0\x9F\x93\x9E");
	memset(buf, 0, sizeof(buf));
	w->dwTotalSize = sizeof(buf);
	assert_int_equal(phoneGetStatusW(h, w), 0);
	assert_int_equal(w->dwOwnerNameSize, sizeof(name));
	assert_memory_equal(buf + w->dwOwnerNameOffset, name, sizeof(name));
	assert_int_equal(w->dwRingVolume, a->dwRingVolume);
	assert_int_equal(w->dwPhoneFeatures, a->dwPhoneFeatures);
	assert_int_equal(w->dwLampModesSize, a->dwLampModesSize); /* DWORDs: unchanged */
	assert_memory_equal(buf + w->dwLampModesOffset, (char *)a + a->dwLampModesOffset,
			    a->dwLampModesSize);
	assert_int_equal(w->dwDisplaySize, 2 * a->dwDisplaySize); /* ASCII text: twice */
	assert_int_equal(w->dwNeededSize, w->dwUsedSize);
	/* too small for everything: parts left out whole, dwNeededSize tells */
	w->dwTotalSize = sizeof(PHONESTATUS) + 8;
	assert_int_equal(phoneGetStatusW(h, w), 0);
	assert_true(w->dwNeededSize > w->dwTotalSize);
	assert_int_equal(w->dwDisplaySize, 0);
	assert_int_equal(w->dwOwnerNameSize, 0);
	w->dwTotalSize = sizeof(PHONESTATUS) - 1;
	assert_int_equal(phoneGetStatusW(h, w), (LONG)PHONEERR_STRUCTURETOOSMALL);
	assert_int_equal(phoneGetStatusW(h, NULL), (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(phoneGetStatusW(0x5555, w), (LONG)PHONEERR_INVALPHONEHANDLE);
	free(a);
	h_shutdown(app);
}

static void test_dev_caps_w(void **state)
{
	HPHONEAPP app = h_init_event("caps");
	PHONECAPS *a = h_get_caps(app, PARTS, H_API_VERSION);
	PHONECAPS *w;
	char16_t name[12];
	DWORD need;

	(void)state;
	w = calloc(1, sizeof(PHONECAPS) + 4);
	w->dwTotalSize = sizeof(PHONECAPS) + 4;
	assert_int_equal(phoneGetDevCapsW(app, PARTS, H_API_VERSION, 0, w), 0);
	assert_int_equal(w->dwStringFormat, STRINGFORMAT_UNICODE);
	assert_int_equal(w->dwNumButtonLamps, a->dwNumButtonLamps);
	assert_int_equal(w->dwPhoneFeatures, a->dwPhoneFeatures);
	need = w->dwNeededSize;
	assert_true(need > a->dwNeededSize); /* text doubled */
	free(w);
	w = calloc(1, need);
	w->dwTotalSize = need;
	assert_int_equal(phoneGetDevCapsW(app, PARTS, H_API_VERSION, 0, w), 0);
	assert_int_equal(w->dwNeededSize, need);
	assert_int_equal(w->dwUsedSize, need);
	assert_int_equal(w->dwPhoneNameSize, 2 * a->dwPhoneNameSize);
	memcpy(name, (char *)w + w->dwPhoneNameOffset, sizeof(name));
	assert_memory_equal(name, u"Parts phone", sizeof(name));
	assert_int_equal(w->dwDeviceClassesSize, 2 * a->dwDeviceClassesSize);
	assert_int_equal(w->dwButtonModesSize, a->dwButtonModesSize);
	assert_memory_equal((char *)w + w->dwButtonModesOffset,
			    (char *)a + a->dwButtonModesOffset, a->dwButtonModesSize);
	free(w);
	/* the errors are the A function's */
	w = calloc(1, 256);
	w->dwTotalSize = 100;
	assert_int_equal(phoneGetDevCapsW(app, PARTS, H_API_VERSION, 0, w),
			 (LONG)PHONEERR_STRUCTURETOOSMALL);
	w->dwTotalSize = 256;
	assert_int_equal(phoneGetDevCapsW(app, 9, H_API_VERSION, 0, w), (LONG)PHONEERR_BADDEVICEID);
	assert_int_equal(phoneGetDevCapsW(app, PARTS, 0x00030000, 0, w),
			 (LONG)PHONEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(phoneGetDevCapsW(0x999, PARTS, H_API_VERSION, 0, w),
			 (LONG)PHONEERR_INVALAPPHANDLE);
	assert_int_equal(phoneGetDevCapsW(app, PARTS, H_API_VERSION, 0, NULL),
			 (LONG)PHONEERR_INVALPOINTER);
	/* TAPI 1.4 layout: no device classes, 144 bytes */
	w->dwTotalSize = 256;
	assert_int_equal(phoneGetDevCapsW(app, PARTS, 0x00010004, 0, w), 0);
	assert_true(w->dwPhoneNameOffset >= 144);
	free(w);
	free(a);
	h_shutdown(app);
}

static void command(HPHONEAPP app, HPHONE h, const char *cmd)
{
	LONG id = phoneDevSpecific(h, (LPVOID)cmd, (DWORD)strlen(cmd) + 1);

	assert_true(id > 0);
	assert_int_equal(h_try_wait_reply(app, id, H_REPLY_TIMEOUT), 0);
}

/* What a handle sees depends on the version it was opened with. */
static void test_messages_by_version(void **state)
{
	HPHONEAPP app = h_init_event("versions");
	HPHONE h13, h14, owner = h_open(app, PARTS, PHONEPRIVILEGE_OWNER, 0);
	PHONEMESSAGE m;
	size_t i;

	(void)state;
	assert_int_equal(phoneOpen(app, PARTS, &h13, 0x00010003, 0, 13, PHONEPRIVILEGE_MONITOR), 0);
	assert_int_equal(phoneOpen(app, PARTS, &h14, 0x00010004, 0, 14, PHONEPRIVILEGE_MONITOR), 0);
	/* 1.3 knows neither CAPSCHANGE/REMOVED nor the UNKNOWN/UNAVAIL button states */
	assert_int_equal(phoneSetStatusMessages(h13, PHONESTATE_CAPSCHANGE, 0, 0),
			 (LONG)PHONEERR_INVALPHONESTATE);
	assert_int_equal(phoneSetStatusMessages(h13, 0x003FFFFF, 0x3F, PHONEBUTTONSTATE_UNKNOWN),
			 (LONG)PHONEERR_INVALBUTTONSTATE);
	assert_int_equal(phoneSetStatusMessages(h13, 0x003FFFFF, 0x3F, 3), 0);
	assert_int_equal(phoneSetStatusMessages(h14, 0x00FFFFFF, 0x3F, 0xF), 0);
	h_stash_clear(app);
	command(app, owner, "state 0x00800000 0"); /* REMOVED */
	command(app, owner, "button 12 4 8");      /* UNAVAIL */
	command(app, owner, "button 12 4 2");      /* DOWN */
	command(app, owner, "capschange");
	assert_int_equal(h_try_wait_message(app, PHONE_STATE, h14, PHONESTATE_REMOVED, &m,
					    H_REPLY_TIMEOUT), 0);
	assert_int_equal(h_try_wait_message(app, PHONE_BUTTON, h14, 0, &m, H_REPLY_TIMEOUT), 0);
	assert_int_equal(m.dwParam3, PHONEBUTTONSTATE_UNAVAIL);
	assert_int_equal(h_try_wait_message(app, PHONE_BUTTON, h13, 0, &m, H_REPLY_TIMEOUT), 0);
	assert_int_equal(m.dwParam3, PHONEBUTTONSTATE_DOWN);
	assert_int_equal(m.dwCallbackInstance, 13);
	assert_int_equal(h_try_wait_message(app, PHONE_STATE, h14, PHONESTATE_CAPSCHANGE, &m,
					    H_REPLY_TIMEOUT), 0);
	assert_int_equal(h_try_wait_message(app, PHONE_STATE, h13, PHONESTATE_REINIT, &m,
					    H_REPLY_TIMEOUT), 0);
	/* nothing else for the 1.3 handle: not REMOVED, not UNAVAIL */
	for (i = 0; i < h_stash_count(app); i++)
		assert_int_not_equal(h_stash_at(app, i)->hDevice, h13);
	while (h_try_next_message(app, &m, H_QUIET_MS) == 0)
		assert_int_not_equal(m.hDevice, h13);
	/* and the engine read the capabilities again: no display any more */
	assert_int_equal(phoneSetDisplay(owner, 0, 0, "x", 2), (LONG)PHONEERR_OPERATIONUNAVAIL);
	h_shutdown(app);
}

int main(void)
{
#define T(fn) cmocka_unit_test_prestate_setup_teardown(fn, h_setup, h_teardown, (void *)config)
	const struct CMUnitTest tests[] = {
		T(test_uninitialized),
		T(test_get_id),
		T(test_get_icon),
		T(test_config_dialog),
		T(test_initialize_ex_w_and_status_w),
		T(test_dev_caps_w),
		T(test_messages_by_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
