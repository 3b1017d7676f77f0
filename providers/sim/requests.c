/* SPDX-License-Identifier: MIT */
/* requests.c — the per-phone request queues and the committer threads that drain them.
 *
 * Owns: the fast path of the asynchronous setters (submit: complete inline when the phone is in
 * memory and idle), queueing, the ready list of phones with queued requests, and the committers:
 * SIM_COMMITTERS threads, each taking one ready phone at a time and committing every request it
 * has queued as one batch (group commit: one wal append and one fdatasync for all its writes,
 * one state file for all its changes), then applying them and completing them in issue order.
 * Phones are committed independently: up to SIM_COMMITTERS phones sync at the same time, and
 * a slow phone (or its checkpoint) holds up no other.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "alloc.h"
#include "sim.h"

/* Writes handed to the store in one append. */
#define SIM_APPEND_CHUNK 256

/* Ends an inline completion: hands the phone to a committer if requests queued meanwhile. */
void sim_end_busy(struct sim_phone *ph)
{
	int wake;

	pthread_mutex_lock(&sim_prov.lock);
	ph->busy = 0;
	wake = sim_schedule(ph);
	pthread_cond_broadcast(&sim_prov.idle);
	pthread_mutex_unlock(&sim_prov.lock);
	if (wake)
		pthread_cond_signal(&sim_prov.wake);
}

/* Puts a phone whose queue has requests and whom nobody serves on the ready list. sim_prov.lock
 * held. Returns 1 when it was added (a committer is to be woken). */
int sim_schedule(struct sim_phone *ph)
{
	if (ph->busy || ph->ready || !ph->q.head)
		return 0;
	ph->ready = 1;
	ph->ready_next = NULL;
	if (sim_prov.ready_tail)
		sim_prov.ready_tail->ready_next = ph;
	else
		sim_prov.ready_head = ph;
	sim_prov.ready_tail = ph;
	return 1;
}

/* Queues a request behind the phone's others (or among the held ones). sim_prov.lock held.
 * Returns 1 when a committer is to be woken: by signalling sim_prov.wake after the unlock, so
 * that it does not wake only to wait for the lock. */
int sim_enqueue(struct sim_phone *ph, struct sim_item *it)
{
	if (ph->holding) {
		sim_list_push(&ph->held, it);
		return 0;
	}
	sim_list_push(&ph->q, it);
	return sim_schedule(ph);
}

static void enqueue_unlock(struct sim_phone *ph, struct sim_item *it)
{
	int wake = sim_enqueue(ph, it);

	pthread_mutex_unlock(&sim_prov.lock);
	if (wake)
		pthread_cond_signal(&sim_prov.wake);
}

/* Applies a write or change that has been committed (or needs no commit). For a change,
 * sim_prov.lock is held and ev gets its PHONE_STATE messages. */
static void apply_item(struct sim_phone *ph, struct sim_item *it, struct sim_events *ev)
{
	if (it->kind == ITEM_WRITE)
		sim_store_apply(ph->store, &it->w);
	else
		sim_change_apply(&ph->dev, ph->st, &it->ch, ev);
}

/* The common end of the asynchronous setters (phoneSetData and the device changes): the
 * request described by req takes effect now, inside the call, when the phone is in memory and
 * nothing of it is queued, held or in progress (the fast path: no allocation, no other thread);
 * else a copy of it (heap, unless req already is: `on_heap`) joins the phone's queue. A request
 * with display cells after it must be on the heap (the copy is of the item alone). Returns the
 * request ID or an error; a request on the heap is owned (freed or queued) either way. */
LONG submit(DRV_REQUESTID id, struct sim_phone *ph, struct sim_item *req, int on_heap)
{
	struct sim_events ev = { 0 };
	struct sim_item *it = req;
	LONG r = lock_open(ph, 1);

	if (r)
		goto fail;
	/* Whatever memory applying it takes is had now, while the request can still fail. */
	if (req->kind == ITEM_CHANGE && sim_state_prepare(&ph->dev, ph->st, &req->ch) < 0) {
		r = PHONEERR_NOMEM;
		goto fail_locked;
	}
	req->id = id;
	req->result = 0;
	if (!sim_store_is_durable(ph->store) && !ph->holding && !ph->busy && !ph->q.head) {
		ph->busy = 1;
		if (req->kind == ITEM_CHANGE)
			apply_item(ph, req, &ev);
		pthread_mutex_unlock(&sim_prov.lock);
		if (req->kind == ITEM_WRITE)
			apply_item(ph, req, NULL);
		if (on_heap)
			ot_free(req);
		sim_send_events(ph, &ev);
		sim_complete(id, 0);
		sim_end_busy(ph);
		return (LONG)id;
	}
	if (!on_heap) {
		it = ot_malloc(sizeof(*it));
		if (!it) {
			r = PHONEERR_NOMEM;
			goto fail_locked;
		}
		*it = *req;
	}
	enqueue_unlock(ph, it);
	return (LONG)id;

fail_locked:
	pthread_mutex_unlock(&sim_prov.lock);
fail:
	if (on_heap)
		ot_free(req);
	return r;
}

/* ---- the committers ------------------------------------------------------------------------ */

/* Appends the batch's writes to the phone's wal. Returns 1 when any record went to a durable
 * wal (which then needs its sync). */
static int append_writes(struct sim_store *st, struct sim_item *items)
{
	struct sim_store_write chunk[SIM_APPEND_CHUNK];
	struct sim_item *chunk_items[SIM_APPEND_CHUNK];
	struct sim_item *it;
	size_t k = 0, m, i;
	int failed = 0, appended = 0, err;

	for (it = items;; it = it->next) {
		if (it && it->kind == ITEM_WRITE) {
			if (failed) {
				it->result = PHONEERR_OPERATIONFAILED;
				continue;
			}
			chunk[k] = it->w;
			chunk_items[k++] = it;
		}
		if (k && (!it || k == SIM_APPEND_CHUNK)) {
			m = sim_store_append(st, chunk, k, &err);
			appended |= m > 0;
			for (i = 0; i < k; i++)
				chunk_items[i]->result = i < m ? 0 : PHONEERR_OPERATIONFAILED;
			/* After a failure the rest of the batch fails too: the store's trouble
			 * (full disk, I/O error) is unlikely to be over a microsecond later. */
			failed = m < k;
			k = 0;
		}
		if (!it)
			break;
	}
	return appended && sim_store_is_durable(st);
}

/* Writes the state file that the batch's changes lead to, before any of them is applied or
 * replied: on failure they all fail and the phone keeps its state. The phone is busy, so shadow
 * and state_buf are ours; the live state is read under the lock. */
static void save_changes(struct sim_phone *ph, struct sim_item *items)
{
	struct sim_item *it;
	unsigned gen;
	size_t len;
	int any = 0, r;

	for (it = items; it; it = it->next)
		any |= it->kind == ITEM_CHANGE;
	/* No shadow: the device has nothing a state file keeps. */
	if (!any || !sim_store_is_durable(ph->store) || !ph->shadow)
		return;
	pthread_mutex_lock(&sim_prov.lock);
	r = sim_state_copy(&ph->dev, ph->shadow, ph->st);
	gen = ph->cmd_gen;
	pthread_mutex_unlock(&sim_prov.lock);
	for (it = items; it && r == 0; it = it->next) {
		if (it->kind != ITEM_CHANGE)
			continue;
		r = sim_state_prepare(&ph->dev, ph->shadow, &it->ch);
		if (r == 0)
			sim_change_apply(&ph->dev, ph->shadow, &it->ch, NULL);
	}
	if (r == 0) {
		len = sim_state_encode(&ph->dev, ph->shadow, ph->state_buf);
		r = sim_store_save_state(ph->store, ph->state_buf, len);
	}
	if (r < 0) {
		for (it = items; it; it = it->next)
			if (it->kind == ITEM_CHANGE)
				it->result = r == -ENOMEM ? PHONEERR_NOMEM : PHONEERR_OPERATIONFAILED;
		return;
	}
	pthread_mutex_lock(&sim_prov.lock);
	ph->saved_gen = gen;
	pthread_mutex_unlock(&sim_prov.lock);
}

/* Commits, applies and completes a batch: every request the phone had queued, in issue order.
 * The phone is busy (ours). Writes go to the wal with one fdatasync for all of them (group
 * commit), changes into one state file; only what reached the disk is applied and succeeds. */
static void commit_batch(struct sim_phone *ph, struct sim_item *items)
{
	struct sim_item *it, *next;
	struct sim_events ev;
	int appended = append_writes(ph->store, items);

	if (appended && sim_store_sync(ph->store) < 0)
		for (it = items; it; it = it->next)
			if (it->kind == ITEM_WRITE && it->result == 0)
				it->result = PHONEERR_OPERATIONFAILED;
	save_changes(ph, items);
	for (it = items; it; it = next) {
		next = it->next;
		ev.n = 0;
		if (it->kind == ITEM_WRITE && it->result == 0) {
			apply_item(ph, it, NULL);
		} else if (it->kind == ITEM_CHANGE && it->result == 0) {
			pthread_mutex_lock(&sim_prov.lock);
			apply_item(ph, it, &ev);
			pthread_mutex_unlock(&sim_prov.lock);
			sim_send_events(ph, &ev);
		}
		sim_complete(it->id, it->result);
		if (it->kind == ITEM_REPLY && it->then_remove)
			sim_post_remove(ph);
		ot_free(it);
	}
	/* Keep the wal short; the replies are out, so this delays only this phone's next batch. */
	if (appended)
		sim_store_maybe_checkpoint(ph->store);
}

/* A committer: takes the phone at the head of the ready list, commits its batch, and comes
 * back for more, until the provider stops and nothing is ready. */
static void *committer_main(void *arg)
{
	pthread_mutex_lock(&sim_prov.lock);
	for (;;) {
		struct sim_phone *ph = sim_prov.ready_head;
		struct sim_item *items;

		if (!ph) {
			if (sim_prov.stop)
				break;
			pthread_cond_wait(&sim_prov.wake, &sim_prov.lock);
			continue;
		}
		sim_prov.ready_head = ph->ready_next;
		if (!sim_prov.ready_head)
			sim_prov.ready_tail = NULL;
		ph->ready = 0;
		ph->busy = 1;
		items = ph->q.head;
		ph->q.head = ph->q.tail = NULL;
		pthread_mutex_unlock(&sim_prov.lock);
		commit_batch(ph, items);
		pthread_mutex_lock(&sim_prov.lock);
		ph->busy = 0;
		/* What queued meanwhile makes the phone ready again. This loop takes the list's
		 * head next; when there is more than that, another committer is woken for it, so
		 * that the phones are not committed one after the other. */
		if (sim_schedule(ph) && sim_prov.ready_head != sim_prov.ready_tail)
			pthread_cond_signal(&sim_prov.wake);
		pthread_cond_broadcast(&sim_prov.idle);
	}
	pthread_mutex_unlock(&sim_prov.lock);
	return arg;
}

/* The committers; the provider works with as many as could be started (at least one). */
int sim_start_committers(void)
{
	int r = 0;

	for (sim_prov.ncommitters = 0; sim_prov.ncommitters < SIM_COMMITTERS; sim_prov.ncommitters++) {
		r = sim_start_thread(&sim_prov.committer[sim_prov.ncommitters], committer_main, "sim-commit");
		if (r != 0)
			break;
	}
	return sim_prov.ncommitters ? 0 : r;
}

/* Stops the committers once the ready list is empty. sim_prov.lock held (released while
 * joining). */
void sim_stop_committers(void)
{
	int i;

	sim_prov.stop = 1;
	pthread_cond_broadcast(&sim_prov.wake);
	pthread_mutex_unlock(&sim_prov.lock);
	for (i = 0; i < sim_prov.ncommitters; i++)
		pthread_join(sim_prov.committer[i], NULL);
	pthread_mutex_lock(&sim_prov.lock);
	sim_prov.ncommitters = 0;
}
