/* SPDX-License-Identifier: MIT */
/* fuzz_sim_command.c — fuzz target of the sim provider's phoneDevSpecific command parser
 * (providers/sim/commands.c, sim_command_parse: a pure function).
 *
 * Input: the parameter block, as an application passes it to phoneDevSpecific.
 *
 * Checks, abort() on any broken promise:
 *  - the parser reads nothing outside the block (the replay and libFuzzer both hand it a buffer
 *    of exactly the input's size, so ASan sees a read past it);
 *  - it agrees with a reference parser written here from the grammar in commands.h and
 *    docs/providers/sim.md (result and every field of the command);
 *  - the text ends at the first NUL: whatever follows it never changes the result;
 *  - a NULL buffer of length 0 is refused.
 *
 * The reference follows the grammar as decided (docs/providers/sim.md): words are separated by
 * spaces and tabs only, so a CR or LF left between words (after the surrounding white space is
 * trimmed) makes the text invalid; numbers are read by value, leading zeros however many; the
 * keypad's * and # are buttons 10 and 11.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

enum verdict { REF_INVALID, REF_VALID };

struct tok {
	const char *p;
	size_t n;
};

static int is_sep(char c)
{
	return c == ' ' || c == '\t';
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int same(const struct tok *t, const char *s)
{
	return t->n == strlen(s) && memcmp(t->p, s, t->n) == 0;
}

/* Unsigned decimal without sign, any number of leading zeros. 1: in range; 0: not a number or
 * out of range. */
static int number(const struct tok *t, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (t->n == 0)
		return 0;
	for (i = 0; i < t->n; i++) {
		if (t->p[i] < '0' || t->p[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(t->p[i] - '0');
		if (v > UINT32_MAX)
			return 0;
	}
	*out = (uint32_t)v;
	return 1;
}

/* The reference reading of buf[0 … len) (already cut at its first NUL): REF_VALID with *cmd, or
 * REF_INVALID. */
static enum verdict reference(const char *buf, size_t len, struct sim_command *cmd)
{
	static const struct {
		const char *name;
		enum sim_command_kind kind;
	} plain[] = {
		{ "suspend", SIM_CMD_SUSPEND },		{ "resume", SIM_CMD_RESUME },
		{ "disconnect", SIM_CMD_DISCONNECT },	{ "connect", SIM_CMD_CONNECT },
		{ "hold-replies", SIM_CMD_HOLD_REPLIES }, { "release-replies", SIM_CMD_RELEASE_REPLIES },
		{ "remove", SIM_CMD_REMOVE },
	};
	static const char *const devs[] = { "handset", "speaker", "headset" };
	static const char *const modes[] = { "onhook", "mic", "speaker", "micspeaker" };
	struct tok t[8];
	size_t n = 0, i = 0, end = len;
	int d = -1, m = -1;

	/* Surrounding white space (CR and LF included) is ignored. */
	while (i < end && is_ws(buf[i]))
		i++;
	while (end > i && is_ws(buf[end - 1]))
		end--;
	while (i < end) {
		size_t start = i;

		while (i < end && !is_sep(buf[i]))
			i++;
		if (n == 8)
			return REF_INVALID; /* far more words than any command has */
		t[n].p = buf + start;
		t[n].n = i - start;
		n++;
		while (i < end && is_sep(buf[i]))
			i++;
	}
	if (n == 0)
		return REF_INVALID;
	memset(cmd, 0, sizeof(*cmd));
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (same(&t[0], plain[i].name)) {
			cmd->kind = plain[i].kind;
			return n == 1 ? REF_VALID : REF_INVALID;
		}
	if (same(&t[0], "press") || same(&t[0], "release")) {
		if (n != 2)
			return REF_INVALID;
		cmd->kind = same(&t[0], "press") ? SIM_CMD_PRESS : SIM_CMD_RELEASE;
		if (same(&t[1], "*") || same(&t[1], "#")) {
			cmd->button = t[1].p[0] == '*' ? 10 : 11;
			return REF_VALID;
		}
		return number(&t[1], &cmd->button) ? REF_VALID : REF_INVALID;
	}
	if (same(&t[0], "hook")) {
		if (n != 3)
			return REF_INVALID;
		for (i = 0; i < 3; i++)
			if (same(&t[1], devs[i]))
				d = (int)i;
		for (i = 0; i < 4; i++)
			if (same(&t[2], modes[i]))
				m = (int)i;
		if (d < 0 || m < 0)
			return REF_INVALID;
		cmd->kind = SIM_CMD_HOOK;
		cmd->hook_dev = (enum sim_hook_dev)d;
		cmd->hook_mode = (enum sim_hook_mode)m;
		return REF_VALID;
	}
	return REF_INVALID;
}

static int same_command(const struct sim_command *a, const struct sim_command *b)
{
	if (a->kind != b->kind)
		return 0;
	if (a->kind == SIM_CMD_PRESS || a->kind == SIM_CMD_RELEASE)
		return a->button == b->button;
	if (a->kind == SIM_CMD_HOOK)
		return a->hook_dev == b->hook_dev && a->hook_mode == b->hook_mode;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	const char *nul = size ? memchr(buf, '\0', size) : NULL;
	size_t len = nul ? (size_t)(nul - buf) : size;
	struct sim_command got, want, cut;
	int rc;

	rc = sim_command_parse(buf, size, &got);
	check(rc == 0 || rc == -EINVAL);
	if (reference(buf, len, &want) == REF_VALID)
		check(rc == 0 && same_command(&got, &want));
	else
		check(rc == -EINVAL);

	/* What follows the first NUL does not matter. */
	if (nul) {
		char *copy = malloc(len ? len : 1);
		int rc2;

		check(copy != NULL);
		memcpy(copy, buf, len);
		rc2 = sim_command_parse(copy, len, &cut);
		check(rc2 == rc);
		if (rc == 0)
			check(same_command(&cut, &got));
		free(copy);
	}
	check(sim_command_parse(NULL, 0, &cut) == -EINVAL);
	return 0;
}
