/* SPDX-License-Identifier: MIT */
/* devcaps_strings.c — phoneGetDevCaps with a buffer grown to dwNeededSize, and the phone's name
 * read at (LPBYTE)lpCaps + dwPhoneNameOffset as TCHARs (ANSI or UNICODE build).
 * Idiom: Microsoft's TAPI 2.2 reference, phoneGetDevCaps and PHONECAPS ("if dwNeededSize is
 * larger than dwTotalSize, reallocate and call again"); the variable-size string convention. */
#include <windows.h>
#include <tapi.h>
#include <stdio.h>
#include <stdlib.h>

static LPPHONECAPS GetCaps(HPHONEAPP hApp, DWORD dwDevice)
{
	DWORD dwSize = sizeof(PHONECAPS);
	LPPHONECAPS lpCaps = NULL;

	for (;;) {
		LPPHONECAPS lpNew = (LPPHONECAPS)realloc(lpCaps, dwSize);

		if (!lpNew) {
			free(lpCaps);
			return NULL;
		}
		lpCaps = lpNew;
		ZeroMemory(lpCaps, dwSize);
		lpCaps->dwTotalSize = dwSize;
		if (phoneGetDevCaps(hApp, dwDevice, 0x00020002, 0, lpCaps) != 0) {
			free(lpCaps);
			return NULL;
		}
		if (lpCaps->dwNeededSize <= lpCaps->dwTotalSize)
			return lpCaps;
		dwSize = lpCaps->dwNeededSize;
	}
}

int main(void)
{
	HPHONEAPP hApp;
	DWORD dwDevs, dwVersion = 0x00020002, i, dwChars;
	PHONEINITIALIZEEXPARAMS p;
	LPPHONECAPS lpCaps;
	LPCTSTR pszName;
	BOOL bOk;

	ZeroMemory(&p, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	if (phoneInitializeEx(&hApp, NULL, NULL, TEXT("caps"), &dwDevs, &dwVersion, &p))
		return 1;
	lpCaps = GetCaps(hApp, 0);
	if (!lpCaps)
		return 2;
	pszName = (LPCTSTR)((LPBYTE)lpCaps + lpCaps->dwPhoneNameOffset);
	dwChars = lpCaps->dwPhoneNameSize / sizeof(TCHAR);
	printf("name of %lu characters: ", (unsigned long)dwChars);
	for (i = 0; i < dwChars && pszName[i]; i++)
		putchar(pszName[i] < 128 ? (int)pszName[i] : '?');
	putchar('\n');
	bOk = dwChars > 1 && pszName[0] == TEXT('O') && lpCaps->dwNumSetData >= 1;
	free(lpCaps);
	phoneShutdown(hApp);
	return bOk ? 0 : 3;
}
