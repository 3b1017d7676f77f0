/* SPDX-License-Identifier: MIT */
/* Unit tests of the engine (src/engine), driven directly, with the sim provider (durable = no)
 * and the test provider loaded from the build tree (OPENTAPI_PROVIDER_PATH). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tapi.h>

#include "alloc.h"
#include "config.h"
#include "engine.h"
#include "internal.h"

#define MAX_EVENTS 64

struct recorder {
	struct ot_event events[MAX_EVENTS];
	int count;
	int refuse_reservations;
	int reserved, unreserved;
};

static void record_event(void *ctx, const struct ot_event *ev)
{
	struct recorder *r = ctx;

	if (r->count < MAX_EVENTS)
		r->events[r->count++] = *ev;
}

static int reserve(void *ctx, uint64_t cookie)
{
	struct recorder *r = ctx;

	(void)cookie;
	if (r->refuse_reservations)
		return -1;
	r->reserved++;
	return 0;
}

static void unreserve(void *ctx, uint64_t cookie)
{
	struct recorder *r = ctx;

	(void)cookie;
	r->unreserved++;
}

static const struct ot_sink sink = { record_event, reserve, unreserve };

static const char config_text[] =
	"[limits]\n"
	"requests_per_app = 3\n"
	"[phone \"Sim\"]\n"
	"provider = sim\n"
	"data_areas = 16, 1024\n"
	"durable = no\n"
	"[phone \"No setdata\"]\n"
	"provider = testprov\n"
	"data_areas = 8\n";

struct fixture {
	struct ot_engine *e;
	struct ot_client *c1, *c2;
	struct recorder r1, r2;
	HPHONEAPP a1, a2;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct ot_config *cfg;
	char err[256];

	assert_int_equal(ot_config_parse(config_text, strlen(config_text), "test", &cfg, err,
					 sizeof(err)), 0);
	assert_int_equal(ot_engine_create(cfg, &f->e, err, sizeof(err)), 0);
	ot_config_free(cfg);
	f->c1 = ot_engine_client_new(f->e, &sink, &f->r1);
	f->c2 = ot_engine_client_new(f->e, &sink, &f->r2);
	assert_non_null(f->c1);
	assert_non_null(f->c2);
	assert_int_equal(ot_engine_app_new(f->e, f->c1, "one", 0x00020002, 1, &f->a1), 0);
	assert_int_equal(ot_engine_app_new(f->e, f->c2, "two", 0x00020002, 2, &f->a2), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ot_engine_destroy(f->e);
	free(f);
	return 0;
}

static HPHONE open_phone(struct fixture *f, struct ot_client *c, HPHONEAPP a, DWORD dev, DWORD priv)
{
	HPHONE h = 0;

	assert_int_equal(ot_engine_open(f->e, c, a, dev, &h, 0x00020002, 0, 0x1234, priv), 0);
	assert_true(h > 0);
	return h;
}

static void devices_come_from_the_config(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ot_engine_num_devices(f->e), 2);
}

static void only_one_engine_per_process(void **state)
{
	struct fixture *f = *state;
	struct ot_engine *second;
	struct ot_config *cfg;
	char err[256];

	(void)f;
	assert_int_equal(ot_config_default(&cfg), 0);
	assert_int_equal(ot_engine_create(cfg, &second, err, sizeof(err)),
			 (LONG)PHONEERR_RESOURCEUNAVAIL);
	ot_config_free(cfg);
}

static void a_client_cannot_reach_another_clients_handles(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_phone(f, f->c1, f->a1, 0, PHONEPRIVILEGE_OWNER);
	HPHONE other;
	char buf[4] = "abc";

	assert_int_equal(ot_engine_open(f->e, f->c2, f->a1, 0, &other, 0x00020002, 0, 0,
					PHONEPRIVILEGE_MONITOR), (LONG)PHONEERR_INVALAPPHANDLE);
	assert_int_equal(ot_engine_set_data(f->e, f->c2, h, 0, buf, 3, NULL),
			 (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(ot_engine_close(f->e, f->c2, h), (LONG)PHONEERR_INVALPHONEHANDLE);
	assert_int_equal(ot_engine_app_free(f->e, f->c2, f->a1), (LONG)PHONEERR_INVALAPPHANDLE);
	assert_int_equal(ot_engine_close(f->e, f->c1, h), 0);
}

static void inline_completion_replies_once(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_phone(f, f->c1, f->a1, 0, PHONEPRIVILEGE_OWNER);
	char out[16] = { 0 };
	LONG id;

	/* durable = no: the sim completes inside TSPI_phoneSetData, before we get the ID. */
	id = ot_engine_set_data(f->e, f->c1, h, 0, "hello", 5, NULL);
	assert_true(id > 0);
	assert_int_equal(f->r1.count, 1);
	assert_int_equal(f->r1.events[0].msg.dwMessageID, PHONE_REPLY);
	assert_int_equal(f->r1.events[0].msg.dwParam1, id);
	assert_int_equal(f->r1.events[0].msg.dwParam2, 0);
	assert_int_equal(f->r1.events[0].msg.dwCallbackInstance, 0x1234);
	assert_int_equal(f->r1.events[0].app_cookie, 1);
	assert_false(f->r1.events[0].suppressed);
	assert_int_equal(f->r1.reserved, 1);
	assert_int_equal(ot_engine_get_data(f->e, f->c1, h, 0, out, sizeof(out), NULL), 0);
	assert_memory_equal(out, "hello", 5);
	assert_int_equal(ot_engine_close(f->e, f->c1, h), 0);
}

static void request_ids_are_per_app_and_wrap_past_zero(void **state)
{
	struct fixture *f = *state;
	HPHONE h1 = open_phone(f, f->c1, f->a1, 0, PHONEPRIVILEGE_OWNER);
	struct ot_app *app;

	assert_int_equal(ot_engine_set_data(f->e, f->c1, h1, 0, "x", 1, NULL), 1);
	assert_int_equal(ot_engine_set_data(f->e, f->c1, h1, 0, "x", 1, NULL), 2);
	app = ot_handles_get(&f->e->apps, f->a1);
	app->last_request_id = 0x7FFFFFFEu;
	assert_int_equal(ot_engine_set_data(f->e, f->c1, h1, 0, "x", 1, NULL), 0x7FFFFFFF);
	assert_int_equal(ot_engine_set_data(f->e, f->c1, h1, 0, "x", 1, NULL), 1);
	ot_engine_close(f->e, f->c1, h1);
}

static void validation_happens_before_the_provider(void **state)
{
	struct fixture *f = *state;
	HPHONE owner = open_phone(f, f->c1, f->a1, 0, PHONEPRIVILEGE_OWNER);
	HPHONE monitor = open_phone(f, f->c2, f->a2, 0, PHONEPRIVILEGE_MONITOR);
	HPHONE noset = open_phone(f, f->c1, f->a1, 1, PHONEPRIVILEGE_OWNER);
	static char big[17];

	assert_int_equal(ot_engine_set_data(f->e, f->c2, monitor, 0, "x", 1, NULL),
			 (LONG)PHONEERR_NOTOWNER);
	assert_int_equal(ot_engine_set_data(f->e, f->c1, owner, 2, "x", 1, NULL),
			 (LONG)PHONEERR_INVALDATAID);
	assert_int_equal(ot_engine_set_data(f->e, f->c1, owner, 0, NULL, 1, NULL),
			 (LONG)PHONEERR_INVALPOINTER);
	assert_int_equal(ot_engine_set_data(f->e, f->c1, owner, 0, big, sizeof(big), NULL),
			 (LONG)PHONEERR_INVALPARAM);
	assert_int_equal(ot_engine_set_data(f->e, f->c1, noset, 0, "x", 1, NULL),
			 (LONG)PHONEERR_OPERATIONUNAVAIL);
	assert_int_equal(f->r1.count, 0);
	assert_int_equal(f->r1.reserved, 0);
	ot_engine_close(f->e, f->c1, owner);
	ot_engine_close(f->e, f->c2, monitor);
	ot_engine_close(f->e, f->c1, noset);
}

/* Waits up to 2 s for a recorder to hold n events (the sim's writer thread completes some). */
static int wait_events(struct fixture *f, struct recorder *r, int n)
{
	int i, count = 0;

	for (i = 0; i < 200; i++) {
		pthread_mutex_lock(&f->e->lock);
		count = r->count;
		pthread_mutex_unlock(&f->e->lock);
		if (count >= n)
			break;
		usleep(10000);
	}
	return count;
}

static void dev_specific(struct fixture *f, struct ot_client *c, HPHONE h, const char *cmd)
{
	assert_true(ot_engine_dev_specific(f->e, c, h, cmd, (DWORD)strlen(cmd) + 1) > 0);
}

static void outstanding_requests_are_limited_per_app(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_phone(f, f->c1, f->a1, 0, PHONEPRIVILEGE_OWNER);
	int i;

	dev_specific(f, f->c1, h, "hold-replies");
	f->r1.count = 0;
	for (i = 0; i < 3; i++)
		assert_true(ot_engine_set_data(f->e, f->c1, h, 0, "x", 1, NULL) > 0);
	assert_int_equal(ot_engine_set_data(f->e, f->c1, h, 0, "x", 1, NULL),
			 (LONG)PHONEERR_RESOURCEUNAVAIL);
	/* release-replies itself is a request: only once one slot is free. */
	ot_engine_close(f->e, f->c1, h);
	h = open_phone(f, f->c1, f->a1, 0, PHONEPRIVILEGE_OWNER);
	assert_true(ot_engine_set_data(f->e, f->c1, h, 0, "x", 1, NULL) > 0);
	ot_engine_close(f->e, f->c1, h);
}

static void close_suppresses_outstanding_replies(void **state)
{
	struct fixture *f = *state;
	HPHONE owner = open_phone(f, f->c1, f->a1, 0, PHONEPRIVILEGE_OWNER);
	HPHONE monitor = open_phone(f, f->c2, f->a2, 0, PHONEPRIVILEGE_MONITOR);
	int i, replies = 0;

	dev_specific(f, f->c1, owner, "hold-replies");
	f->r1.count = 0;
	assert_true(ot_engine_set_data(f->e, f->c1, owner, 0, "x", 1, NULL) > 0);
	assert_true(ot_engine_set_data(f->e, f->c1, owner, 0, "y", 1, NULL) > 0);
	assert_int_equal(ot_engine_close(f->e, f->c1, owner), 0);
	dev_specific(f, f->c2, monitor, "release-replies");
	assert_int_equal(wait_events(f, &f->r1, 2), 2);
	for (i = 0; i < f->r1.count; i++) {
		assert_int_equal(f->r1.events[i].msg.dwMessageID, PHONE_REPLY);
		assert_true(f->r1.events[i].suppressed);
		replies++;
	}
	assert_int_equal(replies, 2);
	ot_engine_close(f->e, f->c2, monitor);
}

static void ownership_and_state_fan_out(void **state)
{
	struct fixture *f = *state;
	HPHONE monitor = open_phone(f, f->c2, f->a2, 0, PHONEPRIVILEGE_MONITOR);
	HPHONE quiet = open_phone(f, f->c2, f->a2, 0, PHONEPRIVILEGE_MONITOR);
	HPHONE owner, second;

	assert_int_equal(ot_engine_set_status_messages(f->e, f->c2, monitor,
						       PHONESTATE_OWNER | PHONESTATE_MONITORS, 0, 0),
			 0);
	f->r2.count = 0;
	owner = open_phone(f, f->c1, f->a1, 0, PHONEPRIVILEGE_OWNER);
	assert_int_equal(ot_engine_open(f->e, f->c2, f->a2, 0, &second, 0x00020002, 0, 0,
					PHONEPRIVILEGE_OWNER), (LONG)PHONEERR_INUSE);
	assert_int_equal(f->r2.count, 1);
	assert_int_equal(f->r2.events[0].msg.hDevice, monitor);
	assert_int_equal(f->r2.events[0].msg.dwMessageID, PHONE_STATE);
	assert_int_equal(f->r2.events[0].msg.dwParam1, PHONESTATE_OWNER);
	assert_int_equal(f->r2.events[0].msg.dwParam2, 1);
	ot_engine_close(f->e, f->c1, owner);
	assert_int_equal(f->r2.count, 2);
	assert_int_equal(f->r2.events[1].msg.dwParam2, 0);
	/* Another monitor leaving is news to this one, whichever app it belonged to. */
	ot_engine_close(f->e, f->c2, quiet);
	assert_int_equal(f->r2.count, 3);
	assert_int_equal(f->r2.events[2].msg.dwParam1, PHONESTATE_MONITORS);
	assert_int_equal(f->r2.events[2].msg.dwParam2, 1);
	ot_engine_close(f->e, f->c2, monitor);
}

static void refused_reservation_is_nomem(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_phone(f, f->c1, f->a1, 0, PHONEPRIVILEGE_OWNER);

	f->r1.refuse_reservations = 1;
	assert_int_equal(ot_engine_set_data(f->e, f->c1, h, 0, "x", 1, NULL), (LONG)PHONEERR_NOMEM);
	f->r1.refuse_reservations = 0;
	assert_true(ot_engine_set_data(f->e, f->c1, h, 0, "x", 1, NULL) > 0);
	ot_engine_close(f->e, f->c1, h);
}

static void unknown_completions_are_ignored(void **state)
{
	struct fixture *f = *state;

	ot_on_completion(0x12345, 0);
	ot_on_completion(0, 0);
	assert_int_equal(f->r1.count, 0);
	assert_int_equal(f->r2.count, 0);
}

/* Every allocation of a set-data request can fail: each time the answer is PHONEERR_NOMEM and
 * nothing leaks. */
static void set_data_allocation_sweep(void **state)
{
	struct fixture *f = *state;
	HPHONE h = open_phone(f, f->c1, f->a1, 0, PHONEPRIVILEGE_OWNER);
	long live = ot_alloc_live();
	long n;
	LONG rc;

	for (n = 0;; n++) {
		ot_alloc_fail_after(n);
		rc = ot_engine_set_data(f->e, f->c1, h, 1, "payload", 7, NULL);
		ot_alloc_fail_after(-1);
		if (rc > 0)
			break;
		assert_int_equal(rc, (LONG)PHONEERR_NOMEM);
		assert_int_equal(ot_alloc_live(), live);
		assert_true(n < 20);
	}
	ot_engine_close(f->e, f->c1, h);
}

/* The same for opening a phone, registering an app, and a whole engine bring-up. */
static void open_and_app_allocation_sweep(void **state)
{
	struct fixture *f = *state;
	HPHONEAPP app;
	HPHONE h;
	long live, n;
	LONG rc;

	/* The first open grows the handle table for good; that is not a leak. */
	ot_engine_close(f->e, f->c1, open_phone(f, f->c1, f->a1, 0, PHONEPRIVILEGE_OWNER));
	live = ot_alloc_live();
	for (n = 0;; n++) {
		ot_alloc_fail_after(n);
		rc = ot_engine_open(f->e, f->c1, f->a1, 0, &h, 0x00020002, 0, 0,
				    PHONEPRIVILEGE_OWNER);
		ot_alloc_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, (LONG)PHONEERR_NOMEM);
		assert_int_equal(ot_alloc_live(), live);
	}
	ot_engine_close(f->e, f->c1, h);
	for (n = 0;; n++) {
		ot_alloc_fail_after(n);
		rc = ot_engine_app_new(f->e, f->c1, "sweep", 0x00020002, 9, &app);
		ot_alloc_fail_after(-1);
		if (rc == 0)
			break;
		assert_int_equal(rc, (LONG)PHONEERR_NOMEM);
	}
	ot_engine_app_free(f->e, f->c1, app);
	assert_int_equal(ot_alloc_live(), live);
}

static void engine_bring_up_allocation_sweep(void **state)
{
	struct ot_config *cfg;
	struct ot_engine *e;
	char err[256];
	long live, n;
	LONG rc;

	(void)state;
	assert_int_equal(ot_config_parse(config_text, strlen(config_text), "test", &cfg, err,
					 sizeof(err)), 0);
	live = ot_alloc_live();
	for (n = 0;; n++) {
		ot_alloc_fail_after(n);
		rc = ot_engine_create(cfg, &e, err, sizeof(err));
		ot_alloc_fail_after(-1);
		if (rc == 0)
			break;
		/* The sim provider reports its own allocation failures as a refused configuration. */
		assert_true(rc == (LONG)PHONEERR_NOMEM || rc == (LONG)PHONEERR_INIFILECORRUPT ||
			    rc == (LONG)PHONEERR_NODRIVER);
		assert_int_equal(ot_alloc_live(), live);
	}
	ot_engine_destroy(e);
	ot_config_free(cfg);
	assert_true(n > 3);
}

static void bad_provider_settings_name_the_key(void **state)
{
	static const char text[] = "[phone \"P\"]\nprovider = sim\ncolour = blue\n";
	struct ot_config *cfg;
	struct ot_engine *e;
	char err[512];

	(void)state;
	assert_int_equal(ot_config_parse(text, strlen(text), "bad.conf", &cfg, err, sizeof(err)), 0);
	assert_int_equal(ot_engine_create(cfg, &e, err, sizeof(err)), (LONG)PHONEERR_INIFILECORRUPT);
	assert_non_null(strstr(err, "colour"));
	assert_non_null(strstr(err, "3"));
	ot_config_free(cfg);
}

static void missing_provider_is_nodriver(void **state)
{
	static const char text[] = "[phone \"P\"]\nprovider = nosuchprovider\n";
	struct ot_config *cfg;
	struct ot_engine *e;
	char err[512];

	(void)state;
	assert_int_equal(ot_config_parse(text, strlen(text), "x.conf", &cfg, err, sizeof(err)), 0);
	assert_int_equal(ot_engine_create(cfg, &e, err, sizeof(err)), (LONG)PHONEERR_NODRIVER);
	/* Where it looked, and what is there (the build's sim is on OPENTAPI_PROVIDER_PATH). */
	assert_non_null(strstr(err, "provider 'nosuchprovider': there is no nosuchprovider.so in "));
	assert_non_null(strstr(err, "(OPENTAPI_PROVIDER_PATH) or "));
	assert_non_null(strstr(err, "; providers there: "));
	assert_non_null(strstr(err, "sim"));
	ot_config_free(cfg);
}

static void provider_sections_are_checked(void **state)
{
	static const char unused[] = "[provider \"nobody\"]\nx = 1\n[phone \"P\"]\nprovider = sim\n";
	static const char refused[] = "[phone \"P\"]\nprovider = sim\n[provider \"sim\"]\nx = 1\n";
	struct ot_config *cfg;
	struct ot_engine *e;
	char err[512];

	(void)state;
	assert_int_equal(ot_config_parse(unused, strlen(unused), "u.conf", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg->n_providers, 1);
	assert_string_equal(cfg->providers[0].name, "nobody");
	assert_int_equal(cfg->providers[0].n_settings, 1);
	assert_int_equal(ot_engine_create(cfg, &e, err, sizeof(err)), (LONG)PHONEERR_INIFILECORRUPT);
	assert_non_null(strstr(err, "u.conf:1: section 'provider \"nobody\"': no phone uses"));
	ot_config_free(cfg);
	assert_int_equal(ot_config_parse(refused, strlen(refused), "r.conf", &cfg, err, sizeof(err)), 0);
	assert_int_equal(ot_engine_create(cfg, &e, err, sizeof(err)), (LONG)PHONEERR_INIFILECORRUPT);
	assert_non_null(strstr(err, "r.conf:3: section 'provider \"sim\"': this provider takes no"));
	ot_config_free(cfg);
}

static void owners_are_checked_against_the_client(void **state)
{
	static const char text[] = "[phone \"P\"]\nprovider = sim\ndurable = no\nowners = 4242, @4243\n";
	static const char bad[] = "[phone \"P\"]\nprovider = sim\nowners = no-such-user-here\n";
	struct recorder r = { 0 };
	struct ot_config *cfg;
	struct ot_engine *e;
	struct ot_client *c;
	HPHONEAPP app;
	HPHONE h;
	gid_t groups[1] = { 4243 };
	char err[512];

	(void)state;
	assert_int_equal(ot_config_parse(bad, strlen(bad), "b.conf", &cfg, err, sizeof(err)), 0);
	assert_int_equal(ot_engine_create(cfg, &e, err, sizeof(err)), (LONG)PHONEERR_INIFILECORRUPT);
	assert_non_null(strstr(err, "b.conf:3: key 'owners': no such user 'no-such-user-here'"));
	ot_config_free(cfg);

	assert_int_equal(ot_config_parse(text, strlen(text), "t.conf", &cfg, err, sizeof(err)), 0);
	assert_int_equal(ot_engine_create(cfg, &e, err, sizeof(err)), 0);
	ot_config_free(cfg);
	c = ot_engine_client_new(e, &sink, &r);
	assert_int_equal(ot_engine_app_new(e, c, "a", 0x00020002, 1, &app), 0);
	assert_int_equal(ot_engine_client_set_cred(e, c, 1000, 1000, NULL, 0), 0);
	assert_int_equal(ot_engine_open(e, c, app, 0, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER),
			 (LONG)PHONEERR_INVALPRIVILEGE);
	assert_int_equal(ot_engine_open(e, c, app, 0, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_MONITOR), 0);
	assert_int_equal(ot_engine_close(e, c, h), 0);
	assert_int_equal(ot_engine_client_set_cred(e, c, 4242, 1000, NULL, 0), 0);
	assert_int_equal(ot_engine_open(e, c, app, 0, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER), 0);
	assert_int_equal(ot_engine_close(e, c, h), 0);
	assert_int_equal(ot_engine_client_set_cred(e, c, 1000, 1000, groups, 1), 0);
	assert_int_equal(ot_engine_open(e, c, app, 0, &h, 0x00020002, 0, 0, PHONEPRIVILEGE_OWNER), 0);
	ot_engine_destroy(e);
}

int main(void)
{
	const struct CMUnitTest with_engine[] = {
		cmocka_unit_test_setup_teardown(devices_come_from_the_config, setup, teardown),
		cmocka_unit_test_setup_teardown(only_one_engine_per_process, setup, teardown),
		cmocka_unit_test_setup_teardown(a_client_cannot_reach_another_clients_handles, setup,
						teardown),
		cmocka_unit_test_setup_teardown(inline_completion_replies_once, setup, teardown),
		cmocka_unit_test_setup_teardown(request_ids_are_per_app_and_wrap_past_zero, setup,
						teardown),
		cmocka_unit_test_setup_teardown(validation_happens_before_the_provider, setup,
						teardown),
		cmocka_unit_test_setup_teardown(outstanding_requests_are_limited_per_app, setup,
						teardown),
		cmocka_unit_test_setup_teardown(close_suppresses_outstanding_replies, setup, teardown),
		cmocka_unit_test_setup_teardown(ownership_and_state_fan_out, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_reservation_is_nomem, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_completions_are_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(set_data_allocation_sweep, setup, teardown),
		cmocka_unit_test_setup_teardown(open_and_app_allocation_sweep, setup, teardown),
		cmocka_unit_test(engine_bring_up_allocation_sweep),
		cmocka_unit_test(bad_provider_settings_name_the_key),
		cmocka_unit_test(missing_provider_is_nodriver),
		cmocka_unit_test(provider_sections_are_checked),
		cmocka_unit_test(owners_are_checked_against_the_client),
	};

	return cmocka_run_group_tests(with_engine, NULL, NULL);
}
