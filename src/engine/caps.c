/* SPDX-License-Identifier: MIT */
/* caps.c — what the engine keeps of a device's PHONECAPS to validate requests: data areas,
 * display size, button/lamp count and lamp modes, hookswitch devices and their modes, volume and
 * gain flags, ring modes, features and device classes. Read at bring-up and again after the
 * provider reports PHONESTATE_CAPSCHANGE. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "internal.h"
#include "varstruct.h"

/* Every PHONEFEATURE_ of TAPI 2.2: what a TSPI 1.x provider, which has no dwPhoneFeatures,
 * is taken to offer (its other capabilities still say what exists). */
#define ALL_FEATURES 0x0FFFFFFFu

static uint32_t fixed_size(DWORD version)
{
	if (version < 0x00020000)
		return offsetof(PHONECAPS, dwDeviceClassesSize);
	if (version < 0x00020002)
		return offsetof(PHONECAPS, PermanentPhoneGuid);
	return sizeof(PHONECAPS);
}

/* The part whose Size field is at field, if it lies inside what the provider filled. */
static const char *part(const PHONECAPS *caps, size_t field, DWORD *size)
{
	DWORD len = ot_var_get(caps, field), off = ot_var_get(caps, field + 4);

	if (len == 0 || off > caps->dwUsedSize || caps->dwUsedSize - off < len ||
	    off > caps->dwTotalSize || caps->dwTotalSize - off < len)
		return NULL;
	*size = len;
	return (const char *)caps + off;
}

/* Copies count DWORDs of an array part. strict: a short array is the provider's error;
 * otherwise missing entries are 0. */
static LONG copy_array(const PHONECAPS *caps, size_t field, DWORD count, int strict, DWORD **out)
{
	DWORD size = 0;
	const char *p = part(caps, field, &size);

	*out = NULL;
	if (count == 0)
		return 0;
	if (!p)
		size = 0;
	if (strict && size < count * sizeof(DWORD))
		return PHONEERR_OPERATIONFAILED;
	*out = ot_calloc(count, sizeof(DWORD));
	if (!*out)
		return PHONEERR_NOMEM;
	if (size)
		memcpy(*out, p, size < count * sizeof(DWORD) ? size : count * sizeof(DWORD));
	return 0;
}

static LONG copy_classes(const PHONECAPS *caps, uint32_t fixed, struct ot_caps *c)
{
	DWORD size = 0;
	const char *p = fixed > offsetof(PHONECAPS, dwDeviceClassesOffset)
				? part(caps, offsetof(PHONECAPS, dwDeviceClassesSize), &size)
				: NULL;

	c->classes = ot_calloc(1, (p ? size : 0) + 2);
	if (!c->classes)
		return PHONEERR_NOMEM;
	if (p)
		memcpy(c->classes, p, size);
	c->classes_len = p ? size : 0;
	return 0;
}

static void copy_fields(const PHONECAPS *caps, DWORD version, struct ot_caps *c)
{
	int v2 = version >= 0x00020000;

	c->features = v2 ? caps->dwPhoneFeatures : ALL_FEATURES;
	c->hookswitch_devs = caps->dwHookSwitchDevs & 7u;
	c->modes[0] = caps->dwHandsetHookSwitchModes;
	c->modes[1] = caps->dwSpeakerHookSwitchModes;
	c->modes[2] = caps->dwHeadsetHookSwitchModes;
	c->settable[0] = v2 ? caps->dwSettableHandsetHookSwitchModes : c->modes[0];
	c->settable[1] = v2 ? caps->dwSettableSpeakerHookSwitchModes : c->modes[1];
	c->settable[2] = v2 ? caps->dwSettableHeadsetHookSwitchModes : c->modes[2];
	c->volume_flags = caps->dwVolumeFlags;
	c->gain_flags = caps->dwGainFlags;
	c->rows = caps->dwDisplayNumRows;
	c->columns = caps->dwDisplayNumColumns;
	c->num_ring_modes = caps->dwNumRingModes;
	c->num_lamps = caps->dwNumButtonLamps;
	c->num_set_data = caps->dwNumSetData;
	c->num_get_data = caps->dwNumGetData;
}

static LONG parse(const PHONECAPS *caps, DWORD version, struct ot_caps *c)
{
	LONG rc;

	memset(c, 0, sizeof(*c));
	copy_fields(caps, version, c);
	/* A display needs both dimensions. */
	if (c->rows == 0 || c->columns == 0)
		c->rows = c->columns = 0;
	rc = copy_array(caps, offsetof(PHONECAPS, dwSetDataSize), c->num_set_data, 1,
			&c->set_data_sizes);
	if (rc == 0)
		rc = copy_array(caps, offsetof(PHONECAPS, dwGetDataSize), c->num_get_data, 1,
				&c->get_data_sizes);
	if (rc == 0)
		rc = copy_array(caps, offsetof(PHONECAPS, dwLampModesSize), c->num_lamps, 0,
				&c->lamp_modes);
	if (rc == 0)
		rc = copy_classes(caps, fixed_size(version), c);
	if (rc)
		ot_caps_free(c);
	return rc;
}

/* A phone its provider created has no section to be named after: it takes dwPhoneName (or
 * "phone N" without one). */
static LONG take_name(const PHONECAPS *caps, struct ot_device *d)
{
	DWORD size = caps->dwPhoneNameSize, offset = caps->dwPhoneNameOffset;
	char fallback[32];

	if (size && offset <= caps->dwUsedSize && size <= caps->dwUsedSize - offset) {
		d->name = ot_malloc(size + 1);
		if (d->name) {
			memcpy(d->name, (const char *)caps + offset, size);
			d->name[size] = '\0'; /* the provider's text need not end in a NUL */
		}
	} else {
		snprintf(fallback, sizeof(fallback), "phone %u", (unsigned)d->id);
		d->name = ot_strdup(fallback);
	}
	return d->name ? 0 : PHONEERR_NOMEM;
}

LONG ot_caps_probe(struct ot_device *d, struct ot_caps *out)
{
	DWORD total = 4096;
	PHONECAPS *caps = NULL;
	LONG rc = 0;
	int tries;

	for (tries = 0; tries < 4; tries++) {
		ot_free(caps);
		caps = ot_calloc(1, total);
		if (!caps)
			return PHONEERR_NOMEM;
		caps->dwTotalSize = total;
		ot_var_begin(caps, fixed_size(d->tspi_version));
		rc = d->prov->phoneGetDevCaps(d->id, d->tspi_version, 0, caps);
		if (rc || caps->dwNeededSize <= caps->dwTotalSize)
			break;
		total = caps->dwNeededSize;
	}
	if (rc == 0)
		rc = parse(caps, d->tspi_version, out);
	if (rc == 0 && !d->name)
		rc = take_name(caps, d);
	ot_free(caps);
	return rc;
}

void ot_caps_free(struct ot_caps *c)
{
	ot_free(c->lamp_modes);
	ot_free(c->set_data_sizes);
	ot_free(c->get_data_sizes);
	ot_free(c->classes);
	memset(c, 0, sizeof(*c));
}

int ot_hookswitch_index(DWORD dev)
{
	switch (dev) {
	case PHONEHOOKSWITCHDEV_HANDSET:
		return 0;
	case PHONEHOOKSWITCHDEV_SPEAKER:
		return 1;
	case PHONEHOOKSWITCHDEV_HEADSET:
		return 2;
	default:
		return -1;
	}
}

const char *ot_caps_find_class(const struct ot_caps *c, const char *name)
{
	DWORD i = 0;

	if (!*name)
		return NULL;
	while (i < c->classes_len && c->classes[i]) {
		const char *entry = c->classes + i;
		size_t len = strnlen(entry, c->classes_len - i);

		if (len == strlen(name) && strncasecmp(entry, name, len) == 0)
			return entry;
		i += (DWORD)len + 1;
	}
	return NULL;
}
