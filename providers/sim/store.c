/* SPDX-License-Identifier: MIT */
/* store.c — see store.h.
 *
 * Why the areas live in private mappings. A shared, writable mapping of a sparse file turns a
 * full disk into SIGBUS at the moment we copy acknowledged bytes into it; pwrite() into the file
 * could fail after the wal already holds the record. So each area is mapped MAP_PRIVATE: applying
 * a write is a memcpy into our own pages that cannot fail, reads see exactly what was applied, and
 * the bytes reach the area file only at a checkpoint, by pwrite() of the changed prefix followed by
 * fdatasync(). If that fails, the wal is simply kept: it still holds every write.
 *
 * Every write starts at offset 0 of its area, so "changed since the last checkpoint" is a single
 * number per area: the longest write applied since then.
 */
#define _GNU_SOURCE
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "copy.h"
#include "crc32c.h"
#include "log.h"

struct area {
	uint32_t size;       /* configured size = mapping size (after open) */
	int fd;              /* area file; -1 for in-memory stores */
	unsigned char *mem;  /* mapping of size bytes; MAP_FAILED when not mapped */
	uint32_t dirty;      /* bytes [0, dirty) changed since the last checkpoint */
};

struct sim_store {
	char *name;
	int durable;     /* has files (durable and at least one area) */
	uint32_t n;
	struct area *areas;
	pthread_rwlock_t lock; /* area memory: sim_store_read against sim_store_apply */
	int lock_init;

	int dir_fd, lock_fd, wal_fd;
	uint64_t wal_len;     /* end of the current generation's records (header included), unsynced
			       * records included; 0: no header of the current generation yet */
	uint64_t file_size;   /* the wal file's size: zeros or older records after wal_len */
	uint64_t wal_synced;  /* prefix of the wal known to be durable */
	uint64_t next_seq;    /* sequence of the next record */
	uint64_t seq_synced;  /* next_seq as of the last successful sync */
	uint64_t checkpoint_at;
	int broken;       /* a rollback failed: writes refused until reopened */
	int logged_errno; /* errno of the incident already logged; 0 after a success */
};

/* ---- little helpers ----------------------------------------------------------------------- */

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

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint64_t fnv1a64(const char *s, uint64_t h)
{
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t random_u64(void)
{
	static uint64_t counter;
	uint64_t v;
	struct timespec ts;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
	/* No entropy yet (early boot): uniqueness is all the base needs. */
	clock_gettime(CLOCK_REALTIME, &ts);
	v = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	v ^= (uint64_t)getpid() << 40;
	v += __atomic_add_fetch(&counter, 0x9e3779b97f4a7c15ull, __ATOMIC_RELAXED);
	v ^= v >> 31;
	v *= 0xbf58476d1ce4e5b9ull;
	v ^= v >> 27;
	return v;
}

static void log_failure(struct sim_store *s, const char *what, int err)
{
	if (s->logged_errno == err)
		return;
	s->logged_errno = err;
	ot_log(OT_LOG_ERROR, "sim", "phone '%s': %s: %s (errno %d)", s->name, what, strerror(err),
	       err);
}

/* ---- keys and directories ----------------------------------------------------------------- */

int sim_store_key(const char *name, char *buf, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	char key[3 * 256 + 1];
	size_t n = 0, cut;
	const unsigned char *p;

	if (!strcmp(name, "") || !strcmp(name, ".") || !strcmp(name, "..")) {
		const char *k = !strcmp(name, "") ? "%" : !strcmp(name, ".") ? "%2E" : "%2E%2E";

		if (strlen(k) + 1 > size)
			return -ENAMETOOLONG;
		strcpy(buf, k);
		return (int)strlen(k);
	}
	for (p = (const unsigned char *)name; *p && n < 256; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '.' || *p == '_' || *p == '-') {
			key[n++] = (char)*p;
		} else {
			key[n++] = '%';
			key[n++] = hex[*p >> 4];
			key[n++] = hex[*p & 15];
		}
	}
	if (n > 255 || *p) {
		/* Too long for a file name: a prefix that ends on a whole character, then a
		 * hash. */
		cut = 200;
		if (key[cut - 1] == '%')
			cut -= 1;
		else if (key[cut - 2] == '%')
			cut -= 2;
		n = cut + (size_t)snprintf(key + cut, sizeof(key) - cut, "~%016llx",
					   (unsigned long long)fnv1a64(name, 0xcbf29ce484222325ull));
	}
	key[n] = '\0';
	if (n + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf, key, n + 1);
	return (int)n;
}

static int fsync_dir_of(const char *path)
{
	char *slash = strrchr(path, '/');
	char *dir;
	int fd, r = 0;

	if (!slash)
		dir = ot_strdup(".");
	else if (slash == path)
		dir = ot_strdup("/");
	else {
		dir = ot_malloc((size_t)(slash - path) + 1);
		if (dir) {
			memcpy(dir, path, (size_t)(slash - path));
			dir[slash - path] = '\0';
		}
	}
	if (!dir)
		return -ENOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	ot_free(dir);
	return r;
}

/* mkdir -p with mode 0700 for the directories it creates; each new directory's parent is synced
 * so that the new entry survives a crash. */
static int mkdir_p(char *path)
{
	char *p;
	int r;

	for (p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (mkdir(path, 0700) == 0) {
				r = fsync_dir_of(path);
				if (r < 0) {
					*p = c;
					return r;
				}
			} else if (errno != EEXIST) {
				r = -errno;
				*p = c;
				return r;
			}
			*p = c;
		}
		if (*p == '\0')
			return 0;
	}
}

static int open_in(int dir_fd, const char *name, int *created)
{
	int fd = openat(dir_fd, name, O_RDWR | O_CLOEXEC);

	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : -errno;
	fd = openat(dir_fd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	*created = 1;
	return fd;
}

/* Opens <state>/sim/<key>/, creating it (and its parents) as needed. */
static int open_phone_dir(const char *state_dir, const char *name, int *created)
{
	char key[256];
	size_t n;
	char *path;
	int fd, r;

	if (sim_store_key(name, key, sizeof(key)) < 0)
		return -ENAMETOOLONG;
	n = strlen(state_dir);
	path = ot_malloc(n + 5 + strlen(key) + 1);
	if (!path)
		return -ENOMEM;
	memcpy(path, state_dir, n);
	while (n > 1 && path[n - 1] == '/')
		n--;
	memcpy(path + n, "/sim", 5);
	r = mkdir_p(path);
	if (r == 0) {
		strcat(path, "/");
		strcat(path, key);
		if (mkdir(path, 0700) == 0) {
			*created = 1;
			r = fsync_dir_of(path);
		} else if (errno != EEXIST) {
			r = -errno;
		}
	}
	if (r == 0) {
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		r = fd >= 0 ? fd : -errno;
	}
	ot_free(path);
	return r;
}

/* ---- plain I/O that finishes or says why -------------------------------------------------- */

static int pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t w = pwrite(fd, p, len, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		len -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

/* Writes every byte of iov[0 … cnt) at off. Returns the bytes written; *err is 0 when all were. */
static uint64_t pwritev_all(int fd, struct iovec *iov, int cnt, uint64_t off, int *err)
{
	uint64_t done = 0;

	*err = 0;
	while (cnt > 0) {
		ssize_t w = pwritev(fd, iov, cnt > IOV_MAX ? IOV_MAX : cnt, (off_t)(off + done));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			*err = w < 0 ? -errno : -EIO;
			return done;
		}
		done += (uint64_t)w;
		while (cnt > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return done;
}

static int datasync(int fd)
{
	while (fdatasync(fd) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

static void put_wal_header(unsigned char *h, uint64_t base)
{
	put32(h, SIM_WAL_MAGIC);
	put32(h + 4, SIM_WAL_VERSION);
	put64(h + 8, base);
	put32(h + 16, 0);
	put32(h + 20, ot_crc32c(0, h, 20));
}

/* Writes zeros over [from, to) of the wal. Returns 0 or -errno; *done: bytes zeroed. */
static int write_zeros(int fd, uint64_t from, uint64_t to, uint64_t *done)
{
	static const unsigned char zeros[65536];
	int r = 0;

	*done = 0;
	while (r == 0 && from + *done < to) {
		uint64_t k = to - from - *done;

		r = pwrite_all(fd, zeros, k < sizeof(zeros) ? (size_t)k : sizeof(zeros),
			       from + *done);
		if (r == 0)
			*done += k < sizeof(zeros) ? k : sizeof(zeros);
	}
	return r;
}

/* After records were written up to end: when they went past the file's end, the file is padded
 * with written zeros (never fallocate: unwritten extents need a journal commit at every sync)
 * a little further, up to SIM_STORE_WAL_PREALLOC, so that the next records overwrite blocks
 * that exist. A failure only means less room: the next record extends the file again. */
static void grow_wal(struct sim_store *s, uint64_t end)
{
	uint64_t grow, target, done;

	if (end <= s->file_size)
		return;
	s->file_size = end;
	grow = end < SIM_STORE_WAL_GROW_MIN ? SIM_STORE_WAL_GROW_MIN
	       : end > SIM_STORE_WAL_GROW_MAX ? SIM_STORE_WAL_GROW_MAX
					      : end;
	target = ((end + 4095) & ~(uint64_t)4095) + grow;
	if (target > SIM_STORE_WAL_PREALLOC)
		target = SIM_STORE_WAL_PREALLOC;
	if (target <= end)
		return;
	write_zeros(s->wal_fd, end, target, &done);
	s->file_size = end + done;
}

/* ---- mappings ----------------------------------------------------------------------------- */

static int map_area(struct area *a, uint32_t size)
{
	void *m;

	if (a->fd >= 0)
		m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE, a->fd, 0);
	else
		m = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return -errno;
	a->mem = m;
	a->size = size;
	return 0;
}

static void unmap_area(struct area *a)
{
	if (a->mem != MAP_FAILED)
		munmap(a->mem, a->size);
	a->mem = MAP_FAILED;
}

/* ---- recovery ----------------------------------------------------------------------------- */

/* Applies the wal's complete records to the mapped areas. Returns 0, or -errno when the wal
 * cannot be read (a bad or torn tail is not an error: it was never acknowledged). */
static int replay(struct sim_store *s)
{
	struct stat st;
	const unsigned char *w, *h;
	uint64_t size, off, seq;
	unsigned replayed = 0;
	void *m;

	if (fstat(s->wal_fd, &st) < 0)
		return -errno;
	size = (uint64_t)st.st_size;
	if (size < SIM_WAL_HEADER_SIZE)
		return 0;
	m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, s->wal_fd, 0);
	if (m == MAP_FAILED)
		return -errno;
	w = m;
	if (get32(w) != SIM_WAL_MAGIC || get32(w + 4) != SIM_WAL_VERSION ||
	    get32(w + 20) != ot_crc32c(0, w, 20)) {
		munmap(m, size);
		return 0;
	}
	seq = get64(w + 8);
	for (off = SIM_WAL_HEADER_SIZE; size - off >= SIM_REC_HEADER_SIZE; seq++) {
		uint32_t len, id, crc;

		h = w + off;
		len = get32(h + 4);
		id = get32(h + 8);
		if (get32(h) != SIM_REC_MAGIC || get64(h + 12) != seq ||
		    len > size - off - SIM_REC_HEADER_SIZE)
			break;
		crc = ot_crc32c(0, h, 20);
		crc = ot_crc32c(crc, h + SIM_REC_HEADER_SIZE, len);
		if (crc != get32(h + 20))
			break;
		if (id < s->n) {
			struct area *a = &s->areas[id];

			if (len > a->size)
				break;
			ot_copy(a->mem, h + SIM_REC_HEADER_SIZE, len);
			if (len > a->dirty)
				a->dirty = len;
		}
		/* A record of an area that is no longer configured: that area is gone. */
		off += SIM_REC_HEADER_SIZE + (uint64_t)len;
		replayed++;
	}
	munmap(m, size);
	if (replayed)
		ot_log(OT_LOG_INFO, "sim", "phone '%s': replayed %u journal record(s)", s->name,
		       replayed);
	return 0;
}

/* ---- open / close ------------------------------------------------------------------------- */

static int checkpoint(struct sim_store *s, int force);

static void release(struct sim_store *s)
{
	uint32_t i;

	if (s->areas) {
		for (i = 0; i < s->n; i++) {
			unmap_area(&s->areas[i]);
			if (s->areas[i].fd >= 0)
				close(s->areas[i].fd);
		}
	}
	if (s->wal_fd >= 0)
		close(s->wal_fd);
	if (s->lock_fd >= 0)
		close(s->lock_fd); /* drops the flock */
	if (s->dir_fd >= 0)
		close(s->dir_fd);
	if (s->lock_init)
		pthread_rwlock_destroy(&s->lock);
	ot_free(s->areas);
	ot_free(s->name);
	ot_free(s);
}

static int open_files(struct sim_store *s, const struct sim_store_params *p)
{
	int created = 0, r;
	uint32_t i;
	char fname[32];

	r = open_phone_dir(p->state_dir, p->name, &created);
	if (r < 0)
		return r;
	s->dir_fd = r;
	r = open_in(s->dir_fd, "lock", &created);
	if (r < 0)
		return r;
	s->lock_fd = r;
	while (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EINTR)
			return errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;
	}
	r = open_in(s->dir_fd, "wal", &created);
	if (r < 0)
		return r;
	s->wal_fd = r;

	for (i = 0; i < s->n; i++) {
		struct area *a = &s->areas[i];
		struct stat st;
		uint32_t disk;

		snprintf(fname, sizeof(fname), "area-%u", i);
		r = open_in(s->dir_fd, fname, &created);
		if (r < 0)
			return r;
		a->fd = r;
		if (fstat(a->fd, &st) < 0)
			return -errno;
		if (st.st_size > 0 && (uint64_t)st.st_size <= SIM_STORE_MAX_AREA_SIZE) {
			disk = (uint32_t)st.st_size; /* replay against what is on disk, resize later */
		} else {
			disk = p->area_sizes[i];
			if (ftruncate(a->fd, (off_t)disk) < 0)
				return -errno;
		}
		r = map_area(a, disk);
		if (r < 0)
			return r;
	}
	/* A save that a crash interrupted: the state file itself is whole (old or new). */
	if (unlinkat(s->dir_fd, "state.tmp", 0) == 0)
		created = 1;
	else if (errno != ENOENT)
		return -errno;
	if (created && fsync(s->dir_fd) < 0)
		return -errno;
	return 0;
}

/* Brings area i to its configured size (after recovery, so that the wal was replayed against
 * the size its records were written for). */
static int resize_area(struct sim_store *s, uint32_t i, uint32_t size)
{
	struct area *a = &s->areas[i];
	int r;

	if (a->size == size)
		return 0;
	ot_log(OT_LOG_INFO, "sim", "phone '%s': data area %u resized from %u to %u bytes", s->name,
	       i, a->size, size);
	unmap_area(a);
	if (ftruncate(a->fd, (off_t)size) < 0)
		return -errno;
	r = datasync(a->fd);
	if (r < 0)
		return r;
	return map_area(a, size);
}

/* Area files beyond the configured count belong to areas that no longer exist. */
static int remove_stale_areas(struct sim_store *s)
{
	char fname[32];
	uint32_t i;
	int removed = 0;

	for (i = s->n; i < SIM_STORE_MAX_AREAS; i++) {
		snprintf(fname, sizeof(fname), "area-%u", i);
		if (unlinkat(s->dir_fd, fname, 0) == 0)
			removed = 1;
		else if (errno != ENOENT)
			return -errno;
	}
	if (removed && fsync(s->dir_fd) < 0)
		return -errno;
	return 0;
}

int sim_store_open(const struct sim_store_params *p, struct sim_store **out)
{
	struct sim_store *s;
	pthread_rwlockattr_t attr;
	uint32_t i;
	int r;

	*out = NULL;
	if (!p || !p->name || p->num_areas > SIM_STORE_MAX_AREAS || (p->num_areas && !p->area_sizes))
		return -EINVAL;
	for (i = 0; i < p->num_areas; i++)
		if (p->area_sizes[i] == 0 || p->area_sizes[i] > SIM_STORE_MAX_AREA_SIZE)
			return -EINVAL;
	if (p->durable && (p->num_areas || p->has_state) && (!p->state_dir || !*p->state_dir))
		return -EINVAL;

	s = ot_calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->dir_fd = s->lock_fd = s->wal_fd = -1;
	s->n = p->num_areas;
	s->durable = p->durable && (p->num_areas > 0 || p->has_state);
	s->checkpoint_at = SIM_STORE_CHECKPOINT_BYTES;
	s->name = ot_strdup(p->name);
	s->areas = ot_calloc(s->n ? s->n : 1, sizeof(*s->areas));
	if (!s->name || !s->areas) {
		release(s);
		return -ENOMEM;
	}
	for (i = 0; i < s->n; i++) {
		s->areas[i].fd = -1;
		s->areas[i].mem = MAP_FAILED;
	}
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	r = -pthread_rwlock_init(&s->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	if (r < 0) {
		release(s);
		return r;
	}
	s->lock_init = 1;

	if (!s->durable) {
		for (i = 0; i < s->n; i++) {
			r = map_area(&s->areas[i], p->area_sizes[i]);
			if (r < 0) {
				release(s);
				return r;
			}
		}
		*out = s;
		return 0;
	}

	r = open_files(s, p);
	if (r == 0)
		r = replay(s);
	if (r == 0) {
		struct stat st;

		/* Always start from a wal without records: recovery ends with a checkpoint. */
		if (fstat(s->wal_fd, &st) < 0)
			r = -errno;
		else
			s->wal_len = s->wal_synced = s->file_size = (uint64_t)st.st_size;
	}
	if (r == 0 && s->wal_len > 0)
		r = checkpoint(s, 1);
	for (i = 0; r == 0 && i < s->n; i++)
		r = resize_area(s, i, p->area_sizes[i]);
	if (r == 0)
		r = remove_stale_areas(s);
	if (r < 0) {
		if (r != -EWOULDBLOCK)
			ot_log(OT_LOG_ERROR, "sim", "phone '%s': cannot open its state: %s", p->name,
			       strerror(-r));
		release(s);
		return r;
	}
	s->logged_errno = 0;
	*out = s;
	return 0;
}

void sim_store_close(struct sim_store *s)
{
	uint32_t i;
	int dirty = 0;

	if (!s)
		return;
	if (s->durable && !s->broken) {
		for (i = 0; i < s->n; i++)
			dirty |= s->areas[i].dirty > 0;
		if (dirty || s->wal_len > SIM_WAL_HEADER_SIZE)
			sim_store_checkpoint(s); /* logs on failure; the wal keeps everything */
	}
	release(s);
}

/* ---- accessors ---------------------------------------------------------------------------- */

uint32_t sim_store_num_areas(const struct sim_store *s)
{
	return s->n;
}

uint32_t sim_store_area_size(const struct sim_store *s, uint32_t area)
{
	return area < s->n ? s->areas[area].size : 0;
}

int sim_store_is_durable(const struct sim_store *s)
{
	return s->durable;
}

uint64_t sim_store_wal_size(const struct sim_store *s)
{
	return s->wal_len > SIM_WAL_HEADER_SIZE ? s->wal_len : 0;
}

long sim_store_read(struct sim_store *s, uint32_t area, void *buf, size_t len)
{
	struct area *a;

	if (area >= s->n)
		return -EINVAL;
	a = &s->areas[area];
	if (len > a->size)
		len = a->size;
	if (len) {
		pthread_rwlock_rdlock(&s->lock);
		ot_copy(buf, a->mem, len);
		pthread_rwlock_unlock(&s->lock);
	}
	return (long)len;
}

/* ---- writing ------------------------------------------------------------------------------ */

#define CHUNK 64 /* records per pwritev: 2 iovecs each, plus the wal header */

/* Cuts the wal back to len after a failed write: [len, end) -- what the failed attempt wrote --
 * is overwritten with zeros, so that no record of it can ever follow a later record of the same
 * sequence number. A failure here leaves records that later ones would be stranded behind (or
 * followed by), so the store stops accepting writes. */
static void cut_back(struct sim_store *s, uint64_t len, uint64_t end, int sync)
{
	uint64_t done;
	int r;

	if (end > s->file_size)
		s->file_size = end;
	r = write_zeros(s->wal_fd, len, end, &done);
	if (r == 0 && sync)
		r = datasync(s->wal_fd);
	if (r < 0) {
		s->broken = 1;
		ot_log(OT_LOG_ERROR, "sim",
		       "phone '%s': cannot cut its journal back after a failed write: %s (errno %d); "
		       "further writes fail until the phone is reopened",
		       s->name, strerror(-r), -r);
	}
	s->wal_len = len;
}

size_t sim_store_append(struct sim_store *s, const struct sim_store_write *w, size_t n, int *err)
{
	unsigned char hdr[CHUNK][SIM_REC_HEADER_SIZE];
	unsigned char walhdr[SIM_WAL_HEADER_SIZE];
	struct iovec iov[2 * CHUNK + 1];
	size_t valid, done = 0, i;

	*err = 0;
	for (valid = 0; valid < n; valid++)
		if (w[valid].area >= s->n || w[valid].len > s->areas[w[valid].area].size ||
		    (w[valid].len && !w[valid].data))
			break;
	if (valid < n)
		*err = -EINVAL;
	if (!s->durable)
		return valid;
	if (s->broken && valid) {
		*err = -EIO;
		return 0;
	}

	while (done < valid) {
		size_t cnt = valid - done < CHUNK ? valid - done : CHUNK;
		uint64_t start = s->wal_len, total = 0, written, keep;
		int nio = 0, e;
		size_t complete = 0;
		uint32_t head = 0;

		if (start == 0) {
			/* A new wal generation in an empty file (a reused file gets its header at
			 * the checkpoint): a fresh random base makes records of an earlier
			 * generation that a crash might expose fail the sequence check. */
			s->next_seq = s->seq_synced = random_u64();
			put_wal_header(walhdr, s->next_seq);
			iov[nio].iov_base = walhdr;
			iov[nio++].iov_len = SIM_WAL_HEADER_SIZE;
			head = SIM_WAL_HEADER_SIZE;
			total += SIM_WAL_HEADER_SIZE;
		}
		for (i = 0; i < cnt; i++) {
			const struct sim_store_write *x = &w[done + i];
			uint32_t crc;

			put32(hdr[i], SIM_REC_MAGIC);
			put32(hdr[i] + 4, x->len);
			put32(hdr[i] + 8, x->area);
			put64(hdr[i] + 12, s->next_seq + i);
			crc = ot_crc32c(0, hdr[i], 20);
			put32(hdr[i] + 20, ot_crc32c(crc, x->data, x->len));
			iov[nio].iov_base = hdr[i];
			iov[nio++].iov_len = SIM_REC_HEADER_SIZE;
			if (x->len) {
				iov[nio].iov_base = (void *)x->data;
				iov[nio++].iov_len = x->len;
			}
			total += SIM_REC_HEADER_SIZE + (uint64_t)x->len;
		}
		written = pwritev_all(s->wal_fd, iov, nio, start, &e);
		if (e == 0) {
			grow_wal(s, start + total);
			s->wal_len = start + total;
			s->next_seq += cnt;
			done += cnt;
			continue;
		}
		/* Keep the records that made it whole; cut off the torn one. */
		keep = start;
		if (written >= head) {
			keep += head;
			for (i = 0; i < cnt; i++) {
				uint64_t rec = SIM_REC_HEADER_SIZE + (uint64_t)w[done + i].len;

				if (keep + rec > start + written)
					break;
				keep += rec;
				complete++;
			}
		}
		if (keep == head + start && head)
			keep = start; /* a header without records is just noise */
		cut_back(s, keep, start + written, 0);
		s->next_seq += complete;
		done += complete;
		*err = e;
		log_failure(s, "cannot append to its journal; the write fails and the data area keeps "
			       "its old content", -e);
		return done;
	}
	return done;
}

int sim_store_sync(struct sim_store *s)
{
	int r;

	if (!s->durable || s->wal_len == s->wal_synced)
		return 0;
	r = datasync(s->wal_fd);
	if (r == 0) {
		s->wal_synced = s->wal_len;
		s->seq_synced = s->next_seq;
		s->logged_errno = 0;
		return 0;
	}
	log_failure(s, "cannot sync its journal; the writes fail and the data areas keep their old "
		       "content", -r);
	/* Those records are whole and valid: the cut must be durable, or a crash could bring back
	 * writes that were reported as failed. */
	cut_back(s, s->wal_synced, s->wal_len, 1);
	s->next_seq = s->seq_synced;
	return r;
}

void sim_store_apply(struct sim_store *s, const struct sim_store_write *w)
{
	struct area *a = &s->areas[w->area];

	if (!w->len)
		return;
	pthread_rwlock_wrlock(&s->lock);
	ot_copy(a->mem, w->data, w->len);
	pthread_rwlock_unlock(&s->lock);
	if (s->durable && w->len > a->dirty)
		a->dirty = w->len;
}

int sim_store_write(struct sim_store *s, uint32_t area, const void *data, uint32_t len)
{
	struct sim_store_write w = { area, len, data };
	int err;

	if (sim_store_append(s, &w, 1, &err) != 1)
		return err;
	err = sim_store_sync(s);
	if (err < 0)
		return err;
	sim_store_apply(s, &w);
	return 0;
}

/* ---- checkpoints -------------------------------------------------------------------------- */

/* Starts a new wal generation in the same file, the areas holding everything the wal holds:
 * a header with a fresh random base is written over the old one and made durable BEFORE any
 * record of the new generation overwrites a record of the old one. (Were the old header still on
 * disk with some of its records overwritten, a crash would replay a prefix of the old generation
 * over newer area content.) From then on the old records fail the sequence check. The records
 * go from the start again, over the old ones: every commit is an overwrite of existing blocks.
 * When the header cannot be made durable the file is emptied instead (the next record writes a
 * header first, as in a new file); when that fails too, the store is broken. */
static int reset_wal(struct sim_store *s)
{
	unsigned char h[SIM_WAL_HEADER_SIZE];
	uint64_t base = random_u64();
	int r = -EIO;

	if (s->file_size >= SIM_WAL_HEADER_SIZE) {
		put_wal_header(h, base);
		r = pwrite_all(s->wal_fd, h, sizeof(h), 0);
		if (r == 0)
			r = datasync(s->wal_fd);
	}
	if (r == 0) {
		s->wal_len = s->wal_synced = SIM_WAL_HEADER_SIZE;
		s->next_seq = s->seq_synced = base;
		/* A wal that a large record stretched goes back to the preallocated size (the
		 * part cut off holds only records of the old generation). */
		if (s->file_size > SIM_STORE_WAL_PREALLOC &&
		    ftruncate(s->wal_fd, (off_t)SIM_STORE_WAL_PREALLOC) == 0)
			s->file_size = SIM_STORE_WAL_PREALLOC;
		return 0;
	}
	while (ftruncate(s->wal_fd, 0) < 0) {
		if (errno != EINTR) {
			r = -errno;
			s->broken = 1;
			ot_log(OT_LOG_ERROR, "sim",
			       "phone '%s': cannot restart its journal: %s (errno %d); further "
			       "writes fail until the phone is reopened",
			       s->name, strerror(-r), -r);
			return r;
		}
	}
	/* Empty now whatever the sync below says: the next record writes a header at offset 0.
	 * Until the truncation is durable a crash replays the old wal (or nothing, should the new
	 * header have reached the disk), which is harmless: the areas hold its result. */
	s->wal_len = s->wal_synced = s->file_size = 0;
	r = datasync(s->wal_fd);
	if (r < 0)
		log_failure(s, "cannot sync its emptied journal", -r);
	return 0;
}

/* force: start a new wal generation even when the wal holds no record (at open). */
static int checkpoint(struct sim_store *s, int force)
{
	uint32_t i;
	int r = 0;

	if (!s->durable)
		return 0;
	if (s->broken)
		return -EIO;
	/* Unsynced records cannot be folded in; the caller syncs first. */
	if (s->wal_len != s->wal_synced) {
		r = sim_store_sync(s);
		if (r < 0)
			return r;
	}
	for (i = 0; r == 0 && i < s->n; i++) {
		struct area *a = &s->areas[i];

		if (a->dirty)
			r = pwrite_all(a->fd, a->mem, a->dirty, 0);
	}
	for (i = 0; r == 0 && i < s->n; i++)
		if (s->areas[i].dirty)
			r = datasync(s->areas[i].fd);
	if (r == 0 && (force || s->wal_len > SIM_WAL_HEADER_SIZE))
		r = reset_wal(s); /* the areas hold everything the wal holds */
	if (r < 0) {
		s->checkpoint_at = s->wal_len + SIM_STORE_CHECKPOINT_BYTES;
		log_failure(s, "checkpoint failed; the journal keeps the writes", -r);
		return r;
	}
	for (i = 0; i < s->n; i++)
		s->areas[i].dirty = 0;
	s->checkpoint_at = SIM_STORE_CHECKPOINT_BYTES;
	return 0;
}

int sim_store_checkpoint(struct sim_store *s)
{
	return checkpoint(s, 0);
}

int sim_store_maybe_checkpoint(struct sim_store *s)
{
	if (!s->durable || s->wal_len < s->checkpoint_at)
		return 0;
	return sim_store_checkpoint(s);
}

/* ---- the state file ---------------------------------------------------------------------- */

int sim_store_save_state(struct sim_store *s, const void *payload, size_t len)
{
	unsigned char h[SIM_STATE_HEADER_SIZE];
	struct iovec iov[2];
	int fd, r = 0, renamed = 0;
	uint32_t crc;

	if (!s->durable)
		return 0;
	if (len > SIM_STATE_MAX_PAYLOAD || (len && !payload))
		return -EINVAL;
	put32(h, SIM_STATE_MAGIC);
	put32(h + 4, SIM_STATE_FILE_VERSION);
	put32(h + 8, (uint32_t)len);
	crc = ot_crc32c(0, h, 12);
	put32(h + 12, ot_crc32c(crc, payload, len));
	iov[0].iov_base = h;
	iov[0].iov_len = sizeof(h);
	iov[1].iov_base = (void *)payload;
	iov[1].iov_len = len;

	fd = openat(s->dir_fd, "state.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
	} else {
		pwritev_all(fd, iov, len ? 2 : 1, 0, &r);
		if (r == 0)
			r = datasync(fd);
		if (close(fd) < 0 && r == 0 && errno != EINTR)
			r = -errno;
	}
	if (r == 0) {
		if (renameat(s->dir_fd, "state.tmp", s->dir_fd, "state") < 0)
			r = -errno;
		else
			renamed = 1;
	}
	if (r == 0 && fsync(s->dir_fd) < 0)
		r = -errno;
	if (r < 0) {
		if (!renamed)
			unlinkat(s->dir_fd, "state.tmp", 0);
		log_failure(s, renamed ? "cannot sync its directory after saving its state"
				       : "cannot save its state; the change fails",
			    -r);
		return r;
	}
	s->logged_errno = 0;
	return 0;
}

int sim_store_load_state(struct sim_store *s, void **payload, size_t *len)
{
	unsigned char *buf;
	struct stat st;
	uint64_t size, got = 0;
	uint32_t n = 0;
	int fd, r = 0;

	*payload = NULL;
	*len = 0;
	if (!s->durable)
		return 0;
	fd = openat(s->dir_fd, "state", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	size = (uint64_t)st.st_size;
	if (size < SIM_STATE_HEADER_SIZE || size > SIM_STATE_HEADER_SIZE + SIM_STATE_MAX_PAYLOAD) {
		close(fd);
		return -EINVAL;
	}
	buf = ot_malloc((size_t)size);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < size) {
		ssize_t k = pread(fd, buf + got, (size_t)(size - got), (off_t)got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			r = k < 0 ? -errno : -EINVAL; /* shorter than it was a moment ago */
			break;
		}
		got += (uint64_t)k;
	}
	close(fd);
	if (r == 0) {
		n = get32(buf + 8);
		if (get32(buf) != SIM_STATE_MAGIC || get32(buf + 4) != SIM_STATE_FILE_VERSION ||
		    n != size - SIM_STATE_HEADER_SIZE ||
		    get32(buf + 12) != ot_crc32c(ot_crc32c(0, buf, 12), buf + 16, n))
			r = -EINVAL;
	}
	if (r < 0) {
		ot_free(buf);
		return r;
	}
	memmove(buf, buf + SIM_STATE_HEADER_SIZE, n);
	*payload = buf;
	*len = n;
	return 0;
}
