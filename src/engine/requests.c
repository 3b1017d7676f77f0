/* SPDX-License-Identifier: MIT */
/* requests.c — the asynchronous calls (phoneSetData, phoneDevSpecific; the setters of the
 * device's parts are in setters.c) and their completion.
 *
 * A request is recorded before the provider is called, because the provider may complete it
 * inside the call. Its completion removes it and sends exactly one PHONE_REPLY to the app, unless
 * the handle it was made on has been closed (then the reply is suppressed). */
#include <string.h>

#include "alloc.h"
#include "copy.h"
#include "checks.h"
#include "internal.h"
#include "log.h"

void ot_free_payload(void *data, size_t size)
{
	(void)size;
	ot_free(data);
}

/* Records a request on h; engine lock held. */
static LONG record(struct ot_engine *e, struct ot_handle *h, void *data, size_t size,
		   ot_release_fn release, struct ot_request **out)
{
	struct ot_app *app = h->app;
	struct ot_request *r;

	if (app->outstanding >= e->requests_per_app)
		return PHONEERR_RESOURCEUNAVAIL;
	r = ot_malloc(sizeof(*r));
	if (!r)
		return PHONEERR_NOMEM;
	if (ot_handles_add(&e->requests, r, &r->drv_id) < 0) {
		ot_free(r);
		return PHONEERR_NOMEM;
	}
	if (app->client->sink->reserve_reply &&
	    app->client->sink->reserve_reply(app->client->ctx, app->cookie) < 0) {
		ot_handles_remove(&e->requests, r->drv_id);
		ot_free(r);
		return PHONEERR_NOMEM;
	}
	app->last_request_id = app->last_request_id >= 0x7FFFFFFFu ? 1 : app->last_request_id + 1;
	r->id = app->last_request_id;
	r->app = app->h;
	r->phone = h->h;
	r->dev = h->dev;
	r->callback_instance = h->callback_instance;
	r->data = data;
	r->size = size;
	r->release = release;
	r->deadline_ms = e->request_timeout_ms ? ot_now_ms() + e->request_timeout_ms : 0;
	r->expired = 0;
	app->outstanding++;
	*out = r;
	return 0;
}

/* The provider refused a request it was given: forget it, unless it (wrongly) completed it. */
static void abandon(struct ot_engine *e, DRV_REQUESTID drv_id)
{
	struct ot_request *r;
	struct ot_app *app;

	pthread_mutex_lock(&e->lock);
	r = ot_handles_remove(&e->requests, drv_id);
	/* A request the watchdog answered meanwhile has had its reply. */
	if (r && !r->expired && (app = ot_handles_get(&e->apps, r->app))) {
		app->outstanding--;
		if (app->client->sink->unreserve_reply)
			app->client->sink->unreserve_reply(app->client->ctx, app->cookie);
	}
	pthread_mutex_unlock(&e->lock);
	if (r) {
		r->release(r->data, r->size);
		ot_free(r);
	}
}

/* Sends r's PHONE_REPLY (suppressed when its handle is closed); engine lock held. */
static void reply(struct ot_engine *e, struct ot_app *app, const struct ot_request *r, LONG result)
{
	struct ot_event ev = { .app_cookie = app->cookie };

	app->outstanding--;
	ev.msg.dwMessageID = PHONE_REPLY;
	ev.msg.dwCallbackInstance = r->callback_instance;
	ev.msg.dwParam1 = r->id;
	ev.msg.dwParam2 = (DWORD_PTR)(DWORD)result;
	ev.suppressed = ot_handles_get(&e->phones, r->phone) == NULL;
	app->client->sink->event(app->client->ctx, &ev);
}

void ot_request_expire(struct ot_engine *e, struct ot_request *r)
{
	struct ot_app *app = ot_handles_get(&e->apps, r->app);
	struct ot_device *d = r->dev;

	/* The provider still owns the payload: the request stays until it completes (or shuts
	 * down), and that late completion is then only freed. */
	r->expired = 1;
	if (app)
		reply(e, app, r, PHONEERR_OPERATIONFAILED);
	ot_log(OT_LOG_WARN, "engine", "request %u of app %u not completed by its provider in %u ms: "
	       "answered PHONEERR_OPERATIONFAILED", (unsigned)r->drv_id, (unsigned)r->app,
	       e->request_timeout_ms);
	/* That answer may be false: the provider may still carry the request out. So nobody goes
	 * on trusting what they know of the phone: it is closed for every handle (PHONE_CLOSE after
	 * the reply), and at its provider before anyone opens it again (docs/decisions.md). */
	if (d->open && !d->removed) {
		ot_log(OT_LOG_WARN, "engine", "phone %u '%s' closed for every application: its provider "
		       "did not answer in time, so the outcome of request %u is unknown; open the "
		       "phone again and read its state", (unsigned)d->id, d->name,
		       (unsigned)r->drv_id);
		ot_device_close_handles(e, d, 0);
		d->close_owed = 1;
		d->owed_hd = d->hd;
	}
}

void TSPIAPI ot_on_completion(DRV_REQUESTID drv_id, LONG result)
{
	struct ot_engine *e = ot_engine_current;
	struct ot_request *r;
	struct ot_app *app;

	if (!e)
		return;
	pthread_mutex_lock(&e->lock);
	r = ot_handles_remove(&e->requests, drv_id);
	if (!r) {
		pthread_mutex_unlock(&e->lock);
		ot_log(OT_LOG_WARN, "engine", "completion of unknown request %u ignored",
		       (unsigned)drv_id);
		return;
	}
	app = r->expired ? NULL : ot_handles_get(&e->apps, r->app);
	if (r->expired)
		ot_log(OT_LOG_WARN, "engine", "request %u completed after it had timed out; ignored",
		       (unsigned)drv_id);
	if (app)
		reply(e, app, r, result);
	pthread_mutex_unlock(&e->lock);
	r->release(r->data, r->size);
	ot_free(r);
}

LONG ot_request_submit(struct ot_engine *e, struct ot_handle *h, ot_provider_call call,
		       const struct ot_call_args *args)
{
	struct ot_device *dev = h->dev;
	struct ot_request *r;
	DRV_REQUESTID drv_id;
	DWORD id;
	LONG rc = record(e, h, args->data, args->size, args->release, &r);

	if (rc) {
		ot_phone_unlock(e, dev);
		args->release(args->data, args->size);
		return rc;
	}
	drv_id = r->drv_id;
	id = r->id;
	pthread_mutex_unlock(&e->lock);
	rc = call(dev, dev->hd, drv_id, args);
	if (rc < 0)
		abandon(e, drv_id);
	pthread_mutex_unlock(&dev->call_lock);
	return rc < 0 ? rc : (LONG)id;
}

/* Copies the caller's payload once it is known to be valid. The engine lock is dropped for the
 * copy (16 MiB takes milliseconds) while the call lock keeps the device's calls in order; the
 * handle may have been closed meanwhile by a forced close, so it is looked up again. */
static LONG copy_payload(struct ot_engine *e, struct ot_client *c, HPHONE phone,
			 struct ot_handle **h, void **data, DWORD size)
{
	void *copy = NULL;

	pthread_mutex_unlock(&e->lock);
	if (size && (copy = ot_malloc(size)))
		ot_copy(copy, *data, size);
	pthread_mutex_lock(&e->lock);
	if (size && !copy)
		return PHONEERR_NOMEM;
	*h = ot_handle_find(e, c, phone);
	*data = copy;
	if (!*h) {
		ot_free(copy);
		*data = NULL;
		return PHONEERR_INVALPHONEHANDLE;
	}
	return 0;
}

static LONG call_set_data(struct ot_device *dev, HDRVPHONE hd, DRV_REQUESTID drv_id,
			  const struct ot_call_args *a)
{
	return dev->prov->phoneSetData(drv_id, hd, a->a, a->data, a->size);
}

LONG ot_engine_set_data(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD data_id,
			void *data, DWORD size, ot_release_fn release)
{
	struct ot_handle *h;
	struct ot_device *dev;
	LONG rc = ot_phone_lock(e, c, phone, &h);

	if (rc) {
		if (release)
			release(data, size);
		return rc;
	}
	dev = h->dev;
	rc = ot_check_set_data(&dev->caps, h->privilege, dev->prov->phoneSetData != NULL, data_id,
			       size, data != NULL);
	if (rc == 0 && !release)
		rc = copy_payload(e, c, phone, &h, &data, size);
	if (rc) {
		ot_phone_unlock(e, dev);
		if (release)
			release(data, size);
		return rc;
	}
	return ot_request_submit(e, h, call_set_data,
				 &(struct ot_call_args){ .a = data_id, .data = data, .size = size,
							 .release = release ? release
									    : ot_free_payload });
}

/* a->a: the caller's privilege, for a provider that wants it. */
static LONG call_dev_specific(struct ot_device *dev, HDRVPHONE hd, DRV_REQUESTID drv_id,
			      const struct ot_call_args *a)
{
	if (dev->prov->phoneDevSpecificAs)
		return dev->prov->phoneDevSpecificAs(drv_id, hd, a->data, a->size, a->a);
	return dev->prov->phoneDevSpecific(drv_id, hd, a->data, a->size);
}

LONG ot_engine_dev_specific(struct ot_engine *e, struct ot_client *c, HPHONE phone,
			    const void *params, DWORD size)
{
	struct ot_handle *h;
	void *copy = NULL;
	LONG rc;

	rc = ot_check_dev_specific(size, params != NULL);
	if (rc)
		return rc;
	if (size && !(copy = ot_malloc(size)))
		return PHONEERR_NOMEM;
	if (size)
		memcpy(copy, params, size);
	rc = ot_phone_lock(e, c, phone, &h);
	if (rc == 0 && !h->dev->prov->phoneDevSpecific && !h->dev->prov->phoneDevSpecificAs) {
		ot_phone_unlock(e, h->dev);
		rc = PHONEERR_OPERATIONUNAVAIL;
	}
	if (rc) {
		ot_free(copy);
		return rc;
	}
	return ot_request_submit(e, h, call_dev_specific,
				 &(struct ot_call_args){ .a = h->privilege, .data = copy, .size = size,
							 .release = ot_free_payload });
}
