/* SPDX-License-Identifier: MIT */
/* dbus-peer — the alternative a Linux developer would reach for: a D-Bus service. The same
 * "set data, get an int back" call of 64 B and 64 KiB, made with sd-bus through a private
 * dbus-daemon to a service process (method Set(ay) → i), against phoneSetData through tapisrv
 * until its PHONE_REPLY. The bench starts and stops its own dbus-daemon; without one it says so
 * and measures nothing. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "ot.h"
#include "stats.h"
#include "worker.h"

#define NAME "org.opentapi.Bench"
#define PATH "/org/opentapi/Bench"
#define DBUS_DAEMON "dbus-daemon"

static const struct {
	size_t size;
	const char *name;
} sizes[] = { { 64, "64 B" }, { 64 * 1024, "64 KiB" } };
#define NS (int)(sizeof(sizes) / sizeof(sizes[0]))

/* ---- the D-Bus service -------------------------------------------------------------------- */

static int method_set(sd_bus_message *m, void *userdata, sd_bus_error *err)
{
	const void *p;
	size_t n;
	int r = sd_bus_message_read_array(m, 'y', &p, &n);

	if (r < 0)
		return r;
	return sd_bus_reply_method_return(m, "i", (int32_t)n);
}

static const sd_bus_vtable vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("Set", "ay", "i", method_set, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};

static sd_bus *bus_connect(const char *address)
{
	sd_bus *bus = NULL;

	if (sd_bus_new(&bus) < 0)
		return NULL;
	if (sd_bus_set_address(bus, address) < 0 || sd_bus_set_bus_client(bus, 1) < 0 ||
	    sd_bus_start(bus) < 0) {
		sd_bus_unref(bus);
		return NULL;
	}
	return bus;
}

/* Forks the service; returns its pid once it owns its name, or -1. */
static pid_t service_start(const char *address)
{
	int ready[2];
	char ok = 0;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		sd_bus *bus = bus_connect(address);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!bus || sd_bus_add_object_vtable(bus, NULL, PATH, NAME, vtable, NULL) < 0 ||
		    sd_bus_request_name(bus, NAME, 0) < 0)
			_exit(1);
		ok = 1;
		if (write(ready[1], &ok, 1) != 1)
			_exit(1);
		for (;;) {
			int r = sd_bus_process(bus, NULL);

			if (r < 0)
				_exit(0); /* the daemon is gone */
			if (r == 0 && sd_bus_wait(bus, UINT64_MAX) < 0)
				_exit(0);
		}
	}
	close(ready[1]);
	if (pid < 0 || read(ready[0], &ok, 1) != 1 || !ok) {
		close(ready[0]);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		return -1;
	}
	close(ready[0]);
	return pid;
}

/* ---- the private dbus-daemon ---------------------------------------------------------------- */

static int can_connect(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;

	if (fd < 0 || strlen(path) >= sizeof(addr.sun_path)) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	memcpy(addr.sun_path, path, strlen(path) + 1);
	ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	close(fd);
	return ok;
}

static pid_t daemon_start(const char *dir, char *address, size_t addrlen)
{
	char conf[300], sock[300], arg[320], log[300];
	FILE *f;
	pid_t pid;
	int i;

	snprintf(conf, sizeof(conf), "%s/bus.conf", dir);
	snprintf(sock, sizeof(sock), "%s/bus", dir);
	snprintf(address, addrlen, "unix:path=%s", sock);
	f = fopen(conf, "w");
	if (!f)
		return -1;
	/* A session-type bus open to this user, with dbus-daemon's built-in limits (messages up
	 * to 128 MiB: 64 KiB passes untouched). */
	fprintf(f, "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
		   " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
		   "<busconfig>\n  <type>session</type>\n  <listen>unix:path=%s</listen>\n"
		   "  <auth>EXTERNAL</auth>\n  <policy context=\"default\">\n"
		   "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
		   "    <allow eavesdrop=\"true\"/>\n    <allow own=\"*\"/>\n  </policy>\n"
		   "</busconfig>\n", sock);
	fclose(f);
	snprintf(arg, sizeof(arg), "--config-file=%s", conf);
	snprintf(log, sizeof(log), "%s/dbus-daemon.log", dir);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (fd >= 0) { /* it complains about its fd limit when not root-started by systemd */
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execlp(DBUS_DAEMON, DBUS_DAEMON, arg, "--nofork", "--nopidfile", (char *)NULL);
		_exit(127);
	}
	for (i = 0; pid > 0 && i < 500; i++) {
		if (can_connect(sock))
			return pid;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -1;
		usleep(10000);
	}
	return -1;
}

static int have_dbus_daemon(void)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL;
	int found = 0;

	copy = strdup(path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/%s", dir, DBUS_DAEMON);
		found = access(p, X_OK) == 0;
	}
	free(copy);
	return found;
}

/* ---- the callers ------------------------------------------------------------------------------ */

struct ctx {
	int ot;
	size_t size;
	DWORD phone_id;
	const char *where; /* bus address, or tapisrv's socket */
	sd_bus *bus;
	struct bench_app app;
	HPHONE phone;
	char *buf;
};

static int setup(void *arg)
{
	struct ctx *c = arg;

	c->buf = calloc(1, c->size);
	if (!c->buf)
		return -1;
	if (!c->ot) {
		c->bus = bus_connect(c->where);
		return c->bus ? 0 : -1;
	}
	bench_use_server(c->where);
	if (bench_app_init(&c->app, "bench dbus-peer"))
		return -1;
	return bench_app_open(&c->app, c->phone_id, PHONEPRIVILEGE_OWNER, &c->phone) ? -1 : 0;
}

static int dbus_call(struct ctx *c)
{
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	int32_t got = -1;
	int r;

	r = sd_bus_message_new_method_call(c->bus, &m, NAME, PATH, NAME, "Set");
	if (r >= 0)
		r = sd_bus_message_append_array(m, 'y', c->buf, c->size);
	if (r >= 0)
		r = sd_bus_call(c->bus, m, 0, &err, &reply);
	if (r >= 0)
		r = sd_bus_message_read(reply, "i", &got);
	if (r < 0)
		fprintf(stderr, "dbus-peer: call: %s\n", err.message ? err.message : strerror(-r));
	sd_bus_error_free(&err);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	return r < 0 || got != (int32_t)c->size ? -1 : 0;
}

static int run(void *arg, long n, double *lat, long *nlat)
{
	struct ctx *c = arg;
	long i;

	for (i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns();
		int rc;

		c->buf[0] = (char)i;
		if (c->ot)
			rc = bench_set_data(&c->app, c->phone, 2, c->buf, (DWORD)c->size) ? -1 : 0;
		else
			rc = dbus_call(c);
		if (rc < 0)
			return -1;
		lat[i] = (double)(bench_now_ns() - t0) / 1e3;
	}
	*nlat = n;
	return 0;
}

static void teardown(void *arg)
{
	struct ctx *c = arg;

	if (c->bus)
		sd_bus_flush_close_unref(c->bus);
	if (c->ot)
		bench_app_shutdown(&c->app);
	free(c->buf);
}

static const struct worker_ops ops = { setup, run, teardown };

int main(int argc, char **argv)
{
	static struct ctx ctx[NS][2];
	struct bench_args a;
	struct bench_srv srv;
	struct worker w[NS][2];
	struct series s[NS][2];
	char dir[256], address[320], ids[NS][32], labels[NS][96], texts[NS][64];
	pid_t daemon = -1, service = -1;
	char *cfg = NULL;
	FILE *out;
	int i, k, rc = 1, started = 0;

	bench_parse_args(argc, argv, &a, 7);
	out = bench_open_out(&a);
	if (!have_dbus_daemon()) {
		fprintf(stderr, "dbus-peer: skipped: %s is not installed (apt-get install dbus-daemon)\n",
			DBUS_DAEMON);
		bench_json_begin(out, "dbus-peer");
		bench_json_param("skipped", "%s not found in PATH", DBUS_DAEMON);
		bench_json_end();
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s/opentapi-bench-XXXXXX", a.tmp);
	if (!mkdtemp(dir))
		return 1;
	daemon = daemon_start(dir, address, sizeof(address));
	if (daemon < 0 || (service = service_start(address)) < 0) {
		fprintf(stderr, "dbus-peer: could not start a private dbus-daemon and the service\n");
		goto out_dir;
	}
	cfg = bench_config(NS, "256, 4096, 65536, 16777216", 0, 4096);
	if (!cfg || bench_srv_start(&srv, a.tmp, cfg) < 0)
		goto out_daemon;
	for (i = 0; i < NS; i++) {
		char label[96];

		snprintf(label, sizeof(label), "sd-bus call via dbus-daemon, %s", sizes[i].name);
		series_init(&s[i][0], label, "us");
		snprintf(label, sizeof(label), "OpenTAPI server, %s", sizes[i].name);
		series_init(&s[i][1], label, "us");
		for (k = 0; k < 2; k++) {
			ctx[i][k] = (struct ctx){ .ot = k, .size = sizes[i].size, .phone_id = (DWORD)i,
						  .where = k ? srv.socket : address };
			if (worker_start(&w[i][k], k ? "server" : "sd-bus", &ops, &ctx[i][k]) < 0)
				goto out_workers;
			started = i * 2 + k + 1;
		}
	}
	for (i = 0; i < NS; i++) {
		struct series *sp[2] = { &s[i][0], &s[i][1] };

		if (bench_alternate(w[i], sp, 2, a.reps, bench_ops(&a, 3000), REP_P50_US, 0) < 0)
			goto out_workers;
	}
	bench_json_begin(out, "dbus-peer");
	bench_json_param("reps", "%d", a.reps);
	bench_json_param("calls_per_rep", "%ld", bench_ops(&a, 3000));
	bench_json_param("dbus", "sd-bus (libsystemd) client and service, private dbus-daemon, "
		       "method Set(ay) -> i");
	bench_json_param("opentapi", "phoneSetData into data area 2 (64 KiB) → PHONE_REPLY, server mode");
	for (i = 0; i < NS; i++) {
		struct measure m;

		snprintf(ids[i], sizeof(ids[i]), "dbus.%zu", sizes[i].size);
		snprintf(labels[i], sizeof(labels[i]), "vs D-Bus: set %s, get an int back",
			 sizes[i].name);
		snprintf(texts[i], sizeof(texts[i]), "≥ %d × faster per call", i == 0 ? 2 : 3);
		m = (struct measure){ ids[i], labels[i], HEAD_MEDIAN, &s[i][1], &s[i][0], 1,
				      "median over rounds of (D-Bus p50 / OpenTAPI p50): times faster",
				      { TARGET_RATIO, 1, i == 0 ? 2.0 : 3.0, texts[i] }, NULL };
		bench_json_measure(&m);
	}
	bench_json_end();
	rc = 0;
out_workers:
	for (i = 0; i < started; i++)
		worker_stop(&w[i / 2][i % 2]);
	bench_srv_stop(&srv);
out_daemon:
	free(cfg);
	if (service > 0) {
		kill(service, SIGTERM);
		waitpid(service, NULL, 0);
	}
	if (daemon > 0) {
		kill(daemon, SIGTERM);
		waitpid(daemon, NULL, 0);
	}
out_dir:
	bench_rmdir(dir);
	return rc;
}
