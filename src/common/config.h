/* SPDX-License-Identifier: MIT */
/* config.h — the OpenTAPI configuration: which phones exist, which provider serves each, and the
 * server's and engine's settings.
 *
 * Owns: finding the file (search order of docs/configuration.md), parsing it with inih, checking
 * every key of the [server] and [limits] sections, and the built-in default (one simulated
 * phone). Keys inside a [phone "..."] section other than "provider" belong to that phone's
 * provider, which checks them (OTSPI_providerConfigure); this module only keeps them in order
 * with their line numbers.
 * Must not: load providers, create files or directories, or log (errors go to the caller's buffer
 * as "FILE:LINE: key 'KEY': why").
 */
#ifndef OT_CONFIG_H
#define OT_CONFIG_H

#include <stddef.h>

struct ot_setting {
	char *key;
	char *value;
	unsigned line;
};

struct ot_phone_config {
	char *name;     /* quoted text of [phone "NAME"] */
	char *provider; /* value of provider = ..., required, [a-z0-9_-]+ */
	unsigned line;  /* line of the section header (0 for the built-in default) */
	struct ot_setting *settings; /* the section's other keys, in file order */
	size_t n_settings;
};

struct ot_config {
	char *path;      /* file it was read from; NULL for the built-in default */
	char *socket;    /* [server] socket; NULL = the default for the mode */
	char *state_dir; /* [server] state_dir; NULL = OPENTAPI_STATE_DIR or the default */
	unsigned requests_per_app; /* [limits] requests_per_app: outstanding async requests per app */
	unsigned events_per_client; /* [limits] events_per_client: queued events before a client is dropped */
	unsigned request_timeout_ms; /* [limits] request_timeout_ms: a request the provider never
	                                completes is answered PHONEERR_OPERATIONFAILED; 0 = never */
	struct ot_phone_config *phones; /* in device-ID order */
	size_t n_phones;
	/* [provider "NAME"] sections: settings for a whole provider (name = NAME, provider NULL). */
	struct ot_phone_config *providers;
	size_t n_providers;
};

#define OT_DEFAULT_REQUESTS_PER_APP 4096u
#define OT_DEFAULT_EVENTS_PER_CLIENT 65536u
#define OT_DEFAULT_REQUEST_TIMEOUT_MS 60000u
#define OT_DEFAULT_PHONE_NAME "OpenTAPI Simulated Phone"

/* Loads the configuration by the pinned search order: $OPENTAPI_CONFIG (must exist),
 * $XDG_CONFIG_HOME/opentapi/opentapi.conf (XDG_CONFIG_HOME defaults to ~/.config),
 * /etc/opentapi/opentapi.conf, else the built-in default. Returns 0 and *out, or -1 with a message
 * naming the file, line and key in err. */
int ot_config_load(struct ot_config **out, char *err, size_t errlen);
/* Parses one file. Returns 0 and *out, or -1 with a message in err (missing file included). */
int ot_config_load_file(const char *path, struct ot_config **out, char *err, size_t errlen);
/* Parses text already in memory (name is used in messages). Pure: no file access. For fuzzing. */
int ot_config_parse(const char *text, size_t len, const char *name, struct ot_config **out,
		    char *err, size_t errlen);
/* The built-in default: one phone "OpenTAPI Simulated Phone" served by sim with no settings
 * (the sim provider's own defaults: data areas of 256 B, 4 KiB, 64 KiB, 16 MiB, durable). */
int ot_config_default(struct ot_config **out);
void ot_config_free(struct ot_config *cfg);

/* The state directory for this configuration: cfg->state_dir, else $OPENTAPI_STATE_DIR, else
 * $XDG_STATE_HOME/opentapi, else ~/.local/state/opentapi. Returns a new string or NULL (no memory). */
char *ot_config_state_dir(const struct ot_config *cfg);

#endif
