/* SPDX-License-Identifier: MIT */
/* Unit tests of src/lib/wide.c: the structures of the W functions re-encoded from what the A
 * functions return. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tapi.h>

#include "alloc.h"
#include "varstruct.h"
#include "wide.h"

/* A PHONECAPS (2.2 layout) with a name, a class list and a DWORD array. */
static PHONECAPS *sample_caps(char *buf, size_t size)
{
	static const char classes[] = "tapi/phone\0wave/out\0";
	static const DWORD sizes[2] = { 256, 4096 };
	PHONECAPS *caps = (PHONECAPS *)buf;

	memset(buf, 0, size);
	caps->dwTotalSize = (DWORD)size;
	ot_var_begin(caps, sizeof(PHONECAPS));
	caps->dwStringFormat = STRINGFORMAT_ASCII;
	caps->dwNumSetData = 2;
	caps->dwPhoneFeatures = PHONEFEATURE_SETDATA;
	ot_var_append(caps, offsetof(PHONECAPS, dwPhoneNameSize), "T\xC3\xA9l", 5);
	ot_var_append(caps, offsetof(PHONECAPS, dwSetDataSize), sizes, sizeof(sizes));
	ot_var_append(caps, offsetof(PHONECAPS, dwDeviceClassesSize), classes, sizeof(classes));
	return caps;
}

static void caps_become_utf16(void **state)
{
	char a[512], w[512];
	PHONECAPS *wc = (PHONECAPS *)w;
	char16_t name[4], classes[21];
	DWORD sizes[2];

	(void)state;
	sample_caps(a, sizeof(a));
	memset(w, 0xEE, sizeof(w));
	wc->dwTotalSize = sizeof(w);
	assert_int_equal(ot_wide_repack(w, a, sizeof(PHONECAPS), ot_wide_caps_parts, 10,
					offsetof(PHONECAPS, dwStringFormat)), 0);
	assert_int_equal(wc->dwStringFormat, STRINGFORMAT_UNICODE);
	assert_int_equal(wc->dwPhoneFeatures, PHONEFEATURE_SETDATA);
	assert_int_equal(wc->dwNumSetData, 2);
	assert_int_equal(wc->dwPhoneNameSize, 8); /* "Tél" + NUL: 4 units */
	memcpy(name, w + wc->dwPhoneNameOffset, 8);
	assert_int_equal(name[1], 0x00E9);
	assert_int_equal(name[3], 0);
	assert_int_equal(wc->dwSetDataSize, 8); /* DWORDs copied unchanged */
	memcpy(sizes, w + wc->dwSetDataOffset, 8);
	assert_int_equal(sizes[1], 4096);
	assert_int_equal(wc->dwDeviceClassesSize, 42); /* 21 units, both NULs kept */
	memcpy(classes, w + wc->dwDeviceClassesOffset, 42);
	assert_int_equal(classes[10], 0);
	assert_int_equal(classes[11], u'w');
	assert_int_equal(classes[20], 0);
	assert_int_equal(wc->dwNeededSize, sizeof(PHONECAPS) + 8 + 8 + 42);
	assert_int_equal(wc->dwUsedSize, wc->dwNeededSize);
	assert_int_equal(wc->dwTotalSize, sizeof(w));
}

static void parts_that_do_not_fit_are_left_out_whole(void **state)
{
	char a[512], w[512];
	PHONECAPS *wc = (PHONECAPS *)w;

	(void)state;
	sample_caps(a, sizeof(a));
	memset(w, 0, sizeof(w));
	wc->dwTotalSize = sizeof(PHONECAPS) + 10; /* the name (8) fits, nothing else */
	assert_int_equal(ot_wide_repack(w, a, sizeof(PHONECAPS), ot_wide_caps_parts, 10,
					offsetof(PHONECAPS, dwStringFormat)), 0);
	assert_int_equal(wc->dwPhoneNameSize, 8);
	assert_int_equal(wc->dwSetDataSize, 0);
	assert_int_equal(wc->dwSetDataOffset, 0);
	assert_int_equal(wc->dwDeviceClassesSize, 0);
	assert_int_equal(wc->dwUsedSize, sizeof(PHONECAPS) + 8);
	assert_int_equal(wc->dwNeededSize, sizeof(PHONECAPS) + 8 + 8 + 42);
}

static void an_incomplete_a_structure_still_tells_what_is_needed(void **state)
{
	char a[512], w[512];
	PHONECAPS *ac = (PHONECAPS *)a, *wc = (PHONECAPS *)w;

	(void)state;
	sample_caps(a, sizeof(a));
	ac->dwNeededSize += 10; /* a part the A function could not hold */
	memset(w, 0, sizeof(w));
	wc->dwTotalSize = sizeof(w);
	assert_int_equal(ot_wide_repack(w, a, sizeof(PHONECAPS), ot_wide_caps_parts, 10,
					offsetof(PHONECAPS, dwStringFormat)), 0);
	assert_int_equal(wc->dwNeededSize, wc->dwUsedSize + 20);
}

static void binary_strings_stay_bytes(void **state)
{
	char a[64], w[64];
	VARSTRING *av = (VARSTRING *)a, *wv = (VARSTRING *)w;
	DWORD id = 7;

	(void)state;
	memset(a, 0, sizeof(a));
	av->dwTotalSize = sizeof(a);
	ot_var_begin(a, sizeof(VARSTRING));
	av->dwStringFormat = STRINGFORMAT_BINARY;
	ot_var_append(a, offsetof(VARSTRING, dwStringSize), &id, sizeof(id));
	memset(w, 0, sizeof(w));
	wv->dwTotalSize = sizeof(w);
	assert_int_equal(ot_wide_repack(w, a, sizeof(VARSTRING), ot_wide_varstring_parts, 1,
					offsetof(VARSTRING, dwStringFormat)), 0);
	assert_int_equal(wv->dwStringFormat, STRINGFORMAT_BINARY);
	assert_int_equal(wv->dwStringSize, 4);
	assert_int_equal(ot_var_get(w, wv->dwStringOffset), 7);
}

static void status_text_without_a_format_field(void **state)
{
	char a[256], w[256];
	PHONESTATUS *ws = (PHONESTATUS *)w;
	char16_t owner[3];

	(void)state;
	memset(a, 0, sizeof(a));
	((PHONESTATUS *)a)->dwTotalSize = sizeof(a);
	ot_var_begin(a, 100); /* a TAPI 1.x PHONESTATUS */
	ot_var_append(a, offsetof(PHONESTATUS, dwOwnerNameSize), "me", 3);
	memset(w, 0, sizeof(w));
	ws->dwTotalSize = sizeof(w);
	assert_int_equal(ot_wide_repack(w, a, 100, ot_wide_status_parts, 4, -1), 0);
	assert_int_equal(ws->dwOwnerNameOffset, 100);
	memcpy(owner, w + 100, 6);
	assert_int_equal(owner[0], u'm');
	assert_int_equal(owner[2], 0);
}

static void button_text_narrows(void **state)
{
	char w[64];
	PHONEBUTTONINFO *wb = (PHONEBUTTONINFO *)w, *a = NULL;
	static const char16_t text[] = u"H\u00e9";

	(void)state;
	memset(w, 0, sizeof(w));
	wb->dwTotalSize = sizeof(w);
	wb->dwButtonMode = PHONEBUTTONMODE_FEATURE;
	wb->dwButtonTextSize = sizeof(text);
	wb->dwButtonTextOffset = 40;
	memcpy(w + 40, text, sizeof(text));
	assert_int_equal(ot_wide_narrow_button_info(wb, 40, &a), 0);
	assert_int_equal(a->dwButtonMode, PHONEBUTTONMODE_FEATURE);
	assert_string_equal((char *)a + a->dwButtonTextOffset, "H\xC3\xA9");
	ot_free(a);
	a = NULL;
	wb->dwButtonTextOffset = 60; /* outside dwTotalSize: the A function refuses it */
	assert_int_equal(ot_wide_narrow_button_info(wb, 40, &a), 1);
	wb->dwButtonTextOffset = 40;
	w[40] = 0x00;
	w[41] = (char)0xDC; /* a lone low surrogate */
	assert_int_equal(ot_wide_narrow_button_info(wb, 40, &a), (LONG)PHONEERR_INVALPARAM);
}

/* ---- the W entry points under allocation failure (embedded, partsprov) ---- */

static char dir[] = "/tmp/ot-wide-XXXXXX";
static char config_path[256];

static int setup(void **state)
{
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(config_path, sizeof(config_path), "%s/opentapi.conf", dir);
	f = fopen(config_path, "w");
	assert_non_null(f);
	fputs("[phone \"P\"]\nprovider = partsprov\n", f);
	fclose(f);
	setenv("OPENTAPI_CONFIG", config_path, 1);
	setenv("OPENTAPI_STATE_DIR", dir, 1);
	setenv("OPENTAPI_SERVER", "embedded", 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(config_path);
	rmdir(dir);
	return 0;
}

enum { CAPS, STATUS, BUTTON, ID, SET_BUTTON, NUM_CALLS };

static LONG call(int which, HPHONEAPP app, HPHONE h, char *buf)
{
	static const char16_t text[] = u"W\u00e9";
	PHONEBUTTONINFO *bi = (PHONEBUTTONINFO *)buf;

	memset(buf, 0, 512);
	bi->dwTotalSize = 512;
	switch (which) {
	case CAPS:
		return phoneGetDevCapsW(app, 0, 0x00020002, 0, (PHONECAPS *)buf);
	case STATUS:
		return phoneGetStatusW(h, (PHONESTATUS *)buf);
	case BUTTON:
		return phoneGetButtonInfoW(h, 12, bi);
	case ID:
		return phoneGetIDW(h, (VARSTRING *)buf, u"wave/out");
	default:
		bi->dwButtonTextSize = sizeof(text);
		bi->dwButtonTextOffset = 40;
		memcpy(buf + 40, text, sizeof(text));
		return phoneSetButtonInfoW(h, 12, bi);
	}
}

/* Every allocation of every W function can fail: PHONEERR_NOMEM, and nothing leaks. */
static void w_functions_allocation_sweep(void **state)
{
	PHONEINITIALIZEEXPARAMS p = { .dwTotalSize = sizeof(p),
				      .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	static char buf[512];
	PHONEMESSAGE m;
	DWORD n, v = 0x00020002;
	HPHONEAPP app;
	HPHONE h;
	long live, k;
	int which;
	LONG rc;

	(void)state;
	assert_int_equal(phoneInitializeExW(&app, NULL, NULL, u"w", &n, &v, &p), 0);
	assert_int_equal(phoneOpen(app, 0, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER), 0);
	for (which = 0; which < NUM_CALLS; which++) {
		assert_true(call(which, app, h, buf) >= 0); /* tables grow once, for good */
		while (phoneGetMessage(app, &m, 0) == 0)
			;
		live = ot_alloc_live();
		for (k = 0;; k++) {
			ot_alloc_fail_after(k);
			rc = call(which, app, h, buf);
			ot_alloc_fail_after(-1);
			if (rc >= 0)
				break;
			assert_int_equal(rc, (LONG)PHONEERR_NOMEM);
			assert_int_equal(ot_alloc_live(), live);
			assert_true(k < 30);
		}
		while (phoneGetMessage(app, &m, 0) == 0)
			;
	}
	assert_int_equal(phoneShutdown(app), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(caps_become_utf16),
		cmocka_unit_test(parts_that_do_not_fit_are_left_out_whole),
		cmocka_unit_test(an_incomplete_a_structure_still_tells_what_is_needed),
		cmocka_unit_test(binary_strings_stay_bytes),
		cmocka_unit_test(status_text_without_a_format_field),
		cmocka_unit_test(button_text_narrows),
		cmocka_unit_test_setup_teardown(w_functions_allocation_sweep, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
