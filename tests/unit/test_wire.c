/* SPDX-License-Identifier: MIT */
/* Unit tests of the wire protocol codec (src/proto/wire.c, docs/protocol.md): round trips of
 * every message both ways, one test per reason a frame is refused, truncation at every length
 * (run under ASan: buffers are allocated to the exact length, so an over-read is caught),
 * limits, descriptor rules and 32-bit field checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <tapi.h>

#include "wire.h"

/* The opcodes, numbers and names this protocol version promises. */
static const struct {
	uint16_t op;
	uint16_t value;
	const char *name;
} requests[] = {
	{ OT_WIRE_HELLO, 0x0001, "HELLO" },
	{ OT_WIRE_APP_NEW, 0x0100, "APP_NEW" },
	{ OT_WIRE_APP_FREE, 0x0101, "APP_FREE" },
	{ OT_WIRE_NEGOTIATE_API, 0x0102, "NEGOTIATE_API" },
	{ OT_WIRE_NEGOTIATE_EXT, 0x0103, "NEGOTIATE_EXT" },
	{ OT_WIRE_GET_DEV_CAPS, 0x0104, "GET_DEV_CAPS" },
	{ OT_WIRE_OPEN, 0x0105, "OPEN" },
	{ OT_WIRE_GET_ICON, 0x0106, "GET_ICON" },
	{ OT_WIRE_CONFIG_DIALOG, 0x0107, "CONFIG_DIALOG" },
	{ OT_WIRE_CLOSE, 0x0200, "CLOSE" },
	{ OT_WIRE_SET_DATA, 0x0201, "SET_DATA" },
	{ OT_WIRE_GET_DATA, 0x0202, "GET_DATA" },
	{ OT_WIRE_DEV_SPECIFIC, 0x0203, "DEV_SPECIFIC" },
	{ OT_WIRE_GET_STATUS, 0x0204, "GET_STATUS" },
	{ OT_WIRE_SET_STATUS_MESSAGES, 0x0205, "SET_STATUS_MESSAGES" },
	{ OT_WIRE_GET_STATUS_MESSAGES, 0x0206, "GET_STATUS_MESSAGES" },
	{ OT_WIRE_SET_DISPLAY, 0x0300, "SET_DISPLAY" },
	{ OT_WIRE_GET_DISPLAY, 0x0301, "GET_DISPLAY" },
	{ OT_WIRE_SET_LAMP, 0x0302, "SET_LAMP" },
	{ OT_WIRE_GET_LAMP, 0x0303, "GET_LAMP" },
	{ OT_WIRE_SET_BUTTON_INFO, 0x0304, "SET_BUTTON_INFO" },
	{ OT_WIRE_GET_BUTTON_INFO, 0x0305, "GET_BUTTON_INFO" },
	{ OT_WIRE_SET_HOOKSWITCH, 0x0306, "SET_HOOKSWITCH" },
	{ OT_WIRE_GET_HOOKSWITCH, 0x0307, "GET_HOOKSWITCH" },
	{ OT_WIRE_SET_RING, 0x0308, "SET_RING" },
	{ OT_WIRE_GET_RING, 0x0309, "GET_RING" },
	{ OT_WIRE_SET_VOLUME, 0x030A, "SET_VOLUME" },
	{ OT_WIRE_GET_VOLUME, 0x030B, "GET_VOLUME" },
	{ OT_WIRE_SET_GAIN, 0x030C, "SET_GAIN" },
	{ OT_WIRE_GET_GAIN, 0x030D, "GET_GAIN" },
	{ OT_WIRE_GET_ID, 0x030E, "GET_ID" },
};
#define NREQ (sizeof(requests) / sizeof(requests[0]))

/* The fixed fields each message has ('d' 32-bit, 'q' 64-bit), written out independently of the
 * codec's table: request, then reply. */
static const struct {
	uint16_t op;
	const char *req, *rep;
} layouts[] = {
	{ OT_WIRE_HELLO, "ddd", "ddd" },
	{ OT_WIRE_APP_NEW, "dq", "ddd" },
	{ OT_WIRE_APP_FREE, "d", "d" },
	{ OT_WIRE_NEGOTIATE_API, "dddd", "dddddd" },
	{ OT_WIRE_NEGOTIATE_EXT, "ddddd", "dd" },
	{ OT_WIRE_GET_DEV_CAPS, "ddddd", "d" },
	{ OT_WIRE_OPEN, "ddddqd", "dd" },
	{ OT_WIRE_GET_ICON, "d", "d" },
	{ OT_WIRE_CONFIG_DIALOG, "d", "d" },
	{ OT_WIRE_CLOSE, "d", "d" },
	{ OT_WIRE_SET_DATA, "ddd", "d" },
	{ OT_WIRE_GET_DATA, "ddd", "dd" },
	{ OT_WIRE_DEV_SPECIFIC, "dd", "d" },
	{ OT_WIRE_GET_STATUS, "dd", "d" },
	{ OT_WIRE_SET_STATUS_MESSAGES, "dddd", "d" },
	{ OT_WIRE_GET_STATUS_MESSAGES, "d", "dddd" },
	{ OT_WIRE_SET_DISPLAY, "dddd", "d" },
	{ OT_WIRE_GET_DISPLAY, "dd", "d" },
	{ OT_WIRE_SET_LAMP, "ddd", "d" },
	{ OT_WIRE_GET_LAMP, "dd", "dd" },
	{ OT_WIRE_SET_BUTTON_INFO, "dd", "d" },
	{ OT_WIRE_GET_BUTTON_INFO, "ddd", "d" },
	{ OT_WIRE_SET_HOOKSWITCH, "ddd", "d" },
	{ OT_WIRE_GET_HOOKSWITCH, "d", "dd" },
	{ OT_WIRE_SET_RING, "ddd", "d" },
	{ OT_WIRE_GET_RING, "d", "ddd" },
	{ OT_WIRE_SET_VOLUME, "ddd", "d" },
	{ OT_WIRE_GET_VOLUME, "dd", "dd" },
	{ OT_WIRE_SET_GAIN, "ddd", "d" },
	{ OT_WIRE_GET_GAIN, "dd", "dd" },
	{ OT_WIRE_GET_ID, "dd", "d" },
};

/* ---- helpers ---- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* Writes a frame byte by byte, checking nothing, so tests can build what the encoder refuses.
 * size 0 means "the right size". Returns the bytes written. */
static size_t raw(uint8_t *buf, uint32_t size, uint16_t op, uint16_t flags, uint32_t seq,
		  uint32_t reserved, const uint64_t *fixed, unsigned n, const void *var,
		  uint32_t var_len)
{
	size_t len = OT_WIRE_HEADER_SIZE + 8u * n + var_len;
	unsigned i;

	put32(buf, size ? size : (uint32_t)len);
	put16(buf + 4, op);
	put16(buf + 6, flags);
	put32(buf + 8, seq);
	put32(buf + 12, reserved);
	for (i = 0; i < n; i++)
		put64(buf + 16 + 8 * i, fixed[i]);
	if (var_len)
		memcpy(buf + 16 + 8 * n, var, var_len);
	return len;
}

static uint8_t payload[OT_WIRE_INLINE_MAX + 2];
static uint8_t buf[OT_WIRE_MAX_FRAME + 64];
static uint8_t buf2[OT_WIRE_MAX_FRAME + 64];

/* A valid frame for schema s: 32-bit fields at their largest values, 64-bit ones using all 64
 * bits, a size field matching var_len, a text or some bytes in the variable part. */
static void sample(struct ot_wire_frame *f, uint16_t op, uint16_t reply_to, uint32_t seq,
		   const struct ot_wire_schema *s, uint32_t var_len)
{
	unsigned i;

	memset(f, 0, sizeof(*f));
	f->opcode = op;
	f->reply_to = reply_to;
	f->seq = seq;
	f->nfixed = s->nfixed;
	for (i = 0; i < s->nfixed; i++)
		f->fixed[i] = s->fields[i] == 'd' ? 0xFFFFFFF0u + i : 0xFEDCBA9876543210ull + i;
	if (s->var == OT_WIRE_VAR_NONE)
		var_len = 0;
	if (s->var == OT_WIRE_VAR_TEXT && var_len) {
		memset(payload, 'a', var_len - 1);
		payload[var_len - 1] = 0;
	} else {
		for (i = 0; i < var_len; i++)
			payload[i] = (uint8_t)(i * 7 + 3);
	}
	f->var = var_len ? payload : NULL;
	f->var_len = var_len;
	if (s->len_field >= 0)
		f->fixed[s->len_field] = var_len;
}

static void assert_same(const struct ot_wire_frame *a, const struct ot_wire_frame *b)
{
	unsigned i;

	assert_int_equal(a->opcode, b->opcode);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->nfixed, b->nfixed);
	for (i = 0; i < a->nfixed; i++)
		assert_true(a->fixed[i] == b->fixed[i]);
	assert_int_equal(a->var_len, b->var_len);
	if (a->var_len)
		assert_memory_equal(a->var, b->var, a->var_len);
	if (a->opcode == OT_WIRE_REPLY)
		assert_int_equal(a->reply_to, b->reply_to);
}

/* Encodes f, decodes it for dir, checks it comes back the same and encodes to the same bytes. */
static size_t round_trip(const struct ot_wire_frame *f, int dir)
{
	struct ot_wire_frame d;
	long n, m, h;

	n = ot_wire_encode(buf, sizeof(buf), f);
	assert_true(n > 0);
	assert_int_equal(n, OT_WIRE_HEADER_SIZE + 8 * f->nfixed + f->var_len);
	assert_int_equal(ot_wire_frame_size(buf, (size_t)n), n);
	assert_int_equal(ot_wire_decode(buf, (size_t)n, dir, f->reply_to, &d), 0);
	assert_same(f, &d);
	if (d.var_len)
		assert_ptr_equal(d.var, buf + OT_WIRE_HEADER_SIZE + 8 * d.nfixed);
	m = ot_wire_encode(buf2, sizeof(buf2), &d);
	assert_int_equal(m, n);
	assert_memory_equal(buf, buf2, (size_t)n);
	/* header + fixed part, then the variable bytes from where they are */
	h = ot_wire_encode_head(buf2, OT_WIRE_MAX_HEAD, f);
	assert_int_equal(h, OT_WIRE_HEADER_SIZE + 8 * f->nfixed);
	assert_memory_equal(buf, buf2, (size_t)h);
	return (size_t)n;
}

/* Decodes raw bytes for dir and returns the result. */
static int dec(size_t len, int dir, uint16_t reply_to)
{
	struct ot_wire_frame f;

	return ot_wire_decode(buf, len, dir, reply_to, &f);
}

/* ---- the table ---- */

static void opcodes_names_and_layouts_are_pinned(void **state)
{
	size_t i, j;
	unsigned known = 0, op;

	(void)state;
	for (i = 0; i < NREQ; i++) {
		const struct ot_wire_schema *rq, *rp;

		assert_int_equal(requests[i].op, requests[i].value);
		assert_string_equal(ot_wire_op_name(requests[i].op), requests[i].name);
		rq = ot_wire_schema(requests[i].op, OT_WIRE_TO_SERVER, 0);
		rp = ot_wire_schema(OT_WIRE_REPLY, OT_WIRE_TO_CLIENT, requests[i].op);
		assert_non_null(rq);
		assert_non_null(rp);
		for (j = 0; j < NREQ; j++)
			if (layouts[j].op == requests[i].op)
				break;
		assert_true(j < NREQ);
		assert_string_equal(rq->fields, layouts[j].req);
		assert_string_equal(rp->fields, layouts[j].rep);
		assert_int_equal(rp->fields[0], 'd'); /* the LONG result */
	}
	assert_int_equal(OT_WIRE_REPLY, 0x8000);
	assert_int_equal(OT_WIRE_EVENT, 0x8001);
	assert_int_equal(OT_WIRE_GOODBYE, 0x8002);
	assert_string_equal(ot_wire_op_name(OT_WIRE_REPLY), "REPLY");
	assert_string_equal(ot_wire_op_name(OT_WIRE_EVENT), "EVENT");
	assert_string_equal(ot_wire_op_name(OT_WIRE_GOODBYE), "GOODBYE");
	assert_string_equal(ot_wire_schema(OT_WIRE_EVENT, OT_WIRE_TO_CLIENT, 0)->fields, "qddqqqqd");
	assert_int_equal(ot_wire_schema(OT_WIRE_EVENT, OT_WIRE_TO_CLIENT, 0)->nfixed,
			 OT_WIRE_EV_NFIXED);
	assert_string_equal(ot_wire_schema(OT_WIRE_GOODBYE, OT_WIRE_TO_CLIENT, 0)->fields, "d");

	/* Every known opcode: a sane schema; every other number: unknown. */
	for (op = 0; op <= 0xFFFF; op++) {
		const struct ot_wire_schema *s[2];
		int k;

		if (strcmp(ot_wire_op_name((uint16_t)op), "?") == 0) {
			assert_null(ot_wire_schema((uint16_t)op, OT_WIRE_TO_SERVER, 0));
			assert_null(ot_wire_schema((uint16_t)op, OT_WIRE_TO_CLIENT, 0));
			continue;
		}
		known++;
		/* bit 15 tells the direction */
		assert_int_equal(!!(op & 0x8000), op >= OT_WIRE_REPLY);
		s[0] = ot_wire_schema((uint16_t)op, OT_WIRE_TO_SERVER, 0);
		s[1] = op == OT_WIRE_REPLY ? NULL : ot_wire_schema((uint16_t)op, OT_WIRE_TO_CLIENT, 0);
		assert_true((s[0] != NULL) != (s[1] != NULL) || op == OT_WIRE_REPLY);
		if (s[0])
			s[1] = ot_wire_schema(OT_WIRE_REPLY, OT_WIRE_TO_CLIENT, (uint16_t)op);
		for (k = 0; k < 2; k++) {
			if (!s[k])
				continue;
			assert_int_equal(strlen(s[k]->fields), s[k]->nfixed);
			assert_true(s[k]->nfixed <= OT_WIRE_MAX_FIXED);
			assert_int_equal(strspn(s[k]->fields, "dq"), s[k]->nfixed);
			assert_true(8u * s[k]->nfixed + s[k]->var_max <= OT_WIRE_MAX_BODY);
			assert_true(s[k]->var_max <= OT_WIRE_INLINE_MAX);
			if (s[k]->var == OT_WIRE_VAR_NONE)
				assert_int_equal(s[k]->var_max, 0);
			if (s[k]->var == OT_WIRE_VAR_TEXT)
				assert_int_equal(s[k]->var_max, OT_WIRE_TEXT_MAX);
			if (s[k]->len_field >= 0) {
				assert_int_equal(s[k]->var, OT_WIRE_VAR_BYTES);
				assert_true(s[k]->len_field < s[k]->nfixed);
				assert_int_equal(s[k]->fields[s[k]->len_field], 'd');
			}
			/* a descriptor replaces the inline bytes, or is a buffer to fill */
			if (s[k]->fd)
				assert_true(s[k]->len_field >= 0 || s[k]->var == OT_WIRE_VAR_NONE);
		}
	}
	assert_int_equal(known, NREQ + 3);
	assert_null(ot_wire_schema(OT_WIRE_REPLY, OT_WIRE_TO_CLIENT, OT_WIRE_REPLY));
	assert_null(ot_wire_schema(OT_WIRE_REPLY, OT_WIRE_TO_CLIENT, OT_WIRE_EVENT));
	assert_null(ot_wire_schema(OT_WIRE_REPLY, OT_WIRE_TO_SERVER, OT_WIRE_OPEN));
	assert_string_equal(ot_wire_op_name(0), "?");
}

/* The exact bytes of two frames: little-endian everywhere, fields where the document says. */
static void bytes_are_little_endian(void **state)
{
	static const uint8_t want_open[] = {
		0x40, 0, 0, 0,   0x05, 0x01, 0x00, 0x00,   0x78, 0x56, 0x34, 0x12,   0, 0, 0, 0,
		0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0,
		0x07, 0, 0, 0, 0, 0, 0, 0,
		0x02, 0x00, 0x02, 0x00, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
		0x02, 0, 0, 0, 0, 0, 0, 0,
	};
	static const uint8_t want_reply[] = {
		0x20, 0, 0, 0,   0x00, 0x80, 0x00, 0x00,   0x78, 0x56, 0x34, 0x12,   0, 0, 0, 0,
		0x03, 0x00, 0x00, 0x90, 0, 0, 0, 0, /* (LONG)PHONEERR_INCOMPATIBLEAPIVERSION, zero-extended */
		0x09, 0, 0, 0, 0, 0, 0, 0,
	};
	struct ot_wire_frame f = { .opcode = OT_WIRE_OPEN, .seq = 0x12345678,
		OT_WIRE_FIELDS(0x04030201, 7, 0x00020002, 0, 0x0102030405060708ull,
			       PHONEPRIVILEGE_OWNER) };
	struct ot_wire_frame r = { .opcode = OT_WIRE_REPLY, .reply_to = OT_WIRE_OPEN,
		.seq = 0x12345678,
		OT_WIRE_FIELDS(ot_wire_from_long((LONG)PHONEERR_INCOMPATIBLEAPIVERSION), 9) };
	struct ot_wire_frame d;

	(void)state;
	assert_int_equal(f.nfixed, 6);
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), sizeof(want_open));
	assert_memory_equal(buf, want_open, sizeof(want_open));
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &r), sizeof(want_reply));
	assert_memory_equal(buf, want_reply, sizeof(want_reply));
	assert_int_equal(ot_wire_decode(buf, sizeof(want_reply), OT_WIRE_TO_CLIENT, OT_WIRE_OPEN,
					&d), 0);
	assert_int_equal(ot_wire_to_long(d.fixed[OT_WIRE_RESULT]), (LONG)PHONEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(ot_wire_peek_seq(buf), 0x12345678);
	assert_int_equal(ot_wire_peek_opcode(buf), OT_WIRE_REPLY);
}

/* ---- round trips ---- */

static void every_request_round_trips(void **state)
{
	struct ot_wire_frame f;
	size_t i;

	(void)state;
	for (i = 0; i < NREQ; i++) {
		const struct ot_wire_schema *s = ot_wire_schema(requests[i].op, OT_WIRE_TO_SERVER, 0);

		sample(&f, requests[i].op, 0, 1, s, 0);
		round_trip(&f, OT_WIRE_TO_SERVER);
		sample(&f, requests[i].op, 0, 0xFFFFFFFFu, s, 100);
		round_trip(&f, OT_WIRE_TO_SERVER);
		sample(&f, requests[i].op, 0, 77, s, s->var_max);
		round_trip(&f, OT_WIRE_TO_SERVER);
		if (s->fd) {
			sample(&f, requests[i].op, 0, 78, s, 0);
			f.flags = OT_WIRE_FLAG_FD;
			f.fixed[2] = 16u << 20; /* the size field of SET_DATA and GET_DATA */
			round_trip(&f, OT_WIRE_TO_SERVER);
		}
	}
}

static void every_reply_round_trips(void **state)
{
	struct ot_wire_frame f;
	size_t i;

	(void)state;
	for (i = 0; i < NREQ; i++) {
		const struct ot_wire_schema *s =
			ot_wire_schema(OT_WIRE_REPLY, OT_WIRE_TO_CLIENT, requests[i].op);

		sample(&f, OT_WIRE_REPLY, requests[i].op, 1, s, 0);
		f.fixed[OT_WIRE_RESULT] = ot_wire_from_long((LONG)PHONEERR_NOMEM);
		round_trip(&f, OT_WIRE_TO_CLIENT);
		sample(&f, OT_WIRE_REPLY, requests[i].op, 2, s, 33);
		f.fixed[OT_WIRE_RESULT] = 0;
		round_trip(&f, OT_WIRE_TO_CLIENT);
		sample(&f, OT_WIRE_REPLY, requests[i].op, 3, s, s->var_max);
		round_trip(&f, OT_WIRE_TO_CLIENT);
	}
}

static void events_and_goodbye_round_trip(void **state)
{
	static const char reason[] = "server shutting down";
	struct ot_wire_frame ev = { .opcode = OT_WIRE_EVENT,
		OT_WIRE_FIELDS(0xFFFFFFFFFFFFFFFFull, 0x00100001, PHONE_REPLY, 0x8000000000000001ull,
			       0x7FFFFFFF, ot_wire_from_long((LONG)PHONEERR_OPERATIONFAILED),
			       0xFFFFFFFFFFFFFFFFull, 1) };
	struct ot_wire_frame bye = { .opcode = OT_WIRE_GOODBYE, OT_WIRE_FIELDS(OT_WIRE_BYE_SHUTDOWN),
		.var = (const uint8_t *)reason, .var_len = sizeof(reason) };
	struct ot_wire_frame d;
	size_t n;

	(void)state;
	assert_int_equal(ev.nfixed, OT_WIRE_EV_NFIXED);
	assert_int_equal(round_trip(&ev, OT_WIRE_TO_CLIENT), 16 + 64);
	assert_int_equal(ev.fixed[OT_WIRE_EV_MESSAGE], PHONE_REPLY);
	n = round_trip(&bye, OT_WIRE_TO_CLIENT);
	assert_int_equal(ot_wire_decode(buf, n, OT_WIRE_TO_CLIENT, 0, &d), 0);
	assert_string_equal(ot_wire_text(&d), reason);
	bye.var = NULL;
	bye.var_len = 0;
	n = round_trip(&bye, OT_WIRE_TO_CLIENT);
	assert_int_equal(ot_wire_decode(buf, n, OT_WIRE_TO_CLIENT, 0, &d), 0);
	assert_string_equal(ot_wire_text(&d), "");
	/* reply_to means nothing to them */
	assert_int_equal(ot_wire_decode(buf, n, OT_WIRE_TO_CLIENT, 0x1234, &d), 0);
}

static void hello_and_app_new_carry_texts(void **state)
{
	static const char name[] = "phonectl \xC3\xA9";
	struct ot_wire_frame hello = { .opcode = OT_WIRE_HELLO, .seq = 1,
		OT_WIRE_FIELDS(OT_WIRE_MAGIC, OT_WIRE_PROTO_VERSION, 4242) };
	struct ot_wire_frame app = { .opcode = OT_WIRE_APP_NEW, .seq = 2,
		OT_WIRE_FIELDS(0x00020002, 0x00007F0012345678ull), .var = (const uint8_t *)name,
		.var_len = sizeof(name) };
	struct ot_wire_frame d;
	size_t n;

	(void)state;
	n = round_trip(&hello, OT_WIRE_TO_SERVER);
	assert_memory_equal(buf + 16, "OTAP", 4);
	assert_int_equal(ot_wire_decode(buf, n, OT_WIRE_TO_SERVER, 0, &d), 0);
	assert_true(d.fixed[0] == OT_WIRE_MAGIC);
	n = round_trip(&app, OT_WIRE_TO_SERVER);
	assert_int_equal(ot_wire_decode(buf, n, OT_WIRE_TO_SERVER, 0, &d), 0);
	assert_string_equal(ot_wire_text(&d), name);
}

/* Frames back to back in one buffer, the way a receiver finds them. */
static void a_stream_splits_into_frames(void **state)
{
	struct ot_wire_frame f, d;
	size_t i, off = 0, n = 0, count = 0;
	long sz;

	(void)state;
	for (i = 0; i < NREQ; i++) {
		sample(&f, requests[i].op, 0, (uint32_t)i + 1,
		       ot_wire_schema(requests[i].op, OT_WIRE_TO_SERVER, 0), 5);
		sz = ot_wire_encode(buf2 + off, sizeof(buf2) - off, &f);
		assert_true(sz > 0);
		off += (size_t)sz;
	}
	while ((sz = ot_wire_frame_size(buf2 + n, off - n)) > 0) {
		assert_true(n + (size_t)sz <= off);
		assert_int_equal(ot_wire_decode(buf2 + n, off - n, OT_WIRE_TO_SERVER, 0, &d), 0);
		assert_int_equal(d.seq, count + 1);
		assert_int_equal(d.opcode, requests[count].op);
		/* the decoded frame encodes to exactly the bytes it came from */
		assert_int_equal(ot_wire_encode(buf, sizeof(buf), &d), sz);
		assert_memory_equal(buf, buf2 + n, (size_t)sz);
		n += (size_t)sz;
		count++;
	}
	assert_int_equal(sz, 0);
	assert_int_equal(n, off);
	assert_int_equal(count, NREQ);
}

/* ---- truncation ---- */

/* Every prefix of f's encoding, each in a buffer of exactly that length. */
static void check_prefixes(const struct ot_wire_frame *f, int dir)
{
	struct ot_wire_frame d;
	long n = ot_wire_encode(buf, sizeof(buf), f);
	size_t len;

	assert_true(n > 0);
	for (len = 0; len <= (size_t)n; len++) {
		uint8_t *p = malloc(len ? len : 1);
		long sz;

		assert_non_null(p);
		memcpy(p, buf, len);
		sz = ot_wire_frame_size(p, len);
		if (len < OT_WIRE_HEADER_SIZE)
			assert_int_equal(sz, 0);
		else
			assert_int_equal(sz, n);
		if (len < (size_t)n)
			assert_int_equal(ot_wire_decode(p, len, dir, f->reply_to, &d),
					 OT_WIRE_EINCOMPLETE);
		else
			assert_int_equal(ot_wire_decode(p, len, dir, f->reply_to, &d), 0);
		free(p);
	}
}

static void truncated_frames_are_incomplete(void **state)
{
	struct ot_wire_frame f;
	size_t i;

	(void)state;
	for (i = 0; i < NREQ; i++) {
		const struct ot_wire_schema *s = ot_wire_schema(requests[i].op, OT_WIRE_TO_SERVER, 0);
		const struct ot_wire_schema *r =
			ot_wire_schema(OT_WIRE_REPLY, OT_WIRE_TO_CLIENT, requests[i].op);

		sample(&f, requests[i].op, 0, 9, s, 37);
		check_prefixes(&f, OT_WIRE_TO_SERVER);
		sample(&f, OT_WIRE_REPLY, requests[i].op, 9, r, 37);
		check_prefixes(&f, OT_WIRE_TO_CLIENT);
	}
	sample(&f, OT_WIRE_EVENT, 0, 0, ot_wire_schema(OT_WIRE_EVENT, OT_WIRE_TO_CLIENT, 0), 0);
	check_prefixes(&f, OT_WIRE_TO_CLIENT);
	sample(&f, OT_WIRE_GOODBYE, 0, 0, ot_wire_schema(OT_WIRE_GOODBYE, OT_WIRE_TO_CLIENT, 0),
	       OT_WIRE_TEXT_MAX);
	check_prefixes(&f, OT_WIRE_TO_CLIENT);
}

/* A frame whose size field says more than the schema allows is refused once complete, and its
 * header alone is enough to learn its size. */
static void header_alone_gives_size(void **state)
{
	uint64_t v[1] = { 5 };
	uint8_t *p = malloc(OT_WIRE_HEADER_SIZE);
	struct ot_wire_frame d;

	(void)state;
	assert_non_null(p);
	raw(buf, OT_WIRE_MAX_FRAME, OT_WIRE_CLOSE, 0, 1, 0, v, 1, NULL, 0);
	memcpy(p, buf, OT_WIRE_HEADER_SIZE);
	assert_int_equal(ot_wire_frame_size(p, OT_WIRE_HEADER_SIZE), OT_WIRE_MAX_FRAME);
	assert_int_equal(ot_wire_decode(p, OT_WIRE_HEADER_SIZE, OT_WIRE_TO_SERVER, 0, &d),
			 OT_WIRE_EINCOMPLETE);
	free(p);
	memset(buf + 24, 0, OT_WIRE_MAX_FRAME - 24);
	assert_int_equal(dec(OT_WIRE_MAX_FRAME, OT_WIRE_TO_SERVER, 0), OT_WIRE_EVARLEN);
}

/* ---- one test per reason a frame is refused ---- */

static void err_incomplete(void **state)
{
	uint64_t v[1] = { 5 };
	size_t n;

	(void)state;
	n = raw(buf, 0, OT_WIRE_CLOSE, 0, 1, 0, v, 1, NULL, 0);
	assert_int_equal(dec(0, OT_WIRE_TO_SERVER, 0), OT_WIRE_EINCOMPLETE);
	assert_int_equal(dec(15, OT_WIRE_TO_SERVER, 0), OT_WIRE_EINCOMPLETE);
	assert_int_equal(dec(n - 1, OT_WIRE_TO_SERVER, 0), OT_WIRE_EINCOMPLETE);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), 0);
}

static void err_short(void **state)
{
	uint32_t size;

	(void)state;
	for (size = 0; size < OT_WIRE_HEADER_SIZE; size++) {
		raw(buf, size, OT_WIRE_CLOSE, 0, 1, 0, NULL, 0, NULL, 0);
		if (size == 0)
			put32(buf, 0);
		assert_int_equal(ot_wire_frame_size(buf, 16), OT_WIRE_ESHORT);
		assert_int_equal(dec(64, OT_WIRE_TO_SERVER, 0), OT_WIRE_ESHORT);
	}
}

static void err_big(void **state)
{
	(void)state;
	raw(buf, OT_WIRE_MAX_FRAME + 1, OT_WIRE_SET_DATA, 0, 1, 0, NULL, 0, NULL, 0);
	assert_int_equal(ot_wire_frame_size(buf, 16), OT_WIRE_EBIG);
	assert_int_equal(dec(16, OT_WIRE_TO_SERVER, 0), OT_WIRE_EBIG);
	assert_int_equal(dec(sizeof(buf), OT_WIRE_TO_SERVER, 0), OT_WIRE_EBIG);
	raw(buf, 0xFFFFFFFFu, OT_WIRE_SET_DATA, 0, 1, 0, NULL, 0, NULL, 0);
	assert_int_equal(ot_wire_frame_size(buf, 16), OT_WIRE_EBIG);
}

static void err_reserved(void **state)
{
	uint64_t v[1] = { 5 };
	size_t n;

	(void)state;
	n = raw(buf, 0, OT_WIRE_CLOSE, 0, 1, 0x80000000u, v, 1, NULL, 0);
	assert_int_equal(ot_wire_frame_size(buf, n), OT_WIRE_ERESERVED);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_ERESERVED);
	n = raw(buf, 0, OT_WIRE_CLOSE, 0, 1, 1, v, 1, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_ERESERVED);
}

static void err_flags(void **state)
{
	uint64_t v[1] = { 5 };
	struct ot_wire_frame f = { .opcode = OT_WIRE_CLOSE, .seq = 1, .flags = 2, OT_WIRE_FIELDS(5) };
	unsigned bit;
	size_t n;

	(void)state;
	for (bit = 1; bit < 16; bit++) {
		n = raw(buf, 0, OT_WIRE_CLOSE, (uint16_t)(1u << bit), 1, 0, v, 1, NULL, 0);
		assert_int_equal(ot_wire_frame_size(buf, n), OT_WIRE_EFLAGS);
		assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_EFLAGS);
	}
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EFLAGS);
}

static void err_opcode(void **state)
{
	static const uint16_t bad[] = { 0x0000, 0x0002, 0x00FF, 0x0108, 0x01FF, 0x0207, 0x030F,
					0x03FF, 0x0400, 0x7FFF, 0x8003, 0x80FF, 0x8100, 0xFFFF };
	struct ot_wire_frame f = { .seq = 1, OT_WIRE_FIELDS(5) };
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = raw(buf, 0, bad[i], 0, 1, 0, NULL, 0, NULL, 0);
		assert_int_equal(ot_wire_frame_size(buf, n), OT_WIRE_EOPCODE);
		assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_EOPCODE);
		assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, OT_WIRE_CLOSE), OT_WIRE_EOPCODE);
		f.opcode = bad[i];
		assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EOPCODE);
		assert_string_equal(ot_wire_op_name(bad[i]), "?");
	}
}

static void err_direction(void **state)
{
	uint64_t v[OT_WIRE_MAX_FIXED] = { 0 };
	size_t i, n;

	(void)state;
	/* a request arriving at a client */
	for (i = 0; i < NREQ; i++) {
		const struct ot_wire_schema *s = ot_wire_schema(requests[i].op, OT_WIRE_TO_SERVER, 0);

		n = raw(buf, 0, requests[i].op, 0, 1, 0, v, s->nfixed, NULL, 0);
		assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), 0);
		assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, requests[i].op), OT_WIRE_EDIRECTION);
	}
	/* server messages arriving at the server */
	n = raw(buf, 0, OT_WIRE_REPLY, 0, 1, 0, v, 1, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, OT_WIRE_CLOSE), OT_WIRE_EDIRECTION);
	n = raw(buf, 0, OT_WIRE_EVENT, 0, 0, 0, v, 8, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, 0), 0);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_EDIRECTION);
	n = raw(buf, 0, OT_WIRE_GOODBYE, 0, 0, 0, v, 1, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_EDIRECTION);
	/* no such direction */
	assert_int_equal(dec(n, 2, 0), OT_WIRE_EDIRECTION);
	assert_int_equal(dec(n, -1, 0), OT_WIRE_EDIRECTION);
}

static void err_reply_to(void **state)
{
	static const uint16_t bad[] = { 0, OT_WIRE_REPLY, OT_WIRE_EVENT, OT_WIRE_GOODBYE, 0x030F,
					0xFFFF };
	uint64_t v[1] = { 0 };
	struct ot_wire_frame f = { .opcode = OT_WIRE_REPLY, .seq = 1, OT_WIRE_FIELDS(0) };
	size_t i, n;

	(void)state;
	n = raw(buf, 0, OT_WIRE_REPLY, 0, 1, 0, v, 1, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, OT_WIRE_CLOSE), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, bad[i]), OT_WIRE_EREPLYTO);
		f.reply_to = bad[i];
		assert_int_equal(ot_wire_encode(buf2, sizeof(buf2), &f), OT_WIRE_EREPLYTO);
	}
}

static void err_seq(void **state)
{
	uint64_t v[8] = { 0 };
	struct ot_wire_frame f = { .opcode = OT_WIRE_CLOSE, .seq = 0, OT_WIRE_FIELDS(5) };
	size_t n;

	(void)state;
	n = raw(buf, 0, OT_WIRE_CLOSE, 0, 0, 0, v, 1, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_ESEQ);
	n = raw(buf, 0, OT_WIRE_REPLY, 0, 0, 0, v, 1, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, OT_WIRE_CLOSE), OT_WIRE_ESEQ);
	n = raw(buf, 0, OT_WIRE_EVENT, 0, 1, 0, v, 8, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, 0), OT_WIRE_ESEQ);
	n = raw(buf, 0, OT_WIRE_GOODBYE, 0, 0x80000000u, 0, v, 1, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, 0), OT_WIRE_ESEQ);
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_ESEQ);
	f.opcode = OT_WIRE_GOODBYE;
	f.seq = 3;
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_ESEQ);
}

static void err_fixed(void **state)
{
	uint64_t v[OT_WIRE_MAX_FIXED] = { 0 };
	struct ot_wire_frame f = { .opcode = OT_WIRE_CLOSE, .seq = 1, OT_WIRE_FIELDS(1, 2) };
	size_t i, n;
	unsigned k;

	(void)state;
	/* every message with one field to few: its body is shorter than its fixed part */
	for (i = 0; i < NREQ; i++) {
		const struct ot_wire_schema *s = ot_wire_schema(requests[i].op, OT_WIRE_TO_SERVER, 0);
		const struct ot_wire_schema *r =
			ot_wire_schema(OT_WIRE_REPLY, OT_WIRE_TO_CLIENT, requests[i].op);

		n = raw(buf, 0, requests[i].op, 0, 1, 0, v, s->nfixed - 1u, NULL, 0);
		assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_EFIXED);
		n = raw(buf, 0, OT_WIRE_REPLY, 0, 1, 0, v, r->nfixed - 1u, NULL, 0);
		assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, requests[i].op), OT_WIRE_EFIXED);
	}
	n = raw(buf, 0, OT_WIRE_EVENT, 0, 0, 0, v, 7, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, 0), OT_WIRE_EFIXED);
	/* ... and by a few bytes only */
	n = raw(buf, 0, OT_WIRE_EVENT, 0, 0, 0, v, 8, NULL, 0);
	put32(buf, (uint32_t)n - 1);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, 0), OT_WIRE_EFIXED);
	/* encode: nfixed must be the schema's */
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EFIXED);
	for (k = 0; k <= OT_WIRE_MAX_FIXED + 1; k++) {
		f.nfixed = k;
		assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), k == 1 ? 16 + 8 : OT_WIRE_EFIXED);
	}
	f.nfixed = 0xFFFFFFFFu;
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EFIXED);
}

/* Every 32-bit field of every message refuses 2^32; every 64-bit one takes any value. */
static void err_dword(void **state)
{
	struct ot_wire_frame f, d;
	uint32_t dw;
	size_t i, n;
	unsigned k, dir;

	(void)state;
	for (i = 0; i < NREQ; i++) {
		for (dir = 0; dir < 2; dir++) {
			uint16_t op = dir ? OT_WIRE_REPLY : requests[i].op;
			const struct ot_wire_schema *s = ot_wire_schema(op, (int)dir, requests[i].op);

			for (k = 0; k < s->nfixed; k++) {
				sample(&f, op, requests[i].op, 1, s, 0);
				f.fixed[k] = s->fields[k] == 'd' ? 0x100000000ull : UINT64_MAX;
				n = raw(buf, 0, op, 0, 1, 0, f.fixed, f.nfixed, NULL, 0);
				if (s->fields[k] == 'q') {
					assert_int_equal(dec(n, (int)dir, requests[i].op), 0);
					assert_int_equal(round_trip(&f, (int)dir), n);
					continue;
				}
				assert_int_equal(dec(n, (int)dir, requests[i].op), OT_WIRE_EDWORD);
				assert_int_equal(ot_wire_encode(buf2, sizeof(buf2), &f),
						 OT_WIRE_EDWORD);
				f.fixed[k] = 0xFFFFFFFFu;
				if (s->len_field == (int)k)
					continue; /* the size field must also match */
				assert_int_equal(round_trip(&f, (int)dir), n);
			}
		}
	}
	/* the EVENT's DWORDs: hDevice, dwMessageID, suppressed */
	sample(&f, OT_WIRE_EVENT, 0, 0, ot_wire_schema(OT_WIRE_EVENT, OT_WIRE_TO_CLIENT, 0), 0);
	f.fixed[OT_WIRE_EV_SUPPRESSED] = 1ull << 63;
	n = raw(buf, 0, OT_WIRE_EVENT, 0, 0, 0, f.fixed, f.nfixed, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, 0), OT_WIRE_EDWORD);
	/* the typed helpers */
	f.fixed[OT_WIRE_EV_SUPPRESSED] = 1;
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), n);
	assert_int_equal(ot_wire_decode(buf, n, OT_WIRE_TO_CLIENT, 0, &d), 0);
	assert_int_equal(ot_wire_dword(&d, OT_WIRE_EV_SUPPRESSED, &dw), 0);
	assert_int_equal(dw, 1);
	assert_int_equal(ot_wire_dword(&d, OT_WIRE_EV_COOKIE, &dw), -1);
	assert_int_equal(ot_wire_dword(&d, OT_WIRE_EV_NFIXED, &dw), -1);
	assert_int_equal(ot_wire_dword(&d, 1000, &dw), -1);
	assert_int_equal(ot_wire_to_long(ot_wire_from_long((LONG)PHONEERR_NOMEM)), (LONG)PHONEERR_NOMEM);
	assert_true(ot_wire_from_long((LONG)PHONEERR_NOMEM) == 0x9000001Aull);
	assert_int_equal(ot_wire_to_long(ot_wire_from_long(0x7FFFFFFF)), 0x7FFFFFFF);
	assert_int_equal(ot_wire_to_long(ot_wire_from_long(-1)), -1);
}

static void err_varlen(void **state)
{
	uint64_t v[OT_WIRE_MAX_FIXED] = { 0 };
	struct ot_wire_frame f;
	size_t n;

	(void)state;
	/* no variable part at all */
	n = raw(buf, 0, OT_WIRE_CLOSE, 0, 1, 0, v, 1, "x", 1);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_EVARLEN);
	n = raw(buf, 0, OT_WIRE_EVENT, 0, 0, 0, v, 8, "xy", 2);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, 0), OT_WIRE_EVARLEN);
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_CLOSE, .seq = 1, OT_WIRE_FIELDS(5),
		.var = (const uint8_t *)"x", .var_len = 1 };
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EVARLEN);
	/* one byte over the inline limit */
	v[2] = OT_WIRE_INLINE_MAX + 1;
	n = raw(buf, 0, OT_WIRE_SET_DATA, 0, 1, 0, v, 3, payload, OT_WIRE_INLINE_MAX + 1);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_EVARLEN);
	/* one byte over the text limit */
	memset(payload, 'n', OT_WIRE_TEXT_MAX);
	payload[OT_WIRE_TEXT_MAX] = 0;
	n = raw(buf, 0, OT_WIRE_APP_NEW, 0, 1, 0, v, 2, payload, OT_WIRE_TEXT_MAX + 1);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_EVARLEN);
}

static void err_fd(void **state)
{
	uint64_t v[OT_WIRE_MAX_FIXED] = { 0 };
	struct ot_wire_frame f = { .opcode = OT_WIRE_OPEN, .seq = 1, .flags = OT_WIRE_FLAG_FD,
		OT_WIRE_FIELDS(1, 2, 3, 4, 5, 6) };
	size_t i, n;

	(void)state;
	/* only SET_DATA and GET_DATA requests carry a descriptor; no reply does */
	for (i = 0; i < NREQ; i++) {
		const struct ot_wire_schema *s = ot_wire_schema(requests[i].op, OT_WIRE_TO_SERVER, 0);
		const struct ot_wire_schema *r =
			ot_wire_schema(OT_WIRE_REPLY, OT_WIRE_TO_CLIENT, requests[i].op);

		n = raw(buf, 0, requests[i].op, OT_WIRE_FLAG_FD, 1, 0, v, s->nfixed, NULL, 0);
		assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0),
				 requests[i].op == OT_WIRE_SET_DATA || requests[i].op == OT_WIRE_GET_DATA
				 ? 0 : OT_WIRE_EFD);
		n = raw(buf, 0, OT_WIRE_REPLY, OT_WIRE_FLAG_FD, 1, 0, v, r->nfixed, NULL, 0);
		assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, requests[i].op), OT_WIRE_EFD);
	}
	n = raw(buf, 0, OT_WIRE_EVENT, OT_WIRE_FLAG_FD, 0, 0, v, 8, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, 0), OT_WIRE_EFD);
	n = raw(buf, 0, OT_WIRE_GOODBYE, OT_WIRE_FLAG_FD, 0, 0, v, 1, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, 0), OT_WIRE_EFD);
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EFD);
}

static void err_fd_with_bytes(void **state)
{
	uint64_t v[3] = { 1, 0, 1 };
	struct ot_wire_frame f = { .opcode = OT_WIRE_SET_DATA, .seq = 1, .flags = OT_WIRE_FLAG_FD,
		OT_WIRE_FIELDS(1, 0, 1), .var = (const uint8_t *)"x", .var_len = 1 };
	size_t n;

	(void)state;
	n = raw(buf, 0, OT_WIRE_SET_DATA, OT_WIRE_FLAG_FD, 1, 0, v, 3, "x", 1);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_EFDVAR);
	/* GET_DATA's memfd is a buffer to fill: it has no inline bytes at all */
	n = raw(buf, 0, OT_WIRE_GET_DATA, OT_WIRE_FLAG_FD, 1, 0, v, 3, "x", 1);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_EVARLEN);
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EFDVAR);
}

static void err_length(void **state)
{
	uint64_t v[3] = { 1, 0, 10 };
	struct ot_wire_frame f = { .opcode = OT_WIRE_DEV_SPECIFIC, .seq = 1, OT_WIRE_FIELDS(1, 4),
		.var = (const uint8_t *)"abc", .var_len = 3 };
	size_t n;

	(void)state;
	n = raw(buf, 0, OT_WIRE_SET_DATA, 0, 1, 0, v, 3, "123456789", 9);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_ELENGTH);
	v[2] = 9;
	assert_int_equal(raw(buf, 0, OT_WIRE_SET_DATA, 0, 1, 0, v, 3, "123456789", 9), n);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), 0);
	v[1] = 2;
	n = raw(buf, 0, OT_WIRE_DEV_SPECIFIC, 0, 1, 0, v, 2, "x", 1);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_ELENGTH);
	/* a size of 0 with no bytes is consistent */
	v[1] = 0;
	n = raw(buf, 0, OT_WIRE_DEV_SPECIFIC, 0, 1, 0, v, 2, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), 0);
	/* GET_DATA's reply size is not tied to the inline bytes: after a memfd request the bytes
	 * are in the memfd and the reply has none */
	v[1] = 1u << 20;
	n = raw(buf, 0, OT_WIRE_REPLY, 0, 1, 0, v, 2, NULL, 0);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, OT_WIRE_GET_DATA), 0);
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_ELENGTH);
}

static void err_text(void **state)
{
	uint64_t v[3] = { 0x00020002, 1, 0 };
	struct ot_wire_frame f = { .opcode = OT_WIRE_GOODBYE, OT_WIRE_FIELDS(1),
		.var = (const uint8_t *)"bye", .var_len = 3 };
	size_t n;

	(void)state;
	n = raw(buf, 0, OT_WIRE_APP_NEW, 0, 1, 0, v, 2, "name", 4); /* no NUL */
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_ETEXT);
	n = raw(buf, 0, OT_WIRE_APP_NEW, 0, 1, 0, v, 2, "na\0me", 6); /* NUL inside */
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_ETEXT);
	n = raw(buf, 0, OT_WIRE_APP_NEW, 0, 1, 0, v, 2, "\0", 2);
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), OT_WIRE_ETEXT);
	n = raw(buf, 0, OT_WIRE_APP_NEW, 0, 1, 0, v, 2, "", 1); /* the empty name */
	assert_int_equal(dec(n, OT_WIRE_TO_SERVER, 0), 0);
	n = raw(buf, 0, OT_WIRE_REPLY, 0, 1, 0, v, 3, "x", 1);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, OT_WIRE_HELLO), OT_WIRE_ETEXT);
	n = raw(buf, 0, OT_WIRE_GOODBYE, 0, 0, 0, v, 1, "x", 1);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, 0), OT_WIRE_ETEXT);
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_ETEXT);
	/* PHONECAPS bytes are not a text: NULs anywhere */
	v[0] = 0;
	n = raw(buf, 0, OT_WIRE_REPLY, 0, 1, 0, v, 1, "\0a\0b", 4);
	assert_int_equal(dec(n, OT_WIRE_TO_CLIENT, OT_WIRE_GET_DEV_CAPS), 0);
}

static void err_nospc_and_inval(void **state)
{
	struct ot_wire_frame f = { .opcode = OT_WIRE_SET_DATA, .seq = 1, OT_WIRE_FIELDS(1, 0, 10),
		.var = payload, .var_len = 10 };
	size_t cap;

	(void)state;
	for (cap = 0; cap < 16 + 24 + 10; cap++)
		assert_int_equal(ot_wire_encode(buf, cap, &f), OT_WIRE_ENOSPC);
	assert_int_equal(ot_wire_encode(buf, cap, &f), cap);
	for (cap = 0; cap < 16 + 24; cap++)
		assert_int_equal(ot_wire_encode_head(buf, cap, &f), OT_WIRE_ENOSPC);
	assert_int_equal(ot_wire_encode_head(buf, cap, &f), cap);
	assert_int_equal(ot_wire_frame_size(buf, 16), 16 + 24 + 10);
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), NULL), OT_WIRE_EINVAL);
	assert_int_equal(ot_wire_encode_head(buf, sizeof(buf), NULL), OT_WIRE_EINVAL);
	f.var = NULL;
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EINVAL);
}

static void every_error_has_a_message(void **state)
{
	int e, e2;

	(void)state;
	for (e = -1; e >= OT_WIRE_ERR_MIN; e--) {
		assert_string_not_equal(ot_wire_strerror(e), "?");
		for (e2 = e - 1; e2 >= OT_WIRE_ERR_MIN; e2--)
			assert_string_not_equal(ot_wire_strerror(e), ot_wire_strerror(e2));
	}
	assert_string_equal(ot_wire_strerror(0), "?");
	assert_string_equal(ot_wire_strerror(1), "?");
	assert_string_equal(ot_wire_strerror(OT_WIRE_ERR_MIN - 1), "?");
	assert_string_equal(ot_wire_strerror(-1000000), "?");
}

/* ---- limits and descriptors ---- */

static void limits_at_and_over(void **state)
{
	struct ot_wire_frame f;
	const struct ot_wire_schema *s;

	(void)state;
	/* SET_DATA: 64 KiB inline, one more is refused by both ends */
	s = ot_wire_schema(OT_WIRE_SET_DATA, OT_WIRE_TO_SERVER, 0);
	sample(&f, OT_WIRE_SET_DATA, 0, 1, s, OT_WIRE_INLINE_MAX);
	assert_int_equal(round_trip(&f, OT_WIRE_TO_SERVER), 16 + 24 + OT_WIRE_INLINE_MAX);
	sample(&f, OT_WIRE_SET_DATA, 0, 1, s, OT_WIRE_INLINE_MAX + 1);
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EVARLEN);
	raw(buf, 0, OT_WIRE_SET_DATA, 0, 1, 0, f.fixed, 3, f.var, f.var_len);
	assert_int_equal(dec(sizeof(buf), OT_WIRE_TO_SERVER, 0), OT_WIRE_EVARLEN);
	/* the same for every BYTES part */
	s = ot_wire_schema(OT_WIRE_REPLY, OT_WIRE_TO_CLIENT, OT_WIRE_GET_DEV_CAPS);
	sample(&f, OT_WIRE_REPLY, OT_WIRE_GET_DEV_CAPS, 1, s, OT_WIRE_INLINE_MAX);
	round_trip(&f, OT_WIRE_TO_CLIENT);
	f.var_len++;
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EVARLEN);
	raw(buf, 0, OT_WIRE_REPLY, 0, 1, 0, f.fixed, 1, f.var, f.var_len);
	assert_int_equal(dec(sizeof(buf), OT_WIRE_TO_CLIENT, OT_WIRE_GET_DEV_CAPS), OT_WIRE_EVARLEN);
	s = ot_wire_schema(OT_WIRE_DEV_SPECIFIC, OT_WIRE_TO_SERVER, 0);
	sample(&f, OT_WIRE_DEV_SPECIFIC, 0, 1, s, OT_WIRE_INLINE_MAX);
	round_trip(&f, OT_WIRE_TO_SERVER);
	sample(&f, OT_WIRE_DEV_SPECIFIC, 0, 1, s, OT_WIRE_INLINE_MAX + 1);
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EVARLEN);
	/* texts: 255 bytes and the NUL */
	s = ot_wire_schema(OT_WIRE_APP_NEW, OT_WIRE_TO_SERVER, 0);
	sample(&f, OT_WIRE_APP_NEW, 0, 1, s, OT_WIRE_TEXT_MAX);
	round_trip(&f, OT_WIRE_TO_SERVER);
	assert_int_equal(strlen(ot_wire_text(&f)), OT_WIRE_TEXT_MAX - 1);
	sample(&f, OT_WIRE_APP_NEW, 0, 1, s, OT_WIRE_TEXT_MAX + 1);
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EVARLEN);
	/* the frame size: the maximum is a valid header, one more is not */
	raw(buf, OT_WIRE_MAX_FRAME, OT_WIRE_SET_DATA, 0, 1, 0, NULL, 0, NULL, 0);
	assert_int_equal(ot_wire_frame_size(buf, 16), OT_WIRE_MAX_FRAME);
	put32(buf, OT_WIRE_MAX_FRAME + 1);
	assert_int_equal(ot_wire_frame_size(buf, 16), OT_WIRE_EBIG);
	assert_int_equal(OT_WIRE_MAX_FRAME, 16 + 256 * 1024);
	assert_true(OT_WIRE_HEADER_SIZE + 8 * OT_WIRE_MAX_FIXED + OT_WIRE_INLINE_MAX <=
		    OT_WIRE_MAX_FRAME);
}

static void descriptor_rules(void **state)
{
	struct ot_wire_frame f, d;
	long n;

	(void)state;
	/* SET_DATA with a memfd: no inline bytes, the size field gives the memfd's size */
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_SET_DATA, .seq = 5, .flags = OT_WIRE_FLAG_FD,
		OT_WIRE_FIELDS(0x00100001, 3, 16u << 20) };
	n = (long)round_trip(&f, OT_WIRE_TO_SERVER);
	assert_int_equal(n, 16 + 24);
	assert_int_equal(ot_wire_decode(buf, (size_t)n, OT_WIRE_TO_SERVER, 0, &d), 0);
	assert_true(d.flags & OT_WIRE_FLAG_FD);
	assert_null(d.var);
	assert_true(d.fixed[2] == 16u << 20);
	/* a small payload may travel in a memfd too (the receiver does not care why) */
	f.fixed[2] = 1;
	round_trip(&f, OT_WIRE_TO_SERVER);
	/* GET_DATA with a memfd for the server to fill; the reply says how much it wrote */
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_GET_DATA, .seq = 6, .flags = OT_WIRE_FLAG_FD,
		OT_WIRE_FIELDS(0x00100001, 3, 16u << 20) };
	round_trip(&f, OT_WIRE_TO_SERVER);
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_REPLY, .reply_to = OT_WIRE_GET_DATA, .seq = 6,
		OT_WIRE_FIELDS(0, 16u << 20) };
	round_trip(&f, OT_WIRE_TO_CLIENT);
	/* no reply carries a descriptor */
	f.flags = OT_WIRE_FLAG_FD;
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EFD);
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_REPLY, .reply_to = OT_WIRE_SET_DATA, .seq = 5,
		.flags = OT_WIRE_FLAG_FD, OT_WIRE_FIELDS(1) };
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EFD);
	/* nor does any other request */
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_DEV_SPECIFIC, .seq = 5,
		.flags = OT_WIRE_FLAG_FD, OT_WIRE_FIELDS(1, 0) };
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EFD);
}

/* Protocol version 2: the device's parts, phoneGetIcon and phoneConfigDialog. */
static void device_part_messages(void **state)
{
	static uint8_t text[OT_WIRE_INLINE_MAX + 1];
	struct ot_wire_frame f, d;
	long n;

	(void)state;
	assert_int_equal(OT_WIRE_PROTO_VERSION, 2);
	assert_int_equal(OT_WIRE_PROTO_MIN, 1);
	/* SET_DISPLAY: the text, or nothing at all whatever the size field says */
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_SET_DISPLAY, .seq = 1,
		OT_WIRE_FIELDS(0x00200001, 1, 38, 100000) };
	n = (long)round_trip(&f, OT_WIRE_TO_SERVER);
	assert_int_equal(n, 16 + 32);
	memcpy(text, "Hello", 6);
	f.var = text;
	f.var_len = 6;
	f.fixed[3] = 6;
	round_trip(&f, OT_WIRE_TO_SERVER);
	f.var_len = OT_WIRE_INLINE_MAX;
	round_trip(&f, OT_WIRE_TO_SERVER);
	f.var_len = OT_WIRE_INLINE_MAX + 1;
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EVARLEN);
	/* GET_ID and GET_ICON carry the class as a text */
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_GET_ID, .seq = 2,
		OT_WIRE_FIELDS(0x00200001, 1024), .var = (const uint8_t *)"wave/out", .var_len = 9 };
	n = (long)round_trip(&f, OT_WIRE_TO_SERVER);
	assert_int_equal(ot_wire_decode(buf, (size_t)n, OT_WIRE_TO_SERVER, 0, &d), 0);
	assert_string_equal(ot_wire_text(&d), "wave/out");
	f.var_len = 8; /* no NUL */
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_ETEXT);
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_REPLY, .reply_to = OT_WIRE_GET_ICON, .seq = 3,
		OT_WIRE_FIELDS(0), .var = (const uint8_t *)"phone", .var_len = 6 };
	round_trip(&f, OT_WIRE_TO_CLIENT);
	/* GET_RING answers with two fields; SET_LAMP takes no descriptor */
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_REPLY, .reply_to = OT_WIRE_GET_RING, .seq = 4,
		OT_WIRE_FIELDS(0, 4, 0xFFFF) };
	round_trip(&f, OT_WIRE_TO_CLIENT);
	f = (struct ot_wire_frame){ .opcode = OT_WIRE_SET_LAMP, .seq = 5,
		.flags = OT_WIRE_FLAG_FD, OT_WIRE_FIELDS(0x00200001, 12, PHONELAMPMODE_WINK) };
	assert_int_equal(ot_wire_encode(buf, sizeof(buf), &f), OT_WIRE_EFD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(opcodes_names_and_layouts_are_pinned),
		cmocka_unit_test(bytes_are_little_endian),
		cmocka_unit_test(every_request_round_trips),
		cmocka_unit_test(every_reply_round_trips),
		cmocka_unit_test(events_and_goodbye_round_trip),
		cmocka_unit_test(hello_and_app_new_carry_texts),
		cmocka_unit_test(a_stream_splits_into_frames),
		cmocka_unit_test(truncated_frames_are_incomplete),
		cmocka_unit_test(header_alone_gives_size),
		cmocka_unit_test(err_incomplete),
		cmocka_unit_test(err_short),
		cmocka_unit_test(err_big),
		cmocka_unit_test(err_reserved),
		cmocka_unit_test(err_flags),
		cmocka_unit_test(err_opcode),
		cmocka_unit_test(err_direction),
		cmocka_unit_test(err_reply_to),
		cmocka_unit_test(err_seq),
		cmocka_unit_test(err_fixed),
		cmocka_unit_test(err_dword),
		cmocka_unit_test(err_varlen),
		cmocka_unit_test(err_fd),
		cmocka_unit_test(err_fd_with_bytes),
		cmocka_unit_test(err_length),
		cmocka_unit_test(err_text),
		cmocka_unit_test(err_nospc_and_inval),
		cmocka_unit_test(every_error_has_a_message),
		cmocka_unit_test(limits_at_and_over),
		cmocka_unit_test(descriptor_rules),
		cmocka_unit_test(device_part_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
