/* The runtime's descriptors near the top of the table (fd_high.h). */
#include "fd_high.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

int fd_move_high(int fd, int below_top)
{
	struct rlimit rl;
	long top = 1024, base;
	int high;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (long)rl.rlim_cur < top)
		top = (long)rl.rlim_cur;
	base = top > 2L * below_top ? top - below_top : top / 2;
	high = fcntl(fd, F_DUPFD_CLOEXEC, (int)base);
	if (high < 0)
		return -errno;
	close(fd);
	return high;
}
