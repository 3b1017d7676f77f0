/* SPDX-License-Identifier: MIT */
/* monitor.c — print a phone's hook switch and button events, as a softphone would use them.
 *
 *     cc monitor.c $(pkg-config --cflags --libs opentapi) -o monitor
 *     ./monitor [DEVICE [COUNT]]         (defaults: 0, and no limit)
 *
 * Opens the phone as a monitor — any number of applications may, while one owns it — and asks
 * for the hook switch states of its handset, speaker and headset and for every button going
 * down and up (phoneSetStatusMessages). PHONE_STATE's dwParam2 is the new hook switch mode;
 * PHONE_BUTTON carries the button's ID, mode and state.
 */
#include <stdio.h>
#include <stdlib.h>

#include <tapi.h>

static const char *hook_device(DWORD state)
{
	switch (state) {
	case PHONESTATE_HANDSETHOOKSWITCH: return "handset";
	case PHONESTATE_SPEAKERHOOKSWITCH: return "speaker";
	case PHONESTATE_HEADSETHOOKSWITCH: return "headset";
	default: return NULL;
	}
}

static const char *hook_mode(DWORD mode)
{
	switch (mode) {
	case PHONEHOOKSWITCHMODE_ONHOOK: return "on hook";
	case PHONEHOOKSWITCHMODE_MIC: return "off hook, microphone";
	case PHONEHOOKSWITCHMODE_SPEAKER: return "off hook, speaker";
	case PHONEHOOKSWITCHMODE_MICSPEAKER: return "off hook";
	default: return "unknown";
	}
}

int main(int argc, char **argv)
{
	DWORD dev = argc > 1 ? (DWORD)strtoul(argv[1], NULL, 0) : 0;
	long count = argc > 2 ? strtol(argv[2], NULL, 0) : -1;
	PHONEINITIALIZEEXPARAMS params = { .dwTotalSize = sizeof(params),
					   .dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT };
	DWORD num_devs, version = 0x00020002, api;
	PHONEEXTENSIONID ext;
	PHONEMESSAGE msg;
	HPHONEAPP app;
	HPHONE phone;
	LONG rc;

	rc = phoneInitializeExA(&app, NULL, NULL, "monitor example", &num_devs, &version, &params);
	if (rc == 0)
		rc = phoneNegotiateAPIVersion(app, dev, 0x00010003, 0x00020002, &api, &ext);
	if (rc == 0)
		rc = phoneOpen(app, dev, &phone, api, 0, 0, PHONEPRIVILEGE_MONITOR);
	if (rc == 0)
		rc = phoneSetStatusMessages(phone, PHONESTATE_HANDSETHOOKSWITCH |
						   PHONESTATE_SPEAKERHOOKSWITCH |
						   PHONESTATE_HEADSETHOOKSWITCH,
					    PHONEBUTTONMODE_KEYPAD | PHONEBUTTONMODE_FEATURE |
						    PHONEBUTTONMODE_CALL | PHONEBUTTONMODE_LOCAL,
					    PHONEBUTTONSTATE_UP | PHONEBUTTONSTATE_DOWN);
	if (rc != 0) {
		fprintf(stderr, "setting up phone %lu: 0x%08lX\n", (unsigned long)dev,
			(unsigned long)rc);
		return 1;
	}
	printf("monitoring phone %lu\n", (unsigned long)dev);
	fflush(stdout);

	while (count != 0 && phoneGetMessage(app, &msg, INFINITE) == 0) {
		const char *what = msg.dwMessageID == PHONE_STATE ? hook_device((DWORD)msg.dwParam1)
								   : NULL;

		if (what)
			printf("%s: %s\n", what, hook_mode((DWORD)msg.dwParam2));
		else if (msg.dwMessageID == PHONE_BUTTON)
			printf("button %lu %s\n", (unsigned long)msg.dwParam1,
			       msg.dwParam3 == PHONEBUTTONSTATE_DOWN ? "down" : "up");
		else if (msg.dwMessageID == PHONE_CLOSE)
			break; /* the phone went away */
		else
			continue; /* owner and monitor changes, replies: not counted */
		fflush(stdout);
		if (count > 0)
			count--;
	}
	phoneShutdown(app);
	return 0;
}
