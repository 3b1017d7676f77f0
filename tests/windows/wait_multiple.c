/* SPDX-License-Identifier: MIT */
/* wait_multiple.c — one thread serving two TAPI applications: WaitForMultipleObjects over both
 * event handles, then phoneGetMessage on the one that is signalled.
 * Idiom: Microsoft's TAPI 2.2 reference, PHONEINITIALIZEEXPARAMS ("the event handle ... can be
 * used in WaitForMultipleObjects along with the application's other handles"). */
#include <windows.h>
#include <tapi.h>
#include <stdio.h>

int main(void)
{
	HPHONEAPP hApps[2];
	HANDLE hEvents[2];
	HPHONE hOwner, hMonitor;
	DWORD dwDevs, dwVersion, dwWait;
	PHONEINITIALIZEEXPARAMS p;
	PHONEMESSAGE msg;
	int i, nStateSeen = 0;

	for (i = 0; i < 2; i++) {
		ZeroMemory(&p, sizeof(p));
		p.dwTotalSize = sizeof(p);
		p.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
		dwVersion = 0x00020002;
		if (phoneInitializeEx(&hApps[i], NULL, NULL, TEXT("two apps"), &dwDevs, &dwVersion,
				      &p))
			return 1;
		hEvents[i] = p.Handles.hEvent;
	}
	if (phoneOpen(hApps[1], 0, &hMonitor, 0x00020002, 0, 0, PHONEPRIVILEGE_MONITOR) ||
	    phoneSetStatusMessages(hMonitor, PHONESTATE_OWNER, 0, 0) ||
	    phoneOpen(hApps[0], 0, &hOwner, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER))
		return 2;
	/* The monitor's application hears that the phone has an owner now. */
	while (!nStateSeen) {
		dwWait = WaitForMultipleObjects(2, hEvents, FALSE, 10000);
		if (dwWait == WAIT_TIMEOUT || dwWait == WAIT_FAILED)
			return 3;
		while (phoneGetMessage(hApps[dwWait - WAIT_OBJECT_0], &msg, 0) == 0)
			if (msg.dwMessageID == PHONE_STATE && msg.dwParam1 == PHONESTATE_OWNER)
				nStateSeen = dwWait == WAIT_OBJECT_0 + 1;
	}
	printf("the monitor's app heard PHONESTATE_OWNER\n");
	phoneShutdown(hApps[0]);
	phoneShutdown(hApps[1]);
	return 0;
}
