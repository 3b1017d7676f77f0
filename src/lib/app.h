/* SPDX-License-Identifier: MIT */
/* app.h — the library's side of a phone app: its handle, its message queue and how messages reach
 * the application (event descriptor + phoneGetMessage, callback thread, or completion records).
 *
 * Owns: the process's table of HPHONEAPP values, the per-app queue and the notification
 * mechanisms of include/tapi.h ("Notification on Linux").
 * Must not: call the backend (phone.c does), or block while holding a queue lock.
 */
#ifndef OT_LIB_APP_H
#define OT_LIB_APP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <tapi.h>

struct ot_lib_app {
	HPHONEAPP h;      /* what the application sees */
	HPHONEAPP remote; /* the backend's app handle */
	/* Taken by a lookup under the table lock (a published app holds the table's reference, so
	 * it cannot reach 0 under a lookup), dropped without it: phoneGetMessage pays one lock
	 * pair for the table, not two. */
	atomic_int refs;
	DWORD options;    /* PHONEINITIALIZEEXOPTION_ */
	PHONECALLBACK callback;
	int event_fd;     /* USEEVENT: readable while messages are queued */
	int port_fd;      /* USECOMPLETIONPORT: the application's descriptor */
	int port_nb;      /* ... a non-blocking descriptor of our own for it (a pipe), or -1 */
	int port_is_socket;
	int wake_fd;      /* ... readable once the app closes: wakes a dispatch thread waiting for
			     room in the application's descriptor */
	DWORD completion_key;

	pthread_mutex_t lock; /* guards everything below */
	pthread_cond_t cond;
	PHONEMESSAGE *ring;
	size_t cap, head, count;
	size_t promised;      /* replies reserved for accepted requests, not yet queued */
	int closing;
	int has_thread;
	pthread_t thread;
};

/* Creates an app with its notification mechanism; not yet in the table. Returns 0 or a
 * PHONEERR_ value (NOMEM, OPERATIONFAILED, INVALPARAM for a bad completion descriptor). */
LONG ot_lib_app_create(DWORD options, PHONECALLBACK callback, int port_fd, DWORD completion_key,
		       struct ot_lib_app **out);
/* Starts the dispatch thread (callback and completion-port apps). */
LONG ot_lib_app_start(struct ot_lib_app *a);
/* Puts the app in the process table and sets a->h. Returns 0 or PHONEERR_NOMEM. */
LONG ot_lib_app_publish(struct ot_lib_app *a);
/* Looks up an app and takes a reference; NULL when the handle is not a live app. */
struct ot_lib_app *ot_lib_app_get(HPHONEAPP h);
/* Removes h from the table (a later ot_lib_app_get fails) and returns it with a reference. */
struct ot_lib_app *ot_lib_app_unpublish(HPHONEAPP h);
void ot_lib_app_put(struct ot_lib_app *a);
/* Number of live apps in this process. */
unsigned ot_lib_app_count(void);
/* Wakes a blocked phoneGetMessage (it returns PHONEERR_INVALAPPHANDLE) and stops the dispatch
 * thread (joined, unless called from it). Drops nothing: the caller still holds its reference. */
void ot_lib_app_close(struct ot_lib_app *a);

/* phoneGetMessage on a USEEVENT app. */
LONG ot_lib_app_get_message(struct ot_lib_app *a, PHONEMESSAGE *msg, DWORD timeout);

/* Called by backends (possibly under their own locks, from any thread). */
void ot_lib_deliver(uint64_t cookie, const PHONEMESSAGE *msg, int suppressed_reply);
int ot_lib_reserve_reply(uint64_t cookie);
void ot_lib_unreserve_reply(uint64_t cookie);

#endif
