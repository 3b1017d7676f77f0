/* SPDX-License-Identifier: MIT */
/* test_devcaps.c — phoneGetDevCaps: the fixed size per API version, the variable-size structure
 * rules, and what the built-in default phone (no configuration file at all) reports. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static const char config_a[] = H_PHONE_A_DURABLE;
static const char system_config[] = "/etc/opentapi/opentapi.conf";

static DWORD get_dword(const void *st, size_t off)
{
	DWORD v;

	memcpy(&v, (const char *)st + off, sizeof(v));
	return v;
}

/* Size-field offsets of the variable parts of PHONECAPS (the Offset field follows). */
static const size_t parts_1x[] = {
	offsetof(PHONECAPS, dwProviderInfoSize),    offsetof(PHONECAPS, dwPhoneInfoSize),
	offsetof(PHONECAPS, dwPhoneNameSize),	    offsetof(PHONECAPS, dwButtonModesSize),
	offsetof(PHONECAPS, dwButtonFunctionsSize), offsetof(PHONECAPS, dwLampModesSize),
	offsetof(PHONECAPS, dwSetDataSize),	    offsetof(PHONECAPS, dwGetDataSize),
	offsetof(PHONECAPS, dwDevSpecificSize),
};
#define N_PARTS_1X (sizeof(parts_1x) / sizeof(parts_1x[0]))

static size_t fixed_size(DWORD version)
{
	return version < 0x00020000 ? 144 : version < 0x00020002 ? 180 : 196;
}

/* Every variable part is whole inside [fixed, dwUsedSize) or absent (0/0). Returns the lowest
 * offset of a present part, or 0 when none is present. */
static DWORD check_parts(const PHONECAPS *caps, DWORD version)
{
	size_t n = N_PARTS_1X + (version >= 0x00020000 ? 1 : 0);
	size_t fixed = fixed_size(version);
	DWORD lowest = 0;

	assert_true(caps->dwUsedSize >= fixed);
	assert_true(caps->dwUsedSize <= caps->dwTotalSize);
	assert_true(caps->dwNeededSize >= caps->dwUsedSize);
	for (size_t i = 0; i < n; i++) {
		size_t field =
			i < N_PARTS_1X ? parts_1x[i] : offsetof(PHONECAPS, dwDeviceClassesSize);
		DWORD size = get_dword(caps, field), offset = get_dword(caps, field + 4);

		if (size == 0) {
			if (offset != 0)
				fail_msg("part at field %zu: size 0 but offset %u", field,
					 (unsigned)offset);
			continue;
		}
		if (offset < fixed || offset > caps->dwUsedSize || caps->dwUsedSize - offset < size)
			fail_msg("part at field %zu: offset %u size %u outside [%zu, %u)", field,
				 (unsigned)offset, (unsigned)size, fixed,
				 (unsigned)caps->dwUsedSize);
		if (!lowest || offset < lowest)
			lowest = offset;
	}
	return lowest;
}

/* 7a. Below the fixed size of the version: STRUCTURETOOSMALL; exactly the fixed size, or a
 * little more: success with dwNeededSize telling the rest, and no part cut in two. */
static void test_caps_too_small(void **state)
{
	static const DWORD versions[] = { 0x00010004, 0x00020000, 0x00020002 };
	HPHONEAPP app = h_init_event("caps");

	(void)state;
	for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
		DWORD version = versions[v], fixed = (DWORD)fixed_size(version);
		PHONECAPS *caps = calloc(1, 4096);

		assert_non_null(caps);
		caps->dwTotalSize = fixed - 1;
		assert_int_equal(phoneGetDevCapsA(app, 0, version, 0, caps),
				 (LONG)PHONEERR_STRUCTURETOOSMALL);
		assert_int_equal(phoneGetDevCapsA(app, 0, version, 0, NULL), (LONG)PHONEERR_INVALPOINTER);

		memset(caps, 0xAA, 4096);
		caps->dwTotalSize = fixed;
		assert_int_equal(phoneGetDevCapsA(app, 0, version, 0, caps), 0);
		assert_int_equal(caps->dwTotalSize, fixed);
		assert_int_equal(caps->dwUsedSize, fixed);
		assert_true(caps->dwNeededSize > caps->dwUsedSize);
		assert_int_equal(check_parts(caps, version), 0); /* nothing fits */
		assert_int_equal(caps->dwNumSetData, 4);	 /* fixed fields are filled */
		for (size_t i = fixed; i < 4096; i++)
			if (((unsigned char *)caps)[i] != 0xAA)
				fail_msg("version 0x%08X: byte %zu past dwTotalSize %u written",
					 (unsigned)version, i, (unsigned)fixed);

		memset(caps, 0, 4096);
		caps->dwTotalSize = fixed + 30; /* room for some of the small parts only */
		assert_int_equal(phoneGetDevCapsA(app, 0, version, 0, caps), 0);
		assert_true(caps->dwNeededSize > caps->dwUsedSize);
		check_parts(caps, version);
		free(caps);
	}
	h_shutdown(app);
}

/* 7b. The built-in default phone, read with exactly dwNeededSize bytes. */
static void test_caps_builtin_default(void **state)
{
	HPHONEAPP app;
	DWORD devs = 0, needed;
	PHONECAPS probe, *caps;
	const DWORD *sizes;
	static const DWORD want[4] = { 256, 4096, 65536, 16777216 };

	(void)state;
	if (access(system_config, F_OK) == 0)
		test_skip_outside("a system configuration is installed on this machine: the "
				  "built-in default cannot be tested here");
	assert_null(getenv("OPENTAPI_CONFIG"));
	assert_int_equal(h_try_init_event(&app, "defaults", &devs, NULL), 0);
	assert_int_equal(devs, 1);

	memset(&probe, 0, sizeof(probe));
	probe.dwTotalSize = sizeof(probe);
	assert_int_equal(phoneGetDevCapsA(app, 0, 0x00020002, 0, &probe), 0);
	needed = probe.dwNeededSize;
	assert_true(needed > sizeof(probe));
	caps = calloc(1, needed);
	assert_non_null(caps);
	caps->dwTotalSize = needed;
	assert_int_equal(phoneGetDevCapsA(app, 0, 0x00020002, 0, caps), 0);
	assert_int_equal(caps->dwNeededSize, needed);
	assert_int_equal(caps->dwUsedSize, needed);
	check_parts(caps, 0x00020002);

	assert_int_equal(caps->dwStringFormat, STRINGFORMAT_ASCII);
	assert_int_equal(caps->dwPhoneNameSize, strlen("OpenTAPI Simulated Phone") + 1);
	assert_string_equal((const char *)caps + caps->dwPhoneNameOffset,
			    "OpenTAPI Simulated Phone");

	assert_int_equal(caps->dwNumSetData, 4);
	assert_int_equal(caps->dwNumGetData, 4);
	assert_int_equal(caps->dwSetDataSize, sizeof(want));
	assert_int_equal(caps->dwGetDataSize, sizeof(want));
	sizes = (const DWORD *)((const char *)caps + caps->dwSetDataOffset);
	assert_memory_equal(sizes, want, sizeof(want));
	sizes = (const DWORD *)((const char *)caps + caps->dwGetDataOffset);
	assert_memory_equal(sizes, want, sizeof(want));

	assert_int_equal(caps->dwPhoneFeatures & (PHONEFEATURE_SETDATA | PHONEFEATURE_GETDATA),
			 PHONEFEATURE_SETDATA | PHONEFEATURE_GETDATA);
	assert_int_equal(caps->dwPhoneStates &
				 (PHONESTATE_OWNER | PHONESTATE_MONITORS | PHONESTATE_REINIT),
			 PHONESTATE_OWNER | PHONESTATE_MONITORS | PHONESTATE_REINIT);
	free(caps);

	/* The published sizes are the ones the engine enforces. */
	{
		HPHONE phone = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
		char data[256];

		memset(data, 'd', sizeof(data));
		h_set_data(app, phone, 0, data, sizeof(data));
		assert_int_equal(phoneSetData(phone, 0, data, 257), (LONG)PHONEERR_INVALPARAM);
		assert_int_equal(phoneSetData(phone, 4, data, 1), (LONG)PHONEERR_INVALDATAID);
	}
	h_shutdown(app);
}

/* 7c. An app that negotiated 1.4 (or 2.0) sees no field of a later version: the variable data
 * starts right after its fixed part, and the later fields' bytes are left alone. */
static void check_old_layout(HPHONEAPP app, DWORD version)
{
	size_t fixed = fixed_size(version);
	unsigned char *buf = malloc(4096);
	PHONECAPS *caps = (PHONECAPS *)buf;
	DWORD lowest;

	assert_non_null(buf);
	memset(buf, 0xAA, 4096);
	caps->dwTotalSize = 4096;
	assert_int_equal(phoneGetDevCapsA(app, 0, version, 0, caps), 0);
	assert_int_equal(caps->dwNeededSize, caps->dwUsedSize);
	lowest = check_parts(caps, version);
	assert_int_equal(lowest, fixed);
	for (size_t i = fixed; i < sizeof(PHONECAPS); i++) {
		int in_part = 0;

		for (size_t p = 0; p < N_PARTS_1X + (version >= 0x00020000 ? 1 : 0); p++) {
			size_t field = p < N_PARTS_1X ? parts_1x[p]
						      : offsetof(PHONECAPS, dwDeviceClassesSize);
			DWORD size = get_dword(caps, field), offset = get_dword(caps, field + 4);

			if (size && i >= offset && i < (size_t)offset + size)
				in_part = 1;
		}
		if (!in_part && buf[i] != 0xAA)
			fail_msg("version 0x%08X: byte %zu (a later version's field) written",
				 (unsigned)version, i);
	}
	assert_int_equal(caps->dwNumSetData, 4);
	assert_int_equal(caps->dwPhoneStates & (PHONESTATE_OWNER | PHONESTATE_MONITORS),
			 PHONESTATE_OWNER | PHONESTATE_MONITORS);
	free(buf);
}

static void test_caps_old_versions(void **state)
{
	HPHONEAPP app = h_init_event("old");
	PHONEEXTENSIONID ext;
	DWORD version = 0;

	(void)state;
	assert_int_equal(phoneNegotiateAPIVersion(app, 0, 0x00010003, 0x00010004, &version, &ext),
			 0);
	assert_int_equal(version, 0x00010004);
	check_old_layout(app, 0x00010004);
	check_old_layout(app, 0x00020000);
	h_shutdown(app);
}

#define T(f, cfg) cmocka_unit_test_prestate_setup_teardown(f, h_setup, h_teardown, (void *)(cfg))

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_caps_too_small, config_a),
		T(test_caps_builtin_default, NULL),
		T(test_caps_old_versions, config_a),
	};

	return cmocka_run_group_tests_name("api_devcaps", tests, NULL, NULL);
}
