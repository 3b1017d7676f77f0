/* SPDX-License-Identifier: MIT */
/* fuzz_hid_desc.c — fuzz target of the hidphone provider's report descriptor parser and phone
 * model (providers/hidphone/report_desc.c, model.c: pure functions).
 *
 * Input: a report descriptor, as a device gives it (untrusted: any USB or Bluetooth device can
 * send one).
 *
 * Checks, abort() on any broken promise:
 *  - the parser reads nothing outside the descriptor (ASan: the buffer is exactly the input);
 *  - on failure it says why; on success every field lies inside the report length it gives
 *    (at most HID_MAX_REPORT_BYTES), its usages inside the pool, its collection a known one;
 *  - every control of every phone model names a field of the right direction, and reading and
 *    writing each element of each field inside a buffer of the report's length succeeds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "report_desc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_control(const struct hid_desc *d, const struct hidphone_control *c, int type)
{
	if (c->field < 0)
		return;
	check((uint32_t)c->field < d->nfields);
	check(d->fields[c->field].type == type);
	if (c->array)
		check(c->element < d->fields[c->field].nusages);
	else
		check(c->element < d->fields[c->field].count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hid_desc d;
	static struct hidphone_model m[HID_MAX_APPS];
	static uint8_t report[HID_MAX_REPORT_BYTES];
	char err[160] = "";
	unsigned n, i, k;
	uint32_t f, e;

	if (hid_desc_parse(data, size, &d, err, sizeof(err)) < 0) {
		check(err[0] != '\0');
		return 0;
	}
	check(d.nfields <= HID_MAX_FIELDS && d.nusages <= HID_MAX_USAGES && d.napps <= HID_MAX_APPS);
	for (f = 0; f < d.nfields; f++) {
		const struct hid_field *x = &d.fields[f];
		size_t len = hid_report_length(&d, (enum hid_report_type)x->type, x->report_id);
		int32_t v;

		check(len <= HID_MAX_REPORT_BYTES);
		check(x->bit_size >= 1 && x->bit_size <= 32);
		check(x->first + x->nusages <= d.nusages);
		check(x->app == UINT32_MAX || x->app < d.napps);
		for (e = 0; e < x->count && e < 64; e++) {
			check(hid_field_put(x, e, x->logical_min, report, len) == 0);
			check(hid_field_get(x, e, report, len, &v) == 0);
		}
	}
	n = hidphone_models(&d, m, HID_MAX_APPS);
	check(n <= d.napps);
	for (i = 0; i < n; i++) {
		check(m[i].nbuttons <= HIDPHONE_MAX_BUTTONS);
		check_control(&d, &m[i].hook, HID_INPUT);
		for (k = 0; k < m[i].nbuttons; k++)
			check_control(&d, &m[i].buttons[k].in, HID_INPUT);
		for (k = 0; k < HIDPHONE_NUM_LEDS; k++)
			check_control(&d, &m[i].leds[k], HID_OUTPUT);
	}
	return 0;
}
