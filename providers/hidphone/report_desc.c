/* SPDX-License-Identifier: MIT */
/* report_desc.c — see report_desc.h. The rules are those of HID 1.11, section 6.2.2: an item
 * is a prefix byte (size in bits 0-1: 0, 1, 2 or 4 bytes of data; type in bits 2-3: main,
 * global, local; tag in bits 4-7) and its data, little-endian; 0xFE starts a long item (a size
 * byte, a tag byte, that many bytes), which no report uses and which is skipped. */
#include "report_desc.h"

#include <stdio.h>
#include <string.h>

enum { MAIN, GLOBAL, LOCAL };
enum { MAIN_INPUT = 8, MAIN_OUTPUT = 9, MAIN_COLLECTION = 10, MAIN_FEATURE = 11, MAIN_END = 12 };
enum {
	G_USAGE_PAGE = 0, G_LOGICAL_MIN = 1, G_LOGICAL_MAX = 2, G_REPORT_SIZE = 7, G_REPORT_ID = 8,
	G_REPORT_COUNT = 9, G_PUSH = 10, G_POP = 11,
};
enum { L_USAGE = 0, L_USAGE_MIN = 1, L_USAGE_MAX = 2 };

#define MAX_PUSH 8
#define MAX_LOCAL 1024
#define NO_APP UINT32_MAX

struct globals {
	uint32_t page;
	uint32_t lmin, lmax; /* raw item data, with the sizes they came in */
	uint8_t lmin_size, lmax_size;
	uint32_t size, count;
	uint32_t id;
};

struct parser {
	struct hid_desc *d;
	struct globals g, stack[MAX_PUSH];
	unsigned depth_push;
	uint32_t local[MAX_LOCAL];
	unsigned nlocal;
	uint32_t umin, umax;
	int have_umin, have_umax;
	unsigned depth;   /* collections open */
	uint32_t app;     /* the application collection we are in, or NO_APP */
	uint32_t offset[3][256];
	size_t at;        /* offset of the item being parsed */
	char *err;
	size_t errlen;
};

static int fail(struct parser *p, const char *what)
{
	snprintf(p->err, p->errlen, "report descriptor, byte %zu: %s", p->at, what);
	return -1;
}

static int32_t sign_extend(uint32_t v, unsigned bytes)
{
	if (bytes == 1)
		return (int8_t)v;
	if (bytes == 2)
		return (int16_t)v;
	return (int32_t)v;
}

static void clear_local(struct parser *p)
{
	p->nlocal = 0;
	p->have_umin = p->have_umax = 0;
}

/* A usage of at most 2 bytes is an ID on the current usage page; 4 bytes carry their page. */
static uint32_t full_usage(const struct parser *p, uint32_t v, unsigned bytes)
{
	return bytes == 4 ? v : HID_USAGE(p->g.page, v & 0xFFFF);
}

static int add_local(struct parser *p, uint32_t usage)
{
	if (p->nlocal == MAX_LOCAL)
		return fail(p, "more than 1024 usages before one main item");
	p->local[p->nlocal++] = usage;
	return 0;
}

static int local_item(struct parser *p, unsigned tag, uint32_t v, unsigned bytes)
{
	switch (tag) {
	case L_USAGE:
		return add_local(p, full_usage(p, v, bytes));
	case L_USAGE_MIN:
		p->umin = full_usage(p, v, bytes);
		p->have_umin = 1;
		break;
	case L_USAGE_MAX:
		p->umax = full_usage(p, v, bytes);
		p->have_umax = 1;
		break;
	default:
		break; /* designators, strings, delimiters: nothing a report's layout depends on */
	}
	return 0;
}

static int global_item(struct parser *p, unsigned tag, uint32_t v, unsigned bytes)
{
	switch (tag) {
	case G_USAGE_PAGE:
		p->g.page = v & 0xFFFF;
		break;
	case G_LOGICAL_MIN:
		p->g.lmin = v;
		p->g.lmin_size = (uint8_t)bytes;
		break;
	case G_LOGICAL_MAX:
		p->g.lmax = v;
		p->g.lmax_size = (uint8_t)bytes;
		break;
	case G_REPORT_SIZE:
		if (v > 32)
			return fail(p, "a report size of more than 32 bits");
		p->g.size = v;
		break;
	case G_REPORT_ID:
		if (v == 0 || v > 255)
			return fail(p, "a report ID outside 1 .. 255");
		p->g.id = v;
		p->d->uses_report_ids = 1;
		break;
	case G_REPORT_COUNT:
		if (v > HID_MAX_REPORT_BYTES * 8)
			return fail(p, "a report count beyond any report's length");
		p->g.count = v;
		break;
	case G_PUSH:
		if (p->depth_push == MAX_PUSH)
			return fail(p, "Push nested more than 8 deep");
		p->stack[p->depth_push++] = p->g;
		break;
	case G_POP:
		if (p->depth_push == 0)
			return fail(p, "Pop without Push");
		p->g = p->stack[--p->depth_push];
		break;
	default:
		break; /* physical range, units: not needed to read a report */
	}
	return 0;
}

/* The usages of the main item being parsed go to the descriptor's pool. */
static int take_usages(struct parser *p, struct hid_field *f)
{
	struct hid_desc *d = p->d;
	uint32_t n = p->nlocal, u;

	if (p->have_umin && p->have_umax && p->umax >= p->umin)
		n += p->umax - p->umin + 1;
	if (n > HID_MAX_USAGES - d->nusages)
		return fail(p, "more usages than this parser keeps (2048)");
	f->first = d->nusages;
	f->nusages = n;
	memcpy(&d->usages[d->nusages], p->local, p->nlocal * sizeof(uint32_t));
	d->nusages += p->nlocal;
	if (n > p->nlocal)
		for (u = p->umin; d->nusages < f->first + n; u++)
			d->usages[d->nusages++] = u;
	return 0;
}

static int field_item(struct parser *p, enum hid_report_type type, uint32_t flags)
{
	struct hid_desc *d = p->d;
	struct hid_field *f;
	uint32_t *offset = &p->offset[type][p->g.id];
	uint64_t bits = (uint64_t)p->g.size * p->g.count;

	if (bits == 0)
		return 0;
	if (*offset + bits > (uint64_t)HID_MAX_REPORT_BYTES * 8)
		return fail(p, "a report longer than 4096 bytes");
	if (d->nfields == HID_MAX_FIELDS)
		return fail(p, "more fields than this parser keeps (512)");
	f = &d->fields[d->nfields];
	memset(f, 0, sizeof(*f));
	f->type = (uint8_t)type;
	f->report_id = (uint8_t)p->g.id;
	f->flags = (uint16_t)(flags & 0x1FF);
	f->bit_offset = *offset;
	f->bit_size = p->g.size;
	f->count = p->g.count;
	f->logical_min = sign_extend(p->g.lmin, p->g.lmin_size);
	/* The maximum is signed only when the minimum is negative (a byte 0xFF after a minimum
	 * of 0 means 255). */
	f->logical_max = f->logical_min < 0 ? sign_extend(p->g.lmax, p->g.lmax_size)
					    : (int32_t)p->g.lmax;
	f->app = p->app;
	if (!(flags & HID_CONSTANT) && take_usages(p, f) < 0)
		return -1;
	*offset += (uint32_t)bits;
	d->nfields++;
	return 0;
}

static int main_item(struct parser *p, unsigned tag, uint32_t v)
{
	int r = 0;

	switch (tag) {
	case MAIN_INPUT:
		r = field_item(p, HID_INPUT, v);
		break;
	case MAIN_OUTPUT:
		r = field_item(p, HID_OUTPUT, v);
		break;
	case MAIN_FEATURE:
		r = field_item(p, HID_FEATURE, v);
		break;
	case MAIN_COLLECTION:
		if (p->depth == HID_MAX_DEPTH)
			return fail(p, "collections nested more than 16 deep");
		if (p->depth++ == 0 && (v & 0xFF) == 1) { /* a top-level application collection */
			if (p->d->napps == HID_MAX_APPS)
				return fail(p, "more than 16 application collections");
			p->app = p->d->napps;
			p->d->apps[p->d->napps++] = p->nlocal ? p->local[0] : 0;
		}
		break;
	case MAIN_END:
		if (p->depth == 0)
			return fail(p, "End Collection without a Collection");
		if (--p->depth == 0)
			p->app = NO_APP;
		break;
	default:
		return fail(p, "an unknown main item");
	}
	clear_local(p);
	return r;
}

int hid_desc_parse(const uint8_t *buf, size_t len, struct hid_desc *d, char *err, size_t errlen)
{
	static struct parser zero;
	struct parser p = zero;
	size_t i = 0;

	memset(d, 0, sizeof(*d));
	p.d = d;
	p.app = NO_APP;
	p.err = err;
	p.errlen = errlen;
	while (i < len) {
		unsigned prefix = buf[i], bytes = prefix & 3, type = (prefix >> 2) & 3;
		unsigned tag = prefix >> 4, k;
		uint32_t v = 0;
		int r = 0;

		p.at = i;
		if (prefix == 0xFE) { /* long item */
			if (len - i < 3 || len - i - 3 < buf[i + 1])
				return fail(&p, "a long item cut short");
			i += 3 + (size_t)buf[i + 1];
			continue;
		}
		if (bytes == 3)
			bytes = 4;
		if (len - i - 1 < bytes)
			return fail(&p, "an item cut short");
		for (k = 0; k < bytes; k++)
			v |= (uint32_t)buf[i + 1 + k] << (8 * k);
		i += 1 + bytes;
		if (type == MAIN)
			r = main_item(&p, tag, v);
		else if (type == GLOBAL)
			r = global_item(&p, tag, v, bytes);
		else if (type == LOCAL)
			r = local_item(&p, tag, v, bytes);
		else
			r = fail(&p, "an item of the reserved type");
		if (r < 0)
			return -1;
	}
	p.at = len;
	if (p.depth)
		return fail(&p, "a Collection never ended");
	return 0;
}

uint32_t hid_field_usage(const struct hid_desc *d, const struct hid_field *f, uint32_t i)
{
	if (!f->nusages)
		return 0;
	return d->usages[f->first + (i < f->nusages ? i : f->nusages - 1)];
}

/* Bit position and whether element i lies inside len bytes. */
static int locate(const struct hid_field *f, uint32_t i, size_t len, uint64_t *pos)
{
	if (i >= f->count)
		return -1;
	*pos = f->bit_offset + (uint64_t)i * f->bit_size;
	return *pos + f->bit_size <= (uint64_t)len * 8 ? 0 : -1;
}

int hid_field_get(const struct hid_field *f, uint32_t i, const uint8_t *data, size_t len,
		  int32_t *value)
{
	uint64_t pos;
	uint32_t v = 0, b;

	if (locate(f, i, len, &pos) < 0)
		return -1;
	for (b = 0; b < f->bit_size; b++, pos++)
		v |= (uint32_t)((data[pos / 8] >> (pos % 8)) & 1) << b;
	if (f->logical_min < 0 && f->bit_size < 32 && (v >> (f->bit_size - 1)) & 1)
		v |= ~0u << f->bit_size;
	*value = (int32_t)v;
	return 0;
}

int hid_field_put(const struct hid_field *f, uint32_t i, int32_t value, uint8_t *data, size_t len)
{
	uint64_t pos;
	uint32_t b;

	if (locate(f, i, len, &pos) < 0)
		return -1;
	for (b = 0; b < f->bit_size; b++, pos++) {
		uint8_t mask = (uint8_t)(1u << (pos % 8));

		if (((uint32_t)value >> b) & 1)
			data[pos / 8] |= mask;
		else
			data[pos / 8] &= (uint8_t)~mask;
	}
	return 0;
}

size_t hid_report_length(const struct hid_desc *d, enum hid_report_type type, uint8_t id)
{
	uint64_t end = 0;
	uint32_t i;

	for (i = 0; i < d->nfields; i++) {
		const struct hid_field *f = &d->fields[i];
		uint64_t e = f->bit_offset + (uint64_t)f->bit_size * f->count;

		if (f->type == type && f->report_id == id && e > end)
			end = e;
	}
	return (size_t)((end + 7) / 8);
}
