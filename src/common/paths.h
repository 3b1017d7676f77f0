/* paths.h — where tapisrv listens and where clients look for it (docs/configuration.md).
 *
 * Owns: the default socket path: /run/opentapi/tapisrv.sock for the system server (root), else
 * $XDG_RUNTIME_DIR/opentapi/tapisrv.sock.
 * Must not: touch the file system.
 */
#ifndef OT_PATHS_H
#define OT_PATHS_H

#define OT_SYSTEM_SOCKET "/run/opentapi/tapisrv.sock"

/* The default socket path for this user into buf. Returns 0, or -1 when there is none
 * (not root and XDG_RUNTIME_DIR unset) or buf is too small. */
int ot_default_socket(char *buf, unsigned size);
/* Where a client looks for a server when OPENTAPI_SERVER is unset, in order: the default socket
 * for this user, then (for a user other than root) the system server's. Fills up to two paths
 * of 108 bytes; returns how many. */
int ot_client_sockets(char paths[2][108]);

#endif
