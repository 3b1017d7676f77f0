/* SPDX-License-Identifier: MIT */
/* wide.c — the W functions: UTF-16 in and out, as a UNICODE Windows program uses them.
 *
 *     cc wide.c $(pkg-config --cflags --libs opentapi) -o wide
 *     ./wide                             (lists the phones by their names)
 *
 * Each function that takes or returns text has an A form (UTF-8 on Linux) and a W form
 * (UTF-16, WCHAR). The W form of phoneGetDevCaps returns the strings of PHONECAPS in UTF-16
 * (dwStringFormat STRINGFORMAT_UNICODE); this program converts the name back to UTF-8 to print
 * it. On Linux WCHAR is char16_t: u"..." literals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <uchar.h>

#include <tapi.h>

/* Prints a UTF-16 string of n code units as UTF-8 (surrogate pairs joined). */
static void print_utf16(const char16_t *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned long c = s[i];

		if (c >= 0xD800 && c < 0xDC00 && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] < 0xE000)
			c = 0x10000 + ((c - 0xD800) << 10) + (s[++i] - 0xDC00);
		if (c < 0x80)
			putchar((int)c);
		else if (c < 0x800)
			printf("%c%c", (int)(0xC0 | c >> 6), (int)(0x80 | (c & 0x3F)));
		else if (c < 0x10000)
			printf("%c%c%c", (int)(0xE0 | c >> 12), (int)(0x80 | ((c >> 6) & 0x3F)),
			       (int)(0x80 | (c & 0x3F)));
		else
			printf("%c%c%c%c", (int)(0xF0 | c >> 18), (int)(0x80 | ((c >> 12) & 0x3F)),
			       (int)(0x80 | ((c >> 6) & 0x3F)), (int)(0x80 | (c & 0x3F)));
	}
}

int main(void)
{
	PHONEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					   .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD num_devs, version = 0x00020002;
	HPHONEAPP app;
	LONG rc;

	rc = phoneInitializeExW(&app, NULL, NULL, u"wide example", &num_devs, &version, &params);
	if (rc != 0) {
		fprintf(stderr, "phoneInitializeExW: 0x%08lX\n", (unsigned long)rc);
		return 1;
	}
	for (DWORD dev = 0; dev < num_devs; dev++) {
		/* Large enough for any phone here; a program that cannot know grows the buffer to
		 * dwNeededSize and calls again. */
		PHONECAPS *caps = calloc(1, 8192);
		DWORD api;
		PHONEEXTENSIONID ext;

		if (!caps)
			break;
		caps->dwTotalSize = 8192;
		rc = phoneNegotiateAPIVersion(app, dev, 0x00010003, 0x00020002, &api, &ext);
		if (rc == 0)
			rc = phoneGetDevCapsW(app, dev, api, 0, caps);
		printf("%lu  ", (unsigned long)dev);
		if (rc == 0 && caps->dwPhoneNameSize)
			print_utf16((const char16_t *)((const char *)caps + caps->dwPhoneNameOffset),
				    caps->dwPhoneNameSize / sizeof(char16_t));
		else
			printf("(0x%08lX)", (unsigned long)rc);
		putchar('\n');
		free(caps);
	}
	phoneShutdown(app);
	return 0;
}
