/* SPDX-License-Identifier: MIT */
/* difftest.c — the differential test's caller: a seeded stream of phone* calls over all 47
 * exports of libopentapi, with valid and invalid handles, pointers, IDs, sizes, modes, structure
 * sizes and privileges, written out as a transcript.
 *
 *     difftest [--seed N] [--calls N]
 *
 * Run once embedded (OPENTAPI_SERVER=embedded) and once against a tapisrv with the same
 * configuration, the two transcripts must be equal: same return values, same filled structures,
 * same messages (test_differential.sh runs both and compares). Handles and request IDs are
 * written as the order in which they first appeared (A1, P2, R3), since an application cannot
 * rely on their values; everything else is written as it is.
 *
 * After each call the messages it caused are collected: an asynchronous request is waited for
 * until its PHONE_REPLY, then a synchronous call makes a round trip (through tapisrv, every
 * message sent before its answer has arrived by then) and both apps' queues are drained.
 * Only the public API is used.
 */
#define TAPI_CURRENT_VERSION 0x00020002
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uchar.h>

#include <tapi.h>

/* The undecorated (TAPI 1.x) names are exports of their own: call them, not their A forms. */
#undef phoneConfigDialog
#undef phoneGetButtonInfo
#undef phoneGetDevCaps
#undef phoneGetIcon
#undef phoneGetID
#undef phoneGetStatus
#undef phoneSetButtonInfo

#define APPS 2
#define MAX_PHONES 32
#define MAX_IDS 4096
#define BUF_SIZE (2u << 20)
#define REPLY_WAIT_MS 60000u /* a hang guard: a lost PHONE_REPLY fails the run */

static uint64_t rng;
static unsigned long step;

/* xorshift64*: the same stream for the same seed on every machine. */
static uint32_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 32);
}

static uint32_t below(uint32_t n)
{
	return n ? next() % n : 0;
}

static int chance(unsigned percent)
{
	return below(100) < percent;
}

/* ---- handles written as the order of first appearance ---- */

static struct {
	char kind;
	uint64_t value;
} ids[MAX_IDS];
static unsigned num_ids;

static const char *name_of(char kind, uint64_t value)
{
	static char bufs[8][24];
	static unsigned turn;
	char *b = bufs[turn++ % 8];
	unsigned i;

	if (value == 0)
		return "0";
	for (i = 0; i < num_ids; i++)
		if (ids[i].kind == kind && ids[i].value == value)
			break;
	if (i == num_ids && num_ids < MAX_IDS)
		ids[num_ids++] = (typeof(ids[0])){ kind, value };
	snprintf(b, 24, "%c%u", kind, i + 1);
	return b;
}

/* ---- what the caller holds ---- */

static HPHONEAPP apps[APPS];
static DWORD num_devs;
static struct held {
	HPHONE h;
	int app; /* index into apps */
	int open;
	int owner;
	DWORD dev;
} phones[MAX_PHONES];
static unsigned num_phones;
static unsigned char *buf, *pattern;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static uint64_t hash(const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *c++) * 0x100000001b3ull;
	return h;
}

static void result(LONG rc)
{
	if (rc > 0)
		out(" = %s\n", name_of('R', (uint64_t)rc));
	else
		out(" = %s%X\n", rc ? "0x" : "", (unsigned)rc);
}

/* An app handle: mostly one of ours (perhaps shut down), sometimes one that never was. */
static HPHONEAPP pick_app(void)
{
	if (chance(90))
		return apps[below(APPS)];
	return chance(50) ? 0 : (HPHONEAPP)0x7654321;
}

/* A handle this process got from phoneOpen: mostly one still open. */
static struct held *pick_held(void)
{
	unsigned open = 0, i, k;
	int owners = chance(50);

	for (i = 0; i < num_phones; i++)
		open += phones[i].open && (!owners || phones[i].owner);
	if (!open && owners)
		return pick_held();
	if (!open || chance(15))
		return num_phones ? &phones[below(num_phones)] : NULL;
	k = below(open);
	for (i = 0; i < num_phones; i++)
		if (phones[i].open && (!owners || phones[i].owner) && k-- == 0)
			break;
	return &phones[i];
}

static HPHONE pick_phone(void)
{
	struct held *p = pick_held();

	if (p && chance(92))
		return p->h;
	return chance(50) ? 0 : (HPHONE)0x1234567;
}

static DWORD pick_dev(void)
{
	if (chance(90))
		return below(num_devs);
	return chance(50) ? num_devs : 0xFFFFFFFFu;
}

static DWORD pick_version(void)
{
	static const DWORD v[] = { 0x00020002, 0x00020001, 0x00020000, 0x00010004, 0x00010003,
				   0x00030000, 0x00010000 };
	return chance(70) ? 0x00020002 : v[below(sizeof(v) / sizeof(v[0]))];
}

static DWORD pick_size(void)
{
	static const DWORD s[] = { 0, 1, 15, 16, 17, 31, 32, 33, 64, 65, 128, 129, 4096,
				   65535, 65536, 65537, 70000, 262144, 1048576, 1048577 };
	return s[below(sizeof(s) / sizeof(s[0]))];
}

/* A pointer to size bytes: NULL now and then. */
static void *pick_ptr(void)
{
	return chance(10) ? NULL : buf;
}

/* A dwTotalSize for a structure whose fixed part is fixed bytes. */
static DWORD pick_total(DWORD fixed)
{
	const DWORD t[] = { 0, 4, 12, fixed - 1, fixed, fixed + 8, fixed + 512, 8192 };
	return chance(60) ? 8192 : t[below(sizeof(t) / sizeof(t[0]))];
}

static DWORD pick_bits(void)
{
	static const DWORD b[] = { 0, 1, 2, 3, 4, 7, 8, 0x10, 0x20, 0x40, 0x80, 0x100, 0xFFFFFFFFu };
	return chance(50) ? 1u << below(32) : b[below(sizeof(b) / sizeof(b[0]))];
}

static DWORD pick_small(void)
{
	return chance(80) ? below(20) : next();
}

static const char *pick_class(void)
{
	static const char *const c[] = { NULL, "", "tapi/phone", "wave/out", "comm", "TAPI/PHONE",
					 "no/such", "tapi/line" };
	return c[below(sizeof(c) / sizeof(c[0]))];
}

static const char16_t *wide_class(const char *cls)
{
	static char16_t w[32];
	size_t i;

	if (!cls)
		return NULL;
	for (i = 0; cls[i] && i < 31; i++)
		w[i] = (char16_t)cls[i];
	w[i] = 0;
	return w;
}

/* ---- messages ---- */

static const struct held *held_by_handle(HPHONE h)
{
	for (unsigned i = 0; i < num_phones; i++)
		if (phones[i].h == h)
			return &phones[i];
	return NULL;
}

static void print_message(int app, const PHONEMESSAGE *m)
{
	uint64_t p1 = m->dwParam1;

	out("  msg app%d %u dev=%s inst=%llu p1=", app, (unsigned)m->dwMessageID,
	    name_of('P', m->hDevice), (unsigned long long)m->dwCallbackInstance);
	if (m->dwMessageID == PHONE_REPLY)
		out("%s", name_of('R', p1));
	else
		out("%llu", (unsigned long long)p1);
	out(" p2=%llu p3=%llu\n", (unsigned long long)m->dwParam2,
	    (unsigned long long)m->dwParam3);
}

/* Waits for the PHONE_REPLY of request req on app, printing what comes before it. */
static void wait_reply(int app, LONG req)
{
	PHONEMESSAGE m;

	for (;;) {
		if (phoneGetMessage(apps[app], &m, REPLY_WAIT_MS) != 0) {
			out("  no PHONE_REPLY for %s\n", name_of('R', (uint64_t)req));
			return;
		}
		print_message(app, &m);
		if (m.dwMessageID == PHONE_REPLY && m.dwParam1 == (DWORD_PTR)req)
			return;
	}
}

/* After a call: its reply if it was a request, then every message either app has. */
static void settle(HPHONE h, LONG rc)
{
	const struct held *p = held_by_handle(h);
	PHONEMESSAGE m;
	DWORD v, ph, bm, bs;
	int a;

	if (rc > 0 && p)
		wait_reply(p->app, rc);
	/* A round trip: through tapisrv, every message sent before its answer is queued now. */
	for (a = 0; a < APPS; a++)
		phoneNegotiateAPIVersion(apps[a], 0, 0x00010003, 0x00020002, &v,
					 &(PHONEEXTENSIONID){ 0 });
	for (unsigned i = 0; i < num_phones; i++)
		if (phones[i].open)
			phoneGetStatusMessages(phones[i].h, &ph, &bm, &bs);
	for (a = 0; a < APPS; a++)
		while (phoneGetMessage(apps[a], &m, 0) == 0)
			print_message(a, &m);
}

/* ---- variable-size structures ---- */

/* A structure of total bytes in buf, its dwUsedSize on entry set as TAPI asks (the fixed part). */
static void *prepare(DWORD total, DWORD used)
{
	memset(buf, 0xA5, total < BUF_SIZE ? total + 64 : BUF_SIZE);
	if (total >= 4)
		memcpy(buf, &total, 4);
	if (total >= 12) {
		memset(buf + 4, 0, 8);
		memcpy(buf + 8, &used, 4);
	}
	return buf;
}

/* dwTotalSize, dwNeededSize, dwUsedSize and a hash of the used bytes. */
static void print_var(LONG rc, DWORD total)
{
	DWORD needed, used;

	if (rc != 0 || total < 12)
		return;
	memcpy(&needed, buf + 4, 4);
	memcpy(&used, buf + 8, 4);
	out("  total=%u needed=%u used=%u hash=%016llx\n", (unsigned)total, (unsigned)needed,
	    (unsigned)used, (unsigned long long)hash(buf, used <= total ? used : total));
}

/* ---- one call of each function ---- */

enum { A, W, PLAIN };

/* A new handle takes a free place, or that of one closed, or of any. */
static void remember(HPHONE h, int app, int owner, DWORD dev)
{
	unsigned i;

	/* A handle value may come back after a close: it is the new handle's now. */
	for (i = 0; i < num_phones; i++)
		if (phones[i].h == h) {
			phones[i] = (struct held){ h, app, 1, owner, dev };
			return;
		}
	if (num_phones == MAX_PHONES)
		for (i = 0; i < MAX_PHONES && phones[i].open; i++)
			;
	if (i == MAX_PHONES)
		i = below(MAX_PHONES);
	else if (i == num_phones)
		num_phones++;
	phones[i] = (struct held){ h, app, 1, owner, dev };
}

static void do_open(void)
{
	int app = (int)below(APPS), no_out = chance(3), other_app = chance(5);
	DWORD dev = pick_dev(), version = pick_version(), priv;
	HPHONEAPP happ = other_app ? pick_app() : apps[app];
	HPHONE h = 0;
	LONG rc;

	priv = chance(45) ? PHONEPRIVILEGE_OWNER
			  : chance(85) ? PHONEPRIVILEGE_MONITOR : pick_bits();
	rc = phoneOpen(happ, dev, no_out ? NULL : &h, version, 0, 1000 + step, priv);
	out("%lu phoneOpen(%s, %u, %s, %08x, priv=%u)", step, name_of('A', (uintptr_t)happ),
	    (unsigned)dev, no_out ? "NULL" : "&h", (unsigned)version, (unsigned)priv);
	for (app = 0; app < APPS && apps[app] != happ; app++)
		;
	if (rc == 0 && app < APPS)
		remember(h, app, priv == PHONEPRIVILEGE_OWNER, dev);
	out(" = %s%X h=%s\n", rc ? "0x" : "", (unsigned)rc, name_of('P', h));
	settle(0, 0);
}

static void do_close(void)
{
	struct held *p = pick_held();
	HPHONE h = p && chance(90) ? p->h : pick_phone();
	LONG rc = phoneClose(h);

	out("%lu phoneClose(%s)", step, name_of('P', h));
	result(rc);
	for (unsigned i = 0; rc == 0 && i < num_phones; i++)
		if (phones[i].h == h)
			phones[i].open = 0;
	settle(0, 0);
}

/* The size of data area 0 of dev as PHONECAPS says now (0: none; partsprov's areas hold at most
 * 1 MiB), so that sizes at the edge of an area that has grown are tried too. */
static DWORD area_size(DWORD dev)
{
	union {
		PHONECAPS caps;
		unsigned char bytes[4096];
	} u = { .caps.dwTotalSize = sizeof(u) };
	DWORD size = 0;

	if (phoneGetDevCapsA(apps[0], dev, 0x00020002, 0, &u.caps) == 0 && u.caps.dwNumSetData &&
	    u.caps.dwSetDataOffset + 4 <= u.caps.dwUsedSize)
		memcpy(&size, u.bytes + u.caps.dwSetDataOffset, 4);
	return size;
}

static void do_set_data(void)
{
	struct held *p = pick_held();
	HPHONE h = p && chance(92) ? p->h : pick_phone();
	DWORD id = chance(85) ? 0 : pick_small(), size = pick_size();

	if (p && chance(40))
		size = area_size(p->dev) + (DWORD)below(3); /* never more than buf holds */
	void *data = pick_ptr();
	LONG rc;

	memcpy(buf, pattern + below(1024), size < BUF_SIZE - 1024 ? size : 0);
	rc = phoneSetData(h, id, data, size);
	out("%lu phoneSetData(%s, %u, %s, %u)", step, name_of('P', h), (unsigned)id,
	    data ? "buf" : "NULL", (unsigned)size);
	result(rc);
	settle(h, rc);
}

static void do_get_data(void)
{
	HPHONE h = pick_phone();
	DWORD id = chance(85) ? 0 : pick_small(), size = pick_size();
	void *data = pick_ptr();
	LONG rc;

	memset(buf, 0x5A, size);
	rc = phoneGetData(h, id, data, size);
	out("%lu phoneGetData(%s, %u, %s, %u)", step, name_of('P', h), (unsigned)id,
	    data ? "buf" : "NULL", (unsigned)size);
	result(rc);
	if (rc == 0 && data)
		out("  hash=%016llx\n", (unsigned long long)hash(buf, size));
	settle(0, 0);
}

/* The parts-phone's commands, and others it ignores; sizes past 64 KiB too. */
static void do_dev_specific(void)
{
	static const char *const cmds[] = { "grow", "capschange", "state 64 3", "button 3 4 2",
					    "nothing", "" };
	HPHONE h = pick_phone();
	DWORD size;
	void *p = pick_ptr();
	const char *cmd = cmds[below(sizeof(cmds) / sizeof(cmds[0]))];
	LONG rc;

	size = chance(85) ? (DWORD)strlen(cmd) + 1 : pick_size();
	memset(buf, 0, size < BUF_SIZE ? size : BUF_SIZE);
	memcpy(buf, cmd, strlen(cmd) + 1);
	rc = phoneDevSpecific(h, p, size);
	out("%lu phoneDevSpecific(%s, %s \"%s\", %u)", step, name_of('P', h), p ? "buf" : "NULL",
	    cmd, (unsigned)size);
	result(rc);
	settle(h, rc);
}

static void do_get_dev_caps(int form)
{
	HPHONEAPP app = pick_app();
	DWORD dev = pick_dev(), v = pick_version(), ext = chance(90) ? 0 : 1;
	DWORD total = pick_total(sizeof(PHONECAPS));
	PHONECAPS *caps = chance(5) ? NULL : prepare(total, sizeof(PHONECAPS));
	LONG rc = form == A ? phoneGetDevCapsA(app, dev, v, ext, caps)
		  : form == W ? phoneGetDevCapsW(app, dev, v, ext, caps)
			      : phoneGetDevCaps(app, dev, v, ext, caps);

	out("%lu phoneGetDevCaps%s(%s, %u, %08x, %u, %s %u)", step, form == A ? "A" : form == W ? "W" : "",
	    name_of('A', (uintptr_t)app), (unsigned)dev, (unsigned)v, (unsigned)ext,
	    caps ? "caps" : "NULL", (unsigned)total);
	result(rc);
	if (caps)
		print_var(rc, total);
	settle(0, 0);
}

static void do_get_status(int form)
{
	HPHONE h = pick_phone();
	DWORD total = pick_total(sizeof(PHONESTATUS));
	PHONESTATUS *st = chance(5) ? NULL : prepare(total, sizeof(PHONESTATUS));
	LONG rc = form == A ? phoneGetStatusA(h, st)
		  : form == W ? phoneGetStatusW(h, st) : phoneGetStatus(h, st);

	out("%lu phoneGetStatus%s(%s, %s %u)", step, form == A ? "A" : form == W ? "W" : "",
	    name_of('P', h), st ? "st" : "NULL", (unsigned)total);
	result(rc);
	if (st)
		print_var(rc, total);
	settle(0, 0);
}

static void do_get_display(void)
{
	HPHONE h = pick_phone();
	DWORD total = pick_total(sizeof(VARSTRING));
	VARSTRING *v = chance(5) ? NULL : prepare(total, sizeof(VARSTRING));
	LONG rc = phoneGetDisplay(h, v);

	out("%lu phoneGetDisplay(%s, %s %u)", step, name_of('P', h), v ? "v" : "NULL",
	    (unsigned)total);
	result(rc);
	if (v)
		print_var(rc, total);
	settle(0, 0);
}

static void do_get_id(int form)
{
	HPHONE h = pick_phone();
	DWORD total = pick_total(sizeof(VARSTRING));
	VARSTRING *v = chance(5) ? NULL : prepare(total, sizeof(VARSTRING));
	const char *cls = pick_class();
	LONG rc = form == A ? phoneGetIDA(h, v, cls)
		  : form == W ? phoneGetIDW(h, v, wide_class(cls)) : phoneGetID(h, v, cls);

	out("%lu phoneGetID%s(%s, %s %u, %s)", step, form == A ? "A" : form == W ? "W" : "",
	    name_of('P', h), v ? "v" : "NULL", (unsigned)total, cls ? cls : "NULL");
	result(rc);
	if (v)
		print_var(rc, total);
	settle(0, 0);
}

static void do_set_display(void)
{
	static const char *const texts[] = { "hello", "", "a much longer text than one row can hold "
					     "on a forty column display, and more", "\xc3\xa9t\xc3\xa9" };
	HPHONE h = pick_phone();
	DWORD row = chance(80) ? below(3) : next(), col = chance(80) ? below(45) : next();
	const char *text = texts[below(4)];
	DWORD size = chance(80) ? (DWORD)strlen(text) + 1 : pick_size();
	LONG rc;

	memset(buf, 'x', size < BUF_SIZE ? size : BUF_SIZE);
	memcpy(buf, text, strlen(text) + 1);
	rc = phoneSetDisplay(h, row, col, chance(92) ? (const char *)buf : NULL, size);
	out("%lu phoneSetDisplay(%s, %u, %u, \"%s\", %u)", step, name_of('P', h), (unsigned)row,
	    (unsigned)col, text, (unsigned)size);
	result(rc);
	settle(h, rc);
}

static void do_lamp(int set)
{
	HPHONE h = pick_phone();
	DWORD id = pick_small(), mode = pick_bits();
	LONG rc;

	if (set) {
		rc = phoneSetLamp(h, id, mode);
		out("%lu phoneSetLamp(%s, %u, %u)", step, name_of('P', h), (unsigned)id,
		    (unsigned)mode);
		result(rc);
		settle(h, rc);
		return;
	}
	mode = 0;
	rc = phoneGetLamp(h, id, chance(95) ? &mode : NULL);
	out("%lu phoneGetLamp(%s, %u)", step, name_of('P', h), (unsigned)id);
	result(rc);
	out("  mode=%u\n", (unsigned)mode);
	settle(0, 0);
}

static void do_set_button_info(int form)
{
	HPHONE h = pick_phone();
	DWORD id = pick_small(), total = chance(70) ? sizeof(PHONEBUTTONINFO) + 16
						    : pick_total(sizeof(PHONEBUTTONINFO));
	PHONEBUTTONINFO *info = prepare(total, 0);
	LONG rc;

	if (total >= sizeof(PHONEBUTTONINFO)) {
		memset(info, 0, sizeof(*info));
		info->dwTotalSize = total;
		info->dwButtonMode = pick_bits();
		info->dwButtonFunction = pick_small();
		info->dwButtonTextSize = chance(80) ? 6 : pick_size();
		info->dwButtonTextOffset = chance(90) ? sizeof(PHONEBUTTONINFO) : pick_size();
		if (form == W)
			memcpy(buf + sizeof(PHONEBUTTONINFO), u"Hold\0", 10);
		else
			memcpy(buf + sizeof(PHONEBUTTONINFO), "Hold\0", 6);
	}
	if (chance(5))
		info = NULL;
	rc = form == A ? phoneSetButtonInfoA(h, id, info)
	     : form == W ? phoneSetButtonInfoW(h, id, info) : phoneSetButtonInfo(h, id, info);
	out("%lu phoneSetButtonInfo%s(%s, %u, %s %u)", step, form == A ? "A" : form == W ? "W" : "",
	    name_of('P', h), (unsigned)id, info ? "info" : "NULL", (unsigned)total);
	result(rc);
	settle(h, rc);
}

static void do_get_button_info(int form)
{
	HPHONE h = pick_phone();
	DWORD id = pick_small(), total = pick_total(sizeof(PHONEBUTTONINFO));
	PHONEBUTTONINFO *info = chance(5) ? NULL : prepare(total, sizeof(PHONEBUTTONINFO));
	LONG rc = form == A ? phoneGetButtonInfoA(h, id, info)
		  : form == W ? phoneGetButtonInfoW(h, id, info) : phoneGetButtonInfo(h, id, info);

	out("%lu phoneGetButtonInfo%s(%s, %u, %s %u)", step, form == A ? "A" : form == W ? "W" : "",
	    name_of('P', h), (unsigned)id, info ? "info" : "NULL", (unsigned)total);
	result(rc);
	if (info)
		print_var(rc, total);
	settle(0, 0);
}

static void do_hookswitch(int set)
{
	HPHONE h = pick_phone();
	DWORD devs = chance(70) ? 1u << below(3) : pick_bits(), mode = pick_bits();
	LONG rc;

	if (set) {
		rc = phoneSetHookSwitch(h, devs, mode);
		out("%lu phoneSetHookSwitch(%s, %u, %u)", step, name_of('P', h), (unsigned)devs,
		    (unsigned)mode);
		result(rc);
		settle(h, rc);
		return;
	}
	devs = 0;
	rc = phoneGetHookSwitch(h, chance(95) ? &devs : NULL);
	out("%lu phoneGetHookSwitch(%s)", step, name_of('P', h));
	result(rc);
	out("  devs=%u\n", (unsigned)devs);
	settle(0, 0);
}

static void do_ring(int set)
{
	HPHONE h = pick_phone();
	DWORD mode = chance(80) ? below(6) : next(), volume = chance(80) ? below(0x10000) : next();
	LONG rc;

	if (set) {
		rc = phoneSetRing(h, mode, volume);
		out("%lu phoneSetRing(%s, %u, %u)", step, name_of('P', h), (unsigned)mode,
		    (unsigned)volume);
		result(rc);
		settle(h, rc);
		return;
	}
	mode = volume = 0;
	rc = phoneGetRing(h, chance(95) ? &mode : NULL, chance(95) ? &volume : NULL);
	out("%lu phoneGetRing(%s)", step, name_of('P', h));
	result(rc);
	out("  mode=%u volume=%u\n", (unsigned)mode, (unsigned)volume);
	settle(0, 0);
}

static void do_level(int set, int gain)
{
	HPHONE h = pick_phone();
	DWORD dev = chance(80) ? 1u << below(3) : pick_bits(), value = next() >> below(32);
	LONG rc;

	if (set) {
		rc = gain ? phoneSetGain(h, dev, value) : phoneSetVolume(h, dev, value);
		out("%lu phoneSet%s(%s, %u, %u)", step, gain ? "Gain" : "Volume", name_of('P', h),
		    (unsigned)dev, (unsigned)value);
		result(rc);
		settle(h, rc);
		return;
	}
	value = 0;
	rc = gain ? phoneGetGain(h, dev, chance(95) ? &value : NULL)
		  : phoneGetVolume(h, dev, chance(95) ? &value : NULL);
	out("%lu phoneGet%s(%s, %u)", step, gain ? "Gain" : "Volume", name_of('P', h),
	    (unsigned)dev);
	result(rc);
	out("  value=%u\n", (unsigned)value);
	settle(0, 0);
}

static void do_status_messages(int set)
{
	HPHONE h = pick_phone();
	DWORD s = pick_bits(), m = pick_bits(), b = pick_bits();
	LONG rc;

	if (set) {
		rc = phoneSetStatusMessages(h, s, m, b);
		out("%lu phoneSetStatusMessages(%s, %u, %u, %u)", step, name_of('P', h),
		    (unsigned)s, (unsigned)m, (unsigned)b);
		result(rc);
		settle(0, 0);
		return;
	}
	s = m = b = 0;
	rc = phoneGetStatusMessages(h, chance(95) ? &s : NULL, &m, &b);
	out("%lu phoneGetStatusMessages(%s)", step, name_of('P', h));
	result(rc);
	out("  %u %u %u\n", (unsigned)s, (unsigned)m, (unsigned)b);
	settle(0, 0);
}

static void do_negotiate(int ext)
{
	HPHONEAPP app = pick_app();
	DWORD dev = pick_dev(), low = pick_version(), high = pick_version(), v = 0;
	PHONEEXTENSIONID id = { 0 };
	LONG rc;

	if (ext) {
		rc = phoneNegotiateExtVersion(app, dev, pick_version(), low, high,
					      chance(95) ? &v : NULL);
		out("%lu phoneNegotiateExtVersion(%s, %u, %08x, %08x)", step,
		    name_of('A', (uintptr_t)app), (unsigned)dev, (unsigned)low, (unsigned)high);
	} else {
		rc = phoneNegotiateAPIVersion(app, dev, low, high, chance(95) ? &v : NULL,
					      chance(95) ? &id : NULL);
		out("%lu phoneNegotiateAPIVersion(%s, %u, %08x, %08x)", step,
		    name_of('A', (uintptr_t)app), (unsigned)dev, (unsigned)low, (unsigned)high);
	}
	result(rc);
	out("  v=%08x ext=%u,%u,%u,%u\n", (unsigned)v, (unsigned)id.dwExtensionID0,
	    (unsigned)id.dwExtensionID1, (unsigned)id.dwExtensionID2, (unsigned)id.dwExtensionID3);
	settle(0, 0);
}

static void do_icon(int form)
{
	DWORD dev = pick_dev();
	const char *cls = pick_class();
	HICON icon = NULL;
	LPHICON where = chance(95) ? &icon : NULL;
	LONG rc = form == A ? phoneGetIconA(dev, cls, where)
		  : form == W ? phoneGetIconW(dev, wide_class(cls), where)
			      : phoneGetIcon(dev, cls, where);

	out("%lu phoneGetIcon%s(%u, %s)", step, form == A ? "A" : form == W ? "W" : "",
	    (unsigned)dev, cls ? cls : "NULL");
	result(rc);
	out("  icon=%s\n", icon ? "set" : "none");
	settle(0, 0);
}

static void do_config_dialog(int form)
{
	DWORD dev = pick_dev();
	const char *cls = pick_class();
	LONG rc = form == A ? phoneConfigDialogA(dev, NULL, cls)
		  : form == W ? phoneConfigDialogW(dev, NULL, wide_class(cls))
			      : phoneConfigDialog(dev, NULL, cls);

	out("%lu phoneConfigDialog%s(%u, %s)", step, form == A ? "A" : form == W ? "W" : "",
	    (unsigned)dev, cls ? cls : "NULL");
	result(rc);
	settle(0, 0);
}

/* phoneInitialize(Ex) with an argument wrong, or right and shut down again at once (messages
 * to a callback app would arrive on a library thread, outside the transcript's order). */
static void do_initialize(int form)
{
	PHONEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					   .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	HPHONEAPP app = 0;
	DWORD n = 0, v = pick_version();
	int wrong = (int)below(4);
	LONG rc;

	if (wrong == 1)
		params.dwOptions = chance(50) ? 0 : 7;
	if (form == PLAIN)
		rc = phoneInitialize(wrong == 0 ? NULL : &app, NULL, NULL, "difftest",
				     wrong == 2 ? NULL : &n);
	else if (form == A)
		rc = phoneInitializeExA(wrong == 0 ? NULL : &app, NULL, NULL, "difftest 2",
					wrong == 2 ? NULL : &n, wrong == 3 ? NULL : &v, &params);
	else
		rc = phoneInitializeExW(wrong == 0 ? NULL : &app, NULL, NULL, u"difftest 2",
					wrong == 2 ? NULL : &n, wrong == 3 ? NULL : &v, &params);
	out("%lu phoneInitialize%s(wrong=%d)", step, form == A ? "ExA" : form == W ? "ExW" : "",
	    wrong);
	result(rc);
	out("  devs=%u v=%08x\n", (unsigned)n, (unsigned)v);
	if (rc == 0)
		out("  shutdown=%ld\n", (long)phoneShutdown(app));
	settle(0, 0);
}

/* Shuts one of the two apps down (its handles go with it) and starts it again. */
static void do_restart_app(void)
{
	PHONEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					   .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	int a = (int)below(APPS);
	DWORD v = 0x00020002;
	LONG rc = phoneShutdown(apps[a]);

	out("%lu phoneShutdown(app%d) = %ld\n", step, a, (long)rc);
	for (unsigned i = 0; i < num_phones; i++)
		if (phones[i].app == a)
			phones[i].open = 0;
	rc = phoneInitializeExA(&apps[a], NULL, NULL, a ? "difftest B" : "difftest A", &num_devs,
				&v, &params);
	out("  phoneInitializeExA(app%d) = %ld devs=%u\n", a, (long)rc, (unsigned)num_devs);
	settle(0, 0);
}

static void do_bad_app_calls(void)
{
	PHONEMESSAGE m;
	HPHONEAPP app = chance(50) ? 0 : (HPHONEAPP)0x7654321;

	out("%lu phoneShutdown(bad) = %ld\n", step, (long)phoneShutdown(app));
	out("%lu phoneGetMessage(bad) = %ld\n", step, (long)phoneGetMessage(app, &m, 0));
	out("%lu phoneGetMessage(app0, NULL) = %ld\n", step,
	    (long)phoneGetMessage(apps[0], NULL, 0));
}

static void one_call(void)
{
	switch (below(44)) {
	case 0: case 1: case 2: do_open(); break;
	case 3: do_close(); break;
	case 4: case 5: case 6: do_set_data(); break;
	case 7: case 8: do_get_data(); break;
	case 9: case 10: do_dev_specific(); break;
	case 11: do_get_dev_caps(A); break;
	case 12: do_get_dev_caps(W); break;
	case 13: do_get_dev_caps(PLAIN); break;
	case 14: do_get_status(A); break;
	case 15: do_get_status(W); break;
	case 16: do_get_status(PLAIN); break;
	case 17: do_get_display(); break;
	case 18: do_set_display(); break;
	case 19: do_lamp(1); break;
	case 20: do_lamp(0); break;
	case 21: do_set_button_info((int)below(3)); break;
	case 22: do_get_button_info((int)below(3)); break;
	case 23: do_hookswitch(1); break;
	case 24: do_hookswitch(0); break;
	case 25: do_ring(1); break;
	case 26: do_ring(0); break;
	case 27: do_level(1, 0); break;
	case 28: do_level(0, 0); break;
	case 29: do_level(1, 1); break;
	case 30: do_level(0, 1); break;
	case 31: do_status_messages(1); break;
	case 32: do_status_messages(0); break;
	case 33: do_negotiate(0); break;
	case 34: do_negotiate(1); break;
	case 35: do_get_id((int)below(3)); break;
	case 36: do_icon((int)below(3)); break;
	case 37: do_config_dialog((int)below(3)); break;
	case 38: do_initialize((int)below(3)); break;
	case 39: if (chance(20)) do_restart_app(); else do_get_data(); break;
	case 40: do_bad_app_calls(); break;
	default: do_set_data(); break;
	}
}

int main(int argc, char **argv)
{
	PHONEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					   .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	unsigned long calls = 3000, seed = 1;
	DWORD v = 0x00020002;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seed"))
			seed = strtoul(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--calls"))
			calls = strtoul(argv[i + 1], NULL, 0);
	}
	if (i != argc) {
		fprintf(stderr, "usage: difftest [--seed N] [--calls N]\n");
		return 2;
	}
	rng = seed * 0x9E3779B97F4A7C15ull + 1;
	buf = calloc(1, BUF_SIZE + 64);
	pattern = malloc(BUF_SIZE);
	if (!buf || !pattern)
		return 1;
	for (i = 0; i < (int)BUF_SIZE; i++)
		pattern[i] = (unsigned char)next();
	for (i = 0; i < APPS; i++) {
		LONG rc = phoneInitializeExA(&apps[i], NULL, NULL, i ? "difftest B" : "difftest A",
					     &num_devs, &v, &params);
		out("init app%d = %ld devs=%u\n", i, (long)rc, (unsigned)num_devs);
		if (rc)
			return 1;
	}
	for (step = 1; step <= calls; step++)
		one_call();
	for (i = 0; i < APPS; i++)
		out("shutdown app%d = %ld\n", i, (long)phoneShutdown(apps[i]));
	return fflush(stdout) == 0 ? 0 : 1;
}
