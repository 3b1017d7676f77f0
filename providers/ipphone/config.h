/* SPDX-License-Identifier: MIT */
/* config.h — the ipphone provider's settings: the keys of its [provider "ipphone"] section and of
 * each [phone "..."] section it serves.
 *
 * Owns: parsing and checking every key (an unknown key or a bad value is an error that names the
 * line and the key), the defaults, the refusal of a world-readable file that holds passwords, and
 * the request URL built from vendor, scheme and address.
 * Must not: log a password or keep one anywhere but in struct ipp_phone_config (which wipes it
 * when freed), do network I/O, or log at all (messages go to the caller's buffer).
 */
#ifndef OT_IPPHONE_CONFIG_H
#define OT_IPPHONE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include <tspi.h>

#include "push.h"

#define IPP_DEFAULT_PARALLEL 16u
#define IPP_DEFAULT_TIMEOUT_MS 8000u
#define IPP_DEFAULT_FAILURES 3u

/* [provider "ipphone"] */
struct ipp_options {
	unsigned parallel;   /* pushes in flight at once, over all phones */
	unsigned timeout_ms; /* default per-push timeout (connect + answer) */
	unsigned failures_before_disconnected;
};

struct ipp_phone_config {
	DWORD device_id;
	char *name;
	enum ipp_vendor vendor;
	char *host;     /* as written, brackets of an IPv6 literal included */
	unsigned port;  /* 0: the scheme's default */
	int https;
	char *ca_file;  /* https: CA bundle to check the phone's certificate against */
	int insecure;   /* https: do not check the certificate at all */
	char *user;
	char *password; /* never logged; wiped when freed */
	int priority;   /* index for ipp_priority_text() */
	unsigned timeout_ms;
	uint32_t num_areas;
	uint32_t area_sizes[IPP_MAX_AREAS];
	char *url;      /* scheme://host[:port]/path */
	char *where;    /* "polycom at host[:port]" for messages */
};

void ipp_options_default(struct ipp_options *o);
/* Parses the [provider "ipphone"] keys over the defaults already in *o. Returns 0, or -1 with
 * "line N: key 'K': why" in err. */
int ipp_options_parse(struct ipp_options *o, const OTSPISETTING *s, DWORD n, char *err,
		      size_t errlen);

/* Parses one phone. Returns 0, PHONEERR_INIFILECORRUPT with "line N: key 'K': why" (or "phone
 * 'NAME': why") in err, or PHONEERR_NOMEM. On failure *pc holds nothing to free. */
LONG ipp_phone_parse(struct ipp_phone_config *pc, const OTSPIPHONECONFIG *cfg,
		     const struct ipp_options *o, char *err, size_t errlen);
void ipp_phone_free(struct ipp_phone_config *pc);

/* A configuration file that holds passwords must not be readable by every user. Returns 0, or -1
 * with a message naming the file in err. */
int ipp_check_file_private(const char *path, char *err, size_t errlen);

#endif
