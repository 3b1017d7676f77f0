/* SPDX-License-Identifier: MIT */
/* setdata.c — download a buffer to a phone's data area and wait for its PHONE_REPLY.
 *
 *     cc setdata.c $(pkg-config --cflags --libs opentapi) -o setdata
 *     ./setdata [DEVICE [AREA [TEXT]]]          (defaults: 0 0 "hello")
 *
 * The steps of every TAPI phone program: initialise (with an event descriptor), negotiate the
 * API version of the device, open it as owner, make the request — phoneSetData returns a
 * request ID at once — and wait for the PHONE_REPLY that carries its result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tapi.h>

int main(int argc, char **argv)
{
	DWORD dev = argc > 1 ? (DWORD)strtoul(argv[1], NULL, 0) : 0;
	DWORD area = argc > 2 ? (DWORD)strtoul(argv[2], NULL, 0) : 0;
	const char *text = argc > 3 ? argv[3] : "hello";
	PHONEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					   .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD num_devs, version = 0x00020002, api;
	PHONEEXTENSIONID ext;
	PHONEMESSAGE msg;
	HPHONEAPP app;
	HPHONE phone;
	LONG rc, request;

	rc = phoneInitializeExA(&app, NULL, NULL, "setdata example", &num_devs, &version, &params);
	if (rc != 0) {
		fprintf(stderr, "phoneInitializeExA: 0x%08lX\n", (unsigned long)rc);
		return 1;
	}
	rc = phoneNegotiateAPIVersion(app, dev, 0x00010003, 0x00020002, &api, &ext);
	if (rc == 0)
		rc = phoneOpen(app, dev, &phone, api, 0, 0, PHONEPRIVILEGE_OWNER);
	if (rc != 0) {
		fprintf(stderr, "phone %lu: 0x%08lX\n", (unsigned long)dev, (unsigned long)rc);
		phoneShutdown(app);
		return 1;
	}

	/* The library copies the bytes: text could be freed as soon as phoneSetData returns. */
	request = phoneSetData(phone, area, (LPVOID)text, (DWORD)strlen(text));
	if (request < 0) {
		fprintf(stderr, "phoneSetData: 0x%08lX\n", (unsigned long)request);
		phoneShutdown(app);
		return 1;
	}
	printf("request %ld sent\n", (long)request);

	/* Other messages may come first (PHONE_STATE, ...): wait for this request's reply. */
	for (;;) {
		rc = phoneGetMessage(app, &msg, 10000);
		if (rc != 0) {
			fprintf(stderr, "phoneGetMessage: 0x%08lX\n", (unsigned long)rc);
			break;
		}
		if (msg.dwMessageID == PHONE_REPLY && (LONG)msg.dwParam1 == request) {
			rc = (LONG)msg.dwParam2;
			printf("PHONE_REPLY request %ld: %s\n", (long)request, rc == 0 ? "OK" : "failed");
			break;
		}
	}
	phoneShutdown(app); /* closes the phone too */
	return rc == 0 ? 0 : 1;
}
