/* SPDX-License-Identifier: MIT */
/* engine.c — bringing the engine up from a configuration, and tearing it down.
 *
 * Bring-up follows the TSPI lifecycle: per provider OTSPI_providerConfigure (our extension: its
 * phones and their settings), TSPI_lineNegotiateTSPIVersion, TSPI_providerEnumDevices,
 * TSPI_providerInit; then per phone TSPI_phoneNegotiateTSPIVersion and TSPI_phoneGetDevCaps, whose
 * capabilities the engine keeps to validate requests before a provider sees them (caps.c).
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "log.h"

struct ot_engine *ot_engine_current;

DWORD ot_engine_num_devices(struct ot_engine *e)
{
	return e->num_devices;
}

/* Keys of a [phone] section that the engine keeps for itself. */
static int is_engine_key(const char *key)
{
	return !strcmp(key, "owners");
}

/* Hands one provider some of its phones (OTSPI_providerConfigure): those of devs. */
static LONG configure_provider(struct ot_provider *p, const struct ot_config *cfg,
			       struct ot_device *const *devs, size_t n, const char *state_dir,
			       char *err, size_t errlen)
{
	OTSPIPHONECONFIG *phones = ot_calloc(n ? n : 1, sizeof(*phones));
	OTSPISETTING *settings;
	size_t i, k, total = 0;
	char msg[512] = "";
	LONG rc;

	for (i = 0; i < n; i++)
		total += cfg->phones[devs[i]->cfg_index].n_settings;
	settings = ot_calloc(total ? total : 1, sizeof(*settings));
	if (!phones || !settings) {
		ot_free(phones);
		ot_free(settings);
		return PHONEERR_NOMEM;
	}
	total = 0;
	for (i = 0; i < n; i++) {
		const struct ot_phone_config *pc = &cfg->phones[devs[i]->cfg_index];

		phones[i] = (OTSPIPHONECONFIG){ devs[i]->id, pc->name, settings + total, 0, cfg->path };
		for (k = 0; k < pc->n_settings; k++) {
			if (is_engine_key(pc->settings[k].key))
				continue;
			settings[total++] = (OTSPISETTING){ pc->settings[k].key, pc->settings[k].value,
							    pc->settings[k].line };
			phones[i].dwNumSettings++;
		}
	}
	rc = p->providerConfigure(p->permanent_id, state_dir, phones, (DWORD)n, msg, sizeof(msg));
	if (rc)
		snprintf(err, errlen, "%s: provider '%s': %s", cfg->path ? cfg->path : "built-in config",
			 p->name, msg[0] ? msg : "configuration refused");
	ot_free(phones);
	ot_free(settings);
	return rc ? PHONEERR_INIFILECORRUPT : 0;
}

/* The [provider "NAME"] section of p, if the configuration has one (OTSPI_providerSetOptions). */
static LONG set_provider_options(struct ot_provider *p, const struct ot_config *cfg, char *err,
				 size_t errlen)
{
	const char *path = cfg->path ? cfg->path : "(config)";
	const struct ot_phone_config *sec = NULL;
	OTSPISETTING *settings;
	char msg[512] = "";
	size_t i;
	LONG rc;

	for (i = 0; i < cfg->n_providers && !sec; i++)
		if (!strcmp(cfg->providers[i].name, p->name))
			sec = &cfg->providers[i];
	if (!sec)
		return 0;
	if (!p->providerSetOptions) {
		snprintf(err, errlen, "%s:%u: section 'provider \"%s\"': this provider takes no settings",
			 path, sec->line, p->name);
		return PHONEERR_INIFILECORRUPT;
	}
	settings = ot_calloc(sec->n_settings ? sec->n_settings : 1, sizeof(*settings));
	if (!settings)
		return PHONEERR_NOMEM;
	for (i = 0; i < sec->n_settings; i++)
		settings[i] = (OTSPISETTING){ sec->settings[i].key, sec->settings[i].value,
					      sec->settings[i].line };
	rc = p->providerSetOptions(p->permanent_id, settings, (DWORD)sec->n_settings, cfg->path, msg,
				   sizeof(msg));
	ot_free(settings);
	if (rc)
		snprintf(err, errlen, "%s: provider '%s': %s", path, p->name,
			 msg[0] ? msg : "settings refused");
	return rc ? PHONEERR_INIFILECORRUPT : 0;
}

/* A [provider "NAME"] section that no phone uses is a mistake worth hearing about. */
static LONG check_provider_sections(const struct ot_config *cfg, char *err, size_t errlen)
{
	size_t i, k;

	for (i = 0; i < cfg->n_providers; i++) {
		for (k = 0; k < cfg->n_phones; k++)
			if (!strcmp(cfg->phones[k].provider, cfg->providers[i].name))
				break;
		if (k == cfg->n_phones) {
			snprintf(err, errlen, "%s:%u: section 'provider \"%s\"': no phone uses this provider",
				 cfg->path ? cfg->path : "(config)", cfg->providers[i].line,
				 cfg->providers[i].name);
			return PHONEERR_INIFILECORRUPT;
		}
	}
	return 0;
}

static LONG init_provider(struct ot_provider *p, DWORD first_device, DWORD num_phones, char *err,
			  size_t errlen)
{
	DWORD lines = 0, phones = 0, options = 0, version = OT_API_VERSION_HIGH;
	LONG rc;

	if (p->lineNegotiateTSPIVersion &&
	    p->lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, OT_API_VERSION_LOW,
					OT_API_VERSION_HIGH, &version))
		version = OT_API_VERSION_HIGH;
	p->tspi_version = version;
	rc = p->providerEnumDevices(p->permanent_id, &lines, &phones, (HPROVIDER)p, NULL,
				    ot_on_phone_event);
	if (rc == 0 && phones != num_phones) {
		snprintf(err, errlen, "provider '%s' reports %u phones, %u configured", p->name,
			 (unsigned)phones, (unsigned)num_phones);
		return PHONEERR_NODRIVER;
	}
	if (rc == 0)
		rc = p->providerInit(version, p->permanent_id, 0, first_device, 0, num_phones,
				     ot_on_completion, &options);
	if (rc) {
		snprintf(err, errlen, "provider '%s': initialisation failed (0x%08X)", p->name,
			 (unsigned)rc);
		return PHONEERR_NODRIVER;
	}
	p->initialized = 1;
	return 0;
}

/* Learns a phone's TSPI version and the capabilities the engine validates requests against. */
static LONG probe_device(struct ot_device *d, char *err, size_t errlen)
{
	LONG rc = d->prov->phoneNegotiateTSPIVersion(d->id, OT_API_VERSION_LOW, OT_API_VERSION_HIGH,
						     &d->tspi_version);

	if (rc == 0)
		rc = ot_caps_probe(d, &d->caps);
	if (rc)
		snprintf(err, errlen, "phone %u: provider '%s' could not describe it (0x%08X)",
			 (unsigned)d->id, d->prov->name, (unsigned)rc);
	return rc;
}

/* The provider named name, loading it (as the next permanent provider ID) if needed. */
static LONG find_provider(struct ot_engine *e, const char *name, struct ot_provider **out,
			  int *fresh, char *err, size_t errlen)
{
	struct ot_provider **ps;
	size_t i;
	LONG rc;

	*fresh = 0;
	for (i = 0; i < e->num_providers; i++) {
		if (!strcmp(e->providers[i]->name, name)) {
			*out = e->providers[i];
			return 0;
		}
	}
	ps = ot_realloc(e->providers, (e->num_providers + 1) * sizeof(*ps));
	if (!ps)
		return PHONEERR_NOMEM;
	e->providers = ps;
	rc = ot_provider_load(name, (DWORD)e->num_providers + 1, out, err, errlen);
	if (rc)
		return rc;
	e->providers[e->num_providers++] = *out;
	*fresh = 1;
	return 0;
}

/* Gives provider p its new phones devs[0..n): a provider loaded now is configured and
 * initialised; a running one is configured again with just these and told of each with
 * TSPI_providerCreatePhoneDevice (the dynamic-device path of TSPI). */
static LONG start_phones(struct ot_provider *p, int fresh, const struct ot_config *cfg,
			 struct ot_device *const *devs, size_t n, const char *state_dir, char *err,
			 size_t errlen)
{
	size_t i;
	LONG rc;

	if (!fresh && !p->providerCreatePhoneDevice) {
		snprintf(err, errlen, "provider '%s' cannot add phones while it runs (restart tapisrv)",
			 p->name);
		return PHONEERR_OPERATIONUNAVAIL;
	}
	rc = fresh ? set_provider_options(p, cfg, err, errlen) : 0;
	if (rc == 0)
		rc = configure_provider(p, cfg, devs, n, state_dir, err, errlen);
	if (rc == 0 && fresh)
		return init_provider(p, devs[0]->id, (DWORD)n, err, errlen);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = p->providerCreatePhoneDevice(devs[i]->id, devs[i]->id);
		if (rc)
			snprintf(err, errlen, "provider '%s' refused phone %u (0x%08X)", p->name,
				 (unsigned)devs[i]->id, (unsigned)rc);
	}
	return rc;
}

/* Brings up the phones cfg->phones[which[0..n)] as new devices, numbered after the existing
 * ones. On failure every new device is left removed (its ID stays taken, as TAPI's do). */
static LONG add_phones(struct ot_engine *e, const struct ot_config *cfg, const size_t *which,
		       size_t n, char *err, size_t errlen)
{
	struct ot_device **devs = ot_calloc(n ? n : 1, sizeof(*devs));
	char *state_dir = ot_config_state_dir(cfg);
	LONG rc = (!devs || !state_dir) ? PHONEERR_NOMEM : 0;
	size_t i, j, k;

	for (i = 0; rc == 0 && i < n; i++)
		rc = ot_device_add(e, cfg, which[i], &devs[i], err, errlen);
	/* Each provider in order of first appearance, with its phones in device-ID order. */
	for (i = 0; rc == 0 && i < n; i++) {
		struct ot_device **mine;
		struct ot_provider *p;
		int fresh;

		if (devs[i]->prov)
			continue;
		rc = find_provider(e, cfg->phones[which[i]].provider, &p, &fresh, err, errlen);
		mine = rc ? NULL : ot_calloc(n, sizeof(*mine));
		if (rc == 0 && !mine)
			rc = PHONEERR_NOMEM;
		for (j = i, k = 0; rc == 0 && j < n; j++)
			if (!devs[j]->prov && !strcmp(cfg->phones[which[j]].provider, p->name))
				mine[k++] = devs[j];
		if (rc == 0)
			rc = start_phones(p, fresh, cfg, mine, k, state_dir, err, errlen);
		for (j = 0; rc == 0 && j < k; j++)
			mine[j]->prov = p;
		ot_free(mine);
	}
	for (i = 0; rc == 0 && i < n; i++)
		rc = probe_device(devs[i], err, errlen);
	if (rc) {
		pthread_mutex_lock(&e->lock);
		for (i = 0; devs && i < n; i++)
			if (devs[i])
				devs[i]->removed = 1;
		pthread_mutex_unlock(&e->lock);
		if (rc == (LONG)PHONEERR_NOMEM && !err[0])
			snprintf(err, errlen, "out of memory");
	}
	ot_free(devs);
	ot_free(state_dir);
	return rc;
}

LONG ot_engine_create(const struct ot_config *cfg, struct ot_engine **out, char *err,
		      size_t errlen)
{
	struct ot_engine *e;
	size_t *all = NULL, i;
	LONG rc;

	err[0] = '\0';
	if (ot_engine_current) {
		snprintf(err, errlen, "an engine already runs in this process");
		return PHONEERR_RESOURCEUNAVAIL;
	}
	e = ot_calloc(1, sizeof(*e));
	if (!e || !(all = ot_calloc(cfg->n_phones ? cfg->n_phones : 1, sizeof(*all)))) {
		ot_free(e);
		snprintf(err, errlen, "out of memory");
		return PHONEERR_NOMEM;
	}
	pthread_mutex_init(&e->lock, NULL);
	e->requests_per_app = cfg->requests_per_app ? cfg->requests_per_app
						    : OT_DEFAULT_REQUESTS_PER_APP;
	e->request_timeout_ms = cfg->request_timeout_ms;
	ot_engine_current = e;
	for (i = 0; i < cfg->n_phones; i++)
		all[i] = i;
	rc = check_provider_sections(cfg, err, errlen);
	if (rc == 0)
		rc = add_phones(e, cfg, all, cfg->n_phones, err, errlen);
	if (rc == 0 && ot_watchdog_start(e) < 0) {
		snprintf(err, errlen, "cannot start the engine's watchdog thread");
		rc = PHONEERR_RESOURCEUNAVAIL;
	}
	ot_free(all);
	if (rc) {
		ot_engine_destroy(e);
		return rc;
	}
	*out = e;
	return 0;
}

/* A device the new configuration no longer has (or has changed): closed at its provider and
 * gone for good. */
static void remove_device(struct ot_engine *e, struct ot_device *d)
{
	int was_open;

	pthread_mutex_lock(&d->call_lock);
	pthread_mutex_lock(&e->lock);
	ot_device_pay_close(e, d);
	was_open = d->open;
	ot_device_gone(e, d);
	pthread_mutex_unlock(&e->lock);
	if (was_open)
		d->prov->phoneClose(d->hd);
	pthread_mutex_unlock(&d->call_lock);
}

/* The live device of that name, or NULL. */
static struct ot_device *phone_named(struct ot_engine *e, const char *name)
{
	DWORD i;

	for (i = 0; i < e->num_devices; i++)
		if (!e->devices[i]->removed && !e->devices[i]->dynamic &&
		    !strcmp(e->devices[i]->name, name))
			return e->devices[i];
	return NULL;
}

void ot_engine_add_created(struct ot_engine *e)
{
	while (e->num_created) {
		struct ot_created c = e->created[0];
		struct ot_device *d = NULL;
		char err[256] = "";
		LONG rc;

		memmove(e->created, e->created + 1, --e->num_created * sizeof(c));
		rc = ot_device_add_created(e, c.prov, &d);
		pthread_mutex_unlock(&e->lock);
		if (rc == 0) {
			rc = c.prov->providerCreatePhoneDevice(c.temp_id, d->id);
			if (rc == 0)
				rc = probe_device(d, err, sizeof(err));
		}
		pthread_mutex_lock(&e->lock);
		if (rc == 0) {
			d->removed = 0;
			ot_device_announce(e, d);
		} else {
			ot_log(OT_LOG_WARN, "engine", "provider '%s': the phone it created could not be "
			       "added (0x%08X)%s%s", c.prov->name, (unsigned)rc, err[0] ? ": " : "", err);
		}
	}
}

/* Does the configuration have a phone of that name? */
static int config_has(const struct ot_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_phones; i++)
		if (!strcmp(cfg->phones[i].name, name))
			return 1;
	return 0;
}

/* Phones that went away or changed: removed, and logged (a changed one when it comes back). */
static void remove_old_phones(struct ot_engine *e, const struct ot_config *cfg, DWORD old_count,
			      struct ot_reload_report *report)
{
	DWORD k;
	size_t i;

	for (k = 0; k < old_count; k++) {
		struct ot_device *d = e->devices[k];
		int keep = d->dynamic; /* its provider's, not the configuration's */

		for (i = 0; i < cfg->n_phones && !d->removed && !keep; i++)
			keep = ot_device_matches(d, &cfg->phones[i]);
		if (d->removed || keep)
			continue;
		remove_device(e, d);
		if (config_has(cfg, d->name)) {
			report->changed++;
		} else {
			report->removed++;
			ot_log(OT_LOG_INFO, "engine", "phone %u '%s': removed (no longer configured)",
			       (unsigned)d->id, d->name);
		}
	}
}

/* The removed device that a new device of the same name replaces (a changed phone), or NULL. */
static struct ot_device *replaced(struct ot_engine *e, const struct ot_device *fresh,
				  DWORD old_count)
{
	DWORD k;

	for (k = old_count; k-- > 0;)
		if (e->devices[k]->removed && !e->devices[k]->dynamic && e->devices[k]->name &&
		    !strcmp(e->devices[k]->name, fresh->name))
			return e->devices[k];
	return NULL;
}

LONG ot_engine_reload(struct ot_engine *e, const struct ot_config *cfg,
		      struct ot_reload_report *report, char *err, size_t errlen)
{
	size_t *fresh = ot_calloc(cfg->n_phones ? cfg->n_phones : 1, sizeof(*fresh));
	size_t i, n = 0, old_count = e->num_devices;
	LONG rc;
	DWORD k;

	err[0] = '\0';
	memset(report, 0, sizeof(*report));
	if (!fresh)
		return PHONEERR_NOMEM;
	rc = check_provider_sections(cfg, err, errlen);
	/* Phones that went away or changed go first, so a changed phone's name is free again. */
	if (rc == 0)
		remove_old_phones(e, cfg, (DWORD)old_count, report);
	for (i = 0; rc == 0 && i < cfg->n_phones; i++)
		if (!phone_named(e, cfg->phones[i].name))
			fresh[n++] = i;
	if (rc == 0 && n)
		rc = add_phones(e, cfg, fresh, n, err, errlen);
	pthread_mutex_lock(&e->lock);
	for (k = (DWORD)old_count; k < e->num_devices; k++) {
		struct ot_device *d = e->devices[k], *old;

		if (d->removed || d->dynamic) /* a provider's own phone was announced as it came */
			continue;
		ot_device_announce(e, d);
		old = replaced(e, d, (DWORD)old_count);
		if (old)
			ot_log(OT_LOG_INFO, "engine", "phone %u '%s': changed; it is now phone %u "
			       "(a device ID is never reused)", (unsigned)old->id, d->name,
			       (unsigned)d->id);
		else
			ot_log(OT_LOG_INFO, "engine", "phone %u '%s': added", (unsigned)d->id, d->name);
		report->added += !old;
	}
	for (k = 0; k < e->num_devices; k++)
		report->phones += !e->devices[k]->removed;
	e->requests_per_app = cfg->requests_per_app ? cfg->requests_per_app
						    : OT_DEFAULT_REQUESTS_PER_APP;
	e->request_timeout_ms = cfg->request_timeout_ms;
	pthread_mutex_unlock(&e->lock);
	ot_free(fresh);
	return rc;
}

void ot_engine_quiesce(struct ot_engine *e)
{
	DWORD i;

	for (i = 0; i < e->num_devices; i++) {
		struct ot_device *d = e->devices[i];
		int open;

		pthread_mutex_lock(&d->call_lock);
		pthread_mutex_lock(&e->lock);
		ot_device_pay_close(e, d);
		open = d->open;
		d->open = 0;
		pthread_mutex_unlock(&e->lock);
		if (open)
			d->prov->phoneClose(d->hd);
		pthread_mutex_unlock(&d->call_lock);
	}
}

void ot_engine_destroy(struct ot_engine *e)
{
	struct ot_request *r;
	uint32_t cursor = 0;
	size_t i;

	if (!e)
		return;
	ot_watchdog_stop(e);
	while (e->num_clients)
		ot_engine_client_free(e, e->clients[0]);
	/* Providers complete what they still hold during shutdown; nobody hears those replies. */
	for (i = 0; i < e->num_providers; i++)
		ot_provider_unload(e->providers[i]);
	while ((r = ot_handles_next(&e->requests, &cursor, NULL))) {
		r->release(r->data, r->size);
		ot_free(r);
	}
	ot_handles_free(&e->requests);
	ot_handles_free(&e->phones);
	ot_handles_free(&e->apps);
	ot_free(e->providers);
	ot_free(e->clients);
	for (i = 0; i < e->num_devices; i++)
		ot_device_free(e->devices[i]);
	ot_free(e->devices);
	pthread_mutex_destroy(&e->lock);
	ot_engine_current = NULL;
	ot_free(e);
}
