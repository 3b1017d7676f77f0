/* SPDX-License-Identifier: MIT */
/* partsprov.c — a provider for tests of the device's parts: phones shaped like the DESIGN default
 * phone (a 2 x 40 display; buttons 0-11 keypad without lamps, 12-15 feature buttons with lamps;
 * handset, speaker and headset with volume and gain; 4 ring modes; device classes "tapi/phone",
 * "wave/out" and "comm"), kept in memory. Every request completes inside its call and the
 * matching PHONE_STATE follows. It also exports TSPI_phoneGetID, TSPI_phoneGetIcon and
 * TUISPI_phoneConfigDialog, which the sim provider does not.
 *
 * Settings per phone: features = N (dwPhoneFeatures; default every one but GETDATA and SETDATA),
 * tspi = N (the highest TSPI version it negotiates; default 0x00020002), data_area = N (one data
 * area of N bytes, 1 … 1 MiB, for phoneSetData and phoneGetData; default none).
 * Dev-specific commands (NUL-terminated text): "state BITS VALUE" sends PHONE_STATE,
 * "button ID MODE STATE" sends PHONE_BUTTON, "capschange" removes the display (dwDisplayNumRows
 * 0) and sends PHONE_STATE(CAPSCHANGE), "grow" doubles the data area (up to 1 MiB; its new bytes
 * are zero) and sends PHONE_STATE(CAPSCHANGE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tspi.h>

#include "utf.h"
#include "varstruct.h"

#define EXPORT __attribute__((visibility("default")))
#define MAX_PHONES 4
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

static struct phone {
	DWORD id, features, tspi;
	int no_display;
	HTAPIPHONE ht;
	PHONEEVENT event;
	char16_t display[ROWS * COLS];
	DWORD lamps[BUTTONS];
	struct button buttons[BUTTONS];
	DWORD hookswitch[3], volume[3], gain[3];
	DWORD ring_mode, ring_volume;
	DWORD area_size;     /* 0: no data area */
	unsigned char *area; /* AREA_MAX bytes once area_size is set */
} phones[MAX_PHONES];
static DWORD num_phones;
static ASYNC_COMPLETION completion;

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

EXPORT LONG TSPIAPI OTSPI_providerConfigure(DWORD ppid, LPCSTR state_dir,
					    const OTSPIPHONECONFIG *cfg, DWORD n, LPSTR err,
					    DWORD errlen)
{
	DWORD i, k;

	(void)ppid;
	(void)state_dir;
	if (num_phones + n > MAX_PHONES) {
		snprintf(err, errlen, "at most %d phones", MAX_PHONES);
		return (LONG)PHONEERR_INIFILECORRUPT;
	}
	for (i = 0; i < n; i++) {
		struct phone *p = &phones[num_phones + i];

		memset(p, 0, sizeof(*p));
		p->id = cfg[i].dwDeviceID;
		p->features = 0x0FFFFFFFu & ~(DWORD)(PHONEFEATURE_GETDATA | PHONEFEATURE_SETDATA);
		p->tspi = 0x00020002;
		reset(p);
		for (k = 0; k < cfg[i].dwNumSettings; k++) {
			const OTSPISETTING *s = &cfg[i].lpSettings[k];

			if (!strcmp(s->lpszKey, "features")) {
				p->features = (DWORD)strtoul(s->lpszValue, NULL, 0);
			} else if (!strcmp(s->lpszKey, "tspi")) {
				p->tspi = (DWORD)strtoul(s->lpszValue, NULL, 0);
			} else if (!strcmp(s->lpszKey, "data_area")) {
				p->area_size = (DWORD)strtoul(s->lpszValue, NULL, 0);
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
	}
	num_phones += n;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_providerEnumDevices(DWORD ppid, LPDWORD lines, LPDWORD nphones,
					     HPROVIDER hProvider, LINEEVENT line_create,
					     PHONEEVENT phone_create)
{
	(void)ppid;
	(void)hProvider;
	(void)line_create;
	(void)phone_create;
	*lines = 0;
	*nphones = num_phones;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_providerInit(DWORD version, DWORD ppid, DWORD line_base,
				      DWORD phone_base, DWORD_PTR nlines, DWORD_PTR nphones,
				      ASYNC_COMPLETION proc, LPDWORD options)
{
	(void)version;
	(void)ppid;
	(void)line_base;
	(void)phone_base;
	(void)nlines;
	(void)nphones;
	(void)options;
	completion = proc;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_providerShutdown(DWORD version, DWORD ppid)
{
	(void)version;
	(void)ppid;
	for (DWORD i = 0; i < num_phones; i++)
		free(phones[i].area);
	num_phones = 0;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_providerCreatePhoneDevice(DWORD_PTR temp, DWORD dev)
{
	(void)temp;
	(void)dev;
	return 0;
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

static struct phone *by_id(DWORD id)
{
	DWORD i;

	for (i = 0; i < num_phones; i++)
		if (phones[i].id == id)
			return &phones[i];
	return NULL;
}

EXPORT LONG TSPIAPI TSPI_phoneNegotiateTSPIVersion(DWORD dev, DWORD low, DWORD high, LPDWORD v)
{
	struct phone *p = by_id(dev);

	if (!p)
		return (LONG)PHONEERR_BADDEVICEID;
	if (low > p->tspi || high < 0x00010003)
		return (LONG)PHONEERR_INCOMPATIBLEAPIVERSION;
	*v = high < p->tspi ? high : p->tspi;
	return 0;
}

static void caps_arrays(struct phone *p, LPPHONECAPS caps)
{
	DWORD modes[BUTTONS], functions[BUTTONS], lamps[BUTTONS];
	int i;

	for (i = 0; i < BUTTONS; i++) {
		modes[i] = p->buttons[i].mode;
		functions[i] = p->buttons[i].function;
		lamps[i] = i < KEYPAD ? PHONELAMPMODE_DUMMY : LAMP_MODES;
	}
	ot_var_append(caps, offsetof(PHONECAPS, dwButtonModesSize), modes, sizeof(modes));
	ot_var_append(caps, offsetof(PHONECAPS, dwButtonFunctionsSize), functions,
		      sizeof(functions));
	ot_var_append(caps, offsetof(PHONECAPS, dwLampModesSize), lamps, sizeof(lamps));
}

EXPORT LONG TSPIAPI TSPI_phoneGetDevCaps(DWORD dev, DWORD version, DWORD ext, LPPHONECAPS caps)
{
	static const char name[] = "Parts phone", classes[] = "tapi/phone\0wave/out\0comm\0";
	struct phone *p = by_id(dev);
	uint32_t fixed = caps->dwUsedSize;

	(void)ext;
	if (!p)
		return (LONG)PHONEERR_BADDEVICEID;
	caps->dwStringFormat = STRINGFORMAT_ASCII;
	caps->dwPermanentPhoneID = 0x9a270000u + dev;
	caps->dwHookSwitchDevs = 7;
	caps->dwHandsetHookSwitchModes = caps->dwSpeakerHookSwitchModes = HS_MODES;
	caps->dwHeadsetHookSwitchModes = HS_MODES;
	caps->dwVolumeFlags = caps->dwGainFlags = 7;
	caps->dwDisplayNumRows = p->no_display ? 0 : ROWS;
	caps->dwDisplayNumColumns = COLS;
	caps->dwNumRingModes = 4;
	caps->dwNumButtonLamps = BUTTONS;
	ot_var_append(caps, offsetof(PHONECAPS, dwPhoneNameSize), name, sizeof(name));
	caps_arrays(p, caps);
	if (p->area_size) {
		caps->dwNumSetData = caps->dwNumGetData = 1;
		ot_var_append(caps, offsetof(PHONECAPS, dwSetDataSize), &p->area_size, 4);
		ot_var_append(caps, offsetof(PHONECAPS, dwGetDataSize), &p->area_size, 4);
	}
	if (version >= 0x00020000 && fixed >= offsetof(PHONECAPS, PermanentPhoneGuid)) {
		caps->dwPhoneFeatures = p->features;
		/* The headset cannot be switched to MIC alone. */
		caps->dwSettableHandsetHookSwitchModes = HS_MODES;
		caps->dwSettableSpeakerHookSwitchModes = HS_MODES;
		caps->dwSettableHeadsetHookSwitchModes = HS_MODES & ~(DWORD)PHONEHOOKSWITCHMODE_MIC;
		caps->dwMonitoredHandsetHookSwitchModes = HS_MODES;
		caps->dwMonitoredSpeakerHookSwitchModes = HS_MODES;
		caps->dwMonitoredHeadsetHookSwitchModes = HS_MODES;
		ot_var_append(caps, offsetof(PHONECAPS, dwDeviceClassesSize), classes,
			      sizeof(classes));
	}
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneOpen(DWORD dev, HTAPIPHONE ht, LPHDRVPHONE hd, DWORD version,
				   PHONEEVENT event)
{
	struct phone *p = by_id(dev);

	(void)version;
	if (!p)
		return (LONG)PHONEERR_BADDEVICEID;
	p->ht = ht;
	p->event = event;
	*hd = (HDRVPHONE)p;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hd)
{
	((struct phone *)hd)->event = NULL;
	return 0;
}

/* Completes request id with 0 and reports the change. */
static LONG done(struct phone *p, DRV_REQUESTID id, DWORD state, DWORD_PTR value)
{
	completion(id, 0);
	if (p->event && state)
		p->event(p->ht, PHONE_STATE, state, value, 0);
	return (LONG)id;
}

EXPORT LONG TSPIAPI TSPI_phoneSetDisplay(DRV_REQUESTID id, HDRVPHONE hd, DWORD row, DWORD col,
					 LPCWSTR text, DWORD size)
{
	struct phone *p = (struct phone *)hd;
	DWORD pos = row * COLS + col, i;

	for (i = 0; i < size / 2 && text[i] && pos < ROWS * COLS; i++, pos++)
		p->display[pos] = text[i];
	return done(p, id, PHONESTATE_DISPLAY, 0);
}

EXPORT LONG TSPIAPI TSPI_phoneGetDisplay(HDRVPHONE hd, LPVARSTRING vs)
{
	struct phone *p = (struct phone *)hd;
	char buf[ROWS * COLS * 3 + 1];
	long n = ot_utf16_to_utf8(p->display, ROWS * COLS, buf, sizeof(buf) - 1);

	if (n < 0)
		return (LONG)PHONEERR_OPERATIONFAILED;
	buf[n] = '\0';
	vs->dwStringFormat = STRINGFORMAT_ASCII;
	ot_var_append(vs, offsetof(VARSTRING, dwStringSize), buf, (uint32_t)n + 1);
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneSetLamp(DRV_REQUESTID id, HDRVPHONE hd, DWORD lamp, DWORD mode)
{
	struct phone *p = (struct phone *)hd;

	p->lamps[lamp] = mode;
	return done(p, id, PHONESTATE_LAMP, lamp);
}

EXPORT LONG TSPIAPI TSPI_phoneGetLamp(HDRVPHONE hd, DWORD lamp, LPDWORD mode)
{
	*mode = ((struct phone *)hd)->lamps[lamp];
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneSetButtonInfo(DRV_REQUESTID id, HDRVPHONE hd, DWORD button,
					    LPPHONEBUTTONINFO const info)
{
	struct phone *p = (struct phone *)hd;
	struct button *b = &p->buttons[button];
	DWORD len = info->dwButtonTextSize;

	b->mode = info->dwButtonMode;
	b->function = info->dwButtonFunction;
	if (len >= sizeof(b->text))
		len = sizeof(b->text) - 1;
	memcpy(b->text, (const char *)info + info->dwButtonTextOffset, len);
	b->text[len] = '\0';
	return done(p, id, PHONESTATE_OTHER, 0);
}

EXPORT LONG TSPIAPI TSPI_phoneGetButtonInfo(HDRVPHONE hd, DWORD button, LPPHONEBUTTONINFO info)
{
	struct phone *p = (struct phone *)hd;
	const struct button *b = &p->buttons[button];
	static const char dev_specific[4] = { 1, 2, 3, 4 };

	info->dwButtonMode = b->mode;
	info->dwButtonFunction = b->function;
	if (info->dwUsedSize >= sizeof(PHONEBUTTONINFO))
		info->dwButtonState = PHONEBUTTONSTATE_UP;
	ot_var_append(info, offsetof(PHONEBUTTONINFO, dwButtonTextSize), b->text,
		      (uint32_t)strlen(b->text) + 1);
	ot_var_append(info, offsetof(PHONEBUTTONINFO, dwDevSpecificSize), dev_specific,
		      sizeof(dev_specific));
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneSetHookSwitch(DRV_REQUESTID id, HDRVPHONE hd, DWORD devs,
					    DWORD mode)
{
	static const DWORD states[3] = { PHONESTATE_HANDSETHOOKSWITCH, PHONESTATE_SPEAKERHOOKSWITCH,
					 PHONESTATE_HEADSETHOOKSWITCH };
	struct phone *p = (struct phone *)hd;
	int i;

	completion(id, 0);
	for (i = 0; i < 3; i++) {
		if (!(devs & (1u << i)))
			continue;
		p->hookswitch[i] = mode;
		if (p->event)
			p->event(p->ht, PHONE_STATE, states[i], mode, 0);
	}
	return (LONG)id;
}

EXPORT LONG TSPIAPI TSPI_phoneGetHookSwitch(HDRVPHONE hd, LPDWORD devs)
{
	struct phone *p = (struct phone *)hd;
	int i;

	*devs = 0;
	for (i = 0; i < 3; i++)
		if (p->hookswitch[i] != PHONEHOOKSWITCHMODE_ONHOOK)
			*devs |= 1u << i;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneSetRing(DRV_REQUESTID id, HDRVPHONE hd, DWORD mode, DWORD volume)
{
	struct phone *p = (struct phone *)hd;

	p->ring_mode = mode;
	p->ring_volume = volume;
	return done(p, id, PHONESTATE_RINGMODE, mode);
}

EXPORT LONG TSPIAPI TSPI_phoneGetRing(HDRVPHONE hd, LPDWORD mode, LPDWORD volume)
{
	*mode = ((struct phone *)hd)->ring_mode;
	*volume = ((struct phone *)hd)->ring_volume;
	return 0;
}

static int index_of(DWORD dev)
{
	return dev == PHONEHOOKSWITCHDEV_HANDSET ? 0 : dev == PHONEHOOKSWITCHDEV_SPEAKER ? 1 : 2;
}

EXPORT LONG TSPIAPI TSPI_phoneSetVolume(DRV_REQUESTID id, HDRVPHONE hd, DWORD dev, DWORD volume)
{
	struct phone *p = (struct phone *)hd;

	p->volume[index_of(dev)] = volume;
	return done(p, id, PHONESTATE_HANDSETVOLUME << (3 * index_of(dev)), 0);
}

EXPORT LONG TSPIAPI TSPI_phoneGetVolume(HDRVPHONE hd, DWORD dev, LPDWORD volume)
{
	*volume = ((struct phone *)hd)->volume[index_of(dev)];
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneSetGain(DRV_REQUESTID id, HDRVPHONE hd, DWORD dev, DWORD gain)
{
	struct phone *p = (struct phone *)hd;

	p->gain[index_of(dev)] = gain;
	return done(p, id, PHONESTATE_HANDSETGAIN << (3 * index_of(dev)), 0);
}

EXPORT LONG TSPIAPI TSPI_phoneGetGain(HDRVPHONE hd, DWORD dev, LPDWORD gain)
{
	*gain = ((struct phone *)hd)->gain[index_of(dev)];
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneGetStatus(HDRVPHONE hd, LPPHONESTATUS st)
{
	struct phone *p = (struct phone *)hd;
	char text[ROWS * COLS * 3 + 1];
	long n = ot_utf16_to_utf8(p->display, ROWS * COLS, text, sizeof(text) - 1);

	st->dwStatusFlags = PHONESTATUSFLAGS_CONNECTED;
	st->dwRingMode = p->ring_mode;
	st->dwRingVolume = p->ring_volume;
	st->dwHandsetHookSwitchMode = p->hookswitch[0];
	st->dwSpeakerHookSwitchMode = p->hookswitch[1];
	st->dwHeadsetHookSwitchMode = p->hookswitch[2];
	st->dwHandsetVolume = p->volume[0];
	st->dwHandsetGain = p->gain[0];
	if (st->dwUsedSize >= sizeof(PHONESTATUS))
		st->dwPhoneFeatures = p->features;
	text[n < 0 ? 0 : n] = '\0';
	ot_var_append(st, offsetof(PHONESTATUS, dwDisplaySize), text, (uint32_t)strlen(text) + 1);
	ot_var_append(st, offsetof(PHONESTATUS, dwLampModesSize), p->lamps, sizeof(p->lamps));
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneSetStatusMessages(HDRVPHONE hd, DWORD s, DWORD m, DWORD b)
{
	(void)hd;
	(void)s;
	(void)m;
	(void)b;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneDevSpecific(DRV_REQUESTID id, HDRVPHONE hd, LPVOID params,
					  DWORD size)
{
	struct phone *p = (struct phone *)hd;
	char cmd[64] = "";
	long a = 0, b = 0, c = 0;

	memcpy(cmd, params, size < sizeof(cmd) - 1 ? size : sizeof(cmd) - 1);
	completion(id, 0);
	if (sscanf(cmd, "state %li %li", &a, &b) == 2)
		p->event(p->ht, PHONE_STATE, (DWORD_PTR)a, (DWORD_PTR)b, 0);
	else if (sscanf(cmd, "button %li %li %li", &a, &b, &c) == 3)
		p->event(p->ht, PHONE_BUTTON, (DWORD_PTR)a, (DWORD_PTR)b, (DWORD_PTR)c);
	else if (!strcmp(cmd, "capschange")) {
		p->no_display = 1;
		p->event(p->ht, PHONE_STATE, PHONESTATE_CAPSCHANGE, 0, 0);
	} else if (!strcmp(cmd, "grow") && p->area_size && p->area_size < AREA_MAX) {
		p->area_size *= 2;
		p->event(p->ht, PHONE_STATE, PHONESTATE_CAPSCHANGE, 0, 0);
	}
	return (LONG)id;
}

EXPORT LONG TSPIAPI TSPI_phoneSetData(DRV_REQUESTID id, HDRVPHONE hd, DWORD data_id,
				      LPVOID const data, DWORD size)
{
	struct phone *p = (struct phone *)hd;

	/* The engine checked the ID and the size against the capabilities. */
	(void)data_id;
	memcpy(p->area, data, size);
	completion(id, 0);
	return (LONG)id;
}

EXPORT LONG TSPIAPI TSPI_phoneGetData(HDRVPHONE hd, DWORD data_id, LPVOID data, DWORD size)
{
	struct phone *p = (struct phone *)hd;

	(void)data_id;
	memcpy(data, p->area, size < p->area_size ? size : p->area_size);
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneGetID(HDRVPHONE hd, LPVARSTRING vs, LPCWSTR cls, HANDLE process)
{
	static const char16_t wave[] = u"wave/out";
	static const char name[] = "wave-out-0 \xc3\xa9"; /* "é": UTF-8 that W callers get widened */

	(void)hd;
	(void)process;
	if (!u16eq(cls, wave))
		return (LONG)PHONEERR_OPERATIONFAILED; /* "comm": listed, but not available now */
	vs->dwStringFormat = STRINGFORMAT_ASCII;
	ot_var_append(vs, offsetof(VARSTRING, dwStringSize), name, sizeof(name));
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneGetIcon(DWORD dev, LPCWSTR cls, LPHICON icon)
{
	static const char16_t wave[] = u"wave/out", phone[] = u"tapi/phone";

	if (!by_id(dev))
		return (LONG)PHONEERR_BADDEVICEID;
	if (!cls || !cls[0] || u16eq(cls, phone))
		*icon = (HICON) "partsprov-phone";
	else if (u16eq(cls, wave))
		*icon = (HICON) "audio-card";
	else
		return (LONG)PHONEERR_INVALDEVICECLASS;
	return 0;
}

EXPORT LONG TSPIAPI TUISPI_phoneConfigDialog(TUISPIDLLCALLBACK cb, DWORD dev, HWND owner,
					     LPCWSTR cls)
{
	static const char16_t comm[] = u"comm";

	(void)owner;
	/* The provider side is unreachable: the engine's callback says so. */
	if (cb(dev, TUISPIDLL_OBJECT_PHONEID, NULL, 0) != (LONG)PHONEERR_OPERATIONUNAVAIL)
		return (LONG)PHONEERR_OPERATIONFAILED;
	if (cls && u16eq(cls, comm))
		return (LONG)PHONEERR_INUSE;
	return 0;
}
