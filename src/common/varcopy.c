/* SPDX-License-Identifier: MIT */
/* varcopy.c — see varcopy.h. */
#include "varcopy.h"

#include <string.h>
#include <uchar.h>

#include "alloc.h"
#include "utf.h"
#include "varstruct.h"

enum { TOTAL = 0, NEEDED = 4, USED = 8, SIZES = 12 };

/* UTF-8 text -> NUL-terminated UTF-16 bytes in *out (ot_malloc). */
static int widen(const char *s, uint32_t len, void **out, uint32_t *out_len)
{
	size_t n = ot_utf8_to_utf16_lossy(s, len, NULL, 0);
	int nul = len == 0 || s[len - 1] != '\0';
	char16_t *w = ot_malloc((n + (size_t)nul) * sizeof(char16_t));

	if (!w)
		return OT_VAR_ENOMEM;
	ot_utf8_to_utf16_lossy(s, len, w, n);
	if (nul)
		w[n] = 0;
	*out = w;
	*out_len = (uint32_t)((n + (size_t)nul) * sizeof(char16_t));
	return 0;
}

/* UTF-16 bytes (possibly unaligned) -> NUL-terminated UTF-8 in *out (ot_malloc). */
static int narrow(const void *s, uint32_t len, void **out, uint32_t *out_len)
{
	size_t units = len / sizeof(char16_t);
	char16_t *w;
	long n;
	int nul, rc = 0;
	char *t = NULL;

	if (len % sizeof(char16_t))
		return OT_VAR_EINVALID;
	w = ot_malloc(units ? units * sizeof(char16_t) : 1);
	if (!w)
		return OT_VAR_ENOMEM;
	memcpy(w, s, len);
	n = ot_utf16_to_utf8(w, units, NULL, 0);
	nul = units == 0 || w[units - 1] != 0;
	if (n < 0)
		rc = OT_VAR_EINVALID;
	else if (!(t = ot_malloc((size_t)n + (size_t)nul)))
		rc = OT_VAR_ENOMEM;
	if (rc == 0) {
		ot_utf16_to_utf8(w, units, t, (size_t)n);
		if (nul)
			t[n] = '\0';
		*out = t;
		*out_len = (uint32_t)n + (uint32_t)nul;
	}
	ot_free(w);
	return rc;
}

static int append_part(void *dst, const struct ot_var_part *p, const void *data, uint32_t len,
		       int mode)
{
	void *conv = NULL;
	uint32_t conv_len = 0;
	int rc;

	if (!p->text || mode == OT_VAR_COPY) {
		ot_var_append(dst, p->field, data, len);
		return 0;
	}
	rc = mode == OT_VAR_WIDEN ? widen(data, len, &conv, &conv_len)
				  : narrow(data, len, &conv, &conv_len);
	if (rc == 0)
		ot_var_append(dst, p->field, conv, conv_len);
	ot_free(conv);
	return rc;
}

int ot_var_repack(void *dst, uint32_t dst_fixed, const void *src, uint32_t src_fixed,
		  uint32_t src_len, const struct ot_var_part *parts, size_t n, int mode)
{
	uint32_t common = src_fixed < dst_fixed ? src_fixed : dst_fixed;
	size_t i;

	if (ot_var_begin(dst, dst_fixed) < 0)
		return OT_VAR_ESMALL;
	if (common > SIZES)
		memcpy((char *)dst + SIZES, (const char *)src + SIZES, common - SIZES);
	for (i = 0; i < n; i++) {
		if (parts[i].field + 8u <= common) {
			ot_var_set(dst, parts[i].field, 0);
			ot_var_set(dst, parts[i].field + 4u, 0);
		}
	}
	for (i = 0; i < n; i++) {
		uint32_t size, off;
		int rc;

		if (parts[i].field + 8u > common)
			continue;
		size = ot_var_get(src, parts[i].field);
		off = ot_var_get(src, parts[i].field + 4u);
		if (size == 0)
			continue;
		if ((uint64_t)off + size > src_len)
			return OT_VAR_EOUTSIDE;
		rc = append_part(dst, &parts[i], (const char *)src + off, size, mode);
		if (rc)
			return rc;
	}
	return 0;
}

int ot_var_compact(const void *src, uint32_t src_fixed, uint32_t src_len, uint32_t dst_fixed,
		   const struct ot_var_part *parts, size_t n, int mode, void **out,
		   uint32_t *out_len)
{
	char *probe = ot_calloc(1, dst_fixed);
	char *copy;
	uint32_t need;
	int rc;

	if (!probe)
		return OT_VAR_ENOMEM;
	ot_var_set(probe, TOTAL, dst_fixed); /* room for nothing: measures */
	rc = ot_var_repack(probe, dst_fixed, src, src_fixed, src_len, parts, n, mode);
	need = ot_var_get(probe, NEEDED);
	ot_free(probe);
	if (rc)
		return rc;
	copy = ot_calloc(1, need);
	if (!copy)
		return OT_VAR_ENOMEM;
	ot_var_set(copy, TOTAL, need);
	rc = ot_var_repack(copy, dst_fixed, src, src_fixed, src_len, parts, n, mode);
	if (rc) {
		ot_free(copy);
		return rc;
	}
	*out = copy;
	*out_len = need;
	return 0;
}
