/* SPDX-License-Identifier: MIT */
/* sim.h — what the files of the sim provider share (see sim.c for which file owns what).
 *
 * Must not (any file): touch signal dispositions, call the engine's callbacks with sim_prov.lock
 * held, or call a phone's event proc after TSPI_phoneClose returned (PHONE_REMOVE goes through
 * the provider-wide proc of TSPI_providerEnumDevices and may follow the close).
 *
 * Requests and order. Every phone has a FIFO of requests for the committers (q) and a FIFO of
 * requests frozen by "hold-replies" (held, moved to q by "release-replies", "remove" or at
 * close). A request is a data write, a change of the device state (phoneSetDisplay, SetLamp,
 * SetButtonInfo, SetHookSwitch, SetRing, SetVolume, SetGain) or the reply of a dev-specific
 * command. A phone is "busy" while one thread — a committer or a TSPI call completing inline —
 * works on its requests; only the busy owner completes them, in queue order, so the requests of
 * one phone complete in the order they were issued, held ones included. A write or change takes
 * effect when it completes: just before its PHONE_STATE messages and its reply. It completes
 * inline (inside the TSPI call) only when nothing of its phone is queued, held or busy and the
 * phone is not durable (the fast path: a memcpy or a few stores). A durable phone's requests go
 * to a committer, which commits writes to the wal and changes to the state file before it
 * applies them and replies. A command takes effect and sends its messages at once; only its
 * reply waits in line.
 *
 * Locks. sim_prov.lock guards the queues, the ready list and the phones' run-time state (device
 * state included). sim_prov.cb_lock serialises the calls of the completion and event procs (no new
 * callback before the current one returned). Lock order: cb_lock before sim_prov.lock; no thread
 * takes cb_lock while it holds sim_prov.lock, and no callback is made with sim_prov.lock held. Area
 * memory has its own lock inside the store. The phone table is read without a lock (ptrtable.h).
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include <tapi.h>
#include <tspi.h>

#include "commands.h"
#include "device.h"
#include "ptrtable.h"
#include "store.h"

#define SIM_EXPORT __attribute__((visibility("default")))

#define SIM_TSPI_LOW 0x00010003u
#define SIM_TSPI_HIGH 0x00020002u

/* Fixed-part sizes by version (Microsoft's TSPI documentation; docs/decisions.md, "Versions"). */
#define CAPS_SIZE_1X 144u
#define STATUS_SIZE_1X 100u
#define BUTTONINFO_SIZE_13 36u
#define VARSTRING_SIZE 24u

/* Threads that commit phones' requests, each one phone at a time: up to this many phones sync
 * their wals at the same time (the file system merges their flushes into shared journal
 * commits), and no phone waits for another's sync. */
#define SIM_COMMITTERS 8

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

struct sim_item {
	struct sim_item *next;
	DRV_REQUESTID id;
	enum item_kind kind;
	LONG result;               /* ITEM_WRITE, ITEM_CHANGE: worked out by the committer */
	int then_remove;           /* ITEM_REPLY of "remove": announce the removal after it */
	union {
		struct sim_store_write w; /* ITEM_WRITE; w.data is the engine's, or (durable
					   * phones) a copy right after the item */
		struct sim_change ch;     /* ITEM_CHANGE; display cells live right after the item */
	};
};

/* A button held down by "press". */
struct sim_press {
	int down;
	struct timespec deadline; /* CLOCK_MONOTONIC: the provider releases it then */
};

struct sim_item_list {
	struct sim_item *head, *tail;
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

	/* Run-time state, under sim_prov.lock. */
	int open, opening, closing;
	HTAPIPHONE ht;
	PHONEEVENT event_proc;
	struct sim_store *store;
	int suspended, disconnected, holding;
	int removed;           /* "remove", or replaced by a phone of the same name added later:
				* gone until the provider shuts down */
	int remove_pending;    /* the timer is to send PHONE_REMOVE */
	struct sim_item_list q;    /* for a committer, in issue order */
	struct sim_item_list held; /* requests held by hold-replies, in issue order */
	int busy;              /* someone completes this phone's requests right now */
	int ready;             /* on P's ready list: q has requests, nobody is at them yet */
	struct sim_phone *ready_next;
	unsigned users;        /* TSPI calls reading the store or sending an event right now */

	/* The device state while open (allocated by TSPI_phoneOpen). st is the live state; shadow
	 * and state_buf belong to whoever has the phone busy (a committer builds the next state
	 * file in them) and exist only for a phone whose state file is written (durable, with
	 * something to keep); press (NULL until the first "press") and ndown are the buttons held
	 * down. */
	struct sim_state *st, *shadow;
	unsigned char *state_buf;
	struct sim_press *press;
	unsigned ndown;
	unsigned cmd_gen;   /* bumped when a command ("hook") changes the durable state */
	unsigned saved_gen; /* cmd_gen as of the last state file written */
};

/* The phones, by index. A phone added while the provider runs is appended; phones are never
 * removed from the table before shutdown (a removed or replaced one is marked so). Entries are
 * added under sim_prov.lock; TSPI calls find phones without it. */
DWORD sim_phone_count(void);
struct sim_phone *sim_phone_at(DWORD i);
struct sim_phone *sim_phone_by_id(DWORD id);
struct sim_phone *sim_phone_by_handle(HDRVPHONE hd);
/* Room for `extra` more phones (0 or -ENOMEM), then appends that cannot fail. sim_prov.lock
 * held. */
int sim_phones_reserve(DWORD extra);
void sim_phones_append(struct sim_phone *ph);

/* The provider. */
struct sim_provider {
	pthread_mutex_t lock;
	pthread_cond_t wake; /* the committers: a phone is ready, or stop */
	pthread_cond_t idle; /* a phone stopped being busy, or a user left */
	pthread_cond_t tick; /* the timer (CLOCK_MONOTONIC): a button went down, a removal, stop */
	pthread_mutex_t cb_lock;

	/* configuration */
	int configured;
	DWORD provider_id;
	char *state_dir;
	struct ot_ptrtable phones; /* struct sim_phone *, by index (see phone_at) */
	/* Phones of an OTSPI_providerConfigure while initialised, waiting for their
	 * TSPI_providerCreatePhoneDevice (dropped at the next configure or at shutdown). */
	struct sim_phone **pending;
	DWORD num_pending;

	PHONEEVENT create_proc; /* from TSPI_providerEnumDevices: PHONE_CREATE / PHONE_REMOVE */

	/* while initialised */
	int initialised;
	ASYNC_COMPLETION completion;
	pthread_t committer[SIM_COMMITTERS], timer;
	int ncommitters; /* running */
	int stop;
	/* Phones with queued requests that no thread works on, in the order they became so. */
	struct sim_phone *ready_head, *ready_tail;
};

extern struct sim_provider sim_prov;

/* ---- sim.c: helpers ---------------------------------------------------------------------- */

void sim_list_push(struct sim_item_list *l, struct sim_item *it);
/* Moves src's requests to the end of dst. */
void sim_list_splice(struct sim_item_list *dst, struct sim_item_list *src);
/* Calls the completion proc (under cb_lock). */
void sim_complete(DRV_REQUESTID id, LONG result);
/* The PHONE_STATE messages of an applied change (under cb_lock). */
void sim_send_events(struct sim_phone *ph, const struct sim_events *ev);
/* The TSPI version for [lo, hi], or -1 when none fits. */
int sim_negotiate(DWORD lo, DWORD hi, DWORD *out);
/* Takes sim_prov.lock for a phone that is open (and, with need_link, connected and not suspended).
 * Returns 0 with the lock held, or the error with it released. */
LONG lock_open(struct sim_phone *ph, int need_link);
/* Ends a use (ph->users) of a phone's store or event proc. */
void sim_end_use(struct sim_phone *ph);
/* Starts a provider thread that takes no signals. Returns 0 or the pthread error. */
int sim_start_thread(pthread_t *t, void *(*fn)(void *), const char *name);

/* ---- config.c ------------------------------------------------------------------------------ */

/* Frees the phones and the configuration. sim_prov.lock held, or the provider not initialised. */
void sim_free_config(void);

/* ---- phone.c ------------------------------------------------------------------------------- */

/* submit() of a write with its own copy of the payload (durable phones). */
LONG submit_copy(DRV_REQUESTID id, struct sim_phone *ph, const struct sim_item *req);

/* Appends display cells as UTF-8 text with its NUL (ot_var_append's rules). */
void sim_append_display(void *st, size_t size_field, const uint32_t *cells, size_t n);
SIM_EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hdPhone);

/* ---- requests.c ---------------------------------------------------------------------------- */

/* The asynchronous setters' common end: see requests.c. */
LONG submit(DRV_REQUESTID id, struct sim_phone *ph, struct sim_item *req, int on_heap);
/* Queues a request (sim_prov.lock held); 1: signal sim_prov.wake once the lock is released. */
int sim_enqueue(struct sim_phone *ph, struct sim_item *it);
/* A phone with queued requests and nobody at them goes on the ready list (sim_prov.lock held);
 * 1: signal sim_prov.wake once the lock is released. */
int sim_schedule(struct sim_phone *ph);
/* Ends an inline completion (the phone was made busy by the caller). */
void sim_end_busy(struct sim_phone *ph);
/* Starts the committers (0, or the pthread error when none could be started); stops them once
 * nothing is ready (sim_prov.lock held, released while joining; sets sim_prov.stop). */
int sim_start_committers(void);
void sim_stop_committers(void);

/* ---- devspecific.c ------------------------------------------------------------------------- */

/* Whether "press" holds button id down. sim_prov.lock held. */
int sim_button_down(const struct sim_phone *ph, uint32_t id);
/* Hands a removal to the timer thread, which sends PHONE_REMOVE once the phone is idle. */
void sim_post_remove(struct sim_phone *ph);
void *sim_timer_main(void *arg);

#endif
