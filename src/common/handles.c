/* SPDX-License-Identifier: MIT */
/* handles.c — see handles.h. */
#include "handles.h"

#include <errno.h>

#include "alloc.h"

#define GEN_MAX ((1u << (31 - OT_HANDLE_INDEX_BITS)) - 1)

static uint32_t encode(uint32_t index, uint32_t gen)
{
	return (gen << OT_HANDLE_INDEX_BITS) | index;
}

static int grow(struct ot_handles *t)
{
	uint32_t cap = t->cap ? t->cap * 2 : 16;
	struct ot_handle_slot *s;

	if (cap > OT_HANDLE_MAX_SLOTS)
		cap = OT_HANDLE_MAX_SLOTS;
	if (cap == t->cap)
		return -ENOMEM;
	s = ot_realloc(t->slots, cap * sizeof(*s));
	if (!s)
		return -ENOMEM;
	t->slots = s;
	t->cap = cap;
	return 0;
}

int ot_handles_add(struct ot_handles *t, void *ptr, uint32_t *handle)
{
	uint32_t index;

	if (t->free_head) {
		index = t->free_head - 1;
		t->free_head = t->slots[index].next;
	} else {
		if (t->used == t->cap && grow(t) < 0)
			return -ENOMEM;
		index = t->used++;
		t->slots[index].gen = 1;
	}
	t->slots[index].ptr = ptr;
	t->count++;
	*handle = encode(index, t->slots[index].gen);
	return 0;
}

void *ot_handles_get(const struct ot_handles *t, uint32_t handle)
{
	uint32_t index = handle & (OT_HANDLE_MAX_SLOTS - 1);
	uint32_t gen = handle >> OT_HANDLE_INDEX_BITS;

	if (index >= t->used || t->slots[index].gen != gen)
		return NULL;
	return t->slots[index].ptr;
}

void *ot_handles_remove(struct ot_handles *t, uint32_t handle)
{
	void *ptr = ot_handles_get(t, handle);
	uint32_t index = handle & (OT_HANDLE_MAX_SLOTS - 1);

	if (!ptr)
		return NULL;
	t->slots[index].ptr = NULL;
	t->slots[index].gen = t->slots[index].gen == GEN_MAX ? 1 : t->slots[index].gen + 1;
	t->slots[index].next = t->free_head;
	t->free_head = index + 1;
	t->count--;
	return ptr;
}

void *ot_handles_next(const struct ot_handles *t, uint32_t *cursor, uint32_t *handle)
{
	while (*cursor < t->used) {
		uint32_t index = (*cursor)++;

		if (t->slots[index].ptr) {
			if (handle)
				*handle = encode(index, t->slots[index].gen);
			return t->slots[index].ptr;
		}
	}
	return NULL;
}

void ot_handles_free(struct ot_handles *t)
{
	ot_free(t->slots);
	*t = (struct ot_handles){ 0 };
}
