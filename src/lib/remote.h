/* SPDX-License-Identifier: MIT */
/* remote.h — the server backend's pieces shared by its files: the connection
 * (remote_conn.c), the operations (remote.c, and remote_parts.c for a device's parts and its
 * identification) and the reusable payload memfds (remote_shm.c). docs/protocol.md describes
 * the wire.
 */
#ifndef OT_LIB_REMOTE_H
#define OT_LIB_REMOTE_H

#include <pthread.h>
#include <stdint.h>

#include <tapi.h>

#include "backend.h"
#include "map.h"
#include "wire.h"

struct call {
	uint32_t seq;
	uint16_t opcode;
	int done;
	LONG result;
	struct ot_wire_frame reply; /* its fixed fields, by name: reply.rep_<name>.<field> */
	void *out;          /* where the reply's variable bytes go */
	uint32_t out_cap, out_len;
	HPHONE track;       /* asynchronous requests: the phone whose request ID the reply is */
	int waiting;        /* its thread sleeps on cond as a follower (remote.c, "reading") */
	pthread_cond_t cond;
	struct call *next;
};

struct rapp {                 /* an app as this backend knows it */
	uint64_t cookie;          /* the library's (ot_lib_deliver) */
	HPHONEAPP remote;
	struct ot_map outstanding; /* request ID -> HPHONE it was made on */
	struct ot_map early;       /* request IDs whose PHONE_REPLY came before the ID */
};

struct rphone {
	uint32_t app_id;           /* key of its rapp */
	DWORD_PTR instance;
	DWORD privilege;
	DWORD api_version;         /* the version it was opened with (the W functions' layouts) */
	DWORD dev;
	/* The sizes of the download areas as the capabilities said when last asked (remote.c,
	 * area_holds), so that phoneSetData never reads more of the caller's memory than an area
	 * can take; asked again before a request is sent without its bytes. */
	int areas_known;
	DWORD num_set_data;
	DWORD *set_data_sizes;
};

/* remote_shm.c: reusable memfds that carry payloads above OT_WIRE_INLINE_MAX (docs/protocol.md,
 * "Descriptors and memfd"). Everything here is under remote.lock; a slot's buffer belongs to
 * the thread that holds it. */
#define OT_SHM_SLOTS 2   /* buffers per connection: tapisrv keeps as many mapped */
#define OT_SHM_RING 64   /* PHONE_REPLYs remembered while a request's ID is not known yet */

struct ot_shm_slot {
	void *map;           /* this process's mapping of the memfd; NULL: no memfd yet */
	size_t size;         /* the memfd's size, sealed */
	int fd;
	int state;           /* remote_shm.c: free, held by a thread, or waiting for a PHONE_REPLY */
	int stale;           /* replace it before using it again: the server may still read it */
	uint64_t since;      /* held: the ring's count when it was taken */
	uint32_t app_id, id; /* waiting: the PHONE_REPLY after which the server no longer reads it */
};

struct ot_shm_reply {
	uint32_t app_id, id;
	LONG result;
};

struct ot_shm {
	struct ot_shm_slot slot[OT_SHM_SLOTS];
	struct ot_shm_reply ring[OT_SHM_RING]; /* the latest PHONE_REPLYs, while a slot is held */
	uint64_t ring_count;
	unsigned held;
};

struct remote {
	struct ot_backend base;
	int fd;
	pthread_t reader;
	pthread_mutex_t send_lock; /* one frame at a time on the socket */
	/* The bytes read and not yet handled (OT_WIRE_MAX_FRAME of room): only the thread that
	 * holds the read token touches them. */
	uint8_t *in;
	size_t in_len;
	pthread_mutex_t lock;      /* everything below */
	int token;                 /* a thread reads the socket (remote.c, "reading") */
	pthread_cond_t reader_cond; /* the reader thread standing by */
	int reader_standby, stopping;
	uint64_t last_lead_ns;     /* when a caller last gave the token back (CLOCK_MONOTONIC) */
	uint32_t next_seq, next_app_id;
	struct call *calls;
	int dead;
	DWORD num_devices;
	struct ot_map apps;        /* app_id (the cookie on the wire) -> struct rapp */
	struct ot_map phones;      /* HPHONE -> struct rphone */
	struct ot_shm shm;         /* reusable payload buffers */
};

static inline struct remote *from(struct ot_backend *b)
{
	return (struct remote *)b;
}

#define REQUEST OT_WIRE_REQUEST

/* Sends f and waits for its REPLY: the result, with the reply's fixed fields in call->reply and
 * up to out_cap of its variable bytes in out. */
LONG ot_remote_transact(struct remote *r, struct ot_wire_frame *f, int pass_fd, void *out,
			uint32_t out_cap, struct call *call);
/* An asynchronous request on phone: room for its PHONE_REPLY is reserved first and its request
 * ID tracked (for the PHONE_REPLY owed if the server goes away). */
LONG ot_remote_async(struct remote *r, HPHONE phone, struct ot_wire_frame *f, int pass_fd);
/* A variable-size structure comes back as its dwUsedSize bytes; the caller's dwTotalSize stays. */
LONG ot_remote_var_struct(struct remote *r, struct ot_wire_frame *f, void *st);
/* remote_conn.c: frees what the backend knows of an app or an open phone (NULL: nothing). */
void ot_remote_free_app(struct rapp *a);
void ot_remote_free_phone(struct rphone *p);
/* remote_conn.c: ends the connection (the reader thread, the socket) and frees the backend. */
void ot_remote_destroy(struct ot_backend *b);
/* remote.c: the operations, by the names of struct ot_backend_ops. */
extern const struct ot_backend_ops ot_remote_ops;

/* What this process knows of an open phone: 0 and its API version, or -1. */
int ot_remote_known_version(struct remote *r, HPHONE phone, DWORD *version);

/* remote_shm.c. A reusable buffer of at least size bytes, held by the caller, or NULL when
 * none is free (or size is beyond what is pooled): then a fresh memfd carries the payload. */
struct ot_shm_slot *ot_remote_shm_acquire(struct remote *r, size_t size);
/* The SET_DATA that carried s on phone was answered with rc (its request ID, or an error): s
 * becomes free once the server no longer reads it. */
void ot_remote_shm_sent(struct remote *r, struct ot_shm_slot *s, HPHONE phone, LONG rc);
/* A request answered at once (GET_DATA) is done with s. */
void ot_remote_shm_release(struct remote *r, struct ot_shm_slot *s);
/* A PHONE_REPLY (request id of app app_id) arrived; lock held. */
void ot_remote_shm_on_reply(struct remote *r, uint32_t app_id, DWORD id, LONG result);
/* Unmaps and closes every buffer (the connection is gone). */
void ot_remote_shm_free(struct remote *r);

/* The backend's operations (backend.h): ot_remote_<name> for each row of
 * OT_BACKEND_FORWARDED, in remote.c or (a device's parts, identification) remote_parts.c. */
#define OT_REMOTE_DECLARE(name, params, args) LONG ot_remote_##name OT_BACKEND_PARAMS params;
OT_BACKEND_FORWARDED(OT_REMOTE_DECLARE)
#undef OT_REMOTE_DECLARE
LONG ot_remote_get_icon(struct ot_backend *b, DWORD dev, const char *cls, char *name);
LONG ot_remote_config_dialog(struct ot_backend *b, DWORD dev, HWND owner, const char *cls);

#endif
