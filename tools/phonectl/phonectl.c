/* SPDX-License-Identifier: MIT */
/* phonectl.c — the OpenTAPI command-line tool: option parsing, the table of subcommands, help.
 *
 * A subcommand is a row of `commands` below: its name, synopsis, help, how many positional
 * arguments it takes, which command options it accepts and the function that runs it. Options
 * may appear before or after the command name; "--" ends them.
 */
#include "phonectl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef OT_VERSION
#define OT_VERSION "unknown"
#endif

static int cmd_help(const struct pc_options *opt, int argc, char **argv);

static const struct pc_command commands[] = {
	{
		.name = "list",
		.args = "[--json]",
		.summary = "list the phone devices with their data areas",
		.help = "Prints one line per phone device:\n"
			"  ID  NAME  (set areas: N, get areas: M)\n"
			"A phone removed while TAPI runs (by its provider, or by a reload of\n"
			"tapisrv's configuration) shows as 'ID  (removed)': its ID is not used again.\n"
			"--json prints one JSON array of {id, name, set_areas, get_areas} (or\n"
			"{id, removed: true}) instead.\n",
		.min_args = 0, .max_args = 0,
		.options = PC_OPT_JSON,
		.run = pc_cmd_list,
	},
	{
		.name = "caps",
		.args = "DEV [--json]",
		.summary = "show the capabilities (PHONECAPS) of phone DEV",
		.help = "Shows name, provider and phone info, permanent ID, string format, phone\n"
			"states, features, display, ring modes, buttons and lamps, hookswitch\n"
			"devices, data areas and device classes of phone DEV. --json prints the\n"
			"same as one JSON object (constants by name without their prefix).\n",
		.min_args = 1, .max_args = 1,
		.options = PC_OPT_JSON,
		.run = pc_cmd_caps,
	},
	{
		.name = "set-data",
		.args = "DEV ID FILE|- [--timeout MS]",
		.summary = "write FILE (or standard input) to data area ID (phoneSetData)",
		.help = "Opens phone DEV as owner, reads FILE whole ('-': standard input) and\n"
			"downloads it to the start of data area ID with phoneSetData. Prints the\n"
			"request ID, waits for its PHONE_REPLY (at most --timeout MS, default 10000;\n"
			"'inf' waits forever) and prints the result. Bytes of the area past the end\n"
			"of FILE keep their content. With -v, other messages that arrive meanwhile\n"
			"are printed too.\n",
		.min_args = 3, .max_args = 3,
		.options = PC_OPT_TIMEOUT,
		.run = pc_cmd_set_data,
	},
	{
		.name = "get-data",
		.args = "DEV ID [--size N] [-o FILE] [--hex|--raw]",
		.summary = "read data area ID (phoneGetData) to FILE or standard output",
		.help = "Opens phone DEV as monitor and uploads data area ID with phoneGetData.\n"
			"--size N asks for N bytes (default: the area's size from PHONECAPS); at most\n"
			"the area's size is returned. The bytes go to FILE (-o) or standard output;\n"
			"on a terminal they are shown as a hex dump unless --raw is given (--hex\n"
			"forces the dump). 'read B bytes from area ID' goes to standard error, or to\n"
			"standard output when -o FILE is given.\n",
		.min_args = 2, .max_args = 2,
		.options = PC_OPT_SIZE | PC_OPT_OUTPUT | PC_OPT_HEX,
		.run = pc_cmd_get_data,
	},
	{
		.name = "display",
		.args = "DEV [TEXT] [--row R --col C] [--timeout MS]",
		.summary = "show the display, or write TEXT to it (phoneSetDisplay)",
		.help = "Without TEXT: opens phone DEV as monitor and prints the display\n"
			"(phoneGetDisplay) as its rows, one line each, columns wide.\n"
			"With TEXT: opens the phone as owner and writes TEXT (UTF-8) at row R, column\n"
			"C (zero-based, default 0 0) with phoneSetDisplay; what does not fit is cut\n"
			"off. Prints the request ID and waits for its PHONE_REPLY.\n",
		.min_args = 1, .max_args = 2,
		.options = PC_OPT_ROW | PC_OPT_COL | PC_OPT_TIMEOUT,
		.run = pc_cmd_display,
	},
	{
		.name = "lamp",
		.args = "DEV ID [MODE] [--timeout MS]",
		.summary = "show or set the mode of lamp ID (phoneGetLamp / phoneSetLamp)",
		.help = "MODE: off, steady, wink, flash, flutter, brokenflutter, dummy (or a\n"
			"PHONELAMPMODE_ value). Without MODE the lamp's mode is printed.\n",
		.min_args = 2, .max_args = 3,
		.options = PC_OPT_TIMEOUT,
		.run = pc_cmd_lamp,
	},
	{
		.name = "ring",
		.args = "DEV [MODE [VOLUME]] [--timeout MS]",
		.summary = "show or set the ring mode and volume (phoneGetRing / phoneSetRing)",
		.help = "MODE: 0 (or 'off') for silence, 1 .. the phone's number of ring modes.\n"
			"VOLUME: 0 .. 65535, or a percentage like 50%; without it the current\n"
			"volume is kept. TAPI clamps a volume out of range.\n",
		.min_args = 1, .max_args = 3,
		.options = PC_OPT_TIMEOUT,
		.run = pc_cmd_ring,
	},
	{
		.name = "hook",
		.args = "DEV [DEVICE MODE] [--timeout MS]",
		.summary = "show the hookswitch, or set DEVICE to MODE (phoneSetHookSwitch)",
		.help = "Without DEVICE MODE: prints which hookswitch devices are off-hook\n"
			"(phoneGetHookSwitch) and each device's mode (phoneGetStatus).\n"
			"DEVICE: handset, speaker, headset (or several joined by commas);\n"
			"MODE: onhook, mic, speaker, micspeaker.\n",
		.min_args = 1, .max_args = 3,
		.options = PC_OPT_TIMEOUT,
		.run = pc_cmd_hook,
	},
	{
		.name = "volume",
		.args = "DEV DEVICE [VALUE] [--timeout MS]",
		.summary = "show or set the speaker volume of a hookswitch device",
		.help = "DEVICE: handset, speaker or headset. VALUE: 0 .. 65535, or a percentage\n"
			"like 50%. TAPI clamps a value out of range; the value in effect is printed\n"
			"after the PHONE_REPLY (phoneSetVolume, then phoneGetVolume).\n",
		.min_args = 2, .max_args = 3,
		.options = PC_OPT_TIMEOUT,
		.run = pc_cmd_volume,
	},
	{
		.name = "gain",
		.args = "DEV DEVICE [VALUE] [--timeout MS]",
		.summary = "show or set the microphone gain of a hookswitch device",
		.help = "DEVICE: handset, speaker or headset. VALUE: 0 .. 65535, or a percentage\n"
			"like 50%. TAPI clamps a value out of range; the value in effect is printed\n"
			"after the PHONE_REPLY (phoneSetGain, then phoneGetGain).\n",
		.min_args = 2, .max_args = 3,
		.options = PC_OPT_TIMEOUT,
		.run = pc_cmd_gain,
	},
	{
		.name = "buttons",
		.args = "DEV",
		.summary = "list every button and lamp: mode, function, text, state, lamp",
		.help = "One line per button/lamp ID (0 .. dwNumButtonLamps - 1) from\n"
			"phoneGetButtonInfo and phoneGetLamp: ID, MODE, FUNCTION, TEXT, STATE, LAMP.\n"
			"'-' marks a text the button does not have, or a position without a lamp.\n",
		.min_args = 1, .max_args = 1,
		.run = pc_cmd_buttons,
	},
	{
		.name = "press",
		.args = "DEV ID [--timeout MS]",
		.summary = "press and release button ID of a simulated phone",
		.help = "Sends the sim provider's commands \"press ID\" and then \"release ID\" with\n"
			"phoneDevSpecific (opening phone DEV as monitor) and waits for both replies;\n"
			"every app monitoring the phone gets PHONE_BUTTON down, then up. Keypad\n"
			"IDs: 0-9 for the digits, 10 for '*', 11 for '#'. Only the sim provider knows\n"
			"these commands. With -v the PHONE_BUTTON messages are printed too.\n",
		.min_args = 2, .max_args = 2,
		.options = PC_OPT_TIMEOUT,
		.run = pc_cmd_press,
	},
	{
		.name = "sim",
		.args = "DEV COMMAND... [--timeout MS]",
		.summary = "send a text command to the phone's provider (phoneDevSpecific)",
		.help = "Opens phone DEV as monitor and sends the words of COMMAND, joined by spaces\n"
			"and ended by a NUL, with phoneDevSpecific; prints the request ID and waits\n"
			"for its PHONE_REPLY. The sim provider understands:\n"
			"  suspend, resume, disconnect, connect, remove,\n"
			"  press ID, release ID, hook handset|speaker|headset onhook|mic|speaker|micspeaker\n"
			"(and hold-replies, release-replies). Other providers define their own blocks.\n"
			"suspend, disconnect, hold-replies and remove take service away from the owner\n"
			"and need owner privilege: refused to a monitor (PHONEERR_NOTOWNER), they are\n"
			"sent again as owner unless --privilege is given.\n",
		.min_args = 2, .max_args = 64,
		.options = PC_OPT_TIMEOUT,
		.run = pc_cmd_sim,
	},
	{
		.name = "monitor",
		.args = "DEV [--json] [--count N] [--timeout MS] [--only KINDS]",
		.summary = "print every message of phone DEV as it arrives",
		.help = "Opens phone DEV as monitor, enables every PHONE_STATE and every button\n"
			"mode and state (phoneSetStatusMessages), and prints each message with the\n"
			"time it arrived, e.g.\n"
			"  12:00:01.234 PHONE_STATE HANDSETHOOKSWITCH mode=MICSPEAKER\n"
			"  12:00:02.345 PHONE_BUTTON id=5 mode=KEYPAD state=DOWN\n"
			"--json prints one JSON object per line instead. Runs until SIGINT/SIGTERM,\n"
			"until --count N messages were printed or --timeout MS passed (exit 0; exit 1\n"
			"when --count was not reached in time), or until TAPI closes the phone (exit 1).\n"
			"--only KINDS prints and counts only those messages: a comma-separated list of\n"
			"button, state, close, reply, devspecific, create, remove.\n"
			"Startup goes to standard error (\"monitoring phone DEV\"), unless -q.\n",
		.min_args = 1, .max_args = 1,
		.options = PC_OPT_JSON | PC_OPT_COUNT | PC_OPT_TIMEOUT | PC_OPT_ONLY,
		.run = pc_cmd_monitor,
	},
	{
		.name = "status",
		.args = "[--json] [--timeout MS]",
		.summary = "show the mode, the server's version and who uses each phone",
		.help = "Prints which TAPI phonectl gets, as libopentapi chooses it from\n"
			"OPENTAPI_SERVER: embedded, or server with its socket, the server's version\n"
			"and protocol version (asked with the protocol's HELLO). Then, per phone, its\n"
			"name, connected/suspended, owners with the owner's name and monitors\n"
			"(phoneGetStatus; phonectl's own monitor handle is not counted); a removed\n"
			"phone as '(removed)'. --json prints one JSON object: mode, reason or socket\n"
			"and server {version, protocol, pid}, and phones [{id, name, connected,\n"
			"suspended, owners, owner, monitors} or {id, removed: true}].\n",
		.min_args = 0, .max_args = 0,
		.options = PC_OPT_JSON | PC_OPT_TIMEOUT,
		.run = pc_cmd_status,
	},
	{
		.name = "help",
		.args = "[COMMAND]",
		.summary = "show this help, or the help of COMMAND",
		.min_args = 0, .max_args = 1,
		.run = cmd_help,
	},
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

const struct pc_command *pc_current_command;

/* ---- output helpers ---- */

void pc_info(const struct pc_options *opt, const char *fmt, ...)
{
	va_list ap;

	if (opt->quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void pc_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("phonectl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void print_synopsis(FILE *f, const struct pc_command *cmd)
{
	fprintf(f, "Usage: phonectl [OPTIONS] %s%s%s\n", cmd->name, cmd->args[0] ? " " : "",
		cmd->args);
}

int pc_usage_error(const struct pc_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("phonectl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		print_synopsis(stderr, cmd);
	fprintf(stderr, "Try 'phonectl %s%s--help' for more information.\n",
		cmd ? cmd->name : "", cmd ? " " : "");
	return PC_EXIT_USAGE;
}

bool pc_parse_dword(const char *s, DWORD *out)
{
	unsigned long long v;
	char *end;
	int base = 10;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return false;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*out = (DWORD)v;
	return true;
}

/* ---- help ---- */

static void print_usage(FILE *f)
{
	fputs("Usage: phonectl [OPTIONS] COMMAND [ARGS]\n"
	      "Control TAPI phone devices through OpenTAPI (the TAPI 2.2 phone* API).\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < N_COMMANDS; i++) {
		char syn[80];
		snprintf(syn, sizeof syn, "%s %s", commands[i].name, commands[i].args);
		if (strlen(syn) > 26)
			fprintf(f, "  %s\n  %-26s  %s\n", syn, "", commands[i].summary);
		else
			fprintf(f, "  %-26s  %s\n", syn, commands[i].summary);
	}
	fputs("\n"
	      "DEV is a phone's device ID (0 .. number of devices - 1) or its name, as 'list'\n"
	      "shows them. ID is a data area ID (set-data, get-data) or a button/lamp ID\n"
	      "(lamp, press; see 'buttons').\n"
	      "Numbers are decimal or 0x-prefixed hexadecimal.\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help                  show help (of a command: phonectl COMMAND --help)\n"
	      "      --version               show the version\n"
	      "      --privilege owner|monitor\n"
	      "                              open the phone with this privilege (default:\n"
	      "                              owner to set, monitor to read, watch or simulate)\n"
	      "      --timeout MS            how long to wait for a PHONE_REPLY (default 10000;\n"
	      "                              'inf' = no limit); monitor: how long to run\n"
	      "      --row R, --col C        display: where TEXT goes (default 0, 0)\n"
	      "      --json                  list, caps, status: JSON instead of text;\n"
	      "                              monitor: one JSON object per message\n"
	      "      --count N               monitor: stop after N messages\n"
	      "      --only KINDS            monitor: only these messages (button,state,...)\n"
	      "      --size N                get-data: bytes to read (default: the area size)\n"
	      "  -o, --output FILE           get-data: write the bytes to FILE\n"
	      "      --hex, --raw            get-data: hex dump / raw bytes on standard output\n"
	      "  -q, --quiet                 print only results and errors\n"
	      "  -v, --verbose               print versions and other TAPI messages too\n"
	      "\n"
	      "Exit status: 0 success, 1 TAPI error (or no reply in time), 2 usage error or\n"
	      "a file that cannot be read or written.\n"
	      "\n"
	      "Environment: OPENTAPI_SERVER (unset: server if running, else embedded;\n"
	      "'embedded'; or a socket path), OPENTAPI_CONFIG, OPENTAPI_STATE_DIR.\n", f);
}

static const struct pc_command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void print_command_help(FILE *f, const struct pc_command *cmd)
{
	print_synopsis(f, cmd);
	fprintf(f, "%c%s.\n", cmd->summary[0] >= 'a' && cmd->summary[0] <= 'z'
				   ? cmd->summary[0] - 'a' + 'A' : cmd->summary[0],
		cmd->summary + 1);
	if (cmd->help)
		fprintf(f, "\n%s", cmd->help);
	fputs("\nGlobal options: -h/--help, --version, --privilege owner|monitor, -q, -v.\n", f);
}

static int cmd_help(const struct pc_options *opt, int argc, char **argv)
{
	const struct pc_command *cmd;

	(void)opt;
	if (argc == 0) {
		print_usage(stdout);
		return PC_EXIT_OK;
	}
	cmd = find_command(argv[0]);
	if (!cmd)
		return pc_usage_error(NULL, "unknown command '%s'", argv[0]);
	print_command_help(stdout, cmd);
	return PC_EXIT_OK;
}

/* ---- option parsing ---- */

struct opt_def {
	const char *long_name; /* without "--" */
	char short_name;       /* 0: none */
	bool has_arg;
	unsigned cmd_flag;     /* PC_OPT_* for command options, 0 for global ones */
	int id;
};

enum {
	O_HELP, O_VERSION, O_PRIVILEGE, O_QUIET, O_VERBOSE, O_TIMEOUT, O_SIZE, O_OUTPUT, O_HEX, O_RAW,
	O_JSON, O_COUNT, O_ROW, O_COL, O_ONLY,
};

static const struct opt_def opt_defs[] = {
	{ "help", 'h', false, 0, O_HELP },
	{ "version", 0, false, 0, O_VERSION },
	{ "privilege", 0, true, 0, O_PRIVILEGE },
	{ "quiet", 'q', false, 0, O_QUIET },
	{ "verbose", 'v', false, 0, O_VERBOSE },
	{ "timeout", 0, true, PC_OPT_TIMEOUT, O_TIMEOUT },
	{ "size", 0, true, PC_OPT_SIZE, O_SIZE },
	{ "output", 'o', true, PC_OPT_OUTPUT, O_OUTPUT },
	{ "hex", 0, false, PC_OPT_HEX, O_HEX },
	{ "raw", 0, false, PC_OPT_HEX, O_RAW },
	{ "json", 0, false, PC_OPT_JSON, O_JSON },
	{ "count", 0, true, PC_OPT_COUNT, O_COUNT },
	{ "row", 0, true, PC_OPT_ROW, O_ROW },
	{ "col", 0, true, PC_OPT_COL, O_COL },
	{ "only", 0, true, PC_OPT_ONLY, O_ONLY },
};

#define N_OPT_DEFS (sizeof opt_defs / sizeof opt_defs[0])

struct parse_state {
	bool help, version;
	unsigned used;            /* PC_OPT_* seen */
	const struct opt_def *used_def[PC_OPT_BITS]; /* an option per PC_OPT_* bit, for messages */
};

/* --only: message kinds, by their name with or without "PHONE_". */
static bool parse_only(const char *arg, DWORD *out)
{
	static const struct {
		const char *name;
		DWORD msg;
	} kinds[] = {
		{ "button", PHONE_BUTTON }, { "state", PHONE_STATE }, { "close", PHONE_CLOSE },
		{ "reply", PHONE_REPLY }, { "devspecific", PHONE_DEVSPECIFIC },
		{ "create", PHONE_CREATE }, { "remove", PHONE_REMOVE },
	};
	const char *p = arg;

	*out = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		bool found = false;

		if (len > 6 && strncasecmp(p, "PHONE_", 6) == 0) {
			p += 6;
			len -= 6;
		}
		for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
			if (strlen(kinds[i].name) == len && strncasecmp(kinds[i].name, p, len) == 0) {
				*out |= 1u << kinds[i].msg;
				found = true;
			}
		}
		if (!found)
			return false;
		p += len;
		if (*p == ',')
			p++;
	}
	return *out != 0;
}

static int apply_option(const struct opt_def *d, const char *arg, struct pc_options *o,
			struct parse_state *ps)
{
	if (d->cmd_flag) {
		ps->used |= d->cmd_flag;
		for (unsigned b = 0; b < PC_OPT_BITS; b++)
			if (d->cmd_flag == 1u << b)
				ps->used_def[b] = d;
	}
	switch (d->id) {
	case O_HELP:
		ps->help = true;
		break;
	case O_VERSION:
		ps->version = true;
		break;
	case O_QUIET:
		o->quiet = true;
		break;
	case O_VERBOSE:
		o->verbose++;
		break;
	case O_PRIVILEGE:
		if (strcasecmp(arg, "owner") == 0)
			o->privilege = PHONEPRIVILEGE_OWNER;
		else if (strcasecmp(arg, "monitor") == 0)
			o->privilege = PHONEPRIVILEGE_MONITOR;
		else
			return pc_usage_error(NULL, "--privilege must be 'owner' or 'monitor', not '%s'",
					      arg);
		break;
	case O_TIMEOUT:
		if (strcasecmp(arg, "inf") == 0 || strcasecmp(arg, "infinite") == 0)
			o->timeout_ms = 0xFFFFFFFFu;
		else if (!pc_parse_dword(arg, &o->timeout_ms))
			return pc_usage_error(NULL, "bad --timeout '%s' (milliseconds or 'inf')", arg);
		o->have_timeout = true;
		break;
	case O_SIZE:
		if (!pc_parse_dword(arg, &o->size))
			return pc_usage_error(NULL, "bad --size '%s' (0 .. 4294967295)", arg);
		o->have_size = true;
		break;
	case O_OUTPUT:
		if (!*arg)
			return pc_usage_error(NULL, "empty file name for --output");
		o->output = arg;
		break;
	case O_HEX:
		o->dump = PC_DUMP_HEX;
		break;
	case O_RAW:
		o->dump = PC_DUMP_RAW;
		break;
	case O_JSON:
		o->json = true;
		break;
	case O_COUNT:
		if (!pc_parse_dword(arg, &o->count) || o->count == 0)
			return pc_usage_error(NULL, "bad --count '%s' (1 .. 4294967295)", arg);
		break;
	case O_ROW:
		if (!pc_parse_dword(arg, &o->row))
			return pc_usage_error(NULL, "bad --row '%s' (0 .. 4294967295)", arg);
		break;
	case O_COL:
		if (!pc_parse_dword(arg, &o->col))
			return pc_usage_error(NULL, "bad --col '%s' (0 .. 4294967295)", arg);
		break;
	case O_ONLY:
		if (!parse_only(arg, &o->only))
			return pc_usage_error(NULL, "bad --only '%s' (a comma-separated list of button, "
					      "state, close, reply, devspecific, create, remove)", arg);
		break;
	}
	return PC_EXIT_OK;
}

/* Splits argv into options (applied to o) and positional arguments (kept in order in pos).
 * Returns PC_EXIT_OK or PC_EXIT_USAGE. */
static int parse_args(int argc, char **argv, struct pc_options *o, struct parse_state *ps,
		      char **pos, int *npos)
{
	bool only_pos = false;

	*npos = 0;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];

		if (only_pos || a[0] != '-' || a[1] == '\0') {
			pos[(*npos)++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = true;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
			const struct opt_def *d = NULL;
			const char *arg = NULL;
			int rc;

			for (size_t k = 0; k < N_OPT_DEFS; k++)
				if (strlen(opt_defs[k].long_name) == nlen &&
				    strncmp(opt_defs[k].long_name, name, nlen) == 0)
					d = &opt_defs[k];
			if (!d)
				return pc_usage_error(NULL, "unknown option '%.*s'", (int)nlen + 2, a);
			if (d->has_arg) {
				if (eq)
					arg = eq + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else
					return pc_usage_error(NULL, "option '--%s' needs an argument",
							      d->long_name);
			} else if (eq) {
				return pc_usage_error(NULL, "option '--%s' takes no argument",
						      d->long_name);
			}
			rc = apply_option(d, arg, o, ps);
			if (rc != PC_EXIT_OK)
				return rc;
			continue;
		}
		/* Short options, possibly clustered: -qv, -oFILE, -o FILE. */
		for (char *c = a + 1; *c; c++) {
			const struct opt_def *d = NULL;
			const char *arg = NULL;
			int rc;

			for (size_t k = 0; k < N_OPT_DEFS; k++)
				if (opt_defs[k].short_name == *c)
					d = &opt_defs[k];
			if (!d)
				return pc_usage_error(NULL, "unknown option '-%c'", *c);
			if (d->has_arg) {
				if (c[1])
					arg = c + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else
					return pc_usage_error(NULL, "option '-%c' needs an argument", *c);
			}
			rc = apply_option(d, arg, o, ps);
			if (rc != PC_EXIT_OK)
				return rc;
			if (arg)
				break;
		}
	}
	return PC_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct pc_options opt = {
		.timeout_ms = PC_DEFAULT_TIMEOUT_MS,
		.dump = PC_DUMP_AUTO,
	};
	struct parse_state ps = { 0 };
	const struct pc_command *cmd;
	char **pos, dev_id[16];
	int npos, rc;
	DWORD dev;

	pos = calloc((size_t)argc + 1, sizeof *pos);
	if (!pos) {
		pc_err("out of memory");
		return PC_EXIT_USAGE;
	}
	rc = parse_args(argc, argv, &opt, &ps, pos, &npos);
	if (rc != PC_EXIT_OK)
		goto out;
	if (ps.version) {
		printf("phonectl (OpenTAPI) %s\n", OT_VERSION);
		goto out;
	}
	if (npos == 0) {
		if (ps.help) {
			print_usage(stdout);
			goto out;
		}
		fputs("Usage: phonectl [OPTIONS] COMMAND [ARGS]\n"
		      "Try 'phonectl --help' for the commands and options.\n", stderr);
		rc = PC_EXIT_USAGE;
		goto out;
	}
	cmd = find_command(pos[0]);
	if (!cmd) {
		rc = pc_usage_error(NULL, "unknown command '%s'", pos[0]);
		goto out;
	}
	pc_current_command = cmd;
	if (ps.help) {
		print_command_help(stdout, cmd);
		goto out;
	}
	if (ps.used & ~cmd->options) {
		for (unsigned b = 0; b < PC_OPT_BITS; b++) {
			if ((ps.used & ~cmd->options) & (1u << b)) {
				rc = pc_usage_error(cmd, "option '--%s' does not apply to '%s'",
						    ps.used_def[b]->long_name, cmd->name);
				goto out;
			}
		}
	}
	if (npos - 1 < cmd->min_args) {
		rc = pc_usage_error(cmd, "'%s' needs %s%d argument%s", cmd->name,
				    cmd->min_args == cmd->max_args ? "" : "at least ",
				    cmd->min_args, cmd->min_args == 1 ? "" : "s");
		goto out;
	}
	if (npos - 1 > cmd->max_args) {
		rc = pc_usage_error(cmd, "unexpected argument '%s'", pos[1 + cmd->max_args]);
		goto out;
	}
	/* A command whose synopsis starts with DEV takes a phone's name as well as its ID; the
	 * handlers see the ID. */
	if (strncmp(cmd->args, "DEV", 3) == 0 && !pc_parse_dword(pos[1], &dev)) {
		rc = pc_resolve_dev(&opt, pos[1], &dev);
		if (rc != PC_EXIT_OK)
			goto out;
		snprintf(dev_id, sizeof dev_id, "%u", (unsigned)dev);
		pos[1] = dev_id;
	}
	rc = cmd->run(&opt, npos - 1, pos + 1);
	if (fflush(stdout) != 0 && rc == PC_EXIT_OK) {
		pc_err("standard output: %s", strerror(errno));
		rc = PC_EXIT_USAGE;
	}
out:
	free(pos);
	return rc;
}
