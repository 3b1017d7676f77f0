/* SPDX-License-Identifier: MIT */
/* wire.h — the OpenTAPI wire protocol: frames between libopentapi and tapisrv (docs/protocol.md).
 *
 * Owns: the byte layout of every message, the schema table (how many fixed fields each message has,
 * which of them are DWORDs, how long its variable part may be, whether it may carry a descriptor)
 * and the checks that make a received frame safe to use.
 * Must not: do I/O, allocate, lock, or know TAPI semantics (it never interprets a value, it only
 * checks that it fits its field).
 *
 * A frame is a 16-byte header, then `nfixed` little-endian u64 fixed fields, then variable bytes:
 *
 *     u32 size   (the whole frame, header included)
 *     u16 opcode
 *     u16 flags  (OT_WIRE_FLAG_FD: one descriptor travels with the frame; other bits are 0)
 *     u32 seq    (requests: chosen by the client, never 0; REPLY: the request's; EVENT, GOODBYE: 0)
 *     u32 reserved (0)
 *     u64 fixed[nfixed]
 *     u8  var[size - 16 - 8 * nfixed]
 *
 * Receiving: ot_wire_frame_size() says how many bytes the frame at the head of a buffer needs;
 * once that many are there, ot_wire_decode() checks the frame against its schema and points into
 * the buffer (no copy). Sending: fill a struct ot_wire_frame and call ot_wire_encode(), or
 * ot_wire_encode_head() to write the header and fixed fields only and send the variable bytes
 * from where they are (writev).
 *
 * Every 32-bit value (DWORD, LONG, HPHONE, HPHONEAPP) travels zero-extended in its u64 field; a
 * LONG result goes as its 32-bit two's-complement pattern (ot_wire_from_long / ot_wire_to_long),
 * so every 32-bit quantity has exactly one encoding and one check (< 2^32). DWORD_PTR values and
 * app cookies use all 64 bits.
 */
#ifndef OT_WIRE_H
#define OT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "ops.h"

/* The handshake: HELLO carries OT_WIRE_MAGIC ('OTAP' read as a little-endian u32) and the
 * client's protocol version. The server accepts OT_WIRE_PROTO_MIN … OT_WIRE_PROTO_VERSION. */
#define OT_WIRE_MAGIC 0x5041544Fu
#define OT_WIRE_PROTO_VERSION 2u /* 2: phoneGetIcon, phoneConfigDialog, the device's parts */
#define OT_WIRE_PROTO_MIN 1u

#define OT_WIRE_HEADER_SIZE 16u
/* Fixed fields plus variable bytes of one frame at most; the header comes on top. A receiver
 * needs a buffer of OT_WIRE_MAX_FRAME bytes, no more. */
#define OT_WIRE_MAX_BODY (256u * 1024u)
#define OT_WIRE_MAX_FRAME (OT_WIRE_HEADER_SIZE + OT_WIRE_MAX_BODY)
/* Payloads (SET_DATA, GET_DATA) above this travel in a sealed memfd; no variable part (payloads,
 * PHONECAPS, PHONESTATUS, DEV_SPECIFIC blocks) is longer. */
#define OT_WIRE_INLINE_MAX (64u * 1024u)
/* Texts (app name, reasons), terminating NUL included. */
#define OT_WIRE_TEXT_MAX 256u
/* The most fixed fields any message has, with room for the messages still to come. */
#define OT_WIRE_MAX_FIXED 12u
/* The longest header plus fixed part: the buffer ot_wire_encode_head() needs at most. */
#define OT_WIRE_MAX_HEAD (OT_WIRE_HEADER_SIZE + 8u * OT_WIRE_MAX_FIXED)

/* flags */
#define OT_WIRE_FLAG_FD 0x0001u
#define OT_WIRE_FLAGS_KNOWN OT_WIRE_FLAG_FD

/* Who receives the frame being decoded. */
enum ot_wire_dir {
	OT_WIRE_TO_SERVER = 0, /* requests (the server decodes) */
	OT_WIRE_TO_CLIENT = 1, /* REPLY, EVENT, GOODBYE (the client decodes) */
};

/* Opcodes come in ranges of 256; bit 15 set means server to client. A number not listed here is
 * unknown (OT_WIRE_EOPCODE); the server drops a client that sends one. The requests and their
 * replies are the rows of ops.h; new messages take the next free number in their range and never
 * change the schema of an existing one (docs/protocol.md lists the numbers set aside for the
 * functions still to come). 0x0000 is never a valid opcode: a zeroed buffer never decodes. */
#define OT_WIRE_OPCODE(NAME, name, op, ...) OT_WIRE_##NAME = op,
enum ot_wire_op {
	OT_WIRE_OPS(OT_WIRE_OPCODE)
	/* 0x80xx: server to client */
	OT_WIRE_REPLY = 0x8000,        /* the reply fields of the request with the same seq */
	OT_WIRE_EVENT = 0x8001,        /* app_cookie[q], hdevice, message_id, callback_instance[q],
	                                  param1[q], param2[q], param3[q], suppressed (seq 0) */
	OT_WIRE_GOODBYE = 0x8002,      /* reason (enum ot_wire_goodbye) + text (seq 0) */
};
#undef OT_WIRE_OPCODE

/* Each request's place in ops.h, for tables indexed by request (ot_wire_op_index). */
#define OT_WIRE_OPX(NAME, ...) OT_OPX_##NAME,
enum ot_wire_op_index { OT_WIRE_OPS(OT_WIRE_OPX) OT_OPX_COUNT };
#undef OT_WIRE_OPX

/* The index of each named field: OT_F_req_set_data_size is SET_DATA's `size`, and
 * OT_F_rep_get_ring_volume the `volume` of GET_RING's reply (`result` is 0 in every reply). */
#define OT_WIRE_FIELD_INDEX(c, kind, field) OT_F_##c##_##field,
#define OT_WIRE_INDEXES(NAME, name, op, REQ, rv, fd, REP, pv)                                  \
	enum { REQ(OT_WIRE_FIELD_INDEX, req_##name) OT_NREQ_##name };                              \
	enum { OT_F_rep_##name##_result, REP(OT_WIRE_FIELD_INDEX, rep_##name) OT_NREP_##name };
OT_WIRE_OPS(OT_WIRE_INDEXES)
#undef OT_WIRE_INDEXES
#undef OT_WIRE_FIELD_INDEX

/* Field positions of the messages whose order callers must not get wrong. */
enum {
	OT_WIRE_RESULT = 0, /* of every REPLY */
	OT_WIRE_EV_COOKIE = 0,
	OT_WIRE_EV_HDEVICE,
	OT_WIRE_EV_MESSAGE,
	OT_WIRE_EV_INSTANCE,
	OT_WIRE_EV_PARAM1,
	OT_WIRE_EV_PARAM2,
	OT_WIRE_EV_PARAM3,
	OT_WIRE_EV_SUPPRESSED,
	OT_WIRE_EV_NFIXED
};

/* Why the server closes a connection (GOODBYE's first field). A client treats a value it does
 * not know like OT_WIRE_BYE_SHUTDOWN. */
enum ot_wire_goodbye {
	OT_WIRE_BYE_SHUTDOWN = 1, /* the server is stopping */
	OT_WIRE_BYE_PROTOCOL = 2, /* the client sent a malformed or unexpected frame */
	OT_WIRE_BYE_OVERFLOW = 3, /* the client did not read its events fast enough */
};

/* Errors: every reason a frame is refused has its own value. */
enum ot_wire_err {
	OT_WIRE_EINCOMPLETE = -1, /* fewer bytes given than the frame's size */
	OT_WIRE_ESHORT = -2,      /* size < 16 */
	OT_WIRE_EBIG = -3,        /* size > OT_WIRE_MAX_FRAME */
	OT_WIRE_ERESERVED = -4,   /* reserved header field not 0 */
	OT_WIRE_EFLAGS = -5,      /* unknown flag bits */
	OT_WIRE_EOPCODE = -6,     /* unknown opcode */
	OT_WIRE_EDIRECTION = -7,  /* known opcode, but it does not travel this way */
	OT_WIRE_EREPLYTO = -8,    /* a REPLY, but reply_to is not a request opcode */
	OT_WIRE_ESEQ = -9,        /* seq 0 on a request or reply, or not 0 on EVENT/GOODBYE */
	OT_WIRE_EFIXED = -10,     /* fewer fixed fields than the schema has (encode: nfixed differs) */
	OT_WIRE_EDWORD = -11,     /* a 32-bit field holds a value >= 2^32 */
	OT_WIRE_EVARLEN = -12,    /* variable part longer than the message allows */
	OT_WIRE_EFD = -13,        /* FD flag on a message that cannot carry a descriptor */
	OT_WIRE_EFDVAR = -14,     /* FD flag together with inline bytes */
	OT_WIRE_ELENGTH = -15,    /* the size field disagrees with the inline bytes */
	OT_WIRE_ETEXT = -16,      /* text not NUL-terminated, or with a NUL inside */
	OT_WIRE_ENOSPC = -17,     /* encode: buffer too small */
	OT_WIRE_EINVAL = -18,     /* encode: NULL frame, or var NULL with var_len > 0 */
};
#define OT_WIRE_ERR_MIN OT_WIRE_EINVAL

/* The named views of a frame's fixed fields: req_<name> for a request, rep_<name> for its reply
 * (ops.h), each a struct of u64 members laid out as fixed[]. */
#define OT_WIRE_MEMBER(c, kind, field) uint64_t field;
#define OT_WIRE_VIEWS(NAME, name, op, REQ, rv, fd, REP, pv)                                    \
	struct {                                                                               \
		REQ(OT_WIRE_MEMBER, )                                                          \
	} req_##name;                                                                          \
	struct {                                                                               \
		uint64_t result;                                                               \
		REP(OT_WIRE_MEMBER, )                                                          \
	} rep_##name;

/* One decoded frame, or one to encode. */
struct ot_wire_frame {
	uint16_t opcode;
	uint16_t flags;
	uint32_t seq;
	uint16_t reply_to; /* REPLY: the request opcode answered (decode copies its argument; encode
	                      uses it to find the schema); otherwise ignored */
	uint32_t nfixed;
	union {
		uint64_t fixed[OT_WIRE_MAX_FIXED];
		OT_WIRE_OPS(OT_WIRE_VIEWS)
	};
	const uint8_t *var; /* decode: points into the buffer decoded */
	uint32_t var_len;
};
#undef OT_WIRE_VIEWS
#undef OT_WIRE_MEMBER

/* Sets nfixed and fixed[] from a list: struct ot_wire_frame f = { .opcode = OT_WIRE_CLOSE,
 * .seq = s, OT_WIRE_FIELDS(hphone) }; */
#define OT_WIRE_FIELDS(...)                                                                    \
	.nfixed = sizeof((uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t), .fixed = { __VA_ARGS__ }

/* A request by its name in ops.h, its fields by theirs:
 * OT_WIRE_REQUEST(set_lamp, .hphone = phone, .id = id, .mode = mode). A field not named is 0. */
#define OT_WIRE_REQUEST(name, ...)                                                             \
	(struct ot_wire_frame)                                                                 \
	{                                                                                      \
		.opcode = OT_WIRE_OP_##name, .nfixed = OT_NREQ_##name,                         \
		.req_##name = { __VA_ARGS__ }                                                  \
	}
#define OT_WIRE_OP_NAME(NAME, name, ...) OT_WIRE_OP_##name = OT_WIRE_##NAME,
enum { OT_WIRE_OPS(OT_WIRE_OP_NAME) };
#undef OT_WIRE_OP_NAME

/* Variable part kinds. */
enum ot_wire_var {
	OT_WIRE_VAR_NONE = 0,  /* always empty */
	OT_WIRE_VAR_BYTES = 1, /* any bytes */
	OT_WIRE_VAR_TEXT = 2,  /* empty, or a NUL-terminated string without other NULs */
};

/* How one message (a request, or the reply to one, or an event) is laid out. */
struct ot_wire_schema {
	const char *fields; /* one letter per fixed field: 'd' 32-bit, 'q' 64-bit */
	uint8_t nfixed;     /* strlen(fields) */
	uint8_t var;        /* enum ot_wire_var */
	uint8_t fd;         /* may carry OT_WIRE_FLAG_FD */
	int8_t len_field;   /* index of the fixed field that equals var_len (or, with the FD flag,
	                       the memfd's size); -1 for none */
	/* fd with var BYTES: the payload travels inline or in the memfd (then var is empty);
	 * fd with var NONE: the memfd is a buffer for the receiver to fill. */
	uint32_t var_max;   /* longest variable part */
};

/* The schema of opcode travelling to dir (for a REPLY, that of the reply to reply_to), or NULL
 * when the opcode is unknown, travels the other way, or reply_to is not a request. */
const struct ot_wire_schema *ot_wire_schema(uint16_t opcode, int dir, uint16_t reply_to);

/* How many bytes the frame at buf needs: 0 = fewer than 16 bytes given, so not known yet;
 * > 0 = the frame's whole size (compare with len: the frame is complete when it is <= len);
 * < 0 = an OT_WIRE_E* code: the header is bad (size out of range, reserved not 0, unknown flags
 * or opcode) and the stream cannot be resynchronised. Reads at most 16 bytes. */
long ot_wire_frame_size(const void *buf, size_t len);

/* Decodes the frame at the start of buf (len may include following frames) for a receiver of
 * direction dir. For a REPLY, reply_to is the opcode of the request the client sent with that
 * seq (ot_wire_peek_seq() gives the seq before decoding; pass 0 when no request is pending with
 * it, which yields OT_WIRE_EREPLYTO); other frames ignore reply_to. Returns 0 or a negative
 * OT_WIRE_E* code; on success out->var points into buf. Never reads past buf + len, nor past
 * the frame. */
int ot_wire_decode(const void *buf, size_t len, int dir, uint16_t reply_to,
		   struct ot_wire_frame *out);

/* The seq of the frame at buf (at least 16 bytes), so a client can find which request a REPLY
 * answers before decoding it. */
uint32_t ot_wire_peek_seq(const void *buf);
/* The opcode of the frame at buf (at least 16 bytes). */
uint16_t ot_wire_peek_opcode(const void *buf);

/* Encodes f, after checking it against its schema exactly as the receiver will (so a frame the
 * peer would refuse is never sent): returns the bytes written or a negative OT_WIRE_E* code. */
long ot_wire_encode(void *buf, size_t cap, const struct ot_wire_frame *f);
/* The same checks, but writes only the header and the fixed fields (at most OT_WIRE_MAX_HEAD
 * bytes); the header's size counts f->var_len bytes that the caller sends right after. Returns
 * the bytes written or a negative OT_WIRE_E* code. */
long ot_wire_encode_head(void *buf, size_t cap, const struct ot_wire_frame *f);

/* Field i as a DWORD: 0, or -1 when i is past nfixed or the value does not fit 32 bits. */
int ot_wire_dword(const struct ot_wire_frame *f, unsigned i, uint32_t *out);
/* The variable part as a C string: "" when empty. Only for VAR_TEXT messages (decode checked). */
const char *ot_wire_text(const struct ot_wire_frame *f);

static inline uint64_t ot_wire_from_long(int32_t v)
{
	return (uint32_t)v;
}

static inline int32_t ot_wire_to_long(uint64_t v)
{
	return (int32_t)(uint32_t)v;
}

/* "SET_DATA", … or "?" */
const char *ot_wire_op_name(uint16_t opcode);
/* The place of a request's opcode in ops.h (OT_OPX_<NAME>), or -1 for any other opcode. */
int ot_wire_op_index(uint16_t opcode);
/* A sentence for an OT_WIRE_E* code (or "?"). */
const char *ot_wire_strerror(int err);

#endif
