/* SPDX-License-Identifier: MIT */
/* device_config.c — a simulated phone's device keys (display, buttons, lamps, hookswitch, volume,
 * gain, ring_modes) parsed into its struct sim_device (device.h), with the messages a person
 * reads when a value is wrong (docs/providers/sim.md lists the keys).
 *
 * Owns: the grammar of those keys and their defaults. Must not: touch a device's state
 * (device.c) or a phone's storage (store.c).
 */
#define _GNU_SOURCE
#include "device.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The defaults are written in the configuration's own syntax and parsed by the same code, so the
 * documentation's example and the behaviour cannot drift apart. Lamps, volume and gain default to
 * what follows from the buttons and hookswitch devices (see configure_lamps/configure_levels). */
#define DEFAULT_DISPLAY "2x40"
#define DEFAULT_BUTTONS                                                                          \
	"keypad, call:callapp:Line 1, call:callapp:Line 2, feature:hold:Hold, "                  \
	"feature:transfer:Transfer, feature:conference:Conference, feature:drop:Drop, "          \
	"local:mute:Mute, local:volumeup:Vol+, local:volumedown:Vol-, "                          \
	"dummy:msgindicator:Message"
#define DEFAULT_HOOKSWITCH "handset, speaker, headset"
#define DEFAULT_RING_MODES "4"

struct name {
	const char *name;
	uint32_t value;
};

static const struct name button_modes[] = {
	{ "dummy", PHONEBUTTONMODE_DUMMY },     { "call", PHONEBUTTONMODE_CALL },
	{ "feature", PHONEBUTTONMODE_FEATURE }, { "keypad", PHONEBUTTONMODE_KEYPAD },
	{ "local", PHONEBUTTONMODE_LOCAL },     { "display", PHONEBUTTONMODE_DISPLAY },
};

static const struct name button_functions[] = {
	{ "unknown", PHONEBUTTONFUNCTION_UNKNOWN },
	{ "conference", PHONEBUTTONFUNCTION_CONFERENCE },
	{ "transfer", PHONEBUTTONFUNCTION_TRANSFER },
	{ "drop", PHONEBUTTONFUNCTION_DROP },
	{ "hold", PHONEBUTTONFUNCTION_HOLD },
	{ "recall", PHONEBUTTONFUNCTION_RECALL },
	{ "disconnect", PHONEBUTTONFUNCTION_DISCONNECT },
	{ "connect", PHONEBUTTONFUNCTION_CONNECT },
	{ "msgwaiton", PHONEBUTTONFUNCTION_MSGWAITON },
	{ "msgwaitoff", PHONEBUTTONFUNCTION_MSGWAITOFF },
	{ "selectring", PHONEBUTTONFUNCTION_SELECTRING },
	{ "abbrevdial", PHONEBUTTONFUNCTION_ABBREVDIAL },
	{ "forward", PHONEBUTTONFUNCTION_FORWARD },
	{ "pickup", PHONEBUTTONFUNCTION_PICKUP },
	{ "ringagain", PHONEBUTTONFUNCTION_RINGAGAIN },
	{ "park", PHONEBUTTONFUNCTION_PARK },
	{ "reject", PHONEBUTTONFUNCTION_REJECT },
	{ "redirect", PHONEBUTTONFUNCTION_REDIRECT },
	{ "mute", PHONEBUTTONFUNCTION_MUTE },
	{ "volumeup", PHONEBUTTONFUNCTION_VOLUMEUP },
	{ "volumedown", PHONEBUTTONFUNCTION_VOLUMEDOWN },
	{ "speakeron", PHONEBUTTONFUNCTION_SPEAKERON },
	{ "speakeroff", PHONEBUTTONFUNCTION_SPEAKEROFF },
	{ "flash", PHONEBUTTONFUNCTION_FLASH },
	{ "dataon", PHONEBUTTONFUNCTION_DATAON },
	{ "dataoff", PHONEBUTTONFUNCTION_DATAOFF },
	{ "donotdisturb", PHONEBUTTONFUNCTION_DONOTDISTURB },
	{ "intercom", PHONEBUTTONFUNCTION_INTERCOM },
	{ "bridgedapp", PHONEBUTTONFUNCTION_BRIDGEDAPP },
	{ "busy", PHONEBUTTONFUNCTION_BUSY },
	{ "callapp", PHONEBUTTONFUNCTION_CALLAPP },
	{ "datetime", PHONEBUTTONFUNCTION_DATETIME },
	{ "directory", PHONEBUTTONFUNCTION_DIRECTORY },
	{ "cover", PHONEBUTTONFUNCTION_COVER },
	{ "callid", PHONEBUTTONFUNCTION_CALLID },
	{ "lastnum", PHONEBUTTONFUNCTION_LASTNUM },
	{ "nightsrv", PHONEBUTTONFUNCTION_NIGHTSRV },
	{ "sendcalls", PHONEBUTTONFUNCTION_SENDCALLS },
	{ "msgindicator", PHONEBUTTONFUNCTION_MSGINDICATOR },
	{ "repdial", PHONEBUTTONFUNCTION_REPDIAL },
	{ "setrepdial", PHONEBUTTONFUNCTION_SETREPDIAL },
	{ "systemspeed", PHONEBUTTONFUNCTION_SYSTEMSPEED },
	{ "stationspeed", PHONEBUTTONFUNCTION_STATIONSPEED },
	{ "campon", PHONEBUTTONFUNCTION_CAMPON },
	{ "saverepeat", PHONEBUTTONFUNCTION_SAVEREPEAT },
	{ "queuecall", PHONEBUTTONFUNCTION_QUEUECALL },
	{ "none", PHONEBUTTONFUNCTION_NONE },
};

static const struct name lamp_modes[] = {
	{ "off", PHONELAMPMODE_OFF },	  { "steady", PHONELAMPMODE_STEADY },
	{ "wink", PHONELAMPMODE_WINK },	  { "flash", PHONELAMPMODE_FLASH },
	{ "flutter", PHONELAMPMODE_FLUTTER }, { "brokenflutter", PHONELAMPMODE_BROKENFLUTTER },
};

static const struct name hook_devs[] = {
	{ "handset", PHONEHOOKSWITCHDEV_HANDSET },
	{ "speaker", PHONEHOOKSWITCHDEV_SPEAKER },
	{ "headset", PHONEHOOKSWITCHDEV_HEADSET },
};

static const struct name hook_modes[] = {
	{ "onhook", PHONEHOOKSWITCHMODE_ONHOOK },
	{ "mic", PHONEHOOKSWITCHMODE_MIC },
	{ "speaker", PHONEHOOKSWITCHMODE_SPEAKER },
	{ "micspeaker", PHONEHOOKSWITCHMODE_MICSPEAKER },
};

/* ---- words and lists ------------------------------------------------------------------------ */

struct span {
	const char *p;
	size_t n;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static struct span trim(struct span s)
{
	while (s.n && is_blank(*s.p)) {
		s.p++;
		s.n--;
	}
	while (s.n && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

static int span_is(struct span s, const char *word)
{
	size_t n = strlen(word);

	return s.n == n && memcmp(s.p, word, n) == 0;
}

/* Splits off the next part up to sep (or the end); returns 0 when nothing is left. */
static int next_part(struct span *rest, char sep, struct span *part)
{
	const char *q;

	if (!rest->p)
		return 0;
	q = memchr(rest->p, sep, rest->n);
	part->p = rest->p;
	part->n = q ? (size_t)(q - rest->p) : rest->n;
	if (q) {
		rest->n -= part->n + 1;
		rest->p = q + 1;
	} else {
		rest->p = NULL;
		rest->n = 0;
	}
	*part = trim(*part);
	return 1;
}

/* The next blank-separated word; 0 when none is left. */
static int next_word(struct span *rest, struct span *word)
{
	*rest = trim(*rest);
	if (!rest->n)
		return 0;
	word->p = rest->p;
	word->n = 0;
	while (word->n < rest->n && !is_blank(word->p[word->n]))
		word->n++;
	rest->p += word->n;
	rest->n -= word->n;
	return 1;
}

static int lookup(const struct name *t, size_t n, struct span s, uint32_t *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (span_is(s, t[i].name)) {
			*out = t[i].value;
			return 0;
		}
	}
	return -1;
}

static int parse_uint(struct span s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s.n == 0 || s.n > 10)
		return -1;
	for (i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
	}
	if (v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static struct span span_of(const char *s)
{
	struct span r = { s, strlen(s) };

	return trim(r);
}

/* "none" or nothing at all. */
static int is_none(struct span s)
{
	return s.n == 0 || span_is(s, "none");
}

#define SHOW(s) (int)((s).n > 40 ? 40 : (s).n), (s).p

/* ---- configuration ---------------------------------------------------------------------------- */

struct sim_device_setting *sim_device_setting_of(struct sim_device_settings *s, const char *key)
{
	if (!strcmp(key, "display"))
		return &s->display;
	if (!strcmp(key, "buttons"))
		return &s->buttons;
	if (!strcmp(key, "lamps"))
		return &s->lamps;
	if (!strcmp(key, "hookswitch"))
		return &s->hookswitch;
	if (!strcmp(key, "volume"))
		return &s->volume;
	if (!strcmp(key, "gain"))
		return &s->gain;
	if (!strcmp(key, "ring_modes"))
		return &s->ring_modes;
	return NULL;
}

static int configure_display(struct sim_device *d, struct span v, char *why, size_t whylen)
{
	const char *x;
	struct span r, c;

	d->rows = d->cols = 0;
	if (span_is(v, "none"))
		return 0;
	x = v.n ? memchr(v.p, 'x', v.n) : NULL;
	if (!x)
		x = v.n ? memchr(v.p, 'X', v.n) : NULL;
	if (!x) {
		snprintf(why, whylen, "'%.*s' is not ROWSxCOLUMNS (such as 2x40) or none", SHOW(v));
		return -1;
	}
	r.p = v.p;
	r.n = (size_t)(x - v.p);
	c.p = x + 1;
	c.n = v.n - r.n - 1;
	r = trim(r);
	c = trim(c);
	if (parse_uint(r, SIM_MAX_ROWS, &d->rows) < 0 || d->rows == 0 ||
	    parse_uint(c, SIM_MAX_COLS, &d->cols) < 0 || d->cols == 0) {
		d->rows = d->cols = 0;
		snprintf(why, whylen,
			 "'%.*s' is not ROWSxCOLUMNS with 1 to %u rows and 1 to %u columns, or none",
			 SHOW(v), SIM_MAX_ROWS, SIM_MAX_COLS);
		return -1;
	}
	return 0;
}

/* Strict for the configuration: the text must already be what sim_text_clean would make. */
static int config_text(struct span t, char *out, char *why, size_t whylen)
{
	size_t n;

	if (t.n > SIM_TEXT_MAX) {
		snprintf(why, whylen, "button text '%.*s...' is longer than %u bytes", SHOW(t),
			 SIM_TEXT_MAX);
		return -1;
	}
	n = sim_text_clean(t.p, t.n, out);
	if (n != t.n || memcmp(out, t.p, n) != 0) {
		snprintf(why, whylen, "button text '%.*s' is not printable UTF-8", SHOW(t));
		return -1;
	}
	return 0;
}

static int add_button(struct sim_device *d, const struct sim_button *b, char *why, size_t whylen)
{
	if (d->num_buttons == SIM_MAX_BUTTONS) {
		snprintf(why, whylen, "more than %u buttons", SIM_MAX_BUTTONS);
		return -1;
	}
	d->buttons[d->num_buttons++] = *b;
	return 0;
}

static int configure_buttons(struct sim_device *d, struct span v, char *why, size_t whylen)
{
	struct span rest = v, item;
	int first = 1;

	d->num_buttons = 0;
	if (is_none(v))
		return 0;
	while (next_part(&rest, ',', &item)) {
		struct span r = item, mode, func, text = { "", 0 };
		struct sim_button b;

		memset(&b, 0, sizeof(b));
		if (span_is(item, "keypad")) {
			static const char keys[] = "0123456789*#";
			unsigned k;

			if (!first) {
				snprintf(why, whylen,
					 "'keypad' must be the first item: the keypad keys have the IDs "
					 "0 to 11");
				return -1;
			}
			for (k = 0; k < SIM_KEYPAD_KEYS; k++) {
				b.mode = PHONEBUTTONMODE_KEYPAD;
				b.function = PHONEBUTTONFUNCTION_NONE;
				b.text[0] = keys[k];
				b.text[1] = '\0';
				if (add_button(d, &b, why, whylen) < 0)
					return -1;
			}
			first = 0;
			continue;
		}
		first = 0;
		if (item.n == 0) {
			snprintf(why, whylen, "empty item in the list");
			return -1;
		}
		next_part(&r, ':', &mode);
		if (!next_part(&r, ':', &func)) {
			snprintf(why, whylen,
				 "'%.*s' is not MODE:FUNCTION[:TEXT] (such as feature:hold:Hold) or "
				 "keypad",
				 SHOW(item));
			return -1;
		}
		if (r.p)
			text = trim(r); /* the rest, colons included */
		if (lookup(button_modes, ARRAY_SIZE(button_modes), mode, &b.mode) < 0 ||
		    b.mode == PHONEBUTTONMODE_KEYPAD) {
			snprintf(why, whylen,
				 "'%.*s' is not a button mode (call, feature, local, display, dummy; "
				 "keypad keys come from the item 'keypad')",
				 SHOW(mode));
			return -1;
		}
		if (lookup(button_functions, ARRAY_SIZE(button_functions), func, &b.function) < 0) {
			snprintf(why, whylen,
				 "'%.*s' is not a button function (the PHONEBUTTONFUNCTION_ names in "
				 "lower case, such as hold, transfer, mute, none)",
				 SHOW(func));
			return -1;
		}
		if (config_text(text, b.text, why, whylen) < 0)
			return -1;
		if (add_button(d, &b, why, whylen) < 0)
			return -1;
	}
	return 0;
}

static int configure_lamps(struct sim_device *d, const struct sim_device_setting *s, char *why,
			   size_t whylen)
{
	struct span rest, item;
	uint32_t i;

	for (i = 0; i < d->num_buttons; i++)
		d->lamp_modes[i] = PHONELAMPMODE_DUMMY;
	if (!s->value) {
		/* Default: every button but the keypad keys has a lamp with every mode. */
		for (i = 0; i < d->num_buttons; i++)
			if (d->buttons[i].mode != PHONEBUTTONMODE_KEYPAD)
				d->lamp_modes[i] = SIM_LAMP_SETTABLE;
		return 0;
	}
	rest = span_of(s->value);
	if (is_none(rest))
		rest.p = NULL;
	while (next_part(&rest, ',', &item)) {
		struct span r = item, ids, words, w, lo, hi;
		uint32_t first, last, modes = 0, m;
		const char *dash;

		if (item.n == 0) {
			snprintf(why, whylen, "empty item in the list");
			return -1;
		}
		next_part(&r, ':', &ids);
		words = r.p ? r : (struct span){ NULL, 0 };
		dash = ids.n ? memchr(ids.p, '-', ids.n) : NULL;
		lo = ids;
		hi = ids;
		if (dash) {
			lo.n = (size_t)(dash - ids.p);
			hi.p = dash + 1;
			hi.n = ids.n - lo.n - 1;
			lo = trim(lo);
			hi = trim(hi);
		}
		if (parse_uint(lo, UINT32_MAX, &first) < 0 || parse_uint(hi, UINT32_MAX, &last) < 0 ||
		    last < first) {
			snprintf(why, whylen,
				 "'%.*s' is not a button ID or a range of IDs (such as 12 or 12-17)",
				 SHOW(ids));
			return -1;
		}
		if (last >= d->num_buttons) {
			snprintf(why, whylen, "button %u does not exist (the buttons have IDs 0 to %d)",
				 last, (int)d->num_buttons - 1);
			return -1;
		}
		if (words.p) {
			while (next_word(&words, &w)) {
				if (lookup(lamp_modes, ARRAY_SIZE(lamp_modes), w, &m) < 0) {
					snprintf(why, whylen,
						 "'%.*s' is not a lamp mode (off, steady, wink, flash, "
						 "flutter, brokenflutter)",
						 SHOW(w));
					return -1;
				}
				modes |= m;
			}
			if (!(modes & PHONELAMPMODE_OFF)) {
				snprintf(why, whylen,
					 "the lamps of '%.*s' need the mode 'off' (every lamp starts off)",
					 SHOW(ids));
				return -1;
			}
		} else {
			modes = SIM_LAMP_SETTABLE;
		}
		for (i = first; i <= last; i++) {
			if (d->lamp_modes[i] != PHONELAMPMODE_DUMMY) {
				snprintf(why, whylen, "button %u is given twice", i);
				return -1;
			}
			d->lamp_modes[i] = modes;
		}
	}
	for (i = 0; i < d->num_buttons; i++) {
		if (d->buttons[i].mode == PHONEBUTTONMODE_DUMMY &&
		    d->lamp_modes[i] == PHONELAMPMODE_DUMMY) {
			snprintf(why, whylen,
				 "button %u is a dummy (a lamp without a button) and needs a lamp", i);
			return -1;
		}
	}
	return 0;
}

/* A mode list of "settable=" / "monitored=": all, none, or names joined by '+'. */
#define ALL_MODES 0x80000000u

static int hook_mode_list(struct span s, uint32_t *out, char *why, size_t whylen)
{
	struct span rest = s, part;
	uint32_t m;

	*out = 0;
	if (span_is(s, "all")) {
		*out = ALL_MODES;
		return 0;
	}
	if (span_is(s, "none"))
		return 0;
	while (next_part(&rest, '+', &part)) {
		if (lookup(hook_modes, ARRAY_SIZE(hook_modes), part, &m) < 0) {
			snprintf(why, whylen,
				 "'%.*s' is not a hookswitch mode (onhook, mic, speaker, micspeaker; "
				 "lists are joined with '+', or all, or none)",
				 SHOW(part));
			return -1;
		}
		*out |= m;
	}
	return 0;
}

static int configure_hookswitch(struct sim_device *d, struct span v, char *why, size_t whylen)
{
	struct span rest = v, item;

	d->hook_devs = 0;
	memset(d->hook_modes, 0, sizeof(d->hook_modes));
	memset(d->hook_settable, 0, sizeof(d->hook_settable));
	memset(d->hook_monitored, 0, sizeof(d->hook_monitored));
	if (is_none(v))
		return 0;
	while (next_part(&rest, ',', &item)) {
		struct span r = item, dev, words, w;
		uint32_t bit, modes = 0, settable = ALL_MODES, monitored = ALL_MODES, m;
		int i;

		if (item.n == 0) {
			snprintf(why, whylen, "empty item in the list");
			return -1;
		}
		next_part(&r, ':', &dev);
		if (lookup(hook_devs, ARRAY_SIZE(hook_devs), dev, &bit) < 0) {
			snprintf(why, whylen,
				 "'%.*s' is not a hookswitch device (handset, speaker, headset)",
				 SHOW(dev));
			return -1;
		}
		if (d->hook_devs & bit) {
			snprintf(why, whylen, "'%.*s' is given twice", SHOW(dev));
			return -1;
		}
		words = r.p ? r : (struct span){ NULL, 0 };
		while (words.p && next_word(&words, &w)) {
			if (w.n > 9 && !memcmp(w.p, "settable=", 9)) {
				struct span l = { w.p + 9, w.n - 9 };

				if (hook_mode_list(l, &settable, why, whylen) < 0)
					return -1;
			} else if (w.n > 10 && !memcmp(w.p, "monitored=", 10)) {
				struct span l = { w.p + 10, w.n - 10 };

				if (hook_mode_list(l, &monitored, why, whylen) < 0)
					return -1;
			} else if (lookup(hook_modes, ARRAY_SIZE(hook_modes), w, &m) == 0) {
				modes |= m;
			} else {
				snprintf(why, whylen,
					 "'%.*s' is neither a hookswitch mode (onhook, mic, speaker, "
					 "micspeaker) nor settable=... or monitored=...",
					 SHOW(w));
				return -1;
			}
		}
		if (!modes)
			modes = SIM_HOOK_MODES;
		if (!(modes & PHONEHOOKSWITCHMODE_ONHOOK)) {
			snprintf(why, whylen,
				 "the %.*s needs the mode 'onhook' (every device starts on hook)",
				 SHOW(dev));
			return -1;
		}
		if (settable == ALL_MODES)
			settable = modes;
		if (monitored == ALL_MODES)
			monitored = modes;
		if ((settable | monitored) & ~modes) {
			snprintf(why, whylen,
				 "the %.*s: settable and monitored modes must be modes of the device",
				 SHOW(dev));
			return -1;
		}
		i = sim_hook_index(bit);
		d->hook_devs |= bit;
		d->hook_modes[i] = modes;
		d->hook_settable[i] = settable;
		d->hook_monitored[i] = monitored;
	}
	return 0;
}

static int configure_levels(const struct sim_device *d, const struct sim_device_setting *s,
			    uint32_t *out, char *why, size_t whylen)
{
	struct span rest, item;
	uint32_t bit;

	if (!s->value) {
		*out = d->hook_devs; /* default: every hookswitch device */
		return 0;
	}
	*out = 0;
	rest = span_of(s->value);
	if (is_none(rest))
		return 0;
	while (next_part(&rest, ',', &item)) {
		if (lookup(hook_devs, ARRAY_SIZE(hook_devs), item, &bit) < 0) {
			snprintf(why, whylen,
				 "'%.*s' is not a hookswitch device (handset, speaker, headset)",
				 SHOW(item));
			return -1;
		}
		if (!(d->hook_devs & bit)) {
			snprintf(why, whylen,
				 "'%.*s' is not one of the phone's hookswitch devices (key hookswitch)",
				 SHOW(item));
			return -1;
		}
		if (*out & bit) {
			snprintf(why, whylen, "'%.*s' is given twice", SHOW(item));
			return -1;
		}
		*out |= bit;
	}
	return 0;
}

static uint64_t fnv64(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--) {
		h ^= *c++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t layout_hash(const struct sim_device *d)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint32_t i;

	h = fnv64(h, &d->num_buttons, sizeof(d->num_buttons));
	for (i = 0; i < d->num_buttons; i++) {
		const struct sim_button *b = &d->buttons[i];

		h = fnv64(h, &b->mode, 4);
		h = fnv64(h, &b->function, 4);
		h = fnv64(h, b->text, strlen(b->text) + 1);
		h = fnv64(h, &d->lamp_modes[i], 4);
	}
	return h;
}

void sim_device_free(struct sim_device *d)
{
	ot_free(d->buttons);
	ot_free(d->lamp_modes);
	memset(d, 0, sizeof(*d));
}

int sim_device_configure(struct sim_device *d, const struct sim_device_settings *s, char *err,
			 size_t errlen)
{
	char why[200];
	const char *key;
	unsigned line;
	struct span v;

	memset(d, 0, sizeof(*d));
	d->buttons = ot_calloc(SIM_MAX_BUTTONS, sizeof(*d->buttons));
	if (!d->buttons) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}

#define TAKE(field, k, def)                                                                      \
	do {                                                                                     \
		key = k;                                                                         \
		line = s->field.line;                                                            \
		v = span_of(s->field.value ? s->field.value : def);                              \
	} while (0)

	TAKE(display, "display", DEFAULT_DISPLAY);
	if (configure_display(d, v, why, sizeof(why)) < 0)
		goto bad;
	TAKE(buttons, "buttons", DEFAULT_BUTTONS);
	if (configure_buttons(d, v, why, sizeof(why)) < 0)
		goto bad;
	d->lamp_modes = ot_calloc(d->num_buttons ? d->num_buttons : 1, sizeof(*d->lamp_modes));
	if (!d->lamp_modes) {
		sim_device_free(d);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	key = "lamps";
	line = s->lamps.line;
	if (configure_lamps(d, &s->lamps, why, sizeof(why)) < 0) {
		if (!s->lamps.value) { /* the default failed: the buttons are at fault */
			key = "buttons";
			line = s->buttons.line;
		}
		goto bad;
	}
	TAKE(hookswitch, "hookswitch", DEFAULT_HOOKSWITCH);
	if (configure_hookswitch(d, v, why, sizeof(why)) < 0)
		goto bad;
	key = "volume";
	line = s->volume.line;
	if (configure_levels(d, &s->volume, &d->volume_devs, why, sizeof(why)) < 0)
		goto bad;
	key = "gain";
	line = s->gain.line;
	if (configure_levels(d, &s->gain, &d->gain_devs, why, sizeof(why)) < 0)
		goto bad;
	TAKE(ring_modes, "ring_modes", DEFAULT_RING_MODES);
	if (parse_uint(v, SIM_MAX_RING_MODES, &d->ring_modes) < 0) {
		snprintf(why, sizeof(why), "'%.*s' is not a number of ring modes (0 to %u)", SHOW(v),
			 SIM_MAX_RING_MODES);
		goto bad;
	}
#undef TAKE
	if (d->num_buttons < SIM_MAX_BUTTONS) {
		/* Give back what the list did not use (a failure just keeps the larger block). */
		struct sim_button *b = ot_realloc(d->buttons, (d->num_buttons ? d->num_buttons : 1) *
								      sizeof(*b));

		if (b)
			d->buttons = b;
	}
	d->layout_hash = layout_hash(d);
	return 0;

bad:
	snprintf(err, errlen, "line %u: key '%s': %s", line, key, why);
	sim_device_free(d);
	return -EINVAL;
}
