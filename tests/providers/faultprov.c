/* SPDX-License-Identifier: MIT */
/* faultprov.c — a provider for tests that misbehaves on purpose (docs/reliability.md).
 *
 * Each phone has one data area of `size` bytes (default 64) that phoneGetData reads back. How its
 * TSPI_phoneSetData behaves is chosen per phone by the key `mode`:
 *
 *   ok       stores the bytes and completes inside the call (the normal case);
 *   twice    stores, completes with 0, then completes the same request again with
 *            PHONEERR_OPERATIONFAILED (the engine must answer the app once and log the duplicate);
 *   never    accepts the request and never completes it (the engine's request timeout answers);
 *   bogus    accepts the request and completes request IDs that were never issued (0,
 *            0xFFFFFFFF and the real one with another slot) instead of the real one;
 *   thread   completes from the phone's worker thread after `delay_ms` (default 50), in order;
 *   crash    abort()s inside TSPI_phoneSetData, as a provider with a fatal bug would.
 *
 *   [phone "Flaky"]
 *   provider = faultprov
 *   mode = twice
 *
 * Callbacks into the engine are serialised (one at a time, as tspi.h asks), except that `twice`
 * and `bogus` make their extra calls as a broken provider would. TSPI_phoneClose and
 * TSPI_providerShutdown wait for the worker thread, so no callback comes after them.
 * Raw TSPI on purpose, not the provider kit: the kit would not let it break TSPI's rules.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tspi.h>

#include "varstruct.h"

#define EXPORT __attribute__((visibility("default")))
#define MAX_PHONES 16
#define MAX_SIZE 4096u
#define QUEUE 1024

enum mode { M_OK, M_TWICE, M_NEVER, M_BOGUS, M_THREAD, M_CRASH };
static const char *const mode_names[] = { "ok", "twice", "never", "bogus", "thread", "crash" };

struct phone {
	DWORD id;
	enum mode mode;
	DWORD size;
	unsigned delay_ms;
	unsigned char data[MAX_SIZE];
	int open;

	/* thread mode: a FIFO of request IDs served by one worker */
	pthread_t worker;
	int have_worker, stop;
	DRV_REQUESTID queue[QUEUE];
	unsigned head, tail;
	pthread_cond_t cond;
};

static struct phone phones[MAX_PHONES];
static DWORD num_phones;
static ASYNC_COMPLETION complete_proc;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;    /* phones' queues and data */
static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER; /* one callback at a time */

static void complete(DRV_REQUESTID id, LONG result)
{
	pthread_mutex_lock(&cb_lock);
	complete_proc(id, result);
	pthread_mutex_unlock(&cb_lock);
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return *s && !*end && !errno && *out <= max ? 0 : -1;
}

EXPORT LONG TSPIAPI OTSPI_providerConfigure(DWORD ppid, LPCSTR state_dir,
					    const OTSPIPHONECONFIG *cfg, DWORD n, LPSTR err,
					    DWORD errlen)
{
	DWORD i, k;

	(void)ppid;
	(void)state_dir;
	if (n > MAX_PHONES) {
		snprintf(err, errlen, "at most %d phones", MAX_PHONES);
		return (LONG)PHONEERR_INIFILECORRUPT;
	}
	for (i = 0; i < n; i++) {
		struct phone *p = &phones[i];

		memset(p, 0, sizeof(*p));
		p->id = cfg[i].dwDeviceID;
		p->size = 64;
		p->delay_ms = 50;
		for (k = 0; k < cfg[i].dwNumSettings; k++) {
			const OTSPISETTING *s = &cfg[i].lpSettings[k];
			unsigned long v;
			size_t m;

			if (strcmp(s->lpszKey, "mode") == 0) {
				for (m = 0; m < sizeof(mode_names) / sizeof(mode_names[0]); m++)
					if (strcmp(s->lpszValue, mode_names[m]) == 0)
						break;
				if (m == sizeof(mode_names) / sizeof(mode_names[0]))
					goto bad;
				p->mode = (enum mode)m;
			} else if (strcmp(s->lpszKey, "size") == 0) {
				if (parse_uint(s->lpszValue, MAX_SIZE, &v) < 0 || v == 0)
					goto bad;
				p->size = (DWORD)v;
			} else if (strcmp(s->lpszKey, "delay_ms") == 0) {
				if (parse_uint(s->lpszValue, 60000, &v) < 0)
					goto bad;
				p->delay_ms = (unsigned)v;
			} else {
				snprintf(err, errlen, "line %u: key '%s': unknown key",
					 (unsigned)s->dwLine, s->lpszKey);
				return (LONG)PHONEERR_INIFILECORRUPT;
			}
			continue;
bad:
			snprintf(err, errlen, "line %u: key '%s': bad value '%s'", (unsigned)s->dwLine,
				 s->lpszKey, s->lpszValue);
			return (LONG)PHONEERR_INIFILECORRUPT;
		}
		pthread_cond_init(&p->cond, NULL);
	}
	num_phones = n;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_providerEnumDevices(DWORD ppid, LPDWORD lines, LPDWORD nphones,
					     HPROVIDER hProvider, LINEEVENT line_create,
					     PHONEEVENT phone_create)
{
	(void)ppid;
	(void)hProvider;
	(void)line_create;
	(void)phone_create;
	*lines = 0;
	*nphones = num_phones;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_providerInit(DWORD version, DWORD ppid, DWORD line_base,
				      DWORD phone_base, DWORD_PTR nlines, DWORD_PTR nphones,
				      ASYNC_COMPLETION completion, LPDWORD options)
{
	(void)version;
	(void)ppid;
	(void)line_base;
	(void)phone_base;
	(void)nlines;
	(void)nphones;
	(void)options;
	complete_proc = completion;
	return 0;
}

static void stop_worker(struct phone *p)
{
	if (!p->have_worker)
		return;
	pthread_mutex_lock(&lock);
	p->stop = 1;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&lock);
	pthread_join(p->worker, NULL);
	p->have_worker = 0;
	p->stop = 0;
}

EXPORT LONG TSPIAPI TSPI_providerShutdown(DWORD version, DWORD ppid)
{
	DWORD i;

	(void)version;
	(void)ppid;
	for (i = 0; i < num_phones; i++) {
		stop_worker(&phones[i]);
		pthread_cond_destroy(&phones[i].cond);
	}
	num_phones = 0;
	return 0;
}

static struct phone *find(DWORD id)
{
	DWORD i;

	for (i = 0; i < num_phones; i++)
		if (phones[i].id == id)
			return &phones[i];
	return NULL;
}

EXPORT LONG TSPIAPI TSPI_phoneNegotiateTSPIVersion(DWORD dev, DWORD low, DWORD high, LPDWORD v)
{
	if (!find(dev))
		return (LONG)PHONEERR_BADDEVICEID;
	if (low > 0x00020002 || high < 0x00010003)
		return (LONG)PHONEERR_INCOMPATIBLEAPIVERSION;
	*v = high < 0x00020002 ? high : 0x00020002;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneGetDevCaps(DWORD dev, DWORD version, DWORD ext, LPPHONECAPS caps)
{
	char name[64];
	struct phone *p = find(dev);
	DWORD sizes[1];

	(void)version;
	(void)ext;
	if (!p)
		return (LONG)PHONEERR_BADDEVICEID;
	snprintf(name, sizeof(name), "Fault phone (%s)", mode_names[p->mode]);
	sizes[0] = p->size;
	caps->dwStringFormat = STRINGFORMAT_ASCII;
	caps->dwPermanentPhoneID = 0xFA170000u + dev;
	caps->dwNumSetData = 1;
	caps->dwNumGetData = 1;
	ot_var_append(caps, offsetof(PHONECAPS, dwPhoneNameSize), name, (uint32_t)strlen(name) + 1);
	ot_var_append(caps, offsetof(PHONECAPS, dwSetDataSize), sizes, sizeof(sizes));
	ot_var_append(caps, offsetof(PHONECAPS, dwGetDataSize), sizes, sizeof(sizes));
	return 0;
}

static void *worker_main(void *arg)
{
	struct phone *p = arg;

	pthread_mutex_lock(&lock);
	for (;;) {
		struct timespec ts = { (time_t)(p->delay_ms / 1000), (long)(p->delay_ms % 1000) * 1000000L };
		DRV_REQUESTID id;

		while (!p->stop && p->head == p->tail)
			pthread_cond_wait(&p->cond, &lock);
		if (p->head == p->tail)
			break; /* stopping with nothing left */
		pthread_mutex_unlock(&lock);
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&lock);
		id = p->queue[p->head++ % QUEUE];
		pthread_mutex_unlock(&lock);
		complete(id, 0);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

EXPORT LONG TSPIAPI TSPI_phoneOpen(DWORD dev, HTAPIPHONE ht, LPHDRVPHONE hd, DWORD version,
				   PHONEEVENT event)
{
	struct phone *p = find(dev);

	(void)ht;
	(void)version;
	(void)event;
	if (!p)
		return (LONG)PHONEERR_BADDEVICEID;
	if (p->mode == M_THREAD && !p->have_worker) {
		p->head = p->tail = 0;
		if (pthread_create(&p->worker, NULL, worker_main, p) != 0)
			return (LONG)PHONEERR_RESOURCEUNAVAIL;
		p->have_worker = 1;
	}
	p->open = 1;
	*hd = (HDRVPHONE)p;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hd)
{
	struct phone *p = (struct phone *)hd;

	stop_worker(p); /* completes what it still holds, then no callback comes */
	p->open = 0;
	return 0;
}

EXPORT LONG TSPIAPI TSPI_phoneSetData(DRV_REQUESTID id, HDRVPHONE hd, DWORD data_id, LPVOID data,
				      DWORD size)
{
	struct phone *p = (struct phone *)hd;

	if (data_id != 0)
		return (LONG)PHONEERR_INVALDATAID;
	if (size > p->size)
		return (LONG)PHONEERR_INVALPARAM;
	switch (p->mode) {
	case M_CRASH:
		abort();
	case M_NEVER:
		return (LONG)id;
	case M_BOGUS:
		complete(0, 0);
		complete(0xFFFFFFFFu, 0);
		complete(id ^ 0x00080000u, 0); /* same generation, another slot */
		return (LONG)id;
	case M_THREAD:
		pthread_mutex_lock(&lock);
		if (p->tail - p->head >= QUEUE) {
			pthread_mutex_unlock(&lock);
			return (LONG)PHONEERR_RESOURCEUNAVAIL;
		}
		memcpy(p->data, data, size);
		p->queue[p->tail++ % QUEUE] = id;
		pthread_cond_signal(&p->cond);
		pthread_mutex_unlock(&lock);
		return (LONG)id;
	case M_OK:
	case M_TWICE:
		break;
	}
	pthread_mutex_lock(&lock);
	memcpy(p->data, data, size);
	pthread_mutex_unlock(&lock);
	complete(id, 0);
	if (p->mode == M_TWICE)
		complete(id, (LONG)PHONEERR_OPERATIONFAILED);
	return (LONG)id;
}

EXPORT LONG TSPIAPI TSPI_phoneGetData(HDRVPHONE hd, DWORD data_id, LPVOID data, DWORD size)
{
	struct phone *p = (struct phone *)hd;

	if (data_id != 0)
		return (LONG)PHONEERR_INVALDATAID;
	pthread_mutex_lock(&lock);
	memcpy(data, p->data, size < p->size ? size : p->size);
	pthread_mutex_unlock(&lock);
	return 0;
}
