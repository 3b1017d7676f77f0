/* SPDX-License-Identifier: MIT */
/* engine.h — the OpenTAPI engine: the phone devices of the configured providers, the apps and
 * handles that use them, owner/monitor privileges, request IDs, completion and event fan-out.
 *
 * One engine, two hosts: libopentapi links it in-process (embedded mode) and tapisrv serves it
 * to many processes. The engine does no socket or file I/O of its own; it is driven by these calls
 * and by the providers' TSPI callbacks, so it can be tested without processes.
 *
 * Clients and apps. A client is one host-side party: the process itself in embedded mode, one
 * connection in the server. A client holds any number of apps (one per phoneInitializeEx); an app
 * holds phone handles. Every call names the client, and a handle of another client never resolves
 * (PHONEERR_INVALAPPHANDLE / PHONEERR_INVALPHONEHANDLE), so one client cannot reach another's.
 *
 * Events. Every PHONE_* message for an app goes to its client's sink, tagged with the cookie the
 * app was registered with. No event for an app follows ot_engine_app_free() returning.
 *
 * Locking. The engine is thread-safe. It never holds its lock while it calls a provider (a
 * provider may complete or raise an event inside the call); calls into the provider for one device
 * are serialised by that device's call lock, so they reach the provider in issue order.
 *
 * Results. Functions that answer an API call return a LONG: 0 or a negative PHONEERR_ value, or a
 * positive request ID for the asynchronous ones.
 */
#ifndef OT_ENGINE_H
#define OT_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <tapi.h>

#include "config.h"

/* API versions this implementation negotiates: TAPI 1.3 … 2.2. */
#define OT_API_VERSION_LOW 0x00010003u
#define OT_API_VERSION_HIGH 0x00020002u

struct ot_engine;
struct ot_client;

struct ot_event {
	uint64_t app_cookie;       /* the cookie given to ot_engine_app_new() */
	PHONEMESSAGE msg;          /* hDevice, dwMessageID, dwCallbackInstance, dwParam1..3 */
	int suppressed;            /* PHONE_REPLY of a request whose handle was closed: for the
	                              host's bookkeeping only, never shown to the app */
};

/* How the engine reaches a client. All three are called with the engine lock held, from any
 * thread; they must not block or call the engine. */
struct ot_sink {
	/* Queue one message for the app tagged ev->app_cookie. */
	void (*event)(void *ctx, const struct ot_event *ev);
	/* Called when a request is accepted, before the provider sees it: make sure its PHONE_REPLY
	 * (suppressed or not) can be queued without failing later. Returns 0, or -1 when out of
	 * memory (the request is then refused with PHONEERR_NOMEM). May be NULL. */
	int (*reserve_reply)(void *ctx, uint64_t app_cookie);
	/* The provider refused a reserved request after all: no reply will come. May be NULL. */
	void (*unreserve_reply)(void *ctx, uint64_t app_cookie);
};

/* Called exactly once when the engine no longer needs a phoneSetData payload. */
typedef void (*ot_release_fn)(void *data, size_t size);

/* Loads the providers of cfg and brings up their phones. At most one engine exists per process
 * (TSPI completion callbacks carry no context). Returns 0, or PHONEERR_INIFILECORRUPT (bad
 * provider settings), PHONEERR_NODRIVER (provider missing or unusable), PHONEERR_NOMEM,
 * PHONEERR_RESOURCEUNAVAIL (an engine exists) or PHONEERR_OPERATIONFAILED, with a message in err. */
LONG ot_engine_create(const struct ot_config *cfg, struct ot_engine **out, char *err, size_t errlen);
/* What a reload did, for the log: phones there are afterwards, and how many came, went or were
 * changed (a changed phone is counted once, not as removed and added). */
struct ot_reload_report {
	unsigned phones, added, removed, changed;
};
/* Applies a new configuration (tapisrv's SIGHUP): phones that are gone or changed are removed
 * (PHONE_CLOSE to their handles, PHONE_REMOVE to apps), new ones are added with the next device
 * IDs (PHONE_CREATE, or PHONE_STATE(REINIT) to 1.3 apps); unchanged phones are not disturbed.
 * A changed phone (same name, other provider or settings) is a new device with a new ID: device
 * IDs are never reused, so an app holding the old ID cannot reach a phone whose capabilities it
 * does not know. Each change is logged with the phone's ID and name. [server] keys and settings
 * of running providers take effect at the next start. Returns 0 with *report filled, or an
 * error with a message in err (phones added up to the failure stay removed). */
LONG ot_engine_reload(struct ot_engine *e, const struct ot_config *cfg,
		      struct ot_reload_report *report, char *err, size_t errlen);
/* Closes every open device at its provider, which completes what it still holds: the replies
 * reach the apps (their handles stay open). For a clean server shutdown, before the clients go.
 * Afterwards only closing handles and freeing clients and the engine make sense. */
void ot_engine_quiesce(struct ot_engine *e);
/* Shuts down every client, then the providers. */
void ot_engine_destroy(struct ot_engine *e);
DWORD ot_engine_num_devices(struct ot_engine *e);

/* A client and its sink (which must outlive it). Returns NULL when out of memory. */
struct ot_client *ot_engine_client_new(struct ot_engine *e, const struct ot_sink *sink, void *ctx);
/* The credentials owner rights are checked against (default: this process's). The server sets
 * the peer's from SO_PEERCRED / SO_PEERGROUPS. Returns 0 or -1 (out of memory). */
int ot_engine_client_set_cred(struct ot_engine *e, struct ot_client *c, uid_t uid, gid_t gid,
			      const gid_t *groups, size_t num_groups);
/* Shuts down every app of the client (as phoneShutdown would) and forgets it. */
void ot_engine_client_free(struct ot_engine *e, struct ot_client *c);

/* phoneInitializeEx: registers an app with its friendly name (shown as owner name in PHONESTATUS)
 * and the highest API version it supports. */
LONG ot_engine_app_new(struct ot_engine *e, struct ot_client *c, const char *name,
		       DWORD api_version, uint64_t cookie, HPHONEAPP *app);
/* phoneShutdown: closes the app's phones (their outstanding replies are suppressed). */
LONG ot_engine_app_free(struct ot_engine *e, struct ot_client *c, HPHONEAPP app);

LONG ot_engine_negotiate_api_version(struct ot_engine *e, struct ot_client *c, HPHONEAPP app,
				     DWORD dev, DWORD low, DWORD high, DWORD *version,
				     PHONEEXTENSIONID *ext_id);
LONG ot_engine_negotiate_ext_version(struct ot_engine *e, struct ot_client *c, HPHONEAPP app,
				     DWORD dev, DWORD api_version, DWORD low, DWORD high,
				     DWORD *ext_version);
/* Fills caps (caller set dwTotalSize) by the variable-size structure rules. */
LONG ot_engine_get_dev_caps(struct ot_engine *e, struct ot_client *c, HPHONEAPP app, DWORD dev,
			    DWORD api_version, DWORD ext_version, PHONECAPS *caps);
LONG ot_engine_open(struct ot_engine *e, struct ot_client *c, HPHONEAPP app, DWORD dev,
		    HPHONE *phone, DWORD api_version, DWORD ext_version,
		    DWORD_PTR callback_instance, DWORD privilege);
LONG ot_engine_close(struct ot_engine *e, struct ot_client *c, HPHONE phone);

/* phoneSetData. With a release function the engine takes the payload: release(data, size) is
 * called exactly once, when the provider is done with it or at once on an error. With release
 * NULL the data stays the caller's and the engine copies it (after validating the request, so a
 * bogus size costs nothing) before returning. Returns a positive request ID or an error. */
LONG ot_engine_set_data(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD data_id,
			void *data, DWORD size, ot_release_fn release);
/* phoneGetData: copies min(size, area size) bytes, and tells how many in *copied (may be NULL). */
LONG ot_engine_get_data(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD data_id,
			void *data, DWORD size, DWORD *copied);
/* phoneDevSpecific: the parameter block is copied; nothing is written back. Checks, in this
 * order: the pointer (PHONEERR_INVALPOINTER), the size (above OT_DEVSPECIFIC_MAX:
 * PHONEERR_RESOURCEUNAVAIL), then the handle — the order in which a client of tapisrv can check
 * them too (the block must be sent before the handle is judged). */
#define OT_DEVSPECIFIC_MAX (64u * 1024u)
LONG ot_engine_dev_specific(struct ot_engine *e, struct ot_client *c, HPHONE phone,
			    const void *params, DWORD size);
LONG ot_engine_get_status(struct ot_engine *e, struct ot_client *c, HPHONE phone,
			  PHONESTATUS *status);
LONG ot_engine_set_status_messages(struct ot_engine *e, struct ot_client *c, HPHONE phone,
				   DWORD phone_states, DWORD button_modes, DWORD button_states);
LONG ot_engine_get_status_messages(struct ot_engine *e, struct ot_client *c, HPHONE phone,
				   DWORD *phone_states, DWORD *button_modes, DWORD *button_states);
/* The API version phone was opened with (PHONEERR_INVALPHONEHANDLE if it is not open). */
LONG ot_engine_phone_version(struct ot_engine *e, struct ot_client *c, HPHONE phone,
			     DWORD *api_version);

/* The device's parts (setters.c, getters.c). The setters are asynchronous and need owner
 * privilege; every one is validated against the device's PHONECAPS before the provider sees it
 * (docs/decisions.md gives the order of the checks). Volumes and gains above 0xFFFF are clamped.
 * The getters work for any privilege. */

/* phoneSetDisplay: text is UTF-8 (size bytes; it ends at its first NUL), converted to UTF-16
 * for TSPI_phoneSetDisplay. Sizes above OT_DISPLAY_MAX are PHONEERR_INVALPARAM. */
#define OT_DISPLAY_MAX (64u * 1024u)
LONG ot_engine_set_display(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD row,
			   DWORD column, const char *text, DWORD size);
LONG ot_engine_get_display(struct ot_engine *e, struct ot_client *c, HPHONE phone,
			   VARSTRING *display);
LONG ot_engine_set_lamp(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD id,
			DWORD mode);
LONG ot_engine_get_lamp(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD id,
			DWORD *mode);
/* phoneSetButtonInfo: info's parts are read within its dwTotalSize (a part outside it is
 * PHONEERR_STRUCTURETOOSMALL) and copied; the text is UTF-8. */
LONG ot_engine_set_button_info(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD id,
			       const PHONEBUTTONINFO *info);
/* phoneGetButtonInfo: fixed part of 36 bytes for TAPI 1.3 handles (no dwButtonState), 40 from
 * 1.4. */
LONG ot_engine_get_button_info(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD id,
			       PHONEBUTTONINFO *info);
/* phoneSetHookSwitch: devs is a mask; every device in it must be present and settable to mode. */
LONG ot_engine_set_hookswitch(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD devs,
			      DWORD mode);
LONG ot_engine_get_hookswitch(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD *devs);
LONG ot_engine_set_ring(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD mode,
			DWORD volume);
LONG ot_engine_get_ring(struct ot_engine *e, struct ot_client *c, HPHONE phone, DWORD *mode,
			DWORD *volume);
/* Volume (speaker) or gain (microphone) of one hookswitch device. */
enum ot_level { OT_LEVEL_VOLUME = 0, OT_LEVEL_GAIN = 1 };
LONG ot_engine_set_level(struct ot_engine *e, struct ot_client *c, HPHONE phone,
			 enum ot_level kind, DWORD dev, DWORD value);
LONG ot_engine_get_level(struct ot_engine *e, struct ot_client *c, HPHONE phone,
			 enum ot_level kind, DWORD dev, DWORD *value);

/* Identification (ident.c). Device class names are UTF-8 and case-insensitive; names of
 * OT_CLASS_MAX bytes or more are never a class (PHONEERR_INVALDEVICECLASS). */
#define OT_CLASS_MAX 256u
/* phoneGetID: "tapi/phone" is answered by the engine (STRINGFORMAT_BINARY, the DWORD device
 * ID); another class listed in the device's dwDeviceClasses goes to TSPI_phoneGetID. */
LONG ot_engine_get_id(struct ot_engine *e, struct ot_client *c, HPHONE phone, const char *cls,
		      VARSTRING *id);
/* phoneGetIcon: the icon's name (NUL-terminated, at most OT_ICON_NAME_MAX bytes with the NUL)
 * into name. Class NULL, "" or "tapi/phone": the provider's icon, else OT_DEFAULT_ICON. */
#define OT_ICON_NAME_MAX 256u
#define OT_DEFAULT_ICON "phone"
LONG ot_engine_get_icon(struct ot_engine *e, DWORD dev, const char *cls, char *name);
/* phoneConfigDialog: the provider's TUISPI_phoneConfigDialog, or PHONEERR_OPERATIONUNAVAIL. */
LONG ot_engine_config_dialog(struct ot_engine *e, DWORD dev, HWND owner, const char *cls);

#endif
