/* SPDX-License-Identifier: MIT */
/* ondemand.h — the per-user tapisrv that the library starts when OPENTAPI_SERVER is unset and no
 * server answers, so that TAPI's owner and monitor rules hold between processes even when nobody
 * set up a server (docs/server.md, "When no server runs").
 *
 * Owns: the start lock (tapisrv.lock beside the socket), starting tapisrv detached from the
 * application (its own session, no descriptor of the application's), and waiting until it listens.
 * Must not: speak the protocol (remote.c) or decide when a server is wanted (phone.c).
 */
#ifndef OT_LIB_ONDEMAND_H
#define OT_LIB_ONDEMAND_H

/* Connects to the server on socket, starting one there first if nobody listens. Two processes
 * doing this at once start one server: the check and the start happen under an exclusive lock,
 * which the server itself takes before it leaves when idle. The server is $OPENTAPI_TAPISRV, or
 * the installed tapisrv; it leaves after $OPENTAPI_IDLE_EXIT_MS (default 10000) without clients.
 * Returns the connected descriptor, or -errno after logging why and what to do. */
int ot_ondemand_connect(const char *socket);

#endif
