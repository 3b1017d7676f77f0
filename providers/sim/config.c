/* SPDX-License-Identifier: MIT */
/* config.c — one sim phone's configuration.
 *
 * Owns: the phone's settings (data_areas, durable and the device keys, which device.c parses)
 * and its description for PHONECAPS (otsp_caps). The kit owns the rest of the configuration:
 * the phone table, names, identities, phones added while running.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim.h"

static const uint32_t default_areas[] = { 256, 4096, 65536, 16777216 };

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* "256, 4096" → sizes. Returns 0, or -1 with why in err. */
static int parse_areas(const char *v, struct sim_phone *caps, char *why, size_t whylen)
{
	const char *p = v;
	size_t n = strlen(v);

	trim(&p, &n);
	caps->num_areas = 0;
	if (n == 0)
		return 0;
	for (;;) {
		const char *comma = memchr(p, ',', n);
		size_t len = comma ? (size_t)(comma - p) : n;
		const char *t = p;
		size_t tl = len, i;
		uint64_t size = 0;

		trim(&t, &tl);
		if (tl == 0) {
			snprintf(why, whylen, "empty size in the list");
			return -1;
		}
		for (i = 0; i < tl; i++) {
			if (t[i] < '0' || t[i] > '9' || size > SIM_STORE_MAX_AREA_SIZE) {
				snprintf(why, whylen,
					 "'%.*s' is not a size in bytes (a decimal number, 1 to %u)",
					 (int)(tl > 40 ? 40 : tl), t, SIM_STORE_MAX_AREA_SIZE);
				return -1;
			}
			size = size * 10 + (uint64_t)(t[i] - '0');
		}
		if (size < 1 || size > SIM_STORE_MAX_AREA_SIZE) {
			snprintf(why, whylen, "size %.*s is out of range (1 to %u bytes)",
				 (int)(tl > 40 ? 40 : tl), t, SIM_STORE_MAX_AREA_SIZE);
			return -1;
		}
		if (caps->num_areas == SIM_STORE_MAX_AREAS) {
			snprintf(why, whylen, "more than %u data areas", SIM_STORE_MAX_AREAS);
			return -1;
		}
		caps->area_sizes[caps->num_areas++] = (uint32_t)size;
		if (!comma)
			return 0;
		n -= len + 1;
		p = comma + 1;
	}
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "1" }, *const no[] = { "no", "false", "0" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* The phone's section: data_areas, durable and the device keys (device.c). */
static LONG parse_phone(struct sim_phone *ph, const OTSPIPHONECONFIG *cfg, char *err,
			size_t errlen)
{
	struct sim_device_settings dev_keys;
	struct sim_device_setting *dk;
	char why[160];
	DWORD i, j;
	int r;

	memset(&dev_keys, 0, sizeof(dev_keys));

	ph->durable = 1;
	ph->num_areas = sizeof(default_areas) / sizeof(default_areas[0]);
	memcpy(ph->area_sizes, default_areas, sizeof(default_areas));

	for (i = 0; i < cfg->dwNumSettings; i++) {
		const OTSPISETTING *s = &cfg->lpSettings[i];
		const char *key = s->lpszKey ? s->lpszKey : "";
		const char *val = s->lpszValue ? s->lpszValue : "";

		for (j = 0; j < i; j++) {
			if (cfg->lpSettings[j].lpszKey && !strcmp(cfg->lpSettings[j].lpszKey, key)) {
				snprintf(err, errlen, "line %u: key '%s': given twice (first on line %u)",
					 (unsigned)s->dwLine, key, (unsigned)cfg->lpSettings[j].dwLine);
				return PHONEERR_INIFILECORRUPT;
			}
		}
		if (!strcmp(key, "data_areas")) {
			if (parse_areas(val, ph, why, sizeof(why)) < 0) {
				snprintf(err, errlen, "line %u: key '%s': %s", (unsigned)s->dwLine, key,
					 why);
				return PHONEERR_INIFILECORRUPT;
			}
		} else if (!strcmp(key, "durable")) {
			if (parse_bool(val, &ph->durable) < 0) {
				snprintf(err, errlen,
					 "line %u: key '%s': '%.40s' is not one of yes, no, true, false, "
					 "1, 0",
					 (unsigned)s->dwLine, key, val);
				return PHONEERR_INIFILECORRUPT;
			}
		} else if ((dk = sim_device_setting_of(&dev_keys, key)) != NULL) {
			dk->value = val;
			dk->line = (unsigned)s->dwLine;
		} else {
			snprintf(err, errlen,
				 "line %u: key '%.60s': not a setting of sim phones (they take "
				 "data_areas, durable, display, buttons, lamps, hookswitch, volume, gain "
				 "and ring_modes)",
				 (unsigned)s->dwLine, key);
			return PHONEERR_INIFILECORRUPT;
		}
	}
	r = sim_device_configure(&ph->dev, &dev_keys, err, errlen);
	if (r == -ENOMEM)
		return PHONEERR_NOMEM;
	if (r < 0)
		return PHONEERR_INIFILECORRUPT;
	return 0;
}

/* What the phone is, for PHONECAPS. A hookswitch mode that is not monitored reads as UNKNOWN:
 * the device can report that too. */
static LONG describe(struct sim_phone *ph)
{
	const struct sim_device *d = &ph->dev;
	DWORD modes[SIM_MAX_BUTTONS], functions[SIM_MAX_BUTTONS];
	char info[160];
	struct otsp_caps c = {
		.info = info,
		.phone_states = sim_device_states(d, SIM_TSPI_HIGH),
		.features = sim_device_features(d, ph->num_areas > 0),
		.hook_devs = d->hook_devs,
		.volume_devs = d->volume_devs,
		.gain_devs = d->gain_devs,
		.display_rows = d->rows,
		.display_columns = d->cols,
		.ring_modes = d->ring_modes,
		.num_buttons = d->num_buttons,
		.button_modes = modes,
		.button_functions = functions,
		.lamp_modes = d->lamp_modes,
		.num_set_data = ph->num_areas,
		.num_get_data = ph->num_areas,
		.set_data_sizes = ph->area_sizes,
		.get_data_sizes = ph->area_sizes,
	};
	uint32_t i;

	for (i = 0; i < SIM_NUM_HOOK; i++) {
		uint32_t unknown = d->hook_monitored[i] != d->hook_modes[i]
					   ? PHONEHOOKSWITCHMODE_UNKNOWN
					   : 0;

		c.hook_modes[i] = d->hook_modes[i] | unknown;
		c.hook_settable[i] = d->hook_settable[i];
		c.hook_monitored[i] = d->hook_monitored[i] | unknown;
	}
	for (i = 0; i < d->num_buttons; i++) {
		modes[i] = d->buttons[i].mode;
		functions[i] = d->buttons[i].function;
	}
	snprintf(info, sizeof(info),
		 "Simulated phone; data areas: %u; durable: %s; display: %ux%u; buttons: %u; "
		 "ring modes: %u",
		 ph->num_areas, ph->durable ? "yes" : "no", d->rows, d->cols, d->num_buttons,
		 d->ring_modes);
	return otsp_phone_set_caps(ph->kp, &c);
}

LONG sim_configure(struct otsp_phone *kp, const OTSPIPHONECONFIG *cfg, char *err, size_t errlen)
{
	struct sim_phone *ph = sim_of(kp);
	LONG r;

	ph->kp = kp;
	ph->name = otsp_phone_name(kp);
	r = parse_phone(ph, cfg, err, errlen);
	if (r == 0 && describe(ph) != 0)
		r = PHONEERR_NOMEM;
	if (r == (LONG)PHONEERR_NOMEM && !err[0])
		snprintf(err, errlen, "out of memory");
	/* A durable phone's requests are committed by the kit's workers; the others complete
	 * inside their call (the fast path: a memcpy or a few stores). */
	otsp_phone_set_inline(kp, !ph->durable);
	return r;
}

void sim_destroy(struct otsp_phone *kp)
{
	sim_device_free(&sim_of(kp)->dev);
}
