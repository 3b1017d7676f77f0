/* sim.c — the sim service provider: simulated phones whose data areas are kept by store.c.
 *
 * Owns: the TSPI entry points, the configuration of the phones (OTSPI_providerConfigure), their
 * capabilities and simulated state (connected, suspended, replies held), the per-phone request
 * queues and the one writer thread that drains them with group commit.
 * Must not: touch signal dispositions, or call the engine's callbacks with its lock held, or call
 * them for a phone after TSPI_phoneClose returned.
 *
 * Requests and order. Every phone has a FIFO of requests for the writer (q) and a FIFO of
 * requests frozen by "hold-replies" (held, moved to q by "release-replies" or at close). A phone
 * is "busy" while one thread — the writer or a TSPI call completing inline — works on its
 * requests; only the busy owner completes them, in queue order, so the requests of one phone
 * complete in the order they were issued, held ones included. A request completes inline (inside
 * the TSPI call) only when nothing of its phone is queued, held or busy: writes of in-memory
 * phones (the fast path: one memcpy) and dev-specific commands. A command takes effect and sends
 * its PHONE_STATE at once; only its reply waits in line.
 *
 * Locks. P.lock guards the queues and the phones' run-time state. P.cb_lock serialises the calls
 * of the completion and event procs (no new callback before the current one returned); it is
 * never held together with P.lock. Area memory has its own lock inside the store.
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
#include <strings.h>

#include <tapi.h>
#include <tspi.h>

#include "alloc.h"
#include "commands.h"
#include "log.h"
#include "store.h"
#include "varstruct.h"

#define SIM_EXPORT __attribute__((visibility("default")))

#define SIM_TSPI_LOW 0x00010003u
#define SIM_TSPI_HIGH 0x00020002u

/* Fixed-part sizes of PHONECAPS and PHONESTATUS by version (tapi-phone-reference.md §5). */
#define CAPS_SIZE_1X 144u
#define STATUS_SIZE_1X 100u

#define SIM_PROVIDER_INFO "OpenTAPI simulated phone provider"
#define SIM_DEFAULT_PHONE_NAME "OpenTAPI Simulated Phone"

/* Writes handed to the store in one append. */
#define SIM_APPEND_CHUNK 256

static const uint32_t default_areas[] = { 256, 4096, 65536, 16777216 };

/* What a phone can do. Display, buttons, lamps, hookswitch and ring join here later. */
struct sim_caps {
	uint32_t num_areas;
	uint32_t area_sizes[SIM_STORE_MAX_AREAS];
	uint32_t permanent_id; /* stable hash of the name */
	GUID guid;             /* derived from the name */
};

enum item_kind {
	ITEM_WRITE, /* phoneSetData */
	ITEM_REPLY, /* a dev-specific command's completion, waiting behind earlier requests */
};

struct item {
	struct item *next;
	DRV_REQUESTID id;
	enum item_kind kind;
	LONG result;               /* ITEM_WRITE: worked out by the writer */
	struct sim_store_write w;  /* ITEM_WRITE; w.data belongs to the engine */
};

struct item_list {
	struct item *head, *tail;
};

struct sim_phone {
	/* Configuration: fixed from OTSPI_providerConfigure to TSPI_providerShutdown. */
	DWORD device_id;
	char *name;
	int durable;
	struct sim_caps caps;

	/* Run-time state, under P.lock. */
	int open, opening, closing;
	HTAPIPHONE ht;
	PHONEEVENT event_proc;
	struct sim_store *store;
	int suspended, disconnected, holding;
	struct item_list q;    /* for the writer, in issue order */
	struct item_list held; /* requests held by hold-replies, in issue order */
	int busy;              /* someone completes this phone's requests right now */
	unsigned users;        /* TSPI calls reading the store or sending an event right now */
};

/* The writer's view of one phone during a round. */
struct batch {
	struct sim_phone *ph;
	struct item *items;
	int appended; /* records went to its wal this round */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* the writer: work to do or stop */
	pthread_cond_t idle; /* a phone stopped being busy, or a user left */
	pthread_mutex_t cb_lock;

	/* configuration */
	int configured;
	DWORD provider_id;
	char *state_dir;
	struct sim_phone *phones;
	DWORD num_phones;

	/* while initialised */
	int initialised;
	ASYNC_COMPLETION completion;
	pthread_t writer;
	int stop;
	struct batch *batch;                         /* num_phones entries, writer only */
	struct sim_store_write chunk[SIM_APPEND_CHUNK]; /* writer only */
	struct item *chunk_items[SIM_APPEND_CHUNK];     /* writer only */
} P = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = PTHREAD_COND_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER,
	.cb_lock = PTHREAD_MUTEX_INITIALIZER,
};

/* ---- small helpers ------------------------------------------------------------------------ */

static void list_push(struct item_list *l, struct item *it)
{
	it->next = NULL;
	if (l->tail)
		l->tail->next = it;
	else
		l->head = it;
	l->tail = it;
}

static void list_splice(struct item_list *dst, struct item_list *src)
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

static void complete(DRV_REQUESTID id, LONG result)
{
	pthread_mutex_lock(&P.cb_lock);
	P.completion(id, result);
	pthread_mutex_unlock(&P.cb_lock);
}

static void send_state(struct sim_phone *ph, DWORD state)
{
	pthread_mutex_lock(&P.cb_lock);
	ph->event_proc(ph->ht, PHONE_STATE, state, 0, 0);
	pthread_mutex_unlock(&P.cb_lock);
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

static uint64_t fnv1a64(const char *s, uint64_t h)
{
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* A name-based GUID (RFC 9562 version 8 layout): the same name gives the same GUID anywhere. */
static void name_guid(const char *name, GUID *g)
{
	uint64_t a = fnv1a64(name, fnv1a64("opentapi/sim/a", 0xcbf29ce484222325ull));
	uint64_t b = fnv1a64(name, fnv1a64("opentapi/sim/b", 0xcbf29ce484222325ull));
	int i;

	g->Data1 = (uint32_t)a;
	g->Data2 = (uint16_t)(a >> 32);
	g->Data3 = (uint16_t)(((a >> 48) & 0x0fff) | 0x8000);
	g->Data4[0] = (uint8_t)((b & 0x3f) | 0x80);
	for (i = 1; i < 8; i++)
		g->Data4[i] = (uint8_t)(b >> (8 * i));
}

static struct sim_phone *phone_by_id(DWORD id)
{
	DWORD i;

	for (i = 0; i < P.num_phones; i++)
		if (P.phones[i].device_id == id)
			return &P.phones[i];
	return NULL;
}

/* HDRVPHONE = index + 1: resolves in O(1) and is never NULL. */
static struct sim_phone *phone_by_handle(HDRVPHONE hd)
{
	uintptr_t i = (uintptr_t)hd;

	if (i == 0 || i > P.num_phones)
		return NULL;
	return &P.phones[i - 1];
}

static int negotiate(DWORD lo, DWORD hi, DWORD *out)
{
	if (lo > hi || hi < SIM_TSPI_LOW || lo > SIM_TSPI_HIGH)
		return -1;
	*out = hi < SIM_TSPI_HIGH ? hi : SIM_TSPI_HIGH;
	return 0;
}

/* ---- configuration ------------------------------------------------------------------------ */

static void free_config(void)
{
	DWORD i;

	for (i = 0; i < P.num_phones; i++)
		ot_free(P.phones[i].name);
	ot_free(P.phones);
	ot_free(P.state_dir);
	P.phones = NULL;
	P.num_phones = 0;
	P.state_dir = NULL;
	P.configured = 0;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* "256, 4096" → sizes. Returns 0, or -1 with why in err. */
static int parse_areas(const char *v, struct sim_caps *caps, char *why, size_t whylen)
{
	const char *p = v;
	size_t n = strlen(v);

	trim(&p, &n);
	caps->num_areas = 0;
	if (n == 0)
		return 0;
	for (;;) {
		const char *comma = memchr(p, ',', n);
		size_t len = comma ? (size_t)(comma - p) : n;
		const char *t = p;
		size_t tl = len, i;
		uint64_t size = 0;

		trim(&t, &tl);
		if (tl == 0) {
			snprintf(why, whylen, "empty size in the list");
			return -1;
		}
		for (i = 0; i < tl; i++) {
			if (t[i] < '0' || t[i] > '9' || size > SIM_STORE_MAX_AREA_SIZE) {
				snprintf(why, whylen,
					 "'%.*s' is not a size in bytes (a decimal number, 1 to %u)",
					 (int)(tl > 40 ? 40 : tl), t, SIM_STORE_MAX_AREA_SIZE);
				return -1;
			}
			size = size * 10 + (uint64_t)(t[i] - '0');
		}
		if (size < 1 || size > SIM_STORE_MAX_AREA_SIZE) {
			snprintf(why, whylen, "size %.*s is out of range (1 to %u bytes)",
				 (int)(tl > 40 ? 40 : tl), t, SIM_STORE_MAX_AREA_SIZE);
			return -1;
		}
		if (caps->num_areas == SIM_STORE_MAX_AREAS) {
			snprintf(why, whylen, "more than %u data areas", SIM_STORE_MAX_AREAS);
			return -1;
		}
		caps->area_sizes[caps->num_areas++] = (uint32_t)size;
		if (!comma)
			return 0;
		n -= len + 1;
		p = comma + 1;
	}
}

static int parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "1" }, *const no[] = { "no", "false", "0" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static LONG configure_phone(struct sim_phone *ph, const OTSPIPHONECONFIG *cfg, char *err,
			    size_t errlen)
{
	char why[160];
	DWORD i, j;

	ph->device_id = cfg->dwDeviceID;
	ph->durable = 1;
	ph->caps.num_areas = sizeof(default_areas) / sizeof(default_areas[0]);
	memcpy(ph->caps.area_sizes, default_areas, sizeof(default_areas));

	for (i = 0; i < cfg->dwNumSettings; i++) {
		const OTSPISETTING *s = &cfg->lpSettings[i];
		const char *key = s->lpszKey ? s->lpszKey : "";
		const char *val = s->lpszValue ? s->lpszValue : "";

		for (j = 0; j < i; j++) {
			if (cfg->lpSettings[j].lpszKey && !strcmp(cfg->lpSettings[j].lpszKey, key)) {
				snprintf(err, errlen, "line %u: key '%s': given twice (first on line %u)",
					 (unsigned)s->dwLine, key, (unsigned)cfg->lpSettings[j].dwLine);
				return PHONEERR_INIFILECORRUPT;
			}
		}
		if (!strcmp(key, "data_areas")) {
			if (parse_areas(val, &ph->caps, why, sizeof(why)) < 0) {
				snprintf(err, errlen, "line %u: key '%s': %s", (unsigned)s->dwLine, key,
					 why);
				return PHONEERR_INIFILECORRUPT;
			}
		} else if (!strcmp(key, "durable")) {
			if (parse_bool(val, &ph->durable) < 0) {
				snprintf(err, errlen,
					 "line %u: key '%s': '%.40s' is not one of yes, no, true, false, "
					 "1, 0",
					 (unsigned)s->dwLine, key, val);
				return PHONEERR_INIFILECORRUPT;
			}
		} else {
			snprintf(err, errlen,
				 "line %u: key '%.60s': not a setting of sim phones (they take "
				 "data_areas and durable)",
				 (unsigned)s->dwLine, key);
			return PHONEERR_INIFILECORRUPT;
		}
	}

	ph->name = ot_strdup(cfg->lpszName ? cfg->lpszName : "");
	if (!ph->name) {
		snprintf(err, errlen, "out of memory");
		return PHONEERR_NOMEM;
	}
	ph->caps.permanent_id = fnv1a32(ph->name);
	name_guid(ph->name, &ph->caps.guid);
	return 0;
}

SIM_EXPORT LONG TSPIAPI OTSPI_providerConfigure(DWORD dwPermanentProviderID, LPCSTR lpszStateDir,
						const OTSPIPHONECONFIG *lpPhones, DWORD dwNumPhones,
						LPSTR lpszError, DWORD dwErrorSize)
{
	char scratch[2];
	char *err = lpszError && dwErrorSize ? lpszError : scratch;
	size_t errlen = lpszError && dwErrorSize ? dwErrorSize : sizeof(scratch);
	DWORD i, j;
	LONG r;

	err[0] = '\0';
	pthread_mutex_lock(&P.lock);
	if (P.initialised) {
		pthread_mutex_unlock(&P.lock);
		snprintf(err, errlen, "the sim provider is running; shut it down before configuring");
		return PHONEERR_OPERATIONFAILED;
	}
	free_config();
	if (dwNumPhones && !lpPhones) {
		pthread_mutex_unlock(&P.lock);
		snprintf(err, errlen, "no phone list");
		return PHONEERR_OPERATIONFAILED;
	}
	P.provider_id = dwPermanentProviderID;
	if (lpszStateDir && !(P.state_dir = ot_strdup(lpszStateDir)))
		goto nomem;
	if (dwNumPhones && !(P.phones = ot_calloc(dwNumPhones, sizeof(*P.phones))))
		goto nomem;
	P.num_phones = dwNumPhones;
	for (i = 0; i < dwNumPhones; i++) {
		r = configure_phone(&P.phones[i], &lpPhones[i], err, errlen);
		if (r != 0)
			goto fail;
		for (j = 0; j < i; j++) {
			if (P.phones[j].device_id == P.phones[i].device_id) {
				snprintf(err, errlen, "phone '%.80s': device ID %u is used twice",
					 P.phones[i].name, (unsigned)P.phones[i].device_id);
				r = PHONEERR_INIFILECORRUPT;
				goto fail;
			}
			if (!strcmp(P.phones[j].name, P.phones[i].name)) {
				snprintf(err, errlen, "phone '%.80s': two phones have this name",
					 P.phones[i].name);
				r = PHONEERR_INIFILECORRUPT;
				goto fail;
			}
		}
	}
	P.configured = 1;
	pthread_mutex_unlock(&P.lock);
	return 0;

nomem:
	snprintf(err, errlen, "out of memory");
	r = PHONEERR_NOMEM;
fail:
	free_config();
	pthread_mutex_unlock(&P.lock);
	return r;
}

/* The .so may be unloaded after a configure that was never followed by init. */
__attribute__((destructor)) static void sim_unload(void)
{
	if (!P.initialised)
		free_config();
}

/* ---- provider lifecycle ------------------------------------------------------------------- */

SIM_EXPORT LONG TSPIAPI TSPI_lineNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
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

SIM_EXPORT LONG TSPIAPI TSPI_providerEnumDevices(DWORD dwPermanentProviderID,
						 LPDWORD lpdwNumLines, LPDWORD lpdwNumPhones,
						 HPROVIDER hProvider, LINEEVENT lpfnLineCreateProc,
						 PHONEEVENT lpfnPhoneCreateProc)
{
	if (!lpdwNumLines || !lpdwNumPhones)
		return LINEERR_OPERATIONFAILED;
	*lpdwNumLines = 0;
	*lpdwNumPhones = P.num_phones;
	return 0;
}

static void *writer_main(void *arg);

SIM_EXPORT LONG TSPIAPI TSPI_providerInit(DWORD dwTSPIVersion, DWORD dwPermanentProviderID,
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
	P.batch = ot_calloc(P.num_phones ? P.num_phones : 1, sizeof(*P.batch));
	if (!P.batch) {
		pthread_mutex_unlock(&P.lock);
		return LINEERR_NOMEM;
	}
	P.completion = lpfnCompletionProc;
	P.stop = 0;
	/* The writer takes no signals: they belong to the application's threads. (It also means
	 * that a write beyond RLIMIT_FSIZE fails with EFBIG instead of killing the process.) */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&P.writer, NULL, writer_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		ot_free(P.batch);
		P.batch = NULL;
		P.completion = NULL;
		pthread_mutex_unlock(&P.lock);
		ot_log(OT_LOG_ERROR, "sim", "cannot start the writer thread: %s", strerror(r));
		return r == EAGAIN ? LINEERR_RESOURCEUNAVAIL : LINEERR_OPERATIONFAILED;
	}
	pthread_setname_np(P.writer, "sim-writer");
	P.initialised = 1;
	pthread_mutex_unlock(&P.lock);
	if (lpdwTSPIOptions)
		*lpdwTSPIOptions = 0;
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hdPhone);

SIM_EXPORT LONG TSPIAPI TSPI_providerShutdown(DWORD dwTSPIVersion, DWORD dwPermanentProviderID)
{
	DWORD i;

	pthread_mutex_lock(&P.lock);
	if (!P.initialised) {
		pthread_mutex_unlock(&P.lock);
		return 0;
	}
	pthread_mutex_unlock(&P.lock);

	/* The engine closes every phone first; a phone left open is closed here all the same so
	 * that its requests complete and its state reaches the disk. */
	for (i = 0; i < P.num_phones; i++) {
		int open;

		pthread_mutex_lock(&P.lock);
		open = P.phones[i].open;
		pthread_mutex_unlock(&P.lock);
		if (open)
			TSPI_phoneClose((HDRVPHONE)(uintptr_t)(i + 1));
	}

	pthread_mutex_lock(&P.lock);
	P.stop = 1;
	pthread_cond_signal(&P.wake);
	pthread_mutex_unlock(&P.lock);
	pthread_join(P.writer, NULL);

	pthread_mutex_lock(&P.lock);
	ot_free(P.batch);
	P.batch = NULL;
	P.completion = NULL;
	P.initialised = 0;
	P.stop = 0;
	free_config();
	pthread_mutex_unlock(&P.lock);
	return 0;
}

/* ---- capabilities and status -------------------------------------------------------------- */

SIM_EXPORT LONG TSPIAPI TSPI_phoneNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
						       DWORD dwHighVersion,
						       LPDWORD lpdwTSPIVersion)
{
	if (!phone_by_id(dwDeviceID))
		return PHONEERR_BADDEVICEID;
	if (!lpdwTSPIVersion)
		return PHONEERR_INVALPOINTER;
	if (negotiate(dwLowVersion, dwHighVersion, lpdwTSPIVersion) < 0)
		return PHONEERR_INCOMPATIBLEAPIVERSION;
	return 0;
}

/* Sets a fixed DWORD field only when it lies inside the fixed part of the caller's version. */
static void set_field(void *st, uint32_t fixed, size_t off, uint32_t v)
{
	if (off + 4 <= fixed)
		ot_var_set(st, off, v);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetDevCaps(DWORD dwDeviceID, DWORD dwTSPIVersion,
					     DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps)
{
	static const char classes[] = "tapi/phone\0"; /* + the terminating NUL: two NULs */
	struct sim_phone *ph = phone_by_id(dwDeviceID);
	const struct sim_caps *c;
	char info[96];
	uint32_t fixed, total;
	int n;

	if (!ph)
		return PHONEERR_BADDEVICEID;
	if (dwExtVersion != 0)
		return PHONEERR_INCOMPATIBLEEXTVERSION;
	if (!lpPhoneCaps)
		return PHONEERR_INVALPOINTER;
	c = &ph->caps;
	fixed = ot_var_get(lpPhoneCaps, offsetof(PHONECAPS, dwUsedSize));
	total = ot_var_get(lpPhoneCaps, offsetof(PHONECAPS, dwTotalSize));
	if (fixed < CAPS_SIZE_1X || fixed > sizeof(PHONECAPS) || total < fixed)
		return PHONEERR_STRUCTURETOOSMALL;

	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwPermanentPhoneID), c->permanent_id);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwStringFormat), STRINGFORMAT_ASCII);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwPhoneStates),
		  PHONESTATE_CONNECTED | PHONESTATE_DISCONNECTED | PHONESTATE_SUSPEND |
			  PHONESTATE_RESUME | PHONESTATE_OTHER | PHONESTATE_DEVSPECIFIC);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwNumSetData), c->num_areas);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwNumGetData), c->num_areas);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwPhoneFeatures),
		  c->num_areas ? PHONEFEATURE_SETDATA | PHONEFEATURE_GETDATA : 0);
	if (offsetof(PHONECAPS, PermanentPhoneGuid) + sizeof(GUID) <= fixed)
		memcpy((char *)lpPhoneCaps + offsetof(PHONECAPS, PermanentPhoneGuid), &c->guid,
		       sizeof(GUID));

	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwProviderInfoSize), SIM_PROVIDER_INFO,
		      sizeof(SIM_PROVIDER_INFO));
	n = snprintf(info, sizeof(info), "Simulated phone; data areas: %u; durable: %s",
		     c->num_areas, ph->durable ? "yes" : "no");
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwPhoneInfoSize), info, (uint32_t)n + 1);
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwPhoneNameSize), ph->name,
		      (uint32_t)strlen(ph->name) + 1);
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwSetDataSize), c->area_sizes,
		      c->num_areas * (uint32_t)sizeof(DWORD));
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwGetDataSize), c->area_sizes,
		      c->num_areas * (uint32_t)sizeof(DWORD));
	if (offsetof(PHONECAPS, dwDeviceClassesOffset) + 4 <= fixed)
		ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwDeviceClassesSize), classes,
			      sizeof(classes));
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetStatus(HDRVPHONE hdPhone, LPPHONESTATUS lpPhoneStatus)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	uint32_t fixed, flags, features;

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
	if (ph->suspended)
		flags |= PHONESTATUSFLAGS_SUSPENDED;
	features = ph->caps.num_areas && !ph->disconnected && !ph->suspended
			   ? PHONEFEATURE_SETDATA | PHONEFEATURE_GETDATA
			   : 0;
	pthread_mutex_unlock(&P.lock);

	ot_var_set(lpPhoneStatus, offsetof(PHONESTATUS, dwStatusFlags), flags);
	set_field(lpPhoneStatus, fixed, offsetof(PHONESTATUS, dwPhoneFeatures), features);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetStatusMessages(HDRVPHONE hdPhone, DWORD dwPhoneStates,
						    DWORD dwButtonModes, DWORD dwButtonStates)
{
	/* PHONE_STATE goes out for every change; the engine filters per handle. */
	return phone_by_handle(hdPhone) ? 0 : PHONEERR_INVALPHONEHANDLE;
}

/* ---- open / close ------------------------------------------------------------------------- */

SIM_EXPORT LONG TSPIAPI TSPI_phoneOpen(DWORD dwDeviceID, HTAPIPHONE htPhone,
				       LPHDRVPHONE lphdPhone, DWORD dwTSPIVersion,
				       PHONEEVENT lpfnEventProc)
{
	struct sim_phone *ph = phone_by_id(dwDeviceID);
	struct sim_store_params sp;
	struct sim_store *st = NULL;
	int r;

	if (!ph)
		return PHONEERR_BADDEVICEID;
	if (!lphdPhone || !lpfnEventProc)
		return PHONEERR_INVALPOINTER;
	if (dwTSPIVersion < SIM_TSPI_LOW || dwTSPIVersion > SIM_TSPI_HIGH)
		return PHONEERR_INCOMPATIBLEAPIVERSION;

	pthread_mutex_lock(&P.lock);
	if (!P.initialised) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_OPERATIONFAILED;
	}
	if (ph->open || ph->opening) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_ALLOCATED;
	}
	ph->opening = 1;
	pthread_mutex_unlock(&P.lock);

	/* Opening the store does file I/O (recovery): outside the lock. */
	sp.state_dir = P.state_dir;
	sp.name = ph->name;
	sp.area_sizes = ph->caps.area_sizes;
	sp.num_areas = ph->caps.num_areas;
	sp.durable = ph->durable;
	if (ph->durable && ph->caps.num_areas && (!P.state_dir || !*P.state_dir)) {
		ot_log(OT_LOG_ERROR, "sim", "phone '%s': durable, but no state directory was given",
		       ph->name);
		r = -EINVAL;
	} else {
		r = sim_store_open(&sp, &st);
	}

	pthread_mutex_lock(&P.lock);
	ph->opening = 0;
	if (r < 0) {
		pthread_mutex_unlock(&P.lock);
		if (r == -EWOULDBLOCK) {
			ot_log(OT_LOG_WARN, "sim",
			       "phone '%s': state is in use by another process (run tapisrv to share "
			       "phones between processes)",
			       ph->name);
			return PHONEERR_INUSE;
		}
		return r == -ENOMEM ? PHONEERR_NOMEM : PHONEERR_OPERATIONFAILED;
	}
	ph->store = st;
	ph->ht = htPhone;
	ph->event_proc = lpfnEventProc;
	ph->suspended = ph->disconnected = ph->holding = 0;
	ph->open = 1;
	pthread_mutex_unlock(&P.lock);
	*lphdPhone = (HDRVPHONE)(uintptr_t)(ph - P.phones + 1);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hdPhone)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	struct sim_store *st;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	pthread_mutex_lock(&P.lock);
	if (!ph->open || ph->closing) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_INVALPHONEHANDLE;
	}
	/* Everything accepted completes before we return, held writes included. */
	ph->closing = 1;
	ph->holding = 0;
	list_splice(&ph->q, &ph->held);
	if (ph->q.head)
		pthread_cond_signal(&P.wake);
	while (ph->q.head || ph->busy || ph->users)
		pthread_cond_wait(&P.idle, &P.lock);
	st = ph->store;
	ph->store = NULL;
	ph->open = 0;
	ph->closing = 0;
	ph->ht = NULL;
	ph->event_proc = NULL;
	pthread_mutex_unlock(&P.lock);
	sim_store_close(st);
	return 0;
}

/* ---- data ----------------------------------------------------------------------------------- */

static void end_use(struct sim_phone *ph)
{
	pthread_mutex_lock(&P.lock);
	if (--ph->users == 0 && ph->closing)
		pthread_cond_broadcast(&P.idle);
	pthread_mutex_unlock(&P.lock);
}

/* Ends an inline completion: hands the phone back to the writer if requests queued meanwhile. */
static void end_busy(struct sim_phone *ph)
{
	pthread_mutex_lock(&P.lock);
	ph->busy = 0;
	if (ph->q.head)
		pthread_cond_signal(&P.wake);
	pthread_cond_broadcast(&P.idle);
	pthread_mutex_unlock(&P.lock);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetData(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					  DWORD dwDataID, LPVOID const lpData, DWORD dwSize)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	struct item *it;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (dwDataID >= ph->caps.num_areas)
		return PHONEERR_INVALDATAID;
	if (dwSize > ph->caps.area_sizes[dwDataID] || (dwSize && !lpData))
		return PHONEERR_INVALPARAM;

	pthread_mutex_lock(&P.lock);
	if (!ph->open || ph->closing) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_INVALPHONEHANDLE;
	}
	if (ph->suspended || ph->disconnected) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_INVALPHONESTATE;
	}
	if (!ph->durable && !ph->holding && !ph->busy && !ph->q.head) {
		/* The fast path: in memory, nothing ahead of us. */
		struct sim_store_write w = { dwDataID, dwSize, lpData };

		ph->busy = 1;
		pthread_mutex_unlock(&P.lock);
		sim_store_apply(ph->store, &w);
		complete(dwRequestID, 0);
		end_busy(ph);
		return (LONG)dwRequestID;
	}
	it = ot_malloc(sizeof(*it));
	if (!it) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_NOMEM;
	}
	it->id = dwRequestID;
	it->kind = ITEM_WRITE;
	it->result = 0;
	it->w.area = dwDataID;
	it->w.len = dwSize;
	it->w.data = lpData;
	if (ph->holding) {
		list_push(&ph->held, it);
	} else {
		list_push(&ph->q, it);
		if (!ph->busy)
			pthread_cond_signal(&P.wake);
	}
	pthread_mutex_unlock(&P.lock);
	return (LONG)dwRequestID;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetData(HDRVPHONE hdPhone, DWORD dwDataID, LPVOID lpData,
					  DWORD dwSize)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	struct sim_store *st;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (dwDataID >= ph->caps.num_areas)
		return PHONEERR_INVALDATAID;
	if (dwSize && !lpData)
		return PHONEERR_INVALPOINTER;

	pthread_mutex_lock(&P.lock);
	if (!ph->open || ph->closing) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_INVALPHONEHANDLE;
	}
	if (ph->suspended || ph->disconnected) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_INVALPHONESTATE;
	}
	ph->users++;
	st = ph->store;
	pthread_mutex_unlock(&P.lock);

	sim_store_read(st, dwDataID, lpData, dwSize);

	end_use(ph);
	return 0;
}

/* ---- dev-specific commands ------------------------------------------------------------------ */

SIM_EXPORT LONG TSPIAPI TSPI_phoneDevSpecific(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					      LPVOID lpParams, DWORD dwSize)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	struct sim_command cmd;
	struct item *it;
	DWORD event = 0;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (sim_command_parse(lpParams, lpParams ? dwSize : 0, &cmd) < 0)
		return PHONEERR_INVALPARAM;
	switch (cmd.kind) {
	case SIM_CMD_PRESS:
	case SIM_CMD_RELEASE:
	case SIM_CMD_HOOK:
	case SIM_CMD_REMOVE:
		/* Buttons, hookswitch and removal arrive with the phone's next capabilities. */
		return PHONEERR_OPERATIONUNAVAIL;
	default:
		break;
	}
	/* Allocated up front so that a failure changes nothing. */
	it = ot_malloc(sizeof(*it));
	if (!it)
		return PHONEERR_NOMEM;

	pthread_mutex_lock(&P.lock);
	if (!ph->open || ph->closing) {
		pthread_mutex_unlock(&P.lock);
		ot_free(it);
		return PHONEERR_INVALPHONEHANDLE;
	}
	switch (cmd.kind) {
	case SIM_CMD_SUSPEND:
		ph->suspended = 1;
		event = PHONESTATE_SUSPEND;
		break;
	case SIM_CMD_RESUME:
		ph->suspended = 0;
		event = PHONESTATE_RESUME;
		break;
	case SIM_CMD_DISCONNECT:
		ph->disconnected = 1;
		event = PHONESTATE_DISCONNECTED;
		break;
	case SIM_CMD_CONNECT:
		ph->disconnected = 0;
		event = PHONESTATE_CONNECTED;
		break;
	case SIM_CMD_RELEASE_REPLIES:
		/* The held requests were issued before this one: they complete first. */
		ph->holding = 0;
		list_splice(&ph->q, &ph->held);
		break;
	default:
		break;
	}
	if (!ph->holding && !ph->q.head && !ph->busy) {
		/* Nothing ahead of us: event and reply now. */
		ph->busy = 1;
		if (cmd.kind == SIM_CMD_HOLD_REPLIES)
			ph->holding = 1;
		pthread_mutex_unlock(&P.lock);
		ot_free(it);
		if (event)
			send_state(ph, event);
		complete(dwRequestID, 0);
		end_busy(ph);
		return (LONG)dwRequestID;
	}
	/* Earlier requests are still on their way (or held): the reply waits its turn, the event
	 * goes out now. */
	it->id = dwRequestID;
	it->kind = ITEM_REPLY;
	it->result = 0;
	memset(&it->w, 0, sizeof(it->w));
	if (ph->holding) {
		list_push(&ph->held, it);
	} else {
		list_push(&ph->q, it);
		if (!ph->busy)
			pthread_cond_signal(&P.wake);
	}
	if (cmd.kind == SIM_CMD_HOLD_REPLIES)
		ph->holding = 1;
	if (event)
		ph->users++;
	pthread_mutex_unlock(&P.lock);
	if (event) {
		send_state(ph, event);
		end_use(ph);
	}
	return (LONG)dwRequestID;
}

/* ---- the writer ----------------------------------------------------------------------------- */

/* Appends the writes of one phone's round. Returns 1 when any record went to the wal. */
static int append_phone(struct batch *b)
{
	struct sim_store *st = b->ph->store;
	struct item *it;
	size_t k = 0, m, i;
	int failed = 0, appended = 0, err;

	for (it = b->items;; it = it->next) {
		if (it && it->kind == ITEM_WRITE) {
			if (failed) {
				it->result = PHONEERR_OPERATIONFAILED;
				continue;
			}
			P.chunk[k] = it->w;
			P.chunk_items[k++] = it;
		}
		if (k && (!it || k == SIM_APPEND_CHUNK)) {
			m = sim_store_append(st, P.chunk, k, &err);
			appended |= m > 0;
			for (i = 0; i < k; i++)
				P.chunk_items[i]->result = i < m ? 0 : PHONEERR_OPERATIONFAILED;
			/* After a failure the rest of the round fails too: the store's trouble
			 * (full disk, I/O error) is unlikely to be over a microsecond later. */
			failed = m < k;
			k = 0;
		}
		if (!it)
			break;
	}
	return appended && sim_store_is_durable(st);
}

static void run_round(struct batch *batch, size_t n)
{
	size_t i;

	/* 1. Every phone's records into its wal. */
	for (i = 0; i < n; i++)
		batch[i].appended = append_phone(&batch[i]);
	/* 2. One fdatasync per touched wal: the group commit. */
	for (i = 0; i < n; i++) {
		struct item *it;

		if (!batch[i].appended || sim_store_sync(batch[i].ph->store) == 0)
			continue;
		for (it = batch[i].items; it; it = it->next)
			if (it->kind == ITEM_WRITE && it->result == 0)
				it->result = PHONEERR_OPERATIONFAILED;
	}
	/* 3. Apply and complete, in issue order per phone. */
	for (i = 0; i < n; i++) {
		struct sim_phone *ph = batch[i].ph;
		struct item *it, *next;

		for (it = batch[i].items; it; it = next) {
			next = it->next;
			if (it->kind == ITEM_WRITE) {
				if (it->result == 0)
					sim_store_apply(ph->store, &it->w);
				complete(it->id, it->result);
			} else {
				complete(it->id, 0);
			}
			ot_free(it);
		}
	}
	/* 4. Keep the wals short; this waits for nobody's reply. */
	for (i = 0; i < n; i++)
		if (batch[i].appended)
			sim_store_maybe_checkpoint(batch[i].ph->store);
}

static void *writer_main(void *arg)
{
	DWORD i;
	size_t n;

	pthread_mutex_lock(&P.lock);
	for (;;) {
		n = 0;
		for (i = 0; i < P.num_phones; i++) {
			struct sim_phone *ph = &P.phones[i];

			if (!ph->q.head || ph->busy)
				continue;
			ph->busy = 1;
			P.batch[n].ph = ph;
			P.batch[n].items = ph->q.head;
			ph->q.head = ph->q.tail = NULL;
			n++;
		}
		if (n == 0) {
			if (P.stop)
				break;
			pthread_cond_wait(&P.wake, &P.lock);
			continue;
		}
		pthread_mutex_unlock(&P.lock);
		run_round(P.batch, n);
		pthread_mutex_lock(&P.lock);
		for (i = 0; i < n; i++)
			P.batch[i].ph->busy = 0;
		pthread_cond_broadcast(&P.idle);
	}
	pthread_mutex_unlock(&P.lock);
	return arg;
}
