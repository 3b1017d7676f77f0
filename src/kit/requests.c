/* SPDX-License-Identifier: MIT */
/* requests.c — the asynchronous functions of a kit provider.
 *
 * Owns: the TSPI setters (a request is made, the provider's operation accepts or refuses it
 * inside the call), the per-phone queues, the ready list of phones with queued requests, the
 * worker threads that hand a phone's queued requests to run() as one batch, and otsp_complete.
 *
 * Order. A phone is busy while run() has a batch of it (running) or a request of its last batch
 * is not complete (inflight); its next batch starts only when neither is true, so one phone's
 * requests complete in issue order, held ones included, and run() never has two batches of one
 * phone at once. An idle phone that runs inline (otsp_phone_set_inline) runs a request inside
 * the TSPI call that made it; otherwise, and for whatever queued meanwhile, the phone goes on the
 * ready list for a worker. Phones are served in the order they became ready.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "kit.h"
#include "log.h"

const char otsp_kit_requests_c = 0;

/* ---- lists and the ready list -------------------------------------------------------------- */

static void list_push(struct kit_list *l, struct otsp_request *rq)
{
	rq->next = NULL;
	if (l->tail)
		l->tail->next = rq;
	else
		l->head = rq;
	l->tail = rq;
}

static void list_splice(struct kit_list *dst, struct kit_list *src)
{
	if (!src->head)
		return;
	if (dst->tail)
		dst->tail->next = src->head;
	else
		dst->head = src->head;
	dst->tail = src->tail;
	src->head = src->tail = NULL;
}

/* Takes up to max_batch requests off the queue. K.lock held. */
static struct otsp_request *take_batch(struct otsp_phone *ph)
{
	struct otsp_request *batch = ph->q.head, *last = batch;
	unsigned n = 1;

	while (last->next && (!P.max_batch || n < P.max_batch)) {
		last = last->next;
		n++;
	}
	ph->q.head = last->next;
	if (!ph->q.head)
		ph->q.tail = NULL;
	last->next = NULL;
	ph->inflight = n;
	ph->running = 1;
	return batch;
}

/* A phone with queued requests that nobody serves goes on the ready list. K.lock held. Returns 1
 * when a worker is to be woken (after the unlock, so that it does not wake to wait for it). */
static int schedule(struct otsp_phone *ph)
{
	if (ph->inflight || ph->running || ph->ready || !ph->q.head)
		return 0;
	ph->ready = 1;
	ph->ready_next = NULL;
	if (K.ready_tail)
		K.ready_tail->ready_next = ph;
	else
		K.ready_head = ph;
	K.ready_tail = ph;
	return 1;
}

/* run() returned. K.lock held. Returns 1 when a worker is to be woken. */
static int end_run(struct otsp_phone *ph)
{
	ph->running = 0;
	pthread_cond_broadcast(&K.idle);
	return schedule(ph) || (ph->remove_pending && !ph->inflight);
}

void otsp_phone_set_inline(struct otsp_phone *ph, int on)
{
	pthread_mutex_lock(&K.lock);
	ph->inline_ok = on;
	pthread_mutex_unlock(&K.lock);
}

void otsp_phone_hold(struct otsp_phone *ph, int on)
{
	pthread_mutex_lock(&K.lock);
	if (on && !ph->closing && !ph->removed)
		ph->holding = 1;
	else
		kit_release_held(ph);
	pthread_mutex_unlock(&K.lock);
}

void kit_release_held(struct otsp_phone *ph)
{
	ph->holding = 0;
	list_splice(&ph->q, &ph->held);
	if (schedule(ph))
		pthread_cond_signal(&K.wake);
}

void kit_drain(struct otsp_phone *ph)
{
	kit_release_held(ph);
	while (ph->q.head || ph->inflight || ph->running || ph->users)
		pthread_cond_wait(&K.idle, &K.lock);
}

/* ---- completion ---------------------------------------------------------------------------- */

void otsp_complete(struct otsp_request *rq, LONG result)
{
	struct otsp_phone *ph = rq->phone;
	int wake = 0;

	pthread_mutex_lock(&K.cb_lock);
	K.completion(rq->id, result);
	pthread_mutex_unlock(&K.cb_lock);
	ot_free(rq);
	pthread_mutex_lock(&K.lock);
	if (--ph->inflight == 0) {
		wake = schedule(ph) || ph->remove_pending;
		pthread_cond_broadcast(&K.idle);
	}
	pthread_mutex_unlock(&K.lock);
	if (wake)
		pthread_cond_signal(&K.wake);
}

/* ---- the workers --------------------------------------------------------------------------- */

/* A removed phone whose requests have all completed and that no call uses, if any. K.lock
 * held. */
static struct otsp_phone *removal_due(void)
{
	DWORD i, n = otsp_phone_count();

	for (i = 0; K.removals && i < n; i++) {
		struct otsp_phone *ph = otsp_phone_at(i);

		if (ph->remove_pending && !ph->q.head && !ph->held.head && !ph->inflight &&
		    !ph->running && !ph->users)
			return ph;
	}
	return NULL;
}

/* Tells the engine that a phone is gone. K.lock held, released meanwhile. */
static void announce_removal(struct otsp_phone *ph)
{
	PHONEEVENT proc = K.create_proc;

	ph->remove_pending = 0;
	K.removals--;
	pthread_mutex_unlock(&K.lock);
	pthread_mutex_lock(&K.cb_lock);
	if (proc)
		proc(NULL, PHONE_REMOVE, ph->device_id, 0, 0);
	else
		otsp_log(OTSP_WARN, "phone %u removed, but there is nobody to tell (no PHONEEVENT "
			 "from TSPI_providerEnumDevices)", (unsigned)ph->device_id);
	pthread_mutex_unlock(&K.cb_lock);
	pthread_mutex_lock(&K.lock);
}

/* A worker: announces removals that are due, takes the phone at the head of the ready list,
 * hands its queued requests to run(), and comes back for more, until the provider stops and
 * nothing is ready. */
static void *worker_main(void *arg)
{
	pthread_mutex_lock(&K.lock);
	for (;;) {
		struct otsp_phone *ph = removal_due();
		struct otsp_request *batch;

		if (ph) {
			announce_removal(ph);
			continue;
		}
		ph = K.ready_head;
		if (!ph) {
			if (K.stop)
				break;
			pthread_cond_wait(&K.wake, &K.lock);
			continue;
		}
		K.ready_head = ph->ready_next;
		if (!K.ready_head)
			K.ready_tail = NULL;
		ph->ready = 0;
		batch = take_batch(ph);
		/* More phones ready than this worker takes: another worker for them. */
		if (K.ready_head)
			pthread_cond_signal(&K.wake);
		pthread_mutex_unlock(&K.lock);
		P.run(ph, batch);
		pthread_mutex_lock(&K.lock);
		if (end_run(ph))
			pthread_cond_signal(&K.wake);
	}
	pthread_mutex_unlock(&K.lock);
	return arg;
}

int otsp_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg, const char *name)
{
	sigset_t all, old;
	int r;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r == 0)
		pthread_setname_np(*thread, name);
	else
		otsp_log(OTSP_ERROR, "cannot start the %s thread: %s", name, strerror(r));
	return r;
}

/* Starts up to n workers (otsp_thread_start). Allocates nothing of the provider's. Returns 0
 * when at least one runs, else the pthread error. K.lock held. */
int kit_start_workers(unsigned n)
{
	char name[16];
	int r = 0;

	if (n > KIT_MAX_WORKERS)
		n = KIT_MAX_WORKERS;
	snprintf(name, sizeof(name), "%.10s-work", P.name);
	for (K.nworkers = 0; K.nworkers < n; K.nworkers++)
		if ((r = otsp_thread_start(&K.workers[K.nworkers], worker_main, NULL, name)) != 0)
			break;
	return K.nworkers ? 0 : r;
}

/* Stops the workers once nothing is ready. K.lock held (released while joining). */
void kit_stop_workers(void)
{
	unsigned i;

	K.stop = 1;
	pthread_cond_broadcast(&K.wake);
	pthread_mutex_unlock(&K.lock);
	for (i = 0; i < K.nworkers; i++)
		pthread_join(K.workers[i], NULL);
	pthread_mutex_lock(&K.lock);
	K.nworkers = 0;
}

/* ---- the asynchronous functions ------------------------------------------------------------ */

/* The common path: the request (args in *tmpl) is made, the provider's operation accepts or
 * refuses it, and an accepted one joins the phone's queue, running here and now when the phone
 * is idle and inline. Returns the request ID or an error. */
static LONG submit(DRV_REQUESTID id, struct otsp_phone *ph,
		   LONG (*op)(struct otsp_phone *, struct otsp_request *),
		   const struct otsp_request *tmpl)
{
	struct otsp_request *rq, *batch = NULL;
	int wake = 0, was_holding;
	LONG r;

	if (!op)
		return PHONEERR_OPERATIONUNAVAIL;
	pthread_mutex_lock(&K.lock);
	r = kit_use_locked(ph);
	was_holding = ph->holding;
	pthread_mutex_unlock(&K.lock);
	if (r)
		return r;
	rq = ot_malloc(sizeof(*rq));
	if (!rq) {
		kit_end_use(ph);
		return PHONEERR_NOMEM;
	}
	*rq = *tmpl;
	rq->next = NULL;
	rq->phone = ph;
	rq->priv = NULL;
	rq->result = 0;
	rq->id = id;
	r = op(ph, rq);
	if (r != 0) {
		ot_free(rq);
		kit_end_use(ph);
		return r;
	}
	pthread_mutex_lock(&K.lock);
	/* A request that starts a hold is not held itself. */
	if (was_holding && ph->holding) {
		list_push(&ph->held, rq);
	} else {
		list_push(&ph->q, rq);
		if (ph->inline_ok && !ph->inflight && !ph->running && !ph->ready)
			batch = take_batch(ph);
		else
			wake = schedule(ph);
	}
	wake |= kit_unuse_locked(ph);
	pthread_mutex_unlock(&K.lock);
	if (wake)
		pthread_cond_signal(&K.wake);
	if (batch) {
		P.run(ph, batch);
		pthread_mutex_lock(&K.lock);
		wake = end_run(ph);
		pthread_mutex_unlock(&K.lock);
		if (wake)
			pthread_cond_broadcast(&K.wake);
	}
	return (LONG)id;
}

/* The setter's phone (already looked up) and the request's arguments. */
#define SUBMIT(ph, id, op, ...)                                                                  \
	return submit((id), (ph), P.op, &(const struct otsp_request){ __VA_ARGS__ })

/* The same for a setter with nothing to check before: the handle resolved here. */
#define SUBMIT_BY_HANDLE(hd, id, op, ...)                                                        \
	do {                                                                                     \
		struct otsp_phone *ph_ = kit_phone_by_handle(hd);                                \
		if (!ph_)                                                                        \
			return PHONEERR_INVALPHONEHANDLE;                                        \
		SUBMIT(ph_, id, op, __VA_ARGS__);                                                \
	} while (0)

KIT_EXPORT LONG TSPIAPI TSPI_phoneSetData(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					  DWORD dwDataID, LPVOID const lpData, DWORD dwSize)
{
	struct otsp_phone *ph = kit_phone_by_handle(hdPhone);
	DWORD n, max = 0;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	pthread_mutex_lock(&K.lock);
	n = ph->caps.num_set_data;
	if (dwDataID < n)
		max = ph->caps.set_data_sizes[dwDataID];
	pthread_mutex_unlock(&K.lock);
	if (dwDataID >= n)
		return PHONEERR_INVALDATAID;
	if (dwSize > max)
		return PHONEERR_INVALPARAM;
	if (dwSize && !lpData)
		return PHONEERR_INVALPOINTER;
	SUBMIT(ph, dwRequestID, set_data, .kind = OTSP_SET_DATA,
	       .u.data = { dwDataID, lpData, dwSize });
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneSetDisplay(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					     DWORD dwRow, DWORD dwColumn, LPCWSTR lpsDisplay,
					     DWORD dwSize)
{
	struct otsp_phone *ph = kit_phone_by_handle(hdPhone);
	DWORD rows, cols;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	pthread_mutex_lock(&K.lock);
	rows = ph->caps.display_rows;
	cols = ph->caps.display_columns;
	pthread_mutex_unlock(&K.lock);
	if (!rows || !P.set_display)
		return PHONEERR_OPERATIONUNAVAIL;
	if (dwRow >= rows || dwColumn >= cols || (dwSize & 1))
		return PHONEERR_INVALPARAM;
	if (dwSize && !lpsDisplay)
		return PHONEERR_INVALPOINTER;
	SUBMIT(ph, dwRequestID, set_display, .kind = OTSP_SET_DISPLAY,
	       .u.display = { dwRow, dwColumn, lpsDisplay, dwSize });
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneSetLamp(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					  DWORD dwButtonLampID, DWORD dwLampMode)
{
	SUBMIT_BY_HANDLE(hdPhone, dwRequestID, set_lamp, .kind = OTSP_SET_LAMP,
	       .u.lamp = { dwButtonLampID, dwLampMode });
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneSetButtonInfo(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						DWORD dwButtonLampID,
						LPPHONEBUTTONINFO const lpButtonInfo)
{
	SUBMIT_BY_HANDLE(hdPhone, dwRequestID, set_button_info, .kind = OTSP_SET_BUTTON_INFO,
	       .u.button = { dwButtonLampID, lpButtonInfo });
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneSetHookSwitch(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						DWORD dwHookSwitchDevs, DWORD dwHookSwitchMode)
{
	SUBMIT_BY_HANDLE(hdPhone, dwRequestID, set_hook_switch, .kind = OTSP_SET_HOOK_SWITCH,
	       .u.hook = { dwHookSwitchDevs, dwHookSwitchMode });
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneSetRing(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					  DWORD dwRingMode, DWORD dwVolume)
{
	SUBMIT_BY_HANDLE(hdPhone, dwRequestID, set_ring, .kind = OTSP_SET_RING,
	       .u.ring = { dwRingMode, dwVolume });
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneSetVolume(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					    DWORD dwHookSwitchDev, DWORD dwVolume)
{
	SUBMIT_BY_HANDLE(hdPhone, dwRequestID, set_volume, .kind = OTSP_SET_VOLUME,
	       .u.level = { dwHookSwitchDev, dwVolume });
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneSetGain(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					  DWORD dwHookSwitchDev, DWORD dwGain)
{
	SUBMIT_BY_HANDLE(hdPhone, dwRequestID, set_gain, .kind = OTSP_SET_GAIN,
	       .u.level = { dwHookSwitchDev, dwGain });
}

KIT_EXPORT LONG TSPIAPI OTSPI_phoneDevSpecificAs(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						 LPVOID lpParams, DWORD dwSize, DWORD dwPrivilege)
{
	SUBMIT_BY_HANDLE(hdPhone, dwRequestID, dev_specific, .kind = OTSP_DEV_SPECIFIC,
	       .u.dev_specific = { lpParams, dwSize, dwPrivilege });
}

KIT_EXPORT LONG TSPIAPI TSPI_phoneDevSpecific(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					      LPVOID lpParams, DWORD dwSize)
{
	/* Called without a privilege only by a host that does not know OTSPI_phoneDevSpecificAs:
	 * the caller is taken for the owner, as TSPI itself does not distinguish. */
	return OTSPI_phoneDevSpecificAs(dwRequestID, hdPhone, lpParams, dwSize,
					PHONEPRIVILEGE_OWNER);
}
