/* SPDX-License-Identifier: MIT */
/*
 * tspi.h - OpenTAPI: the Telephony Service Provider Interface (TSPI 2.0+) for phone devices.
 *
 * Source-compatible with the Windows SDK tspi.h for the TSPI_phone*, TSPI_provider* and TUISPI_*
 * functions. A service provider is a shared object that exports these functions (plus the
 * OpenTAPI extension OTSPI_providerConfigure at the end of this file); the engine finds them
 * with dlsym. Strings passed to providers are UTF-16 (LPCWSTR, WCHAR = char16_t), as in TSPI 2.0.
 *
 * Lifecycle: OTSPI_providerConfigure, TSPI_lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, ...),
 * TSPI_providerEnumDevices, TSPI_providerInit, per device TSPI_phoneNegotiateTSPIVersion ...
 * TSPI_phoneOpen ... TSPI_phoneClose, and finally TSPI_providerShutdown.
 *
 * Asynchronous TSPI functions take a DRV_REQUESTID first. They return either a negative error at
 * once, or the dwRequestID they were given and later call the ASYNC_COMPLETION from
 * TSPI_providerInit exactly once with 0 or a negative error (possibly before returning).
 */
#ifndef TSPI_H
#define TSPI_H

#include "tapi.h"

#if (TAPI_CURRENT_VERSION < 0x00020000)
#error "tspi.h: OpenTAPI supports TSPI 2.0 and later only (TAPI_CURRENT_VERSION >= 0x00020000)"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#ifndef TSPIAPI
#define TSPIAPI
#endif

/* ---- Handles ------------------------------------------------------------------------------ */

/* Pointer-sized opaque handles: HDRV* are chosen by the provider, HTAPI* by the engine. */
#ifndef DECLARE_OPAQUE
#define DECLARE_OPAQUE(name)                                                                     \
	struct name##__ {                                                                        \
		int unused;                                                                      \
	};                                                                                       \
	typedef const struct name##__ FAR *name
#endif

DECLARE_OPAQUE(HDRVCALL);
DECLARE_OPAQUE(HDRVLINE);
DECLARE_OPAQUE(HDRVPHONE);
DECLARE_OPAQUE(HDRVMSPLINE);
DECLARE_OPAQUE(HDRVDIALOGINSTANCE);

typedef HDRVCALL FAR *LPHDRVCALL;
typedef HDRVLINE FAR *LPHDRVLINE;
typedef HDRVPHONE FAR *LPHDRVPHONE;
typedef HDRVDIALOGINSTANCE FAR *LPHDRVDIALOGINSTANCE;
typedef HDRVMSPLINE FAR *LPHDRVMSPLINE;

DECLARE_OPAQUE(HTAPICALL);
DECLARE_OPAQUE(HTAPILINE);
DECLARE_OPAQUE(HTAPIPHONE);

DECLARE_OPAQUE32(HTAPIDIALOGINSTANCE);
DECLARE_OPAQUE32(HTAPIMSPLINE);

typedef HTAPICALL FAR *LPHTAPICALL;
typedef HTAPILINE FAR *LPHTAPILINE;
typedef HTAPIPHONE FAR *LPHTAPIPHONE;
typedef HTAPIDIALOGINSTANCE FAR *LPHTAPIDIALOGINSTANCE;
typedef HTAPIMSPLINE FAR *LPHTAPIMSPLINE;

DECLARE_OPAQUE(HPROVIDER);
typedef HPROVIDER FAR *LPHPROVIDER;

typedef DWORD DRV_REQUESTID;

/* ---- Callbacks implemented by the engine ---------------------------------------------------- */

/* Completes asynchronous request dwRequestID with lResult (0 or a negative error). Once per
 * request; do not call it (or LINEEVENT/PHONEEVENT) again before a call of it has returned. */
typedef void(CALLBACK *ASYNC_COMPLETION)(DRV_REQUESTID dwRequestID, LONG lResult);

typedef void(CALLBACK *LINEEVENT)(HTAPILINE htLine, HTAPICALL htCall, DWORD dwMsg,
				  DWORD_PTR dwParam1, DWORD_PTR dwParam2, DWORD_PTR dwParam3);

/* Reports PHONE_BUTTON/CLOSE/DEVSPECIFIC/STATE for htPhone (from TSPI_phoneOpen), or PHONE_CREATE
 * (htPhone 0, dwParam1 = hProvider, dwParam2 = temporary ID) / PHONE_REMOVE (htPhone 0,
 * dwParam1 = device ID). */
typedef void(CALLBACK *PHONEEVENT)(HTAPIPHONE htPhone, DWORD dwMsg, DWORD_PTR dwParam1,
				   DWORD_PTR dwParam2, DWORD_PTR dwParam3);

typedef LONG(CALLBACK *TUISPIDLLCALLBACK)(DWORD_PTR dwObjectID, DWORD dwObjectType, LPVOID lpParams,
					  DWORD dwSize);

/* ---- Constants ------------------------------------------------------------------------------ */

#define TSPI_MESSAGE_BASE 500 /* lowest TSPI-only message ID */

#define LINE_NEWCALL ((long)TSPI_MESSAGE_BASE + 0)
#define LINE_CALLDEVSPECIFIC ((long)TSPI_MESSAGE_BASE + 1)
#define LINE_CALLDEVSPECIFICFEATURE ((long)TSPI_MESSAGE_BASE + 2)
#define LINE_CREATEDIALOGINSTANCE ((long)TSPI_MESSAGE_BASE + 3)   /* TSPI v2.0 */
#define LINE_SENDDIALOGINSTANCEDATA ((long)TSPI_MESSAGE_BASE + 4) /* TSPI v2.0 */
#if (TAPI_CURRENT_VERSION >= 0x00030000)
#define LINE_SENDMSPDATA ((long)TSPI_MESSAGE_BASE + 5) /* TSPI v3.0 */
#define LINE_QOSINFO ((long)TSPI_MESSAGE_BASE + 6)     /* TSPI v3.0 */
#endif

/* *lpdwTSPIOptions of TSPI_providerInit: the engine makes one call at a time into the provider. */
#define LINETSPIOPTION_NONREENTRANT 0x00000001

#define TUISPIDLL_OBJECT_LINEID 1L
#define TUISPIDLL_OBJECT_PHONEID 2L
#define TUISPIDLL_OBJECT_PROVIDERID 3L
#define TUISPIDLL_OBJECT_DIALOGINSTANCE 4L

/* LINEERR_ results of the provider-wide functions (TSPI_lineNegotiateTSPIVersion,
 * TSPI_providerEnumDevices, TSPI_providerInit, TSPI_providerShutdown). Values as in tapi.h of
 * the Windows SDK. */
#ifndef LINEERR_NOMEM
#define LINEERR_BADDEVICEID ((LONG)0x80000002)
#define LINEERR_INCOMPATIBLEAPIVERSION ((LONG)0x8000000C)
#define LINEERR_INIFILECORRUPT ((LONG)0x8000000E)
#define LINEERR_NODRIVER ((LONG)0x80000043)
#define LINEERR_NOMEM ((LONG)0x80000044)
#define LINEERR_OPERATIONFAILED ((LONG)0x80000048)
#define LINEERR_OPERATIONUNAVAIL ((LONG)0x80000049)
#define LINEERR_RESOURCEUNAVAIL ((LONG)0x8000004B)
#define LINEERR_NOMULTIPLEINSTANCE ((LONG)0x80000056)
#endif

/* ---- Provider-wide negotiation -------------------------------------------------------------- */

/** TSPI_lineNegotiateTSPIVersion() - With dwDeviceID = INITIALIZE_NEGOTIATION: agree on the
 * provider-wide TSPI version (highest in [dwLowVersion, dwHighVersion]); 0 or LINEERR_. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_lineNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
							   DWORD dwHighVersion,
							   LPDWORD lpdwTSPIVersion);

/* ---- Phone functions ------------------------------------------------------------------------
 * The engine has already checked handles, privileges, pointers and ranges. Synchronous ones
 * return 0 or a negative PHONEERR_; "async" ones return dwRequestID or a negative PHONEERR_. */

/** TSPI_phoneClose() - Close the device: complete every outstanding request, send no events
 * after returning, release its resources. Should always succeed. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hdPhone);
/** TSPI_phoneDevSpecific() - Async: device-specific request; lpParams is passed through. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneDevSpecific(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						   LPVOID lpParams, DWORD dwSize);
/** TSPI_phoneGetButtonInfo() - Fill lpButtonInfo for one button/lamp ID. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneGetButtonInfo(HDRVPHONE hdPhone, DWORD dwButtonLampID,
						     LPPHONEBUTTONINFO lpButtonInfo);
/** TSPI_phoneGetData() - Copy at most dwSize bytes of data area dwDataID into lpData. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneGetData(HDRVPHONE hdPhone, DWORD dwDataID, LPVOID lpData,
					       DWORD dwSize);
/** TSPI_phoneGetDevCaps() - Fill lpPhoneCaps (all but dwTotalSize); the device need not be open. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneGetDevCaps(DWORD dwDeviceID, DWORD dwTSPIVersion,
						  DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps);
/** TSPI_phoneGetDisplay() - Fill lpDisplay with the display contents. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneGetDisplay(HDRVPHONE hdPhone, LPVARSTRING lpDisplay);
/** TSPI_phoneGetExtensionID() - Report the provider's extension ID (all zero if none). */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneGetExtensionID(DWORD dwDeviceID, DWORD dwTSPIVersion,
						      LPPHONEEXTENSIONID lpExtensionID);
/** TSPI_phoneGetGain() - Read the gain of one PHONEHOOKSWITCHDEV_ device. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneGetGain(HDRVPHONE hdPhone, DWORD dwHookSwitchDev,
					       LPDWORD lpdwGain);
/** TSPI_phoneGetHookSwitch() - Report the PHONEHOOKSWITCHDEV_ mask of off-hook devices. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneGetHookSwitch(HDRVPHONE hdPhone, LPDWORD lpdwHookSwitchDevs);
/** TSPI_phoneGetIcon() - Return the device's icon for a (UTF-16) device class. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneGetIcon(DWORD dwDeviceID, LPCWSTR lpszDeviceClass,
					       LPHICON lphIcon);
/** TSPI_phoneGetID() - Fill lpDeviceID for a (UTF-16) device class; any handle returned is
 * made usable by hTargetProcess. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneGetID(HDRVPHONE hdPhone, LPVARSTRING lpDeviceID,
					     LPCWSTR lpszDeviceClass, HANDLE hTargetProcess);
/** TSPI_phoneGetLamp() - Report the PHONELAMPMODE_ of one lamp. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneGetLamp(HDRVPHONE hdPhone, DWORD dwButtonLampID,
					       LPDWORD lpdwLampMode);
/** TSPI_phoneGetRing() - Report ring mode and volume. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneGetRing(HDRVPHONE hdPhone, LPDWORD lpdwRingMode,
					       LPDWORD lpdwVolume);
/** TSPI_phoneGetStatus() - Fill lpPhoneStatus, leaving the fields the engine owns (dwTotalSize,
 * dwNumOwners, dwNumMonitors, dwOwnerNameSize/Offset) untouched. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneGetStatus(HDRVPHONE hdPhone, LPPHONESTATUS lpPhoneStatus);
/** TSPI_phoneGetVolume() - Read the volume of one PHONEHOOKSWITCHDEV_ device. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneGetVolume(HDRVPHONE hdPhone, DWORD dwHookSwitchDev,
						 LPDWORD lpdwVolume);
/** TSPI_phoneNegotiateExtVersion() - Agree on an extension version within the given range. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneNegotiateExtVersion(DWORD dwDeviceID, DWORD dwTSPIVersion,
							   DWORD dwLowVersion, DWORD dwHighVersion,
							   LPDWORD lpdwExtVersion);
/** TSPI_phoneNegotiateTSPIVersion() - Agree on a TSPI version for one phone (mandatory);
 * no overlap gives PHONEERR_INCOMPATIBLEAPIVERSION. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
							    DWORD dwHighVersion,
							    LPDWORD lpdwTSPIVersion);
/** TSPI_phoneOpen() - Open a phone: store the provider's handle in *lphdPhone, keep htPhone and
 * lpfnEventProc for events. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneOpen(DWORD dwDeviceID, HTAPIPHONE htPhone,
					    LPHDRVPHONE lphdPhone, DWORD dwTSPIVersion,
					    PHONEEVENT lpfnEventProc);
/** TSPI_phoneSelectExtVersion() - Select an extension version (0 cancels the selection). */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneSelectExtVersion(HDRVPHONE hdPhone, DWORD dwExtVersion);
/** TSPI_phoneSetButtonInfo() - Async: set a button's mode, function and text. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneSetButtonInfo(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						     DWORD dwButtonLampID,
						     LPPHONEBUTTONINFO const lpButtonInfo);
/** TSPI_phoneSetData() - Async: write dwSize bytes of lpData to the start of data area dwDataID
 * (the engine has checked dwDataID and dwSize and keeps lpData valid until completion). In
 * tapisrv lpData may be a buffer the writing application shares with the server: its bytes can
 * change while the provider reads them (only to that application's loss). A provider that
 * reads them more than once and needs them to agree (a checksum, then the bytes) copies them. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneSetData(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					       DWORD dwDataID, LPVOID const lpData, DWORD dwSize);
/** TSPI_phoneSetDisplay() - Async: write UTF-16 text at (dwRow, dwColumn). */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneSetDisplay(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						  DWORD dwRow, DWORD dwColumn, LPCWSTR lpsDisplay,
						  DWORD dwSize);
/** TSPI_phoneSetGain() - Async: set the gain of one PHONEHOOKSWITCHDEV_ device. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneSetGain(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					       DWORD dwHookSwitchDev, DWORD dwGain);
/** TSPI_phoneSetHookSwitch() - Async: set the hookswitch mode of the given devices. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneSetHookSwitch(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						     DWORD dwHookSwitchDevs,
						     DWORD dwHookSwitchMode);
/** TSPI_phoneSetLamp() - Async: set the PHONELAMPMODE_ of one lamp. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneSetLamp(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					       DWORD dwButtonLampID, DWORD dwLampMode);
/** TSPI_phoneSetRing() - Async: set ring mode and volume. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneSetRing(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					       DWORD dwRingMode, DWORD dwVolume);
/** TSPI_phoneSetStatusMessages() - The union of what all apps want; sending more is allowed. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneSetStatusMessages(HDRVPHONE hdPhone, DWORD dwPhoneStates,
							 DWORD dwButtonModes, DWORD dwButtonStates);
/** TSPI_phoneSetVolume() - Async: set the volume of one PHONEHOOKSWITCHDEV_ device. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_phoneSetVolume(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						 DWORD dwHookSwitchDev, DWORD dwVolume);

/* ---- Provider functions --------------------------------------------------------------------- */

/** TSPI_providerConfig() - Provider configuration (UI-module form: TUISPI_providerConfig). */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_providerConfig(HWND hwndOwner, DWORD dwPermanentProviderID);
/** TSPI_providerCreateLineDevice() - Bind the temporary line ID dwTempID to dwDeviceID. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_providerCreateLineDevice(DWORD_PTR dwTempID, DWORD dwDeviceID);
/** TSPI_providerCreatePhoneDevice() - After a PHONE_CREATE: bind temporary ID dwTempID to the
 * new global device ID dwDeviceID. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_providerCreatePhoneDevice(DWORD_PTR dwTempID, DWORD dwDeviceID);
/** TSPI_providerEnumDevices() - Before TSPI_providerInit: report line and phone counts
 * (preset to 0); keep hProvider and lpfnPhoneCreateProc for PHONE_CREATE. 0 or LINEERR_. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_providerEnumDevices(DWORD dwPermanentProviderID,
						      LPDWORD lpdwNumLines, LPDWORD lpdwNumPhones,
						      HPROVIDER hProvider,
						      LINEEVENT lpfnLineCreateProc,
						      PHONEEVENT lpfnPhoneCreateProc);
/** TSPI_providerFreeDialogInstance() - Release a UI dialog instance. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_providerFreeDialogInstance(HDRVDIALOGINSTANCE hdDlgInst);
/** TSPI_providerGenericDialogData() - Data from the provider's UI module (TUISPIDLL_OBJECT_*). */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_providerGenericDialogData(DWORD_PTR dwObjectID, DWORD dwObjectType,
							    LPVOID lpParams, DWORD dwSize);
/** TSPI_providerInit() - Start the provider: its phones are dwPhoneDeviceIDBase ..
 * + dwNumPhones - 1; keep lpfnCompletionProc; may set LINETSPIOPTION_NONREENTRANT in
 * *lpdwTSPIOptions. 0 or LINEERR_. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_providerInit(DWORD dwTSPIVersion, DWORD dwPermanentProviderID,
					       DWORD dwLineDeviceIDBase, DWORD dwPhoneDeviceIDBase,
					       DWORD_PTR dwNumLines, DWORD_PTR dwNumPhones,
					       ASYNC_COMPLETION lpfnCompletionProc,
					       LPDWORD lpdwTSPIOptions);
/** TSPI_providerInstall() - Provider installation (UI-module form: TUISPI_providerInstall). */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_providerInstall(HWND hwndOwner, DWORD dwPermanentProviderID);
/** TSPI_providerRemove() - Provider removal (UI-module form: TUISPI_providerRemove). */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_providerRemove(HWND hwndOwner, DWORD dwPermanentProviderID);
/** TSPI_providerShutdown() - Last call into the provider; should always succeed. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_providerShutdown(DWORD dwTSPIVersion,
						   DWORD dwPermanentProviderID);
/** TSPI_providerUIIdentify() - Write the name of the provider's UI module into lpszUIDLLName. */
OPENTAPI_EXPORT LONG TSPIAPI TSPI_providerUIIdentify(LPWSTR lpszUIDLLName);

/* ---- UI module functions -------------------------------------------------------------------- */

/** TUISPI_lineConfigDialog() - Line configuration dialog. */
OPENTAPI_EXPORT LONG TSPIAPI TUISPI_lineConfigDialog(TUISPIDLLCALLBACK lpfnUIDLLCallback,
						     DWORD dwDeviceID, HWND hwndOwner,
						     LPCWSTR lpszDeviceClass);
/** TUISPI_lineConfigDialogEdit() - Line configuration dialog editing a given configuration. */
OPENTAPI_EXPORT LONG TSPIAPI TUISPI_lineConfigDialogEdit(TUISPIDLLCALLBACK lpfnUIDLLCallback,
							 DWORD dwDeviceID, HWND hwndOwner,
							 LPCWSTR lpszDeviceClass,
							 LPVOID const lpDeviceConfigIn, DWORD dwSize,
							 LPVARSTRING lpDeviceConfigOut);
/** TUISPI_phoneConfigDialog() - Phone configuration dialog (backs phoneConfigDialog). */
OPENTAPI_EXPORT LONG TSPIAPI TUISPI_phoneConfigDialog(TUISPIDLLCALLBACK lpfnUIDLLCallback,
						      DWORD dwDeviceID, HWND hwndOwner,
						      LPCWSTR lpszDeviceClass);
/** TUISPI_providerConfig() - Provider configuration dialog. */
OPENTAPI_EXPORT LONG TSPIAPI TUISPI_providerConfig(TUISPIDLLCALLBACK lpfnUIDLLCallback,
						   HWND hwndOwner, DWORD dwPermanentProviderID);
/** TUISPI_providerGenericDialog() - Dialog the provider asked for (LINE_CREATEDIALOGINSTANCE). */
OPENTAPI_EXPORT LONG TSPIAPI TUISPI_providerGenericDialog(TUISPIDLLCALLBACK lpfnUIDLLCallback,
							  HTAPIDIALOGINSTANCE htDlgInst,
							  LPVOID lpParams, DWORD dwSize,
							  HANDLE hEvent);
/** TUISPI_providerGenericDialogData() - Data for a provider-initiated dialog. */
OPENTAPI_EXPORT LONG TSPIAPI TUISPI_providerGenericDialogData(HTAPIDIALOGINSTANCE htDlgInst,
							      LPVOID lpParams, DWORD dwSize);
/** TUISPI_providerInstall() - Provider installation UI. */
OPENTAPI_EXPORT LONG TSPIAPI TUISPI_providerInstall(TUISPIDLLCALLBACK lpfnUIDLLCallback,
						    HWND hwndOwner, DWORD dwPermanentProviderID);
/** TUISPI_providerRemove() - Provider removal UI. */
OPENTAPI_EXPORT LONG TSPIAPI TUISPI_providerRemove(TUISPIDLLCALLBACK lpfnUIDLLCallback,
						   HWND hwndOwner, DWORD dwPermanentProviderID);

/* =============================================================================================
 * OpenTAPI extension (not in the Windows SDK)
 * ============================================================================================= */

/* OpenTAPI extension: configuration handed to a provider before TSPI_providerEnumDevices. */

/* One "key = value" line of a [phone "..."] section of the configuration file. */
typedef struct otspisetting_tag {
	LPCSTR lpszKey;   /* key as written in the config file, e.g. "data_areas" */
	LPCSTR lpszValue; /* value text, trimmed */
	DWORD dwLine;     /* line in the config file (0 for built-in defaults) */
} OTSPISETTING;

/* One phone the provider is to serve, in device-ID order. */
typedef struct otspiphoneconfig_tag {
	DWORD dwDeviceID;               /* global phone device ID the engine assigns to this phone */
	LPCSTR lpszName;                /* the phone's name: the quoted text of its [phone "..."] section */
	const OTSPISETTING *lpSettings; /* every key of the section except "provider" */
	DWORD dwNumSettings;
	LPCSTR lpszConfigPath;          /* the file these settings came from; NULL for built-in ones */
} OTSPIPHONECONFIG;

/**
 * OTSPI_providerConfigure() - Hand the provider its phones and their settings (required export).
 * @dwPermanentProviderID: this provider instance. @lpszStateDir: directory for durable state.
 * @lpPhones, @dwNumPhones: the phones it serves; valid only during the call (copy what you keep).
 * @lpszError, @dwErrorSize: buffer for a one-line, NUL-terminated message on failure.
 * Called before TSPI_providerEnumDevices, which must then report dwNumPhones phones. Called
 * again after TSPI_providerInit when a reload adds phones: those phones only, each then made
 * live by TSPI_providerCreatePhoneDevice(dwTempID = dwDeviceID, dwDeviceID). A provider that does
 * not export TSPI_providerCreatePhoneDevice is never called the second way.
 * Returns 0, or PHONEERR_INIFILECORRUPT with a one-line message in lpszError
 * ("line N: key 'k': why").
 */
OPENTAPI_EXPORT LONG TSPIAPI OTSPI_providerConfigure(DWORD dwPermanentProviderID,
						     LPCSTR lpszStateDir,
						     const OTSPIPHONECONFIG *lpPhones,
						     DWORD dwNumPhones, LPSTR lpszError,
						     DWORD dwErrorSize);

/**
 * OTSPI_providerSetOptions() - Hand the provider its provider-wide settings (optional export).
 * @dwPermanentProviderID: this provider instance.
 * @lpSettings, @dwNumSettings: the keys of the configuration's [provider "NAME"] section, in file
 *   order; valid only during the call.
 * @lpszConfigPath: the file they came from.
 * @lpszError, @dwErrorSize: buffer for a one-line, NUL-terminated message on failure.
 * Called before OTSPI_providerConfigure, only when such a section exists; a provider that does
 * not export it cannot be given one (the configuration is refused).
 * Returns 0, or PHONEERR_INIFILECORRUPT with "line N: key 'KEY': why" in lpszError.
 */
OPENTAPI_EXPORT LONG TSPIAPI OTSPI_providerSetOptions(DWORD dwPermanentProviderID,
						      const OTSPISETTING *lpSettings,
						      DWORD dwNumSettings, LPCSTR lpszConfigPath,
						      LPSTR lpszError, DWORD dwErrorSize);

/**
 * OTSPI_phoneDevSpecificAs() - TSPI_phoneDevSpecific, told the caller's privilege (optional
 *   export).
 * @dwRequestID, @hdPhone, @lpParams, @dwSize: as for TSPI_phoneDevSpecific.
 * @dwPrivilege: PHONEPRIVILEGE_OWNER when the handle that called phoneDevSpecific owns the phone,
 *   else PHONEPRIVILEGE_MONITOR.
 * When a provider exports it, the engine calls it instead of TSPI_phoneDevSpecific, so that the
 * provider can refuse a command that changes the phone for others (suspends it, holds its
 * replies, removes it) to a handle that does not own the phone: a monitor must never disturb the
 * owner. phoneDevSpecific documents that further results are device-specific; OpenTAPI's
 * providers answer such a command PHONEERR_NOTOWNER, synchronously.
 * Returns dwRequestID (the request completes through ASYNC_COMPLETION), or a PHONEERR_ value.
 */
OPENTAPI_EXPORT LONG TSPIAPI OTSPI_phoneDevSpecificAs(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						      LPVOID lpParams, DWORD dwSize,
						      DWORD dwPrivilege);

/**
 * OTSPI_providerImplements() - Whether an exported function is implemented (optional export).
 * @lpszFunction: the name of a TSPI_, TUISPI_ or OTSPI_ function, e.g. "TSPI_phoneSetLamp".
 * A module that exports every function whether it implements it or not (a provider built on the
 * provider kit, otsp.h) exports this too; the engine then treats each function it answers FALSE
 * for as not exported, so that the application gets what TAPI documents for a provider without
 * that function. Called once per function, when the module is loaded.
 * Returns TRUE or FALSE.
 */
OPENTAPI_EXPORT BOOL TSPIAPI OTSPI_providerImplements(LPCSTR lpszFunction);

#ifdef __cplusplus
}
#endif

#endif /* TSPI_H */
