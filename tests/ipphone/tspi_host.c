/* SPDX-License-Identifier: MIT */
/* tspi_host.c — see tspi_host.h. Built twice: with TH_LINKED the provider's sources are part of
 * the test (so that the allocator's fault injection reaches them); without, ipphone.so is loaded
 * with dlopen from IPPHONE_SO, exactly as the engine loads it. */
#define _GNU_SOURCE
#include "tspi_host.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct th_funcs TH;

#define MAX_DONE 8192
#define MAX_EVENTS 8192

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct {
	DRV_REQUESTID id;
	LONG result;
	uint64_t at;
	long seq;
} done[MAX_DONE];
static size_t n_done;
static struct {
	DWORD dev, msg;
	DWORD_PTR p1;
	long seq;
} events[MAX_EVENTS];
static size_t n_events;
static long seq;
static atomic_int in_callback;
static int violations;
static DRV_REQUESTID next_id = 1;
static DRV_REQUESTID issued_max;
static char config_path[256];
static unsigned config_mode = 0600;
#ifndef TH_LINKED
static void *dl;
#endif

uint64_t th_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void TSPIAPI on_completion(DRV_REQUESTID id, LONG result)
{
	size_t i;

	if (atomic_fetch_add(&in_callback, 1) != 0)
		violations++;
	pthread_mutex_lock(&lock);
	for (i = 0; i < n_done; i++)
		if (done[i].id == id)
			violations++; /* completed twice */
	if (id == 0 || id > issued_max)
		violations++;
	if (n_done < MAX_DONE) {
		done[n_done].id = id;
		done[n_done].result = result;
		done[n_done].at = th_now_ms();
		done[n_done].seq = seq++;
		n_done++;
	}
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	atomic_fetch_sub(&in_callback, 1);
}

static void TSPIAPI on_event(HTAPIPHONE ht, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3)
{
	(void)p2;
	(void)p3;
	if (atomic_fetch_add(&in_callback, 1) != 0)
		violations++;
	pthread_mutex_lock(&lock);
	if (n_events < MAX_EVENTS) {
		events[n_events].dev = (DWORD)((uintptr_t)ht - 1);
		events[n_events].msg = msg;
		events[n_events].p1 = p1;
		events[n_events].seq = seq++;
		n_events++;
	}
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	atomic_fetch_sub(&in_callback, 1);
}

#ifdef TH_LINKED
static int load(void)
{
	TH.setOptions = OTSPI_providerSetOptions;
	TH.configure = OTSPI_providerConfigure;
	TH.lineNegotiate = TSPI_lineNegotiateTSPIVersion;
	TH.enumDevices = TSPI_providerEnumDevices;
	TH.init = TSPI_providerInit;
	TH.shutdown = TSPI_providerShutdown;
	TH.negotiate = TSPI_phoneNegotiateTSPIVersion;
	TH.getDevCaps = TSPI_phoneGetDevCaps;
	TH.open = TSPI_phoneOpen;
	TH.close = TSPI_phoneClose;
	TH.setData = TSPI_phoneSetData;
	TH.getStatus = TSPI_phoneGetStatus;
	TH.setStatusMessages = TSPI_phoneSetStatusMessages;
	TH.createPhoneDevice = TSPI_providerCreatePhoneDevice;
	return 0;
}
#else
#define SYM(field, name)                                                                        \
	do {                                                                                   \
		*(void **)&TH.field = dlsym(dl, name);                                         \
		if (!TH.field) {                                                               \
			fprintf(stderr, "tspi_host: %s: %s missing\n", IPPHONE_SO, name);      \
			return -1;                                                             \
		}                                                                              \
	} while (0)

static int load(void)
{
	if (dl)
		return 0;
	dl = dlopen(IPPHONE_SO, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		fprintf(stderr, "tspi_host: %s\n", dlerror());
		return -1;
	}
	SYM(setOptions, "OTSPI_providerSetOptions");
	SYM(configure, "OTSPI_providerConfigure");
	SYM(lineNegotiate, "TSPI_lineNegotiateTSPIVersion");
	SYM(enumDevices, "TSPI_providerEnumDevices");
	SYM(init, "TSPI_providerInit");
	SYM(shutdown, "TSPI_providerShutdown");
	SYM(negotiate, "TSPI_phoneNegotiateTSPIVersion");
	SYM(getDevCaps, "TSPI_phoneGetDevCaps");
	SYM(open, "TSPI_phoneOpen");
	SYM(close, "TSPI_phoneClose");
	SYM(setData, "TSPI_phoneSetData");
	SYM(getStatus, "TSPI_phoneGetStatus");
	SYM(setStatusMessages, "TSPI_phoneSetStatusMessages");
	SYM(createPhoneDevice, "TSPI_providerCreatePhoneDevice");
	return 0;
}
#endif

void th_config_mode(unsigned mode)
{
	config_mode = mode;
}

const char *th_config_path(void)
{
	return config_path;
}

static void reset(void)
{
	pthread_mutex_lock(&lock);
	n_done = n_events = 0;
	seq = 0;
	violations = 0;
	next_id = 1;
	issued_max = 0;
	pthread_mutex_unlock(&lock);
}

/* The file only has to exist with the right mode: the provider checks its permissions. */
static int write_config(void)
{
	FILE *f;

	if (!config_path[0])
		snprintf(config_path, sizeof(config_path), "/tmp/opentapi-ipphone-%d.conf",
			 (int)getpid());
	f = fopen(config_path, "w");
	if (!f)
		return -1;
	fputs("; test configuration (the settings are handed over directly)\n", f);
	fclose(f);
	return chmod(config_path, config_mode);
}

/* OTSPI_providerConfigure with phones[0..n) as devices first_id, first_id + 1, ... */
static LONG configure(const struct th_phone *phones, size_t n, DWORD first_id, char *err,
		      size_t errlen)
{
	static OTSPIPHONECONFIG cfg[64];
	static OTSPISETTING set[64][16];
	size_t i, k;

	for (i = 0; i < n && i < 64; i++) {
		for (k = 0; phones[i].kv[2 * k] && k < 16; k++)
			set[i][k] = (OTSPISETTING){ phones[i].kv[2 * k], phones[i].kv[2 * k + 1],
						    (DWORD)(10 * (i + 1) + k + 1) };
		cfg[i] = (OTSPIPHONECONFIG){ first_id + (DWORD)i, phones[i].name, set[i], (DWORD)k,
					     config_path };
	}
	return TH.configure(1, "/tmp", cfg, (DWORD)n, err, (DWORD)errlen);
}

LONG th_configure(const struct th_phone *phones, size_t n, const char *const *options, char *err,
		  size_t errlen)
{
	OTSPISETTING opt[16];
	size_t k;
	LONG r;

	if (load() < 0)
		return -1;
	reset();
	if (write_config() < 0)
		return -1;
	err[0] = '\0';
	if (options) {
		for (k = 0; options[2 * k]; k++)
			opt[k] = (OTSPISETTING){ options[2 * k], options[2 * k + 1], (DWORD)(k + 2) };
		r = TH.setOptions(1, opt, (DWORD)k, config_path, err, (DWORD)errlen);
		if (r)
			return r;
	}
	return configure(phones, n, 0, err, errlen);
}

LONG th_configure_more(const struct th_phone *phones, size_t n, DWORD first_id, char *err,
		       size_t errlen)
{
	if (load() < 0 || write_config() < 0)
		return -1;
	err[0] = '\0';
	return configure(phones, n, first_id, err, errlen);
}

LONG th_init(void)
{
	DWORD version = 0, lines = 9, phones = 9, options = 0;
	LONG r;

	r = TH.lineNegotiate(INITIALIZE_NEGOTIATION, 0x00010003, 0x00020002, &version);
	if (r)
		return r;
	r = TH.enumDevices(1, &lines, &phones, (HPROVIDER)1, NULL, on_event);
	if (r)
		return r;
	return TH.init(version, 1, 0, 0, 0, phones, on_completion, &options);
}

void th_shutdown(void)
{
	TH.shutdown(0x00020002, 1);
	pthread_mutex_lock(&lock);
	/* Every issued request has completed exactly once. */
	if (n_done != issued_max)
		violations++;
	pthread_mutex_unlock(&lock);
}

HDRVPHONE th_open(DWORD dev)
{
	HDRVPHONE hd = NULL;
	DWORD v = 0;

	if (TH.negotiate(dev, 0x00010003, 0x00020002, &v) != 0)
		return NULL;
	if (TH.open(dev, (HTAPIPHONE)(uintptr_t)(dev + 1), &hd, v, on_event) != 0)
		return NULL;
	return hd;
}

LONG th_set_data(HDRVPHONE hd, DWORD area, const void *data, DWORD size, DRV_REQUESTID *id)
{
	DRV_REQUESTID rid;
	LONG r;

	pthread_mutex_lock(&lock);
	rid = next_id++;
	issued_max = rid;
	pthread_mutex_unlock(&lock);
	if (id)
		*id = rid;
	r = TH.setData(rid, hd, area, (LPVOID)data, size);
	if (r < 0) {
		/* Refused at once: no completion is owed. */
		pthread_mutex_lock(&lock);
		if (issued_max == rid && next_id == rid + 1) {
			next_id = rid;
			issued_max = rid - 1;
		}
		pthread_mutex_unlock(&lock);
	}
	return r;
}

static long find_done(DRV_REQUESTID id)
{
	size_t i;

	for (i = 0; i < n_done; i++)
		if (done[i].id == id)
			return (long)i;
	return -1;
}

static void deadline(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

LONG th_wait(DRV_REQUESTID id, unsigned ms)
{
	struct timespec ts;
	long i;
	LONG r = 1;

	deadline(&ts, ms);
	pthread_mutex_lock(&lock);
	while ((i = find_done(id)) < 0)
		if (pthread_cond_timedwait(&cond, &lock, &ts) == ETIMEDOUT)
			break;
	if (i >= 0)
		r = done[i].result;
	pthread_mutex_unlock(&lock);
	return r;
}

long th_completion_index(DRV_REQUESTID id)
{
	long i;

	pthread_mutex_lock(&lock);
	i = find_done(id);
	pthread_mutex_unlock(&lock);
	return i;
}

long th_completion_seq(DRV_REQUESTID id)
{
	long i, s = -1;

	pthread_mutex_lock(&lock);
	i = find_done(id);
	if (i >= 0)
		s = done[i].seq;
	pthread_mutex_unlock(&lock);
	return s;
}

uint64_t th_completion_time(DRV_REQUESTID id)
{
	long i;
	uint64_t t = 0;

	pthread_mutex_lock(&lock);
	i = find_done(id);
	if (i >= 0)
		t = done[i].at;
	pthread_mutex_unlock(&lock);
	return t;
}

size_t th_completions(void)
{
	size_t n;

	pthread_mutex_lock(&lock);
	n = n_done;
	pthread_mutex_unlock(&lock);
	return n;
}

static long find_state(DWORD dev, DWORD state)
{
	size_t i;

	for (i = 0; i < n_events; i++)
		if (events[i].dev == dev && events[i].msg == PHONE_STATE && events[i].p1 == state)
			return events[i].seq;
	return -1;
}

long th_wait_state(DWORD dev, DWORD state, unsigned ms)
{
	struct timespec ts;
	long s;

	deadline(&ts, ms);
	pthread_mutex_lock(&lock);
	while ((s = find_state(dev, state)) < 0)
		if (pthread_cond_timedwait(&cond, &lock, &ts) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&lock);
	return s;
}

size_t th_events(DWORD dev)
{
	size_t i, n = 0;

	pthread_mutex_lock(&lock);
	for (i = 0; i < n_events; i++)
		n += events[i].dev == dev;
	pthread_mutex_unlock(&lock);
	return n;
}

int th_violations(void)
{
	int v;

	pthread_mutex_lock(&lock);
	v = violations;
	pthread_mutex_unlock(&lock);
	return v;
}

unsigned th_closed_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port = 0;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}
