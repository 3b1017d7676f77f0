/* SPDX-License-Identifier: MIT */
/* filephone.c — a phone provider on OpenTAPI's provider kit: a phone whose display is a file.
 *
 *   [phone "Desk"]
 *   provider = filephone
 *   file = /tmp/desk.display
 *
 * phoneSetDisplay writes the 2 x 20 display to FILE as two lines of UTF-8; phoneSetData writes
 * data area 0 (256 bytes) to FILE.data; both write a temporary file and rename it over the old
 * one, so a reader never sees half of it. Buttons 0 and 1 have lamps (phoneSetLamp); the
 * dev-specific commands "press N" and "release N" (what `phonectl press` sends) report button
 * N going down and up. Getters answer from memory. Build and try it: examples/provider/README.md.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <otsp.h>

#define ROWS 2
#define COLS 20
#define AREA 256
#define BUTTONS 2
#define LAMP_MODES (PHONELAMPMODE_OFF | PHONELAMPMODE_STEADY | PHONELAMPMODE_FLASH)

struct filephone {      /* the kit's otsp_phone_priv(): one per [phone "..."] section */
	pthread_mutex_t lock; /* the getters read what run() writes, maybe at the same time */
	char path[1024], data_path[1030];
	char16_t display[ROWS * COLS];
	unsigned char area[AREA];
	DWORD lamps[BUTTONS];
};

/* UTF-16 to UTF-8 (an unpaired surrogate becomes U+FFFD); returns the bytes written to out. */
static size_t utf8(const char16_t *s, size_t n, char *out)
{
	static const unsigned char lead[] = { 0, 0, 0xC0, 0xE0, 0xF0 };
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned long c = s[i];
		int len, k;

		if (c >= 0xD800 && c < 0xDC00 && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] < 0xE000)
			c = 0x10000 + ((c - 0xD800) << 10) + (s[++i] - 0xDC00u);
		else if (c >= 0xD800 && c < 0xE000)
			c = 0xFFFD;
		len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
		for (k = len - 1; k > 0; k--, c >>= 6)
			out[o + k] = (char)(0x80 | (c & 0x3F));
		out[o] = (char)(lead[len] | c);
		o += len;
	}
	return o;
}

/* path gets len bytes whole or not at all: a temporary file beside it, then rename(). */
static LONG save(const char *path, const void *bytes, size_t len)
{
	char tmp[1040];
	FILE *f;
	int ok, e;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ok = (f = fopen(tmp, "wb")) != NULL && fwrite(bytes, 1, len, f) == len;
	ok = f && fclose(f) == 0 && ok && rename(tmp, path) == 0;
	if (ok)
		return 0;
	e = errno;
	otsp_log(OTSP_ERROR, "cannot write %s: %s", path, strerror(e));
	remove(tmp);
	errno = e; /* for configure's message */
	return (LONG)PHONEERR_OPERATIONFAILED;
}

static LONG save_display(struct filephone *p) /* p->lock held */
{
	char text[ROWS * (COLS * 4 + 1)];
	size_t n = 0;
	int r;

	for (r = 0; r < ROWS; r++) {
		n += utf8(p->display + r * COLS, COLS, text + n);
		text[n++] = '\n';
	}
	return save(p->path, text, n);
}

static LONG configure(struct otsp_phone *ph, const OTSPIPHONECONFIG *cfg, char *err, size_t errlen)
{
	static const DWORD modes[BUTTONS] = { PHONEBUTTONMODE_FEATURE, PHONEBUTTONMODE_FEATURE };
	static const DWORD lamps[BUTTONS] = { LAMP_MODES, LAMP_MODES };
	static const DWORD area = AREA;
	struct otsp_caps caps = {
		.info = "a phone whose display is a file",
		.phone_states = PHONESTATE_DISPLAY | PHONESTATE_LAMP,
		.features = PHONEFEATURE_GETDISPLAY | PHONEFEATURE_SETDISPLAY | PHONEFEATURE_GETLAMP |
			    PHONEFEATURE_SETLAMP | PHONEFEATURE_GETDATA | PHONEFEATURE_SETDATA,
		.display_rows = ROWS, .display_columns = COLS,
		.num_buttons = BUTTONS, .button_modes = modes, .lamp_modes = lamps,
		.num_set_data = 1, .num_get_data = 1, .set_data_sizes = &area, .get_data_sizes = &area,
	};
	struct filephone *p = otsp_phone_priv(ph);
	DWORD k, line = 0;
	int i;

	pthread_mutex_init(&p->lock, NULL); /* first: destroy() runs even when this fails */
	for (k = 0; k < cfg->dwNumSettings; k++) {
		const OTSPISETTING *s = &cfg->lpSettings[k];
		const char *why = NULL;

		if (strcmp(s->lpszKey, "file") != 0)
			why = "unknown key (a filephone phone takes 'file = PATH')";
		else if (s->lpszValue[0] != '/')
			why = "an absolute path is needed";
		else if (strlen(s->lpszValue) >= sizeof(p->path))
			why = "the path is too long";
		if (why) {
			snprintf(err, errlen, "line %u: key '%s': %s", (unsigned)s->dwLine, s->lpszKey,
				 why);
			return (LONG)PHONEERR_INIFILECORRUPT;
		}
		strcpy(p->path, s->lpszValue);
		line = s->dwLine;
	}
	if (!p->path[0]) {
		snprintf(err, errlen, "phone '%s': key 'file' is missing", otsp_phone_name(ph));
		return (LONG)PHONEERR_INIFILECORRUPT;
	}
	snprintf(p->data_path, sizeof(p->data_path), "%s.data", p->path);
	for (i = 0; i < ROWS * COLS; i++)
		p->display[i] = u' ';
	for (i = 0; i < BUTTONS; i++)
		p->lamps[i] = PHONELAMPMODE_OFF;
	/* A blank display now: a directory that cannot take the file is a configuration error. */
	if (save_display(p) != 0) {
		snprintf(err, errlen, "line %u: key 'file': cannot write %s: %s", (unsigned)line,
			 p->path, strerror(errno));
		return (LONG)PHONEERR_INIFILECORRUPT;
	}
	/* The file is the device: the phone keeps its permanent ID when its section is renamed. */
	otsp_phone_set_identity(ph, p->path);
	/* Inline stays off: run() writes files, which can block (a full disk, a network file
	 * system), so batches run on the kit's worker thread and the application's call returns at
	 * once. A phone whose run() only touched memory would call otsp_phone_set_inline(ph, 1). */
	return otsp_phone_set_caps(ph, &caps);
}

static void destroy(struct otsp_phone *ph)
{
	pthread_mutex_destroy(&((struct filephone *)otsp_phone_priv(ph))->lock);
}

/* Accepting a request: the kit and the engine have checked IDs, sizes and modes against the
 * caps. A dev-specific command is checked here, so that a bad one fails at once; its button
 * and direction wait in rq->result (the provider's until the completion). */
static LONG accept(struct otsp_phone *ph, struct otsp_request *rq)
{
	char cmd[32] = "";
	DWORD len = rq->u.dev_specific.size;
	unsigned id;
	int n = 0;

	(void)ph;
	if (rq->kind != OTSP_DEV_SPECIFIC)
		return 0;
	if (len >= sizeof(cmd))
		len = sizeof(cmd) - 1;
	if (len) /* the params are text ending in a NUL ("press 1") */
		memcpy(cmd, rq->u.dev_specific.params, len);
	if ((sscanf(cmd, "press %u%n", &id, &n) == 1 || sscanf(cmd, "release %u%n", &id, &n) == 1) &&
	    cmd[n] == '\0' && id < BUTTONS) {
		rq->result = (LONG)(id << 1 | (cmd[0] == 'p'));
		return 0;
	}
	return (LONG)PHONEERR_INVALPARAM;
}

/* A batch of requests, in issue order: each changes the phone in memory, each file is written
 * once, then each request's message goes out and its completion follows (an application that
 * has its PHONE_REPLY has had the news). No kit call with p->lock held (otsp.h, "Threads and
 * locks"). */
static void run(struct otsp_phone *ph, struct otsp_request *batch)
{
	struct filephone *p = otsp_phone_priv(ph);
	struct otsp_request *rq, *next;
	LONG shown = 1, stored = 1; /* 1: no such request in the batch */
	DWORD i, pos;

	pthread_mutex_lock(&p->lock);
	for (rq = batch; rq; rq = rq->next) {
		if (rq->kind == OTSP_SET_DISPLAY) {
			pos = rq->u.display.row * COLS + rq->u.display.column;
			for (i = 0; i < rq->u.display.size / 2 && rq->u.display.text[i] &&
				    pos < ROWS * COLS; i++)
				p->display[pos++] = rq->u.display.text[i];
			shown = 0;
		} else if (rq->kind == OTSP_SET_DATA) {
			if (rq->u.data.size) /* the engine's bytes, valid until the completion */
				memcpy(p->area, rq->u.data.data, rq->u.data.size);
			stored = 0;
		} else if (rq->kind == OTSP_SET_LAMP) {
			p->lamps[rq->u.lamp.id] = rq->u.lamp.mode;
		}
	}
	shown = shown ? 0 : save_display(p);
	stored = stored ? 0 : save(p->data_path, p->area, AREA);
	pthread_mutex_unlock(&p->lock);

	for (rq = batch; rq; rq = next) {
		next = rq->next; /* rq is freed by its completion */
		if (rq->kind == OTSP_SET_DISPLAY && !shown)
			otsp_phone_event(ph, PHONE_STATE, PHONESTATE_DISPLAY, 0, 0);
		else if (rq->kind == OTSP_SET_LAMP)
			otsp_phone_event(ph, PHONE_STATE, PHONESTATE_LAMP, rq->u.lamp.id, 0);
		else if (rq->kind == OTSP_DEV_SPECIFIC)
			otsp_phone_event(ph, PHONE_BUTTON, (DWORD)rq->result >> 1, PHONEBUTTONMODE_FEATURE,
					 rq->result & 1 ? PHONEBUTTONSTATE_DOWN : PHONEBUTTONSTATE_UP);
		otsp_complete(rq, rq->kind == OTSP_SET_DISPLAY ? shown
				  : rq->kind == OTSP_SET_DATA  ? stored
							       : 0);
	}
}

static LONG get_display(struct otsp_phone *ph, char *text, size_t size)
{
	struct filephone *p = otsp_phone_priv(ph);

	if (size < ROWS * COLS * 4 + 1) /* the room of our caps: it is never less */
		return PHONEERR_OPERATIONFAILED;
	pthread_mutex_lock(&p->lock);
	text[utf8(p->display, ROWS * COLS, text)] = '\0';
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static LONG get_data(struct otsp_phone *ph, DWORD id, void *data, DWORD size)
{
	struct filephone *p = otsp_phone_priv(ph);

	(void)id; /* the kit has checked it: 0 */
	pthread_mutex_lock(&p->lock);
	memcpy(data, p->area, size < AREA ? size : AREA);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static LONG get_lamp(struct otsp_phone *ph, DWORD id, LPDWORD mode)
{
	struct filephone *p = otsp_phone_priv(ph);

	pthread_mutex_lock(&p->lock);
	*mode = p->lamps[id];
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static LONG get_status(struct otsp_phone *ph, struct otsp_status *st)
{
	get_lamp(ph, 0, &st->lamps[0]);
	get_lamp(ph, 1, &st->lamps[1]);
	return get_display(ph, st->display, st->display_size);
}

static const struct otsp_provider filephone = {
	.abi_version = OTSP_ABI_VERSION,
	.name = "filephone",
	.info = "filephone: an example provider (OpenTAPI examples/provider)",
	.tspi_low = 0x00010003,
	.tspi_high = 0x00020002,
	.phone_size = sizeof(struct filephone),
	.configure = configure,
	.destroy = destroy,
	.get_status = get_status,
	.set_display = accept,
	.set_data = accept,
	.set_lamp = accept,
	.dev_specific = accept,
	.run = run,
	.get_display = get_display,
	.get_data = get_data,
	.get_lamp = get_lamp,
};

OTSP_PROVIDER(filephone);
