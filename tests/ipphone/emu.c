/* SPDX-License-Identifier: MIT */
/* emu.c — see emu.h. */
#define _GNU_SOURCE
#include "emu.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <microhttpd.h>

#define REALM "opentapi-emulated-phone"
#define OPAQUE "5ccc069c403ebaf9f0171e9517f40e41"
#define MAX_UPLOAD (1u << 20)

struct emu {
	enum emu_vendor vendor;
	char *user, *password;
	struct MHD_Daemon *d;
	unsigned port;
	unsigned char rnd[32];

	pthread_mutex_t lock;
	pthread_cond_t cond; /* a request was recorded, or the emulator stops */
	enum emu_mode mode;
	unsigned delay_ms;
	size_t max_body;
	int stopping;
	struct emu_request **req;
	size_t n_req, cap_req;
	unsigned challenges;
	unsigned in_flight, max_in_flight;
};

/* One HTTP request being received. */
struct conn {
	char *body;
	size_t len, cap;
	int too_big;
	int counted; /* in the in-flight counts */
};

static atomic_uint global_in_flight, global_max;

void emu_global_reset(void)
{
	atomic_store(&global_max, 0);
}

unsigned emu_global_max(void)
{
	return atomic_load(&global_max);
}

static void enter(struct emu *e, struct conn *c)
{
	unsigned g = atomic_fetch_add(&global_in_flight, 1) + 1, m = atomic_load(&global_max);

	while (g > m && !atomic_compare_exchange_weak(&global_max, &m, g))
		;
	pthread_mutex_lock(&e->lock);
	if (++e->in_flight > e->max_in_flight)
		e->max_in_flight = e->in_flight;
	pthread_mutex_unlock(&e->lock);
	c->counted = 1;
}

static void leave(struct emu *e, struct conn *c)
{
	if (!c->counted)
		return;
	c->counted = 0;
	atomic_fetch_sub(&global_in_flight, 1);
	pthread_mutex_lock(&e->lock);
	e->in_flight--;
	pthread_mutex_unlock(&e->lock);
}

/* ---- checks by the vendors' documentation ----------------------------------------------------- */

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static const char *trim_end(const char *p, const char *end)
{
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		end--;
	return end;
}

/* An optional <?xml ...?> declaration. */
static const char *skip_decl(const char *p, const char *end)
{
	p = skip_ws(p, end);
	if (end - p >= 5 && !memcmp(p, "<?xml", 5)) {
		const char *q = memmem(p, (size_t)(end - p), "?>", 2);

		if (q)
			p = skip_ws(q + 2, end);
	}
	return p;
}

static int starts(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && !memcmp(p, s, n);
}

/* Content type without parameters, compared case-insensitively. */
static int ctype_is(const char *ct, const char *want)
{
	size_t n = strcspn(ct, "; \t");

	return n == strlen(want) && !strncasecmp(ct, want, n);
}

static int polycom_priority_ok(const char *p, size_t n)
{
	static const char *const ok[] = { "Critical", "Important", "High", "Normal" };
	size_t i;

	for (i = 0; i < 4; i++)
		if (n == strlen(ok[i]) && !strncasecmp(p, ok[i], n))
			return 1;
	return 0;
}

static void check_polycom(struct emu *e, struct emu_request *r)
{
	const char *p = r->body, *end = r->body + r->body_len, *elem, *q;
	int spipx = ctype_is(r->ctype, "application/x-com-polycom-spipx");
	int url;
	size_t n;

	r->doc = strdup(r->body);
	r->doc_len = r->body_len;
	if (strcmp(r->method, "POST") || strcmp(r->path, "/push")) {
		snprintf(r->verdict, sizeof(r->verdict), "not POST /push");
		return;
	}
	if (!spipx && !ctype_is(r->ctype, "application/xhtml+xml")) {
		snprintf(r->verdict, sizeof(r->verdict), "content type '%s' is not xhtml+xml or spipx",
			 r->ctype);
		return;
	}
	if (r->body_len > e->max_body) {
		snprintf(r->verdict, sizeof(r->verdict), "%zu bytes: more than %zu", r->body_len,
			 e->max_body);
		return;
	}
	p = skip_decl(p, end);
	end = trim_end(p, end);
	if (!starts(p, end, "<PolycomIPPhone>") || end - p < 33 ||
	    memcmp(end - 17, "</PolycomIPPhone>", 17) != 0) {
		snprintf(r->verdict, sizeof(r->verdict), "not one <PolycomIPPhone> element");
		return;
	}
	p = skip_ws(p + 16, end);
	end = trim_end(p, end - 17);
	url = starts(p, end, "<URL");
	if (!url && !starts(p, end, "<Data")) {
		snprintf(r->verdict, sizeof(r->verdict), "<PolycomIPPhone> holds neither Data nor URL");
		return;
	}
	elem = url ? "</URL>" : "</Data>";
	n = strlen(elem);
	if (end - p < (long)n || memcmp(end - n, elem, n) != 0 ||
	    memmem(p + 1, (size_t)(end - p - 1 - (long)n), url ? "<URL" : "<Data", url ? 4 : 5)) {
		snprintf(r->verdict, sizeof(r->verdict), "not exactly one %s element",
			 url ? "URL" : "Data");
		return;
	}
	q = memchr(p, '>', (size_t)(end - p));
	if (!q) {
		snprintf(r->verdict, sizeof(r->verdict), "broken start tag");
		return;
	}
	{
		const char *a = memmem(p, (size_t)(q - p), "priority=\"", 10);

		if (a) {
			const char *v = a + 10, *ve = memchr(v, '"', (size_t)(q - v));

			if (!ve || !polycom_priority_ok(v, (size_t)(ve - v))) {
				snprintf(r->verdict, sizeof(r->verdict), "bad priority");
				return;
			}
		}
	}
	if (url && !spipx) {
		snprintf(r->verdict, sizeof(r->verdict), "a URL push needs the spipx content type");
		return;
	}
	if (memchr(q, '<', (size_t)(end - q - (long)n)) && url) {
		snprintf(r->verdict, sizeof(r->verdict), "markup inside URL");
		return;
	}
}

static int unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* application/x-www-form-urlencoded value; -1 on a bad escape. */
static int form_decode(const char *p, size_t n, char **out, size_t *outlen)
{
	char *d = malloc(n + 1);
	size_t i, k = 0;

	if (!d)
		return -1;
	for (i = 0; i < n; i++) {
		if (p[i] == '+') {
			d[k++] = ' ';
		} else if (p[i] == '%') {
			int h, l;

			if (i + 2 >= n) {
				free(d);
				return -1;
			}
			h = unhex(p[i + 1]);
			l = unhex(p[i + 2]);
			if (h < 0 || l < 0) {
				free(d);
				return -1;
			}
			d[k++] = (char)(h * 16 + l);
			i += 2;
		} else {
			d[k++] = p[i];
		}
	}
	d[k] = '\0';
	*out = d;
	*outlen = k;
	return 0;
}

static void check_cisco(struct emu *e, struct emu_request *r)
{
	const char *p, *end;
	unsigned items = 0;

	if (strcmp(r->method, "POST") || strcmp(r->path, "/CGI/Execute")) {
		snprintf(r->verdict, sizeof(r->verdict), "not POST /CGI/Execute");
		return;
	}
	if (!ctype_is(r->ctype, "application/x-www-form-urlencoded")) {
		snprintf(r->verdict, sizeof(r->verdict), "content type '%s' is not a form", r->ctype);
		return;
	}
	if (r->body_len > e->max_body) {
		snprintf(r->verdict, sizeof(r->verdict), "more than %zu bytes", e->max_body);
		return;
	}
	if (r->body_len < 4 || memcmp(r->body, "XML=", 4) != 0 ||
	    memchr(r->body + 4, '&', r->body_len - 4) || memchr(r->body + 4, '=', r->body_len - 4)) {
		snprintf(r->verdict, sizeof(r->verdict), "the body is not the one field XML=");
		return;
	}
	if (form_decode(r->body + 4, r->body_len - 4, &r->doc, &r->doc_len) < 0) {
		snprintf(r->verdict, sizeof(r->verdict), "bad %%-escape in the form");
		return;
	}
	p = skip_decl(r->doc, r->doc + r->doc_len);
	end = trim_end(p, r->doc + r->doc_len);
	if (starts(p, end, "<setBackground") || starts(p, end, "<setRingTone"))
		return;
	if (!starts(p, end, "<CiscoIPPhoneExecute") || end - p < 22 ||
	    memcmp(end - 22, "</CiscoIPPhoneExecute>", 22) != 0) {
		snprintf(r->verdict, sizeof(r->verdict), "not a CiscoIPPhoneExecute object");
		return;
	}
	while ((p = memmem(p, (size_t)(end - p), "<ExecuteItem", 12))) {
		const char *close = memchr(p, '>', (size_t)(end - p)), *u, *pr;

		if (!close || close[-1] != '/') {
			snprintf(r->verdict, sizeof(r->verdict), "ExecuteItem is not an empty element");
			return;
		}
		u = memmem(p, (size_t)(close - p), " URL=\"", 6);
		if (!u || !memchr(u + 6, '"', (size_t)(close - u - 6))) {
			snprintf(r->verdict, sizeof(r->verdict), "ExecuteItem without URL");
			return;
		}
		if ((size_t)((const char *)memchr(u + 6, '"', (size_t)(close - u - 6)) - (u + 6)) >
		    256 * 6) {
			snprintf(r->verdict, sizeof(r->verdict), "URL too long");
			return;
		}
		pr = memmem(p, (size_t)(close - p), " Priority=\"", 11);
		if (pr && (pr[11] < '0' || pr[11] > '2' || pr[12] != '"')) {
			snprintf(r->verdict, sizeof(r->verdict), "Priority is not 0, 1 or 2");
			return;
		}
		items++;
		p = close;
	}
	if (items < 1 || items > 3)
		snprintf(r->verdict, sizeof(r->verdict), "%u ExecuteItems (1 to 3 allowed)", items);
}

static void check_yealink(struct emu *e, struct emu_request *r)
{
	const char *p, *end;

	if (strcmp(r->method, "POST") || strcmp(r->path, "/servlet") ||
	    strcmp(r->query_push, "xml")) {
		snprintf(r->verdict, sizeof(r->verdict), "not POST /servlet?push=xml");
		return;
	}
	if (!ctype_is(r->ctype, "text/xml")) {
		snprintf(r->verdict, sizeof(r->verdict), "content type '%s' is not text/xml",
			 r->ctype);
		return;
	}
	if (r->body_len < 4 || memcmp(r->body, "xml=", 4) != 0) {
		snprintf(r->verdict, sizeof(r->verdict), "the body does not start with xml=");
		return;
	}
	r->doc = strdup(r->body + 4);
	r->doc_len = r->body_len - 4;
	if (r->doc_len > 10000 || r->body_len > e->max_body) {
		snprintf(r->verdict, sizeof(r->verdict), "the object is larger than 10000 bytes");
		return;
	}
	p = skip_decl(r->doc, r->doc + r->doc_len);
	end = r->doc + r->doc_len;
	if (!starts(p, end, "<YealinkIPPhone"))
		snprintf(r->verdict, sizeof(r->verdict), "not a YealinkIPPhone object");
}

/* ---- answers ------------------------------------------------------------------------------------ */

static enum MHD_Result answer(struct MHD_Connection *c, unsigned code, const char *ctype,
			      const char *text)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result r;

	if (!resp)
		return MHD_NO;
	if (ctype)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	r = MHD_queue_response(c, code, resp);
	MHD_destroy_response(resp);
	return r;
}

static const char denied[] = "<html><body>401 Unauthorized</body></html>";

/* Returns 1 when the request is authenticated; else queues the 401 in *res and returns 0. */
static int authenticate(struct emu *e, struct MHD_Connection *c, char *who, size_t wholen,
			enum MHD_Result *res)
{
	struct MHD_Response *resp;
	int ok = 0, stale = 0;

	who[0] = '\0';
	if (!e->user && e->mode != EMU_DENY)
		return 1;
	if (e->vendor == EMU_CISCO) {
		char *pass = NULL, *user = MHD_basic_auth_get_username_password(c, &pass);

		ok = e->user && user && pass && !strcmp(user, e->user) && !strcmp(pass, e->password);
		if (user)
			snprintf(who, wholen, "%s", user);
		MHD_free(user);
		MHD_free(pass);
	} else if (e->user) {
		char *user = MHD_digest_auth_get_username(c);
		int r = 0;

		if (user) {
			snprintf(who, wholen, "%s", user);
			r = MHD_digest_auth_check2(c, REALM, e->user, e->password, 300,
						   MHD_DIGEST_ALG_MD5);
			MHD_free(user);
		}
		ok = r == MHD_YES;
		stale = r == MHD_INVALID_NONCE;
	}
	if (ok && e->mode != EMU_DENY)
		return 1;
	pthread_mutex_lock(&e->lock);
	e->challenges++;
	pthread_mutex_unlock(&e->lock);
	resp = MHD_create_response_from_buffer(sizeof(denied) - 1, (void *)denied,
					       MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		*res = MHD_NO;
		return 0;
	}
	if (e->vendor == EMU_CISCO)
		*res = MHD_queue_basic_auth_fail_response(c, REALM, resp);
	else
		*res = MHD_queue_auth_fail_response2(c, REALM, OPAQUE, resp,
						     stale ? MHD_YES : MHD_NO, MHD_DIGEST_ALG_MD5);
	MHD_destroy_response(resp);
	return 0;
}

/* Waits up to ms (forever when ms is 0) or until the emulator stops; returns 1 if stopping. */
static int pause_ms(struct emu *e, unsigned ms)
{
	struct timespec ts;
	int stopping;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&e->lock);
	while (!e->stopping) {
		if (ms == 0)
			pthread_cond_wait(&e->cond, &e->lock);
		else if (pthread_cond_timedwait(&e->cond, &e->lock, &ts) == ETIMEDOUT)
			break;
	}
	stopping = e->stopping;
	pthread_mutex_unlock(&e->lock);
	return stopping;
}

static enum MHD_Result respond(struct emu *e, struct MHD_Connection *c, struct conn *cn,
			       const char *url, const char *method)
{
	struct emu_request *r;
	enum MHD_Result res = MHD_NO;
	enum emu_mode mode;
	unsigned delay;
	const char *v;
	char who[64];

	pthread_mutex_lock(&e->lock);
	mode = e->mode;
	delay = e->delay_ms;
	pthread_mutex_unlock(&e->lock);

	if (mode == EMU_SILENT) {
		pause_ms(e, 0);
		return MHD_NO;
	}
	if (mode == EMU_HANGUP)
		return MHD_NO;
	if (!authenticate(e, c, who, sizeof(who), &res))
		return res;
	if (mode == EMU_SLOW && pause_ms(e, delay))
		return MHD_NO;

	r = calloc(1, sizeof(*r));
	if (!r)
		return MHD_NO;
	snprintf(r->method, sizeof(r->method), "%s", method);
	snprintf(r->path, sizeof(r->path), "%s", url);
	v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "push");
	snprintf(r->query_push, sizeof(r->query_push), "%s", v ? v : "");
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	snprintf(r->ctype, sizeof(r->ctype), "%s", v ? v : "");
	snprintf(r->user, sizeof(r->user), "%s", who);
	r->body = cn->body ? cn->body : strdup("");
	r->body_len = cn->len;
	cn->body = NULL;
	if (cn->too_big)
		snprintf(r->verdict, sizeof(r->verdict), "body larger than 1 MiB");
	else if (e->vendor == EMU_POLYCOM)
		check_polycom(e, r);
	else if (e->vendor == EMU_CISCO)
		check_cisco(e, r);
	else
		check_yealink(e, r);

	pthread_mutex_lock(&e->lock);
	if (e->n_req == e->cap_req) {
		size_t cap = e->cap_req ? 2 * e->cap_req : 8;
		struct emu_request **n = realloc(e->req, cap * sizeof(*n));

		if (!n) {
			pthread_mutex_unlock(&e->lock);
			free(r->body);
			free(r->doc);
			free(r);
			return MHD_NO;
		}
		e->req = n;
		e->cap_req = cap;
	}
	e->req[e->n_req++] = r;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
	leave(e, cn);

	if (mode == EMU_FAIL500)
		return answer(c, 500, "text/html", "<html><body>500 Internal Server Error</body></html>");
	if (e->vendor == EMU_CISCO) {
		if (r->verdict[0])
			return answer(c, 200, "text/xml", "<CiscoIPPhoneError Number=\"1\" />");
		if (mode == EMU_VENDOR_ERROR)
			return answer(c, 200, "text/xml", "<CiscoIPPhoneError Number=\"4\" />");
		if (mode == EMU_ITEM_ERROR)
			return answer(c, 200, "text/xml",
				      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
				      "<CiscoIPPhoneResponse>\n"
				      "<ResponseItem Status=\"0\" Data=\"Success\" URL=\"Key:Headset\"/>\n"
				      "<ResponseItem Status=\"1\" Data=\"Failure\" URL=\"Bogus:1\"/>\n"
				      "</CiscoIPPhoneResponse>\n");
		return answer(c, 200, "text/xml",
			      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			      "<CiscoIPPhoneResponse>\n"
			      "<ResponseItem Status=\"0\" Data=\"Success\" URL=\"\"/>\n"
			      "</CiscoIPPhoneResponse>\n");
	}
	if (r->verdict[0])
		return answer(c, 400, "text/html", "<html><body>400 Bad Request</body></html>");
	return answer(c, 200, "text/html", "<html><body>OK</body></html>");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct emu *e = cls;
	struct conn *cn = *con_cls;

	(void)version;
	if (!cn) {
		cn = calloc(1, sizeof(*cn));
		if (!cn)
			return MHD_NO;
		*con_cls = cn;
		enter(e, cn);
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;

		if (cn->len + n > MAX_UPLOAD) {
			cn->too_big = 1;
		} else {
			if (cn->len + n + 1 > cn->cap) {
				size_t cap = (cn->len + n + 1) * 2;
				char *b = realloc(cn->body, cap);

				if (!b)
					return MHD_NO;
				cn->body = b;
				cn->cap = cap;
			}
			memcpy(cn->body + cn->len, upload, n);
			cn->len += n;
			cn->body[cn->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	return respond(e, c, cn, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct emu *e = cls;
	struct conn *cn = *con_cls;

	(void)c;
	(void)toe;
	if (!cn)
		return;
	leave(e, cn);
	free(cn->body);
	free(cn);
	*con_cls = NULL;
}

struct emu *emu_start_tls(enum emu_vendor v, const char *user, const char *password,
			  unsigned port, int threaded, const char *cert_pem, const char *key_pem)
{
	struct emu *e = calloc(1, sizeof(*e));
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct MHD_OptionItem tls[3] = { { MHD_OPTION_END, 0, NULL }, { MHD_OPTION_END, 0, NULL },
					 { MHD_OPTION_END, 0, NULL } };
	const union MHD_DaemonInfo *info;
	unsigned flags;

	if (!e)
		return NULL;
	e->vendor = v;
	e->max_body = v == EMU_POLYCOM ? 2048 : v == EMU_CISCO ? 65536 : 10004;
	if (user && (!(e->user = strdup(user)) || !(e->password = strdup(password ? password : ""))))
		goto fail;
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->cond, NULL);
	if (getrandom(e->rnd, sizeof(e->rnd), 0) != (ssize_t)sizeof(e->rnd))
		goto fail_sync;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	flags = threaded ? MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
				   MHD_USE_POLL
			 : MHD_USE_EPOLL_INTERNAL_THREAD;
	if (cert_pem) {
		flags |= MHD_USE_TLS;
		tls[0] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cert_pem };
		tls[1] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)key_pem };
	}
	e->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, e,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
				MHD_OPTION_ARRAY, tls,
				MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, e,
				MHD_OPTION_DIGEST_AUTH_RANDOM, sizeof(e->rnd), e->rnd,
				MHD_OPTION_NONCE_NC_SIZE, (unsigned)1000,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				MHD_OPTION_END);
	if (!e->d)
		goto fail_sync;
	info = MHD_get_daemon_info(e->d, MHD_DAEMON_INFO_BIND_PORT);
	e->port = info ? info->port : 0;
	if (!e->port) {
		MHD_stop_daemon(e->d);
		goto fail_sync;
	}
	return e;

fail_sync:
	pthread_mutex_destroy(&e->lock);
	pthread_cond_destroy(&e->cond);
fail:
	free(e->user);
	free(e->password);
	free(e);
	return NULL;
}

struct emu *emu_start(enum emu_vendor v, const char *user, const char *password, unsigned port,
		      int threaded)
{
	return emu_start_tls(v, user, password, port, threaded, NULL, NULL);
}

unsigned emu_port(const struct emu *e)
{
	return e->port;
}

void emu_set_mode(struct emu *e, enum emu_mode mode, unsigned delay_ms)
{
	pthread_mutex_lock(&e->lock);
	e->mode = mode;
	e->delay_ms = delay_ms;
	pthread_mutex_unlock(&e->lock);
}

void emu_set_max_body(struct emu *e, size_t max)
{
	pthread_mutex_lock(&e->lock);
	e->max_body = max;
	pthread_mutex_unlock(&e->lock);
}

void emu_stop(struct emu *e)
{
	size_t i;

	if (!e)
		return;
	pthread_mutex_lock(&e->lock);
	e->stopping = 1;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
	MHD_stop_daemon(e->d);
	for (i = 0; i < e->n_req; i++) {
		free(e->req[i]->body);
		free(e->req[i]->doc);
		free(e->req[i]);
	}
	free(e->req);
	pthread_mutex_destroy(&e->lock);
	pthread_cond_destroy(&e->cond);
	free(e->user);
	free(e->password);
	free(e);
}

size_t emu_count(struct emu *e)
{
	size_t n;

	pthread_mutex_lock(&e->lock);
	n = e->n_req;
	pthread_mutex_unlock(&e->lock);
	return n;
}

int emu_wait(struct emu *e, size_t n, unsigned timeout_ms)
{
	struct timespec ts;
	int ok;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&e->lock);
	while (e->n_req < n)
		if (pthread_cond_timedwait(&e->cond, &e->lock, &ts) == ETIMEDOUT)
			break;
	ok = e->n_req >= n;
	pthread_mutex_unlock(&e->lock);
	return ok ? 0 : -1;
}

const struct emu_request *emu_request(struct emu *e, size_t i)
{
	const struct emu_request *r = NULL;

	pthread_mutex_lock(&e->lock);
	if (i < e->n_req)
		r = e->req[i];
	pthread_mutex_unlock(&e->lock);
	return r;
}

unsigned emu_challenges(struct emu *e)
{
	unsigned n;

	pthread_mutex_lock(&e->lock);
	n = e->challenges;
	pthread_mutex_unlock(&e->lock);
	return n;
}

unsigned emu_max_concurrent(struct emu *e)
{
	unsigned n;

	pthread_mutex_lock(&e->lock);
	n = e->max_in_flight;
	pthread_mutex_unlock(&e->lock);
	return n;
}
