/* SPDX-License-Identifier: MIT */
// test_headers_cxx98.cpp - tapi.h compiles in C++98 (WCHAR is then a 16-bit unsigned integer, as
// C++98 has no char16_t), and the error results work the way Windows TAPI code uses them: in
// tables of DWORD, in a switch over a DWORD, in #if, and against a PHONE_REPLY's dwParam2.
#include <tapi.h>

#if PHONEERR_NOMEM != 0x9000001A
#error "PHONEERR_NOMEM has the SDK's value in the preprocessor"
#endif

static const DWORD known[] = { PHONEERR_NOMEM, PHONEERR_OPERATIONFAILED, PHONEERR_REINIT };

static int classify(DWORD result)
{
	switch (result) {
	case PHONEERR_NOMEM:
		return 1;
	case PHONEERR_OPERATIONFAILED:
		return 2;
	default:
		return 0;
	}
}

int main()
{
	PHONEMESSAGE msg;
	LONG rc = (LONG)0x9000001C; // what a failed call returns
	WCHAR cls[] = { 't', 'a', 'p', 'i', 0 };

	msg.dwParam2 = (DWORD)rc; // as the library fills a failed PHONE_REPLY
	if (!(msg.dwParam2 == PHONEERR_OPERATIONFAILED) || !(rc == (LONG)PHONEERR_OPERATIONFAILED))
		return 1;
	if (classify((DWORD)msg.dwParam2) != 2 || classify(known[0]) != 1 || sizeof(cls[0]) != 2)
		return 2;
	return sizeof(known) == 3 * sizeof(DWORD) ? 0 : 3;
}
