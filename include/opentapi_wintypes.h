/* SPDX-License-Identifier: MIT */
/*
 * opentapi_wintypes.h - OpenTAPI: the Windows base types and macros that tapi.h and tspi.h use
 * (DWORD, LONG, HANDLE, WCHAR, GUID, FAR, WINAPI, CALLBACK, INFINITE, ...), with the sizes of the
 * Windows SDK: DWORD and LONG 32-bit, HANDLE and DWORD_PTR pointer-sized, WCHAR a UTF-16 code
 * unit: char16_t (u"..." literals); wchar_t when the program is built with -fshort-wchar (then
 * L"..." literals are UTF-16, as on Windows); in C++98 without it, which has no char16_t, a
 * 16-bit unsigned integer.
 *
 * Included by tapi.h, and by the compatibility <windows.h> of pkg-config module "opentapi-win32"
 * (docs/porting.md), so that both share one definition. Define OPENTAPI_NO_BASE_TYPES if your
 * program already defines DWORD, HANDLE, ... itself.
 */
#ifndef OPENTAPI_WINTYPES_H
#define OPENTAPI_WINTYPES_H

#include <stddef.h> /* NULL and size_t, which Windows programs get through windows.h */
#include <stdint.h>
#ifndef __cplusplus
#include <uchar.h> /* char16_t; a builtin type in C++ */
#endif

/* ---- Windows base types ------------------------------------------------------------------- */

#if !defined(OPENTAPI_NO_BASE_TYPES) && !defined(_WINDEF_)
typedef uint32_t DWORD;
typedef int32_t LONG;
typedef int BOOL;
typedef uint16_t WORD;
typedef uint8_t BYTE;
typedef void *LPVOID;
typedef DWORD *LPDWORD;
typedef char *LPSTR;
typedef const char *LPCSTR;
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
typedef wchar_t WCHAR; /* -fshort-wchar: L"..." is UTF-16, as on Windows */
#elif defined(__cplusplus) && __cplusplus < 201103L
typedef uint16_t WCHAR; /* C++98 has no char16_t: the same UTF-16 code units */
#else
typedef char16_t WCHAR;
#endif
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;
typedef void *HANDLE;
typedef void *HWND;      /* opaque window handle */
typedef void *HINSTANCE; /* opaque module handle */
typedef void *HICON;     /* opaque */
typedef uintptr_t DWORD_PTR;
typedef uintptr_t ULONG_PTR;
#endif

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
	uint32_t Data1;
	uint16_t Data2;
	uint16_t Data3;
	uint8_t Data4[8];
} GUID;
#endif
#ifndef __LPGUID_DEFINED__
#define __LPGUID_DEFINED__
typedef GUID *LPGUID;
#endif

#ifndef FAR
#define FAR
#endif
#ifndef NEAR
#define NEAR
#endif
#ifndef PASCAL
#define PASCAL
#endif
#ifndef WINAPI
#define WINAPI
#endif
#ifndef CALLBACK
#define CALLBACK
#endif
#ifndef WM_USER
#define WM_USER 0x0400
#endif
#ifndef INFINITE
#define INFINITE 0xFFFFFFFF /* phoneGetMessage: wait without timeout */
#endif

#endif /* OPENTAPI_WINTYPES_H */
