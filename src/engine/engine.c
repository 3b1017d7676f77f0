/* engine.c — bringing the engine up from a configuration, and tearing it down.
 *
 * Bring-up follows the TSPI lifecycle: per provider OTSPI_providerConfigure (our extension: its
 * phones and their settings), TSPI_lineNegotiateTSPIVersion, TSPI_providerEnumDevices,
 * TSPI_providerInit; then per phone TSPI_phoneNegotiateTSPIVersion and TSPI_phoneGetDevCaps, whose
 * data-area sizes the engine keeps to validate requests before a provider sees them.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "log.h"
#include "varstruct.h"

struct ot_engine *ot_engine_current;

DWORD ot_engine_num_devices(struct ot_engine *e)
{
	return e->num_devices;
}

/* The providers of cfg in order of first appearance; a phone's provider index in *index_of. */
static LONG load_providers(struct ot_engine *e, const struct ot_config *cfg, size_t *index_of,
			   char *err, size_t errlen)
{
	size_t i, j;
	LONG rc;

	e->providers = ot_calloc(cfg->n_phones, sizeof(*e->providers));
	if (!e->providers && cfg->n_phones)
		return PHONEERR_NOMEM;
	for (i = 0; i < cfg->n_phones; i++) {
		for (j = 0; j < e->num_providers; j++)
			if (!strcmp(e->providers[j]->name, cfg->phones[i].provider))
				break;
		if (j == e->num_providers) {
			rc = ot_provider_load(cfg->phones[i].provider, (DWORD)j + 1,
					      &e->providers[j], err, errlen);
			if (rc)
				return rc;
			e->num_providers++;
		}
		index_of[i] = j;
	}
	return 0;
}

/* Keys of a [phone] section that the engine keeps for itself. */
static int is_engine_key(const char *key)
{
	return !strcmp(key, "owners");
}

/* The engine's own keys of phone i: who may own it. */
static LONG configure_device(struct ot_device *d, const struct ot_config *cfg, size_t i,
			     char *err, size_t errlen)
{
	const struct ot_phone_config *pc = &cfg->phones[i];
	char why[256];
	size_t k;

	for (k = 0; k < pc->n_settings; k++) {
		if (strcmp(pc->settings[k].key, "owners") != 0)
			continue;
		if (ot_acl_parse(pc->settings[k].value, &d->owners, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s:%u: key 'owners': %s",
				 cfg->path ? cfg->path : "(config)", pc->settings[k].line, why);
			return PHONEERR_INIFILECORRUPT;
		}
	}
	return 0;
}

/* Hands one provider its phones (OTSPI_providerConfigure). */
static LONG configure_provider(struct ot_provider *p, const struct ot_config *cfg,
			       const size_t *index_of, size_t which, const char *state_dir,
			       char *err, size_t errlen)
{
	OTSPIPHONECONFIG *phones = ot_calloc(cfg->n_phones, sizeof(*phones));
	OTSPISETTING *settings;
	size_t i, k, n = 0, total = 0;
	char msg[512] = "";
	LONG rc;

	for (i = 0; i < cfg->n_phones; i++)
		total += cfg->phones[i].n_settings;
	settings = ot_calloc(total ? total : 1, sizeof(*settings));
	if (!phones || !settings) {
		ot_free(phones);
		ot_free(settings);
		return PHONEERR_NOMEM;
	}
	total = 0;
	for (i = 0; i < cfg->n_phones; i++) {
		const struct ot_phone_config *pc = &cfg->phones[i];

		if (index_of[i] != which)
			continue;
		phones[n] = (OTSPIPHONECONFIG){ (DWORD)i, pc->name, settings + total, 0, cfg->path };
		for (k = 0; k < pc->n_settings; k++) {
			if (is_engine_key(pc->settings[k].key))
				continue;
			settings[total++] = (OTSPISETTING){ pc->settings[k].key, pc->settings[k].value,
							    pc->settings[k].line };
			phones[n].dwNumSettings++;
		}
		n++;
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

/* Copies one DWORD array of the variable part of caps (offset/size fields at field). */
static LONG copy_sizes(const PHONECAPS *caps, size_t size_field, DWORD count, DWORD **out)
{
	DWORD size = ot_var_get(caps, size_field), offset = ot_var_get(caps, size_field + 4);

	if (count == 0)
		return 0;
	if (size < count * sizeof(DWORD) || offset > caps->dwUsedSize ||
	    caps->dwUsedSize - offset < size)
		return PHONEERR_OPERATIONFAILED;
	*out = ot_malloc(count * sizeof(DWORD));
	if (!*out)
		return PHONEERR_NOMEM;
	memcpy(*out, (const char *)caps + offset, count * sizeof(DWORD));
	return 0;
}

/* Learns a phone's TSPI version and data areas. */
static LONG probe_device(struct ot_device *d, char *err, size_t errlen)
{
	DWORD total = 4096;
	PHONECAPS *caps = NULL;
	LONG rc;

	rc = d->prov->phoneNegotiateTSPIVersion(d->id, OT_API_VERSION_LOW, OT_API_VERSION_HIGH,
						&d->tspi_version);
	while (rc == 0) {
		ot_free(caps);
		caps = ot_malloc(total);
		if (!caps)
			return PHONEERR_NOMEM;
		memset(caps, 0, total);
		caps->dwTotalSize = total;
		ot_var_begin(caps, sizeof(PHONECAPS));
		rc = d->prov->phoneGetDevCaps(d->id, d->tspi_version, 0, caps);
		if (rc || caps->dwNeededSize <= caps->dwTotalSize)
			break;
		total = caps->dwNeededSize;
	}
	if (rc == 0) {
		d->num_set_data = caps->dwNumSetData;
		d->num_get_data = caps->dwNumGetData;
		rc = copy_sizes(caps, offsetof(PHONECAPS, dwSetDataSize), d->num_set_data,
				&d->set_data_sizes);
		if (rc == 0)
			rc = copy_sizes(caps, offsetof(PHONECAPS, dwGetDataSize), d->num_get_data,
					&d->get_data_sizes);
	}
	ot_free(caps);
	if (rc)
		snprintf(err, errlen, "phone %u: provider '%s' could not describe it (0x%08X)",
			 (unsigned)d->id, d->prov->name, (unsigned)rc);
	return rc;
}

static LONG bring_up(struct ot_engine *e, const struct ot_config *cfg, char *err, size_t errlen)
{
	size_t *index_of = ot_calloc(cfg->n_phones ? cfg->n_phones : 1, sizeof(*index_of));
	char *state_dir = ot_config_state_dir(cfg);
	LONG rc = (!index_of || !state_dir) ? PHONEERR_NOMEM : 0;
	size_t i, j;

	if (rc == 0)
		rc = check_provider_sections(cfg, err, errlen);
	for (i = 0; rc == 0 && i < cfg->n_phones; i++)
		rc = configure_device(&e->devices[i], cfg, i, err, errlen);
	if (rc == 0)
		rc = load_providers(e, cfg, index_of, err, errlen);
	for (j = 0; rc == 0 && j < e->num_providers; j++) {
		DWORD first = 0, count = 0;

		for (i = cfg->n_phones; i-- > 0;)
			if (index_of[i] == j) {
				first = (DWORD)i;
				count++;
			}
		rc = set_provider_options(e->providers[j], cfg, err, errlen);
		if (rc == 0)
			rc = configure_provider(e->providers[j], cfg, index_of, j, state_dir, err,
						errlen);
		if (rc == 0)
			rc = init_provider(e->providers[j], first, count, err, errlen);
	}
	for (i = 0; rc == 0 && i < cfg->n_phones; i++) {
		struct ot_device *d = &e->devices[i];

		d->prov = e->providers[index_of[i]];
		rc = probe_device(d, err, errlen);
	}
	if (rc == PHONEERR_NOMEM && !err[0])
		snprintf(err, errlen, "out of memory");
	ot_free(index_of);
	ot_free(state_dir);
	return rc;
}

static void free_devices(struct ot_engine *e)
{
	DWORD i;

	for (i = 0; i < e->num_devices; i++) {
		pthread_mutex_destroy(&e->devices[i].call_lock);
		ot_free(e->devices[i].set_data_sizes);
		ot_free(e->devices[i].get_data_sizes);
		ot_acl_free(&e->devices[i].owners);
	}
	ot_free(e->devices);
}

LONG ot_engine_create(const struct ot_config *cfg, struct ot_engine **out, char *err,
		      size_t errlen)
{
	struct ot_engine *e;
	DWORD i;
	LONG rc;

	err[0] = '\0';
	if (ot_engine_current) {
		snprintf(err, errlen, "an engine already runs in this process");
		return PHONEERR_RESOURCEUNAVAIL;
	}
	e = ot_calloc(1, sizeof(*e));
	if (!e || !(e->devices = ot_calloc(cfg->n_phones ? cfg->n_phones : 1, sizeof(*e->devices)))) {
		ot_free(e);
		snprintf(err, errlen, "out of memory");
		return PHONEERR_NOMEM;
	}
	pthread_mutex_init(&e->lock, NULL);
	e->num_devices = (DWORD)cfg->n_phones;
	e->requests_per_app = cfg->requests_per_app ? cfg->requests_per_app
						    : OT_DEFAULT_REQUESTS_PER_APP;
	for (i = 0; i < e->num_devices; i++) {
		e->devices[i].engine = e;
		e->devices[i].id = i;
		pthread_mutex_init(&e->devices[i].call_lock, NULL);
	}
	ot_engine_current = e;
	rc = bring_up(e, cfg, err, errlen);
	if (rc) {
		ot_engine_destroy(e);
		return rc;
	}
	*out = e;
	return 0;
}

void ot_engine_quiesce(struct ot_engine *e)
{
	DWORD i;

	for (i = 0; i < e->num_devices; i++) {
		struct ot_device *d = &e->devices[i];
		int open;

		pthread_mutex_lock(&d->call_lock);
		pthread_mutex_lock(&e->lock);
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
	free_devices(e);
	pthread_mutex_destroy(&e->lock);
	ot_engine_current = NULL;
	ot_free(e);
}
