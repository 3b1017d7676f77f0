/* SPDX-License-Identifier: MIT */
/* test_log.c — log lines: their format, and the syslog priority prefix that journald reads when
 * stderr is the journal's stream (JOURNAL_STREAM), so that `journalctl -p err` finds errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

/* Runs ot_log at error and info level in a child whose stderr is a pipe; as_journal sets
 * JOURNAL_STREAM to that pipe. Returns what the child wrote. */
static char *logged(int as_journal)
{
	static char buf[1024];
	int p[2];
	pid_t pid;
	ssize_t n, have = 0;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct stat st;
		char env[64];

		dup2(p[1], STDERR_FILENO);
		fstat(STDERR_FILENO, &st);
		snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino);
		if (as_journal)
			setenv("JOURNAL_STREAM", env, 1);
		else
			unsetenv("JOURNAL_STREAM");
		ot_log_set_level(OT_LOG_INFO);
		ot_log(OT_LOG_ERROR, "test", "broken %d", 1);
		ot_log(OT_LOG_INFO, "test", "fine");
		ot_log(OT_LOG_DEBUG, "test", "not shown");
		_exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], buf + have, sizeof(buf) - 1 - (size_t)have)) > 0)
		have += n;
	close(p[0]);
	waitpid(pid, NULL, 0);
	buf[have] = '\0';
	return buf;
}

static void plain_lines_on_a_terminal_or_file(void **state)
{
	char want[128], *out;

	(void)state;
	out = logged(0);
	snprintf(want, sizeof(want), "] error: test: broken 1\n");
	assert_non_null(strstr(out, want));
	assert_int_equal(strncmp(out, "opentapi[", 9), 0);
	assert_non_null(strstr(out, "] info: test: fine\n"));
	assert_null(strstr(out, "not shown"));
}

static void syslog_priorities_for_the_journal(void **state)
{
	char *out;

	(void)state;
	out = logged(1);
	assert_int_equal(strncmp(out, "<3>opentapi[", 12), 0);
	assert_non_null(strstr(out, "\n<6>opentapi["));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_lines_on_a_terminal_or_file),
		cmocka_unit_test(syslog_priorities_for_the_journal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
