/* SPDX-License-Identifier: MIT */
/* setters.c — the asynchronous, owner-only calls on a device's parts: phoneSetDisplay,
 * phoneSetLamp, phoneSetButtonInfo, phoneSetHookSwitch, phoneSetRing, phoneSetVolume and
 * phoneSetGain. Each is checked against the device's capabilities (struct ot_caps) in the order
 * of docs/decisions.md, then recorded and handed to the provider (ot_request_submit). */
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "utf.h"
#include "varcopy.h"

#define SETHOOKSWITCH_ANY                                                                      \
	(PHONEFEATURE_SETHOOKSWITCHHANDSET | PHONEFEATURE_SETHOOKSWITCHSPEAKER |              \
	 PHONEFEATURE_SETHOOKSWITCHHEADSET)
#define SETVOLUME_ANY                                                                          \
	(PHONEFEATURE_SETVOLUMEHANDSET | PHONEFEATURE_SETVOLUMESPEAKER |                       \
	 PHONEFEATURE_SETVOLUMEHEADSET)
#define SETGAIN_ANY                                                                            \
	(PHONEFEATURE_SETGAINHANDSET | PHONEFEATURE_SETGAINSPEAKER | PHONEFEATURE_SETGAINHEADSET)
#define SETTABLE_HOOKSWITCH_MODES                                                              \
	(PHONEHOOKSWITCHMODE_ONHOOK | PHONEHOOKSWITCHMODE_MIC | PHONEHOOKSWITCHMODE_SPEAKER |  \
	 PHONEHOOKSWITCHMODE_MICSPEAKER)
#define MAX_LEVEL 0x0000FFFFu

static const struct ot_var_part button_parts[] = {
	{ offsetof(PHONEBUTTONINFO, dwButtonTextSize), 1 },
	{ offsetof(PHONEBUTTONINFO, dwDevSpecificSize), 0 },
};

/* Resolves an owner's handle: NOTOWNER, or OPERATIONUNAVAIL when the device has none of the
 * features in mask. Returns with the call lock and the engine lock held, or with neither. */
static LONG begin(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD mask,
		  struct ot_handle **h)
{
	LONG rc = ot_phone_lock(e, c, phone, h);

	if (rc)
		return rc;
	if ((*h)->privilege != PHONEPRIVILEGE_OWNER)
		rc = PHONEERR_NOTOWNER;
	else if (!((*h)->dev->caps.features & mask))
		rc = PHONEERR_OPERATIONUNAVAIL;
	if (rc)
		ot_phone_unlock(e, (*h)->dev);
	return rc;
}

static LONG refuse(struct ot_engine *e, struct ot_handle *h, LONG rc)
{
	ot_phone_unlock(e, h->dev);
	return rc;
}

static int one_bit(DWORD v)
{
	return v && !(v & (v - 1));
}

/* ---- display ---------------------------------------------------------------------------- */

static LONG call_set_display(struct ot_device *dev, HDRVPHONE hd, DRV_REQUESTID drv_id,
			     const struct ot_call_args *a)
{
	return dev->prov->phoneSetDisplay(drv_id, hd, a->a, a->b, a->data, a->size);
}

/* The UTF-8 text (up to its first NUL) as NUL-terminated UTF-16 for the provider. */
static LONG widen_display(const char *text, DWORD size, struct ot_call_args *a)
{
	size_t len = text ? strnlen(text, size) : 0, units = 0;
	int invalid;

	a->data = ot_utf8_to_utf16_dup(text ? text : "", len, &units, &invalid);
	if (!a->data)
		return invalid ? PHONEERR_INVALPARAM : PHONEERR_NOMEM;
	a->size = (DWORD)((units + 1) * sizeof(char16_t));
	return 0;
}

LONG ot_engine_set_display(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD row,
			   DWORD column, const char *text, DWORD size)
{
	struct ot_call_args a = { .a = row, .b = column, .release = ot_free_payload };
	struct ot_handle *h;
	const struct ot_caps *caps;
	LONG rc = begin(e, c, phone, PHONEFEATURE_SETDISPLAY, &h);

	if (rc)
		return rc;
	caps = &h->dev->caps;
	if (!h->dev->prov->phoneSetDisplay || caps->rows == 0)
		rc = PHONEERR_OPERATIONUNAVAIL;
	else if (row >= caps->rows || column >= caps->columns || size > OT_DISPLAY_MAX)
		rc = PHONEERR_INVALPARAM;
	else if (!text && size)
		rc = PHONEERR_INVALPOINTER;
	else
		rc = widen_display(text, size, &a);
	if (rc)
		return refuse(e, h, rc);
	return ot_request_submit(e, h, call_set_display, &a);
}

/* ---- lamps and buttons ------------------------------------------------------------------ */

static LONG call_set_lamp(struct ot_device *dev, HDRVPHONE hd, DRV_REQUESTID drv_id,
			  const struct ot_call_args *a)
{
	return dev->prov->phoneSetLamp(drv_id, hd, a->a, a->b);
}

LONG ot_engine_set_lamp(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD id,
			DWORD mode)
{
	struct ot_handle *h;
	const struct ot_caps *caps;
	LONG rc = begin(e, c, phone, PHONEFEATURE_SETLAMP, &h);

	if (rc)
		return rc;
	caps = &h->dev->caps;
	if (!h->dev->prov->phoneSetLamp)
		rc = PHONEERR_OPERATIONUNAVAIL;
	else if (id >= caps->num_lamps)
		rc = PHONEERR_INVALBUTTONLAMPID;
	/* DUMMY and UNKNOWN describe a lamp; nobody can set them. */
	else if (!one_bit(mode) || (mode & (PHONELAMPMODE_DUMMY | PHONELAMPMODE_UNKNOWN)) ||
		 !(mode & caps->lamp_modes[id]))
		rc = PHONEERR_INVALLAMPMODE;
	if (rc)
		return refuse(e, h, rc);
	return ot_request_submit(e, h, call_set_lamp,
				 &(struct ot_call_args){ .a = id, .b = mode,
							 .release = ot_free_payload });
}

static LONG call_set_button_info(struct ot_device *dev, HDRVPHONE hd, DRV_REQUESTID drv_id,
				 const struct ot_call_args *a)
{
	return dev->prov->phoneSetButtonInfo(drv_id, hd, a->a, a->data);
}

/* A compact copy of the caller's PHONEBUTTONINFO in the 1.4 layout. */
static LONG copy_button_info(const PHONEBUTTONINFO *info, DWORD api_version,
			     struct ot_call_args *a)
{
	uint32_t fixed = api_version < 0x00010004 ? offsetof(PHONEBUTTONINFO, dwButtonState)
						  : sizeof(PHONEBUTTONINFO);
	uint32_t total;
	int rc;

	if (!info)
		return PHONEERR_INVALPOINTER;
	total = info->dwTotalSize;
	if (total < fixed)
		return PHONEERR_STRUCTURETOOSMALL;
	rc = ot_var_compact(info, fixed, total, sizeof(PHONEBUTTONINFO), button_parts, 2,
			    OT_VAR_COPY, &a->data, &a->size);
	if (rc == OT_VAR_ENOMEM)
		return PHONEERR_NOMEM;
	if (rc)
		return PHONEERR_STRUCTURETOOSMALL; /* a part outside dwTotalSize */
	((PHONEBUTTONINFO *)a->data)->dwButtonState = 0; /* ignored by phoneSetButtonInfo */
	return 0;
}

LONG ot_engine_set_button_info(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD id,
			       const PHONEBUTTONINFO *info)
{
	struct ot_call_args a = { .a = id, .release = ot_free_payload };
	struct ot_handle *h;
	LONG rc = begin(e, c, phone, PHONEFEATURE_SETBUTTONINFO, &h);

	if (rc)
		return rc;
	if (!h->dev->prov->phoneSetButtonInfo)
		rc = PHONEERR_OPERATIONUNAVAIL;
	else if (id >= h->dev->caps.num_lamps)
		rc = PHONEERR_INVALBUTTONLAMPID;
	else
		rc = copy_button_info(info, h->api_version, &a);
	if (rc)
		return refuse(e, h, rc);
	return ot_request_submit(e, h, call_set_button_info, &a);
}

/* ---- hookswitch ------------------------------------------------------------------------- */

static LONG call_set_hookswitch(struct ot_device *dev, HDRVPHONE hd, DRV_REQUESTID drv_id,
				const struct ot_call_args *a)
{
	return dev->prov->phoneSetHookSwitch(drv_id, hd, a->a, a->b);
}

/* Every device of the mask: present, settable by this phone, and settable to mode. */
static LONG check_hookswitch(const struct ot_caps *caps, DWORD devs, DWORD mode)
{
	int i;

	if (devs == 0 || (devs & ~caps->hookswitch_devs))
		return PHONEERR_INVALHOOKSWITCHDEV;
	for (i = 0; i < 3; i++) {
		DWORD feature = PHONEFEATURE_SETHOOKSWITCHHANDSET << i;

		if ((devs & (1u << i)) && !(caps->features & feature))
			return PHONEERR_OPERATIONUNAVAIL;
	}
	if (!one_bit(mode) || !(mode & SETTABLE_HOOKSWITCH_MODES))
		return PHONEERR_INVALHOOKSWITCHMODE;
	for (i = 0; i < 3; i++)
		if ((devs & (1u << i)) && !(caps->settable[i] & mode))
			return PHONEERR_INVALHOOKSWITCHMODE;
	return 0;
}

LONG ot_engine_set_hookswitch(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD devs,
			      DWORD mode)
{
	struct ot_handle *h;
	LONG rc = begin(e, c, phone, SETHOOKSWITCH_ANY, &h);

	if (rc)
		return rc;
	rc = h->dev->prov->phoneSetHookSwitch ? check_hookswitch(&h->dev->caps, devs, mode)
					      : (LONG)PHONEERR_OPERATIONUNAVAIL;
	if (rc)
		return refuse(e, h, rc);
	return ot_request_submit(e, h, call_set_hookswitch,
				 &(struct ot_call_args){ .a = devs, .b = mode,
							 .release = ot_free_payload });
}

/* ---- ring, volume, gain ----------------------------------------------------------------- */

static LONG call_set_ring(struct ot_device *dev, HDRVPHONE hd, DRV_REQUESTID drv_id,
			  const struct ot_call_args *a)
{
	return dev->prov->phoneSetRing(drv_id, hd, a->a, a->b);
}

LONG ot_engine_set_ring(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD mode,
			DWORD volume)
{
	struct ot_handle *h;
	LONG rc = begin(e, c, phone, PHONEFEATURE_SETRING, &h);

	if (rc)
		return rc;
	if (!h->dev->prov->phoneSetRing)
		rc = PHONEERR_OPERATIONUNAVAIL;
	else if (mode > h->dev->caps.num_ring_modes)
		rc = PHONEERR_INVALRINGMODE;
	if (rc)
		return refuse(e, h, rc);
	if (volume > MAX_LEVEL)
		volume = MAX_LEVEL;
	return ot_request_submit(e, h, call_set_ring,
				 &(struct ot_call_args){ .a = mode, .b = volume,
							 .release = ot_free_payload });
}

static LONG call_set_level(struct ot_device *dev, HDRVPHONE hd, DRV_REQUESTID drv_id,
			   const struct ot_call_args *a)
{
	if (a->c == OT_LEVEL_GAIN)
		return dev->prov->phoneSetGain(drv_id, hd, a->a, a->b);
	return dev->prov->phoneSetVolume(drv_id, hd, a->a, a->b);
}

LONG ot_engine_set_level(struct ot_engine *e, struct ot_client *c, HPHONE phone,
			 enum ot_level kind, DWORD dev, DWORD value)
{
	int gain = kind == OT_LEVEL_GAIN, i = ot_hookswitch_index(dev);
	struct ot_handle *h;
	const struct ot_caps *caps;
	LONG rc = begin(e, c, phone, gain ? SETGAIN_ANY : SETVOLUME_ANY, &h);
	DWORD base = gain ? PHONEFEATURE_SETGAINHANDSET : PHONEFEATURE_SETVOLUMEHANDSET;

	if (rc)
		return rc;
	caps = &h->dev->caps;
	if (gain ? !h->dev->prov->phoneSetGain : !h->dev->prov->phoneSetVolume)
		rc = PHONEERR_OPERATIONUNAVAIL;
	else if (i < 0 || !(dev & caps->hookswitch_devs) ||
		 !(dev & (gain ? caps->gain_flags : caps->volume_flags)))
		rc = PHONEERR_INVALHOOKSWITCHDEV;
	else if (!(caps->features & (base << i)))
		rc = PHONEERR_OPERATIONUNAVAIL;
	if (rc)
		return refuse(e, h, rc);
	if (value > MAX_LEVEL)
		value = MAX_LEVEL;
	return ot_request_submit(e, h, call_set_level,
				 &(struct ot_call_args){ .a = dev, .b = value, .c = (DWORD)kind,
							 .release = ot_free_payload });
}
