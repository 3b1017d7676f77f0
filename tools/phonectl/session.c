/* SPDX-License-Identifier: MIT */
/* session.c — one TAPI session of a phonectl command: initialize, negotiate, read capabilities,
 * open a phone, wait for a request's PHONE_REPLY, and release everything again. */
#include "phonectl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errors.h"

void pc_report_tapi(const char *what, LONG err)
{
	fprintf(stderr, "%s: %s\n", what, phonectl_error_name(err));
}

int pc_session_init(struct pc_session *s, const struct pc_options *opt)
{
	PHONEINITIALIZEEXPARAMS params;
	LONG rc;

	memset(s, 0, sizeof *s);
	s->opt = opt;
	s->event_fd = -1;

	memset(&params, 0, sizeof params);
	params.dwTotalSize = sizeof params;
	params.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	s->tapi_version = PC_API_HIGH;
	rc = phoneInitializeExA(&s->app, NULL, NULL, "phonectl", &s->num_devs, &s->tapi_version,
				&params);
	if (rc != 0) {
		pc_report_tapi("phoneInitializeExA", rc);
		return PC_EXIT_TAPI;
	}
	s->app_ok = true;
	s->event_fd = (int)(intptr_t)params.Handles.hEvent;
	if (opt->verbose)
		fprintf(stderr, "phonectl: TAPI %u.%u, %u phone device%s\n",
			(unsigned)(s->tapi_version >> 16), (unsigned)(s->tapi_version & 0xFFFF),
			(unsigned)s->num_devs, s->num_devs == 1 ? "" : "s");
	return PC_EXIT_OK;
}

LONG pc_session_negotiate(struct pc_session *s, DWORD dev, DWORD *version, bool quiet_errors)
{
	PHONEEXTENSIONID ext;
	LONG rc;

	memset(&ext, 0, sizeof ext);
	*version = 0;
	rc = phoneNegotiateAPIVersion(s->app, dev, PC_API_LOW, PC_API_HIGH, version, &ext);
	if (rc != 0) {
		if (quiet_errors)
			return rc;
		if (rc == (LONG)PHONEERR_BADDEVICEID && s->num_devs == 0)
			fprintf(stderr, "phone %u: PHONEERR_BADDEVICEID: there are no phones (see the "
				"configuration: docs/configuration.md)\n", (unsigned)dev);
		else if (rc == (LONG)PHONEERR_BADDEVICEID && s->num_devs == 1)
			fprintf(stderr, "phone %u: PHONEERR_BADDEVICEID: the only phone is 0; phonectl "
				"list shows it\n", (unsigned)dev);
		else if (rc == (LONG)PHONEERR_BADDEVICEID)
			fprintf(stderr, "phone %u: PHONEERR_BADDEVICEID: the phones are 0 to %u; "
				"phonectl list shows them\n", (unsigned)dev, (unsigned)s->num_devs - 1);
		else if (rc == (LONG)PHONEERR_NODEVICE)
			fprintf(stderr, "phone %u: PHONEERR_NODEVICE: it was removed; phonectl list "
				"shows the phones there are\n", (unsigned)dev);
		else
			pc_report_tapi("phoneNegotiateAPIVersion", rc);
		return rc;
	}
	if (s->opt->verbose)
		fprintf(stderr, "phonectl: phone %u: API version %u.%u\n", (unsigned)dev,
			(unsigned)(*version >> 16), (unsigned)(*version & 0xFFFF));
	return 0;
}

/* The start of every variable-size TAPI structure. */
struct var_head {
	DWORD dwTotalSize, dwNeededSize, dwUsedSize;
};

LONG pc_get_var(DWORD size, pc_fill_fn fill, void *ctx, void **out, const char *func,
		bool quiet_errors)
{
	/* Grown to dwNeededSize: the variable-size rules promise that a second call with that size
	 * normally returns everything; a device whose needs grow between calls gets a few more
	 * tries, and after them what it returned (its parts are whole). */
	struct var_head *v = NULL;
	LONG rc = 0;

	*out = NULL;
	for (int attempt = 0; attempt < 5; attempt++) {
		struct var_head *n = realloc(v, size);

		if (!n) {
			free(v);
			if (!quiet_errors)
				pc_err("%s: out of memory (%u bytes)", func, (unsigned)size);
			return (LONG)PHONEERR_NOMEM;
		}
		v = n;
		memset(v, 0, size);
		v->dwTotalSize = size;
		rc = fill(ctx, v);
		if (rc != 0 || v->dwNeededSize <= size)
			break;
		size = v->dwNeededSize;
	}
	if (rc == 0) {
		*out = v;
		return 0;
	}
	free(v);
	if (!quiet_errors)
		pc_report_tapi(func, rc);
	return rc;
}

struct caps_call {
	struct pc_session *s;
	DWORD dev, version;
};

static LONG fill_caps(void *ctx, void *buf)
{
	struct caps_call *c = ctx;

	return phoneGetDevCapsA(c->s->app, c->dev, c->version, 0, buf);
}

LONG pc_session_get_caps(struct pc_session *s, DWORD dev, DWORD version, PHONECAPS **caps,
			 bool quiet_errors)
{
	struct caps_call c = { s, dev, version };

	return pc_get_var(sizeof(PHONECAPS), fill_caps, &c, (void **)caps, "phoneGetDevCapsA",
			  quiet_errors);
}

/* The name a phone's PHONECAPS gives it, compared with name; -1 when the phone cannot say. */
static int phone_named(struct pc_session *s, DWORD dev, const char *name)
{
	PHONECAPS *caps = NULL;
	char *have;
	DWORD version;
	int same;

	if (pc_session_negotiate(s, dev, &version, true) != 0 ||
	    pc_session_get_caps(s, dev, version, &caps, true) != 0)
		return -1;
	have = pc_caps_text(caps, caps->dwPhoneNameSize, caps->dwPhoneNameOffset);
	same = have && strcmp(have, name) == 0;
	free(have);
	free(caps);
	return same;
}

int pc_resolve_dev(const struct pc_options *opt, const char *arg, DWORD *dev)
{
	struct pc_session s;
	DWORD found = 0, count = 0;
	int rc;

	if (pc_parse_dword(arg, dev))
		return PC_EXIT_OK;
	rc = pc_session_init(&s, opt);
	if (rc != PC_EXIT_OK)
		return rc;
	for (DWORD d = 0; d < s.num_devs; d++) {
		if (phone_named(&s, d, arg) == 1) {
			if (count++)
				pc_err("phone %u is named '%s' too", (unsigned)d, arg);
			else
				found = d;
		}
	}
	pc_session_end(&s);
	if (count == 1) {
		*dev = found;
		return PC_EXIT_OK;
	}
	if (count == 0) {
		pc_err("no phone is named '%s'; 'phonectl list' shows the phones' IDs and names", arg);
		return PC_EXIT_TAPI;
	}
	pc_err("%u phones are named '%s'; give the ID instead (phonectl list)", (unsigned)count, arg);
	return PC_EXIT_USAGE;
}

/* PHONEERR_INUSE for owner privilege: who has the phone, seen as a monitor would see it. */
static void report_owner(struct pc_session *s, DWORD dev)
{
	PHONESTATUS *st = NULL;
	const char *owner = NULL;

	if (phoneOpen(s->app, dev, &s->phone, s->api_version, 0, 0, PHONEPRIVILEGE_MONITOR) != 0)
		return;
	if (pc_session_get_status(s, &st, true) == 0)
		owner = pc_var_part(st, st->dwUsedSize < st->dwTotalSize ? st->dwUsedSize
									 : st->dwTotalSize,
				    st->dwOwnerNameSize, st->dwOwnerNameOffset);
	fprintf(stderr, "phone %u is owned by %s%s%s; only one application may own a phone: wait "
		"until it closes the phone, or use --privilege monitor to watch\n", (unsigned)dev,
		owner ? "'" : "another application", owner ? owner : "", owner ? "'" : "");
	free(st);
	phoneClose(s->phone);
}

int pc_session_open(struct pc_session *s, DWORD dev, DWORD privilege)
{
	LONG rc;

	if (pc_session_negotiate(s, dev, &s->api_version, false) != 0)
		return PC_EXIT_TAPI;
	rc = phoneOpen(s->app, dev, &s->phone, s->api_version, 0, 0, privilege);
	if (rc != 0) {
		pc_report_tapi("phoneOpen", rc);
		if (rc == (LONG)PHONEERR_INUSE && privilege == PHONEPRIVILEGE_OWNER)
			report_owner(s, dev);
		return PC_EXIT_TAPI;
	}
	s->phone_ok = true;
	s->dev = dev;
	if (s->opt->verbose)
		fprintf(stderr, "phonectl: opened phone %u as %s\n", (unsigned)dev,
			privilege == PHONEPRIVILEGE_OWNER ? "owner" : "monitor");
	return PC_EXIT_OK;
}

void pc_session_close(struct pc_session *s)
{
	LONG rc;

	if (!s->phone_ok)
		return;
	rc = phoneClose(s->phone);
	if (rc != 0 && s->opt->verbose)
		pc_report_tapi("phoneClose", rc);
	s->phone_ok = false;
}

static LONG fill_status(void *ctx, void *buf)
{
	return phoneGetStatusA(((struct pc_session *)ctx)->phone, buf);
}

LONG pc_session_get_status(struct pc_session *s, PHONESTATUS **status, bool quiet_errors)
{
	return pc_get_var(sizeof(PHONESTATUS) + 256, fill_status, s, (void **)status,
			  "phoneGetStatusA", quiet_errors);
}

static LONG fill_display(void *ctx, void *buf)
{
	return phoneGetDisplay(((struct pc_session *)ctx)->phone, buf);
}

LONG pc_session_get_display(struct pc_session *s, VARSTRING **out)
{
	return pc_get_var(sizeof(VARSTRING) + 256, fill_display, s, (void **)out, "phoneGetDisplay",
			  false);
}

DWORD pc_all_phone_states(DWORD v)
{
	/* CAPSCHANGE and REMOVED came with TAPI 1.4. */
	DWORD all = 0;

	for (const struct pc_bit_name *n = pc_phonestate_names; n->name; n++)
		all |= n->bit;
	if (v < 0x00010004u)
		all &= ~(DWORD)(PHONESTATE_CAPSCHANGE | PHONESTATE_REMOVED);
	return all;
}

DWORD pc_all_button_states(DWORD v)
{
	/* UNKNOWN and UNAVAIL came with TAPI 1.4. */
	return v < 0x00010004u ? PHONEBUTTONSTATE_UP | PHONEBUTTONSTATE_DOWN
			       : PHONEBUTTONSTATE_UP | PHONEBUTTONSTATE_DOWN |
					 PHONEBUTTONSTATE_UNKNOWN | PHONEBUTTONSTATE_UNAVAIL;
}

LONG pc_session_watch(struct pc_session *s, DWORD states, bool buttons)
{
	DWORD modes = 0, bstates = 0;
	LONG rc;

	if (buttons) {
		for (const struct pc_bit_name *n = pc_button_mode_names; n->name; n++)
			modes |= n->bit;
		bstates = pc_all_button_states(s->api_version);
	}
	rc = phoneSetStatusMessages(s->phone, states, modes, bstates);
	if (rc != 0)
		pc_report_tapi("phoneSetStatusMessages", rc);
	return rc;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

const char *pc_message_name(DWORD msg)
{
	switch (msg) {
	case PHONE_BUTTON: return "PHONE_BUTTON";
	case PHONE_CLOSE: return "PHONE_CLOSE";
	case PHONE_DEVSPECIFIC: return "PHONE_DEVSPECIFIC";
	case PHONE_REPLY: return "PHONE_REPLY";
	case PHONE_STATE: return "PHONE_STATE";
	case PHONE_CREATE: return "PHONE_CREATE";
	case PHONE_REMOVE: return "PHONE_REMOVE";
	default: return NULL;
	}
}

void pc_print_message(FILE *f, const PHONEMESSAGE *m)
{
	const char *name = pc_message_name(m->dwMessageID);

	if (name)
		fprintf(f, "message: %s", name);
	else
		fprintf(f, "message: %u", (unsigned)m->dwMessageID);
	fprintf(f, " hDevice=0x%08X param1=0x%08llX param2=0x%08llX param3=0x%08llX",
		(unsigned)m->hDevice, (unsigned long long)m->dwParam1,
		(unsigned long long)m->dwParam2, (unsigned long long)m->dwParam3);
	if (m->dwMessageID == PHONE_STATE) {
		fputs(" (", f);
		pc_print_bits(f, (DWORD)m->dwParam1, pc_phonestate_names, "|");
		fputc(')', f);
	} else if (m->dwMessageID == PHONE_REPLY) {
		fprintf(f, " (%s)", phonectl_error_name((LONG)(DWORD)m->dwParam2));
	} else if (m->dwMessageID == PHONE_BUTTON) {
		const char *mode = pc_value_name(pc_button_mode_names, (DWORD)m->dwParam2);
		const char *state = pc_value_name(pc_button_state_names, (DWORD)m->dwParam3);

		fprintf(f, " (button %u, %s, %s)", (unsigned)(DWORD)m->dwParam1, mode ? mode : "?",
			state ? state : "?");
	}
	fputc('\n', f);
}

/* Messages already queued when the wait ends: the reply may be among them. */
static bool drain_for_reply(struct pc_session *s, LONG request_id, LONG *result)
{
	PHONEMESSAGE m;

	while (phoneGetMessage(s->app, &m, 0) == 0) {
		if (m.dwMessageID == PHONE_REPLY && (DWORD)m.dwParam1 == (DWORD)request_id) {
			*result = (LONG)(DWORD)m.dwParam2;
			return true;
		}
		if (s->opt->verbose)
			pc_print_message(stdout, &m);
	}
	return false;
}

LONG pc_session_wait_reply(struct pc_session *s, LONG request_id, DWORD timeout_ms,
			   LONG *result)
{
	uint64_t deadline = now_ms() + timeout_ms;
	bool infinite = timeout_ms == 0xFFFFFFFFu;

	for (;;) {
		PHONEMESSAGE m;
		DWORD wait = 0xFFFFFFFFu;
		LONG rc;

		if (!infinite) {
			uint64_t now = now_ms();
			wait = now >= deadline ? 0 : (DWORD)(deadline - now);
		}
		memset(&m, 0, sizeof m);
		rc = phoneGetMessage(s->app, &m, wait);
		if (rc == (LONG)PHONEERR_OPERATIONFAILED && !infinite) {
			/* The documented "no message within dwTimeout"; before our deadline it was an
			 * early wake-up (millisecond rounding), so wait for the rest. */
			if (now_ms() < deadline)
				continue;
			fprintf(stderr, "phonectl: no PHONE_REPLY for request %ld within %u ms "
				"(the request may still complete)\n",
				(long)request_id, (unsigned)timeout_ms);
			return rc;
		}
		if (rc != 0) {
			pc_report_tapi("phoneGetMessage", rc);
			return rc;
		}
		if (m.dwMessageID == PHONE_REPLY && (DWORD)m.dwParam1 == (DWORD)request_id) {
			*result = (LONG)(DWORD)m.dwParam2;
			return 0;
		}
		if (s->opt->verbose)
			pc_print_message(stdout, &m);
		if (m.dwMessageID == PHONE_CLOSE && s->phone_ok && m.hDevice == s->phone) {
			/* Closed under us (device removed, server gone). Its replies may already be
			 * queued; otherwise none will come. */
			s->phone_ok = false;
			if (drain_for_reply(s, request_id, result))
				return 0;
			fprintf(stderr, "phonectl: phone %u was closed by TAPI (PHONE_CLOSE) "
				"before request %ld completed\n", (unsigned)s->dev, (long)request_id);
			return (LONG)PHONEERR_INVALPHONEHANDLE;
		}
	}
}

int pc_session_request(struct pc_session *s, const char *func, LONG req, const char *what)
{
	LONG result = 0;

	if (req < 0) {
		pc_report_tapi(func, req);
		return PC_EXIT_TAPI;
	}
	if (req == 0) {
		/* TAPI never returns 0 from an asynchronous function: no reply would follow. */
		fprintf(stderr, "%s: returned 0 instead of a request ID\n", func);
		return PC_EXIT_TAPI;
	}
	pc_info(s->opt, "request %ld\n", (long)req);
	fflush(stdout);

	if (pc_session_wait_reply(s, req, s->opt->timeout_ms, &result) != 0)
		return PC_EXIT_TAPI;
	if (result != 0) {
		fflush(stdout);
		fprintf(stderr, "PHONE_REPLY request %ld: %s\n", (long)req,
			phonectl_error_name(result));
		return PC_EXIT_TAPI;
	}
	if (what)
		pc_info(s->opt, "PHONE_REPLY request %ld: OK (%s)\n", (long)req, what);
	else
		pc_info(s->opt, "PHONE_REPLY request %ld: OK\n", (long)req);
	return PC_EXIT_OK;
}

void pc_session_end(struct pc_session *s)
{
	LONG rc;

	if (s->phone_ok) {
		rc = phoneClose(s->phone);
		if (rc != 0 && s->opt && s->opt->verbose)
			pc_report_tapi("phoneClose", rc);
		s->phone_ok = false;
	}
	if (s->app_ok) {
		rc = phoneShutdown(s->app);
		if (rc != 0 && s->opt && s->opt->verbose)
			pc_report_tapi("phoneShutdown", rc);
		s->app_ok = false;
	}
}
