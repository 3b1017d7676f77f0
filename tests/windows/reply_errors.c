/* SPDX-License-Identifier: MIT */
/* reply_errors.c — an application's table of error names and a switch over a PHONE_REPLY's
 * result, without casts, as Windows TAPI applications write them.
 * Idiom: Microsoft's TAPI 2.2 reference, PHONE_REPLY ("dwParam2: the result ... zero for success
 * or one of the PHONEERR_ constants") and the phone error list of tapi.h. */
#include <windows.h>
#include <tapi.h>
#include <stdio.h>

static const struct {
	DWORD dwError;
	const char *pszName;
} g_Errors[] = {
	{ PHONEERR_INVALDATAID, "PHONEERR_INVALDATAID" },
	{ PHONEERR_NOTOWNER, "PHONEERR_NOTOWNER" },
	{ PHONEERR_OPERATIONFAILED, "PHONEERR_OPERATIONFAILED" },
};

static const char *ErrorName(DWORD dwError)
{
	UINT i;

	for (i = 0; i < sizeof(g_Errors) / sizeof(g_Errors[0]); i++)
		if (g_Errors[i].dwError == dwError)
			return g_Errors[i].pszName;
	return "?";
}

int main(void)
{
	HPHONEAPP hApp;
	HPHONE hPhone;
	DWORD dwDevs, dwVersion = 0x00020002;
	PHONEINITIALIZEEXPARAMS p;
	LONG lResult;

	ZeroMemory(&p, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	if (phoneInitializeEx(&hApp, NULL, NULL, TEXT("errors"), &dwDevs, &dwVersion, &p))
		return 1;
	if (phoneOpen(hApp, 0, &hPhone, 0x00020002, 0, 0, PHONEPRIVILEGE_MONITOR))
		return 2;
	lResult = phoneSetData(hPhone, 0, (LPVOID) "x", 1);
	switch ((DWORD)lResult) {
	case PHONEERR_NOTOWNER:
		printf("%s, as a monitor should get\n", ErrorName((DWORD)lResult));
		break;
	default:
		printf("unexpected: 0x%08lX\n", (unsigned long)lResult);
		phoneShutdown(hApp);
		return 3;
	}
	phoneShutdown(hApp);
	return lResult == PHONEERR_NOTOWNER ? 0 : 4;
}
