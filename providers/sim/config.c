/* SPDX-License-Identifier: MIT */
/* config.c — the configuration of the sim provider's phones.
 *
 * Owns: OTSPI_providerConfigure (the phones' sections: data_areas, durable and the device keys,
 * which device.c parses), TSPI_providerCreatePhoneDevice (a phone added while the provider
 * runs), the phones' names, permanent IDs and GUIDs, and freeing the configuration.
 * Must not: touch a phone that is open (a phone of the same name is replaced only when closed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "log.h"
#include "sim.h"

static const uint32_t default_areas[] = { 256, 4096, 65536, 16777216 };

static uint32_t fnv1a32(const char *s)
{
	uint32_t h = 0x811c9dc5u;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x01000193u;
	}
	return h;
}

static uint64_t fnv1a64(const char *s, uint64_t h)
{
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* A name-based GUID (RFC 9562 version 8 layout): the same name gives the same GUID anywhere. */
static void name_guid(const char *name, GUID *g)
{
	uint64_t a = fnv1a64(name, fnv1a64("opentapi/sim/a", 0xcbf29ce484222325ull));
	uint64_t b = fnv1a64(name, fnv1a64("opentapi/sim/b", 0xcbf29ce484222325ull));
	int i;

	g->Data1 = (uint32_t)a;
	g->Data2 = (uint16_t)(a >> 32);
	g->Data3 = (uint16_t)(((a >> 48) & 0x0fff) | 0x8000);
	g->Data4[0] = (uint8_t)((b & 0x3f) | 0x80);
	for (i = 1; i < 8; i++)
		g->Data4[i] = (uint8_t)(b >> (8 * i));
}

/* ---- configuration ------------------------------------------------------------------------ */

static void free_phone(struct sim_phone *ph)
{
	if (!ph)
		return;
	ot_free(ph->name);
	sim_device_free(&ph->dev);
	ot_free(ph);
}

static void free_phones(struct sim_phone **phs, DWORD n)
{
	DWORD i;

	for (i = 0; i < n; i++)
		free_phone(phs[i]);
	ot_free(phs);
}

/* Pending phones that never got their TSPI_providerCreatePhoneDevice. sim_prov.lock held. */
static void drop_pending(void)
{
	free_phones(sim_prov.pending, sim_prov.num_pending);
	sim_prov.pending = NULL;
	sim_prov.num_pending = 0;
}

void sim_free_config(void)
{
	DWORD i;

	drop_pending();
	for (i = 0; i < sim_phone_count(); i++)
		free_phone(sim_phone_at(i));
	ot_ptrtable_free(&sim_prov.phones);
	ot_free(sim_prov.state_dir);
	sim_prov.state_dir = NULL;
	sim_prov.configured = 0;
}

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
static int parse_areas(const char *v, struct sim_caps *caps, char *why, size_t whylen)
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

static LONG configure_phone(struct sim_phone *ph, const OTSPIPHONECONFIG *cfg, char *err,
			    size_t errlen)
{
	struct sim_device_settings dev_keys;
	struct sim_device_setting *dk;
	char why[160];
	DWORD i, j;
	int r;

	memset(&dev_keys, 0, sizeof(dev_keys));

	ph->device_id = cfg->dwDeviceID;
	ph->durable = 1;
	ph->caps.num_areas = sizeof(default_areas) / sizeof(default_areas[0]);
	memcpy(ph->caps.area_sizes, default_areas, sizeof(default_areas));

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
			if (parse_areas(val, &ph->caps, why, sizeof(why)) < 0) {
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

	ph->name = ot_strdup(cfg->lpszName ? cfg->lpszName : "");
	if (!ph->name) {
		snprintf(err, errlen, "out of memory");
		return PHONEERR_NOMEM;
	}
	ph->caps.permanent_id = fnv1a32(ph->name);
	name_guid(ph->name, &ph->caps.guid);
	return 0;
}

/* A phone from its section, allocated and checked. Returns 0 with *out, or the error (message in
 * err). */
static LONG new_phone(const OTSPIPHONECONFIG *cfg, struct sim_phone **out, char *err,
		      size_t errlen)
{
	struct sim_phone *ph = ot_calloc(1, sizeof(*ph));
	LONG r;

	if (!ph) {
		snprintf(err, errlen, "out of memory");
		return PHONEERR_NOMEM;
	}
	r = configure_phone(ph, cfg, err, errlen);
	if (r != 0) {
		free_phone(ph);
		return r;
	}
	*out = ph;
	return 0;
}

/* The rules for one more phone, against the n before it in this configure and the phones the
 * provider has: a device ID no phone ever had, and a name of its own in this configure. A phone
 * the provider already has under that name must be closed: the new one takes its place (see
 * TSPI_providerCreatePhoneDevice). sim_prov.lock held. */
static LONG check_new(const struct sim_phone *ph, struct sim_phone *const *batch, DWORD n,
		      char *err, size_t errlen)
{
	DWORD j;

	for (j = 0; j < n; j++) {
		if (batch[j]->device_id == ph->device_id) {
			snprintf(err, errlen, "phone '%.80s': device ID %u is used twice", ph->name,
				 (unsigned)ph->device_id);
			return PHONEERR_INIFILECORRUPT;
		}
		if (!strcmp(batch[j]->name, ph->name)) {
			snprintf(err, errlen, "phone '%.80s': two phones have this name", ph->name);
			return PHONEERR_INIFILECORRUPT;
		}
	}
	for (j = 0; j < sim_phone_count(); j++) {
		const struct sim_phone *o = sim_phone_at(j);

		if (o->device_id == ph->device_id) {
			snprintf(err, errlen, "phone '%.80s': device ID %u is taken (phone '%.80s')",
				 ph->name, (unsigned)ph->device_id, o->name);
			return PHONEERR_INIFILECORRUPT;
		}
		if (!o->removed && (o->open || o->opening) && !strcmp(o->name, ph->name)) {
			snprintf(err, errlen,
				 "phone '%.80s': a phone of this name is open (device ID %u)",
				 ph->name, (unsigned)o->device_id);
			return PHONEERR_INIFILECORRUPT;
		}
	}
	return 0;
}

/* Before TSPI_providerInit: the provider's phones, replacing any earlier configuration. While
 * initialised: phones being added, which wait for their TSPI_providerCreatePhoneDevice; the
 * running phones, the provider ID and the state directory stay as they are, and phones of an
 * earlier such call that were never created are dropped. */
SIM_EXPORT LONG TSPIAPI OTSPI_providerConfigure(DWORD dwPermanentProviderID, LPCSTR lpszStateDir,
						const OTSPIPHONECONFIG *lpPhones, DWORD dwNumPhones,
						LPSTR lpszError, DWORD dwErrorSize)
{
	char scratch[2];
	char *err = lpszError && dwErrorSize ? lpszError : scratch;
	size_t errlen = lpszError && dwErrorSize ? dwErrorSize : sizeof(scratch);
	struct sim_phone **batch = NULL;
	DWORD i;
	int running;
	LONG r;

	err[0] = '\0';
	pthread_mutex_lock(&sim_prov.lock);
	running = sim_prov.initialised;
	if (running)
		drop_pending();
	else
		sim_free_config();
	if (dwNumPhones && !lpPhones) {
		pthread_mutex_unlock(&sim_prov.lock);
		snprintf(err, errlen, "no phone list");
		return PHONEERR_OPERATIONFAILED;
	}
	if (!running) {
		sim_prov.provider_id = dwPermanentProviderID;
		if (lpszStateDir && !(sim_prov.state_dir = ot_strdup(lpszStateDir)))
			goto nomem;
	}
	if (!(batch = ot_calloc(dwNumPhones ? dwNumPhones : 1, sizeof(*batch))))
		goto nomem;
	for (i = 0; i < dwNumPhones; i++) {
		r = new_phone(&lpPhones[i], &batch[i], err, errlen);
		if (r == 0)
			r = check_new(batch[i], batch, i, err, errlen);
		if (r != 0)
			goto fail;
	}
	/* Room for all of them now, so that adding one later needs no memory. */
	if (sim_phones_reserve(dwNumPhones) < 0)
		goto nomem;
	if (running && dwNumPhones) {
		sim_prov.pending = batch;
		sim_prov.num_pending = dwNumPhones;
	} else {
		for (i = 0; i < dwNumPhones; i++)
			sim_phones_append(batch[i]);
		ot_free(batch);
		sim_prov.configured = 1;
	}
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;

nomem:
	snprintf(err, errlen, "out of memory");
	r = PHONEERR_NOMEM;
fail:
	if (batch)
		free_phones(batch, dwNumPhones);
	if (!running)
		sim_free_config();
	pthread_mutex_unlock(&sim_prov.lock);
	return r;
}

/* After an OTSPI_providerConfigure while initialised: the phone configured with device ID
 * dwTempID starts to exist as dwDeviceID (the engine passes the same ID twice). A phone of the
 * same name that the provider had is replaced: it answers PHONEERR_NODEVICE from now on. */
SIM_EXPORT LONG TSPIAPI TSPI_providerCreatePhoneDevice(DWORD_PTR dwTempID, DWORD dwDeviceID)
{
	struct sim_phone *ph = NULL, *old = NULL;
	DWORD i, k;

	pthread_mutex_lock(&sim_prov.lock);
	for (k = 0; k < sim_prov.num_pending && !ph; k++)
		if ((DWORD_PTR)sim_prov.pending[k]->device_id == dwTempID)
			ph = sim_prov.pending[k];
	for (i = 0; ph && i < sim_phone_count(); i++) {
		struct sim_phone *o = sim_phone_at(i);

		if (o->device_id == dwDeviceID) {
			ph = NULL; /* the engine never gives an ID twice */
		} else if (!o->removed && !strcmp(o->name, ph->name)) {
			old = o;
		}
	}
	if (!ph) {
		pthread_mutex_unlock(&sim_prov.lock);
		return PHONEERR_BADDEVICEID;
	}
	if (old && (old->open || old->opening)) {
		pthread_mutex_unlock(&sim_prov.lock);
		ot_log(OT_LOG_WARN, "sim", "phone '%s': not added: the phone of this name (device %u) "
		       "is open", ph->name, (unsigned)old->device_id);
		return PHONEERR_OPERATIONFAILED;
	}
	if (sim_phones_reserve(1) < 0) { /* the configure made room: this does not fail */
		pthread_mutex_unlock(&sim_prov.lock);
		return PHONEERR_NOMEM;
	}
	if (old)
		old->removed = 1;
	ph->device_id = dwDeviceID;
	sim_phones_append(ph);
	sim_prov.pending[k - 1] = sim_prov.pending[--sim_prov.num_pending];
	if (!sim_prov.num_pending)
		drop_pending();
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}

/* The .so may be unloaded after a configure that was never followed by init. */
__attribute__((destructor)) static void sim_unload(void)
{
	if (!sim_prov.initialised)
		sim_free_config();
}
