/* SPDX-License-Identifier: MIT */
/* map.c — see map.h. */
#include "map.h"

#include <errno.h>

#include "alloc.h"

static size_t hash(uint32_t key)
{
	return (size_t)(key * 2654435761u);
}

static struct ot_map_slot *find(const struct ot_map *m, uint32_t key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct ot_map_slot *s = &m->slots[i];

		if (s->key == key && !s->dead)
			return s;
		if (s->key == 0)
			return NULL;
	}
}

static int rehash(struct ot_map *m, size_t cap)
{
	struct ot_map_slot *old = m->slots;
	size_t i, old_cap = m->cap;

	m->slots = ot_calloc(cap, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return -ENOMEM;
	}
	m->cap = cap;
	m->used = m->count = 0;
	for (i = 0; i < old_cap; i++)
		if (old[i].key && !old[i].dead)
			ot_map_put(m, old[i].key, old[i].value);
	ot_free(old);
	return 0;
}

int ot_map_put(struct ot_map *m, uint32_t key, void *value)
{
	struct ot_map_slot *s = find(m, key);
	size_t i;

	if (s) {
		s->value = value;
		return 0;
	}
	/* Keep the table at most half full, counting dead slots. */
	if ((m->used + 1) * 2 > m->cap &&
	    rehash(m, m->count * 4 > m->cap ? (m->cap ? m->cap * 2 : 16) : (m->cap ? m->cap : 16)) < 0)
		return -ENOMEM;
	for (i = hash(key) & (m->cap - 1); m->slots[i].key; i = (i + 1) & (m->cap - 1))
		;
	m->slots[i] = (struct ot_map_slot){ key, 0, value };
	m->used++;
	m->count++;
	return 0;
}

void *ot_map_get(const struct ot_map *m, uint32_t key)
{
	struct ot_map_slot *s = find(m, key);

	return s ? s->value : NULL;
}

void *ot_map_remove(struct ot_map *m, uint32_t key)
{
	struct ot_map_slot *s = find(m, key);

	if (!s)
		return NULL;
	s->dead = 1;
	m->count--;
	return s->value;
}

void *ot_map_next(const struct ot_map *m, size_t *cursor, uint32_t *key)
{
	while (*cursor < m->cap) {
		struct ot_map_slot *s = &m->slots[(*cursor)++];

		if (s->key && !s->dead) {
			if (key)
				*key = s->key;
			return s->value;
		}
	}
	return NULL;
}

void ot_map_free(struct ot_map *m)
{
	ot_free(m->slots);
	*m = (struct ot_map){ 0 };
}
