/* SPDX-License-Identifier: MIT */
/* fuzz_varstruct.c — fuzz target of the variable-size structure filling (src/common/varstruct.c):
 * ot_var_begin() and ot_var_append() driven with structure sizes, field offsets and part lengths
 * taken from the input, against a model of the documented rules.
 *
 * Input:
 *     u8  kind         kind % 5: 0 PHONECAPS, 1 PHONESTATUS, 2 PHONEBUTTONINFO, 3 VARSTRING,
 *                      4 an arbitrary structure of `fixed` bytes
 *     u16 total (LE)   the caller's dwTotalSize; the buffer is exactly that big (ASan sees a byte
 *                      written past it), at least 4 bytes (a structure always holds dwTotalSize)
 *     u16 fixed (LE)   kind 4 only: the fixed part, clamped to 20 … 4096
 *     ops...           each: u8 field, u16 len (LE), then len bytes of data (fewer if the input
 *                      ends first). field picks one of the structure's Size/Offset pairs (kinds
 *                      0-3) or one of the 8-byte slots of the fixed part after dwUsedSize (kind 4).
 *
 * After every call the whole buffer is compared with the model, which checks:
 *  - nothing is written at or past dwTotalSize (the buffer ends there);
 *  - a part is written whole or not at all: on success its Size/Offset pair says (len, old
 *    dwUsedSize), the bytes are there and dwUsedSize grows by len; otherwise no byte but
 *    dwNeededSize changes;
 *  - dwNeededSize grows by len every time (it tells the truth about the room needed), and
 *    dwNeededSize >= dwUsedSize, dwUsedSize <= dwTotalSize hold throughout;
 *  - ot_var_begin refuses a structure smaller than its fixed part without writing anything, and
 *    otherwise zeroes the fixed part after dwTotalSize and sets needed = used = fixed.
 * abort() on any broken promise.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tapi.h>

#include "varstruct.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static const size_t caps_fields[] = {
	offsetof(PHONECAPS, dwProviderInfoSize),  offsetof(PHONECAPS, dwPhoneInfoSize),
	offsetof(PHONECAPS, dwPhoneNameSize),     offsetof(PHONECAPS, dwButtonModesSize),
	offsetof(PHONECAPS, dwButtonFunctionsSize), offsetof(PHONECAPS, dwLampModesSize),
	offsetof(PHONECAPS, dwSetDataSize),       offsetof(PHONECAPS, dwGetDataSize),
	offsetof(PHONECAPS, dwDevSpecificSize),   offsetof(PHONECAPS, dwDeviceClassesSize),
};
static const size_t status_fields[] = {
	offsetof(PHONESTATUS, dwDisplaySize),
	offsetof(PHONESTATUS, dwLampModesSize),
	offsetof(PHONESTATUS, dwOwnerNameSize),
	offsetof(PHONESTATUS, dwDevSpecificSize),
};
static const size_t button_fields[] = {
	offsetof(PHONEBUTTONINFO, dwButtonTextSize),
	offsetof(PHONEBUTTONINFO, dwDevSpecificSize),
};
static const size_t varstring_fields[] = { offsetof(VARSTRING, dwStringSize) };

static const struct {
	uint32_t fixed;
	const size_t *fields;
	size_t n;
} kinds[4] = {
	{ sizeof(PHONECAPS), caps_fields, sizeof(caps_fields) / sizeof(caps_fields[0]) },
	{ sizeof(PHONESTATUS), status_fields, sizeof(status_fields) / sizeof(status_fields[0]) },
	{ sizeof(PHONEBUTTONINFO), button_fields, sizeof(button_fields) / sizeof(button_fields[0]) },
	{ sizeof(VARSTRING), varstring_fields, 1 },
};

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint16_t take16(const uint8_t **data, size_t *size)
{
	uint16_t v = 0;

	if (*size >= 2) {
		v = (uint16_t)((*data)[0] | (*data)[1] << 8);
		*data += 2;
		*size -= 2;
	} else if (*size == 1) {
		v = (*data)[0];
		*data += 1;
		*size -= 1;
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *st, *model;
	uint32_t total, fixed;
	unsigned kind;
	const size_t *fields = NULL;
	size_t nfields = 0;

	if (size < 3)
		return 0;
	kind = data[0] % 5u;
	data++, size--;
	total = take16(&data, &size);
	if (kind < 4) {
		fixed = kinds[kind].fixed;
		fields = kinds[kind].fields;
		nfields = kinds[kind].n;
	} else {
		fixed = take16(&data, &size);
		fixed = fixed < 20 ? 20 : fixed > 4096 ? 4096 : fixed;
	}
	if (total < 4)
		total = 4;

	st = malloc(total);
	model = malloc(total);
	check(st && model);
	/* The caller's buffer: whatever it held, with its dwTotalSize. */
	for (uint32_t i = 0; i < total; i++)
		st[i] = (uint8_t)(0xA5 ^ i);
	put32(st, total);
	memcpy(model, st, total);

	if (ot_var_begin(st, fixed) != 0) {
		check(total < fixed);
		check(memcmp(st, model, total) == 0); /* refused: nothing written */
		goto out;
	}
	check(total >= fixed);
	memset(model + 4, 0, fixed - 4);
	put32(model + 4, fixed);
	put32(model + 8, fixed);
	check(memcmp(st, model, total) == 0);

	while (size >= 1) {
		uint8_t sel = data[0];
		size_t field;
		uint32_t len, needed, used;

		data++, size--;
		len = take16(&data, &size);
		if (len > size)
			len = (uint32_t)size;
		if (kind < 4)
			field = fields[sel % nfields];
		else
			field = 12 + 8u * (sel % ((fixed - 12) / 8)); /* pairs inside, never overlapping */

		needed = get32(model + 4);
		used = get32(model + 8);
		ot_var_append(st, field, data, len);
		if (len > 0) {
			put32(model + 4, needed + len);
			if (used <= total && len <= total - used) {
				memcpy(model + used, data, len);
				put32(model + field, len);
				put32(model + field + 4, used);
				put32(model + 8, used + len);
			}
		}
		check(memcmp(st, model, total) == 0);
		/* The invariants, read back from the structure itself. */
		check(get32(st) == total);
		check(get32(st + 8) <= total);
		check(get32(st + 4) >= get32(st + 8));
		check(get32(st + 8) >= fixed);
		if (get32(st + field) != 0) {
			uint32_t sz = get32(st + field), off = get32(st + field + 4);

			check(off >= fixed && off <= total && sz <= total - off);
			check(off + sz <= get32(st + 8));
		}
		data += len, size -= len;
	}
out:
	free(st);
	free(model);
	return 0;
}
