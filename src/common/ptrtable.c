/* SPDX-License-Identifier: MIT */
/* ptrtable.c — see ptrtable.h.
 *
 * Publication order. append stores the entry, then the count (release); reserve fills a new
 * block completely, then publishes it (release). A reader loads the block, then its count
 * (both acquire), so whatever entry it may index was stored before it looked.
 */
#include "ptrtable.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "alloc.h"

struct ot_ptrtable_block {
	uint32_t n;   /* entries in use */
	uint32_t cap; /* entries allocated */
	struct ot_ptrtable_block *prev; /* the copy this one replaced: kept for readers */
	void *ent[];
};

static struct ot_ptrtable_block *current(const struct ot_ptrtable *t)
{
	return __atomic_load_n(&t->cur, __ATOMIC_ACQUIRE);
}

uint32_t ot_ptrtable_count(const struct ot_ptrtable *t)
{
	const struct ot_ptrtable_block *b = current(t);

	return b ? __atomic_load_n(&b->n, __ATOMIC_ACQUIRE) : 0;
}

void *ot_ptrtable_get(const struct ot_ptrtable *t, uint32_t i)
{
	const struct ot_ptrtable_block *b = current(t);

	if (!b || i >= __atomic_load_n(&b->n, __ATOMIC_ACQUIRE))
		return NULL;
	return b->ent[i];
}

int ot_ptrtable_reserve(struct ot_ptrtable *t, uint32_t extra)
{
	struct ot_ptrtable_block *b = t->cur, *nb;
	uint32_t n = b ? b->n : 0, cap = b ? b->cap : 0;

	if (b && cap - n >= extra)
		return 0;
	if (extra > OT_PTRTABLE_MAX - n)
		return -ENOMEM;
	/* Doubling keeps the copies (all kept until the end) under twice the final size. */
	cap = cap * 2 > n + extra ? cap * 2 : n + extra; /* cap <= MAX: no overflow */
	if (cap < 8)
		cap = 8;
	if (cap > OT_PTRTABLE_MAX)
		cap = OT_PTRTABLE_MAX;
	nb = ot_malloc(offsetof(struct ot_ptrtable_block, ent) + (size_t)cap * sizeof(nb->ent[0]));
	if (!nb)
		return -ENOMEM;
	nb->n = n;
	nb->cap = cap;
	nb->prev = b;
	if (n)
		memcpy(nb->ent, b->ent, (size_t)n * sizeof(nb->ent[0]));
	__atomic_store_n(&t->cur, nb, __ATOMIC_RELEASE);
	return 0;
}

uint32_t ot_ptrtable_append(struct ot_ptrtable *t, void *p)
{
	struct ot_ptrtable_block *b = t->cur;
	uint32_t i = b->n;

	b->ent[i] = p;
	__atomic_store_n(&b->n, i + 1, __ATOMIC_RELEASE);
	return i;
}

void ot_ptrtable_free(struct ot_ptrtable *t)
{
	struct ot_ptrtable_block *b = t->cur, *prev;

	__atomic_store_n(&t->cur, NULL, __ATOMIC_RELEASE);
	for (; b; b = prev) {
		prev = b->prev;
		ot_free(b);
	}
}
