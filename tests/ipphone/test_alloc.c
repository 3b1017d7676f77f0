/* SPDX-License-Identifier: MIT */
/* test_alloc.c — every allocation of the ipphone provider fails once, in turn, across a whole
 * life: configure, init, open, a push to each vendor (and its completion), close, shutdown. Each
 * failure must come back as PHONEERR_NOMEM (at once or in the completion), never as a crash, a
 * lost or doubled completion, or a leak. The provider's sources are linked into this test so
 * that the allocator's fault injection (alloc.h) reaches them. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <tapi.h>
#include <tspi.h>

#include "alloc.h"
#include "emu.h"
#include "tspi_host.h"

static void test_every_allocation_fails_once(void **state)
{
	struct emu *p = emu_start(EMU_POLYCOM, "Push", "pw", 0, 1);
	struct emu *c = emu_start(EMU_CISCO, "u", "pw", 0, 1);
	struct emu *y = emu_start(EMU_YEALINK, NULL, NULL, 0, 1);
	char addr[3][32], err[512];
	long base, n;
	int complete_runs = 0, refused = 0, failed_later = 0;

	(void)state;
	assert_non_null(p);
	assert_non_null(c);
	assert_non_null(y);
	snprintf(addr[0], sizeof(addr[0]), "127.0.0.1:%u", emu_port(p));
	snprintf(addr[1], sizeof(addr[1]), "127.0.0.1:%u", emu_port(c));
	snprintf(addr[2], sizeof(addr[2]), "127.0.0.1:%u", emu_port(y));
	{
		const struct th_phone phones[] = {
			{ "P", { "vendor", "polycom", "address", addr[0], "user", "Push", "password",
				 "pw", NULL } },
			{ "C", { "vendor", "cisco", "address", addr[1], "user", "u", "password", "pw",
				 NULL } },
			{ "Y", { "vendor", "yealink", "address", addr[2], NULL } },
		};
		static const char *const options[] = { "parallel", "2", NULL };

		base = ot_alloc_live();
		for (n = 0; n < 80; n++) {
			HDRVPHONE hd[3];
			DRV_REQUESTID id[3];
			LONG r;
			int i, all_ok = 1;

			ot_alloc_fail_after(n);
			r = th_configure(phones, 3, options, err, sizeof(err));
			if (r != 0) {
				ot_alloc_fail_after(-1);
				assert_int_equal(r, (LONG)PHONEERR_NOMEM);
				assert_string_equal(err, "out of memory");
				assert_int_equal(ot_alloc_live(), base);
				continue;
			}
			assert_int_equal(th_init(), 0);
			for (i = 0; i < 3; i++) {
				hd[i] = th_open((DWORD)i);
				assert_non_null(hd[i]);
			}
			for (i = 0; i < 3; i++) {
				static const char *const text[] = { "<b>hi</b>", "Key:Headset",
								    "<YealinkIPPhoneStatus/>" };

				r = th_set_data(hd[i], 0, text[i], (DWORD)strlen(text[i]), &id[i]);
				if (r < 0) {
					assert_int_equal(r, (LONG)PHONEERR_NOMEM);
					all_ok = 0;
					refused++;
					continue;
				}
				r = th_wait(id[i], 5000);
				if (r != 0) {
					assert_int_equal(r, (LONG)PHONEERR_NOMEM);
					all_ok = 0;
					failed_later++;
				}
			}
			for (i = 0; i < 3; i++)
				assert_int_equal(TH.close(hd[i]), 0);
			th_shutdown();
			ot_alloc_fail_after(-1);
			assert_int_equal(th_violations(), 0);
			assert_int_equal(ot_alloc_live(), base);
			complete_runs += all_ok;
		}
	}
	/* The last runs had no failure left to inject: everything worked. */
	assert_true(complete_runs > 10);
	/* Both kinds of push failure were reached: refused at once (the request), and completed
	 * with PHONEERR_NOMEM (the Cisco answer buffer, allocated when the push starts). */
	assert_true(refused > 0);
	assert_true(failed_later > 0);
	emu_stop(p);
	emu_stop(c);
	emu_stop(y);
}

/* Adding a phone to the running provider: each allocation of the configure fails in turn
 * (PHONEERR_NOMEM, nothing leaked, nothing to create); the create itself needs none. */
static void test_adding_a_phone(void **state)
{
	struct emu *y = emu_start(EMU_YEALINK, NULL, NULL, 0, 1);
	char addr[32], err[512];
	long base, live, n;
	HDRVPHONE hd;
	LONG r;

	(void)state;
	assert_non_null(y);
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", emu_port(y));
	{
		const struct th_phone first = { "Y", { "vendor", "yealink", "address", addr, NULL } };
		const struct th_phone added = { "P", { "vendor", "polycom", "address", addr, "user",
						       "Push", "password", "pw", NULL } };

		base = ot_alloc_live();
		assert_int_equal(th_configure(&first, 1, NULL, err, sizeof(err)), 0);
		assert_int_equal(th_init(), 0);
		live = ot_alloc_live();
		for (n = 0;; n++) {
			ot_alloc_fail_after(n);
			r = th_configure_more(&added, 1, 1, err, sizeof(err));
			ot_alloc_fail_after(-1);
			if (r == 0)
				break;
			assert_int_equal(r, (LONG)PHONEERR_NOMEM);
			assert_string_equal(err, "out of memory");
			assert_int_equal(ot_alloc_live(), live);
			assert_int_equal(TH.createPhoneDevice(1, 1), (LONG)PHONEERR_BADDEVICEID);
		}
		assert_true(n > 2);
		ot_alloc_fail_after(0);
		r = TH.createPhoneDevice(1, 1);
		ot_alloc_fail_after(-1);
		assert_int_equal(r, 0);
		hd = th_open(0);
		assert_non_null(hd);
		assert_int_equal(TH.close(hd), 0);
		hd = th_open(1);
		assert_non_null(hd);
		assert_int_equal(TH.close(hd), 0);
		th_shutdown();
		assert_int_equal(th_violations(), 0);
		assert_int_equal(ot_alloc_live(), base);
	}
	emu_stop(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_allocation_fails_once),
		cmocka_unit_test(test_adding_a_phone),
	};

	int r = cmocka_run_group_tests(tests, NULL, NULL);

	unlink(th_config_path());
	return r;
}
