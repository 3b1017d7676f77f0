/* SPDX-License-Identifier: MIT */
/* config.c — see config.h. */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"

#define MIN_TIMEOUT_MS 100u
#define MAX_TIMEOUT_MS 600000u
#define MAX_PARALLEL 4096u
#define MAX_FAILURES 1000u
#define MAX_HOST 253u

void ipp_options_default(struct ipp_options *o)
{
	o->parallel = IPP_DEFAULT_PARALLEL;
	o->timeout_ms = IPP_DEFAULT_TIMEOUT_MS;
	o->failures_before_disconnected = IPP_DEFAULT_FAILURES;
}

/* A whole decimal number in [lo, hi]. */
static int parse_uint(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
	unsigned long long n = 0;
	const char *p = v;

	if (!*p)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (unsigned)(*p - '0');
		if (n > hi)
			return -1;
	}
	if (n < lo)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1")) {
		*out = 1;
		return 0;
	}
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0")) {
		*out = 0;
		return 0;
	}
	return -1;
}

/* A key may be given once per section. */
static int repeated(const OTSPISETTING *s, DWORD i, char *err, size_t errlen)
{
	DWORD j;

	for (j = 0; j < i; j++) {
		if (s[j].lpszKey && s[i].lpszKey && !strcmp(s[j].lpszKey, s[i].lpszKey)) {
			snprintf(err, errlen, "line %u: key '%.60s': given twice (first on line %u)",
				 (unsigned)s[i].dwLine, s[i].lpszKey, (unsigned)s[j].dwLine);
			return 1;
		}
	}
	return 0;
}

int ipp_options_parse(struct ipp_options *o, const OTSPISETTING *s, DWORD n, char *err,
		      size_t errlen)
{
	DWORD i;

	for (i = 0; i < n; i++) {
		const char *key = s[i].lpszKey ? s[i].lpszKey : "";
		const char *val = s[i].lpszValue ? s[i].lpszValue : "";
		unsigned line = (unsigned)s[i].dwLine;

		if (repeated(s, i, err, errlen))
			return -1;
		if (!strcmp(key, "parallel")) {
			if (parse_uint(val, 1, MAX_PARALLEL, &o->parallel) < 0)
				goto range;
		} else if (!strcmp(key, "timeout_ms")) {
			if (parse_uint(val, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, &o->timeout_ms) < 0)
				goto range;
		} else if (!strcmp(key, "failures_before_disconnected")) {
			if (parse_uint(val, 1, MAX_FAILURES, &o->failures_before_disconnected) < 0)
				goto range;
		} else {
			snprintf(err, errlen,
				 "line %u: key '%.60s': not a setting of the ipphone provider (it takes "
				 "parallel, timeout_ms and failures_before_disconnected)",
				 line, key);
			return -1;
		}
		continue;
range:
		snprintf(err, errlen, "line %u: key '%s': '%.40s' is not a whole number in %u..%u",
			 line, key, val, !strcmp(key, "timeout_ms") ? MIN_TIMEOUT_MS : 1u,
			 !strcmp(key, "parallel")	      ? MAX_PARALLEL
			 : !strcmp(key, "timeout_ms") ? MAX_TIMEOUT_MS
						      : MAX_FAILURES);
		return -1;
	}
	return 0;
}

/* "host", "host:port", "[v6]" or "[v6]:port". Host names and IPv4 addresses: letters, digits,
 * '.', '-' and '_'; IPv6 literals: hex digits, ':', '.' and a zone after '%'. */
static int parse_address(const char *v, char **host, unsigned *port, const char **why)
{
	const char *end, *colon = NULL;
	size_t hl;

	*port = 0;
	if (v[0] == '[') {
		end = strchr(v, ']');
		if (!end || end == v + 1) {
			*why = "an IPv6 address needs its closing ']'";
			return -1;
		}
		if (strspn(v + 1, "0123456789abcdefABCDEF:.%") < (size_t)(end - v - 1)) {
			*why = "not an IPv6 address between '[' and ']'";
			return -1;
		}
		hl = (size_t)(end - v) + 1;
		if (end[1] == ':')
			colon = end + 1;
		else if (end[1]) {
			*why = "only ':PORT' may follow ']'";
			return -1;
		}
	} else {
		hl = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");
		if (hl == 0 || (v[hl] && v[hl] != ':')) {
			*why = "write host[:port]: a host name or IPv4 address (letters, digits, '.', "
			       "'-'), or [IPv6], optionally followed by :PORT";
			return -1;
		}
		if (v[hl] == ':')
			colon = v + hl;
	}
	if (hl > MAX_HOST + 2) {
		*why = "the host name is too long";
		return -1;
	}
	if (colon && parse_uint(colon + 1, 1, 65535, port) < 0) {
		*why = "the port is not a number in 1..65535";
		return -1;
	}
	*host = ot_malloc(hl + 1);
	if (!*host)
		return -2;
	memcpy(*host, v, hl);
	(*host)[hl] = '\0';
	return 0;
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		ot_free(s);
	}
}

void ipp_phone_free(struct ipp_phone_config *pc)
{
	ot_free(pc->name);
	ot_free(pc->host);
	ot_free(pc->ca_file);
	ot_free(pc->user);
	wipe_free(pc->password);
	ot_free(pc->url);
	ot_free(pc->where);
	memset(pc, 0, sizeof(*pc));
}

/* data_areas = N, N, ...: one size per area of the vendor. */
static int parse_sizes(struct ipp_phone_config *pc, const char *v, char *why, size_t whylen)
{
	const struct ipp_vendor_desc *d = ipp_vendor_desc(pc->vendor);
	const char *p = v;
	uint32_t n = 0;

	for (;;) {
		char num[16];
		size_t len;
		unsigned size;

		while (*p == ' ' || *p == '\t')
			p++;
		len = strcspn(p, ", \t");
		if (len == 0 || len >= sizeof(num)) {
			snprintf(why, whylen, "expected %u sizes in bytes separated by commas",
				 (unsigned)d->num_areas);
			return -1;
		}
		memcpy(num, p, len);
		num[len] = '\0';
		if (n >= d->num_areas) {
			snprintf(why, whylen, "%s phones have %u data areas, not more",
				 d->name, (unsigned)d->num_areas);
			return -1;
		}
		if (parse_uint(num, 1, d->areas[n].max_size, &size) < 0) {
			snprintf(why, whylen, "area %u: '%s' is not a size in 1..%u bytes",
				 (unsigned)n, num, (unsigned)d->areas[n].max_size);
			return -1;
		}
		pc->area_sizes[n++] = size;
		p += len;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (*p != ',') {
			snprintf(why, whylen, "expected ',' after '%s'", num);
			return -1;
		}
		p++;
	}
	if (n != d->num_areas) {
		snprintf(why, whylen, "%s phones have %u data areas: give %u sizes", d->name,
			 (unsigned)d->num_areas, (unsigned)d->num_areas);
		return -1;
	}
	return 0;
}

/* Keys that depend on the vendor are read after it; their settings are remembered here. */
struct pending {
	const OTSPISETTING *scheme, *ca_file, *insecure, *priority, *areas;
};

#define FAIL(line, key, ...)                                                                    \
	do {                                                                                   \
		char why_[256];                                                                \
		snprintf(why_, sizeof(why_), __VA_ARGS__);                                     \
		snprintf(err, errlen, "line %u: key '%s': %s", (unsigned)(line), (key), why_); \
		goto bad;                                                                      \
	} while (0)

static int dup_value(char **dst, const char *v)
{
	*dst = ot_strdup(v);
	return *dst ? 0 : -1;
}

LONG ipp_phone_parse(struct ipp_phone_config *pc, const OTSPIPHONECONFIG *cfg,
		     const struct ipp_options *o, char *err, size_t errlen)
{
	const OTSPISETTING *vendor = NULL, *address = NULL;
	const struct ipp_vendor_desc *d;
	struct pending pend = { 0 };
	const char *name = cfg->lpszName ? cfg->lpszName : "";
	const char *why = NULL;
	char whybuf[200];
	DWORD i;
	int r;

	memset(pc, 0, sizeof(*pc));
	pc->device_id = cfg->dwDeviceID;
	pc->timeout_ms = o->timeout_ms;
	if (dup_value(&pc->name, name) < 0)
		goto nomem;

	for (i = 0; i < cfg->dwNumSettings; i++) {
		const OTSPISETTING *s = &cfg->lpSettings[i];
		const char *key = s->lpszKey ? s->lpszKey : "";
		const char *val = s->lpszValue ? s->lpszValue : "";

		if (repeated(cfg->lpSettings, i, err, errlen))
			goto bad;
		if (!strcmp(key, "vendor"))
			vendor = s;
		else if (!strcmp(key, "address"))
			address = s;
		else if (!strcmp(key, "scheme"))
			pend.scheme = s;
		else if (!strcmp(key, "ca_file"))
			pend.ca_file = s;
		else if (!strcmp(key, "insecure"))
			pend.insecure = s;
		else if (!strcmp(key, "priority"))
			pend.priority = s;
		else if (!strcmp(key, "data_areas"))
			pend.areas = s;
		else if (!strcmp(key, "user")) {
			if (!*val || strchr(val, ':'))
				FAIL(s->dwLine, key, "the user name must not be empty or contain ':'");
			if (dup_value(&pc->user, val) < 0)
				goto nomem;
		} else if (!strcmp(key, "password")) {
			if (!*val)
				FAIL(s->dwLine, key, "the password must not be empty");
			if (dup_value(&pc->password, val) < 0)
				goto nomem;
		} else if (!strcmp(key, "timeout_ms")) {
			if (parse_uint(val, MIN_TIMEOUT_MS, MAX_TIMEOUT_MS, &pc->timeout_ms) < 0)
				FAIL(s->dwLine, key, "'%.40s' is not a whole number in %u..%u", val,
				     MIN_TIMEOUT_MS, MAX_TIMEOUT_MS);
		} else {
			FAIL(s->dwLine, key,
			     "not a setting of ipphone phones (they take vendor, address, scheme, "
			     "ca_file, insecure, user, password, priority, timeout_ms, data_areas)");
		}
	}

	if (!vendor) {
		snprintf(err, errlen, "phone '%.80s': required key 'vendor' is missing "
			 "(polycom, cisco or yealink)", name);
		goto bad;
	}
	for (pc->vendor = 0; pc->vendor < IPP_NUM_VENDORS; pc->vendor++)
		if (!strcmp(vendor->lpszValue, ipp_vendor_desc(pc->vendor)->name))
			break;
	if (pc->vendor == IPP_NUM_VENDORS)
		FAIL(vendor->dwLine, "vendor", "'%.40s' is not one of polycom, cisco, yealink",
		     vendor->lpszValue);
	d = ipp_vendor_desc(pc->vendor);

	if (!address) {
		snprintf(err, errlen, "phone '%.80s': required key 'address' is missing (host[:port])",
			 name);
		goto bad;
	}
	r = parse_address(address->lpszValue, &pc->host, &pc->port, &why);
	if (r == -2)
		goto nomem;
	if (r < 0)
		FAIL(address->dwLine, "address", "'%.60s': %s", address->lpszValue, why);

	if (pend.scheme) {
		if (!strcmp(pend.scheme->lpszValue, "https"))
			pc->https = 1;
		else if (strcmp(pend.scheme->lpszValue, "http") != 0)
			FAIL(pend.scheme->dwLine, "scheme", "'%.40s' is not http or https",
			     pend.scheme->lpszValue);
	}
	if (pend.insecure && parse_bool(pend.insecure->lpszValue, &pc->insecure) < 0)
		FAIL(pend.insecure->dwLine, "insecure", "'%.40s' is not yes or no",
		     pend.insecure->lpszValue);
	if (pend.insecure && pc->insecure && !pc->https)
		FAIL(pend.insecure->dwLine, "insecure", "only for scheme = https");
	if (pend.ca_file) {
		if (!pc->https)
			FAIL(pend.ca_file->dwLine, "ca_file", "only for scheme = https");
		if (pc->insecure)
			FAIL(pend.ca_file->dwLine, "ca_file",
			     "insecure = yes checks no certificate: give one or the other");
		if (pend.ca_file->lpszValue[0] != '/')
			FAIL(pend.ca_file->dwLine, "ca_file", "'%.60s' is not an absolute path",
			     pend.ca_file->lpszValue);
		if (access(pend.ca_file->lpszValue, R_OK) != 0)
			FAIL(pend.ca_file->dwLine, "ca_file", "cannot read '%.60s': %s",
			     pend.ca_file->lpszValue, strerror(errno));
		if (dup_value(&pc->ca_file, pend.ca_file->lpszValue) < 0)
			goto nomem;
	}

	if (pend.priority) {
		if (pc->vendor == IPP_YEALINK)
			FAIL(pend.priority->dwLine, "priority", "yealink phones take no priority");
		pc->priority = ipp_priority_parse(pc->vendor, pend.priority->lpszValue);
		if (pc->priority < 0)
			FAIL(pend.priority->dwLine, "priority", "'%.40s' is not one of %s",
			     pend.priority->lpszValue,
			     pc->vendor == IPP_POLYCOM ? "normal, important, high, critical"
						       : "0, 1, 2");
	}

	pc->num_areas = d->num_areas;
	for (i = 0; i < d->num_areas; i++)
		pc->area_sizes[i] = d->areas[i].default_size;
	if (pend.areas && parse_sizes(pc, pend.areas->lpszValue, whybuf, sizeof(whybuf)) < 0)
		FAIL(pend.areas->dwLine, "data_areas", "%s", whybuf);

	if (!pc->user != !pc->password) {
		snprintf(err, errlen, "phone '%.80s': give both 'user' and 'password', or neither",
			 name);
		goto bad;
	}
	if (d->needs_credentials && !pc->user) {
		snprintf(err, errlen,
			 "phone '%.80s': %s phones need 'user' and 'password' (the push "
			 "credentials configured on the phone)",
			 name, d->name);
		goto bad;
	}

	{
		char url[600], where[400], port[12] = "";

		if (pc->port)
			snprintf(port, sizeof(port), ":%u", pc->port);
		snprintf(url, sizeof(url), "%s://%s%s%s", pc->https ? "https" : "http", pc->host, port,
			 d->path);
		snprintf(where, sizeof(where), "%s at %s%s", d->name, pc->host, port);
		if (dup_value(&pc->url, url) < 0 || dup_value(&pc->where, where) < 0)
			goto nomem;
	}
	return 0;

nomem:
	snprintf(err, errlen, "out of memory");
	ipp_phone_free(pc);
	return PHONEERR_NOMEM;
bad:
	ipp_phone_free(pc);
	return PHONEERR_INIFILECORRUPT;
}

int ipp_check_file_private(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(err, errlen, "%s holds passwords and its permissions cannot be checked: %s",
			 path, strerror(errno));
		return -1;
	}
	if (st.st_mode & S_IROTH) {
		snprintf(err, errlen,
			 "%s holds passwords but every user may read it (mode %04o); make it private "
			 "(chmod o-r %s, or 0600 / 0640 with the server's group)",
			 path, (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	return 0;
}
