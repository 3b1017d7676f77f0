/* SPDX-License-Identifier: MIT */
/*
 * tapi.h - OpenTAPI: the TAPI 2.2 phone-device API (the phone* functions of Tapi32) for Linux.
 *
 * Source-compatible with the PHONE side of the Windows SDK tapi.h: same names, constant values,
 * prototypes and byte-packed structure layouts (HPHONE/HPHONEAPP are 32-bit DWORDs, HANDLE and
 * DWORD_PTR are pointer-sized). Link with -lopentapi (pkg-config module "opentapi").
 *
 * Strings: the plain and ...A functions take and return UTF-8 (PHONECAPS.dwStringFormat reports
 * STRINGFORMAT_ASCII); the ...W functions take UTF-16, WCHAR = char16_t. With UNICODE defined,
 * phoneGetDevCaps etc. name the W functions, otherwise the A functions (as in the SDK).
 *
 * Notification on Linux (PHONEINITIALIZEEXPARAMS.dwOptions of phoneInitializeEx):
 *  - USEEVENT: Handles.hEvent returns a file descriptor cast to HANDLE; read it back with
 *    (int)(intptr_t)hEvent. It is readable (POLLIN) while at least one message is queued; poll
 *    it and call phoneGetMessage. The library owns it: never read, write or close it.
 *  - USEHIDDENWINDOW, and phoneInitialize: the PHONECALLBACK runs on one library-owned thread
 *    per app, one message at a time, in order.
 *  - USECOMPLETIONPORT: Handles.hCompletionPort is a descriptor the app owns (a pipe or socket
 *    write end, cast the same way). Each message is written to it as one OT_COMPLETIONRECORD.
 *
 * Define OPENTAPI_NO_BASE_TYPES if your program already defines DWORD, HANDLE, ... itself. For
 * Windows sources that include <windows.h> and <tchar.h>, pkg-config module "opentapi-win32"
 * adds the small compatibility headers of docs/porting.md to the include path.
 */
#ifndef TAPI_H
#define TAPI_H

/* As in the current Windows SDK and mingw-w64: 3.1 unless the program says otherwise. It only
 * adds names (PHONEBUTTONFUNCTION_SEND, PHONEFEATURE_GENERICPHONE); the phone structures are
 * those of TAPI 2.2 at every version, and an application still negotiates its API version with
 * phoneNegotiateAPIVersion (OpenTAPI offers up to 2.2). */
#ifndef TAPI_CURRENT_VERSION
#define TAPI_CURRENT_VERSION 0x00030001
#endif

#include <opentapi_wintypes.h> /* DWORD, LONG, HANDLE, WCHAR, GUID, FAR, WINAPI, INFINITE, ... */

/* Marks the API so that it stays exported from code built with -fvisibility=hidden. */
#ifndef OPENTAPI_EXPORT
#if defined(__GNUC__) || defined(__clang__)
#define OPENTAPI_EXPORT __attribute__((visibility("default")))
#else
#define OPENTAPI_EXPORT
#endif
#endif

#pragma pack(push, 1)

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Handles and the application callback ------------------------------------------------ */

#ifndef DECLARE_OPAQUE32
#define DECLARE_OPAQUE32(name) typedef DWORD name
#endif

DECLARE_OPAQUE32(HCALL);
typedef HCALL FAR *LPHCALL;
DECLARE_OPAQUE32(HLINE);
typedef HLINE FAR *LPHLINE;
DECLARE_OPAQUE32(HPHONE);
typedef HPHONE FAR *LPHPHONE;
DECLARE_OPAQUE32(HLINEAPP);
typedef HLINEAPP FAR *LPHLINEAPP;
DECLARE_OPAQUE32(HPHONEAPP);
typedef HPHONEAPP FAR *LPHPHONEAPP;

typedef HICON FAR *LPHICON;

typedef void(CALLBACK *PHONECALLBACK)(DWORD hDevice, DWORD dwMessage, DWORD_PTR dwInstance,
				      DWORD_PTR dwParam1, DWORD_PTR dwParam2, DWORD_PTR dwParam3);

/* ---- Messages ------------------------------------------------------------------------------ */

#define PHONE_BUTTON 14L
#define PHONE_CLOSE 15L
#define PHONE_DEVSPECIFIC 16L
#define PHONE_REPLY 17L
#define PHONE_STATE 18L
#define PHONE_CREATE 20L /* TAPI v1.4 */
#if (TAPI_CURRENT_VERSION >= 0x00020000)
#define PHONE_REMOVE 26L /* TAPI v2.0 */
#endif

#define INITIALIZE_NEGOTIATION 0xFFFFFFFFU

/* ---- Constants ----------------------------------------------------------------------------- */

#define PHONEBUTTONFUNCTION_UNKNOWN 0x00000000
#define PHONEBUTTONFUNCTION_CONFERENCE 0x00000001
#define PHONEBUTTONFUNCTION_TRANSFER 0x00000002
#define PHONEBUTTONFUNCTION_DROP 0x00000003
#define PHONEBUTTONFUNCTION_HOLD 0x00000004
#define PHONEBUTTONFUNCTION_RECALL 0x00000005
#define PHONEBUTTONFUNCTION_DISCONNECT 0x00000006
#define PHONEBUTTONFUNCTION_CONNECT 0x00000007
#define PHONEBUTTONFUNCTION_MSGWAITON 0x00000008
#define PHONEBUTTONFUNCTION_MSGWAITOFF 0x00000009
#define PHONEBUTTONFUNCTION_SELECTRING 0x0000000A
#define PHONEBUTTONFUNCTION_ABBREVDIAL 0x0000000B
#define PHONEBUTTONFUNCTION_FORWARD 0x0000000C
#define PHONEBUTTONFUNCTION_PICKUP 0x0000000D
#define PHONEBUTTONFUNCTION_RINGAGAIN 0x0000000E
#define PHONEBUTTONFUNCTION_PARK 0x0000000F
#define PHONEBUTTONFUNCTION_REJECT 0x00000010
#define PHONEBUTTONFUNCTION_REDIRECT 0x00000011
#define PHONEBUTTONFUNCTION_MUTE 0x00000012
#define PHONEBUTTONFUNCTION_VOLUMEUP 0x00000013
#define PHONEBUTTONFUNCTION_VOLUMEDOWN 0x00000014
#define PHONEBUTTONFUNCTION_SPEAKERON 0x00000015
#define PHONEBUTTONFUNCTION_SPEAKEROFF 0x00000016
#define PHONEBUTTONFUNCTION_FLASH 0x00000017
#define PHONEBUTTONFUNCTION_DATAON 0x00000018
#define PHONEBUTTONFUNCTION_DATAOFF 0x00000019
#define PHONEBUTTONFUNCTION_DONOTDISTURB 0x0000001A
#define PHONEBUTTONFUNCTION_INTERCOM 0x0000001B
#define PHONEBUTTONFUNCTION_BRIDGEDAPP 0x0000001C
#define PHONEBUTTONFUNCTION_BUSY 0x0000001D
#define PHONEBUTTONFUNCTION_CALLAPP 0x0000001E
#define PHONEBUTTONFUNCTION_DATETIME 0x0000001F
#define PHONEBUTTONFUNCTION_DIRECTORY 0x00000020
#define PHONEBUTTONFUNCTION_COVER 0x00000021
#define PHONEBUTTONFUNCTION_CALLID 0x00000022
#define PHONEBUTTONFUNCTION_LASTNUM 0x00000023
#define PHONEBUTTONFUNCTION_NIGHTSRV 0x00000024
#define PHONEBUTTONFUNCTION_SENDCALLS 0x00000025
#define PHONEBUTTONFUNCTION_MSGINDICATOR 0x00000026
#define PHONEBUTTONFUNCTION_REPDIAL 0x00000027
#define PHONEBUTTONFUNCTION_SETREPDIAL 0x00000028
#define PHONEBUTTONFUNCTION_SYSTEMSPEED 0x00000029
#define PHONEBUTTONFUNCTION_STATIONSPEED 0x0000002A
#define PHONEBUTTONFUNCTION_CAMPON 0x0000002B
#define PHONEBUTTONFUNCTION_SAVEREPEAT 0x0000002C
#define PHONEBUTTONFUNCTION_QUEUECALL 0x0000002D
#define PHONEBUTTONFUNCTION_NONE 0x0000002E
#if (TAPI_CURRENT_VERSION >= 0x00030001)
#define PHONEBUTTONFUNCTION_SEND 0x0000002F /* TAPI v3.1 */
#endif

#define PHONEBUTTONMODE_DUMMY 0x00000001
#define PHONEBUTTONMODE_CALL 0x00000002
#define PHONEBUTTONMODE_FEATURE 0x00000004
#define PHONEBUTTONMODE_KEYPAD 0x00000008
#define PHONEBUTTONMODE_LOCAL 0x00000010
#define PHONEBUTTONMODE_DISPLAY 0x00000020

#define PHONEBUTTONSTATE_UP 0x00000001
#define PHONEBUTTONSTATE_DOWN 0x00000002
#define PHONEBUTTONSTATE_UNKNOWN 0x00000004 /* TAPI v1.4 */
#define PHONEBUTTONSTATE_UNAVAIL 0x00000008 /* TAPI v1.4 */

/* Error results, spelled as the SDK spells them: plain hex, so of type unsigned int. A LONG result
 * compares equal to them with == and in a switch, and so does a PHONE_REPLY's dwParam2 (the
 * DWORD result, zero-extended), as on Windows. 0x9000001E is unassigned. */
#define PHONEERR_ALLOCATED 0x90000001
#define PHONEERR_BADDEVICEID 0x90000002
#define PHONEERR_INCOMPATIBLEAPIVERSION 0x90000003
#define PHONEERR_INCOMPATIBLEEXTVERSION 0x90000004
#define PHONEERR_INIFILECORRUPT 0x90000005
#define PHONEERR_INUSE 0x90000006
#define PHONEERR_INVALAPPHANDLE 0x90000007
#define PHONEERR_INVALAPPNAME 0x90000008
#define PHONEERR_INVALBUTTONLAMPID 0x90000009
#define PHONEERR_INVALBUTTONMODE 0x9000000A
#define PHONEERR_INVALBUTTONSTATE 0x9000000B
#define PHONEERR_INVALDATAID 0x9000000C
#define PHONEERR_INVALDEVICECLASS 0x9000000D
#define PHONEERR_INVALEXTVERSION 0x9000000E
#define PHONEERR_INVALHOOKSWITCHDEV 0x9000000F
#define PHONEERR_INVALHOOKSWITCHMODE 0x90000010
#define PHONEERR_INVALLAMPMODE 0x90000011
#define PHONEERR_INVALPARAM 0x90000012
#define PHONEERR_INVALPHONEHANDLE 0x90000013
#define PHONEERR_INVALPHONESTATE 0x90000014
#define PHONEERR_INVALPOINTER 0x90000015
#define PHONEERR_INVALPRIVILEGE 0x90000016
#define PHONEERR_INVALRINGMODE 0x90000017
#define PHONEERR_NODEVICE 0x90000018
#define PHONEERR_NODRIVER 0x90000019
#define PHONEERR_NOMEM 0x9000001A
#define PHONEERR_NOTOWNER 0x9000001B
#define PHONEERR_OPERATIONFAILED 0x9000001C
#define PHONEERR_OPERATIONUNAVAIL 0x9000001D
#define PHONEERR_RESOURCEUNAVAIL 0x9000001F
#define PHONEERR_REQUESTOVERRUN 0x90000020
#define PHONEERR_STRUCTURETOOSMALL 0x90000021
#define PHONEERR_UNINITIALIZED 0x90000022
#define PHONEERR_REINIT 0x90000023
#define PHONEERR_DISCONNECTED 0x90000024
#define PHONEERR_SERVICE_NOT_RUNNING 0x90000025

#if (TAPI_CURRENT_VERSION >= 0x00020000)
#define PHONEFEATURE_GETBUTTONINFO 0x00000001 /* TAPI v2.0 */
#define PHONEFEATURE_GETDATA 0x00000002
#define PHONEFEATURE_GETDISPLAY 0x00000004
#define PHONEFEATURE_GETGAINHANDSET 0x00000008
#define PHONEFEATURE_GETGAINSPEAKER 0x00000010
#define PHONEFEATURE_GETGAINHEADSET 0x00000020
#define PHONEFEATURE_GETHOOKSWITCHHANDSET 0x00000040
#define PHONEFEATURE_GETHOOKSWITCHSPEAKER 0x00000080
#define PHONEFEATURE_GETHOOKSWITCHHEADSET 0x00000100
#define PHONEFEATURE_GETLAMP 0x00000200
#define PHONEFEATURE_GETRING 0x00000400
#define PHONEFEATURE_GETVOLUMEHANDSET 0x00000800
#define PHONEFEATURE_GETVOLUMESPEAKER 0x00001000
#define PHONEFEATURE_GETVOLUMEHEADSET 0x00002000
#define PHONEFEATURE_SETBUTTONINFO 0x00004000
#define PHONEFEATURE_SETDATA 0x00008000
#define PHONEFEATURE_SETDISPLAY 0x00010000
#define PHONEFEATURE_SETGAINHANDSET 0x00020000
#define PHONEFEATURE_SETGAINSPEAKER 0x00040000
#define PHONEFEATURE_SETGAINHEADSET 0x00080000
#define PHONEFEATURE_SETHOOKSWITCHHANDSET 0x00100000
#define PHONEFEATURE_SETHOOKSWITCHSPEAKER 0x00200000
#define PHONEFEATURE_SETHOOKSWITCHHEADSET 0x00400000
#define PHONEFEATURE_SETLAMP 0x00800000
#define PHONEFEATURE_SETRING 0x01000000
#define PHONEFEATURE_SETVOLUMEHANDSET 0x02000000
#define PHONEFEATURE_SETVOLUMESPEAKER 0x04000000
#define PHONEFEATURE_SETVOLUMEHEADSET 0x08000000
#endif
#if (TAPI_CURRENT_VERSION >= 0x00030001)
#define PHONEFEATURE_GENERICPHONE 0x10000000 /* TAPI v3.1 */
#endif

#define PHONEHOOKSWITCHDEV_HANDSET 0x00000001
#define PHONEHOOKSWITCHDEV_SPEAKER 0x00000002
#define PHONEHOOKSWITCHDEV_HEADSET 0x00000004

#define PHONEHOOKSWITCHMODE_ONHOOK 0x00000001
#define PHONEHOOKSWITCHMODE_MIC 0x00000002
#define PHONEHOOKSWITCHMODE_SPEAKER 0x00000004
#define PHONEHOOKSWITCHMODE_MICSPEAKER 0x00000008
#define PHONEHOOKSWITCHMODE_UNKNOWN 0x00000010

#if (TAPI_CURRENT_VERSION >= 0x00020000)
/* An enumeration, not bit flags: exactly one goes into PHONEINITIALIZEEXPARAMS.dwOptions. */
#define PHONEINITIALIZEEXOPTION_USEHIDDENWINDOW 0x00000001 /* TAPI v2.0 */
#define PHONEINITIALIZEEXOPTION_USEEVENT 0x00000002
#define PHONEINITIALIZEEXOPTION_USECOMPLETIONPORT 0x00000003
#endif

#define PHONELAMPMODE_DUMMY 0x00000001
#define PHONELAMPMODE_OFF 0x00000002
#define PHONELAMPMODE_STEADY 0x00000004
#define PHONELAMPMODE_WINK 0x00000008
#define PHONELAMPMODE_FLASH 0x00000010
#define PHONELAMPMODE_FLUTTER 0x00000020
#define PHONELAMPMODE_BROKENFLUTTER 0x00000040
#define PHONELAMPMODE_UNKNOWN 0x00000080

#define PHONEPRIVILEGE_MONITOR 0x00000001
#define PHONEPRIVILEGE_OWNER 0x00000002

#define PHONESTATE_OTHER 0x00000001
#define PHONESTATE_CONNECTED 0x00000002
#define PHONESTATE_DISCONNECTED 0x00000004
#define PHONESTATE_OWNER 0x00000008
#define PHONESTATE_MONITORS 0x00000010
#define PHONESTATE_DISPLAY 0x00000020
#define PHONESTATE_LAMP 0x00000040
#define PHONESTATE_RINGMODE 0x00000080
#define PHONESTATE_RINGVOLUME 0x00000100
#define PHONESTATE_HANDSETHOOKSWITCH 0x00000200
#define PHONESTATE_HANDSETVOLUME 0x00000400
#define PHONESTATE_HANDSETGAIN 0x00000800
#define PHONESTATE_SPEAKERHOOKSWITCH 0x00001000
#define PHONESTATE_SPEAKERVOLUME 0x00002000
#define PHONESTATE_SPEAKERGAIN 0x00004000
#define PHONESTATE_HEADSETHOOKSWITCH 0x00008000
#define PHONESTATE_HEADSETVOLUME 0x00010000
#define PHONESTATE_HEADSETGAIN 0x00020000
#define PHONESTATE_SUSPEND 0x00040000
#define PHONESTATE_RESUME 0x00080000
#define PHONESTATE_DEVSPECIFIC 0x00100000
#define PHONESTATE_REINIT 0x00200000
#define PHONESTATE_CAPSCHANGE 0x00400000 /* TAPI v1.4 */
#define PHONESTATE_REMOVED 0x00800000    /* TAPI v1.4 */

#define PHONESTATUSFLAGS_CONNECTED 0x00000001
#define PHONESTATUSFLAGS_SUSPENDED 0x00000002

#define STRINGFORMAT_ASCII 0x00000001
#define STRINGFORMAT_DBCS 0x00000002
#define STRINGFORMAT_UNICODE 0x00000003
#define STRINGFORMAT_BINARY 0x00000004

#define TAPI_REPLY (WM_USER + 99)

/* Assisted-telephony results (tapiRequestMakeCall & co.); no phone* function returns them. */
#define TAPIERR_CONNECTED 0L
#define TAPIERR_DROPPED (-1L)
#define TAPIERR_NOREQUESTRECIPIENT (-2L)
#define TAPIERR_REQUESTQUEUEFULL (-3L)
#define TAPIERR_INVALDESTADDRESS (-4L)
#define TAPIERR_INVALWINDOWHANDLE (-5L)
#define TAPIERR_INVALDEVICECLASS (-6L)
#define TAPIERR_INVALDEVICEID (-7L)
#define TAPIERR_DEVICECLASSUNAVAIL (-8L)
#define TAPIERR_DEVICEIDUNAVAIL (-9L)
#define TAPIERR_DEVICEINUSE (-10L)
#define TAPIERR_DESTBUSY (-11L)
#define TAPIERR_DESTNOANSWER (-12L)
#define TAPIERR_DESTUNAVAIL (-13L)
#define TAPIERR_UNKNOWNWINHANDLE (-14L)
#define TAPIERR_UNKNOWNREQUESTID (-15L)
#define TAPIERR_REQUESTFAILED (-16L)
#define TAPIERR_REQUESTCANCELLED (-17L)
#define TAPIERR_INVALPOINTER (-18L)
#define TAPIERR_NOTADMIN (-19L)
#define TAPIERR_MMCWRITELOCKED (-20L)
#define TAPIERR_PROVIDERALREADYINSTALLED (-21L)
#define TAPIERR_SCP_ALREADY_EXISTS (-22L)
#define TAPIERR_SCP_DOES_NOT_EXIST (-23L)

#define TAPIMAXDESTADDRESSSIZE 80L

/* Maps an error result to a message number: PHONEERR_x -> 0xF000 + low bits, LINEERR_x ->
 * 0xE000 + low bits, TAPIERR_x -> its low WORD. */
#define TAPIERROR_FORMATMESSAGE(e)                                                               \
	(((DWORD)(e) > 0xFFFF0000U) ? ((DWORD)(e) & 0x0000FFFFU)                                 \
	 : ((DWORD)(e) & 0x10000000U) ? ((DWORD)(e) - 0x90000000U + 0xF000U)                     \
				      : ((DWORD)(e) - 0x80000000U + 0xE000U))

/* ---- Structures (byte-packed) ---------------------------------------------------------------
 * PHONECAPS, PHONESTATUS, PHONEBUTTONINFO and VARSTRING are variable-size: the caller sets
 * dwTotalSize to the bytes it allocated; the callee fills the fixed part, appends the variable
 * parts (located by dw...Size/dw...Offset from the start of the structure, never truncated) and
 * reports dwNeededSize and dwUsedSize. dwTotalSize below the fixed size of the negotiated
 * version gives PHONEERR_STRUCTURETOOSMALL. */

typedef struct phonebuttoninfo_tag {
	DWORD dwTotalSize;
	DWORD dwNeededSize;
	DWORD dwUsedSize;
	DWORD dwButtonMode;     /* PHONEBUTTONMODE_ */
	DWORD dwButtonFunction; /* PHONEBUTTONFUNCTION_ */
	DWORD dwButtonTextSize;
	DWORD dwButtonTextOffset;
	DWORD dwDevSpecificSize;
	DWORD dwDevSpecificOffset;
	DWORD dwButtonState; /* PHONEBUTTONSTATE_; TAPI v1.4 */
} PHONEBUTTONINFO, FAR *LPPHONEBUTTONINFO;

typedef struct phonecaps_tag {
	DWORD dwTotalSize;
	DWORD dwNeededSize;
	DWORD dwUsedSize;
	DWORD dwProviderInfoSize;
	DWORD dwProviderInfoOffset;
	DWORD dwPhoneInfoSize;
	DWORD dwPhoneInfoOffset;
	DWORD dwPermanentPhoneID;
	DWORD dwPhoneNameSize;
	DWORD dwPhoneNameOffset;
	DWORD dwStringFormat; /* STRINGFORMAT_ */
	DWORD dwPhoneStates;  /* PHONESTATE_ */
	DWORD dwHookSwitchDevs;
	DWORD dwHandsetHookSwitchModes;
	DWORD dwSpeakerHookSwitchModes;
	DWORD dwHeadsetHookSwitchModes;
	DWORD dwVolumeFlags;
	DWORD dwGainFlags;
	DWORD dwDisplayNumRows;
	DWORD dwDisplayNumColumns;
	DWORD dwNumRingModes;
	DWORD dwNumButtonLamps;
	DWORD dwButtonModesSize;
	DWORD dwButtonModesOffset;
	DWORD dwButtonFunctionsSize;
	DWORD dwButtonFunctionsOffset;
	DWORD dwLampModesSize;
	DWORD dwLampModesOffset;
	DWORD dwNumSetData;    /* download areas: phoneSetData IDs 0 .. dwNumSetData - 1 */
	DWORD dwSetDataSize;   /* DWORD array of the area sizes, indexed by data ID */
	DWORD dwSetDataOffset;
	DWORD dwNumGetData;    /* upload areas: phoneGetData IDs 0 .. dwNumGetData - 1 */
	DWORD dwGetDataSize;
	DWORD dwGetDataOffset;
	DWORD dwDevSpecificSize;
	DWORD dwDevSpecificOffset;
#if (TAPI_CURRENT_VERSION >= 0x00020000)
	DWORD dwDeviceClassesSize; /* TAPI v2.0 */
	DWORD dwDeviceClassesOffset;
	DWORD dwPhoneFeatures; /* PHONEFEATURE_ */
	DWORD dwSettableHandsetHookSwitchModes;
	DWORD dwSettableSpeakerHookSwitchModes;
	DWORD dwSettableHeadsetHookSwitchModes;
	DWORD dwMonitoredHandsetHookSwitchModes;
	DWORD dwMonitoredSpeakerHookSwitchModes;
	DWORD dwMonitoredHeadsetHookSwitchModes;
#endif
#if (TAPI_CURRENT_VERSION >= 0x00020002)
	GUID PermanentPhoneGuid; /* TAPI v2.2 */
#endif
} PHONECAPS, FAR *LPPHONECAPS;

typedef struct phoneextensionid_tag {
	DWORD dwExtensionID0;
	DWORD dwExtensionID1;
	DWORD dwExtensionID2;
	DWORD dwExtensionID3;
} PHONEEXTENSIONID, FAR *LPPHONEEXTENSIONID;

#if (TAPI_CURRENT_VERSION >= 0x00020000)
typedef struct phoneinitializeexparams_tag {
	DWORD dwTotalSize;
	DWORD dwNeededSize;
	DWORD dwUsedSize;
	DWORD dwOptions; /* one PHONEINITIALIZEEXOPTION_ value */
	union {
		HANDLE hEvent;          /* out, USEEVENT: pollable fd, (int)(intptr_t)hEvent */
		HANDLE hCompletionPort; /* in, USECOMPLETIONPORT: the app's fd, same cast */
	} Handles;
	DWORD dwCompletionKey; /* in, USECOMPLETIONPORT: copied into every OT_COMPLETIONRECORD */
} PHONEINITIALIZEEXPARAMS, FAR *LPPHONEINITIALIZEEXPARAMS;

typedef struct phonemessage_tag {
	DWORD hDevice; /* the HPHONE; 0 for PHONE_REPLY, PHONE_CREATE, PHONE_REMOVE */
	DWORD dwMessageID;
	DWORD_PTR dwCallbackInstance;
	DWORD_PTR dwParam1;
	DWORD_PTR dwParam2;
	DWORD_PTR dwParam3;
} PHONEMESSAGE, FAR *LPPHONEMESSAGE;

/* OpenTAPI extension (not in the Windows SDK): the record written for each message to the
 * descriptor of a PHONEINITIALIZEEXOPTION_USECOMPLETIONPORT app, in one write(). */
typedef struct otcompletionrecord_tag {
	DWORD dwCompletionKey; /* PHONEINITIALIZEEXPARAMS.dwCompletionKey */
	PHONEMESSAGE msg;
} OT_COMPLETIONRECORD, FAR *LPOT_COMPLETIONRECORD;
#endif

typedef struct phonestatus_tag {
	DWORD dwTotalSize;
	DWORD dwNeededSize;
	DWORD dwUsedSize;
	DWORD dwStatusFlags; /* PHONESTATUSFLAGS_ */
	DWORD dwNumOwners;
	DWORD dwNumMonitors;
	DWORD dwRingMode;
	DWORD dwRingVolume;
	DWORD dwHandsetHookSwitchMode;
	DWORD dwHandsetVolume;
	DWORD dwHandsetGain;
	DWORD dwSpeakerHookSwitchMode;
	DWORD dwSpeakerVolume;
	DWORD dwSpeakerGain;
	DWORD dwHeadsetHookSwitchMode;
	DWORD dwHeadsetVolume;
	DWORD dwHeadsetGain;
	DWORD dwDisplaySize;
	DWORD dwDisplayOffset;
	DWORD dwLampModesSize;
	DWORD dwLampModesOffset;
	DWORD dwOwnerNameSize;
	DWORD dwOwnerNameOffset;
	DWORD dwDevSpecificSize;
	DWORD dwDevSpecificOffset;
#if (TAPI_CURRENT_VERSION >= 0x00020000)
	DWORD dwPhoneFeatures; /* PHONEFEATURE_ usable by this caller now; TAPI v2.0 */
#endif
} PHONESTATUS, FAR *LPPHONESTATUS;

typedef struct varstring_tag {
	DWORD dwTotalSize;
	DWORD dwNeededSize;
	DWORD dwUsedSize;
	DWORD dwStringFormat; /* STRINGFORMAT_ */
	DWORD dwStringSize;   /* includes the terminating NUL */
	DWORD dwStringOffset;
} VARSTRING, FAR *LPVARSTRING;

/* ---- Functions ------------------------------------------------------------------------------
 * Every function returns a LONG: 0 on success or a negative PHONEERR_ value. The nine
 * asynchronous ones (phoneDevSpecific and the owner-only phoneSet* functions except
 * phoneSetStatusMessages) instead return a positive request ID, or a negative PHONEERR_ value
 * at once; the outcome arrives later as PHONE_REPLY (dwParam1 = request ID, dwParam2 = 0 or a
 * negative PHONEERR_ value). Error lists below omit the PHONEERR_ prefix. */

/**
 * phoneClose() - Close an open phone handle; it is invalid afterwards.
 * @hPhone: handle from phoneOpen().
 * Outstanding asynchronous replies of this handle are suppressed (no PHONE_REPLY follows).
 * Return: 0 or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, OPERATIONFAILED, RESOURCEUNAVAIL,
 * OPERATIONUNAVAIL, UNINITIALIZED.
 */
OPENTAPI_EXPORT LONG WINAPI phoneClose(HPHONE hPhone);

/**
 * phoneConfigDialog() - Show the provider's configuration dialog for a phone device.
 * @dwDeviceID: phone device ID. @hwndOwner: owner window or NULL.
 * @lpszDeviceClass: NULL, "" or "tapi/phone" for the top-level configuration.
 * Return: 0 or PHONEERR_. Errors: BADDEVICEID, NOMEM, INUSE, OPERATIONFAILED, INVALPARAM,
 * OPERATIONUNAVAIL, INVALDEVICECLASS, RESOURCEUNAVAIL, INVALPOINTER, UNINITIALIZED, NODEVICE.
 */
OPENTAPI_EXPORT LONG WINAPI phoneConfigDialog(DWORD dwDeviceID, HWND hwndOwner,
					      LPCSTR lpszDeviceClass);
/** phoneConfigDialogA() - phoneConfigDialog() with a UTF-8 device class. */
OPENTAPI_EXPORT LONG WINAPI phoneConfigDialogA(DWORD dwDeviceID, HWND hwndOwner,
					       LPCSTR lpszDeviceClass);
/** phoneConfigDialogW() - phoneConfigDialog() with a UTF-16 device class. */
OPENTAPI_EXPORT LONG WINAPI phoneConfigDialogW(DWORD dwDeviceID, HWND hwndOwner,
					       LPCWSTR lpszDeviceClass);

/**
 * phoneDevSpecific() - Pass a device-specific block to the provider (asynchronous).
 * @hPhone: open phone. @lpParams: block passed unchanged to and from the provider; keep it
 * valid until the PHONE_REPLY. @dwSize: its size in bytes.
 * Return: request ID or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, INVALPOINTER,
 * RESOURCEUNAVAIL, OPERATIONUNAVAIL, UNINITIALIZED, OPERATIONFAILED; others device specific.
 */
OPENTAPI_EXPORT LONG WINAPI phoneDevSpecific(HPHONE hPhone, LPVOID lpParams, DWORD dwSize);

/**
 * phoneGetButtonInfo() - Read the mode, function and text of one button.
 * @hPhone: open phone. @dwButtonLampID: 0 .. PHONECAPS.dwNumButtonLamps - 1.
 * @lpButtonInfo: caller's buffer, dwTotalSize set (variable-size structure).
 * Return: 0 or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, INVALBUTTONLAMPID, RESOURCEUNAVAIL,
 * INVALPOINTER, OPERATIONFAILED, INVALPHONESTATE, STRUCTURETOOSMALL, OPERATIONUNAVAIL,
 * UNINITIALIZED.
 */
OPENTAPI_EXPORT LONG WINAPI phoneGetButtonInfo(HPHONE hPhone, DWORD dwButtonLampID,
					       LPPHONEBUTTONINFO lpButtonInfo);
/** phoneGetButtonInfoA() - phoneGetButtonInfo() returning UTF-8 text. */
OPENTAPI_EXPORT LONG WINAPI phoneGetButtonInfoA(HPHONE hPhone, DWORD dwButtonLampID,
						LPPHONEBUTTONINFO lpButtonInfo);
/** phoneGetButtonInfoW() - phoneGetButtonInfo() returning UTF-16 text. */
OPENTAPI_EXPORT LONG WINAPI phoneGetButtonInfoW(HPHONE hPhone, DWORD dwButtonLampID,
						LPPHONEBUTTONINFO lpButtonInfo);

/**
 * phoneGetData() - Upload up to @dwSize bytes from a data area of the phone into @lpData.
 * @hPhone: open phone (owner or monitor). @dwDataID: 0 .. PHONECAPS.dwNumGetData - 1.
 * Copies min(@dwSize, area size) bytes; @dwSize 0 copies nothing.
 * Return: 0 or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, INVALPOINTER, RESOURCEUNAVAIL,
 * INVALPHONESTATE, OPERATIONFAILED, INVALDATAID, UNINITIALIZED, OPERATIONUNAVAIL.
 */
OPENTAPI_EXPORT LONG WINAPI phoneGetData(HPHONE hPhone, DWORD dwDataID, LPVOID lpData,
					 DWORD dwSize);

/**
 * phoneGetDevCaps() - Read the capabilities of a phone device (need not be open).
 * @hPhoneApp: app handle. @dwDeviceID: 0 .. numDevs - 1. @dwAPIVersion: negotiated with
 * phoneNegotiateAPIVersion(). @dwExtVersion: negotiated extension version, or 0.
 * @lpPhoneCaps: caller's buffer, dwTotalSize set (variable-size structure).
 * Return: 0 or PHONEERR_. Errors: INVALAPPHANDLE, INVALPOINTER, BADDEVICEID, OPERATIONFAILED,
 * INCOMPATIBLEAPIVERSION, OPERATIONUNAVAIL, INCOMPATIBLEEXTVERSION, NOMEM, STRUCTURETOOSMALL,
 * RESOURCEUNAVAIL, NODRIVER, UNINITIALIZED, NODEVICE.
 */
OPENTAPI_EXPORT LONG WINAPI phoneGetDevCaps(HPHONEAPP hPhoneApp, DWORD dwDeviceID,
					    DWORD dwAPIVersion, DWORD dwExtVersion,
					    LPPHONECAPS lpPhoneCaps);
/** phoneGetDevCapsA() - phoneGetDevCaps() returning UTF-8 strings. */
OPENTAPI_EXPORT LONG WINAPI phoneGetDevCapsA(HPHONEAPP hPhoneApp, DWORD dwDeviceID,
					     DWORD dwAPIVersion, DWORD dwExtVersion,
					     LPPHONECAPS lpPhoneCaps);
/** phoneGetDevCapsW() - phoneGetDevCaps() returning UTF-16 strings. */
OPENTAPI_EXPORT LONG WINAPI phoneGetDevCapsW(HPHONEAPP hPhoneApp, DWORD dwDeviceID,
					     DWORD dwAPIVersion, DWORD dwExtVersion,
					     LPPHONECAPS lpPhoneCaps);

/**
 * phoneGetDisplay() - Read the display contents (dwDisplayNumRows x dwDisplayNumColumns).
 * @hPhone: open phone. @lpDisplay: caller's VARSTRING, dwTotalSize set.
 * Return: 0 or PHONEERR_. Errors: INVALPHONEHANDLE, RESOURCEUNAVAIL, INVALPOINTER,
 * OPERATIONFAILED, INVALPHONESTATE, STRUCTURETOOSMALL, OPERATIONUNAVAIL, UNINITIALIZED, NOMEM.
 */
OPENTAPI_EXPORT LONG WINAPI phoneGetDisplay(HPHONE hPhone, LPVARSTRING lpDisplay);

/**
 * phoneGetGain() - Read the microphone gain of one hookswitch device.
 * @hPhone: open phone. @dwHookSwitchDev: exactly one PHONEHOOKSWITCHDEV_ bit.
 * @lpdwGain: receives 0 (silence) .. 0xFFFF (maximum).
 * Return: 0 or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, INVALPOINTER, RESOURCEUNAVAIL,
 * INVALPHONESTATE, OPERATIONFAILED, INVALHOOKSWITCHDEV, UNINITIALIZED, OPERATIONUNAVAIL.
 */
OPENTAPI_EXPORT LONG WINAPI phoneGetGain(HPHONE hPhone, DWORD dwHookSwitchDev, LPDWORD lpdwGain);

/**
 * phoneGetHookSwitch() - Read which hookswitch devices are off-hook.
 * @hPhone: open phone. @lpdwHookSwitchDevs: receives a PHONEHOOKSWITCHDEV_ mask; a set bit
 * means that device's microphone and/or speaker is off-hook.
 * Return: 0 or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, INVALPOINTER, RESOURCEUNAVAIL,
 * INVALPHONESTATE, OPERATIONFAILED, OPERATIONUNAVAIL, UNINITIALIZED.
 */
OPENTAPI_EXPORT LONG WINAPI phoneGetHookSwitch(HPHONE hPhone, LPDWORD lpdwHookSwitchDevs);

/**
 * phoneGetIcon() - Get the icon of a phone device (owned by the provider; do not free).
 * @dwDeviceID: phone device ID. @lpszDeviceClass: NULL, "" or "tapi/phone" for the phone icon.
 * @lphIcon: receives the icon handle.
 * Return: 0 or PHONEERR_. Errors: BADDEVICEID, RESOURCEUNAVAIL, INVALPOINTER, OPERATIONFAILED,
 * INVALDEVICECLASS, UNINITIALIZED, NOMEM, NODEVICE.
 */
OPENTAPI_EXPORT LONG WINAPI phoneGetIcon(DWORD dwDeviceID, LPCSTR lpszDeviceClass, LPHICON lphIcon);
/** phoneGetIconA() - phoneGetIcon() with a UTF-8 device class. */
OPENTAPI_EXPORT LONG WINAPI phoneGetIconA(DWORD dwDeviceID, LPCSTR lpszDeviceClass,
					  LPHICON lphIcon);
/** phoneGetIconW() - phoneGetIcon() with a UTF-16 device class. */
OPENTAPI_EXPORT LONG WINAPI phoneGetIconW(DWORD dwDeviceID, LPCWSTR lpszDeviceClass,
					  LPHICON lphIcon);

/**
 * phoneGetID() - Get a device identifier of an open phone for a device class.
 * @hPhone: open phone. @lpDeviceID: caller's VARSTRING, dwTotalSize set.
 * @lpszDeviceClass: e.g. "tapi/phone", "tapi/line", "wave/in"; case-insensitive.
 * Return: 0 or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, INVALPOINTER, RESOURCEUNAVAIL,
 * INVALDEVICECLASS, UNINITIALIZED, OPERATIONFAILED, STRUCTURETOOSMALL, OPERATIONUNAVAIL.
 */
OPENTAPI_EXPORT LONG WINAPI phoneGetID(HPHONE hPhone, LPVARSTRING lpDeviceID,
				       LPCSTR lpszDeviceClass);
/** phoneGetIDA() - phoneGetID() with a UTF-8 device class. */
OPENTAPI_EXPORT LONG WINAPI phoneGetIDA(HPHONE hPhone, LPVARSTRING lpDeviceID,
					LPCSTR lpszDeviceClass);
/** phoneGetIDW() - phoneGetID() with a UTF-16 device class. */
OPENTAPI_EXPORT LONG WINAPI phoneGetIDW(HPHONE hPhone, LPVARSTRING lpDeviceID,
					LPCWSTR lpszDeviceClass);

/**
 * phoneGetLamp() - Read the mode of one lamp.
 * @hPhone: open phone. @dwButtonLampID: button/lamp ID. @lpdwLampMode: receives one
 * PHONELAMPMODE_ value.
 * Return: 0 or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, INVALBUTTONLAMPID, RESOURCEUNAVAIL,
 * INVALPOINTER, OPERATIONFAILED, INVALPHONESTATE, UNINITIALIZED, OPERATIONUNAVAIL.
 */
OPENTAPI_EXPORT LONG WINAPI phoneGetLamp(HPHONE hPhone, DWORD dwButtonLampID, LPDWORD lpdwLampMode);

#if (TAPI_CURRENT_VERSION >= 0x00020000)
/**
 * phoneGetMessage() - Dequeue the next message of a PHONEINITIALIZEEXOPTION_USEEVENT app.
 * @hPhoneApp: app handle. @lpMessage: receives the message. @dwTimeout: milliseconds to wait;
 * 0 polls, INFINITE waits forever. Times out with PHONEERR_OPERATIONFAILED; a concurrent
 * phoneShutdown() makes a waiting call return PHONEERR_INVALAPPHANDLE at once.
 * Return: 0 or PHONEERR_. Errors: INVALAPPHANDLE, OPERATIONFAILED, INVALPOINTER, NOMEM.
 */
OPENTAPI_EXPORT LONG WINAPI phoneGetMessage(HPHONEAPP hPhoneApp, LPPHONEMESSAGE lpMessage,
					    DWORD dwTimeout);
#endif

/**
 * phoneGetRing() - Read the ring mode and ring volume.
 * @hPhone: open phone. @lpdwRingMode: receives 0 (silent) or 1 .. PHONECAPS.dwNumRingModes.
 * @lpdwVolume: receives 0 .. 0xFFFF.
 * Return: 0 or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, INVALPHONESTATE, RESOURCEUNAVAIL,
 * INVALPOINTER, OPERATIONFAILED, OPERATIONUNAVAIL, UNINITIALIZED.
 */
OPENTAPI_EXPORT LONG WINAPI phoneGetRing(HPHONE hPhone, LPDWORD lpdwRingMode, LPDWORD lpdwVolume);

/**
 * phoneGetStatus() - Read the current status of an open phone.
 * @hPhone: open phone. @lpPhoneStatus: caller's buffer, dwTotalSize set (variable-size).
 * Return: 0 or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, INVALPOINTER, RESOURCEUNAVAIL,
 * OPERATIONFAILED, STRUCTURETOOSMALL, OPERATIONUNAVAIL, UNINITIALIZED.
 */
OPENTAPI_EXPORT LONG WINAPI phoneGetStatus(HPHONE hPhone, LPPHONESTATUS lpPhoneStatus);
/** phoneGetStatusA() - phoneGetStatus() returning UTF-8 strings. */
OPENTAPI_EXPORT LONG WINAPI phoneGetStatusA(HPHONE hPhone, LPPHONESTATUS lpPhoneStatus);
/** phoneGetStatusW() - phoneGetStatus() returning UTF-16 strings. */
OPENTAPI_EXPORT LONG WINAPI phoneGetStatusW(HPHONE hPhone, LPPHONESTATUS lpPhoneStatus);

/**
 * phoneGetStatusMessages() - Read which PHONE_STATE / PHONE_BUTTON messages are enabled.
 * @hPhone: open phone. @lpdwPhoneStates: PHONESTATE_ mask. @lpdwButtonModes:
 * PHONEBUTTONMODE_ mask. @lpdwButtonStates: PHONEBUTTONSTATE_ mask.
 * Return: 0 or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, INVALPOINTER, RESOURCEUNAVAIL,
 * OPERATIONFAILED, UNINITIALIZED.
 */
OPENTAPI_EXPORT LONG WINAPI phoneGetStatusMessages(HPHONE hPhone, LPDWORD lpdwPhoneStates,
						   LPDWORD lpdwButtonModes,
						   LPDWORD lpdwButtonStates);

/**
 * phoneGetVolume() - Read the speaker volume of one hookswitch device.
 * @hPhone: open phone. @dwHookSwitchDev: exactly one PHONEHOOKSWITCHDEV_ bit.
 * @lpdwVolume: receives 0 (silence) .. 0xFFFF (maximum).
 * Return: 0 or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, INVALPHONESTATE, RESOURCEUNAVAIL,
 * INVALPOINTER, OPERATIONFAILED, INVALHOOKSWITCHDEV, UNINITIALIZED, OPERATIONUNAVAIL.
 */
OPENTAPI_EXPORT LONG WINAPI phoneGetVolume(HPHONE hPhone, DWORD dwHookSwitchDev,
					   LPDWORD lpdwVolume);

/**
 * phoneInitialize() - TAPI 1.x registration; messages go to @lpfnCallback on a library thread.
 * @lphPhoneApp: receives the app handle. @hInstance: NULL (no meaning on Linux).
 * @lpfnCallback: message callback. @lpszAppName: UTF-8 name or NULL. @lpdwNumDevs: receives
 * the number of phone devices.
 * Return: 0 or PHONEERR_. Errors: INVALAPPNAME, INIFILECORRUPT, INVALPOINTER, NOMEM,
 * OPERATIONFAILED, REINIT, RESOURCEUNAVAIL, NODEVICE, NODRIVER, INVALPARAM.
 */
OPENTAPI_EXPORT LONG WINAPI phoneInitialize(LPHPHONEAPP lphPhoneApp, HINSTANCE hInstance,
					    PHONECALLBACK lpfnCallback, LPCSTR lpszAppName,
					    LPDWORD lpdwNumDevs);

#if (TAPI_CURRENT_VERSION >= 0x00020000)
/**
 * phoneInitializeExA() - Register an app and choose how it receives messages (see top of file).
 * @lphPhoneApp: receives the app handle. @hInstance: NULL. @lpfnCallback: for USEHIDDENWINDOW
 * only, else NULL. @lpszFriendlyAppName: UTF-8 owner name, or NULL. @lpdwNumDevs: receives the
 * device count. @lpdwAPIVersion: in: highest version the app supports; out: highest supported.
 * @lpPhoneInitializeExParams: dwTotalSize, dwOptions and (in/out) Handles, dwCompletionKey.
 * Return: 0 or PHONEERR_. Errors: INVALAPPNAME, OPERATIONFAILED, INIFILECORRUPT, INVALPOINTER,
 * REINIT, NOMEM, INVALPARAM (and SERVICE_NOT_RUNNING if OPENTAPI_SERVER names a dead socket).
 */
OPENTAPI_EXPORT LONG WINAPI phoneInitializeExA(LPHPHONEAPP lphPhoneApp, HINSTANCE hInstance,
					       PHONECALLBACK lpfnCallback,
					       LPCSTR lpszFriendlyAppName, LPDWORD lpdwNumDevs,
					       LPDWORD lpdwAPIVersion,
					       LPPHONEINITIALIZEEXPARAMS lpPhoneInitializeExParams);
/** phoneInitializeExW() - phoneInitializeExA() with a UTF-16 friendly app name. */
OPENTAPI_EXPORT LONG WINAPI phoneInitializeExW(LPHPHONEAPP lphPhoneApp, HINSTANCE hInstance,
					       PHONECALLBACK lpfnCallback,
					       LPCWSTR lpszFriendlyAppName, LPDWORD lpdwNumDevs,
					       LPDWORD lpdwAPIVersion,
					       LPPHONEINITIALIZEEXPARAMS lpPhoneInitializeExParams);
#endif

/**
 * phoneNegotiateAPIVersion() - Agree on an API version for one device.
 * @hPhoneApp: app handle. @dwDeviceID: device. @dwAPILowVersion, @dwAPIHighVersion: range the
 * app accepts. @lpdwAPIVersion: receives the highest common version. @lpExtensionID: receives
 * the provider's extension ID (all zero if none).
 * Return: 0 or PHONEERR_. Errors: INVALAPPHANDLE, OPERATIONFAILED, BADDEVICEID, OPERATIONUNAVAIL,
 * NODRIVER, NOMEM, INVALPOINTER, RESOURCEUNAVAIL, INCOMPATIBLEAPIVERSION, UNINITIALIZED, NODEVICE.
 */
OPENTAPI_EXPORT LONG WINAPI phoneNegotiateAPIVersion(HPHONEAPP hPhoneApp, DWORD dwDeviceID,
						     DWORD dwAPILowVersion, DWORD dwAPIHighVersion,
						     LPDWORD lpdwAPIVersion,
						     LPPHONEEXTENSIONID lpExtensionID);

/**
 * phoneNegotiateExtVersion() - Agree on a provider extension version for one device.
 * @hPhoneApp: app. @dwDeviceID: device. @dwAPIVersion: negotiated API version.
 * @dwExtLowVersion, @dwExtHighVersion: accepted range. @lpdwExtVersion: receives the result.
 * Return: 0 or PHONEERR_. Errors: INVALAPPHANDLE, OPERATIONFAILED, BADDEVICEID, OPERATIONUNAVAIL,
 * NODRIVER, NOMEM, INCOMPATIBLEAPIVERSION, RESOURCEUNAVAIL, INCOMPATIBLEEXTVERSION,
 * UNINITIALIZED, INVALPOINTER, NODEVICE.
 */
OPENTAPI_EXPORT LONG WINAPI phoneNegotiateExtVersion(HPHONEAPP hPhoneApp, DWORD dwDeviceID,
						     DWORD dwAPIVersion, DWORD dwExtLowVersion,
						     DWORD dwExtHighVersion,
						     LPDWORD lpdwExtVersion);

/**
 * phoneOpen() - Open a phone device as owner (exclusive) or monitor.
 * @hPhoneApp: app. @dwDeviceID: device. @lphPhone: receives the handle. @dwAPIVersion,
 * @dwExtVersion: negotiated versions (ext 0 = none). @dwCallbackInstance: returned with every
 * message for this handle. @dwPrivilege: PHONEPRIVILEGE_OWNER or PHONEPRIVILEGE_MONITOR.
 * Return: 0 or PHONEERR_. Errors: ALLOCATED, NODRIVER, BADDEVICEID, NOMEM, INCOMPATIBLEAPIVERSION,
 * OPERATIONFAILED, INCOMPATIBLEEXTVERSION, OPERATIONUNAVAIL, INVALAPPHANDLE, RESOURCEUNAVAIL,
 * INVALPOINTER, UNINITIALIZED, INVALPRIVILEGE, REINIT, INUSE, NODEVICE, INIFILECORRUPT.
 */
OPENTAPI_EXPORT LONG WINAPI phoneOpen(HPHONEAPP hPhoneApp, DWORD dwDeviceID, LPHPHONE lphPhone,
				      DWORD dwAPIVersion, DWORD dwExtVersion,
				      DWORD_PTR dwCallbackInstance, DWORD dwPrivilege);

/**
 * phoneSetButtonInfo() - Set a button's mode, function and text (asynchronous, owner only).
 * @hPhone: open phone. @dwButtonLampID: button/lamp ID. @lpButtonInfo: new settings
 * (dwButtonState is ignored).
 * Return: request ID or PHONEERR_. Errors: INVALBUTTONLAMPID, OPERATIONFAILED, INVALPHONEHANDLE,
 * STRUCTURETOOSMALL, INVALPOINTER, UNINITIALIZED, NOTOWNER, NOMEM, OPERATIONUNAVAIL,
 * RESOURCEUNAVAIL.
 */
OPENTAPI_EXPORT LONG WINAPI phoneSetButtonInfo(HPHONE hPhone, DWORD dwButtonLampID,
					       LPPHONEBUTTONINFO const lpButtonInfo);
/** phoneSetButtonInfoA() - phoneSetButtonInfo() with UTF-8 button text. */
OPENTAPI_EXPORT LONG WINAPI phoneSetButtonInfoA(HPHONE hPhone, DWORD dwButtonLampID,
						LPPHONEBUTTONINFO const lpButtonInfo);
/** phoneSetButtonInfoW() - phoneSetButtonInfo() with UTF-16 button text. */
OPENTAPI_EXPORT LONG WINAPI phoneSetButtonInfoW(HPHONE hPhone, DWORD dwButtonLampID,
						LPPHONEBUTTONINFO const lpButtonInfo);

/**
 * phoneSetData() - Download @dwSize bytes from @lpData to the start of data area @dwDataID
 * (asynchronous, owner only). @dwDataID: 0 .. PHONECAPS.dwNumSetData - 1.
 * OpenTAPI: the library copies @lpData before returning (the buffer may be reused at once);
 * @dwSize larger than the area gives PHONEERR_INVALPARAM and nothing is written; bytes of the
 * area past @dwSize keep their content. PHONE_REPLY reports the outcome.
 * Return: request ID or PHONEERR_. Errors: INVALPHONEHANDLE, OPERATIONUNAVAIL, NOTOWNER, NOMEM,
 * INVALDATAID, RESOURCEUNAVAIL, INVALPHONESTATE, OPERATIONFAILED, INVALPOINTER, UNINITIALIZED.
 */
OPENTAPI_EXPORT LONG WINAPI phoneSetData(HPHONE hPhone, DWORD dwDataID, LPVOID const lpData,
					 DWORD dwSize);

/**
 * phoneSetDisplay() - Write to the display at zero-based (@dwRow, @dwColumn), truncating what
 * does not fit (asynchronous, owner only). @lpsDisplay: data in PHONECAPS.dwStringFormat
 * (UTF-8 here); @dwSize: its size in bytes, including the NUL of a string.
 * Return: request ID or PHONEERR_. Errors: INVALPHONEHANDLE, OPERATIONUNAVAIL, NOTOWNER,
 * OPERATIONFAILED, INVALPHONESTATE, UNINITIALIZED, INVALPOINTER, NOMEM, INVALPARAM,
 * RESOURCEUNAVAIL.
 */
OPENTAPI_EXPORT LONG WINAPI phoneSetDisplay(HPHONE hPhone, DWORD dwRow, DWORD dwColumn,
					    LPCSTR lpsDisplay, DWORD dwSize);

/**
 * phoneSetGain() - Set the microphone gain of one hookswitch device (asynchronous, owner only).
 * @hPhone: open phone. @dwHookSwitchDev: exactly one PHONEHOOKSWITCHDEV_ bit.
 * @dwGain: 0 .. 0xFFFF; out-of-range values are clamped.
 * Return: request ID or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, NOTOWNER, RESOURCEUNAVAIL,
 * INVALPHONESTATE, OPERATIONFAILED, INVALHOOKSWITCHDEV, UNINITIALIZED, OPERATIONUNAVAIL.
 */
OPENTAPI_EXPORT LONG WINAPI phoneSetGain(HPHONE hPhone, DWORD dwHookSwitchDev, DWORD dwGain);

/**
 * phoneSetHookSwitch() - Set the hookswitch mode of devices (asynchronous, owner only).
 * @hPhone: open phone. @dwHookSwitchDevs: PHONEHOOKSWITCHDEV_ bit(s), all set to the same mode.
 * @dwHookSwitchMode: exactly one PHONEHOOKSWITCHMODE_ value.
 * Return: request ID or PHONEERR_. Errors: INVALPHONEHANDLE, OPERATIONUNAVAIL, NOTOWNER, NOMEM,
 * INVALHOOKSWITCHDEV, RESOURCEUNAVAIL, INVALHOOKSWITCHMODE, OPERATIONFAILED, INVALPHONESTATE,
 * UNINITIALIZED.
 */
OPENTAPI_EXPORT LONG WINAPI phoneSetHookSwitch(HPHONE hPhone, DWORD dwHookSwitchDevs,
					       DWORD dwHookSwitchMode);

/**
 * phoneSetLamp() - Set the mode of one lamp (asynchronous, owner only).
 * @hPhone: open phone. @dwButtonLampID: button/lamp ID. @dwLampMode: one PHONELAMPMODE_ value.
 * Return: request ID or PHONEERR_. Errors: INVALPHONEHANDLE, OPERATIONUNAVAIL, NOTOWNER, NOMEM,
 * INVALBUTTONLAMPID, RESOURCEUNAVAIL, INVALPHONESTATE, OPERATIONFAILED, INVALLAMPMODE,
 * UNINITIALIZED.
 */
OPENTAPI_EXPORT LONG WINAPI phoneSetLamp(HPHONE hPhone, DWORD dwButtonLampID, DWORD dwLampMode);

/**
 * phoneSetRing() - Set the ring mode and volume (asynchronous, owner only).
 * @hPhone: open phone. @dwRingMode: 0 (silent) or 1 .. PHONECAPS.dwNumRingModes.
 * @dwVolume: 0 .. 0xFFFF; out-of-range values are clamped.
 * Return: request ID or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, NOTOWNER, RESOURCEUNAVAIL,
 * INVALPHONESTATE, OPERATIONFAILED, INVALRINGMODE, UNINITIALIZED, OPERATIONUNAVAIL.
 */
OPENTAPI_EXPORT LONG WINAPI phoneSetRing(HPHONE hPhone, DWORD dwRingMode, DWORD dwVolume);

/**
 * phoneSetStatusMessages() - Choose which PHONE_STATE / PHONE_BUTTON messages this handle gets
 * (all off by default; PHONESTATE_REINIT and PHONE_REPLY cannot be disabled). Any privilege.
 * @dwPhoneStates: PHONESTATE_ mask. @dwButtonModes: PHONEBUTTONMODE_ mask. @dwButtonStates:
 * PHONEBUTTONSTATE_ mask; ignored if @dwButtonModes is 0, else needs at least one bit.
 * Return: 0 or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, INVALPHONESTATE, RESOURCEUNAVAIL,
 * INVALBUTTONMODE, OPERATIONFAILED, INVALBUTTONSTATE, UNINITIALIZED, OPERATIONUNAVAIL.
 */
OPENTAPI_EXPORT LONG WINAPI phoneSetStatusMessages(HPHONE hPhone, DWORD dwPhoneStates,
						   DWORD dwButtonModes, DWORD dwButtonStates);

/**
 * phoneSetVolume() - Set the speaker volume of one hookswitch device (asynchronous, owner only).
 * @hPhone: open phone. @dwHookSwitchDev: exactly one PHONEHOOKSWITCHDEV_ bit.
 * @dwVolume: 0 .. 0xFFFF; out-of-range values are clamped.
 * Return: request ID or PHONEERR_. Errors: INVALPHONEHANDLE, NOMEM, NOTOWNER, RESOURCEUNAVAIL,
 * INVALPHONESTATE, OPERATIONFAILED, INVALHOOKSWITCHDEV, UNINITIALIZED, OPERATIONUNAVAIL.
 */
OPENTAPI_EXPORT LONG WINAPI phoneSetVolume(HPHONE hPhone, DWORD dwHookSwitchDev, DWORD dwVolume);

/**
 * phoneShutdown() - Unregister an app: closes its open phones (their outstanding replies are
 * suppressed), releases its notification resources and wakes a blocked phoneGetMessage().
 * @hPhoneApp: app handle.
 * Return: 0 or PHONEERR_. Errors: INVALAPPHANDLE, NOMEM, UNINITIALIZED, RESOURCEUNAVAIL.
 */
OPENTAPI_EXPORT LONG WINAPI phoneShutdown(HPHONEAPP hPhoneApp);

/* ---- A/W name mapping (declared functions above keep their own names) ------------------- */

#ifdef UNICODE
#define phoneConfigDialog phoneConfigDialogW
#define phoneGetButtonInfo phoneGetButtonInfoW
#define phoneGetDevCaps phoneGetDevCapsW
#define phoneGetIcon phoneGetIconW
#define phoneGetID phoneGetIDW
#define phoneGetStatus phoneGetStatusW
#define phoneSetButtonInfo phoneSetButtonInfoW
#if (TAPI_CURRENT_VERSION >= 0x00020000)
#define phoneInitializeEx phoneInitializeExW
#endif
#elif (TAPI_CURRENT_VERSION >= 0x00020000)
#define phoneConfigDialog phoneConfigDialogA
#define phoneGetButtonInfo phoneGetButtonInfoA
#define phoneGetDevCaps phoneGetDevCapsA
#define phoneGetIcon phoneGetIconA
#define phoneGetID phoneGetIDA
#define phoneGetStatus phoneGetStatusA
#define phoneSetButtonInfo phoneSetButtonInfoA
#define phoneInitializeEx phoneInitializeExA
#endif

#ifdef __cplusplus
}
#endif

#pragma pack(pop)

#endif /* TAPI_H */
