/* SPDX-License-Identifier: MIT */
/* getid_varstring.c — phoneGetID into a VARSTRING grown to dwNeededSize, reading the result at
 * dwStringOffset.
 * Idiom: Microsoft's TAPI 2.2 reference, phoneGetID and VARSTRING ("dwStringFormat,
 * dwStringSize, dwStringOffset"); device class "tapi/phone". */
#include <windows.h>
#include <tapi.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	HPHONEAPP hApp;
	HPHONE hPhone;
	DWORD dwDevs, dwVersion = 0x00020002, dwSize = sizeof(VARSTRING);
	PHONEINITIALIZEEXPARAMS p;
	LPVARSTRING lpId = NULL;
	LONG lResult;
	DWORD dwDeviceId;

	ZeroMemory(&p, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	if (phoneInitializeEx(&hApp, NULL, NULL, TEXT("getid"), &dwDevs, &dwVersion, &p) ||
	    phoneOpen(hApp, 0, &hPhone, 0x00020002, 0, 0, PHONEPRIVILEGE_MONITOR))
		return 1;
	for (;;) {
		lpId = (LPVARSTRING)realloc(lpId, dwSize);
		if (!lpId)
			return 2;
		ZeroMemory(lpId, dwSize);
		lpId->dwTotalSize = dwSize;
		lResult = phoneGetID(hPhone, lpId, TEXT("tapi/phone"));
		if (lResult != 0 || lpId->dwNeededSize <= lpId->dwTotalSize)
			break;
		dwSize = lpId->dwNeededSize;
	}
	if (lResult != 0 || lpId->dwStringFormat != STRINGFORMAT_BINARY ||
	    lpId->dwStringSize != sizeof(DWORD))
		return 3;
	CopyMemory(&dwDeviceId, (LPBYTE)lpId + lpId->dwStringOffset, sizeof(DWORD));
	printf("tapi/phone: device %lu\n", (unsigned long)dwDeviceId);
	free(lpId);
	phoneShutdown(hApp);
	return dwDeviceId == 0 ? 0 : 4;
}
