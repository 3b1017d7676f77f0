/* SPDX-License-Identifier: MIT */
/* fuzz_config.c — fuzz target of the configuration parser (src/common/config.c,
 * ot_config_parse: pure, no file access).
 *
 * Input: the text of a configuration file.
 *
 * Checks, abort() on any broken promise:
 *  - the parser reads nothing outside the text (a buffer of exactly the input's size);
 *  - a refusal has no result and a message "fuzz.conf:LINE: ..." (or "fuzz.conf: out of
 *    memory"), NUL-terminated inside the caller's buffer;
 *  - an accepted configuration keeps every documented rule (docs/configuration.md): absolute
 *    socket (< 108 bytes) and state_dir paths, limits in range (request_timeout_ms included),
 *    at most 65536 phones, names of 1 … 255
 *    bytes without '"' or control characters and unique, provider names of 1 … 64 of
 *    [a-z0-9_-], at most 256 unique keys per section and none of them "provider", values without
 *    newlines;
 *  - the same text parsed again with the Nth allocation failing (N from the input's hash) gives
 *    either the same result or "out of memory", and neither pass leaks (ot_alloc_live()).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz.conf"

static void check(int ok)
{
	if (!ok)
		abort();
}

static int valid_provider(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-");

	return n >= 1 && n <= 64 && s[n] == '\0';
}

static int no_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static void check_section(const struct ot_phone_config *ph, int phone)
{
	size_t j, k, n = strlen(ph->name);

	check(ph->line >= 1);
	if (phone) {
		check(n >= 1 && n <= 255);
		check(strchr(ph->name, '"') == NULL && no_control(ph->name));
		check(ph->provider && valid_provider(ph->provider));
	} else {
		check(valid_provider(ph->name) && ph->provider == NULL);
	}
	check(ph->n_settings <= 256);
	for (j = 0; j < ph->n_settings; j++) {
		const struct ot_setting *s = &ph->settings[j];

		check(s->key && s->value && s->key[0]);
		check(strcmp(s->key, "provider") != 0 || !phone);
		check(strchr(s->value, '\n') == NULL);
		check(s->line > ph->line);
		for (k = 0; k < j; k++)
			check(strcmp(ph->settings[k].key, s->key) != 0);
	}
}

static void check_config(const struct ot_config *cfg)
{
	size_t i, k;

	check(cfg->path && strcmp(cfg->path, NAME) == 0);
	if (cfg->socket)
		check(cfg->socket[0] == '/' && strlen(cfg->socket) <= 107 && no_control(cfg->socket));
	if (cfg->state_dir)
		check(cfg->state_dir[0] == '/' && strlen(cfg->state_dir) <= 4095 &&
		      no_control(cfg->state_dir));
	check(cfg->requests_per_app >= 1 && cfg->requests_per_app <= 1000000);
	check(cfg->events_per_client >= 16 && cfg->events_per_client <= 100000000);
	check(cfg->request_timeout_ms <= 86400000);
	check(cfg->n_phones <= 65536);
	for (i = 0; i < cfg->n_phones; i++) {
		check_section(&cfg->phones[i], 1);
		for (k = 0; k < i; k++)
			check(strcmp(cfg->phones[k].name, cfg->phones[i].name) != 0);
	}
	for (i = 0; i < cfg->n_providers; i++) {
		check_section(&cfg->providers[i], 0);
		for (k = 0; k < i; k++)
			check(strcmp(cfg->providers[k].name, cfg->providers[i].name) != 0);
	}
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_sections(const struct ot_phone_config *a, const struct ot_phone_config *b,
			 size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (!same_str(a[i].name, b[i].name) || !same_str(a[i].provider, b[i].provider) ||
		    a[i].line != b[i].line || a[i].n_settings != b[i].n_settings)
			return 0;
		for (j = 0; j < a[i].n_settings; j++)
			if (!same_str(a[i].settings[j].key, b[i].settings[j].key) ||
			    !same_str(a[i].settings[j].value, b[i].settings[j].value) ||
			    a[i].settings[j].line != b[i].settings[j].line)
				return 0;
	}
	return 1;
}

static int same_config(const struct ot_config *a, const struct ot_config *b)
{
	return same_str(a->path, b->path) && same_str(a->socket, b->socket) &&
	       same_str(a->state_dir, b->state_dir) && a->requests_per_app == b->requests_per_app &&
	       a->events_per_client == b->events_per_client &&
	       a->request_timeout_ms == b->request_timeout_ms && a->n_phones == b->n_phones &&
	       a->n_providers == b->n_providers && same_sections(a->phones, b->phones, a->n_phones) &&
	       same_sections(a->providers, b->providers, a->n_providers);
}

/* Parses and checks what the parser promises of any outcome. */
static int parse(const uint8_t *data, size_t size, struct ot_config **cfg, char *err, size_t errlen)
{
	int rc;

	memset(err, 0x55, errlen);
	rc = ot_config_parse((const char *)data, size, NAME, cfg, err, errlen);
	check(rc == 0 || rc == -1);
	check(memchr(err, '\0', errlen) != NULL);
	if (rc == 0) {
		check(*cfg != NULL);
		check_config(*cfg);
	} else {
		check(*cfg == NULL);
		check(strncmp(err, NAME ":", strlen(NAME) + 1) == 0);
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ot_config *cfg = NULL, *cfg2 = NULL;
	char err[512], err2[512];
	long live = ot_alloc_live();
	uint32_t h = 2166136261u;
	size_t i;
	int rc, rc2;

	rc = parse(data, size, &cfg, err, sizeof(err));

	/* Again, with one allocation failing: the same outcome, or "out of memory"; nothing leaks. */
	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	ot_alloc_fail_after((long)(h % 64u));
	rc2 = parse(data, size, &cfg2, err2, sizeof(err2));
	ot_alloc_fail_after(-1);
	if (rc2 == 0)
		check(rc == 0 && same_config(cfg, cfg2));
	else if (!strstr(err2, "out of memory"))
		check(rc == -1 && strcmp(err, err2) == 0);

	ot_config_free(cfg);
	ot_config_free(cfg2);
	check(ot_alloc_live() == live);
	return 0;
}
