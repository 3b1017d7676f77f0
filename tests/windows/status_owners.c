/* SPDX-License-Identifier: MIT */
/* status_owners.c — phoneGetStatus with the buffer grown to dwNeededSize; who owns and monitors
 * the phone, its hookswitch and ring.
 * Idiom: Microsoft's TAPI 2.2 reference, phoneGetStatus and PHONESTATUS (dwNumOwners,
 * dwNumMonitors, dwRingMode, dwHandsetHookSwitchMode). */
#include <windows.h>
#include <tapi.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	HPHONEAPP hApp;
	HPHONE hPhone;
	DWORD dwDevs, dwVersion = 0x00020002, dwSize = sizeof(PHONESTATUS) + 64;
	PHONEINITIALIZEEXPARAMS p;
	LPPHONESTATUS lpStatus = NULL;
	LONG lResult;

	ZeroMemory(&p, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	if (phoneInitializeEx(&hApp, NULL, NULL, TEXT("status"), &dwDevs, &dwVersion, &p) ||
	    phoneOpen(hApp, 0, &hPhone, 0x00020002, 0, 0, PHONEPRIVILEGE_MONITOR))
		return 1;
	do {
		lpStatus = (LPPHONESTATUS)realloc(lpStatus, dwSize);
		if (!lpStatus)
			return 2;
		ZeroMemory(lpStatus, dwSize);
		lpStatus->dwTotalSize = dwSize;
		lResult = phoneGetStatus(hPhone, lpStatus);
		dwSize = lpStatus->dwNeededSize;
	} while (lResult == 0 && lpStatus->dwNeededSize > lpStatus->dwTotalSize);
	if (lResult != 0)
		return 3;
	printf("owners %lu, monitors %lu, ring mode %lu, handset 0x%lx\n",
	       (unsigned long)lpStatus->dwNumOwners, (unsigned long)lpStatus->dwNumMonitors,
	       (unsigned long)lpStatus->dwRingMode,
	       (unsigned long)lpStatus->dwHandsetHookSwitchMode);
	lResult = lpStatus->dwNumMonitors >= 1 ? 0 : 4;
	free(lpStatus);
	phoneShutdown(hApp);
	return (int)lResult;
}
