/* SPDX-License-Identifier: MIT */
/* parts.c — the parts of a simulated phone: display, lamps, buttons, hookswitch, ring, volume
 * and gain.
 *
 * Owns: their TSPI Get functions (read from the live device state under sim_prov.lock) and Set
 * functions (checked against the device by device.c, then handed to submit() as a change).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "sim.h"
#include "varstruct.h"

/* ---- the device: display, lamps, buttons, hookswitch, ring, volume, gain ------------------- */

/* A state change request, allocated with room for n display cells after it. */
static struct sim_item *new_change(enum sim_change_kind kind, uint32_t a, uint32_t b, size_t n)
{
	struct sim_item *it = ot_malloc(sizeof(*it) + n * sizeof(uint32_t));

	if (!it)
		return NULL;
	memset(it, 0, sizeof(*it));
	it->kind = ITEM_CHANGE;
	it->ch.kind = kind;
	it->ch.a = a;
	it->ch.b = b;
	it->ch.cells = (const uint32_t *)(it + 1);
	return it;
}

/* A device change: applied inline or queued (see submit); it is owned. */
static LONG submit_change(DRV_REQUESTID id, struct sim_phone *ph, struct sim_item *it)
{
	return submit(id, ph, it, 1);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetDisplay(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					     DWORD dwRow, DWORD dwColumn, LPCWSTR lpsDisplay,
					     DWORD dwSize)
{
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
	struct sim_item *it;
	size_t start, room, units;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (!ph->dev.rows)
		return PHONEERR_OPERATIONUNAVAIL;
	if (dwRow >= ph->dev.rows || dwColumn >= ph->dev.cols || (dwSize & 1))
		return PHONEERR_INVALPARAM;
	if (dwSize && !lpsDisplay)
		return PHONEERR_INVALPOINTER;
	/* The display is one run of rows*cols cells: text goes on into the next row and what
	 * does not fit before the end of the display is dropped. */
	start = (size_t)dwRow * ph->dev.cols + dwColumn;
	room = (size_t)ph->dev.rows * ph->dev.cols - start;
	units = dwSize / 2;
	it = new_change(SIM_SET_DISPLAY, (uint32_t)start, 0, units < room ? units : room);
	if (!it)
		return PHONEERR_NOMEM;
	it->ch.ncells = (uint32_t)sim_utf16_to_cells(lpsDisplay, units, (uint32_t *)(it + 1),
						     units < room ? units : room);
	return submit_change(dwRequestID, ph, it);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetDisplay(HDRVPHONE hdPhone, LPVARSTRING lpDisplay)
{
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (!lpDisplay)
		return PHONEERR_INVALPOINTER;
	if (!ph->dev.rows)
		return PHONEERR_OPERATIONUNAVAIL;
	if (ot_var_begin(lpDisplay, VARSTRING_SIZE) < 0)
		return PHONEERR_STRUCTURETOOSMALL;
	r = lock_open(ph, 1);
	if (r)
		return r;
	ot_var_set(lpDisplay, offsetof(VARSTRING, dwStringFormat), STRINGFORMAT_ASCII);
	sim_append_display(lpDisplay, offsetof(VARSTRING, dwStringSize), ph->st->display,
		       (size_t)ph->dev.rows * ph->dev.cols);
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetLamp(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					  DWORD dwButtonLampID, DWORD dwLampMode)
{
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
	struct sim_item *it;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	r = sim_check_lamp(&ph->dev, dwButtonLampID, dwLampMode);
	if (r)
		return r;
	it = new_change(SIM_SET_LAMP, dwButtonLampID, dwLampMode, 0);
	if (!it)
		return PHONEERR_NOMEM;
	return submit_change(dwRequestID, ph, it);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetLamp(HDRVPHONE hdPhone, DWORD dwButtonLampID,
					  LPDWORD lpdwLampMode)
{
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (dwButtonLampID >= ph->dev.num_buttons)
		return PHONEERR_INVALBUTTONLAMPID;
	if (!lpdwLampMode)
		return PHONEERR_INVALPOINTER;
	r = lock_open(ph, 1);
	if (r)
		return r;
	*lpdwLampMode = ph->st->lamps[dwButtonLampID];
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetButtonInfo(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						DWORD dwButtonLampID,
						LPPHONEBUTTONINFO const lpButtonInfo)
{
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
	uint32_t total, mode, function, size, offset;
	struct sim_item *it;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (!lpButtonInfo)
		return PHONEERR_INVALPOINTER;
	total = ot_var_get(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwTotalSize));
	if (total < BUTTONINFO_SIZE_13)
		return PHONEERR_STRUCTURETOOSMALL;
	mode = ot_var_get(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwButtonMode));
	function = ot_var_get(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwButtonFunction));
	r = sim_check_button(&ph->dev, dwButtonLampID, mode, function);
	if (r)
		return r;
	/* The text must lie inside the structure the caller describes. */
	size = ot_var_get(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwButtonTextSize));
	offset = ot_var_get(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwButtonTextOffset));
	if (size && (offset > total || size > total - offset))
		return PHONEERR_STRUCTURETOOSMALL;
	it = new_change(SIM_SET_BUTTON, dwButtonLampID, 0, 0);
	if (!it)
		return PHONEERR_NOMEM;
	it->ch.button.mode = mode;
	it->ch.button.function = function;
	sim_text_clean((const char *)lpButtonInfo + offset, size, it->ch.button.text);
	return submit_change(dwRequestID, ph, it);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetButtonInfo(HDRVPHONE hdPhone, DWORD dwButtonLampID,
						LPPHONEBUTTONINFO lpButtonInfo)
{
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
	struct sim_button b;
	uint32_t fixed, state;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (dwButtonLampID >= ph->dev.num_buttons)
		return PHONEERR_INVALBUTTONLAMPID;
	if (!lpButtonInfo)
		return PHONEERR_INVALPOINTER;
	fixed = ot_var_get(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwUsedSize));
	if (fixed < BUTTONINFO_SIZE_13 || fixed > sizeof(PHONEBUTTONINFO) ||
	    ot_var_get(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwTotalSize)) < fixed)
		return PHONEERR_STRUCTURETOOSMALL;
	r = lock_open(ph, 1);
	if (r)
		return r;
	b = *sim_state_button(&ph->dev, ph->st, dwButtonLampID);
	state = b.mode == PHONEBUTTONMODE_DUMMY ? PHONEBUTTONSTATE_UNAVAIL
		: sim_button_down(ph, dwButtonLampID) ? PHONEBUTTONSTATE_DOWN
						  : PHONEBUTTONSTATE_UP;
	pthread_mutex_unlock(&sim_prov.lock);

	ot_var_set(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwButtonMode), b.mode);
	ot_var_set(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwButtonFunction), b.function);
	if (b.text[0])
		ot_var_append(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwButtonTextSize), b.text,
			      (uint32_t)strlen(b.text) + 1);
	/* dwButtonState is a 1.4 field: only callers whose fixed part has it get it. */
	ot_var_set_fixed(lpButtonInfo, fixed, offsetof(PHONEBUTTONINFO, dwButtonState), state);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetHookSwitch(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						DWORD dwHookSwitchDevs, DWORD dwHookSwitchMode)
{
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
	struct sim_item *it;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	r = sim_check_hook(&ph->dev, dwHookSwitchDevs, dwHookSwitchMode);
	if (r)
		return r;
	it = new_change(SIM_SET_HOOK, dwHookSwitchDevs, dwHookSwitchMode, 0);
	if (!it)
		return PHONEERR_NOMEM;
	return submit_change(dwRequestID, ph, it);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetHookSwitch(HDRVPHONE hdPhone, LPDWORD lpdwHookSwitchDevs)
{
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (!ph->dev.hook_devs)
		return PHONEERR_OPERATIONUNAVAIL;
	if (!lpdwHookSwitchDevs)
		return PHONEERR_INVALPOINTER;
	r = lock_open(ph, 1);
	if (r)
		return r;
	*lpdwHookSwitchDevs = sim_state_offhook(&ph->dev, ph->st);
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetRing(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					  DWORD dwRingMode, DWORD dwVolume)
{
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
	struct sim_item *it;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	r = sim_check_ring(&ph->dev, dwRingMode);
	if (r)
		return r;
	it = new_change(SIM_SET_RING, dwRingMode, dwVolume > SIM_LEVEL_MAX ? SIM_LEVEL_MAX : dwVolume,
			0);
	if (!it)
		return PHONEERR_NOMEM;
	return submit_change(dwRequestID, ph, it);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetRing(HDRVPHONE hdPhone, LPDWORD lpdwRingMode,
					  LPDWORD lpdwVolume)
{
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (!lpdwRingMode || !lpdwVolume)
		return PHONEERR_INVALPOINTER;
	r = lock_open(ph, 1);
	if (r)
		return r;
	*lpdwRingMode = ph->st->ring_mode;
	*lpdwVolume = ph->st->ring_volume;
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}

static LONG set_level(DRV_REQUESTID id, HDRVPHONE hd, DWORD dev, DWORD value, int gain)
{
	struct sim_phone *ph = sim_phone_by_handle(hd);
	struct sim_item *it;
	int i;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	r = sim_check_level(&ph->dev, dev, gain, &i);
	if (r)
		return r;
	it = new_change(gain ? SIM_SET_GAIN : SIM_SET_VOLUME, (uint32_t)i,
			value > SIM_LEVEL_MAX ? SIM_LEVEL_MAX : value, 0);
	if (!it)
		return PHONEERR_NOMEM;
	return submit_change(id, ph, it);
}

static LONG get_level(HDRVPHONE hd, DWORD dev, LPDWORD out, int gain)
{
	struct sim_phone *ph = sim_phone_by_handle(hd);
	int i;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	r = sim_check_level(&ph->dev, dev, gain, &i);
	if (r)
		return r;
	if (!out)
		return PHONEERR_INVALPOINTER;
	r = lock_open(ph, 1);
	if (r)
		return r;
	*out = gain ? ph->st->gain[i] : ph->st->volume[i];
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetVolume(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					    DWORD dwHookSwitchDev, DWORD dwVolume)
{
	return set_level(dwRequestID, hdPhone, dwHookSwitchDev, dwVolume, 0);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetVolume(HDRVPHONE hdPhone, DWORD dwHookSwitchDev,
					    LPDWORD lpdwVolume)
{
	return get_level(hdPhone, dwHookSwitchDev, lpdwVolume, 0);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetGain(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					  DWORD dwHookSwitchDev, DWORD dwGain)
{
	return set_level(dwRequestID, hdPhone, dwHookSwitchDev, dwGain, 1);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetGain(HDRVPHONE hdPhone, DWORD dwHookSwitchDev,
					  LPDWORD lpdwGain)
{
	return get_level(hdPhone, dwHookSwitchDev, lpdwGain, 1);
}
