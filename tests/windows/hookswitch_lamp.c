/* SPDX-License-Identifier: MIT */
/* hookswitch_lamp.c — an owner that lights a lamp and takes the speakerphone off hook, reading
 * both back; requests complete through PHONE_REPLY on the event handle.
 * Idiom: Microsoft's TAPI 2.2 reference, phoneSetLamp/phoneGetLamp (PHONELAMPMODE_) and
 * phoneSetHookSwitch/phoneGetHookSwitch (PHONEHOOKSWITCHDEV_, PHONEHOOKSWITCHMODE_). */
#include <windows.h>
#include <tapi.h>
#include <stdio.h>

static HPHONEAPP g_hApp;
static HANDLE g_hEvent;

/* Waits for the PHONE_REPLY of lRequest; its result, or PHONEERR_OPERATIONFAILED. */
static DWORD WaitReply(LONG lRequest)
{
	PHONEMESSAGE msg;

	if (lRequest < 0)
		return (DWORD)lRequest;
	while (WaitForSingleObject(g_hEvent, 10000) == WAIT_OBJECT_0)
		while (phoneGetMessage(g_hApp, &msg, 0) == 0)
			if (msg.dwMessageID == PHONE_REPLY && msg.dwParam1 == (DWORD_PTR)lRequest)
				return (DWORD)msg.dwParam2;
	return PHONEERR_OPERATIONFAILED;
}

int main(void)
{
	HPHONE hPhone;
	DWORD dwDevs, dwVersion = 0x00020002, dwMode = 0, dwDevsOffHook = 0;
	PHONEINITIALIZEEXPARAMS p;

	ZeroMemory(&p, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	if (phoneInitializeEx(&g_hApp, NULL, NULL, TEXT("lamp"), &dwDevs, &dwVersion, &p) ||
	    phoneOpen(g_hApp, 0, &hPhone, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER))
		return 1;
	g_hEvent = p.Handles.hEvent;
	if (WaitReply(phoneSetLamp(hPhone, 12, PHONELAMPMODE_FLASH)) != 0 ||
	    phoneGetLamp(hPhone, 12, &dwMode) != 0 || dwMode != PHONELAMPMODE_FLASH)
		return 2;
	if (WaitReply(phoneSetHookSwitch(hPhone, PHONEHOOKSWITCHDEV_SPEAKER,
					 PHONEHOOKSWITCHMODE_MICSPEAKER)) != 0 ||
	    phoneGetHookSwitch(hPhone, &dwDevsOffHook) != 0 ||
	    !(dwDevsOffHook & PHONEHOOKSWITCHDEV_SPEAKER))
		return 3;
	printf("lamp 12 flashing; off hook: 0x%lx\n", (unsigned long)dwDevsOffHook);
	phoneShutdown(g_hApp);
	return 0;
}
