/* SPDX-License-Identifier: MIT */
/* test_sim_store.c — the sim provider's durable store (providers/sim/store.c): data areas, wal
 * and state file; and its command parser (providers/sim/commands.c).
 *
 * Each test works in a fresh temporary state directory. Crashes are simulated by copying a
 * phone's files while its store is open (the area files then lack everything after the last
 * checkpoint and the wal holds it), or by writing wal records by hand.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "alloc.h"
#include "commands.h"
#include "crc32c.h"
#include "store.h"

struct fixture {
	char root[64];  /* state directory */
	char root2[64]; /* a second one, for crash copies */
};

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
	strcpy(f->root, "/tmp/sim-store-XXXXXX");
	strcpy(f->root2, "/tmp/sim-store-XXXXXX");
	if (!mkdtemp(f->root) || !mkdtemp(f->root2)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	nftw(f->root2, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* ---- helpers -------------------------------------------------------------------------------- */

static struct sim_store *open_store(const char *root, const char *name, const uint32_t *sizes,
				    uint32_t n, int durable)
{
	struct sim_store_params p = { root, name, sizes, n, durable, 0 };
	struct sim_store *s = NULL;

	assert_int_equal(sim_store_open(&p, &s), 0);
	assert_non_null(s);
	return s;
}

static int try_open(const char *root, const char *name, const uint32_t *sizes, uint32_t n,
		    int durable, struct sim_store **s)
{
	struct sim_store_params p = { root, name, sizes, n, durable, 0 };

	return sim_store_open(&p, s);
}

static void path_of(char *buf, size_t len, const char *root, const char *key, const char *file)
{
	snprintf(buf, len, "%s/sim/%s%s%s", root, key, file ? "/" : "", file ? file : "");
}

static off_t file_size(const char *root, const char *key, const char *file)
{
	char path[512];
	struct stat st;

	path_of(path, sizeof(path), root, key, file);
	if (stat(path, &st) < 0)
		return -1;
	return st.st_size;
}

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out;
	ssize_t n;

	assert_true(in >= 0);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	assert_int_equal(n, 0);
	close(in);
	close(out);
}

/* The files of phone `key` as they are on disk right now, as if the machine stopped here. */
static void crash_copy(const char *from_root, const char *to_root, const char *key,
		       unsigned n_areas)
{
	char a[512], b[512], name[32];
	unsigned i;

	snprintf(b, sizeof(b), "%s/sim", to_root);
	mkdir(b, 0700);
	path_of(b, sizeof(b), to_root, key, NULL);
	assert_int_equal(mkdir(b, 0700), 0);
	path_of(a, sizeof(a), from_root, key, "wal");
	path_of(b, sizeof(b), to_root, key, "wal");
	copy_file(a, b);
	for (i = 0; i < n_areas; i++) {
		snprintf(name, sizeof(name), "area-%u", i);
		path_of(a, sizeof(a), from_root, key, name);
		path_of(b, sizeof(b), to_root, key, name);
		copy_file(a, b);
	}
}

static void fill(unsigned char *buf, size_t len, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(seed * 31 + i * 7 + (i >> 8));
}

static void expect_area(struct sim_store *s, uint32_t area, const void *want, size_t len)
{
	unsigned char *got = malloc(len ? len : 1);

	assert_non_null(got);
	assert_int_equal(sim_store_read(s, area, got, len), (long)len);
	assert_memory_equal(got, want, len);
	free(got);
}

static void expect_zero(struct sim_store *s, uint32_t area, size_t from, size_t len)
{
	unsigned char *got = malloc(from + len);
	size_t i;

	assert_non_null(got);
	assert_int_equal(sim_store_read(s, area, got, from + len), (long)(from + len));
	for (i = from; i < from + len; i++)
		assert_int_equal(got[i], 0);
	free(got);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* Writes a wal by hand: a header with base, then one record per (area, data, len, seq). */
struct hand_rec {
	uint32_t area;
	const void *data;
	uint32_t len;
	uint64_t seq;
	int bad_crc;
};

static void write_wal(const char *path, uint64_t base, const struct hand_rec *r, size_t n)
{
	unsigned char h[24];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	size_t i;

	assert_true(fd >= 0);
	put32(h, SIM_WAL_MAGIC);
	put32(h + 4, SIM_WAL_VERSION);
	put64(h + 8, base);
	put32(h + 16, 0);
	put32(h + 20, ot_crc32c(0, h, 20));
	assert_int_equal(write(fd, h, 24), 24);
	for (i = 0; i < n; i++) {
		uint32_t crc;

		put32(h, SIM_REC_MAGIC);
		put32(h + 4, r[i].len);
		put32(h + 8, r[i].area);
		put64(h + 12, r[i].seq);
		crc = ot_crc32c(ot_crc32c(0, h, 20), r[i].data, r[i].len);
		put32(h + 20, r[i].bad_crc ? crc ^ 1 : crc);
		assert_int_equal(write(fd, h, 24), 24);
		assert_int_equal(write(fd, r[i].data, r[i].len), (ssize_t)r[i].len);
	}
	close(fd);
}

/* ---- CRC and keys --------------------------------------------------------------------------- */

static uint32_t crc_bitwise(const unsigned char *p, size_t len)
{
	uint32_t c = 0xffffffffu;
	int k;

	while (len--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
	}
	return ~c;
}

static void test_crc32c(void **state)
{
	unsigned char buf[1100];
	size_t off, len;

	(void)state;
	assert_int_equal(ot_crc32c(0, "123456789", 9), 0xe3069283u);
	assert_int_equal(ot_crc32c(0, NULL, 0), 0);
	fill(buf, sizeof(buf), 3);
	for (off = 0; off < 9; off++)
		for (len = 0; len + off <= sizeof(buf); len += 37)
			assert_int_equal(ot_crc32c(0, buf + off, len), crc_bitwise(buf + off, len));
	/* Running form: crc(a ‖ b) = crc(crc(a), b). */
	assert_int_equal(ot_crc32c(ot_crc32c(0, buf, 100), buf + 100, 900),
			 ot_crc32c(0, buf, 1000));
}

static void test_key(void **state)
{
	char key[256], longname[400];
	int n;

	(void)state;
	assert_int_equal(sim_store_key("Front desk", key, sizeof(key)), 12);
	assert_string_equal(key, "Front%20desk");
	sim_store_key("a/b\\c%d", key, sizeof(key));
	assert_string_equal(key, "a%2Fb%5Cc%25d");
	sim_store_key("OK_name-1.2", key, sizeof(key));
	assert_string_equal(key, "OK_name-1.2");
	sim_store_key(".", key, sizeof(key));
	assert_string_equal(key, "%2E");
	sim_store_key("..", key, sizeof(key));
	assert_string_equal(key, "%2E%2E");
	sim_store_key("...", key, sizeof(key));
	assert_string_equal(key, "...");
	sim_store_key("", key, sizeof(key));
	assert_string_equal(key, "%");
	sim_store_key("Caf\xc3\xa9", key, sizeof(key));
	assert_string_equal(key, "Caf%C3%A9");

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	n = sim_store_key(longname, key, sizeof(key));
	assert_true(n > 0 && n <= 255);
	assert_non_null(strchr(key, '~'));
	longname[5] = 'y'; /* another long name, another key */
	{
		char key2[256];

		sim_store_key(longname, key2, sizeof(key2));
		assert_string_not_equal(key, key2);
	}
	/* 84 × 3 = 252 fits; 86 × 3 = 258 does not and is cut, never inside a %XX. */
	memset(longname, ' ', 86);
	longname[86] = '\0';
	n = sim_store_key(longname, key, sizeof(key));
	assert_true(n <= 255);
	assert_int_equal(strchr(key, '~') - key, 198);
	assert_int_equal(sim_store_key("abc", key, 3), -ENAMETOOLONG);
}

/* ---- basic behaviour ------------------------------------------------------------------------ */

static void test_roundtrip(void **state)
{
	struct fixture *f = *state;
	static const uint32_t sizes[] = { 256, 4096 };
	unsigned char a[256], b[4096];
	struct sim_store *s;

	fill(a, sizeof(a), 1);
	fill(b, sizeof(b), 2);
	s = open_store(f->root, "Front desk", sizes, 2, 1);
	assert_int_equal(sim_store_num_areas(s), 2);
	assert_int_equal(sim_store_area_size(s, 1), 4096);
	assert_int_equal(sim_store_area_size(s, 2), 0);
	assert_true(sim_store_is_durable(s));
	expect_zero(s, 1, 0, 4096);
	assert_int_equal(sim_store_write(s, 0, a, sizeof(a)), 0);
	assert_int_equal(sim_store_write(s, 1, b, sizeof(b)), 0);
	expect_area(s, 0, a, sizeof(a));
	expect_area(s, 1, b, sizeof(b));
	assert_true(sim_store_wal_size(s) > 0);
	sim_store_close(s);

	/* The files: exactly the area sizes; the wal kept for reuse, preallocated with zeros. */
	assert_int_equal(file_size(f->root, "Front%20desk", "area-0"), 256);
	assert_int_equal(file_size(f->root, "Front%20desk", "area-1"), 4096);
	assert_true(file_size(f->root, "Front%20desk", "wal") >= SIM_STORE_WAL_GROW_MIN);
	assert_true(file_size(f->root, "Front%20desk", "wal") <= SIM_STORE_WAL_PREALLOC);
	assert_int_equal(file_size(f->root, "Front%20desk", "lock"), 0);
	{
		char path[512];
		struct stat st;

		path_of(path, sizeof(path), f->root, "Front%20desk", NULL);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0700);
	}

	s = open_store(f->root, "Front desk", sizes, 2, 1);
	expect_area(s, 0, a, sizeof(a));
	expect_area(s, 1, b, sizeof(b));
	/* Reads are cut to the area size. */
	{
		unsigned char big[300];

		assert_int_equal(sim_store_read(s, 0, big, sizeof(big)), 256);
		assert_int_equal(sim_store_read(s, 0, big, 10), 10);
		assert_int_equal(sim_store_read(s, 2, big, 10), -EINVAL);
	}
	sim_store_close(s);
}

static void test_state_dir_created(void **state)
{
	struct fixture *f = *state;
	static const uint32_t sizes[] = { 16 };
	char root[200], path[300];
	struct sim_store *s;
	struct stat st;

	/* The state directory may not exist yet: mkdir -p, mode 0700. */
	snprintf(root, sizeof(root), "%s/deeper/state/", f->root);
	s = open_store(root, "p", sizes, 1, 1);
	assert_int_equal(sim_store_write(s, 0, "x", 1), 0);
	sim_store_close(s);
	snprintf(path, sizeof(path), "%s/deeper/state/sim", f->root);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/deeper/state/sim/p/area-0", f->root);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 16);
}

static void test_partial_write_keeps_tail(void **state)
{
	struct fixture *f = *state;
	static const uint32_t sizes[] = { 256 };
	unsigned char a[256], want[256];
	struct sim_store *s;

	memset(a, 'A', sizeof(a));
	s = open_store(f->root, "tail", sizes, 1, 1);
	assert_int_equal(sim_store_write(s, 0, a, sizeof(a)), 0);
	assert_int_equal(sim_store_write(s, 0, "BBBBBBBBBB", 10), 0);
	assert_int_equal(sim_store_write(s, 0, "", 0), 0); /* writes nothing */
	memcpy(want, a, sizeof(want));
	memset(want, 'B', 10);
	expect_area(s, 0, want, sizeof(want));
	sim_store_close(s);
	s = open_store(f->root, "tail", sizes, 1, 1);
	expect_area(s, 0, want, sizeof(want));
	sim_store_close(s);
}

static void test_nondurable(void **state)
{
	struct fixture *f = *state;
	static const uint32_t sizes[] = { 256, 16777216 };
	unsigned char a[256];
	struct sim_store *s, *s2;
	char path[200];
	struct stat st;
	int err;
	struct sim_store_write w[2] = { { 0, 5, "hello" }, { 1, 3, "abc" } };

	fill(a, sizeof(a), 9);
	s = open_store(f->root, "mem", sizes, 2, 0);
	assert_false(sim_store_is_durable(s));
	expect_zero(s, 1, 16777216 - 4096, 4096);
	assert_int_equal(sim_store_write(s, 0, a, sizeof(a)), 0);
	expect_area(s, 0, a, sizeof(a));
	assert_int_equal(sim_store_append(s, w, 2, &err), 2);
	assert_int_equal(err, 0);
	assert_int_equal(sim_store_sync(s), 0);
	sim_store_apply(s, &w[0]);
	sim_store_apply(s, &w[1]);
	expect_area(s, 1, "abc", 3);
	assert_int_equal(sim_store_wal_size(s), 0);
	assert_int_equal(sim_store_checkpoint(s), 0);
	/* No files, no lock: a second in-memory store of the same phone is independent. */
	s2 = open_store(f->root, "mem", sizes, 2, 0);
	expect_zero(s2, 0, 0, 256);
	sim_store_close(s2);
	sim_store_close(s);
	snprintf(path, sizeof(path), "%s/sim", f->root);
	assert_int_equal(stat(path, &st), -1);
	/* A durable phone without areas has no files either. */
	s = open_store(f->root, "none", NULL, 0, 1);
	assert_false(sim_store_is_durable(s));
	sim_store_close(s);
	assert_int_equal(stat(path, &st), -1);
}

static void test_bad_params(void **state)
{
	struct fixture *f = *state;
	uint32_t sizes[65];
	struct sim_store *s = (struct sim_store *)&s;
	int err, i;

	for (i = 0; i < 65; i++)
		sizes[i] = 1;
	assert_int_equal(try_open(f->root, "x", sizes, 65, 1, &s), -EINVAL);
	assert_null(s);
	sizes[0] = 0;
	assert_int_equal(try_open(f->root, "x", sizes, 1, 1, &s), -EINVAL);
	sizes[0] = SIM_STORE_MAX_AREA_SIZE + 1;
	assert_int_equal(try_open(f->root, "x", sizes, 1, 0, &s), -EINVAL);
	sizes[0] = 16;
	assert_int_equal(try_open(NULL, "x", sizes, 1, 1, &s), -EINVAL);
	assert_int_equal(try_open("", "x", sizes, 1, 1, &s), -EINVAL);

	s = open_store(f->root, "x", sizes, 1, 1);
	{
		struct sim_store_write w[3] = { { 0, 4, "abcd" }, { 0, 17, "x" }, { 0, 1, "z" } };

		/* A bad write ends the append: the good prefix goes through. */
		assert_int_equal(sim_store_append(s, w, 3, &err), 1);
		assert_int_equal(err, -EINVAL);
		assert_int_equal(sim_store_sync(s), 0);
		sim_store_apply(s, &w[0]);
		w[0].area = 1;
		assert_int_equal(sim_store_append(s, w, 1, &err), 0);
		assert_int_equal(err, -EINVAL);
	}
	expect_area(s, 0, "abcd", 4);
	sim_store_close(s);
}

static void test_lock(void **state)
{
	struct fixture *f = *state;
	static const uint32_t sizes[] = { 64 };
	struct sim_store *s, *s2 = NULL;
	pid_t pid;
	int status;

	s = open_store(f->root, "locked", sizes, 1, 1);
	/* Another opener (another open file description) is refused... */
	assert_int_equal(try_open(f->root, "locked", sizes, 1, 1, &s2), -EWOULDBLOCK);
	assert_null(s2);
	/* ...and so is another process. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sim_store *c = NULL;

		_exit(try_open(f->root, "locked", sizes, 1, 1, &c) == -EWOULDBLOCK ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	sim_store_close(s);
	s = open_store(f->root, "locked", sizes, 1, 1);
	sim_store_close(s);
}

/* ---- crashes and recovery ------------------------------------------------------------------- */

static void test_replay_after_crash(void **state)
{
	struct fixture *f = *state;
	static const uint32_t sizes[] = { 256, 65536 };
	unsigned char a[256], b[65536], zero[256] = { 0 };
	struct sim_store *s, *r;
	char path[512];
	unsigned char disk[256];
	int fd;

	fill(a, sizeof(a), 4);
	fill(b, sizeof(b), 5);
	s = open_store(f->root, "crash", sizes, 2, 1);
	assert_int_equal(sim_store_write(s, 0, a, sizeof(a)), 0);
	assert_int_equal(sim_store_write(s, 1, b, sizeof(b)), 0);
	assert_int_equal(sim_store_write(s, 0, "new", 3), 0);
	/* "Crash" now: the acknowledged writes are only in the wal. */
	crash_copy(f->root, f->root2, "crash", 2);
	sim_store_close(s);

	path_of(path, sizeof(path), f->root2, "crash", "area-0");
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, disk, sizeof(disk)), 256);
	close(fd);
	assert_memory_equal(disk, zero, sizeof(zero)); /* not checkpointed yet */

	r = open_store(f->root2, "crash", sizes, 2, 1);
	memcpy(a, "new", 3);
	expect_area(r, 0, a, sizeof(a));
	expect_area(r, 1, b, sizeof(b));
	/* Recovery ends with a checkpoint: areas on disk, no record in the wal. */
	assert_int_equal(sim_store_wal_size(r), 0);
	fd = open(path, O_RDONLY);
	assert_int_equal(read(fd, disk, sizeof(disk)), 256);
	close(fd);
	assert_memory_equal(disk, a, sizeof(a));
	sim_store_close(r);
}

static void test_hand_written_wal(void **state)
{
	struct fixture *f = *state;
	static const uint32_t sizes[] = { 64, 64 };
	struct sim_store *s;
	char path[512], dir[512];
	const uint64_t base = 0xfffffffffffffffeull; /* the sequence wraps: still consecutive */
	struct hand_rec rec[] = {
		{ 0, "first", 5, base, 0 },
		{ 1, "second", 6, base + 1, 0 },
		{ 7, "gone-area", 9, base + 2, 0 }, /* an area no longer configured: skipped */
		{ 0, "FI", 2, base + 3, 0 },
		{ 1, "skipped", 7, base + 5, 0 }, /* sequence gap: replay ends here */
		{ 0, "never", 5, base + 6, 0 },
	};

	snprintf(dir, sizeof(dir), "%s/sim", f->root);
	assert_int_equal(mkdir(dir, 0700), 0);
	path_of(dir, sizeof(dir), f->root, "hand", NULL);
	assert_int_equal(mkdir(dir, 0700), 0);
	path_of(path, sizeof(path), f->root, "hand", "wal");
	write_wal(path, base, rec, 6);

	s = open_store(f->root, "hand", sizes, 2, 1);
	expect_area(s, 0, "FIrst", 5);
	expect_area(s, 1, "second", 6);
	sim_store_close(s);
}

static void test_stale_generation_ignored(void **state)
{
	struct fixture *f = *state;
	static const uint32_t sizes[] = { 16 };
	struct sim_store *s;
	char path[512], dir[512];
	struct hand_rec rec[] = { { 0, "stale", 5, 41, 0 } };

	snprintf(dir, sizeof(dir), "%s/sim", f->root);
	assert_int_equal(mkdir(dir, 0700), 0);
	path_of(dir, sizeof(dir), f->root, "g", NULL);
	assert_int_equal(mkdir(dir, 0700), 0);
	path_of(path, sizeof(path), f->root, "g", "wal");
	/* A record whose sequence is not the header's base belongs to another generation. */
	write_wal(path, 42, rec, 1);
	s = open_store(f->root, "g", sizes, 1, 1);
	expect_zero(s, 0, 0, 16);
	sim_store_close(s);

	/* A wal with a damaged header is empty, whatever follows. */
	write_wal(path, 41, rec, 1);
	{
		int fd = open(path, O_WRONLY);

		assert_int_equal(pwrite(fd, "X", 1, 9), 1);
		close(fd);
	}
	s = open_store(f->root, "g", sizes, 1, 1);
	expect_zero(s, 0, 0, 16);
	sim_store_close(s);
}

/* Writes A (acknowledged), then B; "crashes"; damages B in the copy; recovery must give A. */
static void torn_case(struct fixture *f, const char *name, int how)
{
	static const uint32_t sizes[] = { 4096 };
	unsigned char a[4096], b[4096];
	struct sim_store *s;
	char path[512];
	off_t wal;
	int fd;

	fill(a, sizeof(a), 6);
	fill(b, sizeof(b), 7);
	s = open_store(f->root, name, sizes, 1, 1);
	assert_int_equal(sim_store_write(s, 0, a, sizeof(a)), 0);
	assert_int_equal(sim_store_write(s, 0, b, 1000), 0);
	crash_copy(f->root, f->root2, name, 1);
	/* The records end here; zeros follow (the preallocated rest of the wal). */
	wal = (off_t)sim_store_wal_size(s);
	sim_store_close(s);

	path_of(path, sizeof(path), f->root2, name, "wal");
	assert_int_equal(wal, 24 + (24 + 4096) + (24 + 1000));
	assert_true(file_size(f->root2, name, "wal") > wal);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	switch (how) {
	case 0: /* torn in the payload */
		assert_int_equal(ftruncate(fd, wal - 5), 0);
		break;
	case 1: /* torn in the record header */
		assert_int_equal(ftruncate(fd, wal - 1000 - 10), 0);
		break;
	case 2: /* a flipped payload byte: crc mismatch */
		assert_int_equal(pwrite(fd, "\xff", 1, wal - 500), 1);
		break;
	case 3: /* garbage appended after a good record is ignored, the good one kept */
		assert_int_equal(ftruncate(fd, wal - 1000 - 24), 0);
		assert_int_equal(pwrite(fd, "garbage-garbage-garbage-garbage", 31, wal - 1000 - 24), 31);
		break;
	}
	close(fd);

	s = open_store(f->root2, name, sizes, 1, 1);
	expect_area(s, 0, a, sizeof(a));
	sim_store_close(s);
}

static void test_torn_record(void **state)
{
	torn_case(*state, "torn-payload", 0);
	torn_case(*state, "torn-header", 1);
	torn_case(*state, "bad-crc", 2);
	torn_case(*state, "garbage", 3);
}

static void test_resize(void **state)
{
	struct fixture *f = *state;
	uint32_t sizes[2] = { 4096, 100 };
	unsigned char a[4096];
	struct sim_store *s;

	fill(a, sizeof(a), 8);
	s = open_store(f->root, "grow", sizes, 2, 1);
	assert_int_equal(sim_store_write(s, 0, a, sizeof(a)), 0);
	assert_int_equal(sim_store_write(s, 1, "area one", 8), 0);
	sim_store_close(s);

	/* Shrink: the prefix stays. */
	sizes[0] = 256;
	s = open_store(f->root, "grow", sizes, 2, 1);
	assert_int_equal(sim_store_area_size(s, 0), 256);
	assert_int_equal(file_size(f->root, "grow", "area-0"), 256);
	expect_area(s, 0, a, 256);
	expect_area(s, 1, "area one", 8);
	sim_store_close(s);

	/* Grow: the prefix stays, the rest is zero. */
	sizes[0] = 8192;
	s = open_store(f->root, "grow", sizes, 2, 1);
	assert_int_equal(file_size(f->root, "grow", "area-0"), 8192);
	expect_area(s, 0, a, 256);
	expect_zero(s, 0, 256, 8192 - 256);
	assert_int_equal(sim_store_write(s, 0, a, sizeof(a)), 0);
	sim_store_close(s);

	/* Fewer areas: the dropped area's file goes; adding it back gives a fresh area. */
	s = open_store(f->root, "grow", sizes, 1, 1);
	assert_int_equal(file_size(f->root, "grow", "area-1"), -1);
	expect_area(s, 0, a, sizeof(a));
	sim_store_close(s);
	s = open_store(f->root, "grow", sizes, 2, 1);
	expect_zero(s, 1, 0, 100);
	sim_store_close(s);
}

static void test_resize_after_crash(void **state)
{
	struct fixture *f = *state;
	uint32_t sizes[1] = { 4096 };
	unsigned char a[4096];
	struct sim_store *s;

	/* The wal was written for a 4096-byte area; the configuration now says 256. Replay runs
	 * against the size the records were written for, then the area shrinks. */
	fill(a, sizeof(a), 10);
	s = open_store(f->root, "rc", sizes, 1, 1);
	assert_int_equal(sim_store_write(s, 0, a, sizeof(a)), 0);
	crash_copy(f->root, f->root2, "rc", 1);
	sim_store_close(s);
	sizes[0] = 256;
	s = open_store(f->root2, "rc", sizes, 1, 1);
	expect_area(s, 0, a, 256);
	assert_int_equal(file_size(f->root2, "rc", "area-0"), 256);
	sim_store_close(s);
}

static void test_group_commit_and_checkpoint(void **state)
{
	struct fixture *f = *state;
	static const uint32_t sizes[] = { 1 << 20, 16 };
	unsigned char *big = malloc(1 << 20);
	struct sim_store *s1, *s2;
	struct sim_store_write w[10];
	int err, i;

	assert_non_null(big);
	s1 = open_store(f->root, "one", sizes, 2, 1);
	s2 = open_store(f->root, "two", sizes, 2, 1);
	for (i = 0; i < 10; i++) {
		fill(big, 1 << 20, (unsigned)i);
		w[i].area = 0;
		w[i].len = 1 << 20;
		w[i].data = big; /* same buffer: only the last content matters below */
	}
	fill(big, 1 << 20, 77);
	/* Phase 1 for both stores, then phase 2, then phase 3. */
	assert_int_equal(sim_store_append(s1, w, 10, &err), 10);
	assert_int_equal(sim_store_append(s2, w, 1, &err), 1);
	assert_int_equal(sim_store_sync(s1), 0);
	assert_int_equal(sim_store_sync(s2), 0);
	for (i = 0; i < 10; i++)
		sim_store_apply(s1, &w[i]);
	sim_store_apply(s2, &w[0]);
	expect_area(s1, 0, big, 1 << 20);
	expect_area(s2, 0, big, 1 << 20);
	assert_true(sim_store_wal_size(s1) > SIM_STORE_CHECKPOINT_BYTES);
	assert_int_equal(sim_store_maybe_checkpoint(s2), 0);
	assert_true(sim_store_wal_size(s2) > 0); /* below the threshold: nothing done */
	assert_int_equal(sim_store_maybe_checkpoint(s1), 0);
	assert_int_equal(sim_store_wal_size(s1), 0);
	/* Stretched by the 1 MiB records past the preallocated size, cut back to it. */
	assert_int_equal(file_size(f->root, "one", "wal"), SIM_STORE_WAL_PREALLOC);
	/* After a checkpoint a new wal generation starts and recovers as well. */
	assert_int_equal(sim_store_write(s1, 1, "after", 5), 0);
	crash_copy(f->root, f->root2, "one", 2);
	sim_store_close(s1);
	sim_store_close(s2);
	s1 = open_store(f->root2, "one", sizes, 2, 1);
	expect_area(s1, 0, big, 1 << 20);
	expect_area(s1, 1, "after", 5);
	sim_store_close(s1);
	free(big);
}

/* A checkpoint keeps the wal file and starts a new generation at its start: new records
 * overwrite old ones in place, and an old record right after the new tail -- whole, with a valid
 * CRC -- never replays (its sequence belongs to the old base). */
static void test_wal_generation_reuse(void **state)
{
	struct fixture *f = *state;
	static const uint32_t sizes[] = { 4096, 16 };
	unsigned char a[4096], b[4096];
	struct sim_store *s, *r;
	off_t size;

	fill(a, sizeof(a), 11);
	fill(b, sizeof(b), 12);
	s = open_store(f->root, "reuse", sizes, 2, 1);
	assert_int_equal(sim_store_write(s, 0, a, sizeof(a)), 0);
	assert_int_equal(sim_store_write(s, 1, "stale", 5), 0);
	assert_int_equal(sim_store_write(s, 1, "good!", 5), 0);
	size = file_size(f->root, "reuse", "wal");
	assert_true(size >= SIM_STORE_WAL_GROW_MIN);
	assert_int_equal(sim_store_checkpoint(s), 0);
	assert_int_equal(sim_store_wal_size(s), 0);
	assert_int_equal(file_size(f->root, "reuse", "wal"), size);
	/* The same lengths: the new records land exactly on the first two old ones. */
	assert_int_equal(sim_store_write(s, 0, b, sizeof(b)), 0);
	assert_int_equal(sim_store_write(s, 1, "newer", 5), 0);
	assert_int_equal(file_size(f->root, "reuse", "wal"), size); /* overwritten, not grown */
	crash_copy(f->root, f->root2, "reuse", 2);
	sim_store_close(s);

	r = open_store(f->root2, "reuse", sizes, 2, 1);
	expect_area(r, 0, b, sizeof(b));
	expect_area(r, 1, "newer", 5); /* not the old generation's "good!" */
	sim_store_close(r);
}

/* The wal is reused across many checkpoints without growing; a crash in any generation (old
 * records of the same lengths after the tail, or zeros in the first one) recovers exactly the
 * acknowledged writes, as does a crash right after a checkpoint. */
static void test_wal_reuse_across_checkpoints(void **state)
{
	struct fixture *f = *state;
	static const uint32_t sizes[] = { 1 << 20 };
	unsigned char *buf = malloc(1 << 20);
	struct sim_store *s, *r;
	off_t size = 0;
	unsigned c, k;

	assert_non_null(buf);
	s = open_store(f->root, "cycle", sizes, 1, 1);
	for (c = 0; c < 3; c++) {
		for (k = 0; k < 8; k++) {
			fill(buf, 1 << 20, c * 10 + k);
			assert_int_equal(sim_store_write(s, 0, buf, 1 << 20), 0);
			if (k == 4) {
				crash_copy(f->root, f->root2, "cycle", 1);
				r = open_store(f->root2, "cycle", sizes, 1, 1);
				expect_area(r, 0, buf, 1 << 20);
				sim_store_close(r);
				nftw(f->root2, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
				assert_int_equal(mkdir(f->root2, 0700), 0);
			}
			assert_int_equal(sim_store_maybe_checkpoint(s), 0);
		}
		/* 8 records of 1 MiB pass the threshold: checkpointed, the file kept. */
		assert_int_equal(sim_store_wal_size(s), 0);
		if (c == 0)
			size = file_size(f->root, "cycle", "wal");
		assert_int_equal(file_size(f->root, "cycle", "wal"), size);
		assert_true(size <= (off_t)SIM_STORE_WAL_PREALLOC);
		crash_copy(f->root, f->root2, "cycle", 1);
		r = open_store(f->root2, "cycle", sizes, 1, 1);
		expect_area(r, 0, buf, 1 << 20);
		sim_store_close(r);
		nftw(f->root2, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		assert_int_equal(mkdir(f->root2, 0700), 0);
	}
	sim_store_close(s);
	s = open_store(f->root, "cycle", sizes, 1, 1);
	expect_area(s, 0, buf, 1 << 20);
	sim_store_close(s);
	free(buf);
}

/* ---- failures ------------------------------------------------------------------------------- */

#define CHILD_CHECK(cond)                                                                        \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "child check failed at line %d: %s\n", __LINE__, #cond); \
			_exit(1);                                                                \
		}                                                                                \
	} while (0)

static void test_wal_failure_fsize(void **state)
{
	struct fixture *f = *state;
	pid_t pid;
	int status;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static const uint32_t sizes[] = { 65536 };
		static unsigned char old[1000], neu[65536], got[65536];
		struct sim_store_params p = { f->root, "fsize", sizes, 1, 1, 0 };
		struct sim_store *s = NULL;
		struct rlimit rl, small;
		uint64_t good;
		struct stat st;
		char path[512];
		size_t i;

		signal(SIGXFSZ, SIG_IGN);
		memset(old, 'O', sizeof(old));
		memset(neu, 'N', sizeof(neu));
		CHILD_CHECK(sim_store_open(&p, &s) == 0);
		CHILD_CHECK(sim_store_write(s, 0, old, sizeof(old)) == 0);
		good = sim_store_wal_size(s);

		CHILD_CHECK(getrlimit(RLIMIT_FSIZE, &rl) == 0);
		small = rl;
		small.rlim_cur = 16384;
		CHILD_CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
		CHILD_CHECK(sim_store_write(s, 0, neu, sizeof(neu)) == -EFBIG);
		/* The area keeps the old bytes; the wal is back at its last good length. */
		CHILD_CHECK(sim_store_read(s, 0, got, sizeof(got)) == 65536);
		CHILD_CHECK(memcmp(got, old, sizeof(old)) == 0);
		for (i = sizeof(old); i < sizeof(got); i++)
			CHILD_CHECK(got[i] == 0);
		CHILD_CHECK(sim_store_wal_size(s) == good);
		/* What the failed append wrote is zeros now: no record follows the good ones. */
		path_of(path, sizeof(path), f->root, "fsize", "wal");
		{
			unsigned char tail[SIM_REC_HEADER_SIZE];
			int fd = open(path, O_RDONLY);

			CHILD_CHECK(fd >= 0 && stat(path, &st) == 0 && (uint64_t)st.st_size > good);
			CHILD_CHECK(pread(fd, tail, sizeof(tail), (off_t)good) == (ssize_t)sizeof(tail));
			close(fd);
			for (i = 0; i < sizeof(tail); i++)
				CHILD_CHECK(tail[i] == 0);
		}
		/* Small writes still fit below the limit. */
		CHILD_CHECK(sim_store_write(s, 0, "small", 5) == 0);
		old[0] = 's', old[1] = 'm', old[2] = 'a', old[3] = 'l', old[4] = 'l';

		/* Lift the limit: the big write works now. */
		CHILD_CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0);
		CHILD_CHECK(sim_store_write(s, 0, neu, sizeof(neu)) == 0);
		CHILD_CHECK(sim_store_read(s, 0, got, sizeof(got)) == 65536);
		CHILD_CHECK(memcmp(got, neu, sizeof(neu)) == 0);
		sim_store_close(s);
		s = NULL;
		CHILD_CHECK(sim_store_open(&p, &s) == 0);
		CHILD_CHECK(sim_store_read(s, 0, got, sizeof(got)) == 65536);
		CHILD_CHECK(memcmp(got, neu, sizeof(neu)) == 0);
		sim_store_close(s);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_wal_failure_crash_consistent(void **state)
{
	struct fixture *f = *state;
	pid_t pid;
	int status;

	/* A failed write followed by a crash: recovery gives the last acknowledged content. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static const uint32_t sizes[] = { 65536 };
		static unsigned char neu[65536];
		struct sim_store_params p = { f->root, "fcrash", sizes, 1, 1, 0 };
		struct sim_store *s = NULL;
		struct rlimit rl, small;

		signal(SIGXFSZ, SIG_IGN);
		memset(neu, 'N', sizeof(neu));
		CHILD_CHECK(sim_store_open(&p, &s) == 0);
		CHILD_CHECK(sim_store_write(s, 0, "acked", 5) == 0);
		CHILD_CHECK(getrlimit(RLIMIT_FSIZE, &rl) == 0);
		small = rl;
		small.rlim_cur = 8192;
		CHILD_CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0);
		CHILD_CHECK(sim_store_write(s, 0, neu, sizeof(neu)) == -EFBIG);
		_exit(0); /* no close: the files stay as they are */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	{
		static const uint32_t sizes[] = { 65536 };
		struct sim_store *s = open_store(f->root, "fcrash", sizes, 1, 1);

		expect_area(s, 0, "acked", 5);
		expect_zero(s, 0, 5, 65531);
		sim_store_close(s);
	}
}

static void alloc_sweep(struct fixture *f, int durable)
{
	static const uint32_t sizes[] = { 256, 4096 };
	long start = ot_alloc_live();
	struct sim_store *s;
	long n;
	int r;

	for (n = 0;; n++) {
		s = NULL;
		ot_alloc_fail_after(n);
		r = try_open(f->root, "sweep", sizes, 2, durable, &s);
		ot_alloc_fail_after(-1);
		if (r == 0) {
			assert_non_null(s);
			assert_int_equal(sim_store_write(s, 1, "ok", 2), 0);
			sim_store_close(s);
			assert_int_equal(ot_alloc_live(), start);
			break;
		}
		assert_int_equal(r, -ENOMEM);
		assert_null(s);
		assert_int_equal(ot_alloc_live(), start);
		assert_true(n < 100);
	}
	assert_true(n > 0); /* at least one allocation was failed */
}

static void test_alloc_failure_sweep(void **state)
{
	struct fixture *f = *state;
	struct fixture g = *f;

	alloc_sweep(f, 1);
	alloc_sweep(f, 0);
	/* Also while the directories are still to be created. */
	assert_true(strlen(f->root) + sizeof("/new/dir") <= sizeof(g.root));
	strcat(g.root, "/new/dir");
	alloc_sweep(&g, 1);
}

/* ---- the state file -------------------------------------------------------------------------- */

static struct sim_store *open_state_store(const char *root, const char *name, int durable)
{
	struct sim_store_params p = { root, name, NULL, 0, durable, 1 };
	struct sim_store *s = NULL;

	assert_int_equal(sim_store_open(&p, &s), 0);
	return s;
}

static void expect_state(struct sim_store *s, const void *want, size_t len)
{
	void *got = (void *)1;
	size_t n = 99;

	assert_int_equal(sim_store_load_state(s, &got, &n), 0);
	assert_int_equal(n, len);
	if (want) {
		assert_non_null(got);
		assert_memory_equal(got, want, len);
	} else {
		assert_null(got);
	}
	ot_free(got);
}

static void test_state_file(void **state)
{
	struct fixture *f = *state;
	char path[512];
	struct sim_store *s;
	unsigned char big[4096];

	/* A durable phone with state but no data areas has its directory all the same. */
	s = open_state_store(f->root, "Desk", 1);
	assert_true(sim_store_is_durable(s));
	expect_state(s, NULL, 0); /* none yet */
	assert_int_equal(sim_store_save_state(s, "one", 3), 0);
	expect_state(s, "one", 3);
	assert_int_equal(file_size(f->root, "Desk", "state"), SIM_STATE_HEADER_SIZE + 3);
	assert_int_equal(file_size(f->root, "Desk", "state.tmp"), -1);
	fill(big, sizeof(big), 5);
	assert_int_equal(sim_store_save_state(s, big, sizeof(big)), 0);
	expect_state(s, big, sizeof(big));
	assert_int_equal(sim_store_save_state(s, NULL, 0), 0);
	expect_state(s, "", 0);
	assert_int_equal(sim_store_save_state(s, NULL, 1), -EINVAL);
	assert_int_equal(sim_store_save_state(s, big, SIM_STATE_MAX_PAYLOAD + 1), -EINVAL);
	assert_int_equal(sim_store_save_state(s, "two", 3), 0);
	sim_store_close(s);

	/* It survives the close, and a state.tmp left by a crash is removed at open. */
	path_of(path, sizeof(path), f->root, "Desk", "state.tmp");
	{
		FILE *t = fopen(path, "w");

		assert_non_null(t);
		fputs("half", t);
		fclose(t);
	}
	s = open_state_store(f->root, "Desk", 1);
	assert_int_equal(file_size(f->root, "Desk", "state.tmp"), -1);
	expect_state(s, "two", 3);
	sim_store_close(s);

	/* In memory: nothing is saved, nothing loaded, no files. */
	s = open_state_store(f->root, "Mem", 0);
	assert_false(sim_store_is_durable(s));
	assert_int_equal(sim_store_save_state(s, "x", 1), 0);
	expect_state(s, NULL, 0);
	sim_store_close(s);
	path_of(path, sizeof(path), f->root, "Mem", NULL);
	assert_int_equal(access(path, F_OK), -1);

	/* has_state with durable needs a state directory. */
	{
		struct sim_store_params p = { NULL, "x", NULL, 0, 1, 1 };

		assert_int_equal(sim_store_open(&p, &s), -EINVAL);
	}
}

static void test_state_file_damaged(void **state)
{
	struct fixture *f = *state;
	char path[512];
	unsigned char file[64];
	struct sim_store *s;
	void *got;
	size_t n, len, i;
	int fd;

	s = open_state_store(f->root, "D", 1);
	assert_int_equal(sim_store_save_state(s, "payload!", 8), 0);
	sim_store_close(s);
	path_of(path, sizeof(path), f->root, "D", "state");
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	len = (size_t)read(fd, file, sizeof(file));
	close(fd);
	assert_int_equal(len, SIM_STATE_HEADER_SIZE + 8);

	/* Each flipped byte, and each truncation, is seen. */
	for (i = 0; i <= len; i++) {
		unsigned char bad[64];
		size_t blen = len;

		memcpy(bad, file, len);
		if (i < len)
			bad[i] ^= 0x40;
		else
			blen = len - 1;
		fd = open(path, O_WRONLY | O_TRUNC);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, bad, blen), (ssize_t)blen);
		close(fd);
		s = open_state_store(f->root, "D", 1);
		got = (void *)1;
		assert_int_equal(sim_store_load_state(s, &got, &n), -EINVAL);
		assert_null(got);
		/* A new save repairs it. */
		assert_int_equal(sim_store_save_state(s, "payload!", 8), 0);
		expect_state(s, "payload!", 8);
		sim_store_close(s);
	}
	/* An empty file, and one far too large. */
	assert_int_equal(truncate(path, 0), 0);
	s = open_state_store(f->root, "D", 1);
	assert_int_equal(sim_store_load_state(s, &got, &n), -EINVAL);
	sim_store_close(s);
	assert_int_equal(truncate(path, SIM_STATE_HEADER_SIZE + SIM_STATE_MAX_PAYLOAD + 1), 0);
	s = open_state_store(f->root, "D", 1);
	assert_int_equal(sim_store_load_state(s, &got, &n), -EINVAL);
	sim_store_close(s);
}

/* A save that cannot be written (RLIMIT_FSIZE) fails and leaves the old file in place. */
static void test_state_file_failure(void **state)
{
	struct fixture *f = *state;
	struct sim_store *s;
	unsigned char big[2048];
	struct rlimit old, lim;
	void (*prev)(int);

	s = open_state_store(f->root, "F", 1);
	assert_int_equal(sim_store_save_state(s, "old", 3), 0);
	fill(big, sizeof(big), 7);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 1024;
	prev = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(sim_store_save_state(s, big, sizeof(big)), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, prev);
	assert_int_equal(file_size(f->root, "F", "state.tmp"), -1);
	expect_state(s, "old", 3);
	assert_int_equal(sim_store_save_state(s, big, sizeof(big)), 0);
	expect_state(s, big, sizeof(big));
	sim_store_close(s);
}

/* ---- the command parser --------------------------------------------------------------------- */

static int parse(const char *s, struct sim_command *c)
{
	return sim_command_parse(s, strlen(s), c);
}

static void test_commands_good(void **state)
{
	struct sim_command c;

	(void)state;
	assert_int_equal(parse("suspend", &c), 0);
	assert_int_equal(c.kind, SIM_CMD_SUSPEND);
	assert_int_equal(parse("resume", &c), 0);
	assert_int_equal(c.kind, SIM_CMD_RESUME);
	assert_int_equal(parse("disconnect", &c), 0);
	assert_int_equal(c.kind, SIM_CMD_DISCONNECT);
	assert_int_equal(parse("  connect\r\n", &c), 0);
	assert_int_equal(c.kind, SIM_CMD_CONNECT);
	assert_int_equal(parse("hold-replies", &c), 0);
	assert_int_equal(c.kind, SIM_CMD_HOLD_REPLIES);
	assert_int_equal(parse("release-replies", &c), 0);
	assert_int_equal(c.kind, SIM_CMD_RELEASE_REPLIES);
	assert_int_equal(parse("remove", &c), 0);
	assert_int_equal(c.kind, SIM_CMD_REMOVE);
	assert_int_equal(parse("press 11", &c), 0);
	assert_int_equal(c.kind, SIM_CMD_PRESS);
	assert_int_equal(c.button, 11);
	assert_int_equal(parse("press *", &c), 0);
	assert_int_equal(c.kind, SIM_CMD_PRESS);
	assert_int_equal(c.button, 10);
	assert_int_equal(parse("release #", &c), 0);
	assert_int_equal(c.kind, SIM_CMD_RELEASE);
	assert_int_equal(c.button, 11);
	assert_int_equal(parse("release\t4294967295", &c), 0);
	assert_int_equal(c.kind, SIM_CMD_RELEASE);
	assert_int_equal(c.button, 4294967295u);
	assert_int_equal(parse("hook handset mic", &c), 0);
	assert_int_equal(c.kind, SIM_CMD_HOOK);
	assert_int_equal(c.hook_dev, SIM_HOOK_HANDSET);
	assert_int_equal(c.hook_mode, SIM_HOOK_MIC);
	assert_int_equal(parse("hook  speaker   speaker ", &c), 0);
	assert_int_equal(c.hook_dev, SIM_HOOK_SPEAKER);
	assert_int_equal(c.hook_mode, SIM_HOOK_MODE_SPEAKER);
	assert_int_equal(parse("hook headset micspeaker", &c), 0);
	assert_int_equal(c.hook_dev, SIM_HOOK_HEADSET);
	assert_int_equal(c.hook_mode, SIM_HOOK_MICSPEAKER);
	assert_int_equal(parse("hook handset onhook", &c), 0);
	assert_int_equal(c.hook_mode, SIM_HOOK_ONHOOK);
	/* Line endings around the command, as a file or echo leaves them. */
	assert_int_equal(parse("\r\n\thook headset mic \r\n", &c), 0);
	assert_int_equal(c.hook_dev, SIM_HOOK_HEADSET);
	/* Numbers by their value: leading zeros, however many. */
	assert_int_equal(parse("press 00000000005", &c), 0);
	assert_int_equal(c.button, 5);
	assert_int_equal(parse("press 000000000004294967295", &c), 0);
	assert_int_equal(c.button, 4294967295u);
	assert_int_equal(parse("release 0", &c), 0);
	assert_int_equal(c.button, 0);
	/* The text ends at the first NUL or at len. */
	assert_int_equal(sim_command_parse("suspend\0garbage", 15, &c), 0);
	assert_int_equal(c.kind, SIM_CMD_SUSPEND);
	assert_int_equal(sim_command_parse("resumeXYZ", 6, &c), 0);
	assert_int_equal(c.kind, SIM_CMD_RESUME);
}

static void test_commands_bad(void **state)
{
	static const char *const bad[] = {
		"", "   ", "Suspend", "suspend now", "suspendx", "press", "press -1", "press +1",
		"press 4294967296", "press 99999999999", "press 1 2", "press x", "press 1x",
		"release", "hook", "hook handset", "hook phone mic", "hook handset loud",
		"hook handset mic extra", "hold", "release replies", "connect connect",
		"\xff\xfe", "remove 1", "a b c d e f", "press **", "press #1", "press * #",
		"hook * mic",
		/* One command is one line: no CR or LF between words. */
		"press\n5", "hook handset\r\nmic", "press \r5", "suspend\nresume",
		"press 000000000004294967296",
	};
	struct sim_command c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(bad[i], &c), -EINVAL);
	assert_int_equal(sim_command_parse(NULL, 0, &c), -EINVAL);
	assert_int_equal(sim_command_parse(NULL, 10, &c), -EINVAL);
	assert_int_equal(sim_command_parse("\0suspend", 8, &c), -EINVAL);
	assert_int_equal(sim_command_parse("suspend", 3, &c), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_key),
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_dir_created, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_write_keeps_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nondurable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_after_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hand_written_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_generation_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resize_after_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_commit_and_checkpoint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_generation_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_reuse_across_checkpoints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_failure_fsize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_failure_crash_consistent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_failure_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_file_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_file_failure, setup, teardown),
		cmocka_unit_test(test_commands_good),
		cmocka_unit_test(test_commands_bad),
	};

	return cmocka_run_group_tests_name("sim_store", tests, NULL, NULL);
}
