/* SPDX-License-Identifier: MIT */
/* cmd_monitor.c — "phonectl monitor" (every message of a phone as it arrives, as text or JSON
 * lines), and "phonectl sim" / "phonectl press" (phoneDevSpecific text commands that make the sim
 * provider's phone act as if someone used it). */
#include "phonectl.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"

/* ---- sim and press ---- */

static bool parse_dev(const char *arg, DWORD *dev, int *rc)
{
	if (pc_parse_dword(arg, dev))
		return true;
	*rc = pc_usage_error(pc_current_command, "bad device ID '%s'", arg);
	return false;
}

/* Sends one text command (NUL included) with phoneDevSpecific: its request ID or error. */
static LONG submit_command(struct pc_session *s, const char *text)
{
	size_t len = strlen(text) + 1;
	char *block = malloc(len);
	LONG req;

	/* phoneDevSpecific takes a writable block ("passed unchanged to and from the provider"). */
	if (!block)
		return PHONEERR_NOMEM;
	memcpy(block, text, len);
	req = phoneDevSpecific(s->phone, block, (DWORD)len);
	free(block);
	return req;
}

/* Sends one text command and waits for its reply. */
static int send_command(struct pc_session *s, const char *text)
{
	char what[96];

	snprintf(what, sizeof what, "%.*s", (int)(sizeof what - 1), text);
	return pc_session_request(s, "phoneDevSpecific", submit_command(s, text), what);
}

/* Opens dev for sim and press with that privilege. With -v, every state and button message is
 * turned on so that what the command causes is printed. */
static int open_for_commands(struct pc_session *s, const struct pc_options *opt, DWORD dev,
			     DWORD privilege)
{
	int rc = pc_session_init(s, opt);

	if (rc == PC_EXIT_OK)
		rc = pc_session_open(s, dev, privilege);
	if (rc == PC_EXIT_OK && opt->verbose)
		pc_session_watch(s, pc_all_phone_states(s->api_version), true);
	return rc;
}

int pc_cmd_sim(const struct pc_options *opt, int argc, char **argv)
{
	struct pc_session s;
	size_t len = 1;
	char *text;
	DWORD dev;
	int rc;

	if (!parse_dev(argv[0], &dev, &rc))
		return rc;
	for (int i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1; /* the word and a space, or the NUL */
	text = malloc(len);
	if (!text) {
		pc_err("out of memory");
		return PC_EXIT_USAGE;
	}
	text[0] = '\0';
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			strcat(text, " ");
		strcat(text, argv[i]);
	}
	/* As monitor unless --privilege says otherwise: a monitor does not disturb an app that owns
	 * the phone. A command the provider keeps for the owner (PHONEERR_NOTOWNER) is sent again
	 * as owner, which works while no other app owns the phone. */
	rc = open_for_commands(&s, opt, dev, opt->privilege ? opt->privilege : PHONEPRIVILEGE_MONITOR);
	if (rc == PC_EXIT_OK) {
		char what[96];
		LONG req = submit_command(&s, text);

		if (req == (LONG)PHONEERR_NOTOWNER && !opt->privilege) {
			pc_info(opt, "'%s' needs owner privilege: opening phone %u as owner\n", text,
				(unsigned)dev);
			pc_session_end(&s);
			rc = open_for_commands(&s, opt, dev, PHONEPRIVILEGE_OWNER);
			if (rc == PC_EXIT_OK)
				req = submit_command(&s, text);
		}
		snprintf(what, sizeof what, "%.*s", (int)(sizeof what - 1), text);
		if (rc == PC_EXIT_OK)
			rc = pc_session_request(&s, "phoneDevSpecific", req, what);
		if (req == (LONG)PHONEERR_INVALPARAM)
			fprintf(stderr, "'%s' is not a command of the phone's provider; the sim provider's: "
				"suspend, resume, disconnect, connect, hold-replies, release-replies, "
				"remove, press ID, release ID, hook handset|speaker|headset "
				"onhook|mic|speaker|micspeaker (phonectl help sim)\n", text);
	}
	pc_session_end(&s);
	free(text);
	return rc;
}

/* After a press that failed: a button ID past the phone's positions is the likely cause. */
static void explain_button(struct pc_session *s, DWORD dev, DWORD id)
{
	PHONECAPS *caps = NULL;

	if (pc_session_get_caps(s, dev, s->api_version, &caps, true) != 0)
		return;
	if (id >= caps->dwNumButtonLamps)
		pc_say_positions(dev, caps->dwNumButtonLamps);
	free(caps);
}

int pc_cmd_press(const struct pc_options *opt, int argc, char **argv)
{
	struct pc_session s;
	char text[32];
	DWORD dev, id;
	int rc;

	(void)argc;
	if (!parse_dev(argv[0], &dev, &rc))
		return rc;
	if (!pc_parse_dword(argv[1], &id))
		return pc_usage_error(pc_current_command, "bad button ID '%s'", argv[1]);
	rc = open_for_commands(&s, opt, dev, opt->privilege ? opt->privilege : PHONEPRIVILEGE_MONITOR);
	if (rc == PC_EXIT_OK) {
		snprintf(text, sizeof text, "press %u", (unsigned)id);
		rc = send_command(&s, text);
	}
	if (rc == PC_EXIT_OK) {
		snprintf(text, sizeof text, "release %u", (unsigned)id);
		rc = send_command(&s, text);
	}
	if (rc != PC_EXIT_OK && s.phone_ok)
		explain_button(&s, dev, id);
	pc_session_end(&s);
	return rc;
}

/* ---- monitor ---- */

struct monitor {
	const struct pc_options *opt;
	struct pc_session *s;
	DWORD columns; /* of the display, read at the first PHONESTATE_DISPLAY (0: not yet) */
	DWORD printed;
	bool closed;   /* PHONE_CLOSE for our handle: TAPI ended the monitoring */
	bool reinit;   /* PHONESTATE_REINIT: TAPI asks every app to start again */
};

/* The time a message arrived: local "HH:MM:SS.mmm" for people, RFC 3339 UTC for JSON. */
static void print_time(FILE *f, bool json)
{
	struct timespec ts;
	struct tm tm;
	char buf[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	if (json) {
		gmtime_r(&ts.tv_sec, &tm);
		strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(f, "\"time\":\"%s.%03ldZ\"", buf, ts.tv_nsec / 1000000);
	} else {
		localtime_r(&ts.tv_sec, &tm);
		strftime(buf, sizeof buf, "%H:%M:%S", &tm);
		fprintf(f, "%s.%03ld ", buf, ts.tv_nsec / 1000000);
	}
}

/* What dwParam2 of a PHONE_STATE with one bit means (TAPI's PHONE_STATE page); NULL: unused. */
static const char *state_param_key(DWORD state)
{
	switch (state) {
	case PHONESTATE_OWNER: return "owners";
	case PHONESTATE_MONITORS: return "monitors";
	case PHONESTATE_LAMP: return "id";
	case PHONESTATE_RINGMODE: return "ringmode";
	case PHONESTATE_HANDSETHOOKSWITCH:
	case PHONESTATE_SPEAKERHOOKSWITCH:
	case PHONESTATE_HEADSETHOOKSWITCH: return "mode";
	default: return NULL;
	}
}

static bool is_hookswitch_state(DWORD state)
{
	return state == PHONESTATE_HANDSETHOOKSWITCH || state == PHONESTATE_SPEAKERHOOKSWITCH ||
	       state == PHONESTATE_HEADSETHOOKSWITCH;
}

/* The hookswitch device whose volume or gain a PHONE_STATE bit announces, or 0. */
static DWORD level_device(DWORD state, bool *gain)
{
	*gain = state == PHONESTATE_HANDSETGAIN || state == PHONESTATE_SPEAKERGAIN ||
		state == PHONESTATE_HEADSETGAIN;
	switch (state) {
	case PHONESTATE_HANDSETVOLUME:
	case PHONESTATE_HANDSETGAIN: return PHONEHOOKSWITCHDEV_HANDSET;
	case PHONESTATE_SPEAKERVOLUME:
	case PHONESTATE_SPEAKERGAIN: return PHONEHOOKSWITCHDEV_SPEAKER;
	case PHONESTATE_HEADSETVOLUME:
	case PHONESTATE_HEADSETGAIN: return PHONEHOOKSWITCHDEV_HEADSET;
	default: return 0;
	}
}

/* The display's text, rows separated by '|' and trailing spaces dropped (malloc'ed), or NULL
 * when it cannot be read. */
static char *display_text(struct monitor *mon)
{
	VARSTRING *v = NULL;
	const char *text;
	char *out, *o;
	DWORD i, len, end;

	if (!mon->columns) {
		PHONECAPS *caps = NULL;

		if (pc_session_get_caps(mon->s, mon->s->dev, mon->s->api_version, &caps, true) == 0)
			mon->columns = caps->dwDisplayNumColumns;
		free(caps);
	}
	if (!mon->columns || pc_session_get_display(mon->s, &v) != 0)
		return NULL;
	text = (const char *)v + v->dwStringOffset;
	/* Whole rows only: the string may end with a NUL. */
	len = v->dwStringSize < mon->columns ? v->dwStringSize
					     : v->dwStringSize - v->dwStringSize % mon->columns;
	out = o = malloc((size_t)len + len / mon->columns + 1);
	for (i = 0; out && i < len; i += mon->columns) {
		for (end = i + mon->columns < len ? i + mon->columns : len;
		     end > i && (text[end - 1] == ' ' || text[end - 1] == '\0'); end--)
			;
		if (i)
			*o++ = '|';
		for (DWORD k = i; k < end; k++)
			*o++ = text[k] ? text[k] : ' ';
	}
	if (out)
		*o = '\0';
	free(v);
	return out;
}

/* The new value that a PHONE_STATE of one part announces, as ` key=value` (text) or
 * `,"key":value` (JSON): the display's text; the lamp's mode; the ring volume; a hookswitch
 * device's volume or gain. Nothing when it cannot be read. */
static void print_new_value(struct monitor *mon, DWORD state, DWORD p2, bool json)
{
	FILE *f = stdout;
	DWORD hsdev, value, mode;
	char buf[16];
	bool gain;

	if (state == PHONESTATE_LAMP) {
		if (phoneGetLamp(mon->s->phone, p2, &mode) == 0)
			fprintf(f, json ? ",\"lamp\":\"%s\"" : " lamp=%s",
				pc_name_or_hex(pc_lamp_mode_names, mode, buf, sizeof buf));
	} else if (state == PHONESTATE_RINGVOLUME) {
		if (phoneGetRing(mon->s->phone, &mode, &value) == 0)
			fprintf(f, json ? ",\"volume\":%u" : " volume=%u", (unsigned)value);
	} else if ((hsdev = level_device(state, &gain)) != 0) {
		LONG rc = gain ? phoneGetGain(mon->s->phone, hsdev, &value)
			       : phoneGetVolume(mon->s->phone, hsdev, &value);
		if (rc == 0)
			fprintf(f, json ? ",\"%s\":%u" : " %s=%u", gain ? "gain" : "volume",
				(unsigned)value);
	} else if (state == PHONESTATE_DISPLAY) {
		char *text = display_text(mon);

		if (!text)
			return;
		fputs(json ? ",\"text\":" : " text=", f);
		if (json) {
			pc_json_string(f, text);
		} else {
			putc('"', f);
			for (const char *c = text; *c; c++) {
				if (*c == '"' || *c == '\\')
					putc('\\', f);
				putc(*c, f);
			}
			putc('"', f);
		}
		free(text);
	}
}

static void print_text(struct monitor *mon, const PHONEMESSAGE *m)
{
	FILE *f = stdout;
	const char *name = pc_message_name(m->dwMessageID);
	DWORD p1 = (DWORD)m->dwParam1, p2 = (DWORD)m->dwParam2;
	char buf[16];

	print_time(f, false);
	if (name)
		fputs(name, f);
	else
		fprintf(f, "message %u", (unsigned)m->dwMessageID);
	switch (m->dwMessageID) {
	case PHONE_STATE: {
		const char *key = state_param_key(p1);

		putc(' ', f);
		pc_print_bits(f, p1, pc_phonestate_names, "|");
		if (key && is_hookswitch_state(p1))
			fprintf(f, " mode=%s", pc_name_or_hex(pc_hookswitch_mode_names, p2, buf, sizeof buf));
		else if (key)
			fprintf(f, " %s=%u", key, (unsigned)p2);
		else if (p2)
			fprintf(f, " param2=%u", (unsigned)p2);
		print_new_value(mon, p1, p2, false);
		break;
	}
	case PHONE_BUTTON:
		fprintf(f, " id=%u mode=%s", (unsigned)p1,
			pc_name_or_hex(pc_button_mode_names, p2, buf, sizeof buf));
		fprintf(f, " state=%s",
			pc_name_or_hex(pc_button_state_names, (DWORD)m->dwParam3, buf, sizeof buf));
		break;
	case PHONE_REPLY:
		fprintf(f, " request=%u result=%s", (unsigned)p1, phonectl_error_name((LONG)p2));
		break;
	case PHONE_CREATE:
	case PHONE_REMOVE:
		fprintf(f, " device=%u", (unsigned)p1);
		break;
	case PHONE_CLOSE:
		if (m->hDevice == mon->s->phone)
			fprintf(f, " device=%u", (unsigned)mon->s->dev);
		break;
	default: /* PHONE_DEVSPECIFIC and anything newer */
		fprintf(f, " p1=0x%llX p2=0x%llX p3=0x%llX", (unsigned long long)m->dwParam1,
			(unsigned long long)m->dwParam2, (unsigned long long)m->dwParam3);
		break;
	}
	putc('\n', f);
}

static void print_json(struct monitor *mon, const PHONEMESSAGE *m)
{
	FILE *f = stdout;
	const char *name = pc_message_name(m->dwMessageID);
	DWORD p1 = (DWORD)m->dwParam1, p2 = (DWORD)m->dwParam2;
	char buf[16];

	putc('{', f);
	print_time(f, true);
	if (name)
		fprintf(f, ",\"message\":\"%s\"", name);
	else
		fprintf(f, ",\"message\":\"0x%X\"", (unsigned)m->dwMessageID);
	switch (m->dwMessageID) {
	case PHONE_CREATE:
	case PHONE_REMOVE:
		fprintf(f, ",\"device\":%u", (unsigned)p1);
		break;
	case PHONE_REPLY:
		break;
	default:
		if (m->hDevice == mon->s->phone)
			fprintf(f, ",\"device\":%u", (unsigned)mon->s->dev);
		else
			fprintf(f, ",\"hDevice\":%u", (unsigned)m->hDevice);
		break;
	}
	switch (m->dwMessageID) {
	case PHONE_STATE: {
		const char *key = state_param_key(p1);
		const char *sep = "";

		fputs(",\"states\":[", f);
		for (const struct pc_bit_name *n = pc_phonestate_names; n->name; n++) {
			if (p1 & n->bit) {
				fprintf(f, "%s\"%s\"", sep, n->name);
				sep = ",";
			}
		}
		fprintf(f, "],\"param2\":%u", (unsigned)p2);
		if (key && is_hookswitch_state(p1))
			fprintf(f, ",\"mode\":\"%s\"",
				pc_name_or_hex(pc_hookswitch_mode_names, p2, buf, sizeof buf));
		else if (key)
			fprintf(f, ",\"%s\":%u", key, (unsigned)p2);
		print_new_value(mon, p1, p2, true);
		break;
	}
	case PHONE_BUTTON:
		fprintf(f, ",\"id\":%u,\"mode\":\"%s\"", (unsigned)p1,
			pc_name_or_hex(pc_button_mode_names, p2, buf, sizeof buf));
		fprintf(f, ",\"state\":\"%s\"",
			pc_name_or_hex(pc_button_state_names, (DWORD)m->dwParam3, buf, sizeof buf));
		break;
	case PHONE_REPLY:
		fprintf(f, ",\"request\":%u,\"result\":\"%s\"", (unsigned)p1,
			phonectl_error_name((LONG)p2));
		break;
	case PHONE_CREATE:
	case PHONE_REMOVE:
	case PHONE_CLOSE:
		break;
	default:
		fprintf(f, ",\"param1\":%llu,\"param2\":%llu,\"param3\":%llu",
			(unsigned long long)m->dwParam1, (unsigned long long)m->dwParam2,
			(unsigned long long)m->dwParam3);
		break;
	}
	fputs("}\n", f);
}

/* Prints a message unless --only leaves it out; notes the ones that end the monitoring. */
static void handle_message(struct monitor *mon, const PHONEMESSAGE *m)
{
	if (m->dwMessageID == PHONE_CLOSE && mon->s->phone_ok && m->hDevice == mon->s->phone) {
		mon->closed = true;
		mon->s->phone_ok = false; /* TAPI closed it: no phoneClose of ours */
	}
	if (m->dwMessageID == PHONE_STATE && (m->dwParam1 & PHONESTATE_REINIT))
		mon->reinit = true;
	if (mon->opt->only && (m->dwMessageID >= 32 || !(mon->opt->only & (1u << m->dwMessageID))))
		return;
	if (mon->opt->json)
		print_json(mon, m);
	else
		print_text(mon, m);
	fflush(stdout);
	mon->printed++;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* After PHONE_CLOSE or REINIT, what usually follows (PHONE_REMOVE, REINIT) comes at once: wait
 * this long for it before ending. */
#define GRACE_MS 300

int pc_cmd_monitor(const struct pc_options *opt, int argc, char **argv)
{
	struct pc_session s;
	struct monitor mon = { .opt = opt, .s = &s };
	DWORD dev, states = 0;
	bool buttons = true;
	uint64_t deadline = 0, grace_end = 0;
	bool timed = opt->have_timeout && opt->timeout_ms != 0xFFFFFFFFu;
	sigset_t sigs, old;
	int sfd = -1, rc;

	(void)argc;
	if (!parse_dev(argv[0], &dev, &rc))
		return rc;

	/* SIGINT and SIGTERM arrive through a signalfd, so that the loop below ends cleanly
	 * (phoneClose, phoneShutdown). Blocked before TAPI starts its threads, which inherit the
	 * mask: the signals then wait for the signalfd whichever thread runs. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		pc_err("signalfd: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		return PC_EXIT_USAGE;
	}

	rc = pc_session_init(&s, opt);
	if (rc == PC_EXIT_OK)
		rc = pc_session_open(&s, dev, opt->privilege ? opt->privilege
							   : PHONEPRIVILEGE_MONITOR);
	if (rc != PC_EXIT_OK)
		goto out;
	/* Every state and every button (unless --only leaves them out: then they stay off). */
	if (!opt->only || (opt->only & (1u << PHONE_STATE)))
		states = pc_all_phone_states(s.api_version);
	if (opt->only && !(opt->only & (1u << PHONE_BUTTON)))
		buttons = false;
	if (pc_session_watch(&s, states, buttons) != 0) {
		rc = PC_EXIT_TAPI;
		goto out;
	}
	if (!opt->quiet) {
		fprintf(stderr, "phonectl: monitoring phone %u", (unsigned)dev);
		if (opt->count)
			fprintf(stderr, ", %u message%s", (unsigned)opt->count,
				opt->count == 1 ? "" : "s");
		if (timed)
			fprintf(stderr, ", %u ms", (unsigned)opt->timeout_ms);
		fputs(" (Ctrl-C to stop)\n", stderr);
	}
	if (timed)
		deadline = now_ms() + opt->timeout_ms;

	rc = PC_EXIT_OK;
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = s.event_fd, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		int wait = -1;
		PHONEMESSAGE m;
		uint64_t now;

		/* Everything queued first: the event descriptor stays readable while one is. */
		while (phoneGetMessage(s.app, &m, 0) == 0) {
			handle_message(&mon, &m);
			if (opt->count && mon.printed >= opt->count)
				goto out;
		}
		if ((mon.closed || mon.reinit) && !grace_end)
			grace_end = now_ms() + GRACE_MS;
		now = now_ms();
		if (grace_end) {
			if (now >= grace_end)
				break;
			wait = (int)(grace_end - now);
		}
		if (timed) {
			if (now >= deadline) {
				if (opt->count) {
					fprintf(stderr, "phonectl: %u of %u messages within %u ms\n",
						(unsigned)mon.printed, (unsigned)opt->count,
						(unsigned)opt->timeout_ms);
					rc = PC_EXIT_TAPI;
				}
				goto out;
			}
			if (deadline - now < (uint64_t)INT_MAX &&
			    (wait < 0 || (uint64_t)wait > deadline - now))
				wait = (int)(deadline - now);
		}
		if (s.event_fd < 0 && (wait < 0 || wait > 50))
			wait = 50; /* no descriptor to wait on (poll ignores fd -1): look every 50 ms */
		if (poll(pfd, 2, wait) < 0 && errno != EINTR) {
			pc_err("poll: %s", strerror(errno));
			rc = PC_EXIT_USAGE;
			goto out;
		}
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof si) > 0 && opt->verbose)
				fprintf(stderr, "phonectl: %s, stopping\n", strsignal((int)si.ssi_signo));
			goto out;
		}
	}
	/* Monitoring ended by TAPI. */
	if (mon.closed)
		fprintf(stderr, "phonectl: phone %u was closed by TAPI (PHONE_CLOSE)\n",
			(unsigned)dev);
	else
		fprintf(stderr, "phonectl: TAPI asks applications to reinitialize "
			"(PHONESTATE_REINIT)\n");
	rc = PC_EXIT_TAPI;
out:
	pc_session_end(&s);
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
