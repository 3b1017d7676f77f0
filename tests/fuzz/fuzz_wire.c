/* SPDX-License-Identifier: MIT */
/* fuzz_wire.c — fuzz target of the wire protocol decoder (src/proto/wire.c).
 *
 * Input: one byte that picks the receiving side, then (client side only) the request opcode a
 * REPLY answers, then a byte stream of frames:
 *
 *     u8 side            bit 0: 0 = the server decoding requests, 1 = a client decoding
 *                        REPLY/EVENT/GOODBYE; other bits ignored
 *     u16 reply_to (LE)  client side only
 *     frames...
 *
 * The stream is cut into frames with ot_wire_frame_size() as a receiver would; each complete frame
 * is decoded twice (in place, and from a copy of exactly its size, so reading past the frame is
 * caught by ASan), and every frame that decodes must encode back to the very same bytes. A frame
 * whose header is bad ends the stream (a real receiver drops the connection there); a frame with a
 * good header but a bad body is skipped, so the fuzzer can reach the frames behind it.
 * abort() on any broken promise.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t out[OT_WIRE_MAX_FRAME];

static void check(int ok)
{
	if (!ok)
		abort();
}

/* One complete frame of n bytes at p (rest bytes follow it in the stream). */
static void one_frame(const uint8_t *p, size_t n, size_t rest, int dir, uint16_t reply_to)
{
	struct ot_wire_frame f, g;
	uint8_t *copy = malloc(n);
	int rc, rc2;
	long m;

	check(copy != NULL);
	memcpy(copy, p, n);
	rc = ot_wire_decode(p, rest, dir, reply_to, &f);
	rc2 = ot_wire_decode(copy, n, dir, reply_to, &g);
	check(rc == rc2);
	check(rc <= 0 && rc >= OT_WIRE_ERR_MIN);
	check(ot_wire_strerror(rc)[0] != 0);
	/* one byte short is never enough */
	check(ot_wire_decode(copy, n - 1, dir, reply_to, &g) == OT_WIRE_EINCOMPLETE);
	free(copy);
	if (rc != 0)
		return;
	check(f.nfixed <= OT_WIRE_MAX_FIXED);
	check(f.var_len == n - OT_WIRE_HEADER_SIZE - 8u * f.nfixed);
	check(f.var_len == 0 || f.var == p + OT_WIRE_HEADER_SIZE + 8u * f.nfixed);
	check(strcmp(ot_wire_op_name(f.opcode), "?") != 0);
	m = ot_wire_encode(out, sizeof(out), &f);
	check(m == (long)n);
	check(memcmp(out, p, n) == 0);
	m = ot_wire_encode_head(out, OT_WIRE_MAX_HEAD, &f);
	check(m == (long)(OT_WIRE_HEADER_SIZE + 8u * f.nfixed));
	check(memcmp(out, p, (size_t)m) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ot_wire_frame f;
	uint16_t reply_to = 0;
	int dir;

	if (size < 1)
		return 0;
	dir = data[0] & 1 ? OT_WIRE_TO_CLIENT : OT_WIRE_TO_SERVER;
	data++, size--;
	if (dir == OT_WIRE_TO_CLIENT) {
		if (size < 2)
			return 0;
		reply_to = (uint16_t)(data[0] | data[1] << 8);
		data += 2, size -= 2;
	}
	while (size > 0) {
		long n = ot_wire_frame_size(data, size);

		if (n < 0) {
			/* a bad header: the decoder says the same, and the stream ends */
			check(ot_wire_decode(data, size, dir, reply_to, &f) == n);
			return 0;
		}
		if (n == 0 || (size_t)n > size) {
			/* incomplete: a receiver would wait for more */
			check(ot_wire_decode(data, size, dir, reply_to, &f) == OT_WIRE_EINCOMPLETE);
			return 0;
		}
		check(n >= (long)OT_WIRE_HEADER_SIZE && n <= (long)OT_WIRE_MAX_FRAME);
		one_frame(data, (size_t)n, size, dir, reply_to);
		data += n, size -= (size_t)n;
	}
	return 0;
}
