/* SPDX-License-Identifier: MIT */
/* provider.c — the provider kit's provider as a whole.
 *
 * Owns: K, TSPI_lineNegotiateTSPIVersion, TSPI_provider{EnumDevices,Init,Shutdown,
 * CreatePhoneDevice}, OTSPI_providerConfigure, OTSPI_providerSetOptions,
 * OTSPI_providerImplements, the phone table (HDRVPHONE = index + 1), identities, removal, and
 * freeing the configuration (also when the module is unloaded unused).
 * Must not: touch a phone that is open (a phone of the same name is replaced only when closed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "kit.h"
#include "log.h"
#include "varstruct.h"

const char otsp_kit_provider_c = 0;

struct kit K = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cb_lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER,
	.phones = OT_PTRTABLE_INIT,
};

/* ---- helpers ------------------------------------------------------------------------------- */

void otsp_log(int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!ot_log_enabled((enum ot_log_level)level))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ot_log((enum ot_log_level)level, P.name, "%s", line);
}

void otsp_var_append(void *st, size_t size_field, const void *data, DWORD len)
{
	ot_var_append(st, size_field, data, len);
}

DWORD otsp_provider_id(void)
{
	return K.provider_id;
}

const char *otsp_state_dir(void)
{
	return K.state_dir;
}

/* ---- the phone table ------------------------------------------------------------------------ */

DWORD otsp_phone_count(void)
{
	return ot_ptrtable_count(&K.phones);
}

struct otsp_phone *otsp_phone_at(DWORD i)
{
	return ot_ptrtable_get(&K.phones, i);
}

struct otsp_phone *kit_phone_by_id(DWORD id)
{
	DWORD i, n = otsp_phone_count();

	for (i = 0; i < n; i++)
		if (otsp_phone_at(i)->device_id == id)
			return otsp_phone_at(i);
	return NULL;
}

/* HDRVPHONE = index + 1: resolves in O(1) and is never NULL. */
struct otsp_phone *kit_phone_by_handle(HDRVPHONE hd)
{
	uintptr_t i = (uintptr_t)hd;

	if (i == 0 || i > otsp_phone_count())
		return NULL;
	return otsp_phone_at((DWORD)(i - 1));
}

LONG kit_phone_present(DWORD id, struct otsp_phone **out)
{
	struct otsp_phone *ph = kit_phone_by_id(id);
	int removed;

	if (!ph)
		return PHONEERR_BADDEVICEID;
	pthread_mutex_lock(&K.lock);
	removed = ph->removed;
	pthread_mutex_unlock(&K.lock);
	if (removed)
		return PHONEERR_NODEVICE;
	*out = ph;
	return 0;
}

/* Appends a phone to a table that has room. K.lock held. */
static void table_append(struct otsp_phone *ph)
{
	/* The index first: a reader may find the phone as soon as it is appended. */
	ph->index = otsp_phone_count();
	ot_ptrtable_append(&K.phones, ph);
}

void *otsp_phone_priv(const struct otsp_phone *ph)
{
	return (void *)ph->priv;
}

struct otsp_phone *otsp_phone_of(const void *priv)
{
	return (struct otsp_phone *)((const char *)priv - offsetof(struct otsp_phone, priv));
}

const char *otsp_phone_name(const struct otsp_phone *ph)
{
	return ph->name;
}

DWORD otsp_phone_device_id(const struct otsp_phone *ph)
{
	return ph->device_id;
}

/* ---- identity ------------------------------------------------------------------------------- */

static uint64_t fnv1a64(const char *s, uint64_t h)
{
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint32_t fnv1a32(const char *s)
{
	uint32_t h = 0x811c9dc5u;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x01000193u;
	}
	return h;
}

/* dwPermanentPhoneID: a 32-bit hash of the key. PermanentPhoneGuid: a name-based GUID (RFC 9562
 * version 8 layout) from the provider's name and the key, so that the same device gets the same
 * GUID anywhere and two providers' devices never share one. */
void otsp_phone_set_identity(struct otsp_phone *ph, const char *key)
{
	char seed[96];
	uint64_t a, b;
	int i;

	snprintf(seed, sizeof(seed), "opentapi/%s/a", P.name);
	a = fnv1a64(key, fnv1a64(seed, 0xcbf29ce484222325ull));
	seed[strlen(seed) - 1] = 'b';
	b = fnv1a64(key, fnv1a64(seed, 0xcbf29ce484222325ull));
	ph->permanent_id = fnv1a32(key);
	ph->guid.Data1 = (uint32_t)a;
	ph->guid.Data2 = (uint16_t)(a >> 32);
	ph->guid.Data3 = (uint16_t)(((a >> 48) & 0x0fff) | 0x8000);
	ph->guid.Data4[0] = (uint8_t)((b & 0x3f) | 0x80);
	for (i = 1; i < 8; i++)
		ph->guid.Data4[i] = (uint8_t)(b >> (8 * i));
}

/* ---- configuration -------------------------------------------------------------------------- */

static void free_phone(struct otsp_phone *ph)
{
	if (!ph)
		return;
	if (P.destroy)
		P.destroy(ph);
	ot_free(ph->caps_mem);
	ot_free(ph->name);
	ot_free(ph);
}

static void free_phones(struct otsp_phone **phs, DWORD n)
{
	DWORD i;

	for (i = 0; i < n; i++)
		free_phone(phs[i]);
	ot_free(phs);
}

/* Pending phones that never got their TSPI_providerCreatePhoneDevice. K.lock held. */
static void drop_pending(void)
{
	free_phones(K.pending, K.num_pending);
	K.pending = NULL;
	K.num_pending = 0;
}

/* The phones and the configuration. K.lock held, or the provider not initialised. */
static void free_config(void)
{
	DWORD i;

	drop_pending();
	free_phones(K.created, K.num_created);
	K.created = NULL;
	K.num_created = 0;
	for (i = 0; i < otsp_phone_count(); i++)
		free_phone(otsp_phone_at(i));
	ot_ptrtable_free(&K.phones);
	ot_free(K.state_dir);
	K.state_dir = NULL;
}

/* A phone from its section, made by the provider's configure. */
static LONG new_phone(const OTSPIPHONECONFIG *cfg, struct otsp_phone **out, char *err,
		      size_t errlen)
{
	struct otsp_phone *ph = ot_calloc(1, sizeof(*ph) + P.phone_size);
	LONG r;

	if (!ph || !(ph->name = ot_strdup(cfg->lpszName ? cfg->lpszName : ""))) {
		ot_free(ph);
		snprintf(err, errlen, "out of memory");
		return PHONEERR_NOMEM;
	}
	ph->device_id = cfg->dwDeviceID;
	otsp_phone_set_identity(ph, ph->name);
	r = P.configure ? P.configure(ph, cfg, err, errlen) : 0;
	if (r != 0) {
		free_phone(ph);
		return r;
	}
	*out = ph;
	return 0;
}

/* The rules for one more phone, against the n before it in this configure and the phones the
 * provider has: a device ID no phone ever had, and a name of its own in this configure (its
 * identity derives from it). A phone the provider already has under that name must be closed:
 * the new one takes its place (see TSPI_providerCreatePhoneDevice). K.lock held. */
static LONG check_new(const struct otsp_phone *ph, struct otsp_phone *const *batch, DWORD n,
		      char *err, size_t errlen)
{
	DWORD j;

	for (j = 0; j < n; j++) {
		if (batch[j]->device_id == ph->device_id) {
			snprintf(err, errlen, "phone '%.80s': device ID %u is used twice", ph->name,
				 (unsigned)ph->device_id);
			return PHONEERR_INIFILECORRUPT;
		}
		if (!strcmp(batch[j]->name, ph->name)) {
			snprintf(err, errlen, "phone '%.80s': two phones have this name", ph->name);
			return PHONEERR_INIFILECORRUPT;
		}
	}
	for (j = 0; j < otsp_phone_count(); j++) {
		const struct otsp_phone *o = otsp_phone_at(j);

		if (o->device_id == ph->device_id) {
			snprintf(err, errlen, "phone '%.80s': device ID %u is taken (phone '%.80s')",
				 ph->name, (unsigned)ph->device_id, o->name);
			return PHONEERR_INIFILECORRUPT;
		}
		if (!o->removed && (o->open || o->opening) && !strcmp(o->name, ph->name)) {
			snprintf(err, errlen,
				 "phone '%.80s': a phone of this name is open (device ID %u)",
				 ph->name, (unsigned)o->device_id);
			return PHONEERR_INIFILECORRUPT;
		}
	}
	return 0;
}

KIT_EXPORT LONG TSPIAPI OTSPI_providerSetOptions(DWORD dwPermanentProviderID,
						 const OTSPISETTING *lpSettings,
						 DWORD dwNumSettings, LPCSTR lpszConfigPath,
						 LPSTR lpszError, DWORD dwErrorSize)
{
	char scratch[2];
	char *err = lpszError && dwErrorSize ? lpszError : scratch;
	size_t errlen = lpszError && dwErrorSize ? dwErrorSize : sizeof(scratch);
	int running;

	(void)dwPermanentProviderID;
	err[0] = '\0';
	if (!P.set_options) {
		snprintf(err, errlen, "the %s provider takes no provider-wide settings", P.name);
		return PHONEERR_INIFILECORRUPT;
	}
	pthread_mutex_lock(&K.lock);
	running = K.initialised;
	pthread_mutex_unlock(&K.lock);
	if (running) {
		snprintf(err, errlen, "the %s provider is running; shut it down first", P.name);
		return PHONEERR_OPERATIONFAILED;
	}
	if (dwNumSettings && !lpSettings) {
		snprintf(err, errlen, "no settings");
		return PHONEERR_OPERATIONFAILED;
	}
	return P.set_options(lpSettings, dwNumSettings, lpszConfigPath, err, errlen);
}

/* Before TSPI_providerInit: the provider's phones, replacing any earlier configuration. While
 * initialised: phones being added, which wait for their TSPI_providerCreatePhoneDevice; the
 * running phones, the provider ID and the state directory stay as they are, and phones of an
 * earlier such call that were never created are dropped. The provider's configure runs without
 * K.lock (it calls the kit). */
KIT_EXPORT LONG TSPIAPI OTSPI_providerConfigure(DWORD dwPermanentProviderID, LPCSTR lpszStateDir,
						const OTSPIPHONECONFIG *lpPhones, DWORD dwNumPhones,
						LPSTR lpszError, DWORD dwErrorSize)
{
	char scratch[2];
	char *err = lpszError && dwErrorSize ? lpszError : scratch;
	size_t errlen = lpszError && dwErrorSize ? dwErrorSize : sizeof(scratch);
	struct otsp_phone **batch = NULL, **dropped;
	DWORD i, ndropped;
	int running;
	LONG r = 0;

	err[0] = '\0';
	pthread_mutex_lock(&K.lock);
	running = K.initialised;
	dropped = K.pending;
	ndropped = K.num_pending;
	K.pending = NULL;
	K.num_pending = 0;
	pthread_mutex_unlock(&K.lock);
	free_phones(dropped, ndropped);
	if (!running)
		free_config(); /* nothing else runs before init */
	if (dwNumPhones && !lpPhones) {
		snprintf(err, errlen, "no phone list");
		return PHONEERR_OPERATIONFAILED;
	}
	if (!running) {
		K.provider_id = dwPermanentProviderID;
		if (lpszStateDir && !(K.state_dir = ot_strdup(lpszStateDir)))
			goto nomem;
	}
	if (!(batch = ot_calloc(dwNumPhones ? dwNumPhones : 1, sizeof(*batch))))
		goto nomem;
	for (i = 0; i < dwNumPhones && r == 0; i++)
		r = new_phone(&lpPhones[i], &batch[i], err, errlen);
	pthread_mutex_lock(&K.lock);
	for (i = 0; i < dwNumPhones && r == 0; i++)
		r = check_new(batch[i], batch, i, err, errlen);
	/* Room for all of them now, so that adding one later needs no memory. */
	if (r == 0 && ot_ptrtable_reserve(&K.phones, dwNumPhones) < 0) {
		snprintf(err, errlen, "out of memory");
		r = PHONEERR_NOMEM;
	}
	if (r == 0 && running && dwNumPhones) {
		K.pending = batch;
		K.num_pending = dwNumPhones;
		batch = NULL;
	} else if (r == 0) {
		for (i = 0; i < dwNumPhones; i++)
			table_append(batch[i]);
		ot_free(batch);
		batch = NULL;
	}
	pthread_mutex_unlock(&K.lock);
	if (r == 0)
		return 0;
	goto fail;

nomem:
	snprintf(err, errlen, "out of memory");
	r = PHONEERR_NOMEM;
fail:
	if (batch)
		free_phones(batch, dwNumPhones);
	if (!running)
		free_config();
	return r;
}

/* After an OTSPI_providerConfigure while initialised: the phone configured with device ID
 * dwTempID starts to exist as dwDeviceID (the engine passes the same ID twice). A phone of the
 * same name that the provider had is replaced: it answers PHONEERR_NODEVICE from now on. */
/* The slot of the phone waiting under temporary ID temp in list[0..n), or NULL. K.lock held. */
static struct otsp_phone **waiting(struct otsp_phone **list, DWORD n, DWORD_PTR temp)
{
	DWORD k;

	for (k = 0; k < n; k++)
		if ((DWORD_PTR)list[k]->device_id == temp)
			return &list[k];
	return NULL;
}

/* After an OTSPI_providerConfigure while initialised, or an otsp_phone_create: the phone
 * waiting under temporary ID dwTempID (a configured phone's is its device ID; a created one's
 * 0x80000000 and up) starts to exist as dwDeviceID. A phone of the same name that the provider
 * had is replaced: it answers PHONEERR_NODEVICE from now on. */
KIT_EXPORT LONG TSPIAPI TSPI_providerCreatePhoneDevice(DWORD_PTR dwTempID, DWORD dwDeviceID)
{
	struct otsp_phone **slot, *ph = NULL, *old = NULL;
	int configured;
	DWORD i;

	pthread_mutex_lock(&K.lock);
	slot = waiting(K.pending, K.num_pending, dwTempID);
	configured = slot != NULL;
	if (!slot)
		slot = waiting(K.created, K.num_created, dwTempID);
	if (slot)
		ph = *slot;
	for (i = 0; ph && i < otsp_phone_count(); i++) {
		struct otsp_phone *o = otsp_phone_at(i);

		if (o->device_id == dwDeviceID)
			ph = NULL; /* the engine never gives an ID twice */
		else if (!o->removed && !strcmp(o->name, ph->name))
			old = o;
	}
	if (!ph) {
		pthread_mutex_unlock(&K.lock);
		return PHONEERR_BADDEVICEID;
	}
	if (old && (old->open || old->opening)) {
		pthread_mutex_unlock(&K.lock);
		otsp_log(OTSP_WARN, "phone '%s': not added: the phone of this name (device %u) is open",
			 ph->name, (unsigned)old->device_id);
		return PHONEERR_OPERATIONFAILED;
	}
	if (ot_ptrtable_reserve(&K.phones, 1) < 0) {
		pthread_mutex_unlock(&K.lock);
		return PHONEERR_NOMEM;
	}
	if (old)
		old->removed = 1;
	ph->device_id = dwDeviceID;
	table_append(ph);
	if (configured) {
		*slot = K.pending[--K.num_pending];
		if (!K.num_pending)
			drop_pending();
	} else {
		*slot = K.created[--K.num_created];
	}
	pthread_mutex_unlock(&K.lock);
	return 0;
}

LONG otsp_phone_create(const char *name, LONG (*setup)(struct otsp_phone *ph, void *arg),
		       void *arg)
{
	struct otsp_phone *ph = ot_calloc(1, sizeof(*ph) + P.phone_size), **list = NULL;
	PHONEEVENT proc = NULL;
	HPROVIDER hprov = NULL;
	DWORD_PTR temp = 0;
	LONG r = 0;

	if (!ph || !(ph->name = ot_strdup(name ? name : ""))) {
		ot_free(ph);
		return PHONEERR_NOMEM;
	}
	otsp_phone_set_identity(ph, ph->name);
	if (setup)
		r = setup(ph, arg);
	pthread_mutex_lock(&K.lock);
	if (r == 0 && (!K.initialised || !K.create_proc))
		r = PHONEERR_OPERATIONFAILED;
	if (r == 0 && !(list = ot_realloc(K.created, (K.num_created + 1) * sizeof(*list))))
		r = PHONEERR_NOMEM;
	if (r == 0) {
		K.created = list;
		temp = 0x80000000u | (K.next_temp++ & 0x7FFFFFFFu);
		ph->device_id = (DWORD)temp;
		K.created[K.num_created++] = ph;
		proc = K.create_proc;
		hprov = K.hprovider;
	}
	pthread_mutex_unlock(&K.lock);
	if (r) {
		free_phone(ph);
		return r;
	}
	pthread_mutex_lock(&K.cb_lock);
	proc(NULL, PHONE_CREATE, (DWORD_PTR)hprov, temp, 0);
	pthread_mutex_unlock(&K.cb_lock);
	return 0;
}

/* The phone answers NODEVICE at once; PHONE_REMOVE goes out from a worker once the requests the
 * phone accepted have completed (requests.c), so that an engine that closes it at once finds
 * nothing in flight, and never from inside a TSPI call. */
void otsp_phone_remove(struct otsp_phone *ph)
{
	pthread_mutex_lock(&K.lock);
	if (!ph->removed) {
		ph->removed = 1;
		ph->remove_pending = 1;
		K.removals++;
		kit_release_held(ph);
	}
	pthread_mutex_unlock(&K.lock);
	pthread_cond_broadcast(&K.wake);
}

/* The module may be unloaded after a configure that was never followed by init. */
__attribute__((destructor)) static void kit_unload(void)
{
	if (!K.initialised)
		free_config();
}

/* ---- provider lifecycle --------------------------------------------------------------------- */

static int negotiate(DWORD lo, DWORD hi, DWORD *out)
{
	if (lo > hi || hi < P.tspi_low || lo > P.tspi_high)
		return -1;
	*out = hi < P.tspi_high ? hi : P.tspi_high;
	return 0;
}

KIT_EXPORT LONG TSPIAPI TSPI_lineNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
						      DWORD dwHighVersion, LPDWORD lpdwTSPIVersion)
{
	if (dwDeviceID != INITIALIZE_NEGOTIATION)
		return LINEERR_BADDEVICEID; /* kit providers have no lines */
	if (!lpdwTSPIVersion)
		return LINEERR_OPERATIONFAILED;
	if (negotiate(dwLowVersion, dwHighVersion, lpdwTSPIVersion) < 0)
		return LINEERR_INCOMPATIBLEAPIVERSION;
	return 0;
}

KIT_EXPORT LONG TSPIAPI TSPI_providerEnumDevices(DWORD dwPermanentProviderID,
						 LPDWORD lpdwNumLines, LPDWORD lpdwNumPhones,
						 HPROVIDER hProvider, LINEEVENT lpfnLineCreateProc,
						 PHONEEVENT lpfnPhoneCreateProc)
{
	(void)dwPermanentProviderID;
	(void)lpfnLineCreateProc;
	if (!lpdwNumLines || !lpdwNumPhones)
		return LINEERR_OPERATIONFAILED;
	pthread_mutex_lock(&K.lock);
	K.create_proc = lpfnPhoneCreateProc;
	K.hprovider = hProvider;
	*lpdwNumLines = 0;
	*lpdwNumPhones = otsp_phone_count();
	pthread_mutex_unlock(&K.lock);
	return 0;
}

KIT_EXPORT LONG TSPIAPI TSPI_providerInit(DWORD dwTSPIVersion, DWORD dwPermanentProviderID,
					  DWORD dwLineDeviceIDBase, DWORD dwPhoneDeviceIDBase,
					  DWORD_PTR dwNumLines, DWORD_PTR dwNumPhones,
					  ASYNC_COMPLETION lpfnCompletionProc,
					  LPDWORD lpdwTSPIOptions)
{
	LONG r = 0;
	int e;

	(void)dwTSPIVersion;
	(void)dwPermanentProviderID;
	(void)dwLineDeviceIDBase;
	(void)dwPhoneDeviceIDBase;
	(void)dwNumLines;
	(void)dwNumPhones;
	if (!lpfnCompletionProc)
		return LINEERR_OPERATIONFAILED;
	pthread_mutex_lock(&K.lock);
	if (K.initialised) {
		/* A second init while a pair is outstanding is ignored (TSPI rule). */
		pthread_mutex_unlock(&K.lock);
		return 0;
	}
	pthread_mutex_unlock(&K.lock);
	if (P.init && (r = P.init()) != 0)
		return r;
	pthread_mutex_lock(&K.lock);
	K.completion = lpfnCompletionProc;
	K.stop = 0;
	K.ready_head = K.ready_tail = NULL;
	e = kit_start_workers(P.workers ? P.workers : 1);
	if (e != 0) {
		K.completion = NULL;
		pthread_mutex_unlock(&K.lock);
		if (P.shutdown)
			P.shutdown();
		return e == EAGAIN ? LINEERR_RESOURCEUNAVAIL : LINEERR_OPERATIONFAILED;
	}
	K.initialised = 1;
	pthread_mutex_unlock(&K.lock);
	if (lpdwTSPIOptions)
		*lpdwTSPIOptions = 0;
	return 0;
}

KIT_EXPORT LONG TSPIAPI TSPI_providerShutdown(DWORD dwTSPIVersion, DWORD dwPermanentProviderID)
{
	DWORD i;

	(void)dwTSPIVersion;
	(void)dwPermanentProviderID;
	pthread_mutex_lock(&K.lock);
	if (!K.initialised) {
		pthread_mutex_unlock(&K.lock);
		return 0;
	}
	pthread_mutex_unlock(&K.lock);

	/* The engine closes every phone first; a phone left open is closed here all the same so
	 * that its requests complete and its provider releases it. */
	for (i = 0; i < otsp_phone_count(); i++) {
		int open;

		pthread_mutex_lock(&K.lock);
		open = otsp_phone_at(i)->open;
		pthread_mutex_unlock(&K.lock);
		if (open)
			TSPI_phoneClose((HDRVPHONE)(uintptr_t)(i + 1));
	}

	pthread_mutex_lock(&K.lock);
	kit_stop_workers();
	K.completion = NULL;
	pthread_mutex_unlock(&K.lock);
	if (P.shutdown)
		P.shutdown();
	pthread_mutex_lock(&K.lock);
	K.initialised = 0;
	K.stop = 0;
	pthread_mutex_unlock(&K.lock);
	free_config(); /* no thread of the provider is left */
	return 0;
}

/* ---- what the provider implements ------------------------------------------------------------ */

/* Exported functions that exist only when the provider fills an operation. */
static const struct {
	const char *name;
	size_t op; /* offset of the operation in struct otsp_provider */
} optional[] = {
#define OPT(fn, op) { #fn, offsetof(struct otsp_provider, op) }
	OPT(OTSPI_providerSetOptions, set_options),
	OPT(TSPI_phoneSetData, set_data),
	OPT(TSPI_phoneGetData, get_data),
	OPT(TSPI_phoneSetDisplay, set_display),
	OPT(TSPI_phoneGetDisplay, get_display),
	OPT(TSPI_phoneSetLamp, set_lamp),
	OPT(TSPI_phoneGetLamp, get_lamp),
	OPT(TSPI_phoneSetButtonInfo, set_button_info),
	OPT(TSPI_phoneGetButtonInfo, get_button_info),
	OPT(TSPI_phoneSetHookSwitch, set_hook_switch),
	OPT(TSPI_phoneGetHookSwitch, get_hook_switch),
	OPT(TSPI_phoneSetRing, set_ring),
	OPT(TSPI_phoneGetRing, get_ring),
	OPT(TSPI_phoneSetVolume, set_volume),
	OPT(TSPI_phoneGetVolume, get_volume),
	OPT(TSPI_phoneSetGain, set_gain),
	OPT(TSPI_phoneGetGain, get_gain),
	OPT(TSPI_phoneDevSpecific, dev_specific),
	OPT(OTSPI_phoneDevSpecificAs, dev_specific),
	OPT(TSPI_phoneGetID, get_id),
	OPT(TSPI_phoneGetIcon, get_icon),
	OPT(TUISPI_phoneConfigDialog, config_dialog),
#undef OPT
};

KIT_EXPORT BOOL TSPIAPI OTSPI_providerImplements(LPCSTR lpszFunction)
{
	size_t i;

	if (!lpszFunction)
		return 0;
	for (i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
		if (!strcmp(optional[i].name, lpszFunction))
			return *(void *const *)((const char *)otsp_provider + optional[i].op) != NULL;
	return 1; /* the kit implements the rest itself */
}
