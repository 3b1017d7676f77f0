/* SPDX-License-Identifier: MIT */
/* device.h — the simulated phone as a device: what it has (display, buttons, lamps, hookswitch
 * devices, volume, gain, ring modes) and what it is right now (its state). device_config.c
 * parses the device keys, device.c keeps the state.
 *
 * Owns: the configuration keys that describe the device (display, buttons, lamps, hookswitch,
 * volume, gain, ring_modes) and their defaults, the checks of requests against the device
 * (returning PHONEERR_ values), applying a change to a state and saying which PHONE_STATE
 * messages it causes, the text conversions (UTF-16 display writes, UTF-8 button texts) and the
 * byte format of the durable state file.
 * Must not: call the engine, take locks, create threads or touch files. Everything here is a
 * pure function of its arguments (plus ot_malloc), so that tests and fuzzers can drive it.
 */
#ifndef SIM_DEVICE_H
#define SIM_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include <tapi.h>

#define SIM_MAX_ROWS 32u
#define SIM_MAX_COLS 256u
#define SIM_MAX_BUTTONS 256u
#define SIM_MAX_RING_MODES 255u
#define SIM_TEXT_MAX 63u            /* bytes of UTF-8 in a button text, without the NUL */
#define SIM_NUM_HOOK 3u             /* handset, speaker, headset */
#define SIM_LEVEL_MAX 0xFFFFu       /* volume, gain, ring volume */
#define SIM_LEVEL_DEFAULT 0x8000u   /* their value in a new phone */
#define SIM_MAX_EVENTS 3u           /* PHONE_STATE messages one change can cause */
#define SIM_KEYPAD_KEYS 12u         /* '0'-'9' = IDs 0-9, '*' = 10, '#' = 11 */

/* Every lamp mode a lamp can be given; a position without a lamp has PHONELAMPMODE_DUMMY. */
#define SIM_LAMP_SETTABLE                                                                        \
	(PHONELAMPMODE_OFF | PHONELAMPMODE_STEADY | PHONELAMPMODE_WINK | PHONELAMPMODE_FLASH |   \
	 PHONELAMPMODE_FLUTTER | PHONELAMPMODE_BROKENFLUTTER)
#define SIM_HOOK_MODES                                                                           \
	(PHONEHOOKSWITCHMODE_ONHOOK | PHONEHOOKSWITCHMODE_MIC | PHONEHOOKSWITCHMODE_SPEAKER |    \
	 PHONEHOOKSWITCHMODE_MICSPEAKER)
#define SIM_BUTTON_MODES                                                                         \
	(PHONEBUTTONMODE_DUMMY | PHONEBUTTONMODE_CALL | PHONEBUTTONMODE_FEATURE |                \
	 PHONEBUTTONMODE_KEYPAD | PHONEBUTTONMODE_LOCAL | PHONEBUTTONMODE_DISPLAY)

/* What a button position is: PHONEBUTTONMODE_, PHONEBUTTONFUNCTION_ and its text (UTF-8). */
struct sim_button {
	uint32_t mode;
	uint32_t function;
	char text[SIM_TEXT_MAX + 1];
};

/* The device as configured; fixed while the provider runs. */
struct sim_device {
	uint32_t rows, cols;          /* both 0: no display */
	uint32_t num_buttons;         /* button/lamp IDs 0 … num_buttons-1 */
	struct sim_button *buttons;   /* as configured */
	uint32_t *lamp_modes;         /* per ID: the PHONELAMPMODE_ bits it supports; DUMMY = no lamp */
	uint32_t hook_devs;           /* PHONEHOOKSWITCHDEV_ bits of the devices present */
	uint32_t hook_modes[SIM_NUM_HOOK];     /* per device (index: handset, speaker, headset) */
	uint32_t hook_settable[SIM_NUM_HOOK];  /* ⊆ hook_modes: phoneSetHookSwitch may set these */
	uint32_t hook_monitored[SIM_NUM_HOOK]; /* ⊆ hook_modes: reported; others read as UNKNOWN */
	uint32_t volume_devs;         /* PHONEHOOKSWITCHDEV_ bits with a volume (dwVolumeFlags) */
	uint32_t gain_devs;           /* ... with a gain (dwGainFlags) */
	uint32_t ring_modes;          /* dwNumRingModes */
	uint64_t layout_hash;         /* of the button and lamp configuration (state file check) */
};

/* What the device is now. Allocated for one sim_device (sim_state_new), display and lamps in
 * the same block. Buttons are rarely changed, and a table of them is the biggest part of a
 * state (72 bytes a button), so a state has its own table only once a button differs from the
 * configuration: read them with sim_state_button(). */
struct sim_state {
	uint32_t *display;            /* rows*cols Unicode code points, row after row */
	struct sim_button *buttons;   /* current mode, function, text; NULL: as configured */
	uint32_t *lamps;              /* current PHONELAMPMODE_ per ID (DUMMY: no lamp) */
	uint32_t hook_mode[SIM_NUM_HOOK];  /* PHONEHOOKSWITCHMODE_ (the real one, even if unmonitored) */
	uint32_t volume[SIM_NUM_HOOK];
	uint32_t gain[SIM_NUM_HOOK];
	uint32_t ring_mode, ring_volume;
};

/* One key of the device description as found in the configuration: value NULL = not given. */
struct sim_device_setting {
	const char *value;
	unsigned line;
};

struct sim_device_settings {
	struct sim_device_setting display, buttons, lamps, hookswitch, volume, gain, ring_modes;
};

/* The setting of s that key names, or NULL when key is not one of the device keys. */
struct sim_device_setting *sim_device_setting_of(struct sim_device_settings *s, const char *key);

/* Builds d from the settings (keys not given take their defaults, which for lamps, volume and
 * gain follow from the buttons and hookswitch devices). Returns 0; -EINVAL with a one-line
 * "line N: key 'KEY': why" in err; or -ENOMEM. On failure d holds nothing to free. */
int sim_device_configure(struct sim_device *d, const struct sim_device_settings *s, char *err,
			 size_t errlen);
void sim_device_free(struct sim_device *d);

/* PHONECAPS values. features: every PHONEFEATURE_ the device offers (data areas: has_data);
 * states: every PHONESTATE_ it reports to a caller of TSPI version `version`. */
uint32_t sim_device_features(const struct sim_device *d, int has_data);
uint32_t sim_device_states(const struct sim_device *d, uint32_t version);
/* Whether the device has anything that a state file keeps. */
int sim_device_has_state(const struct sim_device *d);

/* Index 0, 1, 2 of a single PHONEHOOKSWITCHDEV_ bit, or -1 when dev is not exactly one bit. */
int sim_hook_index(uint32_t dev);

/* ---- state ------------------------------------------------------------------------------- */

/* A state in the device's starting condition: a blank display (spaces), the configured buttons,
 * lamps off, every hookswitch device on hook, volumes, gains and ring volume at
 * SIM_LEVEL_DEFAULT, ring mode 0. NULL when out of memory. */
struct sim_state *sim_state_new(const struct sim_device *d);
void sim_state_free(struct sim_state *s);
void sim_state_reset(const struct sim_device *d, struct sim_state *s);
/* Returns 0, or -ENOMEM when dst needs a button table of its own and none could be had (dst is
 * then unchanged). */
int sim_state_copy(const struct sim_device *d, struct sim_state *dst, const struct sim_state *src);
/* Button id (< d->num_buttons) as it is now. */
const struct sim_button *sim_state_button(const struct sim_device *d, const struct sim_state *s,
					  uint32_t id);

/* The hookswitch mode a device reports: its mode when that is monitored, else UNKNOWN. */
uint32_t sim_state_hook_reported(const struct sim_device *d, const struct sim_state *s, int i);
/* phoneGetHookSwitch: the PHONEHOOKSWITCHDEV_ bits of the devices that report being off hook. */
uint32_t sim_state_offhook(const struct sim_device *d, const struct sim_state *s);

/* ---- changes ----------------------------------------------------------------------------- */

enum sim_change_kind {
	SIM_SET_DISPLAY, /* a = first cell (row * cols + column), ncells/cells */
	SIM_SET_LAMP,    /* a = ID, b = PHONELAMPMODE_ */
	SIM_SET_BUTTON,  /* a = ID, button */
	SIM_SET_HOOK,    /* a = PHONEHOOKSWITCHDEV_ mask, b = PHONEHOOKSWITCHMODE_ */
	SIM_SET_RING,    /* a = ring mode, b = volume */
	SIM_SET_VOLUME,  /* a = hookswitch index, b = volume */
	SIM_SET_GAIN,    /* a = hookswitch index, b = gain */
};

struct sim_change {
	enum sim_change_kind kind;
	uint32_t a, b;
	uint32_t ncells;
	const uint32_t *cells;
	struct sim_button button;
};

/* PHONE_STATE messages: state bit and dwParam2 each. */
struct sim_events {
	unsigned n;
	uint32_t state[SIM_MAX_EVENTS];
	uint32_t param[SIM_MAX_EVENTS];
};

/* Makes s ready to take c without allocating: a button change gets s a button table of its own.
 * Returns 0 or -ENOMEM. Call it, under the lock that guards s, before c is queued, so that the
 * apply that comes later cannot fail. */
int sim_state_prepare(const struct sim_device *d, struct sim_state *s, const struct sim_change *c);

/* Applies a change that the sim_check_* functions accepted (and sim_state_prepare made room for).
 * ev (may be NULL) gets one PHONE_STATE per value that really changed: DISPLAY; LAMP (ID);
 * RINGMODE (new mode) and RINGVOLUME; one *HOOKSWITCH (the mode the device now reports) per device
 * whose reported mode changed; *VOLUME; *GAIN. A button change causes none. */
void sim_change_apply(const struct sim_device *d, struct sim_state *s, const struct sim_change *c,
		      struct sim_events *ev);

/* Checks of requests against the device: 0 or a PHONEERR_ value. */
LONG sim_check_lamp(const struct sim_device *d, uint32_t id, uint32_t mode);
LONG sim_check_hook(const struct sim_device *d, uint32_t devs, uint32_t mode);
LONG sim_check_ring(const struct sim_device *d, uint32_t mode);
/* volume (gain = 0) or gain (gain = 1) of one device; *index gets its hookswitch index. */
LONG sim_check_level(const struct sim_device *d, uint32_t dev, int gain, int *index);
/* SetButtonInfo: mode one valid PHONEBUTTONMODE_ (a position keeps having or not having a
 * physical button, so DUMMY stays DUMMY), function a TAPI 2.2 PHONEBUTTONFUNCTION_. */
LONG sim_check_button(const struct sim_device *d, uint32_t id, uint32_t mode, uint32_t function);

/* ---- text ---------------------------------------------------------------------------------- */

/* Converts UTF-16 (units, stopping at a NUL unit) into at most max display cells: surrogate
 * pairs become one character, unpaired surrogates U+FFFD, control characters (C0, DEL, C1) a
 * space. Returns the number of cells. src may be unaligned. */
size_t sim_utf16_to_cells(const void *src, size_t units, uint32_t *cells, size_t max);
/* Encodes cells as UTF-8 into out (when out is not NULL) followed by a NUL; returns the bytes
 * that takes, NUL included. */
size_t sim_cells_to_utf8(const uint32_t *cells, size_t n, char *out);
/* Copies text (len bytes, up to a NUL) into out (SIM_TEXT_MAX + 1 bytes) as clean UTF-8:
 * invalid sequences become U+FFFD, control characters a space, and the text is cut at a
 * character boundary to fit. Returns the length. */
size_t sim_text_clean(const char *text, size_t len, char *out);

/* ---- the state file's payload ----------------------------------------------------------------
 * store.c frames it (magic, length, CRC) and writes it atomically; this is what is inside. */

#define SIM_STATE_PAYLOAD_VERSION 1u

/* Bits of what sim_state_decode could not take over. */
#define SIM_STATE_DROP_DISPLAY 1u /* the display size changed: blank display */
#define SIM_STATE_DROP_BUTTONS 2u /* the buttons or lamps changed: configured buttons, lamps off */
#define SIM_STATE_DROP_VALUES 4u  /* a value out of range for the device now: starting value */

/* Room sim_state_encode needs at most for this device. */
size_t sim_state_encoded_max(const struct sim_device *d);
/* Writes the state (little-endian) into buf; returns the length. */
size_t sim_state_encode(const struct sim_device *d, const struct sim_state *s, unsigned char *buf);
/* Reads a payload into s. s is reset first; parts that no longer fit the device keep their
 * starting values and set bits in *dropped. Returns 0, or -EINVAL when the payload is malformed,
 * or -ENOMEM (s is then left reset). */
int sim_state_decode(const struct sim_device *d, struct sim_state *s, const unsigned char *buf,
		     size_t len, unsigned *dropped);

#endif
