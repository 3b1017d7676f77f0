/* SPDX-License-Identifier: MIT */
/* commands.c — see commands.h. */
#include "commands.h"

#include <errno.h>
#include <string.h>

#define MAX_WORDS 4

struct word {
	const char *p;
	size_t n;
};

/* Separates words. */
static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Ignored around the command: a line ending (CRLF from a file, LF from echo) is no mistake. */
static int is_space(char c)
{
	return is_blank(c) || c == '\r' || c == '\n';
}

/* Splits the text into at most MAX_WORDS words; returns the count, or -1 when there are more,
 * or when a line break remains inside: one command is one line, and "press\n5" is more likely
 * two lines pasted by mistake than a press of button 5. */
static int split(const char *buf, size_t len, struct word *w)
{
	size_t i = 0;
	int n = 0;

	while (len && is_space(buf[len - 1]))
		len--;
	while (i < len && is_space(buf[i]))
		i++;
	while (i < len) {
		size_t start;

		while (i < len && is_blank(buf[i]))
			i++;
		if (i < len && is_space(buf[i])) /* CR or LF: the ends were trimmed above */
			return -1;
		if (n == MAX_WORDS)
			return -1;
		start = i;
		while (i < len && !is_space(buf[i]))
			i++;
		w[n].p = buf + start;
		w[n].n = i - start;
		n++;
	}
	return n;
}

static int word_is(const struct word *w, const char *s)
{
	size_t n = strlen(s);

	return w->n == n && memcmp(w->p, s, n) == 0;
}

/* A decimal number by its value: leading zeros are allowed, however many ("press 007"). */
static int parse_u32(const struct word *w, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (w->n == 0)
		return -EINVAL;
	for (i = 0; i < w->n; i++) {
		if (w->p[i] < '0' || w->p[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(w->p[i] - '0');
		if (v > UINT32_MAX) /* checked at every digit: v cannot overflow */
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

int sim_command_parse(const char *buf, size_t len, struct sim_command *out)
{
	static const struct {
		const char *name;
		enum sim_command_kind kind;
	} plain[] = {
		{ "suspend", SIM_CMD_SUSPEND },
		{ "resume", SIM_CMD_RESUME },
		{ "disconnect", SIM_CMD_DISCONNECT },
		{ "connect", SIM_CMD_CONNECT },
		{ "hold-replies", SIM_CMD_HOLD_REPLIES },
		{ "release-replies", SIM_CMD_RELEASE_REPLIES },
		{ "remove", SIM_CMD_REMOVE },
	};
	static const char *const devs[] = { "handset", "speaker", "headset" };
	static const char *const modes[] = { "onhook", "mic", "speaker", "micspeaker" };
	struct word w[MAX_WORDS];
	const char *nul;
	size_t i;
	int n;

	if (!buf)
		len = 0;
	nul = len ? memchr(buf, '\0', len) : NULL;
	if (nul)
		len = (size_t)(nul - buf);
	n = split(buf, len, w);
	if (n <= 0)
		return -EINVAL;
	memset(out, 0, sizeof(*out));

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (word_is(&w[0], plain[i].name)) {
			if (n != 1)
				return -EINVAL;
			out->kind = plain[i].kind;
			return 0;
		}
	}
	if (word_is(&w[0], "press") || word_is(&w[0], "release")) {
		if (n != 2)
			return -EINVAL;
		if (word_is(&w[1], "*"))
			out->button = 10;
		else if (word_is(&w[1], "#"))
			out->button = 11;
		else if (parse_u32(&w[1], &out->button) < 0)
			return -EINVAL;
		out->kind = word_is(&w[0], "press") ? SIM_CMD_PRESS : SIM_CMD_RELEASE;
		return 0;
	}
	if (word_is(&w[0], "hook")) {
		int dev = -1, mode = -1;

		if (n != 3)
			return -EINVAL;
		for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
			if (word_is(&w[1], devs[i]))
				dev = (int)i;
		for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
			if (word_is(&w[2], modes[i]))
				mode = (int)i;
		if (dev < 0 || mode < 0)
			return -EINVAL;
		out->kind = SIM_CMD_HOOK;
		out->hook_dev = (enum sim_hook_dev)dev;
		out->hook_mode = (enum sim_hook_mode)mode;
		return 0;
	}
	return -EINVAL;
}

int sim_command_needs_owner(enum sim_command_kind kind)
{
	return kind == SIM_CMD_SUSPEND || kind == SIM_CMD_DISCONNECT ||
	       kind == SIM_CMD_HOLD_REPLIES || kind == SIM_CMD_REMOVE;
}
