/* embedded.c — the backend that runs the engine inside the application's process. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "app.h"
#include "backend.h"
#include "config.h"
#include "log.h"

struct embedded {
	struct ot_backend base;
	struct ot_engine *engine;
	struct ot_client *client;
};

static struct embedded *from(struct ot_backend *b)
{
	return (struct embedded *)b;
}

static void sink_event(void *ctx, const struct ot_event *ev)
{
	(void)ctx;
	ot_lib_deliver(ev->app_cookie, &ev->msg, ev->suppressed);
}

static int sink_reserve(void *ctx, uint64_t cookie)
{
	(void)ctx;
	return ot_lib_reserve_reply(cookie);
}

static void sink_unreserve(void *ctx, uint64_t cookie)
{
	(void)ctx;
	ot_lib_unreserve_reply(cookie);
}

static const struct ot_sink sink = { sink_event, sink_reserve, sink_unreserve };

static void destroy(struct ot_backend *b)
{
	ot_engine_client_free(from(b)->engine, from(b)->client);
	ot_engine_destroy(from(b)->engine);
	ot_free(b);
}

static DWORD num_devices(struct ot_backend *b)
{
	return ot_engine_num_devices(from(b)->engine);
}

static LONG app_new(struct ot_backend *b, const char *name, DWORD api_version, uint64_t cookie,
		    HPHONEAPP *app)
{
	return ot_engine_app_new(from(b)->engine, from(b)->client, name, api_version, cookie, app);
}

static LONG app_free(struct ot_backend *b, HPHONEAPP app)
{
	return ot_engine_app_free(from(b)->engine, from(b)->client, app);
}

static LONG negotiate_api_version(struct ot_backend *b, HPHONEAPP app, DWORD dev, DWORD low,
				  DWORD high, DWORD *version, PHONEEXTENSIONID *ext_id)
{
	return ot_engine_negotiate_api_version(from(b)->engine, from(b)->client, app, dev, low, high,
					       version, ext_id);
}

static LONG negotiate_ext_version(struct ot_backend *b, HPHONEAPP app, DWORD dev,
				  DWORD api_version, DWORD low, DWORD high, DWORD *ext_version)
{
	return ot_engine_negotiate_ext_version(from(b)->engine, from(b)->client, app, dev,
					       api_version, low, high, ext_version);
}

static LONG get_dev_caps(struct ot_backend *b, HPHONEAPP app, DWORD dev, DWORD api_version,
			 DWORD ext_version, PHONECAPS *caps)
{
	return ot_engine_get_dev_caps(from(b)->engine, from(b)->client, app, dev, api_version,
				      ext_version, caps);
}

static LONG open_phone(struct ot_backend *b, HPHONEAPP app, DWORD dev, HPHONE *phone,
		       DWORD api_version, DWORD ext_version, DWORD_PTR instance, DWORD privilege)
{
	return ot_engine_open(from(b)->engine, from(b)->client, app, dev, phone, api_version,
			      ext_version, instance, privilege);
}

static LONG close_phone(struct ot_backend *b, HPHONE phone)
{
	return ot_engine_close(from(b)->engine, from(b)->client, phone);
}

static LONG set_data(struct ot_backend *b, HPHONE phone, DWORD data_id, const void *data,
		     DWORD size)
{
	/* The engine copies the buffer: the application may reuse it when phoneSetData returns. */
	return ot_engine_set_data(from(b)->engine, from(b)->client, phone, data_id, (void *)data,
				  size, NULL);
}

static LONG get_data(struct ot_backend *b, HPHONE phone, DWORD data_id, void *data, DWORD size)
{
	return ot_engine_get_data(from(b)->engine, from(b)->client, phone, data_id, data, size,
				  NULL);
}

static LONG dev_specific(struct ot_backend *b, HPHONE phone, const void *params, DWORD size)
{
	return ot_engine_dev_specific(from(b)->engine, from(b)->client, phone, params, size);
}

static LONG get_status(struct ot_backend *b, HPHONE phone, PHONESTATUS *status)
{
	return ot_engine_get_status(from(b)->engine, from(b)->client, phone, status);
}

static LONG set_status_messages(struct ot_backend *b, HPHONE phone, DWORD states, DWORD modes,
				DWORD button_states)
{
	return ot_engine_set_status_messages(from(b)->engine, from(b)->client, phone, states, modes,
					     button_states);
}

static LONG get_status_messages(struct ot_backend *b, HPHONE phone, DWORD *states, DWORD *modes,
				DWORD *button_states)
{
	return ot_engine_get_status_messages(from(b)->engine, from(b)->client, phone, states, modes,
					     button_states);
}

static LONG phone_version(struct ot_backend *b, HPHONE phone, DWORD *version)
{
	return ot_engine_phone_version(from(b)->engine, from(b)->client, phone, version);
}

static LONG set_display(struct ot_backend *b, HPHONE phone, DWORD row, DWORD column,
			const char *text, DWORD size)
{
	return ot_engine_set_display(from(b)->engine, from(b)->client, phone, row, column, text,
				     size);
}

static LONG get_display(struct ot_backend *b, HPHONE phone, VARSTRING *display)
{
	return ot_engine_get_display(from(b)->engine, from(b)->client, phone, display);
}

static LONG set_lamp(struct ot_backend *b, HPHONE phone, DWORD id, DWORD mode)
{
	return ot_engine_set_lamp(from(b)->engine, from(b)->client, phone, id, mode);
}

static LONG get_lamp(struct ot_backend *b, HPHONE phone, DWORD id, DWORD *mode)
{
	return ot_engine_get_lamp(from(b)->engine, from(b)->client, phone, id, mode);
}

static LONG set_button_info(struct ot_backend *b, HPHONE phone, DWORD id,
			    const PHONEBUTTONINFO *info)
{
	return ot_engine_set_button_info(from(b)->engine, from(b)->client, phone, id, info);
}

static LONG get_button_info(struct ot_backend *b, HPHONE phone, DWORD id, PHONEBUTTONINFO *info)
{
	return ot_engine_get_button_info(from(b)->engine, from(b)->client, phone, id, info);
}

static LONG set_hookswitch(struct ot_backend *b, HPHONE phone, DWORD devs, DWORD mode)
{
	return ot_engine_set_hookswitch(from(b)->engine, from(b)->client, phone, devs, mode);
}

static LONG get_hookswitch(struct ot_backend *b, HPHONE phone, DWORD *devs)
{
	return ot_engine_get_hookswitch(from(b)->engine, from(b)->client, phone, devs);
}

static LONG set_ring(struct ot_backend *b, HPHONE phone, DWORD mode, DWORD volume)
{
	return ot_engine_set_ring(from(b)->engine, from(b)->client, phone, mode, volume);
}

static LONG get_ring(struct ot_backend *b, HPHONE phone, DWORD *mode, DWORD *volume)
{
	return ot_engine_get_ring(from(b)->engine, from(b)->client, phone, mode, volume);
}

static LONG set_level(struct ot_backend *b, HPHONE phone, enum ot_level kind, DWORD dev,
		      DWORD value)
{
	return ot_engine_set_level(from(b)->engine, from(b)->client, phone, kind, dev, value);
}

static LONG get_level(struct ot_backend *b, HPHONE phone, enum ot_level kind, DWORD dev,
		      DWORD *value)
{
	return ot_engine_get_level(from(b)->engine, from(b)->client, phone, kind, dev, value);
}

static LONG get_id(struct ot_backend *b, HPHONE phone, const char *cls, VARSTRING *id)
{
	return ot_engine_get_id(from(b)->engine, from(b)->client, phone, cls, id);
}

static LONG get_icon(struct ot_backend *b, DWORD dev, const char *cls, char *name)
{
	return ot_engine_get_icon(from(b)->engine, dev, cls, name);
}

static LONG config_dialog(struct ot_backend *b, DWORD dev, HWND owner, const char *cls)
{
	return ot_engine_config_dialog(from(b)->engine, dev, owner, cls);
}

static const struct ot_backend_ops ops = {
	.destroy = destroy,
	.num_devices = num_devices,
	.app_new = app_new,
	.app_free = app_free,
	.negotiate_api_version = negotiate_api_version,
	.negotiate_ext_version = negotiate_ext_version,
	.get_dev_caps = get_dev_caps,
	.open = open_phone,
	.close = close_phone,
	.set_data = set_data,
	.get_data = get_data,
	.dev_specific = dev_specific,
	.get_status = get_status,
	.set_status_messages = set_status_messages,
	.get_status_messages = get_status_messages,
	.phone_version = phone_version,
	.set_display = set_display,
	.get_display = get_display,
	.set_lamp = set_lamp,
	.get_lamp = get_lamp,
	.set_button_info = set_button_info,
	.get_button_info = get_button_info,
	.set_hookswitch = set_hookswitch,
	.get_hookswitch = get_hookswitch,
	.set_ring = set_ring,
	.get_ring = get_ring,
	.set_level = set_level,
	.get_level = get_level,
	.get_id = get_id,
	.get_icon = get_icon,
	.config_dialog = config_dialog,
};

LONG ot_embedded_create(struct ot_backend **out)
{
	struct ot_config *cfg = NULL;
	struct embedded *b;
	char err[1024] = "";
	LONG rc;

	if (ot_config_load(&cfg, err, sizeof(err)) < 0) {
		ot_log(OT_LOG_ERROR, "lib", "%s", err[0] ? err : "cannot load the configuration");
		return PHONEERR_INIFILECORRUPT;
	}
	b = ot_calloc(1, sizeof(*b));
	if (!b) {
		ot_config_free(cfg);
		return PHONEERR_NOMEM;
	}
	b->base.ops = &ops;
	rc = ot_engine_create(cfg, &b->engine, err, sizeof(err));
	ot_config_free(cfg);
	if (rc == 0 && !(b->client = ot_engine_client_new(b->engine, &sink, b)))
		rc = PHONEERR_NOMEM;
	if (rc) {
		ot_log(OT_LOG_ERROR, "lib", "%s", err[0] ? err : "out of memory");
		ot_engine_destroy(b->engine);
		ot_free(b);
		return rc;
	}
	*out = &b->base;
	return 0;
}
