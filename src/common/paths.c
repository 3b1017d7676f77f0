/* paths.c — see paths.h. */
#include "paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int ot_default_socket(char *buf, unsigned size)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	int n;

	if (geteuid() == 0)
		n = snprintf(buf, size, "%s", OT_SYSTEM_SOCKET);
	else if (runtime && runtime[0] == '/')
		n = snprintf(buf, size, "%s/opentapi/tapisrv.sock", runtime);
	else
		return -1;
	return n > 0 && (unsigned)n < size ? 0 : -1;
}

int ot_client_sockets(char paths[2][108])
{
	int n = 0;

	if (ot_default_socket(paths[0], 108) == 0)
		n++;
	if (geteuid() != 0)
		snprintf(paths[n++], 108, "%s", OT_SYSTEM_SOCKET);
	return n;
}
