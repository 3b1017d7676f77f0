/* SPDX-License-Identifier: MIT */
/* payload.c — the payloads clients send in memfds (docs/protocol.md, "Descriptors and memfd"):
 * mapped for the engine without a copy, and a connection's reusable buffers kept mapped between
 * requests.
 *
 * Owns: the mappings and their reference counts (the connection's cache holds one, each request
 * the engine still holds another). Must not: read or judge the bytes (the engine does).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server.h"

/* A memfd with these seals has its size fixed for good and is the client's reusable buffer:
 * tapisrv maps it once and keeps the mapping for the next request that brings it again. */
#define REUSABLE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW)
/* A reusable buffer is mapped whole; one far larger than the request that brings it (a sparse
 * file, say) is mapped for that request only, like a per-request memfd. */
#define REUSABLE_SLACK (1u << 20)

/* A reusable buffer's mapping. The record lives in a page of its own just in front of the mapped
 * bytes, so that the engine's release(data, size) finds it from the payload pointer alone. */
struct ot_payload_map {
	dev_t dev;
	ino_t ino;          /* the file's identity: the mapping keeps the file, so it cannot be reused */
	size_t len;         /* bytes mapped after the record's page: the file's (fixed) size */
	int writable;       /* not write-sealed: GET_DATA may fill it */
	atomic_uint refs;   /* the connection's cache, plus each request the engine holds */
};

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static void payload_map_put(struct ot_payload_map *m)
{
	if (atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) == 1)
		munmap(m, page_size() + m->len);
}

/* The engine's release for a payload in a cached mapping: any thread. */
static void release_cached(void *data, size_t size)
{
	(void)size;
	payload_map_put((struct ot_payload_map *)((char *)data - page_size()));
}

/* The engine's release for a per-request memfd's mapping. */
static void unmap_payload(void *data, size_t size)
{
	munmap(data, size);
}

/* Maps a reusable buffer whole behind its record's page. Page tables are filled at once for the
 * bytes this request needs (one pass instead of a fault per page); later requests find them. */
static struct ot_payload_map *payload_map_new(int fd, const struct stat *st, int writable,
					      size_t need)
{
	size_t page = page_size(), len = (size_t)st->st_size;
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);
	char *base = mmap(NULL, page + len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	struct ot_payload_map *m;

	if (base == MAP_FAILED)
		return NULL;
	if (mmap(base + page, len, prot, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
		munmap(base, page + len);
		return NULL;
	}
	/* A failure only means page faults later. */
	(void)madvise(base + page, need, writable ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
	m = (struct ot_payload_map *)base;
	m->dev = st->st_dev;
	m->ino = st->st_ino;
	m->len = len;
	m->writable = writable;
	atomic_init(&m->refs, 1); /* the cache's */
	return m;
}

/* The connection's mapping of a reusable buffer, mapped now if it is new and not far larger
 * than the request (the least recently used one is let go), with a reference for the request;
 * NULL if it is not cached and cannot be. */
static struct ot_payload_map *cached_map(struct ot_conn *c, int fd, const struct stat *st,
					 int writable, size_t need)
{
	struct ot_payload_map *m = NULL;
	unsigned i;

	for (i = 0; i < OT_CONN_MAPS && c->maps[i]; i++) {
		if (c->maps[i]->dev == st->st_dev && c->maps[i]->ino == st->st_ino) {
			m = c->maps[i];
			break;
		}
	}
	if (!m) {
		if ((uint64_t)st->st_size > 2ull * need + REUSABLE_SLACK)
			return NULL;
		m = payload_map_new(fd, st, writable, need);
		if (!m)
			return NULL;
		i = OT_CONN_MAPS - 1;
		if (c->maps[i])
			payload_map_put(c->maps[i]);
	}
	memmove(&c->maps[1], &c->maps[0], i * sizeof(c->maps[0])); /* most recent first */
	c->maps[0] = m;
	atomic_fetch_add_explicit(&m->refs, 1, memory_order_relaxed);
	return m;
}

void ot_payload_forget(struct ot_conn *c)
{
	unsigned i;

	for (i = 0; i < OT_CONN_MAPS; i++) {
		if (c->maps[i])
			payload_map_put(c->maps[i]);
		c->maps[i] = NULL;
	}
}

void *ot_payload_map(struct ot_conn *c, int fd, DWORD size, int writable, ot_release_fn *release)
{
	int seals = fcntl(fd, F_GET_SEALS);
	struct stat st;
	void *p;

	if (seals < 0 || !(seals & F_SEAL_SHRINK) || fstat(fd, &st) < 0 || size == 0 ||
	    (uint64_t)st.st_size < size || (writable && (seals & F_SEAL_WRITE)))
		return NULL;
	if ((seals & REUSABLE_SEALS) == REUSABLE_SEALS) {
		struct ot_payload_map *m = cached_map(c, fd, &st, !(seals & F_SEAL_WRITE), size);

		if (m && (size > m->len || (writable && !m->writable))) {
			payload_map_put(m);
			return NULL;
		}
		if (m) {
			*release = release_cached;
			return (char *)m + page_size();
		}
		/* Not cached (far larger than the request, or no room to map it whole): mapped
		 * for this request alone. */
	}
	/* A memfd for this request alone: populated at once, unmapped when the engine is done. */
	p = mmap(NULL, size, writable ? PROT_READ | PROT_WRITE : PROT_READ,
		 MAP_SHARED | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	*release = unmap_payload;
	return p;
}

int ot_payload_is_empty(int fd)
{
	struct stat st;

	return fcntl(fd, F_GET_SEALS) >= 0 && fstat(fd, &st) == 0 && st.st_size == 0;
}
