/* SPDX-License-Identifier: MIT */
/* init_event_wait.c — the event-handle notification of phoneInitializeEx: wait on
 * Handles.hEvent with WaitForSingleObject, then drain phoneGetMessage.
 * Idiom: Microsoft's TAPI 2.2 reference, phoneInitializeEx and PHONEINITIALIZEEXPARAMS
 * ("PHONEINITIALIZEEXOPTION_USEEVENT ... the application waits on hEvent"). */
#include <windows.h>
#include <tapi.h>
#include <stdio.h>

int main(void)
{
	HPHONEAPP hPhoneApp = 0;
	DWORD dwNumDevs = 0, dwAPIVersion = 0x00020002;
	PHONEINITIALIZEEXPARAMS params;
	PHONEMESSAGE msg;
	HPHONE hPhone;
	LONG lResult;
	BOOL bGotReply = FALSE;

	ZeroMemory(&params, sizeof(params));
	params.dwTotalSize = sizeof(params);
	params.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	lResult = phoneInitializeEx(&hPhoneApp, NULL, NULL, TEXT("event sample"), &dwNumDevs,
				    &dwAPIVersion, &params);
	if (lResult != 0 || dwNumDevs == 0)
		return 1;
	if (phoneOpen(hPhoneApp, 0, &hPhone, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER) != 0)
		return 2;
	lResult = phoneSetData(hPhone, 0, (LPVOID) "hello", 6);
	if (lResult <= 0)
		return 3;
	while (!bGotReply) {
		if (WaitForSingleObject(params.Handles.hEvent, 10000) != WAIT_OBJECT_0)
			return 4;
		while (phoneGetMessage(hPhoneApp, &msg, 0) == 0)
			if (msg.dwMessageID == PHONE_REPLY && msg.dwParam1 == (DWORD)lResult)
				bGotReply = TRUE;
	}
	printf("reply: result 0x%08lX\n", (unsigned long)msg.dwParam2);
	phoneShutdown(hPhoneApp);
	return msg.dwParam2 == 0 ? 0 : 5;
}
