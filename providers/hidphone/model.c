/* SPDX-License-Identifier: MIT */
/* model.c — see model.h. Usages are those of the HID Usage Tables: Telephony Device page 0x0B,
 * LED page 0x08, Button page 0x09, Consumer page 0x0C. */
#include "model.h"

#include <string.h>

#define TEL(id) HID_USAGE(0x0B, id)
#define LED(id) HID_USAGE(0x08, id)

#define HOOK_SWITCH TEL(0x20)
#define SPEAKER_PHONE TEL(0x2B)
#define KEY_0 TEL(0xB0)
#define KEY_POUND TEL(0xBB)

/* The keys that are TAPI buttons, with their function and the LED that is their lamp. */
static const struct {
	uint32_t usage;
	DWORD function;
	int led;
} keys[] = {
	{ TEL(0x21), PHONEBUTTONFUNCTION_FLASH, -1 },
	{ TEL(0x23), PHONEBUTTONFUNCTION_HOLD, HIDPHONE_LED_HOLD },
	{ TEL(0x24), PHONEBUTTONFUNCTION_LASTNUM, -1 },   /* Redial */
	{ TEL(0x25), PHONEBUTTONFUNCTION_TRANSFER, -1 },
	{ TEL(0x26), PHONEBUTTONFUNCTION_DROP, -1 },
	{ TEL(0x27), PHONEBUTTONFUNCTION_PARK, -1 },
	{ TEL(0x28), PHONEBUTTONFUNCTION_FORWARD, -1 },   /* Forward Calls */
	{ TEL(0x2A), PHONEBUTTONFUNCTION_CALLAPP, HIDPHONE_LED_ON_LINE }, /* Line */
	{ SPEAKER_PHONE, PHONEBUTTONFUNCTION_SPEAKERON, HIDPHONE_LED_SPEAKER },
	{ TEL(0x2C), PHONEBUTTONFUNCTION_CONFERENCE, -1 },
	{ TEL(0x2F), PHONEBUTTONFUNCTION_MUTE, HIDPHONE_LED_MUTE }, /* Phone Mute */
	{ TEL(0x30), PHONEBUTTONFUNCTION_CALLID, -1 },
	{ TEL(0x31), PHONEBUTTONFUNCTION_SEND, -1 },
	{ TEL(0x50), PHONEBUTTONFUNCTION_ABBREVDIAL, -1 }, /* Speed Dial */
	{ TEL(0x53), PHONEBUTTONFUNCTION_DIRECTORY, -1 },
	{ TEL(0x70), PHONEBUTTONFUNCTION_MSGINDICATOR, HIDPHONE_LED_MESSAGE }, /* Voice Mail */
	{ TEL(0x72), PHONEBUTTONFUNCTION_DONOTDISTURB, -1 },
	{ HID_USAGE(0x0C, 0xE9), PHONEBUTTONFUNCTION_VOLUMEUP, -1 },
	{ HID_USAGE(0x0C, 0xEA), PHONEBUTTONFUNCTION_VOLUMEDOWN, -1 },
};

static const uint32_t led_usages[HIDPHONE_NUM_LEDS] = {
	[HIDPHONE_LED_OFF_HOOK] = LED(0x17), [HIDPHONE_LED_RING] = LED(0x18),
	[HIDPHONE_LED_MUTE] = LED(0x09),     [HIDPHONE_LED_HOLD] = LED(0x20),
	[HIDPHONE_LED_SPEAKER] = LED(0x1E),  [HIDPHONE_LED_MESSAGE] = LED(0x19),
	[HIDPHONE_LED_ON_LINE] = LED(0x2A),  [HIDPHONE_LED_MICROPHONE] = LED(0x21),
};

/* A phone's own collection: Phone, Handset or Headset. */
static int is_phone_app(uint32_t u)
{
	return u == TEL(0x01) || u == TEL(0x04) || u == TEL(0x05);
}

/* Collections that join the device's first phone: a separate Key Pad, the Consumer Control
 * collection that carries the volume keys. */
static int is_aux_app(uint32_t u)
{
	return u == TEL(0x06) || u == HID_USAGE(0x0C, 0x01);
}

static int has_button(const struct hidphone_model *m, uint32_t usage)
{
	unsigned i;

	for (i = 0; i < m->nbuttons; i++)
		if (m->buttons[i].usage == usage && m->buttons[i].in.field >= 0)
			return 1;
	return 0;
}

static void add_button(struct hidphone_model *m, uint32_t usage, DWORD mode, DWORD function,
		       struct hidphone_control in, int relative, int led)
{
	struct hidphone_button *b;

	if (m->nbuttons == HIDPHONE_MAX_BUTTONS || has_button(m, usage))
		return;
	b = &m->buttons[m->nbuttons++];
	b->usage = usage;
	b->mode = mode;
	b->function = function;
	b->in = in;
	b->relative = relative;
	b->led = led;
}

/* One input control of the phone's collections. */
static void classify(struct hidphone_model *m, uint32_t u, struct hidphone_control in, int rel)
{
	size_t k;

	if (u == HOOK_SWITCH) {
		if (m->hook.field < 0) {
			m->hook = in;
			m->hook_relative = rel;
		}
		return;
	}
	if (u >= KEY_0 && u <= KEY_POUND) {
		struct hidphone_button *b = &m->buttons[u - KEY_0];

		if (b->in.field < 0) { /* the reserved keypad position, until now without a key */
			b->usage = u;
			b->mode = PHONEBUTTONMODE_KEYPAD;
			b->in = in;
			b->relative = rel;
		}
		return;
	}
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (keys[k].usage == u) {
			add_button(m, u, PHONEBUTTONMODE_FEATURE, keys[k].function, in, rel,
				   keys[k].led);
			return;
		}
	if ((u >> 16) == 0x09) /* a programmable button (Button page) */
		add_button(m, u, PHONEBUTTONMODE_FEATURE, PHONEBUTTONFUNCTION_NONE, in, rel, -1);
}

static void output(struct hidphone_model *m, uint32_t u, struct hidphone_control out)
{
	int l;

	for (l = 0; l < HIDPHONE_NUM_LEDS; l++)
		if (led_usages[l] == u && m->leds[l].field < 0)
			m->leds[l] = out;
}

static int keypad_usage(const struct hid_desc *d, const struct hid_field *f)
{
	uint32_t j;

	for (j = 0; j < f->nusages; j++) {
		uint32_t u = d->usages[f->first + j];

		if (u >= KEY_0 && u <= KEY_POUND)
			return 1;
	}
	return 0;
}

/* The controls of field f (in one of the phone's collections). */
static void take_field(struct hidphone_model *m, const struct hid_desc *d, int fi)
{
	const struct hid_field *f = &d->fields[fi];
	int var = (f->flags & HID_VARIABLE) != 0, rel = (f->flags & HID_RELATIVE) != 0;
	uint32_t n = var ? f->count : f->nusages, i;

	if (f->flags & HID_CONSTANT)
		return;
	for (i = 0; i < n; i++) {
		struct hidphone_control c = { fi, i, !var };
		uint32_t u = var ? hid_field_usage(d, f, i) : d->usages[f->first + i];

		if (f->type == HID_INPUT)
			classify(m, u, c, rel);
		else if (f->type == HID_OUTPUT && var)
			output(m, u, c);
	}
}

/* Lamps: each LED that belongs to a button becomes its lamp; one without its button (and that
 * is not the off-hook or ring indicator) becomes a lamp-only position. */
static void pair_leds(struct hidphone_model *m)
{
	static const struct hidphone_control none = { -1, 0, 0 };
	int used[HIDPHONE_NUM_LEDS] = { 0 };
	unsigned i;
	int l;

	for (i = 0; i < m->nbuttons; i++) {
		l = m->buttons[i].led;
		if (l >= 0 && m->leds[l].field >= 0)
			used[l] = 1;
		else
			m->buttons[i].led = -1;
	}
	for (l = HIDPHONE_LED_MUTE; l < HIDPHONE_NUM_LEDS; l++)
		if (m->leds[l].field >= 0 && !used[l] && m->nbuttons < HIDPHONE_MAX_BUTTONS)
			m->buttons[m->nbuttons++] = (struct hidphone_button){
				led_usages[l], PHONEBUTTONMODE_DUMMY, PHONEBUTTONFUNCTION_NONE,
				none, 0, l
			};
}

/* The model of the phone whose collection is apps[app]; with_aux: the auxiliary collections
 * join it. Returns whether it has anything of a phone. */
static int build(const struct hid_desc *d, uint32_t app, int with_aux, struct hidphone_model *m)
{
	uint32_t fi;
	int l, keypad = 0, speaker = 0;

	memset(m, 0, sizeof(*m));
	m->app = app;
	m->app_usage = d->apps[app];
	m->hook.field = -1;
	for (l = 0; l < HIDPHONE_NUM_LEDS; l++)
		m->leds[l].field = -1;
	for (fi = 0; fi < d->nfields; fi++) {
		const struct hid_field *f = &d->fields[fi];
		int mine = f->app == app ||
			   (with_aux && f->app < d->napps && is_aux_app(d->apps[f->app]));

		if (mine && f->type == HID_INPUT && keypad_usage(d, f))
			keypad = 1;
	}
	if (keypad) { /* IDs 0-11 are the keypad's, by digit; keys it lacks are dummies */
		for (m->nbuttons = 0; m->nbuttons < HIDPHONE_KEYPAD_KEYS; m->nbuttons++) {
			struct hidphone_button *b = &m->buttons[m->nbuttons];

			b->usage = KEY_0 + m->nbuttons;
			b->mode = PHONEBUTTONMODE_DUMMY;
			b->function = PHONEBUTTONFUNCTION_NONE;
			b->in.field = -1;
			b->led = -1;
		}
	}
	for (fi = 0; fi < d->nfields; fi++) {
		const struct hid_field *f = &d->fields[fi];

		if (f->app == app || (with_aux && f->app < d->napps && is_aux_app(d->apps[f->app])))
			take_field(m, d, (int)fi);
	}
	speaker = has_button(m, SPEAKER_PHONE);
	if (m->hook.field >= 0)
		m->hook_dev = m->app_usage == TEL(0x05) ? PHONEHOOKSWITCHDEV_HEADSET
			      : speaker               ? PHONEHOOKSWITCHDEV_SPEAKER
						      : PHONEHOOKSWITCHDEV_HANDSET;
	pair_leds(m);
	for (l = 0; l < HIDPHONE_NUM_LEDS; l++)
		if (m->leds[l].field >= 0)
			return 1;
	return m->hook.field >= 0 || m->nbuttons > 0;
}

unsigned hidphone_models(const struct hid_desc *d, struct hidphone_model *out, unsigned max)
{
	unsigned n = 0;
	uint32_t a;
	int first = 1;

	for (a = 0; a < d->napps && n < max; a++) {
		if (!is_phone_app(d->apps[a]))
			continue;
		if (build(d, a, first, &out[n]))
			n++;
		first = 0;
	}
	/* A key pad alone is a phone of its own. */
	for (a = 0; first && a < d->napps && n < max; a++)
		if (d->apps[a] == TEL(0x06) && build(d, a, 0, &out[n]))
			n++;
	return n;
}
