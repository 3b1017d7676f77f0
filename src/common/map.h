/* SPDX-License-Identifier: MIT */
/* map.h — a small hash map from 32-bit keys to pointers (open addressing, linear probing).
 *
 * Owns: nothing but its slot array. Used where handle values are chosen by someone else (the
 * server's HPHONE values seen by a client), so they cannot index a table directly.
 * Must not: lock (callers serialise). Key 0 is reserved (TAPI handles are never 0).
 */
#ifndef OT_MAP_H
#define OT_MAP_H

#include <stddef.h>
#include <stdint.h>

struct ot_map_slot {
	uint32_t key; /* 0 = empty */
	int dead;     /* removed: keeps probe chains intact */
	void *value;
};

struct ot_map {
	struct ot_map_slot *slots;
	size_t cap;   /* a power of two, or 0 */
	size_t used;  /* live + dead slots */
	size_t count; /* live */
};

/* Sets key (non-zero) to value. Returns 0 or -ENOMEM. */
int ot_map_put(struct ot_map *m, uint32_t key, void *value);
void *ot_map_get(const struct ot_map *m, uint32_t key);
/* Removes key; returns its value or NULL. */
void *ot_map_remove(struct ot_map *m, uint32_t key);
/* Iteration: *cursor starts at 0; NULL at the end. */
void *ot_map_next(const struct ot_map *m, size_t *cursor, uint32_t *key);
void ot_map_free(struct ot_map *m);

#endif
