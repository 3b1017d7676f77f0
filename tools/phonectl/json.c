/* SPDX-License-Identifier: MIT */
/* json.c — the little JSON that phonectl's --json output needs: strings escaped as RFC 8259
 * says, and flag words as arrays of their constants' names. Objects and arrays are written by
 * the commands themselves, one line per document (as `ip -j` and `networkctl --json=short`). */
#include "phonectl.h"

void pc_json_string(FILE *f, const char *s)
{
	putc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7F)
			fprintf(f, "\\u%04x", *p);
		else
			putc(*p, f);
	}
	putc('"', f);
}

void pc_json_bits(FILE *f, DWORD value, const struct pc_bit_name *names)
{
	const char *sep = "";

	putc('[', f);
	for (const struct pc_bit_name *n = names; n->name; n++) {
		if (n->bit && (value & n->bit) == n->bit) {
			fprintf(f, "%s\"%s\"", sep, n->name);
			value &= ~n->bit;
			sep = ",";
		}
	}
	for (unsigned b = 0; b < 32; b++)
		if (value & (1u << b)) {
			fprintf(f, "%s\"0x%08X\"", sep, 1u << b);
			sep = ",";
		}
	putc(']', f);
}
