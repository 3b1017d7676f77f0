/* SPDX-License-Identifier: MIT */
/* push.h — what each vendor's HTTP push interface expects, and the request bodies built from an
 * application's payload.
 *
 * Owns: the vendor table (endpoint path, authentication, data areas and their meaning), the
 * validation of a payload for a data area, the request body as a list of segments that is
 * streamed to libcurl without copying the payload (escaping is done while streaming), and the
 * reading of a Cisco phone's answer.
 * Must not: do I/O, allocate, or log (it has no phone names and must never see a password).
 *
 * Facts (docs/providers/ipphone.md lists the sources): Polycom/Poly UC Software "Web Application
 * for Polycom Phones" (POST /push, <PolycomIPPhone><Data|URL priority="...">, HTTP Digest);
 * Cisco "CiscoIPPhoneExecute" (POST /CGI/Execute, form field XML, at most 3 ExecuteItems, HTTP
 * Basic, answer CiscoIPPhoneResponse or CiscoIPPhoneError); Yealink "XML Browser Developer's
 * Guide" (POST /servlet?push=xml, body "xml=" + one XML object of at most 10,000 bytes).
 */
#ifndef OT_IPPHONE_PUSH_H
#define OT_IPPHONE_PUSH_H

#include <stddef.h>
#include <stdint.h>

enum ipp_vendor { IPP_POLYCOM, IPP_CISCO, IPP_YEALINK, IPP_NUM_VENDORS };

enum ipp_auth { IPP_AUTH_DIGEST, IPP_AUTH_BASIC };

enum ipp_ctype {
	IPP_CT_XHTML,   /* application/xhtml+xml */
	IPP_CT_SPIPX,   /* application/x-com-polycom-spipx */
	IPP_CT_FORM,    /* application/x-www-form-urlencoded */
	IPP_CT_TEXTXML, /* text/xml */
	IPP_NUM_CTYPES
};

/* How the payload of an area is put into the request. */
enum ipp_area_kind {
	IPP_POLYCOM_XHTML,    /* <PolycomIPPhone><Data priority="P">payload</Data></PolycomIPPhone> */
	IPP_POLYCOM_URL,      /* <PolycomIPPhone><URL priority="P">escaped</URL></PolycomIPPhone> */
	IPP_POLYCOM_URI,      /* <PolycomIPPhone><Data priority="P">escaped</Data></PolycomIPPhone> */
	IPP_POLYCOM_DOC_XHTML, /* the payload is the whole document, sent as xhtml+xml */
	IPP_POLYCOM_DOC_SPIPX, /* the payload is the whole document, sent as spipx */
	IPP_CISCO_EXECUTE,    /* XML=<CiscoIPPhoneExecute> with one ExecuteItem per payload line */
	IPP_CISCO_DOC,        /* XML=payload (a complete document), form-encoded */
	IPP_YEALINK_OBJECT,   /* xml=payload (one complete XML object) */
};

#define IPP_MAX_AREAS 5

struct ipp_area {
	enum ipp_area_kind kind;
	enum ipp_ctype ctype;
	uint32_t default_size; /* published in PHONECAPS unless data_areas says otherwise */
	uint32_t max_size;     /* the most data_areas may configure */
	const char *what;      /* one line for PHONECAPS' phone info and the docs */
};

struct ipp_vendor_desc {
	const char *name;     /* as written in the configuration: polycom, cisco, yealink */
	const char *label;    /* for messages: "Polycom", ... */
	const char *path;     /* request target */
	enum ipp_auth auth;
	int needs_credentials; /* user and password are required */
	uint32_t num_areas;
	struct ipp_area areas[IPP_MAX_AREAS];
};

const struct ipp_vendor_desc *ipp_vendor_desc(enum ipp_vendor v);
const char *ipp_ctype_name(enum ipp_ctype ct);

/* Priorities as the configuration spells them (index = stored value). Polycom: normal,
 * important, high, critical (written Normal, Important, High, Critical); Cisco: 0, 1, 2. */
int ipp_priority_parse(enum ipp_vendor v, const char *text);
const char *ipp_priority_text(enum ipp_vendor v, int prio);

/* Cisco: URLs per CiscoIPPhoneExecute, and the longest one. */
#define IPP_CISCO_MAX_ITEMS 3
#define IPP_CISCO_MAX_URL 256

/* ---- request bodies ------------------------------------------------------------------------ */

enum ipp_enc {
	IPP_ENC_RAW,       /* bytes as they are */
	IPP_ENC_XML_TEXT,  /* & < > escaped (element content) */
	IPP_ENC_FORM,      /* application/x-www-form-urlencoded */
	IPP_ENC_XMLA_FORM, /* & < > " ' escaped (attribute value), then form-encoded */
};

struct ipp_seg {
	const char *p;
	size_t n;
	enum ipp_enc enc;
};

#define IPP_MAX_SEGS 16

/* A request body: segments, its exact length, and a read cursor. It points into the payload
 * (which the engine keeps valid until the request completes) and into static text. */
struct ipp_body {
	struct ipp_seg seg[IPP_MAX_SEGS];
	unsigned nseg;
	size_t length;
	enum ipp_ctype ctype;
	/* read cursor */
	unsigned cur;
	size_t off;
	char pend[24];
	unsigned pend_len, pend_pos;
	size_t produced;
};

/* Builds the body for area kind k with priority prio from len payload bytes. One trailing NUL
 * of the payload is dropped (NUL-terminated text is accepted). Returns 0, or -1 when the payload
 * cannot be sent to that area (empty; control characters where the vendor wants text; Cisco:
 * more than 3 lines or a line longer than 256 bytes); *why then says why, for the log. */
int ipp_body_build(struct ipp_body *b, enum ipp_vendor v, enum ipp_area_kind k, int prio,
		   const void *payload, size_t len, const char **why);
/* Copies the next at most n bytes of the body to buf; returns how many (0 at the end). */
size_t ipp_body_read(struct ipp_body *b, char *buf, size_t n);
/* Back to the first byte (libcurl resends the body after an authentication challenge). */
void ipp_body_rewind(struct ipp_body *b);

/* ---- answers --------------------------------------------------------------------------------- */

/* Reads a Cisco phone's answer to /CGI/Execute. Returns 0 for a CiscoIPPhoneResponse whose items
 * all have Status 0, else -1 with a description in why (CiscoIPPhoneError Number=N and its
 * meaning, a failed item's Status, or "not a CiscoIPPhoneResponse"). */
int ipp_cisco_answer(const char *text, size_t len, char *why, size_t whylen);

#endif
