/* SPDX-License-Identifier: MIT */
/* test_layout_unicode.c - with UNICODE defined, tapi.h must map the plain A/W names to the W
 * functions (as the Windows SDK does). Compile-time checks plus a run-time check of the exact
 * names; needs no library.
 */
#define UNICODE
#include <stdio.h>
#include <string.h>

#include <tapi.h>
#include <tspi.h>

#define STR_(x) #x
#define STR(x) STR_(x)

#define SAME(a, b) __builtin_types_compatible_p(__typeof__(a), __typeof__(b))

_Static_assert(SAME(phoneGetDevCaps, phoneGetDevCapsW), "phoneGetDevCaps -> W");
_Static_assert(SAME(phoneGetStatus, phoneGetStatusW), "phoneGetStatus -> W");
_Static_assert(SAME(phoneGetButtonInfo, phoneGetButtonInfoW), "phoneGetButtonInfo -> W");
_Static_assert(SAME(phoneSetButtonInfo, phoneSetButtonInfoW), "phoneSetButtonInfo -> W");
/* These differ in string type, so the check also proves the A form is not selected. */
_Static_assert(SAME(phoneInitializeEx, phoneInitializeExW), "phoneInitializeEx -> W");
_Static_assert(!SAME(phoneInitializeEx, phoneInitializeExA), "phoneInitializeEx not A");
_Static_assert(SAME(phoneGetID, phoneGetIDW), "phoneGetID -> W");
_Static_assert(!SAME(phoneGetID, phoneGetIDA), "phoneGetID not A");
_Static_assert(SAME(phoneGetIcon, phoneGetIconW), "phoneGetIcon -> W");
_Static_assert(!SAME(phoneGetIcon, phoneGetIconA), "phoneGetIcon not A");
_Static_assert(SAME(phoneConfigDialog, phoneConfigDialogW), "phoneConfigDialog -> W");
_Static_assert(!SAME(phoneConfigDialog, phoneConfigDialogA), "phoneConfigDialog not A");
_Static_assert(sizeof(STR(phoneGetDevCaps)) == sizeof("phoneGetDevCapsW"), "phoneGetDevCaps name");

/* WCHAR strings are UTF-16 code units. */
_Static_assert(sizeof(WCHAR) == 2, "WCHAR");
_Static_assert(SAME(*(LPCWSTR)0, const char16_t), "LPCWSTR is const char16_t *");

static const struct {
	const char *got, *want;
} mapping[] = {
	{ STR(phoneConfigDialog), "phoneConfigDialogW" },
	{ STR(phoneGetButtonInfo), "phoneGetButtonInfoW" },
	{ STR(phoneGetDevCaps), "phoneGetDevCapsW" },
	{ STR(phoneGetIcon), "phoneGetIconW" },
	{ STR(phoneGetID), "phoneGetIDW" },
	{ STR(phoneGetStatus), "phoneGetStatusW" },
	{ STR(phoneSetButtonInfo), "phoneSetButtonInfoW" },
	{ STR(phoneInitializeEx), "phoneInitializeExW" },
};

int main(void)
{
	static const WCHAR cls[] = u"tapi/phone";
	size_t i, failed = 0;

	for (i = 0; i < sizeof(mapping) / sizeof(mapping[0]); i++) {
		if (strcmp(mapping[i].got, mapping[i].want) != 0) {
			printf("FAIL with UNICODE the header maps to %s, expected %s\n",
			       mapping[i].got, mapping[i].want);
			failed++;
		}
	}
	if (sizeof(cls) != 11 * sizeof(WCHAR) || cls[0] != 't') {
		printf("FAIL u\"\" literal is not a WCHAR array\n");
		failed++;
	}
	printf("layout_unicode: %zu names checked, %zu failed\n",
	       sizeof(mapping) / sizeof(mapping[0]), failed);
	return failed ? 1 : 0;
}
