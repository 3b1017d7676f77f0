/* SPDX-License-Identifier: MIT */
/* phone_parts.c — the phone* entry points for a device's parts: display, lamps, buttons,
 * hookswitch, ring, volume and gain. The engine validates the requests; the library checks only
 * the pointers it must write through. */
#include <tapi.h>

#include "entry.h"

API LONG phoneSetDisplay(HPHONE hPhone, DWORD dwRow, DWORD dwColumn, LPCSTR lpsDisplay,
			 DWORD dwSize)
{
	WITH_BACKEND(backend->ops->set_display(backend, hPhone, dwRow, dwColumn, lpsDisplay,
					       dwSize));
}

API LONG phoneGetDisplay(HPHONE hPhone, LPVARSTRING lpDisplay)
{
	if (!lpDisplay)
		return PHONEERR_INVALPOINTER;
	WITH_BACKEND(backend->ops->get_display(backend, hPhone, lpDisplay));
}

API LONG phoneSetLamp(HPHONE hPhone, DWORD dwButtonLampID, DWORD dwLampMode)
{
	WITH_BACKEND(backend->ops->set_lamp(backend, hPhone, dwButtonLampID, dwLampMode));
}

API LONG phoneGetLamp(HPHONE hPhone, DWORD dwButtonLampID, LPDWORD lpdwLampMode)
{
	if (!lpdwLampMode)
		return PHONEERR_INVALPOINTER;
	WITH_BACKEND(backend->ops->get_lamp(backend, hPhone, dwButtonLampID, lpdwLampMode));
}

API LONG phoneSetButtonInfoA(HPHONE hPhone, DWORD dwButtonLampID,
			     LPPHONEBUTTONINFO const lpButtonInfo)
{
	WITH_BACKEND(backend->ops->set_button_info(backend, hPhone, dwButtonLampID, lpButtonInfo));
}

API LONG phoneSetButtonInfo(HPHONE hPhone, DWORD dwButtonLampID,
			    LPPHONEBUTTONINFO const lpButtonInfo)
{
	return phoneSetButtonInfoA(hPhone, dwButtonLampID, lpButtonInfo);
}

API LONG phoneGetButtonInfoA(HPHONE hPhone, DWORD dwButtonLampID, LPPHONEBUTTONINFO lpButtonInfo)
{
	if (!lpButtonInfo)
		return PHONEERR_INVALPOINTER;
	WITH_BACKEND(backend->ops->get_button_info(backend, hPhone, dwButtonLampID, lpButtonInfo));
}

API LONG phoneGetButtonInfo(HPHONE hPhone, DWORD dwButtonLampID, LPPHONEBUTTONINFO lpButtonInfo)
{
	return phoneGetButtonInfoA(hPhone, dwButtonLampID, lpButtonInfo);
}

API LONG phoneSetHookSwitch(HPHONE hPhone, DWORD dwHookSwitchDevs, DWORD dwHookSwitchMode)
{
	WITH_BACKEND(backend->ops->set_hookswitch(backend, hPhone, dwHookSwitchDevs,
						  dwHookSwitchMode));
}

API LONG phoneGetHookSwitch(HPHONE hPhone, LPDWORD lpdwHookSwitchDevs)
{
	if (!lpdwHookSwitchDevs)
		return PHONEERR_INVALPOINTER;
	WITH_BACKEND(backend->ops->get_hookswitch(backend, hPhone, lpdwHookSwitchDevs));
}

API LONG phoneSetRing(HPHONE hPhone, DWORD dwRingMode, DWORD dwVolume)
{
	WITH_BACKEND(backend->ops->set_ring(backend, hPhone, dwRingMode, dwVolume));
}

API LONG phoneGetRing(HPHONE hPhone, LPDWORD lpdwRingMode, LPDWORD lpdwVolume)
{
	if (!lpdwRingMode || !lpdwVolume)
		return PHONEERR_INVALPOINTER;
	WITH_BACKEND(backend->ops->get_ring(backend, hPhone, lpdwRingMode, lpdwVolume));
}

API LONG phoneSetVolume(HPHONE hPhone, DWORD dwHookSwitchDev, DWORD dwVolume)
{
	WITH_BACKEND(backend->ops->set_level(backend, hPhone, OT_LEVEL_VOLUME, dwHookSwitchDev,
					     dwVolume));
}

API LONG phoneGetVolume(HPHONE hPhone, DWORD dwHookSwitchDev, LPDWORD lpdwVolume)
{
	if (!lpdwVolume)
		return PHONEERR_INVALPOINTER;
	WITH_BACKEND(backend->ops->get_level(backend, hPhone, OT_LEVEL_VOLUME, dwHookSwitchDev,
					     lpdwVolume));
}

API LONG phoneSetGain(HPHONE hPhone, DWORD dwHookSwitchDev, DWORD dwGain)
{
	WITH_BACKEND(backend->ops->set_level(backend, hPhone, OT_LEVEL_GAIN, dwHookSwitchDev,
					     dwGain));
}

API LONG phoneGetGain(HPHONE hPhone, DWORD dwHookSwitchDev, LPDWORD lpdwGain)
{
	if (!lpdwGain)
		return PHONEERR_INVALPOINTER;
	WITH_BACKEND(backend->ops->get_level(backend, hPhone, OT_LEVEL_GAIN, dwHookSwitchDev,
					     lpdwGain));
}
