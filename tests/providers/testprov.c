/* SPDX-License-Identifier: MIT */
/* testprov.c — a minimal provider for tests: phones with data areas it publishes but a provider
 * that exports no TSPI_phoneSetData (so the engine must answer PHONEERR_OPERATIONUNAVAIL), and a
 * TSPI_phoneGetData that returns a fixed pattern. Settings: data_areas = N (one area of N bytes).
 * Raw TSPI on purpose, not the provider kit: a missing export is what it is for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tspi.h>

#include "varstruct.h"

#define EXPORT __attribute__((visibility("default")))
#define MAX_PHONES 8

static struct {
	DWORD id;
	DWORD area;
} phones[MAX_PHONES];
static DWORD num_phones;

EXPORT LONG TSPIAPI OTSPI_providerConfigure(DWORD ppid, LPCSTR state_dir,
					    const OTSPIPHONECONFIG *cfg, DWORD n, LPSTR err,
					    DWORD errlen)
{
	DWORD i, k;

	(void)ppid;
	(void)state_dir;
	if (n > MAX_PHONES) {
		snprintf(err, errlen, "at most %d phones", MAX_PHONES);
		return (LONG)PHONEERR_INIFILECORRUPT;
	}
	for (i = 0; i < n; i++) {
		phones[i].id = cfg[i].dwDeviceID;
		phones[i].area = 16;
		for (k = 0; k < cfg[i].dwNumSettings; k++) {
			const OTSPISETTING *s = &cfg[i].lpSettings[k];

			if (strcmp(s->lpszKey, "data_areas") != 0) {
				snprintf(err, errlen, "line %u: key '%s': unknown key",
					 (unsigned)s->dwLine, s->lpszKey);
				return (LONG)PHONEERR_INIFILECORRUPT;
			}
			phones[i].area = (DWORD)strtoul(s->lpszValue, NULL, 10);
		}
	}
	num_phones = n;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_providerEnumDevices(DWORD ppid, LPDWORD lines, LPDWORD nphones,
					     HPROVIDER hProvider, LINEEVENT line_create,
					     PHONEEVENT phone_create)
{
	(void)ppid;
	(void)hProvider;
	(void)line_create;
	(void)phone_create;
	*lines = 0;
	*nphones = num_phones;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_providerInit(DWORD version, DWORD ppid, DWORD line_base,
				      DWORD phone_base, DWORD_PTR nlines, DWORD_PTR nphones,
				      ASYNC_COMPLETION completion, LPDWORD options)
{
	(void)version;
	(void)ppid;
	(void)line_base;
	(void)phone_base;
	(void)nlines;
	(void)nphones;
	(void)completion;
	(void)options;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_providerShutdown(DWORD version, DWORD ppid)
{
	(void)version;
	(void)ppid;
	num_phones = 0;
	return 0;
}

static int find(DWORD id)
{
	DWORD i;

	for (i = 0; i < num_phones; i++)
		if (phones[i].id == id)
			return (int)i;
	return -1;
}

EXPORT LONG TSPIAPI TSPI_phoneNegotiateTSPIVersion(DWORD dev, DWORD low, DWORD high, LPDWORD v)
{
	if (find(dev) < 0)
		return (LONG)PHONEERR_BADDEVICEID;
	if (low > 0x00020002 || high < 0x00010003)
		return (LONG)PHONEERR_INCOMPATIBLEAPIVERSION;
	*v = high < 0x00020002 ? high : 0x00020002;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneGetDevCaps(DWORD dev, DWORD version, DWORD ext, LPPHONECAPS caps)
{
	static const char name[] = "Test phone without phoneSetData";
	int i = find(dev);
	DWORD sizes[1];

	(void)version;
	(void)ext;
	if (i < 0)
		return (LONG)PHONEERR_BADDEVICEID;
	sizes[0] = phones[i].area;
	caps->dwStringFormat = STRINGFORMAT_ASCII;
	caps->dwPermanentPhoneID = 0x7e570000u + (DWORD)i;
	caps->dwNumSetData = 1;
	caps->dwNumGetData = 1;
	ot_var_append(caps, offsetof(PHONECAPS, dwPhoneNameSize), name, sizeof(name));
	ot_var_append(caps, offsetof(PHONECAPS, dwSetDataSize), sizes, sizeof(sizes));
	ot_var_append(caps, offsetof(PHONECAPS, dwGetDataSize), sizes, sizeof(sizes));
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneOpen(DWORD dev, HTAPIPHONE ht, LPHDRVPHONE hd, DWORD version,
				   PHONEEVENT event)
{
	int i = find(dev);

	(void)ht;
	(void)version;
	(void)event;
	if (i < 0)
		return (LONG)PHONEERR_BADDEVICEID;
	*hd = (HDRVPHONE)&phones[i];
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hd)
{
	(void)hd;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneGetData(HDRVPHONE hd, DWORD id, LPVOID data, DWORD size)
{
	(void)hd;
	(void)id;
	memset(data, 0x5A, size);
	return 0;
}
