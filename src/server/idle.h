/* SPDX-License-Identifier: MIT */
/* idle.h — a tapisrv started on demand by the library (--idle-exit) leaves when no client has
 * been connected for a while (docs/server.md, "When no server runs").
 *
 * Owns: the idle timer and the leaving: under the start lock beside the socket (the one clients
 * hold while they connect or start a server, src/lib/ondemand.c), with no connection waiting in
 * the backlog, the socket file is removed and the loop told to quit — so no client ever
 * connects to a server that is leaving.
 * Must not: drop clients (there are none when it acts) or touch the engine.
 */
#ifndef OT_SERVER_IDLE_H
#define OT_SERVER_IDLE_H

struct ot_server;
struct ot_listener;

/* Starts watching: the server leaves after idle_ms without clients. Returns 0 or -1 (logged). */
int ot_idle_start(struct ot_server *srv, struct ot_listener *l, unsigned idle_ms);
/* The number of connections changed (conn.c): arms the timer at 0, disarms it otherwise. */
void ot_idle_note(struct ot_server *srv);
void ot_idle_stop(struct ot_server *srv);

#endif
