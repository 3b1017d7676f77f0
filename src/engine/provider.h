/* SPDX-License-Identifier: MIT */
/* provider.h — a loaded service provider: its shared object and its TSPI entry points.
 *
 * Owns: finding NAME.so (OPENTAPI_PROVIDER_PATH, then the installed provider directory),
 * dlopen/dlsym/dlclose, and the table of TSPI functions. A function the provider does not export
 * is NULL here; the engine answers PHONEERR_OPERATIONUNAVAIL for it.
 * Must not: call any TSPI function (the engine decides when and how).
 */
#ifndef OT_PROVIDER_H
#define OT_PROVIDER_H

#include <stddef.h>

#include <tspi.h>

struct ot_provider {
	char *name;
	void *dl;
	DWORD permanent_id;
	DWORD tspi_version;
	int initialized; /* TSPI_providerInit succeeded: TSPI_providerShutdown is owed */

	__typeof__(&OTSPI_providerConfigure) providerConfigure;
	__typeof__(&OTSPI_providerSetOptions) providerSetOptions;
	__typeof__(&OTSPI_phoneDevSpecificAs) phoneDevSpecificAs; /* optional */
	__typeof__(&TSPI_lineNegotiateTSPIVersion) lineNegotiateTSPIVersion;
	__typeof__(&TSPI_providerEnumDevices) providerEnumDevices;
	__typeof__(&TSPI_providerInit) providerInit;
	__typeof__(&TSPI_providerShutdown) providerShutdown;
	__typeof__(&TSPI_providerCreatePhoneDevice) providerCreatePhoneDevice;
	__typeof__(&TSPI_phoneNegotiateTSPIVersion) phoneNegotiateTSPIVersion;
	__typeof__(&TSPI_phoneNegotiateExtVersion) phoneNegotiateExtVersion;
	__typeof__(&TSPI_phoneGetExtensionID) phoneGetExtensionID;
	__typeof__(&TSPI_phoneGetDevCaps) phoneGetDevCaps;
	__typeof__(&TSPI_phoneOpen) phoneOpen;
	__typeof__(&TSPI_phoneClose) phoneClose;
	__typeof__(&TSPI_phoneSelectExtVersion) phoneSelectExtVersion;
	__typeof__(&TSPI_phoneSetData) phoneSetData;
	__typeof__(&TSPI_phoneGetData) phoneGetData;
	__typeof__(&TSPI_phoneGetStatus) phoneGetStatus;
	__typeof__(&TSPI_phoneSetStatusMessages) phoneSetStatusMessages;
	__typeof__(&TSPI_phoneDevSpecific) phoneDevSpecific;
	__typeof__(&TSPI_phoneSetDisplay) phoneSetDisplay;
	__typeof__(&TSPI_phoneGetDisplay) phoneGetDisplay;
	__typeof__(&TSPI_phoneSetLamp) phoneSetLamp;
	__typeof__(&TSPI_phoneGetLamp) phoneGetLamp;
	__typeof__(&TSPI_phoneSetButtonInfo) phoneSetButtonInfo;
	__typeof__(&TSPI_phoneGetButtonInfo) phoneGetButtonInfo;
	__typeof__(&TSPI_phoneSetHookSwitch) phoneSetHookSwitch;
	__typeof__(&TSPI_phoneGetHookSwitch) phoneGetHookSwitch;
	__typeof__(&TSPI_phoneSetRing) phoneSetRing;
	__typeof__(&TSPI_phoneGetRing) phoneGetRing;
	__typeof__(&TSPI_phoneSetVolume) phoneSetVolume;
	__typeof__(&TSPI_phoneGetVolume) phoneGetVolume;
	__typeof__(&TSPI_phoneSetGain) phoneSetGain;
	__typeof__(&TSPI_phoneGetGain) phoneGetGain;
	__typeof__(&TSPI_phoneGetID) phoneGetID;
	__typeof__(&TSPI_phoneGetIcon) phoneGetIcon;
	__typeof__(&TUISPI_phoneConfigDialog) uiPhoneConfigDialog;
};

/* Loads provider NAME ([a-z0-9_-]+). Returns 0, or PHONEERR_NODRIVER / PHONEERR_NOMEM with a
 * message in err. */
LONG ot_provider_load(const char *name, DWORD permanent_id, struct ot_provider **out, char *err,
		      size_t errlen);
/* Shuts the provider down if it was initialised, then unloads it. */
void ot_provider_unload(struct ot_provider *p);

#endif
