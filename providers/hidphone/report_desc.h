/* SPDX-License-Identifier: MIT */
/* report_desc.h — HID report descriptors (Device Class Definition for HID 1.11, section 6.2.2):
 * what each report of a device carries, field by field.
 *
 * Owns: parsing a descriptor's items (main, global with push/pop, local; long items skipped)
 * into fields: which report (type and ID) a field is in, where (bit offset and size, count),
 * its logical range, its main-item flags (constant, variable, relative, ...), its usages and
 * the top-level application collection it belongs to; and reading a field's element out of a
 * report.
 * Must not: know about telephony, TAPI or devices (model.c maps fields to a phone), allocate,
 * or read past the descriptor or a report (both come from a device: untrusted).
 */
#ifndef HIDPHONE_REPORT_DESC_H
#define HIDPHONE_REPORT_DESC_H

#include <stddef.h>
#include <stdint.h>

enum hid_report_type { HID_INPUT, HID_OUTPUT, HID_FEATURE };

/* Main-item data bits (HID 1.11, 6.2.2.5). */
#define HID_CONSTANT 0x001 /* else data */
#define HID_VARIABLE 0x002 /* else array */
#define HID_RELATIVE 0x004 /* else absolute */
#define HID_NO_PREFERRED 0x020

/* Limits: a descriptor beyond them is refused (real devices stay far below). */
#define HID_MAX_FIELDS 512
#define HID_MAX_USAGES 2048
#define HID_MAX_APPS 16
#define HID_MAX_DEPTH 16
#define HID_MAX_REPORT_BYTES 4096 /* data bytes of one report, without its ID */

/* A usage: page << 16 | ID (HID 1.11, 6.2.2.8; "extended usage"). */
#define HID_USAGE(page, id) (((uint32_t)(page) << 16) | (uint32_t)(id))

/* One main item's worth of report data. A variable field holds count elements of bit_size bits,
 * element i having usage usages[first + min(i, nusages - 1)] (the last usage repeats); an array
 * field holds count elements each carrying an index: value v stands for usages[first + v -
 * logical_min] (out of range: none). */
struct hid_field {
	uint8_t type;      /* enum hid_report_type */
	uint8_t report_id; /* 0: the descriptor uses no report IDs */
	uint16_t flags;    /* main-item data bits */
	uint32_t bit_offset; /* in the report's data, after the report ID byte */
	uint32_t bit_size;   /* 1 .. 32 */
	uint32_t count;
	int32_t logical_min, logical_max;
	uint32_t first, nusages; /* into hid_desc.usages */
	uint32_t app;            /* index into hid_desc.apps */
};

struct hid_desc {
	uint32_t nfields, nusages, napps;
	struct hid_field fields[HID_MAX_FIELDS];
	uint32_t usages[HID_MAX_USAGES];
	uint32_t apps[HID_MAX_APPS]; /* the usage of each top-level application collection */
	int uses_report_ids;
};

/**
 * hid_desc_parse() - Parse a report descriptor into d.
 * @buf, @len: the descriptor, as the device gives it (HIDIOCGRDESC).
 * @err, @errlen: the reason on failure, one line naming the byte offset.
 * Returns 0, or -1 (malformed, or beyond the limits above).
 */
int hid_desc_parse(const uint8_t *buf, size_t len, struct hid_desc *d, char *err, size_t errlen);

/* The usage of element i of field f. */
uint32_t hid_field_usage(const struct hid_desc *d, const struct hid_field *f, uint32_t i);

/**
 * hid_field_get() - Element i of field f in a report's data (after its report ID byte).
 * @data, @len: the report's data.
 * Returns 0 with *value (sign-extended when logical_min < 0), or -1 when the report is too short.
 */
int hid_field_get(const struct hid_field *f, uint32_t i, const uint8_t *data, size_t len,
		  int32_t *value);

/**
 * hid_field_put() - Set element i of field f in a report's data (len bytes), leaving the other
 * bits alone. Returns 0, or -1 when the report is too short.
 */
int hid_field_put(const struct hid_field *f, uint32_t i, int32_t value, uint8_t *data, size_t len);

/* Bytes of data (after the ID byte) of report (type, id): what its fields reach, rounded up. */
size_t hid_report_length(const struct hid_desc *d, enum hid_report_type type, uint8_t id);

#endif
