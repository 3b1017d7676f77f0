/* sim.c — the sim service provider: simulated phones, each a whole TAPI phone device (display,
 * buttons and lamps, hookswitch devices with volume and gain, ringer, data areas) whose data
 * areas and device state are kept by store.c and whose device model is device.c.
 *
 * Owns: the TSPI entry points, the configuration of the phones (OTSPI_providerConfigure; while it
 * runs, OTSPI_providerConfigure and TSPI_providerCreatePhoneDevice add phones), their
 * capabilities and simulated state (connected, suspended, replies held, buttons held down,
 * removed), the per-phone request queues, the one writer thread that drains them with group
 * commit, and the one timer thread that releases buttons nobody released and announces removals.
 * Must not: touch signal dispositions, or call the engine's callbacks with P.lock held, or call
 * a phone's event proc after TSPI_phoneClose returned (PHONE_REMOVE goes through the
 * provider-wide proc of TSPI_providerEnumDevices and may follow the close).
 *
 * Requests and order. Every phone has a FIFO of requests for the writer (q) and a FIFO of
 * requests frozen by "hold-replies" (held, moved to q by "release-replies", "remove" or at
 * close). A request is a data write, a change of the device state (phoneSetDisplay, SetLamp,
 * SetButtonInfo, SetHookSwitch, SetRing, SetVolume, SetGain) or the reply of a dev-specific
 * command. A phone is "busy" while one thread — the writer or a TSPI call completing inline —
 * works on its requests; only the busy owner completes them, in queue order, so the requests of
 * one phone complete in the order they were issued, held ones included. A write or change takes
 * effect when it completes: just before its PHONE_STATE messages and its reply. It completes
 * inline (inside the TSPI call) only when nothing of its phone is queued, held or busy and the
 * phone is not durable (the fast path: a memcpy or a few stores). A durable phone's requests go
 * to the writer, which commits writes to the wal and changes to the state file before it applies
 * them and replies. A command takes effect and sends its messages at once; only its reply waits
 * in line.
 *
 * Locks. P.lock guards the queues and the phones' run-time state (device state included).
 * P.cb_lock serialises the calls of the completion and event procs (no new callback before the
 * current one returned). Lock order: cb_lock before P.lock; no thread takes cb_lock while it
 * holds P.lock, and no callback is made with P.lock held. Commands and the timer hold cb_lock
 * from the moment they change a button or hookswitch until its message is out, so that the
 * messages of one phone leave in the order of the changes. Area memory has its own lock inside
 * the store.
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
#include <time.h>

#include <tapi.h>
#include <tspi.h>

#include "alloc.h"
#include "commands.h"
#include "device.h"
#include "log.h"
#include "store.h"
#include "varstruct.h"

#define SIM_EXPORT __attribute__((visibility("default")))

#define SIM_TSPI_LOW 0x00010003u
#define SIM_TSPI_HIGH 0x00020002u

/* Fixed-part sizes by version (tapi-phone-reference.md §5). */
#define CAPS_SIZE_1X 144u
#define STATUS_SIZE_1X 100u
#define BUTTONINFO_SIZE_13 36u
#define VARSTRING_SIZE 24u

/* A pressed button that is not released within this time is released by the provider: every
 * down is followed by an up (PHONE_BUTTON rule). */
#define SIM_AUTO_RELEASE_MS 1000
/* How long the timer waits before it looks again at a removal whose reply is still on its way. */
#define SIM_REMOVE_RETRY_MS 5

#define SIM_PROVIDER_INFO "OpenTAPI simulated phone provider"
#define SIM_DEFAULT_PHONE_NAME "OpenTAPI Simulated Phone"

/* Writes handed to the store in one append. */
#define SIM_APPEND_CHUNK 256
/* Threads that sync the wals of one round concurrently (with the writer thread itself), so that
 * the file system merges their flushes into shared journal commits. */
#define SIM_SYNC_THREADS 6

static const uint32_t default_areas[] = { 256, 4096, 65536, 16777216 };

/* What a phone's data areas are and how it is named; the rest of the device is device.c's. */
struct sim_caps {
	uint32_t num_areas;
	uint32_t area_sizes[SIM_STORE_MAX_AREAS];
	uint32_t permanent_id; /* stable hash of the name */
	GUID guid;             /* derived from the name */
};

enum item_kind {
	ITEM_WRITE,  /* phoneSetData */
	ITEM_REPLY,  /* a dev-specific command's completion, waiting behind earlier requests */
	ITEM_CHANGE, /* phoneSetDisplay, SetLamp, SetButtonInfo, SetHookSwitch, SetRing, Set... */
};

struct item {
	struct item *next;
	DRV_REQUESTID id;
	enum item_kind kind;
	LONG result;               /* ITEM_WRITE, ITEM_CHANGE: worked out by the writer */
	int then_remove;           /* ITEM_REPLY of "remove": announce the removal after it */
	union {
		struct sim_store_write w; /* ITEM_WRITE; w.data belongs to the engine */
		struct sim_change ch;     /* ITEM_CHANGE; display cells live right after the item */
	};
};

/* A button held down by "press". */
struct sim_press {
	int down;
	struct timespec deadline; /* CLOCK_MONOTONIC: the provider releases it then */
};

/* Messages a command sends, in order. */
struct outbox {
	unsigned n;
	struct {
		DWORD msg, p1, p2, p3;
	} m[SIM_MAX_BUTTONS + SIM_MAX_EVENTS];
};

struct item_list {
	struct item *head, *tail;
};

struct sim_phone {
	/* Configuration: fixed from OTSPI_providerConfigure (or, for a phone added while the
	 * provider runs, from TSPI_providerCreatePhoneDevice) to TSPI_providerShutdown. */
	DWORD device_id;
	DWORD index; /* in the phone table: HDRVPHONE = index + 1 */
	char *name;
	int durable;
	struct sim_caps caps;
	struct sim_device dev;

	/* Run-time state, under P.lock. */
	int open, opening, closing;
	HTAPIPHONE ht;
	PHONEEVENT event_proc;
	struct sim_store *store;
	int suspended, disconnected, holding;
	int removed;           /* "remove", or replaced by a phone of the same name added later:
				* gone until the provider shuts down */
	int remove_pending;    /* the timer is to send PHONE_REMOVE */
	struct item_list q;    /* for the writer, in issue order */
	struct item_list held; /* requests held by hold-replies, in issue order */
	int busy;              /* someone completes this phone's requests right now */
	unsigned users;        /* TSPI calls reading the store or sending an event right now */

	/* The device state while open (allocated by TSPI_phoneOpen). st is the live state; shadow
	 * and state_buf belong to whoever has the phone busy (the writer builds the next state
	 * file in them); press and ndown are the buttons held down. */
	struct sim_state *st, *shadow;
	unsigned char *state_buf;
	struct sim_press *press;
	unsigned ndown;
	unsigned cmd_gen;   /* bumped when a command ("hook") changes the durable state */
	unsigned saved_gen; /* cmd_gen as of the last state file written */
};

/* The phones, by index. A table only grows: a phone added while the provider runs is appended,
 * and a full table is replaced by a larger copy. TSPI calls find phones without P.lock: they load
 * P.table, then its n (both acquire); the entries below n never change, and a replaced table
 * stays allocated (on the prev chain) until shutdown, as do phones the engine no longer uses.
 * Entries are added and tables replaced under P.lock only. */
struct phone_table {
	DWORD n;   /* entries in use */
	DWORD cap; /* entries allocated */
	struct phone_table *prev;
	struct sim_phone *ph[];
};

/* The writer's view of one phone during a round. */
struct batch {
	struct sim_phone *ph;
	struct item *items;
	int appended; /* records went to its wal this round */
	int sync_err; /* the result of its wal's sync this round (0 or -errno) */
};

/* The sync pool: the writer publishes a round's batch, the pool threads and the writer claim
 * the appended entries one by one (next), and the writer waits until left is 0. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t work; /* the pool: a round to sync, or stop */
	pthread_cond_t done; /* the writer: left reached 0 */
	pthread_t th[SIM_SYNC_THREADS];
	int nth;             /* threads running */
	int stop;
	struct batch *batch; /* the round's entries, n of them */
	size_t n, next, left;
} S = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* the writer: work to do or stop */
	pthread_cond_t idle; /* a phone stopped being busy, or a user left */
	pthread_cond_t tick; /* the timer (CLOCK_MONOTONIC): a button went down, a removal, stop */
	pthread_mutex_t cb_lock;

	/* configuration */
	int configured;
	DWORD provider_id;
	char *state_dir;
	struct phone_table *table;
	/* Phones of an OTSPI_providerConfigure while initialised, waiting for their
	 * TSPI_providerCreatePhoneDevice (dropped at the next configure or at shutdown). */
	struct sim_phone **pending;
	DWORD num_pending;

	PHONEEVENT create_proc; /* from TSPI_providerEnumDevices: PHONE_CREATE / PHONE_REMOVE */

	/* while initialised */
	int initialised;
	ASYNC_COMPLETION completion;
	pthread_t writer, timer;
	int stop;
	struct batch *batch;                         /* batch_cap entries, writer only */
	size_t batch_cap;
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

/* The PHONE_STATE messages of an applied change. The phone is busy (or in use), so its event
 * proc stays valid. */
static void send_events(struct sim_phone *ph, const struct sim_events *ev)
{
	unsigned i;

	if (!ev->n)
		return;
	pthread_mutex_lock(&P.cb_lock);
	for (i = 0; i < ev->n; i++)
		ph->event_proc(ph->ht, PHONE_STATE, ev->state[i], ev->param[i], 0);
	pthread_mutex_unlock(&P.cb_lock);
}

static void outbox_add(struct outbox *box, DWORD msg, DWORD p1, DWORD p2, DWORD p3)
{
	if (box->n < sizeof(box->m) / sizeof(box->m[0])) {
		box->m[box->n].msg = msg;
		box->m[box->n].p1 = p1;
		box->m[box->n].p2 = p2;
		box->m[box->n].p3 = p3;
		box->n++;
	}
}

static void now_plus(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static int ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
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

/* The current phone table and its count; safe without P.lock (see struct phone_table). */
static struct phone_table *table_now(void)
{
	return __atomic_load_n(&P.table, __ATOMIC_ACQUIRE);
}

static DWORD table_count(const struct phone_table *t)
{
	return t ? __atomic_load_n(&t->n, __ATOMIC_ACQUIRE) : 0;
}

static struct sim_phone *phone_by_id(DWORD id)
{
	struct phone_table *t = table_now();
	DWORD i, n = table_count(t);

	for (i = 0; i < n; i++)
		if (t->ph[i]->device_id == id)
			return t->ph[i];
	return NULL;
}

/* HDRVPHONE = index + 1: resolves in O(1) and is never NULL. */
static struct sim_phone *phone_by_handle(HDRVPHONE hd)
{
	struct phone_table *t = table_now();
	uintptr_t i = (uintptr_t)hd;

	if (i == 0 || i > table_count(t))
		return NULL;
	return t->ph[i - 1];
}

/* Room for `extra` more phones, replacing the table by a larger copy if need be. P.lock held
 * (or the provider not initialised). Returns 0 or -1 (out of memory). */
static int table_reserve(DWORD extra)
{
	struct phone_table *t = P.table, *nt;
	DWORD n = t ? t->n : 0, cap = t ? t->cap : 0;

	if (t && cap - n >= extra)
		return 0;
	if (extra > (UINT32_MAX / 2 - 8) - n)
		return -1;
	cap = cap * 2 > n + extra ? cap * 2 : n + extra;
	if (cap < 8)
		cap = 8;
	nt = ot_malloc(offsetof(struct phone_table, ph) + (size_t)cap * sizeof(nt->ph[0]));
	if (!nt)
		return -1;
	nt->n = n;
	nt->cap = cap;
	nt->prev = t;
	if (n)
		memcpy(nt->ph, t->ph, (size_t)n * sizeof(nt->ph[0]));
	__atomic_store_n(&P.table, nt, __ATOMIC_RELEASE);
	return 0;
}

/* Appends ph to the table, which has room (table_reserve). P.lock held (or not initialised). */
static void table_append(struct sim_phone *ph)
{
	struct phone_table *t = P.table;

	ph->index = t->n;
	t->ph[t->n] = ph;
	__atomic_store_n(&t->n, t->n + 1, __ATOMIC_RELEASE);
}

static int negotiate(DWORD lo, DWORD hi, DWORD *out)
{
	if (lo > hi || hi < SIM_TSPI_LOW || lo > SIM_TSPI_HIGH)
		return -1;
	*out = hi < SIM_TSPI_HIGH ? hi : SIM_TSPI_HIGH;
	return 0;
}

/* ---- configuration ------------------------------------------------------------------------ */

static void free_phone(struct sim_phone *ph)
{
	if (!ph)
		return;
	ot_free(ph->name);
	sim_device_free(&ph->dev);
	ot_free(ph);
}

static void free_phones(struct sim_phone **phs, DWORD n)
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
	struct phone_table *t = P.table, *prev;
	DWORD i;

	drop_pending();
	for (i = 0; t && i < t->n; i++)
		free_phone(t->ph[i]);
	__atomic_store_n(&P.table, NULL, __ATOMIC_RELEASE);
	for (; t; t = prev) {
		prev = t->prev;
		ot_free(t);
	}
	ot_free(P.state_dir);
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
	struct sim_device_settings dev_keys;
	struct sim_device_setting *dk;
	char why[160];
	DWORD i, j;
	int r;

	memset(&dev_keys, 0, sizeof(dev_keys));

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
		} else if ((dk = sim_device_setting_of(&dev_keys, key)) != NULL) {
			dk->value = val;
			dk->line = (unsigned)s->dwLine;
		} else {
			snprintf(err, errlen,
				 "line %u: key '%.60s': not a setting of sim phones (they take "
				 "data_areas, durable, display, buttons, lamps, hookswitch, volume, gain "
				 "and ring_modes)",
				 (unsigned)s->dwLine, key);
			return PHONEERR_INIFILECORRUPT;
		}
	}
	r = sim_device_configure(&ph->dev, &dev_keys, err, errlen);
	if (r == -ENOMEM)
		return PHONEERR_NOMEM;
	if (r < 0)
		return PHONEERR_INIFILECORRUPT;

	ph->name = ot_strdup(cfg->lpszName ? cfg->lpszName : "");
	if (!ph->name) {
		snprintf(err, errlen, "out of memory");
		return PHONEERR_NOMEM;
	}
	ph->caps.permanent_id = fnv1a32(ph->name);
	name_guid(ph->name, &ph->caps.guid);
	return 0;
}

/* A phone from its section, allocated and checked. Returns 0 with *out, or the error (message in
 * err). */
static LONG new_phone(const OTSPIPHONECONFIG *cfg, struct sim_phone **out, char *err,
		      size_t errlen)
{
	struct sim_phone *ph = ot_calloc(1, sizeof(*ph));
	LONG r;

	if (!ph) {
		snprintf(err, errlen, "out of memory");
		return PHONEERR_NOMEM;
	}
	r = configure_phone(ph, cfg, err, errlen);
	if (r != 0) {
		free_phone(ph);
		return r;
	}
	*out = ph;
	return 0;
}

/* The rules for one more phone, against the n before it in this configure and the phones the
 * provider has: a device ID no phone ever had, and a name of its own in this configure. A phone
 * the provider already has under that name must be closed: the new one takes its place (see
 * TSPI_providerCreatePhoneDevice). P.lock held. */
static LONG check_new(const struct sim_phone *ph, struct sim_phone *const *batch, DWORD n,
		      char *err, size_t errlen)
{
	const struct phone_table *t = P.table;
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
	for (j = 0; t && j < t->n; j++) {
		const struct sim_phone *o = t->ph[j];

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

/* Before TSPI_providerInit: the provider's phones, replacing any earlier configuration. While
 * initialised: phones being added, which wait for their TSPI_providerCreatePhoneDevice; the
 * running phones, the provider ID and the state directory stay as they are, and phones of an
 * earlier such call that were never created are dropped. */
SIM_EXPORT LONG TSPIAPI OTSPI_providerConfigure(DWORD dwPermanentProviderID, LPCSTR lpszStateDir,
						const OTSPIPHONECONFIG *lpPhones, DWORD dwNumPhones,
						LPSTR lpszError, DWORD dwErrorSize)
{
	char scratch[2];
	char *err = lpszError && dwErrorSize ? lpszError : scratch;
	size_t errlen = lpszError && dwErrorSize ? dwErrorSize : sizeof(scratch);
	struct sim_phone **batch = NULL;
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
	if (!running) {
		P.provider_id = dwPermanentProviderID;
		if (lpszStateDir && !(P.state_dir = ot_strdup(lpszStateDir)))
			goto nomem;
	}
	if (!(batch = ot_calloc(dwNumPhones ? dwNumPhones : 1, sizeof(*batch))))
		goto nomem;
	for (i = 0; i < dwNumPhones; i++) {
		r = new_phone(&lpPhones[i], &batch[i], err, errlen);
		if (r == 0)
			r = check_new(batch[i], batch, i, err, errlen);
		if (r != 0)
			goto fail;
	}
	/* Room for all of them now, so that adding one later needs no memory. */
	if (table_reserve(dwNumPhones) < 0)
		goto nomem;
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
 * dwTempID starts to exist as dwDeviceID (the engine passes the same ID twice). A phone of the
 * same name that the provider had is replaced: it answers PHONEERR_NODEVICE from now on. */
SIM_EXPORT LONG TSPIAPI TSPI_providerCreatePhoneDevice(DWORD_PTR dwTempID, DWORD dwDeviceID)
{
	struct sim_phone *ph = NULL, *old = NULL;
	struct phone_table *t;
	DWORD i, k;

	pthread_mutex_lock(&P.lock);
	for (k = 0; k < P.num_pending && !ph; k++)
		if ((DWORD_PTR)P.pending[k]->device_id == dwTempID)
			ph = P.pending[k];
	t = P.table;
	for (i = 0; ph && t && i < t->n; i++) {
		struct sim_phone *o = t->ph[i];

		if (o->device_id == dwDeviceID) {
			ph = NULL; /* the engine never gives an ID twice */
		} else if (!o->removed && !strcmp(o->name, ph->name)) {
			old = o;
		}
	}
	if (!ph) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_BADDEVICEID;
	}
	if (old && (old->open || old->opening)) {
		pthread_mutex_unlock(&P.lock);
		ot_log(OT_LOG_WARN, "sim", "phone '%s': not added: the phone of this name (device %u) "
		       "is open", ph->name, (unsigned)old->device_id);
		return PHONEERR_OPERATIONFAILED;
	}
	if (table_reserve(1) < 0) { /* the configure made room: this does not fail */
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_NOMEM;
	}
	if (old)
		old->removed = 1;
	ph->device_id = dwDeviceID;
	table_append(ph);
	P.pending[k - 1] = P.pending[--P.num_pending];
	if (!P.num_pending)
		drop_pending();
	pthread_mutex_unlock(&P.lock);
	return 0;
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
	pthread_mutex_lock(&P.lock);
	P.create_proc = lpfnPhoneCreateProc;
	*lpdwNumLines = 0;
	*lpdwNumPhones = table_count(P.table);
	pthread_mutex_unlock(&P.lock);
	return 0;
}

static void *writer_main(void *arg);
static void *timer_main(void *arg);
static void *sync_main(void *arg);

/* Starts a provider thread that takes no signals: they belong to the application's threads.
 * (It also means that a write beyond RLIMIT_FSIZE fails with EFBIG instead of killing the
 * process.) Returns 0 or the pthread error. */
static int start_thread(pthread_t *t, void *(*fn)(void *), const char *name)
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

/* The sync pool's threads; without some (or all) of them the writer syncs more wals itself. */
static void start_sync_pool(void)
{
	pthread_mutex_lock(&S.lock);
	S.stop = 0;
	S.batch = NULL;
	S.n = S.next = S.left = 0;
	pthread_mutex_unlock(&S.lock);
	for (S.nth = 0; S.nth < SIM_SYNC_THREADS; S.nth++)
		if (start_thread(&S.th[S.nth], sync_main, "sim-sync") != 0)
			break;
}

static void stop_sync_pool(void)
{
	int i;

	pthread_mutex_lock(&S.lock);
	S.stop = 1;
	pthread_cond_broadcast(&S.work);
	pthread_mutex_unlock(&S.lock);
	for (i = 0; i < S.nth; i++)
		pthread_join(S.th[i], NULL);
	S.nth = 0;
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
	pthread_mutex_lock(&P.lock);
	if (P.initialised) {
		/* A second init while a pair is outstanding is ignored (TSPI rule). */
		pthread_mutex_unlock(&P.lock);
		return 0;
	}
	P.batch_cap = table_count(P.table) ? table_count(P.table) : 1;
	P.batch = ot_calloc(P.batch_cap, sizeof(*P.batch));
	if (!P.batch) {
		pthread_mutex_unlock(&P.lock);
		return LINEERR_NOMEM;
	}
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	r = pthread_cond_init(&P.tick, &attr);
	pthread_condattr_destroy(&attr);
	if (r != 0) {
		ot_free(P.batch);
		P.batch = NULL;
		pthread_mutex_unlock(&P.lock);
		return LINEERR_RESOURCEUNAVAIL;
	}
	P.completion = lpfnCompletionProc;
	P.stop = 0;
	start_sync_pool();
	r = start_thread(&P.writer, writer_main, "sim-writer");
	if (r == 0) {
		r = start_thread(&P.timer, timer_main, "sim-timer");
		if (r != 0) {
			P.stop = 1;
			pthread_cond_signal(&P.wake);
			pthread_mutex_unlock(&P.lock);
			pthread_join(P.writer, NULL);
			pthread_mutex_lock(&P.lock);
			P.stop = 0;
		}
	}
	if (r != 0) {
		stop_sync_pool();
		pthread_cond_destroy(&P.tick);
		ot_free(P.batch);
		P.batch = NULL;
		P.completion = NULL;
		pthread_mutex_unlock(&P.lock);
		return r == EAGAIN ? LINEERR_RESOURCEUNAVAIL : LINEERR_OPERATIONFAILED;
	}
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
	for (i = 0; i < table_count(table_now()); i++) {
		int open;

		pthread_mutex_lock(&P.lock);
		open = P.table->ph[i]->open;
		pthread_mutex_unlock(&P.lock);
		if (open)
			TSPI_phoneClose((HDRVPHONE)(uintptr_t)(i + 1));
	}

	pthread_mutex_lock(&P.lock);
	P.stop = 1;
	pthread_cond_signal(&P.wake);
	pthread_cond_signal(&P.tick);
	pthread_mutex_unlock(&P.lock);
	pthread_join(P.writer, NULL);
	pthread_join(P.timer, NULL);
	stop_sync_pool();

	pthread_mutex_lock(&P.lock);
	pthread_cond_destroy(&P.tick);
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

/* A configured phone that was not removed: BADDEVICEID for IDs never had, NODEVICE after
 * "remove" or after the phone was replaced (until the provider shuts down). */
static LONG phone_present(DWORD id, struct sim_phone **out)
{
	struct sim_phone *ph = phone_by_id(id);
	int removed;

	if (!ph)
		return PHONEERR_BADDEVICEID;
	pthread_mutex_lock(&P.lock);
	removed = ph->removed;
	pthread_mutex_unlock(&P.lock);
	if (removed)
		return PHONEERR_NODEVICE;
	*out = ph;
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneNegotiateTSPIVersion(DWORD dwDeviceID, DWORD dwLowVersion,
						       DWORD dwHighVersion,
						       LPDWORD lpdwTSPIVersion)
{
	struct sim_phone *ph;
	LONG r = phone_present(dwDeviceID, &ph);

	if (r)
		return r;
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

/* Appends display cells as UTF-8 text with its NUL, by the rules of ot_var_append (whole or not
 * at all, dwNeededSize always counts it) but encoding straight into the structure. */
static void append_display(void *st, size_t size_field, const uint32_t *cells, size_t n)
{
	uint32_t total = ot_var_get(st, 0), needed = ot_var_get(st, 4), used = ot_var_get(st, 8);
	uint32_t len = (uint32_t)sim_cells_to_utf8(cells, n, NULL);

	ot_var_set(st, 4, needed + len);
	if (used > total || len > total - used)
		return;
	sim_cells_to_utf8(cells, n, (char *)st + used);
	ot_var_set(st, size_field, len);
	ot_var_set(st, size_field + 4, used);
	ot_var_set(st, 8, used + len);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetDevCaps(DWORD dwDeviceID, DWORD dwTSPIVersion,
					     DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps)
{
	static const char classes[] = "tapi/phone\0"; /* + the terminating NUL: two NULs */
	static const size_t modes_field[SIM_NUM_HOOK] = {
		offsetof(PHONECAPS, dwHandsetHookSwitchModes),
		offsetof(PHONECAPS, dwSpeakerHookSwitchModes),
		offsetof(PHONECAPS, dwHeadsetHookSwitchModes),
	};
	static const size_t settable_field[SIM_NUM_HOOK] = {
		offsetof(PHONECAPS, dwSettableHandsetHookSwitchModes),
		offsetof(PHONECAPS, dwSettableSpeakerHookSwitchModes),
		offsetof(PHONECAPS, dwSettableHeadsetHookSwitchModes),
	};
	static const size_t monitored_field[SIM_NUM_HOOK] = {
		offsetof(PHONECAPS, dwMonitoredHandsetHookSwitchModes),
		offsetof(PHONECAPS, dwMonitoredSpeakerHookSwitchModes),
		offsetof(PHONECAPS, dwMonitoredHeadsetHookSwitchModes),
	};
	struct sim_phone *ph;
	const struct sim_caps *c;
	const struct sim_device *d;
	DWORD modes[SIM_MAX_BUTTONS], functions[SIM_MAX_BUTTONS];
	char info[160];
	uint32_t fixed, total, i;
	LONG r = phone_present(dwDeviceID, &ph);
	int n;

	if (r)
		return r;
	if (dwExtVersion != 0)
		return PHONEERR_INCOMPATIBLEEXTVERSION;
	if (!lpPhoneCaps)
		return PHONEERR_INVALPOINTER;
	c = &ph->caps;
	d = &ph->dev;
	fixed = ot_var_get(lpPhoneCaps, offsetof(PHONECAPS, dwUsedSize));
	total = ot_var_get(lpPhoneCaps, offsetof(PHONECAPS, dwTotalSize));
	if (fixed < CAPS_SIZE_1X || fixed > sizeof(PHONECAPS) || total < fixed)
		return PHONEERR_STRUCTURETOOSMALL;

	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwPermanentPhoneID), c->permanent_id);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwStringFormat), STRINGFORMAT_ASCII);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwPhoneStates),
		  sim_device_states(d, dwTSPIVersion));
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwHookSwitchDevs), d->hook_devs);
	for (i = 0; i < SIM_NUM_HOOK; i++) {
		/* A mode that is not monitored reads as UNKNOWN: the device can report that too. */
		uint32_t unknown = d->hook_monitored[i] != d->hook_modes[i]
					   ? PHONEHOOKSWITCHMODE_UNKNOWN
					   : 0;

		if (!(d->hook_devs & (1u << i)))
			continue;
		set_field(lpPhoneCaps, fixed, modes_field[i], d->hook_modes[i] | unknown);
		set_field(lpPhoneCaps, fixed, settable_field[i], d->hook_settable[i]);
		set_field(lpPhoneCaps, fixed, monitored_field[i], d->hook_monitored[i] | unknown);
	}
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwVolumeFlags), d->volume_devs);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwGainFlags), d->gain_devs);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwDisplayNumRows), d->rows);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwDisplayNumColumns), d->cols);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwNumRingModes), d->ring_modes);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwNumButtonLamps), d->num_buttons);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwNumSetData), c->num_areas);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwNumGetData), c->num_areas);
	set_field(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwPhoneFeatures),
		  sim_device_features(d, c->num_areas > 0));
	if (offsetof(PHONECAPS, PermanentPhoneGuid) + sizeof(GUID) <= fixed)
		memcpy((char *)lpPhoneCaps + offsetof(PHONECAPS, PermanentPhoneGuid), &c->guid,
		       sizeof(GUID));

	/* The DWORD arrays first: right after the fixed part (a multiple of 4 bytes) they are
	 * aligned, so that applications may read them through a DWORD pointer. Strings follow. */
	for (i = 0; i < d->num_buttons; i++) {
		modes[i] = d->buttons[i].mode;
		functions[i] = d->buttons[i].function;
	}
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwButtonModesSize), modes,
		      d->num_buttons * (uint32_t)sizeof(DWORD));
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwButtonFunctionsSize), functions,
		      d->num_buttons * (uint32_t)sizeof(DWORD));
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwLampModesSize), d->lamp_modes,
		      d->num_buttons * (uint32_t)sizeof(DWORD));
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwSetDataSize), c->area_sizes,
		      c->num_areas * (uint32_t)sizeof(DWORD));
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwGetDataSize), c->area_sizes,
		      c->num_areas * (uint32_t)sizeof(DWORD));
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwProviderInfoSize), SIM_PROVIDER_INFO,
		      sizeof(SIM_PROVIDER_INFO));
	n = snprintf(info, sizeof(info),
		     "Simulated phone; data areas: %u; durable: %s; display: %ux%u; buttons: %u; "
		     "ring modes: %u",
		     c->num_areas, ph->durable ? "yes" : "no", d->rows, d->cols, d->num_buttons,
		     d->ring_modes);
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwPhoneInfoSize), info, (uint32_t)n + 1);
	ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwPhoneNameSize), ph->name,
		      (uint32_t)strlen(ph->name) + 1);
	if (offsetof(PHONECAPS, dwDeviceClassesOffset) + 4 <= fixed)
		ot_var_append(lpPhoneCaps, offsetof(PHONECAPS, dwDeviceClassesSize), classes,
			      sizeof(classes));
	return 0;
}

/* Takes P.lock for a phone that is open (and, with need_link, connected and not suspended).
 * Returns 0 with the lock held, or the error with it released. */
static LONG lock_open(struct sim_phone *ph, int need_link)
{
	pthread_mutex_lock(&P.lock);
	if (!ph->open || ph->closing || ph->removed) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_INVALPHONEHANDLE;
	}
	if (need_link && (ph->suspended || ph->disconnected)) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_INVALPHONESTATE;
	}
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetStatus(HDRVPHONE hdPhone, LPPHONESTATUS lpPhoneStatus)
{
	static const size_t fields[SIM_NUM_HOOK][3] = {
		{ offsetof(PHONESTATUS, dwHandsetHookSwitchMode), offsetof(PHONESTATUS, dwHandsetVolume),
		  offsetof(PHONESTATUS, dwHandsetGain) },
		{ offsetof(PHONESTATUS, dwSpeakerHookSwitchMode), offsetof(PHONESTATUS, dwSpeakerVolume),
		  offsetof(PHONESTATUS, dwSpeakerGain) },
		{ offsetof(PHONESTATUS, dwHeadsetHookSwitchMode), offsetof(PHONESTATUS, dwHeadsetVolume),
		  offsetof(PHONESTATUS, dwHeadsetGain) },
	};
	struct sim_phone *ph = phone_by_handle(hdPhone);
	const struct sim_device *d;
	uint32_t fixed, flags, features, i;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (!lpPhoneStatus)
		return PHONEERR_INVALPOINTER;
	d = &ph->dev;
	fixed = ot_var_get(lpPhoneStatus, offsetof(PHONESTATUS, dwUsedSize));
	if (fixed < STATUS_SIZE_1X || fixed > sizeof(PHONESTATUS) ||
	    ot_var_get(lpPhoneStatus, offsetof(PHONESTATUS, dwTotalSize)) < fixed)
		return PHONEERR_STRUCTURETOOSMALL;

	r = lock_open(ph, 0);
	if (r)
		return r;
	flags = ph->disconnected ? 0 : PHONESTATUSFLAGS_CONNECTED;
	if (ph->suspended)
		flags |= PHONESTATUSFLAGS_SUSPENDED;
	features = !ph->disconnected && !ph->suspended
			   ? sim_device_features(d, ph->caps.num_areas > 0)
			   : 0;
	ot_var_set(lpPhoneStatus, offsetof(PHONESTATUS, dwStatusFlags), flags);
	ot_var_set(lpPhoneStatus, offsetof(PHONESTATUS, dwRingMode), ph->st->ring_mode);
	ot_var_set(lpPhoneStatus, offsetof(PHONESTATUS, dwRingVolume), ph->st->ring_volume);
	for (i = 0; i < SIM_NUM_HOOK; i++) {
		uint32_t bit = 1u << i;

		ot_var_set(lpPhoneStatus, fields[i][0], sim_state_hook_reported(d, ph->st, (int)i));
		ot_var_set(lpPhoneStatus, fields[i][1],
			   (d->volume_devs & bit) ? ph->st->volume[i] : 0);
		ot_var_set(lpPhoneStatus, fields[i][2], (d->gain_devs & bit) ? ph->st->gain[i] : 0);
	}
	/* The lamp array first, so that it is DWORD-aligned; then the text. */
	ot_var_append(lpPhoneStatus, offsetof(PHONESTATUS, dwLampModesSize), ph->st->lamps,
		      d->num_buttons * (uint32_t)sizeof(DWORD));
	if (d->rows)
		append_display(lpPhoneStatus, offsetof(PHONESTATUS, dwDisplaySize), ph->st->display,
			       (size_t)d->rows * d->cols);
	set_field(lpPhoneStatus, fixed, offsetof(PHONESTATUS, dwPhoneFeatures), features);
	pthread_mutex_unlock(&P.lock);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetStatusMessages(HDRVPHONE hdPhone, DWORD dwPhoneStates,
						    DWORD dwButtonModes, DWORD dwButtonStates)
{
	/* PHONE_STATE goes out for every change; the engine filters per handle. */
	return phone_by_handle(hdPhone) ? 0 : PHONEERR_INVALPHONEHANDLE;
}

/* ---- open / close ------------------------------------------------------------------------- */

static void free_device_state(struct sim_state *st, struct sim_state *shadow, unsigned char *buf,
			      struct sim_press *press)
{
	sim_state_free(st);
	sim_state_free(shadow);
	ot_free(buf);
	ot_free(press);
}

/* Reads the phone's state file into st. A damaged file, or one written for a different device,
 * is not fatal: the phone starts from (some of) its configured state, and the log says so. */
static int load_device_state(struct sim_phone *ph, struct sim_store *store, struct sim_state *st)
{
	void *payload;
	size_t len;
	unsigned dropped = 0;
	int r = sim_store_load_state(store, &payload, &len);

	if (r == -EINVAL) {
		ot_log(OT_LOG_WARN, "sim",
		       "phone '%s': its state file is damaged; the phone starts in its configured state",
		       ph->name);
		return 0;
	}
	if (r < 0) {
		if (r != -ENOMEM)
			ot_log(OT_LOG_ERROR, "sim", "phone '%s': cannot read its state file: %s",
			       ph->name, strerror(-r));
		return r;
	}
	if (!payload)
		return 0;
	if (sim_state_decode(&ph->dev, st, payload, len, &dropped) < 0)
		ot_log(OT_LOG_WARN, "sim",
		       "phone '%s': its state file is damaged; the phone starts in its configured state",
		       ph->name);
	if (dropped & SIM_STATE_DROP_DISPLAY)
		ot_log(OT_LOG_INFO, "sim", "phone '%s': the display size changed; the display starts "
		       "blank", ph->name);
	if (dropped & SIM_STATE_DROP_BUTTONS)
		ot_log(OT_LOG_INFO, "sim", "phone '%s': the buttons or lamps changed; they start as "
		       "configured, lamps off", ph->name);
	if (dropped & SIM_STATE_DROP_VALUES)
		ot_log(OT_LOG_INFO, "sim", "phone '%s': values of its saved state that the "
		       "configuration no longer allows start afresh", ph->name);
	ot_free(payload);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneOpen(DWORD dwDeviceID, HTAPIPHONE htPhone,
				       LPHDRVPHONE lphdPhone, DWORD dwTSPIVersion,
				       PHONEEVENT lpfnEventProc)
{
	struct sim_phone *ph = phone_by_id(dwDeviceID);
	struct sim_store_params sp;
	struct sim_store *st = NULL;
	struct sim_state *state = NULL, *shadow = NULL;
	unsigned char *buf = NULL;
	struct sim_press *press = NULL;
	int r, has_state;

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
	if (ph->removed) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_NODEVICE;
	}
	if (ph->open || ph->opening) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_ALLOCATED;
	}
	ph->opening = 1;
	pthread_mutex_unlock(&P.lock);

	/* Opening the store does file I/O (recovery): outside the lock. */
	has_state = sim_device_has_state(&ph->dev);
	state = sim_state_new(&ph->dev);
	shadow = sim_state_new(&ph->dev);
	buf = ot_malloc(sim_state_encoded_max(&ph->dev));
	press = ot_calloc(ph->dev.num_buttons ? ph->dev.num_buttons : 1, sizeof(*press));
	sp.state_dir = P.state_dir;
	sp.name = ph->name;
	sp.area_sizes = ph->caps.area_sizes;
	sp.num_areas = ph->caps.num_areas;
	sp.durable = ph->durable;
	sp.has_state = has_state;
	if (!state || !shadow || !buf || !press) {
		r = -ENOMEM;
	} else if (ph->durable && (ph->caps.num_areas || has_state) &&
		   (!P.state_dir || !*P.state_dir)) {
		ot_log(OT_LOG_ERROR, "sim", "phone '%s': durable, but no state directory was given",
		       ph->name);
		r = -EINVAL;
	} else {
		r = sim_store_open(&sp, &st);
		if (r == 0) {
			r = load_device_state(ph, st, state);
			if (r < 0) {
				sim_store_close(st);
				st = NULL;
			}
		}
	}

	pthread_mutex_lock(&P.lock);
	ph->opening = 0;
	if (r < 0) {
		pthread_mutex_unlock(&P.lock);
		free_device_state(state, shadow, buf, press);
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
	ph->st = state;
	ph->shadow = shadow;
	ph->state_buf = buf;
	ph->press = press;
	ph->ndown = 0;
	ph->cmd_gen = ph->saved_gen = 0;
	ph->ht = htPhone;
	ph->event_proc = lpfnEventProc;
	ph->suspended = ph->disconnected = ph->holding = 0;
	ph->open = 1;
	pthread_mutex_unlock(&P.lock);
	*lphdPhone = (HDRVPHONE)(uintptr_t)(ph->index + 1);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hdPhone)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	struct sim_store *st;
	struct sim_state *state, *shadow;
	unsigned char *buf;
	struct sim_press *press;
	int unsaved;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	pthread_mutex_lock(&P.lock);
	if (!ph->open || ph->closing) {
		pthread_mutex_unlock(&P.lock);
		return PHONEERR_INVALPHONEHANDLE;
	}
	/* Everything accepted completes before we return, held requests included. */
	ph->closing = 1;
	ph->holding = 0;
	list_splice(&ph->q, &ph->held);
	if (ph->q.head)
		pthread_cond_signal(&P.wake);
	while (ph->q.head || ph->busy || ph->users)
		pthread_cond_wait(&P.idle, &P.lock);
	st = ph->store;
	state = ph->st;
	shadow = ph->shadow;
	buf = ph->state_buf;
	press = ph->press;
	unsaved = ph->cmd_gen != ph->saved_gen;
	ph->store = NULL;
	ph->st = ph->shadow = NULL;
	ph->state_buf = NULL;
	ph->press = NULL;
	ph->ndown = 0; /* buttons still down: nobody is left to hear them come up */
	ph->open = 0;
	ph->closing = 0;
	ph->ht = NULL;
	ph->event_proc = NULL;
	pthread_mutex_unlock(&P.lock);
	/* What commands changed since the last state file ("hook") is saved now. */
	if (unsaved && sim_store_is_durable(st))
		sim_store_save_state(st, buf, sim_state_encode(&ph->dev, state, buf));
	sim_store_close(st);
	free_device_state(state, shadow, buf, press);
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
	if (!ph->open || ph->closing || ph->removed) {
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
	if (!ph->open || ph->closing || ph->removed) {
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

/* ---- the device: display, lamps, buttons, hookswitch, ring, volume, gain ------------------- */

/* A state change request, allocated with room for n display cells after it. */
static struct item *new_change(enum sim_change_kind kind, uint32_t a, uint32_t b, size_t n)
{
	struct item *it = ot_malloc(sizeof(*it) + n * sizeof(uint32_t));

	if (!it)
		return NULL;
	memset(it, 0, sizeof(*it));
	it->kind = ITEM_CHANGE;
	it->ch.kind = kind;
	it->ch.a = a;
	it->ch.b = b;
	it->ch.cells = (const uint32_t *)(it + 1);
	return it;
}

/* Queues a change, or applies it at once when the phone is in memory and nothing is ahead of
 * it. Takes ownership of it. Returns dwRequestID or an error (it is then freed). */
static LONG submit_change(DRV_REQUESTID id, struct sim_phone *ph, struct item *it)
{
	struct sim_events ev;
	LONG r = lock_open(ph, 1);

	if (r) {
		ot_free(it);
		return r;
	}
	it->id = id;
	if (!sim_store_is_durable(ph->store) && !ph->holding && !ph->busy && !ph->q.head) {
		ph->busy = 1;
		sim_change_apply(&ph->dev, ph->st, &it->ch, &ev);
		pthread_mutex_unlock(&P.lock);
		ot_free(it);
		send_events(ph, &ev);
		complete(id, 0);
		end_busy(ph);
		return (LONG)id;
	}
	if (ph->holding) {
		list_push(&ph->held, it);
	} else {
		list_push(&ph->q, it);
		if (!ph->busy)
			pthread_cond_signal(&P.wake);
	}
	pthread_mutex_unlock(&P.lock);
	return (LONG)id;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetDisplay(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					     DWORD dwRow, DWORD dwColumn, LPCWSTR lpsDisplay,
					     DWORD dwSize)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	struct item *it;
	size_t start, room, units;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (!ph->dev.rows)
		return PHONEERR_OPERATIONUNAVAIL;
	if (dwRow >= ph->dev.rows || dwColumn >= ph->dev.cols || (dwSize & 1))
		return PHONEERR_INVALPARAM;
	if (dwSize && !lpsDisplay)
		return PHONEERR_INVALPOINTER;
	/* The display is one run of rows*cols cells: text goes on into the next row and what
	 * does not fit before the end of the display is dropped. */
	start = (size_t)dwRow * ph->dev.cols + dwColumn;
	room = (size_t)ph->dev.rows * ph->dev.cols - start;
	units = dwSize / 2;
	it = new_change(SIM_SET_DISPLAY, (uint32_t)start, 0, units < room ? units : room);
	if (!it)
		return PHONEERR_NOMEM;
	it->ch.ncells = (uint32_t)sim_utf16_to_cells(lpsDisplay, units, (uint32_t *)(it + 1),
						     units < room ? units : room);
	return submit_change(dwRequestID, ph, it);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetDisplay(HDRVPHONE hdPhone, LPVARSTRING lpDisplay)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (!lpDisplay)
		return PHONEERR_INVALPOINTER;
	if (!ph->dev.rows)
		return PHONEERR_OPERATIONUNAVAIL;
	if (ot_var_begin(lpDisplay, VARSTRING_SIZE) < 0)
		return PHONEERR_STRUCTURETOOSMALL;
	r = lock_open(ph, 1);
	if (r)
		return r;
	ot_var_set(lpDisplay, offsetof(VARSTRING, dwStringFormat), STRINGFORMAT_ASCII);
	append_display(lpDisplay, offsetof(VARSTRING, dwStringSize), ph->st->display,
		       (size_t)ph->dev.rows * ph->dev.cols);
	pthread_mutex_unlock(&P.lock);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetLamp(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					  DWORD dwButtonLampID, DWORD dwLampMode)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	struct item *it;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	r = sim_check_lamp(&ph->dev, dwButtonLampID, dwLampMode);
	if (r)
		return r;
	it = new_change(SIM_SET_LAMP, dwButtonLampID, dwLampMode, 0);
	if (!it)
		return PHONEERR_NOMEM;
	return submit_change(dwRequestID, ph, it);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetLamp(HDRVPHONE hdPhone, DWORD dwButtonLampID,
					  LPDWORD lpdwLampMode)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (dwButtonLampID >= ph->dev.num_buttons)
		return PHONEERR_INVALBUTTONLAMPID;
	if (!lpdwLampMode)
		return PHONEERR_INVALPOINTER;
	r = lock_open(ph, 1);
	if (r)
		return r;
	*lpdwLampMode = ph->st->lamps[dwButtonLampID];
	pthread_mutex_unlock(&P.lock);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetButtonInfo(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						DWORD dwButtonLampID,
						LPPHONEBUTTONINFO const lpButtonInfo)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	uint32_t total, mode, function, size, offset;
	struct item *it;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (!lpButtonInfo)
		return PHONEERR_INVALPOINTER;
	total = ot_var_get(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwTotalSize));
	if (total < BUTTONINFO_SIZE_13)
		return PHONEERR_STRUCTURETOOSMALL;
	mode = ot_var_get(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwButtonMode));
	function = ot_var_get(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwButtonFunction));
	r = sim_check_button(&ph->dev, dwButtonLampID, mode, function);
	if (r)
		return r;
	/* The text must lie inside the structure the caller describes. */
	size = ot_var_get(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwButtonTextSize));
	offset = ot_var_get(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwButtonTextOffset));
	if (size && (offset > total || size > total - offset))
		return PHONEERR_STRUCTURETOOSMALL;
	it = new_change(SIM_SET_BUTTON, dwButtonLampID, 0, 0);
	if (!it)
		return PHONEERR_NOMEM;
	it->ch.button.mode = mode;
	it->ch.button.function = function;
	sim_text_clean((const char *)lpButtonInfo + offset, size, it->ch.button.text);
	return submit_change(dwRequestID, ph, it);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetButtonInfo(HDRVPHONE hdPhone, DWORD dwButtonLampID,
						LPPHONEBUTTONINFO lpButtonInfo)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	struct sim_button b;
	uint32_t fixed, state;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (dwButtonLampID >= ph->dev.num_buttons)
		return PHONEERR_INVALBUTTONLAMPID;
	if (!lpButtonInfo)
		return PHONEERR_INVALPOINTER;
	fixed = ot_var_get(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwUsedSize));
	if (fixed < BUTTONINFO_SIZE_13 || fixed > sizeof(PHONEBUTTONINFO) ||
	    ot_var_get(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwTotalSize)) < fixed)
		return PHONEERR_STRUCTURETOOSMALL;
	r = lock_open(ph, 1);
	if (r)
		return r;
	b = ph->st->buttons[dwButtonLampID];
	state = b.mode == PHONEBUTTONMODE_DUMMY   ? PHONEBUTTONSTATE_UNAVAIL
		: ph->press[dwButtonLampID].down ? PHONEBUTTONSTATE_DOWN
						 : PHONEBUTTONSTATE_UP;
	pthread_mutex_unlock(&P.lock);

	ot_var_set(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwButtonMode), b.mode);
	ot_var_set(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwButtonFunction), b.function);
	if (b.text[0])
		ot_var_append(lpButtonInfo, offsetof(PHONEBUTTONINFO, dwButtonTextSize), b.text,
			      (uint32_t)strlen(b.text) + 1);
	/* dwButtonState is a 1.4 field: only callers whose fixed part has it get it. */
	set_field(lpButtonInfo, fixed, offsetof(PHONEBUTTONINFO, dwButtonState), state);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetHookSwitch(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						DWORD dwHookSwitchDevs, DWORD dwHookSwitchMode)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	struct item *it;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	r = sim_check_hook(&ph->dev, dwHookSwitchDevs, dwHookSwitchMode);
	if (r)
		return r;
	it = new_change(SIM_SET_HOOK, dwHookSwitchDevs, dwHookSwitchMode, 0);
	if (!it)
		return PHONEERR_NOMEM;
	return submit_change(dwRequestID, ph, it);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetHookSwitch(HDRVPHONE hdPhone, LPDWORD lpdwHookSwitchDevs)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (!ph->dev.hook_devs)
		return PHONEERR_OPERATIONUNAVAIL;
	if (!lpdwHookSwitchDevs)
		return PHONEERR_INVALPOINTER;
	r = lock_open(ph, 1);
	if (r)
		return r;
	*lpdwHookSwitchDevs = sim_state_offhook(&ph->dev, ph->st);
	pthread_mutex_unlock(&P.lock);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetRing(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					  DWORD dwRingMode, DWORD dwVolume)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	struct item *it;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	r = sim_check_ring(&ph->dev, dwRingMode);
	if (r)
		return r;
	it = new_change(SIM_SET_RING, dwRingMode, dwVolume > SIM_LEVEL_MAX ? SIM_LEVEL_MAX : dwVolume,
			0);
	if (!it)
		return PHONEERR_NOMEM;
	return submit_change(dwRequestID, ph, it);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetRing(HDRVPHONE hdPhone, LPDWORD lpdwRingMode,
					  LPDWORD lpdwVolume)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (!lpdwRingMode || !lpdwVolume)
		return PHONEERR_INVALPOINTER;
	r = lock_open(ph, 1);
	if (r)
		return r;
	*lpdwRingMode = ph->st->ring_mode;
	*lpdwVolume = ph->st->ring_volume;
	pthread_mutex_unlock(&P.lock);
	return 0;
}

static LONG set_level(DRV_REQUESTID id, HDRVPHONE hd, DWORD dev, DWORD value, int gain)
{
	struct sim_phone *ph = phone_by_handle(hd);
	struct item *it;
	int i;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	r = sim_check_level(&ph->dev, dev, gain, &i);
	if (r)
		return r;
	it = new_change(gain ? SIM_SET_GAIN : SIM_SET_VOLUME, (uint32_t)i,
			value > SIM_LEVEL_MAX ? SIM_LEVEL_MAX : value, 0);
	if (!it)
		return PHONEERR_NOMEM;
	return submit_change(id, ph, it);
}

static LONG get_level(HDRVPHONE hd, DWORD dev, LPDWORD out, int gain)
{
	struct sim_phone *ph = phone_by_handle(hd);
	int i;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	r = sim_check_level(&ph->dev, dev, gain, &i);
	if (r)
		return r;
	if (!out)
		return PHONEERR_INVALPOINTER;
	r = lock_open(ph, 1);
	if (r)
		return r;
	*out = gain ? ph->st->gain[i] : ph->st->volume[i];
	pthread_mutex_unlock(&P.lock);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetVolume(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					    DWORD dwHookSwitchDev, DWORD dwVolume)
{
	return set_level(dwRequestID, hdPhone, dwHookSwitchDev, dwVolume, 0);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetVolume(HDRVPHONE hdPhone, DWORD dwHookSwitchDev,
					    LPDWORD lpdwVolume)
{
	return get_level(hdPhone, dwHookSwitchDev, lpdwVolume, 0);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetGain(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					  DWORD dwHookSwitchDev, DWORD dwGain)
{
	return set_level(dwRequestID, hdPhone, dwHookSwitchDev, dwGain, 1);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetGain(HDRVPHONE hdPhone, DWORD dwHookSwitchDev,
					  LPDWORD lpdwGain)
{
	return get_level(hdPhone, dwHookSwitchDev, lpdwGain, 1);
}

/* ---- dev-specific commands ------------------------------------------------------------------ */

/* Hands the removal to the timer thread, which sends PHONE_REMOVE once the phone is idle. */
static void post_remove(struct sim_phone *ph)
{
	pthread_mutex_lock(&P.lock);
	ph->remove_pending = 1;
	pthread_cond_signal(&P.tick);
	pthread_mutex_unlock(&P.lock);
}

/* The effect of a command, with cb_lock and P.lock held: changes the phone and lists the
 * messages that tell of it. Returns 0 or the PHONEERR_ that refuses the command (nothing
 * changed then). */
static LONG command_effect(struct sim_phone *ph, const struct sim_command *cmd,
			   struct outbox *box)
{
	static const uint32_t devs[] = { PHONEHOOKSWITCHDEV_HANDSET, PHONEHOOKSWITCHDEV_SPEAKER,
					 PHONEHOOKSWITCHDEV_HEADSET };
	static const uint32_t modes[] = { PHONEHOOKSWITCHMODE_ONHOOK, PHONEHOOKSWITCHMODE_MIC,
					  PHONEHOOKSWITCHMODE_SPEAKER,
					  PHONEHOOKSWITCHMODE_MICSPEAKER };
	const struct sim_device *d = &ph->dev;
	int linked = !ph->suspended && !ph->disconnected;
	uint32_t id = cmd->button, i;

	switch (cmd->kind) {
	case SIM_CMD_SUSPEND:
		ph->suspended = 1;
		outbox_add(box, PHONE_STATE, PHONESTATE_SUSPEND, 0, 0);
		break;
	case SIM_CMD_RESUME:
		ph->suspended = 0;
		outbox_add(box, PHONE_STATE, PHONESTATE_RESUME, 0, 0);
		break;
	case SIM_CMD_DISCONNECT:
		ph->disconnected = 1;
		outbox_add(box, PHONE_STATE, PHONESTATE_DISCONNECTED, 0, 0);
		break;
	case SIM_CMD_CONNECT:
		ph->disconnected = 0;
		outbox_add(box, PHONE_STATE, PHONESTATE_CONNECTED, 0, 0);
		break;
	case SIM_CMD_HOLD_REPLIES:
		break; /* takes effect after its own reply is placed */
	case SIM_CMD_RELEASE_REPLIES:
		/* The held requests were issued before this one: they complete first. */
		ph->holding = 0;
		list_splice(&ph->q, &ph->held);
		break;
	case SIM_CMD_PRESS:
	case SIM_CMD_RELEASE:
		/* A dummy position is a lamp without a button: there is nothing to press. */
		if (id >= d->num_buttons || d->buttons[id].mode == PHONEBUTTONMODE_DUMMY)
			return PHONEERR_INVALBUTTONLAMPID;
		if (!linked)
			return PHONEERR_INVALPHONESTATE;
		if (ph->press[id].down == (cmd->kind == SIM_CMD_PRESS))
			return PHONEERR_INVALBUTTONSTATE; /* already down / already up */
		if (cmd->kind == SIM_CMD_PRESS) {
			ph->press[id].down = 1;
			now_plus(&ph->press[id].deadline, SIM_AUTO_RELEASE_MS);
			ph->ndown++;
			pthread_cond_signal(&P.tick);
		} else {
			ph->press[id].down = 0;
			ph->ndown--;
		}
		outbox_add(box, PHONE_BUTTON, id, ph->st->buttons[id].mode,
			   cmd->kind == SIM_CMD_PRESS ? PHONEBUTTONSTATE_DOWN : PHONEBUTTONSTATE_UP);
		break;
	case SIM_CMD_HOOK: {
		struct sim_change c = { .kind = SIM_SET_HOOK };
		struct sim_events ev;
		uint32_t before;

		c.a = devs[cmd->hook_dev];
		c.b = modes[cmd->hook_mode];
		if (!(d->hook_devs & c.a))
			return PHONEERR_INVALHOOKSWITCHDEV;
		if (!(d->hook_modes[cmd->hook_dev] & c.b))
			return PHONEERR_INVALHOOKSWITCHMODE;
		if (!linked)
			return PHONEERR_INVALPHONESTATE;
		/* The user moves the handset: no settable-mode check, as no software asked. */
		before = ph->st->hook_mode[cmd->hook_dev];
		sim_change_apply(d, ph->st, &c, &ev);
		if (ph->st->hook_mode[cmd->hook_dev] != before)
			ph->cmd_gen++; /* saved with the next state file, at the latest at close */
		for (i = 0; i < ev.n; i++)
			outbox_add(box, PHONE_STATE, ev.state[i], ev.param[i], 0);
		break;
	}
	case SIM_CMD_REMOVE:
		/* Unplugged: what is pressed comes up, what is held completes, and after this
		 * command's reply the timer tells the engine. */
		for (i = 0; i < d->num_buttons && ph->ndown; i++) {
			if (!ph->press[i].down)
				continue;
			ph->press[i].down = 0;
			ph->ndown--;
			outbox_add(box, PHONE_BUTTON, i, ph->st->buttons[i].mode,
				   PHONEBUTTONSTATE_UP);
		}
		ph->removed = 1;
		ph->holding = 0;
		list_splice(&ph->q, &ph->held);
		break;
	}
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneDevSpecific(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					      LPVOID lpParams, DWORD dwSize)
{
	struct sim_phone *ph = phone_by_handle(hdPhone);
	struct sim_command cmd;
	struct outbox box;
	struct item *it;
	int now;
	unsigned i;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (sim_command_parse(lpParams, lpParams ? dwSize : 0, &cmd) < 0)
		return PHONEERR_INVALPARAM;
	/* Allocated up front so that a failure changes nothing. */
	it = ot_malloc(sizeof(*it));
	if (!it)
		return PHONEERR_NOMEM;
	memset(it, 0, sizeof(*it));
	it->id = dwRequestID;
	it->kind = ITEM_REPLY;
	it->then_remove = cmd.kind == SIM_CMD_REMOVE;
	box.n = 0;

	/* cb_lock first: the messages go out before any later change of this phone can send
	 * its own. */
	pthread_mutex_lock(&P.cb_lock);
	r = lock_open(ph, 0);
	if (r == 0) {
		r = command_effect(ph, &cmd, &box);
		if (r)
			pthread_mutex_unlock(&P.lock);
	}
	if (r) {
		pthread_mutex_unlock(&P.cb_lock);
		ot_free(it);
		return r;
	}
	/* Nothing ahead of us: the reply now. Else it waits its turn. */
	now = !ph->holding && !ph->q.head && !ph->busy;
	if (now) {
		ph->busy = 1;
	} else if (ph->holding) {
		list_push(&ph->held, it);
	} else {
		list_push(&ph->q, it);
		if (!ph->busy)
			pthread_cond_signal(&P.wake);
	}
	if (cmd.kind == SIM_CMD_HOLD_REPLIES)
		ph->holding = 1;
	if (box.n)
		ph->users++;
	pthread_mutex_unlock(&P.lock);
	for (i = 0; i < box.n; i++)
		ph->event_proc(ph->ht, box.m[i].msg, box.m[i].p1, box.m[i].p2, box.m[i].p3);
	pthread_mutex_unlock(&P.cb_lock);
	if (box.n)
		end_use(ph);
	if (now) {
		ot_free(it);
		complete(dwRequestID, 0);
		if (cmd.kind == SIM_CMD_REMOVE)
			post_remove(ph);
		end_busy(ph);
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

/* Writes the state file that the round's changes lead to, before any of them is applied or
 * replied: on failure they all fail and the phone keeps its state. The phone is busy, so shadow
 * and state_buf are ours; the live state is read under the lock. */
static void save_changes(struct batch *b)
{
	struct sim_phone *ph = b->ph;
	struct item *it;
	unsigned gen;
	size_t len;
	int any = 0;

	for (it = b->items; it; it = it->next)
		any |= it->kind == ITEM_CHANGE;
	if (!any || !sim_store_is_durable(ph->store))
		return;
	pthread_mutex_lock(&P.lock);
	sim_state_copy(&ph->dev, ph->shadow, ph->st);
	gen = ph->cmd_gen;
	pthread_mutex_unlock(&P.lock);
	for (it = b->items; it; it = it->next)
		if (it->kind == ITEM_CHANGE)
			sim_change_apply(&ph->dev, ph->shadow, &it->ch, NULL);
	len = sim_state_encode(&ph->dev, ph->shadow, ph->state_buf);
	if (sim_store_save_state(ph->store, ph->state_buf, len) < 0) {
		for (it = b->items; it; it = it->next)
			if (it->kind == ITEM_CHANGE)
				it->result = PHONEERR_OPERATIONFAILED;
		return;
	}
	pthread_mutex_lock(&P.lock);
	ph->saved_gen = gen;
	pthread_mutex_unlock(&P.lock);
}

/* Claims and syncs entries of the published round until none is left to claim. S.lock held. */
static void sync_claimed(void)
{
	while (S.next < S.n) {
		struct batch *b = &S.batch[S.next++];

		if (!b->appended)
			continue;
		pthread_mutex_unlock(&S.lock);
		b->sync_err = sim_store_sync(b->ph->store);
		pthread_mutex_lock(&S.lock);
		if (--S.left == 0)
			pthread_cond_signal(&S.done);
	}
}

static void *sync_main(void *arg)
{
	pthread_mutex_lock(&S.lock);
	while (!S.stop) {
		if (S.next < S.n)
			sync_claimed();
		else
			pthread_cond_wait(&S.work, &S.lock);
	}
	pthread_mutex_unlock(&S.lock);
	return arg;
}

/* One fdatasync per touched wal, all of them at the same time: the writer takes part, and the
 * pool takes the others. Each store is synced by exactly one thread. */
static void sync_round(struct batch *batch, size_t n)
{
	size_t i, touched = 0;

	for (i = 0; i < n; i++) {
		batch[i].sync_err = 0;
		touched += batch[i].appended != 0;
	}
	if (touched == 0)
		return;
	if (touched == 1 || S.nth == 0) {
		for (i = 0; i < n; i++)
			if (batch[i].appended)
				batch[i].sync_err = sim_store_sync(batch[i].ph->store);
		return;
	}
	pthread_mutex_lock(&S.lock);
	S.batch = batch;
	S.n = n;
	S.next = 0;
	S.left = touched;
	pthread_cond_broadcast(&S.work);
	sync_claimed();
	while (S.left > 0)
		pthread_cond_wait(&S.done, &S.lock);
	S.batch = NULL;
	S.n = S.next = 0;
	pthread_mutex_unlock(&S.lock);
}

static void run_round(struct batch *batch, size_t n)
{
	size_t i;

	/* 1. Every phone's records into its wal. */
	for (i = 0; i < n; i++)
		batch[i].appended = append_phone(&batch[i]);
	/* 2. One fdatasync per touched wal (the group commit), the wals synced concurrently. */
	sync_round(batch, n);
	for (i = 0; i < n; i++) {
		struct item *it;

		if (!batch[i].appended || batch[i].sync_err == 0)
			continue;
		for (it = batch[i].items; it; it = it->next)
			if (it->kind == ITEM_WRITE && it->result == 0)
				it->result = PHONEERR_OPERATIONFAILED;
	}
	/* 2b. One state file per phone whose device state changes in this round. */
	for (i = 0; i < n; i++)
		save_changes(&batch[i]);
	/* 3. Apply and complete, in issue order per phone. */
	for (i = 0; i < n; i++) {
		struct sim_phone *ph = batch[i].ph;
		struct item *it, *next;
		struct sim_events ev;

		for (it = batch[i].items; it; it = next) {
			next = it->next;
			if (it->kind == ITEM_WRITE) {
				if (it->result == 0)
					sim_store_apply(ph->store, &it->w);
				complete(it->id, it->result);
			} else if (it->kind == ITEM_CHANGE) {
				if (it->result == 0) {
					pthread_mutex_lock(&P.lock);
					sim_change_apply(&ph->dev, ph->st, &it->ch, &ev);
					pthread_mutex_unlock(&P.lock);
					send_events(ph, &ev);
				}
				complete(it->id, it->result);
			} else {
				complete(it->id, 0);
				if (it->then_remove)
					post_remove(ph);
			}
			ot_free(it);
		}
	}
	/* 4. Keep the wals short; this waits for nobody's reply. */
	for (i = 0; i < n; i++)
		if (batch[i].appended)
			sim_store_maybe_checkpoint(batch[i].ph->store);
}

/* A batch entry for every phone, when phones were added. P.lock held; the batch is the writer's
 * alone. Without memory the rounds stay smaller: a phone left out waits for the next round. */
static void grow_batch(size_t n)
{
	struct batch *b;

	if (n <= P.batch_cap)
		return;
	b = ot_realloc(P.batch, n * sizeof(*b));
	if (!b)
		return;
	P.batch = b;
	P.batch_cap = n;
}

static void *writer_main(void *arg)
{
	struct phone_table *t;
	DWORD i;
	size_t n;

	pthread_mutex_lock(&P.lock);
	for (;;) {
		n = 0;
		t = P.table;
		grow_batch(t ? t->n : 0);
		for (i = 0; t && i < t->n && n < P.batch_cap; i++) {
			struct sim_phone *ph = t->ph[i];

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

/* ---- the timer ------------------------------------------------------------------------------ */

/* The phone whose removal is to be announced now: idle, so that an engine that closes it at
 * once finds nothing in flight. *retry is set when one is pending but not idle yet. */
static struct sim_phone *removal_due(int *retry)
{
	const struct phone_table *t = P.table;
	DWORD i;

	for (i = 0; t && i < t->n; i++) {
		struct sim_phone *ph = t->ph[i];

		if (!ph->remove_pending)
			continue;
		if (ph->busy || ph->q.head || ph->users) {
			*retry = 1;
			continue;
		}
		return ph;
	}
	return NULL;
}

/* A button that has been down for SIM_AUTO_RELEASE_MS; else *next gets the earliest deadline
 * (and *have_next is set). */
static struct sim_phone *release_due(const struct timespec *now, uint32_t *id,
				     struct timespec *next, int *have_next)
{
	const struct phone_table *t = P.table;
	DWORD i;
	uint32_t b;

	for (i = 0; t && i < t->n; i++) {
		struct sim_phone *ph = t->ph[i];

		if (!ph->open || ph->closing || !ph->ndown)
			continue;
		for (b = 0; b < ph->dev.num_buttons; b++) {
			const struct sim_press *pr = &ph->press[b];

			if (!pr->down)
				continue;
			if (!ts_before(now, &pr->deadline)) {
				*id = b;
				return ph;
			}
			if (!*have_next || ts_before(&pr->deadline, next)) {
				*next = pr->deadline;
				*have_next = 1;
			}
		}
	}
	return NULL;
}

/* Releases buttons nobody released and announces removals. Holds cb_lock (then P.lock) while
 * it changes a button and sends its message, like a command does. */
static void *timer_main(void *arg)
{
	pthread_mutex_lock(&P.cb_lock);
	pthread_mutex_lock(&P.lock);
	while (!P.stop) {
		struct timespec now, next;
		struct sim_phone *ph;
		int retry = 0, have_next = 0;
		uint32_t id;

		ph = removal_due(&retry);
		if (ph) {
			PHONEEVENT proc = P.create_proc;
			DWORD dev = ph->device_id;

			ph->remove_pending = 0;
			pthread_mutex_unlock(&P.lock);
			if (proc)
				proc(NULL, PHONE_REMOVE, dev, 0, 0);
			else
				ot_log(OT_LOG_WARN, "sim", "phone %u removed, but there is nobody "
				       "to tell (no PHONEEVENT from TSPI_providerEnumDevices)",
				       (unsigned)dev);
			pthread_mutex_lock(&P.lock);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		ph = release_due(&now, &id, &next, &have_next);
		if (ph) {
			DWORD mode = ph->st->buttons[id].mode;

			ph->press[id].down = 0;
			ph->ndown--;
			ph->users++;
			pthread_mutex_unlock(&P.lock);
			ph->event_proc(ph->ht, PHONE_BUTTON, id, mode, PHONEBUTTONSTATE_UP);
			pthread_mutex_lock(&P.lock);
			if (--ph->users == 0 && ph->closing)
				pthread_cond_broadcast(&P.idle);
			continue;
		}
		if (retry) {
			struct timespec soon;

			now_plus(&soon, SIM_REMOVE_RETRY_MS);
			if (!have_next || ts_before(&soon, &next))
				next = soon;
			have_next = 1;
		}
		/* Sleep without cb_lock: callbacks of others must not wait for our timeout. */
		pthread_mutex_unlock(&P.cb_lock);
		if (have_next)
			pthread_cond_timedwait(&P.tick, &P.lock, &next);
		else
			pthread_cond_wait(&P.tick, &P.lock);
		pthread_mutex_unlock(&P.lock);
		pthread_mutex_lock(&P.cb_lock);
		pthread_mutex_lock(&P.lock);
	}
	pthread_mutex_unlock(&P.lock);
	pthread_mutex_unlock(&P.cb_lock);
	return arg;
}
