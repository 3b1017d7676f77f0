/* tapisrv.h — a private tapisrv per test: its own directory, configuration, state and socket,
 * started from the build tree ($OPENTAPI_TAPISRV) and stopped (or killed) by the test. */
#ifndef OT_TEST_TAPISRV_H
#define OT_TEST_TAPISRV_H

#include <sys/types.h>

struct srv {
	pid_t pid;
	char dir[64];
	char socket[128];
	char config[128];
	char state[128];
	char log[128];
};

/* Writes config_text, starts tapisrv and waits until it accepts connections; points
 * OPENTAPI_SERVER at its socket. Returns 0 or -1. */
int srv_start(struct srv *s, const char *config_text);
/* Starts it again on the same directory (after srv_kill). */
int srv_restart(struct srv *s);
/* Sends sig and waits for the process. */
void srv_kill(struct srv *s, int sig);
/* SIGTERM, wait, and remove the directory. */
void srv_stop(struct srv *s);
/* Does the server's log contain text? */
int srv_log_has(const struct srv *s, const char *text);
/* Waits up to ms milliseconds for text to appear in the server's log. */
int srv_wait_log(const struct srv *s, const char *text, int ms);

#endif
