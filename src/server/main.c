/* SPDX-License-Identifier: MIT */
/* main.c — tapisrv: the telephony server. Hosts the engine and the configured providers, and
 * serves libopentapi clients on an AF_UNIX socket (docs/server.md).
 *
 *   tapisrv [--config FILE] [--socket PATH] [--state-dir DIR] [--idle-exit MS] [--ready-fd N]
 *           [-v|--verbose] [-q|--quiet]
 *
 * Foreground, logs to stderr. SIGTERM/SIGINT: a clean shutdown. SIGHUP: the configuration is
 * read again and phones added or removed. With systemd: sd_notify readiness, and socket
 * activation through sd_listen_fds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "alloc.h"
#include "config.h"
#include "idle.h"
#include "listen.h"
#include "log.h"
#include "server.h"

#ifndef OT_VERSION
#define OT_VERSION "0.0.0"
#endif

struct options {
	const char *config, *socket, *state_dir;
	unsigned idle_exit_ms; /* 0: never */
	int ready_fd;          /* -1: none */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tapisrv [--config FILE] [--socket PATH] [--state-dir DIR] [-v] [-q]\n"
		"  --config FILE     configuration (default: the search order of docs/configuration.md)\n"
		"  --socket PATH     listening socket (default: [server] socket, else\n"
		"                    $XDG_RUNTIME_DIR/opentapi/tapisrv.sock, or /run/opentapi/tapisrv.sock as root)\n"
		"  --state-dir DIR   where providers keep durable state (default: [server] state_dir, else\n"
		"                    $OPENTAPI_STATE_DIR, $XDG_STATE_HOME/opentapi, ~/.local/state/opentapi,\n"
		"                    or /var/lib/opentapi without a home; the system unit gives\n"
		"                    --state-dir /var/lib/opentapi)\n"
		"  --idle-exit MS    leave after MS milliseconds without clients (how the library runs a\n"
		"                    server it starts on demand; docs/server.md)\n"
		"  --ready-fd N      close descriptor N once listening (the library waits for that)\n"
		"  -v, --verbose     log everything (debug level; the default is info)\n"
		"  -q, --quiet       log errors only\n");
}

/* A whole decimal number from min to max. */
static int parse_number(const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || end == s || *end || *out < min || *out > max ? -1 : 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "state-dir", required_argument, NULL, 'd' },
		{ "idle-exit", required_argument, NULL, 'i' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, level = OT_LOG_INFO;
	long n;

	while ((opt = getopt_long(argc, argv, "vqh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': o->config = optarg; break;
		case 's': o->socket = optarg; break;
		case 'd': o->state_dir = optarg; break;
		case 'i':
			if (parse_number(optarg, 1, 86400000, &n) < 0) {
				fprintf(stderr, "tapisrv: --idle-exit takes milliseconds, 1 to 86400000\n");
				return -1;
			}
			o->idle_exit_ms = (unsigned)n;
			break;
		case 'r':
			if (parse_number(optarg, 0, INT_MAX, &n) < 0 || fcntl((int)n, F_GETFD) < 0) {
				fprintf(stderr, "tapisrv: --ready-fd takes an open descriptor\n");
				return -1;
			}
			/* Nothing the server starts (providers) inherits it. */
			o->ready_fd = (int)n;
			fcntl(o->ready_fd, F_SETFD, FD_CLOEXEC);
			break;
		case 'v': level = level < OT_LOG_DEBUG ? level + 1 : level; break;
		case 'q': level = OT_LOG_ERROR; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("tapisrv %s\n", OT_VERSION); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	if (!getenv("OPENTAPI_LOG"))
		ot_log_set_level((enum ot_log_level)level);
	return 0;
}

static struct ot_config *load_config(const struct options *o)
{
	struct ot_config *cfg = NULL;
	char err[1024] = "";
	int rc = o->config ? ot_config_load_file(o->config, &cfg, err, sizeof(err))
			   : ot_config_load(&cfg, err, sizeof(err));

	if (rc < 0) {
		ot_log(OT_LOG_ERROR, "server", "%s", err);
		return NULL;
	}
	/* Command-line options win over the file. */
	if (o->state_dir) {
		ot_free(cfg->state_dir);
		cfg->state_dir = ot_strdup(o->state_dir);
	}
	if (o->socket) {
		ot_free(cfg->socket);
		cfg->socket = ot_strdup(o->socket);
	}
	if ((o->state_dir && !cfg->state_dir) || (o->socket && !cfg->socket)) {
		ot_log(OT_LOG_ERROR, "server", "out of memory");
		ot_config_free(cfg);
		return NULL;
	}
	return cfg;
}

static void on_listen(void *ctx, uint32_t events)
{
	struct ot_server *srv = ctx;
	int fd;

	(void)events;
	while ((fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
		ot_conn_accept(srv, fd);
	if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
		/* The waiting connection stays in the backlog; accepting again before a client has
		 * left would only spin. One line per episode. */
		ot_log(OT_LOG_WARN, "server", "accept: %m: new connections wait until a client leaves");
		srv->accept_paused = 1;
		ot_loop_modify(srv->loop, srv->listen_watch, 0);
	} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
		ot_log(OT_LOG_WARN, "server", "accept: %m");
	}
}

struct signals {
	struct ot_server *srv;
	const struct options *opts;
	int fd;
};

/* SIGHUP: read the configuration again and apply what changed in the phones. */
static void reload(struct signals *s)
{
	struct ot_config *cfg = load_config(s->opts);
	struct ot_reload_report r;
	char err[1024] = "";

	if (!cfg) {
		ot_log(OT_LOG_ERROR, "server", "reload failed: the configuration stays as it was");
		return;
	}
	if (ot_engine_reload(s->srv->engine, cfg, &r, err, sizeof(err)))
		ot_log(OT_LOG_ERROR, "server", "reload: %s", err);
	else
		ot_log(OT_LOG_INFO, "server", "reloaded %s: %u phone%s (%u added, %u removed, "
		       "%u changed)", cfg->path ? cfg->path : "the built-in configuration", r.phones,
		       r.phones == 1 ? "" : "s", r.added, r.removed, r.changed);
	ot_config_free(cfg);
}

static void on_signal(void *ctx, uint32_t events)
{
	struct signals *s = ctx;
	struct signalfd_siginfo si;

	(void)events;
	while (read(s->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			ot_log(OT_LOG_INFO, "server", "SIGHUP: reloading the configuration");
			reload(s);
			continue;
		}
		ot_log(OT_LOG_INFO, "server", "%s: shutting down", strsignal((int)si.ssi_signo));
		ot_loop_quit(s->srv->loop);
	}
}

static int block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN); /* a file size limit is a failed write, answered as such */
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* The state directory, or the directory it would be created in, must be writable: said at start
 * (with the path, the reason and the fix) rather than when a client first opens a durable phone.
 * Not fatal: phones that keep no state work without it. */
static void check_state_dir(const char *dir)
{
	char path[4096];
	char *slash;

	snprintf(path, sizeof(path), "%s", dir);
	while (access(path, F_OK) < 0 && errno == ENOENT && (slash = strrchr(path, '/')) &&
	       slash != path)
		*slash = '\0'; /* the nearest existing ancestor, where it would be created */
	if (access(path, W_OK | X_OK) < 0)
		ot_log(OT_LOG_ERROR, "server", "state directory %s cannot be used (%s: %m): durable "
		       "phones will fail to open; give --state-dir, set [server] state_dir, or fix "
		       "the permissions", dir, path);
}

static int serve(struct ot_server *srv, const struct ot_config *cfg, const struct options *o,
		 struct ot_listener *l, int signal_fd)
{
	struct signals sig = { srv, o, signal_fd };
	struct ot_watch *sw;
	char *state_dir;
	int rc;

	srv->listen_fd = l->fd;
	/* Unsent bytes a client may have waiting: its event limit in EVENT frames (80 bytes), and
	 * at least room for one full reply. */
	srv->max_out = (size_t)cfg->events_per_client * 80u + OT_WIRE_MAX_FRAME;
	if (!(sw = ot_loop_watch(srv->loop, sig.fd, EPOLLIN, on_signal, &sig)) ||
	    !(srv->listen_watch = ot_loop_watch(srv->loop, l->fd, EPOLLIN, on_listen, srv))) {
		ot_log(OT_LOG_ERROR, "server", "cannot set up the event loop: %m");
		return -1;
	}
	if (o->idle_exit_ms && ot_idle_start(srv, l, o->idle_exit_ms) < 0)
		return -1;
	state_dir = ot_config_state_dir(cfg);
	if (state_dir)
		check_state_dir(state_dir);
	ot_log(OT_LOG_INFO, "server", "tapisrv %s ready: %u phones, socket %s, configuration %s, "
	       "state %s", OT_VERSION, (unsigned)ot_engine_num_devices(srv->engine), l->path,
	       cfg->path ? cfg->path : "(built-in default)", state_dir ? state_dir : "?");
	ot_free(state_dir);
	sd_notify(0, "READY=1");
	if (o->ready_fd >= 0)
		close(o->ready_fd);
	rc = ot_loop_run(srv->loop);
	sd_notify(0, "STOPPING=1");
	/* Outstanding requests complete (and are answered) first; then clients are told. */
	ot_engine_quiesce(srv->engine);
	while (srv->conns)
		ot_conn_drop(srv->conns, OT_WIRE_BYE_SHUTDOWN, "the server is shutting down");
	ot_idle_stop(srv);
	ot_loop_unwatch(srv->loop, sw);
	ot_loop_unwatch(srv->loop, srv->listen_watch);
	close(sig.fd);
	return rc;
}

#ifdef OT_FAULT_INJECTION
/* Only in tapisrv-fault, the test build (tests/fault/, never installed): OT_FAIL_ALLOC=N makes
 * the Nth allocation through ot_malloc fail (0: none, only count). At exit one line reports the
 * allocations made and those not freed, for the allocation sweep. */
static void report_allocations(void)
{
	fprintf(stderr, "fault injection: %ld allocations, %ld live at exit\n", ot_alloc_count(),
		ot_alloc_live());
}

static void start_fault_injection(void)
{
	const char *v = getenv("OT_FAIL_ALLOC");
	char *end;
	long n;

	if (!v)
		return;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0) {
		fprintf(stderr, "fault injection: OT_FAIL_ALLOC=%s is not a number >= 0\n", v);
		exit(2);
	}
	if (n > 0)
		ot_alloc_fail_after(n - 1);
	atexit(report_allocations);
}
#endif

int main(int argc, char **argv)
{
	struct options o = { .ready_fd = -1 };
	struct ot_server srv = { 0 };
	struct ot_listener listener;
	struct ot_config *cfg;
	char err[1024] = "";
	int rc = 1, signal_fd;

#ifdef OT_FAULT_INJECTION
	start_fault_injection();
#endif
	if (parse_args(argc, argv, &o) < 0)
		return 2;
	/* Before any thread exists (providers start some), so that all of them inherit the mask
	 * and the signals reach only the signalfd. */
	signal_fd = block_signals();
	if (signal_fd < 0) {
		ot_log(OT_LOG_ERROR, "server", "signals: %m");
		return 1;
	}
	cfg = load_config(&o);
	if (!cfg)
		return 1;
	if (ot_listen(cfg->socket, &listener) < 0)
		goto out_config;
	srv.loop = ot_loop_new();
	if (!srv.loop) {
		ot_log(OT_LOG_ERROR, "server", "event loop: %m");
		goto out_listen;
	}
	if (ot_engine_create(cfg, &srv.engine, err, sizeof(err))) {
		ot_log(OT_LOG_ERROR, "server", "%s", err);
		goto out_loop;
	}
	rc = serve(&srv, cfg, &o, &listener, signal_fd) < 0;
	ot_engine_destroy(srv.engine);
	ot_log(OT_LOG_INFO, "server", "stopped");
out_loop:
	ot_loop_free(srv.loop);
out_listen:
	ot_listen_close(&listener);
out_config:
	ot_config_free(cfg);
	return rc;
}
