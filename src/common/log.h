/* SPDX-License-Identifier: MIT */
/* log.h — leveled logging to stderr for the library, server, providers and tools.
 *
 * Owns: the log level (from OPENTAPI_LOG = error|warn|info|debug, default warn; tapisrv raises it
 * to info) and the line format "opentapi[pid] level: component: message", preceded by the syslog
 * priority ("<3>" error … "<7>" debug) when stderr is the systemd journal (JOURNAL_STREAM).
 * Must not: allocate, or log anything secret (passwords, payload bytes).
 */
#ifndef OT_LOG_H
#define OT_LOG_H

enum ot_log_level { OT_LOG_ERROR, OT_LOG_WARN, OT_LOG_INFO, OT_LOG_DEBUG };

void ot_log(enum ot_log_level level, const char *component, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ot_log_set_level(enum ot_log_level level);
int ot_log_enabled(enum ot_log_level level);

#endif
