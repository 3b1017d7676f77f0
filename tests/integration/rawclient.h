/* SPDX-License-Identifier: MIT */
/* rawclient.h — a client of tapisrv that speaks the wire protocol itself (docs/protocol.md), for
 * tests that must send what libopentapi never would: other clients' handles, floods, garbage.
 *
 * Functions return negative errno values or -1 on failure and never call cmocka, so that forked
 * children can use them too. A REPLY is matched by its seq; EVENT frames read meanwhile are
 * counted and dropped.
 */
#ifndef OT_TEST_RAWCLIENT_H
#define OT_TEST_RAWCLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

struct raw {
	int fd;
	uint32_t seq;
	uint8_t *buf; /* OT_WIRE_MAX_FRAME bytes of input */
	size_t have;
	unsigned events;  /* EVENT frames seen */
	int goodbye;      /* reason of a GOODBYE seen, or 0 */
	uint64_t reply[OT_WIRE_MAX_FIXED]; /* fields of the last REPLY */
	uint8_t var[OT_WIRE_MAX_FRAME - OT_WIRE_HEADER_SIZE];
	uint32_t var_len;
};

/* A connected socket to path, or -errno. */
int raw_connect_fd(const char *path);
/* Connects and allocates; returns 0 or -errno. */
int raw_open(struct raw *r, const char *path);
void raw_close(struct raw *r);
/* Sends all bytes (blocking). Returns 0 or -errno. */
int raw_send_bytes(int fd, const void *buf, size_t len);
/* Encodes and sends one frame (with a descriptor when fd >= 0). Returns 0 or -errno. */
int raw_send_frame(int sock, const struct ot_wire_frame *f, int fd);
/* Sends the request (its seq is assigned) and waits up to timeout_ms for its REPLY. Returns the
 * REPLY's LONG result (fields in r->reply, bytes in r->var), or 1 when the connection ended
 * (r->goodbye tells whether a GOODBYE came), or 2 on timeout. */
long raw_call(struct raw *r, struct ot_wire_frame *req, int fd, int timeout_ms);
/* HELLO with the current protocol version; returns its result. */
long raw_hello(struct raw *r);
/* APP_NEW; returns the result and the app handle in *app. */
long raw_app_new(struct raw *r, const char *name, uint64_t cookie, uint32_t *app);
/* OPEN of device dev (API 2.2); returns the result and the phone handle in *phone. */
long raw_open_phone(struct raw *r, uint32_t app, uint32_t dev, uint32_t privilege,
		    uint32_t *phone);
/* Reads frames until end of file or timeout_ms; returns 1 at end of file, 0 on timeout. */
int raw_drain(struct raw *r, int timeout_ms);

/* ---- clients that flood and never read (test_hostile.c, bench/hostile.c) ---------------- */

enum raw_flood_kind {
	RAW_FLOOD_SMALL_WRITES, /* SET_DATA of 8 bytes into area 0 of device 1, as its owner */
	RAW_FLOOD_BIG_READS,    /* GET_DATA of 64 KiB of area 1 of device 0 (each reply 64 KiB) */
};

/* One connection to socket that sends requests of `kind` without ever reading, until the server
 * hangs up. Writes one byte to ready_fd (when >= 0) once the phone is open and before the first
 * request. Returns 0 when the server dropped it, 1 when it was still connected after
 * give_up_ms (a hang guard), or < 0 on any other failure. */
int raw_flood_once(const char *socket, enum raw_flood_kind kind, int ready_fd,
		   unsigned give_up_ms);
/* Floods, is dropped, connects again and floods again until stop_fd is readable or hung up
 * (the other end closed); the first connection signals ready_fd. Writes the number of drops (an
 * int) to report_fd and returns 0, or returns what raw_flood_once returned otherwise (as an
 * exit status: 10 - rc). Meant to be a forked child's whole life. */
int raw_flooder(const char *socket, enum raw_flood_kind kind, int ready_fd, int stop_fd,
		int report_fd, unsigned give_up_ms);

/* The resident set size of a process in KiB (VmRSS of /proc/PID/status), or -1. */
long proc_rss_kib(int pid);
/* User + system CPU time of a process in milliseconds (/proc/PID/stat), or -1. */
long proc_cpu_ms(int pid);

#endif
