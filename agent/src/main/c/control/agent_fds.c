#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "control.h"

/* The kernel gives each new descriptor the lowest free number, so a low descriptor of ours would
 * shift every number the application sees; like the shim (shim_connect.c), ours live near the top
 * of min(RLIMIT_NOFILE, 1024), close-on-exec so that an exec leaks none of them. */
int agent_fd_high(int fd)
{
	struct rlimit rl;
	long top = 1024, base;
	int high;

	if (fd < 0)
		return fd;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (long)rl.rlim_cur < top)
		top = (long)rl.rlim_cur;
	base = top > 256 ? top - 192 : top / 2;
	high = fcntl(fd, F_DUPFD_CLOEXEC, (int)base);
	if (high < 0) {
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		return fd;
	}
	close(fd);
	return high;
}
