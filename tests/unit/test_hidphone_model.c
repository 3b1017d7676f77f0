/* SPDX-License-Identifier: MIT */
/* test_hidphone_model.c — the hidphone provider's report descriptor parser and the mapping of a
 * HID telephony device to a TAPI phone (providers/hidphone/report_desc.c, model.c): a real
 * headset's descriptor, a desk phone with every kind of control, reports read and written bit
 * by bit, and descriptors a device must not be able to get past the parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "report_desc.h"

/* Plantronics Blackwire 3220 Series (USB 047F:C056), interface 3, its Headset collection: the
 * bytes of the device's descriptor as macOS's USB Prober showed them, published with libusb's
 * hidapi as test data (windows/test/data/047F_C056_0005_000B_real.rpt_desc). */
static const uint8_t blackwire3220[] = {
	0x05, 0x0B, 0x09, 0x05, 0xA1, 0x01, 0x85, 0x08, 0x15, 0x00, 0x25, 0x01, 0x09, 0x2F, 0x75,
	0x01, 0x95, 0x01, 0x81, 0x06, 0x09, 0x20, 0x09, 0x21, 0x75, 0x01, 0x95, 0x02, 0x81, 0x22,
	0x95, 0x05, 0x81, 0x01, 0x05, 0x08, 0x85, 0x09, 0x09, 0x09, 0x95, 0x01, 0x91, 0x22, 0x95,
	0x07, 0x91, 0x01, 0x85, 0x17, 0x09, 0x17, 0x95, 0x01, 0x91, 0x22, 0x95, 0x07, 0x91, 0x01,
	0x85, 0x18, 0x09, 0x18, 0x95, 0x01, 0x91, 0x22, 0x95, 0x07, 0x91, 0x01, 0x85, 0x1E, 0x09,
	0x1E, 0x95, 0x01, 0x91, 0x22, 0x95, 0x07, 0x91, 0x01, 0x85, 0x20, 0x09, 0x20, 0x95, 0x01,
	0x91, 0x22, 0x95, 0x07, 0x91, 0x01, 0x85, 0x2A, 0x09, 0x2A, 0x95, 0x01, 0x91, 0x22, 0x95,
	0x07, 0x91, 0x01, 0xC0,
};

/* A desk phone, written for this test to have a control of every kind: a Phone collection with
 * a hook switch, Redial, Drop, Hold and two programmable buttons (bits, report 1), the keypad as
 * an array of keys 0-9, * and # (report 2), LEDs for off-hook, ring, hold and message waiting
 * (report 3); and a Consumer Control collection with the volume keys (report 4). */
static const uint8_t deskphone[] = {
	0x05, 0x0B, 0x09, 0x01, 0xA1, 0x01,       /* Telephony: Phone, Application */
	0x85, 0x01, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01,
	0x09, 0x20, 0x09, 0x24, 0x09, 0x26, 0x09, 0x23, 0x95, 0x04, 0x81, 0x22, /* hook .. hold */
	0x05, 0x09, 0x19, 0x01, 0x29, 0x02, 0x95, 0x02, 0x81, 0x02, /* Button 1, 2 */
	0x95, 0x02, 0x81, 0x01,                   /* padding */
	0x05, 0x0B, 0x09, 0x06, 0xA1, 0x02,       /* Key Pad, Logical */
	0x85, 0x02, 0x19, 0xB0, 0x29, 0xBB, 0x15, 0x01, 0x25, 0x0C, 0x75, 0x08, 0x95, 0x01,
	0x81, 0x00,                               /* Input (Data, Array, Abs) */
	0xC0,
	0x05, 0x08, 0x85, 0x03, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01,
	0x09, 0x17, 0x09, 0x18, 0x09, 0x20, 0x09, 0x19, 0x95, 0x04, 0x91, 0x22,
	0x95, 0x04, 0x91, 0x01,
	0xC0,
	0x05, 0x0C, 0x09, 0x01, 0xA1, 0x01,       /* Consumer Control */
	0x85, 0x04, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x09, 0xE9, 0x09, 0xEA, 0x95, 0x02,
	0x81, 0x06, 0x95, 0x06, 0x81, 0x01,
	0xC0,
};

static struct hid_desc D;
static char err[256];

static const struct hid_field *field_of(const struct hidphone_control *c)
{
	assert_true(c->field >= 0 && (uint32_t)c->field < D.nfields);
	return &D.fields[c->field];
}

static const struct hidphone_button *button(const struct hidphone_model *m, uint32_t usage)
{
	unsigned i;

	for (i = 0; i < m->nbuttons; i++)
		if (m->buttons[i].usage == usage)
			return &m->buttons[i];
	fail_msg("no button of usage 0x%08x", usage);
	return NULL;
}

static void blackwire_is_a_headset(void **state)
{
	struct hidphone_model m[2];
	const struct hidphone_button *mute, *flash, *hold;
	const struct hid_field *f;

	(void)state;
	assert_int_equal(hid_desc_parse(blackwire3220, sizeof(blackwire3220), &D, err, sizeof(err)),
			 0);
	assert_int_equal(D.napps, 1);
	assert_int_equal(D.apps[0], HID_USAGE(0x0B, 0x05));
	assert_true(D.uses_report_ids);
	assert_int_equal(hidphone_models(&D, m, 2), 1);

	/* The hook switch is a state (absolute), in report 8, bit 1. */
	assert_int_equal(m[0].hook_dev, PHONEHOOKSWITCHDEV_HEADSET);
	assert_false(m[0].hook_relative);
	f = field_of(&m[0].hook);
	assert_int_equal(f->report_id, 8);
	assert_int_equal(f->bit_offset + m[0].hook.element * f->bit_size, 1);

	/* Phone Mute is a toggle (relative), with the Mute LED as its lamp; Flash a state. */
	mute = button(&m[0], HID_USAGE(0x0B, 0x2F));
	assert_int_equal(mute->function, PHONEBUTTONFUNCTION_MUTE);
	assert_int_equal(mute->mode, PHONEBUTTONMODE_FEATURE);
	assert_true(mute->relative);
	assert_int_equal(mute->led, HIDPHONE_LED_MUTE);
	flash = button(&m[0], HID_USAGE(0x0B, 0x21));
	assert_int_equal(flash->function, PHONEBUTTONFUNCTION_FLASH);
	assert_false(flash->relative);
	assert_int_equal(flash->led, -1);

	/* Every LED in a report of its own (ID = the LED's usage, 1 byte). */
	assert_int_equal(field_of(&m[0].leds[HIDPHONE_LED_OFF_HOOK])->report_id, 0x17);
	assert_int_equal(field_of(&m[0].leds[HIDPHONE_LED_RING])->report_id, 0x18);
	assert_int_equal(field_of(&m[0].leds[HIDPHONE_LED_MUTE])->report_id, 0x09);
	assert_int_equal(hid_report_length(&D, HID_OUTPUT, 0x17), 1);
	assert_int_equal(hid_report_length(&D, HID_INPUT, 8), 1);
	/* Hold, Speaker and On-Line have no key here: lamp-only positions. */
	hold = button(&m[0], HID_USAGE(0x08, 0x20));
	assert_int_equal(hold->mode, PHONEBUTTONMODE_DUMMY);
	assert_int_equal(hold->led, HIDPHONE_LED_HOLD);
	assert_int_equal(hold->in.field, -1);
	assert_int_equal(button(&m[0], HID_USAGE(0x08, 0x1E))->led, HIDPHONE_LED_SPEAKER);
	assert_int_equal(button(&m[0], HID_USAGE(0x08, 0x2A))->led, HIDPHONE_LED_ON_LINE);
	assert_int_equal(m[0].nbuttons, 5);
}

static void deskphone_has_every_control(void **state)
{
	struct hidphone_model m[2];
	const struct hidphone_button *b;
	const struct hid_field *f;
	unsigned k;

	(void)state;
	assert_int_equal(hid_desc_parse(deskphone, sizeof(deskphone), &D, err, sizeof(err)), 0);
	assert_int_equal(D.napps, 2);
	assert_int_equal(hidphone_models(&D, m, 2), 1);
	assert_int_equal(m[0].app_usage, HID_USAGE(0x0B, 0x01));
	assert_int_equal(m[0].hook_dev, PHONEHOOKSWITCHDEV_HANDSET);

	/* IDs 0-11: the keypad by digit, * and #, read from the array of report 2. */
	for (k = 0; k < HIDPHONE_KEYPAD_KEYS; k++) {
		b = &m[0].buttons[k];
		assert_int_equal(b->usage, HID_USAGE(0x0B, 0xB0 + k));
		assert_int_equal(b->mode, PHONEBUTTONMODE_KEYPAD);
		assert_true(b->in.array);
		assert_int_equal(b->in.element, k);
		assert_int_equal(field_of(&b->in)->report_id, 2);
	}
	assert_int_equal(button(&m[0], HID_USAGE(0x0B, 0x24))->function,
			 PHONEBUTTONFUNCTION_LASTNUM);
	assert_int_equal(button(&m[0], HID_USAGE(0x0B, 0x26))->function, PHONEBUTTONFUNCTION_DROP);
	b = button(&m[0], HID_USAGE(0x0B, 0x23));
	assert_int_equal(b->function, PHONEBUTTONFUNCTION_HOLD);
	assert_int_equal(b->led, HIDPHONE_LED_HOLD); /* the Hold LED is the Hold key's lamp */
	b = button(&m[0], HID_USAGE(0x09, 0x02));
	assert_int_equal(b->function, PHONEBUTTONFUNCTION_NONE);
	assert_int_equal(b->mode, PHONEBUTTONMODE_FEATURE);
	/* The volume keys come from the Consumer Control collection of the same device. */
	b = button(&m[0], HID_USAGE(0x0C, 0xE9));
	assert_int_equal(b->function, PHONEBUTTONFUNCTION_VOLUMEUP);
	assert_true(b->relative);
	assert_int_equal(button(&m[0], HID_USAGE(0x0C, 0xEA))->function,
			 PHONEBUTTONFUNCTION_VOLUMEDOWN);
	/* Message waiting has no key: a lamp of its own. */
	assert_int_equal(button(&m[0], HID_USAGE(0x08, 0x19))->mode, PHONEBUTTONMODE_DUMMY);
	/* 12 keypad + Redial, Drop, Hold, Button 1, Button 2, Vol+, Vol-, the message lamp. */
	assert_int_equal(m[0].nbuttons, 20);
	f = field_of(&m[0].leds[HIDPHONE_LED_RING]);
	assert_int_equal(f->report_id, 3);
	assert_int_equal(f->bit_offset + m[0].leds[HIDPHONE_LED_RING].element, 1);
}

/* Reports read and written where the descriptor says, sign and neighbours respected. */
static void reports_bit_by_bit(void **state)
{
	static const uint8_t desc[] = {
		0x05, 0x0B, 0x09, 0x01, 0xA1, 0x01,
		0x75, 0x03, 0x95, 0x01, 0x15, 0xFC, 0x25, 0x03, 0x09, 0x2F, 0x81, 0x02, /* -4..3 */
		0x75, 0x09, 0x15, 0x00, 0x26, 0xFF, 0x01, 0x09, 0x20, 0x81, 0x02, /* 0..511 */
		0xC0,
	};
	uint8_t report[3] = { 0 };
	const struct hid_field *small, *wide;
	int32_t v;

	(void)state;
	assert_int_equal(hid_desc_parse(desc, sizeof(desc), &D, err, sizeof(err)), 0);
	assert_int_equal(D.nfields, 2);
	assert_false(D.uses_report_ids);
	small = &D.fields[0];
	wide = &D.fields[1];
	assert_int_equal(small->logical_min, -4);
	assert_int_equal(wide->logical_max, 511); /* 0x01FF, the minimum being 0 */
	assert_int_equal(wide->bit_offset, 3);
	assert_int_equal(hid_report_length(&D, HID_INPUT, 0), 2);
	assert_int_equal(hid_field_put(small, 0, -3, report, 2), 0);
	assert_int_equal(hid_field_put(wide, 0, 0x155, report, 2), 0);
	assert_int_equal(report[0], 0x05 | (0x155 << 3 & 0xFF));
	assert_int_equal(hid_field_get(small, 0, report, 2, &v), 0);
	assert_int_equal(v, -3);
	assert_int_equal(hid_field_get(wide, 0, report, 2, &v), 0);
	assert_int_equal(v, 0x155);
	/* A report shorter than the field: refused, nothing read or written past it. */
	assert_int_equal(hid_field_get(wide, 0, report, 1, &v), -1);
	assert_int_equal(hid_field_put(wide, 0, 1, report, 1), -1);
	assert_int_equal(hid_field_get(small, 1, report, 2, &v), -1); /* no element 1 */
}

static void expect_refused(const uint8_t *desc, size_t len, const char *why)
{
	assert_int_equal(hid_desc_parse(desc, len, &D, err, sizeof(err)), -1);
	if (!strstr(err, why))
		fail_msg("expected '%s', got '%s'", why, err);
}

static void malformed_descriptors_are_refused(void **state)
{
	static const uint8_t cut[] = { 0x05, 0x0B, 0x26, 0xFF };
	static const uint8_t open_coll[] = { 0x09, 0x01, 0xA1, 0x01 };
	static const uint8_t extra_end[] = { 0xC0 };
	static const uint8_t wide[] = { 0x75, 0x21 };
	static const uint8_t pop[] = { 0xB4 };
	static const uint8_t id0[] = { 0x85, 0x00 };
	static const uint8_t long_cut[] = { 0xFE, 0x05, 0x00, 0x01 };
	static const uint8_t reserved[] = { 0x0C };
	static const uint8_t huge[] = { 0x75, 0x20, 0x96, 0xFF, 0xFF, 0x81, 0x02 };
	uint8_t deep[2 * (HID_MAX_DEPTH + 1)], fields[6 + 2 * (HID_MAX_FIELDS + 1)];
	size_t i, n = 0;

	(void)state;
	expect_refused(cut, sizeof(cut), "byte 2: an item cut short");
	expect_refused(open_coll, sizeof(open_coll), "a Collection never ended");
	expect_refused(extra_end, sizeof(extra_end), "End Collection without a Collection");
	expect_refused(wide, sizeof(wide), "more than 32 bits");
	expect_refused(pop, sizeof(pop), "Pop without Push");
	expect_refused(id0, sizeof(id0), "report ID outside 1 .. 255");
	expect_refused(long_cut, sizeof(long_cut), "long item cut short");
	expect_refused(reserved, sizeof(reserved), "reserved type");
	expect_refused(huge, sizeof(huge), "beyond any report's length");
	for (i = 0; i < HID_MAX_DEPTH + 1; i++) {
		deep[2 * i] = 0xA1;
		deep[2 * i + 1] = 0x02;
	}
	expect_refused(deep, sizeof(deep), "more than 16 deep");
	fields[n++] = 0x75; /* Report Size 1, Report Count 1, then one Input too many */
	fields[n++] = 0x01;
	fields[n++] = 0x95;
	fields[n++] = 0x01;
	for (i = 0; i < HID_MAX_FIELDS + 1; i++) {
		fields[n++] = 0x81;
		fields[n++] = 0x02;
	}
	expect_refused(fields, n, "more fields than this parser keeps");
	/* A long item is skipped; an empty descriptor is a device without reports. */
	{
		static const uint8_t skip[] = { 0xFE, 0x01, 0x00, 0xAA, 0x75, 0x01 };

		assert_int_equal(hid_desc_parse(skip, sizeof(skip), &D, err, sizeof(err)), 0);
		assert_int_equal(hid_desc_parse(skip, 0, &D, err, sizeof(err)), 0);
		assert_int_equal(D.nfields, 0);
	}
}

/* Descriptors that are not telephones give no phone; a keypad alone is one. */
static void only_telephony_collections_are_phones(void **state)
{
	static const uint8_t mouse[] = { 0x05, 0x01, 0x09, 0x02, 0xA1, 0x01, 0x05, 0x09, 0x19,
					 0x01, 0x29, 0x03, 0x75, 0x01, 0x95, 0x03, 0x81, 0x02,
					 0xC0 };
	static const uint8_t keypad[] = { 0x05, 0x0B, 0x09, 0x06, 0xA1, 0x01, 0x19, 0xB0, 0x29,
					  0xBB, 0x15, 0x01, 0x25, 0x0C, 0x75, 0x08, 0x95, 0x02,
					  0x81, 0x00, 0xC0 };
	struct hidphone_model m[2];

	(void)state;
	assert_int_equal(hid_desc_parse(mouse, sizeof(mouse), &D, err, sizeof(err)), 0);
	assert_int_equal(hidphone_models(&D, m, 2), 0);
	assert_int_equal(hid_desc_parse(keypad, sizeof(keypad), &D, err, sizeof(err)), 0);
	assert_int_equal(hidphone_models(&D, m, 2), 1);
	assert_int_equal(m[0].hook_dev, 0);
	assert_int_equal(m[0].nbuttons, HIDPHONE_KEYPAD_KEYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blackwire_is_a_headset),
		cmocka_unit_test(deskphone_has_every_control),
		cmocka_unit_test(reports_bit_by_bit),
		cmocka_unit_test(malformed_descriptors_are_refused),
		cmocka_unit_test(only_telephony_collections_are_phones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
