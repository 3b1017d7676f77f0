/* SPDX-License-Identifier: MIT */
/* phones.c — opening and closing phones (owner and monitor privileges) and the synchronous calls
 * on an open handle: phoneGetData, phoneGetStatus, phoneSet/GetStatusMessages. */
#include <string.h>

#include "alloc.h"
#include "checks.h"
#include "internal.h"
#include "log.h"
#include "varstruct.h"

struct ot_handle *ot_handle_find(struct ot_engine *e, struct ot_client *c, HPHONE phone)
{
	struct ot_handle *h = ot_handles_get(&e->phones, phone);

	return h && h->app->client == c ? h : NULL;
}

/* The provider said the capabilities changed: read them again (call lock and engine lock held;
 * the engine lock is dropped around the provider call). */
static void refresh_caps(struct ot_engine *e, struct ot_device *dev)
{
	struct ot_caps fresh;
	LONG rc;

	dev->caps_stale = 0;
	pthread_mutex_unlock(&e->lock);
	rc = ot_caps_probe(dev, &fresh);
	pthread_mutex_lock(&e->lock);
	if (rc) {
		ot_log(OT_LOG_WARN, "engine", "phone %u: capabilities unreadable (0x%08X), kept",
		       (unsigned)dev->id, (unsigned)rc);
		return;
	}
	ot_caps_free(&dev->caps);
	dev->caps = fresh;
}

LONG ot_phone_lock(struct ot_engine *e, struct ot_client *c, HPHONE phone, struct ot_handle **out)
{
	struct ot_handle *h;
	struct ot_device *dev;

	pthread_mutex_lock(&e->lock);
	h = ot_handle_find(e, c, phone);
	if (!h) {
		pthread_mutex_unlock(&e->lock);
		return PHONEERR_INVALPHONEHANDLE;
	}
	dev = h->dev;
	/* Fast path: trylock cannot deadlock against the call_lock -> engine lock order. */
	if (pthread_mutex_trylock(&dev->call_lock) != 0) {
		pthread_mutex_unlock(&e->lock);
		pthread_mutex_lock(&dev->call_lock);
		pthread_mutex_lock(&e->lock);
	}
	if (dev->caps_stale)
		refresh_caps(e, dev);
	h = ot_handle_find(e, c, phone);
	if (!h) {
		ot_phone_unlock(e, dev);
		return PHONEERR_INVALPHONEHANDLE;
	}
	*out = h;
	return 0;
}

void ot_phone_unlock(struct ot_engine *e, struct ot_device *dev)
{
	pthread_mutex_unlock(&e->lock);
	pthread_mutex_unlock(&dev->call_lock);
}

/* Unlinks h from its device and app, frees it, and tells the device's other handles. */
void ot_handle_forget(struct ot_engine *e, struct ot_handle *h)
{
	struct ot_device *dev = h->dev;
	int owner = h->privilege == PHONEPRIVILEGE_OWNER;

	ot_handles_remove(&e->phones, h->h);
	if (h->dev_prev)
		h->dev_prev->dev_next = h->dev_next;
	else
		dev->handles = h->dev_next;
	if (h->dev_next)
		h->dev_next->dev_prev = h->dev_prev;
	if (h->app_prev)
		h->app_prev->app_next = h->app_next;
	else
		h->app->handles = h->app_next;
	if (h->app_next)
		h->app_next->app_prev = h->app_prev;
	if (owner)
		dev->num_owners--;
	else
		dev->num_monitors--;
	ot_emit_state_to_others(h, owner ? PHONESTATE_OWNER : PHONESTATE_MONITORS,
				owner ? dev->num_owners : dev->num_monitors);
	ot_free(h);
}

static LONG check_open(struct ot_engine *e, struct ot_client *c, HPHONEAPP app, DWORD dev,
		       DWORD api_version, DWORD ext_version, DWORD privilege)
{
	struct ot_device *d;

	LONG rc;

	if (!ot_app_find(e, c, app))
		return PHONEERR_INVALAPPHANDLE;
	if ((rc = ot_device_check(e, dev)) != 0)
		return rc;
	d = e->devices[dev];
	if (privilege != PHONEPRIVILEGE_OWNER && privilege != PHONEPRIVILEGE_MONITOR)
		return PHONEERR_INVALPRIVILEGE;
	if (api_version < OT_API_VERSION_LOW || api_version > OT_API_VERSION_HIGH ||
	    api_version > d->tspi_version)
		return PHONEERR_INCOMPATIBLEAPIVERSION;
	if (ext_version && !d->prov->phoneNegotiateExtVersion)
		return PHONEERR_INCOMPATIBLEEXTVERSION;
	if (privilege == PHONEPRIVILEGE_OWNER && !ot_acl_allows(&d->owners, &c->cred)) {
		ot_log(OT_LOG_WARN, "engine", "uid %u may not own phone %u (owners = ...)",
		       (unsigned)c->cred.uid, (unsigned)dev);
		return PHONEERR_INVALPRIVILEGE;
	}
	if (privilege == PHONEPRIVILEGE_OWNER && d->num_owners)
		return PHONEERR_INUSE;
	return 0;
}

static void link_handle(struct ot_engine *e, struct ot_handle *h)
{
	struct ot_device *dev = h->dev;
	int owner = h->privilege == PHONEPRIVILEGE_OWNER;

	h->dev_next = dev->handles;
	if (dev->handles)
		dev->handles->dev_prev = h;
	dev->handles = h;
	h->app_next = h->app->handles;
	if (h->app->handles)
		h->app->handles->app_prev = h;
	h->app->handles = h;
	if (owner)
		dev->num_owners++;
	else
		dev->num_monitors++;
	ot_emit_state_to_others(h, owner ? PHONESTATE_OWNER : PHONESTATE_MONITORS,
				owner ? dev->num_owners : dev->num_monitors);
}

LONG ot_engine_open(struct ot_engine *e, struct ot_client *c, HPHONEAPP app, DWORD dev,
		    HPHONE *phone, DWORD api_version, DWORD ext_version,
		    DWORD_PTR callback_instance, DWORD privilege)
{
	struct ot_handle *h;
	struct ot_device *d;
	HDRVPHONE hd = NULL;
	LONG rc;

	pthread_mutex_lock(&e->lock);
	rc = ot_app_find(e, c, app) ? ot_device_check(e, dev) : (LONG)PHONEERR_INVALAPPHANDLE;
	d = rc ? NULL : e->devices[dev];
	pthread_mutex_unlock(&e->lock);
	if (rc)
		return rc;
	h = ot_calloc(1, sizeof(*h));
	if (!h)
		return PHONEERR_NOMEM;
	pthread_mutex_lock(&d->call_lock);
	pthread_mutex_lock(&e->lock);
	rc = check_open(e, c, app, dev, api_version, ext_version, privilege);
	if (rc == 0 && !d->open)
		ot_device_pay_close(e, d); /* the old session ends at the provider before a new one */
	if (rc == 0 && !d->open) {
		pthread_mutex_unlock(&e->lock);
		rc = d->prov->phoneOpen(dev, (HTAPIPHONE)d, &hd, d->tspi_version, ot_on_phone_event);
		pthread_mutex_lock(&e->lock);
		if (rc == 0) {
			d->open = 1;
			d->hd = hd;
		}
	}
	if (rc == 0 && ot_handles_add(&e->phones, h, &h->h) < 0)
		rc = PHONEERR_NOMEM;
	if (rc) {
		int close_device = d->open && !d->handles;

		if (close_device)
			d->open = 0;
		pthread_mutex_unlock(&e->lock);
		if (close_device)
			d->prov->phoneClose(d->hd);
		pthread_mutex_unlock(&d->call_lock);
		ot_free(h);
		return rc;
	}
	h->app = ot_app_find(e, c, app);
	h->dev = d;
	h->privilege = privilege;
	h->api_version = api_version;
	h->ext_version = ext_version;
	h->callback_instance = callback_instance;
	ot_app_note_version(h->app, api_version);
	link_handle(e, h);
	*phone = h->h;
	ot_phone_unlock(e, d);
	return 0;
}

LONG ot_engine_close(struct ot_engine *e, struct ot_client *c, HPHONE phone)
{
	struct ot_handle *h;
	struct ot_device *dev;
	int last;
	LONG rc = ot_phone_lock(e, c, phone, &h);

	if (rc)
		return rc;
	dev = h->dev;
	ot_handle_forget(e, h);
	last = dev->open && !dev->handles;
	if (last)
		dev->open = 0;
	pthread_mutex_unlock(&e->lock);
	/* The provider completes what is outstanding inside TSPI_phoneClose; the replies find no
	 * handle and are suppressed, as phoneClose promises. */
	if (last)
		dev->prov->phoneClose(dev->hd);
	pthread_mutex_unlock(&dev->call_lock);
	return 0;
}

LONG ot_engine_get_data(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD data_id,
			void *data, DWORD size, DWORD *copied)
{
	struct ot_handle *h;
	struct ot_device *dev;
	HDRVPHONE hd;
	LONG rc = ot_phone_lock(e, c, phone, &h);

	if (rc)
		return rc;
	dev = h->dev;
	hd = dev->hd;
	rc = ot_check_get_data(&dev->caps, dev->prov->phoneGetData != NULL, data_id, size,
			       data != NULL);
	pthread_mutex_unlock(&e->lock);
	if (rc == 0 && size) {
		if (size > dev->caps.get_data_sizes[data_id])
			size = dev->caps.get_data_sizes[data_id];
		rc = dev->prov->phoneGetData(hd, data_id, data, size);
	}
	pthread_mutex_unlock(&dev->call_lock);
	if (copied)
		*copied = rc == 0 ? size : 0;
	return rc;
}

/* The SET features only an owner may use. */
#define OWNER_FEATURES                                                                         \
	(PHONEFEATURE_SETBUTTONINFO | PHONEFEATURE_SETDATA | PHONEFEATURE_SETDISPLAY |         \
	 PHONEFEATURE_SETGAINHANDSET | PHONEFEATURE_SETGAINSPEAKER | PHONEFEATURE_SETGAINHEADSET | \
	 PHONEFEATURE_SETHOOKSWITCHHANDSET | PHONEFEATURE_SETHOOKSWITCHSPEAKER |              \
	 PHONEFEATURE_SETHOOKSWITCHHEADSET | PHONEFEATURE_SETLAMP | PHONEFEATURE_SETRING |     \
	 PHONEFEATURE_SETVOLUMEHANDSET | PHONEFEATURE_SETVOLUMESPEAKER |                        \
	 PHONEFEATURE_SETVOLUMEHEADSET)

static const char *owner_name(const struct ot_device *dev)
{
	const struct ot_handle *h;

	for (h = dev->handles; h; h = h->dev_next)
		if (h->privilege == PHONEPRIVILEGE_OWNER)
			return h->app->name;
	return NULL;
}

LONG ot_engine_get_status(struct ot_engine *e, struct ot_client *c, HPHONE phone,
			  PHONESTATUS *status)
{
	struct ot_handle *h;
	struct ot_device *dev;
	DWORD fixed, owners, monitors, is_owner;
	const char *name;
	char *owner = NULL;
	HDRVPHONE hd;
	LONG rc = ot_phone_lock(e, c, phone, &h);

	if (rc)
		return rc;
	dev = h->dev;
	hd = dev->hd;
	fixed = h->api_version < 0x00020000 ? offsetof(PHONESTATUS, dwPhoneFeatures)
					    : sizeof(PHONESTATUS);
	owners = dev->num_owners;
	monitors = dev->num_monitors;
	is_owner = h->privilege == PHONEPRIVILEGE_OWNER;
	name = owner_name(dev);
	if (!dev->prov->phoneGetStatus)
		rc = PHONEERR_OPERATIONUNAVAIL;
	else if (ot_var_begin(status, fixed) < 0)
		rc = PHONEERR_STRUCTURETOOSMALL;
	else if (name && !(owner = ot_strdup(name)))
		rc = PHONEERR_NOMEM;
	pthread_mutex_unlock(&e->lock);
	if (rc == 0)
		rc = dev->prov->phoneGetStatus(hd, status);
	pthread_mutex_unlock(&dev->call_lock);
	if (rc == 0) {
		status->dwNumOwners = owners;
		status->dwNumMonitors = monitors;
		if (owner)
			ot_var_append(status, offsetof(PHONESTATUS, dwOwnerNameSize), owner,
				      (uint32_t)strlen(owner) + 1);
		if (fixed == sizeof(PHONESTATUS) && !is_owner)
			status->dwPhoneFeatures &= ~(DWORD)OWNER_FEATURES;
	}
	ot_free(owner);
	return rc;
}

/* PHONESTATE_ bits an app of this version may ask for. */
static DWORD valid_phone_states(DWORD api_version)
{
	return api_version < 0x00010004 ? 0x003FFFFFu : 0x00FFFFFFu;
}

#define ALL_BUTTON_MODES 0x0000003Fu

static DWORD valid_button_states(DWORD api_version)
{
	return api_version < 0x00010004 ? 0x00000003u : 0x0000000Fu;
}

/* What the provider must report for all handles of the device together. */
static void union_of_masks(const struct ot_device *dev, DWORD *states, DWORD *modes, DWORD *bstates)
{
	const struct ot_handle *h;

	*states = *modes = *bstates = 0;
	for (h = dev->handles; h; h = h->dev_next) {
		*states |= h->phone_states;
		*modes |= h->button_modes;
		*bstates |= h->button_states;
	}
}

LONG ot_engine_set_status_messages(struct ot_engine *e, struct ot_client *c, HPHONE phone,
				   DWORD phone_states, DWORD button_modes, DWORD button_states)
{
	struct ot_handle *h;
	struct ot_device *dev;
	DWORD states, modes, bstates;
	HDRVPHONE hd;
	LONG rc = ot_phone_lock(e, c, phone, &h);

	if (rc)
		return rc;
	dev = h->dev;
	hd = dev->hd;
	if (button_modes == 0)
		button_states = 0;
	if (phone_states & ~valid_phone_states(h->api_version))
		rc = PHONEERR_INVALPHONESTATE;
	else if (button_modes & ~ALL_BUTTON_MODES)
		rc = PHONEERR_INVALBUTTONMODE;
	else if ((button_modes && !button_states) ||
		 (button_states & ~valid_button_states(h->api_version)))
		rc = PHONEERR_INVALBUTTONSTATE;
	if (rc == 0) {
		h->phone_states = phone_states;
		h->button_modes = button_modes;
		h->button_states = button_states;
	}
	union_of_masks(dev, &states, &modes, &bstates);
	pthread_mutex_unlock(&e->lock);
	/* The provider may send more than asked (the engine filters per handle), so its answer
	 * does not change the app's result. */
	if (rc == 0 && dev->prov->phoneSetStatusMessages)
		dev->prov->phoneSetStatusMessages(hd, states, modes, bstates);
	pthread_mutex_unlock(&dev->call_lock);
	return rc;
}

LONG ot_engine_get_status_messages(struct ot_engine *e, struct ot_client *c, HPHONE phone,
				   DWORD *phone_states, DWORD *button_modes, DWORD *button_states)
{
	struct ot_handle *h;

	pthread_mutex_lock(&e->lock);
	h = ot_handle_find(e, c, phone);
	if (h) {
		*phone_states = h->phone_states;
		*button_modes = h->button_modes;
		*button_states = h->button_states;
	}
	pthread_mutex_unlock(&e->lock);
	return h ? 0 : PHONEERR_INVALPHONEHANDLE;
}
