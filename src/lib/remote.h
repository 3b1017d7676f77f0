/* remote.h — the server backend's pieces shared by its files: the connection (remote.c) and
 * the operations on a device's parts (remote_parts.c). docs/protocol.md describes the wire.
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
	uint32_t nfixed;
	uint64_t fixed[OT_WIRE_MAX_FIXED];
	void *out;          /* where the reply's variable bytes go */
	uint32_t out_cap, out_len;
	HPHONE track;       /* asynchronous requests: the phone whose request ID the reply is */
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
	/* The download areas (owners only), so that a request the server would refuse for its
	 * size never makes the library read past the caller's buffer. */
	DWORD num_set_data;
	DWORD *set_data_sizes;
};

struct remote {
	struct ot_backend base;
	int fd;
	pthread_t reader;
	pthread_mutex_t send_lock; /* one frame at a time on the socket */
	pthread_mutex_t lock;      /* everything below */
	uint32_t next_seq, next_app_id;
	struct call *calls;
	int dead;
	DWORD num_devices;
	struct ot_map apps;        /* app_id (the cookie on the wire) -> struct rapp */
	struct ot_map phones;      /* HPHONE -> struct rphone */
};

static inline struct remote *from(struct ot_backend *b)
{
	return (struct remote *)b;
}

#define REQUEST(op, ...) (struct ot_wire_frame){ .opcode = (op), OT_WIRE_FIELDS(__VA_ARGS__) }

/* Sends f and waits for its REPLY: the result, with the reply's fixed fields in call->fixed and
 * up to out_cap of its variable bytes in out. */
LONG ot_remote_transact(struct remote *r, struct ot_wire_frame *f, int pass_fd, void *out,
			uint32_t out_cap, struct call *call);
/* An asynchronous request on phone: room for its PHONE_REPLY is reserved first and its request
 * ID tracked (for the PHONE_REPLY owed if the server goes away). */
LONG ot_remote_async(struct remote *r, HPHONE phone, struct ot_wire_frame *f, int pass_fd);
/* A variable-size structure comes back as its dwUsedSize bytes; the caller's dwTotalSize stays. */
LONG ot_remote_var_struct(struct remote *r, struct ot_wire_frame *f, void *st);
/* What this process knows of an open phone: 0 and its API version, or -1. */
int ot_remote_phone_version(struct remote *r, HPHONE phone, DWORD *version);

/* remote_parts.c: the operations of backend.h on a device's parts, for the ops table. */
LONG ot_remote_set_display(struct ot_backend *b, HPHONE phone, DWORD row, DWORD column,
			   const char *text, DWORD size);
LONG ot_remote_get_display(struct ot_backend *b, HPHONE phone, VARSTRING *display);
LONG ot_remote_set_lamp(struct ot_backend *b, HPHONE phone, DWORD id, DWORD mode);
LONG ot_remote_get_lamp(struct ot_backend *b, HPHONE phone, DWORD id, DWORD *mode);
LONG ot_remote_set_button_info(struct ot_backend *b, HPHONE phone, DWORD id,
			       const PHONEBUTTONINFO *info);
LONG ot_remote_get_button_info(struct ot_backend *b, HPHONE phone, DWORD id,
			       PHONEBUTTONINFO *info);
LONG ot_remote_set_hookswitch(struct ot_backend *b, HPHONE phone, DWORD devs, DWORD mode);
LONG ot_remote_get_hookswitch(struct ot_backend *b, HPHONE phone, DWORD *devs);
LONG ot_remote_set_ring(struct ot_backend *b, HPHONE phone, DWORD mode, DWORD volume);
LONG ot_remote_get_ring(struct ot_backend *b, HPHONE phone, DWORD *mode, DWORD *volume);
LONG ot_remote_set_level(struct ot_backend *b, HPHONE phone, enum ot_level kind, DWORD dev,
			 DWORD value);
LONG ot_remote_get_level(struct ot_backend *b, HPHONE phone, enum ot_level kind, DWORD dev,
			 DWORD *value);
LONG ot_remote_get_id(struct ot_backend *b, HPHONE phone, const char *cls, VARSTRING *id);
LONG ot_remote_get_icon(struct ot_backend *b, DWORD dev, const char *cls, char *name);
LONG ot_remote_config_dialog(struct ot_backend *b, DWORD dev, HWND owner, const char *cls);

#endif
