/* SPDX-License-Identifier: MIT */
/* ot.h — OpenTAPI as a benchmark uses it: a private tapisrv from the build tree, the
 * configuration of simulated phones, and an application (USEEVENT) that sets data and waits for
 * the PHONE_REPLY.
 *
 * Where the build is: OPENTAPI_TAPISRV and OPENTAPI_PROVIDER_PATH if set, else the paths meson
 * compiled in (BENCH_TAPISRV, BENCH_PROVIDER_PATH); bench_env() sets both.
 */
#ifndef OT_BENCH_OT_H
#define OT_BENCH_OT_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <tapi.h>

/* Sets OPENTAPI_TAPISRV and OPENTAPI_PROVIDER_PATH unless the caller did; quiets the library
 * log. Call first. */
void bench_env(void);

/* The text of a configuration: nphones sim phones "Bench N" with data_areas `areas` and
 * durable yes/no, and requests_per_app. malloc'd. */
char *bench_config(unsigned nphones, const char *areas, int durable, unsigned requests_per_app);

struct bench_srv {
	pid_t pid;
	char dir[256];
	char socket[300], config[300], state[300], log[300];
	char error[256]; /* when it did not start: the last line of its log */
};

/* A private tapisrv in a fresh directory under base ("/tmp", or "/var/tmp" for a state on the
 * disk): writes config_text, starts it, waits until it accepts connections. 0 or -1 (the
 * server's log is printed). */
int bench_srv_start(struct bench_srv *s, const char *base, const char *config_text);
/* SIGTERM, wait, remove the directory. */
void bench_srv_stop(struct bench_srv *s);
/* A field in KiB of /proc/PID/smaps_rollup ("Rss", "Anonymous": exact) or else of
 * /proc/PID/status ("VmRSS", "RssAnon"), or -1. */
long bench_proc_kib(pid_t pid, const char *field);

/* Writes config_text to a file in a fresh directory under base (for embedded mode);
 * dir and path receive where. 0 or -1. */
int bench_config_file(const char *base, const char *config_text, char *dir, size_t dirlen,
		      char *path, size_t pathlen);
/* rm -rf dir */
void bench_rmdir(const char *dir);

/* In a worker, before its first phoneInitializeEx: OPENTAPI_SERVER=embedded and
 * OPENTAPI_CONFIG=config (embedded), or OPENTAPI_SERVER=socket. */
void bench_use_embedded(const char *config);
void bench_use_server(const char *socket);

struct bench_app {
	HPHONEAPP app;
	DWORD num_devs;
	DWORD api;
};

/* phoneInitializeEx (USEEVENT). 0 or the PHONEERR_. */
LONG bench_app_init(struct bench_app *a, const char *name);
/* Negotiates and opens device dev with privilege. 0 or the PHONEERR_. */
LONG bench_app_open(struct bench_app *a, DWORD dev, DWORD privilege, HPHONE *out);
/* Waits for the next PHONE_REPLY (other messages are skipped): its request ID and result. */
LONG bench_next_reply(struct bench_app *a, DWORD *id, LONG *result);
/* phoneSetData and its PHONE_REPLY: 0, or the error (of the call or of the reply). */
LONG bench_set_data(struct bench_app *a, HPHONE h, DWORD area, const void *buf, DWORD size);
void bench_app_shutdown(struct bench_app *a);

/* Common command line: --reps N --ops-scale F --out FILE (JSON; stdout by default). */
struct bench_args {
	int reps;
	double scale; /* multiplies every operation count */
	const char *out;
	const char *tmp;     /* --tmp DIR: where private servers live (default /tmp) */
	const char *disk;    /* --disk DIR: the durable bench's state (default /var/tmp) */
	int max_phones, max_clients; /* scale */
};
void bench_parse_args(int argc, char **argv, struct bench_args *a, int default_reps);
/* Where the JSON goes: --out FILE, or stdout. Exits on error. */
FILE *bench_open_out(const struct bench_args *a);
/* n scaled, at least 1. */
long bench_ops(const struct bench_args *a, long n);

#endif
