/* SPDX-License-Identifier: MIT */
/* phonectl.h — shared pieces of phonectl, the OpenTAPI command-line tool.
 *
 * phonectl is an ordinary TAPI application: it includes <tapi.h>, links -lopentapi and reaches
 * the phones only through the public phone* API. The one exception is "status", which also says
 * HELLO to the server itself (the wire codec of src/proto) to learn the server's version.
 *
 * Each subcommand is one entry of the table in phonectl.c; its handler gets the parsed options
 * and its positional arguments and returns the process exit status (PC_EXIT_*).
 *
 * A handler that talks to TAPI does so through a struct pc_session (session.c), which remembers
 * what has to be undone (phoneClose, phoneShutdown) so every path out of a command releases TAPI.
 */
#ifndef PHONECTL_H
#define PHONECTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <tapi.h>

/* Exit status: success, an error reported by TAPI (or a wait that timed out), a usage error or a
 * local problem (a file that cannot be read or written). */
enum {
	PC_EXIT_OK = 0,
	PC_EXIT_TAPI = 1,
	PC_EXIT_USAGE = 2,
};

/* The API versions phonectl is written for and negotiates per device: TAPI 1.3 … 2.2. */
#define PC_API_LOW 0x00010003u
#define PC_API_HIGH 0x00020002u
#define PC_API_20 0x00020000u
#define PC_API_22 0x00020002u

#define PC_DEFAULT_TIMEOUT_MS 10000u

/* Options a subcommand may accept (struct pc_command.options). The global ones are accepted
 * everywhere. */
enum {
	PC_OPT_TIMEOUT = 1u << 0, /* --timeout MS */
	PC_OPT_SIZE = 1u << 1,    /* --size N */
	PC_OPT_OUTPUT = 1u << 2,  /* -o FILE */
	PC_OPT_HEX = 1u << 3,     /* --hex / --raw */
	PC_OPT_JSON = 1u << 4,    /* --json */
	PC_OPT_COUNT = 1u << 5,   /* --count N */
	PC_OPT_ROW = 1u << 6,     /* --row R */
	PC_OPT_COL = 1u << 7,     /* --col C */
	PC_OPT_ONLY = 1u << 8,    /* --only KINDS */
};
#define PC_OPT_BITS 16

enum pc_dump_mode {
	PC_DUMP_AUTO, /* hex dump when stdout is a terminal, raw bytes otherwise */
	PC_DUMP_HEX,
	PC_DUMP_RAW,
};

struct pc_options {
	bool quiet;          /* -q: only results and errors */
	int verbose;         /* -v: also other messages and negotiation details */
	DWORD privilege;     /* --privilege; 0 = the command's default */
	DWORD timeout_ms;    /* --timeout (PC_DEFAULT_TIMEOUT_MS when not given) */
	bool have_timeout;   /* --timeout given */
	bool have_size;      /* --size given */
	DWORD size;          /* --size */
	const char *output;  /* -o FILE, or NULL */
	enum pc_dump_mode dump;
	bool json;           /* --json */
	DWORD count;         /* --count; 0 = not given */
	DWORD row, col;      /* --row, --col (0 when not given) */
	DWORD only;          /* --only: a bit (1 << PHONE_x) per message kind; 0 = all */
};

struct pc_command {
	const char *name;
	const char *args;     /* synopsis of the positional arguments and options */
	const char *summary;  /* one line for the command list */
	const char *help;     /* longer text for "phonectl help CMD", may be NULL */
	int min_args, max_args;
	unsigned options;     /* PC_OPT_* accepted besides the global ones */
	int (*run)(const struct pc_options *opt, int argc, char **argv);
};

/* ---- phonectl.c: output helpers ---- */

/* Informational output on stdout (suppressed by -q). */
void pc_info(const struct pc_options *opt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An error line on stderr: "phonectl: ...". */
void pc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error for cmd: prints the message and the command's synopsis; returns PC_EXIT_USAGE. */
int pc_usage_error(const struct pc_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Parses an unsigned 32-bit number (decimal, or hex with 0x). */
bool pc_parse_dword(const char *s, DWORD *out);
/* The command currently running (for usage errors from inside handlers). */
extern const struct pc_command *pc_current_command;

/* ---- session.c: a TAPI session ---- */

struct pc_session {
	HPHONEAPP app;
	bool app_ok;
	DWORD num_devs;
	DWORD tapi_version;  /* the highest version the library supports (phoneInitializeExA) */
	HPHONE phone;
	bool phone_ok;
	DWORD dev;
	DWORD api_version;   /* negotiated for dev */
	int event_fd;        /* the USEEVENT descriptor: readable while a message is queued */
	const struct pc_options *opt;
};

/* phoneInitializeExA with USEEVENT; reports a failure and returns PC_EXIT_TAPI. */
int pc_session_init(struct pc_session *s, const struct pc_options *opt);
/* DEV as the user gave it: a device ID, or the name of exactly one phone (its PHONECAPS name,
 * matched exactly; looked up in a session of its own). Returns PC_EXIT_OK with *dev, or the exit
 * status after saying that no phone, or more than one, has that name. */
int pc_resolve_dev(const struct pc_options *opt, const char *arg, DWORD *dev);
/* phoneNegotiateAPIVersion for dev (PC_API_LOW … PC_API_HIGH). quiet_errors: do not print. */
LONG pc_session_negotiate(struct pc_session *s, DWORD dev, DWORD *version, bool quiet_errors);
/* A variable-size structure (PHONECAPS, PHONESTATUS, VARSTRING, PHONEBUTTONINFO) that fill
 * writes into a buffer of the size in its dwTotalSize, grown to dwNeededSize from size bytes:
 * 0 and *out (malloc'ed; free it), or fill's error or PHONEERR_NOMEM, reported as "func: …"
 * unless quiet_errors. */
typedef LONG (*pc_fill_fn)(void *ctx, void *buf);
LONG pc_get_var(DWORD size, pc_fill_fn fill, void *ctx, void **out, const char *func,
		bool quiet_errors);
/* phoneGetDevCapsA into a buffer grown to dwNeededSize; *caps is malloc'ed (free it). */
LONG pc_session_get_caps(struct pc_session *s, DWORD dev, DWORD version, PHONECAPS **caps,
			 bool quiet_errors);
/* Negotiates and opens dev with the given privilege; reports failures. */
int pc_session_open(struct pc_session *s, DWORD dev, DWORD privilege);
/* phoneClose of the phone opened by pc_session_open (if still open), so another can be opened. */
void pc_session_close(struct pc_session *s);
/* phoneGetStatusA into a buffer grown to dwNeededSize; *status is malloc'ed (free it). Reports
 * a failure unless quiet_errors. */
LONG pc_session_get_status(struct pc_session *s, PHONESTATUS **status, bool quiet_errors);
/* phoneGetDisplay into a VARSTRING grown to dwNeededSize (free it); 0 or the error (reported). */
LONG pc_session_get_display(struct pc_session *s, VARSTRING **out);
/* Enables PHONE_STATE messages for states and, if buttons, PHONE_BUTTON messages for every
 * button mode and state (phoneSetStatusMessages). Reports a failure and returns it. */
LONG pc_session_watch(struct pc_session *s, DWORD states, bool buttons);
/* Every PHONESTATE_ / PHONEBUTTONSTATE_ bit an app of API version v may ask for. */
DWORD pc_all_phone_states(DWORD v);
DWORD pc_all_button_states(DWORD v);
/* The rest of an asynchronous request: req is what the phone* function func returned. A
 * negative value is reported as "func: PHONEERR_…"; otherwise prints "request N", waits for its
 * PHONE_REPLY (--timeout) and prints "PHONE_REPLY request N: OK (what)" (what may be NULL) or
 * "PHONE_REPLY request N: PHONEERR_…" on stderr. Returns the exit status. */
int pc_session_request(struct pc_session *s, const char *func, LONG req, const char *what);
/* Waits up to timeout_ms for the PHONE_REPLY of request_id, printing other messages with -v.
 * Returns 0 and the request's result in *result, or a PHONEERR_ value of phoneGetMessage
 * (PHONEERR_OPERATIONFAILED = timed out) after reporting it. */
LONG pc_session_wait_reply(struct pc_session *s, LONG request_id, DWORD timeout_ms,
			   LONG *result);
/* phoneClose (if open) and phoneShutdown (if initialized). */
void pc_session_end(struct pc_session *s);

/* Reports "what: NAME" for a TAPI error on stderr. */
void pc_report_tapi(const char *what, LONG err);
/* Name of a PHONE_ message ("PHONE_STATE"), or NULL. */
const char *pc_message_name(DWORD msg);
/* Prints one message as "message: NAME hDevice=… param1=… param2=… param3=…". */
void pc_print_message(FILE *f, const PHONEMESSAGE *m);

/* ---- caps.c ---- */

/* A variable part of a TAPI structure: returns a pointer to size bytes at offset inside a
 * structure of used bytes, or NULL when the part is empty or does not lie inside it. */
const void *pc_var_part(const void *base, DWORD used, DWORD size, DWORD offset);
/* A string of PHONECAPS's variable part as UTF-8 text, whatever the phone's string format
 * (malloc'ed; free it), or NULL when there is none (or no memory). */
char *pc_caps_text(const PHONECAPS *caps, DWORD size, DWORD offset);
/* Size of data area id from a DWORD array part (set or get); false if there is no such area. */
bool pc_caps_area_size(const PHONECAPS *caps, bool get, DWORD id, DWORD *size);
/* Writes the names of the bits of value from a table, separated by sep, into f. */
struct pc_bit_name {
	DWORD bit;
	const char *name;
};
void pc_print_bits(FILE *f, DWORD value, const struct pc_bit_name *names, const char *sep);
/* The name of exactly value in a table (no prefix), or NULL. */
const char *pc_value_name(const struct pc_bit_name *names, DWORD value);
/* Parses a name of the table (any case, with or without prefix, e.g. "flash" or
 * "PHONELAMPMODE_FLASH") or a number into *out. */
bool pc_parse_name(const struct pc_bit_name *names, const char *prefix, const char *s,
		   DWORD *out);
/* After PHONEERR_INVALBUTTONLAMPID: how many button/lamp positions phone dev has (n), on stderr. */
void pc_say_positions(DWORD dev, DWORD n);
/* The name of exactly value in a table, or "0x%08X" of it in buf. */
const char *pc_name_or_hex(const struct pc_bit_name *names, DWORD value, char *buf, size_t len);
extern const struct pc_bit_name pc_phonestate_names[];
extern const struct pc_bit_name pc_hookswitch_mode_names[];
extern const struct pc_bit_name pc_hookswitch_dev_names[];
extern const struct pc_bit_name pc_button_mode_names[];
extern const struct pc_bit_name pc_button_state_names[];
extern const struct pc_bit_name pc_button_function_names[];
extern const struct pc_bit_name pc_lamp_mode_names[];
/* Writes a code point as UTF-8 (control characters as '?'). */
void pc_put_utf8(FILE *f, uint32_t cp);

int pc_cmd_list(const struct pc_options *opt, int argc, char **argv);
int pc_cmd_caps(const struct pc_options *opt, int argc, char **argv);

/* ---- json.c: --json output ---- */

/* Writes s as a JSON string (quoted and escaped). */
void pc_json_string(FILE *f, const char *s);
/* Writes the set bits of value as a JSON array of their names in the table (no prefix); a bit
 * the table does not know as its value in hex ("0x00000100"). */
void pc_json_bits(FILE *f, DWORD value, const struct pc_bit_name *names);

/* ---- cmd_data.c ---- */

int pc_cmd_set_data(const struct pc_options *opt, int argc, char **argv);
int pc_cmd_get_data(const struct pc_options *opt, int argc, char **argv);

/* ---- cmd_phone.c: the phone's parts (display, lamps, ring, hookswitch, volume, gain) ---- */

int pc_cmd_display(const struct pc_options *opt, int argc, char **argv);
int pc_cmd_lamp(const struct pc_options *opt, int argc, char **argv);
int pc_cmd_ring(const struct pc_options *opt, int argc, char **argv);
int pc_cmd_hook(const struct pc_options *opt, int argc, char **argv);
int pc_cmd_volume(const struct pc_options *opt, int argc, char **argv);
int pc_cmd_gain(const struct pc_options *opt, int argc, char **argv);
int pc_cmd_buttons(const struct pc_options *opt, int argc, char **argv);

/* ---- cmd_monitor.c: messages and the sim provider's commands ---- */

int pc_cmd_monitor(const struct pc_options *opt, int argc, char **argv);
int pc_cmd_sim(const struct pc_options *opt, int argc, char **argv);
int pc_cmd_press(const struct pc_options *opt, int argc, char **argv);

/* ---- cmd_status.c ---- */

int pc_cmd_status(const struct pc_options *opt, int argc, char **argv);

#endif
