/* SPDX-License-Identifier: MIT */
/* remote_shm.c — reusable shared buffers for payloads above OT_WIRE_INLINE_MAX (docs/protocol.md,
 * "Descriptors and memfd").
 *
 * A fresh memfd per request costs about three times the copy itself: pages allocated and charged
 * to the memory cgroup, page tables filled on both sides, everything freed again. So each
 * connection keeps OT_SHM_SLOTS memfds, created on first use and replaced by a larger one when a
 * larger payload comes. Each is sealed against shrinking (the server can never meet SIGBUS), its
 * size fixed and its seals final; it is not write-sealed, so that it can be written again. tapisrv
 * keeps such a memfd mapped (keyed by the file's identity), so a request costs one memcpy here and
 * one there.
 *
 * The library writes a buffer only while the server does not read it. tapisrv hands a SET_DATA
 * payload to the provider without copying it; the provider stops reading it when it completes
 * the request, and only then does the engine queue the request's PHONE_REPLY. A request that
 * failed at once (an error REPLY) was let go before that REPLY. But a PHONE_REPLY with an error
 * may come from the engine's watchdog while the provider still reads the bytes; such a buffer is
 * never written again: it is replaced (our descriptor and mapping go; tapisrv's mapping keeps the
 * file for as long as it needs it). GET_DATA is answered at once: the server has written its
 * bytes before the REPLY.
 *
 * A slot is free, held (a thread writes it or waits for the REPLY of its request) or waiting (for
 * the PHONE_REPLY of a known request ID). A PHONE_REPLY may arrive before the REPLY that tells the
 * request ID (the provider completed inside the call), so while a slot is held the PHONE_REPLYs
 * are kept in a small ring; when more than the ring holds arrived meanwhile, the buffer is
 * replaced rather than trusted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"
#include "remote.h"

enum { SLOT_FREE, SLOT_HELD, SLOT_WAITING };

/* The smallest buffer (a little above the inline limit) and the largest that is kept: beyond it
 * a payload travels in a memfd of its own, so that one huge write does not stay resident. */
#define SHM_MIN (256u * 1024u)
#define SHM_MAX (16u * 1024u * 1024u)

static size_t buffer_size(size_t need)
{
	size_t size = SHM_MIN;

	while (size < need)
		size *= 2;
	return size;
}

static void unmap_slot(struct ot_shm_slot *s)
{
	if (s->map) {
		munmap(s->map, s->size);
		close(s->fd);
	}
	s->map = NULL;
	s->size = 0;
	s->fd = -1;
	s->stale = 0;
}

/* A new memfd of at least need bytes in s (held by the caller). Returns 0 or -1. */
static int make_buffer(struct ot_shm_slot *s, size_t need)
{
	size_t size = buffer_size(need);
	int fd = memfd_create("opentapi-payload", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	void *map;

	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		close(fd);
		return -1;
	}
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		close(fd);
		return -1;
	}
	/* The pages this request needs, allocated in one pass rather than a fault each; a failure
	 * only means faults. */
	(void)madvise(map, need, MADV_POPULATE_WRITE);
	s->map = map;
	s->size = size;
	s->fd = fd;
	return 0;
}

/* A waiting slot whose app is gone will hear no PHONE_REPLY: it is replaced (lock held). */
static void reclaim_orphan(struct remote *r, struct ot_shm_slot *s)
{
	if (s->state == SLOT_WAITING && !ot_map_get(&r->apps, s->app_id)) {
		s->state = SLOT_FREE;
		s->stale = 1;
	}
}

/* The free slot to use for need bytes: the smallest good buffer that fits, else one to replace
 * (lock held). */
static struct ot_shm_slot *pick(struct remote *r, size_t need)
{
	struct ot_shm_slot *fit = NULL, *other = NULL;
	unsigned i;

	for (i = 0; i < OT_SHM_SLOTS; i++) {
		struct ot_shm_slot *s = &r->shm.slot[i];

		reclaim_orphan(r, s);
		if (s->state != SLOT_FREE)
			continue;
		if (s->map && !s->stale && s->size >= need) {
			if (!fit || s->size < fit->size)
				fit = s;
		} else if (!other || !other->map) {
			other = s; /* an empty slot before one whose buffer would be thrown away */
		}
	}
	return fit ? fit : other;
}

struct ot_shm_slot *ot_remote_shm_acquire(struct remote *r, size_t size)
{
	struct ot_shm_slot *s;

	if (size == 0 || size > SHM_MAX)
		return NULL;
	pthread_mutex_lock(&r->lock);
	s = r->dead ? NULL : pick(r, size);
	if (s) {
		s->state = SLOT_HELD;
		s->since = r->shm.ring_count;
		r->shm.held++;
	}
	pthread_mutex_unlock(&r->lock);
	if (!s || (s->map && !s->stale && s->size >= size))
		return s;
	/* Ours alone now: the old buffer (too small, or one the server may still read) goes. */
	unmap_slot(s);
	if (make_buffer(s, size) == 0)
		return s;
	ot_log(OT_LOG_DEBUG, "lib", "no reusable payload buffer of %zu bytes: %m", size);
	ot_remote_shm_release(r, s);
	return NULL;
}

/* A held slot lets go (lock held). */
static void unhold(struct remote *r, struct ot_shm_slot *s, int state, int stale)
{
	s->state = state;
	s->stale = stale;
	r->shm.held--;
}

/* Is the PHONE_REPLY of (app_id, id) in the ring since the slot was taken? 1 and its result;
 * 0: not yet; -1: too many came meanwhile to tell (lock held). */
static int replied(const struct ot_shm *shm, uint64_t since, uint32_t app_id, uint32_t id,
		   LONG *result)
{
	uint64_t n = shm->ring_count;
	uint64_t from = n - since > OT_SHM_RING ? n - OT_SHM_RING : since;

	for (; from < n; from++) {
		const struct ot_shm_reply *x = &shm->ring[from % OT_SHM_RING];

		if (x->app_id == app_id && x->id == id) {
			*result = x->result;
			return 1;
		}
	}
	return n - since > OT_SHM_RING ? -1 : 0;
}

void ot_remote_shm_sent(struct remote *r, struct ot_shm_slot *s, HPHONE phone, LONG rc)
{
	struct rphone *p;
	LONG result = 0;
	int seen;

	pthread_mutex_lock(&r->lock);
	p = ot_map_get(&r->phones, phone);
	if (r->dead) { /* no server reads it any more */
		unhold(r, s, SLOT_FREE, 0);
	} else if (rc < 0) {
		/* Refused at once: the server let go of the payload before it answered. A reply
		 * that could not be read (OPERATIONFAILED may be one) proves nothing. */
		unhold(r, s, SLOT_FREE, rc == (LONG)PHONEERR_OPERATIONFAILED);
	} else if (rc == 0 || !p) { /* no request ID, or its phone closed meanwhile: no way to tell */
		unhold(r, s, SLOT_FREE, 1);
	} else if ((seen = replied(&r->shm, s->since, p->app_id, (uint32_t)rc, &result)) != 0) {
		unhold(r, s, SLOT_FREE, seen < 0 || result != 0);
	} else {
		s->app_id = p->app_id;
		s->id = (uint32_t)rc;
		unhold(r, s, SLOT_WAITING, 0);
	}
	pthread_mutex_unlock(&r->lock);
}

void ot_remote_shm_release(struct remote *r, struct ot_shm_slot *s)
{
	pthread_mutex_lock(&r->lock);
	unhold(r, s, SLOT_FREE, s->stale);
	pthread_mutex_unlock(&r->lock);
}

void ot_remote_shm_on_reply(struct remote *r, uint32_t app_id, DWORD id, LONG result)
{
	struct ot_shm *shm = &r->shm;
	unsigned i;

	if (shm->held) {
		shm->ring[shm->ring_count % OT_SHM_RING] = (struct ot_shm_reply){ app_id, id, result };
		shm->ring_count++;
	}
	for (i = 0; i < OT_SHM_SLOTS; i++) {
		struct ot_shm_slot *s = &shm->slot[i];

		if (s->state == SLOT_WAITING && s->app_id == app_id && s->id == id) {
			s->state = SLOT_FREE;
			s->stale = result != 0; /* an error may be the watchdog's: the provider reads on */
		}
	}
}

void ot_remote_shm_free(struct remote *r)
{
	unsigned i;

	for (i = 0; i < OT_SHM_SLOTS; i++)
		unmap_slot(&r->shm.slot[i]);
}
