#include <fcntl.h>

#include "control.h"
#include "fd_high.h"

/* Ours near the top of the table like the shim's (native-support's fd_high.h), 192 below it: the
 * shim's sit 64 and 128 below, in a process that has both. */
int agent_fd_high(int fd)
{
	int high;

	if (fd < 0)
		return fd;
	high = fd_move_high(fd, 192);
	if (high < 0) {
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		return fd;
	}
	return high;
}
