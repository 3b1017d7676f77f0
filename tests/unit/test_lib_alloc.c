/* SPDX-License-Identifier: MIT */
/* The library's public functions under allocation failure: every failing allocation gives
 * PHONEERR_NOMEM (or, inside a provider's configuration, PHONEERR_INIFILECORRUPT), nothing leaks,
 * and the next call succeeds. Links the library's objects statically to reach the allocator's
 * fault injection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tapi.h>

#include "alloc.h"

static char dir[] = "/tmp/opentapi-alloc-XXXXXX";
static char config_path[256];

static int setup(void **state)
{
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(config_path, sizeof(config_path), "%s/opentapi.conf", dir);
	f = fopen(config_path, "w");
	assert_non_null(f);
	fputs("[phone \"P\"]\nprovider = sim\ndata_areas = 64, 4096\ndurable = no\n", f);
	fclose(f);
	setenv("OPENTAPI_CONFIG", config_path, 1);
	setenv("OPENTAPI_STATE_DIR", dir, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(config_path);
	rmdir(dir);
	return 0;
}

static LONG init(HPHONEAPP *app)
{
	PHONEINITIALIZEEXPARAMS p = { .dwTotalSize = sizeof(p),
				      .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD n, v = 0x00020002;

	return phoneInitializeExA(app, NULL, NULL, "alloc", &n, &v, &p);
}

static void initialize_sweep(void **state)
{
	long live = ot_alloc_live(), n;
	HPHONEAPP app;
	LONG rc;

	(void)state;
	for (n = 0;; n++) {
		ot_alloc_fail_after(n);
		rc = init(&app);
		ot_alloc_fail_after(-1);
		if (rc == 0)
			break;
		assert_true(rc == (LONG)PHONEERR_NOMEM || rc == (LONG)PHONEERR_INIFILECORRUPT ||
			    rc == (LONG)PHONEERR_NODRIVER);
		assert_int_equal(ot_alloc_live(), live);
	}
	assert_int_equal(phoneShutdown(app), 0);
	assert_int_equal(ot_alloc_live(), live);
	assert_true(n > 5);
}

static void set_data_sweep(void **state)
{
	char payload[100];
	HPHONEAPP app;
	HPHONE phone;
	PHONEMESSAGE msg;
	long live, n;
	LONG rc;

	(void)state;
	memset(payload, 'p', sizeof(payload));
	assert_int_equal(init(&app), 0);
	assert_int_equal(phoneOpen(app, 0, &phone, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER), 0);
	/* Warm the reply queue up so that the baseline below is steady. */
	rc = phoneSetData(phone, 1, payload, sizeof(payload));
	assert_true(rc > 0);
	assert_int_equal(phoneGetMessage(app, &msg, 1000), 0);
	live = ot_alloc_live();
	for (n = 0;; n++) {
		ot_alloc_fail_after(n);
		rc = phoneSetData(phone, 1, payload, sizeof(payload));
		ot_alloc_fail_after(-1);
		if (rc > 0)
			break;
		assert_int_equal(rc, (LONG)PHONEERR_NOMEM);
		assert_int_equal(ot_alloc_live(), live);
		/* No reply follows a refused request. */
		assert_int_equal(phoneGetMessage(app, &msg, 0), (LONG)PHONEERR_OPERATIONFAILED);
	}
	assert_int_equal(phoneGetMessage(app, &msg, 1000), 0);
	assert_int_equal(msg.dwMessageID, PHONE_REPLY);
	assert_int_equal(msg.dwParam1, rc);
	assert_int_equal(ot_alloc_live(), live);
	assert_true(n >= 2);
	assert_int_equal(phoneShutdown(app), 0);
}

static void open_sweep(void **state)
{
	HPHONEAPP app;
	HPHONE phone;
	long live, n;
	LONG rc;

	(void)state;
	assert_int_equal(init(&app), 0);
	live = ot_alloc_live();
	for (n = 0;; n++) {
		ot_alloc_fail_after(n);
		rc = phoneOpen(app, 0, &phone, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER);
		ot_alloc_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, (LONG)PHONEERR_NOMEM);
		assert_int_equal(ot_alloc_live(), live);
	}
	assert_int_equal(phoneClose(phone), 0);
	assert_int_equal(phoneShutdown(app), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(initialize_sweep),
		cmocka_unit_test(set_data_sweep),
		cmocka_unit_test(open_sweep),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
