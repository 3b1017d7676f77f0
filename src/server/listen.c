/* SPDX-License-Identifier: MIT */
/* listen.c — see listen.h.
 *
 * Who may connect: the per-user server's directory ($XDG_RUNTIME_DIR/opentapi) is 0700 and its
 * socket 0600, so only that user can connect. The system server (root) makes /run/opentapi 0755
 * and the socket 0660 owned by root and group "opentapi" when that group exists (0600 otherwise,
 * with a log line): members of the group may connect.
 */
#define _GNU_SOURCE
#include "listen.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "log.h"
#include "paths.h"

#define GROUP "opentapi"

/* mkdir -p of the socket's directory; the last component gets mode. */
static int make_parent(const char *path, mode_t mode)
{
	char dir[108];
	char *p;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(dir, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* Is a server already answering at addr? */
static int someone_listens(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0)
		return 0;
	rc = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	return rc;
}

static void restrict_access(const char *path)
{
	struct group *g;

	if (geteuid() != 0) {
		chmod(path, 0600);
		return;
	}
	g = getgrnam(GROUP);
	if (g && chown(path, 0, g->gr_gid) == 0) {
		chmod(path, 0660);
		return;
	}
	chmod(path, 0600);
	ot_log(OT_LOG_WARN, "server", "group '%s' does not exist: only root may connect to %s",
	       GROUP, path);
}

static int from_systemd(struct ot_listener *l)
{
	int n = sd_listen_fds(1);

	if (n <= 0)
		return 0;
	if (n > 1 || sd_is_socket_unix(SD_LISTEN_FDS_START, SOCK_STREAM, 1, NULL, 0) <= 0) {
		ot_log(OT_LOG_ERROR, "server", "systemd passed %d sockets; expected one AF_UNIX stream", n);
		return -1;
	}
	l->fd = SD_LISTEN_FDS_START;
	fcntl(l->fd, F_SETFL, fcntl(l->fd, F_GETFL) | O_NONBLOCK);
	fcntl(l->fd, F_SETFD, FD_CLOEXEC);
	snprintf(l->path, sizeof(l->path), "(from systemd)");
	return 1;
}

int ot_listen(const char *path, struct ot_listener *l)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int rc;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	rc = from_systemd(l);
	if (rc)
		return rc < 0 ? -1 : 0;
	if (path)
		rc = snprintf(l->path, sizeof(l->path), "%s", path) < (int)sizeof(l->path) ? 0 : -1;
	else
		rc = ot_default_socket(l->path, sizeof(l->path));
	if (rc < 0 || l->path[0] != '/') {
		ot_log(OT_LOG_ERROR, "server",
		       "no socket path: give --socket (an absolute path under 108 bytes) or set "
		       "XDG_RUNTIME_DIR");
		return -1;
	}
	memcpy(addr.sun_path, l->path, sizeof(l->path));
	if (make_parent(l->path, geteuid() == 0 ? 0755 : 0700) < 0) {
		ot_log(OT_LOG_ERROR, "server", "cannot create the directory of %s: %m", l->path);
		return -1;
	}
	if (someone_listens(&addr)) {
		ot_log(OT_LOG_ERROR, "server", "another server is already listening on %s", l->path);
		return -1;
	}
	unlink(l->path); /* a stale socket of a server that died */
	l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0 || bind(l->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		ot_log(OT_LOG_ERROR, "server", "cannot bind %s: %m", l->path);
		ot_listen_close(l);
		return -1;
	}
	l->created = 1;
	restrict_access(l->path);
	if (listen(l->fd, 128) < 0) {
		ot_log(OT_LOG_ERROR, "server", "cannot listen on %s: %m", l->path);
		ot_listen_close(l);
		return -1;
	}
	return 0;
}

void ot_listen_close(struct ot_listener *l)
{
	if (l->fd >= 0)
		close(l->fd);
	if (l->created)
		unlink(l->path);
	l->fd = -1;
	l->created = 0;
}
