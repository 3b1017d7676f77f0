/* SPDX-License-Identifier: MIT */
/* test_sim_phone.c — the sim provider as the engine sees it: every TSPI function of the phone
 * device class (display, lamps, buttons, hookswitch, ring, volume, gain, status, caps), the
 * PHONE_STATE / PHONE_BUTTON / PHONE_REMOVE messages, the dev-specific commands, the order of
 * completions, durability of the device state across close/open and provider restarts, and the
 * provider's own checks. The provider's sources are linked in; the test plays the engine: it
 * configures, initialises and opens phones and records every callback.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <tapi.h>
#include <tspi.h>

#include "alloc.h"
#include "store.h"
#include "varstruct.h"

#define V22 0x00020002u
#define HT ((HTAPIPHONE)(uintptr_t)0x5157)

/* ---- the recording engine ------------------------------------------------------------------- */

enum { EV_REPLY, EV_PHONE, EV_CREATE };

struct ev {
	int kind;
	HTAPIPHONE ht;
	DWORD msg;
	DWORD_PTR p1, p2, p3;
	DRV_REQUESTID id;
	LONG result;
	struct timespec at;
};

#define MAX_EV 16384

static struct {
	pthread_mutex_t m;
	pthread_cond_t c;
	struct ev ev[MAX_EV];
	int n;
	int active;  /* callbacks running right now */
	int overlap; /* two ran at once: the provider broke its serialisation */
} R = { .m = PTHREAD_MUTEX_INITIALIZER, .c = PTHREAD_COND_INITIALIZER };

static void record(const struct ev *e)
{
	if (__atomic_add_fetch(&R.active, 1, __ATOMIC_SEQ_CST) > 1)
		R.overlap = 1;
	pthread_mutex_lock(&R.m);
	if (R.n < MAX_EV) {
		R.ev[R.n] = *e;
		clock_gettime(CLOCK_MONOTONIC, &R.ev[R.n].at);
		R.n++;
	}
	pthread_cond_broadcast(&R.c);
	pthread_mutex_unlock(&R.m);
	__atomic_sub_fetch(&R.active, 1, __ATOMIC_SEQ_CST);
}

static void TSPIAPI on_completion(DRV_REQUESTID id, LONG result)
{
	struct ev e = { .kind = EV_REPLY, .id = id, .result = result };

	record(&e);
}

static void TSPIAPI on_event(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3)
{
	struct ev e = { .kind = EV_PHONE, .ht = ht, .msg = msg, .p1 = p1, .p2 = p2, .p3 = p3 };

	record(&e);
}

static void TSPIAPI on_create(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3)
{
	struct ev e = { .kind = EV_CREATE, .ht = ht, .msg = msg, .p1 = p1, .p2 = p2, .p3 = p3 };

	record(&e);
}

static void clear_events(void)
{
	pthread_mutex_lock(&R.m);
	R.n = 0;
	pthread_mutex_unlock(&R.m);
}

static int count_events(void)
{
	int n;

	pthread_mutex_lock(&R.m);
	n = R.n;
	pthread_mutex_unlock(&R.m);
	return n;
}

/* Waits up to ms for at least n events. */
static int wait_count(int n, int ms)
{
	struct timespec until;
	int got;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&R.m);
	while (R.n < n && pthread_cond_timedwait(&R.c, &R.m, &until) == 0)
		;
	got = R.n;
	pthread_mutex_unlock(&R.m);
	return got;
}

static int find_reply(DRV_REQUESTID id)
{
	int i;

	for (i = 0; i < R.n; i++)
		if (R.ev[i].kind == EV_REPLY && R.ev[i].id == id)
			return i;
	return -1;
}

/* The result of request id, waiting up to 5 s for it. */
static LONG wait_reply(DRV_REQUESTID id)
{
	struct timespec until;
	int i;
	LONG r;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&R.m);
	while ((i = find_reply(id)) < 0 && pthread_cond_timedwait(&R.c, &R.m, &until) == 0)
		;
	if (i < 0)
		i = find_reply(id);
	r = i >= 0 ? R.ev[i].result : 1;
	pthread_mutex_unlock(&R.m);
	if (i < 0)
		fail_msg("no reply to request %u", (unsigned)id);
	return r;
}

static struct ev event_at(int i)
{
	struct ev e;

	pthread_mutex_lock(&R.m);
	e = R.ev[i];
	pthread_mutex_unlock(&R.m);
	return e;
}

/* The events from index `from` that are phone messages, in order. */
static int phone_events(int from, struct ev *out, int max)
{
	int i, n = 0;

	pthread_mutex_lock(&R.m);
	for (i = from; i < R.n && n < max; i++)
		if (R.ev[i].kind == EV_PHONE)
			out[n++] = R.ev[i];
	pthread_mutex_unlock(&R.m);
	return n;
}

static void expect_state_msg(const struct ev *e, DWORD state, DWORD_PTR param)
{
	assert_int_equal(e->kind, EV_PHONE);
	assert_ptr_equal(e->ht, HT);
	assert_int_equal(e->msg, PHONE_STATE);
	assert_int_equal(e->p1, state);
	assert_int_equal(e->p2, param);
	assert_int_equal(e->p3, 0);
}

static void expect_button_msg(const struct ev *e, DWORD id, DWORD mode, DWORD state)
{
	assert_int_equal(e->kind, EV_PHONE);
	assert_ptr_equal(e->ht, HT);
	assert_int_equal(e->msg, PHONE_BUTTON);
	assert_int_equal(e->p1, id);
	assert_int_equal(e->p2, mode);
	assert_int_equal(e->p3, state);
}

/* ---- requests ------------------------------------------------------------------------------- */

static DRV_REQUESTID last_id;

/* fdatasync of this program (the provider's sources are linked in) goes to the kernel, except
 * for a file whose path contains fail_sync: that one fails with EIO. */
static const char *volatile fail_sync;

int fdatasync(int fd)
{
	const char *what = fail_sync;

	if (what) {
		char link[64], path[512];
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, path, sizeof(path) - 1);
		if (n > 0) {
			path[n] = 0;
			if (strstr(path, what)) {
				errno = EIO;
				return -1;
			}
		}
	}
	return (int)syscall(SYS_fdatasync, fd);
}

static DRV_REQUESTID rid(void)
{
	return __atomic_add_fetch(&last_id, 1, __ATOMIC_SEQ_CST);
}

/* What an async call returned: the error, or (after its reply) the reply's result. */
static LONG done(DRV_REQUESTID id, LONG r)
{
	if (r < 0)
		return r;
	assert_int_equal(r, (LONG)id);
	return wait_reply(id);
}

#define ASYNC(fn, ...)                                                                           \
	({                                                                                       \
		DRV_REQUESTID id_ = rid();                                                       \
		done(id_, fn(id_, __VA_ARGS__));                                                 \
	})

static LONG cmd(HDRVPHONE hd, const char *text)
{
	return ASYNC(TSPI_phoneDevSpecific, hd, (LPVOID)text, (DWORD)strlen(text) + 1);
}

static LONG set_display(HDRVPHONE hd, DWORD row, DWORD col, const char16_t *text)
{
	size_t n = 0;

	while (text[n])
		n++;
	return ASYNC(TSPI_phoneSetDisplay, hd, row, col, text, (DWORD)(n + 1) * 2);
}

/* The display as UTF-8 (out: at least 1024 bytes). */
static void get_display(HDRVPHONE hd, char *out)
{
	union {
		VARSTRING vs;
		char raw[2048];
	} u;

	memset(&u, 0, sizeof(u));
	u.vs.dwTotalSize = sizeof(u);
	assert_int_equal(TSPI_phoneGetDisplay(hd, &u.vs), 0);
	assert_int_equal(u.vs.dwStringFormat, STRINGFORMAT_ASCII);
	assert_int_equal(u.vs.dwNeededSize, u.vs.dwUsedSize);
	assert_true(u.vs.dwStringSize > 0);
	assert_int_equal(u.raw[u.vs.dwStringOffset + u.vs.dwStringSize - 1], 0);
	assert_int_equal(strlen(u.raw + u.vs.dwStringOffset) + 1, u.vs.dwStringSize);
	memcpy(out, u.raw + u.vs.dwStringOffset, u.vs.dwStringSize);
}

static DWORD get_lamp(HDRVPHONE hd, DWORD id)
{
	DWORD m = 0xdead;

	assert_int_equal(TSPI_phoneGetLamp(hd, id, &m), 0);
	return m;
}

/* The PHONEBUTTONINFO of id with a fixed part of `fixed` bytes (36: 1.3, 40: 1.4+). */
static PHONEBUTTONINFO *get_button(HDRVPHONE hd, DWORD id, DWORD fixed, char *buf, DWORD size)
{
	PHONEBUTTONINFO *bi = (PHONEBUTTONINFO *)buf;

	memset(buf, 0xEE, size);
	bi->dwTotalSize = size;
	assert_int_equal(ot_var_begin(bi, fixed), 0);
	assert_int_equal(TSPI_phoneGetButtonInfo(hd, id, bi), 0);
	return bi;
}

static const char *button_text(const PHONEBUTTONINFO *bi)
{
	return bi->dwButtonTextSize ? (const char *)bi + bi->dwButtonTextOffset : "";
}

static LONG set_button(HDRVPHONE hd, DWORD id, DWORD mode, DWORD function, const char *text)
{
	char buf[256];
	PHONEBUTTONINFO *bi = (PHONEBUTTONINFO *)buf;

	memset(buf, 0, sizeof(buf));
	bi->dwTotalSize = sizeof(buf);
	bi->dwNeededSize = bi->dwUsedSize = sizeof(PHONEBUTTONINFO);
	bi->dwButtonMode = mode;
	bi->dwButtonFunction = function;
	if (text) {
		bi->dwButtonTextSize = (DWORD)strlen(text) + 1;
		bi->dwButtonTextOffset = sizeof(PHONEBUTTONINFO);
		memcpy(buf + sizeof(PHONEBUTTONINFO), text, strlen(text) + 1);
	}
	return ASYNC(TSPI_phoneSetButtonInfo, hd, id, bi);
}

static DWORD get_volume(HDRVPHONE hd, DWORD dev)
{
	DWORD v = 0xdead;

	assert_int_equal(TSPI_phoneGetVolume(hd, dev, &v), 0);
	return v;
}

static DWORD get_gain(HDRVPHONE hd, DWORD dev)
{
	DWORD v = 0xdead;

	assert_int_equal(TSPI_phoneGetGain(hd, dev, &v), 0);
	return v;
}

static DWORD get_hook(HDRVPHONE hd)
{
	DWORD v = 0xdead;

	assert_int_equal(TSPI_phoneGetHookSwitch(hd, &v), 0);
	return v;
}

/* PHONESTATUS as the engine prepares it: begin with the fixed size, the provider fills. */
static PHONESTATUS *get_status(HDRVPHONE hd, char *buf, DWORD size, DWORD fixed)
{
	PHONESTATUS *st = (PHONESTATUS *)buf;

	memset(buf, 0xEE, size);
	st->dwTotalSize = size;
	assert_int_equal(ot_var_begin(st, fixed), 0);
	assert_int_equal(TSPI_phoneGetStatus(hd, st), 0);
	return st;
}

static PHONECAPS *get_caps(DWORD dev, DWORD version, DWORD fixed, char *buf, DWORD size)
{
	PHONECAPS *c = (PHONECAPS *)buf;

	memset(buf, 0xEE, size);
	c->dwTotalSize = size;
	assert_int_equal(ot_var_begin(c, fixed), 0);
	assert_int_equal(TSPI_phoneGetDevCaps(dev, version, 0, c), 0);
	return c;
}

/* A DWORD array of a structure. The provider places them DWORD-aligned (before any string), as
 * applications read them through a pointer. */
static const DWORD *dwords(const void *st, DWORD offset)
{
	assert_int_equal(offset % 4, 0);
	return (const DWORD *)((const char *)st + offset);
}

/* ---- the provider --------------------------------------------------------------------------- */

struct fixture {
	char root[64];
	long live;
	int started;
	HDRVPHONE hd[3];
};

static struct fixture *F;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->root, "/tmp/sim-phone-XXXXXX");
	if (!mkdtemp(f->root)) {
		free(f);
		return -1;
	}
	f->live = ot_alloc_live();
	clear_events();
	R.overlap = 0;
	F = f;
	*state = f;
	return 0;
}

static void stop(struct fixture *f)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (f->hd[i])
			assert_int_equal(TSPI_phoneClose(f->hd[i]), 0);
		f->hd[i] = NULL;
	}
	if (f->started)
		assert_int_equal(TSPI_providerShutdown(V22, 1), 0);
	f->started = 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	stop(f);
	nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	assert_int_equal(R.overlap, 0); /* no two callbacks at once, ever */
	assert_int_equal(ot_alloc_live(), f->live);
	free(f);
	F = NULL;
	return 0;
}

/* Configures phones from NULL-terminated key/value lists (one list per phone, "Phone N" named,
 * settings on lines 20, 21, ...) and initialises the provider. Returns OTSPI_providerConfigure's
 * result; err gets its message. */
static LONG try_start(struct fixture *f, const char *const *const *kv, int phones, char *err,
		      size_t errlen)
{
	static char names[3][24];
	OTSPISETTING set[3][16];
	OTSPIPHONECONFIG cfg[3];
	DWORD lines = 9, n = 9, opts = 9;
	int p, i;
	LONG r;

	for (p = 0; p < phones; p++) {
		snprintf(names[p], sizeof(names[p]), "Phone %d", p);
		for (i = 0; kv && kv[p] && kv[p][2 * i]; i++) {
			set[p][i].lpszKey = kv[p][2 * i];
			set[p][i].lpszValue = kv[p][2 * i + 1];
			set[p][i].dwLine = (DWORD)(20 + i);
		}
		cfg[p].dwDeviceID = (DWORD)(7 + p);
		cfg[p].lpszName = names[p];
		cfg[p].lpSettings = set[p];
		cfg[p].dwNumSettings = (DWORD)i;
		cfg[p].lpszConfigPath = NULL;
	}
	r = OTSPI_providerConfigure(1, f->root, cfg, (DWORD)phones, err, (DWORD)errlen);
	if (r)
		return r;
	assert_int_equal(TSPI_providerEnumDevices(1, &lines, &n, (HPROVIDER)f, NULL, on_create), 0);
	assert_int_equal(lines, 0);
	assert_int_equal(n, phones);
	assert_int_equal(TSPI_providerInit(V22, 1, 0, 7, 0, (DWORD_PTR)phones, on_completion, &opts),
			 0);
	assert_int_equal(opts, 0);
	f->started = 1;
	return 0;
}

static void start_n(struct fixture *f, const char *const *const *kv, int phones)
{
	char err[300];

	if (try_start(f, kv, phones, err, sizeof(err)) != 0)
		fail_msg("configuration refused: %s", err);
}

static void start(struct fixture *f, const char *const *kv)
{
	const char *const *lists[1] = { kv };

	start_n(f, lists, 1);
}

/* Opens phone i (device ID 7 + i). */
static HDRVPHONE open_phone(struct fixture *f, int i)
{
	HDRVPHONE hd = NULL;

	assert_int_equal(TSPI_phoneOpen((DWORD)(7 + i), HT, &hd, V22, on_event), 0);
	assert_non_null(hd);
	f->hd[i] = hd;
	return hd;
}

static void close_phone(struct fixture *f, int i)
{
	assert_int_equal(TSPI_phoneClose(f->hd[i]), 0);
	f->hd[i] = NULL;
}

static const char *const in_memory[] = { "durable", "no", NULL };
static const char *const durable[] = { "durable", "yes", NULL };

/* ---- capabilities --------------------------------------------------------------------------- */

static void check_parts(const void *st, DWORD fixed, const size_t *fields, size_t n)
{
	DWORD used = ot_var_get(st, 8);
	size_t i;

	assert_true(used >= fixed);
	assert_true(used <= ot_var_get(st, 0));
	for (i = 0; i < n; i++) {
		DWORD size = ot_var_get(st, fields[i]), off = ot_var_get(st, fields[i] + 4);

		if (!size) {
			assert_int_equal(off, 0);
			continue;
		}
		assert_true(off >= fixed);
		assert_true(off + size <= used);
	}
}

static const size_t caps_parts[] = {
	offsetof(PHONECAPS, dwProviderInfoSize),   offsetof(PHONECAPS, dwPhoneInfoSize),
	offsetof(PHONECAPS, dwPhoneNameSize),	   offsetof(PHONECAPS, dwButtonModesSize),
	offsetof(PHONECAPS, dwButtonFunctionsSize), offsetof(PHONECAPS, dwLampModesSize),
	offsetof(PHONECAPS, dwSetDataSize),	   offsetof(PHONECAPS, dwGetDataSize),
	offsetof(PHONECAPS, dwDevSpecificSize),	   offsetof(PHONECAPS, dwDeviceClassesSize),
};

static void test_caps_default(void **state)
{
	struct fixture *f = *state;
	static char buf[4096];
	PHONECAPS *c;
	const DWORD *modes, *funcs, *lamps;
	DWORD i;

	start(f, NULL);
	c = get_caps(7, V22, sizeof(PHONECAPS), buf, sizeof(buf));
	assert_int_equal(c->dwNeededSize, c->dwUsedSize);
	check_parts(c, sizeof(PHONECAPS), caps_parts, sizeof(caps_parts) / sizeof(caps_parts[0]));
	assert_int_equal(c->dwStringFormat, STRINGFORMAT_ASCII);
	assert_int_equal(c->dwDisplayNumRows, 2);
	assert_int_equal(c->dwDisplayNumColumns, 40);
	assert_int_equal(c->dwNumRingModes, 4);
	assert_int_equal(c->dwNumButtonLamps, 22);
	assert_int_equal(c->dwHookSwitchDevs, 7);
	assert_int_equal(c->dwHandsetHookSwitchModes, 0xF);
	assert_int_equal(c->dwSpeakerHookSwitchModes, 0xF);
	assert_int_equal(c->dwHeadsetHookSwitchModes, 0xF);
	assert_int_equal(c->dwSettableHandsetHookSwitchModes, 0xF);
	assert_int_equal(c->dwSettableSpeakerHookSwitchModes, 0xF);
	assert_int_equal(c->dwSettableHeadsetHookSwitchModes, 0xF);
	assert_int_equal(c->dwMonitoredHandsetHookSwitchModes, 0xF);
	assert_int_equal(c->dwMonitoredSpeakerHookSwitchModes, 0xF);
	assert_int_equal(c->dwMonitoredHeadsetHookSwitchModes, 0xF);
	assert_int_equal(c->dwVolumeFlags, 7);
	assert_int_equal(c->dwGainFlags, 7);
	assert_int_equal(c->dwPhoneStates,
			 PHONESTATE_OTHER | PHONESTATE_CONNECTED | PHONESTATE_DISCONNECTED |
				 PHONESTATE_DISPLAY | PHONESTATE_LAMP | PHONESTATE_RINGMODE |
				 PHONESTATE_RINGVOLUME | PHONESTATE_HANDSETHOOKSWITCH |
				 PHONESTATE_HANDSETVOLUME | PHONESTATE_HANDSETGAIN |
				 PHONESTATE_SPEAKERHOOKSWITCH | PHONESTATE_SPEAKERVOLUME |
				 PHONESTATE_SPEAKERGAIN | PHONESTATE_HEADSETHOOKSWITCH |
				 PHONESTATE_HEADSETVOLUME | PHONESTATE_HEADSETGAIN |
				 PHONESTATE_SUSPEND | PHONESTATE_RESUME | PHONESTATE_DEVSPECIFIC |
				 PHONESTATE_CAPSCHANGE | PHONESTATE_REMOVED);
	assert_int_equal(c->dwPhoneFeatures, 0x0FFFFFFF);
	assert_int_equal(c->dwNumSetData, 4);
	assert_int_equal(c->dwButtonModesSize, 22 * 4);
	assert_int_equal(c->dwButtonFunctionsSize, 22 * 4);
	assert_int_equal(c->dwLampModesSize, 22 * 4);
	modes = dwords(c, c->dwButtonModesOffset);
	funcs = dwords(c, c->dwButtonFunctionsOffset);
	lamps = dwords(c, c->dwLampModesOffset);
	for (i = 0; i < 12; i++) {
		assert_int_equal(modes[i], PHONEBUTTONMODE_KEYPAD);
		assert_int_equal(funcs[i], PHONEBUTTONFUNCTION_NONE);
		assert_int_equal(lamps[i], PHONELAMPMODE_DUMMY);
	}
	assert_int_equal(modes[12], PHONEBUTTONMODE_CALL);
	assert_int_equal(funcs[14], PHONEBUTTONFUNCTION_HOLD);
	assert_int_equal(modes[18], PHONEBUTTONMODE_LOCAL);
	assert_int_equal(modes[21], PHONEBUTTONMODE_DUMMY);
	assert_int_equal(funcs[21], PHONEBUTTONFUNCTION_MSGINDICATOR);
	for (i = 12; i < 22; i++)
		assert_int_equal(lamps[i], 0x7E);
	assert_int_equal(c->dwDeviceClassesSize, sizeof("tapi/phone") + 1);
	assert_memory_equal(buf + c->dwDeviceClassesOffset, "tapi/phone\0", sizeof("tapi/phone") + 1);
	assert_non_null(strstr(buf + c->dwPhoneInfoOffset, "display: 2x40; buttons: 22"));

	/* 1.3: no CAPSCHANGE/REMOVED, and nothing written past the 1.x fixed part but parts. */
	c = get_caps(7, 0x00010003, 144, buf, sizeof(buf));
	assert_int_equal(c->dwPhoneStates & (PHONESTATE_CAPSCHANGE | PHONESTATE_REMOVED), 0);
	check_parts(c, 144, caps_parts, 9);
	assert_int_equal(c->dwNumButtonLamps, 22);
	/* 2.0: up to the monitored modes, no GUID. */
	memset(buf, 0xEE, sizeof(buf));
	c->dwTotalSize = 180;
	assert_int_equal(ot_var_begin(c, 180), 0);
	assert_int_equal(TSPI_phoneGetDevCaps(7, 0x00020000, 0, c), 0);
	assert_int_equal(c->dwUsedSize, 180);
	assert_true(c->dwNeededSize > 180);
	assert_int_equal(c->dwMonitoredHeadsetHookSwitchModes, 0xF);
	for (i = 180; i < sizeof(buf); i++)
		assert_int_equal((unsigned char)buf[i], 0xEE);

	/* The provider's own checks. */
	c->dwTotalSize = sizeof(buf);
	c->dwUsedSize = 100;
	assert_int_equal(TSPI_phoneGetDevCaps(7, V22, 0, c), (LONG)PHONEERR_STRUCTURETOOSMALL);
	c->dwUsedSize = 196;
	c->dwTotalSize = 195;
	assert_int_equal(TSPI_phoneGetDevCaps(7, V22, 0, c), (LONG)PHONEERR_STRUCTURETOOSMALL);
	assert_int_equal(TSPI_phoneGetDevCaps(7, V22, 0, NULL), (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(TSPI_phoneGetDevCaps(8, V22, 0, c), (LONG)PHONEERR_BADDEVICEID);
	assert_int_equal(TSPI_phoneGetDevCaps(7, V22, 1, c), (LONG)PHONEERR_INCOMPATIBLEEXTVERSION);
}

static void test_caps_configured(void **state)
{
	struct fixture *f = *state;
	static const char *const kv[] = {
		"display", "none",
		"buttons", "feature:hold:Hold, dummy:msgindicator:MWI, local:mute",
		"lamps", "0: off steady, 1: off flash",
		"hookswitch", "handset: settable=none, headset: monitored=onhook+micspeaker",
		"volume", "headset",
		"gain", "none",
		"ring_modes", "0",
		"data_areas", "",
		NULL,
	};
	static char buf[4096];
	PHONECAPS *c;
	const DWORD *lamps;

	start(f, kv);
	c = get_caps(7, V22, sizeof(PHONECAPS), buf, sizeof(buf));
	assert_int_equal(c->dwDisplayNumRows, 0);
	assert_int_equal(c->dwDisplayNumColumns, 0);
	assert_int_equal(c->dwNumRingModes, 0);
	assert_int_equal(c->dwNumButtonLamps, 3);
	lamps = dwords(c, c->dwLampModesOffset);
	assert_int_equal(lamps[0], PHONELAMPMODE_OFF | PHONELAMPMODE_STEADY);
	assert_int_equal(lamps[1], PHONELAMPMODE_OFF | PHONELAMPMODE_FLASH);
	assert_int_equal(lamps[2], PHONELAMPMODE_DUMMY);
	assert_int_equal(c->dwHookSwitchDevs, PHONEHOOKSWITCHDEV_HANDSET | PHONEHOOKSWITCHDEV_HEADSET);
	assert_int_equal(c->dwHandsetHookSwitchModes, 0xF);
	assert_int_equal(c->dwSpeakerHookSwitchModes, 0);
	assert_int_equal(c->dwSettableHandsetHookSwitchModes, 0);
	assert_int_equal(c->dwMonitoredHandsetHookSwitchModes, 0xF);
	/* Headset modes it cannot see read as UNKNOWN: that is a mode it reports. */
	assert_int_equal(c->dwHeadsetHookSwitchModes, 0xF | PHONEHOOKSWITCHMODE_UNKNOWN);
	assert_int_equal(c->dwMonitoredHeadsetHookSwitchModes,
			 PHONEHOOKSWITCHMODE_ONHOOK | PHONEHOOKSWITCHMODE_MICSPEAKER |
				 PHONEHOOKSWITCHMODE_UNKNOWN);
	assert_int_equal(c->dwSettableHeadsetHookSwitchModes, 0xF);
	assert_int_equal(c->dwVolumeFlags, PHONEHOOKSWITCHDEV_HEADSET);
	assert_int_equal(c->dwGainFlags, 0);
	assert_int_equal(c->dwNumSetData, 0);
	assert_int_equal(c->dwPhoneFeatures,
			 PHONEFEATURE_GETBUTTONINFO | PHONEFEATURE_SETBUTTONINFO |
				 PHONEFEATURE_GETLAMP | PHONEFEATURE_SETLAMP | PHONEFEATURE_GETRING |
				 PHONEFEATURE_GETHOOKSWITCHHANDSET |
				 PHONEFEATURE_GETHOOKSWITCHHEADSET |
				 PHONEFEATURE_SETHOOKSWITCHHEADSET |
				 PHONEFEATURE_GETVOLUMEHEADSET | PHONEFEATURE_SETVOLUMEHEADSET);
	assert_int_equal(c->dwPhoneStates & (PHONESTATE_DISPLAY | PHONESTATE_RINGMODE |
					     PHONESTATE_SPEAKERHOOKSWITCH |
					     PHONESTATE_HANDSETVOLUME | PHONESTATE_HEADSETGAIN),
			 0);
	assert_int_equal(c->dwPhoneStates & (PHONESTATE_LAMP | PHONESTATE_HANDSETHOOKSWITCH |
					     PHONESTATE_HEADSETHOOKSWITCH |
					     PHONESTATE_HEADSETVOLUME),
			 PHONESTATE_LAMP | PHONESTATE_HANDSETHOOKSWITCH |
				 PHONESTATE_HEADSETHOOKSWITCH | PHONESTATE_HEADSETVOLUME);
}

/* The keys reach the device model with their line numbers; unknown keys are named. */
static void test_config_messages(void **state)
{
	struct fixture *f = *state;
	static const char *const bad_lamps[] = { "durable", "no", "lamps", "12: blink", NULL };
	static const char *const unknown[] = { "lamp", "12", NULL };
	static const char *const twice[] = { "display", "2x40", "display", "none", NULL };
	const char *const *lists[1];
	char err[300];

	lists[0] = bad_lamps;
	assert_int_equal(try_start(f, lists, 1, err, sizeof(err)), (LONG)PHONEERR_INIFILECORRUPT);
	assert_string_equal(err, "line 21: key 'lamps': 'blink' is not a lamp mode (off, steady, "
				 "wink, flash, flutter, brokenflutter)");
	lists[0] = unknown;
	assert_int_equal(try_start(f, lists, 1, err, sizeof(err)), (LONG)PHONEERR_INIFILECORRUPT);
	assert_non_null(strstr(err, "line 20: key 'lamp': not a setting of sim phones"));
	assert_non_null(strstr(err, "display, buttons, lamps, hookswitch, volume, gain and "
				    "ring_modes"));
	lists[0] = twice;
	assert_int_equal(try_start(f, lists, 1, err, sizeof(err)), (LONG)PHONEERR_INIFILECORRUPT);
	assert_string_equal(err, "line 21: key 'display': given twice (first on line 20)");
	/* Configuration failures under memory pressure: NOMEM, nothing leaked. */
	{
		long n;
		LONG r;

		for (n = 0;; n++) {
			ot_alloc_fail_after(n);
			r = try_start(f, NULL, 1, err, sizeof(err));
			ot_alloc_fail_after(-1);
			if (r == 0)
				break;
			assert_int_equal(r, (LONG)PHONEERR_NOMEM);
			assert_int_equal(ot_alloc_live(), f->live);
		}
		assert_true(n > 3);
	}
}

/* ---- display -------------------------------------------------------------------------------- */

static void test_display(void **state)
{
	struct fixture *f = *state;
	HDRVPHONE hd;
	char text[1024], want[1024];
	struct ev e[8];
	int mark;

	start(f, in_memory);
	hd = open_phone(f, 0);
	get_display(hd, text);
	assert_int_equal(strlen(text), 80);
	memset(want, ' ', 80);
	want[80] = '\0';
	assert_string_equal(text, want);

	mark = count_events();
	assert_int_equal(set_display(hd, 0, 0, u"Hello"), 0);
	assert_int_equal(phone_events(mark, e, 8), 1);
	expect_state_msg(&e[0], PHONESTATE_DISPLAY, 0);
	memcpy(want, "Hello", 5);
	get_display(hd, text);
	assert_string_equal(text, want);

	/* The same text again: no change, no message. */
	mark = count_events();
	assert_int_equal(set_display(hd, 0, 0, u"Hell"), 0);
	assert_int_equal(phone_events(mark, e, 8), 0);

	/* Past the end of a row: on into the next. At the end of the display: cut. */
	assert_int_equal(set_display(hd, 0, 38, u"ABCD"), 0);
	assert_int_equal(set_display(hd, 1, 37, u"xy\u00e9\U0001F600z"), 0);
	memcpy(want + 38, "ABCD", 4);
	get_display(hd, text);
	assert_memory_equal(text, want, 42);
	assert_memory_equal(text + 77, "xy\xc3\xa9", 4);
	assert_int_equal(strlen(text), 80 - 3 + 4); /* é takes two bytes; 😀 and z did not fit */

	/* Control characters show as spaces; the text ends at the first NUL in dwSize. */
	{
		static const char16_t t[] = { 'a', '\n', 'b', 0, 'c' };

		assert_int_equal(ASYNC(TSPI_phoneSetDisplay, hd, 1, 0, t, sizeof(t)), 0);
		get_display(hd, text);
		assert_memory_equal(text + 40, "a b ", 4);
		/* dwSize 0: nothing written, still a success. */
		mark = count_events();
		assert_int_equal(ASYNC(TSPI_phoneSetDisplay, hd, 1, 0, t, 0), 0);
		assert_int_equal(ASYNC(TSPI_phoneSetDisplay, hd, 1, 0, NULL, 0), 0);
		assert_int_equal(phone_events(mark, e, 8), 0);
		/* Without a NUL in dwSize. */
		assert_int_equal(ASYNC(TSPI_phoneSetDisplay, hd, 1, 0, t + 4, 2), 0);
		get_display(hd, text);
		assert_memory_equal(text + 40, "c b ", 4);
	}

	/* The provider's own checks. */
	assert_int_equal(ASYNC(TSPI_phoneSetDisplay, hd, 2, 0, u"x", 4), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(ASYNC(TSPI_phoneSetDisplay, hd, 0, 40, u"x", 4), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(ASYNC(TSPI_phoneSetDisplay, hd, 0, 0, u"x", 3), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(ASYNC(TSPI_phoneSetDisplay, hd, 0, 0, NULL, 4), (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(TSPI_phoneGetDisplay(hd, NULL), (LONG)PHONEERR_INVALPOINTER);
	{
		union {
			VARSTRING vs;
			char raw[64];
		} u;

		memset(&u, 0, sizeof(u));
		u.vs.dwTotalSize = 23;
		assert_int_equal(TSPI_phoneGetDisplay(hd, &u.vs), (LONG)PHONEERR_STRUCTURETOOSMALL);
		/* Too small for the text: the size it needs, no part. */
		u.vs.dwTotalSize = sizeof(u);
		assert_int_equal(TSPI_phoneGetDisplay(hd, &u.vs), 0);
		assert_int_equal(u.vs.dwUsedSize, 24);
		assert_int_equal(u.vs.dwNeededSize, 24 + 80 + 1 + 1 /* é */);
		assert_int_equal(u.vs.dwStringSize, 0);
		assert_int_equal(u.vs.dwStringOffset, 0);
		assert_int_equal(u.vs.dwStringFormat, STRINGFORMAT_ASCII);
	}
	close_phone(f, 0);
	stop(f);

	/* A phone without a display. */
	{
		static const char *const kv[] = { "durable", "no", "display", "none", NULL };
		union {
			VARSTRING vs;
			char raw[64];
		} u;

		start(f, kv);
		hd = open_phone(f, 0);
		memset(&u, 0, sizeof(u));
		u.vs.dwTotalSize = sizeof(u);
		assert_int_equal(TSPI_phoneGetDisplay(hd, &u.vs), (LONG)PHONEERR_OPERATIONUNAVAIL);
		assert_int_equal(ASYNC(TSPI_phoneSetDisplay, hd, 0, 0, u"x", 4),
				 (LONG)PHONEERR_OPERATIONUNAVAIL);
	}
}

/* ---- lamps and buttons ---------------------------------------------------------------------- */

static void test_lamps(void **state)
{
	struct fixture *f = *state;
	HDRVPHONE hd;
	struct ev e[8];
	int mark;

	start(f, in_memory);
	hd = open_phone(f, 0);
	assert_int_equal(get_lamp(hd, 0), PHONELAMPMODE_DUMMY); /* keypad: no lamp */
	assert_int_equal(get_lamp(hd, 12), PHONELAMPMODE_OFF);
	assert_int_equal(get_lamp(hd, 21), PHONELAMPMODE_OFF);

	mark = count_events();
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 14, PHONELAMPMODE_FLASH), 0);
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 14, PHONELAMPMODE_FLASH), 0);
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 21, PHONELAMPMODE_BROKENFLUTTER), 0);
	assert_int_equal(phone_events(mark, e, 8), 2);
	expect_state_msg(&e[0], PHONESTATE_LAMP, 14);
	expect_state_msg(&e[1], PHONESTATE_LAMP, 21);
	assert_int_equal(get_lamp(hd, 14), PHONELAMPMODE_FLASH);
	assert_int_equal(get_lamp(hd, 21), PHONELAMPMODE_BROKENFLUTTER);

	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 0, PHONELAMPMODE_STEADY),
			 (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 22, PHONELAMPMODE_STEADY),
			 (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 12, PHONELAMPMODE_DUMMY),
			 (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 12, PHONELAMPMODE_UNKNOWN),
			 (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 12, PHONELAMPMODE_OFF | PHONELAMPMODE_WINK),
			 (LONG)PHONEERR_INVALLAMPMODE);
	assert_int_equal(TSPI_phoneGetLamp(hd, 22, &(DWORD){ 0 }), (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(TSPI_phoneGetLamp(hd, 12, NULL), (LONG)PHONEERR_INVALPOINTER);
	close_phone(f, 0);
	stop(f);

	/* Lamps with fewer modes refuse the others. */
	{
		static const char *const kv[] = { "durable", "no", "lamps", "12: off steady, 21", NULL };

		start(f, kv);
		hd = open_phone(f, 0);
		assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 12, PHONELAMPMODE_STEADY), 0);
		assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 12, PHONELAMPMODE_WINK),
				 (LONG)PHONEERR_INVALLAMPMODE);
		assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 13, PHONELAMPMODE_OFF),
				 (LONG)PHONEERR_INVALBUTTONLAMPID);
		assert_int_equal(get_lamp(hd, 13), PHONELAMPMODE_DUMMY);
	}
}

static void test_button_info(void **state)
{
	struct fixture *f = *state;
	HDRVPHONE hd;
	char buf[256];
	PHONEBUTTONINFO *bi;
	int mark;

	start(f, in_memory);
	hd = open_phone(f, 0);
	bi = get_button(hd, 5, 40, buf, sizeof(buf));
	assert_int_equal(bi->dwButtonMode, PHONEBUTTONMODE_KEYPAD);
	assert_int_equal(bi->dwButtonFunction, PHONEBUTTONFUNCTION_NONE);
	assert_string_equal(button_text(bi), "5");
	assert_int_equal(bi->dwButtonTextSize, 2);
	assert_int_equal(bi->dwButtonState, PHONEBUTTONSTATE_UP);
	assert_int_equal(bi->dwNeededSize, bi->dwUsedSize);
	bi = get_button(hd, 11, 40, buf, sizeof(buf));
	assert_string_equal(button_text(bi), "#");
	bi = get_button(hd, 14, 40, buf, sizeof(buf));
	assert_int_equal(bi->dwButtonMode, PHONEBUTTONMODE_FEATURE);
	assert_int_equal(bi->dwButtonFunction, PHONEBUTTONFUNCTION_HOLD);
	assert_string_equal(button_text(bi), "Hold");
	bi = get_button(hd, 21, 40, buf, sizeof(buf));
	assert_int_equal(bi->dwButtonState, PHONEBUTTONSTATE_UNAVAIL); /* a lamp, no button */
	/* 1.3: no dwButtonState; the text starts right after the 36 bytes. */
	bi = get_button(hd, 14, 36, buf, sizeof(buf));
	assert_int_equal(bi->dwButtonTextOffset, 36);
	assert_int_equal(bi->dwButtonState, 0x646c6f48); /* "Hold" lies here, not a state */
	/* Too small for the text. */
	bi = get_button(hd, 14, 40, buf, 42);
	assert_int_equal(bi->dwButtonTextSize, 0);
	assert_int_equal(bi->dwNeededSize, 45);

	mark = count_events();
	assert_int_equal(set_button(hd, 14, PHONEBUTTONMODE_CALL, PHONEBUTTONFUNCTION_PARK, "Park"),
			 0);
	bi = get_button(hd, 14, 40, buf, sizeof(buf));
	assert_int_equal(bi->dwButtonMode, PHONEBUTTONMODE_CALL);
	assert_int_equal(bi->dwButtonFunction, PHONEBUTTONFUNCTION_PARK);
	assert_string_equal(button_text(bi), "Park");
	assert_int_equal(set_button(hd, 14, PHONEBUTTONMODE_CALL, PHONEBUTTONFUNCTION_PARK, NULL), 0);
	bi = get_button(hd, 14, 40, buf, sizeof(buf));
	assert_int_equal(bi->dwButtonTextSize, 0); /* an empty text is no part */
	/* Text from a legacy ANSI application: cleaned, not refused; long text is cut. */
	assert_int_equal(set_button(hd, 15, PHONEBUTTONMODE_FEATURE, PHONEBUTTONFUNCTION_NONE,
				    "M\xfcller\tX"),
			 0);
	bi = get_button(hd, 15, 40, buf, sizeof(buf));
	assert_string_equal(button_text(bi), "M\xef\xbf\xbdller X");
	assert_int_equal(set_button(hd, 15, PHONEBUTTONMODE_FEATURE, PHONEBUTTONFUNCTION_NONE,
				    "0123456789012345678901234567890123456789012345678901234567890123"
				    "456789"),
			 0);
	bi = get_button(hd, 15, 40, buf, sizeof(buf));
	assert_int_equal(strlen(button_text(bi)), 63);
	assert_int_equal(phone_events(mark, (struct ev[4]){ 0 }, 4), 0); /* no PHONE_STATE */

	/* The provider's own checks. */
	assert_int_equal(set_button(hd, 22, PHONEBUTTONMODE_CALL, 0, "x"),
			 (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(set_button(hd, 14, PHONEBUTTONMODE_CALL | PHONEBUTTONMODE_LOCAL, 0, "x"),
			 (LONG)PHONEERR_INVALBUTTONMODE);
	assert_int_equal(set_button(hd, 14, PHONEBUTTONMODE_DUMMY, 0, "x"),
			 (LONG)PHONEERR_INVALBUTTONMODE);
	assert_int_equal(set_button(hd, 21, PHONEBUTTONMODE_FEATURE, 0, "x"),
			 (LONG)PHONEERR_INVALBUTTONMODE);
	assert_int_equal(set_button(hd, 14, PHONEBUTTONMODE_CALL, PHONEBUTTONFUNCTION_NONE + 1, "x"),
			 (LONG)PHONEERR_INVALPARAM);
	{
		PHONEBUTTONINFO b;

		memset(&b, 0, sizeof(b));
		b.dwTotalSize = 35;
		b.dwButtonMode = PHONEBUTTONMODE_CALL;
		assert_int_equal(ASYNC(TSPI_phoneSetButtonInfo, hd, 14, &b),
				 (LONG)PHONEERR_STRUCTURETOOSMALL);
		b.dwTotalSize = sizeof(b);
		b.dwButtonTextSize = 10;
		b.dwButtonTextOffset = 36; /* 36 + 10 > 40 */
		assert_int_equal(ASYNC(TSPI_phoneSetButtonInfo, hd, 14, &b),
				 (LONG)PHONEERR_STRUCTURETOOSMALL);
		b.dwButtonTextOffset = 0xFFFFFFF0u;
		assert_int_equal(ASYNC(TSPI_phoneSetButtonInfo, hd, 14, &b),
				 (LONG)PHONEERR_STRUCTURETOOSMALL);
		assert_int_equal(ASYNC(TSPI_phoneSetButtonInfo, hd, 14, NULL), (LONG)PHONEERR_INVALPOINTER);
	}
	assert_int_equal(TSPI_phoneGetButtonInfo(hd, 22, (PHONEBUTTONINFO *)buf),
			 (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(TSPI_phoneGetButtonInfo(hd, 1, NULL), (LONG)PHONEERR_INVALPOINTER);
	bi = (PHONEBUTTONINFO *)buf;
	bi->dwTotalSize = 40;
	bi->dwUsedSize = 35;
	assert_int_equal(TSPI_phoneGetButtonInfo(hd, 1, bi), (LONG)PHONEERR_STRUCTURETOOSMALL);
	bi->dwUsedSize = 44;
	assert_int_equal(TSPI_phoneGetButtonInfo(hd, 1, bi), (LONG)PHONEERR_STRUCTURETOOSMALL);
	bi->dwUsedSize = 40;
	bi->dwTotalSize = 39;
	assert_int_equal(TSPI_phoneGetButtonInfo(hd, 1, bi), (LONG)PHONEERR_STRUCTURETOOSMALL);
}

/* ---- hookswitch, ring, volume, gain --------------------------------------------------------- */

static void test_hookswitch(void **state)
{
	struct fixture *f = *state;
	HDRVPHONE hd;
	struct ev e[8];
	int mark;

	start(f, in_memory);
	hd = open_phone(f, 0);
	assert_int_equal(get_hook(hd), 0);
	mark = count_events();
	assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, PHONEHOOKSWITCHDEV_HANDSET,
			       PHONEHOOKSWITCHMODE_MICSPEAKER),
			 0);
	assert_int_equal(phone_events(mark, e, 8), 1);
	expect_state_msg(&e[0], PHONESTATE_HANDSETHOOKSWITCH, PHONEHOOKSWITCHMODE_MICSPEAKER);
	assert_int_equal(get_hook(hd), PHONEHOOKSWITCHDEV_HANDSET);

	/* Several devices at once: one message per device that changed. */
	mark = count_events();
	assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, 7, PHONEHOOKSWITCHMODE_MICSPEAKER), 0);
	assert_int_equal(phone_events(mark, e, 8), 2);
	expect_state_msg(&e[0], PHONESTATE_SPEAKERHOOKSWITCH, PHONEHOOKSWITCHMODE_MICSPEAKER);
	expect_state_msg(&e[1], PHONESTATE_HEADSETHOOKSWITCH, PHONEHOOKSWITCHMODE_MICSPEAKER);
	assert_int_equal(get_hook(hd), 7);
	mark = count_events();
	assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, 7, PHONEHOOKSWITCHMODE_ONHOOK), 0);
	assert_int_equal(phone_events(mark, e, 8), 3);
	assert_int_equal(get_hook(hd), 0);

	assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, 0, PHONEHOOKSWITCHMODE_MIC),
			 (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, 8, PHONEHOOKSWITCHMODE_MIC),
			 (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, 1, PHONEHOOKSWITCHMODE_UNKNOWN),
			 (LONG)PHONEERR_INVALHOOKSWITCHMODE);
	assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, 1, 0), (LONG)PHONEERR_INVALHOOKSWITCHMODE);
	assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, 1, 6), (LONG)PHONEERR_INVALHOOKSWITCHMODE);
	assert_int_equal(TSPI_phoneGetHookSwitch(hd, NULL), (LONG)PHONEERR_INVALPOINTER);
	close_phone(f, 0);
	stop(f);

	/* Settable and monitored modes. */
	{
		static const char *const kv[] = {
			"durable", "no",
			"hookswitch", "handset: settable=none, speaker: onhook micspeaker monitored=onhook",
			NULL,
		};

		start(f, kv);
		hd = open_phone(f, 0);
		assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, PHONEHOOKSWITCHDEV_HANDSET,
				       PHONEHOOKSWITCHMODE_ONHOOK),
				 (LONG)PHONEERR_INVALHOOKSWITCHMODE);
		assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, PHONEHOOKSWITCHDEV_HEADSET,
				       PHONEHOOKSWITCHMODE_ONHOOK),
				 (LONG)PHONEERR_INVALHOOKSWITCHDEV);
		assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, PHONEHOOKSWITCHDEV_SPEAKER,
				       PHONEHOOKSWITCHMODE_MIC),
				 (LONG)PHONEERR_INVALHOOKSWITCHMODE);
		mark = count_events();
		assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, PHONEHOOKSWITCHDEV_SPEAKER,
				       PHONEHOOKSWITCHMODE_MICSPEAKER),
				 0);
		/* The speaker cannot see micspeaker: it reports UNKNOWN, and is not "off hook". */
		assert_int_equal(phone_events(mark, e, 8), 1);
		expect_state_msg(&e[0], PHONESTATE_SPEAKERHOOKSWITCH, PHONEHOOKSWITCHMODE_UNKNOWN);
		assert_int_equal(get_hook(hd), 0);
		/* The user can still lift the handset that software cannot. */
		assert_int_equal(cmd(hd, "hook handset mic"), 0);
		assert_int_equal(get_hook(hd), PHONEHOOKSWITCHDEV_HANDSET);
		close_phone(f, 0);
		stop(f);
	}
	/* No hookswitch at all. */
	{
		static const char *const kv[] = { "durable", "no", "hookswitch", "none", NULL };

		start(f, kv);
		hd = open_phone(f, 0);
		assert_int_equal(TSPI_phoneGetHookSwitch(hd, &(DWORD){ 0 }), (LONG)PHONEERR_OPERATIONUNAVAIL);
		assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, 1, 1), (LONG)PHONEERR_OPERATIONUNAVAIL);
		assert_int_equal(TSPI_phoneGetVolume(hd, 1, &(DWORD){ 0 }),
				 (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	}
}

static void test_ring_volume_gain(void **state)
{
	struct fixture *f = *state;
	static const char *const kv[] = { "durable", "no", "volume", "speaker, headset",
					  "gain", "handset", NULL };
	HDRVPHONE hd;
	DWORD mode = 9, vol = 9;
	struct ev e[8];
	int mark;

	start(f, kv);
	hd = open_phone(f, 0);
	assert_int_equal(TSPI_phoneGetRing(hd, &mode, &vol), 0);
	assert_int_equal(mode, 0);
	assert_int_equal(vol, 0x8000);
	mark = count_events();
	assert_int_equal(ASYNC(TSPI_phoneSetRing, hd, 4, 0x1234), 0);
	assert_int_equal(ASYNC(TSPI_phoneSetRing, hd, 4, 0x10000), 0); /* clamped */
	assert_int_equal(ASYNC(TSPI_phoneSetRing, hd, 4, 0xFFFF), 0);  /* no change */
	assert_int_equal(ASYNC(TSPI_phoneSetRing, hd, 0, 0xFFFF), 0);
	assert_int_equal(phone_events(mark, e, 8), 4);
	expect_state_msg(&e[0], PHONESTATE_RINGMODE, 4);
	expect_state_msg(&e[1], PHONESTATE_RINGVOLUME, 0);
	expect_state_msg(&e[2], PHONESTATE_RINGVOLUME, 0);
	expect_state_msg(&e[3], PHONESTATE_RINGMODE, 0);
	assert_int_equal(TSPI_phoneGetRing(hd, &mode, &vol), 0);
	assert_int_equal(mode, 0);
	assert_int_equal(vol, 0xFFFF);
	assert_int_equal(ASYNC(TSPI_phoneSetRing, hd, 5, 0), (LONG)PHONEERR_INVALRINGMODE);
	assert_int_equal(TSPI_phoneGetRing(hd, NULL, &vol), (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(TSPI_phoneGetRing(hd, &mode, NULL), (LONG)PHONEERR_INVALPOINTER);

	mark = count_events();
	assert_int_equal(ASYNC(TSPI_phoneSetVolume, hd, PHONEHOOKSWITCHDEV_SPEAKER, 100), 0);
	assert_int_equal(ASYNC(TSPI_phoneSetVolume, hd, PHONEHOOKSWITCHDEV_HEADSET, 0xFFFFFFFF), 0);
	assert_int_equal(ASYNC(TSPI_phoneSetGain, hd, PHONEHOOKSWITCHDEV_HANDSET, 0), 0);
	assert_int_equal(ASYNC(TSPI_phoneSetGain, hd, PHONEHOOKSWITCHDEV_HANDSET, 0), 0);
	assert_int_equal(phone_events(mark, e, 8), 3);
	expect_state_msg(&e[0], PHONESTATE_SPEAKERVOLUME, 0);
	expect_state_msg(&e[1], PHONESTATE_HEADSETVOLUME, 0);
	expect_state_msg(&e[2], PHONESTATE_HANDSETGAIN, 0);
	assert_int_equal(get_volume(hd, PHONEHOOKSWITCHDEV_SPEAKER), 100);
	assert_int_equal(get_volume(hd, PHONEHOOKSWITCHDEV_HEADSET), 0xFFFF);
	assert_int_equal(get_gain(hd, PHONEHOOKSWITCHDEV_HANDSET), 0);

	assert_int_equal(ASYNC(TSPI_phoneSetVolume, hd, PHONEHOOKSWITCHDEV_HANDSET, 1),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(TSPI_phoneGetVolume(hd, PHONEHOOKSWITCHDEV_HANDSET, &vol),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ASYNC(TSPI_phoneSetGain, hd, PHONEHOOKSWITCHDEV_SPEAKER, 1),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(TSPI_phoneGetGain(hd, PHONEHOOKSWITCHDEV_SPEAKER, &vol),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(ASYNC(TSPI_phoneSetVolume, hd, 3, 1), (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(ASYNC(TSPI_phoneSetGain, hd, 0, 1), (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(TSPI_phoneGetVolume(hd, 8, &vol), (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(TSPI_phoneGetVolume(hd, PHONEHOOKSWITCHDEV_SPEAKER, NULL),
			 (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(TSPI_phoneGetGain(hd, PHONEHOOKSWITCHDEV_HANDSET, NULL),
			 (LONG)PHONEERR_INVALPOINTER);
	close_phone(f, 0);
	stop(f);

	{
		static const char *const none[] = { "durable", "no", "ring_modes", "0", NULL };

		start(f, none);
		hd = open_phone(f, 0);
		assert_int_equal(ASYNC(TSPI_phoneSetRing, hd, 0, 0), (LONG)PHONEERR_OPERATIONUNAVAIL);
		assert_int_equal(TSPI_phoneGetRing(hd, &mode, &vol), 0);
	}
}

/* Each device's volume and gain has its own PHONE_STATE. */
static void test_every_level_message(void **state)
{
	struct fixture *f = *state;
	static const DWORD vol[3] = { PHONESTATE_HANDSETVOLUME, PHONESTATE_SPEAKERVOLUME,
				      PHONESTATE_HEADSETVOLUME };
	static const DWORD gain[3] = { PHONESTATE_HANDSETGAIN, PHONESTATE_SPEAKERGAIN,
				       PHONESTATE_HEADSETGAIN };
	HDRVPHONE hd;
	struct ev e[4];
	int i, mark;

	start(f, durable);
	hd = open_phone(f, 0);
	for (i = 0; i < 3; i++) {
		DWORD dev = 1u << i;

		mark = count_events();
		assert_int_equal(ASYNC(TSPI_phoneSetVolume, hd, dev, 0x100u + (DWORD)i), 0);
		assert_int_equal(ASYNC(TSPI_phoneSetGain, hd, dev, 0x200u + (DWORD)i), 0);
		assert_int_equal(phone_events(mark, e, 4), 2);
		expect_state_msg(&e[0], vol[i], 0);
		expect_state_msg(&e[1], gain[i], 0);
		assert_int_equal(get_volume(hd, dev), 0x100u + (DWORD)i);
		assert_int_equal(get_gain(hd, dev), 0x200u + (DWORD)i);
	}
}

/* ---- status --------------------------------------------------------------------------------- */

static void test_status(void **state)
{
	struct fixture *f = *state;
	static char buf[1024];
	HDRVPHONE hd;
	PHONESTATUS *st;
	const DWORD *lamps;
	static const size_t parts[] = { offsetof(PHONESTATUS, dwDisplaySize),
					offsetof(PHONESTATUS, dwLampModesSize),
					offsetof(PHONESTATUS, dwOwnerNameSize),
					offsetof(PHONESTATUS, dwDevSpecificSize) };

	start(f, in_memory);
	hd = open_phone(f, 0);
	assert_int_equal(set_display(hd, 0, 0, u"\u00c4rger"), 0);
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 13, PHONELAMPMODE_WINK), 0);
	assert_int_equal(ASYNC(TSPI_phoneSetRing, hd, 2, 0x4000), 0);
	assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, PHONEHOOKSWITCHDEV_SPEAKER,
			       PHONEHOOKSWITCHMODE_SPEAKER),
			 0);
	assert_int_equal(ASYNC(TSPI_phoneSetVolume, hd, PHONEHOOKSWITCHDEV_HEADSET, 0x1111), 0);
	assert_int_equal(ASYNC(TSPI_phoneSetGain, hd, PHONEHOOKSWITCHDEV_HANDSET, 0x2222), 0);

	st = get_status(hd, buf, sizeof(buf), sizeof(PHONESTATUS));
	check_parts(st, sizeof(PHONESTATUS), parts, 4);
	assert_int_equal(st->dwNeededSize, st->dwUsedSize);
	assert_int_equal(st->dwStatusFlags, PHONESTATUSFLAGS_CONNECTED);
	assert_int_equal(st->dwRingMode, 2);
	assert_int_equal(st->dwRingVolume, 0x4000);
	assert_int_equal(st->dwHandsetHookSwitchMode, PHONEHOOKSWITCHMODE_ONHOOK);
	assert_int_equal(st->dwSpeakerHookSwitchMode, PHONEHOOKSWITCHMODE_SPEAKER);
	assert_int_equal(st->dwHeadsetHookSwitchMode, PHONEHOOKSWITCHMODE_ONHOOK);
	assert_int_equal(st->dwHandsetVolume, 0x8000);
	assert_int_equal(st->dwHeadsetVolume, 0x1111);
	assert_int_equal(st->dwHandsetGain, 0x2222);
	assert_int_equal(st->dwSpeakerGain, 0x8000);
	assert_int_equal(st->dwDisplaySize, 82); /* Ä is two bytes, and the NUL */
	assert_memory_equal(buf + st->dwDisplayOffset, "\xc3\x84rger   ", 9);
	assert_int_equal(st->dwLampModesSize, 22 * 4);
	lamps = dwords(st, st->dwLampModesOffset);
	assert_int_equal(lamps[0], PHONELAMPMODE_DUMMY);
	assert_int_equal(lamps[12], PHONELAMPMODE_OFF);
	assert_int_equal(lamps[13], PHONELAMPMODE_WINK);
	assert_int_equal(st->dwPhoneFeatures, 0x0FFFFFFF);
	/* The engine's fields are left alone. */
	assert_int_equal(st->dwNumOwners, 0);
	assert_int_equal(st->dwOwnerNameSize, 0);

	/* 1.x: 100 bytes, no dwPhoneFeatures. */
	st = get_status(hd, buf, sizeof(buf), 100);
	assert_int_equal(st->dwLampModesSize, 22 * 4);
	assert_int_equal(st->dwLampModesOffset, 100);
	assert_int_equal(st->dwDisplayOffset, 100 + 22 * 4);

	/* Suspended: the flag, and no feature is available now. */
	assert_int_equal(cmd(hd, "suspend"), 0);
	st = get_status(hd, buf, sizeof(buf), sizeof(PHONESTATUS));
	assert_int_equal(st->dwStatusFlags, PHONESTATUSFLAGS_CONNECTED | PHONESTATUSFLAGS_SUSPENDED);
	assert_int_equal(st->dwPhoneFeatures, 0);
	assert_int_equal(cmd(hd, "disconnect"), 0);
	st = get_status(hd, buf, sizeof(buf), sizeof(PHONESTATUS));
	assert_int_equal(st->dwStatusFlags, PHONESTATUSFLAGS_SUSPENDED);

	st = (PHONESTATUS *)buf;
	st->dwTotalSize = 100;
	st->dwUsedSize = 104;
	assert_int_equal(TSPI_phoneGetStatus(hd, st), (LONG)PHONEERR_STRUCTURETOOSMALL);
	st->dwUsedSize = 96;
	assert_int_equal(TSPI_phoneGetStatus(hd, st), (LONG)PHONEERR_STRUCTURETOOSMALL);
	assert_int_equal(TSPI_phoneGetStatus(hd, NULL), (LONG)PHONEERR_INVALPOINTER);
}

/* While suspended or disconnected, the device refuses with INVALPHONESTATE; status still works. */
static void test_suspended(void **state)
{
	struct fixture *f = *state;
	static const char *const modes[] = { "suspend", "resume", "disconnect", "connect" };
	static char buf[1024];
	HDRVPHONE hd;
	DWORD v;
	int k;

	static const DWORD states[] = { PHONESTATE_SUSPEND, PHONESTATE_RESUME,
					PHONESTATE_DISCONNECTED, PHONESTATE_CONNECTED };
	struct ev e[4];
	int mark;

	start(f, in_memory);
	hd = open_phone(f, 0);
	for (k = 0; k < 4; k++) {
		mark = count_events();
		assert_int_equal(cmd(hd, modes[k]), 0);
		assert_int_equal(cmd(hd, modes[k]), 0); /* told again, even without a change */
		assert_int_equal(phone_events(mark, e, 4), 2);
		expect_state_msg(&e[0], states[k], 0);
		expect_state_msg(&e[1], states[k], 0);
	}
	for (k = 0; k < 4; k += 2) {
		assert_int_equal(cmd(hd, modes[k]), 0);
		assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 12, PHONELAMPMODE_STEADY),
				 (LONG)PHONEERR_INVALPHONESTATE);
		assert_int_equal(set_display(hd, 0, 0, u"x"), (LONG)PHONEERR_INVALPHONESTATE);
		assert_int_equal(set_button(hd, 12, PHONEBUTTONMODE_CALL, 0, "x"),
				 (LONG)PHONEERR_INVALPHONESTATE);
		assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, 1, 1), (LONG)PHONEERR_INVALPHONESTATE);
		assert_int_equal(ASYNC(TSPI_phoneSetRing, hd, 1, 1), (LONG)PHONEERR_INVALPHONESTATE);
		assert_int_equal(ASYNC(TSPI_phoneSetVolume, hd, 1, 1), (LONG)PHONEERR_INVALPHONESTATE);
		assert_int_equal(ASYNC(TSPI_phoneSetGain, hd, 1, 1), (LONG)PHONEERR_INVALPHONESTATE);
		assert_int_equal(TSPI_phoneGetLamp(hd, 12, &v), (LONG)PHONEERR_INVALPHONESTATE);
		assert_int_equal(TSPI_phoneGetHookSwitch(hd, &v), (LONG)PHONEERR_INVALPHONESTATE);
		assert_int_equal(TSPI_phoneGetRing(hd, &v, &v), (LONG)PHONEERR_INVALPHONESTATE);
		assert_int_equal(TSPI_phoneGetVolume(hd, 1, &v), (LONG)PHONEERR_INVALPHONESTATE);
		assert_int_equal(TSPI_phoneGetGain(hd, 1, &v), (LONG)PHONEERR_INVALPHONESTATE);
		{
			union {
				VARSTRING vs;
				char raw[256];
			} u;

			u.vs.dwTotalSize = sizeof(u);
			assert_int_equal(TSPI_phoneGetDisplay(hd, &u.vs), (LONG)PHONEERR_INVALPHONESTATE);
		}
		assert_int_equal(TSPI_phoneGetButtonInfo(hd, 1, (PHONEBUTTONINFO *)buf),
				 (LONG)PHONEERR_STRUCTURETOOSMALL); /* the size check comes first */
		((PHONEBUTTONINFO *)buf)->dwTotalSize = 100;
		((PHONEBUTTONINFO *)buf)->dwUsedSize = 40;
		assert_int_equal(TSPI_phoneGetButtonInfo(hd, 1, (PHONEBUTTONINFO *)buf),
				 (LONG)PHONEERR_INVALPHONESTATE);
		/* The user's side is as unheard as the application's. */
		assert_int_equal(cmd(hd, "press 1"), (LONG)PHONEERR_INVALPHONESTATE);
		assert_int_equal(cmd(hd, "hook handset mic"), (LONG)PHONEERR_INVALPHONESTATE);
		get_status(hd, buf, sizeof(buf), sizeof(PHONESTATUS));
		assert_int_equal(cmd(hd, modes[k + 1]), 0);
		assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 12, PHONELAMPMODE_STEADY), 0);
		assert_int_equal(get_lamp(hd, 12), PHONELAMPMODE_STEADY);
		assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 12, PHONELAMPMODE_OFF), 0);
	}
}

/* ---- order of completion -------------------------------------------------------------------- */

/* Held requests of every kind complete in issue order; their effects and messages come only
 * then; commands take effect at once. */
static void check_order(struct fixture *f, const char *const *kv)
{
	static const char hold[] = "hold-replies", release[] = "release-replies";
	HDRVPHONE hd;
	DRV_REQUESTID ids[8];
	LONG r[8];
	struct ev e[16];
	int mark, i, n, pos[8];

	start(f, kv);
	hd = open_phone(f, 0);
	assert_int_equal(cmd(hd, hold), 0);
	mark = count_events();
	ids[0] = rid();
	r[0] = TSPI_phoneSetLamp(ids[0], hd, 12, PHONELAMPMODE_STEADY);
	ids[1] = rid();
	r[1] = TSPI_phoneSetData(ids[1], hd, 0, (LPVOID) "data", 4);
	ids[2] = rid();
	r[2] = TSPI_phoneSetDisplay(ids[2], hd, 0, 0, u"Held", 10);
	ids[3] = rid();
	r[3] = TSPI_phoneDevSpecific(ids[3], hd, (LPVOID) "press 3", 8); /* effect now */
	ids[4] = rid();
	r[4] = TSPI_phoneSetRing(ids[4], hd, 1, 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(r[i], (LONG)ids[i]);
	/* Nothing completed; the lamp is still off; only the button went down. */
	n = phone_events(mark, e, 16);
	assert_int_equal(n, 1);
	expect_button_msg(&e[0], 3, PHONEBUTTONMODE_KEYPAD, PHONEBUTTONSTATE_DOWN);
	assert_int_equal(count_events(), mark + 1);
	assert_int_equal(get_lamp(hd, 12), PHONELAMPMODE_OFF);

	ids[5] = rid();
	assert_int_equal(TSPI_phoneDevSpecific(ids[5], hd, (LPVOID)release, sizeof(release)),
			 (LONG)ids[5]);
	for (i = 0; i <= 5; i++)
		assert_int_equal(wait_reply(ids[i]), 0);
	pthread_mutex_lock(&R.m);
	for (i = 0; i <= 5; i++)
		pos[i] = find_reply(ids[i]);
	pthread_mutex_unlock(&R.m);
	for (i = 1; i <= 5; i++)
		assert_true(pos[i - 1] < pos[i]);
	/* Each change's message comes just before its reply. */
	expect_state_msg((struct ev[]){ event_at(pos[0] - 1) }, PHONESTATE_LAMP, 12);
	expect_state_msg((struct ev[]){ event_at(pos[2] - 1) }, PHONESTATE_DISPLAY, 0);
	expect_state_msg((struct ev[]){ event_at(pos[4] - 1) }, PHONESTATE_RINGVOLUME, 0);
	expect_state_msg((struct ev[]){ event_at(pos[4] - 2) }, PHONESTATE_RINGMODE, 1);
	assert_int_equal(get_lamp(hd, 12), PHONELAMPMODE_STEADY);
	assert_int_equal(cmd(hd, "release 3"), 0);
	close_phone(f, 0);
	stop(f);
}

static void test_order_in_memory(void **state)
{
	check_order(*state, in_memory);
}

static void test_order_durable(void **state)
{
	check_order(*state, durable);
}

/* Closing the phone completes what is held, in order, before it returns; a durable phone has
 * saved their effect. */
static void test_close_completes_held(void **state)
{
	struct fixture *f = *state;
	DRV_REQUESTID a, b;
	HDRVPHONE hd;
	int pa, pb;

	start(f, durable);
	hd = open_phone(f, 0);
	assert_int_equal(cmd(hd, "hold-replies"), 0);
	a = rid();
	assert_int_equal(TSPI_phoneSetLamp(a, hd, 12, PHONELAMPMODE_STEADY), (LONG)a);
	b = rid();
	assert_int_equal(TSPI_phoneSetGain(b, hd, PHONEHOOKSWITCHDEV_HANDSET, 7), (LONG)b);
	close_phone(f, 0);
	pthread_mutex_lock(&R.m);
	pa = find_reply(a);
	pb = find_reply(b);
	pthread_mutex_unlock(&R.m);
	assert_true(pa >= 0 && pb > pa);
	assert_int_equal(event_at(pa).result, 0);
	assert_int_equal(event_at(pb).result, 0);
	hd = open_phone(f, 0);
	assert_int_equal(get_lamp(hd, 12), PHONELAMPMODE_STEADY);
	assert_int_equal(get_gain(hd, PHONEHOOKSWITCHDEV_HANDSET), 7);
}

/* A durable write keeps the bytes it was given, even when the caller's buffer changes before
 * the write is committed (tapisrv may pass a buffer its client can still write): the area and,
 * after a restart, the journal hold the bytes of the call. */
static void test_durable_copies_payload(void **state)
{
	struct fixture *f = *state;
	char buf[8] = "before!", out[8] = { 0 };
	DRV_REQUESTID a;
	HDRVPHONE hd;

	start(f, durable);
	hd = open_phone(f, 0);
	assert_int_equal(cmd(hd, "hold-replies"), 0);
	a = rid();
	assert_int_equal(TSPI_phoneSetData(a, hd, 1, buf, sizeof(buf)), (LONG)a);
	memcpy(buf, "after!!", sizeof(buf));
	close_phone(f, 0); /* completes what is held */
	assert_int_equal(wait_reply(a), 0);
	stop(f);
	start(f, durable);
	hd = open_phone(f, 0);
	assert_int_equal(TSPI_phoneGetData(hd, 1, out, sizeof(out)), 0);
	assert_string_equal(out, "before!");
}

/* ---- dev-specific commands ------------------------------------------------------------------ */

static void test_press_release(void **state)
{
	struct fixture *f = *state;
	HDRVPHONE hd;
	struct ev e[16];
	char buf[128];
	int mark;

	start(f, in_memory);
	hd = open_phone(f, 0);
	mark = count_events();
	assert_int_equal(cmd(hd, "press 5"), 0);
	assert_int_equal(get_button(hd, 5, 40, buf, sizeof(buf))->dwButtonState,
			 PHONEBUTTONSTATE_DOWN);
	assert_int_equal(cmd(hd, "press 5"), (LONG)PHONEERR_INVALBUTTONSTATE);
	assert_int_equal(cmd(hd, "release 5"), 0);
	assert_int_equal(cmd(hd, "release 5"), (LONG)PHONEERR_INVALBUTTONSTATE);
	assert_int_equal(get_button(hd, 5, 40, buf, sizeof(buf))->dwButtonState,
			 PHONEBUTTONSTATE_UP);
	assert_int_equal(cmd(hd, "press *"), 0);
	assert_int_equal(cmd(hd, "release *"), 0);
	assert_int_equal(cmd(hd, "press 14"), 0);
	assert_int_equal(cmd(hd, "press 18"), 0);
	assert_int_equal(cmd(hd, "release 14"), 0);
	assert_int_equal(cmd(hd, "release 18"), 0);
	assert_int_equal(phone_events(mark, e, 16), 8);
	expect_button_msg(&e[0], 5, PHONEBUTTONMODE_KEYPAD, PHONEBUTTONSTATE_DOWN);
	expect_button_msg(&e[1], 5, PHONEBUTTONMODE_KEYPAD, PHONEBUTTONSTATE_UP);
	expect_button_msg(&e[2], 10, PHONEBUTTONMODE_KEYPAD, PHONEBUTTONSTATE_DOWN);
	expect_button_msg(&e[3], 10, PHONEBUTTONMODE_KEYPAD, PHONEBUTTONSTATE_UP);
	expect_button_msg(&e[4], 14, PHONEBUTTONMODE_FEATURE, PHONEBUTTONSTATE_DOWN);
	expect_button_msg(&e[5], 18, PHONEBUTTONMODE_LOCAL, PHONEBUTTONSTATE_DOWN);
	expect_button_msg(&e[6], 14, PHONEBUTTONMODE_FEATURE, PHONEBUTTONSTATE_UP);
	expect_button_msg(&e[7], 18, PHONEBUTTONMODE_LOCAL, PHONEBUTTONSTATE_UP);

	/* The message carries the button's mode as set by phoneSetButtonInfo. */
	assert_int_equal(set_button(hd, 14, PHONEBUTTONMODE_CALL, PHONEBUTTONFUNCTION_NONE, "L3"), 0);
	mark = count_events();
	assert_int_equal(cmd(hd, "press 14"), 0);
	assert_int_equal(cmd(hd, "release 14"), 0);
	assert_int_equal(phone_events(mark, e, 16), 2);
	expect_button_msg(&e[0], 14, PHONEBUTTONMODE_CALL, PHONEBUTTONSTATE_DOWN);

	/* Positions without a button, and IDs that do not exist. */
	assert_int_equal(cmd(hd, "press 21"), (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(cmd(hd, "press 22"), (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(cmd(hd, "release 4294967295"), (LONG)PHONEERR_INVALBUTTONLAMPID);
	assert_int_equal(cmd(hd, "press"), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(cmd(hd, "jump"), (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(ASYNC(TSPI_phoneDevSpecific, hd, NULL, 5), (LONG)PHONEERR_INVALPARAM);
}

/* A press that nobody releases is released by the provider after a second. */
static void test_auto_release(void **state)
{
	struct fixture *f = *state;
	HDRVPHONE hd;
	struct ev e[4];
	int mark;
	long ms;

	start(f, in_memory);
	hd = open_phone(f, 0);
	mark = count_events();
	assert_int_equal(cmd(hd, "press 12"), 0);
	assert_int_equal(cmd(hd, "press 0"), 0);
	assert_int_equal(cmd(hd, "release 0"), 0);
	wait_count(mark + 3 + 3 + 1, 8000); /* 3 replies, 3 button messages, the automatic up */
	assert_int_equal(phone_events(mark, e, 4), 4);
	expect_button_msg(&e[0], 12, PHONEBUTTONMODE_CALL, PHONEBUTTONSTATE_DOWN);
	expect_button_msg(&e[3], 12, PHONEBUTTONMODE_CALL, PHONEBUTTONSTATE_UP);
	ms = (e[3].at.tv_sec - e[0].at.tv_sec) * 1000 + (e[3].at.tv_nsec - e[0].at.tv_nsec) / 1000000;
	assert_true(ms >= 990);
	assert_true(ms < 6000); /* a second, plus whatever a loaded machine adds */
	/* It is up now: a late release is refused. */
	assert_int_equal(cmd(hd, "release 12"), (LONG)PHONEERR_INVALBUTTONSTATE);
	/* A press that is closed away sends nothing after the close. */
	assert_int_equal(cmd(hd, "press 13"), 0);
	close_phone(f, 0);
	mark = count_events();
	usleep(1300 * 1000);
	assert_int_equal(count_events(), mark);
	hd = open_phone(f, 0);
	assert_int_equal(cmd(hd, "press 13"), 0); /* it starts up again */
	assert_int_equal(cmd(hd, "release 13"), 0);
}

static void test_hook_command(void **state)
{
	struct fixture *f = *state;
	static const char *const kv[] = { "durable", "no",
					  "hookswitch", "handset, speaker: onhook micspeaker", NULL };
	HDRVPHONE hd;
	struct ev e[8];
	int mark;

	start(f, kv);
	hd = open_phone(f, 0);
	mark = count_events();
	assert_int_equal(cmd(hd, "hook handset mic"), 0);
	assert_int_equal(cmd(hd, "hook handset mic"), 0); /* no change: no message */
	assert_int_equal(cmd(hd, "hook speaker micspeaker"), 0);
	assert_int_equal(cmd(hd, "hook handset onhook"), 0);
	assert_int_equal(phone_events(mark, e, 8), 3);
	expect_state_msg(&e[0], PHONESTATE_HANDSETHOOKSWITCH, PHONEHOOKSWITCHMODE_MIC);
	expect_state_msg(&e[1], PHONESTATE_SPEAKERHOOKSWITCH, PHONEHOOKSWITCHMODE_MICSPEAKER);
	expect_state_msg(&e[2], PHONESTATE_HANDSETHOOKSWITCH, PHONEHOOKSWITCHMODE_ONHOOK);
	assert_int_equal(get_hook(hd), PHONEHOOKSWITCHDEV_SPEAKER);
	assert_int_equal(cmd(hd, "hook headset mic"), (LONG)PHONEERR_INVALHOOKSWITCHDEV);
	assert_int_equal(cmd(hd, "hook speaker mic"), (LONG)PHONEERR_INVALHOOKSWITCHMODE);
	assert_int_equal(cmd(hd, "hook speaker"), (LONG)PHONEERR_INVALPARAM);
}

/* "remove": the phone goes, PHONE_REMOVE comes after the command's reply, and the device ID
 * answers NODEVICE until the provider is configured again. The other phone stays. */
static void test_remove(void **state)
{
	struct fixture *f = *state;
	const char *const *lists[2] = { in_memory, in_memory };
	static char buf[2048];
	HDRVPHONE hd, other;
	DRV_REQUESTID id;
	struct ev e;
	DWORD v;
	int mark, i, reply = -1, removal = -1, up = -1;

	start_n(f, lists, 2);
	hd = open_phone(f, 0);
	other = open_phone(f, 1);
	assert_int_equal(cmd(hd, "press 16"), 0);
	mark = count_events();
	id = rid();
	assert_int_equal(TSPI_phoneDevSpecific(id, hd, (LPVOID) "remove", 7), (LONG)id);
	assert_int_equal(wait_reply(id), 0);
	wait_count(mark + 3, 3000);
	assert_int_equal(count_events(), mark + 3);
	for (i = mark; i < mark + 3; i++) {
		e = event_at(i);
		if (e.kind == EV_REPLY)
			reply = i;
		else if (e.kind == EV_CREATE)
			removal = i;
		else
			up = i;
	}
	/* The button comes up first, then the reply, then the removal. */
	assert_true(up < reply && reply < removal);
	expect_button_msg((struct ev[]){ event_at(up) }, 16, PHONEBUTTONMODE_FEATURE,
			  PHONEBUTTONSTATE_UP);
	e = event_at(removal);
	assert_null(e.ht);
	assert_int_equal(e.msg, PHONE_REMOVE);
	assert_int_equal(e.p1, 7);
	assert_int_equal(e.p2, 0);
	assert_int_equal(e.p3, 0);

	/* The handle is useless now, but closing it works. */
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 12, PHONELAMPMODE_STEADY),
			 (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(TSPI_phoneGetLamp(hd, 12, &v), (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(ASYNC(TSPI_phoneSetData, hd, 0, (LPVOID) "x", 1),
			 (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(TSPI_phoneGetData(hd, 0, buf, 1), (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(cmd(hd, "resume"), (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(cmd(hd, "remove"), (LONG)PHONEERR_INVALPHONEHANDLE);
	((PHONESTATUS *)buf)->dwTotalSize = sizeof(buf);
	ot_var_begin(buf, sizeof(PHONESTATUS));
	assert_int_equal(TSPI_phoneGetStatus(hd, (PHONESTATUS *)buf), (LONG)PHONEERR_INVALPHONEHANDLE);
	close_phone(f, 0);
	assert_int_equal(TSPI_phoneOpen(7, HT, &hd, V22, on_event), (LONG)PHONEERR_NODEVICE);
	assert_int_equal(TSPI_phoneNegotiateTSPIVersion(7, V22, V22, &v), (LONG)PHONEERR_NODEVICE);
	((PHONECAPS *)buf)->dwTotalSize = sizeof(buf);
	ot_var_begin(buf, sizeof(PHONECAPS));
	assert_int_equal(TSPI_phoneGetDevCaps(7, V22, 0, (PHONECAPS *)buf), (LONG)PHONEERR_NODEVICE);
	assert_int_equal(TSPI_phoneNegotiateTSPIVersion(9, V22, V22, &v), (LONG)PHONEERR_BADDEVICEID);

	/* The other phone is untouched. */
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, other, 12, PHONELAMPMODE_STEADY), 0);
	get_caps(8, V22, sizeof(PHONECAPS), buf, sizeof(buf));
	close_phone(f, 1);

	/* Only a new configuration brings it back. */
	stop(f);
	start_n(f, lists, 2);
	hd = open_phone(f, 0);
	assert_int_equal(TSPI_phoneNegotiateTSPIVersion(7, V22, V22, &v), 0);
}

/* "remove" with requests held: they complete first, in order, then its reply, then the
 * removal. */
static void test_remove_completes_held(void **state)
{
	struct fixture *f = *state;
	HDRVPHONE hd;
	DRV_REQUESTID a, b, c;
	int pa, pb, pc, i, removal = -1;

	start(f, durable);
	hd = open_phone(f, 0);
	assert_int_equal(cmd(hd, "hold-replies"), 0);
	a = rid();
	assert_int_equal(TSPI_phoneSetLamp(a, hd, 12, PHONELAMPMODE_STEADY), (LONG)a);
	b = rid();
	assert_int_equal(TSPI_phoneSetData(b, hd, 1, (LPVOID) "abc", 3), (LONG)b);
	c = rid();
	assert_int_equal(TSPI_phoneDevSpecific(c, hd, (LPVOID) "remove", 7), (LONG)c);
	assert_int_equal(wait_reply(a), 0);
	assert_int_equal(wait_reply(b), 0);
	assert_int_equal(wait_reply(c), 0);
	wait_count(count_events() + 1, 3000);
	pthread_mutex_lock(&R.m);
	pa = find_reply(a);
	pb = find_reply(b);
	pc = find_reply(c);
	for (i = 0; i < R.n; i++)
		if (R.ev[i].kind == EV_CREATE && R.ev[i].msg == PHONE_REMOVE)
			removal = i;
	pthread_mutex_unlock(&R.m);
	assert_true(pa < pb && pb < pc && pc < removal);
	close_phone(f, 0);
}

/* ---- durability ----------------------------------------------------------------------------- */

static void change_everything(HDRVPHONE hd)
{
	assert_int_equal(set_display(hd, 1, 10, u"Saved \u00e9"), 0);
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 15, PHONELAMPMODE_FLUTTER), 0);
	assert_int_equal(set_button(hd, 16, PHONEBUTTONMODE_FEATURE, PHONEBUTTONFUNCTION_PARK,
				    "Parken"),
			 0);
	assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, PHONEHOOKSWITCHDEV_HEADSET,
			       PHONEHOOKSWITCHMODE_MIC),
			 0);
	assert_int_equal(ASYNC(TSPI_phoneSetRing, hd, 3, 0x3333), 0);
	assert_int_equal(ASYNC(TSPI_phoneSetVolume, hd, PHONEHOOKSWITCHDEV_SPEAKER, 0x4444), 0);
	assert_int_equal(ASYNC(TSPI_phoneSetGain, hd, PHONEHOOKSWITCHDEV_HANDSET, 0x5555), 0);
	assert_int_equal(cmd(hd, "hook handset micspeaker"), 0);
}

/* Whether hd shows what change_everything did (1), or the starting state (0). */
static void expect_everything(HDRVPHONE hd, int changed)
{
	char text[1024], buf[128];
	PHONEBUTTONINFO *bi;
	DWORD mode, vol;

	get_display(hd, text);
	assert_int_equal(memcmp(text + 50, "Saved \xc3\xa9", 8) == 0, changed);
	assert_int_equal(get_lamp(hd, 15), changed ? PHONELAMPMODE_FLUTTER : PHONELAMPMODE_OFF);
	bi = get_button(hd, 16, 40, buf, sizeof(buf));
	assert_string_equal(button_text(bi), changed ? "Parken" : "Conference");
	assert_int_equal(bi->dwButtonFunction,
			 changed ? PHONEBUTTONFUNCTION_PARK : PHONEBUTTONFUNCTION_CONFERENCE);
	assert_int_equal(get_hook(hd), changed ? PHONEHOOKSWITCHDEV_HEADSET |
							 PHONEHOOKSWITCHDEV_HANDSET
					       : 0);
	assert_int_equal(TSPI_phoneGetRing(hd, &mode, &vol), 0);
	assert_int_equal(mode, changed ? 3 : 0);
	assert_int_equal(vol, changed ? 0x3333 : 0x8000);
	assert_int_equal(get_volume(hd, PHONEHOOKSWITCHDEV_SPEAKER), changed ? 0x4444 : 0x8000);
	assert_int_equal(get_gain(hd, PHONEHOOKSWITCHDEV_HANDSET), changed ? 0x5555 : 0x8000);
}

static void test_durable_state(void **state)
{
	struct fixture *f = *state;
	HDRVPHONE hd;
	char path[256];
	struct stat st;

	start(f, durable);
	hd = open_phone(f, 0);
	expect_everything(hd, 0);
	change_everything(hd);
	expect_everything(hd, 1);
	snprintf(path, sizeof(path), "%s/sim/Phone%%200/state", f->root);
	assert_int_equal(stat(path, &st), 0);
	close_phone(f, 0);
	hd = open_phone(f, 0);
	expect_everything(hd, 1);
	close_phone(f, 0);
	/* And across a restart of the provider. */
	stop(f);
	start(f, durable);
	hd = open_phone(f, 0);
	expect_everything(hd, 1);
	close_phone(f, 0);
	stop(f);

	/* A phone whose display changed size keeps the rest. */
	{
		static const char *const kv[] = { "display", "2x20", NULL };
		char text[64];

		start(f, kv);
		hd = open_phone(f, 0);
		get_display(hd, text);
		assert_string_equal(text, "                                        ");
		assert_int_equal(get_lamp(hd, 15), PHONELAMPMODE_FLUTTER);
		close_phone(f, 0);
		stop(f);
	}
	/* A damaged state file: the phone starts as configured (and the next change repairs it). */
	{
		FILE *fp = fopen(path, "r+");

		assert_non_null(fp);
		fseek(fp, 20, SEEK_SET);
		fputc('!', fp);
		fclose(fp);
		start(f, durable);
		hd = open_phone(f, 0);
		expect_everything(hd, 0);
		change_everything(hd);
		close_phone(f, 0);
		hd = open_phone(f, 0);
		expect_everything(hd, 1);
	}
}

/* durable = no: the state lives as long as the phone is open. */
static void test_memory_state(void **state)
{
	struct fixture *f = *state;
	HDRVPHONE hd;
	char path[256];
	struct stat st;

	start(f, in_memory);
	hd = open_phone(f, 0);
	change_everything(hd);
	expect_everything(hd, 1);
	close_phone(f, 0);
	hd = open_phone(f, 0);
	expect_everything(hd, 0);
	snprintf(path, sizeof(path), "%s/sim", f->root);
	assert_int_equal(stat(path, &st), -1);
}

/* A change whose state file cannot be written fails: no effect, no message; later ones work. */
static void test_durable_failure(void **state)
{
	struct fixture *f = *state;
	struct rlimit old, lim;
	HDRVPHONE hd;
	int mark;

	start(f, durable);
	hd = open_phone(f, 0);
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 12, PHONELAMPMODE_STEADY), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 64; /* smaller than any state file */
	mark = count_events();
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	/* The committer threads block signals: EFBIG, not SIGXFSZ. */
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 12, PHONELAMPMODE_WINK),
			 (LONG)PHONEERR_OPERATIONFAILED);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(phone_events(mark, (struct ev[2]){ 0 }, 2), 0);
	assert_int_equal(get_lamp(hd, 12), PHONELAMPMODE_STEADY);
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 12, PHONELAMPMODE_FLASH), 0);
	close_phone(f, 0);
	hd = open_phone(f, 0);
	assert_int_equal(get_lamp(hd, 12), PHONELAMPMODE_FLASH);
}

/* The wals of a round are synced concurrently; a phone whose sync fails fails its own writes
 * only, the others succeed, and every phone's replies come in the order of its requests. */
static void test_concurrent_sync_failure(void **state)
{
	struct fixture *f = *state;
	const char *const *lists[3] = { durable, durable, durable };
	static char vals[3][4][4];
	HDRVPHONE hd[3];
	DRV_REQUESTID ids[3][4];
	char buf[4];
	int p, k, pos[3][4];

	start_n(f, lists, 3);
	for (p = 0; p < 3; p++) {
		hd[p] = open_phone(f, p);
		assert_int_equal(ASYNC(TSPI_phoneSetData, hd[p], 0, (LPVOID) "old", 4), 0);
	}
	fail_sync = "Phone%201/wal";
	for (k = 0; k < 4; k++)
		for (p = 0; p < 3; p++) {
			vals[p][k][0] = 'n';
			vals[p][k][1] = (char)('0' + p);
			vals[p][k][2] = (char)('0' + k);
			ids[p][k] = rid();
			assert_int_equal(TSPI_phoneSetData(ids[p][k], hd[p], 0, vals[p][k], 4),
					 (LONG)ids[p][k]);
		}
	for (p = 0; p < 3; p++)
		for (k = 0; k < 4; k++)
			assert_int_equal(wait_reply(ids[p][k]), p == 1 ? (LONG)PHONEERR_OPERATIONFAILED : 0);
	fail_sync = NULL;
	pthread_mutex_lock(&R.m);
	for (p = 0; p < 3; p++)
		for (k = 0; k < 4; k++)
			pos[p][k] = find_reply(ids[p][k]);
	pthread_mutex_unlock(&R.m);
	for (p = 0; p < 3; p++)
		for (k = 1; k < 4; k++)
			assert_true(pos[p][k - 1] < pos[p][k]);
	for (p = 0; p < 3; p++) {
		assert_int_equal(TSPI_phoneGetData(hd[p], 0, buf, 4), 0);
		assert_memory_equal(buf, p == 1 ? "old" : vals[p][3], 4);
	}
	/* What was acknowledged is on disk; the failed phone works again once reopened. */
	for (p = 0; p < 3; p++) {
		close_phone(f, p);
		hd[p] = open_phone(f, p);
		assert_int_equal(TSPI_phoneGetData(hd[p], 0, buf, 4), 0);
		assert_memory_equal(buf, p == 1 ? "old" : vals[p][3], 4);
	}
	assert_int_equal(ASYNC(TSPI_phoneSetData, hd[1], 0, vals[1][0], 4), 0);
	assert_int_equal(TSPI_phoneGetData(hd[1], 0, buf, 4), 0);
	assert_memory_equal(buf, vals[1][0], 4);
}

/* ---- the provider's defences ---------------------------------------------------------------- */

static void test_bad_handles(void **state)
{
	struct fixture *f = *state;
	HDRVPHONE bad[3] = { NULL, (HDRVPHONE)(uintptr_t)3, (HDRVPHONE)(uintptr_t)1 };
	static char buf[512];
	DWORD v;
	int i;

	start(f, in_memory); /* one phone: handle 1 exists but is not open */
	for (i = 0; i < 3; i++) {
		HDRVPHONE hd = bad[i];

		assert_int_equal(ASYNC(TSPI_phoneSetDisplay, hd, 0, 0, u"x", 4),
				 (LONG)PHONEERR_INVALPHONEHANDLE);
		assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 12, 4), (LONG)PHONEERR_INVALPHONEHANDLE);
		assert_int_equal(set_button(hd, 12, 2, 0, "x"), (LONG)PHONEERR_INVALPHONEHANDLE);
		assert_int_equal(ASYNC(TSPI_phoneSetHookSwitch, hd, 1, 1), (LONG)PHONEERR_INVALPHONEHANDLE);
		assert_int_equal(ASYNC(TSPI_phoneSetRing, hd, 1, 1), (LONG)PHONEERR_INVALPHONEHANDLE);
		assert_int_equal(ASYNC(TSPI_phoneSetVolume, hd, 1, 1), (LONG)PHONEERR_INVALPHONEHANDLE);
		assert_int_equal(ASYNC(TSPI_phoneSetGain, hd, 1, 1), (LONG)PHONEERR_INVALPHONEHANDLE);
		assert_int_equal(cmd(hd, "press 1"), (LONG)PHONEERR_INVALPHONEHANDLE);
		assert_int_equal(TSPI_phoneGetLamp(hd, 12, &v), (LONG)PHONEERR_INVALPHONEHANDLE);
		assert_int_equal(TSPI_phoneGetHookSwitch(hd, &v), (LONG)PHONEERR_INVALPHONEHANDLE);
		assert_int_equal(TSPI_phoneGetRing(hd, &v, &v), (LONG)PHONEERR_INVALPHONEHANDLE);
		assert_int_equal(TSPI_phoneGetVolume(hd, 1, &v), (LONG)PHONEERR_INVALPHONEHANDLE);
		assert_int_equal(TSPI_phoneGetGain(hd, 1, &v), (LONG)PHONEERR_INVALPHONEHANDLE);
		((VARSTRING *)buf)->dwTotalSize = sizeof(buf);
		assert_int_equal(TSPI_phoneGetDisplay(hd, (VARSTRING *)buf),
				 (LONG)PHONEERR_INVALPHONEHANDLE);
		((PHONEBUTTONINFO *)buf)->dwTotalSize = sizeof(buf);
		((PHONEBUTTONINFO *)buf)->dwUsedSize = 40;
		assert_int_equal(TSPI_phoneGetButtonInfo(hd, 1, (PHONEBUTTONINFO *)buf),
				 (LONG)PHONEERR_INVALPHONEHANDLE);
		((PHONESTATUS *)buf)->dwTotalSize = sizeof(buf);
		ot_var_begin(buf, sizeof(PHONESTATUS));
		assert_int_equal(TSPI_phoneGetStatus(hd, (PHONESTATUS *)buf),
				 (LONG)PHONEERR_INVALPHONEHANDLE);
	}
	assert_int_equal(count_events(), 0);
}

/* Out of memory in each request: NOMEM at once, nothing changed, nothing leaked. */
static void test_alloc_failures(void **state)
{
	struct fixture *f = *state;
	HDRVPHONE hd = NULL;
	DRV_REQUESTID id;
	long n;
	LONG r;

	start(f, durable);
	/* Open: every allocation (device state, store) can fail. */
	for (n = 0;; n++) {
		ot_alloc_fail_after(n);
		r = TSPI_phoneOpen(7, HT, &hd, V22, on_event);
		ot_alloc_fail_after(-1);
		if (r == 0)
			break;
		assert_int_equal(r, (LONG)PHONEERR_NOMEM);
	}
	assert_true(n >= 5);
	f->hd[0] = hd;
	ot_alloc_fail_after(0);
	id = rid();
	r = TSPI_phoneSetLamp(id, hd, 12, PHONELAMPMODE_STEADY);
	ot_alloc_fail_after(-1);
	assert_int_equal(r, (LONG)PHONEERR_NOMEM);
	ot_alloc_fail_after(0);
	r = TSPI_phoneSetDisplay(id, hd, 0, 0, u"x", 4);
	ot_alloc_fail_after(-1);
	assert_int_equal(r, (LONG)PHONEERR_NOMEM);
	ot_alloc_fail_after(0);
	r = TSPI_phoneDevSpecific(id, hd, (LPVOID) "press 1", 8);
	ot_alloc_fail_after(-1);
	assert_int_equal(r, (LONG)PHONEERR_NOMEM);
	assert_int_equal(count_events(), 0); /* the press did not happen */
	/* The table of pressed buttons is made at the first press: its failure refuses it too. */
	ot_alloc_fail_after(1);
	r = TSPI_phoneDevSpecific(id, hd, (LPVOID) "press 1", 8);
	ot_alloc_fail_after(-1);
	assert_int_equal(r, (LONG)PHONEERR_NOMEM);
	assert_int_equal(count_events(), 0);
	/* A durable phone's write takes its own copy of the payload: refused when it cannot. */
	ot_alloc_fail_after(0);
	r = TSPI_phoneSetData(id, hd, 0, (LPVOID) "x", 1);
	ot_alloc_fail_after(-1);
	assert_int_equal(r, (LONG)PHONEERR_NOMEM);
	ot_alloc_fail_after(0);
	r = ASYNC(TSPI_phoneSetRing, hd, 1, 1);
	ot_alloc_fail_after(-1);
	assert_int_equal(r, (LONG)PHONEERR_NOMEM);
	assert_int_equal(get_lamp(hd, 12), PHONELAMPMODE_OFF);
	/* Init allocates nothing of ours (the committers' buffers are on their stacks). */
	close_phone(f, 0);
	stop(f);
	{
		static char err[200];
		OTSPIPHONECONFIG cfg = { 7, "P", NULL, 0, NULL };
		DWORD lines, phones, opts;

		assert_int_equal(OTSPI_providerConfigure(1, f->root, &cfg, 1, err, sizeof(err)), 0);
		assert_int_equal(TSPI_providerEnumDevices(1, &lines, &phones, NULL, NULL, on_create),
				 0);
		ot_alloc_fail_after(0);
		r = TSPI_providerInit(V22, 1, 0, 7, 0, 1, on_completion, &opts);
		ot_alloc_fail_after(-1);
		assert_int_equal(r, 0);
		f->started = 1;
	}
}

/* Many threads at once: each button's messages alternate down and up, and no two callbacks
 * ever overlap (checked in teardown). */
struct hammer {
	HDRVPHONE hd;
	int button;
	int rounds;
};

static void *hammer_buttons(void *arg)
{
	struct hammer *h = arg;
	char press[32], release[32];
	int i;

	snprintf(press, sizeof(press), "press %d", h->button);
	snprintf(release, sizeof(release), "release %d", h->button);
	for (i = 0; i < h->rounds; i++) {
		DRV_REQUESTID a = __atomic_add_fetch(&last_id, 1, __ATOMIC_SEQ_CST);
		DRV_REQUESTID b = __atomic_add_fetch(&last_id, 1, __ATOMIC_SEQ_CST);
		LONG r;

		r = TSPI_phoneDevSpecific(a, h->hd, press, (DWORD)strlen(press) + 1);
		if (r != (LONG)a)
			return (void *)1;
		r = TSPI_phoneDevSpecific(b, h->hd, release, (DWORD)strlen(release) + 1);
		if (r != (LONG)b && r != (LONG)PHONEERR_INVALBUTTONSTATE) /* the timer was quicker */
			return (void *)1;
	}
	return NULL;
}

static void *hammer_changes(void *arg)
{
	struct hammer *h = arg;
	int i;

	for (i = 0; i < h->rounds; i++) {
		DRV_REQUESTID a = __atomic_add_fetch(&last_id, 1, __ATOMIC_SEQ_CST);
		DRV_REQUESTID b = __atomic_add_fetch(&last_id, 1, __ATOMIC_SEQ_CST);
		char16_t text[2] = { (char16_t)('a' + i % 26), 0 };

		if (TSPI_phoneSetLamp(a, h->hd, 12, i % 2 ? PHONELAMPMODE_OFF : PHONELAMPMODE_STEADY) !=
		    (LONG)a)
			return (void *)1;
		if (TSPI_phoneSetDisplay(b, h->hd, 0, 0, text, 4) != (LONG)b)
			return (void *)1;
	}
	return NULL;
}

static void check_concurrency(struct fixture *f, const char *const *kv)
{
	enum { THREADS = 6, ROUNDS = 200 };
	pthread_t t[THREADS];
	struct hammer h[THREADS];
	HDRVPHONE hd;
	int i, n, b;
	void *res;

	start(f, kv);
	hd = open_phone(f, 0);
	for (i = 0; i < THREADS; i++) {
		h[i].hd = hd;
		h[i].button = i;
		h[i].rounds = ROUNDS;
		assert_int_equal(pthread_create(&t[i], NULL, i < THREADS - 2 ? hammer_buttons
									    : hammer_changes,
						&h[i]),
				 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], &res), 0);
		assert_null(res);
	}
	close_phone(f, 0); /* every reply is in after this */
	pthread_mutex_lock(&R.m);
	n = R.n;
	for (b = 0; b < THREADS - 2; b++) {
		DWORD expect = PHONEBUTTONSTATE_DOWN;
		int seen = 0;

		for (i = 0; i < n; i++) {
			const struct ev *e = &R.ev[i];

			if (e->kind != EV_PHONE || e->msg != PHONE_BUTTON || e->p1 != (DWORD)b)
				continue;
			assert_int_equal(e->p3, expect);
			expect = expect == PHONEBUTTONSTATE_DOWN ? PHONEBUTTONSTATE_UP
								 : PHONEBUTTONSTATE_DOWN;
			seen++;
		}
		assert_int_equal(seen, 2 * ROUNDS);
	}
	pthread_mutex_unlock(&R.m);
	stop(f);
	clear_events();
}

static void test_concurrency(void **state)
{
	check_concurrency(*state, in_memory);
	check_concurrency(*state, durable);
}

static void test_set_status_messages(void **state)
{
	struct fixture *f = *state;
	HDRVPHONE hd;

	start(f, in_memory);
	hd = open_phone(f, 0);
	assert_int_equal(TSPI_phoneSetStatusMessages(hd, 0xFFFFFF, 0x3F, 0xF), 0);
	assert_int_equal(TSPI_phoneSetStatusMessages(NULL, 0, 0, 0), (LONG)PHONEERR_INVALPHONEHANDLE);
}

/* ---- phones added while the provider runs ---------------------------------------------------- */

/* What the engine does on a reload that adds phones to a running provider: OTSPI_providerConfigure
 * with just the new ones (settings on lines 40, 41, ...). Returns its result; err gets the
 * message. */
static LONG configure_more(struct fixture *f, const char *const *names, const DWORD *ids,
			   const char *const *const *kv, int n, char *err, size_t errlen)
{
	OTSPISETTING set[4][16];
	OTSPIPHONECONFIG cfg[4];
	int p, i;

	assert_true(n <= 4);
	for (p = 0; p < n; p++) {
		for (i = 0; kv && kv[p] && kv[p][2 * i]; i++) {
			set[p][i].lpszKey = kv[p][2 * i];
			set[p][i].lpszValue = kv[p][2 * i + 1];
			set[p][i].dwLine = (DWORD)(40 + i);
		}
		cfg[p] = (OTSPIPHONECONFIG){ ids[p], names[p], set[p], (DWORD)i, NULL };
	}
	err[0] = '\0';
	return OTSPI_providerConfigure(1, f->root, cfg, (DWORD)n, err, (DWORD)errlen);
}

/* One phone added as the engine adds it: configure, create, negotiate, caps. */
static void add_phone(struct fixture *f, const char *name, DWORD id, const char *const *kv)
{
	const char *const *lists[1] = { kv };
	static char buf[4096];
	char err[300];
	DWORD v = 0;

	if (configure_more(f, &name, &id, lists, 1, err, sizeof(err)) != 0)
		fail_msg("configuration refused: %s", err);
	assert_int_equal(TSPI_providerCreatePhoneDevice(id, id), 0);
	assert_int_equal(TSPI_phoneNegotiateTSPIVersion(id, 0x00010003, V22, &v), 0);
	assert_int_equal(v, V22);
	get_caps(id, V22, sizeof(PHONECAPS), buf, sizeof(buf));
}

static const char *caps_name(const PHONECAPS *c)
{
	return (const char *)c + c->dwPhoneNameOffset;
}

static void test_add_phones(void **state)
{
	struct fixture *f = *state;
	static const char *const small[] = { "durable", "no", "data_areas", "16, 32", "display",
					     "1x8", NULL };
	const char *const *lists[2] = { in_memory, in_memory };
	static char buf[4096];
	const char *names[2];
	DWORD ids[2], v;
	HDRVPHONE first, added = NULL;
	PHONECAPS *c;
	char err[300], data[8] = { 0 }, text[1024];

	start_n(f, lists, 2);
	first = open_phone(f, 0);
	assert_int_equal(ASYNC(TSPI_phoneSetData, first, 0, (LPVOID) "one", 4), 0);

	/* Configured but not created yet: the device does not exist. */
	names[0] = "Added";
	ids[0] = 9;
	lists[0] = small;
	assert_int_equal(configure_more(f, names, ids, lists, 1, err, sizeof(err)), 0);
	assert_int_equal(TSPI_phoneNegotiateTSPIVersion(9, V22, V22, &v), (LONG)PHONEERR_BADDEVICEID);
	assert_int_equal(TSPI_phoneOpen(9, HT, &added, V22, on_event), (LONG)PHONEERR_BADDEVICEID);
	/* Only a configured temporary ID can be created, and only once. */
	assert_int_equal(TSPI_providerCreatePhoneDevice(10, 10), (LONG)PHONEERR_BADDEVICEID);
	assert_int_equal(TSPI_providerCreatePhoneDevice(8, 8), (LONG)PHONEERR_BADDEVICEID);
	assert_int_equal(TSPI_providerCreatePhoneDevice(9, 9), 0);
	assert_int_equal(TSPI_providerCreatePhoneDevice(9, 9), (LONG)PHONEERR_BADDEVICEID);

	/* Now it is a whole phone of its own. */
	assert_int_equal(TSPI_phoneNegotiateTSPIVersion(9, V22, V22, &v), 0);
	c = get_caps(9, V22, sizeof(PHONECAPS), buf, sizeof(buf));
	assert_string_equal(caps_name(c), "Added");
	assert_int_equal(c->dwNumSetData, 2);
	assert_int_equal(dwords(c, c->dwSetDataOffset)[1], 32);
	assert_int_equal(c->dwDisplayNumRows, 1);
	assert_int_equal(c->dwDisplayNumColumns, 8);
	assert_int_equal(TSPI_phoneOpen(9, HT, &added, V22, on_event), 0);
	assert_ptr_equal(added, (HDRVPHONE)(uintptr_t)3);
	assert_int_equal(ASYNC(TSPI_phoneSetData, added, 1, (LPVOID) "added", 6), 0);
	assert_int_equal(TSPI_phoneGetData(added, 1, data, 6), 0);
	assert_string_equal(data, "added");
	assert_int_equal(set_display(added, 0, 0, u"hi"), 0);
	get_display(added, text);
	assert_int_equal(strncmp(text, "hi      ", 8), 0);

	/* The phones that were there are undisturbed. */
	memset(data, 0, sizeof(data));
	assert_int_equal(TSPI_phoneGetData(first, 0, data, 4), 0);
	assert_string_equal(data, "one");
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, first, 12, PHONELAMPMODE_STEADY), 0);
	c = get_caps(8, V22, sizeof(PHONECAPS), buf, sizeof(buf));
	assert_string_equal(caps_name(c), "Phone 1");
	assert_int_equal(TSPI_phoneClose(added), 0);
}

static void test_add_phones_checked(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = { "durable", "no", "display", "0x8", NULL };
	const char *const *lists[2] = { in_memory, in_memory };
	const char *names[2];
	DWORD ids[2];
	char err[300];

	start_n(f, lists, 2);
	open_phone(f, 0);
	/* Each key as at start-up. */
	names[0] = "Bad";
	ids[0] = 9;
	lists[0] = bad;
	assert_int_equal(configure_more(f, names, ids, lists, 1, err, sizeof(err)),
			 (LONG)PHONEERR_INIFILECORRUPT);
	assert_non_null(strstr(err, "line 41: key 'display'"));
	/* A device ID the provider has. */
	names[0] = "New";
	ids[0] = 8;
	lists[0] = in_memory;
	assert_int_equal(configure_more(f, names, ids, lists, 1, err, sizeof(err)),
			 (LONG)PHONEERR_INIFILECORRUPT);
	assert_string_equal(err, "phone 'New': device ID 8 is taken (phone 'Phone 1')");
	/* The name of a phone that is open. */
	names[0] = "Phone 0";
	ids[0] = 9;
	assert_int_equal(configure_more(f, names, ids, lists, 1, err, sizeof(err)),
			 (LONG)PHONEERR_INIFILECORRUPT);
	assert_string_equal(err, "phone 'Phone 0': a phone of this name is open (device ID 7)");
	/* Twice the same among the new ones. */
	names[0] = names[1] = "Twin";
	ids[0] = 9;
	ids[1] = 10;
	lists[1] = in_memory;
	assert_int_equal(configure_more(f, names, ids, lists, 2, err, sizeof(err)),
			 (LONG)PHONEERR_INIFILECORRUPT);
	assert_string_equal(err, "phone 'Twin': two phones have this name");
	names[1] = "Other";
	ids[1] = 9;
	assert_int_equal(configure_more(f, names, ids, lists, 2, err, sizeof(err)),
			 (LONG)PHONEERR_INIFILECORRUPT);
	assert_string_equal(err, "phone 'Other': device ID 9 is used twice");
	/* A refused configuration leaves nothing to create. */
	assert_int_equal(TSPI_providerCreatePhoneDevice(9, 9), (LONG)PHONEERR_BADDEVICEID);

	/* Pending phones are dropped by the next configure... */
	names[0] = "Early";
	ids[0] = 9;
	assert_int_equal(configure_more(f, names, ids, lists, 1, err, sizeof(err)), 0);
	names[0] = "Late";
	ids[0] = 10;
	assert_int_equal(configure_more(f, names, ids, lists, 1, err, sizeof(err)), 0);
	assert_int_equal(TSPI_providerCreatePhoneDevice(9, 9), (LONG)PHONEERR_BADDEVICEID);
	assert_int_equal(TSPI_providerCreatePhoneDevice(10, 10), 0);
	/* ... and by shutdown (teardown checks that nothing leaked). */
	names[0] = "Never";
	ids[0] = 11;
	assert_int_equal(configure_more(f, names, ids, lists, 1, err, sizeof(err)), 0);
	/* An empty configure is fine too: nothing is being added. */
	assert_int_equal(configure_more(f, names, ids, lists, 0, err, sizeof(err)), 0);
	assert_int_equal(TSPI_providerCreatePhoneDevice(11, 11), (LONG)PHONEERR_BADDEVICEID);

	/* Out of memory: NOMEM, nothing leaked, nothing pending; create itself needs none. */
	{
		long live = ot_alloc_live(), n;
		LONG r;

		names[0] = "Tight";
		ids[0] = 12;
		lists[0] = durable;
		for (n = 0;; n++) {
			ot_alloc_fail_after(n);
			r = configure_more(f, names, ids, lists, 1, err, sizeof(err));
			ot_alloc_fail_after(-1);
			if (r == 0)
				break;
			assert_int_equal(r, (LONG)PHONEERR_NOMEM);
			assert_int_equal(ot_alloc_live(), live);
			assert_int_equal(TSPI_providerCreatePhoneDevice(12, 12), (LONG)PHONEERR_BADDEVICEID);
		}
		assert_true(n > 2);
		ot_alloc_fail_after(0);
		r = TSPI_providerCreatePhoneDevice(12, 12);
		ot_alloc_fail_after(-1);
		assert_int_equal(r, 0);
	}
}

/* A reload that changes a phone removes it (the engine closes it) and adds it again under the
 * same name with a new device ID; the same after "remove". The old IDs are gone for good. */
static void test_add_phone_again(void **state)
{
	struct fixture *f = *state;
	static const char *const changed[] = { "durable", "yes", "data_areas", "8", NULL };
	const char *const *lists[2] = { durable, in_memory };
	static char buf[4096];
	HDRVPHONE hd;
	PHONECAPS *c;
	DWORD v;
	char data[8] = { 0 };
	uint32_t permanent;

	start_n(f, lists, 2);
	hd = open_phone(f, 0);
	assert_int_equal(ASYNC(TSPI_phoneSetData, hd, 0, (LPVOID) "saved", 6), 0);
	permanent = get_caps(7, V22, sizeof(PHONECAPS), buf, sizeof(buf))->dwPermanentPhoneID;
	close_phone(f, 0);

	add_phone(f, "Phone 0", 9, changed);
	assert_int_equal(TSPI_phoneNegotiateTSPIVersion(7, V22, V22, &v), (LONG)PHONEERR_NODEVICE);
	assert_int_equal(TSPI_phoneOpen(7, HT, &hd, V22, on_event), (LONG)PHONEERR_NODEVICE);
	c = get_caps(9, V22, sizeof(PHONECAPS), buf, sizeof(buf));
	assert_int_equal(c->dwNumSetData, 1);
	assert_int_equal(c->dwPermanentPhoneID, permanent); /* same name, same phone */
	assert_int_equal(TSPI_phoneOpen(9, HT, &hd, V22, on_event), 0);
	assert_int_equal(TSPI_phoneGetData(hd, 0, data, 6), 0);
	assert_string_equal(data, "saved"); /* its durable data are its name's */
	assert_int_equal(TSPI_phoneClose(hd), 0);

	/* Unplugged with "remove", plugged in again by a reload. */
	hd = open_phone(f, 1);
	assert_int_equal(cmd(hd, "remove"), 0);
	close_phone(f, 1);
	add_phone(f, "Phone 1", 10, in_memory);
	assert_int_equal(TSPI_phoneNegotiateTSPIVersion(8, V22, V22, &v), (LONG)PHONEERR_NODEVICE);
	assert_int_equal(TSPI_phoneOpen(10, HT, &hd, V22, on_event), 0);
	assert_int_equal(ASYNC(TSPI_phoneSetLamp, hd, 12, PHONELAMPMODE_WINK), 0);
	assert_int_equal(TSPI_phoneClose(hd), 0);

	/* A phone opened between configure and create keeps its place. */
	{
		const char *name = "Phone 0";
		DWORD id = 11;
		const char *const *one[1] = { in_memory };
		char err[300];

		assert_int_equal(configure_more(f, &name, &id, one, 1, err, sizeof(err)), 0);
		assert_int_equal(TSPI_phoneOpen(9, HT, &hd, V22, on_event), 0);
		assert_int_equal(TSPI_providerCreatePhoneDevice(11, 11), (LONG)PHONEERR_OPERATIONFAILED);
		assert_int_equal(TSPI_phoneClose(hd), 0);
		assert_int_equal(TSPI_providerCreatePhoneDevice(11, 11), 0);
		assert_int_equal(TSPI_phoneOpen(9, HT, &hd, V22, on_event), (LONG)PHONEERR_NODEVICE);
	}
}

/* Phones added one after another while the committers and the timer work on a busy phone and other
 * threads look phones up: the table grows several times under them. */
struct adder_load {
	HDRVPHONE hd;
	int stop;
	int failed;
};

static void *look_up_phones(void *arg)
{
	struct adder_load *l = arg;
	DWORD v;

	while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE)) {
		if (TSPI_phoneGetLamp(l->hd, 12, &v) != 0 ||
		    TSPI_phoneNegotiateTSPIVersion(7, V22, V22, &v) != 0)
			l->failed = 1;
	}
	return NULL;
}

static void *busy_phone(void *arg)
{
	/* The payload stays valid until its request completes, as the engine keeps it. */
	static const char payload[] = "0123456789abcdef";
	struct adder_load *l = arg;
	int i = 0;

	/* At most 4 events a round: the recording engine keeps MAX_EV. */
	while (!__atomic_load_n(&l->stop, __ATOMIC_ACQUIRE) && i < MAX_EV / 8) {
		DRV_REQUESTID a = __atomic_add_fetch(&last_id, 1, __ATOMIC_SEQ_CST);
		DRV_REQUESTID b = __atomic_add_fetch(&last_id, 1, __ATOMIC_SEQ_CST);
		/* Every other round the button goes down, the next it comes up (if the timer did
		 * not let it up first). */
		const char *c = i % 2 ? "release 13" : "press 13";
		LPVOID byte = (LPVOID)&payload[i++ % 16];
		LONG r;

		if (TSPI_phoneSetData(a, l->hd, 0, byte, 1) != (LONG)a)
			l->failed = 1;
		r = TSPI_phoneDevSpecific(b, l->hd, (LPVOID)c, (DWORD)strlen(c) + 1);
		if (r != (LONG)b && r != (LONG)PHONEERR_INVALBUTTONSTATE)
			l->failed = 2;
	}
	return NULL;
}

static void test_add_phones_while_busy(void **state)
{
	enum { ADDED = 40 };
	struct fixture *f = *state;
	static const char *const small_durable[] = { "durable", "yes", "data_areas", "16", NULL };
	struct adder_load load = { 0 };
	HDRVPHONE hd[ADDED];
	pthread_t busy, look;
	char name[32];
	int i;

	start(f, durable);
	load.hd = open_phone(f, 0);
	assert_int_equal(pthread_create(&busy, NULL, busy_phone, &load), 0);
	assert_int_equal(pthread_create(&look, NULL, look_up_phones, &load), 0);
	for (i = 0; i < ADDED; i++) {
		DWORD id = (DWORD)(8 + i);

		snprintf(name, sizeof(name), "Added %d", i);
		add_phone(f, name, id, small_durable);
		assert_int_equal(TSPI_phoneOpen(id, HT, &hd[i], V22, on_event), 0);
		assert_ptr_equal(hd[i], (HDRVPHONE)(uintptr_t)(i + 2));
		assert_int_equal(ASYNC(TSPI_phoneSetData, hd[i], 0, name, (DWORD)strlen(name)), 0);
	}
	__atomic_store_n(&load.stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(busy, NULL), 0);
	assert_int_equal(pthread_join(look, NULL), 0);
	assert_int_equal(load.failed, 0);
	for (i = 0; i < ADDED; i++) {
		char back[32] = { 0 };

		snprintf(name, sizeof(name), "Added %d", i);
		assert_int_equal(TSPI_phoneGetData(hd[i], 0, back, (DWORD)strlen(name)), 0);
		assert_string_equal(back, name);
		assert_int_equal(TSPI_phoneClose(hd[i]), 0);
	}
	close_phone(f, 0); /* every reply is in after this */
	stop(f);
	clear_events();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_caps_default),
		T(test_caps_configured),
		T(test_config_messages),
		T(test_display),
		T(test_lamps),
		T(test_button_info),
		T(test_hookswitch),
		T(test_ring_volume_gain),
		T(test_every_level_message),
		T(test_status),
		T(test_suspended),
		T(test_order_in_memory),
		T(test_order_durable),
		T(test_close_completes_held),
		T(test_durable_copies_payload),
		T(test_press_release),
		T(test_auto_release),
		T(test_hook_command),
		T(test_remove),
		T(test_remove_completes_held),
		T(test_durable_state),
		T(test_memory_state),
		T(test_concurrent_sync_failure),
		T(test_durable_failure),
		T(test_bad_handles),
		T(test_alloc_failures),
		T(test_concurrency),
		T(test_set_status_messages),
		T(test_add_phones),
		T(test_add_phones_checked),
		T(test_add_phone_again),
		T(test_add_phones_while_busy),
#undef T
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("sim_phone", tests, NULL, NULL);
}
