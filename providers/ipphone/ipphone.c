/* SPDX-License-Identifier: MIT */
/* ipphone.c — the ipphone service provider: phoneSetData pushed to IP desk phones over their
 * HTTP push interfaces (Polycom/Poly POST /push, Cisco POST /CGI/Execute, Yealink XML push).
 *
 * Owns: the TSPI entry points, the phones' configuration (config.c; phones added while the
 * provider runs come through OTSPI_providerConfigure and TSPI_providerCreatePhoneDevice, and the
 * worker serves them like the others) and run-time state, the
 * per-phone request queues, and the one worker thread that runs every push on one libcurl multi
 * handle and makes every call of the engine's completion and event procedures.
 * Must not: copy a payload (the engine keeps lpData valid until the request completes; bodies
 * are streamed from it, see push.c), log a password or a payload byte, follow redirects, or call
 * the engine's callbacks with P.lock held or from any thread but the worker.
 *
 * Scheduling. A phone with queued requests and no push in flight sits on the ready list (FIFO).
 * The worker starts the head request of ready phones while fewer than `parallel` pushes are in
 * flight; when a push ends, its phone goes to the back of the ready list if it has more queued.
 * So the requests of one phone are sent one at a time, in issue order, and complete in that
 * order, while different phones run in parallel up to the limit, taking turns fairly.
 *
 * Connectivity. A push that got an HTTP answer (whatever its status) means the phone answered;
 * one that got none (refused, unreachable, no answer within the timeout, connection dropped)
 * counts a failure. After failures_before_disconnected failures in a row the phone is reported
 * disconnected (PHONE_STATE DISCONNECTED to the open handles, PHONESTATUS without CONNECTED);
 * the next answer reports it connected again. Pushes are still attempted while it is
 * disconnected: they are the only probe.
 *
 * Closing. TSPI_phoneClose asks the worker to close the phone and waits: the worker aborts the
 * push in flight, completes it and every queued request with PHONEERR_OPERATIONFAILED, and only
 * then lets TSPI_phoneClose return, so no callback concerns the phone afterwards. It must not be
 * called from inside a completion or event callback (the worker would wait for itself); TAPI
 * never does that.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include <tapi.h>
#include <tspi.h>

#include "alloc.h"
#include "config.h"
#include "log.h"
#include "ptrtable.h"
#include "push.h"
#include "varstruct.h"

#define IPP_EXPORT __attribute__((visibility("default")))

#define IPP_TSPI_LOW 0x00010003u
#define IPP_TSPI_HIGH 0x00020002u

/* Fixed-part sizes of PHONECAPS and PHONESTATUS for TSPI 1.x (Microsoft's TSPI documentation;
 * docs/decisions.md, "Versions"). */
#define CAPS_SIZE_1X 144u
#define STATUS_SIZE_1X 100u

#define IPP_PROVIDER_INFO "OpenTAPI IP desk phone provider (HTTP push)"
#define IPP_COMPONENT "ipphone"

/* How much of a Cisco phone's answer is kept for reading (the documents are short). */
#define ANSWER_MAX 8192u

#ifndef OT_VERSION
#define OT_VERSION "0"
#endif

struct req {
	struct req *next;
	DRV_REQUESTID id;
	DWORD area;
	struct ipp_body body; /* points into the engine's buffer */
};

struct phone {
	struct ipp_phone_config cfg; /* fixed from configure (or create) to shutdown */
	uint32_t permanent_id;
	GUID guid;
	DWORD index; /* in the phone table: HDRVPHONE = index + 1 */

	/* Under P.lock. */
	int open, closing, closed;
	int replaced; /* a phone of the same name was added later: this one is gone */
	HTAPIPHONE ht;
	PHONEEVENT event_proc;
	struct req *qhead, *qtail; /* waiting, in issue order */
	int on_ready;              /* on P's ready list */
	int busy;                  /* a push is in flight */
	int disconnected;
	struct phone *ready_next;

	/* The worker's own. */
	unsigned failures; /* pushes in a row without an answer */
	struct phone *start_next;
	struct req *inflight;
	CURL *easy;
	char *answer; /* Cisco: the start of the phone's answer */
	size_t answer_len;
	uint64_t started_ms;
	char errbuf[CURL_ERROR_SIZE];
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t closed; /* a phone's close was done by the worker */

	struct ipp_options opt;
	int configured;
	DWORD provider_id;
	/* The phones, by index (HDRVPHONE = index + 1). A phone added while the provider runs is
	 * appended (under P.lock); none leaves before shutdown, so TSPI calls and the worker find
	 * phones without P.lock (see ptrtable.h). */
	struct ot_ptrtable phones;
	/* Phones of an OTSPI_providerConfigure while initialised, waiting for their
	 * TSPI_providerCreatePhoneDevice (dropped at the next configure or at shutdown). */
	struct phone **pending;
	DWORD num_pending;

	int initialised;
	ASYNC_COMPLETION completion;
	CURLM *multi;
	struct curl_slist *headers[IPP_NUM_CTYPES];
	pthread_t worker;
	int stop;
	struct phone *ready_head, *ready_tail;
	unsigned active;         /* pushes in flight */
	unsigned close_requests; /* phones waiting for the worker to close them */
} P = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.closed = PTHREAD_COND_INITIALIZER,
	.opt = { IPP_DEFAULT_PARALLEL, IPP_DEFAULT_TIMEOUT_MS, IPP_DEFAULT_FAILURES },
};

/* ---- small helpers -------------------------------------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t fnv1a(const char *s, uint64_t h, uint64_t prime)
{
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= prime;
	}
	return h;
}

/* Identity from the phone's name: the same name gives the same ID and GUID everywhere. */
static void derive_identity(struct phone *ph)
{
	const uint64_t b64 = 0xcbf29ce484222325ull, p64 = 0x100000001b3ull;
	uint64_t hi = fnv1a(ph->cfg.name, fnv1a("opentapi-ipphone-guid-hi", b64, p64), p64);
	uint64_t lo = fnv1a(ph->cfg.name, fnv1a("opentapi-ipphone-guid-lo", b64, p64), p64);
	int i;

	ph->permanent_id = (uint32_t)fnv1a(ph->cfg.name, fnv1a("ipphone/", 0x811c9dc5u, 0x01000193u),
					   0x01000193u);
	/* RFC 9562 version 8 (custom) layout. */
	ph->guid.Data1 = (uint32_t)(hi >> 32);
	ph->guid.Data2 = (uint16_t)(hi >> 16);
	ph->guid.Data3 = (uint16_t)((hi & 0x0fffu) | 0x8000u);
	ph->guid.Data4[0] = (uint8_t)(((lo >> 56) & 0x3fu) | 0x80u);
	for (i = 1; i < 8; i++)
		ph->guid.Data4[i] = (uint8_t)(lo >> (56 - 8 * i));
}

/* The phone table, read without P.lock. */
static DWORD phone_count(void)
{
	return ot_ptrtable_count(&P.phones);
}

static struct phone *phone_at(DWORD i)
{
	return ot_ptrtable_get(&P.phones, i);
}

static struct phone *phone_by_id(DWORD id)
{
	DWORD i, n = phone_count();

	for (i = 0; i < n; i++)
		if (phone_at(i)->cfg.device_id == id)
			return phone_at(i);
	return NULL;
}

/* A phone that exists: BADDEVICEID for IDs never had, NODEVICE for a replaced one. */
static LONG phone_present(DWORD id, struct phone **out)
{
	struct phone *ph = phone_by_id(id);
	int replaced;

	if (!ph)
		return PHONEERR_BADDEVICEID;
	pthread_mutex_lock(&P.lock);
	replaced = ph->replaced;
	pthread_mutex_unlock(&P.lock);
	if (replaced)
		return PHONEERR_NODEVICE;
	*out = ph;
	return 0;
}

/* HDRVPHONE = index + 1: O(1) and never NULL. */
static struct phone *phone_by_handle(HDRVPHONE hd)
{
	uintptr_t i = (uintptr_t)hd;

	if (i == 0 || i > phone_count())
		return NULL;
	return phone_at((DWORD)(i - 1));
}

/* Appends ph to the table, which has room (ot_ptrtable_reserve). P.lock held. */
static void table_append(struct phone *ph)
{
	/* The index first: a reader may find the phone as soon as it is appended. */
	ph->index = phone_count();
	ot_ptrtable_append(&P.phones, ph);
}

static int negotiate(DWORD lo, DWORD hi, DWORD *out)
{
	if (lo > hi || hi < IPP_TSPI_LOW || lo > IPP_TSPI_HIGH)
		return -1;
	*out = hi < IPP_TSPI_HIGH ? hi : IPP_TSPI_HIGH;
	return 0;
}

/* P.lock held. */
static void make_ready(struct phone *ph)
{
	ph->ready_next = NULL;
	if (P.ready_tail)
		P.ready_tail->ready_next = ph;
	else
		P.ready_head = ph;
	P.ready_tail = ph;
	ph->on_ready = 1;
}

/* P.lock held. */
static struct phone *pop_ready(void)
{
	struct phone *ph = P.ready_head;

	if (ph) {
		P.ready_head = ph->ready_next;
		if (!P.ready_head)
			P.ready_tail = NULL;
		ph->ready_next = NULL;
		ph->on_ready = 0;
	}
	return ph;
}

/* P.lock held; rare (close), so a walk is fine. */
static void unlink_ready(struct phone *ph)
{
	struct phone **pp, *prev = NULL;

	for (pp = &P.ready_head; *pp; prev = *pp, pp = &(*pp)->ready_next) {
		if (*pp == ph) {
			*pp = ph->ready_next;
			if (P.ready_tail == ph)
				P.ready_tail = prev;
			break;
		}
	}
	ph->ready_next = NULL;
	ph->on_ready = 0;
}

/* ---- configuration -------------------------------------------------------------------------- */

static void free_phone(struct phone *ph)
{
	if (!ph)
		return;
	ipp_phone_free(&ph->cfg);
	ot_free(ph);
}

static void free_phones(struct phone **phs, DWORD n)
{
	DWORD i;

	for (i = 0; i < n; i++)
		free_phone(phs[i]);
	ot_free(phs);
}

/* Pending phones that never got their TSPI_providerCreatePhoneDevice. P.lock held. */
static void drop_pending(void)
{
	free_phones(P.pending, P.num_pending);
	P.pending = NULL;
	P.num_pending = 0;
}

static void free_config(void)
{
	DWORD i;

	drop_pending();
	for (i = 0; i < phone_count(); i++)
		free_phone(phone_at(i));
	ot_ptrtable_free(&P.phones);
	P.configured = 0;
}

IPP_EXPORT LONG TSPIAPI OTSPI_providerSetOptions(DWORD dwPermanentProviderID,
						 const OTSPISETTING *lpSettings,
						 DWORD dwNumSettings, LPCSTR lpszConfigPath,
						 LPSTR lpszError, DWORD dwErrorSize)
{
	char scratch[2];
	char *err = lpszError && dwErrorSize ? lpszError : scratch;
	size_t errlen = lpszError && dwErrorSize ? dwErrorSize : sizeof(scratch);
	struct ipp_options o;

	err[0] = '\0';
	pthread_mutex_lock(&P.lock);
	if (P.initialised) {
		pthread_mutex_unlock(&P.lock);
		snprintf(err, errlen, "the ipphone provider is running; shut it down first");
		return PHONEERR_OPERATIONFAILED;
	}
	ipp_options_default(&o);
	if (dwNumSettings && !lpSettings) {
		pthread_mutex_unlock(&P.lock);
		snprintf(err, errlen, "no settings");
		return PHONEERR_OPERATIONFAILED;
	}
	if (ipp_options_parse(&o, lpSettings, dwNumSettings, err, errlen) < 0) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_INIFILECORRUPT;
	}
	P.opt = o;
	pthread_mutex_unlock(&P.lock);
	return 0;
}

/* The rules for one more phone, against the n before it in this configure and the phones the
 * provider has: a device ID no phone ever had, and a name of its own in this configure (the
 * phone's identity derives from it). A phone the provider already has under that name must be
 * closed: the new one takes its place (see TSPI_providerCreatePhoneDevice). P.lock held. */
static LONG check_new(const struct phone *ph, struct phone *const *batch, DWORD n, char *err,
		      size_t errlen)
{
	DWORD j;

	for (j = 0; j < n; j++) {
		if (batch[j]->cfg.device_id == ph->cfg.device_id) {
			snprintf(err, errlen, "phone '%.80s': device ID %u is used twice", ph->cfg.name,
				 (unsigned)ph->cfg.device_id);
			return PHONEERR_INIFILECORRUPT;
		}
		if (!strcmp(batch[j]->cfg.name, ph->cfg.name)) {
			snprintf(err, errlen, "phone '%.80s': two phones have this name", ph->cfg.name);
			return PHONEERR_INIFILECORRUPT;
		}
	}
	for (j = 0; j < phone_count(); j++) {
		const struct phone *o = phone_at(j);

		if (o->cfg.device_id == ph->cfg.device_id) {
			snprintf(err, errlen, "phone '%.80s': device ID %u is taken (phone '%.80s')",
				 ph->cfg.name, (unsigned)ph->cfg.device_id, o->cfg.name);
			return PHONEERR_INIFILECORRUPT;
		}
		if (!o->replaced && o->open && !strcmp(o->cfg.name, ph->cfg.name)) {
			snprintf(err, errlen,
				 "phone '%.80s': a phone of this name is open (device ID %u)",
				 ph->cfg.name, (unsigned)o->cfg.device_id);
			return PHONEERR_INIFILECORRUPT;
		}
	}
	return 0;
}

/* Before TSPI_providerInit: the provider's phones, replacing any earlier configuration. While
 * initialised: phones being added, which wait for their TSPI_providerCreatePhoneDevice; the
 * running phones and the provider options stay as they are, and phones of an earlier such call
 * that were never created are dropped. Either way the same checks apply, the file rule for
 * passwords included. */
IPP_EXPORT LONG TSPIAPI OTSPI_providerConfigure(DWORD dwPermanentProviderID, LPCSTR lpszStateDir,
						const OTSPIPHONECONFIG *lpPhones, DWORD dwNumPhones,
						LPSTR lpszError, DWORD dwErrorSize)
{
	char scratch[2];
	char *err = lpszError && dwErrorSize ? lpszError : scratch;
	size_t errlen = lpszError && dwErrorSize ? dwErrorSize : sizeof(scratch);
	const char *secret_file = NULL;
	struct phone **batch = NULL;
	DWORD i;
	int running;
	LONG r;

	err[0] = '\0';
	pthread_mutex_lock(&P.lock);
	running = P.initialised;
	if (running)
		drop_pending();
	else
		free_config();
	if (dwNumPhones && !lpPhones) {
		pthread_mutex_unlock(&P.lock);
		snprintf(err, errlen, "no phone list");
		return PHONEERR_OPERATIONFAILED;
	}
	if (!running)
		P.provider_id = dwPermanentProviderID;
	if (!(batch = ot_calloc(dwNumPhones ? dwNumPhones : 1, sizeof(*batch))))
		goto nomem;
	for (i = 0; i < dwNumPhones; i++) {
		struct phone *ph = ot_calloc(1, sizeof(*ph));

		if (!ph)
			goto nomem;
		r = ipp_phone_parse(&ph->cfg, &lpPhones[i], &P.opt, err, errlen);
		if (r != 0) {
			ot_free(ph);
			goto fail;
		}
		batch[i] = ph;
		derive_identity(ph);
		r = check_new(ph, batch, i, err, errlen);
		if (r != 0)
			goto fail;
		if (ph->cfg.password && lpPhones[i].lpszConfigPath && !secret_file)
			secret_file = lpPhones[i].lpszConfigPath;
	}
	if (secret_file && ipp_check_file_private(secret_file, err, errlen) < 0) {
		r = PHONEERR_INIFILECORRUPT;
		goto fail;
	}
	/* Room for all of them now, so that adding one later needs no memory. */
	if (ot_ptrtable_reserve(&P.phones, dwNumPhones) < 0)
		goto nomem;
	for (i = 0; i < dwNumPhones; i++) {
		const struct phone *ph = batch[i];

		if (ph->cfg.insecure)
			ot_log(OT_LOG_WARN, IPP_COMPONENT,
			       "phone '%s' (%s): insecure = yes: the phone's TLS certificate is not "
			       "checked, so whoever can intercept the connection can pose as the phone",
			       ph->cfg.name, ph->cfg.where);
		if (ph->cfg.user && !ph->cfg.https &&
		    ipp_vendor_desc(ph->cfg.vendor)->auth == IPP_AUTH_BASIC)
			ot_log(OT_LOG_INFO, IPP_COMPONENT,
			       "phone '%s' (%s): HTTP Basic over plain http sends the push "
			       "credentials readable on the network; prefer scheme = https",
			       ph->cfg.name, ph->cfg.where);
	}
	if (running && dwNumPhones) {
		P.pending = batch;
		P.num_pending = dwNumPhones;
	} else {
		for (i = 0; i < dwNumPhones; i++)
			table_append(batch[i]);
		ot_free(batch);
		P.configured = 1;
	}
	pthread_mutex_unlock(&P.lock);
	return 0;

nomem:
	snprintf(err, errlen, "out of memory");
	r = PHONEERR_NOMEM;
fail:
	if (batch)
		free_phones(batch, dwNumPhones);
	if (!running)
		free_config();
	pthread_mutex_unlock(&P.lock);
	return r;
}

/* After an OTSPI_providerConfigure while initialised: the phone configured with device ID
 * dwTempID starts to exist as dwDeviceID (the engine passes the same ID twice); the worker serves
 * it from its first push on. A phone of the same name that the provider had is replaced: it
 * answers PHONEERR_NODEVICE from now on. */
IPP_EXPORT LONG TSPIAPI TSPI_providerCreatePhoneDevice(DWORD_PTR dwTempID, DWORD dwDeviceID)
{
	struct phone *ph = NULL, *old = NULL;
	DWORD i, k;

	pthread_mutex_lock(&P.lock);
	for (k = 0; k < P.num_pending && !ph; k++)
		if ((DWORD_PTR)P.pending[k]->cfg.device_id == dwTempID)
			ph = P.pending[k];
	for (i = 0; ph && i < phone_count(); i++) {
		struct phone *o = phone_at(i);

		if (o->cfg.device_id == dwDeviceID)
			ph = NULL; /* the engine never gives an ID twice */
		else if (!o->replaced && !strcmp(o->cfg.name, ph->cfg.name))
			old = o;
	}
	if (!ph) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_BADDEVICEID;
	}
	if (old && old->open) {
		pthread_mutex_unlock(&P.lock);
		ot_log(OT_LOG_WARN, IPP_COMPONENT, "phone '%s': not added: the phone of this name "
		       "(device %u) is open", ph->cfg.name, (unsigned)old->cfg.device_id);
		return PHONEERR_OPERATIONFAILED;
	}
	if (ot_ptrtable_reserve(&P.phones, 1) < 0) { /* the configure made room: this does not fail */
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_NOMEM;
	}
	if (old)
		old->replaced = 1;
	ph->cfg.device_id = dwDeviceID;
	table_append(ph);
	P.pending[k - 1] = P.pending[--P.num_pending];
	if (!P.num_pending)
		drop_pending();
	pthread_mutex_unlock(&P.lock);
	return 0;
}

/* The module may be unloaded after a configure that was never followed by init. */
__attribute__((destructor)) static void ipphone_unload(void)
{
	if (!P.initialised)
		free_config();
}

/* ---- provider lifecycle ------------------------------------------------------------------- */

IPP_EXPORT LONG TSPIAPI TSPI_lineNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
						      DWORD dwHighVersion, LPDWORD lpdwTSPIVersion)
{
	if (dwDeviceID != INITIALIZE_NEGOTIATION)
		return LINEERR_BADDEVICEID; /* this provider has no lines */
	if (!lpdwTSPIVersion)
		return LINEERR_OPERATIONFAILED;
	if (negotiate(dwLowVersion, dwHighVersion, lpdwTSPIVersion) < 0)
		return LINEERR_INCOMPATIBLEAPIVERSION;
	return 0;
}

IPP_EXPORT LONG TSPIAPI TSPI_providerEnumDevices(DWORD dwPermanentProviderID,
						 LPDWORD lpdwNumLines, LPDWORD lpdwNumPhones,
						 HPROVIDER hProvider, LINEEVENT lpfnLineCreateProc,
						 PHONEEVENT lpfnPhoneCreateProc)
{
	if (!lpdwNumLines || !lpdwNumPhones)
		return LINEERR_OPERATIONFAILED;
	*lpdwNumLines = 0;
	pthread_mutex_lock(&P.lock);
	*lpdwNumPhones = phone_count();
	pthread_mutex_unlock(&P.lock);
	return 0;
}

static void *worker_main(void *arg);

static void free_transport(void)
{
	size_t i;

	for (i = 0; i < IPP_NUM_CTYPES; i++) {
		curl_slist_free_all(P.headers[i]);
		P.headers[i] = NULL;
	}
	if (P.multi)
		curl_multi_cleanup(P.multi);
	P.multi = NULL;
}

/* Headers per content type: the type, and no "Expect: 100-continue" (phones' small web servers
 * need not know it, and the bodies are small). */
static int make_headers(void)
{
	char line[96];
	size_t i;

	for (i = 0; i < IPP_NUM_CTYPES; i++) {
		struct curl_slist *l;

		snprintf(line, sizeof(line), "Content-Type: %s", ipp_ctype_name((enum ipp_ctype)i));
		l = curl_slist_append(NULL, line);
		if (!l)
			return -1;
		P.headers[i] = l;
		l = curl_slist_append(l, "Expect:");
		if (!l)
			return -1;
	}
	return 0;
}

IPP_EXPORT LONG TSPIAPI TSPI_providerInit(DWORD dwTSPIVersion, DWORD dwPermanentProviderID,
					  DWORD dwLineDeviceIDBase, DWORD dwPhoneDeviceIDBase,
					  DWORD_PTR dwNumLines, DWORD_PTR dwNumPhones,
					  ASYNC_COMPLETION lpfnCompletionProc,
					  LPDWORD lpdwTSPIOptions)
{
	sigset_t all, old;
	int r;

	if (!lpfnCompletionProc)
		return LINEERR_OPERATIONFAILED;
	pthread_mutex_lock(&P.lock);
	if (P.initialised) {
		/* A second init while a pair is outstanding is ignored (TSPI rule). */
		pthread_mutex_unlock(&P.lock);
		return 0;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		pthread_mutex_unlock(&P.lock);
		ot_log(OT_LOG_ERROR, IPP_COMPONENT, "libcurl cannot be initialised");
		return LINEERR_OPERATIONFAILED;
	}
	P.multi = curl_multi_init();
	if (!P.multi || make_headers() < 0) {
		free_transport();
		curl_global_cleanup();
		pthread_mutex_unlock(&P.lock);
		return LINEERR_NOMEM;
	}
	P.completion = lpfnCompletionProc;
	P.stop = 0;
	P.active = 0;
	P.close_requests = 0;
	P.ready_head = P.ready_tail = NULL;
	/* The worker takes no signals: they belong to the application's threads. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&P.worker, NULL, worker_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		free_transport();
		curl_global_cleanup();
		P.completion = NULL;
		pthread_mutex_unlock(&P.lock);
		ot_log(OT_LOG_ERROR, IPP_COMPONENT, "cannot start the push thread: %s", strerror(r));
		return r == EAGAIN ? LINEERR_RESOURCEUNAVAIL : LINEERR_OPERATIONFAILED;
	}
	pthread_setname_np(P.worker, "ipphone-push");
	P.initialised = 1;
	pthread_mutex_unlock(&P.lock);
	if (lpdwTSPIOptions)
		*lpdwTSPIOptions = 0;
	return 0;
}

IPP_EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hdPhone);

IPP_EXPORT LONG TSPIAPI TSPI_providerShutdown(DWORD dwTSPIVersion, DWORD dwPermanentProviderID)
{
	DWORD i;

	pthread_mutex_lock(&P.lock);
	if (!P.initialised) {
		pthread_mutex_unlock(&P.lock);
		return 0;
	}
	pthread_mutex_unlock(&P.lock);

	/* The engine closes every phone first; one left open is closed here all the same so that
	 * its requests complete. */
	for (i = 0; i < phone_count(); i++) {
		int open;

		pthread_mutex_lock(&P.lock);
		open = phone_at(i)->open;
		pthread_mutex_unlock(&P.lock);
		if (open)
			TSPI_phoneClose((HDRVPHONE)(uintptr_t)(i + 1));
	}

	pthread_mutex_lock(&P.lock);
	P.stop = 1;
	pthread_mutex_unlock(&P.lock);
	curl_multi_wakeup(P.multi);
	pthread_join(P.worker, NULL);

	pthread_mutex_lock(&P.lock);
	for (i = 0; i < phone_count(); i++) {
		struct phone *ph = phone_at(i);

		if (ph->easy)
			curl_easy_cleanup(ph->easy);
		ph->easy = NULL;
		ot_free(ph->answer);
		ph->answer = NULL;
	}
	free_transport();
	curl_global_cleanup();
	P.completion = NULL;
	P.initialised = 0;
	P.stop = 0;
	free_config();
	ipp_options_default(&P.opt);
	pthread_mutex_unlock(&P.lock);
	return 0;
}

/* ---- capabilities and status -------------------------------------------------------------- */

IPP_EXPORT LONG TSPIAPI TSPI_phoneNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
						       DWORD dwHighVersion,
						       LPDWORD lpdwTSPIVersion)
{
	struct phone *ph;
	LONG r = phone_present(dwDeviceID, &ph);

	if (r)
		return r;
	if (!lpdwTSPIVersion)
		return PHONEERR_INVALPOINTER;
	if (negotiate(dwLowVersion, dwHighVersion, lpdwTSPIVersion) < 0)
		return PHONEERR_INCOMPATIBLEAPIVERSION;
	return 0;
}

IPP_EXPORT LONG TSPIAPI TSPI_phoneGetDevCaps(DWORD dwDeviceID, DWORD dwTSPIVersion,
					     DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps)
{
	static const char classes[] = "tapi/phone\0"; /* + the terminating NUL: two NULs */
	struct phone *ph = NULL;
	LONG r = phone_present(dwDeviceID, &ph);
	const struct ipp_vendor_desc *d;
	char info[400];
	uint32_t fixed, total;
	int n;

	if (r)
		return r;
	if (dwExtVersion != 0)
		return PHONEERR_INCOMPATIBLEEXTVERSION;
	if (!lpPhoneCaps)
		return PHONEERR_INVALPOINTER;
	fixed = ot_var_get(lpPhoneCaps, offsetof(PHONECAPS, dwUsedSize));
	total = ot_var_get(lpPhoneCaps, offsetof(PHONECAPS, dwTotalSize));
	if (fixed < CAPS_SIZE_1X || fixed > sizeof(PHONECAPS) || total < fixed)
		return PHONEERR_STRUCTURETOOSMALL;
	d = ipp_vendor_desc(ph->cfg.vendor);

	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwPermanentPhoneID), ph->permanent_id);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwStringFormat), STRINGFORMAT_ASCII);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwPhoneStates),
		  PHONESTATE_CONNECTED | PHONESTATE_DISCONNECTED);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwNumSetData), ph->cfg.num_areas);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwNumGetData), 0);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwPhoneFeatures),
		  ph->cfg.num_areas ? PHONEFEATURE_SETDATA : 0);
	if (offsetof(PHONECAPS, PermanentPhoneGuid) + sizeof(GUID) <= fixed)
		memcpy((char *)lpPhoneCaps + offsetof(PHONECAPS, PermanentPhoneGuid), &ph->guid,
		       sizeof(GUID));

	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwProviderInfoSize), IPP_PROVIDER_INFO,
		      sizeof(IPP_PROVIDER_INFO));
	n = snprintf(info, sizeof(info), "%s phone at %s over %s; data areas: %u", d->label,
		     ph->cfg.url, ph->cfg.https ? "https" : "http", (unsigned)ph->cfg.num_areas);
	if (n < 0 || (size_t)n >= sizeof(info))
		n = (int)strlen(info);
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwPhoneInfoSize), info, (uint32_t)n + 1);
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwPhoneNameSize), ph->cfg.name,
		      (uint32_t)strlen(ph->cfg.name) + 1);
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwSetDataSize), ph->cfg.area_sizes,
		      ph->cfg.num_areas * (uint32_t)sizeof(DWORD));
	if (offsetof(PHONECAPS, dwDeviceClassesOffset) + 4 <= fixed)
		ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwDeviceClassesSize), classes,
			      sizeof(classes));
	return 0;
}

IPP_EXPORT LONG TSPIAPI TSPI_phoneGetStatus(HDRVPHONE hdPhone, LPPHONESTATUS lpPhoneStatus)
{
	struct phone *ph = phone_by_handle(hdPhone);
	uint32_t fixed, flags;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (!lpPhoneStatus)
		return PHONEERR_INVALPOINTER;
	fixed = ot_var_get(lpPhoneStatus, offsetof(PHONESTATUS, dwUsedSize));
	if (fixed < STATUS_SIZE_1X || fixed > sizeof(PHONESTATUS) ||
	    ot_var_get(lpPhoneStatus, offsetof(PHONESTATUS, dwTotalSize)) < fixed)
		return PHONEERR_STRUCTURETOOSMALL;

	pthread_mutex_lock(&P.lock);
	if (!ph->open || ph->closing) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_INVALPHONEHANDLE;
	}
	flags = ph->disconnected ? 0 : PHONESTATUSFLAGS_CONNECTED;
	pthread_mutex_unlock(&P.lock);

	ot_var_set(lpPhoneStatus, offsetof(PHONESTATUS, dwStatusFlags), flags);
	/* Pushes are accepted while disconnected too: they are what finds the phone again. */
	ot_var_set_fixed(lpPhoneStatus, fixed, offsetof(PHONESTATUS, dwPhoneFeatures),
		  ph->cfg.num_areas ? PHONEFEATURE_SETDATA : 0);
	return 0;
}

IPP_EXPORT LONG TSPIAPI TSPI_phoneSetStatusMessages(HDRVPHONE hdPhone, DWORD dwPhoneStates,
						    DWORD dwButtonModes, DWORD dwButtonStates)
{
	/* PHONE_STATE goes out for every change; the engine filters per handle. */
	return phone_by_handle(hdPhone) ? 0 : PHONEERR_INVALPHONEHANDLE;
}

/* ---- open / close ------------------------------------------------------------------------- */

IPP_EXPORT LONG TSPIAPI TSPI_phoneOpen(DWORD dwDeviceID, HTAPIPHONE htPhone,
				       LPHDRVPHONE lphdPhone, DWORD dwTSPIVersion,
				       PHONEEVENT lpfnEventProc)
{
	struct phone *ph = phone_by_id(dwDeviceID);

	if (!ph)
		return PHONEERR_BADDEVICEID;
	if (!lphdPhone || !lpfnEventProc)
		return PHONEERR_INVALPOINTER;
	if (dwTSPIVersion < IPP_TSPI_LOW || dwTSPIVersion > IPP_TSPI_HIGH)
		return PHONEERR_INCOMPATIBLEAPIVERSION;
	pthread_mutex_lock(&P.lock);
	if (!P.initialised) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_OPERATIONFAILED;
	}
	if (ph->replaced) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_NODEVICE;
	}
	if (ph->open) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_ALLOCATED;
	}
	ph->ht = htPhone;
	ph->event_proc = lpfnEventProc;
	ph->open = 1;
	ph->closing = ph->closed = 0;
	pthread_mutex_unlock(&P.lock);
	*lphdPhone = (HDRVPHONE)(uintptr_t)(ph->index + 1);
	return 0;
}

IPP_EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hdPhone)
{
	struct phone *ph = phone_by_handle(hdPhone);

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	pthread_mutex_lock(&P.lock);
	if (!ph->open || ph->closing) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_INVALPHONEHANDLE;
	}
	ph->closing = 1;
	ph->closed = 0;
	P.close_requests++;
	pthread_mutex_unlock(&P.lock);
	curl_multi_wakeup(P.multi);

	pthread_mutex_lock(&P.lock);
	while (!ph->closed)
		pthread_cond_wait(&P.closed, &P.lock);
	ph->open = 0;
	ph->closing = 0;
	ph->ht = NULL;
	ph->event_proc = NULL;
	pthread_mutex_unlock(&P.lock);
	return 0;
}

/* ---- data ----------------------------------------------------------------------------------- */

IPP_EXPORT LONG TSPIAPI TSPI_phoneSetData(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					  DWORD dwDataID, LPVOID const lpData, DWORD dwSize)
{
	struct phone *ph = phone_by_handle(hdPhone);
	const struct ipp_vendor_desc *d;
	const char *why;
	struct req *rq;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (dwDataID >= ph->cfg.num_areas)
		return PHONEERR_INVALDATAID;
	if (dwSize > ph->cfg.area_sizes[dwDataID])
		return PHONEERR_INVALPARAM;
	if (dwSize && !lpData)
		return PHONEERR_INVALPOINTER;
	d = ipp_vendor_desc(ph->cfg.vendor);

	rq = ot_malloc(sizeof(*rq));
	if (!rq)
		return PHONEERR_NOMEM;
	rq->next = NULL;
	rq->id = dwRequestID;
	rq->area = dwDataID;
	if (ipp_body_build(&rq->body, ph->cfg.vendor, d->areas[dwDataID].kind, ph->cfg.priority,
			   lpData, dwSize, &why) < 0) {
		ot_free(rq);
		ot_log(OT_LOG_WARN, IPP_COMPONENT, "phone '%s' (%s): data area %u: payload refused: %s",
		       ph->cfg.name, ph->cfg.where, (unsigned)dwDataID, why);
		return PHONEERR_INVALPARAM;
	}

	pthread_mutex_lock(&P.lock);
	if (!ph->open || ph->closing) {
		pthread_mutex_unlock(&P.lock);
		ot_free(rq);
		return PHONEERR_INVALPHONEHANDLE;
	}
	if (ph->qtail)
		ph->qtail->next = rq;
	else
		ph->qhead = rq;
	ph->qtail = rq;
	if (!ph->busy && !ph->on_ready)
		make_ready(ph);
	pthread_mutex_unlock(&P.lock);
	curl_multi_wakeup(P.multi);
	return (LONG)dwRequestID;
}

/* ---- the worker ----------------------------------------------------------------------------- */

static size_t read_body(char *buf, size_t size, size_t nitems, void *ud)
{
	struct phone *ph = ud;

	return ipp_body_read(&ph->inflight->body, buf, size * nitems);
}

/* libcurl rewinds after an authentication challenge (Digest: the first request is answered 401). */
static int seek_body(void *ud, curl_off_t offset, int origin)
{
	struct phone *ph = ud;
	struct ipp_body *b = &ph->inflight->body;
	char skip[512];

	if (origin != SEEK_SET || offset < 0 || (uint64_t)offset > b->length)
		return CURL_SEEKFUNC_CANTSEEK;
	ipp_body_rewind(b);
	while (offset > 0) {
		size_t k = (uint64_t)offset < sizeof(skip) ? (size_t)offset : sizeof(skip);
		size_t got = ipp_body_read(b, skip, k);

		if (got == 0)
			return CURL_SEEKFUNC_FAIL;
		offset -= (curl_off_t)got;
	}
	return CURL_SEEKFUNC_OK;
}

/* Keeps the start of a Cisco phone's answer; the others' answers are not read. */
static size_t take_answer(char *data, size_t size, size_t nmemb, void *ud)
{
	struct phone *ph = ud;
	size_t n = size * nmemb, room;

	if (ph->answer) {
		room = ANSWER_MAX - ph->answer_len;
		if (n < room)
			room = n;
		memcpy(ph->answer + ph->answer_len, data, room);
		ph->answer_len += room;
	}
	return n;
}

#define SETOPT(e, opt, val)                                                                      \
	do {                                                                                     \
		if (curl_easy_setopt((e), (opt), (val)) != CURLE_OK)                             \
			goto fail;                                                               \
	} while (0)

/* One easy handle per phone, kept between pushes: it remembers the Digest nonce, so later pushes
 * authenticate in one round trip, and reuses the connection when the phone keeps it open. */
static int setup_easy(struct phone *ph)
{
	const struct ipp_vendor_desc *d = ipp_vendor_desc(ph->cfg.vendor);
	CURL *e = curl_easy_init();

	if (!e)
		return -1;
	if (ph->cfg.vendor == IPP_CISCO && !ph->answer && !(ph->answer = ot_malloc(ANSWER_MAX)))
		goto fail;
	SETOPT(e, CURLOPT_URL, ph->cfg.url);
	SETOPT(e, CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(e, CURLOPT_FOLLOWLOCATION, 0L);
	/* Straight to the phone: proxy variables in the environment would hand the credentials
	 * (in clear with Basic) to a proxy, which is never what a desk phone on the LAN needs. */
	SETOPT(e, CURLOPT_PROXY, "");
	SETOPT(e, CURLOPT_POST, 1L);
	SETOPT(e, CURLOPT_READFUNCTION, read_body);
	SETOPT(e, CURLOPT_READDATA, ph);
	SETOPT(e, CURLOPT_SEEKFUNCTION, seek_body);
	SETOPT(e, CURLOPT_SEEKDATA, ph);
	SETOPT(e, CURLOPT_WRITEFUNCTION, take_answer);
	SETOPT(e, CURLOPT_WRITEDATA, ph);
	SETOPT(e, CURLOPT_PRIVATE, ph);
	SETOPT(e, CURLOPT_ERRORBUFFER, ph->errbuf);
	SETOPT(e, CURLOPT_NOSIGNAL, 1L);
	SETOPT(e, CURLOPT_TIMEOUT_MS, (long)ph->cfg.timeout_ms);
	SETOPT(e, CURLOPT_CONNECTTIMEOUT_MS, (long)ph->cfg.timeout_ms);
	SETOPT(e, CURLOPT_USERAGENT, "OpenTAPI-ipphone/" OT_VERSION);
	if (ph->cfg.user) {
		SETOPT(e, CURLOPT_HTTPAUTH,
		       d->auth == IPP_AUTH_BASIC ? (long)CURLAUTH_BASIC : (long)CURLAUTH_DIGEST);
		SETOPT(e, CURLOPT_USERNAME, ph->cfg.user);
		SETOPT(e, CURLOPT_PASSWORD, ph->cfg.password);
	}
	if (ph->cfg.https) {
		if (ph->cfg.insecure) {
			SETOPT(e, CURLOPT_SSL_VERIFYPEER, 0L);
			SETOPT(e, CURLOPT_SSL_VERIFYHOST, 0L);
		} else if (ph->cfg.ca_file) {
			SETOPT(e, CURLOPT_CAINFO, ph->cfg.ca_file);
		}
	}
	ph->easy = e;
	return 0;
fail:
	curl_easy_cleanup(e);
	return -1;
}

/* Why a push failed, for the one log line; "" when it did not. Sets *answered. */
static void judge(struct phone *ph, CURLcode rc, char *why, size_t whylen, int *answered)
{
	long code = 0, os_errno = 0;
	const char *detail = ph->errbuf[0] ? ph->errbuf : curl_easy_strerror(rc);

	curl_easy_getinfo(ph->easy, CURLINFO_RESPONSE_CODE, &code);
	*answered = code != 0;
	why[0] = '\0';
	if (rc != CURLE_OK) {
		switch (rc) {
		case CURLE_OPERATION_TIMEDOUT:
			snprintf(why, whylen, "no answer within %u ms", ph->cfg.timeout_ms);
			break;
		case CURLE_COULDNT_CONNECT:
			if (curl_easy_getinfo(ph->easy, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK &&
			    os_errno)
				snprintf(why, whylen, "cannot connect: %s", strerror((int)os_errno));
			else
				snprintf(why, whylen, "cannot connect: %s", detail);
			break;
		case CURLE_COULDNT_RESOLVE_HOST:
			snprintf(why, whylen, "cannot resolve the host name: %s", detail);
			break;
		case CURLE_GOT_NOTHING:
			snprintf(why, whylen, "the phone closed the connection without answering");
			break;
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CACERT_BADFILE:
			snprintf(why, whylen,
				 "TLS: %s (check ca_file; a self-signed phone needs insecure = yes)",
				 detail);
			break;
		default:
			snprintf(why, whylen, "%s", detail);
			break;
		}
		return;
	}
	if (code == 401 || code == 407) {
		snprintf(why, whylen, "HTTP %ld: authentication refused (check user and password "
			 "against the phone's push credentials)", code);
	} else if (code < 200 || code > 299) {
		const char *what = code == 400   ? ": the phone refused the request as malformed"
				   : code == 403 ? ": the phone refuses pushes from here (check its "
						   "push settings)"
				   : code == 404 ? ": no push interface there (is push enabled on "
						   "the phone?)"
				   : code == 413 ? ": the request is too large for the phone"
				   : code >= 500 ? ": the phone failed to handle the push"
						 : "";

		snprintf(why, whylen, "HTTP %ld%s", code, what);
	} else if (ph->cfg.vendor == IPP_CISCO &&
		   ipp_cisco_answer(ph->answer, ph->answer_len, why, whylen) == 0) {
		why[0] = '\0';
	}
}

/* Completes the push in flight of ph (its easy handle already removed from the multi). */
static void finish(struct phone *ph, CURLcode rc)
{
	struct req *rq = ph->inflight;
	char why[CURL_ERROR_SIZE + 200], note[160] = "";
	DWORD state = 0;
	HTAPIPHONE ht;
	PHONEEVENT ev;
	int answered;

	judge(ph, rc, why, sizeof(why), &answered);
	if (answered) {
		ph->failures = 0;
	} else if (ph->failures < UINT32_MAX) {
		ph->failures++;
	}

	pthread_mutex_lock(&P.lock);
	ph->busy = 0;
	ph->inflight = NULL;
	P.active--;
	if (answered && ph->disconnected) {
		ph->disconnected = 0;
		state = PHONESTATE_CONNECTED;
	} else if (!answered && !ph->disconnected &&
		   ph->failures >= P.opt.failures_before_disconnected) {
		ph->disconnected = 1;
		state = PHONESTATE_DISCONNECTED;
	}
	if (ph->qhead && !ph->closing)
		make_ready(ph);
	ht = ph->ht;
	ev = ph->event_proc;
	pthread_mutex_unlock(&P.lock);

	if (state == PHONESTATE_DISCONNECTED)
		snprintf(note, sizeof(note), "; no answer %u times in a row: reported disconnected",
			 ph->failures);
	if (why[0])
		ot_log(OT_LOG_WARN, IPP_COMPONENT, "phone '%s' (%s): data area %u: %s (after %llu ms)%s",
		       ph->cfg.name, ph->cfg.where, (unsigned)rq->area, why,
		       (unsigned long long)(now_ms() - ph->started_ms), note);
	else
		ot_log(OT_LOG_DEBUG, IPP_COMPONENT, "phone '%s' (%s): data area %u: %zu bytes pushed",
		       ph->cfg.name, ph->cfg.where, (unsigned)rq->area, rq->body.length);
	if (state == PHONESTATE_CONNECTED)
		ot_log(OT_LOG_INFO, IPP_COMPONENT, "phone '%s' (%s): answers again: reported connected",
		       ph->cfg.name, ph->cfg.where);

	if (state && ev)
		ev(ht, PHONE_STATE, state, 0, 0);
	P.completion(rq->id, why[0] ? PHONEERR_OPERATIONFAILED : 0);
	ot_free(rq);
}

/* Starts the push of ph->inflight; on failure completes it at once. */
static void start(struct phone *ph)
{
	struct req *rq = ph->inflight;

	ph->started_ms = now_ms();
	ph->errbuf[0] = '\0';
	ph->answer_len = 0;
	ipp_body_rewind(&rq->body);
	if ((!ph->easy && setup_easy(ph) < 0) ||
	    curl_easy_setopt(ph->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body.length) ||
	    curl_easy_setopt(ph->easy, CURLOPT_HTTPHEADER, P.headers[rq->body.ctype]) ||
	    curl_multi_add_handle(P.multi, ph->easy) != CURLM_OK) {
		ot_log(OT_LOG_WARN, IPP_COMPONENT,
		       "phone '%s' (%s): data area %u: the push cannot be prepared (out of memory)",
		       ph->cfg.name, ph->cfg.where, (unsigned)rq->area);
		pthread_mutex_lock(&P.lock);
		ph->busy = 0;
		ph->inflight = NULL;
		P.active--;
		if (ph->qhead && !ph->closing)
			make_ready(ph);
		pthread_mutex_unlock(&P.lock);
		P.completion(rq->id, PHONEERR_NOMEM);
		ot_free(rq);
	}
}

/* Closes the phones whose TSPI_phoneClose waits: everything they have completes first. */
static void do_closes(void)
{
	DWORD i, n = phone_count();

	for (i = 0; i < n; i++) {
		struct phone *ph = phone_at(i);
		struct req *queued, *rq, *next;
		unsigned cancelled = 0;

		pthread_mutex_lock(&P.lock);
		if (!ph->closing || ph->closed) {
			pthread_mutex_unlock(&P.lock);
			continue;
		}
		queued = ph->qhead;
		ph->qhead = ph->qtail = NULL;
		if (ph->on_ready)
			unlink_ready(ph);
		rq = ph->inflight;
		ph->inflight = NULL;
		if (ph->busy) {
			ph->busy = 0;
			P.active--;
		}
		pthread_mutex_unlock(&P.lock);

		if (rq) {
			curl_multi_remove_handle(P.multi, ph->easy);
			P.completion(rq->id, PHONEERR_OPERATIONFAILED);
			ot_free(rq);
			cancelled++;
		}
		for (rq = queued; rq; rq = next) {
			next = rq->next;
			P.completion(rq->id, PHONEERR_OPERATIONFAILED);
			ot_free(rq);
			cancelled++;
		}
		if (cancelled)
			ot_log(OT_LOG_INFO, IPP_COMPONENT,
			       "phone '%s' (%s): closed with %u push%s outstanding: cancelled",
			       ph->cfg.name, ph->cfg.where, cancelled, cancelled == 1 ? "" : "es");
		if (ph->easy)
			curl_easy_cleanup(ph->easy);
		ph->easy = NULL;

		pthread_mutex_lock(&P.lock);
		ph->closed = 1;
		P.close_requests--;
		pthread_cond_broadcast(&P.closed);
		pthread_mutex_unlock(&P.lock);
	}
}

static void *worker_main(void *arg)
{
	for (;;) {
		struct phone *first = NULL, **link = &first, *ph;
		struct CURLMsg *m;
		int running, left, finished = 0, closes;

		pthread_mutex_lock(&P.lock);
		if (P.stop) {
			pthread_mutex_unlock(&P.lock);
			break;
		}
		closes = P.close_requests != 0;
		pthread_mutex_unlock(&P.lock);
		/* Closes first: a phone chosen below is started before anything can close it. */
		if (closes)
			do_closes();

		pthread_mutex_lock(&P.lock);
		while (P.active < P.opt.parallel && (ph = pop_ready())) {
			struct req *rq = ph->qhead;

			if (ph->closing || !rq)
				continue; /* do_closes completes what it has */
			ph->qhead = rq->next;
			if (!ph->qhead)
				ph->qtail = NULL;
			rq->next = NULL;
			ph->inflight = rq;
			ph->busy = 1;
			P.active++;
			ph->start_next = NULL;
			*link = ph;
			link = &ph->start_next;
		}
		pthread_mutex_unlock(&P.lock);

		for (ph = first; ph; ph = ph->start_next)
			start(ph);

		curl_multi_perform(P.multi, &running);
		while ((m = curl_multi_info_read(P.multi, &left))) {
			CURL *easy = m->easy_handle;
			CURLcode rc = m->data.result;
			char *priv = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			/* m is invalid once its handle is removed: keep what finish needs. */
			curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
			curl_multi_remove_handle(P.multi, easy);
			finish((struct phone *)priv, rc);
			finished = 1;
		}
		if (!finished)
			curl_multi_poll(P.multi, NULL, 0, 1000, NULL);
	}
	return arg;
}
