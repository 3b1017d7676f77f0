/* SPDX-License-Identifier: MIT */
/* test_sim_device.c — the sim provider's device model (providers/sim/device.c, device_config.c):
 * the configuration keys and their errors, capabilities, request checks, changes and the events
 * they cause, text conversions, and the state payload. Pure functions: no provider, no files. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "device.h"

/* ---- helpers -------------------------------------------------------------------------------- */

struct kv {
	const char *key, *value;
};

/* Configures d from key/value pairs (lines 10, 11, ...); returns sim_device_configure's result. */
static int configure(struct sim_device *d, const struct kv *kv, size_t n, char *err, size_t errlen)
{
	struct sim_device_settings s;
	size_t i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < n; i++) {
		struct sim_device_setting *x = sim_device_setting_of(&s, kv[i].key);

		assert_non_null(x);
		x->value = kv[i].value;
		x->line = (unsigned)(10 + i);
	}
	return sim_device_configure(d, &s, err, errlen);
}

static void configure_ok(struct sim_device *d, const struct kv *kv, size_t n)
{
	char err[300] = "";

	if (configure(d, kv, n, err, sizeof(err)) != 0)
		fail_msg("configuration refused: %s", err);
}

/* Expects the configuration to be refused with a message containing want. */
static void configure_bad(const struct kv *kv, size_t n, const char *want)
{
	struct sim_device d;
	char err[300] = "";

	if (configure(&d, kv, n, err, sizeof(err)) != -EINVAL)
		fail_msg("accepted: %s = %s", kv[n - 1].key, kv[n - 1].value);
	if (!strstr(err, want))
		fail_msg("message '%s' lacks '%s'", err, want);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- configuration -------------------------------------------------------------------------- */

/* The built-in default phone (docs/providers/sim.md, "The default phone"). */
static void test_defaults(void **state)
{
	static const char *const keypad = "0123456789*#";
	struct sim_device d;
	uint32_t i;

	(void)state;
	configure_ok(&d, NULL, 0);
	assert_int_equal(d.rows, 2);
	assert_int_equal(d.cols, 40);
	assert_int_equal(d.ring_modes, 4);
	assert_int_equal(d.num_buttons, 22);
	for (i = 0; i < 12; i++) {
		assert_int_equal(d.buttons[i].mode, PHONEBUTTONMODE_KEYPAD);
		assert_int_equal(d.buttons[i].function, PHONEBUTTONFUNCTION_NONE);
		assert_int_equal(d.buttons[i].text[0], keypad[i]);
		assert_int_equal(d.buttons[i].text[1], 0);
		assert_int_equal(d.lamp_modes[i], PHONELAMPMODE_DUMMY);
	}
	assert_int_equal(d.buttons[12].mode, PHONEBUTTONMODE_CALL);
	assert_int_equal(d.buttons[12].function, PHONEBUTTONFUNCTION_CALLAPP);
	assert_string_equal(d.buttons[12].text, "Line 1");
	assert_string_equal(d.buttons[14].text, "Hold");
	assert_int_equal(d.buttons[14].function, PHONEBUTTONFUNCTION_HOLD);
	assert_int_equal(d.buttons[18].mode, PHONEBUTTONMODE_LOCAL);
	assert_int_equal(d.buttons[18].function, PHONEBUTTONFUNCTION_MUTE);
	assert_string_equal(d.buttons[19].text, "Vol+");
	assert_int_equal(d.buttons[21].mode, PHONEBUTTONMODE_DUMMY);
	assert_int_equal(d.buttons[21].function, PHONEBUTTONFUNCTION_MSGINDICATOR);
	for (i = 12; i < 22; i++)
		assert_int_equal(d.lamp_modes[i], SIM_LAMP_SETTABLE);
	assert_int_equal(d.hook_devs, 7);
	for (i = 0; i < SIM_NUM_HOOK; i++) {
		assert_int_equal(d.hook_modes[i], SIM_HOOK_MODES);
		assert_int_equal(d.hook_settable[i], SIM_HOOK_MODES);
		assert_int_equal(d.hook_monitored[i], SIM_HOOK_MODES);
	}
	assert_int_equal(d.volume_devs, 7);
	assert_int_equal(d.gain_devs, 7);
	assert_true(sim_device_has_state(&d));
	/* Every feature of TAPI 2.2 (GENERICPHONE is 3.1). */
	assert_int_equal(sim_device_features(&d, 1), 0x0FFFFFFF);
	assert_int_equal(sim_device_features(&d, 0),
			 0x0FFFFFFF & ~(PHONEFEATURE_GETDATA | PHONEFEATURE_SETDATA));
	assert_int_equal(sim_device_states(&d, 0x00020002),
			 0x00FFFFFF & ~(PHONESTATE_OWNER | PHONESTATE_MONITORS | PHONESTATE_REINIT));
	assert_int_equal(sim_device_states(&d, 0x00010003) &
				 (PHONESTATE_CAPSCHANGE | PHONESTATE_REMOVED),
			 0);
	sim_device_free(&d);
}

/* The default written out as docs/providers/sim.md shows it is the same device, down to the
 * layout hash that the state file is checked against. */
static void test_default_written_out(void **state)
{
	static const struct kv kv[] = {
		{ "display", "2x40" },
		{ "buttons", "keypad, call:callapp:Line 1, call:callapp:Line 2, feature:hold:Hold, "
			     "feature:transfer:Transfer, feature:conference:Conference, "
			     "feature:drop:Drop, local:mute:Mute, local:volumeup:Vol+, "
			     "local:volumedown:Vol-, dummy:msgindicator:Message" },
		{ "lamps", "12-21" },
		{ "hookswitch", "handset, speaker, headset" },
		{ "volume", "handset, speaker, headset" },
		{ "gain", "handset, speaker, headset" },
		{ "ring_modes", "4" },
	};
	struct sim_device a, b;

	(void)state;
	configure_ok(&a, NULL, 0);
	configure_ok(&b, kv, N(kv));
	assert_int_equal(a.num_buttons, b.num_buttons);
	assert_memory_equal(a.buttons, b.buttons, a.num_buttons * sizeof(*a.buttons));
	assert_memory_equal(a.lamp_modes, b.lamp_modes, a.num_buttons * 4);
	assert_true(a.layout_hash == b.layout_hash);
	assert_int_equal(a.rows, b.rows);
	assert_int_equal(a.cols, b.cols);
	assert_int_equal(a.hook_devs, b.hook_devs);
	assert_memory_equal(a.hook_modes, b.hook_modes, sizeof(a.hook_modes));
	assert_memory_equal(a.hook_settable, b.hook_settable, sizeof(a.hook_settable));
	assert_memory_equal(a.hook_monitored, b.hook_monitored, sizeof(a.hook_monitored));
	assert_int_equal(a.volume_devs, b.volume_devs);
	assert_int_equal(a.gain_devs, b.gain_devs);
	assert_int_equal(a.ring_modes, b.ring_modes);
	sim_device_free(&a);
	sim_device_free(&b);
}

/* The examples of docs/providers/sim.md. */
static void test_documented_examples(void **state)
{
	static const struct kv reception[] = {
		{ "display", "4x20" },
		{ "buttons", "keypad, call:callapp:Line 1, feature:transfer:Transfer, local:mute:Mute, "
			     "dummy:msgindicator:Messages" },
		{ "lamps", "12-14, 15: off flash" },
		{ "hookswitch", "handset: settable=none, speaker: onhook micspeaker" },
		{ "volume", "handset, speaker" },
		{ "gain", "handset" },
		{ "ring_modes", "8" },
	};
	static const struct kv headset[] = {
		{ "display", "none" },
		{ "buttons", "none" },
		{ "hookswitch", "headset: monitored=onhook+micspeaker" },
		{ "ring_modes", "0" },
	};
	static const struct kv door[] = {
		{ "display", "1x16" }, { "buttons", "dummy:none:Busy" },
		{ "lamps", "0: off steady flash" }, { "hookswitch", "none" }, { "ring_modes", "0" },
	};
	struct sim_device d;

	(void)state;
	configure_ok(&d, reception, N(reception));
	assert_int_equal(d.num_buttons, 16);
	assert_int_equal(d.lamp_modes[15], PHONELAMPMODE_OFF | PHONELAMPMODE_FLASH);
	assert_int_equal(d.hook_settable[0], 0);
	assert_int_equal(d.hook_devs, PHONEHOOKSWITCHDEV_HANDSET | PHONEHOOKSWITCHDEV_SPEAKER);
	sim_device_free(&d);
	configure_ok(&d, headset, N(headset));
	assert_int_equal(d.hook_devs, PHONEHOOKSWITCHDEV_HEADSET);
	assert_int_equal(d.volume_devs, PHONEHOOKSWITCHDEV_HEADSET);
	sim_device_free(&d);
	configure_ok(&d, door, N(door));
	assert_int_equal(d.num_buttons, 1);
	assert_int_equal(d.buttons[0].mode, PHONEBUTTONMODE_DUMMY);
	sim_device_free(&d);
}

static void test_configured(void **state)
{
	static const struct kv kv[] = {
		{ "display", " 4 X 20 " },
		{ "buttons", "keypad, feature:hold:Hold, call:callapp:Line: 1 (a:b), "
			     "display:none:, dummy:msgindicator, local:mute:Stumm \xc3\xa4" },
		{ "lamps", "12, 13-13: off flash, 15 :off steady wink, 16" },
		{ "hookswitch", "handset: settable=none, speaker: onhook micspeaker, "
				"headset: monitored=onhook+micspeaker settable=onhook+mic" },
		{ "volume", "speaker, headset" },
		{ "gain", "none" },
		{ "ring_modes", "0" },
	};
	struct sim_device d;
	uint32_t f;

	(void)state;
	configure_ok(&d, kv, N(kv));
	assert_int_equal(d.rows, 4);
	assert_int_equal(d.cols, 20);
	assert_int_equal(d.num_buttons, 17);
	assert_string_equal(d.buttons[13].text, "Line: 1 (a:b)");
	assert_int_equal(d.buttons[14].mode, PHONEBUTTONMODE_DISPLAY);
	assert_string_equal(d.buttons[14].text, "");
	assert_int_equal(d.buttons[15].mode, PHONEBUTTONMODE_DUMMY);
	assert_string_equal(d.buttons[15].text, "");
	assert_string_equal(d.buttons[16].text, "Stumm \xc3\xa4");
	assert_int_equal(d.lamp_modes[12], SIM_LAMP_SETTABLE);
	assert_int_equal(d.lamp_modes[13], PHONELAMPMODE_OFF | PHONELAMPMODE_FLASH);
	assert_int_equal(d.lamp_modes[14], PHONELAMPMODE_DUMMY);
	assert_int_equal(d.lamp_modes[15],
			 PHONELAMPMODE_OFF | PHONELAMPMODE_STEADY | PHONELAMPMODE_WINK);
	assert_int_equal(d.lamp_modes[16], SIM_LAMP_SETTABLE);
	assert_int_equal(d.hook_devs, 7);
	assert_int_equal(d.hook_modes[0], SIM_HOOK_MODES);
	assert_int_equal(d.hook_settable[0], 0);
	assert_int_equal(d.hook_monitored[0], SIM_HOOK_MODES);
	assert_int_equal(d.hook_modes[1], PHONEHOOKSWITCHMODE_ONHOOK | PHONEHOOKSWITCHMODE_MICSPEAKER);
	assert_int_equal(d.hook_settable[1], d.hook_modes[1]);
	assert_int_equal(d.hook_monitored[2],
			 PHONEHOOKSWITCHMODE_ONHOOK | PHONEHOOKSWITCHMODE_MICSPEAKER);
	assert_int_equal(d.hook_settable[2], PHONEHOOKSWITCHMODE_ONHOOK | PHONEHOOKSWITCHMODE_MIC);
	assert_int_equal(d.volume_devs, PHONEHOOKSWITCHDEV_SPEAKER | PHONEHOOKSWITCHDEV_HEADSET);
	assert_int_equal(d.gain_devs, 0);
	assert_int_equal(d.ring_modes, 0);

	f = sim_device_features(&d, 0);
	assert_int_equal(f & PHONEFEATURE_SETHOOKSWITCHHANDSET, 0);
	assert_int_not_equal(f & PHONEFEATURE_GETHOOKSWITCHHANDSET, 0);
	assert_int_not_equal(f & PHONEFEATURE_SETVOLUMESPEAKER, 0);
	assert_int_equal(f & (PHONEFEATURE_GETVOLUMEHANDSET | PHONEFEATURE_SETVOLUMEHANDSET), 0);
	assert_int_equal(f & (PHONEFEATURE_GETGAINSPEAKER | PHONEFEATURE_SETGAINHEADSET), 0);
	assert_int_equal(f & PHONEFEATURE_SETRING, 0);
	assert_int_not_equal(f & PHONEFEATURE_GETRING, 0);
	assert_int_not_equal(f & PHONEFEATURE_SETLAMP, 0);
	f = sim_device_states(&d, 0x00020000);
	assert_int_equal(f & (PHONESTATE_RINGMODE | PHONESTATE_RINGVOLUME), 0);
	assert_int_equal(f & PHONESTATE_HANDSETVOLUME, 0);
	assert_int_not_equal(f & PHONESTATE_SPEAKERVOLUME, 0);
	assert_int_equal(f & (PHONESTATE_HANDSETGAIN | PHONESTATE_SPEAKERGAIN | PHONESTATE_HEADSETGAIN),
			 0);
	sim_device_free(&d);
}

/* A phone with none of the device parts: nothing but data (and connection) states. */
static void test_bare(void **state)
{
	static const struct kv kv[] = {
		{ "display", "none" }, { "buttons", "none" }, { "hookswitch", "" },
		{ "ring_modes", "0" }, { "lamps", "none" },
	};
	struct sim_device d;

	(void)state;
	configure_ok(&d, kv, N(kv));
	assert_int_equal(d.rows, 0);
	assert_int_equal(d.num_buttons, 0);
	assert_int_equal(d.hook_devs, 0);
	assert_int_equal(d.volume_devs, 0); /* follows the hookswitch devices */
	assert_false(sim_device_has_state(&d));
	assert_int_equal(sim_device_features(&d, 0), PHONEFEATURE_GETRING);
	assert_int_equal(sim_device_states(&d, 0x00020002),
			 PHONESTATE_CONNECTED | PHONESTATE_DISCONNECTED | PHONESTATE_SUSPEND |
				 PHONESTATE_RESUME | PHONESTATE_OTHER | PHONESTATE_DEVSPECIFIC |
				 PHONESTATE_CAPSCHANGE | PHONESTATE_REMOVED);
	sim_device_free(&d);
}

static void test_config_errors(void **state)
{
	static const struct {
		const char *key, *value, *want;
	} bad[] = {
		{ "display", "2x", "line 10: key 'display': '2x' is not ROWSxCOLUMNS" },
		{ "display", "40", "is not ROWSxCOLUMNS (such as 2x40) or none" },
		{ "display", "0x40", "1 to 32 rows" },
		{ "display", "2x257", "1 to 256 columns" },
		{ "display", "-1x4", "is not ROWSxCOLUMNS" },
		{ "buttons", "feature", "'feature' is not MODE:FUNCTION[:TEXT]" },
		{ "buttons", "feature:hold, keypad", "'keypad' must be the first item" },
		{ "buttons", "keypad, keypad", "'keypad' must be the first item" },
		{ "buttons", "keypad:none:5", "keypad keys come from the item 'keypad'" },
		{ "buttons", "button:hold:x", "'button' is not a button mode" },
		{ "buttons", "feature:holdit:x", "'holdit' is not a button function" },
		{ "buttons", "feature:send:x", "'send' is not a button function" },
		{ "buttons", "feature:HOLD:x", "'HOLD' is not a button function" },
		{ "buttons", "feature:hold:x,,feature:hold:y", "empty item" },
		{ "buttons", "feature:hold:0123456789012345678901234567890123456789012345678901234567890123",
		  "is longer than 63 bytes" },
		{ "buttons", "feature:hold:bad \xff text", "is not printable UTF-8" },
		{ "buttons", "feature:hold:tab\there", "is not printable UTF-8" },
		{ "lamps", "22", "button 22 does not exist (the buttons have IDs 0 to 21)" },
		{ "lamps", "12-30", "button 30 does not exist" },
		{ "lamps", "14-12", "'14-12' is not a button ID or a range" },
		{ "lamps", "x", "'x' is not a button ID" },
		{ "lamps", "12, 12", "button 12 is given twice" },
		{ "lamps", "12-14, 13", "button 13 is given twice" },
		{ "lamps", "12: off blink", "'blink' is not a lamp mode" },
		{ "lamps", "12: steady", "need the mode 'off'" },
		{ "lamps", "12-20", "line 10: key 'lamps': button 21 is a dummy" },
		{ "lamps", "none", "button 21 is a dummy (a lamp without a button) and needs a lamp" },
		{ "lamps", "12,,13", "empty item" },
		{ "hookswitch", "phone", "'phone' is not a hookswitch device" },
		{ "hookswitch", "handset, handset", "'handset' is given twice" },
		{ "hookswitch", "handset: mic", "needs the mode 'onhook'" },
		{ "hookswitch", "handset: loud", "'loud' is neither a hookswitch mode" },
		{ "hookswitch", "handset: settable=onhook+loud", "'loud' is not a hookswitch mode" },
		{ "hookswitch", "handset: settable=", "'settable=' is neither a hookswitch mode" },
		{ "hookswitch", "handset: settable=+mic", "'' is not a hookswitch mode" },
		{ "hookswitch", "handset: onhook mic settable=micspeaker",
		  "settable and monitored modes must be modes of the device" },
		{ "hookswitch", "handset: onhook monitored=speaker", "must be modes of the device" },
		{ "volume", "phone", "'phone' is not a hookswitch device" },
		{ "volume", "handset, handset", "'handset' is given twice" },
		{ "ring_modes", "256", "'256' is not a number of ring modes (0 to 255)" },
		{ "ring_modes", "-1", "is not a number of ring modes" },
		{ "ring_modes", "", "is not a number of ring modes" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(bad); i++) {
		struct kv kv = { bad[i].key, bad[i].value };

		configure_bad(&kv, 1, bad[i].want);
	}
	/* Keys that depend on others: the error names the key at fault and its line. */
	{
		static const struct kv kv[] = { { "hookswitch", "handset" }, { "gain", "speaker" } };

		configure_bad(kv, N(kv), "line 11: key 'gain': 'speaker' is not one of the phone's "
					 "hookswitch devices");
	}
	{
		static const struct kv kv[] = { { "buttons", "feature:hold:x" }, { "lamps", "1" } };

		configure_bad(kv, N(kv), "line 11: key 'lamps': button 1 does not exist");
	}
	{
		/* 257 buttons. */
		char big[257 * 14 + 1];
		struct kv kv = { "buttons", big };

		big[0] = '\0';
		for (i = 0; i < 257; i++)
			strcat(big, i ? ",feature:none" : "feature:none");
		configure_bad(&kv, 1, "more than 256 buttons");
		big[strlen(big) - strlen(",feature:none")] = '\0';
		{
			struct sim_device d;

			configure_ok(&d, &kv, 1);
			assert_int_equal(d.num_buttons, 256);
			assert_int_equal(d.lamp_modes[255], SIM_LAMP_SETTABLE);
			sim_device_free(&d);
		}
	}
	assert_null(sim_device_setting_of(&(struct sim_device_settings){ 0 }, "data_areas"));
}

/* Every allocation of sim_device_configure and sim_state_new can fail without a leak. */
static void test_alloc_failures(void **state)
{
	struct sim_device d;
	struct sim_state *s;
	long start = ot_alloc_live(), n;
	char err[100];
	int r;

	(void)state;
	for (n = 0;; n++) {
		ot_alloc_fail_after(n);
		r = configure(&d, NULL, 0, err, sizeof(err));
		ot_alloc_fail_after(-1);
		if (r == 0)
			break;
		assert_int_equal(r, -ENOMEM);
		assert_string_equal(err, "out of memory");
		assert_int_equal(ot_alloc_live(), start);
	}
	assert_true(n >= 2);
	for (n = 0;; n++) {
		ot_alloc_fail_after(n);
		s = sim_state_new(&d);
		ot_alloc_fail_after(-1);
		if (s)
			break;
		assert_int_equal(ot_alloc_live(), start + 2);
	}
	assert_int_equal(n, 1); /* one block: the state, its display and its lamps */
	{
		/* A button change needs a table of its own: prepare may fail, changing nothing. */
		struct sim_change c = { .kind = SIM_SET_BUTTON, .a = 3 };
		struct sim_state *t = sim_state_new(&d);

		assert_non_null(t);
		c.button = d.buttons[3];
		strcpy(c.button.text, "Speed 3");
		ot_alloc_fail_after(0);
		assert_int_equal(sim_state_prepare(&d, s, &c), -ENOMEM);
		ot_alloc_fail_after(-1);
		assert_null(s->buttons);
		assert_int_equal(sim_state_prepare(&d, s, &c), 0);
		sim_change_apply(&d, s, &c, NULL);
		assert_string_equal(sim_state_button(&d, s, 3)->text, "Speed 3");
		/* Copying it needs a table in the copy too. */
		ot_alloc_fail_after(0);
		assert_int_equal(sim_state_copy(&d, t, s), -ENOMEM);
		ot_alloc_fail_after(-1);
		assert_string_equal(sim_state_button(&d, t, 3)->text, d.buttons[3].text);
		assert_int_equal(sim_state_copy(&d, t, s), 0);
		assert_string_equal(sim_state_button(&d, t, 3)->text, "Speed 3");
		sim_state_free(t);
	}
	sim_state_free(s);
	sim_device_free(&d);
	assert_int_equal(ot_alloc_live(), start);
}

/* ---- checks and changes --------------------------------------------------------------------- */

static void test_checks(void **state)
{
	static const struct kv kv[] = {
		{ "hookswitch", "handset: settable=onhook+mic, speaker" },
		{ "volume", "speaker" },
		{ "gain", "handset" },
	};
	struct sim_device d;
	int i = -1;

	(void)state;
	configure_ok(&d, kv, N(kv));
	assert_int_equal(sim_check_lamp(&d, 12, PHONELAMPMODE_STEADY), 0);
	assert_int_equal(sim_check_lamp(&d, 0, PHONELAMPMODE_STEADY), (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(sim_check_lamp(&d, 22, PHONELAMPMODE_STEADY), (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(sim_check_lamp(&d, 12, PHONELAMPMODE_DUMMY), (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(sim_check_lamp(&d, 12, PHONELAMPMODE_UNKNOWN), (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(sim_check_lamp(&d, 12, PHONELAMPMODE_OFF | PHONELAMPMODE_STEADY),
			 (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(sim_check_lamp(&d, 12, 0), (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(sim_check_lamp(&d, 12, 0x10000), (LONG)PHONEERR_INVALLAMPMODE);

	assert_int_equal(sim_check_hook(&d, PHONEHOOKSWITCHDEV_HANDSET, PHONEHOOKSWITCHMODE_MIC), 0);
	assert_int_equal(sim_check_hook(&d, 3, PHONEHOOKSWITCHMODE_ONHOOK), 0);
	assert_int_equal(sim_check_hook(&d, 3, PHONEHOOKSWITCHMODE_SPEAKER),
			 (LONG)PHONEERR_INVALHOOKSWITCHMODE);
	assert_int_equal(sim_check_hook(&d, PHONEHOOKSWITCHDEV_HEADSET, PHONEHOOKSWITCHMODE_ONHOOK),
			 (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(sim_check_hook(&d, 0, PHONEHOOKSWITCHMODE_ONHOOK),
			 (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(sim_check_hook(&d, 8, PHONEHOOKSWITCHMODE_ONHOOK),
			 (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(sim_check_hook(&d, 1, PHONEHOOKSWITCHMODE_UNKNOWN),
			 (LONG)PHONEERR_INVALHOOKSWITCHMODE);
	assert_int_equal(sim_check_hook(&d, 1, 3), (LONG)PHONEERR_INVALHOOKSWITCHMODE);

	assert_int_equal(sim_check_ring(&d, 0), 0);
	assert_int_equal(sim_check_ring(&d, 4), 0);
	assert_int_equal(sim_check_ring(&d, 5), (LONG)PHONEERR_INVALRINGMODE);

	assert_int_equal(sim_check_level(&d, PHONEHOOKSWITCHDEV_SPEAKER, 0, &i), 0);
	assert_int_equal(i, 1);
	assert_int_equal(sim_check_level(&d, PHONEHOOKSWITCHDEV_HANDSET, 0, &i),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(sim_check_level(&d, PHONEHOOKSWITCHDEV_HANDSET, 1, &i), 0);
	assert_int_equal(i, 0);
	assert_int_equal(sim_check_level(&d, PHONEHOOKSWITCHDEV_HEADSET, 1, &i),
			 (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(sim_check_level(&d, 3, 1, &i), (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(sim_check_level(&d, 0, 1, &i), (LONG)PHONEERR_INVALHOOKSWITCHDEV);

	assert_int_equal(sim_check_button(&d, 12, PHONEBUTTONMODE_FEATURE, PHONEBUTTONFUNCTION_NONE),
			 0);
	assert_int_equal(sim_check_button(&d, 0, PHONEBUTTONMODE_LOCAL, PHONEBUTTONFUNCTION_MUTE), 0);
	assert_int_equal(sim_check_button(&d, 22, PHONEBUTTONMODE_CALL, 0),
			 (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(sim_check_button(&d, 12, PHONEBUTTONMODE_DUMMY, 0),
			 (LONG)PHONEERR_INVALBUTTONMODE);
	assert_int_equal(sim_check_button(&d, 21, PHONEBUTTONMODE_FEATURE, 0),
			 (LONG)PHONEERR_INVALBUTTONMODE);
	assert_int_equal(sim_check_button(&d, 21, PHONEBUTTONMODE_DUMMY, 0), 0);
	assert_int_equal(sim_check_button(&d, 12, 0x40, 0), (LONG)PHONEERR_INVALBUTTONMODE);
	assert_int_equal(sim_check_button(&d, 12, 6, 0), (LONG)PHONEERR_INVALBUTTONMODE);
	assert_int_equal(sim_check_button(&d, 12, 2, PHONEBUTTONFUNCTION_NONE + 1),
			 (LONG)PHONEERR_INVALPARAM);
	sim_device_free(&d);

	{
		static const struct kv none[] = { { "hookswitch", "none" }, { "ring_modes", "0" } };

		configure_ok(&d, none, N(none));
		assert_int_equal(sim_check_hook(&d, 1, 1), (LONG)PHONEERR_OPERATIONUNAVAIL);
		assert_int_equal(sim_check_ring(&d, 0), (LONG)PHONEERR_OPERATIONUNAVAIL);
		assert_int_equal(sim_check_level(&d, 1, 0, &i), (LONG)PHONEERR_INVALHOOKSWITCHDEV);
		sim_device_free(&d);
	}
}

static void test_changes(void **state)
{
	static const struct kv kv[] = {
		{ "hookswitch", "handset, speaker, headset: monitored=onhook+mic" },
	};
	static const uint32_t hi[] = { 'H', 'i' };
	struct sim_device d;
	struct sim_state *s;
	struct sim_events ev;
	struct sim_change c;
	uint32_t i;

	(void)state;
	configure_ok(&d, kv, N(kv));
	s = sim_state_new(&d);
	assert_non_null(s);
	for (i = 0; i < 80; i++)
		assert_int_equal(s->display[i], ' ');
	assert_int_equal(s->lamps[0], PHONELAMPMODE_DUMMY);
	assert_int_equal(s->lamps[12], PHONELAMPMODE_OFF);
	assert_int_equal(s->hook_mode[2], PHONEHOOKSWITCHMODE_ONHOOK);
	assert_int_equal(s->volume[1], SIM_LEVEL_DEFAULT);
	assert_int_equal(s->ring_mode, 0);
	assert_int_equal(s->ring_volume, SIM_LEVEL_DEFAULT);

	memset(&c, 0, sizeof(c));
	c.kind = SIM_SET_DISPLAY;
	c.a = 79; /* the last cell: the second character does not fit */
	c.ncells = 2;
	c.cells = hi;
	sim_change_apply(&d, s, &c, &ev);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.state[0], PHONESTATE_DISPLAY);
	assert_int_equal(s->display[79], 'H');
	c.ncells = 1;
	sim_change_apply(&d, s, &c, &ev);
	assert_int_equal(ev.n, 0); /* the same again: no message */

	c.kind = SIM_SET_LAMP;
	c.a = 13;
	c.b = PHONELAMPMODE_FLASH;
	sim_change_apply(&d, s, &c, &ev);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.state[0], PHONESTATE_LAMP);
	assert_int_equal(ev.param[0], 13);
	sim_change_apply(&d, s, &c, &ev);
	assert_int_equal(ev.n, 0);

	c.kind = SIM_SET_HOOK;
	c.a = 7;
	c.b = PHONEHOOKSWITCHMODE_MICSPEAKER;
	sim_change_apply(&d, s, &c, &ev);
	/* The headset's micspeaker is not monitored: it reads UNKNOWN, still a change. */
	assert_int_equal(ev.n, 3);
	assert_int_equal(ev.state[0], PHONESTATE_HANDSETHOOKSWITCH);
	assert_int_equal(ev.param[0], PHONEHOOKSWITCHMODE_MICSPEAKER);
	assert_int_equal(ev.state[1], PHONESTATE_SPEAKERHOOKSWITCH);
	assert_int_equal(ev.state[2], PHONESTATE_HEADSETHOOKSWITCH);
	assert_int_equal(ev.param[2], PHONEHOOKSWITCHMODE_UNKNOWN);
	assert_int_equal(sim_state_offhook(&d, s), 3);
	c.a = PHONEHOOKSWITCHDEV_HEADSET;
	c.b = PHONEHOOKSWITCHMODE_SPEAKER; /* UNKNOWN to UNKNOWN: nothing to tell */
	sim_change_apply(&d, s, &c, &ev);
	assert_int_equal(ev.n, 0);
	assert_int_equal(s->hook_mode[2], PHONEHOOKSWITCHMODE_SPEAKER);
	c.b = PHONEHOOKSWITCHMODE_MIC;
	sim_change_apply(&d, s, &c, &ev);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.param[0], PHONEHOOKSWITCHMODE_MIC);
	assert_int_equal(sim_state_offhook(&d, s), 7);

	c.kind = SIM_SET_RING;
	c.a = 3;
	c.b = 0x12345; /* clamped */
	sim_change_apply(&d, s, &c, &ev);
	assert_int_equal(ev.n, 2);
	assert_int_equal(ev.state[0], PHONESTATE_RINGMODE);
	assert_int_equal(ev.param[0], 3);
	assert_int_equal(ev.state[1], PHONESTATE_RINGVOLUME);
	assert_int_equal(s->ring_volume, 0xFFFF);
	c.a = 1;
	c.b = 0xFFFF;
	sim_change_apply(&d, s, &c, &ev);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.state[0], PHONESTATE_RINGMODE);

	c.kind = SIM_SET_VOLUME;
	c.a = 1;
	c.b = 7;
	sim_change_apply(&d, s, &c, &ev);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.state[0], PHONESTATE_SPEAKERVOLUME);
	assert_int_equal(s->volume[1], 7);
	c.kind = SIM_SET_GAIN;
	c.a = 2;
	sim_change_apply(&d, s, &c, &ev);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.state[0], PHONESTATE_HEADSETGAIN);
	sim_change_apply(&d, s, &c, &ev);
	assert_int_equal(ev.n, 0);

	c.kind = SIM_SET_BUTTON;
	c.a = 14;
	c.button.mode = PHONEBUTTONMODE_CALL;
	c.button.function = PHONEBUTTONFUNCTION_PARK;
	strcpy(c.button.text, "Park");
	assert_null(s->buttons); /* as configured: no table of its own yet */
	assert_int_equal(sim_state_prepare(&d, s, &c), 0);
	sim_change_apply(&d, s, &c, &ev);
	assert_int_equal(ev.n, 0); /* no PHONESTATE_ for button info */
	assert_string_equal(sim_state_button(&d, s, 14)->text, "Park");
	assert_string_equal(d.buttons[14].text, "Hold"); /* the configuration stays */

	sim_state_reset(&d, s);
	assert_int_equal(s->lamps[13], PHONELAMPMODE_OFF);
	assert_string_equal(sim_state_button(&d, s, 14)->text, "Hold");
	assert_null(s->buttons); /* reset goes back to the configured table */
	sim_state_free(s);
	sim_device_free(&d);
}

/* ---- text ----------------------------------------------------------------------------------- */

static void test_utf16_cells(void **state)
{
	/* "A", é, a surrogate pair (U+1F600), a lone high surrogate, a tab, a lone low, "Z". */
	static const uint16_t in[] = { 'A', 0xE9, 0xD83D, 0xDE00, 0xD800, '\t', 0xDC00, 'Z', 0, 'x' };
	uint32_t cells[16];
	char out[64];
	size_t n;

	(void)state;
	n = sim_utf16_to_cells(in, 10, cells, 16);
	assert_int_equal(n, 7); /* stops at the NUL */
	assert_int_equal(cells[0], 'A');
	assert_int_equal(cells[1], 0xE9);
	assert_int_equal(cells[2], 0x1F600);
	assert_int_equal(cells[3], 0xFFFD);
	assert_int_equal(cells[4], ' ');
	assert_int_equal(cells[5], 0xFFFD);
	assert_int_equal(cells[6], 'Z');
	assert_int_equal(sim_utf16_to_cells(in, 10, cells, 3), 3);
	/* A high surrogate at the very end of the units. */
	assert_int_equal(sim_utf16_to_cells(in + 2, 1, cells, 16), 1);
	assert_int_equal(cells[0], 0xFFFD);
	/* Unaligned input. */
	{
		unsigned char raw[7] = { 0, 'O', 0, 'K', 0, 0, 0 };

		assert_int_equal(sim_utf16_to_cells(raw + 1, 3, cells, 16), 2);
		assert_int_equal(cells[0], 'O');
		assert_int_equal(cells[1], 'K');
	}

	n = sim_utf16_to_cells(in, 8, cells, 16);
	assert_int_equal(sim_cells_to_utf8(cells, n, NULL), 16);
	assert_int_equal(sim_cells_to_utf8(cells, n, out), 16);
	assert_string_equal(out, "A\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbd \xef\xbf\xbdZ");
	{
		uint32_t odd[] = { 0x7FF, 0x800, 0xFFFF, 0x10FFFF, 0x110000, 0xD800 };

		assert_int_equal(sim_cells_to_utf8(odd, 6, out), 2 + 3 + 3 + 4 + 3 + 3 + 1);
		assert_memory_equal(out, "\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf"
					 "\xef\xbf\xbd\xef\xbf\xbd",
				    18);
	}
	assert_int_equal(sim_cells_to_utf8(cells, 0, out), 1);
	assert_string_equal(out, "");
}

static void test_text_clean(void **state)
{
	char out[SIM_TEXT_MAX + 1];
	char long_text[200];

	(void)state;
	assert_int_equal(sim_text_clean("Hold", 4, out), 4);
	assert_string_equal(out, "Hold");
	assert_int_equal(sim_text_clean("Ho\0ld", 5, out), 2);
	assert_int_equal(sim_text_clean("M\xfcller", 7, out), 8); /* Latin-1 ü: U+FFFD */
	assert_string_equal(out, "M\xef\xbf\xbdller");
	assert_int_equal(sim_text_clean("a\tb\x7f", 4, out), 4);
	assert_string_equal(out, "a b ");
	assert_int_equal(sim_text_clean("\xc2\x85x", 3, out), 2); /* C1 control */
	assert_string_equal(out, " x");
	assert_int_equal(sim_text_clean("\xc0\xafx", 3, out), 7); /* overlong: two bad bytes */
	assert_int_equal(sim_text_clean("\xed\xa0\x80", 3, out), 9); /* a surrogate */
	assert_int_equal(sim_text_clean("\xf4\x90\x80\x80", 4, out), 12); /* > U+10FFFF */
	assert_int_equal(sim_text_clean("\xe2\x82", 2, out), 6); /* cut short */
	assert_int_equal(sim_text_clean("", 0, out), 0);
	assert_int_equal(sim_text_clean(NULL, 0, out), 0);
	/* Cut at a character boundary: 21 three-byte characters fill 63 bytes exactly, then
	 * a 2-byte one does not fit after 31 of them. */
	memset(long_text, 'a', sizeof(long_text));
	assert_int_equal(sim_text_clean(long_text, sizeof(long_text), out), 63);
	{
		size_t i;

		for (i = 0; i + 1 < 80; i += 2) {
			long_text[i] = '\xc3';
			long_text[i + 1] = '\xa4';
		}
		assert_int_equal(sim_text_clean(long_text, 80, out), 62);
	}
}

/* ---- the state payload ---------------------------------------------------------------------- */

static struct sim_state *busy_state(const struct sim_device *d)
{
	struct sim_state *s = sim_state_new(d);
	struct sim_change c;
	static const uint32_t text[] = { 0xE9, 'a', 0x1F600 };

	assert_non_null(s);
	memset(&c, 0, sizeof(c));
	c.kind = SIM_SET_DISPLAY;
	c.a = 41;
	c.ncells = 3;
	c.cells = text;
	sim_change_apply(d, s, &c, NULL);
	c.kind = SIM_SET_LAMP;
	c.a = 12;
	c.b = PHONELAMPMODE_WINK;
	sim_change_apply(d, s, &c, NULL);
	c.kind = SIM_SET_BUTTON;
	c.a = 15;
	c.button.mode = PHONEBUTTONMODE_CALL;
	c.button.function = PHONEBUTTONFUNCTION_PICKUP;
	strcpy(c.button.text, "Pick \xc3\xa4");
	assert_int_equal(sim_state_prepare(d, s, &c), 0);
	sim_change_apply(d, s, &c, NULL);
	c.kind = SIM_SET_HOOK;
	c.a = PHONEHOOKSWITCHDEV_SPEAKER;
	c.b = PHONEHOOKSWITCHMODE_MICSPEAKER;
	sim_change_apply(d, s, &c, NULL);
	c.kind = SIM_SET_RING;
	c.a = 2;
	c.b = 0x1234;
	sim_change_apply(d, s, &c, NULL);
	c.kind = SIM_SET_VOLUME;
	c.a = 0;
	c.b = 1;
	sim_change_apply(d, s, &c, NULL);
	c.kind = SIM_SET_GAIN;
	c.a = 2;
	c.b = 0xFFFF;
	sim_change_apply(d, s, &c, NULL);
	return s;
}

static void expect_same(const struct sim_device *d, const struct sim_state *a,
			const struct sim_state *b)
{
	assert_memory_equal(a->display, b->display, (size_t)d->rows * d->cols * 4);
	for (uint32_t i = 0; i < d->num_buttons; i++)
		assert_memory_equal(sim_state_button(d, a, i), sim_state_button(d, b, i),
				    sizeof(struct sim_button));
	assert_memory_equal(a->lamps, b->lamps, d->num_buttons * 4);
	assert_memory_equal(a->hook_mode, b->hook_mode, sizeof(a->hook_mode));
	assert_memory_equal(a->volume, b->volume, sizeof(a->volume));
	assert_memory_equal(a->gain, b->gain, sizeof(a->gain));
	assert_int_equal(a->ring_mode, b->ring_mode);
	assert_int_equal(a->ring_volume, b->ring_volume);
}

static void test_payload_roundtrip(void **state)
{
	struct sim_device d;
	struct sim_state *s, *t, *fresh;
	unsigned char *buf;
	size_t len, cut;
	unsigned dropped = 99;

	(void)state;
	configure_ok(&d, NULL, 0);
	s = busy_state(&d);
	t = sim_state_new(&d);
	fresh = sim_state_new(&d);
	buf = malloc(sim_state_encoded_max(&d));
	assert_non_null(t);
	assert_non_null(fresh);
	assert_non_null(buf);
	len = sim_state_encode(&d, s, buf);
	assert_true(len <= sim_state_encoded_max(&d));
	assert_int_equal(sim_state_decode(&d, t, buf, len, &dropped), 0);
	assert_int_equal(dropped, 0);
	expect_same(&d, s, t);
	sim_state_copy(&d, fresh, s);
	expect_same(&d, s, fresh);

	/* Every truncation and every trailing byte is refused, leaving the starting state. */
	for (cut = 0; cut < len; cut++) {
		assert_int_equal(sim_state_decode(&d, t, buf, cut, &dropped), -EINVAL);
		assert_int_equal(t->lamps[12], PHONELAMPMODE_OFF);
	}
	{
		unsigned char *more = malloc(len + 1);

		assert_non_null(more);
		memcpy(more, buf, len);
		more[len] = 0;
		assert_int_equal(sim_state_decode(&d, t, more, len + 1, &dropped), -EINVAL);
		free(more);
	}
	buf[0] = 2; /* another payload version */
	assert_int_equal(sim_state_decode(&d, t, buf, len, &dropped), -EINVAL);
	buf[0] = 1;

	/* Single flipped bytes either decode (values checked) or are refused; never a crash and
	 * never a value the device cannot have. */
	for (cut = 0; cut < len; cut++) {
		unsigned char old = buf[cut];
		int r;

		buf[cut] ^= 0xA5;
		r = sim_state_decode(&d, t, buf, len, &dropped);
		assert_true(r == 0 || r == -EINVAL);
		assert_true(t->ring_mode <= d.ring_modes);
		assert_true(t->ring_volume <= SIM_LEVEL_MAX);
		assert_int_equal(sim_check_lamp(&d, 12, t->lamps[12]), 0);
		assert_true(t->display[41] < 0x110000);
		buf[cut] = old;
	}

	sim_state_free(s);
	sim_state_free(t);
	sim_state_free(fresh);
	free(buf);
	sim_device_free(&d);
}

/* A state written for one configuration, read with another: what still fits is kept. */
static void test_payload_config_changed(void **state)
{
	static const struct kv other_display[] = { { "display", "4x20" } };
	static const struct kv other_buttons[] = { { "buttons", "keypad, feature:hold:Hold" } };
	static const struct kv fewer[] = { { "hookswitch", "handset, speaker: onhook mic" },
					   { "ring_modes", "1" } };
	struct sim_device d, e;
	struct sim_state *s, *t;
	unsigned char *buf;
	size_t len;
	unsigned dropped;

	(void)state;
	configure_ok(&d, NULL, 0);
	s = busy_state(&d);
	buf = malloc(sim_state_encoded_max(&d));
	assert_non_null(buf);
	len = sim_state_encode(&d, s, buf);

	configure_ok(&e, other_display, N(other_display));
	t = sim_state_new(&e);
	assert_non_null(t);
	assert_int_equal(sim_state_decode(&e, t, buf, len, &dropped), 0);
	assert_int_equal(dropped, SIM_STATE_DROP_DISPLAY);
	assert_int_equal(t->display[41], ' ');
	assert_int_equal(t->lamps[12], PHONELAMPMODE_WINK);
	assert_int_equal(t->ring_mode, 2);
	sim_state_free(t);
	sim_device_free(&e);

	configure_ok(&e, other_buttons, N(other_buttons));
	t = sim_state_new(&e);
	assert_non_null(t);
	assert_int_equal(sim_state_decode(&e, t, buf, len, &dropped), 0);
	assert_int_equal(dropped, SIM_STATE_DROP_BUTTONS);
	assert_int_equal(t->lamps[12], PHONELAMPMODE_OFF);
	assert_int_equal(t->display[41], 0xE9);
	assert_int_equal(t->hook_mode[1], PHONEHOOKSWITCHMODE_MICSPEAKER);
	sim_state_free(t);
	sim_device_free(&e);

	configure_ok(&e, fewer, N(fewer));
	t = sim_state_new(&e);
	assert_non_null(t);
	assert_int_equal(sim_state_decode(&e, t, buf, len, &dropped), 0);
	assert_int_equal(dropped, SIM_STATE_DROP_VALUES);
	assert_int_equal(t->ring_mode, 0);			    /* 2 > 1 ring mode */
	assert_int_equal(t->hook_mode[1], PHONEHOOKSWITCHMODE_ONHOOK); /* no micspeaker now */
	assert_int_equal(t->hook_mode[2], 0);			    /* no headset at all */
	assert_int_equal(t->ring_volume, 0x1234);
	assert_int_equal(t->lamps[12], PHONELAMPMODE_WINK);
	sim_state_free(t);
	sim_device_free(&e);

	sim_state_free(s);
	free(buf);
	sim_device_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_default_written_out),
		cmocka_unit_test(test_documented_examples),
		cmocka_unit_test(test_configured),
		cmocka_unit_test(test_bare),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_utf16_cells),
		cmocka_unit_test(test_text_clean),
		cmocka_unit_test(test_payload_roundtrip),
		cmocka_unit_test(test_payload_config_changed),
	};

	return cmocka_run_group_tests_name("sim_device", tests, NULL, NULL);
}
