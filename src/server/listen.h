/* SPDX-License-Identifier: MIT */
/* listen.h — tapisrv's listening socket: from systemd (socket activation) or made here, in a
 * directory and with a mode that decide who may connect.
 *
 * Owns: the socket file (created, and removed at exit when we created it).
 * Must not: accept connections (main.c does).
 */
#ifndef OT_LISTEN_H
#define OT_LISTEN_H

struct ot_listener {
	int fd;
	int created;     /* we bound the path: unlink it at exit */
	char path[108];  /* sun_path */
};

/* Listens on path (NULL: the default socket). Returns 0, or -1 after logging why. */
int ot_listen(const char *path, struct ot_listener *l);
void ot_listen_close(struct ot_listener *l);

#endif
