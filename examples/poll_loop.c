/* SPDX-License-Identifier: MIT */
/* poll_loop.c — TAPI's messages in a program's own poll() loop.
 *
 *     cc poll_loop.c $(pkg-config --cflags --libs opentapi) -o poll_loop
 *     ./poll_loop [DEVICE [COUNT]]       (defaults: 0, and no limit: runs until stdin ends)
 *
 * With PHONEINITIALIZEEXOPTION_USEEVENT, Handles.hEvent is a file descriptor that is readable
 * while a message waits (on Windows it is an event handle for WaitForSingleObject). A program
 * that already polls descriptors — stdin here, sockets in a real one — adds it to its set and
 * calls phoneGetMessage with a timeout of 0 when it is readable. The library owns the
 * descriptor: do not read, write or close it.
 */
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <tapi.h>

int main(int argc, char **argv)
{
	DWORD dev = argc > 1 ? (DWORD)strtoul(argv[1], NULL, 0) : 0;
	long count = argc > 2 ? strtol(argv[2], NULL, 0) : -1;
	PHONEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					   .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD num_devs, version = 0x00020002, api;
	PHONEEXTENSIONID ext;
	HPHONEAPP app;
	HPHONE phone;
	struct pollfd fds[2];
	LONG rc;

	rc = phoneInitializeExA(&app, NULL, NULL, "poll example", &num_devs, &version, &params);
	if (rc == 0)
		rc = phoneNegotiateAPIVersion(app, dev, 0x00010003, 0x00020002, &api, &ext);
	if (rc == 0)
		rc = phoneOpen(app, dev, &phone, api, 0, 0, PHONEPRIVILEGE_MONITOR);
	/* Buttons and every state change of the phone. */
	if (rc == 0)
		rc = phoneSetStatusMessages(phone, PHONESTATE_HANDSETHOOKSWITCH |
						   PHONESTATE_SPEAKERHOOKSWITCH |
						   PHONESTATE_HEADSETHOOKSWITCH | PHONESTATE_DISPLAY |
						   PHONESTATE_LAMP,
					    PHONEBUTTONMODE_KEYPAD | PHONEBUTTONMODE_FEATURE |
						    PHONEBUTTONMODE_CALL | PHONEBUTTONMODE_LOCAL,
					    PHONEBUTTONSTATE_UP | PHONEBUTTONSTATE_DOWN);
	if (rc != 0) {
		fprintf(stderr, "setting up phone %lu: 0x%08lX\n", (unsigned long)dev,
			(unsigned long)rc);
		return 1;
	}
	fds[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = (int)(intptr_t)params.Handles.hEvent, .events = POLLIN };
	printf("ready\n");
	fflush(stdout);

	while (count != 0 && poll(fds, 2, -1) > 0) {
		if (fds[0].revents) {
			char buf[256];

			if (read(STDIN_FILENO, buf, sizeof(buf)) <= 0)
				break; /* the program's own work; here: stop at the end of stdin */
		}
		if (fds[1].revents & POLLIN) {
			PHONEMESSAGE msg;

			while (count != 0 && phoneGetMessage(app, &msg, 0) == 0) {
				printf("message %lu param1=%lu param2=%lu param3=%lu\n",
				       (unsigned long)msg.dwMessageID, (unsigned long)msg.dwParam1,
				       (unsigned long)msg.dwParam2, (unsigned long)msg.dwParam3);
				fflush(stdout);
				if (count > 0)
					count--;
			}
		}
	}
	phoneShutdown(app);
	return 0;
}
