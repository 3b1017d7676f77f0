/* SPDX-License-Identifier: MIT */
/* internal.h — the engine's data structures, shared by its files and by nothing else.
 *
 * Lock order: a device's call_lock, then the engine lock. Provider calls are made with the
 * call_lock held and the engine lock released; provider callbacks (completion, events) take only
 * the engine lock. Objects reached through a handle are used only while the engine lock is held;
 * across a provider call the code keeps handle values, never pointers to handles or apps.
 */
#ifndef OT_ENGINE_INTERNAL_H
#define OT_ENGINE_INTERNAL_H

#include <pthread.h>

#include <tspi.h>

#include "acl.h"
#include "engine.h"
#include "handles.h"
#include "provider.h"

struct ot_handle;

/* What the engine keeps of a device's PHONECAPS (TSPI_phoneGetDevCaps at the device's TSPI
 * version) to validate requests before a provider sees them (caps.c). */
struct ot_caps {
	DWORD features;          /* dwPhoneFeatures; every function for a TSPI 1.x provider */
	DWORD hookswitch_devs;   /* PHONEHOOKSWITCHDEV_ present */
	DWORD modes[3];          /* dw{Handset,Speaker,Headset}HookSwitchModes */
	DWORD settable[3];       /* dwSettable...HookSwitchModes (1.x: the modes above) */
	DWORD volume_flags, gain_flags;
	DWORD rows, columns;     /* the display; 0 x 0: none */
	DWORD num_ring_modes;
	DWORD num_lamps;         /* dwNumButtonLamps */
	DWORD *lamp_modes;       /* num_lamps masks of PHONELAMPMODE_ (0 where the provider gave
	                            none) */
	DWORD num_set_data, num_get_data;
	DWORD *set_data_sizes, *get_data_sizes;
	char *classes;           /* dwDeviceClasses: NUL-separated names, "" when none */
	DWORD classes_len;
};

struct ot_device {
	struct ot_engine *engine;
	struct ot_provider *prov;
	DWORD id;
	char *name;       /* the [phone "NAME"] it came from */
	char *signature;  /* provider and settings: a reload replaces the phone when they change */
	int dynamic;      /* created by its provider (PHONE_CREATE), not by the configuration: a
			     reload leaves it alone */
	size_t cfg_index; /* its section in the configuration being applied */
	int removed;      /* gone for good: its ID answers PHONEERR_NODEVICE (guarded by the lock) */
	int close_owed;   /* removed while open, or closed after a request timed out:
			     TSPI_phoneClose(owed_hd) is due, before any new TSPI_phoneOpen */
	HDRVPHONE owed_hd;
	DWORD tspi_version;
	pthread_mutex_t call_lock;

	/* What the engine validates before a provider sees a request. Replaced (under the call lock
	 * and the engine lock) when the provider reports PHONESTATE_CAPSCHANGE. */
	struct ot_caps caps;
	int caps_stale;   /* CAPSCHANGE seen: read them again before the next request (engine lock) */
	struct ot_acl owners; /* who may open it as owner (the `owners` key) */

	/* Guarded by the engine lock. */
	int open;                  /* TSPI_phoneOpen succeeded, TSPI_phoneClose not yet called */
	HDRVPHONE hd;
	struct ot_handle *handles; /* every open handle on this device */
	unsigned num_owners, num_monitors;
};

struct ot_handle {
	HPHONE h;
	struct ot_app *app;
	struct ot_device *dev;
	DWORD privilege, api_version, ext_version;
	DWORD_PTR callback_instance;
	DWORD phone_states, button_modes, button_states; /* phoneSetStatusMessages */
	struct ot_handle *dev_next, *dev_prev;
	struct ot_handle *app_next, *app_prev;
};

struct ot_app {
	HPHONEAPP h;
	struct ot_client *client;
	uint64_t cookie;
	char *name;
	DWORD api_version;
	DWORD last_request_id; /* per-app 31-bit counter; IDs are 1..0x7FFFFFFF */
	unsigned outstanding;
	struct ot_handle *handles;
	struct ot_app *next, *prev; /* the client's apps */
};

struct ot_client {
	const struct ot_sink *sink;
	void *ctx;
	struct ot_cred cred; /* the peer's: this process's, or the socket peer's */
	struct ot_app *apps;
};

struct ot_request {
	DRV_REQUESTID drv_id; /* the provider's ID: a handle in engine->requests */
	DWORD id;             /* the app's request ID */
	HPHONEAPP app;
	HPHONE phone;
	struct ot_device *dev; /* devices live as long as the engine */
	DWORD_PTR callback_instance;
	void *data;
	size_t size;
	ot_release_fn release;
	uint64_t deadline_ms; /* when the watchdog answers for the provider; 0 = never */
	int expired;          /* answered PHONEERR_OPERATIONFAILED already; only to be freed */
};

/* PHONE_CREATEs waiting for the watchdog; more at once are refused (logged). */
#define OT_MAX_PENDING_CREATES 64

struct ot_engine {
	pthread_mutex_t lock;
	struct ot_provider **providers;
	size_t num_providers;
	struct ot_device **devices; /* by device ID; IDs are never reused */
	DWORD num_devices;
	struct ot_handles apps, phones, requests;
	unsigned requests_per_app;
	unsigned request_timeout_ms;
	/* The watchdog thread (watchdog.c), woken through watchdog_cond with the engine lock. */
	pthread_t watchdog;
	pthread_cond_t watchdog_cond;
	int watchdog_running, watchdog_stop;
	struct ot_client **clients; /* for destroy */
	size_t num_clients;
	/* Phones providers announced with PHONE_CREATE, for the watchdog to add (engine lock). */
	struct ot_created {
		struct ot_provider *prov;
		DWORD_PTR temp_id;
	} created[OT_MAX_PENDING_CREATES];
	unsigned num_created;
};

/* The one engine of this process; TSPI callbacks carry no context. */
extern struct ot_engine *ot_engine_current;

/* apps.c */
struct ot_app *ot_app_find(struct ot_engine *e, struct ot_client *c, HPHONEAPP app);

/* devices.c */
/* Creates the device for cfg->phones[index] with the next device ID (owners checked). */
LONG ot_device_add(struct ot_engine *e, const struct ot_config *cfg, size_t index,
		   struct ot_device **out, char *err, size_t errlen);
/* Engine lock held: a device for a phone provider p created (PHONE_CREATE), with the next
 * device ID; anyone may own it; removed (hidden) until the caller has described it. */
LONG ot_device_add_created(struct ot_engine *e, struct ot_provider *p, struct ot_device **out);
void ot_device_free(struct ot_device *d);
/* Was d made from this very section (same name, provider and settings)? */
int ot_device_matches(const struct ot_device *d, const struct ot_phone_config *pc);
/* Engine lock held: 0, PHONEERR_BADDEVICEID (never existed) or PHONEERR_NODEVICE (removed). */
LONG ot_device_check(struct ot_engine *e, DWORD dev);
/* Engine lock held: every handle gets PHONE_CLOSE (1.4 handles PHONE_STATE(REMOVED) first). */
void ot_device_close_handles(struct ot_engine *e, struct ot_device *d, int removed);
/* The device's call lock and the engine lock held: runs the TSPI_phoneClose it owes, if any
 * (the engine lock is dropped around the call and held again on return). */
void ot_device_pay_close(struct ot_engine *e, struct ot_device *d);
/* Engine lock held: the device is gone for good; apps are told (PHONE_REMOVE). */
void ot_device_gone(struct ot_engine *e, struct ot_device *d);
/* Engine lock held: a new device; apps are told (PHONE_CREATE, or REINIT to 1.3 apps). */
void ot_device_announce(struct ot_engine *e, struct ot_device *d);

/* caps.c */
/* Reads the device's PHONECAPS from its provider (no lock held but the call lock). */
LONG ot_caps_probe(struct ot_device *d, struct ot_caps *out);
void ot_caps_free(struct ot_caps *c);
/* The index (0 handset, 1 speaker, 2 headset) of a single PHONEHOOKSWITCHDEV_ bit, or -1. */
int ot_hookswitch_index(DWORD dev);
/* The device's class that name (UTF-8) names, compared case-insensitively, as the provider
 * spells it; NULL when the device lists none such. Valid until the capabilities change. */
const char *ot_caps_find_class(const struct ot_caps *c, const char *name);

/* phones.c */
struct ot_handle *ot_handle_find(struct ot_engine *e, struct ot_client *c, HPHONE phone);
/* Resolves phone and returns with its device's call lock and the engine lock held. If the
 * device's capabilities are stale, they are read again first. */
LONG ot_phone_lock(struct ot_engine *e, struct ot_client *c, HPHONE phone, struct ot_handle **h);
void ot_phone_unlock(struct ot_engine *e, struct ot_device *dev);
void ot_handle_forget(struct ot_engine *e, struct ot_handle *h);

/* watchdog.c */
int ot_watchdog_start(struct ot_engine *e);
void ot_watchdog_stop(struct ot_engine *e);
/* Engine lock held: there is deferred work (a close owed). */
void ot_watchdog_kick(struct ot_engine *e);
uint64_t ot_now_ms(void);
/* Engine lock held: answers r for its provider (PHONEERR_OPERATIONFAILED). */
void ot_request_expire(struct ot_engine *e, struct ot_request *r);

/* events.c */
void ot_emit(struct ot_app *app, DWORD device, DWORD msg, DWORD_PTR instance, DWORD_PTR p1,
	     DWORD_PTR p2, DWORD_PTR p3);
void ot_emit_state_to_others(struct ot_handle *except, DWORD state, DWORD_PTR value);
/* engine.c: adds the phones providers announced (PHONE_CREATE); engine lock held, dropped
 * around each. Runs on the watchdog thread: the provider's TSPI_providerCreatePhoneDevice is
 * never called from inside its own callback. */
void ot_engine_add_created(struct ot_engine *e);
void TSPIAPI ot_on_phone_event(HTAPIPHONE htPhone, DWORD msg, DWORD_PTR p1, DWORD_PTR p2,
			       DWORD_PTR p3);

/* requests.c */
void TSPIAPI ot_on_completion(DRV_REQUESTID drv_id, LONG result);
/* The arguments of one asynchronous provider call; data (size bytes) belongs to the request and
 * is released with release() when it completes. */
struct ot_call_args {
	DWORD a, b, c;
	void *data;
	DWORD size;
	ot_release_fn release;
};
typedef LONG (*ot_provider_call)(struct ot_device *dev, HDRVPHONE hd, DRV_REQUESTID drv_id,
				 const struct ot_call_args *args);
/* Records the request and hands it to the provider through call. The call lock and the engine
 * lock are held on entry (ot_phone_lock); both are released on return, and args->data is
 * released on every error. Returns the request ID or an error. */
LONG ot_request_submit(struct ot_engine *e, struct ot_handle *h, ot_provider_call call,
		       const struct ot_call_args *args);
/* Releases a payload allocated with ot_malloc. */
void ot_free_payload(void *data, size_t size);

/* apps.c: a TAPI 1.x app's version follows what it negotiates (engine lock held). */
void ot_app_note_version(struct ot_app *a, DWORD version);

#endif
