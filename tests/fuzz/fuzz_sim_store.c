/* SPDX-License-Identifier: MIT */
/* fuzz_sim_store.c — fuzz target of the sim provider's recovery of a state directory
 * (providers/sim/store.c: sim_store_open replays the write-ahead log).
 *
 * Input:
 *     u8  flags         bit 0: make the wal well-formed first — the target writes the header's
 *                       magic, version and CRC and each record's magic, sequence number and CRC
 *                       (lengths, areas, base and payloads stay the input's), so that the fuzzer
 *                       reaches the replay of records and not only the CRC check;
 *                       bit 1: area files exist before the open (sizes below);
 *                       bits 2-3: the phone has 1 + (bits) data areas
 *     u16 config[4]     configured area sizes (LE; 0 counts as 1); only the first n are used
 *     u16 disk[4]       bit 1: the sizes of the existing area files (0: an empty file), filled
 *                       with a pattern
 *     wal bytes         the rest: the content of STATE/sim/KEY/wal
 *
 * The files are written into a fresh state directory (under /dev/shm when there is one, so
 * that the store's fsyncs cost nothing), then the store is opened and every area read back.
 *
 * Checks, abort() on any broken promise:
 *  - opening succeeds whatever the wal holds: a damaged journal is a tail that was never
 *    acknowledged, never a reason to refuse the phone;
 *  - every area holds what a reference replay written here from docs/providers/sim.md gives:
 *    records applied in order while each is whole, has the right magic, the expected sequence
 *    number (base, base + 1, ...), a valid CRC-32C and fits its area as found on disk; records of
 *    areas beyond the configured ones skipped; then each area cut or zero-extended to its
 *    configured size;
 *  - after the open the wal holds no record (it is empty, or kept for reuse with a new header
 *    whose sequence no record after it continues), each area file has its configured size and
 *    the same bytes (recovery ends with a checkpoint), and the files of areas no longer
 *    configured are gone;
 *  - a write after recovery, a close and a second open give the areas plus that write;
 *  - the store's CRC-32C equals the reference one on the input.
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

#include "crc32c.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PHONE "fuzz-phone" /* needs no escaping: the directory key is the name */
#define MAX_AREAS 4

static void check(int ok)
{
	if (!ok)
		abort();
}

/* ---- reference pieces (written from the documentation, independent of store.c) ---------- */

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

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

/* Bit 0 of the flags: give the wal a valid header and valid record framing. */
static void make_well_formed(uint8_t *w, size_t size)
{
	uint64_t seq, off;

	if (size < 24)
		return;
	wr32(w, SIM_WAL_MAGIC);
	wr32(w + 4, SIM_WAL_VERSION);
	wr32(w + 16, 0);
	wr32(w + 20, ref_crc32c(0, w, 20));
	seq = rd64(w + 8);
	for (off = 24; size - off >= 24; seq++) {
		uint8_t *h = w + off;
		uint32_t len = rd32(h + 4);

		wr32(h, SIM_REC_MAGIC);
		wr64(h + 12, seq);
		if (len > size - off - 24)
			break; /* torn: leave it so */
		wr32(h + 20, ref_crc32c(ref_crc32c(0, h, 20), h + 24, len));
		off += 24 + (uint64_t)len;
	}
}

/* The reference recovery of areas[i] (disk[i] bytes each, as found on disk). */
static void ref_replay(const uint8_t *w, size_t size, uint8_t **areas, const uint32_t *disk,
		       uint32_t n)
{
	uint64_t seq, off;

	if (size < 24 || rd32(w) != SIM_WAL_MAGIC || rd32(w + 4) != SIM_WAL_VERSION ||
	    rd32(w + 20) != ref_crc32c(0, w, 20))
		return;
	seq = rd64(w + 8);
	for (off = 24; size - off >= 24; seq++) {
		const uint8_t *h = w + off;
		uint32_t len = rd32(h + 4), area = rd32(h + 8);

		if (rd32(h) != SIM_REC_MAGIC || rd64(h + 12) != seq || len > size - off - 24 ||
		    rd32(h + 20) != ref_crc32c(ref_crc32c(0, h, 20), h + 24, len))
			return;
		if (area < n) {
			if (len > disk[area])
				return;
			memcpy(areas[area], h + 24, len);
		}
		off += 24 + (uint64_t)len;
	}
}

/* ---- files ---------------------------------------------------------------------------------- */

static char base[256];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_base(void)
{
	if (base[0])
		remove_tree(base);
}

static void write_file(const char *path, const uint8_t *bytes, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	check(fd >= 0);
	check(len == 0 || write(fd, bytes, len) == (ssize_t)len);
	close(fd);
}

static void check_file(const char *path, const uint8_t *bytes, size_t len)
{
	struct stat st;
	uint8_t *buf = malloc(len ? len : 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	check(buf && fd >= 0 && fstat(fd, &st) == 0 && (size_t)st.st_size == len);
	check(len == 0 || pread(fd, buf, len, 0) == (ssize_t)len);
	check(len == 0 || memcmp(buf, bytes, len) == 0);
	close(fd);
	free(buf);
}

/* The wal after recovery: empty, or a valid header of a new generation that nothing continues. */
static void check_wal_restarted(const char *path)
{
	struct stat st;
	uint8_t w[48];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	check(fd >= 0 && fstat(fd, &st) == 0);
	if (st.st_size > 0) {
		size_t n = st.st_size >= 48 ? 48 : 24;

		check(st.st_size >= 24 && pread(fd, w, n, 0) == (ssize_t)n);
		check(rd32(w) == SIM_WAL_MAGIC && rd32(w + 4) == SIM_WAL_VERSION &&
		      rd32(w + 20) == ref_crc32c(0, w, 20));
		check(n < 48 || rd32(w + 24) != SIM_REC_MAGIC || rd64(w + 36) != rd64(w + 8));
	}
	close(fd);
}

static void check_areas(struct sim_store *s, uint8_t **expect, const uint32_t *config, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint8_t *buf = malloc(config[i] + 1u);

		check(buf != NULL);
		check(sim_store_area_size(s, i) == config[i]);
		check(sim_store_read(s, i, buf, config[i] + 1u) == (long)config[i]);
		check(memcmp(buf, expect[i], config[i]) == 0);
		free(buf);
	}
	check(sim_store_read(s, n, expect[0], 1) == -EINVAL);
}

static uint16_t take16(const uint8_t **data, size_t *size)
{
	uint16_t v = 0;

	if (*size >= 2) {
		v = (uint16_t)((*data)[0] | (*data)[1] << 8);
		*data += 2, *size -= 2;
	} else if (*size) {
		v = (*data)[0];
		*data += 1, *size -= 1;
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t config[MAX_AREAS], disk[MAX_AREAS], n, i;
	uint8_t *expect[MAX_AREAS] = { 0 }, *wal;
	struct sim_store_params p = { 0 };
	struct sim_store *s = NULL;
	char state[300], dir[400], path[450];
	uint8_t flags, extra[16];
	int have_files, r;

	if (size < 1)
		return 0;
	flags = data[0];
	data++, size--;
	n = 1 + ((flags >> 2) & 3u);
	have_files = flags & 2;
	for (i = 0; i < MAX_AREAS; i++) {
		config[i] = take16(&data, &size);
		if (config[i] == 0)
			config[i] = 1;
	}
	for (i = 0; i < MAX_AREAS; i++)
		disk[i] = have_files ? take16(&data, &size) : 0;

	if (!base[0]) {
		const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");

		snprintf(base, sizeof(base), "%s/opentapi-fuzz-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		check(mkdtemp(base) != NULL);
		atexit(remove_base);
	}
	snprintf(state, sizeof(state), "%s/state", base);
	snprintf(dir, sizeof(dir), "%s/sim/" PHONE, state);
	remove_tree(state);
	check(mkdir(state, 0700) == 0);
	snprintf(path, sizeof(path), "%s/sim", state);
	check(mkdir(path, 0700) == 0);
	check(mkdir(dir, 0700) == 0);

	wal = malloc(size ? size : 1);
	check(wal != NULL);
	memcpy(wal, data, size);
	if (flags & 1)
		make_well_formed(wal, size);
	check(ot_crc32c(0, wal, size) == ref_crc32c(0, wal, size));
	snprintf(path, sizeof(path), "%s/wal", dir);
	write_file(path, wal, size);

	/* What the areas hold before the replay: an existing file's bytes, else zeros. Files of
	 * areas past the configured ones are written too: the open must delete them. */
	for (i = 0; i < MAX_AREAS; i++) {
		uint32_t cap = config[i] > disk[i] ? config[i] : disk[i];

		expect[i] = calloc(1, cap);
		check(expect[i] != NULL);
		if (have_files) {
			for (uint32_t j = 0; j < disk[i]; j++)
				expect[i][j] = (uint8_t)(i * 31u + j * 7u + 1u);
			snprintf(path, sizeof(path), "%s/area-%u", dir, i);
			write_file(path, expect[i], disk[i]);
		}
		if (disk[i] == 0)
			disk[i] = config[i]; /* a missing or empty file is made the configured size */
	}
	ref_replay(wal, size, expect, disk, n);
	for (i = 0; i < n; i++)
		if (disk[i] > config[i])
			memset(expect[i] + config[i], 0, disk[i] - config[i]); /* cut, then grown back */

	p.state_dir = state;
	p.name = PHONE;
	p.area_sizes = config;
	p.num_areas = n;
	p.durable = 1;
	r = sim_store_open(&p, &s);
	check(r == 0 && s != NULL);
	check(sim_store_num_areas(s) == n && sim_store_is_durable(s));
	check(sim_store_wal_size(s) == 0);
	check_areas(s, expect, config, n);
	snprintf(path, sizeof(path), "%s/wal", dir);
	check_wal_restarted(path);
	for (i = 0; i < MAX_AREAS; i++) {
		snprintf(path, sizeof(path), "%s/area-%u", dir, i);
		if (i < n)
			check_file(path, expect[i], config[i]);
		else
			check(access(path, F_OK) != 0 && errno == ENOENT);
	}

	/* A write after recovery survives a close and another open. */
	for (i = 0; i < sizeof(extra); i++)
		extra[i] = (uint8_t)(flags + i * 13u);
	i = flags % n;
	r = sim_store_write(s, i, extra, config[i] < sizeof(extra) ? config[i] : sizeof(extra));
	check(r == 0);
	memcpy(expect[i], extra, config[i] < sizeof(extra) ? config[i] : sizeof(extra));
	check_areas(s, expect, config, n);
	sim_store_close(s);
	s = NULL;
	check(sim_store_open(&p, &s) == 0);
	check_areas(s, expect, config, n);
	sim_store_close(s);

	for (i = 0; i < MAX_AREAS; i++)
		free(expect[i]);
	free(wal);
	remove_tree(state);
	return 0;
}
