/* SPDX-License-Identifier: MIT */
/* wire.c — the frame codec of the OpenTAPI wire protocol (wire.h, docs/protocol.md).
 *
 * Every message is described by one row of the schema table below; the decoder and the encoder
 * are generic and share one validation routine (check_frame), so a frame we send is exactly a
 * frame the peer accepts. Nothing here allocates or keeps state: a server decodes straight out of
 * its receive buffer, and the variable bytes are handed on in place.
 */
#include "wire.h"

#include <string.h>

/* What a row of the table is. */
enum kind {
	K_NONE = 0, /* empty slot: unknown opcode */
	K_REQUEST,  /* client to server; `in` is the request, `out` the reply's fields */
	K_REPLY,    /* OT_WIRE_REPLY: its fields come from the request it answers */
	K_NOTICE,   /* server to client, unsolicited (seq 0); `out` is the message */
};

struct def {
	const char *name;
	enum kind kind;
	struct ot_wire_schema in, out;
};

/* A schema from a row of ops.h: its field kinds as a string ("ddq"), its variable part, its
 * descriptor rule. */
#define OT_VAR_NONE .var = OT_WIRE_VAR_NONE, .var_max = 0, .len_field = -1
#define OT_VAR_TEXT .var = OT_WIRE_VAR_TEXT, .var_max = OT_WIRE_TEXT_MAX, .len_field = -1
#define OT_VAR_BYTES(lenf) .var = OT_WIRE_VAR_BYTES, .var_max = OT_WIRE_INLINE_MAX, .len_field = (lenf)
#define KIND(c, kind, field) #kind
#define SCHEMA(kinds, may_fd, ...)                                                              \
	{ .fields = kinds, .nfixed = sizeof(kinds) - 1, .fd = may_fd, __VA_ARGS__ }
#define ROW(NAME, lower, op, REQ, req_var, may_fd, REP, rep_var)                               \
	[OT_OPX_##NAME] = { .name = #NAME, .kind = K_REQUEST,                     \
			    .in = SCHEMA("" REQ(KIND, ), may_fd, req_var),                     \
			    .out = SCHEMA("d" REP(KIND, ), 0, rep_var) },

/* Every request, in the order of ops.h. */
static const struct def requests[OT_OPX_COUNT] = { OT_WIRE_OPS(ROW) };

/* What the server sends of its own accord, and the REPLY (whose schema is its request's). */
static const struct def reply = { .name = "REPLY", .kind = K_REPLY };
static const struct def event = { .name = "EVENT", .kind = K_NOTICE,
				  .out = SCHEMA("qddqqqqd", 0, OT_VAR_NONE) };
static const struct def goodbye = { .name = "GOODBYE", .kind = K_NOTICE,
				    .out = SCHEMA("d", 0, OT_VAR_TEXT) };

#define INDEX_CASE(NAME, lower, op, ...)                                                        \
	case op:                                                                               \
		return OT_OPX_##NAME;

int ot_wire_op_index(uint16_t opcode)
{
	switch (opcode) {
		OT_WIRE_OPS(INDEX_CASE)
	default:
		return -1;
	}
}

/* The row of op, or NULL. */
static const struct def *lookup(uint16_t op)
{
	int i = ot_wire_op_index(op);

	if (i >= 0)
		return &requests[i];
	switch (op) {
	case OT_WIRE_REPLY: return &reply;
	case OT_WIRE_EVENT: return &event;
	case OT_WIRE_GOODBYE: return &goodbye;
	default: return NULL;
	}
}

/* The schema of op arriving at dir, or NULL with *err set. */
static const struct ot_wire_schema *schema_for(uint16_t op, int dir, uint16_t reply_to, int *err)
{
	const struct def *d = lookup(op), *r;

	if (!d) {
		*err = OT_WIRE_EOPCODE;
		return NULL;
	}
	if (dir != (d->kind == K_REQUEST ? OT_WIRE_TO_SERVER : OT_WIRE_TO_CLIENT)) {
		*err = OT_WIRE_EDIRECTION;
		return NULL;
	}
	if (d->kind != K_REPLY)
		return d->kind == K_REQUEST ? &d->in : &d->out;
	r = lookup(reply_to);
	if (!r || r->kind != K_REQUEST) {
		*err = OT_WIRE_EREPLYTO;
		return NULL;
	}
	return &r->out;
}

const struct ot_wire_schema *ot_wire_schema(uint16_t opcode, int dir, uint16_t reply_to)
{
	int err;

	return schema_for(opcode, dir, reply_to, &err);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)v);
	wr16(p + 2, (uint16_t)(v >> 16));
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

/* Header checks that need no direction: the frame's size, or an error. p has 16 bytes. The size
 * comes first: with a bad size the stream cannot be followed at all. */
static long check_header(const uint8_t *p)
{
	uint32_t size = rd32(p);

	if (size < OT_WIRE_HEADER_SIZE)
		return OT_WIRE_ESHORT;
	if (size > OT_WIRE_MAX_FRAME)
		return OT_WIRE_EBIG;
	if (rd32(p + 12) != 0)
		return OT_WIRE_ERESERVED;
	if (rd16(p + 6) & ~OT_WIRE_FLAGS_KNOWN)
		return OT_WIRE_EFLAGS;
	if (!lookup(rd16(p + 4)))
		return OT_WIRE_EOPCODE;
	return (long)size;
}

long ot_wire_frame_size(const void *buf, size_t len)
{
	if (len < OT_WIRE_HEADER_SIZE)
		return 0;
	return check_header(buf);
}

uint32_t ot_wire_peek_seq(const void *buf)
{
	return rd32((const uint8_t *)buf + 8);
}

uint16_t ot_wire_peek_opcode(const void *buf)
{
	return rd16((const uint8_t *)buf + 4);
}

/* Everything the schema says about a frame, for decoder and encoder alike. The caller has found
 * s for f's opcode and checked the header-level rules. */
static int check_frame(const struct ot_wire_schema *s, const struct ot_wire_frame *f)
{
	int notice = f->opcode == OT_WIRE_EVENT || f->opcode == OT_WIRE_GOODBYE;
	unsigned i;

	if (notice ? f->seq != 0 : f->seq == 0)
		return OT_WIRE_ESEQ;
	if (f->nfixed != s->nfixed)
		return OT_WIRE_EFIXED;
	for (i = 0; i < s->nfixed; i++)
		if (s->fields[i] == 'd' && f->fixed[i] > UINT32_MAX)
			return OT_WIRE_EDWORD;
	if (f->var_len > s->var_max)
		return OT_WIRE_EVARLEN;
	if (f->flags & OT_WIRE_FLAG_FD) {
		if (!s->fd)
			return OT_WIRE_EFD;
		if (f->var_len != 0)
			return OT_WIRE_EFDVAR;
	} else if (s->len_field >= 0 && f->fixed[s->len_field] != f->var_len) {
		return OT_WIRE_ELENGTH;
	}
	if (s->var == OT_WIRE_VAR_TEXT && f->var_len > 0 &&
	    (f->var[f->var_len - 1] != 0 || memchr(f->var, 0, f->var_len - 1)))
		return OT_WIRE_ETEXT;
	return 0;
}

int ot_wire_decode(const void *buf, size_t len, int dir, uint16_t reply_to,
		   struct ot_wire_frame *out)
{
	const uint8_t *p = buf;
	const struct ot_wire_schema *s;
	long size;
	uint32_t body, i;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (len < OT_WIRE_HEADER_SIZE)
		return OT_WIRE_EINCOMPLETE;
	size = check_header(p);
	if (size < 0)
		return (int)size;
	if (len < (size_t)size)
		return OT_WIRE_EINCOMPLETE;
	out->opcode = rd16(p + 4);
	out->flags = rd16(p + 6);
	out->seq = rd32(p + 8);
	s = schema_for(out->opcode, dir, reply_to, &err);
	if (!s)
		return err;
	if (out->opcode == OT_WIRE_REPLY)
		out->reply_to = reply_to;
	body = (uint32_t)size - OT_WIRE_HEADER_SIZE;
	if (body < 8u * s->nfixed)
		return OT_WIRE_EFIXED;
	out->nfixed = s->nfixed;
	for (i = 0; i < s->nfixed; i++)
		out->fixed[i] = rd64(p + OT_WIRE_HEADER_SIZE + 8u * i);
	out->var_len = body - 8u * s->nfixed;
	out->var = out->var_len ? p + OT_WIRE_HEADER_SIZE + 8u * s->nfixed : NULL;
	return check_frame(s, out);
}

/* Checks f for sending; returns the frame's whole size or an error. */
static long check_outgoing(const struct ot_wire_frame *f)
{
	const struct ot_wire_schema *s;
	const struct def *d;
	int err = 0;

	if (!f || (f->var_len && !f->var))
		return OT_WIRE_EINVAL;
	if (f->flags & ~OT_WIRE_FLAGS_KNOWN)
		return OT_WIRE_EFLAGS;
	d = lookup(f->opcode);
	if (!d)
		return OT_WIRE_EOPCODE;
	s = schema_for(f->opcode, d->kind == K_REQUEST ? OT_WIRE_TO_SERVER : OT_WIRE_TO_CLIENT,
		       f->reply_to, &err);
	if (!s)
		return err;
	err = check_frame(s, f);
	if (err)
		return err;
	/* No size check needed: every schema has 8 * nfixed + var_max <= OT_WIRE_MAX_BODY (the
	 * unit test checks the whole table). */
	return (long)(OT_WIRE_HEADER_SIZE + 8u * f->nfixed + f->var_len);
}

/* Writes the header and fixed fields of f (checked; size is the whole frame's). */
static size_t write_head(uint8_t *p, const struct ot_wire_frame *f, long size)
{
	uint32_t i;

	wr32(p, (uint32_t)size);
	wr16(p + 4, f->opcode);
	wr16(p + 6, f->flags);
	wr32(p + 8, f->seq);
	wr32(p + 12, 0);
	for (i = 0; i < f->nfixed; i++)
		wr64(p + OT_WIRE_HEADER_SIZE + 8u * i, f->fixed[i]);
	return OT_WIRE_HEADER_SIZE + 8u * f->nfixed;
}

long ot_wire_encode_head(void *buf, size_t cap, const struct ot_wire_frame *f)
{
	long size = check_outgoing(f);

	if (size < 0)
		return size;
	if (cap < OT_WIRE_HEADER_SIZE + 8u * f->nfixed)
		return OT_WIRE_ENOSPC;
	return (long)write_head(buf, f, size);
}

long ot_wire_encode(void *buf, size_t cap, const struct ot_wire_frame *f)
{
	long size = check_outgoing(f);
	size_t head;

	if (size < 0)
		return size;
	if (cap < (size_t)size)
		return OT_WIRE_ENOSPC;
	head = write_head(buf, f, size);
	if (f->var_len)
		memcpy((uint8_t *)buf + head, f->var, f->var_len);
	return size;
}

int ot_wire_dword(const struct ot_wire_frame *f, unsigned i, uint32_t *out)
{
	if (i >= f->nfixed || i >= OT_WIRE_MAX_FIXED || f->fixed[i] > UINT32_MAX)
		return -1;
	*out = (uint32_t)f->fixed[i];
	return 0;
}

const char *ot_wire_text(const struct ot_wire_frame *f)
{
	return f->var_len ? (const char *)f->var : "";
}

const char *ot_wire_op_name(uint16_t opcode)
{
	const struct def *d = lookup(opcode);

	return d ? d->name : "?";
}

const char *ot_wire_strerror(int err)
{
	static const char *const msgs[] = {
		[-OT_WIRE_EINCOMPLETE] = "frame incomplete",
		[-OT_WIRE_ESHORT] = "frame size below the header size",
		[-OT_WIRE_EBIG] = "frame size above the maximum",
		[-OT_WIRE_ERESERVED] = "reserved header field not zero",
		[-OT_WIRE_EFLAGS] = "unknown flags",
		[-OT_WIRE_EOPCODE] = "unknown opcode",
		[-OT_WIRE_EDIRECTION] = "message sent the wrong way",
		[-OT_WIRE_EREPLYTO] = "reply to no known request",
		[-OT_WIRE_ESEQ] = "bad sequence number",
		[-OT_WIRE_EFIXED] = "fixed fields do not match the message",
		[-OT_WIRE_EDWORD] = "32-bit field out of range",
		[-OT_WIRE_EVARLEN] = "variable part too long",
		[-OT_WIRE_EFD] = "descriptor on a message that takes none",
		[-OT_WIRE_EFDVAR] = "descriptor together with inline bytes",
		[-OT_WIRE_ELENGTH] = "size field disagrees with the inline bytes",
		[-OT_WIRE_ETEXT] = "text not NUL-terminated or with an inner NUL",
		[-OT_WIRE_ENOSPC] = "buffer too small",
		[-OT_WIRE_EINVAL] = "invalid frame",
	};

	if (err >= 0 || err < OT_WIRE_ERR_MIN)
		return "?";
	return msgs[-err];
}
