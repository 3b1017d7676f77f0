/* SPDX-License-Identifier: MIT */
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

/* The operations that are the engine's own (backend.h, OT_BACKEND_FORWARDED). */
#define FORWARD(name, params, args)                                                            \
	static LONG fwd_##name OT_BACKEND_PARAMS params                                        \
	{                                                                                      \
		return ot_engine_##name(from(b)->engine, from(b)->client, OT_FORWARD_ARGS args); \
	}
#define OT_FORWARD_ARGS(...) __VA_ARGS__
OT_BACKEND_FORWARDED(FORWARD)

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

static LONG get_icon(struct ot_backend *b, DWORD dev, const char *cls, char *name)
{
	return ot_engine_get_icon(from(b)->engine, dev, cls, name);
}

static LONG config_dialog(struct ot_backend *b, DWORD dev, HWND owner, const char *cls)
{
	return ot_engine_config_dialog(from(b)->engine, dev, owner, cls);
}

#define ENTRY(name, params, args) .name = fwd_##name,
static const struct ot_backend_ops ops = {
	.destroy = destroy,
	.num_devices = num_devices,
	.set_data = set_data,
	.get_data = get_data,
	.get_icon = get_icon,
	.config_dialog = config_dialog,
	OT_BACKEND_FORWARDED(ENTRY)
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
