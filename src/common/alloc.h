/* SPDX-License-Identifier: MIT */
/* alloc.h — the one allocator every OpenTAPI component uses.
 *
 * Owns: heap allocation with fault injection for tests. Every allocation in the engine, library,
 * server and providers goes through these functions so that a test can make the Nth one fail and
 * prove that the failure path returns PHONEERR_NOMEM (or drops a client) without leaking.
 * Must not: log, abort, or depend on anything else in OpenTAPI.
 */
#ifndef OT_ALLOC_H
#define OT_ALLOC_H

#include <stddef.h>

void *ot_malloc(size_t size);
void *ot_calloc(size_t count, size_t size);
void *ot_realloc(void *ptr, size_t size);
char *ot_strdup(const char *s);
void ot_free(void *ptr);

/* Test hooks. ot_alloc_fail_after(n): the next n allocations succeed, the one after fails, and
 * every later one succeeds again; n < 0 disables injection. ot_alloc_live(): allocations made
 * through this file and not yet freed (for leak checks around a failure). Each component linked
 * with its own copy of this file (a provider module) has its own counters. */
void ot_alloc_fail_after(long n);
long ot_alloc_live(void);
/* Allocations attempted through this file so far (failed ones included): how many failure
 * points a scripted run has, for a sweep over all of them. */
long ot_alloc_count(void);

#endif
