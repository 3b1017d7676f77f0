/* SPDX-License-Identifier: MIT */
/* devspecific.c — the sim's dev-specific commands (phoneDevSpecific, `phonectl sim`) and the
 * timer thread.
 *
 * Owns: the effect of each command parsed by commands.c (suspend, resume, disconnect, connect,
 * hold-replies, release-replies, press, release, hook, remove) and the messages that tell of
 * it, the buttons held down, and the timer thread that releases buttons nobody released and
 * announces removals (PHONE_REMOVE) once the phone is idle.
 * Must not: send a command's messages out of order: commands and the timer hold cb_lock from
 * the moment they change a button or hookswitch until its message is out.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "log.h"
#include "sim.h"

/* A pressed button that is not released within this time is released by the provider: every
 * down is followed by an up (PHONE_BUTTON rule). */
#define SIM_AUTO_RELEASE_MS 1000

/* How long the timer waits before it looks again at a removal whose reply is still on its way. */
#define SIM_REMOVE_RETRY_MS 5

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

/* Hands the removal to the timer thread, which sends PHONE_REMOVE once the phone is idle. */
void sim_post_remove(struct sim_phone *ph)
{
	pthread_mutex_lock(&sim_prov.lock);
	ph->remove_pending = 1;
	pthread_cond_signal(&sim_prov.tick);
	pthread_mutex_unlock(&sim_prov.lock);
}

/* The effect of a command, with cb_lock and sim_prov.lock held: changes the phone and lists the
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
		sim_list_splice(&ph->q, &ph->held);
		break;
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
		/* Unplugged: what is pressed comes up, what is held completes, and after this
		 * command's reply the timer tells the engine. */
		for (i = 0; i < d->num_buttons && ph->ndown; i++) {
			if (!ph->press[i].down)
				continue;
			ph->press[i].down = 0;
			ph->ndown--;
			outbox_add(box, PHONE_BUTTON, i, sim_state_button(d, ph->st, i)->mode,
				   PHONEBUTTONSTATE_UP);
		}
		ph->removed = 1;
		ph->holding = 0;
		sim_list_splice(&ph->q, &ph->held);
		break;
	}
	return 0;
}

/* A command from a handle with that privilege (tspi.h, OTSPI_phoneDevSpecificAs). */
static LONG dev_specific(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone, LPVOID lpParams,
			 DWORD dwSize, DWORD privilege)
{
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
	struct sim_command cmd;
	struct outbox box;
	struct sim_item *it;
	int now, wake = 0;
	unsigned i;
	LONG r;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (sim_command_parse(lpParams, lpParams ? dwSize : 0, &cmd) < 0)
		return PHONEERR_INVALPARAM;
	if (sim_command_needs_owner(cmd.kind) && privilege != PHONEPRIVILEGE_OWNER)
		return PHONEERR_NOTOWNER; /* a monitor never disturbs the owner */
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
	pthread_mutex_lock(&sim_prov.cb_lock);
	r = lock_open(ph, 0);
	if (r == 0) {
		r = command_effect(ph, &cmd, &box);
		if (r)
			pthread_mutex_unlock(&sim_prov.lock);
	}
	if (r) {
		pthread_mutex_unlock(&sim_prov.cb_lock);
		ot_free(it);
		return r;
	}
	/* Nothing ahead of us: the reply now. Else it waits its turn. */
	now = !ph->holding && !ph->q.head && !ph->busy;
	if (now)
		ph->busy = 1;
	else
		wake = sim_enqueue(ph, it); /* before holding starts: its own reply is not held */
	if (cmd.kind == SIM_CMD_HOLD_REPLIES)
		ph->holding = 1;
	if (box.n)
		ph->users++;
	pthread_mutex_unlock(&sim_prov.lock);
	if (wake)
		pthread_cond_signal(&sim_prov.wake);
	for (i = 0; i < box.n; i++)
		ph->event_proc(ph->ht, box.m[i].msg, box.m[i].p1, box.m[i].p2, box.m[i].p3);
	pthread_mutex_unlock(&sim_prov.cb_lock);
	if (box.n)
		sim_end_use(ph);
	if (now) {
		ot_free(it);
		sim_complete(dwRequestID, 0);
		if (cmd.kind == SIM_CMD_REMOVE)
			sim_post_remove(ph);
		sim_end_busy(ph);
	}
	return (LONG)dwRequestID;
}

/* The engine calls this one (it knows the caller's privilege). */
SIM_EXPORT LONG TSPIAPI OTSPI_phoneDevSpecificAs(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
						 LPVOID lpParams, DWORD dwSize, DWORD dwPrivilege)
{
	return dev_specific(dwRequestID, hdPhone, lpParams, dwSize, dwPrivilege);
}

/* A host that knows no privileges (a plain TSPI host) is the phone's owner. */
SIM_EXPORT LONG TSPIAPI TSPI_phoneDevSpecific(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					      LPVOID lpParams, DWORD dwSize)
{
	return dev_specific(dwRequestID, hdPhone, lpParams, dwSize, PHONEPRIVILEGE_OWNER);
}

/* ---- the timer ------------------------------------------------------------------------------ */

/* The phone whose removal is to be announced now: idle, so that an engine that closes it at
 * once finds nothing in flight. *retry is set when one is pending but not idle yet. */
static struct sim_phone *removal_due(int *retry)
{
	DWORD i;

	for (i = 0; i < sim_phone_count(); i++) {
		struct sim_phone *ph = sim_phone_at(i);

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
	DWORD i;
	uint32_t b;

	for (i = 0; i < sim_phone_count(); i++) {
		struct sim_phone *ph = sim_phone_at(i);

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

/* Releases buttons nobody released and announces removals. Holds cb_lock (then sim_prov.lock) while
 * it changes a button and sends its message, like a command does. */
void *sim_timer_main(void *arg)
{
	pthread_mutex_lock(&sim_prov.cb_lock);
	pthread_mutex_lock(&sim_prov.lock);
	while (!sim_prov.stop) {
		struct timespec now, next;
		struct sim_phone *ph;
		int retry = 0, have_next = 0;
		uint32_t id;

		ph = removal_due(&retry);
		if (ph) {
			PHONEEVENT proc = sim_prov.create_proc;
			DWORD dev = ph->device_id;

			ph->remove_pending = 0;
			pthread_mutex_unlock(&sim_prov.lock);
			if (proc)
				proc(NULL, PHONE_REMOVE, dev, 0, 0);
			else
				ot_log(OT_LOG_WARN, "sim", "phone %u removed, but there is nobody "
				       "to tell (no PHONEEVENT from TSPI_providerEnumDevices)",
				       (unsigned)dev);
			pthread_mutex_lock(&sim_prov.lock);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		ph = release_due(&now, &id, &next, &have_next);
		if (ph) {
			DWORD mode = sim_state_button(&ph->dev, ph->st, id)->mode;

			ph->press[id].down = 0;
			ph->ndown--;
			ph->users++;
			pthread_mutex_unlock(&sim_prov.lock);
			ph->event_proc(ph->ht, PHONE_BUTTON, id, mode, PHONEBUTTONSTATE_UP);
			pthread_mutex_lock(&sim_prov.lock);
			if (--ph->users == 0 && ph->closing)
				pthread_cond_broadcast(&sim_prov.idle);
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
		pthread_mutex_unlock(&sim_prov.cb_lock);
		if (have_next)
			pthread_cond_timedwait(&sim_prov.tick, &sim_prov.lock, &next);
		else
			pthread_cond_wait(&sim_prov.tick, &sim_prov.lock);
		pthread_mutex_unlock(&sim_prov.lock);
		pthread_mutex_lock(&sim_prov.cb_lock);
		pthread_mutex_lock(&sim_prov.lock);
	}
	pthread_mutex_unlock(&sim_prov.lock);
	pthread_mutex_unlock(&sim_prov.cb_lock);
	return arg;
}
