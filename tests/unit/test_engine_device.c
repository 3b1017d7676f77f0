/* SPDX-License-Identifier: MIT */
/* Unit tests of the engine's calls on a device's parts (setters.c, getters.c, ident.c, caps.c):
 * every check it makes before a provider sees a request, in order, and the message rules of
 * versions. Driven directly, with the test providers partsprov (phones with every part) and
 * testprov (a provider that exports none of these functions). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <tapi.h>

#include "alloc.h"
#include "config.h"
#include "engine.h"
#include "internal.h"
#include "varstruct.h"

#define MAX_EVENTS 64

struct recorder {
	struct ot_event events[MAX_EVENTS];
	int count;
};

static void record_event(void *ctx, const struct ot_event *ev)
{
	struct recorder *r = ctx;

	if (r->count < MAX_EVENTS)
		r->events[r->count++] = *ev;
}

static const struct ot_sink sink = { record_event, NULL, NULL };

enum { PARTS, PARTIAL, OLD, BARE };

/* Partial: lamps, handset volume and handset hookswitch only. */
static const char config_text[] = "[phone \"Parts\"]\n"
				  "provider = partsprov\n"
				  "[phone \"Partial\"]\n"
				  "provider = partsprov\n"
				  "features = 0x02900A40\n"
				  "[phone \"Old\"]\n"
				  "provider = partsprov\n"
				  "tspi = 0x00010004\n"
				  "[phone \"Bare\"]\n"
				  "provider = testprov\n";

struct fixture {
	struct ot_engine *e;
	struct ot_client *c;
	struct recorder r;
	HPHONEAPP app;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct ot_config *cfg;
	char err[256];

	assert_int_equal(ot_config_parse(config_text, strlen(config_text), "test", &cfg, err,
					 sizeof(err)), 0);
	assert_int_equal(ot_engine_create(cfg, &f->e, err, sizeof(err)), 0);
	ot_config_free(cfg);
	f->c = ot_engine_client_new(f->e, &sink, &f->r);
	assert_non_null(f->c);
	assert_int_equal(ot_engine_app_new(f->e, f->c, "unit", 0x00020002, 1, &f->app), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ot_engine_destroy(f->e);
	free(f);
	return 0;
}

static HPHONE open_v(struct fixture *f, DWORD dev, DWORD priv, DWORD version)
{
	HPHONE h = 0;

	assert_int_equal(ot_engine_open(f->e, f->c, f->app, dev, &h, version, 0, 0x77, priv), 0);
	return h;
}

static HPHONE open_phone(struct fixture *f, DWORD dev, DWORD priv)
{
	return open_v(f, dev, priv, 0x00020002);
}

/* A request was accepted and answered by exactly one successful PHONE_REPLY. */
static void assert_replied(struct fixture *f, LONG id)
{
	int i, replies = 0;

	assert_true(id > 0);
	for (i = 0; i < f->r.count; i++) {
		const PHONEMESSAGE *m = &f->r.events[i].msg;

		if (m->dwMessageID == PHONE_REPLY && (LONG)m->dwParam1 == id) {
			assert_int_equal(m->dwParam2, 0);
			assert_int_equal(m->dwCallbackInstance, 0x77);
			replies++;
		}
	}
	assert_int_equal(replies, 1);
}

static void setters_need_an_owner(void **state)
{
	struct fixture *f = *state;
	HPHONE mon = open_phone(f, PARTS, PHONEPRIVILEGE_MONITOR);
	PHONEBUTTONINFO bi = { .dwTotalSize = sizeof(bi) };

	assert_int_equal(ot_engine_set_display(f->e, f->c, mon, 0, 0, "x", 2), (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(ot_engine_set_lamp(f->e, f->c, mon, 12, PHONELAMPMODE_STEADY),
			 (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(ot_engine_set_button_info(f->e, f->c, mon, 12, &bi), (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(ot_engine_set_hookswitch(f->e, f->c, mon, 1, PHONEHOOKSWITCHMODE_MIC),
			 (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(ot_engine_set_ring(f->e, f->c, mon, 1, 5), (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(ot_engine_set_level(f->e, f->c, mon, OT_LEVEL_VOLUME, 1, 5),
			 (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(ot_engine_set_level(f->e, f->c, mon, OT_LEVEL_GAIN, 1, 5),
			 (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(ot_engine_set_display(f->e, f->c, 0x4242, 0, 0, "x", 2),
			 (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(f->r.count, 0);
}

static void display_rows_columns_pointer_text(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_phone(f, PARTS, PHONEPRIVILEGE_OWNER);
	static char big[OT_DISPLAY_MAX + 1];
	union {
		VARSTRING vs;
		char bytes[512];
	} u = { .vs.dwTotalSize = sizeof(u) };
	LONG id;

	assert_int_equal(ot_engine_set_display(f->e, f->c, h, 2, 0, "x", 2), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(ot_engine_set_display(f->e, f->c, h, 0, 40, "x", 2), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(ot_engine_set_display(f->e, f->c, h, 0, 0, big, sizeof(big)),
			 (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(ot_engine_set_display(f->e, f->c, h, 0, 0, NULL, 3), (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(ot_engine_set_display(f->e, f->c, h, 0, 0, "\xC0\x80", 3),
			 (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(f->r.count, 0);
	/* The text ends at its first NUL or after dwSize bytes, whichever comes first. */
	id = ot_engine_set_display(f->e, f->c, h, 1, 38, "H\xC3\xA9llo", 3);
	assert_replied(f, id);
	assert_int_equal(ot_engine_get_display(f->e, f->c, h, &u.vs), 0);
	assert_int_equal(u.vs.dwStringFormat, STRINGFORMAT_ASCII);
	assert_int_equal(u.vs.dwStringSize, 80 + 2); /* é is two bytes, plus the NUL */
	assert_memory_equal(u.bytes + u.vs.dwStringOffset + 78, "H\xC3\xA9", 3);
	u.vs.dwTotalSize = sizeof(VARSTRING) - 1;
	assert_int_equal(ot_engine_get_display(f->e, f->c, h, &u.vs), (LONG)PHONEERR_STRUCTURETOOSMALL);
	assert_int_equal(ot_engine_get_display(f->e, f->c, h, NULL), (LONG)PHONEERR_INVALPOINTER);
	ot_engine_close(f->e, f->c, h);
}

static void lamps(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_phone(f, PARTS, PHONEPRIVILEGE_OWNER);
	HPHONE mon = open_phone(f, PARTS, PHONEPRIVILEGE_MONITOR);
	DWORD mode = 0;

	assert_int_equal(ot_engine_set_lamp(f->e, f->c, h, 16, PHONELAMPMODE_STEADY),
			 (LONG)PHONEERR_INVALBUTTONLAMPID);
	/* keypad buttons have no lamp */
	assert_int_equal(ot_engine_set_lamp(f->e, f->c, h, 3, PHONELAMPMODE_STEADY),
			 (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(ot_engine_set_lamp(f->e, f->c, h, 12, 0), (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(ot_engine_set_lamp(f->e, f->c, h, 12,
					    PHONELAMPMODE_STEADY | PHONELAMPMODE_WINK),
			 (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(ot_engine_set_lamp(f->e, f->c, h, 12, PHONELAMPMODE_DUMMY),
			 (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(ot_engine_set_lamp(f->e, f->c, h, 12, PHONELAMPMODE_UNKNOWN),
			 (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(ot_engine_set_lamp(f->e, f->c, h, 12, PHONELAMPMODE_BROKENFLUTTER),
			 (LONG)PHONEERR_INVALLAMPMODE);
	assert_replied(f, ot_engine_set_lamp(f->e, f->c, h, 13, PHONELAMPMODE_WINK));
	assert_int_equal(ot_engine_get_lamp(f->e, f->c, mon, 13, &mode), 0);
	assert_int_equal(mode, PHONELAMPMODE_WINK);
	assert_int_equal(ot_engine_get_lamp(f->e, f->c, mon, 16, &mode), (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(ot_engine_get_lamp(f->e, f->c, mon, 0, NULL), (LONG)PHONEERR_INVALPOINTER);
	ot_engine_close(f->e, f->c, h);
	ot_engine_close(f->e, f->c, mon);
}

/* A PHONEBUTTONINFO with text, in a buffer of 128 bytes. */
static PHONEBUTTONINFO *button(char *buf, DWORD fixed, const char *text)
{
	PHONEBUTTONINFO *bi = (PHONEBUTTONINFO *)buf;

	memset(buf, 0, 128);
	bi->dwTotalSize = 128;
	bi->dwButtonMode = PHONEBUTTONMODE_FEATURE;
	bi->dwButtonFunction = PHONEBUTTONFUNCTION_HOLD;
	bi->dwButtonTextSize = (DWORD)strlen(text) + 1;
	bi->dwButtonTextOffset = fixed + 8;
	memcpy(buf + fixed + 8, text, strlen(text) + 1);
	return bi;
}

static void button_info(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_phone(f, PARTS, PHONEPRIVILEGE_OWNER);
	char buf[128], out[128];
	PHONEBUTTONINFO *bi = button(buf, sizeof(PHONEBUTTONINFO), "Hold");
	PHONEBUTTONINFO *got = (PHONEBUTTONINFO *)out;

	assert_int_equal(ot_engine_set_button_info(f->e, f->c, h, 16, bi),
			 (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(ot_engine_set_button_info(f->e, f->c, h, 12, NULL), (LONG)PHONEERR_INVALPOINTER);
	bi->dwTotalSize = sizeof(PHONEBUTTONINFO) - 1;
	assert_int_equal(ot_engine_set_button_info(f->e, f->c, h, 12, bi),
			 (LONG)PHONEERR_STRUCTURETOOSMALL);
	bi->dwTotalSize = 50; /* the text (at 48, 5 bytes) does not lie inside */
	assert_int_equal(ot_engine_set_button_info(f->e, f->c, h, 12, bi),
			 (LONG)PHONEERR_STRUCTURETOOSMALL);
	bi->dwTotalSize = 128;
	assert_replied(f, ot_engine_set_button_info(f->e, f->c, h, 12, bi));
	memset(out, 0xEE, sizeof(out));
	got->dwTotalSize = sizeof(out);
	assert_int_equal(ot_engine_get_button_info(f->e, f->c, h, 12, got), 0);
	assert_int_equal(got->dwButtonMode, PHONEBUTTONMODE_FEATURE);
	assert_int_equal(got->dwButtonFunction, PHONEBUTTONFUNCTION_HOLD);
	assert_int_equal(got->dwButtonState, PHONEBUTTONSTATE_UP);
	assert_string_equal(out + got->dwButtonTextOffset, "Hold");
	assert_int_equal(got->dwNeededSize, got->dwUsedSize);
	got->dwTotalSize = sizeof(PHONEBUTTONINFO) - 1;
	assert_int_equal(ot_engine_get_button_info(f->e, f->c, h, 12, got),
			 (LONG)PHONEERR_STRUCTURETOOSMALL);
	assert_int_equal(ot_engine_get_button_info(f->e, f->c, h, 16, got),
			 (LONG)PHONEERR_INVALBUTTONLAMPID);
	ot_engine_close(f->e, f->c, h);
}

/* A TAPI 1.3 handle: 36-byte PHONEBUTTONINFO, no dwButtonState anywhere. */
static void button_info_13(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_v(f, PARTS, PHONEPRIVILEGE_OWNER, 0x00010003);
	char buf[128], out[128];
	PHONEBUTTONINFO *bi = button(buf, 36, "Old text");
	PHONEBUTTONINFO *got = (PHONEBUTTONINFO *)out;

	bi->dwTotalSize = 36 + 8 + 9;
	assert_replied(f, ot_engine_set_button_info(f->e, f->c, h, 14, bi));
	memset(out, 0xEE, sizeof(out));
	got->dwTotalSize = 36;
	assert_int_equal(ot_engine_get_button_info(f->e, f->c, h, 14, got), 0);
	assert_int_equal(got->dwUsedSize, 36);
	assert_int_equal(got->dwNeededSize, 36 + 9 + 4);
	got->dwTotalSize = sizeof(out);
	assert_int_equal(ot_engine_get_button_info(f->e, f->c, h, 14, got), 0);
	assert_int_equal(got->dwButtonTextOffset, 36);
	assert_string_equal(out + 36, "Old text");
	got->dwTotalSize = 35;
	assert_int_equal(ot_engine_get_button_info(f->e, f->c, h, 14, got),
			 (LONG)PHONEERR_STRUCTURETOOSMALL);
	ot_engine_close(f->e, f->c, h);
}

static void hookswitch(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_phone(f, PARTS, PHONEPRIVILEGE_OWNER);
	DWORD devs = 9;

	assert_int_equal(ot_engine_set_hookswitch(f->e, f->c, h, 0, PHONEHOOKSWITCHMODE_MIC),
			 (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(ot_engine_set_hookswitch(f->e, f->c, h, 8, PHONEHOOKSWITCHMODE_MIC),
			 (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(ot_engine_set_hookswitch(f->e, f->c, h, 1, 0),
			 (LONG)PHONEERR_INVALHOOKSWITCHMODE);
	assert_int_equal(ot_engine_set_hookswitch(f->e, f->c, h, 1, 3),
			 (LONG)PHONEERR_INVALHOOKSWITCHMODE);
	assert_int_equal(ot_engine_set_hookswitch(f->e, f->c, h, 1, PHONEHOOKSWITCHMODE_UNKNOWN),
			 (LONG)PHONEERR_INVALHOOKSWITCHMODE);
	/* MIC is not settable on the headset, so not on a mask that has it */
	assert_int_equal(ot_engine_set_hookswitch(f->e, f->c, h, 5, PHONEHOOKSWITCHMODE_MIC),
			 (LONG)PHONEERR_INVALHOOKSWITCHMODE);
	assert_replied(f, ot_engine_set_hookswitch(f->e, f->c, h, 3,
						   PHONEHOOKSWITCHMODE_MICSPEAKER));
	assert_int_equal(ot_engine_get_hookswitch(f->e, f->c, h, &devs), 0);
	assert_int_equal(devs, 3);
	assert_int_equal(ot_engine_get_hookswitch(f->e, f->c, h, NULL), (LONG)PHONEERR_INVALPOINTER);
	ot_engine_close(f->e, f->c, h);
}

static void ring_volume_gain(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_phone(f, PARTS, PHONEPRIVILEGE_OWNER);
	DWORD mode = 0, volume = 0;
	int k;

	assert_int_equal(ot_engine_set_ring(f->e, f->c, h, 5, 0), (LONG)PHONEERR_INVALRINGMODE);
	assert_replied(f, ot_engine_set_ring(f->e, f->c, h, 4, 0x12345));
	assert_int_equal(ot_engine_get_ring(f->e, f->c, h, &mode, &volume), 0);
	assert_int_equal(mode, 4);
	assert_int_equal(volume, 0xFFFF); /* clamped */
	assert_int_equal(ot_engine_get_ring(f->e, f->c, h, &mode, NULL), (LONG)PHONEERR_INVALPOINTER);
	for (k = OT_LEVEL_VOLUME; k <= OT_LEVEL_GAIN; k++) {
		static const DWORD bad[] = { 0, 3, 8, 0x80000000u };
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			assert_int_equal(ot_engine_set_level(f->e, f->c, h, k, bad[i], 1),
					 (LONG)PHONEERR_INVALHOOKSWITCHDEV);
			assert_int_equal(ot_engine_get_level(f->e, f->c, h, k, bad[i], &volume),
					 (LONG)PHONEERR_INVALHOOKSWITCHDEV);
		}
		assert_replied(f, ot_engine_set_level(f->e, f->c, h, k, PHONEHOOKSWITCHDEV_HEADSET,
						      0x10000));
		assert_int_equal(ot_engine_get_level(f->e, f->c, h, k, PHONEHOOKSWITCHDEV_HEADSET,
						     &volume), 0);
		assert_int_equal(volume, 0xFFFF);
		assert_int_equal(ot_engine_get_level(f->e, f->c, h, k, PHONEHOOKSWITCHDEV_HEADSET,
						     NULL), (LONG)PHONEERR_INVALPOINTER);
	}
	ot_engine_close(f->e, f->c, h);
}

/* Partial has lamps, handset volume and handset hookswitch only. */
static void features_gate_every_function(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_phone(f, PARTIAL, PHONEPRIVILEGE_OWNER);
	char buf[128];
	union {
		VARSTRING vs;
		char bytes[64];
	} u = { .vs.dwTotalSize = sizeof(u) };
	DWORD v, m;

	assert_int_equal(ot_engine_set_display(f->e, f->c, h, 0, 0, "x", 2),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_engine_get_display(f->e, f->c, h, &u.vs), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_engine_set_button_info(f->e, f->c, h, 12, button(buf, 40, "x")),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_engine_get_button_info(f->e, f->c, h, 12, (PHONEBUTTONINFO *)buf),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_engine_set_ring(f->e, f->c, h, 1, 1), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_engine_get_ring(f->e, f->c, h, &m, &v), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_engine_set_level(f->e, f->c, h, OT_LEVEL_GAIN, 1, 1),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_engine_get_level(f->e, f->c, h, OT_LEVEL_GAIN, 1, &v),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	/* per hookswitch device */
	assert_int_equal(ot_engine_set_level(f->e, f->c, h, OT_LEVEL_VOLUME, 2, 1),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_engine_get_level(f->e, f->c, h, OT_LEVEL_VOLUME, 4, &v),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_replied(f, ot_engine_set_level(f->e, f->c, h, OT_LEVEL_VOLUME, 1, 7));
	assert_int_equal(ot_engine_set_hookswitch(f->e, f->c, h, 3, PHONEHOOKSWITCHMODE_MIC),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_replied(f, ot_engine_set_hookswitch(f->e, f->c, h, 1, PHONEHOOKSWITCHMODE_MIC));
	assert_replied(f, ot_engine_set_lamp(f->e, f->c, h, 12, PHONELAMPMODE_FLASH));
	ot_engine_close(f->e, f->c, h);
}

/* TSPI 1.x has no dwPhoneFeatures nor settable modes: what exists may be used. */
static void tspi_1x_provider(void **state)
{
	struct fixture *f = *state;
	HPHONE h;

	h = open_v(f, OLD, PHONEPRIVILEGE_OWNER, 0x00010004);
	assert_replied(f, ot_engine_set_hookswitch(f->e, f->c, h, 4, PHONEHOOKSWITCHMODE_MIC));
	assert_replied(f, ot_engine_set_display(f->e, f->c, h, 0, 0, "old", 4));
	ot_engine_close(f->e, f->c, h);
}

/* testprov exports none of these functions and has no parts. */
static void provider_without_the_functions(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_phone(f, BARE, PHONEPRIVILEGE_OWNER);
	union {
		VARSTRING vs;
		char bytes[64];
	} u = { .vs.dwTotalSize = sizeof(u) };
	DWORD v, m;
	char name[OT_ICON_NAME_MAX];

	assert_int_equal(ot_engine_set_lamp(f->e, f->c, h, 0, PHONELAMPMODE_OFF),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_engine_get_lamp(f->e, f->c, h, 0, &v), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_engine_get_hookswitch(f->e, f->c, h, &v), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_engine_get_ring(f->e, f->c, h, &m, &v), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_engine_get_level(f->e, f->c, h, OT_LEVEL_VOLUME, 1, &v),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	/* phoneGetID answers "tapi/phone" itself */
	assert_int_equal(ot_engine_get_id(f->e, f->c, h, "Tapi/Phone", &u.vs), 0);
	assert_int_equal(u.vs.dwStringFormat, STRINGFORMAT_BINARY);
	assert_int_equal(u.vs.dwStringSize, sizeof(DWORD));
	assert_int_equal(ot_var_get(u.bytes, u.vs.dwStringOffset), BARE);
	assert_int_equal(ot_engine_get_id(f->e, f->c, h, "wave/out", &u.vs),
			 (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(ot_engine_get_icon(f->e, BARE, NULL, name), 0);
	assert_string_equal(name, OT_DEFAULT_ICON);
	assert_int_equal(ot_engine_get_icon(f->e, BARE, "wave/out", name),
			 (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(ot_engine_config_dialog(f->e, BARE, NULL, NULL), (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ot_engine_config_dialog(f->e, BARE, NULL, "wave/out"),
			 (LONG)PHONEERR_INVALDEVICECLASS);
	ot_engine_close(f->e, f->c, h);
}

static void get_id(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_phone(f, PARTS, PHONEPRIVILEGE_MONITOR);
	static char long_class[OT_CLASS_MAX + 1];
	union {
		VARSTRING vs;
		char bytes[64];
	} u = { .vs.dwTotalSize = sizeof(u) };

	assert_int_equal(ot_engine_get_id(f->e, f->c, h, NULL, &u.vs), (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(ot_engine_get_id(f->e, f->c, h, "tapi/phone", NULL),
			 (LONG)PHONEERR_INVALPOINTER);
	u.vs.dwTotalSize = sizeof(VARSTRING) - 1;
	assert_int_equal(ot_engine_get_id(f->e, f->c, h, "tapi/phone", &u.vs),
			 (LONG)PHONEERR_STRUCTURETOOSMALL);
	u.vs.dwTotalSize = sizeof(u);
	assert_int_equal(ot_engine_get_id(f->e, f->c, h, "tapi/phone", &u.vs), 0);
	assert_int_equal(ot_var_get(u.bytes, u.vs.dwStringOffset), PARTS);
	assert_int_equal(ot_engine_get_id(f->e, f->c, h, "WAVE/OUT", &u.vs), 0);
	assert_int_equal(u.vs.dwStringFormat, STRINGFORMAT_ASCII);
	assert_string_equal(u.bytes + u.vs.dwStringOffset, "wave-out-0 \xc3\xa9");
	/* listed, and the provider's answer stands */
	assert_int_equal(ot_engine_get_id(f->e, f->c, h, "comm", &u.vs), (LONG)PHONEERR_OPERATIONFAILED);
	assert_int_equal(ot_engine_get_id(f->e, f->c, h, "tapi/line", &u.vs),
			 (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(ot_engine_get_id(f->e, f->c, h, "", &u.vs), (LONG)PHONEERR_INVALDEVICECLASS);
	memset(long_class, 'a', OT_CLASS_MAX);
	assert_int_equal(ot_engine_get_id(f->e, f->c, h, long_class, &u.vs),
			 (LONG)PHONEERR_INVALDEVICECLASS);
	ot_engine_close(f->e, f->c, h);
}

static void icon_and_config_dialog(void **state)
{
	struct fixture *f = *state;
	char name[OT_ICON_NAME_MAX];

	assert_int_equal(ot_engine_get_icon(f->e, PARTS, NULL, name), 0);
	assert_string_equal(name, "partsprov-phone");
	assert_int_equal(ot_engine_get_icon(f->e, PARTS, "", name), 0);
	assert_string_equal(name, "partsprov-phone");
	assert_int_equal(ot_engine_get_icon(f->e, PARTS, "TAPI/PHONE", name), 0);
	assert_int_equal(ot_engine_get_icon(f->e, PARTS, "wave/out", name), 0);
	assert_string_equal(name, "audio-card");
	assert_int_equal(ot_engine_get_icon(f->e, PARTS, "comm", name), (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(ot_engine_get_icon(f->e, 99, NULL, name), (LONG)PHONEERR_BADDEVICEID);

	assert_int_equal(ot_engine_config_dialog(f->e, PARTS, NULL, NULL), 0);
	assert_int_equal(ot_engine_config_dialog(f->e, PARTS, NULL, "tapi/phone"), 0);
	assert_int_equal(ot_engine_config_dialog(f->e, PARTS, NULL, "wave/out"), 0);
	assert_int_equal(ot_engine_config_dialog(f->e, PARTS, NULL, "comm"), (LONG)PHONEERR_INUSE);
	assert_int_equal(ot_engine_config_dialog(f->e, PARTS, NULL, "nope"),
			 (LONG)PHONEERR_INVALDEVICECLASS);
	assert_int_equal(ot_engine_config_dialog(f->e, 99, NULL, NULL), (LONG)PHONEERR_BADDEVICEID);
}

/* The last PHONE_STATE / PHONE_BUTTON for handle h, or NULL. */
static const PHONEMESSAGE *last_for(struct fixture *f, HPHONE h, DWORD msg)
{
	int i;

	for (i = f->r.count - 1; i >= 0; i--)
		if (f->r.events[i].msg.hDevice == h && f->r.events[i].msg.dwMessageID == msg)
			return &f->r.events[i].msg;
	return NULL;
}

static void command(struct fixture *f, HPHONE h, const char *cmd)
{
	assert_true(ot_engine_dev_specific(f->e, f->c, h, cmd, (DWORD)strlen(cmd) + 1) > 0);
}

static void messages_follow_the_handle_version(void **state)
{
	struct fixture *f = *state;
	HPHONE old = open_v(f, PARTS, PHONEPRIVILEGE_MONITOR, 0x00010003);
	HPHONE v14 = open_v(f, PARTS, PHONEPRIVILEGE_MONITOR, 0x00010004);
	HPHONE owner = open_phone(f, PARTS, PHONEPRIVILEGE_OWNER);
	const PHONEMESSAGE *m;

	assert_int_equal(ot_engine_set_status_messages(f->e, f->c, old, 0x003FFFFF, 0x3F, 3), 0);
	assert_int_equal(ot_engine_set_status_messages(f->e, f->c, v14, 0x00FFFFFF, 0x3F, 0xF), 0);
	f->r.count = 0;
	command(f, owner, "state 0x00800000 0"); /* REMOVED */
	assert_null(last_for(f, old, PHONE_STATE));
	assert_non_null(m = last_for(f, v14, PHONE_STATE));
	assert_int_equal(m->dwParam1, PHONESTATE_REMOVED);
	f->r.count = 0;
	command(f, owner, "button 12 4 4"); /* UNKNOWN */
	assert_null(last_for(f, old, PHONE_BUTTON));
	assert_non_null(last_for(f, v14, PHONE_BUTTON));
	command(f, owner, "button 12 4 2"); /* DOWN */
	assert_non_null(last_for(f, old, PHONE_BUTTON));
	f->r.count = 0;
	command(f, owner, "capschange");
	assert_non_null(m = last_for(f, old, PHONE_STATE));
	assert_int_equal(m->dwParam1, PHONESTATE_REINIT);
	assert_non_null(m = last_for(f, v14, PHONE_STATE));
	assert_int_equal(m->dwParam1, PHONESTATE_CAPSCHANGE);
	/* The engine read the capabilities again: the display is gone. */
	assert_int_equal(ot_engine_set_display(f->e, f->c, owner, 0, 0, "x", 2),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	ot_engine_close(f->e, f->c, old);
	ot_engine_close(f->e, f->c, v14);
	ot_engine_close(f->e, f->c, owner);
}

static void phone_initialize_apps_follow_what_they_negotiate(void **state)
{
	struct fixture *f = *state;
	PHONEEXTENSIONID ext;
	struct ot_app *a;
	HPHONEAPP app;
	DWORD v;

	assert_int_equal(ot_engine_app_new(f->e, f->c, "old", 0x00010003, 7, &app), 0);
	a = ot_handles_get(&f->e->apps, app);
	assert_int_equal(ot_engine_negotiate_api_version(f->e, f->c, app, PARTS, 0x00010003,
							 0x00010003, &v, &ext), 0);
	assert_int_equal(a->api_version, 0x00010003);
	assert_int_equal(ot_engine_negotiate_api_version(f->e, f->c, app, PARTS, 0x00010003,
							 0x00020002, &v, &ext), 0);
	assert_int_equal(a->api_version, 0x00010004); /* never beyond 1.4: no PHONE_REMOVE */
	assert_int_equal(ot_engine_app_free(f->e, f->c, app), 0);
}

/* A device that is gone answers NODEVICE, never asking its provider again. */
static void removed_device(void **state)
{
	struct fixture *f = *state;
	char name[OT_ICON_NAME_MAX];

	pthread_mutex_lock(&f->e->lock);
	ot_device_gone(f->e, f->e->devices[PARTS]);
	pthread_mutex_unlock(&f->e->lock);
	assert_int_equal(ot_engine_get_icon(f->e, PARTS, NULL, name), (LONG)PHONEERR_NODEVICE);
	assert_int_equal(ot_engine_config_dialog(f->e, PARTS, NULL, NULL), (LONG)PHONEERR_NODEVICE);
}

static void version_of_a_handle(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_v(f, PARTS, PHONEPRIVILEGE_MONITOR, 0x00010004);
	DWORD v = 0;

	assert_int_equal(ot_engine_phone_version(f->e, f->c, h, &v), 0);
	assert_int_equal(v, 0x00010004);
	ot_engine_close(f->e, f->c, h);
	assert_int_equal(ot_engine_phone_version(f->e, f->c, h, &v), (LONG)PHONEERR_INVALPHONEHANDLE);
}

static VARSTRING *varstring(char *buf)
{
	memset(buf, 0, 64);
	((VARSTRING *)buf)->dwTotalSize = 64;
	return (VARSTRING *)buf;
}

/* Every allocation of the requests that copy something can fail: PHONEERR_NOMEM, no leak. */
static void allocation_sweeps(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_phone(f, PARTS, PHONEPRIVILEGE_OWNER);
	char buf[128];
	long live, n;
	int which;
	LONG rc;

	/* The first request grows the request table for good; that is not a leak. */
	assert_replied(f, ot_engine_set_lamp(f->e, f->c, h, 12, PHONELAMPMODE_OFF));
	live = ot_alloc_live();
	for (which = 0; which < 3; which++) {
		for (n = 0;; n++) {
			ot_alloc_fail_after(n);
			if (which == 0)
				rc = ot_engine_set_display(f->e, f->c, h, 0, 0, "sweep", 6);
			else if (which == 1)
				rc = ot_engine_set_button_info(f->e, f->c, h, 12,
							       button(buf, 40, "sweep"));
			else
				rc = ot_engine_get_id(f->e, f->c, h, "wave/out", varstring(buf));
			ot_alloc_fail_after(-1);
			if (rc >= 0)
				break;
			assert_int_equal(rc, (LONG)PHONEERR_NOMEM);
			assert_int_equal(ot_alloc_live(), live);
			assert_true(n < 20);
		}
	}
	ot_engine_close(f->e, f->c, h);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(setters_need_an_owner),
		T(display_rows_columns_pointer_text),
		T(lamps),
		T(button_info),
		T(button_info_13),
		T(hookswitch),
		T(ring_volume_gain),
		T(features_gate_every_function),
		T(tspi_1x_provider),
		T(provider_without_the_functions),
		T(get_id),
		T(icon_and_config_dialog),
		T(messages_follow_the_handle_version),
		T(phone_initialize_apps_follow_what_they_negotiate),
		T(version_of_a_handle),
		T(removed_device),
		T(allocation_sweeps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
