/* SPDX-License-Identifier: MIT */
/* kit.h — what the files of the provider kit share (include/otsp.h is the kit's public face).
 *
 * The kit is linked into each provider's module (a static library), so each provider has its
 * own copy of this state. Its files:
 *   provider.c  the provider as a whole: its state (K), lifecycle (TSPI_provider*), the
 *               configuration calls, the phone table, identities, phones added and removed
 *   phone.c     one phone: negotiation, PHONECAPS, PHONESTATUS, open and close, the getters,
 *               events
 *   requests.c  the asynchronous functions: requests, the per-phone queues, the ready list, the
 *               workers, completion
 * Must not: call a provider operation or an engine callback with K.lock held; call an engine
 * callback without K.cb_lock (one at a time, tspi.h's rule). Lock order: cb_lock, then lock.
 */
#ifndef OTSP_KIT_H
#define OTSP_KIT_H

#include <pthread.h>
#include <stdint.h>

#include <otsp.h>

#include "ptrtable.h"

#define P (*otsp_provider) /* the provider's table */

/* The module's exports: the TSPI functions (everything else of the kit is hidden). */
#define KIT_EXPORT __attribute__((visibility("default")))

/* Most worker threads a provider gets (its .workers is capped to this). */
#define KIT_MAX_WORKERS 64

struct kit_list {
	struct otsp_request *head, *tail;
};

struct otsp_phone {
	/* Fixed from configure (or TSPI_providerCreatePhoneDevice) to shutdown. */
	DWORD device_id;
	DWORD index; /* in the phone table: HDRVPHONE = index + 1 */
	char *name;
	uint32_t permanent_id;
	GUID guid;

	/* Under K.lock. */
	struct otsp_caps caps; /* deep copy: the arrays live in caps_mem */
	void *caps_mem;
	int open, opening, closing, removed;
	HTAPIPHONE ht;
	PHONEEVENT event_proc;
	unsigned users;         /* operations and events running on the phone */
	int inline_ok, holding;
	struct kit_list q;      /* accepted, waiting for run() */
	struct kit_list held;   /* accepted while holding */
	unsigned inflight;      /* requests handed to run() and not yet complete */
	int running;            /* run() has a batch of this phone right now */
	int ready;              /* on the ready list */
	int remove_pending;     /* PHONE_REMOVE is to go out once no request is left */
	struct otsp_phone *ready_next;

	/* The provider's part follows, aligned for anything. */
	_Alignas(16) unsigned char priv[];
};

struct kit {
	pthread_mutex_t lock;
	pthread_mutex_t cb_lock;
	pthread_cond_t wake; /* workers: a phone is ready, or stop */
	pthread_cond_t idle; /* a phone's requests or users went down to none */

	int initialised, stop;
	DWORD provider_id;
	char *state_dir;
	struct ot_ptrtable phones;     /* struct otsp_phone *, by index */
	struct otsp_phone **pending;   /* configured while running, awaiting their create */
	DWORD num_pending;
	struct otsp_phone **created;   /* made by the provider (otsp_phone_create), awaiting theirs */
	DWORD num_created;
	DWORD next_temp;               /* their temporary IDs: 0x80000000 + this */
	PHONEEVENT create_proc;        /* PHONE_CREATE / PHONE_REMOVE */
	HPROVIDER hprovider;           /* for PHONE_CREATE */
	ASYNC_COMPLETION completion;

	pthread_t workers[KIT_MAX_WORKERS];
	unsigned nworkers;
	struct otsp_phone *ready_head, *ready_tail;
	unsigned removals; /* phones with remove_pending */
};

extern struct kit K;

/* provider.c */
struct otsp_phone *kit_phone_by_id(DWORD id);
struct otsp_phone *kit_phone_by_handle(HDRVPHONE hd);
/* A phone that exists: BADDEVICEID for an ID never had, NODEVICE for a removed one. */
LONG kit_phone_present(DWORD id, struct otsp_phone **out);

/* phone.c: a use of an open phone (users), for an operation. begin: 0, or
 * PHONEERR_INVALPHONEHANDLE when it is not open, being closed or removed. The _locked forms
 * run with K.lock held; unuse returns 1 when a worker is to be woken (a removal may be due). */
LONG kit_begin_use(struct otsp_phone *ph);
void kit_end_use(struct otsp_phone *ph);
LONG kit_use_locked(struct otsp_phone *ph);
int kit_unuse_locked(struct otsp_phone *ph);

/* requests.c */
int kit_start_workers(unsigned n);
void kit_stop_workers(void); /* K.lock held; released while joining */
/* Hands held requests on (hold ends). K.lock held; signals a worker when one is needed. */
void kit_release_held(struct otsp_phone *ph);
/* Close: release held requests and wait until the phone has no request and no user. K.lock held. */
void kit_drain(struct otsp_phone *ph);

#endif
