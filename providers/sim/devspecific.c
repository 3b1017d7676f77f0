/* SPDX-License-Identifier: MIT */
/* devspecific.c — the sim's dev-specific commands (phoneDevSpecific, `phonectl sim`) and the
 * timer thread.
 *
 * Owns: the effect of each command parsed by commands.c (suspend, resume, disconnect, connect,
 * hold-replies, release-replies, press, release, hook, remove) and the messages that tell of
 * it, the buttons held down, and the timer thread that releases buttons nobody released.
 * A command takes effect and sends its messages inside its call; its reply waits its turn
 * behind the phone's earlier requests (run() completes it).
 * Must not: let a button's messages go out of order: commands and the timer hold
 * sim_prov.order from the moment they change a button or hookswitch until its message is out.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "sim.h"

/* A pressed button that is not released within this time is released by the provider: every
 * down is followed by an up (PHONE_BUTTON rule). */
#define SIM_AUTO_RELEASE_MS 1000

/* Messages a command sends, in order. */
struct outbox {
	unsigned n;
	struct {
		DWORD msg, p1, p2, p3;
	} m[SIM_MAX_BUTTONS + SIM_MAX_EVENTS];
};

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

/* Whether "press" holds button id down. sim_prov.lock held. */
int sim_button_down(const struct sim_phone *ph, uint32_t id)
{
	return ph->press && ph->press[id].down;
}

/* ---- dev-specific commands ------------------------------------------------------------------ */

/* The effect of a command, with sim_prov.lock held: changes the phone and lists the messages
 * that tell of it. Returns 0 or the PHONEERR_ that refuses the command (nothing changed then).
 * What the kit does for a command (hold, release, remove) is left to the caller. */
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
	case SIM_CMD_RELEASE_REPLIES:
		break; /* the kit's: see sim_dev_specific */
	case SIM_CMD_PRESS:
	case SIM_CMD_RELEASE:
		/* A dummy position is a lamp without a button: there is nothing to press. */
		if (id >= d->num_buttons || d->buttons[id].mode == PHONEBUTTONMODE_DUMMY)
			return PHONEERR_INVALBUTTONLAMPID;
		if (!linked)
			return PHONEERR_INVALPHONESTATE;
		if (sim_button_down(ph, id) == (cmd->kind == SIM_CMD_PRESS))
			return PHONEERR_INVALBUTTONSTATE; /* already down / already up */
		if (cmd->kind == SIM_CMD_PRESS) {
			if (!ph->press &&
			    !(ph->press = ot_calloc(d->num_buttons, sizeof(*ph->press))))
				return PHONEERR_NOMEM;
			ph->press[id].down = 1;
			now_plus(&ph->press[id].deadline, SIM_AUTO_RELEASE_MS);
			ph->ndown++;
			pthread_cond_signal(&sim_prov.tick);
		} else {
			ph->press[id].down = 0;
			ph->ndown--;
		}
		outbox_add(box, PHONE_BUTTON, id, sim_state_button(d, ph->st, id)->mode,
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
		/* Unplugged: what is pressed comes up; the kit does the rest. */
		for (i = 0; i < d->num_buttons && ph->ndown; i++) {
			if (!ph->press[i].down)
				continue;
			ph->press[i].down = 0;
			ph->ndown--;
			outbox_add(box, PHONE_BUTTON, i, sim_state_button(d, ph->st, i)->mode,
				   PHONEBUTTONSTATE_UP);
		}
		break;
	}
	return 0;
}

/* A command from a handle with that privilege (tspi.h, OTSPI_phoneDevSpecificAs). */
LONG sim_dev_specific(struct otsp_phone *kp, struct otsp_request *rq)
{
	struct sim_phone *ph = sim_of(kp);
	const void *params = rq->u.dev_specific.params;
	struct sim_command cmd;
	struct outbox box;
	unsigned i;
	LONG r;

	if (sim_command_parse(params, params ? rq->u.dev_specific.size : 0, &cmd) < 0)
		return PHONEERR_INVALPARAM;
	if (sim_command_needs_owner(cmd.kind) && rq->u.dev_specific.privilege != PHONEPRIVILEGE_OWNER)
		return PHONEERR_NOTOWNER; /* a monitor never disturbs the owner */
	box.n = 0;
	/* The order lock until the messages are out: the timer's release of the same button
	 * cannot come between. */
	pthread_mutex_lock(&sim_prov.order);
	pthread_mutex_lock(&sim_prov.lock);
	r = command_effect(ph, &cmd, &box);
	pthread_mutex_unlock(&sim_prov.lock);
	for (i = 0; r == 0 && i < box.n; i++)
		otsp_phone_event(kp, box.m[i].msg, box.m[i].p1, box.m[i].p2, box.m[i].p3);
	/* Held requests were issued before a release: they complete first. A hold starts after
	 * this command's own reply is placed (the kit does not hold the request that starts it). */
	if (r == 0 && (cmd.kind == SIM_CMD_HOLD_REPLIES || cmd.kind == SIM_CMD_RELEASE_REPLIES))
		otsp_phone_hold(kp, cmd.kind == SIM_CMD_HOLD_REPLIES);
	else if (r == 0 && cmd.kind == SIM_CMD_REMOVE)
		otsp_phone_remove(kp);
	pthread_mutex_unlock(&sim_prov.order);
	return r;
}

/* A button that has been down for SIM_AUTO_RELEASE_MS; else *next gets the earliest deadline
 * (and *have_next is set). */
static struct sim_phone *release_due(const struct timespec *now, uint32_t *id,
				     struct timespec *next, int *have_next)
{
	DWORD i;
	uint32_t b;

	for (i = 0; i < otsp_phone_count(); i++) {
		struct sim_phone *ph = sim_of(otsp_phone_at(i));

		if (!ph->open || !ph->ndown)
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

/* Releases buttons nobody released. Holds the order lock (then sim_prov.lock) while it changes
 * a button and sends its message, like a command does. */
void *sim_timer_main(void *arg)
{
	pthread_mutex_lock(&sim_prov.order);
	pthread_mutex_lock(&sim_prov.lock);
	while (!sim_prov.stop) {
		struct timespec now, next;
		struct sim_phone *ph;
		int have_next = 0;
		uint32_t id;

		clock_gettime(CLOCK_MONOTONIC, &now);
		ph = release_due(&now, &id, &next, &have_next);
		if (ph) {
			DWORD mode = sim_state_button(&ph->dev, ph->st, id)->mode;

			ph->press[id].down = 0;
			ph->ndown--;
			pthread_mutex_unlock(&sim_prov.lock);
			otsp_phone_event(ph->kp, PHONE_BUTTON, id, mode, PHONEBUTTONSTATE_UP);
			pthread_mutex_lock(&sim_prov.lock);
			continue;
		}
		/* Sleep without the order lock: commands must not wait for our timeout. */
		pthread_mutex_unlock(&sim_prov.order);
		if (have_next)
			pthread_cond_timedwait(&sim_prov.tick, &sim_prov.lock, &next);
		else
			pthread_cond_wait(&sim_prov.tick, &sim_prov.lock);
		pthread_mutex_unlock(&sim_prov.lock);
		pthread_mutex_lock(&sim_prov.order);
		pthread_mutex_lock(&sim_prov.lock);
	}
	pthread_mutex_unlock(&sim_prov.lock);
	pthread_mutex_unlock(&sim_prov.order);
	return arg;
}
