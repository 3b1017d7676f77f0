/* SPDX-License-Identifier: MIT */
/* phone_ident.c — the phone* entry points that name a device to the rest of the system:
 * phoneGetID, phoneGetIcon and phoneConfigDialog (UTF-8 forms; phone_wide.c has the UTF-16 ones).
 *
 * An HICON on Linux is a pointer to a NUL-terminated icon name — a freedesktop icon theme name
 * such as "phone", or an absolute file path — owned by the library: it stays valid for the life
 * of the process and is never freed by the application. The library keeps one copy per name.
 */
#include <pthread.h>
#include <string.h>

#include <tapi.h>

#include "alloc.h"
#include "entry.h"

struct icon {
	struct icon *next;
	char name[];
};

static pthread_mutex_t icons_lock = PTHREAD_MUTEX_INITIALIZER;
static struct icon *icons;

/* The library's lasting copy of an icon name, or NULL when out of memory. */
static const char *intern_icon(const char *name)
{
	size_t len = strlen(name) + 1;
	struct icon *i;

	pthread_mutex_lock(&icons_lock);
	for (i = icons; i && strcmp(i->name, name) != 0; i = i->next)
		;
	if (!i && (i = ot_malloc(sizeof(*i) + len))) {
		memcpy(i->name, name, len);
		i->next = icons;
		icons = i;
	}
	pthread_mutex_unlock(&icons_lock);
	return i ? i->name : NULL;
}

API LONG phoneGetIDA(HPHONE hPhone, LPVARSTRING lpDeviceID, LPCSTR lpszDeviceClass)
{
	if (!lpDeviceID || !lpszDeviceClass)
		return PHONEERR_INVALPOINTER;
	WITH_BACKEND(backend->ops->get_id(backend, hPhone, lpszDeviceClass, lpDeviceID));
}

API LONG phoneGetID(HPHONE hPhone, LPVARSTRING lpDeviceID, LPCSTR lpszDeviceClass)
{
	return phoneGetIDA(hPhone, lpDeviceID, lpszDeviceClass);
}

static LONG get_icon(struct ot_backend *backend, DWORD dev, const char *cls, LPHICON icon)
{
	char name[OT_ICON_NAME_MAX];
	const char *kept;
	LONG rc = backend->ops->get_icon(backend, dev, cls, name);

	if (rc)
		return rc;
	kept = intern_icon(name);
	if (!kept)
		return PHONEERR_NOMEM;
	*icon = (HICON)kept;
	return 0;
}

API LONG phoneGetIconA(DWORD dwDeviceID, LPCSTR lpszDeviceClass, LPHICON lphIcon)
{
	if (!lphIcon)
		return PHONEERR_INVALPOINTER;
	WITH_BACKEND(get_icon(backend, dwDeviceID, lpszDeviceClass, lphIcon));
}

API LONG phoneGetIcon(DWORD dwDeviceID, LPCSTR lpszDeviceClass, LPHICON lphIcon)
{
	return phoneGetIconA(dwDeviceID, lpszDeviceClass, lphIcon);
}

API LONG phoneConfigDialogA(DWORD dwDeviceID, HWND hwndOwner, LPCSTR lpszDeviceClass)
{
	WITH_BACKEND(backend->ops->config_dialog(backend, dwDeviceID, hwndOwner, lpszDeviceClass));
}

API LONG phoneConfigDialog(DWORD dwDeviceID, HWND hwndOwner, LPCSTR lpszDeviceClass)
{
	return phoneConfigDialogA(dwDeviceID, hwndOwner, lpszDeviceClass);
}
