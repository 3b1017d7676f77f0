/* SPDX-License-Identifier: MIT */
/* getters.c — the synchronous reads of a device's parts: phoneGetDisplay, phoneGetLamp,
 * phoneGetButtonInfo, phoneGetHookSwitch, phoneGetRing, phoneGetVolume and phoneGetGain. Any
 * privilege may read; the device's capabilities are checked as for the setters, then the
 * provider is called with the call lock held and the engine lock released. */
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "varcopy.h"
#include "varstruct.h"

#define GETHOOKSWITCH_ANY                                                                      \
	(PHONEFEATURE_GETHOOKSWITCHHANDSET | PHONEFEATURE_GETHOOKSWITCHSPEAKER |              \
	 PHONEFEATURE_GETHOOKSWITCHHEADSET)
#define GETVOLUME_ANY                                                                          \
	(PHONEFEATURE_GETVOLUMEHANDSET | PHONEFEATURE_GETVOLUMESPEAKER |                       \
	 PHONEFEATURE_GETVOLUMEHEADSET)
#define GETGAIN_ANY                                                                            \
	(PHONEFEATURE_GETGAINHANDSET | PHONEFEATURE_GETGAINSPEAKER | PHONEFEATURE_GETGAINHEADSET)
/* The most a 1.3 button info is read through at once (see get_button_info_13). */
#define SCRATCH_MAX (1u << 20)

/* Resolves a handle of any privilege: OPERATIONUNAVAIL when the device has none of the features
 * in mask. Returns with both locks held, or with neither. */
static LONG begin(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD mask,
		  struct ot_handle **h)
{
	LONG rc = ot_phone_lock(e, c, phone, h);

	if (rc == 0 && !((*h)->dev->caps.features & mask)) {
		ot_phone_unlock(e, (*h)->dev);
		rc = PHONEERR_OPERATIONUNAVAIL;
	}
	return rc;
}

/* After the checks: releases the engine lock and keeps the call lock for the provider call. */
static HDRVPHONE to_provider(struct ot_engine *e, struct ot_device *dev)
{
	HDRVPHONE hd = dev->hd;

	pthread_mutex_unlock(&e->lock);
	return hd;
}

LONG ot_engine_get_display(struct ot_engine *e, struct ot_client *c, HPHONE phone,
			   VARSTRING *display)
{
	struct ot_handle *h;
	struct ot_device *dev;
	HDRVPHONE hd;
	LONG rc = begin(e, c, phone, PHONEFEATURE_GETDISPLAY, &h);

	if (rc)
		return rc;
	dev = h->dev;
	if (!dev->prov->phoneGetDisplay || dev->caps.rows == 0)
		rc = PHONEERR_OPERATIONUNAVAIL;
	else if (!display)
		rc = PHONEERR_INVALPOINTER;
	else if (ot_var_begin(display, sizeof(VARSTRING)) < 0)
		rc = PHONEERR_STRUCTURETOOSMALL;
	hd = to_provider(e, dev);
	if (rc == 0)
		rc = dev->prov->phoneGetDisplay(hd, display);
	pthread_mutex_unlock(&dev->call_lock);
	return rc;
}

LONG ot_engine_get_lamp(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD id,
			DWORD *mode)
{
	struct ot_handle *h;
	struct ot_device *dev;
	HDRVPHONE hd;
	LONG rc = begin(e, c, phone, PHONEFEATURE_GETLAMP, &h);

	if (rc)
		return rc;
	dev = h->dev;
	if (!dev->prov->phoneGetLamp)
		rc = PHONEERR_OPERATIONUNAVAIL;
	else if (id >= dev->caps.num_lamps)
		rc = PHONEERR_INVALBUTTONLAMPID;
	else if (!mode)
		rc = PHONEERR_INVALPOINTER;
	hd = to_provider(e, dev);
	if (rc == 0)
		rc = dev->prov->phoneGetLamp(hd, id, mode);
	pthread_mutex_unlock(&dev->call_lock);
	return rc;
}

static const struct ot_var_part button_parts[] = {
	{ offsetof(PHONEBUTTONINFO, dwButtonTextSize), 1 },
	{ offsetof(PHONEBUTTONINFO, dwDevSpecificSize), 0 },
};

/* A TAPI 1.3 handle has no dwButtonState: the provider fills a 1.4 structure with as much room
 * for the variable parts, which is then copied into the 36-byte layout. */
static LONG get_button_info_13(struct ot_device *dev, HDRVPHONE hd, DWORD id,
			       PHONEBUTTONINFO *info, PHONEBUTTONINFO *scratch)
{
	LONG rc = dev->prov->phoneGetButtonInfo(hd, id, scratch);
	uint32_t used = scratch->dwUsedSize < scratch->dwTotalSize ? scratch->dwUsedSize
								   : scratch->dwTotalSize;

	if (rc == 0 && ot_var_repack(info, offsetof(PHONEBUTTONINFO, dwButtonState), scratch,
				     sizeof(*scratch), used, button_parts, 2, OT_VAR_COPY) != 0)
		rc = PHONEERR_OPERATIONFAILED;
	/* What the provider needed beyond what fitted, the caller needs too. */
	if (rc == 0 && scratch->dwNeededSize > scratch->dwUsedSize)
		info->dwNeededSize += scratch->dwNeededSize - scratch->dwUsedSize;
	return rc;
}

/* The scratch structure of a 1.3 handle, under the engine lock (so NOMEM is answered early). */
static LONG make_scratch(const PHONEBUTTONINFO *info, PHONEBUTTONINFO **out)
{
	uint32_t total = info->dwTotalSize < SCRATCH_MAX ? info->dwTotalSize : SCRATCH_MAX;

	*out = ot_calloc(1, total + 4u);
	if (!*out)
		return PHONEERR_NOMEM;
	(*out)->dwTotalSize = total + 4u;
	ot_var_begin(*out, sizeof(PHONEBUTTONINFO));
	return 0;
}

LONG ot_engine_get_button_info(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD id,
			       PHONEBUTTONINFO *info)
{
	PHONEBUTTONINFO *scratch = NULL;
	struct ot_handle *h;
	struct ot_device *dev;
	uint32_t fixed;
	HDRVPHONE hd;
	LONG rc = begin(e, c, phone, PHONEFEATURE_GETBUTTONINFO, &h);

	if (rc)
		return rc;
	dev = h->dev;
	fixed = h->api_version < 0x00010004 ? offsetof(PHONEBUTTONINFO, dwButtonState)
					    : sizeof(PHONEBUTTONINFO);
	if (!dev->prov->phoneGetButtonInfo)
		rc = PHONEERR_OPERATIONUNAVAIL;
	else if (id >= dev->caps.num_lamps)
		rc = PHONEERR_INVALBUTTONLAMPID;
	else if (!info)
		rc = PHONEERR_INVALPOINTER;
	else if (ot_var_begin(info, fixed) < 0)
		rc = PHONEERR_STRUCTURETOOSMALL;
	else if (fixed < sizeof(PHONEBUTTONINFO))
		rc = make_scratch(info, &scratch);
	hd = to_provider(e, dev);
	if (rc == 0 && scratch)
		rc = get_button_info_13(dev, hd, id, info, scratch);
	else if (rc == 0)
		rc = dev->prov->phoneGetButtonInfo(hd, id, info);
	pthread_mutex_unlock(&dev->call_lock);
	ot_free(scratch);
	return rc;
}

LONG ot_engine_get_hookswitch(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD *devs)
{
	struct ot_handle *h;
	struct ot_device *dev;
	HDRVPHONE hd;
	LONG rc = begin(e, c, phone, GETHOOKSWITCH_ANY, &h);

	if (rc)
		return rc;
	dev = h->dev;
	if (!dev->prov->phoneGetHookSwitch)
		rc = PHONEERR_OPERATIONUNAVAIL;
	else if (!devs)
		rc = PHONEERR_INVALPOINTER;
	hd = to_provider(e, dev);
	if (rc == 0)
		rc = dev->prov->phoneGetHookSwitch(hd, devs);
	pthread_mutex_unlock(&dev->call_lock);
	return rc;
}

LONG ot_engine_get_ring(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD *mode,
			DWORD *volume)
{
	struct ot_handle *h;
	struct ot_device *dev;
	HDRVPHONE hd;
	LONG rc = begin(e, c, phone, PHONEFEATURE_GETRING, &h);

	if (rc)
		return rc;
	dev = h->dev;
	if (!dev->prov->phoneGetRing)
		rc = PHONEERR_OPERATIONUNAVAIL;
	else if (!mode || !volume)
		rc = PHONEERR_INVALPOINTER;
	hd = to_provider(e, dev);
	if (rc == 0)
		rc = dev->prov->phoneGetRing(hd, mode, volume);
	pthread_mutex_unlock(&dev->call_lock);
	return rc;
}

/* The checks of phoneGetVolume / phoneGetGain after the feature mask. Engine lock held. */
static LONG check_level(const struct ot_device *dev, int gain, DWORD hsdev, const DWORD *value)
{
	const struct ot_caps *caps = &dev->caps;
	DWORD base = gain ? PHONEFEATURE_GETGAINHANDSET : PHONEFEATURE_GETVOLUMEHANDSET;
	int i = ot_hookswitch_index(hsdev);

	if (gain ? !dev->prov->phoneGetGain : !dev->prov->phoneGetVolume)
		return PHONEERR_OPERATIONUNAVAIL;
	if (i < 0 || !(hsdev & caps->hookswitch_devs) ||
	    !(hsdev & (gain ? caps->gain_flags : caps->volume_flags)))
		return PHONEERR_INVALHOOKSWITCHDEV;
	if (!(caps->features & (base << i)))
		return PHONEERR_OPERATIONUNAVAIL;
	return value ? 0 : PHONEERR_INVALPOINTER;
}

LONG ot_engine_get_level(struct ot_engine *e, struct ot_client *c, HPHONE phone,
			 enum ot_level kind, DWORD dev_bit, DWORD *value)
{
	int gain = kind == OT_LEVEL_GAIN;
	struct ot_handle *h;
	struct ot_device *dev;
	HDRVPHONE hd;
	LONG rc = begin(e, c, phone, gain ? GETGAIN_ANY : GETVOLUME_ANY, &h);

	if (rc)
		return rc;
	dev = h->dev;
	rc = check_level(dev, gain, dev_bit, value);
	hd = to_provider(e, dev);
	if (rc == 0)
		rc = gain ? dev->prov->phoneGetGain(hd, dev_bit, value)
			  : dev->prov->phoneGetVolume(hd, dev_bit, value);
	pthread_mutex_unlock(&dev->call_lock);
	return rc;
}
