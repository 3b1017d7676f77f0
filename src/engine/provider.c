/* SPDX-License-Identifier: MIT */
/* provider.c — see provider.h. */
#define _GNU_SOURCE
#include "provider.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "alloc.h"
#include "log.h"

#ifndef OT_PROVIDER_DIR
#define OT_PROVIDER_DIR "/usr/local/lib/opentapi/providers"
#endif

static int valid_name(const char *name)
{
	size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-");

	return n > 0 && n <= 64 && name[n] == '\0';
}

/* Appends to buf the names of the providers (NAME.so) in the first len bytes of dir. */
static void list_providers(const char *dir, size_t len, char *buf, size_t size)
{
	char path[4096];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%.*s", (int)len, dir);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name), used = strlen(buf);

		if (n > 3 && !strcmp(e->d_name + n - 3, ".so") && used + n < size)
			snprintf(buf + used, size - used, "%s%.*s", used ? ", " : "", (int)(n - 3),
				 e->d_name);
	}
	if (d)
		closedir(d);
}

/* No NAME.so anywhere: says where it looked, and which providers are there. */
static void say_missing(const char *name, const char *env, char *err, size_t errlen)
{
	char found[512] = "";
	const char *dir;
	size_t len;

	for (dir = env; dir && *dir; dir += len + (dir[len] == ':')) {
		len = strcspn(dir, ":");
		list_providers(dir, len, found, sizeof(found));
	}
	list_providers(OT_PROVIDER_DIR, strlen(OT_PROVIDER_DIR), found, sizeof(found));
	snprintf(err, errlen, "provider '%s': there is no %s.so in %s%s%s; providers there: %s", name,
		 name, env && *env ? env : "", env && *env ? " (OPENTAPI_PROVIDER_PATH) or " : "",
		 OT_PROVIDER_DIR, found[0] ? found : "none (is OpenTAPI installed?)");
}

/* dlopen()s NAME.so from the first directory that has it. */
static void *open_module(const char *name, char *err, size_t errlen)
{
	const char *env = getenv("OPENTAPI_PROVIDER_PATH");
	char path[4096];
	const char *dir;
	size_t len;
	void *dl;

	for (dir = env; dir && *dir; dir += len + (dir[len] == ':')) {
		len = strcspn(dir, ":");
		if (len == 0)
			continue;
		snprintf(path, sizeof(path), "%.*s/%s.so", (int)len, dir, name);
		if (access(path, F_OK) < 0)
			continue;
		dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (!dl)
			snprintf(err, errlen, "provider '%s': cannot load %s: %s", name, path, dlerror());
		return dl;
	}
	snprintf(path, sizeof(path), "%s/%s.so", OT_PROVIDER_DIR, name);
	if (access(path, F_OK) < 0) {
		say_missing(name, env, err, errlen);
		return NULL;
	}
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl)
		snprintf(err, errlen, "provider '%s': cannot load %s: %s", name, path, dlerror());
	return dl;
}

/* A function counts as exported when the module exports it and, if the module says which it
 * implements (OTSPI_providerImplements), implements it. */
#define RESOLVE(p, field, symbol)                                                                \
	((p)->field = (__typeof__((p)->field))resolve((p), #symbol))

static void *resolve(const struct ot_provider *p, const char *symbol)
{
	BOOL(TSPIAPI * implements)(LPCSTR) =
		(BOOL(TSPIAPI *)(LPCSTR))dlsym(p->dl, "OTSPI_providerImplements");
	void *fn = dlsym(p->dl, symbol);

	return fn && (!implements || implements(symbol)) ? fn : NULL;
}

LONG ot_provider_load(const char *name, DWORD permanent_id, struct ot_provider **out, char *err,
		      size_t errlen)
{
	struct ot_provider *p;

	if (!valid_name(name)) {
		snprintf(err, errlen, "provider '%s': bad provider name", name);
		return PHONEERR_NODRIVER;
	}
	p = ot_calloc(1, sizeof(*p));
	if (!p || !(p->name = ot_strdup(name))) {
		ot_free(p);
		snprintf(err, errlen, "out of memory");
		return PHONEERR_NOMEM;
	}
	p->permanent_id = permanent_id;
	p->dl = open_module(name, err, errlen);
	if (!p->dl) {
		ot_provider_unload(p);
		return PHONEERR_NODRIVER;
	}
	RESOLVE(p, providerConfigure, OTSPI_providerConfigure);
	RESOLVE(p, providerSetOptions, OTSPI_providerSetOptions);
	RESOLVE(p, phoneDevSpecificAs, OTSPI_phoneDevSpecificAs);
	RESOLVE(p, lineNegotiateTSPIVersion, TSPI_lineNegotiateTSPIVersion);
	RESOLVE(p, providerEnumDevices, TSPI_providerEnumDevices);
	RESOLVE(p, providerInit, TSPI_providerInit);
	RESOLVE(p, providerShutdown, TSPI_providerShutdown);
	RESOLVE(p, providerCreatePhoneDevice, TSPI_providerCreatePhoneDevice);
	RESOLVE(p, phoneNegotiateTSPIVersion, TSPI_phoneNegotiateTSPIVersion);
	RESOLVE(p, phoneNegotiateExtVersion, TSPI_phoneNegotiateExtVersion);
	RESOLVE(p, phoneGetExtensionID, TSPI_phoneGetExtensionID);
	RESOLVE(p, phoneGetDevCaps, TSPI_phoneGetDevCaps);
	RESOLVE(p, phoneOpen, TSPI_phoneOpen);
	RESOLVE(p, phoneClose, TSPI_phoneClose);
	RESOLVE(p, phoneSelectExtVersion, TSPI_phoneSelectExtVersion);
	RESOLVE(p, phoneSetData, TSPI_phoneSetData);
	RESOLVE(p, phoneGetData, TSPI_phoneGetData);
	RESOLVE(p, phoneGetStatus, TSPI_phoneGetStatus);
	RESOLVE(p, phoneSetStatusMessages, TSPI_phoneSetStatusMessages);
	RESOLVE(p, phoneDevSpecific, TSPI_phoneDevSpecific);
	RESOLVE(p, phoneSetDisplay, TSPI_phoneSetDisplay);
	RESOLVE(p, phoneGetDisplay, TSPI_phoneGetDisplay);
	RESOLVE(p, phoneSetLamp, TSPI_phoneSetLamp);
	RESOLVE(p, phoneGetLamp, TSPI_phoneGetLamp);
	RESOLVE(p, phoneSetButtonInfo, TSPI_phoneSetButtonInfo);
	RESOLVE(p, phoneGetButtonInfo, TSPI_phoneGetButtonInfo);
	RESOLVE(p, phoneSetHookSwitch, TSPI_phoneSetHookSwitch);
	RESOLVE(p, phoneGetHookSwitch, TSPI_phoneGetHookSwitch);
	RESOLVE(p, phoneSetRing, TSPI_phoneSetRing);
	RESOLVE(p, phoneGetRing, TSPI_phoneGetRing);
	RESOLVE(p, phoneSetVolume, TSPI_phoneSetVolume);
	RESOLVE(p, phoneGetVolume, TSPI_phoneGetVolume);
	RESOLVE(p, phoneSetGain, TSPI_phoneSetGain);
	RESOLVE(p, phoneGetGain, TSPI_phoneGetGain);
	RESOLVE(p, phoneGetID, TSPI_phoneGetID);
	RESOLVE(p, phoneGetIcon, TSPI_phoneGetIcon);
	RESOLVE(p, uiPhoneConfigDialog, TUISPI_phoneConfigDialog);

	/* Without these a provider cannot host a phone at all. */
	if (!p->providerConfigure || !p->providerEnumDevices || !p->providerInit ||
	    !p->providerShutdown || !p->phoneNegotiateTSPIVersion || !p->phoneGetDevCaps ||
	    !p->phoneOpen || !p->phoneClose) {
		snprintf(err, errlen,
			 "provider '%s': missing a required function (OTSPI_providerConfigure, "
			 "TSPI_providerEnumDevices/Init/Shutdown, TSPI_phoneNegotiateTSPIVersion, "
			 "TSPI_phoneGetDevCaps, TSPI_phoneOpen, TSPI_phoneClose)", name);
		ot_provider_unload(p);
		return PHONEERR_NODRIVER;
	}
	*out = p;
	return 0;
}

void ot_provider_unload(struct ot_provider *p)
{
	if (!p)
		return;
	if (p->initialized)
		p->providerShutdown(p->tspi_version, p->permanent_id);
	if (p->dl)
		dlclose(p->dl);
	ot_free(p->name);
	ot_free(p);
}
