/* SPDX-License-Identifier: MIT */
/* model.h — a HID telephony device as a TAPI phone, derived from its report descriptor alone
 * (no per-model list): the table of docs/providers/hidphone.md.
 *
 * Owns: finding the telephony application collections (Phone 0x0B:0x01, Handset 0x04, Headset
 * 0x05, Key Pad 0x06) and mapping their controls: the hook switch to a hookswitch device, the
 * keys to TAPI buttons (PHONEBUTTONFUNCTION_, the keypad by digit), the LEDs to lamps, the hook
 * and the ringer.
 * Must not: do I/O, allocate, or trust the descriptor beyond what report_desc.c checked.
 */
#ifndef HIDPHONE_MODEL_H
#define HIDPHONE_MODEL_H

#include <stdint.h>

#include <tapi.h>

#include "report_desc.h"

#define HIDPHONE_MAX_BUTTONS 64
#define HIDPHONE_KEYPAD_KEYS 12 /* 0-9, * (ID 10) and # (ID 11), as TAPI numbers a keypad */

/* The LEDs (page 0x08) a phone drives. Off-hook and ring follow phoneSetHookSwitch and
 * phoneSetRing; the others are lamps of buttons (or lamp-only positions). */
enum hidphone_led {
	HIDPHONE_LED_OFF_HOOK,
	HIDPHONE_LED_RING,
	HIDPHONE_LED_MUTE,
	HIDPHONE_LED_HOLD,
	HIDPHONE_LED_SPEAKER,
	HIDPHONE_LED_MESSAGE,
	HIDPHONE_LED_ON_LINE,
	HIDPHONE_LED_MICROPHONE,
	HIDPHONE_NUM_LEDS,
};

/* Where a control is: a field of the descriptor and the element in it (field -1: absent). For
 * an array field the element is found by value instead (array = 1). */
struct hidphone_control {
	int field;
	uint32_t element;
	int array;
};

struct hidphone_button {
	uint32_t usage;
	DWORD mode, function; /* PHONEBUTTONMODE_, PHONEBUTTONFUNCTION_ */
	struct hidphone_control in;
	int relative;         /* reported as a toggle rather than as pressed / not pressed */
	int led;              /* its lamp: an enum hidphone_led, or -1 */
};

struct hidphone_model {
	uint32_t app;         /* index of the application collection in hid_desc.apps */
	uint32_t app_usage;
	DWORD hook_dev;       /* PHONEHOOKSWITCHDEV_ of the collection; 0 without a hook switch */
	struct hidphone_control hook;
	int hook_relative;    /* the device sends the hook switch as a toggle, not a state */
	/* Button/lamp IDs: 0-11 the keypad when the device has one (IDs without a key are
	 * PHONEBUTTONMODE_DUMMY), then the other buttons in descriptor order. */
	unsigned nbuttons;
	struct hidphone_button buttons[HIDPHONE_MAX_BUTTONS];
	struct hidphone_control leds[HIDPHONE_NUM_LEDS]; /* output fields */
};

/**
 * hidphone_models() - The phones of a parsed descriptor: one per telephony application
 * collection that has a hook switch, a key or an LED.
 * Returns how many were written to out (at most max).
 */
unsigned hidphone_models(const struct hid_desc *d, struct hidphone_model *out, unsigned max);

#endif
