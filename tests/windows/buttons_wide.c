/* SPDX-License-Identifier: MIT */
/* buttons_wide.c — the phone's buttons through phoneGetButtonInfo, their texts as TCHARs
 * (W functions in a UNICODE build), and a TCHAR device class.
 * Idiom: Microsoft's TAPI 2.2 reference, phoneGetButtonInfo and PHONEBUTTONINFO
 * (dwButtonMode, dwButtonFunction, dwButtonTextOffset); generic-text TCHAR/_T as in SDK
 * samples. */
#include <windows.h>
#include <tchar.h>
#include <tapi.h>
#include <stdio.h>

int main(void)
{
	HPHONEAPP hApp;
	HPHONE hPhone;
	DWORD dwDevs, dwVersion = 0x00020002, dwId, dwKeypad = 0;
	PHONEINITIALIZEEXPARAMS p;
	BYTE buffer[sizeof(PHONEBUTTONINFO) + 128];
	LPPHONEBUTTONINFO lpInfo = (LPPHONEBUTTONINFO)buffer;
	const _TCHAR *pszApp = _T("buttons");

	ZeroMemory(&p, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	if (phoneInitializeEx(&hApp, NULL, NULL, pszApp, &dwDevs, &dwVersion, &p) ||
	    phoneOpen(hApp, 0, &hPhone, 0x00020002, 0, 0, PHONEPRIVILEGE_MONITOR))
		return 1;
	for (dwId = 0; dwId < 12; dwId++) {
		ZeroMemory(buffer, sizeof(buffer));
		lpInfo->dwTotalSize = sizeof(buffer);
		if (phoneGetButtonInfo(hPhone, dwId, lpInfo) != 0)
			return 2;
		if (lpInfo->dwButtonMode == PHONEBUTTONMODE_KEYPAD)
			dwKeypad++;
		if (dwId == 0 && lpInfo->dwButtonTextSize >= sizeof(TCHAR)) {
			LPCTSTR pszText = (LPCTSTR)(buffer + lpInfo->dwButtonTextOffset);

			printf("button 0 starts with '%c'\n", (char)pszText[0]);
		}
	}
	printf("%lu keypad buttons\n", (unsigned long)dwKeypad);
	phoneShutdown(hApp);
	return dwKeypad == 12 ? 0 : 3;
}
