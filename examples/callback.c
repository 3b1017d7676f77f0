/* SPDX-License-Identifier: MIT */
/* callback.c — TAPI's messages delivered to a callback function (the TAPI 1.x way).
 *
 *     cc callback.c $(pkg-config --cflags --libs opentapi) -o callback
 *     ./callback [DEVICE [COUNT]]        (defaults: 0 and 2: a button pressed and released)
 *
 * phoneInitialize registers a callback. On Windows it runs in the thread that pumps the app's
 * window messages; on Linux a thread of the library calls it, one message at a time and outside
 * the library's locks, so it may call phone* functions. Anything it shares with the rest of the
 * program needs the program's own lock, as here.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <tapi.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static long remaining;

static void CALLBACK on_message(DWORD device, DWORD message, DWORD_PTR instance,
				DWORD_PTR param1, DWORD_PTR param2, DWORD_PTR param3)
{
	(void)instance;
	if (message == PHONE_BUTTON)
		printf("button %lu mode %lu state %lu\n", (unsigned long)param1,
		       (unsigned long)param2, (unsigned long)param3);
	else
		printf("message %lu on %lu: %lu %lu %lu\n", (unsigned long)message,
		       (unsigned long)device, (unsigned long)param1, (unsigned long)param2,
		       (unsigned long)param3);
	fflush(stdout);
	pthread_mutex_lock(&lock);
	remaining--;
	pthread_cond_signal(&changed);
	pthread_mutex_unlock(&lock);
}

int main(int argc, char **argv)
{
	DWORD dev = argc > 1 ? (DWORD)strtoul(argv[1], NULL, 0) : 0;
	DWORD num_devs, api;
	PHONEEXTENSIONID ext;
	HPHONEAPP app;
	HPHONE phone;
	LONG rc;

	remaining = argc > 2 ? strtol(argv[2], NULL, 0) : 2;
	rc = phoneInitialize(&app, NULL, on_message, "callback example", &num_devs);
	if (rc == 0)
		rc = phoneNegotiateAPIVersion(app, dev, 0x00010003, 0x00020002, &api, &ext);
	if (rc == 0)
		rc = phoneOpen(app, dev, &phone, api, 0, 0, PHONEPRIVILEGE_MONITOR);
	if (rc == 0)
		rc = phoneSetStatusMessages(phone, 0,
					    PHONEBUTTONMODE_KEYPAD | PHONEBUTTONMODE_FEATURE,
					    PHONEBUTTONSTATE_UP | PHONEBUTTONSTATE_DOWN);
	if (rc != 0) {
		fprintf(stderr, "setting up phone %lu: 0x%08lX\n", (unsigned long)dev,
			(unsigned long)rc);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	pthread_mutex_lock(&lock);
	while (remaining > 0)
		pthread_cond_wait(&changed, &lock);
	pthread_mutex_unlock(&lock);
	/* No callback runs after phoneShutdown has returned. */
	phoneShutdown(app);
	return 0;
}
