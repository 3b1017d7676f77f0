/* SPDX-License-Identifier: MIT */
/* paths.h — where tapisrv listens and where clients look for it (docs/configuration.md).
 *
 * Owns: the default socket path: /run/opentapi/tapisrv.sock for the system server (root), else
 * $XDG_RUNTIME_DIR/opentapi/tapisrv.sock; where clients look, and where a server started on
 * demand listens.
 * Must not: touch the file system.
 */
#ifndef OT_PATHS_H
#define OT_PATHS_H

#define OT_SYSTEM_SOCKET "/run/opentapi/tapisrv.sock"

/* The default socket path for this user into buf. Returns 0, or -1 when there is none
 * (not root and XDG_RUNTIME_DIR unset) or buf is too small. */
int ot_default_socket(char *buf, unsigned size);
/* The per-user socket, $XDG_RUNTIME_DIR/opentapi/tapisrv.sock (root's too). Returns 0, or -1
 * when XDG_RUNTIME_DIR is unset or not absolute, or buf is too small. */
int ot_user_socket(char *buf, unsigned size);
/* Where a client looks for a server when OPENTAPI_SERVER is unset, in order: the per-user
 * socket, then the system server's. Fills up to two paths of 108 bytes; returns how many. */
int ot_client_sockets(char paths[2][108]);
/* Where the library starts a tapisrv on demand when no server answers (docs/server.md): the
 * per-user socket, or for root without XDG_RUNTIME_DIR the system socket. Returns 0, or -1
 * when there is no such place (then the library runs the engine in-process). */
int ot_ondemand_socket(char *buf, unsigned size);

#endif
