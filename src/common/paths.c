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
