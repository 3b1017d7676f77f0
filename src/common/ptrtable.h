/* SPDX-License-Identifier: MIT */
/* ptrtable.h — a growable table of pointers that readers index without taking a lock.
 *
 * Owns: the table's memory (not the entries). Entries are only ever appended, and an entry
 * never changes once appended. Writers append under a lock of the caller's (one writer at a
 * time); a full table is replaced by a larger copy, and the copies it replaced stay allocated
 * until ot_ptrtable_free, so that a reader that loaded an older copy still reads valid memory.
 * Readers use ot_ptrtable_count and ot_ptrtable_get at any time, without a lock: an entry below
 * a count once read stays the same for good.
 * Must not: be freed while a reader may still use it.
 *
 * The providers keep their phones in one: HDRVPHONE = index + 1 resolves in O(1), with no lock
 * on the path of every TSPI call.
 */
#ifndef OT_PTRTABLE_H
#define OT_PTRTABLE_H

#include <stdint.h>

struct ot_ptrtable_block;

struct ot_ptrtable {
	struct ot_ptrtable_block *cur; /* NULL: empty, nothing allocated */
};

#define OT_PTRTABLE_INIT { NULL }

/* Readers (no lock). */
uint32_t ot_ptrtable_count(const struct ot_ptrtable *t);
/* Entry i, or NULL when i is not below the count. */
void *ot_ptrtable_get(const struct ot_ptrtable *t, uint32_t i);

/* Writers (serialised by the caller). reserve: room for `extra` more entries, so that as many
 * appends cannot fail; 0 or -ENOMEM (also when the count would pass OT_PTRTABLE_MAX). append:
 * adds p at the end of a table that has room, and returns its index. */
#define OT_PTRTABLE_MAX (UINT32_MAX / 2)
int ot_ptrtable_reserve(struct ot_ptrtable *t, uint32_t extra);
uint32_t ot_ptrtable_append(struct ot_ptrtable *t, void *p);

/* Frees the table and every copy it replaced (not what the entries point to); empty after. */
void ot_ptrtable_free(struct ot_ptrtable *t);

#endif
