/* SPDX-License-Identifier: MIT */
/* handles.h — O(1) handle tables: 32-bit handles made of a slot index and a generation.
 *
 * Owns: the encoding of HPHONEAPP, HPHONE and DRV_REQUESTID values. A handle is positive and never
 * 0; a stale handle (its slot freed and perhaps reused) never resolves, because the generation in
 * the handle no longer matches the slot's.
 * Must not: lock (callers serialise), or own the objects it points to.
 */
#ifndef OT_HANDLES_H
#define OT_HANDLES_H

#include <stdint.h>

#define OT_HANDLE_INDEX_BITS 20u
#define OT_HANDLE_MAX_SLOTS (1u << OT_HANDLE_INDEX_BITS)

struct ot_handle_slot {
	uint32_t gen;  /* generation of the current or next occupant, 1..2047 */
	uint32_t next; /* free list link (index + 1), valid while ptr == NULL */
	void *ptr;
};

struct ot_handles {
	struct ot_handle_slot *slots;
	uint32_t cap;       /* slots allocated */
	uint32_t used;      /* slots ever handed out (the high-water mark) */
	uint32_t free_head; /* index + 1 of the first free slot, 0 = none */
	uint32_t count;     /* live handles */
};

/* Stores ptr (non-NULL) and writes its new handle to *handle. Returns 0 or -ENOMEM. */
int ot_handles_add(struct ot_handles *t, void *ptr, uint32_t *handle);
/* The object of handle, or NULL when the handle is 0, malformed or stale. */
void *ot_handles_get(const struct ot_handles *t, uint32_t handle);
/* Forgets handle; returns its object, or NULL if the handle was not live. */
void *ot_handles_remove(struct ot_handles *t, uint32_t handle);
/* Iteration: *cursor starts at 0; returns the next live object and its handle, or NULL at the end. */
void *ot_handles_next(const struct ot_handles *t, uint32_t *cursor, uint32_t *handle);
void ot_handles_free(struct ot_handles *t);

#endif
