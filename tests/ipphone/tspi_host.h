/* SPDX-License-Identifier: MIT */
/* tspi_host.h — a minimal TSPI host for the ipphone provider's tests: loads ipphone.so (or uses
 * the provider linked into the test), configures it from key/value lists, collects completions
 * and events, and checks that the provider never makes two callbacks at once.
 */
#ifndef OT_TEST_TSPI_HOST_H
#define OT_TEST_TSPI_HOST_H

#include <stddef.h>
#include <stdint.h>

#include <tspi.h>

/* One phone of a test configuration: name and NULL-terminated key, value pairs. */
struct th_phone {
	const char *name;
	const char *kv[32];
};

struct th_funcs {
	LONG(TSPIAPI *setOptions)(DWORD, const OTSPISETTING *, DWORD, LPCSTR, LPSTR, DWORD);
	LONG(TSPIAPI *configure)(DWORD, LPCSTR, const OTSPIPHONECONFIG *, DWORD, LPSTR, DWORD);
	LONG(TSPIAPI *lineNegotiate)(DWORD, DWORD, DWORD, LPDWORD);
	LONG(TSPIAPI *enumDevices)(DWORD, LPDWORD, LPDWORD, HPROVIDER, LINEEVENT, PHONEEVENT);
	LONG(TSPIAPI *init)(DWORD, DWORD, DWORD, DWORD, DWORD_PTR, DWORD_PTR, ASYNC_COMPLETION,
			    LPDWORD);
	LONG(TSPIAPI *shutdown)(DWORD, DWORD);
	LONG(TSPIAPI *negotiate)(DWORD, DWORD, DWORD, LPDWORD);
	LONG(TSPIAPI *getDevCaps)(DWORD, DWORD, DWORD, LPPHONECAPS);
	LONG(TSPIAPI *open)(DWORD, HTAPIPHONE, LPHDRVPHONE, DWORD, PHONEEVENT);
	LONG(TSPIAPI *close)(HDRVPHONE);
	LONG(TSPIAPI *setData)(DRV_REQUESTID, HDRVPHONE, DWORD, LPVOID const, DWORD);
	LONG(TSPIAPI *getStatus)(HDRVPHONE, LPPHONESTATUS);
	LONG(TSPIAPI *setStatusMessages)(HDRVPHONE, DWORD, DWORD, DWORD);
	LONG(TSPIAPI *createPhoneDevice)(DWORD_PTR, DWORD);
};

extern struct th_funcs TH;

/* Where the configuration file of th_configure lives (mode 0600 unless th_config_mode). */
void th_config_mode(unsigned mode);
const char *th_config_path(void);

/* Hands the provider its phones (and provider options, a NULL-terminated key, value list or
 * NULL). Returns the provider's result; err receives its message. */
LONG th_configure(const struct th_phone *phones, size_t n, const char *const *options, char *err,
		  size_t errlen);
/* What the engine does when a reload adds phones to the running provider:
 * OTSPI_providerConfigure with just these, device IDs first_id, first_id + 1, ... (the file is
 * written again with the mode of th_config_mode; what was recorded so far is kept). Returns the
 * provider's result; err receives its message. */
LONG th_configure_more(const struct th_phone *phones, size_t n, DWORD first_id, char *err,
		       size_t errlen);
/* Negotiation, enumeration and TSPI_providerInit. Returns 0 or the failing result. */
LONG th_init(void);
/* TSPI_providerShutdown; checks that no request is left without a completion. */
void th_shutdown(void);
/* Opens device dev; its events arrive with htPhone = dev + 1. */
HDRVPHONE th_open(DWORD dev);

/* Issues phoneSetData with a fresh request ID; returns the provider's return value. */
LONG th_set_data(HDRVPHONE hd, DWORD area, const void *data, DWORD size, DRV_REQUESTID *id);
/* Waits for the completion of id (ms); returns its result, or 1 when none came. */
LONG th_wait(DRV_REQUESTID id, unsigned ms);
/* Position of the completion of id in the order of all completions (-1: none yet). */
long th_completion_index(DRV_REQUESTID id);
/* When the completion of id came (ms of CLOCK_MONOTONIC), 0 if none. */
uint64_t th_completion_time(DRV_REQUESTID id);
/* Completions received so far. */
size_t th_completions(void);

/* Waits for PHONE_STATE(state) on device dev; returns its sequence number (>= 0) or -1. The
 * sequence numbers of events and completions share one counter, so their order can be told. */
long th_wait_state(DWORD dev, DWORD state, unsigned ms);
long th_completion_seq(DRV_REQUESTID id);
/* Number of events received for dev. */
size_t th_events(DWORD dev);
/* Nonzero if two callbacks ever overlapped, or a request completed twice or never issued. */
int th_violations(void);

uint64_t th_now_ms(void);
/* A TCP port on 127.0.0.1 where nothing listens (bound and closed again). */
unsigned th_closed_port(void);

#endif
