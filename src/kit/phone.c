/* SPDX-License-Identifier: MIT */
/* phone.c — one phone of a kit provider as TSPI sees it.
 *
 * Owns: TSPI_phoneNegotiateTSPIVersion, TSPI_phoneGetDevCaps (all of PHONECAPS, from the
 * provider's struct otsp_caps), TSPI_phoneGetStatus (all of PHONESTATUS, from its struct
 * otsp_status), TSPI_phoneSetStatusMessages, TSPI_phoneOpen/Close, the synchronous getters
 * (handle and open checks, then the provider's operation), the phone's uses and its events.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "kit.h"
#include "varstruct.h"

/* Fixed-part sizes by version (Microsoft's TSPI documentation; docs/decisions.md, "Versions"). */
#define CAPS_SIZE_1X 144u
#define STATUS_SIZE_1X 100u
#define VARSTRING_SIZE 24u

const char otsp_kit_phone_c = 0;

/* ---- uses ---------------------------------------------------------------------------------- */

LONG kit_use_locked(struct otsp_phone *ph)
{
	if (!ph->open || ph->closing || ph->removed)
		return PHONEERR_INVALPHONEHANDLE;
	ph->users++;
	return 0;
}

int kit_unuse_locked(struct otsp_phone *ph)
{
	if (--ph->users == 0 && ph->closing)
		pthread_cond_broadcast(&K.idle);
	return !ph->users && ph->remove_pending; /* a removal may be due (requests.c) */
}

LONG kit_begin_use(struct otsp_phone *ph)
{
	LONG r;

	pthread_mutex_lock(&K.lock);
	r = kit_use_locked(ph);
	pthread_mutex_unlock(&K.lock);
	return r;
}

void kit_end_use(struct otsp_phone *ph)
{
	int wake;

	pthread_mutex_lock(&K.lock);
	wake = kit_unuse_locked(ph);
	pthread_mutex_unlock(&K.lock);
	if (wake)
		pthread_cond_broadcast(&K.wake);
}

int otsp_phone_event(struct otsp_phone *ph, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3)
{
	/* PHONE_CLOSE, PHONE_REPLY, PHONE_CREATE and PHONE_REMOVE are the kit's to send. */
	if (msg != PHONE_STATE && msg != PHONE_BUTTON && msg != PHONE_DEVSPECIFIC) {
		otsp_log(OTSP_ERROR, "phone '%s': message %u is not one a provider sends; dropped",
			 ph->name, (unsigned)msg);
		return -1;
	}
	pthread_mutex_lock(&K.lock);
	/* A closing phone still reports what its last requests change. */
	if (!ph->open) {
		pthread_mutex_unlock(&K.lock);
		return -1;
	}
	ph->users++;
	pthread_mutex_unlock(&K.lock);
	pthread_mutex_lock(&K.cb_lock);
	ph->event_proc(ph->ht, msg, p1, p2, p3);
	pthread_mutex_unlock(&K.cb_lock);
	kit_end_use(ph);
	return 0;
}

int otsp_phone_closing(const struct otsp_phone *ph)
{
	int closing;

	pthread_mutex_lock(&K.lock);
	closing = ph->closing;
	pthread_mutex_unlock(&K.lock);
	return closing;
}

/* ---- capabilities --------------------------------------------------------------------------- */

static size_t dwords(DWORD n, const DWORD *a)
{
	return a ? n * sizeof(DWORD) : 0;
}

static size_t classes_len(const char *c)
{
	const char *p = c;

	while (*p)
		p += strlen(p) + 1;
	return (size_t)(p - c) + 1;
}

static void *put(char **at, const void *src, size_t len)
{
	void *dst = *at;

	if (!src || !len)
		return NULL;
	memcpy(dst, src, len);
	*at += len;
	return dst;
}

/* One allocation holds every array and string of the copy. */
LONG otsp_phone_set_caps(struct otsp_phone *ph, const struct otsp_caps *caps)
{
	struct otsp_caps c = *caps;
	size_t nb = c.num_buttons, len = dwords((DWORD)nb, c.button_modes) +
					 dwords((DWORD)nb, c.button_functions) +
					 dwords((DWORD)nb, c.lamp_modes) +
					 dwords(c.num_set_data, c.set_data_sizes) +
					 dwords(c.num_get_data, c.get_data_sizes) +
					 (c.name ? strlen(c.name) + 1 : 0) +
					 (c.info ? strlen(c.info) + 1 : 0) +
					 (c.device_classes ? classes_len(c.device_classes) : 0);
	char *mem = ot_malloc(len ? len : 1), *at = mem, *old;

	if (!mem)
		return PHONEERR_NOMEM;
	c.button_modes = put(&at, caps->button_modes, dwords((DWORD)nb, caps->button_modes));
	c.button_functions = put(&at, caps->button_functions,
				 dwords((DWORD)nb, caps->button_functions));
	c.lamp_modes = put(&at, caps->lamp_modes, dwords((DWORD)nb, caps->lamp_modes));
	c.set_data_sizes = put(&at, caps->set_data_sizes, dwords(c.num_set_data, caps->set_data_sizes));
	c.get_data_sizes = put(&at, caps->get_data_sizes, dwords(c.num_get_data, caps->get_data_sizes));
	c.name = put(&at, caps->name, caps->name ? strlen(caps->name) + 1 : 0);
	c.info = put(&at, caps->info, caps->info ? strlen(caps->info) + 1 : 0);
	c.device_classes = put(&at, caps->device_classes,
			       caps->device_classes ? classes_len(caps->device_classes) : 0);
	if (!c.set_data_sizes)
		c.num_set_data = 0;
	if (!c.get_data_sizes)
		c.num_get_data = 0;
	pthread_mutex_lock(&K.lock);
	old = ph->caps_mem;
	ph->caps = c;
	ph->caps_mem = mem;
	pthread_mutex_unlock(&K.lock);
	ot_free(old);
	return 0;
}

static DWORD tspi_high(const struct otsp_phone *ph)
{
	DWORD m;

	pthread_mutex_lock(&K.lock);
	m = ph->caps.max_tspi_version;
	pthread_mutex_unlock(&K.lock);
	return m && m < P.tspi_high ? m : P.tspi_high;
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
						       DWORD dwHighVersion,
						       LPDWORD lpdwTSPIVersion)
{
	struct otsp_phone *ph;
	LONG r = kit_phone_present(dwDeviceID, &ph);
	DWORD high;

	if (r)
		return r;
	if (!lpdwTSPIVersion)
		return PHONEERR_INVALPOINTER;
	high = tspi_high(ph);
	if (dwLowVersion > dwHighVersion || dwHighVersion < P.tspi_low || dwLowVersion > high)
		return PHONEERR_INCOMPATIBLEAPIVERSION;
	*lpdwTSPIVersion = dwHighVersion < high ? dwHighVersion : high;
	return 0;
}

/* The fixed part, then the variable parts: the DWORD arrays first, right after the fixed part (a
 * multiple of 4 bytes), so that they are aligned for applications that read them through a DWORD
 * pointer; strings follow. K.lock held. */
static void fill_caps(const struct otsp_phone *ph, PHONECAPS *pc, uint32_t fixed, DWORD version)
{
	static const char phone_class[] = "tapi/phone\0";
	static const size_t hook_fields[3][3] = {
		{ offsetof(PHONECAPS, dwHandsetHookSwitchModes),
		  offsetof(PHONECAPS, dwSettableHandsetHookSwitchModes),
		  offsetof(PHONECAPS, dwMonitoredHandsetHookSwitchModes) },
		{ offsetof(PHONECAPS, dwSpeakerHookSwitchModes),
		  offsetof(PHONECAPS, dwSettableSpeakerHookSwitchModes),
		  offsetof(PHONECAPS, dwMonitoredSpeakerHookSwitchModes) },
		{ offsetof(PHONECAPS, dwHeadsetHookSwitchModes),
		  offsetof(PHONECAPS, dwSettableHeadsetHookSwitchModes),
		  offsetof(PHONECAPS, dwMonitoredHeadsetHookSwitchModes) },
	};
	const struct otsp_caps *c = &ph->caps;
	const char *classes = c->device_classes ? c->device_classes : phone_class;
	uint32_t nb = c->num_buttons * (uint32_t)sizeof(DWORD);
	DWORD states = c->phone_states;
	int i;

	/* These two messages came with TAPI 1.4. */
	if (version < 0x00010004)
		states &= ~(DWORD)(PHONESTATE_CAPSCHANGE | PHONESTATE_REMOVED);
	ot_var_set_fixed(pc, fixed, offsetof(PHONECAPS, dwPermanentPhoneID), ph->permanent_id);
	ot_var_set_fixed(pc, fixed, offsetof(PHONECAPS, dwStringFormat), STRINGFORMAT_ASCII);
	ot_var_set_fixed(pc, fixed, offsetof(PHONECAPS, dwPhoneStates), states);
	ot_var_set_fixed(pc, fixed, offsetof(PHONECAPS, dwHookSwitchDevs), c->hook_devs);
	for (i = 0; i < 3; i++) {
		if (!(c->hook_devs & (1u << i)))
			continue;
		ot_var_set_fixed(pc, fixed, hook_fields[i][0], c->hook_modes[i]);
		ot_var_set_fixed(pc, fixed, hook_fields[i][1], c->hook_settable[i]);
		ot_var_set_fixed(pc, fixed, hook_fields[i][2], c->hook_monitored[i]);
	}
	ot_var_set_fixed(pc, fixed, offsetof(PHONECAPS, dwVolumeFlags), c->volume_devs);
	ot_var_set_fixed(pc, fixed, offsetof(PHONECAPS, dwGainFlags), c->gain_devs);
	ot_var_set_fixed(pc, fixed, offsetof(PHONECAPS, dwDisplayNumRows), c->display_rows);
	ot_var_set_fixed(pc, fixed, offsetof(PHONECAPS, dwDisplayNumColumns), c->display_columns);
	ot_var_set_fixed(pc, fixed, offsetof(PHONECAPS, dwNumRingModes), c->ring_modes);
	ot_var_set_fixed(pc, fixed, offsetof(PHONECAPS, dwNumButtonLamps), c->num_buttons);
	ot_var_set_fixed(pc, fixed, offsetof(PHONECAPS, dwNumSetData), c->num_set_data);
	ot_var_set_fixed(pc, fixed, offsetof(PHONECAPS, dwNumGetData), c->num_get_data);
	ot_var_set_fixed(pc, fixed, offsetof(PHONECAPS, dwPhoneFeatures), c->features);
	if (offsetof(PHONECAPS, PermanentPhoneGuid) + sizeof(GUID) <= fixed)
		memcpy((char *)pc + offsetof(PHONECAPS, PermanentPhoneGuid), &ph->guid, sizeof(GUID));

	if (c->button_modes)
		ot_var_append(pc, offsetof(PHONECAPS, dwButtonModesSize), c->button_modes, nb);
	if (c->button_functions)
		ot_var_append(pc, offsetof(PHONECAPS, dwButtonFunctionsSize), c->button_functions, nb);
	if (c->lamp_modes)
		ot_var_append(pc, offsetof(PHONECAPS, dwLampModesSize), c->lamp_modes, nb);
	ot_var_append(pc, offsetof(PHONECAPS, dwSetDataSize), c->set_data_sizes,
		      c->num_set_data * (uint32_t)sizeof(DWORD));
	ot_var_append(pc, offsetof(PHONECAPS, dwGetDataSize), c->get_data_sizes,
		      c->num_get_data * (uint32_t)sizeof(DWORD));
	if (P.info)
		ot_var_append(pc, offsetof(PHONECAPS, dwProviderInfoSize), P.info,
			      (uint32_t)strlen(P.info) + 1);
	if (c->info)
		ot_var_append(pc, offsetof(PHONECAPS, dwPhoneInfoSize), c->info,
			      (uint32_t)strlen(c->info) + 1);
	ot_var_append(pc, offsetof(PHONECAPS, dwPhoneNameSize), c->name ? c->name : ph->name,
		      (uint32_t)strlen(c->name ? c->name : ph->name) + 1);
	if (offsetof(PHONECAPS, dwDeviceClassesOffset) + 4 <= fixed)
		ot_var_append(pc, offsetof(PHONECAPS, dwDeviceClassesSize), classes,
			      (uint32_t)classes_len(classes));
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneGetDevCaps(DWORD dwDeviceID, DWORD dwTSPIVersion,
					     DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps)
{
	struct otsp_phone *ph;
	uint32_t fixed, total;
	LONG r = kit_phone_present(dwDeviceID, &ph);

	if (r)
		return r;
	if (dwExtVersion != 0)
		return PHONEERR_INCOMPATIBLEEXTVERSION;
	if (!lpPhoneCaps)
		return PHONEERR_INVALPOINTER;
	fixed = ot_var_get(lpPhoneCaps, offsetof(PHONECAPS, dwUsedSize));
	total = ot_var_get(lpPhoneCaps, offsetof(PHONECAPS, dwTotalSize));
	if (fixed < CAPS_SIZE_1X || fixed > sizeof(PHONECAPS) || total < fixed)
		return PHONEERR_STRUCTURETOOSMALL;
	pthread_mutex_lock(&K.lock);
	fill_caps(ph, lpPhoneCaps, fixed, dwTSPIVersion);
	pthread_mutex_unlock(&K.lock);
	return 0;
}

/* ---- status --------------------------------------------------------------------------------- */

/* Room for the display as UTF-8 and its NUL. K.lock held. */
static size_t display_room(const struct otsp_phone *ph)
{
	return (size_t)ph->caps.display_rows * ph->caps.display_columns * 4 + 1;
}

static void fill_status(PHONESTATUS *ps, uint32_t fixed, const struct otsp_status *s, DWORD nb,
			DWORD rows)
{
	static const size_t fields[3][3] = {
		{ offsetof(PHONESTATUS, dwHandsetHookSwitchMode), offsetof(PHONESTATUS, dwHandsetVolume),
		  offsetof(PHONESTATUS, dwHandsetGain) },
		{ offsetof(PHONESTATUS, dwSpeakerHookSwitchMode), offsetof(PHONESTATUS, dwSpeakerVolume),
		  offsetof(PHONESTATUS, dwSpeakerGain) },
		{ offsetof(PHONESTATUS, dwHeadsetHookSwitchMode), offsetof(PHONESTATUS, dwHeadsetVolume),
		  offsetof(PHONESTATUS, dwHeadsetGain) },
	};
	int i;

	ot_var_set(ps, offsetof(PHONESTATUS, dwStatusFlags), s->flags);
	ot_var_set(ps, offsetof(PHONESTATUS, dwRingMode), s->ring_mode);
	ot_var_set(ps, offsetof(PHONESTATUS, dwRingVolume), s->ring_volume);
	for (i = 0; i < 3; i++) {
		ot_var_set(ps, fields[i][0], s->hook_mode[i]);
		ot_var_set(ps, fields[i][1], s->volume[i]);
		ot_var_set(ps, fields[i][2], s->gain[i]);
	}
	/* The lamp array first, so that it is DWORD-aligned; then the text. */
	ot_var_append(ps, offsetof(PHONESTATUS, dwLampModesSize), s->lamps, nb * (uint32_t)sizeof(DWORD));
	if (rows && s->display[0])
		ot_var_append(ps, offsetof(PHONESTATUS, dwDisplaySize), s->display,
			      (uint32_t)strlen(s->display) + 1);
	ot_var_set_fixed(ps, fixed, offsetof(PHONESTATUS, dwPhoneFeatures), s->features);
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneGetStatus(HDRVPHONE hdPhone, LPPHONESTATUS lpPhoneStatus)
{
	struct otsp_phone *ph = kit_phone_by_handle(hdPhone);
	struct otsp_status s;
	DWORD nb, rows;
	size_t room;
	uint32_t fixed;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (!lpPhoneStatus)
		return PHONEERR_INVALPOINTER;
	fixed = ot_var_get(lpPhoneStatus, offsetof(PHONESTATUS, dwUsedSize));
	if (fixed < STATUS_SIZE_1X || fixed > sizeof(PHONESTATUS) ||
	    ot_var_get(lpPhoneStatus, offsetof(PHONESTATUS, dwTotalSize)) < fixed)
		return PHONEERR_STRUCTURETOOSMALL;
	if ((r = kit_begin_use(ph)) != 0)
		return r;
	memset(&s, 0, sizeof(s));
	pthread_mutex_lock(&K.lock);
	nb = ph->caps.num_buttons;
	rows = ph->caps.display_rows;
	room = display_room(ph);
	s.features = ph->caps.features;
	pthread_mutex_unlock(&K.lock);
	s.flags = PHONESTATUSFLAGS_CONNECTED;
	s.num_lamps = nb;
	s.lamps = ot_calloc(nb ? nb : 1, sizeof(DWORD));
	s.display_size = room;
	s.display = ot_calloc(1, room);
	if (!s.lamps || !s.display)
		r = PHONEERR_NOMEM;
	else if (P.get_status)
		r = P.get_status(ph, &s);
	if (r == 0)
		fill_status(lpPhoneStatus, fixed, &s, nb, rows);
	ot_free(s.lamps);
	ot_free(s.display);
	kit_end_use(ph);
	return r;
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneSetStatusMessages(HDRVPHONE hdPhone, DWORD dwPhoneStates,
						    DWORD dwButtonModes, DWORD dwButtonStates)
{
	(void)dwPhoneStates;
	(void)dwButtonModes;
	(void)dwButtonStates;
	/* Every message goes out; the engine filters per handle. */
	return kit_phone_by_handle(hdPhone) ? 0 : (LONG)PHONEERR_INVALPHONEHANDLE;
}

/* ---- open / close --------------------------------------------------------------------------- */

KIT_EXPORT LONG TSPIAPI TSPI_phoneOpen(DWORD dwDeviceID, HTAPIPHONE htPhone,
				       LPHDRVPHONE lphdPhone, DWORD dwTSPIVersion,
				       PHONEEVENT lpfnEventProc)
{
	struct otsp_phone *ph = kit_phone_by_id(dwDeviceID);
	LONG r = 0;

	if (!ph)
		return PHONEERR_BADDEVICEID;
	if (!lphdPhone || !lpfnEventProc)
		return PHONEERR_INVALPOINTER;
	if (dwTSPIVersion < P.tspi_low || dwTSPIVersion > P.tspi_high)
		return PHONEERR_INCOMPATIBLEAPIVERSION;
	pthread_mutex_lock(&K.lock);
	if (!K.initialised)
		r = PHONEERR_OPERATIONFAILED;
	else if (ph->removed)
		r = PHONEERR_NODEVICE;
	else if (ph->open || ph->opening)
		r = PHONEERR_ALLOCATED;
	else
		ph->opening = 1;
	pthread_mutex_unlock(&K.lock);
	if (r)
		return r;

	/* The provider's open may do I/O: outside the lock. */
	r = P.open ? P.open(ph) : 0;

	pthread_mutex_lock(&K.lock);
	ph->opening = 0;
	if (r == 0) {
		ph->ht = htPhone;
		ph->event_proc = lpfnEventProc;
		ph->holding = 0;
		ph->open = 1;
	}
	pthread_mutex_unlock(&K.lock);
	if (r == 0)
		*lphdPhone = (HDRVPHONE)(uintptr_t)(ph->index + 1);
	return r;
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hdPhone)
{
	struct otsp_phone *ph = kit_phone_by_handle(hdPhone);

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	pthread_mutex_lock(&K.lock);
	if (!ph->open || ph->closing) {
		pthread_mutex_unlock(&K.lock);
		return PHONEERR_INVALPHONEHANDLE;
	}
	ph->closing = 1;
	pthread_mutex_unlock(&K.lock);
	if (P.cancel)
		P.cancel(ph);
	/* Everything accepted completes before we return, held requests included. */
	pthread_mutex_lock(&K.lock);
	kit_drain(ph);
	pthread_mutex_unlock(&K.lock);
	if (P.close)
		P.close(ph);
	pthread_mutex_lock(&K.lock);
	ph->open = 0;
	/* An event the provider sent during its close is out before we return. */
	while (ph->users)
		pthread_cond_wait(&K.idle, &K.lock);
	ph->closing = 0;
	ph->ht = NULL;
	ph->event_proc = NULL;
	pthread_mutex_unlock(&K.lock);
	return 0;
}

/* ---- getters -------------------------------------------------------------------------------- */

/* Runs a getter on an open phone: the provider's operation, or OPERATIONUNAVAIL without one. */
#define GETTER(ph, op, ...)                                                                      \
	do {                                                                                     \
		LONG r_;                                                                         \
		if (!(ph))                                                                       \
			return PHONEERR_INVALPHONEHANDLE;                                        \
		if (!P.op)                                                                       \
			return PHONEERR_OPERATIONUNAVAIL;                                        \
		if ((r_ = kit_begin_use(ph)) != 0)                                          \
			return r_;                                                               \
		r_ = P.op((ph), __VA_ARGS__);                                                    \
		kit_end_use(ph);                                                                 \
		return r_;                                                                       \
	} while (0)

KIT_EXPORT LONG TSPIAPI TSPI_phoneGetData(HDRVPHONE hdPhone, DWORD dwDataID, LPVOID lpData,
					  DWORD dwSize)
{
	struct otsp_phone *ph = kit_phone_by_handle(hdPhone);
	DWORD n;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	pthread_mutex_lock(&K.lock);
	n = ph->caps.num_get_data;
	pthread_mutex_unlock(&K.lock);
	if (dwDataID >= n)
		return PHONEERR_INVALDATAID;
	if (dwSize && !lpData)
		return PHONEERR_INVALPOINTER;
	GETTER(ph, get_data, dwDataID, lpData, dwSize);
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneGetDisplay(HDRVPHONE hdPhone, LPVARSTRING lpDisplay)
{
	struct otsp_phone *ph = kit_phone_by_handle(hdPhone);
	char *text;
	size_t room;
	DWORD rows;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (!lpDisplay)
		return PHONEERR_INVALPOINTER;
	pthread_mutex_lock(&K.lock);
	rows = ph->caps.display_rows;
	room = display_room(ph);
	pthread_mutex_unlock(&K.lock);
	if (!rows || !P.get_display)
		return PHONEERR_OPERATIONUNAVAIL;
	if (ot_var_begin(lpDisplay, VARSTRING_SIZE) < 0)
		return PHONEERR_STRUCTURETOOSMALL;
	if ((r = kit_begin_use(ph)) != 0)
		return r;
	text = ot_calloc(1, room);
	r = text ? P.get_display(ph, text, room) : (LONG)PHONEERR_NOMEM;
	if (r == 0) {
		ot_var_set(lpDisplay, offsetof(VARSTRING, dwStringFormat), STRINGFORMAT_ASCII);
		ot_var_append(lpDisplay, offsetof(VARSTRING, dwStringSize), text,
			      (uint32_t)strlen(text) + 1);
	}
	ot_free(text);
	kit_end_use(ph);
	return r;
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneGetLamp(HDRVPHONE hdPhone, DWORD dwButtonLampID,
					  LPDWORD lpdwLampMode)
{
	GETTER(kit_phone_by_handle(hdPhone), get_lamp, dwButtonLampID, lpdwLampMode);
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneGetButtonInfo(HDRVPHONE hdPhone, DWORD dwButtonLampID,
						LPPHONEBUTTONINFO lpButtonInfo)
{
	GETTER(kit_phone_by_handle(hdPhone), get_button_info, dwButtonLampID, lpButtonInfo);
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneGetHookSwitch(HDRVPHONE hdPhone, LPDWORD lpdwHookSwitchDevs)
{
	GETTER(kit_phone_by_handle(hdPhone), get_hook_switch, lpdwHookSwitchDevs);
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneGetRing(HDRVPHONE hdPhone, LPDWORD lpdwRingMode,
					  LPDWORD lpdwVolume)
{
	GETTER(kit_phone_by_handle(hdPhone), get_ring, lpdwRingMode, lpdwVolume);
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneGetVolume(HDRVPHONE hdPhone, DWORD dwHookSwitchDev,
					    LPDWORD lpdwVolume)
{
	GETTER(kit_phone_by_handle(hdPhone), get_volume, dwHookSwitchDev, lpdwVolume);
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneGetGain(HDRVPHONE hdPhone, DWORD dwHookSwitchDev,
					  LPDWORD lpdwGain)
{
	GETTER(kit_phone_by_handle(hdPhone), get_gain, dwHookSwitchDev, lpdwGain);
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneGetID(HDRVPHONE hdPhone, LPVARSTRING lpDeviceID,
					LPCWSTR lpszDeviceClass, HANDLE hTargetProcess)
{
	(void)hTargetProcess; /* no handles cross processes here */
	GETTER(kit_phone_by_handle(hdPhone), get_id, lpDeviceID, lpszDeviceClass);
}

/* By device ID: the phone need not be open. */
KIT_EXPORT LONG TSPIAPI TSPI_phoneGetIcon(DWORD dwDeviceID, LPCWSTR lpszDeviceClass,
					  LPHICON lphIcon)
{
	struct otsp_phone *ph;
	LONG r = kit_phone_present(dwDeviceID, &ph);

	if (r)
		return r;
	if (!P.get_icon)
		return PHONEERR_OPERATIONUNAVAIL;
	return P.get_icon(ph, lpszDeviceClass, lphIcon);
}

KIT_EXPORT LONG TSPIAPI TUISPI_phoneConfigDialog(TUISPIDLLCALLBACK lpfnUIDLLCallback,
						 DWORD dwDeviceID, HWND hwndOwner,
						 LPCWSTR lpszDeviceClass)
{
	struct otsp_phone *ph;
	LONG r = kit_phone_present(dwDeviceID, &ph);

	if (r)
		return r;
	if (!P.config_dialog)
		return PHONEERR_OPERATIONUNAVAIL;
	return P.config_dialog(ph, lpfnUIDLLCallback, hwndOwner, lpszDeviceClass);
}
