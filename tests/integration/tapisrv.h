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

/* Starts bin with argv (argv[0] first, NULL-terminated), its stderr appended to log, and waits
 * up to 5 s until socket accepts connections. Returns the pid, or -1 when it could not be
 * started, exited, or never listened (then it is killed). */
pid_t srv_spawn(const char *bin, char *const argv[], const char *log, const char *socket);
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
