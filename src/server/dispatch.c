/* SPDX-License-Identifier: MIT */
/* dispatch.c — one request from a client: the engine called with its fields, the REPLY queued
 * (docs/protocol.md lists the messages). Every handler answers exactly once; a request that
 * cannot be answered (malformed beyond what the codec checks) is a protocol error and the client
 * is dropped.
 *
 * A request's handler is on_<name> for its row <name> in src/proto/ops.h, found by the row's
 * index (no search); it reads the request's fields by name (f->req_<name>.<field>). Payloads in
 * memfds are payload.c's.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "server.h"

#ifndef OT_VERSION
#define OT_VERSION "0.0.0"
#endif

/* Field `field` of request `name` as a DWORD (the codec already checked that it fits). */
#define ARG(name, field) ((DWORD)f->req_##name.field)

/* The REPLY to request f of row `name`: its fields are 0 until set (r.rep_<name>.<field>). */
#define REPLY(name)                                                                            \
	(struct ot_wire_frame)                                                                 \
	{                                                                                      \
		.opcode = OT_WIRE_REPLY, .seq = f->seq, .reply_to = f->opcode,                 \
		.nfixed = OT_NREP_##name                                                       \
	}

/* Sends reply r with its result and variable bytes. Always 0: a reply that cannot be queued
 * breaks the connection, which conn.c notices. */
static int send_reply(struct ot_conn *c, struct ot_wire_frame *r, LONG result, const void *var,
		      uint32_t var_len)
{
	r->fixed[OT_WIRE_RESULT] = ot_wire_from_long(result);
	r->var = var;
	r->var_len = var_len;
	ot_conn_send(c, r);
	return 0;
}

/* A reply that is its result and variable bytes alone (a request whose reply has no other
 * field). */
static int answer_with(struct ot_conn *c, const struct ot_wire_frame *f, LONG result,
		       const void *var, uint32_t var_len)
{
	struct ot_wire_frame r = { .opcode = OT_WIRE_REPLY, .seq = f->seq, .reply_to = f->opcode,
				   .nfixed = 1 };

	return send_reply(c, &r, result, var, var_len);
}

static int answer(struct ot_conn *c, const struct ot_wire_frame *f, LONG result)
{
	return answer_with(c, f, result, NULL, 0);
}

static uint32_t software_version(void)
{
	unsigned major = 0, minor = 0, patch = 0;

	sscanf(OT_VERSION, "%u.%u.%u", &major, &minor, &patch);
	return major << 16 | minor << 8 | patch;
}

/* ---- the connection, apps and device IDs ---------------------------------------------- */

static int on_hello(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	struct ot_wire_frame r = REPLY(hello);
	DWORD version = ARG(hello, proto_version);
	char why[128];

	r.rep_hello.proto_version = OT_WIRE_PROTO_VERSION;
	r.rep_hello.software_version = software_version();
	if (c->client)
		return -1; /* HELLO twice */
	if (f->req_hello.magic != OT_WIRE_MAGIC || version < OT_WIRE_PROTO_MIN ||
	    version > OT_WIRE_PROTO_VERSION) {
		snprintf(why, sizeof(why),
			 "protocol version %u not supported (this server speaks %u to %u)",
			 (unsigned)version, OT_WIRE_PROTO_MIN, OT_WIRE_PROTO_VERSION);
		snprintf(c->why, sizeof(c->why), "%s", why);
		send_reply(c, &r, PHONEERR_INCOMPATIBLEAPIVERSION, why, (uint32_t)strlen(why) + 1);
		return -1;
	}
	c->client = ot_engine_client_new(c->srv->engine, &ot_server_sink, c);
	if (c->client && ot_engine_client_set_cred(c->srv->engine, c->client, c->cred.uid,
						   c->cred.gid, c->groups, c->num_groups) < 0) {
		ot_engine_client_free(c->srv->engine, c->client);
		c->client = NULL;
	}
	return send_reply(c, &r, c->client ? 0 : PHONEERR_NOMEM, NULL, 0);
}

static int on_app_new(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	struct ot_wire_frame r = REPLY(app_new);
	HPHONEAPP app = 0;
	LONG rc = ot_engine_app_new(c->srv->engine, c->client, ot_wire_text(f),
				    ARG(app_new, api_version), f->req_app_new.cookie, &app);

	r.rep_app_new.hphoneapp = app;
	r.rep_app_new.num_devices = ot_engine_num_devices(c->srv->engine);
	return send_reply(c, &r, rc, NULL, 0);
}

static int on_app_free(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return answer(c, f, ot_engine_app_free(c->srv->engine, c->client, ARG(app_free, hphoneapp)));
}

static int on_negotiate_api(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	struct ot_wire_frame r = REPLY(negotiate_api);
	PHONEEXTENSIONID ext = { 0 };
	DWORD version = 0;
	LONG rc = ot_engine_negotiate_api_version(
		c->srv->engine, c->client, ARG(negotiate_api, hphoneapp),
		ARG(negotiate_api, device), ARG(negotiate_api, low), ARG(negotiate_api, high),
		&version, &ext);

	r.rep_negotiate_api.api_version = version;
	r.rep_negotiate_api.ext_id0 = ext.dwExtensionID0;
	r.rep_negotiate_api.ext_id1 = ext.dwExtensionID1;
	r.rep_negotiate_api.ext_id2 = ext.dwExtensionID2;
	r.rep_negotiate_api.ext_id3 = ext.dwExtensionID3;
	return send_reply(c, &r, rc, NULL, 0);
}

static int on_negotiate_ext(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	struct ot_wire_frame r = REPLY(negotiate_ext);
	DWORD ext = 0;
	LONG rc = ot_engine_negotiate_ext_version(
		c->srv->engine, c->client, ARG(negotiate_ext, hphoneapp),
		ARG(negotiate_ext, device), ARG(negotiate_ext, api_version),
		ARG(negotiate_ext, low), ARG(negotiate_ext, high), &ext);

	r.rep_negotiate_ext.ext_version = ext;
	return send_reply(c, &r, rc, NULL, 0);
}

/* A variable-size structure of up to total bytes (capped at what one frame carries), filled by
 * fill, answered with its dwUsedSize bytes. */
static int var_struct(struct ot_conn *c, const struct ot_wire_frame *f, DWORD total, DWORD fixed,
		      LONG (*fill)(struct ot_conn *, const struct ot_wire_frame *, void *))
{
	DWORD size = total < OT_WIRE_INLINE_MAX ? total : OT_WIRE_INLINE_MAX;
	void *buf = ot_calloc(1, size > fixed ? size : fixed);
	LONG rc;
	DWORD used = 0;

	if (!buf)
		return answer(c, f, PHONEERR_NOMEM);
	memcpy(buf, &size, sizeof(size)); /* dwTotalSize */
	rc = fill(c, f, buf);
	if (rc == 0) {
		memcpy(&used, (char *)buf + 8, sizeof(used)); /* dwUsedSize */
		if (used > size)
			used = size;
	}
	answer_with(c, f, rc, buf, used);
	ot_free(buf);
	return 0;
}

static LONG fill_caps(struct ot_conn *c, const struct ot_wire_frame *f, void *buf)
{
	return ot_engine_get_dev_caps(c->srv->engine, c->client, ARG(get_dev_caps, hphoneapp),
				      ARG(get_dev_caps, device), ARG(get_dev_caps, api_version),
				      ARG(get_dev_caps, ext_version), buf);
}

static int on_get_dev_caps(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return var_struct(c, f, ARG(get_dev_caps, total_size), sizeof(PHONECAPS), fill_caps);
}

static int on_open(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	struct ot_wire_frame r = REPLY(open);
	HPHONE phone = 0;
	LONG rc = ot_engine_open(c->srv->engine, c->client, ARG(open, hphoneapp), ARG(open, device),
				 &phone, ARG(open, api_version), ARG(open, ext_version),
				 (DWORD_PTR)f->req_open.callback_instance, ARG(open, privilege));

	r.rep_open.hphone = phone;
	return send_reply(c, &r, rc, NULL, 0);
}

/* A class text: empty stands for NULL (both name the phone itself). */
static const char *class_of(const struct ot_wire_frame *f)
{
	return f->var_len ? ot_wire_text(f) : NULL;
}

static int on_get_icon(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	char name[OT_ICON_NAME_MAX];
	LONG rc = ot_engine_get_icon(c->srv->engine, ARG(get_icon, device), class_of(f), name);

	return answer_with(c, f, rc, name, rc == 0 ? (uint32_t)strlen(name) + 1 : 0);
}

static int on_config_dialog(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	/* The application's window means nothing in this process. */
	return answer(c, f, ot_engine_config_dialog(c->srv->engine, ARG(config_dialog, device),
						    NULL, class_of(f)));
}

/* ---- phone handles ---------------------------------------------------------------------- */

static int on_close(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return answer(c, f, ot_engine_close(c->srv->engine, c->client, ARG(close, hphone)));
}

static int on_set_data(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	DWORD phone = ARG(set_data, hphone), id = ARG(set_data, data_id);
	DWORD size = ARG(set_data, size);
	void *data = (void *)f->var;
	ot_release_fn release = NULL;

	if (fd >= 0) {
		/* An empty memfd: the request goes without its bytes, and the engine says why it
		 * refuses, in its order. Anything that is not a memfd (a pipe, a socket) is a
		 * protocol error. */
		if (ot_payload_is_empty(fd)) {
			close(fd);
			return answer(c, f, ot_engine_set_data(c->srv->engine, c->client, phone, id,
							       NULL, size, NULL));
		}
		/* The engine keeps the mapping until the provider is done: no copy. */
		data = ot_payload_map(c, fd, size, 0, &release);
		close(fd);
		if (!data) {
			snprintf(c->why, sizeof(c->why), "SET_DATA with a bad memfd");
			return -1;
		}
	}
	return answer(c, f, ot_engine_set_data(c->srv->engine, c->client, phone, id,
					       size ? data : NULL, size, release));
}

static int on_get_data(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	struct ot_wire_frame r = REPLY(get_data);
	DWORD phone = ARG(get_data, hphone), id = ARG(get_data, data_id);
	DWORD size = ARG(get_data, size), copied = 0;
	ot_release_fn release = NULL;
	void *buf;
	LONG rc;

	if (fd >= 0 && ot_payload_is_empty(fd)) {
		/* The caller gave no buffer: the engine says why that is refused, in its order. */
		close(fd);
		rc = ot_engine_get_data(c->srv->engine, c->client, phone, id, NULL, size, &copied);
		r.rep_get_data.size = copied;
		return send_reply(c, &r, rc, NULL, 0);
	}
	if (fd >= 0) {
		/* A large read goes straight into the client's memfd. */
		buf = ot_payload_map(c, fd, size, 1, &release);
		close(fd);
		if (!buf) {
			snprintf(c->why, sizeof(c->why), "GET_DATA with a bad memfd");
			return -1;
		}
		rc = ot_engine_get_data(c->srv->engine, c->client, phone, id, buf, size, &copied);
		release(buf, size);
		r.rep_get_data.size = copied;
		return send_reply(c, &r, rc, NULL, 0);
	}
	if (size > OT_WIRE_INLINE_MAX)
		return -1;
	buf = ot_malloc(size ? size : 1);
	if (!buf)
		return send_reply(c, &r, PHONEERR_NOMEM, NULL, 0);
	rc = ot_engine_get_data(c->srv->engine, c->client, phone, id, buf, size, &copied);
	r.rep_get_data.size = copied;
	send_reply(c, &r, rc, buf, rc == 0 ? copied : 0);
	ot_free(buf);
	return 0;
}

static int on_dev_specific(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return answer(c, f, ot_engine_dev_specific(c->srv->engine, c->client,
						   ARG(dev_specific, hphone), f->var,
						   ARG(dev_specific, size)));
}

static LONG fill_status(struct ot_conn *c, const struct ot_wire_frame *f, void *buf)
{
	return ot_engine_get_status(c->srv->engine, c->client, ARG(get_status, hphone), buf);
}

static int on_get_status(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return var_struct(c, f, ARG(get_status, total_size), sizeof(PHONESTATUS), fill_status);
}

static int on_set_status_messages(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return answer(c, f, ot_engine_set_status_messages(
				    c->srv->engine, c->client, ARG(set_status_messages, hphone),
				    ARG(set_status_messages, phone_states),
				    ARG(set_status_messages, button_modes),
				    ARG(set_status_messages, button_states)));
}

static int on_get_status_messages(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	struct ot_wire_frame r = REPLY(get_status_messages);
	DWORD states = 0, modes = 0, bstates = 0;
	LONG rc = ot_engine_get_status_messages(c->srv->engine, c->client,
						ARG(get_status_messages, hphone), &states, &modes,
						&bstates);

	r.rep_get_status_messages.phone_states = states;
	r.rep_get_status_messages.button_modes = modes;
	r.rep_get_status_messages.button_states = bstates;
	return send_reply(c, &r, rc, NULL, 0);
}

/* ---- the device's parts (protocol version 2) ------------------------------------------ */

static int on_set_display(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	/* The text travels up to and with its first NUL, or not at all (no pointer, too long):
	 * then the request's size lets the engine say which. */
	const char *text = f->var_len ? (const char *)f->var : NULL;
	DWORD size = f->var_len ? f->var_len : ARG(set_display, size);

	return answer(c, f, ot_engine_set_display(c->srv->engine, c->client,
						  ARG(set_display, hphone), ARG(set_display, row),
						  ARG(set_display, column), text, size));
}

static LONG fill_display(struct ot_conn *c, const struct ot_wire_frame *f, void *buf)
{
	return ot_engine_get_display(c->srv->engine, c->client, ARG(get_display, hphone), buf);
}

static int on_get_display(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return var_struct(c, f, ARG(get_display, total_size), sizeof(VARSTRING), fill_display);
}

static int on_set_lamp(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return answer(c, f, ot_engine_set_lamp(c->srv->engine, c->client, ARG(set_lamp, hphone),
					       ARG(set_lamp, id), ARG(set_lamp, mode)));
}

static int on_get_lamp(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	struct ot_wire_frame r = REPLY(get_lamp);
	DWORD mode = 0;
	LONG rc = ot_engine_get_lamp(c->srv->engine, c->client, ARG(get_lamp, hphone),
				     ARG(get_lamp, id), &mode);

	r.rep_get_lamp.mode = mode;
	return send_reply(c, &r, rc, NULL, 0);
}

/* The client sends a compact PHONEBUTTONINFO, or the bytes that show why it has none (nothing:
 * no pointer; its first bytes: too small; its fixed part: a part outside it). The engine reads
 * only inside the bytes received. */
static int on_set_button_info(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	PHONEBUTTONINFO *info = NULL;
	LONG rc;

	if (f->var_len && f->var_len < sizeof(DWORD))
		return -1;
	if (f->var_len) {
		info = ot_calloc(1, f->var_len > sizeof(*info) ? f->var_len : sizeof(*info));
		if (!info)
			return answer(c, f, PHONEERR_NOMEM);
		memcpy(info, f->var, f->var_len);
		if (info->dwTotalSize > f->var_len)
			info->dwTotalSize = f->var_len;
	}
	rc = ot_engine_set_button_info(c->srv->engine, c->client, ARG(set_button_info, hphone),
				       ARG(set_button_info, id), info);
	ot_free(info);
	return answer(c, f, rc);
}

static LONG fill_button_info(struct ot_conn *c, const struct ot_wire_frame *f, void *buf)
{
	return ot_engine_get_button_info(c->srv->engine, c->client, ARG(get_button_info, hphone),
					 ARG(get_button_info, id), buf);
}

static int on_get_button_info(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return var_struct(c, f, ARG(get_button_info, total_size), sizeof(PHONEBUTTONINFO),
			  fill_button_info);
}

static int on_set_hookswitch(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return answer(c, f, ot_engine_set_hookswitch(c->srv->engine, c->client,
						     ARG(set_hookswitch, hphone),
						     ARG(set_hookswitch, devs),
						     ARG(set_hookswitch, mode)));
}

static int on_get_hookswitch(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	struct ot_wire_frame r = REPLY(get_hookswitch);
	DWORD devs = 0;
	LONG rc = ot_engine_get_hookswitch(c->srv->engine, c->client, ARG(get_hookswitch, hphone),
					   &devs);

	r.rep_get_hookswitch.devs = devs;
	return send_reply(c, &r, rc, NULL, 0);
}

static int on_set_ring(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return answer(c, f, ot_engine_set_ring(c->srv->engine, c->client, ARG(set_ring, hphone),
					       ARG(set_ring, mode), ARG(set_ring, volume)));
}

static int on_get_ring(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	struct ot_wire_frame r = REPLY(get_ring);
	DWORD mode = 0, volume = 0;
	LONG rc = ot_engine_get_ring(c->srv->engine, c->client, ARG(get_ring, hphone), &mode,
				     &volume);

	r.rep_get_ring.mode = mode;
	r.rep_get_ring.volume = volume;
	return send_reply(c, &r, rc, NULL, 0);
}

/* Volume and gain share their fields (ops.h: OT_REQ_SET_LEVEL, OT_REQ_LEVEL, OT_REP_LEVEL). */
static int set_level(struct ot_conn *c, const struct ot_wire_frame *f, enum ot_level kind)
{
	return answer(c, f, ot_engine_set_level(c->srv->engine, c->client, ARG(set_volume, hphone),
						kind, ARG(set_volume, device),
						ARG(set_volume, value)));
}

static int get_level(struct ot_conn *c, const struct ot_wire_frame *f, enum ot_level kind)
{
	struct ot_wire_frame r = REPLY(get_volume);
	DWORD value = 0;
	LONG rc = ot_engine_get_level(c->srv->engine, c->client, ARG(get_volume, hphone), kind,
				      ARG(get_volume, device), &value);

	r.rep_get_volume.value = value;
	return send_reply(c, &r, rc, NULL, 0);
}

static int on_set_volume(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return set_level(c, f, OT_LEVEL_VOLUME);
}

static int on_get_volume(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return get_level(c, f, OT_LEVEL_VOLUME);
}

static int on_set_gain(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return set_level(c, f, OT_LEVEL_GAIN);
}

static int on_get_gain(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return get_level(c, f, OT_LEVEL_GAIN);
}

static LONG fill_id(struct ot_conn *c, const struct ot_wire_frame *f, void *buf)
{
	return ot_engine_get_id(c->srv->engine, c->client, ARG(get_id, hphone), ot_wire_text(f),
				buf);
}

static int on_get_id(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	return var_struct(c, f, ARG(get_id, total_size), sizeof(VARSTRING), fill_id);
}

/* ---- dispatch ------------------------------------------------------------------------- */

/* fd: the descriptor that came with the request, or -1; only SET_DATA and GET_DATA may bring
 * one (the codec refuses it elsewhere), and they own it. */
typedef int (*handler)(struct ot_conn *c, const struct ot_wire_frame *f, int fd);

#define HANDLER(NAME, name, ...) [OT_OPX_##NAME] = on_##name,
static const handler handlers[OT_OPX_COUNT] = { OT_WIRE_OPS(HANDLER) };

int ot_dispatch(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	int i = ot_wire_op_index(f->opcode);

	/* The codec refuses a descriptor where the schema allows none; closed here all the same. */
	if (fd >= 0 && (i < 0 || !ot_wire_schema(f->opcode, OT_WIRE_TO_SERVER, 0)->fd)) {
		close(fd);
		fd = -1;
	}
	return i < 0 ? -1 : handlers[i](c, f, fd);
}
