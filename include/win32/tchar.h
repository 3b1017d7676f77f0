/* SPDX-License-Identifier: MIT */
/*
 * tchar.h - OpenTAPI's compatibility header for Windows TAPI sources (docs/porting.md): the
 * generic-text names that TAPI samples use for strings given to the A or W functions. With
 * UNICODE (or _UNICODE) defined, _TCHAR is WCHAR (char16_t) and _T("x") is u"x"; otherwise
 * char and "x". On the include path only through pkg-config module "opentapi-win32".
 */
#ifndef OPENTAPI_WIN32_TCHAR_H
#define OPENTAPI_WIN32_TCHAR_H

#if defined(_UNICODE) && !defined(UNICODE)
#define UNICODE
#endif

#include <windows.h>

typedef TCHAR _TCHAR;
#ifndef _T
#define _T(s) TEXT(s)
#endif
#ifndef _TEXT
#define _TEXT(s) TEXT(s)
#endif

#endif /* OPENTAPI_WIN32_TCHAR_H */
