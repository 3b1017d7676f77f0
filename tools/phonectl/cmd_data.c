/* SPDX-License-Identifier: MIT */
/* cmd_data.c — "phonectl set-data" and "phonectl get-data": phoneSetData and phoneGetData on a
 * phone's data areas. */
#include "phonectl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"

/* phoneSetData takes a DWORD size. */
#define MAX_DATA ((size_t)UINT32_MAX)

/* Reads all of fd; returns 0 or an errno value (EFBIG when it exceeds MAX_DATA). */
static int read_all(int fd, unsigned char **out, size_t *out_len)
{
	struct stat st;
	size_t cap = 64 * 1024, len = 0;
	unsigned char *buf;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((uintmax_t)st.st_size > MAX_DATA)
			return EFBIG;
		cap = (size_t)st.st_size + 1; /* +1: see EOF without growing */
	}
	buf = malloc(cap);
	if (!buf)
		return ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			unsigned char *nb;
			if (cap > MAX_DATA) {
				free(buf);
				return EFBIG;
			}
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			return e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > MAX_DATA) {
		free(buf);
		return EFBIG;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static bool parse_dev_id(char **argv, DWORD *dev, DWORD *id, int *rc)
{
	if (!pc_parse_dword(argv[0], dev)) {
		*rc = pc_usage_error(pc_current_command, "bad device ID '%s'", argv[0]);
		return false;
	}
	if (!pc_parse_dword(argv[1], id)) {
		*rc = pc_usage_error(pc_current_command, "bad data ID '%s'", argv[1]);
		return false;
	}
	return true;
}

/* -v: PHONE_STATE messages are off by default; turn on every state the phone reports, so the
 * user sees what happens while the request runs. Failure only costs those messages. */
static void enable_state_messages(struct pc_session *s)
{
	PHONECAPS *caps = NULL;

	if (pc_session_get_caps(s, s->dev, s->api_version, &caps, true) != 0)
		return;
	pc_session_watch(s, caps->dwPhoneStates, false);
	free(caps);
}

/* After INVALDATAID or INVALPARAM: the phone's areas, so that the user sees the fix. */
static void explain_areas(struct pc_session *s, DWORD dev, DWORD id, size_t len, bool get)
{
	DWORD n, size, i;
	PHONECAPS *caps = NULL;

	if (pc_session_get_caps(s, dev, s->api_version, &caps, true) != 0)
		return;
	n = get ? caps->dwNumGetData : caps->dwNumSetData;
	if (pc_caps_area_size(caps, get, id, &size))
		fprintf(stderr, "area %u of phone %u holds %u bytes; %zu were given\n", (unsigned)id,
			(unsigned)dev, (unsigned)size, len);
	else {
		fprintf(stderr, "phone %u has %u data area%s", (unsigned)dev, (unsigned)n,
			n == 1 ? "" : "s");
		for (i = 0; i < n && pc_caps_area_size(caps, get, i, &size); i++)
			fprintf(stderr, "%s%u: %u bytes", i ? ", " : " (", (unsigned)i, (unsigned)size);
		fprintf(stderr, "%s\n", n ? ")" : "");
	}
	free(caps);
}

int pc_cmd_set_data(const struct pc_options *opt, int argc, char **argv)
{
	const char *file = argv[2];
	DWORD privilege = opt->privilege ? opt->privilege : PHONEPRIVILEGE_OWNER;
	unsigned char *data = NULL;
	size_t len = 0;
	struct pc_session s;
	char what[64];
	DWORD dev, id;
	int rc, e;
	LONG req;

	(void)argc;
	if (!parse_dev_id(argv, &dev, &id, &rc))
		return rc;

	/* Read the input before touching TAPI: a missing file is the user's problem, not the
	 * phone's. */
	if (strcmp(file, "-") == 0) {
		e = read_all(STDIN_FILENO, &data, &len);
		if (e) {
			pc_err("standard input: %s", e == EFBIG ? "more than 4 GiB - 1 bytes"
							       : strerror(e));
			return PC_EXIT_USAGE;
		}
	} else {
		int fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			pc_err("%s: %s", file, strerror(errno));
			return PC_EXIT_USAGE;
		}
		e = read_all(fd, &data, &len);
		close(fd);
		if (e) {
			pc_err("%s: %s", file, e == EFBIG ? "more than 4 GiB - 1 bytes" : strerror(e));
			return PC_EXIT_USAGE;
		}
	}

	rc = pc_session_init(&s, opt);
	if (rc == PC_EXIT_OK)
		rc = pc_session_open(&s, dev, privilege);
	if (rc != PC_EXIT_OK)
		goto out;

	if (opt->verbose)
		enable_state_messages(&s);

	snprintf(what, sizeof what, "%zu bytes written to area %u", len, (unsigned)id);
	req = phoneSetData(s.phone, id, data, (DWORD)len);
	rc = pc_session_request(&s, "phoneSetData", req, what);
	if (req == (LONG)PHONEERR_INVALPARAM || req == (LONG)PHONEERR_INVALDATAID)
		explain_areas(&s, dev, id, len, false);
out:
	pc_session_end(&s);
	free(data);
	return rc;
}

/* Hex dump: offset, 16 bytes in two groups of 8, ASCII. Trailing zero bytes are summarised. */
static void hex_dump(FILE *f, const unsigned char *p, size_t len)
{
	size_t end = len;

	while (end > 0 && p[end - 1] == 0)
		end--;
	for (size_t off = 0; off < end; off += 16) {
		size_t n = end - off < 16 ? end - off : 16;

		fprintf(f, "%08zx ", off);
		for (size_t i = 0; i < 16; i++) {
			if (i == 8)
				fputc(' ', f);
			if (i < n)
				fprintf(f, " %02x", p[off + i]);
			else
				fputs("   ", f);
		}
		fputs("  |", f);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = p[off + i];
			fputc(c >= 0x20 && c < 0x7F ? c : '.', f);
		}
		fputs("|\n", f);
	}
	if (end == 0 && len > 0)
		fprintf(f, "(all %zu bytes are zero)\n", len);
	else if (end < len)
		fprintf(f, "(\xe2\x80\xa6 %zu more zero bytes)\n", len - end);
}

int pc_cmd_get_data(const struct pc_options *opt, int argc, char **argv)
{
	DWORD privilege = opt->privilege ? opt->privilege : PHONEPRIVILEGE_MONITOR;
	struct pc_session s;
	PHONECAPS *caps = NULL;
	unsigned char *buf = NULL;
	DWORD dev, id, size = 0, area = 0;
	bool area_known = false;
	size_t got;
	LONG err;
	int rc;

	(void)argc;
	if (!parse_dev_id(argv, &dev, &id, &rc))
		return rc;

	rc = pc_session_init(&s, opt);
	if (rc == PC_EXIT_OK)
		rc = pc_session_open(&s, dev, privilege);
	if (rc != PC_EXIT_OK)
		goto out;

	/* The area's size from PHONECAPS (dwGetDataOffset array): the default --size, and the
	 * number of bytes phoneGetData copies (min(dwSize, area size)). */
	err = pc_session_get_caps(&s, dev, s.api_version, &caps, opt->have_size);
	if (err == 0)
		area_known = pc_caps_area_size(caps, true, id, &area);
	else if (!opt->have_size) {
		rc = PC_EXIT_TAPI;
		goto out;
	}
	if (opt->have_size)
		size = opt->size;
	else if (area_known)
		size = area;
	/* else: an ID the phone does not list; ask with dwSize 0 and let TAPI judge the ID. */

	buf = calloc(size ? size : 1, 1);
	if (!buf) {
		pc_err("out of memory for %u bytes", (unsigned)size);
		rc = PC_EXIT_USAGE;
		goto out;
	}
	err = phoneGetData(s.phone, id, buf, size);
	if (err != 0) {
		pc_report_tapi("phoneGetData", err);
		if (err == (LONG)PHONEERR_INVALDATAID)
			explain_areas(&s, dev, id, 0, true);
		rc = PC_EXIT_TAPI;
		goto out;
	}
	got = area_known && area < size ? area : size;

	if (opt->output && strcmp(opt->output, "-") != 0) {
		int fd = open(opt->output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		int e;
		if (fd < 0) {
			pc_err("%s: %s", opt->output, strerror(errno));
			rc = PC_EXIT_USAGE;
			goto out;
		}
		e = write_all(fd, buf, got);
		if (close(fd) != 0 && !e)
			e = errno;
		if (e) {
			pc_err("%s: %s", opt->output, strerror(e));
			rc = PC_EXIT_USAGE;
			goto out;
		}
		pc_info(opt, "read %zu bytes from area %u\n", got, (unsigned)id);
	} else {
		enum pc_dump_mode mode = opt->dump;
		int e;

		if (mode == PC_DUMP_AUTO)
			mode = !opt->output && isatty(STDOUT_FILENO) ? PC_DUMP_HEX : PC_DUMP_RAW;
		if (!opt->quiet)
			fprintf(stderr, "read %zu bytes from area %u\n", got, (unsigned)id);
		if (mode == PC_DUMP_HEX) {
			hex_dump(stdout, buf, got);
			e = fflush(stdout) == 0 ? 0 : errno;
		} else {
			fflush(stdout);
			e = write_all(STDOUT_FILENO, buf, got);
		}
		if (e) {
			pc_err("standard output: %s", strerror(e));
			rc = PC_EXIT_USAGE;
			goto out;
		}
	}
	rc = PC_EXIT_OK;
out:
	pc_session_end(&s);
	free(caps);
	free(buf);
	return rc;
}
