/* SPDX-License-Identifier: MIT */
/* push.c — see push.h. */
#define _GNU_SOURCE
#include "push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct ipp_vendor_desc vendors[IPP_NUM_VENDORS] = {
	[IPP_POLYCOM] = {
		.name = "polycom", .label = "Polycom", .path = "/push", .auth = IPP_AUTH_DIGEST,
		.needs_credentials = 1, .num_areas = 5,
		.areas = {
			{ IPP_POLYCOM_XHTML, IPP_CT_XHTML, 1980, 65536, "XHTML content" },
			{ IPP_POLYCOM_URL, IPP_CT_SPIPX, 1024, 8192, "URL for the phone to fetch" },
			{ IPP_POLYCOM_URI, IPP_CT_SPIPX, 1024, 8192, "URI actions (tel:, Key:)" },
			{ IPP_POLYCOM_DOC_XHTML, IPP_CT_XHTML, 2048, 65536,
			  "complete PolycomIPPhone document (xhtml+xml)" },
			{ IPP_POLYCOM_DOC_SPIPX, IPP_CT_SPIPX, 2048, 65536,
			  "complete PolycomIPPhone document (spipx)" },
		},
	},
	[IPP_CISCO] = {
		.name = "cisco", .label = "Cisco", .path = "/CGI/Execute", .auth = IPP_AUTH_BASIC,
		.needs_credentials = 1, .num_areas = 2,
		.areas = {
			{ IPP_CISCO_EXECUTE, IPP_CT_FORM, 1024, 1024,
			  "URLs/URIs to execute (CiscoIPPhoneExecute)" },
			{ IPP_CISCO_DOC, IPP_CT_FORM, 8192, 65536, "complete XML document" },
		},
	},
	[IPP_YEALINK] = {
		.name = "yealink", .label = "Yealink", .path = "/servlet?push=xml",
		.auth = IPP_AUTH_DIGEST, .needs_credentials = 0, .num_areas = 1,
		.areas = {
			{ IPP_YEALINK_OBJECT, IPP_CT_TEXTXML, 10000, 10000, "XML object" },
		},
	},
};

const struct ipp_vendor_desc *ipp_vendor_desc(enum ipp_vendor v)
{
	return (unsigned)v < IPP_NUM_VENDORS ? &vendors[v] : NULL;
}

const char *ipp_ctype_name(enum ipp_ctype ct)
{
	static const char *const names[IPP_NUM_CTYPES] = {
		[IPP_CT_XHTML] = "application/xhtml+xml",
		[IPP_CT_SPIPX] = "application/x-com-polycom-spipx",
		[IPP_CT_FORM] = "application/x-www-form-urlencoded",
		[IPP_CT_TEXTXML] = "text/xml",
	};

	return (unsigned)ct < IPP_NUM_CTYPES ? names[ct] : "application/octet-stream";
}

/* ---- priorities ---------------------------------------------------------------------------- */

static const char *const polycom_prio[] = { "Normal", "Important", "High", "Critical" };
static const char *const cisco_prio[] = { "0", "1", "2" };
/* The start of one ExecuteItem per Cisco priority (everything up to the URL's value). */
static const char *const cisco_item[] = {
	"<ExecuteItem Priority=\"0\" URL=\"",
	"<ExecuteItem Priority=\"1\" URL=\"",
	"<ExecuteItem Priority=\"2\" URL=\"",
};

int ipp_priority_parse(enum ipp_vendor v, const char *text)
{
	size_t i;

	if (v == IPP_POLYCOM) {
		for (i = 0; i < sizeof(polycom_prio) / sizeof(polycom_prio[0]); i++)
			if (!strcasecmp(text, polycom_prio[i]))
				return (int)i;
	} else if (v == IPP_CISCO) {
		for (i = 0; i < sizeof(cisco_prio) / sizeof(cisco_prio[0]); i++)
			if (!strcmp(text, cisco_prio[i]))
				return (int)i;
	}
	return -1;
}

const char *ipp_priority_text(enum ipp_vendor v, int prio)
{
	if (v == IPP_POLYCOM && prio >= 0 && prio < 4)
		return polycom_prio[prio];
	if (v == IPP_CISCO && prio >= 0 && prio < 3)
		return cisco_prio[prio];
	return "";
}

/* ---- encoders ---------------------------------------------------------------------------------- */

static const char hex[] = "0123456789ABCDEF";

static int form_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '*' || c == '-' || c == '.' || c == '_';
}

/* Form-encodes one byte into out; returns the number of bytes written (1 or 3). */
static unsigned form_byte(unsigned char c, char *out)
{
	if (form_plain(c)) {
		out[0] = (char)c;
		return 1;
	}
	if (c == ' ') {
		out[0] = '+';
		return 1;
	}
	out[0] = '%';
	out[1] = hex[c >> 4];
	out[2] = hex[c & 15];
	return 3;
}

/* The XML escape of c (attr: also quotes), or NULL when c stands for itself. */
static const char *xml_escape(unsigned char c, int attr)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return attr ? "&quot;" : NULL;
	case '\'':
		return attr ? "&apos;" : NULL;
	default:
		return NULL;
	}
}

/* Encodes one input byte; out has room for 24 bytes. Returns the number written. */
static unsigned encode_byte(enum ipp_enc enc, unsigned char c, char *out)
{
	const char *e;
	unsigned n = 0;

	switch (enc) {
	case IPP_ENC_RAW:
		out[0] = (char)c;
		return 1;
	case IPP_ENC_XML_TEXT:
		e = xml_escape(c, 0);
		if (!e) {
			out[0] = (char)c;
			return 1;
		}
		n = (unsigned)strlen(e);
		memcpy(out, e, n);
		return n;
	case IPP_ENC_FORM:
		return form_byte(c, out);
	case IPP_ENC_XMLA_FORM:
		e = xml_escape(c, 1);
		if (!e)
			return form_byte(c, out);
		for (; *e; e++)
			n += form_byte((unsigned char)*e, out + n);
		return n;
	}
	return 0;
}

static size_t encoded_length(const struct ipp_seg *s)
{
	char tmp[24];
	size_t i, n = 0;

	if (s->enc == IPP_ENC_RAW)
		return s->n;
	for (i = 0; i < s->n; i++)
		n += encode_byte(s->enc, (unsigned char)s->p[i], tmp);
	return n;
}

/* ---- building ---------------------------------------------------------------------------------- */

static void add(struct ipp_body *b, const char *p, size_t n, enum ipp_enc enc)
{
	if (b->nseg < IPP_MAX_SEGS && n)
		b->seg[b->nseg++] = (struct ipp_seg){ p, n, enc };
}

static void add_text(struct ipp_body *b, const char *s, enum ipp_enc enc)
{
	add(b, s, strlen(s), enc);
}

/* Text that is to become XML content: no control characters but the allowed ones. */
static int text_ok(const unsigned char *p, size_t n, int lines)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == 0x7f)
			return 0;
		if (p[i] >= 0x20)
			continue;
		if (lines && (p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
			continue;
		return 0;
	}
	return 1;
}

/* Splits Cisco's payload into its non-empty lines (CR before LF dropped). */
static int cisco_lines(struct ipp_body *b, int prio, const char *p, size_t n, const char **why)
{
	size_t start = 0, items = 0;

	add_text(b, "<CiscoIPPhoneExecute>", IPP_ENC_FORM);
	while (start < n) {
		const char *nl = memchr(p + start, '\n', n - start);
		size_t end = nl ? (size_t)(nl - p) : n, len = end - start;

		if (len && p[start + len - 1] == '\r')
			len--;
		if (len) {
			if (!text_ok((const unsigned char *)p + start, len, 0)) {
				*why = "a URL contains a control character";
				return -1;
			}
			if (len > IPP_CISCO_MAX_URL) {
				*why = "a URL is longer than 256 bytes";
				return -1;
			}
			if (++items > IPP_CISCO_MAX_ITEMS) {
				*why = "more than 3 URLs (CiscoIPPhoneExecute takes at most 3 items)";
				return -1;
			}
			add_text(b, cisco_item[prio], IPP_ENC_FORM);
			add(b, p + start, len, IPP_ENC_XMLA_FORM);
			add_text(b, "\"/>", IPP_ENC_FORM);
		}
		start = end + 1;
	}
	if (items == 0) {
		*why = "no URL in the payload";
		return -1;
	}
	add_text(b, "</CiscoIPPhoneExecute>", IPP_ENC_FORM);
	return 0;
}

int ipp_body_build(struct ipp_body *b, enum ipp_vendor v, enum ipp_area_kind k, int prio,
		   const void *payload, size_t len, const char **why)
{
	const char *p = payload;
	unsigned i;

	memset(b, 0, sizeof(*b));
	*why = NULL;
	if (len && !p[len - 1])
		len--;
	if (len == 0) {
		*why = "the payload is empty";
		return -1;
	}
	switch (k) {
	case IPP_POLYCOM_XHTML:
	case IPP_POLYCOM_URI:
		if (k == IPP_POLYCOM_URI && !text_ok((const unsigned char *)p, len, 1)) {
			*why = "the URIs contain a control character";
			return -1;
		}
		add_text(b, "<PolycomIPPhone><Data priority=\"", IPP_ENC_RAW);
		add_text(b, ipp_priority_text(IPP_POLYCOM, prio), IPP_ENC_RAW);
		add_text(b, "\">", IPP_ENC_RAW);
		add(b, p, len, k == IPP_POLYCOM_URI ? IPP_ENC_XML_TEXT : IPP_ENC_RAW);
		add_text(b, "</Data></PolycomIPPhone>", IPP_ENC_RAW);
		b->ctype = k == IPP_POLYCOM_URI ? IPP_CT_SPIPX : IPP_CT_XHTML;
		break;
	case IPP_POLYCOM_URL:
		if (!text_ok((const unsigned char *)p, len, 0)) {
			*why = "the URL contains a control character (one URL, one line)";
			return -1;
		}
		add_text(b, "<PolycomIPPhone><URL priority=\"", IPP_ENC_RAW);
		add_text(b, ipp_priority_text(IPP_POLYCOM, prio), IPP_ENC_RAW);
		add_text(b, "\">", IPP_ENC_RAW);
		add(b, p, len, IPP_ENC_XML_TEXT);
		add_text(b, "</URL></PolycomIPPhone>", IPP_ENC_RAW);
		b->ctype = IPP_CT_SPIPX;
		break;
	case IPP_POLYCOM_DOC_XHTML:
	case IPP_POLYCOM_DOC_SPIPX:
		add(b, p, len, IPP_ENC_RAW);
		b->ctype = k == IPP_POLYCOM_DOC_SPIPX ? IPP_CT_SPIPX : IPP_CT_XHTML;
		break;
	case IPP_CISCO_EXECUTE:
		add_text(b, "XML=", IPP_ENC_RAW);
		if (prio < 0 || prio > 2)
			prio = 0;
		if (cisco_lines(b, prio, p, len, why) < 0)
			return -1;
		b->ctype = IPP_CT_FORM;
		break;
	case IPP_CISCO_DOC:
		add_text(b, "XML=", IPP_ENC_RAW);
		add(b, p, len, IPP_ENC_FORM);
		b->ctype = IPP_CT_FORM;
		break;
	case IPP_YEALINK_OBJECT:
		add_text(b, "xml=", IPP_ENC_RAW);
		add(b, p, len, IPP_ENC_RAW);
		b->ctype = IPP_CT_TEXTXML;
		break;
	default:
		*why = "no such data area";
		return -1;
	}
	(void)v;
	for (i = 0; i < b->nseg; i++)
		b->length += encoded_length(&b->seg[i]);
	return 0;
}

void ipp_body_rewind(struct ipp_body *b)
{
	b->cur = 0;
	b->off = 0;
	b->pend_len = b->pend_pos = 0;
	b->produced = 0;
}

size_t ipp_body_read(struct ipp_body *b, char *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		const struct ipp_seg *s;

		if (b->pend_pos < b->pend_len) {
			size_t k = b->pend_len - b->pend_pos;

			if (k > n - done)
				k = n - done;
			memcpy(buf + done, b->pend + b->pend_pos, k);
			b->pend_pos += (unsigned)k;
			done += k;
			continue;
		}
		if (b->cur >= b->nseg)
			break;
		s = &b->seg[b->cur];
		if (b->off >= s->n) {
			b->cur++;
			b->off = 0;
			continue;
		}
		if (s->enc == IPP_ENC_RAW) {
			size_t k = s->n - b->off;

			if (k > n - done)
				k = n - done;
			memcpy(buf + done, s->p + b->off, k);
			b->off += k;
			done += k;
			continue;
		}
		b->pend_len = encode_byte(s->enc, (unsigned char)s->p[b->off++], b->pend);
		b->pend_pos = 0;
	}
	b->produced += done;
	return done;
}

/* ---- Cisco answers ---------------------------------------------------------------------------- */

static const char *find(const char *text, size_t len, const char *what)
{
	return memmem(text, len, what, strlen(what));
}

/* The value of attribute name inside the tag that starts at tag (up to its '>'), as a number;
 * returns 0 and *out, or -1 when absent or not a number. */
static int tag_number(const char *tag, const char *end, const char *name, long *out)
{
	const char *close = memchr(tag, '>', (size_t)(end - tag));
	size_t nl = strlen(name);
	const char *p;

	if (!close)
		close = end;
	for (p = tag; p + nl + 2 <= close; p++) {
		char q, *stop;

		if (memcmp(p, name, nl) != 0 || (p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n' &&
						 p[-1] != '\r'))
			continue;
		p += nl;
		while (p < close && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= close || *p != '=')
			return -1;
		p++;
		while (p < close && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= close || (*p != '"' && *p != '\''))
			return -1;
		q = *p++;
		if (p >= close || !((*p >= '0' && *p <= '9') || *p == '-'))
			return -1;
		*out = strtol(p, &stop, 10);
		return stop > p && stop < close && *stop == q ? 0 : -1;
	}
	return -1;
}

int ipp_cisco_answer(const char *text, size_t len, char *why, size_t whylen)
{
	static const char *const meaning[] = { "", "error parsing the CiscoIPPhoneExecute object",
					       "error framing the CiscoIPPhoneResponse",
					       "internal file error", "authentication error" };
	const char *end = text + len, *p;
	long num;

	if ((p = find(text, len, "<CiscoIPPhoneError"))) {
		if (tag_number(p + 1, end, "Number", &num) < 0) {
			snprintf(why, whylen, "the phone answered CiscoIPPhoneError");
			return -1;
		}
		snprintf(why, whylen, "the phone answered CiscoIPPhoneError Number=%ld%s%s%s", num,
			 num >= 1 && num <= 4 ? " (" : "", num >= 1 && num <= 4 ? meaning[num] : "",
			 num >= 1 && num <= 4 ? ")" : "");
		return -1;
	}
	if (!(p = find(text, len, "<CiscoIPPhoneResponse"))) {
		snprintf(why, whylen, "the answer is not a CiscoIPPhoneResponse");
		return -1;
	}
	while ((p = find(p + 1, (size_t)(end - p - 1), "<ResponseItem"))) {
		if (tag_number(p + 1, end, "Status", &num) == 0 && num != 0) {
			snprintf(why, whylen, "the phone answered ResponseItem Status=%ld", num);
			return -1;
		}
	}
	return 0;
}
