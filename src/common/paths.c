/* SPDX-License-Identifier: MIT */
/* paths.c — see paths.h. */
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int ot_user_socket(char *buf, unsigned size)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	int n;

	if (!runtime || runtime[0] != '/')
		return -1;
	n = snprintf(buf, size, "%s/opentapi/tapisrv.sock", runtime);
	return n > 0 && (unsigned)n < size ? 0 : -1;
}

int ot_default_socket(char *buf, unsigned size)
{
	if (geteuid() == 0)
		return snprintf(buf, size, "%s", OT_SYSTEM_SOCKET) < (int)size ? 0 : -1;
	return ot_user_socket(buf, size);
}

int ot_client_sockets(char paths[2][108])
{
	int n = 0;

	if (ot_user_socket(paths[0], 108) == 0)
		n++;
	snprintf(paths[n++], 108, "%s", OT_SYSTEM_SOCKET);
	return n;
}

int ot_ondemand_socket(char *buf, unsigned size)
{
	if (ot_user_socket(buf, size) == 0)
		return 0;
	return ot_default_socket(buf, size);
}
