/* SPDX-License-Identifier: MIT */
/* raw.h — the baselines: what the kernel alone costs for the same work.
 *
 * A peer process on the other end of an AF_UNIX SOCK_STREAM socket pair:
 *  - RAW_ECHO writes back whatever arrives, as much as one read returns in one write (a
 *    ping-pong, and pipelined messages with batched reads and writes);
 *  - RAW_SINK reads `size` bytes into a buffer, then answers with a 4-byte int (a bulk copy,
 *    "set data, get an int back").
 * And a file that is overwritten in place and made durable with fdatasync.
 */
#ifndef OT_BENCH_RAW_H
#define OT_BENCH_RAW_H

#include <stddef.h>
#include <sys/types.h>

enum raw_mode { RAW_ECHO, RAW_SINK };

struct raw_peer {
	pid_t pid;
	int fd; /* our end */
};

/* Forks the peer. 0 or -1. */
int raw_peer_start(struct raw_peer *p, enum raw_mode mode, size_t size);
void raw_peer_stop(struct raw_peer *p);

int raw_write_all(int fd, const void *buf, size_t len);
int raw_read_all(int fd, void *buf, size_t len);

/* One ping-pong of len bytes (RAW_ECHO). 0 or -1. */
int raw_roundtrip(int fd, void *buf, size_t len);
/* n messages of msg bytes with up to window of them in flight, written and read in batches
 * (RAW_ECHO). lat (may be NULL) gets each message's time from its write to its echo, µs. */
int raw_pipeline(int fd, long n, int window, size_t msg, double *lat);
/* size bytes to the RAW_SINK peer, and its 4-byte answer. 0 or -1. */
int raw_copy(int fd, const void *buf, size_t size);

/* A file of size bytes in dir (created, filled and synced), for raw_fsync_write. fd or -1. */
int raw_file_open(const char *dir, const char *name, size_t size);
/* Overwrites the file's first size bytes and fdatasyncs. 0 or -1. */
int raw_fsync_write(int fd, const void *buf, size_t size);

#endif
