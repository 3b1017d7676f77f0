/* SPDX-License-Identifier: MIT */
/* entry.h — what the files of phone* entry points share: the process's backend, the lock that
 * keeps it alive during a call, and the macros that run a call with it.
 *
 * The backend exists while at least one app is initialised in this process; calls hold
 * ot_lib_backend_lock for reading so that the last phoneShutdown cannot tear it down under
 * them (phone.c creates and destroys it with the lock held for writing).
 */
#ifndef OT_LIB_ENTRY_H
#define OT_LIB_ENTRY_H

#include <pthread.h>

#include <tapi.h>

#include "backend.h"

#define API __attribute__((visibility("default")))

/* tapi.h maps the plain names to the A forms; the plain names are exported functions too. */
#undef phoneGetDevCaps
#undef phoneGetStatus
#undef phoneGetButtonInfo
#undef phoneSetButtonInfo
#undef phoneGetID
#undef phoneGetIcon
#undef phoneConfigDialog
#undef phoneInitializeEx

extern pthread_rwlock_t ot_lib_backend_lock;
extern struct ot_backend *ot_lib_backend;

/* Runs expr with the backend held; PHONEERR_UNINITIALIZED when no app is initialised. */
#define WITH_BACKEND(expr)                                                                     \
	do {                                                                                   \
		LONG rc_;                                                                      \
		struct ot_backend *backend;                                                    \
		pthread_rwlock_rdlock(&ot_lib_backend_lock);                                   \
		backend = ot_lib_backend;                                                      \
		rc_ = backend ? (expr) : (LONG)PHONEERR_UNINITIALIZED;                               \
		pthread_rwlock_unlock(&ot_lib_backend_lock);                                   \
		return rc_;                                                                    \
	} while (0)

#endif
