/* SPDX-License-Identifier: MIT */
/* phone.c — one simulated phone: open and close, status, data.
 *
 * Owns: the store and the device state of an open phone (open, close), what PHONESTATUS says
 * (get_status), phoneSetData's checks and phoneGetData.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "copy.h"
#include "log.h"
#include "sim.h"

/* ---- status --------------------------------------------------------------------------------- */

void sim_display_text(const struct sim_phone *ph, char *out, size_t size)
{
	size_t cells = (size_t)ph->dev.rows * ph->dev.cols;

	out[0] = '\0';
	if (sim_cells_to_utf8(ph->st->display, cells, NULL) < size)
		out[sim_cells_to_utf8(ph->st->display, cells, out)] = '\0';
}

LONG sim_get_status(struct otsp_phone *kp, struct otsp_status *st)
{
	struct sim_phone *ph = sim_of(kp);
	const struct sim_device *d = &ph->dev;
	uint32_t i;

	pthread_mutex_lock(&sim_prov.lock);
	st->flags = ph->disconnected ? 0 : PHONESTATUSFLAGS_CONNECTED;
	if (ph->suspended)
		st->flags |= PHONESTATUSFLAGS_SUSPENDED;
	if (ph->disconnected || ph->suspended)
		st->features = 0;
	st->ring_mode = ph->st->ring_mode;
	st->ring_volume = ph->st->ring_volume;
	for (i = 0; i < SIM_NUM_HOOK; i++) {
		uint32_t bit = 1u << i;

		st->hook_mode[i] = sim_state_hook_reported(d, ph->st, (int)i);
		st->volume[i] = (d->volume_devs & bit) ? ph->st->volume[i] : 0;
		st->gain[i] = (d->gain_devs & bit) ? ph->st->gain[i] : 0;
	}
	memcpy(st->lamps, ph->st->lamps,
	       (d->num_buttons < st->num_lamps ? d->num_buttons : st->num_lamps) * sizeof(DWORD));
	if (d->rows)
		sim_display_text(ph, st->display, st->display_size);
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
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

LONG sim_open(struct otsp_phone *kp)
{
	struct sim_phone *ph = sim_of(kp);
	const char *state_dir = otsp_state_dir();
	struct sim_store_params sp;
	struct sim_store *st = NULL;
	struct sim_state *state = NULL, *shadow = NULL;
	unsigned char *buf = NULL;
	int r, has_state;

	/* Opening the store does file I/O (recovery): outside the lock. */
	has_state = sim_device_has_state(&ph->dev);
	state = sim_state_new(&ph->dev);
	if (ph->durable && has_state) {
		/* Only a phone that writes its state file needs room to build the next one. */
		shadow = sim_state_new(&ph->dev);
		buf = ot_malloc(sim_state_encoded_max(&ph->dev));
	}
	sp.state_dir = state_dir;
	sp.name = ph->name;
	sp.area_sizes = ph->area_sizes;
	sp.num_areas = ph->num_areas;
	sp.durable = ph->durable;
	sp.has_state = has_state;
	if (!state || (ph->durable && has_state && (!shadow || !buf))) {
		r = -ENOMEM;
	} else if (ph->durable && (ph->num_areas || has_state) && (!state_dir || !*state_dir)) {
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
	if (r < 0) {
		free_device_state(state, shadow, buf, NULL);
		if (r == -EWOULDBLOCK) {
			ot_log(OT_LOG_WARN, "sim",
			       "phone '%s': state is in use by another process (run tapisrv to share "
			       "phones between processes)",
			       ph->name);
			return PHONEERR_INUSE;
		}
		return r == -ENOMEM ? PHONEERR_NOMEM : PHONEERR_OPERATIONFAILED;
	}
	pthread_mutex_lock(&sim_prov.lock);
	ph->store = st;
	ph->st = state;
	ph->shadow = shadow;
	ph->state_buf = buf;
	ph->press = NULL;
	ph->ndown = 0;
	ph->cmd_gen = ph->saved_gen = 0;
	ph->suspended = ph->disconnected = 0;
	ph->open = 1;
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}

/* Every request has completed (the kit saw to that). */
void sim_close(struct otsp_phone *kp)
{
	struct sim_phone *ph = sim_of(kp);
	struct sim_store *st;
	struct sim_state *state, *shadow;
	unsigned char *buf;
	struct sim_press *press;
	int unsaved;

	/* The order lock: a button release the timer decided on is out before the phone goes. */
	pthread_mutex_lock(&sim_prov.order);
	pthread_mutex_lock(&sim_prov.lock);
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
	pthread_mutex_unlock(&sim_prov.lock);
	pthread_mutex_unlock(&sim_prov.order);
	/* What commands changed since the last state file ("hook") is saved now. */
	if (unsaved && sim_store_is_durable(st) && buf)
		sim_store_save_state(st, buf, sim_state_encode(&ph->dev, state, buf));
	sim_store_close(st);
	free_device_state(state, shadow, buf, press);
}

/* ---- data ----------------------------------------------------------------------------------- */

/* A durable write reads its bytes twice, for the journal record's checksum and for the record
 * itself, while tapisrv may hand over a buffer its client can still write (a reusable memfd,
 * docs/protocol.md): the write takes its own copy first, so that the record is always whole.
 * The copy is made before any lock is taken (16 MiB take milliseconds). A phone that is not
 * durable reads the engine's bytes once, when it applies them. */
LONG sim_set_data(struct otsp_phone *kp, struct otsp_request *rq)
{
	struct sim_phone *ph = sim_of(kp);
	LONG r;

	pthread_mutex_lock(&sim_prov.lock);
	r = sim_link_check(ph);
	pthread_mutex_unlock(&sim_prov.lock);
	if (r || !ph->durable || !rq->u.data.size)
		return r;
	rq->priv = ot_malloc(rq->u.data.size);
	if (!rq->priv)
		return PHONEERR_NOMEM;
	ot_copy(rq->priv, rq->u.data.data, rq->u.data.size);
	return 0;
}

LONG sim_get_data(struct otsp_phone *kp, DWORD id, void *data, DWORD size)
{
	struct sim_phone *ph = sim_of(kp);
	struct sim_store *st;
	LONG r;

	pthread_mutex_lock(&sim_prov.lock);
	r = sim_link_check(ph);
	st = ph->store;
	pthread_mutex_unlock(&sim_prov.lock);
	if (r)
		return r;
	/* The kit keeps the phone open (and so the store) until we return. */
	sim_store_read(st, id, data, size);
	return 0;
}
