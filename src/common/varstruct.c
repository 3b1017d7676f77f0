/* SPDX-License-Identifier: MIT */
/* varstruct.c — see varstruct.h. The first three DWORDs of every such structure are dwTotalSize,
 * dwNeededSize and dwUsedSize. */
#include "varstruct.h"

#include <string.h>

enum { TOTAL = 0, NEEDED = 4, USED = 8 };

uint32_t ot_var_get(const void *st, size_t field)
{
	uint32_t v;

	memcpy(&v, (const char *)st + field, sizeof(v));
	return v;
}

void ot_var_set(void *st, size_t field, uint32_t value)
{
	memcpy((char *)st + field, &value, sizeof(value));
}

void ot_var_set_fixed(void *st, uint32_t fixed, size_t field, uint32_t value)
{
	if (field + sizeof(value) <= fixed)
		ot_var_set(st, field, value);
}

int ot_var_begin(void *st, uint32_t fixed_size)
{
	uint32_t total = ot_var_get(st, TOTAL);

	if (total < fixed_size)
		return -1;
	memset((char *)st + 4, 0, fixed_size - 4);
	ot_var_set(st, NEEDED, fixed_size);
	ot_var_set(st, USED, fixed_size);
	return 0;
}

void ot_var_append(void *st, size_t size_field, const void *data, uint32_t len)
{
	uint32_t total = ot_var_get(st, TOTAL);
	uint32_t needed = ot_var_get(st, NEEDED);
	uint32_t used = ot_var_get(st, USED);

	if (len == 0)
		return;
	ot_var_set(st, NEEDED, needed + len);
	if (used > total || len > total - used)
		return;
	memcpy((char *)st + used, data, len);
	ot_var_set(st, size_field, len);
	ot_var_set(st, size_field + 4, used);
	ot_var_set(st, USED, used + len);
}
