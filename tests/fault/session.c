/* SPDX-License-Identifier: MIT */
/* session.c — see session.h. */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

LONG s_init(HPHONEAPP *app, const char *name, DWORD *num_devs)
{
	PHONEINITIALIZEEXPARAMS p;
	DWORD version = 0x00020002u, devs = 0;
	LONG rc;

	memset(&p, 0, sizeof(p));
	p.dwTotalSize = sizeof(p);
	p.dwOptions = PHONEINITIALIZEEXOPTION_USEEVENT;
	rc = phoneInitializeExA(app, NULL, NULL, name, &devs, &version, &p);
	if (rc == 0 && num_devs)
		*num_devs = devs;
	return rc;
}

LONG s_open(HPHONEAPP app, DWORD dev, DWORD privilege, HPHONE *phone)
{
	PHONEEXTENSIONID ext;
	DWORD version = 0;
	LONG rc = phoneNegotiateAPIVersion(app, dev, 0x00010003u, 0x00020002u, &version, &ext);

	return rc ? rc : phoneOpen(app, dev, phone, version, 0, 0, privilege);
}

LONG s_async(HPHONEAPP app, LONG id)
{
	PHONEMESSAGE m;

	if (id < 0)
		return id;
	if (id == 0)
		return S_ZERO_REQUEST;
	for (;;) {
		LONG rc = phoneGetMessage(app, &m, S_REPLY_MS);

		if (rc == (LONG)PHONEERR_OPERATIONFAILED)
			return S_NO_REPLY;
		if (rc)
			return S_WAIT_FAILED;
		if (m.dwMessageID == PHONE_REPLY && (LONG)m.dwParam1 == id) {
			if (m.dwParam2 && getenv("OPENTAPI_TEST_VERBOSE"))
				fprintf(stderr, "request %ld: PHONE_REPLY %s\n", (long)id,
					s_result_name((LONG)(DWORD)m.dwParam2));
			return (LONG)(DWORD)m.dwParam2;
		}
	}
}

LONG s_set_data(HPHONEAPP app, HPHONE phone, DWORD area, const void *data, DWORD size)
{
	return s_async(app, phoneSetData(phone, area, (LPVOID)data, size));
}

LONG s_set_display(HPHONEAPP app, HPHONE phone, const char *text)
{
	return s_async(app, phoneSetDisplay(phone, 0, 0, (LPCSTR)text, (DWORD)strlen(text)));
}

LONG s_check_display(HPHONE phone, const char *expect)
{
	union {
		VARSTRING vs;
		char raw[4096];
	} u;
	size_t len = strlen(expect);
	LONG rc;

	memset(&u, 0, sizeof(u));
	u.vs.dwTotalSize = sizeof(u);
	rc = phoneGetDisplay(phone, &u.vs);
	if (rc)
		return rc;
	if (u.vs.dwStringSize < len || u.vs.dwStringOffset + u.vs.dwStringSize > sizeof(u))
		return 1;
	return memcmp(u.raw + u.vs.dwStringOffset, expect, len) ? 1 : 0;
}

LONG s_check_data(HPHONE phone, DWORD area, const void *expect, DWORD size)
{
	unsigned char *buf = malloc(size ? size : 1);
	LONG rc;

	if (!buf)
		return (LONG)PHONEERR_NOMEM;
	memset(buf, 0xEE, size);
	rc = phoneGetData(phone, area, buf, size);
	if (rc == 0 && memcmp(buf, expect, size) != 0)
		rc = 1;
	free(buf);
	return rc;
}

void s_fill(void *buf, size_t size, uint64_t seed)
{
	unsigned char *p = buf;
	uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
	size_t i;

	for (i = 0; i < size; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		p[i] = (unsigned char)((x * 0x2545F4914F6CDD1Dull) >> 56);
	}
}

const char *s_result_name(LONG rc)
{
	static __thread char buf[32];

	switch (rc) {
	case 0: return "0";
	case S_NO_REPLY: return "no reply";
	case S_ZERO_REQUEST: return "request ID 0";
	case S_WAIT_FAILED: return "phoneGetMessage failed";
	case (LONG)PHONEERR_NOMEM: return "PHONEERR_NOMEM";
	case (LONG)PHONEERR_REINIT: return "PHONEERR_REINIT";
	case (LONG)PHONEERR_OPERATIONFAILED: return "PHONEERR_OPERATIONFAILED";
	case (LONG)PHONEERR_RESOURCEUNAVAIL: return "PHONEERR_RESOURCEUNAVAIL";
	case (LONG)PHONEERR_NODRIVER: return "PHONEERR_NODRIVER";
	case (LONG)PHONEERR_SERVICE_NOT_RUNNING: return "PHONEERR_SERVICE_NOT_RUNNING";
	case (LONG)PHONEERR_INVALAPPHANDLE: return "PHONEERR_INVALAPPHANDLE";
	case (LONG)PHONEERR_INVALPHONEHANDLE: return "PHONEERR_INVALPHONEHANDLE";
	default:
		snprintf(buf, sizeof(buf), "0x%08lX", (unsigned long)(DWORD)rc);
		return buf;
	}
}
