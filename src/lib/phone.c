/* SPDX-License-Identifier: MIT */
/* phone.c — the phone* entry points of libopentapi.
 *
 * Each function checks what only the library can check (pointers, the app table, the
 * notification options), then hands the call to the backend (entry.h). This file has
 * registration and the calls on apps and data; the device's parts are in phone_parts.c, device
 * identification in phone_ident.c, the UTF-16 forms in phone_wide.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tapi.h>

#include "alloc.h"
#include "app.h"
#include "entry.h"
#include "log.h"
#include "ondemand.h"
#include "paths.h"
#include "utf.h"

/* Writers first: glibc's default rwlock lets a steady stream of readers (threads calling phone
 * functions in a loop) keep phoneInitializeEx and phoneShutdown waiting for as long as the stream
 * lasts. No call takes the lock twice, so the non-recursive kind is safe. */
pthread_rwlock_t ot_lib_backend_lock = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;
struct ot_backend *ot_lib_backend;

/* The backend's handle of an app of this process, or 0. ot_lib_backend_lock held. */
static HPHONEAPP remote_app(HPHONEAPP h)
{
	struct ot_lib_app *a = ot_lib_app_get(h);
	HPHONEAPP remote = a ? a->remote : 0;

	if (a)
		ot_lib_app_put(a);
	return remote;
}

/* Runs expr, which uses `remote`, for app h with the backend held. */
#define WITH_APP(h, expr)                                                                      \
	do {                                                                                   \
		HPHONEAPP remote;                                                              \
		WITH_BACKEND((remote = remote_app(h)) ? (expr) : (LONG)PHONEERR_INVALAPPHANDLE);\
	} while (0)

/* A server that exists but does not let this user in: an error that says so and how to fix it,
 * never a reason to look elsewhere. */
static LONG refused(const char *socket)
{
	ot_log(OT_LOG_ERROR, "lib", "permission denied: the telephony server at %s does not let "
	       "user %u in; an administrator adds the user to the socket's group (docs/server.md, "
	       "\"Who may connect\"), or run in-process with OPENTAPI_SERVER=embedded", socket,
	       (unsigned)geteuid());
	return PHONEERR_OPERATIONFAILED;
}

/* OPENTAPI_SERVER unset: the server at the per-user socket, else the system server, else one
 * started on demand at the per-user socket (docs/server.md, "When no server runs"). A system
 * server that refuses this user is an error with its fix, never a reason to start another. The
 * engine runs in-process only when no server can be started (logged: other processes do not
 * see this one's ownership then). */
static LONG find_server(void)
{
	char paths[2][108], own[108];
	int fd, i, n = ot_client_sockets(paths);

	for (i = 0; i < n; i++) {
		fd = ot_remote_connect(paths[i]);
		if (fd >= 0)
			return ot_remote_create(fd, &ot_lib_backend);
		if (fd == -EACCES)
			return refused(paths[i]);
	}
	if (ot_ondemand_socket(own, sizeof(own)) < 0) {
		ot_log(OT_LOG_WARN, "lib", "no telephony server runs and XDG_RUNTIME_DIR is not set, "
		       "so none can be started: the phones are served in this process only, and "
		       "other processes do not see its ownership; start tapisrv (docs/server.md)");
		return ot_embedded_create(&ot_lib_backend);
	}
	fd = ot_ondemand_connect(own);
	if (fd >= 0)
		return ot_remote_create(fd, &ot_lib_backend);
	if (fd == -ENOENT || fd == -EACCES) /* no tapisrv to start (logged) */
		return ot_embedded_create(&ot_lib_backend);
	return PHONEERR_OPERATIONFAILED;
}

/* Creates the backend for the first app of the process, as OPENTAPI_SERVER says: "embedded",
 * a socket path (that server or PHONEERR_SERVICE_NOT_RUNNING), or unset (find_server).
 * ot_lib_backend_lock held for writing. */
static LONG ensure_backend(void)
{
	const char *mode = getenv("OPENTAPI_SERVER");
	int fd;

	if (ot_lib_backend)
		return 0;
	if (mode && !strcmp(mode, "embedded"))
		return ot_embedded_create(&ot_lib_backend);
	if (mode && *mode) {
		fd = ot_remote_connect(mode);
		if (fd == -EACCES)
			return refused(mode);
		if (fd < 0) {
			ot_log(OT_LOG_ERROR, "lib", "no tapisrv listens on %s (OPENTAPI_SERVER)", mode);
			return PHONEERR_SERVICE_NOT_RUNNING;
		}
		return ot_remote_create(fd, &ot_lib_backend);
	}
	return find_server();
}

static LONG initialize(LPHPHONEAPP lphPhoneApp, PHONECALLBACK callback, const char *name,
		       LPDWORD lpdwNumDevs, DWORD api_version, DWORD options, int port_fd,
		       DWORD completion_key)
{
	struct ot_lib_app *a;
	LONG rc;

	if (!name)
		name = program_invocation_short_name;
	if (!ot_utf8_valid(name, strlen(name)))
		return PHONEERR_INVALAPPNAME;
	rc = ot_lib_app_create(options, callback, port_fd, completion_key, &a);
	if (rc)
		return rc;
	pthread_rwlock_wrlock(&ot_lib_backend_lock);
	rc = ensure_backend();
	if (rc == 0)
		rc = ot_lib_backend->ops->app_new(ot_lib_backend, name, api_version,
						  (uint64_t)(uintptr_t)a, &a->remote);
	if (rc == 0) {
		rc = ot_lib_app_publish(a);
		if (rc == 0 && (rc = ot_lib_app_start(a)) != 0)
			ot_lib_app_put(ot_lib_app_unpublish(a->h));
		if (rc)
			ot_lib_backend->ops->app_free(ot_lib_backend, a->remote);
	}
	if (rc == 0) {
		*lphPhoneApp = a->h;
		*lpdwNumDevs = ot_lib_backend->ops->num_devices(ot_lib_backend);
	} else if (ot_lib_backend && ot_lib_app_count() == 0) {
		ot_lib_backend->ops->destroy(ot_lib_backend);
		ot_lib_backend = NULL;
	}
	pthread_rwlock_unlock(&ot_lib_backend_lock);
	ot_lib_app_put(a); /* the table (and the dispatch thread) keep their own references */
	return rc;
}

API LONG phoneInitializeExA(LPHPHONEAPP lphPhoneApp, HINSTANCE hInstance,
			    PHONECALLBACK lpfnCallback, LPCSTR lpszFriendlyAppName,
			    LPDWORD lpdwNumDevs, LPDWORD lpdwAPIVersion,
			    LPPHONEINITIALIZEEXPARAMS lpPhoneInitializeExParams)
{
	LPPHONEINITIALIZEEXPARAMS p = lpPhoneInitializeExParams;
	DWORD options, key = 0, app_version;
	int port_fd = -1;
	LONG rc;

	(void)hInstance; /* a module handle means nothing on Linux; any value is accepted */
	if (!lphPhoneApp || !lpdwNumDevs || !lpdwAPIVersion || !p)
		return PHONEERR_INVALPOINTER;
	if (p->dwTotalSize < offsetof(PHONEINITIALIZEEXPARAMS, Handles))
		return PHONEERR_INVALPARAM;
	options = p->dwOptions;
	switch (options) {
	case PHONEINITIALIZEEXOPTION_USEHIDDENWINDOW:
		if (!lpfnCallback)
			return PHONEERR_INVALPOINTER;
		break;
	case PHONEINITIALIZEEXOPTION_USEEVENT:
		break;
	case PHONEINITIALIZEEXOPTION_USECOMPLETIONPORT:
		if (p->dwTotalSize < sizeof(*p))
			return PHONEERR_INVALPARAM;
		port_fd = (int)(intptr_t)p->Handles.hCompletionPort;
		key = p->dwCompletionKey;
		if (port_fd < 0 || fcntl(port_fd, F_GETFL) < 0)
			return PHONEERR_INVALPARAM;
		break;
	default:
		return PHONEERR_INVALPARAM;
	}
	app_version = *lpdwAPIVersion;
	rc = initialize(lphPhoneApp, lpfnCallback, lpszFriendlyAppName, lpdwNumDevs, app_version,
			options, port_fd, key);
	if (rc)
		return rc;
	*lpdwAPIVersion = OT_API_VERSION_HIGH;
	p->dwNeededSize = p->dwUsedSize = sizeof(*p) < p->dwTotalSize ? sizeof(*p) : p->dwTotalSize;
	if (options == PHONEINITIALIZEEXOPTION_USEEVENT) {
		struct ot_lib_app *a = ot_lib_app_get(*lphPhoneApp);

		p->Handles.hEvent = (HANDLE)(intptr_t)(a ? a->event_fd : -1);
		if (a)
			ot_lib_app_put(a);
	}
	return 0;
}

API LONG phoneInitialize(LPHPHONEAPP lphPhoneApp, HINSTANCE hInstance,
			 PHONECALLBACK lpfnCallback, LPCSTR lpszAppName, LPDWORD lpdwNumDevs)
{
	(void)hInstance;
	if (!lphPhoneApp || !lpdwNumDevs || !lpfnCallback)
		return PHONEERR_INVALPOINTER;
	/* TAPI 1.x apps always get their messages through the callback. They start as 1.3 apps;
	 * the versions they negotiate (up to 1.4) decide which message forms they get. */
	return initialize(lphPhoneApp, lpfnCallback, lpszAppName, lpdwNumDevs, 0x00010003,
			  PHONEINITIALIZEEXOPTION_USEHIDDENWINDOW, -1, 0);
}

API LONG phoneShutdown(HPHONEAPP hPhoneApp)
{
	struct ot_lib_app *a;

	pthread_rwlock_wrlock(&ot_lib_backend_lock);
	if (!ot_lib_backend) {
		pthread_rwlock_unlock(&ot_lib_backend_lock);
		return PHONEERR_UNINITIALIZED;
	}
	a = ot_lib_app_unpublish(hPhoneApp);
	if (!a) {
		pthread_rwlock_unlock(&ot_lib_backend_lock);
		return PHONEERR_INVALAPPHANDLE;
	}
	/* Closes the app's phones; no message for the app follows. */
	ot_lib_backend->ops->app_free(ot_lib_backend, a->remote);
	if (ot_lib_app_count() == 0) {
		ot_lib_backend->ops->destroy(ot_lib_backend);
		ot_lib_backend = NULL;
	}
	pthread_rwlock_unlock(&ot_lib_backend_lock);
	/* Outside the lock: the dispatch thread may be inside a callback that calls the API. */
	ot_lib_app_close(a);
	ot_lib_app_put(a);
	return 0;
}

API LONG phoneGetMessage(HPHONEAPP hPhoneApp, LPPHONEMESSAGE lpMessage, DWORD dwTimeout)
{
	struct ot_lib_app *a = ot_lib_app_get(hPhoneApp);
	LONG rc;

	if (!a)
		return PHONEERR_INVALAPPHANDLE;
	if (a->options != PHONEINITIALIZEEXOPTION_USEEVENT)
		rc = PHONEERR_INVALAPPHANDLE;
	else if (!lpMessage)
		rc = PHONEERR_INVALPOINTER;
	else
		rc = ot_lib_app_get_message(a, lpMessage, dwTimeout);
	ot_lib_app_put(a);
	return rc;
}

API LONG phoneNegotiateAPIVersion(HPHONEAPP hPhoneApp, DWORD dwDeviceID, DWORD dwAPILowVersion,
				  DWORD dwAPIHighVersion, LPDWORD lpdwAPIVersion,
				  LPPHONEEXTENSIONID lpExtensionID)
{
	if (!lpdwAPIVersion || !lpExtensionID)
		return PHONEERR_INVALPOINTER;
	WITH_APP(hPhoneApp, backend->ops->negotiate_api_version(backend, remote, dwDeviceID,
								dwAPILowVersion, dwAPIHighVersion,
								lpdwAPIVersion, lpExtensionID));
}

API LONG phoneNegotiateExtVersion(HPHONEAPP hPhoneApp, DWORD dwDeviceID, DWORD dwAPIVersion,
				  DWORD dwExtLowVersion, DWORD dwExtHighVersion,
				  LPDWORD lpdwExtVersion)
{
	if (!lpdwExtVersion)
		return PHONEERR_INVALPOINTER;
	WITH_APP(hPhoneApp, backend->ops->negotiate_ext_version(backend, remote, dwDeviceID,
								dwAPIVersion, dwExtLowVersion,
								dwExtHighVersion, lpdwExtVersion));
}

API LONG phoneGetDevCapsA(HPHONEAPP hPhoneApp, DWORD dwDeviceID, DWORD dwAPIVersion,
			  DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps)
{
	if (!lpPhoneCaps)
		return PHONEERR_INVALPOINTER;
	WITH_APP(hPhoneApp, backend->ops->get_dev_caps(backend, remote, dwDeviceID, dwAPIVersion,
						       dwExtVersion, lpPhoneCaps));
}

API LONG phoneGetDevCaps(HPHONEAPP hPhoneApp, DWORD dwDeviceID, DWORD dwAPIVersion,
			 DWORD dwExtVersion, LPPHONECAPS lpPhoneCaps)
{
	return phoneGetDevCapsA(hPhoneApp, dwDeviceID, dwAPIVersion, dwExtVersion, lpPhoneCaps);
}

API LONG phoneOpen(HPHONEAPP hPhoneApp, DWORD dwDeviceID, LPHPHONE lphPhone, DWORD dwAPIVersion,
		   DWORD dwExtVersion, DWORD_PTR dwCallbackInstance, DWORD dwPrivilege)
{
	if (!lphPhone)
		return PHONEERR_INVALPOINTER;
	WITH_APP(hPhoneApp, backend->ops->open(backend, remote, dwDeviceID, lphPhone, dwAPIVersion,
					       dwExtVersion, dwCallbackInstance, dwPrivilege));
}

API LONG phoneClose(HPHONE hPhone)
{
	WITH_BACKEND(backend->ops->close(backend, hPhone));
}

API LONG phoneSetData(HPHONE hPhone, DWORD dwDataID, LPVOID const lpData, DWORD dwSize)
{
	WITH_BACKEND(backend->ops->set_data(backend, hPhone, dwDataID, lpData, dwSize));
}

API LONG phoneGetData(HPHONE hPhone, DWORD dwDataID, LPVOID lpData, DWORD dwSize)
{
	WITH_BACKEND(backend->ops->get_data(backend, hPhone, dwDataID, lpData, dwSize));
}

API LONG phoneDevSpecific(HPHONE hPhone, LPVOID lpParams, DWORD dwSize)
{
	WITH_BACKEND(backend->ops->dev_specific(backend, hPhone, lpParams, dwSize));
}

API LONG phoneGetStatusA(HPHONE hPhone, LPPHONESTATUS lpPhoneStatus)
{
	if (!lpPhoneStatus)
		return PHONEERR_INVALPOINTER;
	WITH_BACKEND(backend->ops->get_status(backend, hPhone, lpPhoneStatus));
}

API LONG phoneGetStatus(HPHONE hPhone, LPPHONESTATUS lpPhoneStatus)
{
	return phoneGetStatusA(hPhone, lpPhoneStatus);
}

API LONG phoneSetStatusMessages(HPHONE hPhone, DWORD dwPhoneStates, DWORD dwButtonModes,
				DWORD dwButtonStates)
{
	WITH_BACKEND(backend->ops->set_status_messages(backend, hPhone, dwPhoneStates,
						       dwButtonModes, dwButtonStates));
}

API LONG phoneGetStatusMessages(HPHONE hPhone, LPDWORD lpdwPhoneStates, LPDWORD lpdwButtonModes,
				LPDWORD lpdwButtonStates)
{
	if (!lpdwPhoneStates || !lpdwButtonModes || !lpdwButtonStates)
		return PHONEERR_INVALPOINTER;
	WITH_BACKEND(backend->ops->get_status_messages(backend, hPhone, lpdwPhoneStates,
						       lpdwButtonModes, lpdwButtonStates));
}
