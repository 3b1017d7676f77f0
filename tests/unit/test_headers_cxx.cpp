/* SPDX-License-Identifier: MIT */
// test_headers_cxx.cpp - tapi.h and tspi.h compile as C++ (extern "C", char16_t WCHAR, no C-only
// constructs) and keep the SDK sizes there too. Needs no library.
#include <cstddef>
#include <type_traits>

#include <tapi.h>
#include <tspi.h>

static_assert(sizeof(DWORD) == 4 && sizeof(LONG) == 4, "DWORD/LONG");
static_assert(sizeof(HPHONE) == 4 && sizeof(HPHONEAPP) == 4, "HPHONE/HPHONEAPP");
static_assert(sizeof(HANDLE) == sizeof(void *) && sizeof(DWORD_PTR) == sizeof(void *), "HANDLE");
static_assert(sizeof(HDRVPHONE) == sizeof(void *), "HDRVPHONE");
static_assert(std::is_same<WCHAR, char16_t>::value, "WCHAR is char16_t");
static_assert(sizeof(GUID) == 16, "GUID");
static_assert(sizeof(PHONECAPS) == 196, "PHONECAPS");
static_assert(sizeof(PHONESTATUS) == 104, "PHONESTATUS");
static_assert(sizeof(PHONEBUTTONINFO) == 40, "PHONEBUTTONINFO");
static_assert(sizeof(PHONEEXTENSIONID) == 16, "PHONEEXTENSIONID");
static_assert(sizeof(VARSTRING) == 24, "VARSTRING");
static_assert(sizeof(PHONEINITIALIZEEXPARAMS) == 16 + sizeof(HANDLE) + 4, "PHONEINITIALIZEEXPARAMS");
static_assert(sizeof(PHONEMESSAGE) == 8 + 4 * sizeof(DWORD_PTR), "PHONEMESSAGE");
static_assert(sizeof(OT_COMPLETIONRECORD) == 4 + sizeof(PHONEMESSAGE), "OT_COMPLETIONRECORD");
static_assert(offsetof(PHONECAPS, PermanentPhoneGuid) == 180, "PermanentPhoneGuid");
static_assert(offsetof(PHONEINITIALIZEEXPARAMS, dwCompletionKey) == 16 + sizeof(HANDLE),
	      "dwCompletionKey");
// The SDK's spelling: plain hex literals, so unsigned int, usable in a DWORD table and a switch
// over a DWORD without a cast (and a LONG still converts to the same bits).
static_assert(std::is_same<decltype(PHONEERR_NOMEM), unsigned int>::value, "PHONEERR_ type");
static_assert((LONG)PHONEERR_NOMEM == -1879048166, "PHONEERR_ as LONG");
static constexpr DWORD known[] = { PHONEERR_NOMEM, PHONEERR_NOTOWNER };
static_assert(std::is_same<decltype(phoneSetData), LONG(HPHONE, DWORD, LPVOID, DWORD)>::value,
	      "phoneSetData");
static_assert(std::is_same<decltype(phoneGetDevCaps), decltype(phoneGetDevCapsA)>::value,
	      "phoneGetDevCaps -> A");
static_assert(std::is_same<decltype(&phoneInitializeEx), decltype(&phoneInitializeExA)>::value,
	      "phoneInitializeEx -> A");
static_assert(std::is_same<decltype(TSPI_phoneSetData),
			   LONG(DRV_REQUESTID, HDRVPHONE, DWORD, LPVOID, DWORD)>::value,
	      "TSPI_phoneSetData");

// A provider-style callback and a switch over PHONEERR_ values, as C++ code would write them.
static void CALLBACK on_event(HTAPIPHONE, DWORD, DWORD_PTR, DWORD_PTR, DWORD_PTR)
{
}

static int classify(DWORD r)
{
	switch (r) {
	case PHONEERR_INVALDATAID:
		return 1;
	case PHONEERR_NOTOWNER:
		return 2;
	default:
		return 0;
	}
}

int main()
{
	PHONEEVENT ev = on_event;
	PHONEINITIALIZEEXPARAMS params = {};
	params.dwTotalSize = sizeof(params);
	params.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	params.Handles.hEvent = nullptr;
	const WCHAR *cls = u"tapi/phone";
	(void)ev;
	(void)cls;
	PHONEMESSAGE msg = {};
	msg.dwParam2 = (DWORD)(LONG)PHONEERR_NOTOWNER; // a failed PHONE_REPLY, as the library fills it
	if (msg.dwParam2 != PHONEERR_NOTOWNER || classify((DWORD)msg.dwParam2) != 2 ||
	    classify(known[1]) != 2)
		return 2;
	return classify(PHONEERR_INVALDATAID) == 1 && params.dwOptions == 2 ? 0 : 1;
}
