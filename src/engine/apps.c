/* SPDX-License-Identifier: MIT */
/* apps.c — clients and apps, and the calls that need only an app: version negotiation and
 * device capabilities. */
#include <string.h>

#include "alloc.h"
#include "internal.h"
#include "varstruct.h"

struct ot_client *ot_engine_client_new(struct ot_engine *e, const struct ot_sink *sink, void *ctx)
{
	struct ot_client *c = ot_calloc(1, sizeof(*c));
	struct ot_client **clients;

	if (!c)
		return NULL;
	if (ot_cred_self(&c->cred) < 0) {
		ot_free(c);
		return NULL;
	}
	c->sink = sink;
	c->ctx = ctx;
	pthread_mutex_lock(&e->lock);
	clients = ot_realloc(e->clients, (e->num_clients + 1) * sizeof(*clients));
	if (clients) {
		e->clients = clients;
		e->clients[e->num_clients++] = c;
	}
	pthread_mutex_unlock(&e->lock);
	if (!clients) {
		ot_cred_free(&c->cred);
		ot_free(c);
		return NULL;
	}
	return c;
}

int ot_engine_client_set_cred(struct ot_engine *e, struct ot_client *c, uid_t uid, gid_t gid,
			      const gid_t *groups, size_t num_groups)
{
	gid_t *copy = num_groups ? ot_calloc(num_groups, sizeof(gid_t)) : NULL;

	if (num_groups && !copy)
		return -1;
	if (num_groups)
		memcpy(copy, groups, num_groups * sizeof(gid_t));
	pthread_mutex_lock(&e->lock);
	ot_cred_free(&c->cred);
	c->cred = (struct ot_cred){ uid, gid, copy, num_groups };
	pthread_mutex_unlock(&e->lock);
	return 0;
}

void ot_engine_client_free(struct ot_engine *e, struct ot_client *c)
{
	size_t i;

	while (c->apps)
		ot_engine_app_free(e, c, c->apps->h);
	pthread_mutex_lock(&e->lock);
	for (i = 0; i < e->num_clients; i++)
		if (e->clients[i] == c)
			e->clients[i] = e->clients[--e->num_clients];
	pthread_mutex_unlock(&e->lock);
	ot_cred_free(&c->cred);
	ot_free(c);
}

struct ot_app *ot_app_find(struct ot_engine *e, struct ot_client *c, HPHONEAPP app)
{
	struct ot_app *a = ot_handles_get(&e->apps, app);

	return a && a->client == c ? a : NULL;
}

LONG ot_engine_app_new(struct ot_engine *e, struct ot_client *c, const char *name,
		       DWORD api_version, uint64_t cookie, HPHONEAPP *app)
{
	struct ot_app *a = ot_calloc(1, sizeof(*a));

	if (!a || !(a->name = ot_strdup(name ? name : ""))) {
		ot_free(a);
		return PHONEERR_NOMEM;
	}
	a->client = c;
	a->cookie = cookie;
	a->api_version = api_version;
	pthread_mutex_lock(&e->lock);
	if (ot_handles_add(&e->apps, a, &a->h) < 0) {
		pthread_mutex_unlock(&e->lock);
		ot_free(a->name);
		ot_free(a);
		return PHONEERR_NOMEM;
	}
	a->next = c->apps;
	if (c->apps)
		c->apps->prev = a;
	c->apps = a;
	*app = a->h;
	pthread_mutex_unlock(&e->lock);
	return 0;
}

LONG ot_engine_app_free(struct ot_engine *e, struct ot_client *c, HPHONEAPP app)
{
	struct ot_app *a;

	for (;;) {
		HPHONE phone;

		pthread_mutex_lock(&e->lock);
		a = ot_app_find(e, c, app);
		if (!a) {
			pthread_mutex_unlock(&e->lock);
			return PHONEERR_INVALAPPHANDLE;
		}
		if (!a->handles)
			break;
		phone = a->handles->h;
		pthread_mutex_unlock(&e->lock);
		ot_engine_close(e, c, phone);
	}
	ot_handles_remove(&e->apps, app);
	if (a->prev)
		a->prev->next = a->next;
	else
		c->apps = a->next;
	if (a->next)
		a->next->prev = a->prev;
	pthread_mutex_unlock(&e->lock);
	ot_free(a->name);
	ot_free(a);
	return 0;
}

void ot_app_note_version(struct ot_app *a, DWORD version)
{
	/* phoneInitialize apps (registered below 2.0) speak what they negotiate, up to 1.4: that
	 * decides between PHONE_CREATE and PHONE_STATE(REINIT) for them. */
	if (a->api_version < 0x00020000 && version > a->api_version)
		a->api_version = version < 0x00010004 ? version : 0x00010004;
}

/* The highest API version a device supports: ours, capped by its provider's TSPI version. */
static DWORD device_version(const struct ot_device *d)
{
	return d->tspi_version < OT_API_VERSION_HIGH ? d->tspi_version : OT_API_VERSION_HIGH;
}

static LONG check_app_and_device(struct ot_engine *e, struct ot_client *c, HPHONEAPP app, DWORD dev)
{
	LONG rc;

	pthread_mutex_lock(&e->lock);
	rc = ot_app_find(e, c, app) ? ot_device_check(e, dev) : (LONG)PHONEERR_INVALAPPHANDLE;
	pthread_mutex_unlock(&e->lock);
	return rc;
}

LONG ot_engine_negotiate_api_version(struct ot_engine *e, struct ot_client *c, HPHONEAPP app,
				     DWORD dev, DWORD low, DWORD high, DWORD *version,
				     PHONEEXTENSIONID *ext_id)
{
	struct ot_device *d;
	struct ot_app *a;
	DWORD v;
	LONG rc = check_app_and_device(e, c, app, dev);

	if (rc)
		return rc;
	d = e->devices[dev];
	v = high < device_version(d) ? high : device_version(d);
	if (low > high || v < low || v < OT_API_VERSION_LOW)
		return PHONEERR_INCOMPATIBLEAPIVERSION;
	memset(ext_id, 0, sizeof(*ext_id));
	if (d->prov->phoneGetExtensionID) {
		pthread_mutex_lock(&d->call_lock);
		rc = d->prov->phoneGetExtensionID(dev, d->tspi_version, ext_id);
		pthread_mutex_unlock(&d->call_lock);
		if (rc)
			return rc;
	}
	*version = v;
	pthread_mutex_lock(&e->lock);
	if ((a = ot_app_find(e, c, app)))
		ot_app_note_version(a, v);
	pthread_mutex_unlock(&e->lock);
	return 0;
}

LONG ot_engine_negotiate_ext_version(struct ot_engine *e, struct ot_client *c, HPHONEAPP app,
				     DWORD dev, DWORD api_version, DWORD low, DWORD high,
				     DWORD *ext_version)
{
	struct ot_device *d;
	LONG rc = check_app_and_device(e, c, app, dev);

	if (rc)
		return rc;
	d = e->devices[dev];
	if (api_version < OT_API_VERSION_LOW || api_version > device_version(d))
		return PHONEERR_INCOMPATIBLEAPIVERSION;
	if (!d->prov->phoneNegotiateExtVersion)
		return PHONEERR_OPERATIONUNAVAIL;
	if (low > high)
		return PHONEERR_INCOMPATIBLEEXTVERSION;
	pthread_mutex_lock(&d->call_lock);
	rc = d->prov->phoneNegotiateExtVersion(dev, d->tspi_version, low, high, ext_version);
	pthread_mutex_unlock(&d->call_lock);
	return rc;
}

/* Fixed part of PHONECAPS an app of this API version sees. */
static DWORD caps_fixed_size(DWORD api_version)
{
	if (api_version < 0x00020000)
		return offsetof(PHONECAPS, dwDeviceClassesSize);
	if (api_version < 0x00020002)
		return offsetof(PHONECAPS, PermanentPhoneGuid);
	return sizeof(PHONECAPS);
}

LONG ot_engine_get_dev_caps(struct ot_engine *e, struct ot_client *c, HPHONEAPP app, DWORD dev,
			    DWORD api_version, DWORD ext_version, PHONECAPS *caps)
{
	struct ot_device *d;
	LONG rc = check_app_and_device(e, c, app, dev);

	if (rc)
		return rc;
	d = e->devices[dev];
	if (api_version < OT_API_VERSION_LOW || api_version > device_version(d))
		return PHONEERR_INCOMPATIBLEAPIVERSION;
	if (ext_version && !d->prov->phoneNegotiateExtVersion)
		return PHONEERR_INCOMPATIBLEEXTVERSION;
	if (ot_var_begin(caps, caps_fixed_size(api_version)) < 0)
		return PHONEERR_STRUCTURETOOSMALL;
	pthread_mutex_lock(&d->call_lock);
	rc = d->prov->phoneGetDevCaps(dev, api_version, ext_version, caps);
	pthread_mutex_unlock(&d->call_lock);
	if (rc == 0)
		caps->dwPhoneStates |= PHONESTATE_OWNER | PHONESTATE_MONITORS | PHONESTATE_REINIT;
	return rc;
}
