/* SPDX-License-Identifier: MIT */
/*
 * otsp.h - OpenTAPI provider kit: a phone provider is its device logic and nothing else.
 *
 * A provider built on the kit fills one table of operations (struct otsp_provider) that act on
 * its own per-phone object, and names it with OTSP_PROVIDER(). The kit (libotsp, a static
 * library linked into the provider's module) exports the TSPI_* functions of tspi.h once and
 * owns what every provider used to repeat: the phone table and HDRVPHONE handles, the
 * configuration calls (OTSPI_providerConfigure, OTSPI_providerSetOptions), phones added and
 * removed while the provider runs (TSPI_providerCreatePhoneDevice, PHONE_REMOVE), version
 * negotiation, stable identity (dwPermanentPhoneID and PermanentPhoneGuid from a name or a device
 * key), PHONECAPS and PHONESTATUS with their variable parts, open and close, the per-phone
 * request queue that completes one phone's requests in issue order, worker threads, the
 * serialisation of the engine's callbacks, and shutdown.
 *
 * The model (docs/providers/writing-a-provider.md has the whole guide):
 *   - configure(): the kit has made a phone for each [phone "..."] section; the provider parses
 *     the section's settings into its object (otsp_phone_priv) and describes the phone with
 *     otsp_phone_set_caps().
 *   - An asynchronous TSPI call (phoneSetData, SetDisplay, SetLamp, ...) becomes a struct
 *     otsp_request. The provider's operation for it (set_data, set_display, ...) runs inside the
 *     call: it checks the request against the device and does what must happen at once; 0 accepts
 *     it, an error refuses it (the application gets that error synchronously). Accepted requests
 *     queue per phone and reach run() in issue order, in batches: inside the TSPI call when the
 *     phone is idle and runs inline (otsp_phone_set_inline), else on one of the kit's worker
 *     threads. The provider completes each request with otsp_complete(), in order, from any
 *     thread, before or after run() returns; the phone's next batch waits until the last
 *     request of this one is complete.
 *   - A synchronous getter (get_data, get_lamp, ...) runs inside the call.
 *   - Events (PHONE_STATE, PHONE_BUTTON, PHONE_DEVSPECIFIC) go out with otsp_phone_event().
 *
 * An operation left NULL is a function the provider does not have: the engine answers
 * PHONEERR_OPERATIONUNAVAIL (or what TAPI documents for a provider without that function),
 * exactly as for a provider that does not export the TSPI function (the kit tells the engine
 * through OTSPI_providerImplements).
 *
 * Before an operation is called the kit has resolved the handle, checked that the phone is open
 * (PHONEERR_INVALPHONEHANDLE) and, for the data functions, the data ID (PHONEERR_INVALDATAID) and
 * size (PHONEERR_INVALPARAM, PHONEERR_INVALPOINTER) against the capabilities. The phone stays
 * open until the operation returns.
 *
 * Threads and locks: the kit holds no lock of its own while it calls an operation, and calls
 * the engine's callbacks one at a time (tspi.h's rule) under a lock that no operation ever
 * holds. A lock of yours may be held across otsp_complete or otsp_phone_event (to keep a
 * change and its message together) as long as no code that the kit waits for needs it while
 * you wait: a close waits for run() to return and for the phone's operations in progress, and
 * only then calls your close. Operations may be called from several threads at once, for
 * different phones and for the same one.
 *
 * Ownership: a request and what its arguments point to (the data of SET_DATA, the text of
 * SET_DISPLAY, the PHONEBUTTONINFO of SET_BUTTON_INFO, the params of DEV_SPECIFIC) belong to the
 * engine and stay valid until the request is completed: keep the pointers, do not copy. In
 * tapisrv the data of SET_DATA may be memory the writing application shares with the server, so
 * its bytes can change while the provider reads them (only to that application's loss); a
 * provider that reads them twice and needs both reads to agree (a checksum, then the bytes)
 * copies them, once.
 */
#ifndef OTSP_H
#define OTSP_H

#include <pthread.h>
#include <stddef.h>

#include "tspi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of struct otsp_provider a provider was written against. */
#define OTSP_ABI_VERSION 1

/* One phone of the provider: the kit's object. The provider's own part is otsp_phone_priv(). */
struct otsp_phone;

enum otsp_kind {
	OTSP_SET_DATA = 1,
	OTSP_SET_DISPLAY,
	OTSP_SET_LAMP,
	OTSP_SET_BUTTON_INFO,
	OTSP_SET_HOOK_SWITCH,
	OTSP_SET_RING,
	OTSP_SET_VOLUME,
	OTSP_SET_GAIN,
	OTSP_DEV_SPECIFIC,
};

/* One asynchronous request. The arguments are the TSPI function's, already checked as said
 * above; their pointers are the engine's (see "Ownership"). */
struct otsp_request {
	struct otsp_request *next; /* the next request of the same batch (in run()), or NULL */
	enum otsp_kind kind;
	union {
		struct { DWORD id; const void *data; DWORD size; } data;         /* SET_DATA */
		struct { DWORD row, column; LPCWSTR text; DWORD size; } display; /* SET_DISPLAY */
		struct { DWORD id, mode; } lamp;                                 /* SET_LAMP */
		struct { DWORD id; const PHONEBUTTONINFO *info; } button;        /* SET_BUTTON_INFO */
		struct { DWORD devs, mode; } hook;                               /* SET_HOOK_SWITCH */
		struct { DWORD mode, volume; } ring;                             /* SET_RING */
		struct { DWORD dev, level; } level;                      /* SET_VOLUME, SET_GAIN */
		struct { void *params; DWORD size; DWORD privilege; } dev_specific; /* DEV_SPECIFIC;
						 * privilege: PHONEPRIVILEGE_OWNER or _MONITOR */
	} u;
	struct otsp_phone *phone; /* the phone it is for */
	void *priv;    /* the provider's, from its operation to the completion (NULL at first); an
			* operation that refuses the request frees what it put here */
	LONG result;   /* the provider's to use as it likes until the completion (0 at first) */
	DRV_REQUESTID id; /* the engine's request ID */
};

/* What a phone is, for PHONECAPS. Hookswitch arrays are indexed handset, speaker, headset. */
struct otsp_caps {
	const char *name;         /* dwPhoneName (NULL: the name of its [phone "..."] section) */
	const char *info;         /* dwPhoneInfo: one line about this phone (NULL: none) */
	DWORD phone_states;       /* PHONESTATE_ messages it sends */
	DWORD features;           /* PHONEFEATURE_ bits */
	DWORD hook_devs;          /* PHONEHOOKSWITCHDEV_ bits */
	DWORD hook_modes[3], hook_settable[3], hook_monitored[3];
	DWORD volume_devs, gain_devs; /* dwVolumeFlags, dwGainFlags */
	DWORD display_rows, display_columns;
	DWORD ring_modes;
	DWORD num_buttons;        /* button/lamp IDs 0 .. num_buttons - 1 */
	const DWORD *button_modes, *button_functions, *lamp_modes; /* num_buttons each, or NULL */
	DWORD num_set_data, num_get_data;
	const DWORD *set_data_sizes, *get_data_sizes; /* bytes per data ID */
	const char *device_classes; /* NUL-separated list ending in an empty one; NULL: tapi/phone */
	DWORD max_tspi_version;   /* highest TSPI version of this phone; 0: the provider's */
};

/* What a phone is now, for PHONESTATUS: filled by the provider's get_status. */
struct otsp_status {
	DWORD flags;              /* PHONESTATUSFLAGS_ (preset: CONNECTED) */
	DWORD features;           /* PHONEFEATURE_ bits usable now (preset: the caps' features) */
	DWORD ring_mode, ring_volume;
	DWORD hook_mode[3], volume[3], gain[3]; /* handset, speaker, headset */
	DWORD *lamps;             /* the kit's: room for num_lamps lamp modes */
	DWORD num_lamps;          /* the caps' num_buttons when the call began */
	char *display;            /* the kit's: room for the display as UTF-8 and a NUL */
	size_t display_size;      /* bytes of that room (rows * columns * 4 + 1 of the caps when
				   * the call began); "" leaves dwDisplay empty */
};

/* The provider: one table, named by OTSP_PROVIDER(). Operations on a phone get the kit's phone;
 * otsp_phone_priv() is the provider's part. Unless said otherwise they return 0 or a PHONEERR_
 * value that the application receives. */
struct otsp_provider {
	unsigned abi_version;     /* OTSP_ABI_VERSION */
	const char *name;         /* for log lines and identities: "sim" */
	const char *info;         /* dwProviderInfo of every phone */
	DWORD tspi_low, tspi_high; /* the TSPI versions its phones support */
	size_t phone_size;        /* bytes of the provider's part of each phone (zeroed) */
	unsigned workers;         /* threads that run batches (0: 1; at most 64) */
	unsigned max_batch;       /* most requests in one batch (0: no limit) */

	/* Provider-wide. set_options: the [provider "NAME"] section (OTSPI_providerSetOptions),
	 * before any configure; "line N: key 'k': why" in err (PHONEERR_INIFILECORRUPT). init: the
	 * provider starts (after the phones are configured; workers are not running yet); a
	 * LINEERR_ value on failure. shutdown: the last call; every phone is closed. */
	LONG (*set_options)(const OTSPISETTING *settings, DWORD n, const char *config_path,
			    char *err, size_t errlen);
	LONG (*init)(void);
	void (*shutdown)(void);

	/* One phone. configure: parse cfg's settings into the provider's part and call
	 * otsp_phone_set_caps (a phone without it has no data areas and no parts); an error with
	 * a message in err refuses the configuration. destroy: free what configure allocated
	 * (also after a configure that failed). */
	LONG (*configure)(struct otsp_phone *ph, const OTSPIPHONECONFIG *cfg, char *err,
			  size_t errlen);
	void (*destroy)(struct otsp_phone *ph);

	/* open: the phone starts to be used (an error refuses phoneOpen). cancel: a close has
	 * begun: end work in flight early if the device allows (optional). close: every request is
	 * complete; release what open took. */
	LONG (*open)(struct otsp_phone *ph);
	void (*cancel)(struct otsp_phone *ph);
	void (*close)(struct otsp_phone *ph);
	/* get_status: fill st (the kit fills PHONESTATUS from it). */
	LONG (*get_status)(struct otsp_phone *ph, struct otsp_status *st);

	/* Asynchronous requests: accept (0) or refuse (an error) rq inside the TSPI call; an
	 * accepted one reaches run(), which completes it with otsp_complete(). */
	LONG (*set_data)(struct otsp_phone *ph, struct otsp_request *rq);
	LONG (*set_display)(struct otsp_phone *ph, struct otsp_request *rq);
	LONG (*set_lamp)(struct otsp_phone *ph, struct otsp_request *rq);
	LONG (*set_button_info)(struct otsp_phone *ph, struct otsp_request *rq);
	LONG (*set_hook_switch)(struct otsp_phone *ph, struct otsp_request *rq);
	LONG (*set_ring)(struct otsp_phone *ph, struct otsp_request *rq);
	LONG (*set_volume)(struct otsp_phone *ph, struct otsp_request *rq);
	LONG (*set_gain)(struct otsp_phone *ph, struct otsp_request *rq);
	LONG (*dev_specific)(struct otsp_phone *ph, struct otsp_request *rq);
	/* run: a batch of accepted requests of one phone, linked by next, in issue order. */
	void (*run)(struct otsp_phone *ph, struct otsp_request *batch);

	/* Synchronous functions, with the TSPI function's arguments. */
	LONG (*get_data)(struct otsp_phone *ph, DWORD id, void *data, DWORD size);
	/* get_display: the display as UTF-8 text and a NUL into text, at most size bytes (rows *
	 * columns * 4 + 1 of the caps when the call began). */
	LONG (*get_display)(struct otsp_phone *ph, char *text, size_t size);
	LONG (*get_lamp)(struct otsp_phone *ph, DWORD id, LPDWORD mode);
	LONG (*get_button_info)(struct otsp_phone *ph, DWORD id, LPPHONEBUTTONINFO info);
	LONG (*get_hook_switch)(struct otsp_phone *ph, LPDWORD devs);
	LONG (*get_ring)(struct otsp_phone *ph, LPDWORD mode, LPDWORD volume);
	LONG (*get_volume)(struct otsp_phone *ph, DWORD dev, LPDWORD volume);
	LONG (*get_gain)(struct otsp_phone *ph, DWORD dev, LPDWORD gain);
	LONG (*get_id)(struct otsp_phone *ph, LPVARSTRING id, LPCWSTR device_class);
	LONG (*get_icon)(struct otsp_phone *ph, LPCWSTR device_class, LPHICON icon);
	/* config_dialog: TUISPI_phoneConfigDialog of the phone. */
	LONG (*config_dialog)(struct otsp_phone *ph, TUISPIDLLCALLBACK callback, HWND owner,
			      LPCWSTR device_class);
};

/* The one place a provider names its table: OTSP_PROVIDER(my_provider); at file scope, once. It
 * also makes the linker take every part of the kit into the module. */
#define OTSP_HIDDEN __attribute__((visibility("hidden"))) /* the module's own, not exported */
extern OTSP_HIDDEN const struct otsp_provider *const otsp_provider;
extern OTSP_HIDDEN const char otsp_kit_provider_c, otsp_kit_phone_c, otsp_kit_requests_c;
#define OTSP_PROVIDER(table)                                                                     \
	OTSP_HIDDEN const struct otsp_provider *const otsp_provider = &(table);                  \
	__attribute__((used)) static const char *const otsp_kit_parts_[] = {                    \
		&otsp_kit_provider_c, &otsp_kit_phone_c, &otsp_kit_requests_c                    \
	}

/* ---- Phones -------------------------------------------------------------------------------- */

/**
 * otsp_phone_priv() - The provider's part of a phone (phone_size bytes, zeroed at first).
 * otsp_phone_of() is the way back.
 */
void *otsp_phone_priv(const struct otsp_phone *ph);
struct otsp_phone *otsp_phone_of(const void *priv);

/** otsp_phone_name() - The phone's name (its [phone "..."] section); valid while it exists. */
const char *otsp_phone_name(const struct otsp_phone *ph);
/** otsp_phone_device_id() - The phone's global device ID. */
DWORD otsp_phone_device_id(const struct otsp_phone *ph);
/** otsp_provider_id() - The permanent provider ID given to OTSPI_providerConfigure. */
DWORD otsp_provider_id(void);
/** otsp_state_dir() - The directory for durable state given to OTSPI_providerConfigure, or NULL. */
const char *otsp_state_dir(void);

/**
 * otsp_phone_set_caps() - Describe the phone (a copy is taken; the pointers may go afterwards).
 * From configure, or later: then the caller also sends PHONE_STATE(CAPSCHANGE).
 * Returns 0, or PHONEERR_NOMEM (the old description stays).
 */
LONG otsp_phone_set_caps(struct otsp_phone *ph, const struct otsp_caps *caps);

/**
 * otsp_phone_set_identity() - Derive the phone's dwPermanentPhoneID and PermanentPhoneGuid from
 * key (say "usb:VID:PID:SERIAL") instead of its name, which is the default. The same key gives
 * the same identity in every process and every run; the GUID also depends on the provider's
 * name, the 32-bit ID does not. From configure (or otsp_phone_create's setup).
 */
void otsp_phone_set_identity(struct otsp_phone *ph, const char *key);

/**
 * otsp_phone_set_inline() - Whether the phone's requests may run inside the TSPI call when it is
 * idle (the fast path for a phone whose run() is quick and never blocks). Default: off, every
 * batch runs on a worker thread.
 */
void otsp_phone_set_inline(struct otsp_phone *ph, int on);

/**
 * otsp_phone_hold() - While on, accepted requests wait (in order) instead of reaching run();
 * off hands them on. A close ends the hold.
 */
void otsp_phone_hold(struct otsp_phone *ph, int on);

/** otsp_phone_closing() - 1 once a close of the phone has begun (run() may then give up). */
int otsp_phone_closing(const struct otsp_phone *ph);

/**
 * otsp_phone_event() - Send a message for an open phone: PHONE_STATE, PHONE_BUTTON or
 * PHONE_DEVSPECIFIC (TSPI's PHONEEVENT; the others are the kit's to send).
 * Returns 0, or -1 when the phone is not open or the message is another (it is dropped).
 */
int otsp_phone_event(struct otsp_phone *ph, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3);

/**
 * otsp_phone_create() - A phone the provider found by itself (a device plugged in), while it
 *   runs: made now, described by setup, and announced to the engine with PHONE_CREATE; it
 *   exists (a device ID, in otsp_phone_count) once the engine has called
 *   TSPI_providerCreatePhoneDevice for it, from another thread, a moment later.
 * @name: the phone's name (its identity comes from it unless setup sets one).
 * @setup: called with the new phone before it is announced, as configure is for a configured
 *   one: fill the provider's part, call otsp_phone_set_caps (and otsp_phone_set_identity with
 *   a device key, so that a device plugged in again is the same phone); NULL: nothing to do.
 * @arg: passed to setup.
 * Returns 0; setup's error (the phone is destroyed); PHONEERR_OPERATIONFAILED before
 * TSPI_providerInit or after shutdown; PHONEERR_NOMEM.
 */
LONG otsp_phone_create(const char *name, LONG (*setup)(struct otsp_phone *ph, void *arg),
		       void *arg);

/**
 * otsp_phone_remove() - The device is gone: the phone answers PHONEERR_NODEVICE from now on
 * (PHONEERR_INVALPHONEHANDLE through a handle of it; until the provider shuts down), requests
 * it holds are handed on, and the engine gets
 * PHONE_REMOVE from a worker once the requests the phone accepted have completed. A second
 * call does nothing.
 */
void otsp_phone_remove(struct otsp_phone *ph);

/** otsp_phone_count(), otsp_phone_at() - Every phone the provider has, by index. */
DWORD otsp_phone_count(void);
struct otsp_phone *otsp_phone_at(DWORD i);

/* ---- Requests ------------------------------------------------------------------------------ */

/**
 * otsp_complete() - Complete a request with 0 or a PHONEERR_ value: the application gets its
 * PHONE_REPLY. Exactly once per accepted request, in issue order per phone, from any thread.
 * The request is freed: read rq->next first.
 */
void otsp_complete(struct otsp_request *rq, LONG result);

/* ---- Helpers ------------------------------------------------------------------------------- */

/**
 * otsp_thread_start() - Start a thread of the provider's own (a timer, an event loop) the way
 * the kit starts its workers: with every signal blocked (signals belong to the application's
 * threads; a write beyond RLIMIT_FSIZE then fails with EFBIG instead of killing the process)
 * and named name (at most 15 characters are kept). On failure one line is logged.
 * Returns 0, or the pthread_create error (EAGAIN: no resources).
 */
int otsp_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg, const char *name);

/**
 * otsp_log() - A log line "PROVIDER: message" at OT_LOG_ level 0 (error) .. 3 (debug), on stderr
 * or in the journal like the rest of OpenTAPI (OPENTAPI_LOG sets the level).
 */
void otsp_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define OTSP_ERROR 0
#define OTSP_WARN 1
#define OTSP_INFO 2
#define OTSP_DEBUG 3

/**
 * otsp_var_append() - Append len bytes as the variable part whose Size field is at byte offset
 * size_field of a TAPI structure (VARSTRING, PHONEBUTTONINFO, ...), by TAPI's rules: whole or
 * not at all, dwNeededSize always counts it.
 */
void otsp_var_append(void *st, size_t size_field, const void *data, DWORD len);

#ifdef __cplusplus
}
#endif

#endif /* OTSP_H */
