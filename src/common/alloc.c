/* SPDX-License-Identifier: MIT */
/* alloc.c — see alloc.h. */
#include "alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_long fail_countdown = -1;
static atomic_long live;
static atomic_long attempts;

static int injected_failure(void)
{
	long n;

	atomic_fetch_add_explicit(&attempts, 1, memory_order_relaxed);
	n = atomic_load_explicit(&fail_countdown, memory_order_relaxed);

	if (n < 0)
		return 0;
	/* Decrement unless another thread already consumed the failure. */
	while (n >= 0 && !atomic_compare_exchange_weak(&fail_countdown, &n, n - 1))
		;
	return n == 0;
}

void *ot_malloc(size_t size)
{
	void *p;

	if (injected_failure())
		return NULL;
	p = malloc(size ? size : 1);
	if (p)
		atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
	return p;
}

void *ot_calloc(size_t count, size_t size)
{
	void *p;

	if (injected_failure())
		return NULL;
	p = calloc(count ? count : 1, size ? size : 1);
	if (p)
		atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
	return p;
}

void *ot_realloc(void *ptr, size_t size)
{
	void *p;

	if (!ptr)
		return ot_malloc(size);
	if (injected_failure())
		return NULL;
	p = realloc(ptr, size ? size : 1);
	return p;
}

char *ot_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = ot_malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

void ot_free(void *ptr)
{
	if (!ptr)
		return;
	atomic_fetch_sub_explicit(&live, 1, memory_order_relaxed);
	free(ptr);
}

void ot_alloc_fail_after(long n)
{
	atomic_store(&fail_countdown, n < 0 ? -1 : n);
}

long ot_alloc_live(void)
{
	return atomic_load(&live);
}

long ot_alloc_count(void)
{
	return atomic_load(&attempts);
}
