/* SPDX-License-Identifier: MIT */
/* callback_1x.c — a TAPI 1.x style application: phoneInitialize with a VOID FAR PASCAL callback,
 * a BOOL flag set by the callback, and a Sleep loop.
 * Idiom: Microsoft's TAPI 2.2 reference, phoneInitialize and PHONECALLBACK ("the callback
 * function ... VOID FAR PASCAL"), as TAPI 1.4 samples write it. */
#include <windows.h>
#include <tapi.h>
#include <stdio.h>

static volatile BOOL g_bReplied = FALSE;
static volatile DWORD g_dwResult = 0xFFFFFFFF;
static volatile LONG g_lRequest = 0;

static VOID FAR PASCAL PhoneCallback(DWORD hDevice, DWORD dwMsg, DWORD_PTR dwCallbackInstance,
				     DWORD_PTR dwParam1, DWORD_PTR dwParam2, DWORD_PTR dwParam3)
{
	(void)hDevice;
	(void)dwCallbackInstance;
	(void)dwParam3;
	if (dwMsg == PHONE_REPLY && dwParam1 == (DWORD_PTR)g_lRequest) {
		g_dwResult = (DWORD)dwParam2;
		g_bReplied = TRUE;
	}
}

int main(void)
{
	HPHONEAPP hApp;
	HPHONE hPhone;
	DWORD dwDevs, dwTicks;
	PHONEEXTENSIONID ext;
	DWORD dwVersion;

	if (phoneInitialize(&hApp, NULL, PhoneCallback, "one-four", &dwDevs) != 0)
		return 1;
	if (phoneNegotiateAPIVersion(hApp, 0, 0x00010003, 0x00010004, &dwVersion, &ext) != 0 ||
	    phoneOpen(hApp, 0, &hPhone, dwVersion, 0, 0, PHONEPRIVILEGE_OWNER) != 0)
		return 2;
	g_lRequest = phoneSetRing(hPhone, 1, 0x8000);
	if (g_lRequest <= 0)
		return 3;
	for (dwTicks = GetTickCount(); !g_bReplied && GetTickCount() - dwTicks < 10000;)
		Sleep(10);
	printf("phoneSetRing: %s\n", g_bReplied && g_dwResult == 0 ? "done" : "no reply");
	phoneShutdown(hApp);
	return g_bReplied && g_dwResult == 0 ? 0 : 4;
}
