/* SPDX-License-Identifier: MIT */
/* backend.h — where libopentapi sends its calls: the engine linked in-process (embedded) or, with
 * tapisrv, the server over its socket. Both implement these operations with the engine's
 * signatures and results (engine.h documents them), so phone.c does not know which one it talks to.
 *
 * A backend delivers PHONE_* messages to the library through ot_lib_deliver() and asks for reply
 * room through ot_lib_reserve_reply()/ot_lib_unreserve_reply() (app.h), the app being named by the
 * cookie given to app_new.
 */
#ifndef OT_BACKEND_H
#define OT_BACKEND_H

#include <stdint.h>

#include <tapi.h>

#include "engine.h"

struct ot_backend;

/* The operations that are the engine's function of the same name in embedded mode, called with
 * the backend's engine and client before these arguments (engine.h documents each): one row
 * gives the slot below and embedded.c's forwarder. X(name, (parameters), (arguments)). */
#define OT_BACKEND_FORWARDED(X)                                                                \
	X(app_new, (const char *name, DWORD api_version, uint64_t cookie, HPHONEAPP *app),     \
	  (name, api_version, cookie, app))                                                    \
	X(app_free, (HPHONEAPP app), (app))                                                    \
	X(negotiate_api_version,                                                               \
	  (HPHONEAPP app, DWORD dev, DWORD low, DWORD high, DWORD *version,                    \
	   PHONEEXTENSIONID *ext_id),                                                          \
	  (app, dev, low, high, version, ext_id))                                              \
	X(negotiate_ext_version,                                                               \
	  (HPHONEAPP app, DWORD dev, DWORD api_version, DWORD low, DWORD high,                 \
	   DWORD *ext_version),                                                                \
	  (app, dev, api_version, low, high, ext_version))                                     \
	X(get_dev_caps,                                                                        \
	  (HPHONEAPP app, DWORD dev, DWORD api_version, DWORD ext_version, PHONECAPS *caps),   \
	  (app, dev, api_version, ext_version, caps))                                          \
	X(open,                                                                                \
	  (HPHONEAPP app, DWORD dev, HPHONE *phone, DWORD api_version, DWORD ext_version,      \
	   DWORD_PTR callback_instance, DWORD privilege),                                      \
	  (app, dev, phone, api_version, ext_version, callback_instance, privilege))           \
	X(close, (HPHONE phone), (phone))                                                      \
	X(dev_specific, (HPHONE phone, const void *params, DWORD size), (phone, params, size)) \
	X(get_status, (HPHONE phone, PHONESTATUS *status), (phone, status))                    \
	X(set_status_messages,                                                                 \
	  (HPHONE phone, DWORD phone_states, DWORD button_modes, DWORD button_states),         \
	  (phone, phone_states, button_modes, button_states))                                  \
	X(get_status_messages,                                                                 \
	  (HPHONE phone, DWORD *phone_states, DWORD *button_modes, DWORD *button_states),      \
	  (phone, phone_states, button_modes, button_states))                                  \
	X(phone_version, (HPHONE phone, DWORD *api_version), (phone, api_version))             \
	X(set_display, (HPHONE phone, DWORD row, DWORD column, const char *text, DWORD size),  \
	  (phone, row, column, text, size))                                                    \
	X(get_display, (HPHONE phone, VARSTRING *display), (phone, display))                   \
	X(set_lamp, (HPHONE phone, DWORD id, DWORD mode), (phone, id, mode))                   \
	X(get_lamp, (HPHONE phone, DWORD id, DWORD *mode), (phone, id, mode))                  \
	X(set_button_info, (HPHONE phone, DWORD id, const PHONEBUTTONINFO *info),              \
	  (phone, id, info))                                                                   \
	X(get_button_info, (HPHONE phone, DWORD id, PHONEBUTTONINFO *info), (phone, id, info)) \
	X(set_hookswitch, (HPHONE phone, DWORD devs, DWORD mode), (phone, devs, mode))         \
	X(get_hookswitch, (HPHONE phone, DWORD *devs), (phone, devs))                          \
	X(set_ring, (HPHONE phone, DWORD mode, DWORD volume), (phone, mode, volume))           \
	X(get_ring, (HPHONE phone, DWORD *mode, DWORD *volume), (phone, mode, volume))         \
	X(set_level, (HPHONE phone, enum ot_level kind, DWORD dev, DWORD value),               \
	  (phone, kind, dev, value))                                                           \
	X(get_level, (HPHONE phone, enum ot_level kind, DWORD dev, DWORD *value),              \
	  (phone, kind, dev, value))                                                           \
	X(get_id, (HPHONE phone, const char *cls, VARSTRING *id), (phone, cls, id))

#define OT_BACKEND_SLOT(name, params, args) LONG(*name) OT_BACKEND_PARAMS params;
#define OT_BACKEND_PARAMS(...) (struct ot_backend * b, __VA_ARGS__)

struct ot_backend_ops {
	void (*destroy)(struct ot_backend *b);
	DWORD (*num_devices)(struct ot_backend *b);
	/* Copies data before returning; returns a request ID or an error. */
	LONG (*set_data)(struct ot_backend *b, HPHONE phone, DWORD data_id, const void *data,
			 DWORD size);
	LONG (*get_data)(struct ot_backend *b, HPHONE phone, DWORD data_id, void *data, DWORD size);
	/* name: OT_ICON_NAME_MAX bytes */
	LONG (*get_icon)(struct ot_backend *b, DWORD dev, const char *cls, char *name);
	LONG (*config_dialog)(struct ot_backend *b, DWORD dev, HWND owner, const char *cls);
	OT_BACKEND_FORWARDED(OT_BACKEND_SLOT)
};

struct ot_backend {
	const struct ot_backend_ops *ops;
};

/* The in-process engine with the configuration found by the pinned search order. Returns 0, or
 * PHONEERR_INIFILECORRUPT / PHONEERR_NODRIVER / PHONEERR_NOMEM / PHONEERR_OPERATIONFAILED (the
 * reason is logged). */
LONG ot_embedded_create(struct ot_backend **out);

/* Connects to tapisrv's socket at path: the descriptor, or -errno (ENOENT, ECONNREFUSED: nobody
 * listens; EACCES: not allowed). */
int ot_remote_connect(const char *path);
/* The server backend over a connected socket (taken over, closed on failure): the version
 * handshake, then a reader thread. Returns 0, or PHONEERR_INCOMPATIBLEAPIVERSION (the server
 * speaks another protocol version; logged), PHONEERR_SERVICE_NOT_RUNNING, PHONEERR_NOMEM. */
LONG ot_remote_create(int fd, struct ot_backend **out);

#endif
