/* SPDX-License-Identifier: MIT */
/* sim.c — the sim service provider: simulated phones, each a whole TAPI phone device (display,
 * buttons and lamps, hookswitch devices with volume and gain, ringer, data areas) whose data
 * areas and device state are kept by store.c and whose device model is device.c. Built on the
 * provider kit (otsp.h), which owns the TSPI functions and everything every provider shares.
 *
 * The provider's files (sim.h says what they share):
 *   sim.c         the provider's table of operations, its start and stop (the timer thread),
 *                 and the helpers every file uses
 *   config.c      one phone's configuration (data_areas, durable and the device keys) and its
 *                 description for PHONECAPS
 *   phone.c       one phone's open and close (its store and device state), status and data
 *   parts.c       the device's parts: display, lamps, buttons, hookswitch, ring, volume, gain
 *   requests.c    run(): committing, applying and completing a phone's requests
 *   devspecific.c the dev-specific commands' effects, and the timer thread (button auto-release)
 *   device.c, store.c, commands.c: the device model, durable storage and command parser
 *                 (pure or TSPI-free; see their headers).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>

#include "sim.h"

struct sim_provider sim_prov = {
	.order = PTHREAD_MUTEX_INITIALIZER,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

void sim_send_events(struct sim_phone *ph, const struct sim_events *ev)
{
	unsigned i;

	for (i = 0; i < ev->n; i++)
		otsp_phone_event(ph->kp, PHONE_STATE, ev->state[i], ev->param[i], 0);
}

LONG sim_link_check(const struct sim_phone *ph)
{
	return ph->suspended || ph->disconnected ? (LONG)PHONEERR_INVALPHONESTATE : 0;
}

static LONG sim_init(void)
{
	pthread_condattr_t attr;
	int r;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	r = pthread_cond_init(&sim_prov.tick, &attr);
	pthread_condattr_destroy(&attr);
	if (r != 0)
		return LINEERR_RESOURCEUNAVAIL;
	sim_prov.stop = 0;
	r = otsp_thread_start(&sim_prov.timer, sim_timer_main, NULL, "sim-timer");
	if (r != 0) {
		pthread_cond_destroy(&sim_prov.tick);
		return r == EAGAIN ? LINEERR_RESOURCEUNAVAIL : LINEERR_OPERATIONFAILED;
	}
	return 0;
}

static void sim_shutdown(void)
{
	pthread_mutex_lock(&sim_prov.lock);
	sim_prov.stop = 1;
	pthread_cond_signal(&sim_prov.tick);
	pthread_mutex_unlock(&sim_prov.lock);
	pthread_join(sim_prov.timer, NULL);
	pthread_cond_destroy(&sim_prov.tick);
}

static const struct otsp_provider sim_provider = {
	.abi_version = OTSP_ABI_VERSION,
	.name = "sim",
	.info = "OpenTAPI simulated phone provider",
	.tspi_low = SIM_TSPI_LOW,
	.tspi_high = SIM_TSPI_HIGH,
	.phone_size = sizeof(struct sim_phone),
	.workers = SIM_COMMITTERS,
	.init = sim_init,
	.shutdown = sim_shutdown,
	.configure = sim_configure,
	.destroy = sim_destroy,
	.open = sim_open,
	.close = sim_close,
	.get_status = sim_get_status,
	.set_data = sim_set_data,
	.set_display = sim_set_display,
	.set_lamp = sim_set_lamp,
	.set_button_info = sim_set_button_info,
	.set_hook_switch = sim_set_hook_switch,
	.set_ring = sim_set_ring,
	.set_volume = sim_set_volume,
	.set_gain = sim_set_gain,
	.dev_specific = sim_dev_specific,
	.run = sim_run,
	.get_data = sim_get_data,
	.get_display = sim_get_display,
	.get_lamp = sim_get_lamp,
	.get_button_info = sim_get_button_info,
	.get_hook_switch = sim_get_hook_switch,
	.get_ring = sim_get_ring,
	.get_volume = sim_get_volume,
	.get_gain = sim_get_gain,
};

OTSP_PROVIDER(sim_provider);
