/* SPDX-License-Identifier: MIT */
/* config.c — see config.h.
 *
 * Parsing is driven by inih's ini_parse_stream() with our own reader, because Debian's inih does
 * not pass line numbers to the handler. The reader is called once per physical line; it counts
 * lines and also does three jobs inih cannot do for us:
 *
 *  - It strips leading whitespace from every line. inih would otherwise treat an indented line
 *    as a continuation of the previous key's value (Python configparser style), so that an
 *    indented "durable = yes" silently became part of the value of "provider".
 *  - It parses section headers itself and hands inih an empty line instead. inih truncates
 *    section names to 49 bytes, but a phone name may have 255, and it ignores text after the
 *    closing ']' and cannot tell a ']' inside the quoted name from the closing one.
 *  - It keeps the whole physical line. inih's line buffer is fixed (200 bytes in Debian's
 *    build) and it would read the rest of a longer line as a new line. The reader gives inih at
 *    most what fits; inih finds the key and where its value starts, and the handler takes the
 *    value from the whole line (up to an inline comment), so long values (a sim phone with 64
 *    data areas) work and comment stripping does not depend on how inih was built.
 *
 * Files are read whole into memory (at most OT_CONFIG_MAX_FILE bytes) and parsed by the same
 * code as ot_config_parse(), so the fuzzer covers everything but the read itself. Every
 * allocation goes through alloc.h, and every failure unwinds to "out of memory" with nothing
 * leaked. Parsing stops at the first error; that is what the message names.
 */
#include "config.h"

#include "alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef OT_SYSCONF_CONFIG
#define OT_SYSCONF_CONFIG "/etc/opentapi/opentapi.conf"
#endif

#define OT_CONFIG_MAX_FILE (16 * 1024 * 1024) /* a config file larger than this is refused */
#define OT_CONFIG_MAX_PHONES 65536         /* [phone] sections per file */
#define OT_CONFIG_MAX_SETTINGS 256         /* provider keys per [phone] section */
#define OT_CONFIG_MAX_PHONE_NAME 255       /* bytes of a phone name */
#define OT_CONFIG_MAX_PROVIDER 64          /* bytes of a provider name */
#define OT_CONFIG_MAX_SOCKET 107           /* sizeof(sun_path) - 1 */
#define OT_CONFIG_MAX_PATH 4095            /* PATH_MAX - 1 */

enum section {
	SEC_NONE,   /* before the first section header */
	SEC_SERVER,
	SEC_LIMITS,
	SEC_PHONE,  /* the last element of cfg->phones */
	SEC_PROVIDER, /* the last element of cfg->providers */
};

struct parser {
	const char *name;       /* for messages */
	const char *text;
	size_t len, pos;
	unsigned lineno;        /* of the line the reader handed out last */

	const char *cur;        /* that line, without leading/trailing whitespace */
	size_t cur_len;
	const char *buf;        /* what inih got of it (a prefix of cur, NUL-terminated) */
	size_t buf_len;
	int truncated;          /* buf_len < cur_len */

	enum section sec;
	unsigned sec_line;
	unsigned server_line, limits_line; /* first [server] / [limits] header, 0 = none */
	unsigned socket_line, state_dir_line, requests_line, events_line, timeout_line;
	unsigned provider_line;  /* of the current [phone] section */
	size_t phones_cap, settings_cap, providers_cap;

	struct ot_config *cfg;
	int failed;             /* an error is in err; stop */
	int oom;
	unsigned err_line;
	char *err;
	size_t errlen;
};

/* ---- messages ---- */

static const char *msg_name(const char *name)
{
	return name ? name : "(config)";
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Records the first error: "NAME:LINE: " followed by the formatted text. */
static void fail(struct parser *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(struct parser *p, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return;
	p->failed = 1;
	p->err_line = line;
	if (!p->err || !p->errlen)
		return;
	n = snprintf(p->err, p->errlen, "%s:%u: ", msg_name(p->name), line);
	if (n < 0 || (size_t)n >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static void fail_oom(struct parser *p)
{
	p->oom = 1;
	p->failed = 1;
	set_err(p->err, p->errlen, "%s: out of memory", msg_name(p->name));
}

/* ---- small helpers ---- */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static char *dup_range(const char *s, size_t n)
{
	char *d = ot_malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF) without control
 * characters (C0, DEL, C1). Returns 0 or a reason. */
static const char *check_printable_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned c = u[i], cp, need, k;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return "contains a control character";
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return "is not valid UTF-8";
		}
		if (n - i - 1 < need)
			return "is not valid UTF-8";
		for (k = 1; k <= need; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				return "is not valid UTF-8";
			cp = (cp << 6) | (u[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return "is not valid UTF-8";
		if (cp >= 0x80 && cp <= 0x9f)
			return "contains a control character";
		i += need + 1;
	}
	return NULL;
}

/* Strict unsigned decimal: digits only, no sign, no spaces. */
static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > max)
			return 1; /* out of range, and stop before it can overflow */
	}
	*out = v;
	return 0;
}

/* ---- sections ---- */

/* Called when a section ends (at the next header or at the end of the text). */
static void finish_section(struct parser *p)
{
	struct ot_phone_config *ph;

	if (p->sec != SEC_PHONE)
		return;
	ph = &p->cfg->phones[p->cfg->n_phones - 1];
	if (!ph->provider)
		fail(p, ph->line, "section 'phone \"%s\"': required key 'provider' is missing", ph->name);
}

static void start_phone(struct parser *p, const char *content, int clen, const char *name, size_t n)
{
	struct ot_config *cfg = p->cfg;
	struct ot_phone_config *ph;
	const char *why;
	size_t i;

	if (n == 0) {
		fail(p, p->lineno, "section '%.*s': the phone name is empty", clen, content);
		return;
	}
	if (n > OT_CONFIG_MAX_PHONE_NAME) {
		fail(p, p->lineno, "section '%.*s': the phone name is longer than %d bytes", clen, content,
		     OT_CONFIG_MAX_PHONE_NAME);
		return;
	}
	why = check_printable_utf8(name, n);
	if (why) {
		fail(p, p->lineno, "section '%.*s': the phone name %s", clen, content, why);
		return;
	}
	for (i = 0; i < cfg->n_phones; i++) {
		if (strlen(cfg->phones[i].name) == n && memcmp(cfg->phones[i].name, name, n) == 0) {
			fail(p, p->lineno, "section '%.*s': duplicate phone name (first at line %u)", clen,
			     content, cfg->phones[i].line);
			return;
		}
	}
	if (cfg->n_phones >= OT_CONFIG_MAX_PHONES) {
		fail(p, p->lineno, "section '%.*s': more than %d phones", clen, content,
		     OT_CONFIG_MAX_PHONES);
		return;
	}
	if (cfg->n_phones == p->phones_cap) {
		size_t cap = p->phones_cap ? p->phones_cap * 2 : 4;
		struct ot_phone_config *np = ot_realloc(cfg->phones, cap * sizeof(*np));

		if (!np) {
			fail_oom(p);
			return;
		}
		cfg->phones = np;
		p->phones_cap = cap;
	}
	ph = &cfg->phones[cfg->n_phones];
	memset(ph, 0, sizeof(*ph));
	ph->name = dup_range(name, n);
	if (!ph->name) {
		fail_oom(p);
		return;
	}
	ph->line = p->lineno;
	cfg->n_phones++;
	p->settings_cap = 0;
	p->provider_line = 0;
	p->sec = SEC_PHONE;
	p->sec_line = p->lineno;
}

/* [provider "NAME"]: settings for the whole provider NAME (OTSPI_providerSetOptions). */
static void start_provider(struct parser *p, const char *content, int clen, const char *name,
			   size_t n)
{
	struct ot_config *cfg = p->cfg;
	struct ot_phone_config *pr;
	size_t i;

	if (n == 0 || n > OT_CONFIG_MAX_PROVIDER || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-") < n) {
		fail(p, p->lineno, "section '%.*s': '%.*s' is not a provider name (1 to %d of a-z 0-9 _ -)",
		     clen, content, (int)n, name, OT_CONFIG_MAX_PROVIDER);
		return;
	}
	for (i = 0; i < cfg->n_providers; i++) {
		if (strlen(cfg->providers[i].name) == n && memcmp(cfg->providers[i].name, name, n) == 0) {
			fail(p, p->lineno, "section '%.*s': repeated (first at line %u)", clen, content,
			     cfg->providers[i].line);
			return;
		}
	}
	if (cfg->n_providers == p->providers_cap) {
		size_t cap = p->providers_cap ? p->providers_cap * 2 : 2;
		struct ot_phone_config *np = ot_realloc(cfg->providers, cap * sizeof(*np));

		if (!np) {
			fail_oom(p);
			return;
		}
		cfg->providers = np;
		p->providers_cap = cap;
	}
	pr = &cfg->providers[cfg->n_providers];
	memset(pr, 0, sizeof(*pr));
	pr->name = dup_range(name, n);
	if (!pr->name) {
		fail_oom(p);
		return;
	}
	pr->line = p->lineno;
	cfg->n_providers++;
	p->settings_cap = 0;
	p->sec = SEC_PROVIDER;
	p->sec_line = p->lineno;
}

/* s[0] == '[': "[server]", "[limits]", "[phone "NAME"]" or "[provider "NAME"]", optionally
 * followed by a comment. */
static void parse_section(struct parser *p, const char *s, size_t n)
{
	size_t i, close = 0, cstart, cend, w;
	int quoted = 0, found = 0, clen;
	const char *content, *rest;
	size_t rlen;

	finish_section(p);
	if (p->failed)
		return;

	for (i = 1; i < n; i++) {
		if (s[i] == '"') {
			quoted = !quoted;
		} else if (s[i] == ']' && !quoted) {
			close = i;
			found = 1;
			break;
		}
	}
	if (!found) {
		if (quoted)
			fail(p, p->lineno, "section '%.*s': bad quoting (no closing '\"')", (int)(n - 1), s + 1);
		else
			fail(p, p->lineno, "syntax error (no closing ']')");
		return;
	}
	for (i = close + 1; i < n && is_space(s[i]); i++)
		;
	if (i < n && s[i] != ';' && s[i] != '#') {
		fail(p, p->lineno, "syntax error (text after ']')");
		return;
	}

	/* The content between the brackets, trimmed: what messages quote. */
	for (cstart = 1; cstart < close && is_space(s[cstart]); cstart++)
		;
	for (cend = close; cend > cstart && is_space(s[cend - 1]); cend--)
		;
	content = s + cstart;
	clen = (int)(cend - cstart);
	for (w = 0; w < (size_t)clen && !is_space(content[w]) && content[w] != '"'; w++)
		;
	rest = content + w;
	rlen = (size_t)clen - w;
	while (rlen && is_space(*rest)) {
		rest++;
		rlen--;
	}

	if ((w == 6 && memcmp(content, "server", 6) == 0) ||
	    (w == 6 && memcmp(content, "limits", 6) == 0)) {
		int server = content[0] == 's';
		unsigned *first = server ? &p->server_line : &p->limits_line;

		if (rlen) {
			fail(p, p->lineno, "section '%.*s': [%.*s] takes no name", clen, content, (int)w,
			     content);
			return;
		}
		if (*first) {
			fail(p, p->lineno, "section '%.*s': repeated (first at line %u)", clen, content,
			     *first);
			return;
		}
		*first = p->lineno;
		p->sec = server ? SEC_SERVER : SEC_LIMITS;
		p->sec_line = p->lineno;
		return;
	}
	if (w == 8 && memcmp(content, "provider", 8) == 0) {
		if (rlen < 2 || rest[0] != '"' || rest[rlen - 1] != '"' ||
		    memchr(rest + 1, '"', rlen - 2)) {
			fail(p, p->lineno, "section '%.*s': bad quoting (write [provider \"NAME\"])",
			     clen, content);
			return;
		}
		start_provider(p, content, clen, rest + 1, rlen - 2);
		return;
	}
	if (w == 5 && memcmp(content, "phone", 5) == 0) {
		if (!rlen) {
			fail(p, p->lineno, "section '%.*s': the phone name is missing (write [phone \"NAME\"])",
			     clen, content);
			return;
		}
		if (rest[0] != '"') {
			fail(p, p->lineno, "section '%.*s': bad quoting (the phone name must be in double quotes)",
			     clen, content);
			return;
		}
		if (rlen < 2 || rest[rlen - 1] != '"' || memchr(rest + 1, '"', rlen - 2)) {
			fail(p, p->lineno, "section '%.*s': bad quoting (text after the closing '\"')", clen,
			     content);
			return;
		}
		start_phone(p, content, clen, rest + 1, rlen - 2);
		return;
	}
	fail(p, p->lineno, "section '%.*s': unknown section", clen, content);
}

/* ---- keys ---- */

static int check_dup(struct parser *p, const char *key, unsigned *seen)
{
	if (*seen) {
		fail(p, p->lineno, "key '%s': repeated (first at line %u)", key, *seen);
		return -1;
	}
	*seen = p->lineno;
	return 0;
}

static void set_path(struct parser *p, const char *key, const char *value, size_t max,
		     unsigned *seen, char **dst)
{
	const char *why;

	if (check_dup(p, key, seen))
		return;
	if (value[0] != '/') {
		fail(p, p->lineno, "key '%s': must be an absolute path", key);
		return;
	}
	if (strlen(value) > max) {
		fail(p, p->lineno, "key '%s': path longer than %zu bytes", key, max);
		return;
	}
	why = check_printable_utf8(value, strlen(value));
	if (why) {
		fail(p, p->lineno, "key '%s': path %s", key, why);
		return;
	}
	*dst = ot_strdup(value);
	if (!*dst)
		fail_oom(p);
}

static void set_limit(struct parser *p, const char *key, const char *value, unsigned long long min,
		      unsigned long long max, unsigned *seen, unsigned *dst)
{
	unsigned long long v = 0;
	int rc;

	if (check_dup(p, key, seen))
		return;
	rc = parse_uint(value, max, &v);
	if (rc < 0) {
		fail(p, p->lineno, "key '%s': '%s' is not a whole number", key, value);
		return;
	}
	if (rc > 0 || v < min) {
		fail(p, p->lineno, "key '%s': %s is out of range (%llu..%llu)", key, value, min, max);
		return;
	}
	*dst = (unsigned)v;
}

static void phone_key(struct parser *p, const char *key, const char *value)
{
	struct ot_phone_config *ph = p->sec == SEC_PROVIDER
					     ? &p->cfg->providers[p->cfg->n_providers - 1]
					     : &p->cfg->phones[p->cfg->n_phones - 1];
	struct ot_setting *st;
	size_t i;

	if (p->sec == SEC_PHONE && strcmp(key, "provider") == 0) {
		size_t n = strlen(value);

		if (check_dup(p, key, &p->provider_line))
			return;
		if (n == 0 || n > OT_CONFIG_MAX_PROVIDER) {
			fail(p, p->lineno, "key 'provider': '%s' is not a provider name (1 to %d of a-z 0-9 _ -)",
			     value, OT_CONFIG_MAX_PROVIDER);
			return;
		}
		for (i = 0; i < n; i++) {
			char c = value[i];

			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
				fail(p, p->lineno,
				     "key 'provider': '%s' is not a provider name (1 to %d of a-z 0-9 _ -)",
				     value, OT_CONFIG_MAX_PROVIDER);
				return;
			}
		}
		ph->provider = ot_strdup(value);
		if (!ph->provider)
			fail_oom(p);
		return;
	}

	for (i = 0; i < ph->n_settings; i++) {
		if (strcmp(ph->settings[i].key, key) == 0) {
			fail(p, p->lineno, "key '%s': repeated (first at line %u)", key, ph->settings[i].line);
			return;
		}
	}
	if (ph->n_settings >= OT_CONFIG_MAX_SETTINGS) {
		fail(p, p->lineno, "key '%s': more than %d keys in one [phone] section", key,
		     OT_CONFIG_MAX_SETTINGS);
		return;
	}
	if (ph->n_settings == p->settings_cap) {
		size_t cap = p->settings_cap ? p->settings_cap * 2 : 4;
		struct ot_setting *ns = ot_realloc(ph->settings, cap * sizeof(*ns));

		if (!ns) {
			fail_oom(p);
			return;
		}
		ph->settings = ns;
		p->settings_cap = cap;
	}
	st = &ph->settings[ph->n_settings];
	st->key = ot_strdup(key);
	st->value = ot_strdup(value);
	st->line = p->lineno;
	if (!st->key || !st->value) {
		ot_free(st->key);
		ot_free(st->value);
		fail_oom(p);
		return;
	}
	ph->n_settings++;
}

static void on_key(struct parser *p, const char *key, const char *value)
{
	struct ot_config *cfg = p->cfg;

	switch (p->sec) {
	case SEC_NONE:
		fail(p, p->lineno, "key '%s': not inside a section", key);
		return;
	case SEC_SERVER:
		if (strcmp(key, "socket") == 0)
			set_path(p, key, value, OT_CONFIG_MAX_SOCKET, &p->socket_line, &cfg->socket);
		else if (strcmp(key, "state_dir") == 0)
			set_path(p, key, value, OT_CONFIG_MAX_PATH, &p->state_dir_line, &cfg->state_dir);
		else
			fail(p, p->lineno, "key '%s': unknown key in [server]", key);
		return;
	case SEC_LIMITS:
		if (strcmp(key, "requests_per_app") == 0)
			set_limit(p, key, value, 1, 1000000, &p->requests_line, &cfg->requests_per_app);
		else if (strcmp(key, "events_per_client") == 0)
			set_limit(p, key, value, 16, 100000000, &p->events_line, &cfg->events_per_client);
		else if (strcmp(key, "request_timeout_ms") == 0)
			set_limit(p, key, value, 0, 86400000, &p->timeout_line, &cfg->request_timeout_ms);
		else
			fail(p, p->lineno, "key '%s': unknown key in [limits]", key);
		return;
	case SEC_PHONE:
	case SEC_PROVIDER:
		phone_key(p, key, value);
		return;
	}
}

/* ---- the inih callbacks ---- */

static char *reader(char *str, int num, void *stream)
{
	struct parser *p = stream;
	const char *line, *nl;
	size_t n, cap;

	if (p->failed || p->pos >= p->len)
		return NULL;
	if (num < 2) {
		fail(p, p->lineno + 1, "syntax error (line too long)");
		return NULL;
	}
	line = p->text + p->pos;
	nl = memchr(line, '\n', p->len - p->pos);
	n = nl ? (size_t)(nl - line) : p->len - p->pos;
	p->pos += n + (nl ? 1 : 0);
	p->lineno++;

	if (memchr(line, '\0', n)) {
		fail(p, p->lineno, "syntax error (NUL byte)");
		return NULL;
	}
	if (p->lineno == 1 && n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		n -= 3;
	}
	while (n && is_space(*line)) {
		line++;
		n--;
	}
	while (n && is_space(line[n - 1]))
		n--;
	p->cur = line;
	p->cur_len = n;
	p->buf = str;
	p->buf_len = 0;
	p->truncated = 0;
	str[0] = '\0';

	if (n == 0 || line[0] == ';' || line[0] == '#')
		return str; /* blank or comment: inih sees a blank line */
	if (line[0] == '[') {
		parse_section(p, line, n);
		return p->failed ? NULL : str;
	}

	cap = (size_t)num - 1;
	if (n > cap) {
		/* inih sees only a prefix; it must still contain the '=' (or ':'), or the key
		 * alone is longer than inih can take. */
		if (!memchr(line, '=', cap) && !memchr(line, ':', cap)) {
			fail(p, p->lineno, "syntax error (line too long)");
			return NULL;
		}
		p->truncated = 1;
		n = cap;
	}
	memcpy(str, line, n);
	str[n] = '\0';
	p->buf_len = n;
	return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parser *p = user;
	const char *v, *end;
	size_t off, vlen;
	int was_space;
	char *copy;

	(void)section; /* we track sections ourselves */
	if (p->failed || !name)
		return 1;
	if (!value || !name[0]) {
		fail(p, p->lineno, "syntax error (expected 'key = value')");
		return 1;
	}

	/* Take the value from the whole line, starting where inih found it, and end it at an
	 * inline comment: ';' after whitespace (the rule of inih's INI_ALLOW_INLINE_COMMENTS). */
	if ((uintptr_t)value >= (uintptr_t)p->buf &&
	    (uintptr_t)value <= (uintptr_t)p->buf + p->buf_len) {
		off = (size_t)((uintptr_t)value - (uintptr_t)p->buf);
		v = p->cur + off;
		end = p->cur + p->cur_len;
		while (v < end && is_space(*v))
			v++;
		was_space = v > p->cur && is_space(v[-1]);
	} else if (!p->truncated) {
		/* Not our buffer (a different inih): its value is the whole value. */
		v = value;
		end = value + strlen(value);
		was_space = 0;
	} else {
		fail(p, p->lineno, "syntax error (line too long)");
		return 1;
	}
	{
		const char *q = v;

		while (q < end && !(was_space && *q == ';')) {
			was_space = is_space(*q);
			q++;
		}
		end = q;
	}
	while (end > v && is_space(end[-1]))
		end--;
	vlen = (size_t)(end - v);

	copy = dup_range(v, vlen);
	if (!copy) {
		fail_oom(p);
		return 1;
	}
	on_key(p, name, copy);
	ot_free(copy);
	return 1;
}

/* ---- public ---- */

static void free_sections(struct ot_phone_config *sections, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		struct ot_phone_config *ph = &sections[i];

		for (j = 0; j < ph->n_settings; j++) {
			ot_free(ph->settings[j].key);
			ot_free(ph->settings[j].value);
		}
		ot_free(ph->settings);
		ot_free(ph->name);
		ot_free(ph->provider);
	}
	ot_free(sections);
}

void ot_config_free(struct ot_config *cfg)
{
	if (!cfg)
		return;
	free_sections(cfg->phones, cfg->n_phones);
	free_sections(cfg->providers, cfg->n_providers);
	ot_free(cfg->path);
	ot_free(cfg->socket);
	ot_free(cfg->state_dir);
	ot_free(cfg);
}

int ot_config_parse(const char *text, size_t len, const char *name, struct ot_config **out,
		    char *err, size_t errlen)
{
	struct parser p;
	int rc;

	if (out)
		*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	memset(&p, 0, sizeof(p));
	p.name = name;
	p.text = text ? text : "";
	p.len = text ? len : 0;
	p.err = err;
	p.errlen = errlen;
	p.sec = SEC_NONE;

	p.cfg = ot_calloc(1, sizeof(*p.cfg));
	if (!p.cfg) {
		fail_oom(&p);
		return -1;
	}
	p.cfg->requests_per_app = OT_DEFAULT_REQUESTS_PER_APP;
	p.cfg->events_per_client = OT_DEFAULT_EVENTS_PER_CLIENT;
	p.cfg->request_timeout_ms = OT_DEFAULT_REQUEST_TIMEOUT_MS;
	if (name) {
		p.cfg->path = ot_strdup(name);
		if (!p.cfg->path) {
			fail_oom(&p);
			ot_config_free(p.cfg);
			return -1;
		}
	}

	rc = ini_parse_stream(reader, &p, handler, &p);
	if (!p.failed)
		finish_section(&p);

	if (rc == -2 && !p.oom) {
		fail_oom(&p); /* inih's own line buffer (builds without INI_USE_STACK) */
	} else if (rc > 0 && !p.oom && (!p.failed || (unsigned)rc < p.err_line)) {
		/* inih found a line that is neither a section, a comment nor key = value. Our
		 * handler never fails, so that is the only error inih reports. */
		p.failed = 0;
		fail(&p, (unsigned)rc, "syntax error (expected 'key = value')");
	} else if (rc < 0 && !p.failed) {
		fail(&p, p.lineno, "syntax error");
	}

	if (p.failed) {
		ot_config_free(p.cfg);
		return -1;
	}
	if (out)
		*out = p.cfg;
	else
		ot_config_free(p.cfg);
	return 0;
}

/* Reads a whole file into memory. Returns 0, or -errno (-EFBIG when too large, -ENOMEM). */
static int read_file(const char *path, char **data, size_t *len)
{
	struct stat st;
	size_t cap, n = 0;
	char *buf;
	int fd, e;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	cap = 4096;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (unsigned long long)st.st_size < OT_CONFIG_MAX_FILE)
		cap = (size_t)st.st_size + 1;
	buf = ot_malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			size_t ncap = cap * 2;
			char *nb;

			if (cap > OT_CONFIG_MAX_FILE) {
				e = -EFBIG;
				goto fail;
			}
			nb = ot_realloc(buf, ncap);
			if (!nb) {
				e = -ENOMEM;
				goto fail;
			}
			buf = nb;
			cap = ncap;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			e = -errno;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > OT_CONFIG_MAX_FILE) {
			e = -EFBIG;
			goto fail;
		}
	}
	close(fd);
	*data = buf;
	*len = n;
	return 0;
fail:
	ot_free(buf);
	close(fd);
	return e;
}

/* Loads path; `absent_ok` makes a missing file return 1 (nothing loaded, no message). `why` is
 * appended to open errors (which environment variable named the file). */
static int load_path(const char *path, int absent_ok, const char *why, struct ot_config **out,
		     char *err, size_t errlen)
{
	char *data;
	size_t len;
	int rc;

	rc = read_file(path, &data, &len);
	if (rc == -ENOENT || rc == -ENOTDIR) {
		if (absent_ok)
			return 1;
	}
	if (rc == -ENOMEM) {
		set_err(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (rc == -EFBIG) {
		set_err(err, errlen, "%s: file too large (more than %d bytes)", path, OT_CONFIG_MAX_FILE);
		return -1;
	}
	if (rc < 0) {
		set_err(err, errlen, "%s: cannot read: %s%s", path, strerror(-rc), why ? why : "");
		return -1;
	}
	rc = ot_config_parse(data, len, path, out, err, errlen);
	ot_free(data);
	return rc;
}

int ot_config_load_file(const char *path, struct ot_config **out, char *err, size_t errlen)
{
	if (out)
		*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!path || !*path) {
		set_err(err, errlen, "no configuration file named");
		return -1;
	}
	return load_path(path, 0, NULL, out, err, errlen);
}

/* An environment variable holding an absolute path, else NULL (the XDG rule: relative values
 * are ignored). */
static const char *env_abs(const char *var)
{
	const char *v = getenv(var);

	return v && v[0] == '/' ? v : NULL;
}

/* $HOME, else the password database; NULL when neither gives an absolute path. */
static const char *home_dir(char *pwbuf, size_t pwlen)
{
	const char *h = env_abs("HOME");
	struct passwd pw, *res = NULL;

	if (h)
		return h;
	if (getpwuid_r(getuid(), &pw, pwbuf, pwlen, &res) == 0 && res && res->pw_dir &&
	    res->pw_dir[0] == '/')
		return res->pw_dir;
	return NULL;
}

static char *join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = ot_malloc(la + lb + 1);

	if (s) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb + 1);
	}
	return s;
}

int ot_config_load(struct ot_config **out, char *err, size_t errlen)
{
	const char *env, *base;
	char pwbuf[4096];
	char *path;
	int rc;

	if (out)
		*out = NULL;
	if (err && errlen)
		err[0] = '\0';

	env = getenv("OPENTAPI_CONFIG");
	if (env && *env)
		return load_path(env, 0, " (named by OPENTAPI_CONFIG)", out, err, errlen);

	base = env_abs("XDG_CONFIG_HOME");
	if (base) {
		path = join(base, "/opentapi/opentapi.conf");
	} else {
		base = home_dir(pwbuf, sizeof(pwbuf));
		path = base ? join(base, "/.config/opentapi/opentapi.conf") : NULL;
	}
	if (base && !path) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	if (path) {
		rc = load_path(path, 1, NULL, out, err, errlen);
		ot_free(path);
		if (rc <= 0)
			return rc;
	}

	rc = load_path(OT_SYSCONF_CONFIG, 1, NULL, out, err, errlen);
	if (rc <= 0)
		return rc;

	if (ot_config_default(out)) {
		set_err(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int ot_config_default(struct ot_config **out)
{
	struct ot_config *cfg;

	*out = NULL;
	cfg = ot_calloc(1, sizeof(*cfg));
	if (!cfg)
		return -1;
	cfg->requests_per_app = OT_DEFAULT_REQUESTS_PER_APP;
	cfg->events_per_client = OT_DEFAULT_EVENTS_PER_CLIENT;
	cfg->request_timeout_ms = OT_DEFAULT_REQUEST_TIMEOUT_MS;
	cfg->phones = ot_calloc(1, sizeof(*cfg->phones));
	if (!cfg->phones)
		goto fail;
	cfg->phones[0].name = ot_strdup(OT_DEFAULT_PHONE_NAME);
	cfg->phones[0].provider = ot_strdup("sim");
	cfg->n_phones = 1; /* so that ot_config_free frees what was made */
	if (!cfg->phones[0].name || !cfg->phones[0].provider)
		goto fail;
	*out = cfg;
	return 0;
fail:
	ot_config_free(cfg);
	return -1;
}

char *ot_config_state_dir(const struct ot_config *cfg)
{
	const char *v;
	char pwbuf[4096];

	if (cfg && cfg->state_dir)
		return ot_strdup(cfg->state_dir);
	v = getenv("OPENTAPI_STATE_DIR");
	if (v && *v)
		return ot_strdup(v);
	v = env_abs("XDG_STATE_HOME");
	if (v)
		return join(v, "/opentapi");
	v = home_dir(pwbuf, sizeof(pwbuf));
	if (v)
		return join(v, "/.local/state/opentapi");
	/* No home at all (a system account): the system server's directory. */
	return ot_strdup("/var/lib/opentapi");
}
