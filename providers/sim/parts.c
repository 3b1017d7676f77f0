/* SPDX-License-Identifier: MIT */
/* parts.c — the parts of a simulated phone: display, lamps, buttons, hookswitch, ring, volume
 * and gain.
 *
 * Owns: their getters (read from the live device state under sim_prov.lock) and the checks of
 * their setters (against the device, by device.c), which turn each request into a change
 * (rq->priv) that run() applies.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "sim.h"
#include "varstruct.h"

/* ---- setters: a change for run() ------------------------------------------------------------ */

/* Gives rq a change with room for n display cells after it, once the phone can take it: linked,
 * and (device.c) with whatever memory applying it takes had now, while the request can still
 * fail. Returns 0 with *out, or the error (nothing allocated then). */
static LONG new_change(struct otsp_request *rq, enum sim_change_kind kind, uint32_t a, uint32_t b,
		       size_t n, struct sim_change **out)
{
	struct sim_phone *ph = sim_of(rq->phone);
	struct sim_change *c = ot_malloc(sizeof(*c) + n * sizeof(uint32_t));
	LONG r;

	if (!c)
		return PHONEERR_NOMEM;
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->a = a;
	c->b = b;
	c->cells = (const uint32_t *)(c + 1);
	pthread_mutex_lock(&sim_prov.lock);
	r = sim_link_check(ph);
	if (r == 0 && sim_state_prepare(&ph->dev, ph->st, c) < 0)
		r = PHONEERR_NOMEM;
	pthread_mutex_unlock(&sim_prov.lock);
	if (r) {
		ot_free(c);
		return r;
	}
	rq->priv = c;
	*out = c;
	return 0;
}

static LONG change(struct otsp_request *rq, enum sim_change_kind kind, uint32_t a, uint32_t b)
{
	struct sim_change *c;

	return new_change(rq, kind, a, b, 0, &c);
}

/* The display is one run of rows*cols cells: text goes on into the next row and what does not
 * fit before the end of the display is dropped. (The kit checked row, column and size.) */
LONG sim_set_display(struct otsp_phone *kp, struct otsp_request *rq)
{
	const struct sim_device *d = &sim_of(kp)->dev;
	size_t start = (size_t)rq->u.display.row * d->cols + rq->u.display.column;
	size_t room = (size_t)d->rows * d->cols - start, units = rq->u.display.size / 2;
	size_t n = units < room ? units : room;
	struct sim_change *c;
	LONG r = new_change(rq, SIM_SET_DISPLAY, (uint32_t)start, 0, n, &c);

	if (r == 0)
		c->ncells = (uint32_t)sim_utf16_to_cells(rq->u.display.text, units,
							 (uint32_t *)(c + 1), n);
	return r;
}

LONG sim_set_lamp(struct otsp_phone *kp, struct otsp_request *rq)
{
	LONG r = sim_check_lamp(&sim_of(kp)->dev, rq->u.lamp.id, rq->u.lamp.mode);

	return r ? r : change(rq, SIM_SET_LAMP, rq->u.lamp.id, rq->u.lamp.mode);
}

LONG sim_set_button_info(struct otsp_phone *kp, struct otsp_request *rq)
{
	const PHONEBUTTONINFO *info = rq->u.button.info;
	uint32_t total, mode, function, size, offset;
	struct sim_change *c;
	LONG r;

	if (!info)
		return PHONEERR_INVALPOINTER;
	total = ot_var_get(info, offsetof(PHONEBUTTONINFO, dwTotalSize));
	if (total < BUTTONINFO_SIZE_13)
		return PHONEERR_STRUCTURETOOSMALL;
	mode = ot_var_get(info, offsetof(PHONEBUTTONINFO, dwButtonMode));
	function = ot_var_get(info, offsetof(PHONEBUTTONINFO, dwButtonFunction));
	r = sim_check_button(&sim_of(kp)->dev, rq->u.button.id, mode, function);
	if (r)
		return r;
	/* The text must lie inside the structure the caller describes. */
	size = ot_var_get(info, offsetof(PHONEBUTTONINFO, dwButtonTextSize));
	offset = ot_var_get(info, offsetof(PHONEBUTTONINFO, dwButtonTextOffset));
	if (size && (offset > total || size > total - offset))
		return PHONEERR_STRUCTURETOOSMALL;
	r = new_change(rq, SIM_SET_BUTTON, rq->u.button.id, 0, 0, &c);
	if (r)
		return r;
	c->button.mode = mode;
	c->button.function = function;
	sim_text_clean((const char *)info + offset, size, c->button.text);
	return 0;
}

LONG sim_set_hook_switch(struct otsp_phone *kp, struct otsp_request *rq)
{
	LONG r = sim_check_hook(&sim_of(kp)->dev, rq->u.hook.devs, rq->u.hook.mode);

	return r ? r : change(rq, SIM_SET_HOOK, rq->u.hook.devs, rq->u.hook.mode);
}

static uint32_t level(DWORD value)
{
	return value > SIM_LEVEL_MAX ? SIM_LEVEL_MAX : value;
}

LONG sim_set_ring(struct otsp_phone *kp, struct otsp_request *rq)
{
	LONG r = sim_check_ring(&sim_of(kp)->dev, rq->u.ring.mode);

	return r ? r : change(rq, SIM_SET_RING, rq->u.ring.mode, level(rq->u.ring.volume));
}

static LONG set_level(struct otsp_phone *kp, struct otsp_request *rq, int gain)
{
	int i;
	LONG r = sim_check_level(&sim_of(kp)->dev, rq->u.level.dev, gain, &i);

	return r ? r : change(rq, gain ? SIM_SET_GAIN : SIM_SET_VOLUME, (uint32_t)i,
			      level(rq->u.level.level));
}

LONG sim_set_volume(struct otsp_phone *kp, struct otsp_request *rq)
{
	return set_level(kp, rq, 0);
}

LONG sim_set_gain(struct otsp_phone *kp, struct otsp_request *rq)
{
	return set_level(kp, rq, 1);
}

/* ---- getters -------------------------------------------------------------------------------- */

/* Takes sim_prov.lock for a phone that can answer: 0 with the lock held, or the error. */
static LONG lock_linked(const struct sim_phone *ph)
{
	LONG r;

	pthread_mutex_lock(&sim_prov.lock);
	r = sim_link_check(ph);
	if (r)
		pthread_mutex_unlock(&sim_prov.lock);
	return r;
}

LONG sim_get_display(struct otsp_phone *kp, char *text, size_t size)
{
	struct sim_phone *ph = sim_of(kp);
	LONG r = lock_linked(ph);

	if (r)
		return r;
	sim_display_text(ph, text, size);
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}

LONG sim_get_lamp(struct otsp_phone *kp, DWORD id, LPDWORD mode)
{
	struct sim_phone *ph = sim_of(kp);
	LONG r;

	if (id >= ph->dev.num_buttons)
		return PHONEERR_INVALBUTTONLAMPID;
	if (!mode)
		return PHONEERR_INVALPOINTER;
	if ((r = lock_linked(ph)) != 0)
		return r;
	*mode = ph->st->lamps[id];
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}

LONG sim_get_button_info(struct otsp_phone *kp, DWORD id, LPPHONEBUTTONINFO info)
{
	struct sim_phone *ph = sim_of(kp);
	struct sim_button b;
	uint32_t fixed, state;
	LONG r;

	if (id >= ph->dev.num_buttons)
		return PHONEERR_INVALBUTTONLAMPID;
	if (!info)
		return PHONEERR_INVALPOINTER;
	fixed = ot_var_get(info, offsetof(PHONEBUTTONINFO, dwUsedSize));
	if (fixed < BUTTONINFO_SIZE_13 || fixed > sizeof(PHONEBUTTONINFO) ||
	    ot_var_get(info, offsetof(PHONEBUTTONINFO, dwTotalSize)) < fixed)
		return PHONEERR_STRUCTURETOOSMALL;
	if ((r = lock_linked(ph)) != 0)
		return r;
	b = *sim_state_button(&ph->dev, ph->st, id);
	state = b.mode == PHONEBUTTONMODE_DUMMY ? PHONEBUTTONSTATE_UNAVAIL
		: sim_button_down(ph, id)       ? PHONEBUTTONSTATE_DOWN
						: PHONEBUTTONSTATE_UP;
	pthread_mutex_unlock(&sim_prov.lock);

	ot_var_set(info, offsetof(PHONEBUTTONINFO, dwButtonMode), b.mode);
	ot_var_set(info, offsetof(PHONEBUTTONINFO, dwButtonFunction), b.function);
	if (b.text[0])
		ot_var_append(info, offsetof(PHONEBUTTONINFO, dwButtonTextSize), b.text,
			      (uint32_t)strlen(b.text) + 1);
	/* dwButtonState is a 1.4 field: only callers whose fixed part has it get it. */
	ot_var_set_fixed(info, fixed, offsetof(PHONEBUTTONINFO, dwButtonState), state);
	return 0;
}

LONG sim_get_hook_switch(struct otsp_phone *kp, LPDWORD devs)
{
	struct sim_phone *ph = sim_of(kp);
	LONG r;

	if (!ph->dev.hook_devs)
		return PHONEERR_OPERATIONUNAVAIL;
	if (!devs)
		return PHONEERR_INVALPOINTER;
	if ((r = lock_linked(ph)) != 0)
		return r;
	*devs = sim_state_offhook(&ph->dev, ph->st);
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}

LONG sim_get_ring(struct otsp_phone *kp, LPDWORD mode, LPDWORD volume)
{
	struct sim_phone *ph = sim_of(kp);
	LONG r;

	if (!mode || !volume)
		return PHONEERR_INVALPOINTER;
	if ((r = lock_linked(ph)) != 0)
		return r;
	*mode = ph->st->ring_mode;
	*volume = ph->st->ring_volume;
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}

static LONG get_level(struct otsp_phone *kp, DWORD dev, LPDWORD out, int gain)
{
	struct sim_phone *ph = sim_of(kp);
	int i;
	LONG r = sim_check_level(&ph->dev, dev, gain, &i);

	if (r)
		return r;
	if (!out)
		return PHONEERR_INVALPOINTER;
	if ((r = lock_linked(ph)) != 0)
		return r;
	*out = gain ? ph->st->gain[i] : ph->st->volume[i];
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}

LONG sim_get_volume(struct otsp_phone *kp, DWORD dev, LPDWORD volume)
{
	return get_level(kp, dev, volume, 0);
}

LONG sim_get_gain(struct otsp_phone *kp, DWORD dev, LPDWORD gain)
{
	return get_level(kp, dev, gain, 1);
}
