/* SPDX-License-Identifier: MIT */
/* emu.h — emulated IP desk phones for the ipphone provider's tests and benchmark: one HTTP server
 * (libmicrohttpd) per phone on 127.0.0.1, speaking one vendor's push interface.
 *
 * Each emulator checks every request the way the vendor's documentation describes it (method,
 * path, query, content type, authentication, body) and records it; a request that breaks a rule
 * is recorded with the reason in its verdict and refused as the vendor would (HTTP 400; Cisco:
 * CiscoIPPhoneError Number="1"). Modes make it misbehave on purpose: refuse every login, answer
 * 500, answer a vendor error document, answer late, never answer, or hang up.
 *
 * Polycom: POST /push, HTTP Digest (MD5), Content-Type application/xhtml+xml or
 *   application/x-com-polycom-spipx, body <PolycomIPPhone> with one <Data priority=...> or
 *   <URL priority=...> (URL only with spipx), at most max_body bytes (2048: UC Software 5.0).
 * Cisco: POST /CGI/Execute, HTTP Basic, Content-Type application/x-www-form-urlencoded, body
 *   XML=<form-encoded document>; a CiscoIPPhoneExecute has 1 to 3 ExecuteItems with a URL and an
 *   optional Priority 0|1|2; the answer is a CiscoIPPhoneResponse (text/xml).
 * Yealink: POST /servlet?push=xml, HTTP Digest when the emulator has a user, Content-Type
 *   text/xml, body xml=<one YealinkIPPhone... object of at most 10000 bytes>.
 */
#ifndef OT_TEST_EMU_H
#define OT_TEST_EMU_H

#include <stddef.h>
#include <stdint.h>

enum emu_vendor { EMU_POLYCOM, EMU_CISCO, EMU_YEALINK };

enum emu_mode {
	EMU_OK,        /* check, record, answer as a phone does */
	EMU_DENY,      /* 401 to every request, even with the right credentials */
	EMU_FAIL500,   /* record, then HTTP 500 */
	EMU_VENDOR_ERROR, /* Cisco: HTTP 200 with CiscoIPPhoneError Number="4" */
	EMU_ITEM_ERROR,   /* Cisco: HTTP 200 with a ResponseItem Status="1" */
	EMU_SLOW,      /* answer after delay_ms */
	EMU_SILENT,    /* read the request, never answer (until the emulator stops) */
	EMU_HANGUP,    /* read the request, close the connection without answering */
};

struct emu_request {
	char method[16];
	char path[64];
	char query_push[32]; /* the value of ?push=, "" when absent */
	char ctype[128];
	char user[64];       /* who authenticated */
	char *body;          /* the body as received, NUL-terminated */
	size_t body_len;
	char *doc;           /* Polycom: the body; Cisco: XML= decoded; Yealink: after xml= */
	size_t doc_len;
	char verdict[200];   /* "" when the request is as documented, else the broken rule */
};

struct emu;

/* Starts an emulator on 127.0.0.1:port (0: an ephemeral port). user NULL: no authentication
 * (Yealink, or a Cisco without an authentication URL). threaded: one thread per connection
 * (needed for SLOW and SILENT, and to measure concurrency); else one polling thread (cheap, for
 * a thousand phones). Returns NULL on failure. */
struct emu *emu_start(enum emu_vendor v, const char *user, const char *password, unsigned port,
		      int threaded);
/* The same over HTTPS with a certificate and key in PEM. */
struct emu *emu_start_tls(enum emu_vendor v, const char *user, const char *password,
			  unsigned port, int threaded, const char *cert_pem, const char *key_pem);
unsigned emu_port(const struct emu *e);
void emu_set_mode(struct emu *e, enum emu_mode mode, unsigned delay_ms);
/* Largest body accepted (default: Polycom 2048, Cisco 65536, Yealink 10004). */
void emu_set_max_body(struct emu *e, size_t max);
/* Stops the server (releasing any SILENT or SLOW request) and frees everything. */
void emu_stop(struct emu *e);

/* Requests that passed authentication and were recorded. */
size_t emu_count(struct emu *e);
/* Waits until at least n are recorded; 0, or -1 after timeout_ms. */
int emu_wait(struct emu *e, size_t n, unsigned timeout_ms);
/* Request i (0 = first); valid until emu_stop. */
const struct emu_request *emu_request(struct emu *e, size_t i);
/* 401 answers sent (authentication challenges and refusals). */
unsigned emu_challenges(struct emu *e);
/* Most requests this emulator handled at the same time. */
unsigned emu_max_concurrent(struct emu *e);

/* Requests in progress over all emulators of the process, and the most seen at once. */
void emu_global_reset(void);
unsigned emu_global_max(void);

#endif
