/* SPDX-License-Identifier: MIT */
/* devices.c — phone devices coming and going: created from the configuration, removed by their
 * provider (PHONE_REMOVE) or by a reload, and what the apps are told each time.
 *
 * A device ID is never reused: a removed device keeps its slot and answers PHONEERR_NODEVICE,
 * as TAPI does until it fully restarts.
 */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "log.h"

/* "provider\nkey=value\n..." of a [phone] section: equal signatures, equal phones. */
static char *signature(const struct ot_phone_config *pc)
{
	size_t i, len = strlen(pc->provider) + 2;
	char *s, *p;

	for (i = 0; i < pc->n_settings; i++)
		len += strlen(pc->settings[i].key) + strlen(pc->settings[i].value) + 2;
	s = ot_malloc(len);
	if (!s)
		return NULL;
	p = s + sprintf(s, "%s\n", pc->provider);
	for (i = 0; i < pc->n_settings; i++)
		p += sprintf(p, "%s=%s\n", pc->settings[i].key, pc->settings[i].value);
	return s;
}

/* The engine's own key of a phone: who may own it. */
static LONG parse_owners(struct ot_device *d, const struct ot_config *cfg,
			 const struct ot_phone_config *pc, char *err, size_t errlen)
{
	char why[256];
	size_t k;

	for (k = 0; k < pc->n_settings; k++) {
		if (strcmp(pc->settings[k].key, "owners") != 0)
			continue;
		if (ot_acl_parse(pc->settings[k].value, &d->owners, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s:%u: key 'owners': %s",
				 cfg->path ? cfg->path : "(config)", pc->settings[k].line, why);
			return strcmp(why, "out of memory") ? PHONEERR_INIFILECORRUPT : PHONEERR_NOMEM;
		}
	}
	return 0;
}

LONG ot_device_add(struct ot_engine *e, const struct ot_config *cfg, size_t index,
		   struct ot_device **out, char *err, size_t errlen)
{
	const struct ot_phone_config *pc = &cfg->phones[index];
	struct ot_device *d = ot_calloc(1, sizeof(*d));
	struct ot_device **devices;
	LONG rc;

	if (!d || !(d->name = ot_strdup(pc->name)) || !(d->signature = signature(pc))) {
		ot_device_free(d);
		return PHONEERR_NOMEM;
	}
	rc = parse_owners(d, cfg, pc, err, errlen);
	if (rc) {
		ot_device_free(d);
		return rc;
	}
	d->engine = e;
	d->cfg_index = index;
	pthread_mutex_init(&d->call_lock, NULL);
	pthread_mutex_lock(&e->lock);
	devices = ot_realloc(e->devices, (e->num_devices + 1) * sizeof(*devices));
	if (devices) {
		e->devices = devices;
		d->id = e->num_devices;
		e->devices[e->num_devices++] = d;
	}
	pthread_mutex_unlock(&e->lock);
	if (!devices) {
		ot_device_free(d);
		return PHONEERR_NOMEM;
	}
	*out = d;
	return 0;
}

LONG ot_device_add_created(struct ot_engine *e, struct ot_provider *p, struct ot_device **out)
{
	struct ot_device *d = ot_calloc(1, sizeof(*d));
	struct ot_device **devices = d ? ot_realloc(e->devices, (e->num_devices + 1) *
						    sizeof(*devices))
				       : NULL;

	if (!devices) {
		ot_free(d);
		return PHONEERR_NOMEM;
	}
	d->engine = e;
	d->prov = p;
	d->dynamic = 1;
	d->removed = 1; /* until it is described */
	pthread_mutex_init(&d->call_lock, NULL);
	e->devices = devices;
	d->id = e->num_devices;
	e->devices[e->num_devices++] = d;
	*out = d;
	return 0;
}

void ot_device_free(struct ot_device *d)
{
	if (!d)
		return;
	if (d->engine)
		pthread_mutex_destroy(&d->call_lock);
	ot_caps_free(&d->caps);
	ot_acl_free(&d->owners);
	ot_free(d->signature);
	ot_free(d->name);
	ot_free(d);
}

int ot_device_matches(const struct ot_device *d, const struct ot_phone_config *pc)
{
	char *sig;
	int same;

	if (strcmp(d->name, pc->name) != 0)
		return 0;
	sig = signature(pc);
	same = sig && !strcmp(sig, d->signature); /* out of memory: replaced, which is safe */
	ot_free(sig);
	return same;
}

LONG ot_device_check(struct ot_engine *e, DWORD dev)
{
	if (dev >= e->num_devices)
		return PHONEERR_BADDEVICEID;
	return e->devices[dev]->removed ? PHONEERR_NODEVICE : 0;
}

void ot_device_close_handles(struct ot_engine *e, struct ot_device *d, int removed)
{
	while (d->handles) {
		struct ot_handle *h = d->handles;

		/* REMOVED is a 1.4 state; 2.0 apps hear PHONE_REMOVE instead, 1.3 apps nothing. */
		if (removed && h->api_version >= 0x00010004 && h->api_version < 0x00020000)
			ot_emit(h->app, h->h, PHONE_STATE, h->callback_instance, PHONESTATE_REMOVED, 0, 0);
		ot_emit(h->app, h->h, PHONE_CLOSE, h->callback_instance, 0, 0, 0);
		ot_handle_forget(e, h);
	}
	d->open = 0;
}

void ot_device_pay_close(struct ot_engine *e, struct ot_device *d)
{
	HDRVPHONE hd = d->owed_hd;

	if (!d->close_owed)
		return;
	d->close_owed = 0;
	pthread_mutex_unlock(&e->lock);
	d->prov->phoneClose(hd);
	pthread_mutex_lock(&e->lock);
}

/* Every app of every client, for announcements. */
#define FOR_EACH_APP(e, a)                                                                     \
	for (size_t ci_ = 0; ci_ < (e)->num_clients; ci_++)                                     \
		for (struct ot_app *a = (e)->clients[ci_]->apps; a; a = a->next)

void ot_device_gone(struct ot_engine *e, struct ot_device *d)
{
	if (d->removed)
		return;
	ot_device_close_handles(e, d, 1);
	d->removed = 1;
	FOR_EACH_APP(e, a)
		if (a->api_version >= 0x00020000)
			ot_emit(a, 0, PHONE_REMOVE, 0, d->id, 0, 0);
	ot_log(OT_LOG_INFO, "engine", "phone %u '%s' removed", (unsigned)d->id, d->name);
}

void ot_device_announce(struct ot_engine *e, struct ot_device *d)
{
	FOR_EACH_APP(e, a) {
		if (a->api_version >= 0x00010004)
			ot_emit(a, 0, PHONE_CREATE, 0, d->id, 0, 0);
		else
			ot_emit(a, 0, PHONE_STATE, 0, PHONESTATE_REINIT, 0, 0);
	}
	ot_log(OT_LOG_INFO, "engine", "phone %u '%s' added", (unsigned)d->id, d->name);
}
