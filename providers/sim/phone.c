/* SPDX-License-Identifier: MIT */
/* phone.c — one simulated phone as TSPI sees it: capabilities, status, open and close, data.
 *
 * Owns: TSPI_phoneNegotiateTSPIVersion, TSPI_phoneGetDevCaps, TSPI_phoneGetStatus,
 * TSPI_phoneSetStatusMessages, TSPI_phoneOpen/Close (the store and the device state of an open
 * phone), TSPI_phoneSetData and TSPI_phoneGetData.
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
#include "varstruct.h"

#define SIM_PROVIDER_INFO "OpenTAPI simulated phone provider"

/* ---- capabilities and status -------------------------------------------------------------- */

/* A configured phone that was not removed: BADDEVICEID for IDs never had, NODEVICE after
 * "remove" or after the phone was replaced (until the provider shuts down). */
static LONG phone_present(DWORD id, struct sim_phone **out)
{
	struct sim_phone *ph = sim_phone_by_id(id);
	int removed;

	if (!ph)
		return PHONEERR_BADDEVICEID;
	pthread_mutex_lock(&sim_prov.lock);
	removed = ph->removed;
	pthread_mutex_unlock(&sim_prov.lock);
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
	if (sim_negotiate(dwLowVersion, dwHighVersion, lpdwTSPIVersion) < 0)
		return PHONEERR_INCOMPATIBLEAPIVERSION;
	return 0;
}

/* Appends display cells as UTF-8 text with its NUL, by the rules of ot_var_append (whole or not
 * at all, dwNeededSize always counts it) but encoding straight into the structure. */
void sim_append_display(void *st, size_t size_field, const uint32_t *cells, size_t n)
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

	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwPermanentPhoneID), c->permanent_id);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwStringFormat), STRINGFORMAT_ASCII);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwPhoneStates),
		  sim_device_states(d, dwTSPIVersion));
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwHookSwitchDevs), d->hook_devs);
	for (i = 0; i < SIM_NUM_HOOK; i++) {
		/* A mode that is not monitored reads as UNKNOWN: the device can report that too. */
		uint32_t unknown = d->hook_monitored[i] != d->hook_modes[i]
					   ? PHONEHOOKSWITCHMODE_UNKNOWN
					   : 0;

		if (!(d->hook_devs & (1u << i)))
			continue;
		ot_var_set_fixed(lpPhoneCaps, fixed, modes_field[i], d->hook_modes[i] | unknown);
		ot_var_set_fixed(lpPhoneCaps, fixed, settable_field[i], d->hook_settable[i]);
		ot_var_set_fixed(lpPhoneCaps, fixed, monitored_field[i], d->hook_monitored[i] | unknown);
	}
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwVolumeFlags), d->volume_devs);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwGainFlags), d->gain_devs);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwDisplayNumRows), d->rows);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwDisplayNumColumns), d->cols);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwNumRingModes), d->ring_modes);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwNumButtonLamps), d->num_buttons);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwNumSetData), c->num_areas);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwNumGetData), c->num_areas);
	ot_var_set_fixed(lpPhoneCaps, fixed, offsetof(PHONECAPS, dwPhoneFeatures),
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
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
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
		sim_append_display(lpPhoneStatus, offsetof(PHONESTATUS, dwDisplaySize), ph->st->display,
			       (size_t)d->rows * d->cols);
	ot_var_set_fixed(lpPhoneStatus, fixed, offsetof(PHONESTATUS, dwPhoneFeatures), features);
	pthread_mutex_unlock(&sim_prov.lock);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetStatusMessages(HDRVPHONE hdPhone, DWORD dwPhoneStates,
						    DWORD dwButtonModes, DWORD dwButtonStates)
{
	/* PHONE_STATE goes out for every change; the engine filters per handle. */
	return sim_phone_by_handle(hdPhone) ? 0 : PHONEERR_INVALPHONEHANDLE;
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
	struct sim_phone *ph = sim_phone_by_id(dwDeviceID);
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

	pthread_mutex_lock(&sim_prov.lock);
	if (!sim_prov.initialised) {
		pthread_mutex_unlock(&sim_prov.lock);
		return PHONEERR_OPERATIONFAILED;
	}
	if (ph->removed) {
		pthread_mutex_unlock(&sim_prov.lock);
		return PHONEERR_NODEVICE;
	}
	if (ph->open || ph->opening) {
		pthread_mutex_unlock(&sim_prov.lock);
		return PHONEERR_ALLOCATED;
	}
	ph->opening = 1;
	pthread_mutex_unlock(&sim_prov.lock);

	/* Opening the store does file I/O (recovery): outside the lock. */
	has_state = sim_device_has_state(&ph->dev);
	state = sim_state_new(&ph->dev);
	if (ph->durable && has_state) {
		/* Only a phone that writes its state file needs room to build the next one. */
		shadow = sim_state_new(&ph->dev);
		buf = ot_malloc(sim_state_encoded_max(&ph->dev));
	}
	sp.state_dir = sim_prov.state_dir;
	sp.name = ph->name;
	sp.area_sizes = ph->caps.area_sizes;
	sp.num_areas = ph->caps.num_areas;
	sp.durable = ph->durable;
	sp.has_state = has_state;
	if (!state || (ph->durable && has_state && (!shadow || !buf))) {
		r = -ENOMEM;
	} else if (ph->durable && (ph->caps.num_areas || has_state) &&
		   (!sim_prov.state_dir || !*sim_prov.state_dir)) {
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

	pthread_mutex_lock(&sim_prov.lock);
	ph->opening = 0;
	if (r < 0) {
		pthread_mutex_unlock(&sim_prov.lock);
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
	pthread_mutex_unlock(&sim_prov.lock);
	*lphdPhone = (HDRVPHONE)(uintptr_t)(ph->index + 1);
	return 0;
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneClose(HDRVPHONE hdPhone)
{
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
	struct sim_store *st;
	struct sim_state *state, *shadow;
	unsigned char *buf;
	struct sim_press *press;
	int unsaved;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	pthread_mutex_lock(&sim_prov.lock);
	if (!ph->open || ph->closing) {
		pthread_mutex_unlock(&sim_prov.lock);
		return PHONEERR_INVALPHONEHANDLE;
	}
	/* Everything accepted completes before we return, held requests included. */
	ph->closing = 1;
	ph->holding = 0;
	sim_list_splice(&ph->q, &ph->held);
	if (sim_schedule(ph))
		pthread_cond_signal(&sim_prov.wake);
	while (ph->q.head || ph->busy || ph->users)
		pthread_cond_wait(&sim_prov.idle, &sim_prov.lock);
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
	pthread_mutex_unlock(&sim_prov.lock);
	/* What commands changed since the last state file ("hook") is saved now. */
	if (unsaved && sim_store_is_durable(st) && buf)
		sim_store_save_state(st, buf, sim_state_encode(&ph->dev, state, buf));
	sim_store_close(st);
	free_device_state(state, shadow, buf, press);
	return 0;
}

/* ---- data ----------------------------------------------------------------------------------- */

SIM_EXPORT LONG TSPIAPI TSPI_phoneSetData(DRV_REQUESTID dwRequestID, HDRVPHONE hdPhone,
					  DWORD dwDataID, LPVOID const lpData, DWORD dwSize)
{
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
	struct sim_item req;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (dwDataID >= ph->caps.num_areas)
		return PHONEERR_INVALDATAID;
	if (dwSize > ph->caps.area_sizes[dwDataID] || (dwSize && !lpData))
		return PHONEERR_INVALPARAM;

	memset(&req, 0, sizeof(req));
	req.kind = ITEM_WRITE;
	req.w.area = dwDataID;
	req.w.len = dwSize;
	req.w.data = lpData;
	if (ph->durable)
		return submit_copy(dwRequestID, ph, &req);
	return submit(dwRequestID, ph, &req, 0);
}

/* A durable write reads its bytes twice, for the journal record's checksum and for the record
 * itself, while tapisrv may hand over a buffer its client can still write (a reusable memfd,
 * docs/protocol.md): the write takes its own copy first, so that the record is always whole.
 * The copy is made before the provider's lock is taken (16 MiB take milliseconds). */
LONG submit_copy(DRV_REQUESTID id, struct sim_phone *ph, const struct sim_item *req)
{
	struct sim_item *it = ot_malloc(sizeof(*it) + req->w.len);

	if (!it)
		return PHONEERR_NOMEM;
	*it = *req;
	if (req->w.len)
		ot_copy(it + 1, req->w.data, req->w.len);
	it->w.data = it + 1;
	return submit(id, ph, it, 1);
}

SIM_EXPORT LONG TSPIAPI TSPI_phoneGetData(HDRVPHONE hdPhone, DWORD dwDataID, LPVOID lpData,
					  DWORD dwSize)
{
	struct sim_phone *ph = sim_phone_by_handle(hdPhone);
	struct sim_store *st;

	if (!ph)
		return PHONEERR_INVALPHONEHANDLE;
	if (dwDataID >= ph->caps.num_areas)
		return PHONEERR_INVALDATAID;
	if (dwSize && !lpData)
		return PHONEERR_INVALPOINTER;

	pthread_mutex_lock(&sim_prov.lock);
	if (!ph->open || ph->closing || ph->removed) {
		pthread_mutex_unlock(&sim_prov.lock);
		return PHONEERR_INVALPHONEHANDLE;
	}
	if (ph->suspended || ph->disconnected) {
		pthread_mutex_unlock(&sim_prov.lock);
		return PHONEERR_INVALPHONESTATE;
	}
	ph->users++;
	st = ph->store;
	pthread_mutex_unlock(&sim_prov.lock);

	sim_store_read(st, dwDataID, lpData, dwSize);

	sim_end_use(ph);
	return 0;
}
