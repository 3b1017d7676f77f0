/* SPDX-License-Identifier: MIT */
/* ot.c — see ot.h. */
#define _GNU_SOURCE
#include "ot.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef BENCH_TAPISRV
#define BENCH_TAPISRV "tapisrv"
#endif
#ifndef BENCH_PROVIDER_PATH
#define BENCH_PROVIDER_PATH ""
#endif

void bench_env(void)
{
	setenv("OPENTAPI_TAPISRV", BENCH_TAPISRV, 0);
	setenv("OPENTAPI_PROVIDER_PATH", BENCH_PROVIDER_PATH, 0);
	setenv("OPENTAPI_LOG", "error", 0);
	signal(SIGPIPE, SIG_IGN);
}

/* ---- configuration ------------------------------------------------------------------------ */

char *bench_config(unsigned nphones, const char *areas, int durable, unsigned requests_per_app)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	unsigned i;

	if (!f)
		return NULL;
	fprintf(f, "[limits]\nrequests_per_app = %u\nevents_per_client = 1000000\n\n",
		requests_per_app);
	for (i = 0; i < nphones; i++)
		fprintf(f, "[phone \"Bench %u\"]\nprovider = sim\ndata_areas = %s\ndurable = %s\n\n", i,
			areas, durable ? "yes" : "no");
	fclose(f);
	return text;
}

static int make_dir(const char *base, char *dir, size_t dirlen)
{
	snprintf(dir, dirlen, "%s/opentapi-bench-XXXXXX", base);
	return mkdtemp(dir) ? 0 : -1;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -1;
	rc = fputs(text, f) < 0 ? -1 : 0;
	return fclose(f) < 0 ? -1 : rc;
}

int bench_config_file(const char *base, const char *config_text, char *dir, size_t dirlen,
		      char *path, size_t pathlen)
{
	if (make_dir(base, dir, dirlen) < 0)
		return -1;
	snprintf(path, pathlen, "%s/opentapi.conf", dir);
	return write_file(path, config_text);
}

void bench_rmdir(const char *dir)
{
	char cmd[512];

	if (!dir[0] || getenv("OPENTAPI_BENCH_KEEP"))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: could not remove %s\n", dir);
}

/* ---- a private tapisrv ------------------------------------------------------------------------ */

static int can_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int ok;

	if (strlen(path) >= sizeof(addr.sun_path))
		return 0;
	memcpy(addr.sun_path, path, strlen(path) + 1);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

static void print_log(struct bench_srv *s)
{
	char line[1024];
	FILE *f = fopen(s->log, "r");

	while (f && fgets(line, sizeof(line), f)) {
		fprintf(stderr, "  tapisrv: %s", line);
		line[strcspn(line, "\n")] = 0;
		snprintf(s->error, sizeof(s->error), "%.255s", line);
	}
	if (f)
		fclose(f);
}

int bench_srv_start(struct bench_srv *s, const char *base, const char *config_text)
{
	const char *bin = getenv("OPENTAPI_TAPISRV");
	int i;

	memset(s, 0, sizeof(*s));
	if (make_dir(base, s->dir, sizeof(s->dir)) < 0) {
		fprintf(stderr, "bench: cannot make a directory under %s: %m\n", base);
		return -1;
	}
	snprintf(s->socket, sizeof(s->socket), "%s/tapisrv.sock", s->dir);
	snprintf(s->config, sizeof(s->config), "%s/opentapi.conf", s->dir);
	snprintf(s->state, sizeof(s->state), "%s/state", s->dir);
	snprintf(s->log, sizeof(s->log), "%s/tapisrv.log", s->dir);
	if (write_file(s->config, config_text) < 0)
		return -1;
	fflush(NULL);
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		int fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		prctl(PR_SET_PDEATHSIG, SIGTERM); /* a bench killed by its timeout takes it along */
		if (fd >= 0) {
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		unsetenv("OPENTAPI_LOG");
		execl(bin, "tapisrv", "--config", s->config, "--socket", s->socket, "--state-dir",
		      s->state, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 3000; i++) { /* up to 30 s: thousands of phones take a while */
		if (can_connect(s->socket))
			return 0;
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			s->pid = 0;
			break;
		}
		usleep(10000);
	}
	fprintf(stderr, "bench: tapisrv (%s) did not start; its log:\n", bin);
	print_log(s);
	bench_srv_stop(s);
	if (!s->error[0])
		snprintf(s->error, sizeof(s->error), "tapisrv did not start");
	return -1;
}

void bench_srv_stop(struct bench_srv *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	bench_rmdir(s->dir);
}

static long kib_field(const char *path, const char *field)
{
	char line[256];
	size_t flen = strlen(field);
	long v = -1;
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, field, flen) && line[flen] == ':')
			v = strtol(line + flen + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

long bench_proc_kib(pid_t pid, const char *field)
{
	char path[64];
	long v;

	/* smaps_rollup walks the page tables: exact. status is cheaper but its counters are
	 * per-CPU caches that can be off by hundreds of KiB in a threaded process. */
	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	v = kib_field(path, field);
	if (v >= 0)
		return v;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	return kib_field(path, field);
}

/* ---- the application ------------------------------------------------------------------------ */

void bench_use_embedded(const char *config)
{
	setenv("OPENTAPI_SERVER", "embedded", 1);
	setenv("OPENTAPI_CONFIG", config, 1);
}

void bench_use_server(const char *socket)
{
	setenv("OPENTAPI_SERVER", socket, 1);
	unsetenv("OPENTAPI_CONFIG");
}

LONG bench_app_init(struct bench_app *a, const char *name)
{
	PHONEINITIALIZEEXPARAMS p;
	LONG rc;

	memset(a, 0, sizeof(*a));
	memset(&p, 0, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	a->api = 0x00020002;
	rc = phoneInitializeExA(&a->app, NULL, NULL, name, &a->num_devs, &a->api, &p);
	if (rc)
		fprintf(stderr, "bench: phoneInitializeEx: 0x%08x\n", (unsigned)rc);
	return rc;
}

LONG bench_app_open(struct bench_app *a, DWORD dev, DWORD privilege, HPHONE *out)
{
	PHONEEXTENSIONID ext;
	DWORD version;
	LONG rc = phoneNegotiateAPIVersion(a->app, dev, 0x00010004, 0x00020002, &version, &ext);

	if (rc == 0)
		rc = phoneOpen(a->app, dev, out, version, 0, dev, privilege);
	if (rc)
		fprintf(stderr, "bench: opening phone %u: 0x%08x\n", (unsigned)dev, (unsigned)rc);
	return rc;
}

LONG bench_next_reply(struct bench_app *a, DWORD *id, LONG *result)
{
	PHONEMESSAGE m;
	LONG rc;

	do
		rc = phoneGetMessage(a->app, &m, INFINITE);
	while (rc == 0 && m.dwMessageID != PHONE_REPLY);
	if (rc == 0) {
		*id = (DWORD)m.dwParam1;
		*result = (LONG)m.dwParam2;
	}
	return rc;
}

LONG bench_set_data(struct bench_app *a, HPHONE h, DWORD area, const void *buf, DWORD size)
{
	LONG id = phoneSetData(h, area, (LPVOID)buf, size), result = 0, rc;
	DWORD got;

	if (id < 0)
		return id;
	do
		rc = bench_next_reply(a, &got, &result);
	while (rc == 0 && got != (DWORD)id);
	return rc ? rc : result;
}

void bench_app_shutdown(struct bench_app *a)
{
	if (a->app)
		phoneShutdown(a->app);
	a->app = 0;
}

/* ---- command line ---------------------------------------------------------------------------- */

void bench_parse_args(int argc, char **argv, struct bench_args *a, int default_reps)
{
	static const struct option opts[] = {
		{ "reps", required_argument, NULL, 'r' },
		{ "ops-scale", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "tmp", required_argument, NULL, 't' },
		{ "disk", required_argument, NULL, 'd' },
		{ "max-phones", required_argument, NULL, 'p' },
		{ "max-clients", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->reps = default_reps;
	a->scale = 1.0;
	a->tmp = "/tmp";
	a->disk = "/var/tmp";
	a->max_phones = 10000;
	a->max_clients = 1000;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': a->reps = atoi(optarg); break;
		case 's': a->scale = atof(optarg); break;
		case 'o': a->out = optarg; break;
		case 't': a->tmp = optarg; break;
		case 'd': a->disk = optarg; break;
		case 'p': a->max_phones = atoi(optarg); break;
		case 'c': a->max_clients = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [--reps N] [--ops-scale F] [--out FILE] [--tmp DIR] "
					"[--disk DIR] [--max-phones N] [--max-clients N]\n", argv[0]);
			exit(2);
		}
	}
	if (a->reps < 1)
		a->reps = 1;
	if (a->scale <= 0)
		a->scale = 1.0;
	bench_env();
}

FILE *bench_open_out(const struct bench_args *a)
{
	FILE *f = a->out ? fopen(a->out, "w") : stdout;

	if (!f) {
		fprintf(stderr, "bench: cannot write %s: %m\n", a->out);
		exit(2);
	}
	return f;
}

long bench_ops(const struct bench_args *a, long n)
{
	long r = (long)((double)n * a->scale);

	return r < 1 ? 1 : r;
}
