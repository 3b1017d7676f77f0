/* SPDX-License-Identifier: MIT */
/* device.c — a simulated phone's device state (device.h): made, reset, copied, checked against
 * the device, changed, and encoded for the state file. device_config.c parses the device from
 * the configuration. */
#define _GNU_SOURCE
#include "device.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

/* PHONESTATE_ bits by hookswitch index. */
static const uint32_t hook_state[SIM_NUM_HOOK] = { PHONESTATE_HANDSETHOOKSWITCH,
						   PHONESTATE_SPEAKERHOOKSWITCH,
						   PHONESTATE_HEADSETHOOKSWITCH };
static const uint32_t volume_state[SIM_NUM_HOOK] = { PHONESTATE_HANDSETVOLUME,
						     PHONESTATE_SPEAKERVOLUME,
						     PHONESTATE_HEADSETVOLUME };
static const uint32_t gain_state[SIM_NUM_HOOK] = { PHONESTATE_HANDSETGAIN, PHONESTATE_SPEAKERGAIN,
						   PHONESTATE_HEADSETGAIN };

static int one_bit(uint32_t v)
{
	return v && !(v & (v - 1));
}

int sim_hook_index(uint32_t dev)
{
	switch (dev) {
	case PHONEHOOKSWITCHDEV_HANDSET:
		return 0;
	case PHONEHOOKSWITCHDEV_SPEAKER:
		return 1;
	case PHONEHOOKSWITCHDEV_HEADSET:
		return 2;
	default:
		return -1;
	}
}

uint32_t sim_device_states(const struct sim_device *d, uint32_t version)
{
	uint32_t s = PHONESTATE_CONNECTED | PHONESTATE_DISCONNECTED | PHONESTATE_SUSPEND |
		     PHONESTATE_RESUME | PHONESTATE_OTHER | PHONESTATE_DEVSPECIFIC;
	uint32_t i;

	if (version >= 0x00010004)
		s |= PHONESTATE_CAPSCHANGE | PHONESTATE_REMOVED;
	if (d->rows)
		s |= PHONESTATE_DISPLAY;
	for (i = 0; i < d->num_buttons; i++)
		if (d->lamp_modes[i] != PHONELAMPMODE_DUMMY)
			s |= PHONESTATE_LAMP;
	if (d->ring_modes)
		s |= PHONESTATE_RINGMODE | PHONESTATE_RINGVOLUME;
	for (i = 0; i < SIM_NUM_HOOK; i++) {
		uint32_t bit = 1u << i;

		if ((d->hook_devs & bit) && d->hook_monitored[i])
			s |= hook_state[i];
		if (d->volume_devs & bit)
			s |= volume_state[i];
		if (d->gain_devs & bit)
			s |= gain_state[i];
	}
	return s;
}

uint32_t sim_device_features(const struct sim_device *d, int has_data)
{
	static const uint32_t get_hook[SIM_NUM_HOOK] = { PHONEFEATURE_GETHOOKSWITCHHANDSET,
							 PHONEFEATURE_GETHOOKSWITCHSPEAKER,
							 PHONEFEATURE_GETHOOKSWITCHHEADSET };
	static const uint32_t set_hook[SIM_NUM_HOOK] = { PHONEFEATURE_SETHOOKSWITCHHANDSET,
							 PHONEFEATURE_SETHOOKSWITCHSPEAKER,
							 PHONEFEATURE_SETHOOKSWITCHHEADSET };
	static const uint32_t vol[SIM_NUM_HOOK] = {
		PHONEFEATURE_GETVOLUMEHANDSET | PHONEFEATURE_SETVOLUMEHANDSET,
		PHONEFEATURE_GETVOLUMESPEAKER | PHONEFEATURE_SETVOLUMESPEAKER,
		PHONEFEATURE_GETVOLUMEHEADSET | PHONEFEATURE_SETVOLUMEHEADSET,
	};
	static const uint32_t gain[SIM_NUM_HOOK] = {
		PHONEFEATURE_GETGAINHANDSET | PHONEFEATURE_SETGAINHANDSET,
		PHONEFEATURE_GETGAINSPEAKER | PHONEFEATURE_SETGAINSPEAKER,
		PHONEFEATURE_GETGAINHEADSET | PHONEFEATURE_SETGAINHEADSET,
	};
	uint32_t f = PHONEFEATURE_GETRING, i;

	if (has_data)
		f |= PHONEFEATURE_GETDATA | PHONEFEATURE_SETDATA;
	if (d->num_buttons)
		f |= PHONEFEATURE_GETBUTTONINFO | PHONEFEATURE_SETBUTTONINFO;
	for (i = 0; i < d->num_buttons; i++)
		if (d->lamp_modes[i] != PHONELAMPMODE_DUMMY)
			f |= PHONEFEATURE_GETLAMP | PHONEFEATURE_SETLAMP;
	if (d->rows)
		f |= PHONEFEATURE_GETDISPLAY | PHONEFEATURE_SETDISPLAY;
	if (d->ring_modes)
		f |= PHONEFEATURE_SETRING;
	for (i = 0; i < SIM_NUM_HOOK; i++) {
		uint32_t bit = 1u << i;

		if (!(d->hook_devs & bit))
			continue;
		if (d->hook_monitored[i])
			f |= get_hook[i];
		if (d->hook_settable[i])
			f |= set_hook[i];
		if (d->volume_devs & bit)
			f |= vol[i];
		if (d->gain_devs & bit)
			f |= gain[i];
	}
	return f;
}

int sim_device_has_state(const struct sim_device *d)
{
	return d->rows || d->num_buttons || d->hook_devs || d->ring_modes;
}

/* ---- state ---------------------------------------------------------------------------------- */

void sim_state_free(struct sim_state *s)
{
	if (!s)
		return;
	ot_free(s->buttons);
	ot_free(s);
}

/* One block: the state, then the display cells, then the lamps (both arrays of uint32_t, so
 * the alignment of the struct serves them). */
struct sim_state *sim_state_new(const struct sim_device *d)
{
	size_t cells = (size_t)d->rows * d->cols, nb = d->num_buttons;
	struct sim_state *s = ot_calloc(1, sizeof(*s) + (cells + nb) * sizeof(uint32_t));

	if (!s)
		return NULL;
	s->display = (uint32_t *)(s + 1);
	s->lamps = s->display + cells;
	sim_state_reset(d, s);
	return s;
}

void sim_state_reset(const struct sim_device *d, struct sim_state *s)
{
	size_t i, cells = (size_t)d->rows * d->cols;

	for (i = 0; i < cells; i++)
		s->display[i] = ' ';
	ot_free(s->buttons);
	s->buttons = NULL;
	for (i = 0; i < d->num_buttons; i++)
		s->lamps[i] = d->lamp_modes[i] == PHONELAMPMODE_DUMMY ? PHONELAMPMODE_DUMMY
								       : PHONELAMPMODE_OFF;
	for (i = 0; i < SIM_NUM_HOOK; i++) {
		s->hook_mode[i] = (d->hook_devs & (1u << i)) ? PHONEHOOKSWITCHMODE_ONHOOK : 0;
		s->volume[i] = SIM_LEVEL_DEFAULT;
		s->gain[i] = SIM_LEVEL_DEFAULT;
	}
	s->ring_mode = 0;
	s->ring_volume = SIM_LEVEL_DEFAULT;
}

/* Gives s a button table of its own (a copy of the configured one) if it has none. */
static int own_buttons(const struct sim_device *d, struct sim_state *s)
{
	if (s->buttons)
		return 0;
	s->buttons = ot_malloc((d->num_buttons ? d->num_buttons : 1) * sizeof(*s->buttons));
	if (!s->buttons)
		return -ENOMEM;
	memcpy(s->buttons, d->buttons, d->num_buttons * sizeof(*s->buttons));
	return 0;
}

int sim_state_copy(const struct sim_device *d, struct sim_state *dst, const struct sim_state *src)
{
	if (src->buttons) {
		if (own_buttons(d, dst) < 0)
			return -ENOMEM;
		memcpy(dst->buttons, src->buttons, d->num_buttons * sizeof(*dst->buttons));
	} else {
		ot_free(dst->buttons);
		dst->buttons = NULL;
	}
	memcpy(dst->display, src->display, (size_t)d->rows * d->cols * sizeof(*dst->display));
	memcpy(dst->lamps, src->lamps, d->num_buttons * sizeof(*dst->lamps));
	memcpy(dst->hook_mode, src->hook_mode, sizeof(dst->hook_mode));
	memcpy(dst->volume, src->volume, sizeof(dst->volume));
	memcpy(dst->gain, src->gain, sizeof(dst->gain));
	dst->ring_mode = src->ring_mode;
	dst->ring_volume = src->ring_volume;
	return 0;
}

const struct sim_button *sim_state_button(const struct sim_device *d, const struct sim_state *s,
					  uint32_t id)
{
	return s->buttons ? &s->buttons[id] : &d->buttons[id];
}

int sim_state_prepare(const struct sim_device *d, struct sim_state *s, const struct sim_change *c)
{
	return c->kind == SIM_SET_BUTTON ? own_buttons(d, s) : 0;
}

uint32_t sim_state_hook_reported(const struct sim_device *d, const struct sim_state *s, int i)
{
	if (!(d->hook_devs & (1u << i)))
		return 0;
	return (s->hook_mode[i] & d->hook_monitored[i]) ? s->hook_mode[i]
							 : PHONEHOOKSWITCHMODE_UNKNOWN;
}

uint32_t sim_state_offhook(const struct sim_device *d, const struct sim_state *s)
{
	uint32_t mask = 0;
	int i;

	for (i = 0; i < (int)SIM_NUM_HOOK; i++) {
		uint32_t m = sim_state_hook_reported(d, s, i);

		if (m && m != PHONEHOOKSWITCHMODE_ONHOOK && m != PHONEHOOKSWITCHMODE_UNKNOWN)
			mask |= 1u << i;
	}
	return mask;
}

/* ---- checks and changes --------------------------------------------------------------------- */

LONG sim_check_lamp(const struct sim_device *d, uint32_t id, uint32_t mode)
{
	if (id >= d->num_buttons || d->lamp_modes[id] == PHONELAMPMODE_DUMMY)
		return PHONEERR_INVALBUTTONLAMPID;
	if (!one_bit(mode) || !(mode & d->lamp_modes[id] & SIM_LAMP_SETTABLE))
		return PHONEERR_INVALLAMPMODE;
	return 0;
}

LONG sim_check_hook(const struct sim_device *d, uint32_t devs, uint32_t mode)
{
	int i;

	if (!d->hook_devs)
		return PHONEERR_OPERATIONUNAVAIL;
	if (!devs || (devs & ~d->hook_devs))
		return PHONEERR_INVALHOOKSWITCHDEV;
	if (!one_bit(mode) || !(mode & SIM_HOOK_MODES))
		return PHONEERR_INVALHOOKSWITCHMODE;
	for (i = 0; i < (int)SIM_NUM_HOOK; i++)
		if ((devs & (1u << i)) && !(d->hook_settable[i] & mode))
			return PHONEERR_INVALHOOKSWITCHMODE;
	return 0;
}

LONG sim_check_ring(const struct sim_device *d, uint32_t mode)
{
	if (!d->ring_modes)
		return PHONEERR_OPERATIONUNAVAIL;
	if (mode > d->ring_modes)
		return PHONEERR_INVALRINGMODE;
	return 0;
}

LONG sim_check_level(const struct sim_device *d, uint32_t dev, int gain, int *index)
{
	int i = sim_hook_index(dev);

	if (i < 0 || !(d->hook_devs & dev))
		return PHONEERR_INVALHOOKSWITCHDEV;
	if (!((gain ? d->gain_devs : d->volume_devs) & dev))
		return PHONEERR_OPERATIONUNAVAIL;
	*index = i;
	return 0;
}

LONG sim_check_button(const struct sim_device *d, uint32_t id, uint32_t mode, uint32_t function)
{
	if (id >= d->num_buttons)
		return PHONEERR_INVALBUTTONLAMPID;
	if (!one_bit(mode) || !(mode & SIM_BUTTON_MODES) ||
	    (mode == PHONEBUTTONMODE_DUMMY) != (d->buttons[id].mode == PHONEBUTTONMODE_DUMMY))
		return PHONEERR_INVALBUTTONMODE;
	if (function > PHONEBUTTONFUNCTION_NONE)
		return PHONEERR_INVALPARAM;
	return 0;
}

static void event(struct sim_events *ev, uint32_t state, uint32_t param)
{
	if (ev && ev->n < SIM_MAX_EVENTS) {
		ev->state[ev->n] = state;
		ev->param[ev->n] = param;
		ev->n++;
	}
}

static uint32_t clamp(uint32_t v)
{
	return v > SIM_LEVEL_MAX ? SIM_LEVEL_MAX : v;
}

void sim_change_apply(const struct sim_device *d, struct sim_state *s, const struct sim_change *c,
		      struct sim_events *ev)
{
	size_t cells = (size_t)d->rows * d->cols, i;
	int changed = 0;
	uint32_t v;

	if (ev)
		ev->n = 0;
	switch (c->kind) {
	case SIM_SET_DISPLAY:
		for (i = 0; i < c->ncells && c->a + i < cells; i++) {
			if (s->display[c->a + i] != c->cells[i]) {
				s->display[c->a + i] = c->cells[i];
				changed = 1;
			}
		}
		if (changed)
			event(ev, PHONESTATE_DISPLAY, 0);
		break;
	case SIM_SET_LAMP:
		if (c->a < d->num_buttons && s->lamps[c->a] != c->b) {
			s->lamps[c->a] = c->b;
			event(ev, PHONESTATE_LAMP, c->a);
		}
		break;
	case SIM_SET_BUTTON:
		/* own_buttons does nothing when the caller prepared s, as it must. */
		if (c->a < d->num_buttons && own_buttons(d, s) == 0)
			s->buttons[c->a] = c->button;
		break;
	case SIM_SET_HOOK:
		for (i = 0; i < SIM_NUM_HOOK; i++) {
			uint32_t before;

			if (!(c->a & d->hook_devs & (1u << i)))
				continue;
			before = sim_state_hook_reported(d, s, (int)i);
			s->hook_mode[i] = c->b;
			v = sim_state_hook_reported(d, s, (int)i);
			if (v != before)
				event(ev, hook_state[i], v);
		}
		break;
	case SIM_SET_RING:
		if (s->ring_mode != c->a) {
			s->ring_mode = c->a;
			event(ev, PHONESTATE_RINGMODE, c->a);
		}
		v = clamp(c->b);
		if (s->ring_volume != v) {
			s->ring_volume = v;
			event(ev, PHONESTATE_RINGVOLUME, 0);
		}
		break;
	case SIM_SET_VOLUME:
	case SIM_SET_GAIN:
		if (c->a >= SIM_NUM_HOOK)
			break;
		v = clamp(c->b);
		if (c->kind == SIM_SET_VOLUME && s->volume[c->a] != v) {
			s->volume[c->a] = v;
			event(ev, volume_state[c->a], 0);
		} else if (c->kind == SIM_SET_GAIN && s->gain[c->a] != v) {
			s->gain[c->a] = v;
			event(ev, gain_state[c->a], 0);
		}
		break;
	}
}

/* ---- text
 * ------------------------------------------------------------------------------------- */

static int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

size_t sim_utf16_to_cells(const void *src, size_t units, uint32_t *cells, size_t max)
{
	const unsigned char *p = src;
	size_t i = 0, n = 0;

	while (i < units && n < max) {
		uint16_t u, u2;
		uint32_t cp;

		memcpy(&u, p + 2 * i, 2);
		if (u == 0)
			break;
		i++;
		if (u >= 0xd800 && u < 0xdc00 && i < units) {
			memcpy(&u2, p + 2 * i, 2);
			if (u2 >= 0xdc00 && u2 < 0xe000) {
				i++;
				cp = 0x10000 + (((uint32_t)u - 0xd800) << 10) + (u2 - 0xdc00);
			} else {
				cp = 0xfffd;
			}
		} else if (u >= 0xd800 && u < 0xe000) {
			cp = 0xfffd;
		} else {
			cp = u;
		}
		cells[n++] = is_control(cp) ? ' ' : cp;
	}
	return n;
}

static size_t utf8_put(uint32_t cp, char *out)
{
	unsigned char b[4];
	size_t n;

	if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
		cp = 0xfffd;
	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (out)
		memcpy(out, b, n);
	return n;
}

size_t sim_cells_to_utf8(const uint32_t *cells, size_t n, char *out)
{
	size_t len = 0, i;

	for (i = 0; i < n; i++)
		len += utf8_put(cells[i], out ? out + len : NULL);
	if (out)
		out[len] = '\0';
	return len + 1;
}

/* Decodes one UTF-8 sequence at p (n bytes left, n > 0): returns its length and *cp, or 0 when
 * the bytes are not a valid, shortest-form sequence of a scalar value. */
static size_t utf8_get(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t v, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		v = p[0] & 0x1f;
		min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		v = p[0] & 0x0f;
		min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		v = p[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v < 0xe000))
		return 0;
	*cp = v;
	return len;
}

size_t sim_text_clean(const char *text, size_t len, char *out)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, n = 0;

	while (i < len && p[i]) {
		uint32_t cp;
		size_t k = utf8_get(p + i, len - i, &cp), w;
		char enc[4];

		if (k == 0) {
			cp = 0xfffd;
			k = 1;
		}
		if (is_control(cp))
			cp = ' ';
		w = utf8_put(cp, enc);
		if (n + w > SIM_TEXT_MAX)
			break;
		memcpy(out + n, enc, w);
		n += w;
		i += k;
	}
	out[n] = '\0';
	return n;
}

/* ---- the state payload
 * ------------------------------------------------------------------------ */

static unsigned char *put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
	return p + 4;
}

size_t sim_state_encoded_max(const struct sim_device *d)
{
	return 4 + 8 + (size_t)d->rows * d->cols * 4 + 8 + SIM_NUM_HOOK * 12 + 8 + 4 +
	       (size_t)d->num_buttons * (16 + SIM_TEXT_MAX);
}

size_t sim_state_encode(const struct sim_device *d, const struct sim_state *s, unsigned char *buf)
{
	unsigned char *p = buf;
	size_t cells = (size_t)d->rows * d->cols, i;

	p = put32(p, SIM_STATE_PAYLOAD_VERSION);
	p = put32(p, d->rows);
	p = put32(p, d->cols);
	for (i = 0; i < cells; i++)
		p = put32(p, s->display[i]);
	p = put32(p, s->ring_mode);
	p = put32(p, s->ring_volume);
	for (i = 0; i < SIM_NUM_HOOK; i++) {
		p = put32(p, s->hook_mode[i]);
		p = put32(p, s->volume[i]);
		p = put32(p, s->gain[i]);
	}
	p = put32(p, (uint32_t)d->layout_hash);
	p = put32(p, (uint32_t)(d->layout_hash >> 32));
	p = put32(p, d->num_buttons);
	for (i = 0; i < d->num_buttons; i++) {
		const struct sim_button *b = sim_state_button(d, s, (uint32_t)i);
		size_t t = strlen(b->text);

		p = put32(p, b->mode);
		p = put32(p, b->function);
		p = put32(p, s->lamps[i]);
		p = put32(p, (uint32_t)t);
		memcpy(p, b->text, t);
		p += t;
	}
	return (size_t)(p - buf);
}

struct reader {
	const unsigned char *p;
	size_t left;
	int bad;
};

static uint32_t get32(struct reader *r)
{
	uint32_t v;

	if (r->left < 4) {
		r->bad = 1;
		return 0;
	}
	v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
	    (uint32_t)r->p[3] << 24;
	r->p += 4;
	r->left -= 4;
	return v;
}

static uint32_t level(uint32_t v, unsigned *dropped)
{
	if (v > SIM_LEVEL_MAX) {
		*dropped |= SIM_STATE_DROP_VALUES;
		return SIM_LEVEL_MAX;
	}
	return v;
}

int sim_state_decode(const struct sim_device *d, struct sim_state *s, const unsigned char *buf,
		     size_t len, unsigned *dropped)
{
	struct reader r = { buf, len, 0 };
	uint32_t rows, cols, nb, i, v, same_display;
	uint64_t hash;
	size_t cells;

	*dropped = 0;
	sim_state_reset(d, s);
	if (get32(&r) != SIM_STATE_PAYLOAD_VERSION || r.bad)
		goto bad;
	rows = get32(&r);
	cols = get32(&r);
	if (r.bad || rows > SIM_MAX_ROWS || cols > SIM_MAX_COLS)
		goto bad;
	cells = (size_t)rows * cols;
	if (r.left / 4 < cells)
		goto bad;
	same_display = rows == d->rows && cols == d->cols;
	if (!same_display)
		*dropped |= SIM_STATE_DROP_DISPLAY;
	for (i = 0; i < cells; i++) {
		v = get32(&r);
		if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000) || is_control(v))
			v = ' ';
		if (same_display)
			s->display[i] = v;
	}
	v = get32(&r);
	if (v <= d->ring_modes)
		s->ring_mode = v;
	else
		*dropped |= SIM_STATE_DROP_VALUES;
	s->ring_volume = level(get32(&r), dropped);
	for (i = 0; i < SIM_NUM_HOOK; i++) {
		v = get32(&r);
		if (d->hook_devs & (1u << i)) {
			if (one_bit(v) && (v & d->hook_modes[i]))
				s->hook_mode[i] = v;
			else
				*dropped |= SIM_STATE_DROP_VALUES;
		}
		s->volume[i] = level(get32(&r), dropped);
		s->gain[i] = level(get32(&r), dropped);
	}
	hash = get32(&r);
	hash |= (uint64_t)get32(&r) << 32;
	nb = get32(&r);
	if (r.bad || nb > SIM_MAX_BUTTONS)
		goto bad;
	if (hash != d->layout_hash || nb != d->num_buttons)
		*dropped |= SIM_STATE_DROP_BUTTONS;
	for (i = 0; i < nb; i++) {
		struct sim_button b;
		uint32_t lamp, t;

		memset(&b, 0, sizeof(b));
		b.mode = get32(&r);
		b.function = get32(&r);
		lamp = get32(&r);
		t = get32(&r);
		if (r.bad || t > SIM_TEXT_MAX || r.left < t)
			goto bad;
		if (sim_text_clean((const char *)r.p, t, b.text) != t ||
		    memcmp(b.text, r.p, t) != 0)
			*dropped |= SIM_STATE_DROP_VALUES; /* kept, cleaned */
		r.p += t;
		r.left -= t;
		if (*dropped & SIM_STATE_DROP_BUTTONS)
			continue;
		if (sim_check_button(d, i, b.mode, b.function) != 0) {
			*dropped |= SIM_STATE_DROP_VALUES;
		} else if (memcmp(&b, &d->buttons[i], sizeof(b)) != 0) {
			/* b is zero-filled after its text, as configured buttons are. */
			if (own_buttons(d, s) < 0)
				goto nomem;
			s->buttons[i] = b;
		}
		if (d->lamp_modes[i] == PHONELAMPMODE_DUMMY ? lamp == PHONELAMPMODE_DUMMY
							     : sim_check_lamp(d, i, lamp) == 0)
			s->lamps[i] = lamp;
		else
			*dropped |= SIM_STATE_DROP_VALUES;
	}
	if (r.bad || r.left)
		goto bad;
	return 0;

bad:
	sim_state_reset(d, s);
	*dropped = 0;
	return -EINVAL;
nomem:
	sim_state_reset(d, s);
	*dropped = 0;
	return -ENOMEM;
}
