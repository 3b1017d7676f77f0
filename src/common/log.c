/* SPDX-License-Identifier: MIT */
/* log.c — see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int level = -1;

/* 1 when stderr is the systemd journal's stream (JOURNAL_STREAM names its device and inode): then
 * each line starts with its syslog priority, "<3>" … "<7>", which journald reads and strips, so
 * that `journalctl -p err` finds the errors. Looked at once. */
static int journal = -1;

static int stderr_is_journal(void)
{
	const char *env;
	unsigned long long dev, ino;
	struct stat st;

	if (journal >= 0)
		return journal;
	env = getenv("JOURNAL_STREAM");
	journal = env && sscanf(env, "%llu:%llu", &dev, &ino) == 2 &&
		  fstat(STDERR_FILENO, &st) == 0 && (unsigned long long)st.st_dev == dev &&
		  (unsigned long long)st.st_ino == ino;
	return journal;
}

static int configured_level(void)
{
	const char *env;

	if (level >= 0)
		return level;
	env = getenv("OPENTAPI_LOG");
	if (env && !strcmp(env, "error"))
		return OT_LOG_ERROR;
	if (env && !strcmp(env, "info"))
		return OT_LOG_INFO;
	if (env && !strcmp(env, "debug"))
		return OT_LOG_DEBUG;
	return OT_LOG_WARN;
}

void ot_log_set_level(enum ot_log_level l)
{
	level = l;
}

int ot_log_enabled(enum ot_log_level l)
{
	return (int)l <= configured_level();
}

void ot_log(enum ot_log_level l, const char *component, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	static const char *const priorities[] = { "<3>", "<4>", "<6>", "<7>" };
	char line[1024];
	int n;
	va_list ap;

	if (!ot_log_enabled(l))
		return;
	n = snprintf(line, sizeof(line), "%sopentapi[%d] %s: %s: ",
		     stderr_is_journal() ? priorities[l] : "", (int)getpid(), names[l], component);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* One write per line so that lines of concurrent threads do not interleave. */
	n = (int)strlen(line);
	if (n < (int)sizeof(line) - 1)
		line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* Nothing sensible to do when stderr is gone. */
	}
}
