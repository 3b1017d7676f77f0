/* SPDX-License-Identifier: MIT */
/* test_bulk_wire.c — large payloads on the wire (docs/protocol.md, "Descriptors and memfd"), from
 * a client that speaks the protocol itself (rawclient.c) to a private tapisrv: a reusable memfd
 * passed again with each request (tapisrv keeps it mapped) carries each request's new bytes, and
 * a memfd that could shrink under the server, is too small, or is write-sealed where the server
 * must write is a protocol error that drops only its sender. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <tapi.h>

#include "rawclient.h"
#include "tapisrv.h"

#define AREA (1024u * 1024u)
#define CONFIG "[phone \"A\"]\nprovider = sim\ndata_areas = 64, 1048576\ndurable = no\n"

static struct srv server;
static struct raw rc; /* a frame buffer: not on the stack */

static int setup(void **state)
{
	(void)state;
	rc.fd = -1;
	return srv_start(&server, CONFIG) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	raw_close(&rc);
	srv_stop(&server);
	return 0;
}

/* A connection with an app that owns phone 0. */
static uint32_t connect_owner(void)
{
	uint32_t app = 0, phone = 0;

	assert_int_equal(raw_open(&rc, server.socket), 0);
	assert_int_equal(raw_hello(&rc), 0);
	assert_int_equal(raw_app_new(&rc, "bulk-wire", 1, &app), 0);
	assert_int_equal(raw_open_phone(&rc, app, 0, PHONEPRIVILEGE_OWNER, &phone), 0);
	return phone;
}

/* A memfd of size bytes with the given seals (and its mapping in *map when map is not NULL). */
static int memfd_sealed(size_t size, int seals, unsigned char **map)
{
	int fd = memfd_create("bulk-wire", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	if (map) {
		*map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		assert_true(*map != MAP_FAILED);
	}
	if (seals)
		assert_int_equal(fcntl(fd, F_ADD_SEALS, seals), 0);
	return fd;
}

static long set_data(uint32_t phone, uint32_t size, int fd)
{
	struct ot_wire_frame f = { .opcode = OT_WIRE_SET_DATA, OT_WIRE_FIELDS(phone, 1, size) };

	f.flags = OT_WIRE_FLAG_FD;
	return raw_call(&rc, &f, fd, 5000);
}

static long get_data(uint32_t phone, uint32_t size, int fd)
{
	struct ot_wire_frame f = { .opcode = OT_WIRE_GET_DATA, OT_WIRE_FIELDS(phone, 1, size) };

	f.flags = fd >= 0 ? OT_WIRE_FLAG_FD : 0;
	return raw_call(&rc, &f, fd, 5000);
}

/* 1. One memfd, sealed like libopentapi's reusable buffer, carries new bytes with each request:
 * the server's kept mapping sees them, and fills the same memfd for GET_DATA. */
static void test_reused_memfd_carries_each_requests_bytes(void **state)
{
	uint32_t phone = connect_owner();
	unsigned char *map;
	int fd = memfd_sealed(AREA, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL, &map);

	(void)state;
	for (unsigned i = 0; i < 8; i++) {
		uint32_t size = AREA - i * 4096 - i; /* different sizes, same memfd */
		unsigned events = rc.events;

		long id;

		memset(map, 'a' + (int)i, size);
		id = set_data(phone, size, fd);
		assert_true(id > 0); /* a request ID */
		assert_int_equal(rc.events, events + 1); /* its PHONE_REPLY (the sim completes inline) */
		/* Read back through the same memfd, wiped first. */
		memset(map, 0, AREA);
		assert_int_equal(get_data(phone, size, fd), 0);
		assert_int_equal(rc.reply[1], size);
		for (uint32_t k = 0; k < size; k++)
			if (map[k] != 'a' + i)
				fail_msg("round %u: byte %u is %#x", i, k, map[k]);
		/* And inline, past the server's mapping. */
		assert_int_equal(get_data(phone, 4096, -1), 0);
		assert_int_equal(rc.var_len, 4096);
		assert_int_equal(rc.var[4095], 'a' + i);
	}
	munmap(map, AREA);
	close(fd);
	/* Still a well-behaved connection. */
	assert_int_equal(get_data(phone, 64, -1), 0);
}

/* 2. Old clients' memfds (one per request, write-sealed) still work, mixed with a reusable one. */
static void test_fresh_memfds_still_work(void **state)
{
	uint32_t phone = connect_owner();
	unsigned char *map;

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		int fd = memfd_sealed(AREA, 0, &map);

		memset(map, 'A' + (int)i, AREA);
		assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE),
				 -1); /* a shared writable mapping exists: the kernel refuses */
		munmap(map, AREA);
		assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE), 0);
		assert_true(set_data(phone, AREA, fd) > 0);
		close(fd);
		assert_int_equal(get_data(phone, 100, -1), 0);
		assert_int_equal(rc.var[99], 'A' + i);
	}
}

/* The request is refused as a protocol error: the connection ends with a GOODBYE, the reason
 * is logged (the count-th such line), and the server lives on and serves another client. */
static void assert_dropped(long rc_call, const char *log_text, unsigned count)
{
	const char *texts[] = { log_text, NULL };
	uint32_t phone;

	int waited;

	assert_int_equal(rc_call, 1);
	assert_int_equal(rc.goodbye, OT_WIRE_BYE_PROTOCOL);
	/* The GOODBYE may arrive before the server has written its log line: wait for the count-th,
	 * since the earlier ones are there already. */
	for (waited = 0; count_lines(server.log, texts) < count && waited < 5000; waited += 10)
		usleep(10000);
	assert_int_equal(count_lines(server.log, texts), count);
	raw_close(&rc);
	phone = connect_owner();
	assert_int_equal(get_data(phone, 64, -1), 0);
	raw_close(&rc);
}

/* 3. A memfd not sealed against shrinking could be truncated while the server reads it (SIGBUS
 * in the server): refused, even when everything else is right. */
static void test_memfd_without_shrink_seal_is_refused(void **state)
{
	uint32_t phone = connect_owner();
	int fd = memfd_sealed(AREA, F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL, NULL);

	(void)state;
	assert_dropped(set_data(phone, AREA, fd), "SET_DATA with a bad memfd", 1);
	close(fd);
	phone = connect_owner();
	fd = memfd_sealed(AREA, F_SEAL_GROW, NULL); /* nor for GET_DATA */
	assert_dropped(get_data(phone, AREA, fd), "GET_DATA with a bad memfd", 1);
	close(fd);
}

/* 4. Smaller than the request's size, write-sealed for GET_DATA, or not a memfd at all. */
static void test_other_bad_memfds_are_refused(void **state)
{
	uint32_t phone = connect_owner();
	int fd = memfd_sealed(AREA / 2, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL, NULL);
	int pipe_fds[2];

	(void)state;
	assert_dropped(set_data(phone, AREA, fd), "SET_DATA with a bad memfd", 1);
	close(fd);
	phone = connect_owner();
	fd = memfd_sealed(AREA, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL, NULL);
	assert_dropped(get_data(phone, AREA, fd), "GET_DATA with a bad memfd", 1);
	close(fd);
	phone = connect_owner();
	assert_int_equal(pipe(pipe_fds), 0);
	assert_dropped(set_data(phone, AREA, pipe_fds[0]), "SET_DATA with a bad memfd", 2);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reused_memfd_carries_each_requests_bytes),
		T(test_fresh_memfds_still_work),
		T(test_memfd_without_shrink_seal_is_refused),
		T(test_other_bad_memfds_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
