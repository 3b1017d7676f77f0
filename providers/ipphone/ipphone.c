/* SPDX-License-Identifier: MIT */
/* ipphone.c — the ipphone service provider: phoneSetData pushed to IP desk phones over their
 * HTTP push interfaces (Polycom/Poly POST /push, Cisco POST /CGI/Execute, Yealink XML push).
 * Built on the provider kit (otsp.h): the kit owns the TSPI entry points, the phone table,
 * the configuration calls, phones added while the provider runs, identity, negotiation,
 * PHONECAPS and PHONESTATUS, open and close, the per-phone request queues and shutdown.
 *
 * Owns: the provider's operations — the provider-wide options and each phone's settings
 * (config.c), the phone's description, the check of each payload and its request body (push.c),
 * the phone's connectivity, and the one push thread that runs every push on one libcurl multi
 * handle and completes each request.
 * Must not: copy a payload (the engine keeps it valid until the request completes; bodies are
 * streamed from it, see push.c), log a password or a payload byte, follow redirects, or call the
 * kit (otsp_complete, otsp_phone_event) with P.lock held.
 *
 * Scheduling. The kit hands run() one request of a phone at a time (max_batch 1), the phone's
 * next one only once this one is complete, so the pushes to one phone are sent one at a time, in
 * issue order, and complete in that order. run() never blocks (it may run inside the TSPI call:
 * the phones are inline): it puts the phone at the back of the line (FIFO) and wakes the push
 * thread, which starts the phones at the head of the line while fewer than `parallel` pushes are
 * in flight. A phone with more queued comes back to the back of the line after each push, so
 * different phones run in parallel up to the limit, taking turns fairly.
 *
 * Connectivity. A push that got an HTTP answer (whatever its status) means the phone answered;
 * one that got none (refused, unreachable, no answer within the timeout, connection dropped)
 * counts a failure. After failures_before_disconnected failures in a row the phone is reported
 * disconnected (PHONE_STATE DISCONNECTED, before that push's completion; PHONESTATUS without
 * CONNECTED); the next answer reports it connected again. Pushes are still attempted while it is
 * disconnected: they are the only probe.
 *
 * Closing. The kit calls cancel() when a close begins: the push thread aborts the phone's push in
 * flight (or takes it out of the line) and completes it with PHONEERR_OPERATIONFAILED; what the
 * kit still has queued for the phone reaches run() afterwards, which completes it at once the
 * same way. The kit's close waits for all of it; close() then logs how many were cancelled and
 * frees the phone's libcurl handle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include <otsp.h>

#include "alloc.h"
#include "config.h"
#include "push.h"

/* How much of a Cisco phone's answer is kept for reading (the documents are short). */
#define ANSWER_MAX 8192u

#ifndef OT_VERSION
#define OT_VERSION "0"
#endif

struct phone {
	struct ipp_phone_config cfg; /* from configure to destroy */

	/* Under P.lock. */
	struct otsp_request *rq; /* handed over by run(), not complete yet */
	int waiting;             /* in the line, not started */
	int busy;                /* its push is in flight */
	int cancel;              /* a close has begun: end what it has */
	int on_cancel;           /* on P's cancel list */
	int disconnected;
	unsigned cancelled;      /* requests the close in progress ended */
	struct phone *line_next, *cancel_next;

	/* The push thread's own. */
	unsigned failures; /* pushes in a row without an answer */
	struct phone *start_next;
	struct ipp_body *body; /* of the push in flight: rq->priv */
	DWORD area;
	CURL *easy;
	char *answer; /* Cisco: the start of the phone's answer */
	size_t answer_len;
	uint64_t started_ms;
	char errbuf[CURL_ERROR_SIZE];
};

static struct {
	pthread_mutex_t lock;
	struct ipp_options opt;
	CURLM *multi;
	struct curl_slist *headers[IPP_NUM_CTYPES];
	pthread_t worker;
	int stop;
	struct phone *line_head, *line_tail; /* waiting for a push slot */
	struct phone *cancel_head;           /* closes for the push thread */
	unsigned active;                     /* pushes in flight */
} P = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.opt = { IPP_DEFAULT_PARALLEL, IPP_DEFAULT_TIMEOUT_MS, IPP_DEFAULT_FAILURES },
};

static struct phone *of(const struct otsp_phone *ph)
{
	return otsp_phone_priv(ph);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The request's body goes with it. */
static void complete(struct otsp_request *rq, LONG result)
{
	ot_free(rq->priv);
	otsp_complete(rq, result);
}

/* ---- the line -------------------------------------------------------------------------------- */

/* P.lock held. */
static void line_append(struct phone *p)
{
	p->line_next = NULL;
	if (P.line_tail)
		P.line_tail->line_next = p;
	else
		P.line_head = p;
	P.line_tail = p;
	p->waiting = 1;
}

/* P.lock held. */
static struct phone *line_pop(void)
{
	struct phone *p = P.line_head;

	if (p) {
		P.line_head = p->line_next;
		if (!P.line_head)
			P.line_tail = NULL;
		p->line_next = NULL;
		p->waiting = 0;
	}
	return p;
}

/* P.lock held; rare (close), so a walk is fine. */
static void line_unlink(struct phone *p)
{
	struct phone **pp, *prev = NULL;

	for (pp = &P.line_head; *pp; prev = *pp, pp = &(*pp)->line_next) {
		if (*pp == p) {
			*pp = p->line_next;
			if (P.line_tail == p)
				P.line_tail = prev;
			break;
		}
	}
	p->line_next = NULL;
	p->waiting = 0;
}

/* ---- configuration --------------------------------------------------------------------------- */

static LONG set_options(const OTSPISETTING *settings, DWORD n, const char *config_path, char *err,
			size_t errlen)
{
	struct ipp_options o;

	(void)config_path;
	ipp_options_default(&o);
	if (ipp_options_parse(&o, settings, n, err, errlen) < 0)
		return PHONEERR_INIFILECORRUPT;
	pthread_mutex_lock(&P.lock);
	P.opt = o;
	pthread_mutex_unlock(&P.lock);
	return 0;
}

/* One phone; added while the provider runs, it is checked exactly as at start-up, the file rule
 * for passwords included. */
static LONG configure(struct otsp_phone *ph, const OTSPIPHONECONFIG *cfg, char *err,
		      size_t errlen)
{
	struct phone *p = of(ph);
	const struct ipp_vendor_desc *d;
	char info[400];
	LONG r = ipp_phone_parse(&p->cfg, cfg, &P.opt, err, errlen);

	if (r != 0)
		return r;
	if (p->cfg.password && cfg->lpszConfigPath &&
	    ipp_check_file_private(cfg->lpszConfigPath, err, errlen) < 0)
		return PHONEERR_INIFILECORRUPT;
	d = ipp_vendor_desc(p->cfg.vendor);
	snprintf(info, sizeof(info), "%s phone at %s over %s; data areas: %u", d->label, p->cfg.url,
		 p->cfg.https ? "https" : "http", (unsigned)p->cfg.num_areas);
	{
		const struct otsp_caps caps = {
			.info = info,
			.phone_states = PHONESTATE_CONNECTED | PHONESTATE_DISCONNECTED,
			.features = p->cfg.num_areas ? PHONEFEATURE_SETDATA : 0,
			.num_set_data = p->cfg.num_areas,
			.set_data_sizes = p->cfg.area_sizes,
		};

		if (otsp_phone_set_caps(ph, &caps) != 0) {
			snprintf(err, errlen, "out of memory");
			return PHONEERR_NOMEM;
		}
	}
	/* run() only queues for the push thread: it may run inside the TSPI call. */
	otsp_phone_set_inline(ph, 1);
	if (p->cfg.insecure)
		otsp_log(OTSP_WARN,
			 "phone '%s' (%s): insecure = yes: the phone's TLS certificate is not "
			 "checked, so whoever can intercept the connection can pose as the phone",
			 p->cfg.name, p->cfg.where);
	if (p->cfg.user && !p->cfg.https && d->auth == IPP_AUTH_BASIC)
		otsp_log(OTSP_INFO, "phone '%s' (%s): HTTP Basic over plain http sends the push "
			 "credentials readable on the network; prefer scheme = https",
			 p->cfg.name, p->cfg.where);
	return 0;
}

static void destroy(struct otsp_phone *ph)
{
	struct phone *p = of(ph);

	ot_free(p->answer);
	p->answer = NULL;
	ipp_phone_free(&p->cfg);
}

/* ---- requests -------------------------------------------------------------------------------- */

/* The body is checked and built here, so that a payload the phone cannot take is refused at once;
 * it points into the engine's buffer. */
static LONG set_data(struct otsp_phone *ph, struct otsp_request *rq)
{
	struct phone *p = of(ph);
	const struct ipp_vendor_desc *d = ipp_vendor_desc(p->cfg.vendor);
	struct ipp_body *b = ot_malloc(sizeof(*b));
	const char *why;

	if (!b)
		return PHONEERR_NOMEM;
	if (ipp_body_build(b, p->cfg.vendor, d->areas[rq->u.data.id].kind, p->cfg.priority,
			   rq->u.data.data, rq->u.data.size, &why) < 0) {
		ot_free(b);
		otsp_log(OTSP_WARN, "phone '%s' (%s): data area %u: payload refused: %s",
			 p->cfg.name, p->cfg.where, (unsigned)rq->u.data.id, why);
		return PHONEERR_INVALPARAM;
	}
	rq->priv = b;
	return 0;
}

/* One request (max_batch 1): to the back of the line for the push thread, or, once a close has
 * begun, completed at once. */
static void run(struct otsp_phone *ph, struct otsp_request *rq)
{
	struct phone *p = of(ph);
	int closing = otsp_phone_closing(ph);

	pthread_mutex_lock(&P.lock);
	if (closing || p->cancel) {
		p->cancelled++;
		pthread_mutex_unlock(&P.lock);
		complete(rq, PHONEERR_OPERATIONFAILED);
		return;
	}
	p->rq = rq;
	line_append(p);
	pthread_mutex_unlock(&P.lock);
	curl_multi_wakeup(P.multi);
}

static LONG get_status(struct otsp_phone *ph, struct otsp_status *st)
{
	struct phone *p = of(ph);

	pthread_mutex_lock(&P.lock);
	st->flags = p->disconnected ? 0 : PHONESTATUSFLAGS_CONNECTED;
	pthread_mutex_unlock(&P.lock);
	/* Pushes are accepted while disconnected too: they are what finds the phone again. */
	st->features = p->cfg.num_areas ? PHONEFEATURE_SETDATA : 0;
	return 0;
}

/* A close has begun: the push thread ends what the phone has (see cancel_phone). */
static void cancel(struct otsp_phone *ph)
{
	struct phone *p = of(ph);

	pthread_mutex_lock(&P.lock);
	p->cancel = 1;
	if (!p->on_cancel) {
		p->on_cancel = 1;
		p->cancel_next = P.cancel_head;
		P.cancel_head = p;
	}
	pthread_mutex_unlock(&P.lock);
	curl_multi_wakeup(P.multi);
}

/* Every request of the phone is complete and none is in the push thread's hands. */
static void close_phone(struct otsp_phone *ph)
{
	struct phone *p = of(ph);
	unsigned n;

	pthread_mutex_lock(&P.lock);
	n = p->cancelled;
	p->cancelled = 0;
	p->cancel = 0;
	pthread_mutex_unlock(&P.lock);
	if (n)
		otsp_log(OTSP_INFO, "phone '%s' (%s): closed with %u push%s outstanding: cancelled",
			 p->cfg.name, p->cfg.where, n, n == 1 ? "" : "es");
	if (p->easy)
		curl_easy_cleanup(p->easy);
	p->easy = NULL;
}

/* ---- the push thread ------------------------------------------------------------------------- */

static size_t read_body(char *buf, size_t size, size_t nitems, void *ud)
{
	struct phone *p = ud;

	return ipp_body_read(p->body, buf, size * nitems);
}

/* libcurl rewinds after an authentication challenge (Digest: the first request is answered 401). */
static int seek_body(void *ud, curl_off_t offset, int origin)
{
	struct phone *p = ud;
	struct ipp_body *b = p->body;
	char skip[512];

	if (origin != SEEK_SET || offset < 0 || (uint64_t)offset > b->length)
		return CURL_SEEKFUNC_CANTSEEK;
	ipp_body_rewind(b);
	while (offset > 0) {
		size_t k = (uint64_t)offset < sizeof(skip) ? (size_t)offset : sizeof(skip);
		size_t got = ipp_body_read(b, skip, k);

		if (got == 0)
			return CURL_SEEKFUNC_FAIL;
		offset -= (curl_off_t)got;
	}
	return CURL_SEEKFUNC_OK;
}

/* Keeps the start of a Cisco phone's answer; the others' answers are not read. */
static size_t take_answer(char *data, size_t size, size_t nmemb, void *ud)
{
	struct phone *p = ud;
	size_t n = size * nmemb, room;

	if (p->answer) {
		room = ANSWER_MAX - p->answer_len;
		if (n < room)
			room = n;
		memcpy(p->answer + p->answer_len, data, room);
		p->answer_len += room;
	}
	return n;
}

#define SETOPT(e, opt, val)                                                                      \
	do {                                                                                     \
		if (curl_easy_setopt((e), (opt), (val)) != CURLE_OK)                             \
			goto fail;                                                               \
	} while (0)

/* One easy handle per phone, kept between pushes: it remembers the Digest nonce, so later pushes
 * authenticate in one round trip, and reuses the connection when the phone keeps it open. */
static int setup_easy(struct phone *p)
{
	const struct ipp_vendor_desc *d = ipp_vendor_desc(p->cfg.vendor);
	CURL *e = curl_easy_init();

	if (!e)
		return -1;
	if (p->cfg.vendor == IPP_CISCO && !p->answer && !(p->answer = ot_malloc(ANSWER_MAX)))
		goto fail;
	SETOPT(e, CURLOPT_URL, p->cfg.url);
	SETOPT(e, CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(e, CURLOPT_FOLLOWLOCATION, 0L);
	/* Straight to the phone: proxy variables in the environment would hand the credentials
	 * (in clear with Basic) to a proxy, which is never what a desk phone on the LAN needs. */
	SETOPT(e, CURLOPT_PROXY, "");
	SETOPT(e, CURLOPT_POST, 1L);
	SETOPT(e, CURLOPT_READFUNCTION, read_body);
	SETOPT(e, CURLOPT_READDATA, p);
	SETOPT(e, CURLOPT_SEEKFUNCTION, seek_body);
	SETOPT(e, CURLOPT_SEEKDATA, p);
	SETOPT(e, CURLOPT_WRITEFUNCTION, take_answer);
	SETOPT(e, CURLOPT_WRITEDATA, p);
	SETOPT(e, CURLOPT_PRIVATE, p);
	SETOPT(e, CURLOPT_ERRORBUFFER, p->errbuf);
	SETOPT(e, CURLOPT_NOSIGNAL, 1L);
	SETOPT(e, CURLOPT_TIMEOUT_MS, (long)p->cfg.timeout_ms);
	SETOPT(e, CURLOPT_CONNECTTIMEOUT_MS, (long)p->cfg.timeout_ms);
	SETOPT(e, CURLOPT_USERAGENT, "OpenTAPI-ipphone/" OT_VERSION);
	if (p->cfg.user) {
		SETOPT(e, CURLOPT_HTTPAUTH,
		       d->auth == IPP_AUTH_BASIC ? (long)CURLAUTH_BASIC : (long)CURLAUTH_DIGEST);
		SETOPT(e, CURLOPT_USERNAME, p->cfg.user);
		SETOPT(e, CURLOPT_PASSWORD, p->cfg.password);
	}
	if (p->cfg.https) {
		if (p->cfg.insecure) {
			SETOPT(e, CURLOPT_SSL_VERIFYPEER, 0L);
			SETOPT(e, CURLOPT_SSL_VERIFYHOST, 0L);
		} else if (p->cfg.ca_file) {
			SETOPT(e, CURLOPT_CAINFO, p->cfg.ca_file);
		}
	}
	p->easy = e;
	return 0;
fail:
	curl_easy_cleanup(e);
	return -1;
}

/* Why a push failed, for the one log line; "" when it did not. Sets *answered. */
static void judge(struct phone *p, CURLcode rc, char *why, size_t whylen, int *answered)
{
	long code = 0, os_errno = 0;
	const char *detail = p->errbuf[0] ? p->errbuf : curl_easy_strerror(rc);

	curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &code);
	*answered = code != 0;
	why[0] = '\0';
	if (rc != CURLE_OK) {
		switch (rc) {
		case CURLE_OPERATION_TIMEDOUT:
			snprintf(why, whylen, "no answer within %u ms", p->cfg.timeout_ms);
			break;
		case CURLE_COULDNT_CONNECT:
			if (curl_easy_getinfo(p->easy, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK &&
			    os_errno)
				snprintf(why, whylen, "cannot connect: %s", strerror((int)os_errno));
			else
				snprintf(why, whylen, "cannot connect: %s", detail);
			break;
		case CURLE_COULDNT_RESOLVE_HOST:
			snprintf(why, whylen, "cannot resolve the host name: %s", detail);
			break;
		case CURLE_GOT_NOTHING:
			snprintf(why, whylen, "the phone closed the connection without answering");
			break;
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CACERT_BADFILE:
			snprintf(why, whylen,
				 "TLS: %s (check ca_file; a self-signed phone needs insecure = yes)",
				 detail);
			break;
		default:
			snprintf(why, whylen, "%s", detail);
			break;
		}
		return;
	}
	if (code == 401 || code == 407) {
		snprintf(why, whylen, "HTTP %ld: authentication refused (check user and password "
			 "against the phone's push credentials)", code);
	} else if (code < 200 || code > 299) {
		const char *what = code == 400   ? ": the phone refused the request as malformed"
				   : code == 403 ? ": the phone refuses pushes from here (check its "
						   "push settings)"
				   : code == 404 ? ": no push interface there (is push enabled on "
						   "the phone?)"
				   : code == 413 ? ": the request is too large for the phone"
				   : code >= 500 ? ": the phone failed to handle the push"
						 : "";

		snprintf(why, whylen, "HTTP %ld%s", code, what);
	} else if (p->cfg.vendor == IPP_CISCO &&
		   ipp_cisco_answer(p->answer, p->answer_len, why, whylen) == 0) {
		why[0] = '\0';
	}
}

/* The push in flight is over (busy cleared): takes its request. P.lock held. */
static struct otsp_request *take_inflight(struct phone *p)
{
	struct otsp_request *rq = p->rq;

	p->busy = 0;
	p->rq = NULL;
	P.active--;
	return rq;
}

/* Completes the push in flight of p (its easy handle already removed from the multi). */
static void finish(struct otsp_phone *ph, struct phone *p, CURLcode rc)
{
	char why[CURL_ERROR_SIZE + 200], note[160] = "";
	struct otsp_request *rq;
	DWORD state = 0;
	int answered;

	judge(p, rc, why, sizeof(why), &answered);
	if (answered)
		p->failures = 0;
	else if (p->failures < UINT32_MAX)
		p->failures++;

	pthread_mutex_lock(&P.lock);
	rq = take_inflight(p);
	if (answered && p->disconnected) {
		p->disconnected = 0;
		state = PHONESTATE_CONNECTED;
	} else if (!answered && !p->disconnected &&
		   p->failures >= P.opt.failures_before_disconnected) {
		p->disconnected = 1;
		state = PHONESTATE_DISCONNECTED;
	}
	pthread_mutex_unlock(&P.lock);

	if (state == PHONESTATE_DISCONNECTED)
		snprintf(note, sizeof(note), "; no answer %u times in a row: reported disconnected",
			 p->failures);
	if (why[0])
		otsp_log(OTSP_WARN, "phone '%s' (%s): data area %u: %s (after %llu ms)%s",
			 p->cfg.name, p->cfg.where, (unsigned)p->area, why,
			 (unsigned long long)(now_ms() - p->started_ms), note);
	else
		otsp_log(OTSP_DEBUG, "phone '%s' (%s): data area %u: %zu bytes pushed", p->cfg.name,
			 p->cfg.where, (unsigned)p->area, p->body->length);
	if (state == PHONESTATE_CONNECTED)
		otsp_log(OTSP_INFO, "phone '%s' (%s): answers again: reported connected",
			 p->cfg.name, p->cfg.where);

	/* The event first: the application learns the state before the reply that caused it. */
	if (state)
		otsp_phone_event(ph, PHONE_STATE, state, 0, 0);
	complete(rq, why[0] ? (LONG)PHONEERR_OPERATIONFAILED : 0);
}

/* Starts the push of p (busy); on failure completes it at once. */
static void start(struct phone *p)
{
	struct ipp_body *b = p->body;
	struct otsp_request *rq;

	p->started_ms = now_ms();
	p->errbuf[0] = '\0';
	p->answer_len = 0;
	ipp_body_rewind(b);
	if ((!p->easy && setup_easy(p) < 0) ||
	    curl_easy_setopt(p->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->length) ||
	    curl_easy_setopt(p->easy, CURLOPT_HTTPHEADER, P.headers[b->ctype]) ||
	    curl_multi_add_handle(P.multi, p->easy) != CURLM_OK) {
		otsp_log(OTSP_WARN, "phone '%s' (%s): data area %u: the push cannot be prepared "
			 "(out of memory)", p->cfg.name, p->cfg.where, (unsigned)p->area);
		pthread_mutex_lock(&P.lock);
		rq = take_inflight(p);
		pthread_mutex_unlock(&P.lock);
		complete(rq, PHONEERR_NOMEM);
	}
}

/* A close of p has begun: its push in flight is aborted, or its request taken out of the line,
 * and completed. A close that is over (cancel cleared) leaves nothing to do. */
static void cancel_phone(struct phone *p)
{
	struct otsp_request *rq = NULL;
	int inflight = 0;

	pthread_mutex_lock(&P.lock);
	p->on_cancel = 0;
	if (p->cancel && p->waiting) {
		line_unlink(p);
		rq = p->rq;
		p->rq = NULL;
	} else if (p->cancel && p->busy) {
		rq = take_inflight(p);
		inflight = 1;
	}
	if (rq)
		p->cancelled++;
	pthread_mutex_unlock(&P.lock);
	if (inflight)
		curl_multi_remove_handle(P.multi, p->easy);
	if (rq)
		complete(rq, PHONEERR_OPERATIONFAILED);
}

static void *push_main(void *arg)
{
	for (;;) {
		struct phone *first = NULL, **link = &first, *p, *cancels;
		struct CURLMsg *m;
		int running, left, finished = 0;

		pthread_mutex_lock(&P.lock);
		if (P.stop) {
			pthread_mutex_unlock(&P.lock);
			break;
		}
		cancels = P.cancel_head;
		P.cancel_head = NULL;
		pthread_mutex_unlock(&P.lock);
		while ((p = cancels)) {
			cancels = p->cancel_next;
			cancel_phone(p);
		}

		pthread_mutex_lock(&P.lock);
		while (P.active < P.opt.parallel && (p = line_pop())) {
			p->busy = 1;
			P.active++;
			p->body = p->rq->priv;
			p->area = p->rq->u.data.id;
			p->start_next = NULL;
			*link = p;
			link = &p->start_next;
		}
		pthread_mutex_unlock(&P.lock);
		/* A close that begins now is seen at the next turn and aborts the push. */
		for (p = first; p; p = p->start_next)
			start(p);

		curl_multi_perform(P.multi, &running);
		while ((m = curl_multi_info_read(P.multi, &left))) {
			CURL *easy = m->easy_handle;
			CURLcode rc = m->data.result;
			char *priv = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			/* m is invalid once its handle is removed: keep what finish needs. */
			curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
			curl_multi_remove_handle(P.multi, easy);
			p = (struct phone *)priv;
			finish(otsp_phone_of(p), p, rc);
			finished = 1;
		}
		if (!finished)
			curl_multi_poll(P.multi, NULL, 0, 1000, NULL);
	}
	return arg;
}

/* ---- provider lifecycle ---------------------------------------------------------------------- */

static void free_transport(void)
{
	size_t i;

	for (i = 0; i < IPP_NUM_CTYPES; i++) {
		curl_slist_free_all(P.headers[i]);
		P.headers[i] = NULL;
	}
	if (P.multi)
		curl_multi_cleanup(P.multi);
	P.multi = NULL;
}

/* Headers per content type: the type, and no "Expect: 100-continue" (phones' small web servers
 * need not know it, and the bodies are small). */
static int make_headers(void)
{
	char line[96];
	size_t i;

	for (i = 0; i < IPP_NUM_CTYPES; i++) {
		struct curl_slist *l;

		snprintf(line, sizeof(line), "Content-Type: %s", ipp_ctype_name((enum ipp_ctype)i));
		l = curl_slist_append(NULL, line);
		if (!l)
			return -1;
		P.headers[i] = l;
		l = curl_slist_append(l, "Expect:");
		if (!l)
			return -1;
	}
	return 0;
}

static LONG init(void)
{
	int r;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		otsp_log(OTSP_ERROR, "libcurl cannot be initialised");
		return LINEERR_OPERATIONFAILED;
	}
	P.multi = curl_multi_init();
	if (!P.multi || make_headers() < 0) {
		free_transport();
		curl_global_cleanup();
		return LINEERR_NOMEM;
	}
	P.stop = 0;
	P.active = 0;
	P.line_head = P.line_tail = NULL;
	P.cancel_head = NULL;
	r = otsp_thread_start(&P.worker, push_main, NULL, "ipphone-push");
	if (r != 0) {
		free_transport();
		curl_global_cleanup();
		return r == EAGAIN ? LINEERR_RESOURCEUNAVAIL : LINEERR_OPERATIONFAILED;
	}
	return 0;
}

/* Every phone is closed: nothing is in flight. */
static void shutdown_provider(void)
{
	pthread_mutex_lock(&P.lock);
	P.stop = 1;
	pthread_mutex_unlock(&P.lock);
	curl_multi_wakeup(P.multi);
	pthread_join(P.worker, NULL);
	free_transport();
	curl_global_cleanup();
	ipp_options_default(&P.opt);
}

static const struct otsp_provider ipphone = {
	.abi_version = OTSP_ABI_VERSION,
	.name = "ipphone",
	.info = "OpenTAPI IP desk phone provider (HTTP push)",
	.tspi_low = 0x00010003,
	.tspi_high = 0x00020002,
	.phone_size = sizeof(struct phone),
	.workers = 1,   /* run() never blocks */
	.max_batch = 1, /* one push per phone at a time */
	.set_options = set_options,
	.init = init,
	.shutdown = shutdown_provider,
	.configure = configure,
	.destroy = destroy,
	.cancel = cancel,
	.close = close_phone,
	.get_status = get_status,
	.set_data = set_data,
	.run = run,
};

OTSP_PROVIDER(ipphone);
