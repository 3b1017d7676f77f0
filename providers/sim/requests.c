/* SPDX-License-Identifier: MIT */
/* requests.c — run(): what the sim does with a phone's requests once the kit hands them over.
 *
 * Owns: committing a batch (group commit: one wal append and one fdatasync for all its writes,
 * one state file for all its changes) before anything of it is applied, then applying and
 * completing each request in issue order, its PHONE_STATE messages just before its reply. A
 * phone that is not durable gets the same path with nothing to commit (inline, a request at a
 * time). The kit runs durable phones' batches on SIM_COMMITTERS workers, one phone each, so
 * that a slow phone (or its checkpoint) holds up no other.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "alloc.h"
#include "sim.h"

/* Writes handed to the store in one append. */
#define SIM_APPEND_CHUNK 256

static int is_write(const struct otsp_request *rq)
{
	return rq->kind == OTSP_SET_DATA;
}

/* phoneSetDisplay, SetLamp, SetButtonInfo, SetHookSwitch, SetRing, SetVolume, SetGain: a change
 * of the device state, in rq->priv (parts.c). */
static int is_change(const struct otsp_request *rq)
{
	return rq->kind != OTSP_SET_DATA && rq->kind != OTSP_DEV_SPECIFIC;
}

/* The write's bytes: a durable phone's own copy (phone.c), else the engine's. */
static struct sim_store_write write_of(const struct otsp_request *rq)
{
	return (struct sim_store_write){ rq->u.data.id, rq->u.data.size,
					 rq->priv ? rq->priv : rq->u.data.data };
}

/* Appends the batch's writes to the phone's wal. Returns 1 when any record went to a durable
 * wal (which then needs its sync). */
static int append_writes(struct sim_store *st, struct otsp_request *batch)
{
	struct sim_store_write chunk[SIM_APPEND_CHUNK];
	struct otsp_request *chunk_rqs[SIM_APPEND_CHUNK];
	struct otsp_request *rq;
	size_t k = 0, m, i;
	int failed = 0, appended = 0, err;

	for (rq = batch;; rq = rq->next) {
		if (rq && is_write(rq)) {
			if (failed) {
				rq->result = PHONEERR_OPERATIONFAILED;
				continue;
			}
			chunk[k] = write_of(rq);
			chunk_rqs[k++] = rq;
		}
		if (k && (!rq || k == SIM_APPEND_CHUNK)) {
			m = sim_store_append(st, chunk, k, &err);
			appended |= m > 0;
			for (i = 0; i < k; i++)
				chunk_rqs[i]->result = i < m ? 0 : (LONG)PHONEERR_OPERATIONFAILED;
			/* After a failure the rest of the batch fails too: the store's trouble
			 * (full disk, I/O error) is unlikely to be over a microsecond later. */
			failed = m < k;
			k = 0;
		}
		if (!rq)
			break;
	}
	return appended && sim_store_is_durable(st);
}

/* Writes the state file that the batch's changes lead to, before any of them is applied or
 * replied: on failure they all fail and the phone keeps its state. shadow and state_buf are
 * run()'s (one batch of a phone at a time); the live state is read under the lock. */
static void save_changes(struct sim_phone *ph, struct otsp_request *batch)
{
	struct otsp_request *rq;
	unsigned gen;
	size_t len;
	int any = 0, r;

	for (rq = batch; rq; rq = rq->next)
		any |= is_change(rq);
	/* No shadow: the device has nothing a state file keeps. */
	if (!any || !sim_store_is_durable(ph->store) || !ph->shadow)
		return;
	pthread_mutex_lock(&sim_prov.lock);
	r = sim_state_copy(&ph->dev, ph->shadow, ph->st);
	gen = ph->cmd_gen;
	pthread_mutex_unlock(&sim_prov.lock);
	for (rq = batch; rq && r == 0; rq = rq->next) {
		if (!is_change(rq))
			continue;
		r = sim_state_prepare(&ph->dev, ph->shadow, rq->priv);
		if (r == 0)
			sim_change_apply(&ph->dev, ph->shadow, rq->priv, NULL);
	}
	if (r == 0) {
		len = sim_state_encode(&ph->dev, ph->shadow, ph->state_buf);
		r = sim_store_save_state(ph->store, ph->state_buf, len);
	}
	if (r < 0) {
		for (rq = batch; rq; rq = rq->next)
			if (is_change(rq))
				rq->result = r == -ENOMEM ? (LONG)PHONEERR_NOMEM
							  : (LONG)PHONEERR_OPERATIONFAILED;
		return;
	}
	pthread_mutex_lock(&sim_prov.lock);
	ph->saved_gen = gen;
	pthread_mutex_unlock(&sim_prov.lock);
}

/* Commits, applies and completes a batch, in issue order: only what reached the disk is applied
 * and succeeds. */
void sim_run(struct otsp_phone *kp, struct otsp_request *batch)
{
	struct sim_phone *ph = sim_of(kp);
	struct otsp_request *rq, *next;
	struct sim_events ev;
	int appended = append_writes(ph->store, batch);

	if (appended && sim_store_sync(ph->store) < 0)
		for (rq = batch; rq; rq = rq->next)
			if (is_write(rq) && rq->result == 0)
				rq->result = PHONEERR_OPERATIONFAILED;
	save_changes(ph, batch);
	for (rq = batch; rq; rq = next) {
		void *priv = rq->priv;

		next = rq->next;
		ev.n = 0;
		if (is_write(rq) && rq->result == 0) {
			struct sim_store_write w = write_of(rq);

			sim_store_apply(ph->store, &w);
		} else if (is_change(rq) && rq->result == 0) {
			pthread_mutex_lock(&sim_prov.lock);
			sim_change_apply(&ph->dev, ph->st, priv, &ev);
			pthread_mutex_unlock(&sim_prov.lock);
			sim_send_events(ph, &ev);
		}
		otsp_complete(rq, rq->result);
		ot_free(priv);
	}
	/* Keep the wal short; the replies are out, so this delays only this phone's next batch. */
	if (appended)
		sim_store_maybe_checkpoint(ph->store);
}
