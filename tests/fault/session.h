/* SPDX-License-Identifier: MIT */
/* session.h — small client steps shared by the fault tests (tests/fault/): every function
 * returns a TAPI result and never asserts, so that a sweep can judge each result itself. */
#ifndef OT_TEST_FAULT_SESSION_H
#define OT_TEST_FAULT_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include <tapi.h>

/* Results beyond 0 / PHONEERR_ (which are all <= 0). */
#define S_NO_REPLY ((LONG)1)     /* no PHONE_REPLY before the timeout */
#define S_ZERO_REQUEST ((LONG)2) /* an asynchronous call returned 0, never valid */
#define S_WAIT_FAILED ((LONG)3)  /* phoneGetMessage failed with something else than a timeout */

/* How long a step waits for a reply that must come (sanitizers, valgrind, loaded machines). */
#define S_REPLY_MS 20000u

/* phoneInitializeExA with USEEVENT at API 2.2. */
LONG s_init(HPHONEAPP *app, const char *name, DWORD *num_devs);
/* phoneNegotiateAPIVersion over [1.3, 2.2], then phoneOpen. */
LONG s_open(HPHONEAPP app, DWORD dev, DWORD privilege, HPHONE *phone);
/* The result of an asynchronous call: its immediate error, or its PHONE_REPLY's (other
 * messages are skipped). */
LONG s_async(HPHONEAPP app, LONG id);
/* phoneSetData and its reply. */
LONG s_set_data(HPHONEAPP app, HPHONE phone, DWORD area, const void *data, DWORD size);
/* phoneSetDisplay (ANSI, from column 0 of row 0) and its reply. */
LONG s_set_display(HPHONEAPP app, HPHONE phone, const char *text);
/* phoneGetDisplay: the first strlen(expect) characters equal expect? 0, a PHONEERR_, or 1 when
 * the display holds something else. */
LONG s_check_display(HPHONE phone, const char *expect);
/* phoneGetData of size bytes, compared with expect: 0, a PHONEERR_, or 1 on a mismatch. */
LONG s_check_data(HPHONE phone, DWORD area, const void *expect, DWORD size);

/* Deterministic content: size bytes from seed (the same bytes for the same seed). */
void s_fill(void *buf, size_t size, uint64_t seed);
/* A printable name for a TAPI result ("PHONEERR_NOMEM", "0", "S_NO_REPLY", or the number). */
const char *s_result_name(LONG rc);

#endif
