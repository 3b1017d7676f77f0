/* SPDX-License-Identifier: MIT */
/* test_iofaults.c — I/O faults under a real client and a real tapisrv (docs/reliability.md).
 *
 * Sockets: short reads and writes (1 … 7 bytes a call) and EINTR (every third call) in the
 * client (this process: the fault layer is linked in, tests/fault/iofault.h), in tapisrv
 * (LD_PRELOAD of iofault.so), and in both. They must be invisible: every result right, every
 * byte read back equal to what was written, through the inline path and the memfd path.
 *
 * Files: ENOSPC, EIO on writes, and EIO on fsync/fdatasync on the sim's state directory of a
 * durable phone. A write or a device change that cannot reach the disk is answered
 * PHONEERR_OPERATIONFAILED and changes nothing: the old bytes stay, seen through the API at once
 * and after tapisrv is SIGKILLed and restarted without faults. Once the fault is gone, writes
 * work again — except after a failed fdatasync, when the store cannot know what the page cache
 * holds: the phone then refuses data writes until it is closed and opened again (store.h).
 * ENOSPC is modelled as a full disk: writes past a file's end fail, overwrites succeed, so a
 * small write that fits in the preallocated journal still succeeds.
 *
 * OPENTAPI_TEST_SCALE (a divisor, default 1) makes the loops shorter (make check-valgrind).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iofault.h"
#include "session.h"
#include "tapisrv.h"

#define SMALL 200u
#define MID 20000u  /* inline in the frames */
#define BIG 150000u /* more than 64 KiB: travels in a memfd */
#define LAMP 12u    /* the first feature button of the default layout has a lamp */

static const char socket_config[] = "[phone \"A\"]\n"
				    "provider = sim\n"
				    "data_areas = 256, 4096, 2097152\n"
				    "durable = no\n";

static const char file_config[] = "[phone \"A\"]\n"
				  "provider = sim\n"
				  "data_areas = 256, 4096, 2097152\n"
				  "durable = yes\n";

static struct srv server;

#define ASSERT_RESULT(expr, want)                                                                  \
	do {                                                                                       \
		LONG got_ = (expr);                                                                \
		if (got_ != (LONG)(want))                                                          \
			fail_msg("%s: %s, expected %s", #expr, s_result_name(got_),                \
				 s_result_name(want));                                             \
	} while (0)

/* ---- starting tapisrv with and without faults ----------------------------------------------- */

/* The fault variables reach only the tapisrv started now: they are set around its start. */
static void set_server_faults(const char *sockets, const char *file_mode)
{
	const char *asan = getenv("ASAN_OPTIONS");
	char opts[512];

	setenv("LD_PRELOAD", getenv("OT_IOFAULT_SO"), 1);
	/* The sanitizer runtime wants to come first; iofault.so then comes before it. */
	snprintf(opts, sizeof(opts), "%s%sverify_asan_link_order=0", asan ? asan : "",
		 asan && *asan ? ":" : "");
	setenv("ASAN_OPTIONS", opts, 1);
	if (sockets)
		setenv("OT_IOFAULT", sockets, 1);
	if (file_mode) {
		char sw[160];

		snprintf(sw, sizeof(sw), "%s/fault-on", server.dir);
		setenv("OT_IOFAULT_FILE", file_mode, 1);
		setenv("OT_IOFAULT_PATH", server.state, 1);
		setenv("OT_IOFAULT_SWITCH", sw, 1);
	}
}

static char *saved_asan;

static void clear_server_faults(void)
{
	unsetenv("LD_PRELOAD");
	unsetenv("OT_IOFAULT");
	unsetenv("OT_IOFAULT_FILE");
	unsetenv("OT_IOFAULT_PATH");
	unsetenv("OT_IOFAULT_SWITCH");
	if (saved_asan)
		setenv("ASAN_OPTIONS", saved_asan, 1);
	else
		unsetenv("ASAN_OPTIONS");
}

static void restart(const char *sockets, const char *file_mode)
{
	if (sockets || file_mode)
		set_server_faults(sockets, file_mode);
	assert_int_equal(srv_restart(&server), 0);
	clear_server_faults();
}

static void fault_switch(int on)
{
	char sw[160];

	snprintf(sw, sizeof(sw), "%s/fault-on", server.dir);
	if (on) {
		int fd = open(sw, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

		assert_true(fd >= 0);
		close(fd);
	} else {
		assert_int_equal(unlink(sw), 0);
	}
}

/* The counts of the server's "iofault: pid P: S short, E eintr, F file faults" line. */
static void server_fault_counts(long *shortened, long *eintr, long *file)
{
	char line[512];
	FILE *f = fopen(server.log, "r");

	*shortened = *eintr = *file = 0;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "iofault: pid ");
		long pid, s, e, fl;

		if (p && sscanf(p, "iofault: pid %ld: %ld short, %ld eintr, %ld file faults", &pid,
				&s, &e, &fl) == 4) {
			*shortened += s;
			*eintr += e;
			*file += fl;
		}
	}
	fclose(f);
}

static int setup_sockets(void **state)
{
	(void)state;
	if (srv_start(&server, socket_config) < 0)
		return -1;
	srv_kill(&server, 15); /* started plain to get its paths; the tests start it their way */
	return 0;
}

static int setup_files(void **state)
{
	(void)state;
	return srv_start(&server, file_config) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	iofault_configure_sockets(NULL, 1);
	srv_stop(&server);
	return 0;
}

/* ---- short reads and writes, EINTR ---------------------------------------------------------- */

/* Two apps (an owner and a monitor) write and read back small and large data, the display and
 * a lamp, rounds times; every result and every byte is checked. */
static void socket_session(unsigned rounds, uint64_t seed)
{
	static unsigned char small[SMALL], mid[MID], big[BIG];
	HPHONEAPP owner_app, mon_app;
	HPHONE owner, mon;
	DWORD devs = 0, lamp = 0;
	char text[41];
	unsigned i;

	ASSERT_RESULT(s_init(&owner_app, "iofault owner", &devs), 0);
	assert_int_equal(devs, 1);
	ASSERT_RESULT(s_init(&mon_app, "iofault monitor", NULL), 0);
	ASSERT_RESULT(s_open(owner_app, 0, PHONEPRIVILEGE_OWNER, &owner), 0);
	ASSERT_RESULT(s_open(mon_app, 0, PHONEPRIVILEGE_MONITOR, &mon), 0);
	for (i = 0; i < rounds; i++) {
		DWORD mode = i % 2 ? PHONELAMPMODE_OFF : PHONELAMPMODE_STEADY;

		s_fill(small, SMALL, seed + i);
		ASSERT_RESULT(s_set_data(owner_app, owner, 0, small, SMALL), 0);
		ASSERT_RESULT(s_check_data(mon, 0, small, SMALL), 0);
		s_fill(mid, MID, seed + 500 + i);
		ASSERT_RESULT(s_set_data(owner_app, owner, 1, mid, 4096), 0);
		ASSERT_RESULT(s_check_data(mon, 1, mid, 4096), 0);
		ASSERT_RESULT(s_set_data(owner_app, owner, 2, mid, MID), 0);
		ASSERT_RESULT(s_check_data(mon, 2, mid, MID), 0);
		s_fill(big, BIG, seed + 1000 + i);
		ASSERT_RESULT(s_set_data(owner_app, owner, 2, big, BIG), 0);
		ASSERT_RESULT(s_check_data(mon, 2, big, BIG), 0);
		ASSERT_RESULT(s_check_data(owner, 2, big, BIG), 0);
		snprintf(text, sizeof(text), "round %u of seed %llu", i, (unsigned long long)seed);
		ASSERT_RESULT(s_set_display(owner_app, owner, text), 0);
		ASSERT_RESULT(s_check_display(mon, text), 0);
		ASSERT_RESULT(s_async(owner_app, phoneSetLamp(owner, LAMP, mode)), 0);
		ASSERT_RESULT(phoneGetLamp(mon, LAMP, &lamp), 0);
		assert_int_equal(lamp, mode);
	}
	ASSERT_RESULT(phoneClose(mon), 0);
	ASSERT_RESULT(phoneClose(owner), 0);
	ASSERT_RESULT(phoneShutdown(mon_app), 0);
	ASSERT_RESULT(phoneShutdown(owner_app), 0);
}

static void test_short_io_and_eintr_in_the_server(void **state)
{
	long s, e, f;

	(void)state;
	restart("short,eintr", NULL);
	socket_session(test_scaled_down(20, 1), 1);
	srv_kill(&server, 15);
	server_fault_counts(&s, &e, &f);
	print_message("# tapisrv: %ld short calls, %ld EINTR\n", s, e);
	assert_true(s > 1000); /* 20 rounds move about 1 MB through the socket */
	assert_true(e > 100);
}

static void test_short_io_and_eintr_in_the_client(void **state)
{
	struct iofault_stats before = iofault_get_stats(), after;

	(void)state;
	restart(NULL, NULL);
	assert_int_equal(iofault_configure_sockets("short,eintr", 7), 0);
	socket_session(test_scaled_down(20, 1), 2);
	assert_int_equal(iofault_configure_sockets(NULL, 1), 0);
	after = iofault_get_stats();
	print_message("# client: %ld short calls, %ld EINTR\n", after.shortened - before.shortened,
		      after.eintr - before.eintr);
	assert_true(after.shortened - before.shortened > 100);
	assert_true(after.eintr - before.eintr > 10);
}

/* Both sides at once, with several seeds (and so several ways to cut the same frames). */
static void test_short_io_and_eintr_on_both_sides(void **state)
{
	unsigned long seed, seeds = test_scaled_down(4, 1);

	(void)state;
	for (seed = 1; seed <= seeds; seed++) {
		char v[32];

		snprintf(v, sizeof(v), "%lu", seed * 31);
		setenv("OT_IOFAULT_SEED", v, 1);
		restart("short,eintr", NULL);
		unsetenv("OT_IOFAULT_SEED");
		assert_int_equal(iofault_configure_sockets("short,eintr", seed), 0);
		socket_session(test_scaled_down(5, 1), 100 * seed);
		assert_int_equal(iofault_configure_sockets(NULL, 1), 0);
		srv_kill(&server, 15);
	}
}

/* ---- ENOSPC and EIO on the state directory -------------------------------------------------- */

static unsigned char *huge; /* 2 MiB: a record far larger than the preallocated journal */
#define HUGE (2u << 20)

/* Everything the phone must hold: small in area 0, big in area 2, display text. */
static void check_phone(HPHONE phone, const unsigned char *small, const unsigned char *area2,
			DWORD area2_len, const char *display)
{
	ASSERT_RESULT(s_check_data(phone, 0, small, SMALL), 0);
	ASSERT_RESULT(s_check_data(phone, 2, area2, area2_len), 0);
	ASSERT_RESULT(s_check_display(phone, display), 0);
}

/* A plain tapisrv (no fault layer) has exactly this on disk. */
static void check_after_plain_restart(const unsigned char *small, const unsigned char *area2,
				      DWORD area2_len, const char *display)
{
	HPHONEAPP app;
	HPHONE phone;

	restart(NULL, NULL);
	ASSERT_RESULT(s_init(&app, "iofault check", NULL), 0);
	ASSERT_RESULT(s_open(app, 0, PHONEPRIVILEGE_MONITOR, &phone), 0);
	check_phone(phone, small, area2, area2_len, display);
	ASSERT_RESULT(phoneShutdown(app), 0);
	srv_kill(&server, 15);
}

enum mode { ENOSPC_MODE, EIO_MODE, EIO_SYNC_MODE };

static const char *mode_name(enum mode m)
{
	return m == ENOSPC_MODE ? "enospc" : m == EIO_MODE ? "eio" : "eio-sync";
}

static void file_fault_case(enum mode m)
{
	static unsigned char old_small[SMALL], new_small[SMALL], old_big[BIG];
	const char *old_display = "old display", *new_display = "new display";
	HPHONEAPP app;
	HPHONE phone;
	long s, e, f;

	if (!huge)
		huge = malloc(HUGE);
	assert_non_null(huge);
	s_fill(old_small, SMALL, 1);
	s_fill(new_small, SMALL, 2);
	s_fill(old_big, BIG, 3);
	s_fill(huge, HUGE, 4);

	/* The old content, written by a server without faults. */
	ASSERT_RESULT(s_init(&app, "iofault writer", NULL), 0);
	ASSERT_RESULT(s_open(app, 0, PHONEPRIVILEGE_OWNER, &phone), 0);
	ASSERT_RESULT(s_set_data(app, phone, 0, old_small, SMALL), 0);
	ASSERT_RESULT(s_set_data(app, phone, 2, old_big, BIG), 0);
	ASSERT_RESULT(s_set_display(app, phone, old_display), 0);
	ASSERT_RESULT(phoneShutdown(app), 0);
	srv_kill(&server, 15);

	/* 1. The faults on: what cannot reach the disk fails and changes nothing. */
	restart(NULL, mode_name(m));
	ASSERT_RESULT(s_init(&app, "iofault writer", NULL), 0);
	ASSERT_RESULT(s_open(app, 0, PHONEPRIVILEGE_OWNER, &phone), 0);
	fault_switch(1);
	if (m == ENOSPC_MODE) {
		/* Fits in the preallocated journal: an overwrite, no new blocks needed. */
		ASSERT_RESULT(s_set_data(app, phone, 0, new_small, SMALL), 0);
		ASSERT_RESULT(s_check_data(phone, 0, new_small, SMALL), 0);
		ASSERT_RESULT(s_set_data(app, phone, 0, old_small, SMALL), 0);
	} else {
		ASSERT_RESULT(s_set_data(app, phone, 0, new_small, SMALL), (LONG)PHONEERR_OPERATIONFAILED);
	}
	ASSERT_RESULT(s_set_data(app, phone, 2, huge, HUGE), (LONG)PHONEERR_OPERATIONFAILED);
	ASSERT_RESULT(s_set_display(app, phone, new_display), (LONG)PHONEERR_OPERATIONFAILED);
	check_phone(phone, old_small, old_big, BIG, old_display);
	/* Killed with the faults still on: the failed writes are not in the journal either. */
	srv_kill(&server, 9);
	ASSERT_RESULT(phoneShutdown(app), 0);
	fault_switch(0);
	assert_true(srv_log_has(&server, "phone 'A'"));
	check_after_plain_restart(old_small, old_big, BIG, old_display);

	/* 2. Faults on, then off again in the same process: later writes work (after a failed
	 * fdatasync only once the phone has been closed and opened again). */
	restart(NULL, mode_name(m));
	ASSERT_RESULT(s_init(&app, "iofault writer", NULL), 0);
	ASSERT_RESULT(s_open(app, 0, PHONEPRIVILEGE_OWNER, &phone), 0);
	fault_switch(1);
	ASSERT_RESULT(s_set_data(app, phone, 2, huge, HUGE), (LONG)PHONEERR_OPERATIONFAILED);
	fault_switch(0);
	if (m == EIO_SYNC_MODE) {
		assert_true(srv_log_has(&server, "further writes fail until the phone is reopened"));
		ASSERT_RESULT(s_set_data(app, phone, 0, new_small, SMALL), (LONG)PHONEERR_OPERATIONFAILED);
		/* The state file does not depend on the journal. */
		ASSERT_RESULT(s_set_display(app, phone, new_display), 0);
		ASSERT_RESULT(phoneClose(phone), 0);
		ASSERT_RESULT(s_open(app, 0, PHONEPRIVILEGE_OWNER, &phone), 0);
		check_phone(phone, old_small, old_big, BIG, new_display);
	}
	ASSERT_RESULT(s_set_data(app, phone, 0, new_small, SMALL), 0);
	ASSERT_RESULT(s_set_data(app, phone, 2, huge, HUGE), 0);
	ASSERT_RESULT(s_set_display(app, phone, new_display), 0);
	check_phone(phone, new_small, huge, HUGE, new_display);
	ASSERT_RESULT(phoneShutdown(app), 0);
	srv_kill(&server, 15);
	server_fault_counts(&s, &e, &f);
	print_message("# %s: %ld file faults injected\n", mode_name(m), f);
	assert_true(f > 0);
	check_after_plain_restart(new_small, huge, HUGE, new_display);
}

static void test_enospc_on_the_state_directory(void **state)
{
	(void)state;
	file_fault_case(ENOSPC_MODE);
}

static void test_eio_on_writes_to_the_state_directory(void **state)
{
	(void)state;
	file_fault_case(EIO_MODE);
}

static void test_eio_on_fdatasync_of_the_state_directory(void **state)
{
	(void)state;
	file_fault_case(EIO_SYNC_MODE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_short_io_and_eintr_in_the_server,
						setup_sockets, teardown),
		cmocka_unit_test_setup_teardown(test_short_io_and_eintr_in_the_client,
						setup_sockets, teardown),
		cmocka_unit_test_setup_teardown(test_short_io_and_eintr_on_both_sides,
						setup_sockets, teardown),
		cmocka_unit_test_setup_teardown(test_enospc_on_the_state_directory, setup_files,
						teardown),
		cmocka_unit_test_setup_teardown(test_eio_on_writes_to_the_state_directory,
						setup_files, teardown),
		cmocka_unit_test_setup_teardown(test_eio_on_fdatasync_of_the_state_directory,
						setup_files, teardown),
	};
	const char *asan = getenv("ASAN_OPTIONS");
	int rc;

	if (!getenv("OT_IOFAULT_SO") || !getenv("OPENTAPI_TAPISRV")) {
		fprintf(stderr, "test_iofaults needs OT_IOFAULT_SO and OPENTAPI_TAPISRV\n");
		return 1;
	}
	saved_asan = asan ? strdup(asan) : NULL;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(saved_asan);
	free(huge);
	return rc;
}
