/* SPDX-License-Identifier: MIT */
/* phone_wide.c — the UTF-16 (W) entry points. Each converts its string arguments to UTF-8 and
 * calls the A function; a structure comes back through a scratch buffer that the A function
 * fills completely and is re-encoded into the caller's (wide.c), so dwNeededSize is that of the
 * UTF-16 form. Invalid UTF-16 in an argument is refused before the call goes anywhere: a
 * friendly app name with PHONEERR_INVALAPPNAME, a device class with PHONEERR_INVALDEVICECLASS,
 * button text with PHONEERR_INVALPARAM. */
#include <stdint.h>
#include <string.h>

#include <tapi.h>

#include "alloc.h"
#include "entry.h"
#include "utf.h"
#include "varstruct.h"
#include "wide.h"

/* Scratch buffers never start larger than this; the A function says what it needs. */
#define SCRATCH_FIRST (64u * 1024u)
#define SCRATCH_TRIES 4

/* One A call that fills a variable-size structure. */
struct a_call {
	LONG (*fill)(const struct a_call *c, void *st);
	HPHONEAPP app;
	HPHONE phone;
	DWORD dev, api_version, ext_version, id;
	const char *cls;
};

/* A copy of a class name in UTF-8 (NULL stays NULL): 0, INVALDEVICECLASS or NOMEM. */
static LONG narrow_class(LPCWSTR cls, char **out)
{
	int invalid;

	*out = NULL;
	if (!cls)
		return 0;
	*out = ot_utf16_to_utf8_dup(cls, ot_utf16_len(cls), &invalid);
	if (!*out)
		return invalid ? PHONEERR_INVALDEVICECLASS : PHONEERR_NOMEM;
	return 0;
}

/* Runs c with scratch buffers of the caller's dwTotalSize (at most SCRATCH_FIRST to start with),
 * then of the size the A function asks for, until it holds everything. *out: ot_free it. */
static LONG fill_all(const struct a_call *c, DWORD total, void **out)
{
	DWORD size = total < SCRATCH_FIRST ? total : SCRATCH_FIRST;
	void *st = NULL;
	LONG rc = 0;
	int i;

	for (i = 0; i < SCRATCH_TRIES; i++) {
		ot_free(st);
		st = ot_calloc(1, size > 256 ? size : 256);
		if (!st)
			return PHONEERR_NOMEM;
		ot_var_set(st, 0, size);
		rc = c->fill(c, st);
		if (rc || ot_var_get(st, 4) <= size)
			break;
		size = ot_var_get(st, 4);
	}
	if (rc)
		ot_free(st);
	else
		*out = st;
	return rc;
}

/* The A structure of c, re-encoded into w. */
static LONG widen(const struct a_call *c, void *w, uint32_t fixed,
		  const struct ot_var_part *parts, size_t n, long format_field)
{
	void *a = NULL;
	LONG rc = fill_all(c, ot_var_get(w, 0), &a);

	if (rc == 0)
		rc = ot_wide_repack(w, a, fixed, parts, n, format_field);
	ot_free(a);
	return rc;
}

static LONG phone_version(HPHONE phone, DWORD *version)
{
	WITH_BACKEND(backend->ops->phone_version(backend, phone, version));
}

/* ---- registration --------------------------------------------------------------------- */

API LONG phoneInitializeExW(LPHPHONEAPP lphPhoneApp, HINSTANCE hInstance,
			    PHONECALLBACK lpfnCallback, LPCWSTR lpszFriendlyAppName,
			    LPDWORD lpdwNumDevs, LPDWORD lpdwAPIVersion,
			    LPPHONEINITIALIZEEXPARAMS lpPhoneInitializeExParams)
{
	char *name = NULL;
	int invalid = 0;
	LONG rc;

	if (lpszFriendlyAppName &&
	    !(name = ot_utf16_to_utf8_dup(lpszFriendlyAppName, ot_utf16_len(lpszFriendlyAppName),
					  &invalid)))
		return invalid ? PHONEERR_INVALAPPNAME : PHONEERR_NOMEM;
	rc = phoneInitializeExA(lphPhoneApp, hInstance, lpfnCallback, name, lpdwNumDevs,
				lpdwAPIVersion, lpPhoneInitializeExParams);
	ot_free(name);
	return rc;
}

/* ---- structures ----------------------------------------------------------------------- */

static LONG fill_caps(const struct a_call *c, void *st)
{
	return phoneGetDevCapsA(c->app, c->dev, c->api_version, c->ext_version, st);
}

static uint32_t caps_fixed(DWORD api_version)
{
	if (api_version < 0x00020000)
		return offsetof(PHONECAPS, dwDeviceClassesSize);
	if (api_version < 0x00020002)
		return offsetof(PHONECAPS, PermanentPhoneGuid);
	return sizeof(PHONECAPS);
}

API LONG phoneGetDevCapsW(HPHONEAPP hPhoneApp, DWORD dwDeviceID, DWORD dwAPIVersion,
			  DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps)
{
	struct a_call c = { .fill = fill_caps, .app = hPhoneApp, .dev = dwDeviceID,
			    .api_version = dwAPIVersion, .ext_version = dwExtVersion };

	if (!lpPhoneCaps)
		return PHONEERR_INVALPOINTER;
	return widen(&c, lpPhoneCaps, caps_fixed(dwAPIVersion), ot_wide_caps_parts, 10,
		     offsetof(PHONECAPS, dwStringFormat));
}

static LONG fill_status(const struct a_call *c, void *st)
{
	return phoneGetStatusA(c->phone, st);
}

API LONG phoneGetStatusW(HPHONE hPhone, LPPHONESTATUS lpPhoneStatus)
{
	struct a_call c = { .fill = fill_status, .phone = hPhone };
	DWORD version = 0;
	LONG rc;

	if (!lpPhoneStatus)
		return PHONEERR_INVALPOINTER;
	rc = phone_version(hPhone, &version);
	if (rc)
		return rc;
	return widen(&c, lpPhoneStatus,
		     version < 0x00020000 ? offsetof(PHONESTATUS, dwPhoneFeatures)
					  : sizeof(PHONESTATUS),
		     ot_wide_status_parts, 4, -1);
}

static LONG fill_button(const struct a_call *c, void *st)
{
	return phoneGetButtonInfoA(c->phone, c->id, st);
}

static uint32_t button_fixed(DWORD version)
{
	return version < 0x00010004 ? offsetof(PHONEBUTTONINFO, dwButtonState)
				    : sizeof(PHONEBUTTONINFO);
}

API LONG phoneGetButtonInfoW(HPHONE hPhone, DWORD dwButtonLampID, LPPHONEBUTTONINFO lpButtonInfo)
{
	struct a_call c = { .fill = fill_button, .phone = hPhone, .id = dwButtonLampID };
	DWORD version = 0;
	LONG rc;

	if (!lpButtonInfo)
		return PHONEERR_INVALPOINTER;
	rc = phone_version(hPhone, &version);
	if (rc)
		return rc;
	return widen(&c, lpButtonInfo, button_fixed(version), ot_wide_button_parts, 2, -1);
}

API LONG phoneSetButtonInfoW(HPHONE hPhone, DWORD dwButtonLampID,
			     LPPHONEBUTTONINFO const lpButtonInfo)
{
	PHONEBUTTONINFO *a = NULL;
	DWORD version = 0;
	LONG rc;

	if (!lpButtonInfo)
		return phoneSetButtonInfoA(hPhone, dwButtonLampID, NULL);
	rc = phone_version(hPhone, &version);
	if (rc)
		return rc;
	/* A structure too small, or with a part outside it, is the A function's to refuse. */
	if (lpButtonInfo->dwTotalSize < button_fixed(version))
		return phoneSetButtonInfoA(hPhone, dwButtonLampID, lpButtonInfo);
	rc = ot_wide_narrow_button_info(lpButtonInfo, button_fixed(version), &a);
	if (rc == 1)
		return phoneSetButtonInfoA(hPhone, dwButtonLampID, lpButtonInfo);
	if (rc == 0)
		rc = phoneSetButtonInfoA(hPhone, dwButtonLampID, a);
	ot_free(a);
	return rc;
}

static LONG fill_id(const struct a_call *c, void *st)
{
	return phoneGetIDA(c->phone, st, c->cls);
}

API LONG phoneGetIDW(HPHONE hPhone, LPVARSTRING lpDeviceID, LPCWSTR lpszDeviceClass)
{
	struct a_call c = { .fill = fill_id, .phone = hPhone };
	char *cls;
	LONG rc;

	if (!lpDeviceID || !lpszDeviceClass)
		return PHONEERR_INVALPOINTER;
	rc = narrow_class(lpszDeviceClass, &cls);
	if (rc)
		return rc;
	c.cls = cls;
	rc = widen(&c, lpDeviceID, sizeof(VARSTRING), ot_wide_varstring_parts, 1,
		   offsetof(VARSTRING, dwStringFormat));
	ot_free(cls);
	return rc;
}

/* ---- class names only ------------------------------------------------------------------ */

API LONG phoneGetIconW(DWORD dwDeviceID, LPCWSTR lpszDeviceClass, LPHICON lphIcon)
{
	char *cls;
	LONG rc;

	if (!lphIcon)
		return PHONEERR_INVALPOINTER;
	rc = narrow_class(lpszDeviceClass, &cls);
	if (rc == 0)
		rc = phoneGetIconA(dwDeviceID, cls, lphIcon);
	ot_free(cls);
	return rc;
}

API LONG phoneConfigDialogW(DWORD dwDeviceID, HWND hwndOwner, LPCWSTR lpszDeviceClass)
{
	char *cls;
	LONG rc = narrow_class(lpszDeviceClass, &cls);

	if (rc == 0)
		rc = phoneConfigDialogA(dwDeviceID, hwndOwner, cls);
	ot_free(cls);
	return rc;
}
