/* SPDX-License-Identifier: MIT */
/* negotiate_versions.c — the version negotiation loop over every device, printing versions with
 * HIWORD/LOWORD.
 * Idiom: Microsoft's TAPI 2.2 reference, phoneNegotiateAPIVersion ("the application passes the
 * range of versions it supports ... and gets the highest version both support"). */
#include <windows.h>
#include <tapi.h>
#include <stdio.h>

#define LOW_VERSION 0x00010004
#define HIGH_VERSION 0x00020002

int main(void)
{
	HPHONEAPP hApp;
	DWORD dwDevs, dwVersion = HIGH_VERSION, dwDev, dwNegotiated;
	PHONEINITIALIZEEXPARAMS p;
	PHONEEXTENSIONID ext;
	int nOk = 0;

	ZeroMemory(&p, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	if (phoneInitializeEx(&hApp, NULL, NULL, TEXT("versions"), &dwDevs, &dwVersion, &p))
		return 1;
	printf("TAPI %u.%u, %lu phones\n", HIWORD(dwVersion), LOWORD(dwVersion),
	       (unsigned long)dwDevs);
	for (dwDev = 0; dwDev < dwDevs; dwDev++) {
		if (phoneNegotiateAPIVersion(hApp, dwDev, LOW_VERSION, HIGH_VERSION, &dwNegotiated,
					     &ext) != 0)
			continue;
		printf("phone %lu: version %u.%u\n", (unsigned long)dwDev, HIWORD(dwNegotiated),
		       LOWORD(dwNegotiated));
		if (dwNegotiated == MAKELONG(2, 2))
			nOk++;
	}
	if (phoneNegotiateAPIVersion(hApp, dwDevs, LOW_VERSION, HIGH_VERSION, &dwNegotiated,
				     &ext) != PHONEERR_BADDEVICEID)
		return 2;
	phoneShutdown(hApp);
	return nOk == (int)dwDevs ? 0 : 3;
}
