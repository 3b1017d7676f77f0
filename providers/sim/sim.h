/* SPDX-License-Identifier: MIT */
/* sim.h — what the files of the sim provider share (see sim.c for which file owns what).
 *
 * The sim is built on the provider kit (otsp.h): the kit owns the phone table, configuration
 * calls, identity, open/close bookkeeping, PHONECAPS/PHONESTATUS, the per-phone request queues
 * and the threads that run them; the sim owns the device: its model (device.c), its durable
 * storage (store.c), what each request and command does, and the timer that releases buttons.
 *
 * Requests and order. A write (phoneSetData) or a change of the device state (phoneSetDisplay,
 * SetLamp, SetButtonInfo, SetHookSwitch, SetRing, SetVolume, SetGain) is checked and prepared
 * inside its TSPI call, then takes effect when the kit hands it to run() (requests.c): just
 * before its PHONE_STATE messages and its reply. A phone that is not durable runs inline (inside
 * the call, when nothing of it is queued: a memcpy or a few stores); a durable phone's requests
 * go to the kit's workers, which hand run() everything the phone has queued as one batch: its
 * writes are committed to the wal with one fdatasync, its changes to one state file, before any
 * is applied and replied. A dev-specific command takes effect and sends its messages at once;
 * only its reply waits in line ("hold-replies" holds the replies of later requests: the kit's
 * otsp_phone_hold).
 *
 * Locks. sim_prov.lock guards the phones' run-time state (open, the device state, link state,
 * buttons held down); no kit function that calls the engine (otsp_complete, otsp_phone_event)
 * is called with it held. sim_prov.order, taken before it, keeps a command's or the timer's
 * change of a button and its message together (devspecific.c). The store and the state-file
 * buffers (store, shadow, state_buf) are set by open and cleared by close under the lock, and
 * used without it by run() and the getters: the kit keeps the phone open while either runs.
 * Area memory has its own lock inside the store.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include <otsp.h>

#include "commands.h"
#include "device.h"
#include "store.h"

#define SIM_TSPI_LOW 0x00010003u
#define SIM_TSPI_HIGH 0x00020002u

#define BUTTONINFO_SIZE_13 36u

/* Workers that commit durable phones' requests, each one phone at a time: up to this many phones
 * sync their wals at the same time (the file system merges their flushes into shared journal
 * commits), and no phone waits for another's sync. */
#define SIM_COMMITTERS 8

/* A button held down by "press". */
struct sim_press {
	int down;
	struct timespec deadline; /* CLOCK_MONOTONIC: the provider releases it then */
};

/* The sim's part of a phone (otsp_phone_priv). */
struct sim_phone {
	/* Configuration: fixed from configure to shutdown. */
	struct otsp_phone *kp;
	const char *name;
	int durable;
	uint32_t num_areas;
	uint32_t area_sizes[SIM_STORE_MAX_AREAS];
	struct sim_device dev;

	/* Run-time state, under sim_prov.lock. */
	int open;
	struct sim_store *store;
	int suspended, disconnected;

	/* The device state while open (allocated by open). st is the live state; shadow and
	 * state_buf belong to run() (a worker builds the next state file in them) and exist only
	 * for a phone whose state file is written (durable, with something to keep); press (NULL
	 * until the first "press") and ndown are the buttons held down. */
	struct sim_state *st, *shadow;
	unsigned char *state_buf;
	struct sim_press *press;
	unsigned ndown;
	unsigned cmd_gen;   /* bumped when a command ("hook") changes the durable state */
	unsigned saved_gen; /* cmd_gen as of the last state file written */
};

/* The provider: the device state's lock and the timer. */
struct sim_provider {
	pthread_mutex_t order; /* before lock: a change and its message go out together */
	pthread_mutex_t lock;
	pthread_cond_t tick; /* the timer (CLOCK_MONOTONIC): a button went down, or stop */
	pthread_t timer;
	int stop;
};

extern struct sim_provider sim_prov;

static inline struct sim_phone *sim_of(struct otsp_phone *kp)
{
	return otsp_phone_priv(kp);
}

/* ---- sim.c ---------------------------------------------------------------------------------- */

/* The PHONE_STATE messages of an applied change. */
void sim_send_events(struct sim_phone *ph, const struct sim_events *ev);
/* PHONEERR_INVALPHONESTATE while the phone is suspended or disconnected, else 0. sim_prov.lock
 * held. */
LONG sim_link_check(const struct sim_phone *ph);

/* ---- config.c ------------------------------------------------------------------------------ */

LONG sim_configure(struct otsp_phone *kp, const OTSPIPHONECONFIG *cfg, char *err, size_t errlen);
void sim_destroy(struct otsp_phone *kp);

/* ---- phone.c ------------------------------------------------------------------------------- */

LONG sim_open(struct otsp_phone *kp);
void sim_close(struct otsp_phone *kp);
LONG sim_get_status(struct otsp_phone *kp, struct otsp_status *st);
LONG sim_set_data(struct otsp_phone *kp, struct otsp_request *rq);
LONG sim_get_data(struct otsp_phone *kp, DWORD id, void *data, DWORD size);
/* Writes the display as UTF-8 text and a NUL into out (size bytes; "" when it does not fit).
 * sim_prov.lock held. */
void sim_display_text(const struct sim_phone *ph, char *out, size_t size);

/* ---- parts.c ------------------------------------------------------------------------------- */

LONG sim_set_display(struct otsp_phone *kp, struct otsp_request *rq);
LONG sim_set_lamp(struct otsp_phone *kp, struct otsp_request *rq);
LONG sim_set_button_info(struct otsp_phone *kp, struct otsp_request *rq);
LONG sim_set_hook_switch(struct otsp_phone *kp, struct otsp_request *rq);
LONG sim_set_ring(struct otsp_phone *kp, struct otsp_request *rq);
LONG sim_set_volume(struct otsp_phone *kp, struct otsp_request *rq);
LONG sim_set_gain(struct otsp_phone *kp, struct otsp_request *rq);
LONG sim_get_display(struct otsp_phone *kp, char *text, size_t size);
LONG sim_get_lamp(struct otsp_phone *kp, DWORD id, LPDWORD mode);
LONG sim_get_button_info(struct otsp_phone *kp, DWORD id, LPPHONEBUTTONINFO info);
LONG sim_get_hook_switch(struct otsp_phone *kp, LPDWORD devs);
LONG sim_get_ring(struct otsp_phone *kp, LPDWORD mode, LPDWORD volume);
LONG sim_get_volume(struct otsp_phone *kp, DWORD dev, LPDWORD volume);
LONG sim_get_gain(struct otsp_phone *kp, DWORD dev, LPDWORD gain);

/* ---- requests.c ---------------------------------------------------------------------------- */

/* run(): commits, applies and completes a batch of one phone's requests. */
void sim_run(struct otsp_phone *kp, struct otsp_request *batch);

/* ---- devspecific.c ------------------------------------------------------------------------- */

LONG sim_dev_specific(struct otsp_phone *kp, struct otsp_request *rq);
/* Whether "press" holds button id down. sim_prov.lock held. */
int sim_button_down(const struct sim_phone *ph, uint32_t id);
void *sim_timer_main(void *arg);

#endif
