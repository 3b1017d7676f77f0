/* SPDX-License-Identifier: MIT */
/* iofault.c — see iofault.h. Test code only: never installed, never linked into a product.
 *
 * Every wrapper finds the real function with dlsym(RTLD_NEXT) (libc's, or a sanitizer's
 * interceptor in front of it) and calls it, after deciding whether this call gets a fault. The
 * decision needs the descriptor's kind (fstat) and, for file faults, its path (/proc/self/fd);
 * neither of those calls is wrapped here, so nothing recurses.
 */
#undef _FILE_OFFSET_BITS /* pwrite and pwrite64 are defined below, each under its own name */
#define _GNU_SOURCE
#include "iofault.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

enum file_mode { FILE_NONE, FILE_ENOSPC, FILE_EIO, FILE_EIO_SYNC };

static struct {
	atomic_int shorten, eintr; /* socket faults (may be changed at run time) */
	atomic_ulong seed;
	unsigned eintr_every, short_max;
	enum file_mode file;
	char path[PATH_MAX];
	size_t path_len;
	long after;
	char switch_file[PATH_MAX];
	int report; /* anything configured from the environment: print the totals at exit */
} cfg;

static atomic_long socket_calls, file_calls;
static atomic_long n_short, n_eintr, n_file;

static struct {
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*readv)(int, const struct iovec *, int);
	ssize_t (*writev)(int, const struct iovec *, int);
	ssize_t (*recv)(int, void *, size_t, int);
	ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
	ssize_t (*recvmsg)(int, struct msghdr *, int);
	ssize_t (*send)(int, const void *, size_t, int);
	ssize_t (*sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	ssize_t (*pwrite64)(int, const void *, size_t, off64_t);
	ssize_t (*pwritev64)(int, const struct iovec *, int, off64_t);
	int (*fsync)(int);
	int (*fdatasync)(int);
} real;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* ---- configuration -------------------------------------------------------------------------- */

static int parse_socket_spec(const char *spec, int *shorten, int *eintr)
{
	char buf[64], *word, *save;

	*shorten = *eintr = 0;
	if (!spec || !*spec)
		return 0;
	if (strlen(spec) >= sizeof(buf))
		return -1;
	strcpy(buf, spec);
	for (word = strtok_r(buf, ",", &save); word; word = strtok_r(NULL, ",", &save)) {
		if (!strcmp(word, "short"))
			*shorten = 1;
		else if (!strcmp(word, "eintr"))
			*eintr = 1;
		else
			return -1;
	}
	return 0;
}

static unsigned long env_ulong(const char *name, unsigned long dflt, unsigned long min)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return dflt;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || *end || n < min) {
		fprintf(stderr, "iofault: %s=%s is not a number >= %lu; using %lu\n", name, v, min,
			dflt);
		return dflt;
	}
	return n;
}

static void copy_env_path(const char *name, char *dst, size_t size)
{
	const char *v = getenv(name);

	if (v && strlen(v) < size)
		strcpy(dst, v);
	else if (v)
		fprintf(stderr, "iofault: %s is too long; ignored\n", name);
}

static void read_file_config(void)
{
	const char *mode = getenv("OT_IOFAULT_FILE");

	if (!mode || !*mode)
		return;
	if (!strcmp(mode, "enospc"))
		cfg.file = FILE_ENOSPC;
	else if (!strcmp(mode, "eio"))
		cfg.file = FILE_EIO;
	else if (!strcmp(mode, "eio-sync"))
		cfg.file = FILE_EIO_SYNC;
	else
		fprintf(stderr, "iofault: OT_IOFAULT_FILE=%s: expected enospc, eio or eio-sync\n",
			mode);
	copy_env_path("OT_IOFAULT_PATH", cfg.path, sizeof(cfg.path));
	cfg.path_len = strlen(cfg.path);
	if (cfg.file != FILE_NONE && !cfg.path_len) {
		fprintf(stderr, "iofault: OT_IOFAULT_FILE needs OT_IOFAULT_PATH; no file faults\n");
		cfg.file = FILE_NONE;
	}
	cfg.after = (long)env_ulong("OT_IOFAULT_AFTER", 0, 0);
	copy_env_path("OT_IOFAULT_SWITCH", cfg.switch_file, sizeof(cfg.switch_file));
	cfg.report = 1;
}

#define RESOLVE(name) real.name = (__typeof__(real.name))dlsym(RTLD_NEXT, #name)

static void init(void)
{
	int shorten, eintr;
	const char *spec = getenv("OT_IOFAULT");

	RESOLVE(read);
	RESOLVE(write);
	RESOLVE(readv);
	RESOLVE(writev);
	RESOLVE(recv);
	RESOLVE(recvfrom);
	RESOLVE(recvmsg);
	RESOLVE(send);
	RESOLVE(sendto);
	RESOLVE(sendmsg);
	RESOLVE(pwrite64);
	RESOLVE(pwritev64);
	RESOLVE(fsync);
	RESOLVE(fdatasync);
	cfg.eintr_every = (unsigned)env_ulong("OT_IOFAULT_EINTR_EVERY", 3, 2);
	cfg.short_max = (unsigned)env_ulong("OT_IOFAULT_SHORT_MAX", 7, 1);
	atomic_store(&cfg.seed, env_ulong("OT_IOFAULT_SEED", 1, 0));
	if (parse_socket_spec(spec, &shorten, &eintr) < 0)
		fprintf(stderr, "iofault: OT_IOFAULT=%s: expected short and/or eintr\n", spec);
	atomic_store(&cfg.shorten, shorten);
	atomic_store(&cfg.eintr, eintr);
	cfg.report = shorten || eintr;
	read_file_config();
}

static void ensure_init(void)
{
	pthread_once(&init_once, init);
}

__attribute__((constructor)) static void iofault_load(void)
{
	ensure_init();
}

__attribute__((destructor)) static void iofault_unload(void)
{
	if (cfg.report)
		fprintf(stderr, "iofault: pid %ld: %ld short, %ld eintr, %ld file faults\n",
			(long)getpid(), atomic_load(&n_short), atomic_load(&n_eintr),
			atomic_load(&n_file));
}

EXPORT int iofault_configure_sockets(const char *spec, unsigned long seed)
{
	int shorten, eintr;

	ensure_init();
	if (parse_socket_spec(spec, &shorten, &eintr) < 0)
		return -1;
	atomic_store(&cfg.seed, seed);
	atomic_store(&socket_calls, 0);
	atomic_store(&cfg.shorten, shorten);
	atomic_store(&cfg.eintr, eintr);
	return 0;
}

EXPORT struct iofault_stats iofault_get_stats(void)
{
	struct iofault_stats s = { atomic_load(&n_short), atomic_load(&n_eintr),
				   atomic_load(&n_file) };

	return s;
}

/* ---- socket faults -------------------------------------------------------------------------- */

/* splitmix64 of the call's number: the same sequence of limits for the same seed, whatever
 * thread makes the call. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static int is_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* Decides a socket call's fate: -1 (fail it with EINTR), or 0 with the most bytes it may move
 * in *limit (SIZE_MAX: no limit). */
static int socket_decision(size_t *limit)
{
	long n;

	*limit = SIZE_MAX;
	n = atomic_fetch_add(&socket_calls, 1) + 1;
	if (atomic_load(&cfg.eintr) && n % cfg.eintr_every == 0) {
		atomic_fetch_add(&n_eintr, 1);
		return -1;
	}
	if (atomic_load(&cfg.shorten))
		*limit = 1 + (size_t)(mix(atomic_load(&cfg.seed) ^ ((uint64_t)n << 20)) %
				      cfg.short_max);
	return 0;
}

/* The fate of a call on fd: 0 (go ahead, moving at most *limit bytes) or -1 (EINTR set). */
static int socket_fault(int fd, size_t *limit, int known_socket)
{
	ensure_init();
	*limit = SIZE_MAX;
	if (!atomic_load(&cfg.shorten) && !atomic_load(&cfg.eintr))
		return 0;
	if (!known_socket && !is_socket(fd))
		return 0;
	if (socket_decision(limit) < 0) {
		errno = EINTR;
		return -1;
	}
	return 0;
}

static size_t cap(size_t len, size_t limit)
{
	if (len > limit) {
		atomic_fetch_add(&n_short, 1);
		return limit;
	}
	return len;
}

static size_t iov_total(const struct iovec *iov, int cnt)
{
	size_t t = 0;
	int i;

	for (i = 0; i < cnt; i++)
		t += iov[i].iov_len;
	return t;
}

/* Copies iov into out (at most IOV_MAX entries), cut so that it holds at most limit bytes.
 * Returns the new count; *shortened says whether anything was cut. */
static int cut_iov(const struct iovec *iov, int cnt, size_t limit, struct iovec *out,
		   int *shortened)
{
	int i, n = 0;

	*shortened = 0;
	for (i = 0; i < cnt && i < IOV_MAX; i++) {
		out[n] = iov[i];
		if (out[n].iov_len >= limit) {
			*shortened = out[n].iov_len > limit || i + 1 < cnt;
			out[n].iov_len = limit;
			return n + 1;
		}
		limit -= out[n].iov_len;
		n++;
	}
	return n;
}

/* ---- file faults ---------------------------------------------------------------------------- */

static int under_path(int fd)
{
	char link[64], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0 || (size_t)n < cfg.path_len)
		return 0;
	target[n] = '\0';
	return !strncmp(target, cfg.path, cfg.path_len) &&
	       (target[cfg.path_len] == '\0' || target[cfg.path_len] == '/' ||
		cfg.path[cfg.path_len - 1] == '/');
}

/* Whether a call of this kind (a write, or a sync) on fd is one that gets the configured fault. */
static int file_fault_applies(int fd, int is_sync)
{
	ensure_init();
	if (cfg.file == FILE_NONE || (cfg.file == FILE_EIO_SYNC) != is_sync)
		return 0;
	if (cfg.switch_file[0] && access(cfg.switch_file, F_OK) != 0)
		return 0;
	if (!under_path(fd))
		return 0;
	return atomic_fetch_add(&file_calls, 1) >= cfg.after;
}

static ssize_t fail(int err)
{
	atomic_fetch_add(&n_file, 1);
	errno = err;
	return -1;
}

/* For a write of len bytes at off under a fault: how many bytes may really be written (the
 * rest fails). -1: the call fails at once (errno set). */
static ssize_t file_write_allowance(int fd, off64_t off, size_t len)
{
	struct stat st;

	if (cfg.file == FILE_EIO)
		return fail(EIO);
	if (fstat(fd, &st) < 0)
		return -1;
	if ((uint64_t)off + len <= (uint64_t)st.st_size)
		return (ssize_t)len; /* an overwrite needs no new blocks */
	if (off >= st.st_size)
		return fail(ENOSPC);
	atomic_fetch_add(&n_file, 1); /* the part that fits goes through: a short write */
	return (ssize_t)(st.st_size - off);
}

static ssize_t faulty_pwritev(int fd, const struct iovec *iov, int cnt, off64_t off)
{
	struct iovec cut[IOV_MAX];
	ssize_t allow = file_write_allowance(fd, off, iov_total(iov, cnt));
	int shortened;

	if (allow < 0)
		return -1;
	cnt = cut_iov(iov, cnt, (size_t)allow, cut, &shortened);
	return real.pwritev64(fd, cut, cnt, off);
}

/* ---- the wrappers --------------------------------------------------------------------------- */

EXPORT ssize_t read(int fd, void *buf, size_t len)
{
	size_t limit;

	if (socket_fault(fd, &limit, 0) < 0)
		return -1;
	return real.read(fd, buf, cap(len, limit));
}

EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	size_t limit;

	if (socket_fault(fd, &limit, 1) < 0)
		return -1;
	return real.recv(fd, buf, cap(len, limit), flags);
}

EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
			socklen_t *alen)
{
	size_t limit;

	if (socket_fault(fd, &limit, 1) < 0)
		return -1;
	return real.recvfrom(fd, buf, cap(len, limit), flags, addr, alen);
}

/* readv/recvmsg/writev/sendmsg: the same call with a shortened copy of the iovec. */
static ssize_t vector_call(int fd, const struct msghdr *msg, int flags, int is_send, int known)
{
	struct iovec cut[IOV_MAX];
	struct msghdr m;
	size_t limit;
	int shortened;
	ssize_t n;

	if (socket_fault(fd, &limit, known) < 0)
		return -1;
	if (limit == SIZE_MAX || msg->msg_iovlen > IOV_MAX)
		return is_send ? real.sendmsg(fd, msg, flags)
			       : real.recvmsg(fd, (struct msghdr *)msg, flags);
	m = *msg;
	m.msg_iov = cut;
	m.msg_iovlen = (size_t)cut_iov(msg->msg_iov, (int)msg->msg_iovlen, limit, cut, &shortened);
	if (shortened)
		atomic_fetch_add(&n_short, 1);
	if (is_send)
		return real.sendmsg(fd, &m, flags);
	n = real.recvmsg(fd, &m, flags);
	/* What the kernel reports back goes to the caller's header. */
	((struct msghdr *)msg)->msg_namelen = m.msg_namelen;
	((struct msghdr *)msg)->msg_controllen = m.msg_controllen;
	((struct msghdr *)msg)->msg_flags = m.msg_flags;
	return n;
}

EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	ensure_init();
	return vector_call(fd, msg, flags, 0, 1);
}

EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	ensure_init();
	return vector_call(fd, msg, flags, 1, 1);
}

EXPORT ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	size_t limit;

	if (socket_fault(fd, &limit, 1) < 0)
		return -1;
	return real.send(fd, buf, cap(len, limit), flags);
}

EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags,
		      const struct sockaddr *addr, socklen_t alen)
{
	size_t limit;

	if (socket_fault(fd, &limit, 1) < 0)
		return -1;
	return real.sendto(fd, buf, cap(len, limit), flags, addr, alen);
}

EXPORT ssize_t readv(int fd, const struct iovec *iov, int cnt)
{
	struct iovec cut[IOV_MAX];
	size_t limit;
	int shortened;

	if (socket_fault(fd, &limit, 0) < 0)
		return -1;
	if (limit == SIZE_MAX || cnt > IOV_MAX || cnt < 0)
		return real.readv(fd, iov, cnt);
	cnt = cut_iov(iov, cnt, limit, cut, &shortened);
	if (shortened)
		atomic_fetch_add(&n_short, 1);
	return real.readv(fd, cut, cnt);
}

EXPORT ssize_t write(int fd, const void *buf, size_t len)
{
	size_t limit;

	if (socket_fault(fd, &limit, 0) < 0)
		return -1;
	if (limit == SIZE_MAX && file_fault_applies(fd, 0)) {
		off64_t off = lseek64(fd, 0, SEEK_CUR);
		ssize_t allow = off < 0 ? (ssize_t)len : file_write_allowance(fd, off, len);

		if (allow < 0)
			return -1;
		len = (size_t)allow;
	}
	return real.write(fd, buf, cap(len, limit));
}

EXPORT ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	struct iovec cut[IOV_MAX];
	size_t limit;
	int shortened;

	if (socket_fault(fd, &limit, 0) < 0)
		return -1;
	if (limit == SIZE_MAX && cnt >= 0 && cnt <= IOV_MAX && file_fault_applies(fd, 0)) {
		off64_t off = lseek64(fd, 0, SEEK_CUR);
		ssize_t allow = off < 0 ? (ssize_t)iov_total(iov, cnt)
					: file_write_allowance(fd, off, iov_total(iov, cnt));

		if (allow < 0)
			return -1;
		limit = (size_t)allow;
	}
	if (limit == SIZE_MAX || cnt > IOV_MAX || cnt < 0)
		return real.writev(fd, iov, cnt);
	cnt = cut_iov(iov, cnt, limit, cut, &shortened);
	return real.writev(fd, cut, cnt);
}

EXPORT ssize_t pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
	if (file_fault_applies(fd, 0)) {
		ssize_t allow = file_write_allowance(fd, off, len);

		if (allow < 0)
			return -1;
		len = (size_t)allow;
	}
	return real.pwrite64(fd, buf, len, off);
}

EXPORT ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return pwrite64(fd, buf, len, (off64_t)off);
}

EXPORT ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off64_t off)
{
	if (cnt >= 0 && cnt <= IOV_MAX && file_fault_applies(fd, 0))
		return faulty_pwritev(fd, iov, cnt, off);
	return real.pwritev64(fd, iov, cnt, off);
}

EXPORT ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	return pwritev64(fd, iov, cnt, (off64_t)off);
}

EXPORT int fsync(int fd)
{
	if (file_fault_applies(fd, 1))
		return (int)fail(EIO);
	return real.fsync(fd);
}

EXPORT int fdatasync(int fd)
{
	if (file_fault_applies(fd, 1))
		return (int)fail(EIO);
	return real.fdatasync(fd);
}
