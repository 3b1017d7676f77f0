/* dispatch.c — one request from a client: its fields checked, the engine called, the REPLY
 * queued (docs/protocol.md lists the messages). Every handler answers exactly once; a request
 * that cannot be answered (malformed beyond what the codec checks) is a protocol error and the
 * client is dropped. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "log.h"
#include "server.h"

#ifndef OT_VERSION
#define OT_VERSION "0.0.0"
#endif

/* The request's fields as DWORDs (the codec already checked they fit). */
#define D(i) ((DWORD)f->fixed[i])

static int reply(struct ot_conn *c, const struct ot_wire_frame *req, LONG result,
		 const uint64_t *fields, unsigned n, const void *var, uint32_t var_len)
{
	struct ot_wire_frame r = { .opcode = OT_WIRE_REPLY, .seq = req->seq,
				   .reply_to = req->opcode, .nfixed = n + 1 };

	r.fixed[OT_WIRE_RESULT] = ot_wire_from_long(result);
	if (n)
		memcpy(&r.fixed[1], fields, n * sizeof(*fields));
	r.var = var;
	r.var_len = var_len;
	ot_conn_send(c, &r);
	return 0;
}

static uint32_t software_version(void)
{
	unsigned major = 0, minor = 0, patch = 0;

	sscanf(OT_VERSION, "%u.%u.%u", &major, &minor, &patch);
	return major << 16 | minor << 8 | patch;
}

static int hello(struct ot_conn *c, const struct ot_wire_frame *f)
{
	uint64_t out[2] = { OT_WIRE_PROTO_VERSION, software_version() };
	char why[128];

	if (c->client)
		return -1; /* HELLO twice */
	if (f->fixed[0] != OT_WIRE_MAGIC || D(1) < OT_WIRE_PROTO_MIN || D(1) > OT_WIRE_PROTO_VERSION) {
		snprintf(why, sizeof(why),
			 "protocol version %u not supported (this server speaks %u to %u)",
			 (unsigned)D(1), OT_WIRE_PROTO_MIN, OT_WIRE_PROTO_VERSION);
		snprintf(c->why, sizeof(c->why), "%s", why);
		reply(c, f, PHONEERR_INCOMPATIBLEAPIVERSION, out, 2, why, (uint32_t)strlen(why) + 1);
		return -1;
	}
	c->client = ot_engine_client_new(c->srv->engine, &ot_server_sink, c);
	if (c->client && ot_engine_client_set_cred(c->srv->engine, c->client, c->cred.uid,
						   c->cred.gid, c->groups, c->num_groups) < 0) {
		ot_engine_client_free(c->srv->engine, c->client);
		c->client = NULL;
	}
	return reply(c, f, c->client ? 0 : PHONEERR_NOMEM, out, 2, NULL, 0);
}

static int app_new(struct ot_conn *c, const struct ot_wire_frame *f)
{
	HPHONEAPP app = 0;
	LONG rc = ot_engine_app_new(c->srv->engine, c->client, ot_wire_text(f), D(0), f->fixed[1],
				    &app);
	uint64_t out[2] = { app, ot_engine_num_devices(c->srv->engine) };

	return reply(c, f, rc, out, 2, NULL, 0);
}

static int app_free(struct ot_conn *c, const struct ot_wire_frame *f)
{
	return reply(c, f, ot_engine_app_free(c->srv->engine, c->client, D(0)), NULL, 0, NULL, 0);
}

static int negotiate_api(struct ot_conn *c, const struct ot_wire_frame *f)
{
	PHONEEXTENSIONID ext = { 0 };
	DWORD version = 0;
	LONG rc = ot_engine_negotiate_api_version(c->srv->engine, c->client, D(0), D(1), D(2), D(3),
						  &version, &ext);
	uint64_t out[5] = { version, ext.dwExtensionID0, ext.dwExtensionID1, ext.dwExtensionID2,
			    ext.dwExtensionID3 };

	return reply(c, f, rc, out, 5, NULL, 0);
}

static int negotiate_ext(struct ot_conn *c, const struct ot_wire_frame *f)
{
	DWORD ext = 0;
	LONG rc = ot_engine_negotiate_ext_version(c->srv->engine, c->client, D(0), D(1), D(2), D(3),
						  D(4), &ext);
	uint64_t out[1] = { ext };

	return reply(c, f, rc, out, 1, NULL, 0);
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
		return reply(c, f, PHONEERR_NOMEM, NULL, 0, NULL, 0);
	memcpy(buf, &size, sizeof(size)); /* dwTotalSize */
	rc = fill(c, f, buf);
	if (rc == 0) {
		memcpy(&used, (char *)buf + 8, sizeof(used)); /* dwUsedSize */
		if (used > size)
			used = size;
	}
	reply(c, f, rc, NULL, 0, buf, used);
	ot_free(buf);
	return 0;
}

static LONG fill_caps(struct ot_conn *c, const struct ot_wire_frame *f, void *buf)
{
	return ot_engine_get_dev_caps(c->srv->engine, c->client, D(0), D(1), D(2), D(3), buf);
}

static int get_dev_caps(struct ot_conn *c, const struct ot_wire_frame *f)
{
	return var_struct(c, f, D(4), sizeof(PHONECAPS), fill_caps);
}

static LONG fill_status(struct ot_conn *c, const struct ot_wire_frame *f, void *buf)
{
	return ot_engine_get_status(c->srv->engine, c->client, D(0), buf);
}

static int get_status(struct ot_conn *c, const struct ot_wire_frame *f)
{
	return var_struct(c, f, D(1), sizeof(PHONESTATUS), fill_status);
}

static int open_phone(struct ot_conn *c, const struct ot_wire_frame *f)
{
	HPHONE phone = 0;
	LONG rc = ot_engine_open(c->srv->engine, c->client, D(0), D(1), &phone, D(2), D(3),
				 (DWORD_PTR)f->fixed[4], D(5));
	uint64_t out[1] = { phone };

	return reply(c, f, rc, out, 1, NULL, 0);
}

static int close_phone(struct ot_conn *c, const struct ot_wire_frame *f)
{
	return reply(c, f, ot_engine_close(c->srv->engine, c->client, D(0)), NULL, 0, NULL, 0);
}

/* ---- large payloads: a client's memfd (docs/protocol.md, "Descriptors and memfd") ---- */

/* A memfd with these seals has its size fixed for good and is the client's reusable buffer:
 * tapisrv maps it once and keeps the mapping for the next request that brings it again. */
#define REUSABLE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW)
/* A reusable buffer is mapped whole; one far larger than the request that brings it (a sparse
 * file, say) is mapped for that request only, like a per-request memfd. */
#define REUSABLE_SLACK (1u << 20)

/* A reusable buffer's mapping. The record lives in a page of its own just in front of the mapped
 * bytes, so that the engine's release(data, size) finds it from the payload pointer alone. */
struct ot_payload_map {
	dev_t dev;
	ino_t ino;          /* the file's identity: the mapping keeps the file, so it cannot be reused */
	size_t len;         /* bytes mapped after the record's page: the file's (fixed) size */
	int writable;       /* not write-sealed: GET_DATA may fill it */
	atomic_uint refs;   /* the connection's cache, plus each request the engine holds */
};

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static void payload_map_put(struct ot_payload_map *m)
{
	if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1)
		munmap(m, page_size() + m->len);
}

/* The engine's release for a payload in a cached mapping: any thread. */
static void release_cached(void *data, size_t size)
{
	(void)size;
	payload_map_put((struct ot_payload_map *)((char *)data - page_size()));
}

/* The engine's release for a per-request memfd's mapping. */
static void unmap_payload(void *data, size_t size)
{
	munmap(data, size);
}

/* Maps a reusable buffer whole behind its record's page. Page tables are filled at once for the
 * bytes this request needs (one pass instead of a fault per page); later requests find them. */
static struct ot_payload_map *payload_map_new(int fd, const struct stat *st, int writable,
					      size_t need)
{
	size_t page = page_size(), len = (size_t)st->st_size;
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);
	char *base = mmap(NULL, page + len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	struct ot_payload_map *m;

	if (base == MAP_FAILED)
		return NULL;
	if (mmap(base + page, len, prot, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
		munmap(base, page + len);
		return NULL;
	}
	/* A failure only means page faults later. */
	(void)madvise(base + page, need, writable ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
	m = (struct ot_payload_map *)base;
	m->dev = st->st_dev;
	m->ino = st->st_ino;
	m->len = len;
	m->writable = writable;
	atomic_init(&m->refs, 1); /* the cache's */
	return m;
}

/* The connection's mapping of a reusable buffer, mapped now if it is new and not far larger
 * than the request (the least recently used one is let go), with a reference for the request;
 * NULL if it is not cached and cannot be. */
static struct ot_payload_map *cached_map(struct ot_conn *c, int fd, const struct stat *st,
					 int writable, size_t need)
{
	struct ot_payload_map *m = NULL;
	unsigned i;

	for (i = 0; i < OT_CONN_MAPS && c->maps[i]; i++) {
		if (c->maps[i]->dev == st->st_dev && c->maps[i]->ino == st->st_ino) {
			m = c->maps[i];
			break;
		}
	}
	if (!m) {
		if ((uint64_t)st->st_size > 2ull * need + REUSABLE_SLACK)
			return NULL;
		m = payload_map_new(fd, st, writable, need);
		if (!m)
			return NULL;
		i = OT_CONN_MAPS - 1;
		if (c->maps[i])
			payload_map_put(c->maps[i]);
	}
	memmove(&c->maps[1], &c->maps[0], i * sizeof(c->maps[0])); /* most recent first */
	c->maps[0] = m;
	atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
	return m;
}

void ot_dispatch_forget(struct ot_conn *c)
{
	unsigned i;

	for (i = 0; i < OT_CONN_MAPS; i++) {
		if (c->maps[i])
			payload_map_put(c->maps[i]);
		c->maps[i] = NULL;
	}
}

/* Maps size bytes of a client's memfd for a request; *release lets go of them. NULL when it is
 * not a memfd that may be used: not sealed against shrinking (the server could meet SIGBUS),
 * smaller than size, write-sealed when the server must write, or not mappable. */
static void *map_payload(struct ot_conn *c, int fd, DWORD size, int writable,
			 ot_release_fn *release)
{
	int seals = fcntl(fd, F_GET_SEALS);
	struct stat st;
	void *p;

	if (seals < 0 || !(seals & F_SEAL_SHRINK) || fstat(fd, &st) < 0 || size == 0 ||
	    (uint64_t)st.st_size < size || (writable && (seals & F_SEAL_WRITE)))
		return NULL;
	if ((seals & REUSABLE_SEALS) == REUSABLE_SEALS) {
		struct ot_payload_map *m = cached_map(c, fd, &st, !(seals & F_SEAL_WRITE), size);

		if (m && (size > m->len || (writable && !m->writable))) {
			payload_map_put(m);
			return NULL;
		}
		if (m) {
			*release = release_cached;
			return (char *)m + page_size();
		}
		/* Not cached (far larger than the request, or no room to map it whole): mapped
		 * for this request alone. */
	}
	/* A memfd for this request alone: populated at once, unmapped when the engine is done. */
	p = mmap(NULL, size, writable ? PROT_READ | PROT_WRITE : PROT_READ,
		 MAP_SHARED | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	*release = unmap_payload;
	return p;
}

/* A memfd of size 0: what a client sends for a payload buffer its caller did not give. */
static int is_empty_memfd(int fd)
{
	struct stat st;

	return fcntl(fd, F_GET_SEALS) >= 0 && fstat(fd, &st) == 0 && st.st_size == 0;
}

static int set_data(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	DWORD size = D(2);
	void *data = (void *)f->var;
	ot_release_fn release = NULL;
	LONG rc;

	if (fd >= 0) {
		/* An empty memfd: the caller gave no buffer, and the engine says why that is
		 * refused, in its order. Anything that is not a memfd (a pipe, a socket) is a
		 * protocol error. */
		if (is_empty_memfd(fd)) {
			close(fd);
			return reply(c, f, ot_engine_set_data(c->srv->engine, c->client, D(0), D(1),
							      NULL, size, NULL), NULL, 0, NULL, 0);
		}
		/* The engine keeps the mapping until the provider is done: no copy. */
		data = map_payload(c, fd, size, 0, &release);
		close(fd);
		if (!data) {
			snprintf(c->why, sizeof(c->why), "SET_DATA with a bad memfd");
			return -1;
		}
	}
	rc = ot_engine_set_data(c->srv->engine, c->client, D(0), D(1), size ? data : NULL, size,
				release);
	return reply(c, f, rc, NULL, 0, NULL, 0);
}

static int get_data(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	DWORD size = D(2), copied = 0;
	ot_release_fn release = NULL;
	void *buf;
	LONG rc;

	if (fd >= 0 && is_empty_memfd(fd)) {
		/* The caller gave no buffer: the engine says why that is refused, in its order. */
		close(fd);
		rc = ot_engine_get_data(c->srv->engine, c->client, D(0), D(1), NULL, size, &copied);
		return reply(c, f, rc, (uint64_t[]){ copied }, 1, NULL, 0);
	}
	if (fd >= 0) {
		/* A large read goes straight into the client's memfd. */
		buf = map_payload(c, fd, size, 1, &release);
		close(fd);
		if (!buf) {
			snprintf(c->why, sizeof(c->why), "GET_DATA with a bad memfd");
			return -1;
		}
		rc = ot_engine_get_data(c->srv->engine, c->client, D(0), D(1), buf, size, &copied);
		release(buf, size);
		return reply(c, f, rc, (uint64_t[]){ copied }, 1, NULL, 0);
	}
	if (size > OT_WIRE_INLINE_MAX)
		return -1;
	buf = ot_malloc(size ? size : 1);
	if (!buf)
		return reply(c, f, PHONEERR_NOMEM, (uint64_t[]){ 0 }, 1, NULL, 0);
	rc = ot_engine_get_data(c->srv->engine, c->client, D(0), D(1), buf, size, &copied);
	reply(c, f, rc, (uint64_t[]){ copied }, 1, buf, rc == 0 ? copied : 0);
	ot_free(buf);
	return 0;
}

static int dev_specific(struct ot_conn *c, const struct ot_wire_frame *f)
{
	return reply(c, f, ot_engine_dev_specific(c->srv->engine, c->client, D(0), f->var, D(1)),
		     NULL, 0, NULL, 0);
}

static int set_status_messages(struct ot_conn *c, const struct ot_wire_frame *f)
{
	return reply(c, f, ot_engine_set_status_messages(c->srv->engine, c->client, D(0), D(1),
							 D(2), D(3)), NULL, 0, NULL, 0);
}

static int get_status_messages(struct ot_conn *c, const struct ot_wire_frame *f)
{
	DWORD s = 0, m = 0, b = 0;
	LONG rc = ot_engine_get_status_messages(c->srv->engine, c->client, D(0), &s, &m, &b);

	return reply(c, f, rc, (uint64_t[]){ s, m, b }, 3, NULL, 0);
}

/* ---- the device's parts (protocol version 2) ------------------------------------------ */

static int set_display(struct ot_conn *c, const struct ot_wire_frame *f)
{
	/* The text travels up to and with its first NUL, or not at all (no pointer, too long):
	 * then the request's size lets the engine say which. */
	const char *text = f->var_len ? (const char *)f->var : NULL;
	DWORD size = f->var_len ? f->var_len : D(3);

	return reply(c, f, ot_engine_set_display(c->srv->engine, c->client, D(0), D(1), D(2), text,
						 size), NULL, 0, NULL, 0);
}

static LONG fill_display(struct ot_conn *c, const struct ot_wire_frame *f, void *buf)
{
	return ot_engine_get_display(c->srv->engine, c->client, D(0), buf);
}

static int get_display(struct ot_conn *c, const struct ot_wire_frame *f)
{
	return var_struct(c, f, D(1), sizeof(VARSTRING), fill_display);
}

static int set_lamp(struct ot_conn *c, const struct ot_wire_frame *f)
{
	return reply(c, f, ot_engine_set_lamp(c->srv->engine, c->client, D(0), D(1), D(2)), NULL, 0,
		     NULL, 0);
}

static int get_lamp(struct ot_conn *c, const struct ot_wire_frame *f)
{
	DWORD mode = 0;
	LONG rc = ot_engine_get_lamp(c->srv->engine, c->client, D(0), D(1), &mode);

	return reply(c, f, rc, (uint64_t[]){ mode }, 1, NULL, 0);
}

/* The client sends a compact PHONEBUTTONINFO, or the bytes that show why it has none (nothing:
 * no pointer; its first bytes: too small; its fixed part: a part outside it). The engine reads
 * only inside the bytes received. */
static int set_button_info(struct ot_conn *c, const struct ot_wire_frame *f)
{
	PHONEBUTTONINFO *info = NULL;
	LONG rc;

	if (f->var_len && f->var_len < sizeof(DWORD))
		return -1;
	if (f->var_len) {
		info = ot_calloc(1, f->var_len > sizeof(*info) ? f->var_len : sizeof(*info));
		if (!info)
			return reply(c, f, PHONEERR_NOMEM, NULL, 0, NULL, 0);
		memcpy(info, f->var, f->var_len);
		if (info->dwTotalSize > f->var_len)
			info->dwTotalSize = f->var_len;
	}
	rc = ot_engine_set_button_info(c->srv->engine, c->client, D(0), D(1), info);
	ot_free(info);
	return reply(c, f, rc, NULL, 0, NULL, 0);
}

static LONG fill_button_info(struct ot_conn *c, const struct ot_wire_frame *f, void *buf)
{
	return ot_engine_get_button_info(c->srv->engine, c->client, D(0), D(1), buf);
}

static int get_button_info(struct ot_conn *c, const struct ot_wire_frame *f)
{
	return var_struct(c, f, D(2), sizeof(PHONEBUTTONINFO), fill_button_info);
}

static int set_hookswitch(struct ot_conn *c, const struct ot_wire_frame *f)
{
	return reply(c, f, ot_engine_set_hookswitch(c->srv->engine, c->client, D(0), D(1), D(2)),
		     NULL, 0, NULL, 0);
}

static int get_hookswitch(struct ot_conn *c, const struct ot_wire_frame *f)
{
	DWORD devs = 0;
	LONG rc = ot_engine_get_hookswitch(c->srv->engine, c->client, D(0), &devs);

	return reply(c, f, rc, (uint64_t[]){ devs }, 1, NULL, 0);
}

static int set_ring(struct ot_conn *c, const struct ot_wire_frame *f)
{
	return reply(c, f, ot_engine_set_ring(c->srv->engine, c->client, D(0), D(1), D(2)), NULL, 0,
		     NULL, 0);
}

static int get_ring(struct ot_conn *c, const struct ot_wire_frame *f)
{
	DWORD mode = 0, volume = 0;
	LONG rc = ot_engine_get_ring(c->srv->engine, c->client, D(0), &mode, &volume);

	return reply(c, f, rc, (uint64_t[]){ mode, volume }, 2, NULL, 0);
}

static enum ot_level level_of(const struct ot_wire_frame *f)
{
	return f->opcode == OT_WIRE_SET_GAIN || f->opcode == OT_WIRE_GET_GAIN ? OT_LEVEL_GAIN
									       : OT_LEVEL_VOLUME;
}

static int set_level(struct ot_conn *c, const struct ot_wire_frame *f)
{
	return reply(c, f, ot_engine_set_level(c->srv->engine, c->client, D(0), level_of(f), D(1),
					       D(2)), NULL, 0, NULL, 0);
}

static int get_level(struct ot_conn *c, const struct ot_wire_frame *f)
{
	DWORD value = 0;
	LONG rc = ot_engine_get_level(c->srv->engine, c->client, D(0), level_of(f), D(1), &value);

	return reply(c, f, rc, (uint64_t[]){ value }, 1, NULL, 0);
}

static LONG fill_id(struct ot_conn *c, const struct ot_wire_frame *f, void *buf)
{
	return ot_engine_get_id(c->srv->engine, c->client, D(0), ot_wire_text(f), buf);
}

static int get_id(struct ot_conn *c, const struct ot_wire_frame *f)
{
	return var_struct(c, f, D(1), sizeof(VARSTRING), fill_id);
}

/* A class text: empty stands for NULL (both name the phone itself). */
static const char *class_of(const struct ot_wire_frame *f)
{
	return f->var_len ? ot_wire_text(f) : NULL;
}

static int get_icon(struct ot_conn *c, const struct ot_wire_frame *f)
{
	char name[OT_ICON_NAME_MAX];
	LONG rc = ot_engine_get_icon(c->srv->engine, D(0), class_of(f), name);

	return reply(c, f, rc, NULL, 0, name, rc == 0 ? (uint32_t)strlen(name) + 1 : 0);
}

static int config_dialog(struct ot_conn *c, const struct ot_wire_frame *f)
{
	/* The application's window means nothing in this process. */
	return reply(c, f, ot_engine_config_dialog(c->srv->engine, D(0), NULL, class_of(f)), NULL,
		     0, NULL, 0);
}

/* ---- dispatch ------------------------------------------------------------------------- */

typedef int (*handler)(struct ot_conn *c, const struct ot_wire_frame *f);

static const struct {
	uint16_t opcode;
	handler fn;
} handlers[] = {
	{ OT_WIRE_HELLO, hello },
	{ OT_WIRE_APP_NEW, app_new },
	{ OT_WIRE_APP_FREE, app_free },
	{ OT_WIRE_NEGOTIATE_API, negotiate_api },
	{ OT_WIRE_NEGOTIATE_EXT, negotiate_ext },
	{ OT_WIRE_GET_DEV_CAPS, get_dev_caps },
	{ OT_WIRE_OPEN, open_phone },
	{ OT_WIRE_GET_ICON, get_icon },
	{ OT_WIRE_CONFIG_DIALOG, config_dialog },
	{ OT_WIRE_CLOSE, close_phone },
	{ OT_WIRE_DEV_SPECIFIC, dev_specific },
	{ OT_WIRE_GET_STATUS, get_status },
	{ OT_WIRE_SET_STATUS_MESSAGES, set_status_messages },
	{ OT_WIRE_GET_STATUS_MESSAGES, get_status_messages },
	{ OT_WIRE_SET_DISPLAY, set_display },
	{ OT_WIRE_GET_DISPLAY, get_display },
	{ OT_WIRE_SET_LAMP, set_lamp },
	{ OT_WIRE_GET_LAMP, get_lamp },
	{ OT_WIRE_SET_BUTTON_INFO, set_button_info },
	{ OT_WIRE_GET_BUTTON_INFO, get_button_info },
	{ OT_WIRE_SET_HOOKSWITCH, set_hookswitch },
	{ OT_WIRE_GET_HOOKSWITCH, get_hookswitch },
	{ OT_WIRE_SET_RING, set_ring },
	{ OT_WIRE_GET_RING, get_ring },
	{ OT_WIRE_SET_VOLUME, set_level },
	{ OT_WIRE_GET_VOLUME, get_level },
	{ OT_WIRE_SET_GAIN, set_level },
	{ OT_WIRE_GET_GAIN, get_level },
	{ OT_WIRE_GET_ID, get_id },
};

int ot_dispatch(struct ot_conn *c, const struct ot_wire_frame *f, int fd)
{
	size_t i;

	/* Only these two take a descriptor (the codec refuses it elsewhere). */
	switch (f->opcode) {
	case OT_WIRE_SET_DATA:
		return set_data(c, f, fd);
	case OT_WIRE_GET_DATA:
		return get_data(c, f, fd);
	default:
		break;
	}
	if (fd >= 0)
		close(fd);
	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].opcode == f->opcode)
			return handlers[i].fn(c, f);
	return -1;
}
