/* SPDX-License-Identifier: MIT */
/*
 * windows.h - OpenTAPI's compatibility header for Windows TAPI sources (docs/porting.md).
 *
 * Not the Windows API: only what a program written against tapi.h takes for granted from
 * <windows.h> — the base types and macros of the Windows SDK (VOID, UINT, LPBYTE, TCHAR,
 * WPARAM, TRUE, LOWORD, TEXT, ZeroMemory, ...) and the few functions TAPI code calls around its
 * phone* calls, above all waiting on the handle phoneInitializeEx returns:
 *
 *   WaitForSingleObject(params.Handles.hEvent, ms) and WaitForMultipleObjects(n, handles, FALSE,
 *   ms) work on the descriptors TAPI returns (hEvent is a descriptor readable while messages are
 *   queued; a completion port is the read end of the application's pipe): WAIT_OBJECT_0 + i for
 *   the first readable one, WAIT_TIMEOUT, or WAIT_FAILED. Waiting for all (bWaitAll TRUE) is not
 *   offered (WAIT_FAILED), nor are Windows events, mutexes or threads as handles.
 *   Sleep(ms) and GetTickCount() as on Windows.
 *
 * It is on the include path only for programs built with pkg-config module "opentapi-win32", so
 * a Linux program that includes just <tapi.h> gets none of it. Everything here is static inline
 * or a macro: the library exports no Windows functions. With UNICODE defined, TCHAR is WCHAR
 * and TEXT("x") a WCHAR string, so TCHAR strings go to the W functions: u"x" (C11, C++11), or
 * L"x" in a program built with -fshort-wchar, where wchar_t is 16-bit as on Windows (C++98 has
 * no other UTF-16 literal). Without -fshort-wchar a literal L"x" is 32-bit on Linux and not a
 * WCHAR string (docs/porting.md, "Wide strings").
 */
#ifndef OPENTAPI_WIN32_WINDOWS_H
#define OPENTAPI_WIN32_WINDOWS_H

/* A strict -std=c11 / -std=c++98 build declares no POSIX function; the helpers below need
 * poll, clock_gettime and nanosleep. Include <windows.h> first, as Windows programs do. */
#if defined(__STRICT_ANSI__) && !defined(_POSIX_C_SOURCE) && !defined(_XOPEN_SOURCE) && \
	!defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <opentapi_wintypes.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

/* ---- types -------------------------------------------------------------------------------- */

#ifndef OPENTAPI_NO_BASE_TYPES
typedef void VOID;
typedef char CHAR;
typedef unsigned char UCHAR;
typedef short SHORT;
typedef unsigned short USHORT;
typedef int INT;
typedef unsigned int UINT;
typedef uint32_t ULONG;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
typedef uint64_t DWORD64;
typedef BYTE BOOLEAN;
typedef float FLOAT;
typedef void *PVOID;
typedef const void *LPCVOID;
typedef BYTE *PBYTE, *LPBYTE;
typedef WORD *PWORD, *LPWORD;
typedef DWORD *PDWORD;
typedef LONG *PLONG, *LPLONG;
typedef INT *PINT, *LPINT;
typedef UINT *PUINT;
typedef BOOL *PBOOL, *LPBOOL;
typedef HANDLE *PHANDLE, *LPHANDLE;
typedef CHAR *PCHAR, *PSTR;
typedef const CHAR *PCSTR;
typedef WCHAR *PWCHAR, *PWSTR;
typedef const WCHAR *PCWSTR;
typedef intptr_t INT_PTR, LONG_PTR;
typedef uintptr_t UINT_PTR;
typedef size_t SIZE_T;
typedef UINT_PTR WPARAM;
typedef LONG_PTR LPARAM, LRESULT;
typedef HANDLE HLOCAL, HGLOBAL, HMODULE, HKEY, HMENU;
typedef WORD ATOM;
typedef DWORD COLORREF;
#ifdef UNICODE
typedef WCHAR TCHAR;
#else
typedef char TCHAR;
#endif
typedef TCHAR *PTSTR, *LPTSTR;
typedef const TCHAR *PCTSTR, *LPCTSTR;
#endif

/* ---- macros ------------------------------------------------------------------------------- */

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef CONST
#define CONST const
#endif
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif
#ifndef APIENTRY
#define APIENTRY
#endif
#ifndef MAX_PATH
#define MAX_PATH 260
#endif

#define LOBYTE(w) ((BYTE)((DWORD_PTR)(w) & 0xff))
#define HIBYTE(w) ((BYTE)(((DWORD_PTR)(w) >> 8) & 0xff))
#define LOWORD(l) ((WORD)((DWORD_PTR)(l) & 0xffff))
#define HIWORD(l) ((WORD)(((DWORD_PTR)(l) >> 16) & 0xffff))
#define MAKEWORD(lo, hi) ((WORD)(((BYTE)((lo) & 0xff)) | ((WORD)((BYTE)((hi) & 0xff))) << 8))
#define MAKELONG(lo, hi) ((LONG)(((WORD)((lo) & 0xffff)) | ((DWORD)((WORD)((hi) & 0xffff))) << 16))

#if defined(UNICODE) && defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
#define OT_TEXT_(s) L##s /* -fshort-wchar: wide literals are WCHAR strings */
#elif defined(UNICODE)
#define OT_TEXT_(s) u##s /* C11, C++11: char16_t literals (C++98 needs -fshort-wchar) */
#else
#define OT_TEXT_(s) s
#endif
#ifndef TEXT
#define TEXT(s) OT_TEXT_(s)
#endif

#define ZeroMemory(p, n) memset((p), 0, (n))
#define FillMemory(p, n, c) memset((p), (c), (n))
#define CopyMemory(d, s, n) memcpy((d), (s), (n))
#define MoveMemory(d, s, n) memmove((d), (s), (n))

#define WAIT_OBJECT_0 0x00000000u
#define WAIT_ABANDONED 0x00000080u
#define WAIT_TIMEOUT 0x00000102u
#define WAIT_FAILED 0xFFFFFFFFu
#define MAXIMUM_WAIT_OBJECTS 64

/* ---- the few functions TAPI code calls ---------------------------------------------------- */

/* WAIT_OBJECT_0 + the index of the first of n descriptors (cast to HANDLE) that is readable
 * within ms milliseconds (INFINITE: no limit), WAIT_TIMEOUT, or WAIT_FAILED (bad arguments,
 * bWaitAll, or poll failed). A signal that interrupts the wait does not end it early. */
static inline DWORD WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
					   DWORD dwMilliseconds)
{
	struct pollfd fds[MAXIMUM_WAIT_OBJECTS];
	struct timespec start, now;
	DWORD i, left = dwMilliseconds;
	int n;

	if (!lpHandles || nCount == 0 || nCount > MAXIMUM_WAIT_OBJECTS || bWaitAll)
		return WAIT_FAILED;
	for (i = 0; i < nCount; i++) {
		fds[i].fd = (int)(intptr_t)lpHandles[i];
		fds[i].events = POLLIN;
		fds[i].revents = 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		n = poll(fds, nCount, dwMilliseconds == INFINITE ? -1 : (int)left);
		if (n > 0)
			break;
		if (n == 0)
			return WAIT_TIMEOUT;
		if (errno != EINTR)
			return WAIT_FAILED;
		if (dwMilliseconds != INFINITE) {
			DWORD spent;

			clock_gettime(CLOCK_MONOTONIC, &now);
			spent = (DWORD)((now.tv_sec - start.tv_sec) * 1000 +
					(now.tv_nsec - start.tv_nsec) / 1000000);
			if (spent >= dwMilliseconds)
				return WAIT_TIMEOUT;
			left = dwMilliseconds - spent;
		}
	}
	for (i = 0; i < nCount; i++)
		if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
			return WAIT_OBJECT_0 + i;
	return WAIT_FAILED; /* POLLNVAL: not a descriptor */
}

static inline DWORD WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
	return WaitForMultipleObjects(1, &hHandle, FALSE, dwMilliseconds);
}

static inline VOID Sleep(DWORD dwMilliseconds)
{
	struct timespec t;

	t.tv_sec = (time_t)(dwMilliseconds / 1000);
	t.tv_nsec = (long)(dwMilliseconds % 1000) * 1000000L;
	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

/* Milliseconds since an unspecified start (CLOCK_MONOTONIC), wrapping like Windows' every
 * 49.7 days. */
static inline DWORD GetTickCount(VOID)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (DWORD)((uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u);
}

#endif /* OPENTAPI_WIN32_WINDOWS_H */
