/* SPDX-License-Identifier: MIT */
/* harness.h — shared pieces of the integration tests, which drive libopentapi through its public
 * API exactly as an application does (embedded mode, real providers).
 *
 * Every test runs with its own temporary directory:
 *   ROOT/state          OPENTAPI_STATE_DIR (and XDG_STATE_HOME points beside it)
 *   ROOT/xdg-config     XDG_CONFIG_HOME, always empty
 *   ROOT/opentapi.conf  OPENTAPI_CONFIG, when the test has a configuration text
 * h_setup() creates it from the configuration text given as the cmocka prestate (NULL: no file,
 * OPENTAPI_CONFIG unset, so the built-in default applies); h_teardown() shuts down every app the
 * harness knows of, checks that no app is left in the process (the next test must start without
 * an engine, so that its own configuration is read) and removes the directory.
 *
 * Functions named h_try_* never fail a cmocka assertion: they are safe in forked children, where
 * a cmocka failure would jump back into the copied test runner. The others assert.
 */
#ifndef OT_TEST_HARNESS_H
#define OT_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <cmocka.h>

#include <tapi.h>

#include "tapisrv.h"

/* How long a test waits for a message that must come: a hang guard (test_deadline_ms). */
#define H_REPLY_TIMEOUT test_deadline_ms(10000u)
/* How long a test listens for a message that must not come. */
#define H_QUIET_MS 200u

/* Results of h_try_wait_reply() and friends beyond 0 / PHONEERR_ (which are all <= 0). */
#define H_NO_REPLY ((LONG)1)	 /* no PHONE_REPLY for the ID before the timeout */
#define H_ZERO_REQUEST ((LONG)2) /* the asynchronous call returned 0, which is never valid */
#define H_WAIT_FAILED ((LONG)3)	 /* phoneGetMessage failed with something other than a timeout */

/* The API version the tests speak. */
#define H_API_VERSION 0x00020002u

/* A configuration with one simulated phone "A" with the default areas, durable. */
#define H_PHONE_A_DURABLE                                                                          \
	"[phone \"A\"]\n"                                                                          \
	"provider = sim\n"                                                                         \
	"data_areas = 256, 4096, 65536, 16777216\n"                                                \
	"durable = yes\n"

/* cmocka fixtures: the prestate is the configuration text (const char *) or NULL. */
int h_setup(void **state);
int h_teardown(void **state);

/* Server mode: $OPENTAPI_TEST_TAPISRV names tapisrv, and every test gets a private server
 * started on its configuration and state directory (restarted by h_write_config and
 * h_use_state_subdir).
 * On-demand mode: $OPENTAPI_TEST_ONDEMAND is set, OPENTAPI_SERVER is not, and XDG_RUNTIME_DIR is
 * ROOT/run, so the library starts a tapisrv ($OPENTAPI_TAPISRV) itself at the first
 * phoneInitializeEx, as it does for a user who set up nothing (docs/server.md); the harness
 * stops it where server mode would restart its own, and at teardown.
 * h_server_pid() is the server's pid (SO_PEERCRED in on-demand mode), 0 when none runs. */
int h_server_mode(void);
int h_ondemand_mode(void);
pid_t h_server_pid(void);

/* Paths of the current test's directory. */
const char *h_root(void);
const char *h_state_dir(void);
/* The sim provider's directory of the phone named name: STATE/sim/KEY (name must need no
 * escaping: letters, digits, '.', '_', '-'). Returns a static buffer. */
const char *h_sim_phone_dir(const char *name);
/* Rewrites the configuration file (same path) with new text; the next engine reads it. */
void h_write_config(const char *text);
/* Points OPENTAPI_STATE_DIR at ROOT/sub (created); the next engine uses it. */
const char *h_use_state_subdir(const char *sub);

/* ---- apps --------------------------------------------------------------------------------- */

/* phoneInitializeExA with USEEVENT and H_API_VERSION. On success the app is tracked (teardown
 * shuts it down) and *event_fd (if not NULL) receives the descriptor from Handles.hEvent. */
LONG h_try_init_event(HPHONEAPP *app, const char *name, DWORD *num_devs, int *event_fd);
/* Same, asserting success. */
HPHONEAPP h_init_event(const char *name);
/* phoneInitializeExA with USEHIDDENWINDOW and the given callback; tracked on success. */
LONG h_try_init_hidden(HPHONEAPP *app, const char *name, PHONECALLBACK cb, DWORD *num_devs);
/* phoneInitializeExA with USECOMPLETIONPORT (port_fd, key); tracked on success. */
LONG h_try_init_port(HPHONEAPP *app, const char *name, int port_fd, DWORD key, DWORD *num_devs);
/* Adds an app initialised by the test itself to the teardown list. */
void h_track(HPHONEAPP app);
/* phoneShutdown and forget the app (and its stashed messages). */
LONG h_try_shutdown(HPHONEAPP app);
void h_shutdown(HPHONEAPP app);

/* phoneNegotiateAPIVersion over [1.3, 2.2], then phoneOpen with the result. */
LONG h_try_open(HPHONEAPP app, DWORD dev, DWORD privilege, DWORD_PTR instance, HPHONE *phone);
HPHONE h_open(HPHONEAPP app, DWORD dev, DWORD privilege, DWORD_PTR instance);

/* ---- messages of USEEVENT apps -----------------------------------------------------------
 * Messages read while looking for something else are kept in the app's stash, in order, and
 * are looked at first by the next search. */

/* The next message (stash first, then phoneGetMessage). Returns 0 or phoneGetMessage's error. */
LONG h_try_next_message(HPHONEAPP app, PHONEMESSAGE *msg, DWORD timeout_ms);
/* Waits for the PHONE_REPLY of request id; returns its dwParam2 (0 or PHONEERR_), H_NO_REPLY or
 * H_WAIT_FAILED. The reply is removed; any other message read is stashed. If msg is not NULL
 * it receives the whole reply. */
LONG h_try_wait_reply_msg(HPHONEAPP app, LONG id, DWORD timeout_ms, PHONEMESSAGE *msg);
LONG h_try_wait_reply(HPHONEAPP app, LONG id, DWORD timeout_ms);
/* Waits for a message with this ID (and, if hdev != 0, this hDevice, and if p1 != 0, a dwParam1
 * with all of p1's bits); removes it and copies it to *out. Returns 0 or -1 on timeout. */
int h_try_wait_message(HPHONEAPP app, DWORD msg_id, DWORD hdev, DWORD_PTR p1, PHONEMESSAGE *out,
		       DWORD timeout_ms);
/* Number of stashed messages, and removal of all of them. */
size_t h_stash_count(HPHONEAPP app);
const PHONEMESSAGE *h_stash_at(HPHONEAPP app, size_t i);
void h_stash_clear(HPHONEAPP app);
/* Asserts that the app has nothing stashed and receives nothing within ms. */
void h_assert_quiet(HPHONEAPP app, DWORD ms);

/* ---- requests ---------------------------------------------------------------------------- */

/* phoneDevSpecific with a NUL-terminated text command, then waits for its reply. Returns the
 * reply's result, the immediate error (< 0), H_ZERO_REQUEST or H_NO_REPLY. */
LONG h_try_command(HPHONEAPP app, HPHONE phone, const char *cmd);
/* Asserts that the command is accepted and replied with 0. */
void h_command(HPHONEAPP app, HPHONE phone, const char *cmd);
/* phoneSetData, then waits for its reply. Same results as h_try_command. */
LONG h_try_set_data_wait(HPHONEAPP app, HPHONE phone, DWORD data_id, const void *data, DWORD size);
/* Asserts a positive request ID and a reply of 0. */
void h_set_data(HPHONEAPP app, HPHONE phone, DWORD data_id, const void *data, DWORD size);

/* ---- processes ------------------------------------------------------------------------------ */

/* Forks; the child runs fn(arg) and _exit()s with its return value (never returns into cmocka).
 * Asserts that no app exists in this process at the time of the fork (the child starts clean).
 * Returns the child's pid. */
pid_t h_fork(int (*fn)(void *arg), void *arg);
/* Waits for the child up to timeout_ms (then SIGKILLs it). Returns its exit status (0-255), or
 * 1000 + signal number when it was killed by a signal, or -1 on a waitpid error. */
int h_wait_child(pid_t pid, DWORD timeout_ms);

/* ---- small utilities ---------------------------------------------------------------------- */

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t h_now_ms(void);
/* Whether a descriptor is readable right now (poll with 0 timeout), or within ms. */
int h_readable(int fd, int ms);
/* phoneGetDevCapsA into a heap buffer big enough for everything (caller frees). */
PHONECAPS *h_get_caps(HPHONEAPP app, DWORD dev, DWORD api_version);
/* phoneGetStatusA into a heap buffer big enough for everything (caller frees). */
PHONESTATUS *h_get_status(HPHONE phone);
/* True when no app is initialised in this process (phoneSetData answers UNINITIALIZED). */
int h_no_app_left(void);

#endif
