/* SPDX-License-Identifier: MIT */
/* commands.h — the text commands of the sim provider's phoneDevSpecific.
 *
 * Owns: the grammar of the commands that simulate the world around a phone ("suspend",
 * "hold-replies", "press 5", "hook handset mic", ...). Parsing is a pure function of the bytes so
 * that a fuzzer can drive it.
 * Must not: allocate, log, or know about phones, TSPI or the store.
 *
 * Grammar: the text ends at the first NUL or after len bytes. Words are separated by spaces or
 * tabs; leading and trailing white space (including CR and LF) is ignored, and a CR or LF
 * between words is refused (one command is one line). Keywords are lower case. Numbers are
 * decimal, 0 … 4294967295, without sign; leading zeros are allowed, however many.
 *
 *   suspend | resume | disconnect | connect | hold-replies | release-replies | remove
 *   press ID | release ID   ID = a button/lamp ID, or * (= 10) or # (= 11), the keypad's keys
 *   hook DEV MODE      DEV = handset | speaker | headset
 *                      MODE = onhook | mic | speaker | micspeaker
 *
 * Who may send them: the commands that take service away from the owner (suspend, disconnect,
 * hold-replies, remove) only a handle that owns the phone — a monitor must never disturb the
 * owner. Those that give it back (resume, connect, release-replies) and those of the person at
 * the phone (press, release, hook) any handle: none of them can make the phone serve its owner
 * less.
 */
#ifndef SIM_COMMANDS_H
#define SIM_COMMANDS_H

#include <stddef.h>
#include <stdint.h>

enum sim_command_kind {
	SIM_CMD_SUSPEND,
	SIM_CMD_RESUME,
	SIM_CMD_DISCONNECT,
	SIM_CMD_CONNECT,
	SIM_CMD_HOLD_REPLIES,
	SIM_CMD_RELEASE_REPLIES,
	SIM_CMD_PRESS,   /* button = ID */
	SIM_CMD_RELEASE, /* button = ID */
	SIM_CMD_HOOK,    /* hook_dev, hook_mode */
	SIM_CMD_REMOVE,
};

enum sim_hook_dev { SIM_HOOK_HANDSET, SIM_HOOK_SPEAKER, SIM_HOOK_HEADSET };
enum sim_hook_mode { SIM_HOOK_ONHOOK, SIM_HOOK_MIC, SIM_HOOK_MODE_SPEAKER, SIM_HOOK_MICSPEAKER };

struct sim_command {
	enum sim_command_kind kind;
	uint32_t button;              /* SIM_CMD_PRESS, SIM_CMD_RELEASE */
	enum sim_hook_dev hook_dev;   /* SIM_CMD_HOOK */
	enum sim_hook_mode hook_mode; /* SIM_CMD_HOOK */
};

/* Parses one command from buf[0 … len). Returns 0 and fills *out, or -EINVAL (unknown command,
 * missing or extra word, bad number or name); *out is then unspecified. buf may be NULL when len
 * is 0. */
int sim_command_parse(const char *buf, size_t len, struct sim_command *out);

/* Whether a command of this kind needs owner privilege (see "Who may send them" above). */
int sim_command_needs_owner(enum sim_command_kind kind);

#endif
