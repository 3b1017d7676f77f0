/* SPDX-License-Identifier: MIT */
/* emu_main.c — ipphone-emu: one emulated IP desk phone as a program, for trying the ipphone
 * provider by hand (docs/providers/ipphone.md) and for the phonectl test.
 *
 *   ipphone-emu --vendor polycom|cisco|yealink [--user U --password P] [--port N]
 *               [--mode ok|deny|fail500|vendor-error|slow:MS|silent|hangup]
 *
 * Prints "listening on 127.0.0.1:PORT", then one block per request the phone accepted: the
 * request line, content type, user, and the document as the phone reads it (Cisco: XML=
 * decoded; Yealink: after xml=), and "refused: WHY" when it breaks the vendor's rules. Runs until
 * SIGINT or SIGTERM. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: ipphone-emu --vendor polycom|cisco|yealink [--user U --password P] "
			"[--port N]\n"
			"                   [--mode ok|deny|fail500|vendor-error|slow:MS|silent|hangup]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *vendor = NULL, *user = NULL, *password = NULL, *mode = "ok";
	enum emu_mode m = EMU_OK;
	unsigned port = 0, delay = 0;
	enum emu_vendor v;
	struct sigaction sa;
	struct emu *e;
	size_t shown = 0;
	int i;

	for (i = 1; i < argc; i++) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val)
			return usage();
		if (!strcmp(argv[i], "--vendor"))
			vendor = val;
		else if (!strcmp(argv[i], "--user"))
			user = val;
		else if (!strcmp(argv[i], "--password"))
			password = val;
		else if (!strcmp(argv[i], "--port"))
			port = (unsigned)strtoul(val, NULL, 10);
		else if (!strcmp(argv[i], "--mode"))
			mode = val;
		else
			return usage();
		i++;
	}
	if (!vendor)
		return usage();
	if (!strcmp(vendor, "polycom"))
		v = EMU_POLYCOM;
	else if (!strcmp(vendor, "cisco"))
		v = EMU_CISCO;
	else if (!strcmp(vendor, "yealink"))
		v = EMU_YEALINK;
	else
		return usage();
	if (!strcmp(mode, "ok"))
		m = EMU_OK;
	else if (!strcmp(mode, "deny"))
		m = EMU_DENY;
	else if (!strcmp(mode, "fail500"))
		m = EMU_FAIL500;
	else if (!strcmp(mode, "vendor-error"))
		m = EMU_VENDOR_ERROR;
	else if (!strncmp(mode, "slow:", 5)) {
		m = EMU_SLOW;
		delay = (unsigned)strtoul(mode + 5, NULL, 10);
	} else if (!strcmp(mode, "silent"))
		m = EMU_SILENT;
	else if (!strcmp(mode, "hangup"))
		m = EMU_HANGUP;
	else
		return usage();
	if (!user != !password)
		return usage();

	e = emu_start(v, user, password, port, 1);
	if (!e) {
		fprintf(stderr, "ipphone-emu: cannot listen on 127.0.0.1:%u\n", port);
		return 1;
	}
	emu_set_mode(e, m, delay);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	printf("listening on 127.0.0.1:%u\n", emu_port(e));
	fflush(stdout);
	while (!stop) {
		const struct emu_request *r;

		while ((r = emu_request(e, shown))) {
			printf("%s %s%s%s  Content-Type: %s  user: %s  (%zu bytes)\n", r->method, r->path,
			       r->query_push[0] ? "?push=" : "", r->query_push, r->ctype,
			       r->user[0] ? r->user : "-", r->body_len);
			if (r->doc)
				printf("%s\n", r->doc);
			if (r->verdict[0])
				printf("refused: %s\n", r->verdict);
			fflush(stdout);
			shown++;
		}
		usleep(20 * 1000);
	}
	emu_stop(e);
	return 0;
}
