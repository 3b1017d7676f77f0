/* SPDX-License-Identifier: MIT */
/* display_rows.c — writing a row of the phone's display at a column and reading the whole
 * display back from a VARSTRING.
 * Idiom: Microsoft's TAPI 2.2 reference, phoneSetDisplay (dwRow, dwColumn, lpsDisplay, dwSize)
 * and phoneGetDisplay; PHONECAPS dwDisplayNumRows and dwDisplayNumColumns. */
#include <windows.h>
#include <tapi.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
	HPHONEAPP hApp;
	HPHONE hPhone;
	DWORD dwDevs, dwVersion = 0x00020002;
	PHONEINITIALIZEEXPARAMS p;
	PHONEMESSAGE msg;
	BYTE buffer[sizeof(VARSTRING) + 256];
	LPVARSTRING lpDisplay = (LPVARSTRING)buffer;
	const char *pszText = "Hello";
	LONG lRequest;
	BOOL bDone = FALSE;

	ZeroMemory(&p, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	if (phoneInitializeEx(&hApp, NULL, NULL, TEXT("display"), &dwDevs, &dwVersion, &p) ||
	    phoneOpen(hApp, 0, &hPhone, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER))
		return 1;
	lRequest = phoneSetDisplay(hPhone, 1, 4, pszText, (DWORD)strlen(pszText));
	if (lRequest <= 0)
		return 2;
	while (!bDone && phoneGetMessage(hApp, &msg, 10000) == 0)
		bDone = msg.dwMessageID == PHONE_REPLY && msg.dwParam1 == (DWORD_PTR)lRequest &&
			msg.dwParam2 == 0;
	ZeroMemory(buffer, sizeof(buffer));
	lpDisplay->dwTotalSize = sizeof(buffer);
	if (!bDone || phoneGetDisplay(hPhone, lpDisplay) != 0 || lpDisplay->dwStringSize < 49)
		return 3;
	/* Row 1 starts after the 40 characters of row 0. */
	if (memcmp(buffer + lpDisplay->dwStringOffset + 40 + 4, pszText, 5) != 0)
		return 4;
	printf("row 1, column 4: %.5s\n", (const char *)buffer + lpDisplay->dwStringOffset + 44);
	phoneShutdown(hApp);
	return 0;
}
