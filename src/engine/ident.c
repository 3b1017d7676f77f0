/* SPDX-License-Identifier: MIT */
/* ident.c — naming a device to the rest of the system: phoneGetID (device identifiers by class),
 * phoneGetIcon and phoneConfigDialog (which need no open handle), and the version a handle was
 * opened with (for the library's W functions). */
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "internal.h"
#include "utf.h"
#include "varstruct.h"

/* NULL, "" and "tapi/phone" name the phone itself. */
static int is_phone_class(const char *cls)
{
	return !cls || !*cls || strcasecmp(cls, "tapi/phone") == 0;
}

/* The class as UTF-16 for a TSPI function (NULL stays NULL). */
static LONG widen_class(const char *cls, char16_t **out)
{
	int invalid;

	*out = NULL;
	if (!cls)
		return 0;
	*out = ot_utf8_to_utf16_dup(cls, strlen(cls), NULL, &invalid);
	if (!*out)
		return invalid ? PHONEERR_INVALDEVICECLASS : PHONEERR_NOMEM;
	return 0;
}

LONG ot_engine_phone_version(struct ot_engine *e, struct ot_client *c, HPHONE phone,
			     DWORD *api_version)
{
	struct ot_handle *h;

	pthread_mutex_lock(&e->lock);
	h = ot_handle_find(e, c, phone);
	if (h)
		*api_version = h->api_version;
	pthread_mutex_unlock(&e->lock);
	return h ? 0 : PHONEERR_INVALPHONEHANDLE;
}

/* The checks of phoneGetID; *own is set when the engine answers the class itself. */
static LONG check_get_id(const struct ot_device *dev, const char *cls, VARSTRING *id, int *own,
			 char16_t **wide)
{
	*own = 0;
	if (!cls || !id)
		return PHONEERR_INVALPOINTER;
	if (ot_var_begin(id, sizeof(VARSTRING)) < 0)
		return PHONEERR_STRUCTURETOOSMALL;
	if (strcasecmp(cls, "tapi/phone") == 0) {
		*own = 1;
		return 0;
	}
	if (strlen(cls) >= OT_CLASS_MAX || !(cls = ot_caps_find_class(&dev->caps, cls)))
		return PHONEERR_INVALDEVICECLASS;
	if (!dev->prov->phoneGetID)
		return PHONEERR_OPERATIONUNAVAIL;
	return widen_class(cls, wide); /* as the provider spells it */
}

LONG ot_engine_get_id(struct ot_engine *e, struct ot_client *c, HPHONE phone, const char *cls,
		      VARSTRING *id)
{
	char16_t *wide = NULL;
	struct ot_handle *h;
	struct ot_device *dev;
	HDRVPHONE hd;
	int own;
	LONG rc = ot_phone_lock(e, c, phone, &h);

	if (rc)
		return rc;
	dev = h->dev;
	hd = dev->hd;
	rc = check_get_id(dev, cls, id, &own, &wide);
	if (rc == 0 && own) {
		DWORD device = dev->id;

		id->dwStringFormat = STRINGFORMAT_BINARY;
		ot_var_append(id, offsetof(VARSTRING, dwStringSize), &device, sizeof(device));
	}
	pthread_mutex_unlock(&e->lock);
	if (rc == 0 && !own)
		rc = dev->prov->phoneGetID(hd, id, wide, NULL);
	pthread_mutex_unlock(&dev->call_lock);
	ot_free(wide);
	return rc;
}

/* The device of a device ID with its call lock held, or an error. */
static LONG lock_device(struct ot_engine *e, DWORD dev, struct ot_device **out)
{
	LONG rc;

	pthread_mutex_lock(&e->lock);
	rc = ot_device_check(e, dev);
	*out = rc ? NULL : e->devices[dev];
	pthread_mutex_unlock(&e->lock);
	if (rc == 0)
		pthread_mutex_lock(&(*out)->call_lock);
	return rc;
}

/* Copies the provider's icon name (its HICON, a NUL-terminated string on Linux). */
static LONG copy_icon(HICON icon, char *name)
{
	const char *s = icon;
	size_t len = strnlen(s, OT_ICON_NAME_MAX);

	if (len == 0 || len == OT_ICON_NAME_MAX)
		return PHONEERR_OPERATIONFAILED;
	memcpy(name, s, len + 1);
	return 0;
}

LONG ot_engine_get_icon(struct ot_engine *e, DWORD dev, const char *cls, char *name)
{
	int phone_class = is_phone_class(cls);
	char16_t *wide = NULL;
	struct ot_device *d;
	HICON icon = NULL;
	LONG rc;

	if (!phone_class && strlen(cls) >= OT_CLASS_MAX)
		return PHONEERR_INVALDEVICECLASS;
	rc = lock_device(e, dev, &d);
	if (rc)
		return rc;
	rc = d->prov->phoneGetIcon ? widen_class(cls, &wide) : (LONG)PHONEERR_INVALDEVICECLASS;
	if (rc == 0)
		rc = d->prov->phoneGetIcon(dev, wide, &icon);
	if (rc == 0)
		rc = icon ? copy_icon(icon, name) : (LONG)PHONEERR_INVALDEVICECLASS;
	pthread_mutex_unlock(&d->call_lock);
	ot_free(wide);
	/* For the phone itself TAPI substitutes the default icon when the provider has none. */
	if (rc && rc != (LONG)PHONEERR_NOMEM && phone_class) {
		memcpy(name, OT_DEFAULT_ICON, sizeof(OT_DEFAULT_ICON));
		rc = 0;
	}
	return rc;
}

/* What the provider's UI part gets when it asks to talk to its provider part: both are one
 * shared object here, so there is no channel to offer. */
static LONG TSPIAPI ui_callback(DWORD_PTR object_id, DWORD object_type, LPVOID params,
				DWORD size)
{
	(void)object_id;
	(void)object_type;
	(void)params;
	(void)size;
	return PHONEERR_OPERATIONUNAVAIL;
}

LONG ot_engine_config_dialog(struct ot_engine *e, DWORD dev, HWND owner, const char *cls)
{
	char16_t *wide = NULL;
	struct ot_device *d;
	const char *listed = cls;
	LONG rc;

	if (!is_phone_class(cls) && strlen(cls) >= OT_CLASS_MAX)
		return PHONEERR_INVALDEVICECLASS;
	pthread_mutex_lock(&e->lock);
	rc = ot_device_check(e, dev);
	d = rc ? NULL : e->devices[dev];
	if (rc == 0 && !is_phone_class(cls) && !(listed = ot_caps_find_class(&d->caps, cls)))
		rc = PHONEERR_INVALDEVICECLASS;
	else if (rc == 0 && !d->prov->uiPhoneConfigDialog)
		rc = PHONEERR_OPERATIONUNAVAIL;
	if (rc == 0)
		rc = widen_class(listed, &wide); /* as the provider spells it */
	pthread_mutex_unlock(&e->lock);
	/* Not serialised with the device's calls: a dialog may stay open for minutes. */
	if (rc == 0)
		rc = d->prov->uiPhoneConfigDialog(ui_callback, dev, owner, wide);
	ot_free(wide);
	return rc;
}
