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

struct ot_backend_ops {
	void (*destroy)(struct ot_backend *b);
	DWORD (*num_devices)(struct ot_backend *b);
	LONG (*app_new)(struct ot_backend *b, const char *name, DWORD api_version, uint64_t cookie,
			HPHONEAPP *app);
	LONG (*app_free)(struct ot_backend *b, HPHONEAPP app);
	LONG (*negotiate_api_version)(struct ot_backend *b, HPHONEAPP app, DWORD dev, DWORD low,
				      DWORD high, DWORD *version, PHONEEXTENSIONID *ext_id);
	LONG (*negotiate_ext_version)(struct ot_backend *b, HPHONEAPP app, DWORD dev,
				      DWORD api_version, DWORD low, DWORD high, DWORD *ext_version);
	LONG (*get_dev_caps)(struct ot_backend *b, HPHONEAPP app, DWORD dev, DWORD api_version,
			     DWORD ext_version, PHONECAPS *caps);
	LONG (*open)(struct ot_backend *b, HPHONEAPP app, DWORD dev, HPHONE *phone,
		     DWORD api_version, DWORD ext_version, DWORD_PTR callback_instance,
		     DWORD privilege);
	LONG (*close)(struct ot_backend *b, HPHONE phone);
	/* Copies data before returning; returns a request ID or an error. */
	LONG (*set_data)(struct ot_backend *b, HPHONE phone, DWORD data_id, const void *data,
			 DWORD size);
	LONG (*get_data)(struct ot_backend *b, HPHONE phone, DWORD data_id, void *data, DWORD size);
	LONG (*dev_specific)(struct ot_backend *b, HPHONE phone, const void *params, DWORD size);
	LONG (*get_status)(struct ot_backend *b, HPHONE phone, PHONESTATUS *status);
	LONG (*set_status_messages)(struct ot_backend *b, HPHONE phone, DWORD phone_states,
				    DWORD button_modes, DWORD button_states);
	LONG (*get_status_messages)(struct ot_backend *b, HPHONE phone, DWORD *phone_states,
				    DWORD *button_modes, DWORD *button_states);
	LONG (*phone_version)(struct ot_backend *b, HPHONE phone, DWORD *api_version);
	/* The device's parts: the setters return a request ID or an error. */
	LONG (*set_display)(struct ot_backend *b, HPHONE phone, DWORD row, DWORD column,
			    const char *text, DWORD size);
	LONG (*get_display)(struct ot_backend *b, HPHONE phone, VARSTRING *display);
	LONG (*set_lamp)(struct ot_backend *b, HPHONE phone, DWORD id, DWORD mode);
	LONG (*get_lamp)(struct ot_backend *b, HPHONE phone, DWORD id, DWORD *mode);
	LONG (*set_button_info)(struct ot_backend *b, HPHONE phone, DWORD id,
				const PHONEBUTTONINFO *info);
	LONG (*get_button_info)(struct ot_backend *b, HPHONE phone, DWORD id, PHONEBUTTONINFO *info);
	LONG (*set_hookswitch)(struct ot_backend *b, HPHONE phone, DWORD devs, DWORD mode);
	LONG (*get_hookswitch)(struct ot_backend *b, HPHONE phone, DWORD *devs);
	LONG (*set_ring)(struct ot_backend *b, HPHONE phone, DWORD mode, DWORD volume);
	LONG (*get_ring)(struct ot_backend *b, HPHONE phone, DWORD *mode, DWORD *volume);
	LONG (*set_level)(struct ot_backend *b, HPHONE phone, enum ot_level kind, DWORD dev,
			  DWORD value);
	LONG (*get_level)(struct ot_backend *b, HPHONE phone, enum ot_level kind, DWORD dev,
			  DWORD *value);
	LONG (*get_id)(struct ot_backend *b, HPHONE phone, const char *cls, VARSTRING *id);
	/* name: OT_ICON_NAME_MAX bytes */
	LONG (*get_icon)(struct ot_backend *b, DWORD dev, const char *cls, char *name);
	LONG (*config_dialog)(struct ot_backend *b, DWORD dev, HWND owner, const char *cls);
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
