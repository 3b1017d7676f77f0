/* SPDX-License-Identifier: MIT */
/* events.c — PHONE_* messages: the provider's events fanned out to the handles of a device,
 * each filtered by what that handle asked for with phoneSetStatusMessages. All of it runs with
 * the engine lock held. */
#include "alloc.h"
#include "internal.h"
#include "log.h"

void ot_emit(struct ot_app *app, DWORD device, DWORD msg, DWORD_PTR instance, DWORD_PTR p1,
	     DWORD_PTR p2, DWORD_PTR p3)
{
	struct ot_event ev = { .app_cookie = app->cookie };

	ev.msg.hDevice = device;
	ev.msg.dwMessageID = msg;
	ev.msg.dwCallbackInstance = instance;
	ev.msg.dwParam1 = p1;
	ev.msg.dwParam2 = p2;
	ev.msg.dwParam3 = p3;
	app->client->sink->event(app->client->ctx, &ev);
}

/* Sends PHONE_STATE(state) to h if it enabled any of the bits; REINIT cannot be disabled.
 * A TAPI 1.3 handle knows neither CAPSCHANGE (it gets REINIT instead) nor REMOVED. */
static void emit_state(struct ot_handle *h, DWORD state, DWORD_PTR value)
{
	DWORD wanted;

	if (h->api_version < 0x00010004) {
		if (state & PHONESTATE_CAPSCHANGE) {
			state = (state & ~(DWORD)PHONESTATE_CAPSCHANGE) | PHONESTATE_REINIT;
			value = 0;
		}
		state &= ~(DWORD)PHONESTATE_REMOVED;
	}
	wanted = state & (h->phone_states | PHONESTATE_REINIT);

	if (!wanted)
		return;
	/* dwParam2 belongs to a single state; with several bits it is unused. */
	ot_emit(h->app, h->h, PHONE_STATE, h->callback_instance, wanted,
		(wanted & (wanted - 1)) ? 0 : value, 0);
}

void ot_emit_state_to_others(struct ot_handle *except, DWORD state, DWORD_PTR value)
{
	struct ot_handle *h;

	for (h = except->dev->handles; h; h = h->dev_next)
		if (h != except)
			emit_state(h, state, value);
}

/* PHONE_BUTTON passes h's phoneSetStatusMessages filter; UNKNOWN and UNAVAIL are TAPI 1.4
 * states that a 1.3 handle never sees. */
static int button_wanted(const struct ot_handle *h, DWORD_PTR mode, DWORD_PTR state)
{
	if (h->api_version < 0x00010004 &&
	    (state & ~(DWORD_PTR)(PHONEBUTTONSTATE_UP | PHONEBUTTONSTATE_DOWN)))
		return 0;
	return (h->button_modes & mode) && (h->button_states & state);
}

/* PHONE_REMOVE from a provider (htPhone NULL, dwParam1 = device ID): the phone is gone for
 * good. If it was open, TSPI_phoneClose is owed, but not from inside this callback. */
static void provider_removed(struct ot_engine *e, DWORD_PTR id)
{
	pthread_mutex_lock(&e->lock);
	if (id < e->num_devices) {
		struct ot_device *d = e->devices[id];
		int was_open = d->open && !d->removed;

		ot_device_gone(e, d);
		/* TAPI closes the phone at its provider — later, on the watchdog's thread. */
		if (was_open) {
			d->close_owed = 1;
			d->owed_hd = d->hd;
			ot_watchdog_kick(e);
		}
	} else
		ot_log(OT_LOG_WARN, "engine", "PHONE_REMOVE of unknown device %lu ignored",
		       (unsigned long)id);
	pthread_mutex_unlock(&e->lock);
}

/* PHONE_CREATE from a provider (htPhone NULL, dwParam1 = the HPROVIDER of
 * TSPI_providerEnumDevices, dwParam2 = its temporary ID): the watchdog adds the phone, calling
 * the provider back outside this callback. */
static void provider_created(struct ot_engine *e, DWORD_PTR hprov, DWORD_PTR temp)
{
	size_t i;

	pthread_mutex_lock(&e->lock);
	for (i = 0; i < e->num_providers && (DWORD_PTR)e->providers[i] != hprov; i++)
		;
	if (i == e->num_providers)
		ot_log(OT_LOG_WARN, "engine", "PHONE_CREATE from an unknown provider ignored");
	else if (!e->providers[i]->providerCreatePhoneDevice)
		ot_log(OT_LOG_WARN, "engine", "provider '%s': PHONE_CREATE ignored (it has no "
		       "TSPI_providerCreatePhoneDevice)", e->providers[i]->name);
	else if (e->num_created == OT_MAX_PENDING_CREATES)
		ot_log(OT_LOG_WARN, "engine", "provider '%s': PHONE_CREATE ignored (%u are waiting "
		       "already)", e->providers[i]->name, (unsigned)OT_MAX_PENDING_CREATES);
	else {
		e->created[e->num_created].prov = e->providers[i];
		e->created[e->num_created++].temp_id = temp;
		ot_watchdog_kick(e);
	}
	pthread_mutex_unlock(&e->lock);
}

void TSPIAPI ot_on_phone_event(HTAPIPHONE htPhone, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
			       DWORD_PTR p3)
{
	struct ot_device *dev = (struct ot_device *)htPhone;
	struct ot_engine *e = ot_engine_current;
	struct ot_handle *h;

	if (!e)
		return;
	if (!dev && msg == PHONE_REMOVE) {
		provider_removed(e, p1);
		return;
	}
	if (!dev && msg == PHONE_CREATE) {
		provider_created(e, p1, p2);
		return;
	}
	if (!dev) {
		ot_log(OT_LOG_WARN, "engine", "provider event %u without a device ignored",
		       (unsigned)msg);
		return;
	}
	pthread_mutex_lock(&e->lock);
	switch (msg) {
	case PHONE_STATE:
		if (p1 & PHONESTATE_CAPSCHANGE)
			dev->caps_stale = 1; /* read again before the next request */
		for (h = dev->handles; h; h = h->dev_next)
			emit_state(h, (DWORD)p1, p2);
		break;
	case PHONE_BUTTON:
		for (h = dev->handles; h; h = h->dev_next)
			if (button_wanted(h, p2, p3))
				ot_emit(h->app, h->h, PHONE_BUTTON, h->callback_instance, p1, p2, p3);
		break;
	case PHONE_DEVSPECIFIC:
		for (h = dev->handles; h; h = h->dev_next)
			ot_emit(h->app, h->h, PHONE_DEVSPECIFIC, h->callback_instance, p1, p2, p3);
		break;
	case PHONE_CLOSE:
		/* The provider closed the device itself: TSPI_phoneClose is not owed any more. */
		ot_device_close_handles(e, dev, 0);
		break;
	default:
		ot_log(OT_LOG_WARN, "engine", "phone %u: provider event %u ignored",
		       (unsigned)dev->id, (unsigned)msg);
		break;
	}
	pthread_mutex_unlock(&e->lock);
}
