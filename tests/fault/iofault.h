/* SPDX-License-Identifier: MIT */
/* iofault.h — the I/O fault layer of the tests (tests/fault/iofault.c).
 *
 * The same code is built twice: as iofault.so, which a test puts in LD_PRELOAD of the tapisrv it
 * starts, and as a static library linked into a test executable, whose definitions of recv,
 * sendmsg, … then take the place of libc's for libopentapi in that process. Neither is
 * installed; without the variables below neither does anything but pass each call on.
 *
 * Sockets (any descriptor that is a socket):
 *   OT_IOFAULT=short,eintr   short: every call moves at most 1 … OT_IOFAULT_SHORT_MAX (7) bytes;
 *                            eintr: every OT_IOFAULT_EINTR_EVERY-th (3) call fails with EINTR
 *                            before doing anything. Deterministic for one OT_IOFAULT_SEED (1).
 * Files (descriptors whose /proc/self/fd path starts with OT_IOFAULT_PATH):
 *   OT_IOFAULT_FILE=enospc   a write past the file's current size writes what fits below it,
 *                            then fails with ENOSPC (a full disk: overwrites of existing bytes
 *                            still work; holes of sparse files are not modelled)
 *   OT_IOFAULT_FILE=eio      every write fails with EIO
 *   OT_IOFAULT_FILE=eio-sync every fsync / fdatasync fails with EIO
 *   OT_IOFAULT_AFTER=N       the first N calls that could fail go through
 *   OT_IOFAULT_SWITCH=FILE   file faults only while FILE exists (the test turns them on and off)
 * At exit a process with any of these set prints one line to stderr:
 *   "iofault: pid P: S short, E eintr, F file faults"
 */
#ifndef OT_TEST_IOFAULT_H
#define OT_TEST_IOFAULT_H

struct iofault_stats {
	long shortened, eintr, file_faults;
};

/* For the static build: (re)configures the socket faults of this process; spec as OT_IOFAULT
 * ("" or NULL: none), with the given seed. Returns 0, or -1 for an unknown word. */
int iofault_configure_sockets(const char *spec, unsigned long seed);
/* What has been injected in this process so far. */
struct iofault_stats iofault_get_stats(void);

#endif
