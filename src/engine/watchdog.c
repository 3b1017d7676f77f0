/* SPDX-License-Identifier: MIT */
/* watchdog.c — the engine's one thread of its own, for what must not wait for a caller:
 *
 *  - a request its provider never completes is answered PHONEERR_OPERATIONFAILED once
 *    [limits] request_timeout_ms has passed (the provider keeps the payload until it completes
 *    or shuts down; a late completion is logged and only freed);
 *    — and since that answer may be false, the phone is closed for every handle and, here, at
 *    its provider;
 *  - a phone its provider removed while it was open gets the TSPI_phoneClose that TAPI owes it,
 *    here rather than inside the provider's PHONE_REMOVE callback (no re-entry);
 *  - a phone its provider announced with PHONE_CREATE is added here (its
 *    TSPI_providerCreatePhoneDevice, then the applications' PHONE_CREATE), for the same reason.
 *
 * It sleeps on watchdog_cond with the engine lock, until the nearest deadline (at most 1 s).
 */
#include <errno.h>
#include <signal.h>
#include <time.h>

#include "internal.h"
#include "log.h"

uint64_t ot_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

void ot_watchdog_kick(struct ot_engine *e)
{
	if (e->watchdog_running)
		pthread_cond_signal(&e->watchdog_cond);
}

/* Runs the closes owed to providers; engine lock held, dropped around each call. The device's
 * call lock comes first (the order of every call), and the debt is looked at again under it:
 * ot_engine_open may have paid it meanwhile. */
static void close_owed(struct ot_engine *e)
{
	DWORD i;

	for (i = 0; i < e->num_devices; i++) {
		struct ot_device *d = e->devices[i];

		if (!d->close_owed)
			continue;
		pthread_mutex_unlock(&e->lock);
		pthread_mutex_lock(&d->call_lock);
		pthread_mutex_lock(&e->lock);
		ot_device_pay_close(e, d);
		pthread_mutex_unlock(&d->call_lock);
	}
}

/* Answers every request past its deadline; returns the nearest deadline still ahead. */
static uint64_t expire_due(struct ot_engine *e, uint64_t now)
{
	uint64_t next = now + 1000;
	struct ot_request *r;
	uint32_t cursor = 0;

	while ((r = ot_handles_next(&e->requests, &cursor, NULL))) {
		if (r->expired || !r->deadline_ms)
			continue;
		if (r->deadline_ms <= now)
			ot_request_expire(e, r);
		else if (r->deadline_ms < next)
			next = r->deadline_ms;
	}
	return next;
}

static void *watch(void *arg)
{
	struct ot_engine *e = arg;

	pthread_mutex_lock(&e->lock);
	while (!e->watchdog_stop) {
		uint64_t next;
		struct timespec until;

		close_owed(e);
		ot_engine_add_created(e);
		next = expire_due(e, ot_now_ms());
		close_owed(e); /* what expiring just closed */
		until.tv_sec = (time_t)(next / 1000);
		until.tv_nsec = (long)(next % 1000) * 1000000L;
		pthread_cond_timedwait(&e->watchdog_cond, &e->lock, &until);
	}
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

int ot_watchdog_start(struct ot_engine *e)
{
	pthread_condattr_t attr;
	sigset_t all, old;
	int rc;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&e->watchdog_cond, &attr);
	pthread_condattr_destroy(&attr);
	/* Signals are the host's business (tapisrv reads them from a signalfd). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&e->watchdog, NULL, watch, e);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		pthread_cond_destroy(&e->watchdog_cond);
		return -rc;
	}
	e->watchdog_running = 1;
	return 0;
}

void ot_watchdog_stop(struct ot_engine *e)
{
	if (!e->watchdog_running)
		return;
	pthread_mutex_lock(&e->lock);
	e->watchdog_stop = 1;
	pthread_cond_signal(&e->watchdog_cond);
	pthread_mutex_unlock(&e->lock);
	pthread_join(e->watchdog, NULL);
	pthread_cond_destroy(&e->watchdog_cond);
	e->watchdog_running = 0;
}
