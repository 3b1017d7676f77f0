/* SPDX-License-Identifier: MIT */
/* fuzz_sim_state.c — fuzz target of the sim provider's device state file: its framing, read by
 * sim_store_load_state (providers/sim/store.c), and its payload, decoded by sim_state_decode
 * (providers/sim/device.c, pure).
 *
 * Input:
 *     u8 mode     bits 0-1: the device the state is decoded for (0 the default phone, 1 a small
 *                 custom one, 2 one without display, buttons, hookswitch or ringer, 3 a 32x256
 *                 display with many buttons);
 *                 bit 5: (with bit 7) give the file a right header first (magic, version,
 *                 length, CRC), so that the fuzzer reaches the payload;
 *                 bit 6: put the device's layout hash where the payload has it (when the
 *                 display size in the payload is in range), so that the fuzzer reaches the
 *                 checks of buttons and lamps, which a wrong hash skips;
 *                 bit 7: the rest is a whole state file (16-byte header and payload), written as
 *                 STATE/sim/KEY/state and read through the store; otherwise it is the payload
 *     bytes...
 *
 * Checks, abort() on any broken promise:
 *  - the store accepts a file only when its header is right (magic, version, length, CRC-32C
 *    computed here) and then returns exactly its payload; anything else is -EINVAL;
 *  - a refused payload leaves the state exactly as sim_state_new makes it, with nothing dropped;
 *  - an accepted one gives a state the device allows: display cells printable code points,
 *    ring mode and levels in range, each present hookswitch device in one of its modes, every
 *    button passing sim_check_button and every lamp sim_check_lamp (DUMMY where there is no
 *    lamp), button texts clean UTF-8 of at most 63 bytes; only the documented "dropped" bits;
 *  - encoding that state and decoding it again gives the same state with nothing dropped, in at
 *    most sim_state_encoded_max bytes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "device.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

/* ---- the devices ------------------------------------------------------------------------- */

struct device_text {
	const char *display, *buttons, *lamps, *hookswitch, *volume, *gain, *ring_modes;
};

static const struct device_text texts[4] = {
	{ NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "4x20", "keypad, call:callapp:Line 1, feature:hold:Hold, dummy:msgindicator:Msg",
	  "12: off steady, 13, 14: off flash", "handset: onhook mic settable=mic monitored=all, "
	  "speaker: onhook speaker", "handset", "speaker", "2" },
	{ "none", "none", "none", "none", "none", "none", "0" },
	{ "32x256", "keypad, call:callapp:A, call:callapp:B, call:callapp:C, feature:drop, "
	  "local:mute:Mute, display:none, dummy:msgindicator", NULL, "headset: onhook micspeaker",
	  NULL, NULL, "255" },
};

static struct sim_device devices[4];
static struct sim_state *fresh[4];

static void configure(void)
{
	static int done;
	char err[256];

	if (done)
		return;
	for (int i = 0; i < 4; i++) {
		struct sim_device_settings s;

		memset(&s, 0, sizeof(s));
		s.display.value = texts[i].display;
		s.buttons.value = texts[i].buttons;
		s.lamps.value = texts[i].lamps;
		s.hookswitch.value = texts[i].hookswitch;
		s.volume.value = texts[i].volume;
		s.gain.value = texts[i].gain;
		s.ring_modes.value = texts[i].ring_modes;
		if (sim_device_configure(&devices[i], &s, err, sizeof(err)) != 0) {
			fprintf(stderr, "fuzz_sim_state: device %d: %s\n", i, err);
			abort();
		}
		fresh[i] = sim_state_new(&devices[i]);
		check(fresh[i] != NULL);
	}
	done = 1;
}

/* ---- state comparison and validity --------------------------------------------------------- */

static int same_buttons(const struct sim_device *d, const struct sim_state *a,
			const struct sim_state *b)
{
	uint32_t i;

	for (i = 0; i < d->num_buttons; i++)
		if (memcmp(sim_state_button(d, a, i), sim_state_button(d, b, i),
			   sizeof(struct sim_button)) != 0)
			return 0;
	return 1;
}

static int same_state(const struct sim_device *d, const struct sim_state *a,
		      const struct sim_state *b)
{
	size_t cells = (size_t)d->rows * d->cols;

	return (cells == 0 || memcmp(a->display, b->display, cells * sizeof(uint32_t)) == 0) &&
	       (d->num_buttons == 0 ||
		(same_buttons(d, a, b) &&
		 memcmp(a->lamps, b->lamps, d->num_buttons * sizeof(uint32_t)) == 0)) &&
	       memcmp(a->hook_mode, b->hook_mode, sizeof(a->hook_mode)) == 0 &&
	       memcmp(a->volume, b->volume, sizeof(a->volume)) == 0 &&
	       memcmp(a->gain, b->gain, sizeof(a->gain)) == 0 && a->ring_mode == b->ring_mode &&
	       a->ring_volume == b->ring_volume;
}

static int printable(uint32_t c)
{
	return c <= 0x10ffff && !(c >= 0xd800 && c < 0xe000) && c >= 0x20 && c != 0x7f &&
	       !(c >= 0x80 && c < 0xa0);
}

/* Clean UTF-8 (what sim_text_clean promises): valid, no control characters, <= 63 bytes. */
static int clean_text(const char *t)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t n = strnlen(t, SIM_TEXT_MAX + 1), i = 0;

	if (n > SIM_TEXT_MAX)
		return 0;
	while (i < n) {
		uint32_t c = u[i], need;

		if (c < 0x80)
			need = 0;
		else if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3;
		else
			return 0;
		if (n - i - 1 < need)
			return 0;
		if (need)
			c &= 0x3fu >> need;
		for (uint32_t k = 1; k <= need; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (u[i + k] & 0x3f);
		}
		if ((need == 2 && c < 0x800) || (need == 3 && c < 0x10000) || !printable(c))
			return 0;
		i += need + 1;
	}
	return 1;
}

static void check_valid(const struct sim_device *d, const struct sim_state *s)
{
	size_t cells = (size_t)d->rows * d->cols;
	uint32_t i;

	for (i = 0; i < cells; i++)
		check(printable(s->display[i]));
	check(s->ring_mode <= d->ring_modes);
	check(s->ring_volume <= SIM_LEVEL_MAX);
	for (i = 0; i < SIM_NUM_HOOK; i++) {
		check(s->volume[i] <= SIM_LEVEL_MAX && s->gain[i] <= SIM_LEVEL_MAX);
		if (d->hook_devs & (1u << i)) {
			uint32_t m = s->hook_mode[i];

			check(m && !(m & (m - 1)) && (m & d->hook_modes[i]));
		}
	}
	for (i = 0; i < d->num_buttons; i++) {
		const struct sim_button *b = sim_state_button(d, s, i);

		check(sim_check_button(d, i, b->mode, b->function) == 0);
		check(clean_text(b->text));
		if (d->lamp_modes[i] == PHONELAMPMODE_DUMMY)
			check(s->lamps[i] == PHONELAMPMODE_DUMMY);
		else
			check(sim_check_lamp(d, i, s->lamps[i]) == 0);
	}
}

/* ---- the state file through the store ------------------------------------------------------ */

static uint32_t ref_crc32c(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Bit 6: the layout hash at its place in the payload (version, rows, cols, cells, ring mode and
 * volume, three hookswitch triples, then the hash). */
static void fix_hash(const struct sim_device *d, uint8_t *p, size_t len)
{
	uint64_t rows, cols, off;

	if (len < 12)
		return;
	rows = rd32(p + 4);
	cols = rd32(p + 8);
	if (rows > SIM_MAX_ROWS || cols > SIM_MAX_COLS)
		return;
	off = 12 + 4 * rows * cols + 8 + 36;
	if (off + 8 > len)
		return;
	wr32(p + off, (uint32_t)d->layout_hash);
	wr32(p + off + 4, (uint32_t)(d->layout_hash >> 32));
}

/* Bit 5: a right header for the payload that follows it. */
static void fix_header(uint8_t *f, size_t size)
{
	if (size < SIM_STATE_HEADER_SIZE)
		return;
	wr32(f, SIM_STATE_MAGIC);
	wr32(f + 4, SIM_STATE_FILE_VERSION);
	wr32(f + 8, (uint32_t)(size - SIM_STATE_HEADER_SIZE));
	wr32(f + 12, ref_crc32c(ref_crc32c(0, f, 12), f + 16, size - 16));
}

static char base[256];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_base(void)
{
	if (base[0])
		nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes the file, loads it through the store; returns the payload (malloc'd copy) or NULL. */
static uint8_t *load_through_store(const uint8_t *file, size_t size, size_t *len)
{
	char state[300], path[400];
	struct sim_store_params p = { 0 };
	struct sim_store *s = NULL;
	void *payload = NULL;
	uint8_t *copy = NULL;
	int fd, rc, valid;

	if (!base[0]) {
		const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");

		snprintf(base, sizeof(base), "%s/opentapi-fuzz-state-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		check(mkdtemp(base) != NULL);
		atexit(remove_base);
	}
	snprintf(state, sizeof(state), "%s/state", base);
	nftw(state, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	check(mkdir(state, 0700) == 0);
	snprintf(path, sizeof(path), "%s/sim", state);
	check(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/sim/fuzz-phone", state);
	check(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/sim/fuzz-phone/state", state);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	check(fd >= 0 && (size == 0 || write(fd, file, size) == (ssize_t)size));
	close(fd);

	p.state_dir = state;
	p.name = "fuzz-phone";
	p.durable = 1;
	p.has_state = 1;
	check(sim_store_open(&p, &s) == 0);
	rc = sim_store_load_state(s, &payload, len);
	valid = size >= SIM_STATE_HEADER_SIZE && size - SIM_STATE_HEADER_SIZE <= SIM_STATE_MAX_PAYLOAD &&
		rd32(file) == SIM_STATE_MAGIC && rd32(file + 4) == SIM_STATE_FILE_VERSION &&
		rd32(file + 8) == size - SIM_STATE_HEADER_SIZE &&
		rd32(file + 12) == ref_crc32c(ref_crc32c(0, file, 12), file + 16, size - 16);
	if (valid) {
		check(rc == 0 && *len == size - SIM_STATE_HEADER_SIZE);
		check(*len == 0 || (payload && memcmp(payload, file + 16, *len) == 0));
		copy = malloc(*len ? *len : 1);
		check(copy != NULL);
		if (*len)
			memcpy(copy, payload, *len);
	} else {
		check(rc == -EINVAL && payload == NULL && *len == 0);
	}
	ot_free(payload);
	sim_store_close(s);
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sim_device *d;
	struct sim_state *s, *again;
	unsigned dropped = 0, dropped2 = 0;
	uint8_t *copy, *payload, *enc, mode;
	size_t len, n;
	int rc;

	if (size < 1)
		return 0;
	configure();
	mode = data[0];
	d = &devices[mode & 3];
	/* a private copy of exactly the input's bytes, which the fix-ups may change */
	len = size - 1;
	copy = malloc(len ? len : 1);
	check(copy != NULL);
	memcpy(copy, data + 1, len);
	if (mode & 0x80) {
		if (mode & 0x40)
			fix_hash(d, copy + SIM_STATE_HEADER_SIZE * (len >= SIM_STATE_HEADER_SIZE),
				 len >= SIM_STATE_HEADER_SIZE ? len - SIM_STATE_HEADER_SIZE : 0);
		if (mode & 0x20)
			fix_header(copy, len);
		payload = load_through_store(copy, len, &len);
		free(copy);
		if (!payload)
			return 0;
	} else {
		if (mode & 0x40)
			fix_hash(d, copy, len);
		payload = copy;
	}
	s = sim_state_new(d);
	again = sim_state_new(d);
	check(s && again);
	rc = sim_state_decode(d, s, payload, len, &dropped);
	check(rc == 0 || rc == -EINVAL);
	if (rc != 0) {
		check(dropped == 0 && same_state(d, s, fresh[d - devices]));
	} else {
		check((dropped & ~(SIM_STATE_DROP_DISPLAY | SIM_STATE_DROP_BUTTONS |
				   SIM_STATE_DROP_VALUES)) == 0);
		check_valid(d, s);
		enc = malloc(sim_state_encoded_max(d));
		check(enc != NULL);
		n = sim_state_encode(d, s, enc);
		check(n <= sim_state_encoded_max(d));
		check(sim_state_decode(d, again, enc, n, &dropped2) == 0);
		check(dropped2 == 0 && same_state(d, s, again));
		free(enc);
	}
	sim_state_free(s);
	sim_state_free(again);
	free(payload);
	return 0;
}
