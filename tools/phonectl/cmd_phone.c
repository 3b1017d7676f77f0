/* SPDX-License-Identifier: MIT */
/* cmd_phone.c — the parts of a phone a person sees and touches: "display", "lamp", "ring",
 * "hook", "volume", "gain" and "buttons".
 *
 * Each command reads with a monitor handle (phoneGet*) and writes with an owner handle
 * (phoneSet*, asynchronous: request ID, then its PHONE_REPLY); --privilege overrides either.
 */
#include "phonectl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errors.h"

/* ---- shared pieces ---- */

static bool parse_dev(const char *arg, DWORD *dev, int *rc)
{
	if (pc_parse_dword(arg, dev))
		return true;
	*rc = pc_usage_error(pc_current_command, "bad device ID '%s'", arg);
	return false;
}

/* Initializes TAPI and opens dev: as owner to change something, as monitor to look. */
static int open_phone(struct pc_session *s, const struct pc_options *opt, DWORD dev, bool set)
{
	DWORD privilege = opt->privilege ? opt->privilege
					 : set ? PHONEPRIVILEGE_OWNER : PHONEPRIVILEGE_MONITOR;
	int rc = pc_session_init(s, opt);

	if (rc == PC_EXIT_OK)
		rc = pc_session_open(s, dev, privilege);
	if (rc == PC_EXIT_OK && set && opt->verbose)
		pc_session_watch(s, pc_all_phone_states(s->api_version), false);
	return rc;
}

/* A volume, gain or ring volume: 0 .. 65535, or a percentage of 65535 ("50%", "12.5%"). Values
 * above the range are kept: TAPI clamps them, and that is worth seeing. */
static bool parse_level(const char *s, DWORD *out)
{
	size_t len = strlen(s);
	char *end;
	double pct, v;

	if (len == 0 || s[len - 1] != '%')
		return pc_parse_dword(s, out);
	if (s[0] < '0' || s[0] > '9')
		return false;
	pct = strtod(s, &end);
	if (end != s + len - 1 || pct < 0)
		return false;
	v = pct * 65535.0 / 100.0 + 0.5;
	*out = v >= 4294967295.0 ? 0xFFFFFFFFu : (DWORD)v;
	return true;
}

static unsigned percent(DWORD v)
{
	return (unsigned)(((uint64_t)v * 100u + 32767u) / 65535u);
}

/* One hookswitch device by name ("handset", "PHONEHOOKSWITCHDEV_SPEAKER", or a number). */
static bool parse_hookswitch_dev(const char *s, DWORD *dev)
{
	return pc_parse_name(pc_hookswitch_dev_names, "PHONEHOOKSWITCHDEV_", s, dev);
}

static const char *hookswitch_dev_name(DWORD dev, char *buf, size_t len)
{
	const char *n = pc_value_name(pc_hookswitch_dev_names, dev);

	if (n)
		return n;
	snprintf(buf, len, "0x%X", (unsigned)dev);
	return buf;
}

/* The part of a variable-size structure that holds data (dwUsedSize, never past dwTotalSize). */
static DWORD used_of(DWORD total, DWORD used)
{
	return used < total ? used : total;
}

/* ---- display ---- */

/* phoneGetDisplay into a VARSTRING grown to dwNeededSize; *out is malloc'ed. */

/* Decodes the display bytes into code points: UTF-8 for ASCII/DBCS (a byte that is not valid
 * UTF-8 stands for itself), UTF-16LE for UNICODE. Returns how many; *cps is malloc'ed. */
static size_t decode_display(const unsigned char *p, DWORD size, DWORD format, uint32_t **cps)
{
	uint32_t *cp = malloc(((size_t)size + 1) * sizeof *cp);
	size_t n = 0;

	*cps = cp;
	if (!cp)
		return 0;
	if (format == STRINGFORMAT_UNICODE) {
		for (DWORD i = 0; i + 1 < size; i += 2) {
			uint32_t u = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;
			if (u >= 0xD800 && u < 0xDC00 && i + 3 < size) {
				uint32_t lo = (uint32_t)p[i + 2] | (uint32_t)p[i + 3] << 8;
				if (lo >= 0xDC00 && lo < 0xE000) {
					u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
					i += 2;
				}
			}
			cp[n++] = u;
		}
		return n;
	}
	for (DWORD i = 0; i < size;) {
		unsigned char c = p[i];
		int extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
			  : (c & 0xF8) == 0xF0 ? 3 : -1;
		uint32_t u = extra == 0 ? c : extra == 1 ? c & 0x1Fu : extra == 2 ? c & 0x0Fu : c & 0x07u;
		bool ok = extra >= 0 && i + (DWORD)extra < size;

		for (int k = 1; ok && k <= extra; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				ok = false;
			else
				u = u << 6 | (p[i + k] & 0x3Fu);
		}
		if (!ok) {
			cp[n++] = c; /* not UTF-8: show the byte as Latin-1 */
			i++;
			continue;
		}
		cp[n++] = u;
		i += (DWORD)extra + 1;
	}
	return n;
}

/* Prints the display as rows of columns characters. The string's terminating NUL is dropped;
 * other NULs are blank cells. A phone without a size (rows or columns 0) gets one line. */
static void print_display(const VARSTRING *v, DWORD rows, DWORD cols)
{
	const unsigned char *p = pc_var_part(v, used_of(v->dwTotalSize, v->dwUsedSize),
					     v->dwStringSize, v->dwStringOffset);
	uint32_t *cp = NULL;
	size_t n = 0, lines;

	if (p && v->dwStringFormat == STRINGFORMAT_BINARY) {
		for (DWORD i = 0; i < v->dwStringSize; i++)
			printf("%s%02x", i ? " " : "", p[i]);
		putchar('\n');
		return;
	}
	if (p)
		n = decode_display(p, v->dwStringSize, v->dwStringFormat, &cp);
	if (n > 0 && cp[n - 1] == 0)
		n--;
	if (rows == 0 || cols == 0) {
		rows = 1;
		cols = n ? (DWORD)n : 1;
	}
	lines = (n + cols - 1) / cols;
	if (lines < rows)
		lines = rows;
	for (size_t r = 0; r < lines; r++) {
		for (size_t c = (size_t)r * cols; c < (size_t)(r + 1) * cols && c < n; c++)
			pc_put_utf8(stdout, cp[c] == 0 ? ' ' : cp[c]);
		putchar('\n');
	}
	free(cp);
}

/* After INVALPARAM: the display's size. */
static void explain_display(struct pc_session *s, DWORD dev)
{
	PHONECAPS *caps = NULL;

	if (pc_session_get_caps(s, dev, s->api_version, &caps, true) != 0)
		return;
	fprintf(stderr, "the display of phone %u has %u row%s of %u columns (rows 0-%u, columns "
		"0-%u); the text must fit from --row/--col on\n", (unsigned)dev,
		(unsigned)caps->dwDisplayNumRows, caps->dwDisplayNumRows == 1 ? "" : "s",
		(unsigned)caps->dwDisplayNumColumns,
		(unsigned)(caps->dwDisplayNumRows ? caps->dwDisplayNumRows - 1 : 0),
		(unsigned)(caps->dwDisplayNumColumns ? caps->dwDisplayNumColumns - 1 : 0));
	free(caps);
}

int pc_cmd_display(const struct pc_options *opt, int argc, char **argv)
{
	bool set = argc > 1;
	struct pc_session s;
	DWORD dev;
	int rc;

	if (!parse_dev(argv[0], &dev, &rc))
		return rc;
	if (!set && (opt->row || opt->col))
		return pc_usage_error(pc_current_command, "--row and --col need TEXT");
	rc = open_phone(&s, opt, dev, set);
	if (rc != PC_EXIT_OK)
		goto out;
	if (set) {
		const char *text = argv[1];
		size_t len = strlen(text) + 1; /* dwSize includes the NUL */
		char what[96];

		LONG req = phoneSetDisplay(s.phone, opt->row, opt->col, text, (DWORD)len);

		snprintf(what, sizeof what, "%zu bytes at row %u, column %u", len - 1,
			 (unsigned)opt->row, (unsigned)opt->col);
		rc = pc_session_request(&s, "phoneSetDisplay", req, what);
		if (req == (LONG)PHONEERR_INVALPARAM)
			explain_display(&s, dev);
	} else {
		PHONECAPS *caps = NULL;
		VARSTRING *v = NULL;

		if (pc_session_get_caps(&s, dev, s.api_version, &caps, false) != 0 ||
		    pc_session_get_display(&s, &v) != 0) {
			rc = PC_EXIT_TAPI;
		} else {
			print_display(v, caps->dwDisplayNumRows, caps->dwDisplayNumColumns);
			rc = PC_EXIT_OK;
		}
		free(caps);
		free(v);
	}
out:
	pc_session_end(&s);
	return rc;
}

/* After INVALLAMPMODE or INVALBUTTONLAMPID: the modes that lamp has, or how many lamps there
 * are. */
static void explain_lamp(struct pc_session *s, DWORD dev, DWORD id)
{
	PHONECAPS *caps = NULL;
	DWORD modes;

	if (pc_session_get_caps(s, dev, s->api_version, &caps, true) != 0)
		return;
	if (id >= caps->dwNumButtonLamps || 4 * (id + 1) > caps->dwLampModesSize) {
		pc_say_positions(dev, caps->dwNumButtonLamps);
	} else {
		memcpy(&modes, (const char *)caps + caps->dwLampModesOffset + 4 * id, 4);
		if (modes & ~(DWORD)PHONELAMPMODE_DUMMY) {
			fprintf(stderr, "lamp %u can be: ", (unsigned)id);
			pc_print_bits(stderr, modes, pc_lamp_mode_names, ", ");
			fputc('\n', stderr);
		} else {
			fprintf(stderr, "position %u has no lamp; phonectl buttons %u shows the lamps\n",
				(unsigned)id, (unsigned)dev);
		}
	}
	free(caps);
}

/* ---- lamp ---- */

int pc_cmd_lamp(const struct pc_options *opt, int argc, char **argv)
{
	bool set = argc > 2;
	struct pc_session s;
	DWORD dev, id, mode = 0;
	char buf[16], what[64];
	int rc;

	if (!parse_dev(argv[0], &dev, &rc))
		return rc;
	if (!pc_parse_dword(argv[1], &id))
		return pc_usage_error(pc_current_command, "bad lamp ID '%s'", argv[1]);
	if (set && !pc_parse_name(pc_lamp_mode_names, "PHONELAMPMODE_", argv[2], &mode))
		return pc_usage_error(pc_current_command,
				      "bad lamp mode '%s' (off, steady, wink, flash, flutter, "
				      "brokenflutter, dummy)", argv[2]);
	rc = open_phone(&s, opt, dev, set);
	if (rc != PC_EXIT_OK)
		goto out;
	if (set) {
		snprintf(what, sizeof what, "lamp %u set to %s", (unsigned)id,
			 pc_name_or_hex(pc_lamp_mode_names, mode, buf, sizeof buf));
		LONG req = phoneSetLamp(s.phone, id, mode);

		rc = pc_session_request(&s, "phoneSetLamp", req, what);
		if (req == (LONG)PHONEERR_INVALLAMPMODE || req == (LONG)PHONEERR_INVALBUTTONLAMPID)
			explain_lamp(&s, dev, id);
	} else {
		LONG err = phoneGetLamp(s.phone, id, &mode);

		if (err != 0) {
			pc_report_tapi("phoneGetLamp", err);
			rc = PC_EXIT_TAPI;
		} else {
			printf("lamp %u: %s\n", (unsigned)id,
			       pc_name_or_hex(pc_lamp_mode_names, mode, buf, sizeof buf));
		}
	}
out:
	pc_session_end(&s);
	return rc;
}

/* ---- ring ---- */

static void print_ring(const struct pc_options *opt, bool info, DWORD mode, DWORD volume)
{
	char line[96];

	snprintf(line, sizeof line, "ring mode %u%s, volume %u (%u%%)\n", (unsigned)mode,
		 mode == 0 ? " (silent)" : "", (unsigned)volume, percent(volume));
	if (info)
		pc_info(opt, "%s", line);
	else
		fputs(line, stdout);
}

/* After INVALRINGMODE: the modes the phone has. */
static void explain_ring_modes(struct pc_session *s, DWORD dev)
{
	PHONECAPS *caps = NULL;

	if (pc_session_get_caps(s, dev, s->api_version, &caps, true) != 0)
		return;
	if (caps->dwNumRingModes)
		fprintf(stderr, "phone %u has ring modes 1-%u, and 0 for silence\n", (unsigned)dev,
			(unsigned)caps->dwNumRingModes);
	else
		fprintf(stderr, "phone %u has no ring modes (its ringer cannot be set)\n",
			(unsigned)dev);
	free(caps);
}

int pc_cmd_ring(const struct pc_options *opt, int argc, char **argv)
{
	bool set = argc > 1, have_volume = argc > 2;
	struct pc_session s;
	DWORD dev, mode = 0, volume = 0;
	char what[64];
	LONG err;
	int rc;

	if (!parse_dev(argv[0], &dev, &rc))
		return rc;
	if (set && strcasecmp(argv[1], "off") != 0 && strcasecmp(argv[1], "silent") != 0 &&
	    !pc_parse_dword(argv[1], &mode))
		return pc_usage_error(pc_current_command, "bad ring mode '%s' (0 or 'off', 1 .. N)",
				      argv[1]);
	if (have_volume && !parse_level(argv[2], &volume))
		return pc_usage_error(pc_current_command, "bad volume '%s' (0 .. 65535, or N%%)",
				      argv[2]);
	rc = open_phone(&s, opt, dev, set);
	if (rc != PC_EXIT_OK)
		goto out;
	if (!set || !have_volume) {
		/* To show it, or to keep the volume when only the mode changes. */
		DWORD cur_mode = 0, cur_volume = 0;

		err = phoneGetRing(s.phone, &cur_mode, &cur_volume);
		if (err != 0) {
			pc_report_tapi("phoneGetRing", err);
			rc = PC_EXIT_TAPI;
			goto out;
		}
		if (!set) {
			print_ring(opt, false, cur_mode, cur_volume);
			goto out;
		}
		volume = cur_volume;
	}
	snprintf(what, sizeof what, "ring mode %u, volume %u", (unsigned)mode, (unsigned)volume);
	err = phoneSetRing(s.phone, mode, volume);
	rc = pc_session_request(&s, "phoneSetRing", err, what);
	if (err == (LONG)PHONEERR_INVALRINGMODE)
		explain_ring_modes(&s, dev);
	if (rc == PC_EXIT_OK && phoneGetRing(s.phone, &mode, &volume) == 0)
		print_ring(opt, true, mode, volume); /* what is in effect: TAPI clamps the volume */
out:
	pc_session_end(&s);
	return rc;
}

/* ---- hook ---- */

struct hook_dev {
	DWORD dev;
	const char *name;
	size_t mode_offset; /* of its dw...HookSwitchMode in PHONESTATUS */
};

static const struct hook_dev hook_devs[] = {
	{ PHONEHOOKSWITCHDEV_HANDSET, "HANDSET", offsetof(PHONESTATUS, dwHandsetHookSwitchMode) },
	{ PHONEHOOKSWITCHDEV_SPEAKER, "SPEAKER", offsetof(PHONESTATUS, dwSpeakerHookSwitchMode) },
	{ PHONEHOOKSWITCHDEV_HEADSET, "HEADSET", offsetof(PHONESTATUS, dwHeadsetHookSwitchMode) },
};

/* "handset", "handset,speaker", … into a PHONEHOOKSWITCHDEV_ mask. */
static bool parse_hookswitch_devs(const char *arg, DWORD *mask)
{
	char word[64];
	const char *p = arg;

	*mask = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		DWORD d;

		if (len == 0 || len >= sizeof word)
			return false;
		memcpy(word, p, len);
		word[len] = '\0';
		if (!parse_hookswitch_dev(word, &d))
			return false;
		*mask |= d;
		p += len;
		if (*p == ',' && !*++p)
			return false;
	}
	return *mask != 0;
}

static int hook_show(struct pc_session *s)
{
	PHONECAPS *caps = NULL;
	PHONESTATUS *st = NULL;
	DWORD offhook = 0;
	char buf[16];
	LONG err;
	int rc = PC_EXIT_TAPI;

	err = phoneGetHookSwitch(s->phone, &offhook);
	if (err != 0) {
		pc_report_tapi("phoneGetHookSwitch", err);
		return PC_EXIT_TAPI;
	}
	if (pc_session_get_caps(s, s->dev, s->api_version, &caps, false) != 0 ||
	    pc_session_get_status(s, &st, false) != 0)
		goto out;
	if (!caps->dwHookSwitchDevs)
		puts("no hookswitch devices");
	for (size_t i = 0; i < sizeof hook_devs / sizeof hook_devs[0]; i++) {
		const struct hook_dev *d = &hook_devs[i];
		DWORD mode;

		if (!(caps->dwHookSwitchDevs & d->dev))
			continue;
		memcpy(&mode, (const unsigned char *)st + d->mode_offset, sizeof mode);
		printf("%-8s %-9s %s\n", d->name, offhook & d->dev ? "off-hook" : "on-hook",
		       pc_name_or_hex(pc_hookswitch_mode_names, mode, buf, sizeof buf));
	}
	rc = PC_EXIT_OK;
out:
	free(caps);
	free(st);
	return rc;
}

int pc_cmd_hook(const struct pc_options *opt, int argc, char **argv)
{
	bool set = argc > 1;
	struct pc_session s;
	DWORD dev, devs = 0, mode = 0;
	char what[96], buf[16];
	int rc;

	if (!parse_dev(argv[0], &dev, &rc))
		return rc;
	if (argc == 2)
		return pc_usage_error(pc_current_command, "'hook' needs DEVICE and MODE, or neither");
	if (set && !parse_hookswitch_devs(argv[1], &devs))
		return pc_usage_error(pc_current_command,
				      "bad hookswitch device '%s' (handset, speaker, headset)",
				      argv[1]);
	if (set && !pc_parse_name(pc_hookswitch_mode_names, "PHONEHOOKSWITCHMODE_", argv[2], &mode))
		return pc_usage_error(pc_current_command,
				      "bad hookswitch mode '%s' (onhook, mic, speaker, micspeaker)",
				      argv[2]);
	rc = open_phone(&s, opt, dev, set);
	if (rc != PC_EXIT_OK)
		goto out;
	if (!set) {
		rc = hook_show(&s);
		goto out;
	}
	{
		/* "HANDSET,SPEAKER set to MIC" */
		size_t len = 0;

		what[0] = '\0';
		for (size_t i = 0; i < sizeof hook_devs / sizeof hook_devs[0]; i++)
			if (devs & hook_devs[i].dev)
				len += (size_t)snprintf(what + len, sizeof what - len, "%s%s",
							len ? "," : "", hook_devs[i].name);
		if (devs & ~(DWORD)7)
			len += (size_t)snprintf(what + len, sizeof what - len, "%s0x%X",
						len ? "," : "", (unsigned)(devs & ~(DWORD)7));
		snprintf(what + len, sizeof what - len, " set to %s",
			 pc_name_or_hex(pc_hookswitch_mode_names, mode, buf, sizeof buf));
	}
	rc = pc_session_request(&s, "phoneSetHookSwitch", phoneSetHookSwitch(s.phone, devs, mode),
				what);
out:
	pc_session_end(&s);
	return rc;
}

/* ---- volume and gain ---- */

struct level_ops {
	const char *what;     /* "volume", "gain" */
	const char *get_name, *set_name;
	LONG (*get)(HPHONE, DWORD, LPDWORD);
	LONG (*set)(HPHONE, DWORD, DWORD);
};

static const struct level_ops volume_ops = {
	"volume", "phoneGetVolume", "phoneSetVolume", phoneGetVolume, phoneSetVolume,
};
static const struct level_ops gain_ops = {
	"gain", "phoneGetGain", "phoneSetGain", phoneGetGain, phoneSetGain,
};

static int level_cmd(const struct level_ops *ops, const struct pc_options *opt, int argc,
		     char **argv)
{
	bool set = argc > 2;
	struct pc_session s;
	DWORD dev, hs, value = 0;
	char what[96], buf[16];
	const char *hs_name;
	LONG err;
	int rc;

	if (!parse_dev(argv[0], &dev, &rc))
		return rc;
	if (!parse_hookswitch_dev(argv[1], &hs))
		return pc_usage_error(pc_current_command,
				      "bad hookswitch device '%s' (handset, speaker, headset)",
				      argv[1]);
	if (set && !parse_level(argv[2], &value))
		return pc_usage_error(pc_current_command, "bad %s '%s' (0 .. 65535, or N%%)",
				      ops->what, argv[2]);
	hs_name = hookswitch_dev_name(hs, buf, sizeof buf);
	rc = open_phone(&s, opt, dev, set);
	if (rc != PC_EXIT_OK)
		goto out;
	if (set) {
		snprintf(what, sizeof what, "%s %s set to %u", hs_name, ops->what, (unsigned)value);
		rc = pc_session_request(&s, ops->set_name, ops->set(s.phone, hs, value), what);
		/* What is in effect: TAPI clamps a value out of range. */
		if (rc == PC_EXIT_OK && ops->get(s.phone, hs, &value) == 0)
			pc_info(opt, "%s %s %u (%u%%)\n", hs_name, ops->what, (unsigned)value,
				percent(value));
		goto out;
	}
	err = ops->get(s.phone, hs, &value);
	if (err != 0) {
		pc_report_tapi(ops->get_name, err);
		rc = PC_EXIT_TAPI;
		goto out;
	}
	printf("%s %s %u (%u%%)\n", hs_name, ops->what, (unsigned)value, percent(value));
out:
	pc_session_end(&s);
	return rc;
}

int pc_cmd_volume(const struct pc_options *opt, int argc, char **argv)
{
	return level_cmd(&volume_ops, opt, argc, argv);
}

int pc_cmd_gain(const struct pc_options *opt, int argc, char **argv)
{
	return level_cmd(&gain_ops, opt, argc, argv);
}

/* ---- buttons ---- */

struct button_call {
	struct pc_session *s;
	DWORD id;
};

static LONG fill_button_info(void *ctx, void *buf)
{
	struct button_call *c = ctx;

	return phoneGetButtonInfoA(c->s->phone, c->id, buf);
}

/* phoneGetButtonInfoA into a buffer grown to dwNeededSize; *out is malloc'ed. Reports nothing. */
static LONG get_button_info(struct pc_session *s, DWORD id, PHONEBUTTONINFO **out)
{
	struct button_call c = { s, id };

	return pc_get_var(sizeof(PHONEBUTTONINFO) + 64, fill_button_info, &c, (void **)out,
			  "phoneGetButtonInfoA", true);
}

struct button_row {
	char mode[16], function[24], state[16], lamp[40];
	char *text;  /* malloc'ed, printable UTF-8; NULL: none */
	LONG err;    /* of phoneGetButtonInfoA */
};

/* Width of UTF-8 text in characters (code points; good enough for a table). */
static size_t text_width(const char *t)
{
	size_t w = 0;

	for (; *t; t++)
		if (((unsigned char)*t & 0xC0) != 0x80)
			w++;
	return w;
}

/* The button's text as printable UTF-8 (control characters become '?'). */
static char *button_text(const PHONEBUTTONINFO *b)
{
	const char *p = pc_var_part(b, used_of(b->dwTotalSize, b->dwUsedSize), b->dwButtonTextSize,
				    b->dwButtonTextOffset);
	size_t len;
	char *t;

	if (!p)
		return NULL;
	len = strnlen(p, b->dwButtonTextSize);
	if (len == 0)
		return NULL;
	t = malloc(len + 1);
	if (!t)
		return NULL;
	for (size_t i = 0; i < len; i++)
		t[i] = (unsigned char)p[i] < 0x20 || p[i] == 0x7F ? '?' : p[i];
	t[len] = '\0';
	return t;
}

/* A constant's name (or its value in hex) into dst. */
static void copy_name(char *dst, size_t len, const struct pc_bit_name *names, DWORD v)
{
	char buf[16];

	snprintf(dst, len, "%s", pc_name_or_hex(names, v, buf, sizeof buf));
}

static void fill_row(struct pc_session *s, const PHONECAPS *caps, DWORD id, struct button_row *r)
{
	PHONEBUTTONINFO *b = NULL;
	const unsigned char *lamps;
	DWORD lamp_caps = 0, lamp;
	bool has_lamp = true;
	LONG err;

	r->err = get_button_info(s, id, &b);
	if (r->err == 0) {
		copy_name(r->mode, sizeof r->mode, pc_button_mode_names, b->dwButtonMode);
		copy_name(r->function, sizeof r->function, pc_button_function_names,
			  b->dwButtonFunction);
		if (s->api_version >= 0x00010004u) /* dwButtonState came with TAPI 1.4 */
			copy_name(r->state, sizeof r->state, pc_button_state_names,
				  b->dwButtonState);
		else
			snprintf(r->state, sizeof r->state, "-");
		r->text = button_text(b);
		free(b);
	}
	/* PHONECAPS lists the lamp modes each position supports: none (or DUMMY) = no lamp. */
	lamps = pc_var_part(caps, used_of(caps->dwTotalSize, caps->dwUsedSize),
			    caps->dwLampModesSize, caps->dwLampModesOffset);
	if (lamps && id < caps->dwLampModesSize / sizeof(DWORD)) {
		memcpy(&lamp_caps, lamps + (size_t)id * sizeof(DWORD), sizeof lamp_caps);
		has_lamp = lamp_caps != 0 && lamp_caps != PHONELAMPMODE_DUMMY;
	}
	if (!has_lamp) {
		snprintf(r->lamp, sizeof r->lamp, "-");
		return;
	}
	err = phoneGetLamp(s->phone, id, &lamp);
	if (err != 0)
		snprintf(r->lamp, sizeof r->lamp, "%s", phonectl_error_name(err));
	else
		copy_name(r->lamp, sizeof r->lamp, pc_lamp_mode_names, lamp);
}

int pc_cmd_buttons(const struct pc_options *opt, int argc, char **argv)
{
	struct pc_session s;
	PHONECAPS *caps = NULL;
	struct button_row *rows = NULL;
	size_t wtext = 4, wfunc = 8, wmode = 4, wstate = 5;
	DWORD dev, n = 0;
	int rc;

	(void)argc;
	if (!parse_dev(argv[0], &dev, &rc))
		return rc;
	rc = open_phone(&s, opt, dev, false);
	if (rc != PC_EXIT_OK)
		goto out;
	if (pc_session_get_caps(&s, dev, s.api_version, &caps, false) != 0) {
		rc = PC_EXIT_TAPI;
		goto out;
	}
	n = caps->dwNumButtonLamps;
	if (n == 0) {
		pc_info(opt, "phone %u has no buttons or lamps\n", (unsigned)dev);
		goto out;
	}
	rows = calloc(n, sizeof *rows);
	if (!rows) {
		pc_err("out of memory");
		rc = PC_EXIT_USAGE;
		goto out;
	}
	/* Everything first, then the table with columns as wide as their longest entry. */
	for (DWORD id = 0; id < n; id++) {
		struct button_row *r = &rows[id];

		fill_row(&s, caps, id, r);
		if (r->err)
			continue;
		if (r->text && text_width(r->text) > wtext)
			wtext = text_width(r->text);
		if (strlen(r->function) > wfunc)
			wfunc = strlen(r->function);
		if (strlen(r->mode) > wmode)
			wmode = strlen(r->mode);
		if (strlen(r->state) > wstate)
			wstate = strlen(r->state);
	}
	printf("%-3s %-*s  %-*s  %-*s  %-*s  %s\n", "ID", (int)wmode, "MODE", (int)wfunc,
	       "FUNCTION", (int)wtext, "TEXT", (int)wstate, "STATE", "LAMP");
	for (DWORD id = 0; id < n; id++) {
		struct button_row *r = &rows[id];
		const char *text = r->text ? r->text : "-";

		if (r->err) {
			printf("%-3u (phoneGetButtonInfoA: %s)\n", (unsigned)id,
			       phonectl_error_name(r->err));
			rc = PC_EXIT_TAPI;
			continue;
		}
		printf("%-3u %-*s  %-*s  %s%*s  %-*s  %s\n", (unsigned)id, (int)wmode, r->mode,
		       (int)wfunc, r->function, text, (int)(wtext - text_width(text)), "",
		       (int)wstate, r->state, r->lamp);
	}
out:
	if (rows)
		for (DWORD id = 0; id < n; id++)
			free(rows[id].text);
	free(rows);
	free(caps);
	pc_session_end(&s);
	return rc;
}
