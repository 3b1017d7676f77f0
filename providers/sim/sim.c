/* SPDX-License-Identifier: MIT */
/* sim.c — the sim service provider: simulated phones, each a whole TAPI phone device (display,
 * buttons and lamps, hookswitch devices with volume and gain, ringer, data areas) whose data
 * areas and device state are kept by store.c and whose device model is device.c.
 *
 * The provider's files (sim.h says what they share):
 *   sim.c         the provider as a whole: its state (sim_prov), its lifecycle (TSPI_provider*),
 * the                 phone table and the helpers every file uses (locks, callbacks, lists)
 *   config.c      the configuration of the phones (OTSPI_providerConfigure, adding phones)
 *   phone.c       one phone: capabilities, status, open/close, data (SetData/GetData)
 *   parts.c       the device's parts: display, lamps, buttons, hookswitch, ring, volume, gain
 *   requests.c    the per-phone request queues and the committer threads that drain them
 *   devspecific.c the dev-specific commands' effects, and the timer thread (button
 *                 auto-release, removals)
 *   device.c, store.c, commands.c: the device model, durable storage and command parser
 *                 (pure or TSPI-free; see their headers).
 *
 * Owns (this file): sim_prov, the phone table, TSPI_provider{Init,Shutdown,EnumDevices} and
 * TSPI_lineNegotiateTSPIVersion.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "sim.h"

struct sim_provider sim_prov = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER,
	.cb_lock = PTHREAD_MUTEX_INITIALIZER,
	.phones = OT_PTRTABLE_INIT,
};

/* ---- small helpers ------------------------------------------------------------------------ */

void sim_list_push(struct sim_item_list *l, struct sim_item *it)
{
	it->next = NULL;
	if (l->tail)
		l->tail->next = it;
	else
		l->head = it;
	l->tail = it;
}

void sim_list_splice(struct sim_item_list *dst, struct sim_item_list *src)
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

void sim_complete(DRV_REQUESTID id, LONG result)
{
	pthread_mutex_lock(&sim_prov.cb_lock);
	sim_prov.completion(id, result);
	pthread_mutex_unlock(&sim_prov.cb_lock);
}

/* The PHONE_STATE messages of an applied change. The phone is busy (or in use), so its event
 * proc stays valid. */
void sim_send_events(struct sim_phone *ph, const struct sim_events *ev)
{
	unsigned i;

	if (!ev->n)
		return;
	pthread_mutex_lock(&sim_prov.cb_lock);
	for (i = 0; i < ev->n; i++)
		ph->event_proc(ph->ht, PHONE_STATE, ev->state[i], ev->param[i], 0);
	pthread_mutex_unlock(&sim_prov.cb_lock);
}

int sim_negotiate(DWORD lo, DWORD hi, DWORD *out)
{
	if (lo > hi || hi < SIM_TSPI_LOW || lo > SIM_TSPI_HIGH)
		return -1;
	*out = hi < SIM_TSPI_HIGH ? hi : SIM_TSPI_HIGH;
	return 0;
}

/* Takes sim_prov.lock for a phone that is open (and, with need_link, connected and not suspended).
 * Returns 0 with the lock held, or the error with it released. */
LONG lock_open(struct sim_phone *ph, int need_link)
{
	pthread_mutex_lock(&sim_prov.lock);
	if (!ph->open || ph->closing || ph->removed) {
		pthread_mutex_unlock(&sim_prov.lock);
		return PHONEERR_INVALPHONEHANDLE;
	}
	if (need_link && (ph->suspended || ph->disconnected)) {
		pthread_mutex_unlock(&sim_prov.lock);
		return PHONEERR_INVALPHONESTATE;
	}
	return 0;
}

void sim_end_use(struct sim_phone *ph)
{
	pthread_mutex_lock(&sim_prov.lock);
	if (--ph->users == 0 && ph->closing)
		pthread_cond_broadcast(&sim_prov.idle);
	pthread_mutex_unlock(&sim_prov.lock);
}

/* ---- the phone table ---------------------------------------------------------------------- */

DWORD sim_phone_count(void)
{
	return ot_ptrtable_count(&sim_prov.phones);
}

struct sim_phone *sim_phone_at(DWORD i)
{
	return ot_ptrtable_get(&sim_prov.phones, i);
}

struct sim_phone *sim_phone_by_id(DWORD id)
{
	DWORD i, n = sim_phone_count();

	for (i = 0; i < n; i++)
		if (sim_phone_at(i)->device_id == id)
			return sim_phone_at(i);
	return NULL;
}

/* HDRVPHONE = index + 1: resolves in O(1) and is never NULL. */
struct sim_phone *sim_phone_by_handle(HDRVPHONE hd)
{
	uintptr_t i = (uintptr_t)hd;

	if (i == 0 || i > sim_phone_count())
		return NULL;
	return sim_phone_at((DWORD)(i - 1));
}

int sim_phones_reserve(DWORD extra)
{
	return ot_ptrtable_reserve(&sim_prov.phones, extra);
}

void sim_phones_append(struct sim_phone *ph)
{
	/* The index first: a reader may find the phone as soon as it is appended. */
	ph->index = sim_phone_count();
	ot_ptrtable_append(&sim_prov.phones, ph);
}

/* ---- provider lifecycle ------------------------------------------------------------------- */

SIM_EXPORT LONG TSPIAPI TSPI_lineNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
						      DWORD dwHighVersion, LPDWORD lpdwTSPIVersion)
{
	if (dwDeviceID != INITIALIZE_NEGOTIATION)
		return LINEERR_BADDEVICEID; /* this provider has no lines */
	if (!lpdwTSPIVersion)
		return LINEERR_OPERATIONFAILED;
	if (sim_negotiate(dwLowVersion, dwHighVersion, lpdwTSPIVersion) < 0)
		return LINEERR_INCOMPATIBLEAPIVERSION;
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_providerEnumDevices(DWORD dwPermanentProviderID,
						 LPDWORD lpdwNumLines, LPDWORD lpdwNumPhones,
						 HPROVIDER hProvider, LINEEVENT lpfnLineCreateProc,
						 PHONEEVENT lpfnPhoneCreateProc)
{
	if (!lpdwNumLines || !lpdwNumPhones)
		return LINEERR_OPERATIONFAILED;
	pthread_mutex_lock(&sim_prov.lock);
	sim_prov.create_proc = lpfnPhoneCreateProc;
	*lpdwNumLines = 0;
	*lpdwNumPhones = sim_phone_count();
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}

/* Starts a provider thread that takes no signals: they belong to the application's threads.
 * (It also means that a write beyond RLIMIT_FSIZE fails with EFBIG instead of killing the
 * process.) Returns 0 or the pthread error. */
int sim_start_thread(pthread_t *t, void *(*fn)(void *), const char *name)
{
	sigset_t all, old;
	int r;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(t, NULL, fn, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r == 0)
		pthread_setname_np(*t, name);
	else
		ot_log(OT_LOG_ERROR, "sim", "cannot start the %s thread: %s", name, strerror(r));
	return r;
}

SIM_EXPORT LONG TSPIAPI TSPI_providerInit(DWORD dwTSPIVersion, DWORD dwPermanentProviderID,
					  DWORD dwLineDeviceIDBase, DWORD dwPhoneDeviceIDBase,
					  DWORD_PTR dwNumLines, DWORD_PTR dwNumPhones,
					  ASYNC_COMPLETION lpfnCompletionProc,
					  LPDWORD lpdwTSPIOptions)
{
	pthread_condattr_t attr;
	int r;

	if (!lpfnCompletionProc)
		return LINEERR_OPERATIONFAILED;
	pthread_mutex_lock(&sim_prov.lock);
	if (sim_prov.initialised) {
		/* A second init while a pair is outstanding is ignored (TSPI rule). */
		pthread_mutex_unlock(&sim_prov.lock);
		return 0;
	}
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	r = pthread_cond_init(&sim_prov.tick, &attr);
	pthread_condattr_destroy(&attr);
	if (r != 0) {
		pthread_mutex_unlock(&sim_prov.lock);
		return LINEERR_RESOURCEUNAVAIL;
	}
	sim_prov.completion = lpfnCompletionProc;
	sim_prov.stop = 0;
	sim_prov.ready_head = sim_prov.ready_tail = NULL;
	r = sim_start_committers();
	if (r == 0) {
		r = sim_start_thread(&sim_prov.timer, sim_timer_main, "sim-timer");
		if (r != 0)
			sim_stop_committers();
		sim_prov.stop = 0;
	}
	if (r != 0) {
		pthread_cond_destroy(&sim_prov.tick);
		sim_prov.completion = NULL;
		pthread_mutex_unlock(&sim_prov.lock);
		return r == EAGAIN ? LINEERR_RESOURCEUNAVAIL : LINEERR_OPERATIONFAILED;
	}
	sim_prov.initialised = 1;
	pthread_mutex_unlock(&sim_prov.lock);
	if (lpdwTSPIOptions)
		*lpdwTSPIOptions = 0;
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_providerShutdown(DWORD dwTSPIVersion, DWORD dwPermanentProviderID)
{
	DWORD i;

	pthread_mutex_lock(&sim_prov.lock);
	if (!sim_prov.initialised) {
		pthread_mutex_unlock(&sim_prov.lock);
		return 0;
	}
	pthread_mutex_unlock(&sim_prov.lock);

	/* The engine closes every phone first; a phone left open is closed here all the same so
	 * that its requests complete and its state reaches the disk. */
	for (i = 0; i < sim_phone_count(); i++) {
		int open;

		pthread_mutex_lock(&sim_prov.lock);
		open = sim_phone_at(i)->open;
		pthread_mutex_unlock(&sim_prov.lock);
		if (open)
			TSPI_phoneClose((HDRVPHONE)(uintptr_t)(i + 1));
	}

	pthread_mutex_lock(&sim_prov.lock);
	sim_stop_committers(); /* sets sim_prov.stop */
	pthread_cond_signal(&sim_prov.tick);
	pthread_mutex_unlock(&sim_prov.lock);
	pthread_join(sim_prov.timer, NULL);

	pthread_mutex_lock(&sim_prov.lock);
	pthread_cond_destroy(&sim_prov.tick);
	sim_prov.completion = NULL;
	sim_prov.initialised = 0;
	sim_prov.stop = 0;
	sim_free_config();
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}
