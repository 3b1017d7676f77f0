/* SPDX-License-Identifier: MIT */
/* test_ownership.c — owner and monitor privileges, PHONE_STATE(OWNER / MONITORS), status message
 * filters, phoneOpen's parameter errors, and what phoneClose / phoneShutdown do to outstanding
 * requests and to a blocked phoneGetMessage. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static const char config_a[] = H_PHONE_A_DURABLE;
static const char config_limit4[] = "[limits]\n"
				    "requests_per_app = 4\n" H_PHONE_A_DURABLE;

/* 5a. One owner at a time, any number of monitors, and PHONESTATUS tells who. */
static void test_owner_exclusive(void **state)
{
	HPHONEAPP app1 = h_init_event("Front Desk App");
	HPHONEAPP app2 = h_init_event("second");
	HPHONEAPP app3 = h_init_event("third");
	HPHONE owner = h_open(app1, 0, PHONEPRIVILEGE_OWNER, 1), other, m1, m2, m3;
	PHONESTATUS *st;
	const char *name;

	(void)state;
	assert_int_equal(phoneOpen(app2, 0, &other, H_API_VERSION, 0, 0, PHONEPRIVILEGE_OWNER),
			 (LONG)PHONEERR_INUSE);
	/* Not even the owner's own app gets a second owner handle. */
	assert_int_equal(phoneOpen(app1, 0, &other, H_API_VERSION, 0, 0, PHONEPRIVILEGE_OWNER),
			 (LONG)PHONEERR_INUSE);
	m1 = h_open(app2, 0, PHONEPRIVILEGE_MONITOR, 2);
	m2 = h_open(app3, 0, PHONEPRIVILEGE_MONITOR, 3);
	m3 = h_open(app2, 0, PHONEPRIVILEGE_MONITOR, 4);
	assert_int_not_equal(m1, m3);

	st = h_get_status(m2);
	assert_int_equal(st->dwNumOwners, 1);
	assert_int_equal(st->dwNumMonitors, 3);
	assert_int_equal(st->dwOwnerNameSize, strlen("Front Desk App") + 1);
	assert_true(st->dwOwnerNameOffset >= sizeof(PHONESTATUS));
	assert_true(st->dwOwnerNameOffset + st->dwOwnerNameSize <= st->dwUsedSize);
	name = (const char *)st + st->dwOwnerNameOffset;
	assert_int_equal(name[st->dwOwnerNameSize - 1], '\0');
	assert_string_equal(name, "Front Desk App");
	free(st);

	/* The owner sees the same counts. */
	st = h_get_status(owner);
	assert_int_equal(st->dwNumOwners, 1);
	assert_int_equal(st->dwNumMonitors, 3);
	free(st);

	assert_int_equal(phoneClose(owner), 0);
	st = h_get_status(m1);
	assert_int_equal(st->dwNumOwners, 0);
	assert_int_equal(st->dwOwnerNameSize, 0);
	free(st);
	other = h_open(app3, 0, PHONEPRIVILEGE_OWNER, 5);
	st = h_get_status(m1);
	assert_int_equal(st->dwNumOwners, 1);
	assert_int_equal(st->dwNumMonitors, 3);
	assert_string_equal((const char *)st + st->dwOwnerNameOffset, "third");
	free(st);
	{
		char byte = 9;

		h_set_data(app3, other, 0, &byte, 1);
	}
	h_shutdown(app1);
	h_shutdown(app2);
	h_shutdown(app3);
}

/* Expects PHONE_STATE(state, value) on handle `phone` of app. */
static void expect_state(HPHONEAPP app, HPHONE phone, DWORD_PTR instance, DWORD st, DWORD_PTR value)
{
	PHONEMESSAGE m;

	if (h_try_wait_message(app, PHONE_STATE, phone, st, &m, H_REPLY_TIMEOUT))
		fail_msg("no PHONE_STATE(0x%x) on handle %u", (unsigned)st, (unsigned)phone);
	assert_int_equal(m.dwParam1, st);
	assert_int_equal(m.dwParam2, value);
	assert_int_equal(m.dwCallbackInstance, instance);
}

/* 5b. PHONE_STATE(OWNER / MONITORS) reaches the handles that enabled them, with the new count,
 * and nobody else. */
static void test_owner_monitor_state_messages(void **state)
{
	HPHONEAPP watcher = h_init_event("watcher");
	HPHONEAPP silent = h_init_event("silent");
	HPHONEAPP owner_app = h_init_event("owner");
	HPHONE w, s, o, m3;

	(void)state;
	w = h_open(watcher, 0, PHONEPRIVILEGE_MONITOR, 0x11);
	assert_int_equal(phoneSetStatusMessages(w, PHONESTATE_OWNER | PHONESTATE_MONITORS, 0, 0),
			 0);

	s = h_open(silent, 0, PHONEPRIVILEGE_MONITOR, 0x22);
	expect_state(watcher, w, 0x11, PHONESTATE_MONITORS, 2);

	o = h_open(owner_app, 0, PHONEPRIVILEGE_OWNER, 0x33);
	expect_state(watcher, w, 0x11, PHONESTATE_OWNER, 1);

	m3 = h_open(owner_app, 0, PHONEPRIVILEGE_MONITOR, 0x44);
	expect_state(watcher, w, 0x11, PHONESTATE_MONITORS, 3);

	assert_int_equal(phoneClose(o), 0);
	expect_state(watcher, w, 0x11, PHONESTATE_OWNER, 0);
	assert_int_equal(phoneClose(m3), 0);
	expect_state(watcher, w, 0x11, PHONESTATE_MONITORS, 2);
	assert_int_equal(phoneClose(s), 0);
	expect_state(watcher, w, 0x11, PHONESTATE_MONITORS, 1);

	/* Owner open and close by a whole app going away (phoneShutdown) count too. */
	o = h_open(owner_app, 0, PHONEPRIVILEGE_OWNER, 0x55);
	expect_state(watcher, w, 0x11, PHONESTATE_OWNER, 1);
	h_shutdown(owner_app);
	expect_state(watcher, w, 0x11, PHONESTATE_OWNER, 0);

	/* Nothing else for the watcher, and nothing at all for handles that did not ask. */
	h_assert_quiet(watcher, H_QUIET_MS);
	h_assert_quiet(silent, H_QUIET_MS);
	h_shutdown(silent);
	h_shutdown(watcher);
}

/* 5c. phoneGetStatusMessages returns what was set; bad masks are refused and change nothing. */
static void test_status_message_masks(void **state)
{
	HPHONEAPP app = h_init_event("masks");
	HPHONE mon = h_open(app, 0, PHONEPRIVILEGE_MONITOR, 0);
	DWORD states = 1, modes = 1, bstates = 1;
	const DWORD want_states = PHONESTATE_OWNER | PHONESTATE_MONITORS | PHONESTATE_SUSPEND |
				  PHONESTATE_HANDSETHOOKSWITCH;
	const DWORD want_modes = PHONEBUTTONMODE_KEYPAD | PHONEBUTTONMODE_FEATURE;
	const DWORD want_bstates = PHONEBUTTONSTATE_DOWN | PHONEBUTTONSTATE_UP;

	(void)state;
	assert_int_equal(phoneGetStatusMessages(mon, &states, &modes, &bstates), 0);
	assert_int_equal(states, 0); /* all off by default */
	assert_int_equal(modes, 0);
	assert_int_equal(bstates, 0);

	assert_int_equal(phoneSetStatusMessages(mon, want_states, want_modes, want_bstates), 0);
	assert_int_equal(phoneGetStatusMessages(mon, &states, &modes, &bstates), 0);
	assert_int_equal(states, want_states);
	assert_int_equal(modes, want_modes);
	assert_int_equal(bstates, want_bstates);

	assert_int_equal(phoneSetStatusMessages(mon, 0x01000000u, 0, 0), (LONG)PHONEERR_INVALPHONESTATE);
	assert_int_equal(phoneSetStatusMessages(mon, PHONESTATE_OWNER | 0x80000000u, 0, 0),
			 (LONG)PHONEERR_INVALPHONESTATE);
	assert_int_equal(phoneSetStatusMessages(mon, PHONESTATE_OWNER, 0x40, PHONEBUTTONSTATE_UP),
			 (LONG)PHONEERR_INVALBUTTONMODE);
	assert_int_equal(
		phoneSetStatusMessages(mon, PHONESTATE_OWNER, 0x80000000u, PHONEBUTTONSTATE_UP),
		(LONG)PHONEERR_INVALBUTTONMODE);
	assert_int_equal(phoneSetStatusMessages(mon, PHONESTATE_OWNER, PHONEBUTTONMODE_KEYPAD, 0),
			 (LONG)PHONEERR_INVALBUTTONSTATE);
	assert_int_equal(phoneGetStatusMessages(mon, &states, &modes, &bstates), 0);
	assert_int_equal(states, want_states);
	assert_int_equal(modes, want_modes);
	assert_int_equal(bstates, want_bstates);

	/* Button states are ignored when no button mode is asked for. */
	assert_int_equal(phoneSetStatusMessages(mon, PHONESTATE_OWNER, 0, 0), 0);
	assert_int_equal(phoneGetStatusMessages(mon, &states, &modes, &bstates), 0);
	assert_int_equal(states, PHONESTATE_OWNER);
	assert_int_equal(modes, 0);
	assert_int_equal(phoneGetStatusMessages(mon, NULL, &modes, &bstates),
			 (LONG)PHONEERR_INVALPOINTER);
	h_shutdown(app);
}

/* 5d. phoneOpen / phoneNegotiateAPIVersion parameter errors. */
static void test_open_errors(void **state)
{
	DWORD devs = 0, version = 0;
	PHONEEXTENSIONID ext;
	HPHONEAPP app;
	HPHONE phone = 0;
	static const DWORD bad_privileges[] = { 0, 3, 4 };

	(void)state;
	assert_int_equal(h_try_init_event(&app, "open errors", &devs, NULL), 0);
	assert_int_equal(devs, 1);
	for (size_t i = 0; i < sizeof(bad_privileges) / sizeof(bad_privileges[0]); i++)
		assert_int_equal(phoneOpen(app, 0, &phone, H_API_VERSION, 0, 0, bad_privileges[i]),
				 (LONG)PHONEERR_INVALPRIVILEGE);
	assert_int_equal(phoneOpen(app, devs, &phone, H_API_VERSION, 0, 0, PHONEPRIVILEGE_OWNER),
			 (LONG)PHONEERR_BADDEVICEID);
	assert_int_equal(phoneOpen(app, 0, &phone, 0x00030000, 0, 0, PHONEPRIVILEGE_OWNER),
			 (LONG)PHONEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(phoneNegotiateAPIVersion(app, 0, 0x00030000, 0x00030001, &version, &ext),
			 (LONG)PHONEERR_INCOMPATIBLEAPIVERSION);
	assert_int_equal(
		phoneNegotiateAPIVersion(app, devs, 0x00010003, 0x00020002, &version, &ext),
		(LONG)PHONEERR_BADDEVICEID);

	memset(&ext, 0xFF, sizeof(ext));
	version = 0;
	assert_int_equal(phoneNegotiateAPIVersion(app, 0, 0x00010003, 0x00030001, &version, &ext),
			 0);
	assert_int_equal(version, 0x00020002);
	assert_int_equal(ext.dwExtensionID0, 0);
	assert_int_equal(ext.dwExtensionID1, 0);
	assert_int_equal(ext.dwExtensionID2, 0);
	assert_int_equal(ext.dwExtensionID3, 0);
	/* None of the refused opens left a handle behind: the phone is free for an owner. */
	(void)h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	h_shutdown(app);
}

/* 6a. phoneClose suppresses the handle's outstanding replies while another app keeps the
 * phone open; the provider still carries the writes out when released. */
static void test_close_suppresses_replies(void **state)
{
	HPHONEAPP owner_app = h_init_event("owner");
	HPHONEAPP mon_app = h_init_event("monitor");
	HPHONE owner = h_open(owner_app, 0, PHONEPRIVILEGE_OWNER, 0xA1);
	HPHONE mon = h_open(mon_app, 0, PHONEPRIVILEGE_MONITOR, 0xB2);
	char data[3][4096], back[4096];
	LONG ids[3];
	PHONEMESSAGE m;

	(void)state;
	h_command(owner_app, owner, "hold-replies");
	for (int i = 0; i < 3; i++) {
		memset(data[i], 'p' + i, sizeof(data[i]));
		ids[i] = phoneSetData(owner, 1, data[i], sizeof(data[i]));
		assert_true(ids[i] > 0);
	}
	assert_int_equal(phoneGetMessage(owner_app, &m, H_QUIET_MS), (LONG)PHONEERR_OPERATIONFAILED);
	assert_int_equal(phoneClose(owner), 0);

	/* The monitor's app sent release-replies, so that reply is its own. */
	h_command(mon_app, mon, "release-replies");
	h_assert_quiet(owner_app, H_QUIET_MS);
	h_assert_quiet(mon_app, H_QUIET_MS);
	/* Stored all the same, in order. */
	assert_int_equal(phoneGetData(mon, 1, back, sizeof(back)), 0);
	assert_memory_equal(back, data[2], sizeof(back));
	h_shutdown(mon_app);
	h_shutdown(owner_app);
}

/* 6a'. Suppression belongs to the closed handle, not to its app: the app's other handle on
 * the same phone goes on, and its own request's reply arrives. */
static void test_close_suppresses_only_that_handle(void **state)
{
	HPHONEAPP app = h_init_event("two handles");
	HPHONE owner = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0xD1);
	HPHONE mon = h_open(app, 0, PHONEPRIVILEGE_MONITOR, 0xD2);
	const char release[] = "release-replies";
	char data[64];
	LONG ids[2], rel;
	PHONEMESSAGE m;

	(void)state;
	memset(data, 'r', sizeof(data));
	h_command(app, owner, "hold-replies");
	ids[0] = phoneSetData(owner, 0, data, sizeof(data));
	ids[1] = phoneSetData(owner, 0, data, sizeof(data));
	assert_true(ids[0] > 0 && ids[1] > 0);
	assert_int_equal(phoneClose(owner), 0);
	rel = phoneDevSpecific(mon, (LPVOID)release, sizeof(release));
	assert_true(rel > 0);
	assert_int_equal(phoneGetMessage(app, &m, H_REPLY_TIMEOUT), 0);
	assert_int_equal(m.dwMessageID, PHONE_REPLY);
	assert_int_equal(m.dwParam1, (DWORD_PTR)rel);
	assert_int_equal(m.dwParam2, 0);
	assert_int_equal(m.dwCallbackInstance, 0xD2);
	h_assert_quiet(app, H_QUIET_MS);
	h_shutdown(app);
}

/* 6b. Closing the last handle makes the provider complete the outstanding requests inside
 * TSPI_phoneClose; still no reply reaches the app, and they no longer count against its
 * limit of outstanding requests. */
static void test_close_last_handle(void **state)
{
	HPHONEAPP app = h_init_event("alone");
	HPHONE owner = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0xC3);
	char data[64];
	LONG ids[3], later[4];
	PHONEMESSAGE m;
	int i;

	(void)state;
	memset(data, 'q', sizeof(data));
	h_command(app, owner, "hold-replies");
	for (i = 0; i < 3; i++) {
		ids[i] = phoneSetData(owner, 0, data, sizeof(data));
		assert_true(ids[i] > 0);
	}
	assert_int_equal(phoneGetMessage(app, &m, H_QUIET_MS), (LONG)PHONEERR_OPERATIONFAILED);
	assert_int_equal(phoneClose(owner), 0);
	h_assert_quiet(app, H_QUIET_MS);

	owner = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0xC4);
	h_command(app, owner, "release-replies"); /* whatever the provider kept of the hold */
	for (i = 0; i < 4; i++) {
		later[i] = phoneSetData(owner, 0, data, sizeof(data));
		if (later[i] <= 0)
			fail_msg("request %d after the close refused (0x%08X): the closed handle's "
				 "requests still count as outstanding",
				 i + 1, (unsigned)later[i]);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(phoneGetMessage(app, &m, H_REPLY_TIMEOUT), 0);
		assert_int_equal(m.dwMessageID, PHONE_REPLY);
		assert_int_equal(m.dwParam1, (DWORD_PTR)later[i]);
		assert_int_equal(m.dwParam2, 0);
		assert_int_equal(m.dwCallbackInstance, 0xC4);
	}
	h_assert_quiet(app, H_QUIET_MS);
	h_shutdown(app);
}

/* 6c. phoneShutdown closes the app's phones: their replies are suppressed, another app sees no
 * owner and may become it. */
static void test_shutdown_closes_phones(void **state)
{
	HPHONEAPP app1 = h_init_event("leaving");
	HPHONEAPP app2 = h_init_event("staying");
	HPHONE owner = h_open(app1, 0, PHONEPRIVILEGE_OWNER, 1);
	HPHONE mon = h_open(app2, 0, PHONEPRIVILEGE_MONITOR, 2), owner2;
	PHONESTATUS *st;
	char data[16] = "shutdown";
	char byte = 0;

	(void)state;
	h_open(app1, 0, PHONEPRIVILEGE_MONITOR, 3);
	h_command(app1, owner, "hold-replies");
	assert_true(phoneSetData(owner, 0, data, sizeof(data)) > 0);
	assert_true(phoneSetData(owner, 0, data, sizeof(data)) > 0);
	h_shutdown(app1);
	assert_int_equal(phoneSetData(owner, 0, &byte, 1), (LONG)PHONEERR_INVALPHONEHANDLE);

	st = h_get_status(mon);
	assert_int_equal(st->dwNumOwners, 0);
	assert_int_equal(st->dwNumMonitors, 1);
	free(st);
	h_command(app2, mon, "release-replies");
	h_assert_quiet(app2, H_QUIET_MS);
	owner2 = h_open(app2, 0, PHONEPRIVILEGE_OWNER, 4);
	h_set_data(app2, owner2, 0, data, sizeof(data));
	h_shutdown(app2);
}

/* 6e. A monitor cannot disturb the owner: the sim's commands that take service away (suspend,
 * disconnect, hold-replies, remove) are refused to a handle that does not own the phone, even
 * when nobody owns it, and the owner goes on undisturbed; the person-at-the-phone commands stay
 * open to monitors. */
static void test_monitor_cannot_disturb_the_owner(void **state)
{
	static const char *const owner_only[] = { "suspend", "disconnect", "hold-replies", "remove" };
	HPHONEAPP owner_app = h_init_event("owner");
	HPHONEAPP mon_app = h_init_event("monitor");
	HPHONE mon = h_open(mon_app, 0, PHONEPRIVILEGE_MONITOR, 0);
	HPHONE owner;
	PHONESTATUS *st;
	char data[8] = "mine", back[8];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(owner_only) / sizeof(owner_only[0]); i++) /* nobody owns it yet */
		assert_int_equal(h_try_command(mon_app, mon, owner_only[i]), (LONG)PHONEERR_NOTOWNER);
	owner = h_open(owner_app, 0, PHONEPRIVILEGE_OWNER, 0);
	for (i = 0; i < sizeof(owner_only) / sizeof(owner_only[0]); i++)
		assert_int_equal(h_try_command(mon_app, mon, owner_only[i]), (LONG)PHONEERR_NOTOWNER);
	h_command(mon_app, mon, "press 1");
	h_command(mon_app, mon, "release 1");
	/* The owner's writes are answered and applied as if nothing had happened. */
	h_set_data(owner_app, owner, 0, data, sizeof(data));
	assert_int_equal(phoneGetData(mon, 0, back, sizeof(back)), 0);
	assert_memory_equal(back, data, sizeof(data));
	st = h_get_status(owner);
	assert_int_equal(st->dwStatusFlags & (PHONESTATUSFLAGS_SUSPENDED | PHONESTATUSFLAGS_CONNECTED),
			 PHONESTATUSFLAGS_CONNECTED);
	free(st);
	/* The owner itself may. */
	h_command(owner_app, owner, "suspend");
	h_command(mon_app, mon, "resume");
	h_shutdown(mon_app);
	h_shutdown(owner_app);
}

/* A process that owns phone 0 until its pipe closes, then dies without phoneShutdown. */
struct owner_child {
	int ready, hold; /* pipe ends: "o" when it owns the phone; EOF: die */
	int parents[2];  /* the parent's ends, closed in the child so that EOF can come */
};

static int owning_child(void *arg)
{
	struct owner_child *oc = arg;
	HPHONEAPP app;
	HPHONE phone;
	char c;

	close(oc->parents[0]);
	close(oc->parents[1]);
	if (h_try_init_event(&app, "other process", NULL, NULL) != 0 ||
	    h_try_open(app, 0, PHONEPRIVILEGE_OWNER, 0, &phone) != 0)
		return 10;
	if (write(oc->ready, "o", 1) != 1)
		return 11;
	while (read(oc->hold, &c, 1) > 0)
		;
	_exit(0); /* gone, phone and all */
}

/* 6f. Ownership is exclusive between processes, and a process that dies lets go of its phone:
 * monitors elsewhere hear PHONE_STATE(OWNER). Not in embedded mode, where each process has an
 * engine of its own by request (OPENTAPI_SERVER=embedded). */
static void test_owner_is_exclusive_across_processes(void **state)
{
	struct owner_child oc;
	int ready[2], hold[2];
	HPHONEAPP app;
	HPHONE mon, h;
	PHONESTATUS *st;
	PHONEMESSAGE m;
	pid_t pid;
	char c;

	(void)state;
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(hold), 0);
	oc = (struct owner_child){ ready[1], hold[0], { ready[0], hold[1] } };
	pid = h_fork(owning_child, &oc);
	close(ready[1]);
	close(hold[0]);
	assert_true(h_readable(ready[0], (int)H_REPLY_TIMEOUT));
	assert_int_equal(read(ready[0], &c, 1), 1);
	app = h_init_event("this process");
	mon = h_open(app, 0, PHONEPRIVILEGE_MONITOR, 0);
	assert_int_equal(phoneSetStatusMessages(mon, PHONESTATE_OWNER, 0, 0), 0);
	assert_int_equal(h_try_open(app, 0, PHONEPRIVILEGE_OWNER, 0, &h), (LONG)PHONEERR_INUSE);
	st = h_get_status(mon);
	assert_int_equal(st->dwNumOwners, 1);
	free(st);
	close(hold[1]); /* the owner dies */
	assert_int_equal(h_wait_child(pid, H_REPLY_TIMEOUT), 0);
	assert_int_equal(h_try_wait_message(app, PHONE_STATE, mon, PHONESTATE_OWNER, &m,
					    H_REPLY_TIMEOUT), 0);
	st = h_get_status(mon);
	assert_int_equal(st->dwNumOwners, 0);
	free(st);
	h = h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	close(ready[0]);
	h_shutdown(app);
}

struct blocked_get {
	HPHONEAPP app;
	atomic_int started;
	LONG rc;
};

static void *blocked_get_thread(void *arg)
{
	struct blocked_get *b = arg;
	PHONEMESSAGE m;

	atomic_store(&b->started, 1);
	b->rc = phoneGetMessage(b->app, &m, INFINITE);
	return NULL;
}

/* Blocks a thread in phoneGetMessage(INFINITE) on app, shuts the app down, and checks the
 * thread comes back with INVALAPPHANDLE (a thread still blocked at the hang guard fails). */
static void shutdown_blocked(HPHONEAPP app)
{
	struct blocked_get b = { .app = app };
	struct timespec deadline;
	pthread_t t;
	int rc;

	assert_int_equal(pthread_create(&t, NULL, blocked_get_thread, &b), 0);
	while (!atomic_load(&b.started))
		usleep(1000);
	usleep(100 * 1000); /* let it block inside phoneGetMessage */
	h_shutdown(app);

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += test_deadline_ms(5000) / 1000;
	rc = pthread_timedjoin_np(t, NULL, &deadline);
	if (rc == ETIMEDOUT)
		fail_msg("phoneGetMessage(INFINITE) still blocked %u s after phoneShutdown",
			 test_deadline_ms(5000) / 1000);
	assert_int_equal(rc, 0);
	assert_int_equal(b.rc, (LONG)PHONEERR_INVALAPPHANDLE);
}

/* 6d. phoneShutdown wakes a phoneGetMessage(INFINITE) blocked in another thread: while another
 * app lives, and when it is the last app of the process (the engine goes away too). */
static void test_shutdown_wakes_get_message(void **state)
{
	HPHONEAPP other = h_init_event("other");
	HPHONEAPP app = h_init_event("blocked");

	(void)state;
	h_open(app, 0, PHONEPRIVILEGE_OWNER, 0);
	shutdown_blocked(app);
	/* The other app is untouched. */
	h_open(other, 0, PHONEPRIVILEGE_OWNER, 0);
	shutdown_blocked(other);
	assert_true(h_no_app_left());
}

#define T(f, cfg) cmocka_unit_test_prestate_setup_teardown(f, h_setup, h_teardown, (void *)(cfg))

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_owner_exclusive, config_a),
		T(test_owner_monitor_state_messages, config_a),
		T(test_status_message_masks, config_a),
		T(test_open_errors, config_a),
		T(test_close_suppresses_replies, config_a),
		T(test_close_suppresses_only_that_handle, config_a),
		T(test_close_last_handle, config_limit4),
		T(test_shutdown_closes_phones, config_a),
		T(test_shutdown_wakes_get_message, config_a),
		T(test_monitor_cannot_disturb_the_owner, config_a),
		/* Only where processes share one engine (through a server). */
		T(test_owner_is_exclusive_across_processes, config_a),
	};
	const size_t n = sizeof(tests) / sizeof(tests[0]);

	return _cmocka_run_group_tests("api_ownership", tests,
				       h_server_mode() || h_ondemand_mode() ? n : n - 1, NULL, NULL);
}
