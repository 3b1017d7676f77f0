/* SPDX-License-Identifier: MIT */
/* partsprov.c — a provider for tests of the device's parts: phones shaped like the DESIGN default
 * phone (a 2 x 40 display; buttons 0-11 keypad without lamps, 12-15 feature buttons with lamps;
 * handset, speaker and headset with volume and gain; 4 ring modes; device classes "tapi/phone",
 * "wave/out" and "comm"), kept in memory. Every request completes inside its call and the
 * matching PHONE_STATE follows. It also implements TSPI_phoneGetID, TSPI_phoneGetIcon and
 * TUISPI_phoneConfigDialog, which the sim provider does not. Built on the provider kit (otsp.h):
 * this file is only the phone.
 *
 * Settings per phone: features = N (dwPhoneFeatures; default every one but GETDATA and SETDATA),
 * tspi = N (the highest TSPI version it negotiates; default 0x00020002), data_area = N (one data
 * area of N bytes, 1 … 1 MiB, for phoneSetData and phoneGetData; default none).
 * Dev-specific commands (NUL-terminated text): "state BITS VALUE" sends PHONE_STATE,
 * "button ID MODE STATE" sends PHONE_BUTTON, "capschange" removes the display (dwDisplayNumRows
 * 0) and sends PHONE_STATE(CAPSCHANGE), "grow" doubles the data area (up to 1 MiB; its new bytes
 * are zero) and sends PHONE_STATE(CAPSCHANGE), "plug NAME" creates another parts phone NAME
 * (PHONE_CREATE, as a device plugged in), "unplug" removes this phone (PHONE_REMOVE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <otsp.h>

#include "utf.h"

#define ROWS 2
#define COLS 40
#define BUTTONS 16
#define AREA_MAX (1u << 20)
#define KEYPAD 12
#define LAMP_MODES                                                                             \
	(PHONELAMPMODE_OFF | PHONELAMPMODE_STEADY | PHONELAMPMODE_WINK | PHONELAMPMODE_FLASH |  \
	 PHONELAMPMODE_FLUTTER)
#define HS_MODES                                                                               \
	(PHONEHOOKSWITCHMODE_ONHOOK | PHONEHOOKSWITCHMODE_MIC | PHONEHOOKSWITCHMODE_SPEAKER |  \
	 PHONEHOOKSWITCHMODE_MICSPEAKER)

struct button {
	DWORD mode, function;
	char text[64];
};

struct phone {
	DWORD features, tspi;
	int no_display;
	int plugged; /* made by "plug", not configured: named after the command */
	char16_t display[ROWS * COLS];
	DWORD lamps[BUTTONS];
	struct button buttons[BUTTONS];
	DWORD hookswitch[3], volume[3], gain[3];
	DWORD ring_mode, ring_volume;
	DWORD area_size;     /* 0: no data area */
	unsigned char *area; /* AREA_MAX bytes once area_size is set */
};

static struct phone *of(struct otsp_phone *ph)
{
	return otsp_phone_priv(ph);
}

static void reset(struct phone *p)
{
	int i;

	for (i = 0; i < ROWS * COLS; i++)
		p->display[i] = ' ';
	for (i = 0; i < BUTTONS; i++) {
		p->lamps[i] = i < KEYPAD ? PHONELAMPMODE_DUMMY : PHONELAMPMODE_OFF;
		p->buttons[i].mode = i < KEYPAD ? PHONEBUTTONMODE_KEYPAD : PHONEBUTTONMODE_FEATURE;
		p->buttons[i].function = i < KEYPAD ? PHONEBUTTONFUNCTION_NONE
						    : PHONEBUTTONFUNCTION_CONFERENCE + (DWORD)(i - KEYPAD);
		snprintf(p->buttons[i].text, sizeof(p->buttons[i].text), "%s%d",
			 i < KEYPAD ? "key " : "feature ", i);
	}
	for (i = 0; i < 3; i++) {
		p->hookswitch[i] = PHONEHOOKSWITCHMODE_ONHOOK;
		p->volume[i] = 0x8000;
		p->gain[i] = 0x4000;
	}
	p->ring_mode = 0;
	p->ring_volume = 0x8000;
}

/* What the phone is now: its description changes with "capschange" and "grow". */
static LONG describe(struct otsp_phone *ph)
{
	struct phone *p = of(ph);
	DWORD modes[BUTTONS], functions[BUTTONS], lamps[BUTTONS];
	struct otsp_caps c = {
		.name = p->plugged ? NULL : "Parts phone",
		.features = p->features,
		.hook_devs = 7,
		.hook_modes = { HS_MODES, HS_MODES, HS_MODES },
		/* The headset cannot be switched to MIC alone. */
		.hook_settable = { HS_MODES, HS_MODES, HS_MODES & ~(DWORD)PHONEHOOKSWITCHMODE_MIC },
		.hook_monitored = { HS_MODES, HS_MODES, HS_MODES },
		.volume_devs = 7,
		.gain_devs = 7,
		.display_rows = p->no_display ? 0 : ROWS,
		.display_columns = COLS,
		.ring_modes = 4,
		.num_buttons = BUTTONS,
		.button_modes = modes,
		.button_functions = functions,
		.lamp_modes = lamps,
		.num_set_data = p->area_size ? 1 : 0,
		.num_get_data = p->area_size ? 1 : 0,
		.set_data_sizes = &p->area_size,
		.get_data_sizes = &p->area_size,
		.device_classes = "tapi/phone\0wave/out\0comm\0",
		.max_tspi_version = p->tspi,
	};
	int i;

	for (i = 0; i < BUTTONS; i++) {
		modes[i] = p->buttons[i].mode;
		functions[i] = p->buttons[i].function;
		lamps[i] = i < KEYPAD ? PHONELAMPMODE_DUMMY : LAMP_MODES;
	}
	return otsp_phone_set_caps(ph, &c);
}

/* A phone as it starts: every part, no data area. */
static void start(struct phone *p)
{
	p->features = 0x0FFFFFFFu & ~(DWORD)(PHONEFEATURE_GETDATA | PHONEFEATURE_SETDATA);
	p->tspi = 0x00020002;
	reset(p);
}

/* "plug NAME": a phone the provider finds by itself. */
static LONG plugged(struct otsp_phone *ph, void *arg)
{
	(void)arg;
	start(of(ph));
	of(ph)->plugged = 1;
	otsp_phone_set_inline(ph, 1);
	return describe(ph);
}

static LONG configure(struct otsp_phone *ph, const OTSPIPHONECONFIG *cfg, char *err, size_t errlen)
{
	struct phone *p = of(ph);
	DWORD k;

	start(p);
	for (k = 0; k < cfg->dwNumSettings; k++) {
		const OTSPISETTING *s = &cfg->lpSettings[k];

		if (!strcmp(s->lpszKey, "features")) {
			p->features = (DWORD)strtoul(s->lpszValue, NULL, 0);
		} else if (!strcmp(s->lpszKey, "tspi")) {
			p->tspi = (DWORD)strtoul(s->lpszValue, NULL, 0);
		} else if (!strcmp(s->lpszKey, "data_area")) {
			p->area_size = (DWORD)strtoul(s->lpszValue, NULL, 0);
			if (!p->area)
				p->area = calloc(1, AREA_MAX);
			if (!p->area || !p->area_size || p->area_size > AREA_MAX) {
				snprintf(err, errlen, "line %u: data_area: 1 … %u bytes",
					 (unsigned)s->dwLine, AREA_MAX);
				return (LONG)PHONEERR_INIFILECORRUPT;
			}
			p->features |= PHONEFEATURE_GETDATA | PHONEFEATURE_SETDATA;
		} else {
			snprintf(err, errlen, "line %u: key '%s': unknown key",
				 (unsigned)s->dwLine, s->lpszKey);
			return (LONG)PHONEERR_INIFILECORRUPT;
		}
	}
	otsp_phone_set_inline(ph, 1);
	if (describe(ph) != 0) {
		snprintf(err, errlen, "out of memory");
		return (LONG)PHONEERR_NOMEM;
	}
	return 0;
}

static void destroy(struct otsp_phone *ph)
{
	free(of(ph)->area);
}

/* Is the NUL-terminated UTF-16 string a equal to b? */
static int u16eq(const char16_t *a, const char16_t *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static int index_of(DWORD dev)
{
	return dev == PHONEHOOKSWITCHDEV_HANDSET ? 0 : dev == PHONEHOOKSWITCHDEV_SPEAKER ? 1 : 2;
}

/* ---- requests: every one is accepted and takes effect in run() ------------------------------ */

static LONG accept(struct otsp_phone *ph, struct otsp_request *rq)
{
	(void)ph;
	(void)rq;
	return 0;
}

/* A dev-specific command, after its reply. */
static void dev_specific(struct otsp_phone *ph, const char *cmd)
{
	struct phone *p = of(ph);
	long a = 0, b = 0, c = 0;

	if (sscanf(cmd, "state %li %li", &a, &b) == 2) {
		otsp_phone_event(ph, PHONE_STATE, (DWORD_PTR)a, (DWORD_PTR)b, 0);
	} else if (sscanf(cmd, "button %li %li %li", &a, &b, &c) == 3) {
		otsp_phone_event(ph, PHONE_BUTTON, (DWORD_PTR)a, (DWORD_PTR)b, (DWORD_PTR)c);
	} else if (!strcmp(cmd, "capschange")) {
		p->no_display = 1;
		describe(ph);
		otsp_phone_event(ph, PHONE_STATE, PHONESTATE_CAPSCHANGE, 0, 0);
	} else if (!strncmp(cmd, "plug ", 5)) {
		otsp_phone_create(cmd + 5, plugged, NULL);
	} else if (!strcmp(cmd, "unplug")) {
		otsp_phone_remove(ph);
	} else if (!strcmp(cmd, "grow") && p->area_size && p->area_size < AREA_MAX) {
		p->area_size *= 2;
		describe(ph);
		otsp_phone_event(ph, PHONE_STATE, PHONESTATE_CAPSCHANGE, 0, 0);
	}
}

/* Applies one request; returns the PHONE_STATE it causes (0: none) in *state and *param. */
static void apply(struct otsp_phone *ph, const struct otsp_request *rq, DWORD *state,
		  DWORD_PTR *param)
{
	struct phone *p = of(ph);
	DWORD i, pos, len;

	switch (rq->kind) {
	case OTSP_SET_DATA:
		memcpy(p->area, rq->u.data.data, rq->u.data.size);
		break;
	case OTSP_SET_DISPLAY:
		pos = rq->u.display.row * COLS + rq->u.display.column;
		for (i = 0; i < rq->u.display.size / 2 && rq->u.display.text[i] && pos < ROWS * COLS;
		     i++, pos++)
			p->display[pos] = rq->u.display.text[i];
		*state = PHONESTATE_DISPLAY;
		break;
	case OTSP_SET_LAMP:
		p->lamps[rq->u.lamp.id] = rq->u.lamp.mode;
		*state = PHONESTATE_LAMP;
		*param = rq->u.lamp.id;
		break;
	case OTSP_SET_BUTTON_INFO: {
		const PHONEBUTTONINFO *info = rq->u.button.info;
		struct button *b = &p->buttons[rq->u.button.id];

		b->mode = info->dwButtonMode;
		b->function = info->dwButtonFunction;
		len = info->dwButtonTextSize;
		if (len >= sizeof(b->text))
			len = sizeof(b->text) - 1;
		memcpy(b->text, (const char *)info + info->dwButtonTextOffset, len);
		b->text[len] = '\0';
		*state = PHONESTATE_OTHER;
		break;
	}
	case OTSP_SET_RING:
		p->ring_mode = rq->u.ring.mode;
		p->ring_volume = rq->u.ring.volume;
		*state = PHONESTATE_RINGMODE;
		*param = rq->u.ring.mode;
		break;
	case OTSP_SET_VOLUME:
		p->volume[index_of(rq->u.level.dev)] = rq->u.level.level;
		*state = PHONESTATE_HANDSETVOLUME << (3 * index_of(rq->u.level.dev));
		break;
	case OTSP_SET_GAIN:
		p->gain[index_of(rq->u.level.dev)] = rq->u.level.level;
		*state = PHONESTATE_HANDSETGAIN << (3 * index_of(rq->u.level.dev));
		break;
	default:
		break;
	}
}

/* Each request completes, then its PHONE_STATE follows. */
static void run(struct otsp_phone *ph, struct otsp_request *rq)
{
	static const DWORD hook_states[3] = { PHONESTATE_HANDSETHOOKSWITCH,
					      PHONESTATE_SPEAKERHOOKSWITCH,
					      PHONESTATE_HEADSETHOOKSWITCH };
	struct phone *p = of(ph);
	struct otsp_request *next;

	for (; rq; rq = next) {
		struct otsp_request r = *rq; /* its pointers die with the completion */
		DWORD state = 0, size = r.u.dev_specific.size;
		DWORD_PTR param = 0;
		char cmd[64] = "";
		int i;

		next = rq->next;
		if (r.kind == OTSP_DEV_SPECIFIC)
			memcpy(cmd, r.u.dev_specific.params,
			       size < sizeof(cmd) - 1 ? size : sizeof(cmd) - 1);
		apply(ph, rq, &state, &param);
		otsp_complete(rq, 0);
		if (state)
			otsp_phone_event(ph, PHONE_STATE, state, param, 0);
		if (r.kind == OTSP_DEV_SPECIFIC)
			dev_specific(ph, cmd);
		for (i = 0; r.kind == OTSP_SET_HOOK_SWITCH && i < 3; i++) {
			if (!(r.u.hook.devs & (1u << i)))
				continue;
			p->hookswitch[i] = r.u.hook.mode;
			otsp_phone_event(ph, PHONE_STATE, hook_states[i], r.u.hook.mode, 0);
		}
	}
}

/* ---- getters ------------------------------------------------------------------------------ */

static LONG get_display(struct otsp_phone *ph, char *text, size_t size)
{
	long n = ot_utf16_to_utf8(of(ph)->display, ROWS * COLS, text, size - 1);

	if (n < 0)
		return (LONG)PHONEERR_OPERATIONFAILED;
	text[n] = '\0';
	return 0;
}

static LONG get_lamp(struct otsp_phone *ph, DWORD lamp, LPDWORD mode)
{
	*mode = of(ph)->lamps[lamp];
	return 0;
}

static LONG get_button_info(struct otsp_phone *ph, DWORD button, LPPHONEBUTTONINFO info)
{
	const struct button *b = &of(ph)->buttons[button];
	static const char dev_specific[4] = { 1, 2, 3, 4 };

	info->dwButtonMode = b->mode;
	info->dwButtonFunction = b->function;
	if (info->dwUsedSize >= sizeof(PHONEBUTTONINFO))
		info->dwButtonState = PHONEBUTTONSTATE_UP;
	otsp_var_append(info, offsetof(PHONEBUTTONINFO, dwButtonTextSize), b->text,
			(DWORD)strlen(b->text) + 1);
	otsp_var_append(info, offsetof(PHONEBUTTONINFO, dwDevSpecificSize), dev_specific,
			sizeof(dev_specific));
	return 0;
}

static LONG get_hook_switch(struct otsp_phone *ph, LPDWORD devs)
{
	int i;

	*devs = 0;
	for (i = 0; i < 3; i++)
		if (of(ph)->hookswitch[i] != PHONEHOOKSWITCHMODE_ONHOOK)
			*devs |= 1u << i;
	return 0;
}

static LONG get_ring(struct otsp_phone *ph, LPDWORD mode, LPDWORD volume)
{
	*mode = of(ph)->ring_mode;
	*volume = of(ph)->ring_volume;
	return 0;
}

static LONG get_volume(struct otsp_phone *ph, DWORD dev, LPDWORD volume)
{
	*volume = of(ph)->volume[index_of(dev)];
	return 0;
}

static LONG get_gain(struct otsp_phone *ph, DWORD dev, LPDWORD gain)
{
	*gain = of(ph)->gain[index_of(dev)];
	return 0;
}

static LONG get_data(struct otsp_phone *ph, DWORD id, void *data, DWORD size)
{
	struct phone *p = of(ph);

	(void)id;
	memcpy(data, p->area, size < p->area_size ? size : p->area_size);
	return 0;
}

static LONG get_status(struct otsp_phone *ph, struct otsp_status *st)
{
	struct phone *p = of(ph);
	int i;

	st->ring_mode = p->ring_mode;
	st->ring_volume = p->ring_volume;
	for (i = 0; i < 3; i++) {
		st->hook_mode[i] = p->hookswitch[i];
		st->volume[i] = p->volume[i];
		st->gain[i] = p->gain[i];
	}
	st->features = p->features;
	memcpy(st->lamps, p->lamps, (st->num_lamps < BUTTONS ? st->num_lamps : BUTTONS) * sizeof(DWORD));
	if (!p->no_display && st->display_size > 1)
		get_display(ph, st->display, st->display_size);
	return 0;
}

static LONG get_id(struct otsp_phone *ph, LPVARSTRING vs, LPCWSTR cls)
{
	static const char16_t wave[] = u"wave/out";
	static const char name[] = "wave-out-0 \xc3\xa9"; /* "é": UTF-8 that W callers get widened */

	(void)ph;
	if (!u16eq(cls, wave))
		return (LONG)PHONEERR_OPERATIONFAILED; /* "comm": listed, but not available now */
	vs->dwStringFormat = STRINGFORMAT_ASCII;
	otsp_var_append(vs, offsetof(VARSTRING, dwStringSize), name, sizeof(name));
	return 0;
}

static LONG get_icon(struct otsp_phone *ph, LPCWSTR cls, LPHICON icon)
{
	static const char16_t wave[] = u"wave/out", phone[] = u"tapi/phone";

	(void)ph;
	if (!cls || !cls[0] || u16eq(cls, phone))
		*icon = (HICON) "partsprov-phone";
	else if (u16eq(cls, wave))
		*icon = (HICON) "audio-card";
	else
		return (LONG)PHONEERR_INVALDEVICECLASS;
	return 0;
}

static LONG config_dialog(struct otsp_phone *ph, TUISPIDLLCALLBACK cb, HWND owner, LPCWSTR cls)
{
	static const char16_t comm[] = u"comm";

	(void)owner;
	/* The provider side is unreachable: the engine's callback says so. */
	if (cb(otsp_phone_device_id(ph), TUISPIDLL_OBJECT_PHONEID, NULL, 0) !=
	    (LONG)PHONEERR_OPERATIONUNAVAIL)
		return (LONG)PHONEERR_OPERATIONFAILED;
	if (cls && u16eq(cls, comm))
		return (LONG)PHONEERR_INUSE;
	return 0;
}

static const struct otsp_provider partsprov = {
	.abi_version = OTSP_ABI_VERSION,
	.name = "partsprov",
	.tspi_low = 0x00010003,
	.tspi_high = 0x00020002,
	.phone_size = sizeof(struct phone),
	.configure = configure,
	.destroy = destroy,
	.get_status = get_status,
	.set_data = accept,
	.set_display = accept,
	.set_lamp = accept,
	.set_button_info = accept,
	.set_hook_switch = accept,
	.set_ring = accept,
	.set_volume = accept,
	.set_gain = accept,
	.dev_specific = accept,
	.run = run,
	.get_data = get_data,
	.get_display = get_display,
	.get_lamp = get_lamp,
	.get_button_info = get_button_info,
	.get_hook_switch = get_hook_switch,
	.get_ring = get_ring,
	.get_volume = get_volume,
	.get_gain = get_gain,
	.get_id = get_id,
	.get_icon = get_icon,
	.config_dialog = config_dialog,
};

OTSP_PROVIDER(partsprov);
