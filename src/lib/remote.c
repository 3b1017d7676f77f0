/* SPDX-License-Identifier: MIT */
/* remote.c — the operations of the backend that talks to tapisrv (docs/protocol.md): each
 * phone* operation as one request built by name from its row in src/proto/ops.h, and its
 * reply's fields read by name. remote_parts.c has the device's parts and identification,
 * remote_conn.c the connection they travel on, remote_shm.c the reusable memfds of large
 * payloads.
 *
 * The library decides no answer the engine decides: what it cannot send (no buffer from the
 * caller, a write larger than the area) goes without its bytes and the engine says why, in its
 * own order, as in embedded mode (docs/decisions.md, "One order in both modes").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "alloc.h"
#include "copy.h"
#include "remote.h"

static LONG simple(struct remote *r, struct ot_wire_frame f)
{
	struct call c;

	return ot_remote_transact(r, &f, -1, NULL, 0, &c);
}

static DWORD num_devices(struct ot_backend *b)
{
	return from(b)->num_devices;
}

LONG ot_remote_app_new(struct ot_backend *b, const char *name, DWORD api_version, uint64_t cookie,
		    HPHONEAPP *app)
{
	struct remote *r = from(b);
	struct rapp *a = ot_calloc(1, sizeof(*a));
	struct ot_wire_frame f;
	struct call c;
	uint32_t id;
	LONG rc;

	if (!a)
		return PHONEERR_NOMEM;
	a->cookie = cookie;
	pthread_mutex_lock(&r->lock);
	id = ++r->next_app_id ? r->next_app_id : ++r->next_app_id;
	rc = ot_map_put(&r->apps, id, a) < 0 ? PHONEERR_NOMEM : 0;
	pthread_mutex_unlock(&r->lock);
	if (rc) {
		ot_remote_free_app(a);
		return rc;
	}
	f = REQUEST(app_new, .api_version = api_version, .cookie = id);
	f.var = (const uint8_t *)name;
	f.var_len = (uint32_t)strnlen(name, OT_WIRE_TEXT_MAX - 1) + 1;
	if (f.var_len == OT_WIRE_TEXT_MAX && name[OT_WIRE_TEXT_MAX - 1])
		rc = PHONEERR_INVALAPPNAME;
	else
		rc = ot_remote_transact(r, &f, -1, NULL, 0, &c);
	pthread_mutex_lock(&r->lock);
	if (rc == 0) {
		a->remote = (HPHONEAPP)c.reply.rep_app_new.hphoneapp;
		r->num_devices = (DWORD)c.reply.rep_app_new.num_devices;
		*app = id; /* the backend's app handle is its own ID; the server's stays inside */
	} else {
		ot_map_remove(&r->apps, id);
	}
	pthread_mutex_unlock(&r->lock);
	if (rc)
		ot_remote_free_app(a);
	return rc;
}

/* The server's handle of app id, or 0. */
static HPHONEAPP server_app(struct remote *r, HPHONEAPP id)
{
	struct rapp *a;
	HPHONEAPP h;

	pthread_mutex_lock(&r->lock);
	a = ot_map_get(&r->apps, id);
	h = a ? a->remote : 0;
	pthread_mutex_unlock(&r->lock);
	return h;
}

LONG ot_remote_app_free(struct ot_backend *b, HPHONEAPP app)
{
	struct remote *r = from(b);
	LONG rc = simple(r, REQUEST(app_free, .hphoneapp = server_app(r, app)));
	struct rphone *p;
	struct rapp *a;
	size_t i = 0;
	uint32_t key;

	/* Whatever the server says (it may be gone), the app is gone here. */
	pthread_mutex_lock(&r->lock);
	while ((p = ot_map_next(&r->phones, &i, &key)))
		if (p->app_id == app)
			ot_remote_free_phone(ot_map_remove(&r->phones, key));
	a = ot_map_remove(&r->apps, app);
	pthread_mutex_unlock(&r->lock);
	if (a)
		ot_remote_free_app(a);
	return rc == (LONG)PHONEERR_REINIT ? 0 : rc;
}

LONG ot_remote_negotiate_api_version(struct ot_backend *b, HPHONEAPP app, DWORD dev, DWORD low,
				  DWORD high, DWORD *version, PHONEEXTENSIONID *ext)
{
	struct remote *r = from(b);
	struct ot_wire_frame f = REQUEST(negotiate_api, .hphoneapp = server_app(r, app),
					 .device = dev, .low = low, .high = high);
	struct call c;
	LONG rc = ot_remote_transact(r, &f, -1, NULL, 0, &c);

	if (rc == 0) {
		*version = (DWORD)c.reply.rep_negotiate_api.api_version;
		ext->dwExtensionID0 = (DWORD)c.reply.rep_negotiate_api.ext_id0;
		ext->dwExtensionID1 = (DWORD)c.reply.rep_negotiate_api.ext_id1;
		ext->dwExtensionID2 = (DWORD)c.reply.rep_negotiate_api.ext_id2;
		ext->dwExtensionID3 = (DWORD)c.reply.rep_negotiate_api.ext_id3;
	}
	return rc;
}

LONG ot_remote_negotiate_ext_version(struct ot_backend *b, HPHONEAPP app, DWORD dev,
				  DWORD api_version, DWORD low, DWORD high, DWORD *ext_version)
{
	struct remote *r = from(b);
	struct ot_wire_frame f = REQUEST(negotiate_ext, .hphoneapp = server_app(r, app),
					 .device = dev, .api_version = api_version, .low = low,
					 .high = high);
	struct call c;
	LONG rc = ot_remote_transact(r, &f, -1, NULL, 0, &c);

	if (rc == 0)
		*ext_version = (DWORD)c.reply.rep_negotiate_ext.ext_version;
	return rc;
}

LONG ot_remote_var_struct(struct remote *r, struct ot_wire_frame *f, void *st)
{
	DWORD total;
	struct call c;
	LONG rc;

	memcpy(&total, st, sizeof(total));
	rc = ot_remote_transact(r, f, -1, st, total, &c);
	if (rc == 0)
		memcpy(st, &total, sizeof(total));
	return rc;
}

LONG ot_remote_get_dev_caps(struct ot_backend *b, HPHONEAPP app, DWORD dev, DWORD api_version,
			 DWORD ext_version, PHONECAPS *caps)
{
	struct remote *r = from(b);
	struct ot_wire_frame f = REQUEST(get_dev_caps, .hphoneapp = server_app(r, app),
					 .device = dev, .api_version = api_version,
					 .ext_version = ext_version, .total_size = caps->dwTotalSize);

	return ot_remote_var_struct(r, &f, caps);
}

LONG ot_remote_get_status(struct ot_backend *b, HPHONE phone, PHONESTATUS *status)
{
	struct ot_wire_frame f = REQUEST(get_status, .hphone = phone,
					 .total_size = status->dwTotalSize);

	return ot_remote_var_struct(from(b), &f, status);
}

LONG ot_remote_open(struct ot_backend *b, HPHONEAPP app, DWORD dev, HPHONE *phone,
		       DWORD api_version, DWORD ext_version, DWORD_PTR instance, DWORD privilege)
{
	struct remote *r = from(b);
	struct rphone *p = ot_calloc(1, sizeof(*p));
	struct ot_wire_frame f = REQUEST(open, .hphoneapp = server_app(r, app), .device = dev,
					 .api_version = api_version, .ext_version = ext_version,
					 .callback_instance = (uint64_t)instance,
					 .privilege = privilege);
	struct call c;
	LONG rc;

	if (!p)
		return PHONEERR_NOMEM;
	p->app_id = app;
	p->instance = instance;
	p->privilege = privilege;
	p->api_version = api_version;
	p->dev = dev;
	rc = ot_remote_transact(r, &f, -1, NULL, 0, &c);
	if (rc == 0) {
		*phone = (HPHONE)c.reply.rep_open.hphone;
		pthread_mutex_lock(&r->lock);
		if (ot_map_put(&r->phones, *phone, p) < 0) {
			pthread_mutex_unlock(&r->lock);
			simple(r, REQUEST(close, .hphone = *phone));
			ot_remote_free_phone(p);
			return PHONEERR_NOMEM;
		}
		pthread_mutex_unlock(&r->lock);
		return 0;
	}
	ot_remote_free_phone(p);
	return rc;
}

LONG ot_remote_close(struct ot_backend *b, HPHONE phone)
{
	struct remote *r = from(b);
	LONG rc = simple(r, REQUEST(close, .hphone = phone));

	if (rc == 0) {
		pthread_mutex_lock(&r->lock);
		ot_remote_free_phone(ot_map_remove(&r->phones, phone));
		pthread_mutex_unlock(&r->lock);
	}
	return rc;
}

/* A sealed memfd holding size bytes of data (or, data NULL, size zero bytes, writable). */
static int make_memfd(const void *data, size_t size)
{
	int seals = F_SEAL_SHRINK | F_SEAL_GROW | (data ? F_SEAL_WRITE : 0);
	int fd = memfd_create("opentapi-data", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	size_t off = 0;

	if (fd < 0 || ftruncate(fd, (off_t)size) < 0)
		goto fail;
	while (data && off < size) {
		ssize_t n = pwrite(fd, (const char *)data + off, size - off, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (fcntl(fd, F_ADD_SEALS, seals) < 0)
		goto fail;
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* The download areas of dev as its capabilities say now: *sizes (ot_free it) and *n. */
static LONG read_areas(struct remote *r, HPHONEAPP app, DWORD dev, DWORD api_version,
		       DWORD **sizes, DWORD *n)
{
	/* PHONECAPS grown to dwNeededSize: a phone with many buttons has more than a page of it. */
	DWORD total = 4096, size, offset;
	PHONECAPS *caps = NULL;
	LONG rc;

	*sizes = NULL;
	*n = 0;
	for (int attempt = 0; attempt < 3; attempt++) {
		ot_free(caps);
		caps = ot_calloc(1, total);
		if (!caps)
			return PHONEERR_NOMEM;
		caps->dwTotalSize = total;
		rc = ot_remote_get_dev_caps(&r->base, app, dev, api_version, 0, caps);
		if (rc != 0 || caps->dwNeededSize <= total)
			break;
		total = caps->dwNeededSize;
	}
	size = caps->dwSetDataSize;
	offset = caps->dwSetDataOffset;
	if (rc == 0 && caps->dwNumSetData && size >= caps->dwNumSetData * sizeof(DWORD) &&
	    offset <= caps->dwUsedSize && caps->dwUsedSize - offset >= size) {
		*sizes = ot_malloc(size);
		if (*sizes) {
			memcpy(*sizes, (const char *)caps + offset, size);
			*n = caps->dwNumSetData;
		} else {
			rc = PHONEERR_NOMEM;
		}
	}
	ot_free(caps);
	return rc;
}

/* Does data area data_id of our phone take size bytes? From the copy of the area sizes, or
 * (fresh, or no copy yet) from the capabilities as the server has them now, which then become
 * the copy. 1 yes; 0 no, or the handle is not ours (the engine says what is wrong); or the
 * error that kept the capabilities unread (never answered as if the area were too small). */
static LONG area_holds(struct remote *r, HPHONE phone, DWORD data_id, DWORD size, int fresh)
{
	struct rphone *p;
	DWORD dev = 0, version = 0, n = 0, *sizes = NULL;
	HPHONEAPP app = 0;
	int known = 0, holds = 0;
	LONG rc;

	pthread_mutex_lock(&r->lock);
	p = ot_map_get(&r->phones, phone);
	if (p) {
		known = p->areas_known && !fresh;
		app = p->app_id;
		dev = p->dev;
		version = p->api_version;
	}
	pthread_mutex_unlock(&r->lock);
	if (!p)
		return 0;
	if (!known && (rc = read_areas(r, app, dev, version, &sizes, &n)) != 0)
		return rc;
	pthread_mutex_lock(&r->lock);
	p = ot_map_get(&r->phones, phone);
	if (p && !known) {
		ot_free(p->set_data_sizes);
		p->set_data_sizes = sizes;
		p->num_set_data = n;
		p->areas_known = 1;
		sizes = NULL;
	}
	holds = p && data_id < p->num_set_data && size <= p->set_data_sizes[data_id];
	pthread_mutex_unlock(&r->lock);
	ot_free(sizes);
	return holds;
}

/* Sends a request whose caller gave no buffer for size bytes with an empty memfd in its place:
 * the engine judges it as in embedded mode, in its own order (the handle, the privilege, the
 * data ID and the size come before the pointer), and says why it refuses. */
static LONG without_buffer(struct remote *r, HPHONE phone, struct ot_wire_frame *f, int async)
{
	struct call c;
	int fd = make_memfd(NULL, 0);
	LONG rc;

	if (fd < 0)
		return errno == ENOMEM ? PHONEERR_NOMEM : PHONEERR_RESOURCEUNAVAIL;
	f->flags = OT_WIRE_FLAG_FD;
	rc = async ? ot_remote_async(r, phone, f, fd) : ot_remote_transact(r, f, fd, NULL, 0, &c);
	close(fd);
	return rc;
}

/* The library decides nothing the engine decides. It reads the caller's bytes only when the
 * area takes them (so that a size larger than the area never makes it read past the caller's
 * buffer), asking the server for the area's size again before it concludes that the area does
 * not take them (it may have grown: PHONESTATE_CAPSCHANGE); otherwise the request goes without
 * its bytes and the engine says why it refuses, as in embedded mode. */
static LONG set_data(struct ot_backend *b, HPHONE phone, DWORD data_id, const void *data,
		     DWORD size)
{
	struct remote *r = from(b);
	struct ot_wire_frame f = REQUEST(set_data, .hphone = phone, .data_id = data_id, .size = size);
	struct ot_shm_slot *slot;
	int fd, tries = 0;
	LONG rc;

	if (!data && size)
		return without_buffer(r, phone, &f, 1);
	while (size && (rc = area_holds(r, phone, data_id, size, tries > 0)) != 1) {
		if (rc < 0)
			return rc;
		rc = without_buffer(r, phone, &f, 1);
		/* INVALPOINTER: the engine would have taken the bytes (the area grew after the
		 * library last asked); once more with its size as it is now. */
		if (rc != (LONG)PHONEERR_INVALPOINTER || ++tries > 2)
			return rc;
		f.flags = 0;
	}
	if (size <= OT_WIRE_INLINE_MAX) {
		f.var = data;
		f.var_len = size;
		return ot_remote_async(r, phone, &f, -1);
	}
	/* Large payloads travel as a sealed memfd: one copy, no socket traffic; the connection's
	 * reusable one when it is free (remote_shm.c), else one made for this request. */
	slot = ot_remote_shm_acquire(r, size);
	if (slot) {
		ot_copy(slot->map, data, size);
		f.flags = OT_WIRE_FLAG_FD;
		rc = ot_remote_async(r, phone, &f, slot->fd);
		ot_remote_shm_sent(r, slot, phone, rc);
		return rc;
	}
	fd = make_memfd(data, size);
	if (fd < 0)
		return errno == ENOMEM ? PHONEERR_NOMEM : PHONEERR_RESOURCEUNAVAIL;
	f.flags = OT_WIRE_FLAG_FD;
	rc = ot_remote_async(r, phone, &f, fd);
	close(fd);
	return rc;
}

static LONG get_data(struct ot_backend *b, HPHONE phone, DWORD data_id, void *data, DWORD size)
{
	struct remote *r = from(b);
	struct ot_wire_frame f = REQUEST(get_data, .hphone = phone, .data_id = data_id, .size = size);
	struct ot_shm_slot *slot;
	struct call c;
	uint64_t got;
	int fd = -1;
	LONG rc;

	if (!data && size)
		return without_buffer(r, phone, &f, 0);
	if (size <= OT_WIRE_INLINE_MAX)
		return ot_remote_transact(r, &f, -1, data, size, &c);
	/* A large read lands in a memfd the server fills: the connection's reusable one when it is
	 * free (the server wrote it before it answered), else one made for this request. */
	slot = ot_remote_shm_acquire(r, size);
	if (slot) {
		f.flags = OT_WIRE_FLAG_FD;
		rc = ot_remote_transact(r, &f, slot->fd, NULL, 0, &c);
		if (rc == 0 && c.reply.rep_get_data.size <= size)
			ot_copy(data, slot->map, (size_t)c.reply.rep_get_data.size);
		ot_remote_shm_release(r, slot);
		return rc;
	}
	fd = make_memfd(NULL, size);
	if (fd < 0)
		return PHONEERR_NOMEM;
	f.flags = OT_WIRE_FLAG_FD;
	rc = ot_remote_transact(r, &f, fd, NULL, 0, &c);
	got = c.reply.rep_get_data.size;
	if (rc == 0 && got <= size && pread(fd, data, (size_t)got, 0) != (ssize_t)got)
		rc = PHONEERR_OPERATIONFAILED;
	close(fd);
	return rc;
}

LONG ot_remote_dev_specific(struct ot_backend *b, HPHONE phone, const void *params, DWORD size)
{
	struct remote *r = from(b);
	struct ot_wire_frame f = REQUEST(dev_specific, .hphone = phone, .size = size);

	/* The engine's first two checks, made here because the block must be read to be sent. */
	if (!params && size)
		return PHONEERR_INVALPOINTER;
	if (size > OT_DEVSPECIFIC_MAX)
		return PHONEERR_RESOURCEUNAVAIL;
	_Static_assert(OT_DEVSPECIFIC_MAX <= OT_WIRE_INLINE_MAX, "a block travels inline");
	f.var = params;
	f.var_len = size;
	return ot_remote_async(r, phone, &f, -1);
}

LONG ot_remote_set_status_messages(struct ot_backend *b, HPHONE phone, DWORD states, DWORD modes,
				DWORD button_states)
{
	return simple(from(b), REQUEST(set_status_messages, .hphone = phone, .phone_states = states,
				       .button_modes = modes, .button_states = button_states));
}

LONG ot_remote_get_status_messages(struct ot_backend *b, HPHONE phone, DWORD *states, DWORD *modes,
				DWORD *button_states)
{
	struct ot_wire_frame f = REQUEST(get_status_messages, .hphone = phone);
	struct call c;
	LONG rc = ot_remote_transact(from(b), &f, -1, NULL, 0, &c);

	if (rc == 0) {
		*states = (DWORD)c.reply.rep_get_status_messages.phone_states;
		*modes = (DWORD)c.reply.rep_get_status_messages.button_modes;
		*button_states = (DWORD)c.reply.rep_get_status_messages.button_states;
	}
	return rc;
}

int ot_remote_known_version(struct remote *r, HPHONE phone, DWORD *version)
{
	struct rphone *p;

	pthread_mutex_lock(&r->lock);
	p = ot_map_get(&r->phones, phone);
	if (p)
		*version = p->api_version;
	pthread_mutex_unlock(&r->lock);
	return p ? 0 : -1;
}

LONG ot_remote_phone_version(struct ot_backend *b, HPHONE phone, DWORD *version)
{
	struct remote *r = from(b);
	int dead;

	if (ot_remote_known_version(r, phone, version) == 0)
		return 0;
	pthread_mutex_lock(&r->lock);
	dead = r->dead;
	pthread_mutex_unlock(&r->lock);
	return dead ? PHONEERR_REINIT : PHONEERR_INVALPHONEHANDLE;
}

#define ENTRY(name, params, args) .name = ot_remote_##name,
const struct ot_backend_ops ot_remote_ops = {
	.destroy = ot_remote_destroy,
	.num_devices = num_devices,
	.set_data = set_data,
	.get_data = get_data,
	.get_icon = ot_remote_get_icon,
	.config_dialog = ot_remote_config_dialog,
	OT_BACKEND_FORWARDED(ENTRY)
};
