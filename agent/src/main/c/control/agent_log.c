/*
 * The agent's log: <runtime dir>/agent.log, one line per event ("pid P: ..."), appended. The traced
 * process's stdout and stderr are never written (DESIGN.md, decision 7); without a runtime
 * directory nothing is logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"

static int log_fd = -1;

void agent_log_open(const char *runtime_dir)
{
	char path[PATH_MAX + 16];
	int fd;

	if (log_fd >= 0)
		return;
	snprintf(path, sizeof(path), "%s/agent.log", runtime_dir);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0)
		log_fd = agent_fd_high(fd);
}

void agent_log(const char *fmt, ...)
{
	char line[1024];
	struct timespec ts;
	va_list ap;
	int saved = errno, n;

	if (log_fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof(line), "%ld.%03ld pid %d: ", (long)ts.tv_sec, ts.tv_nsec / 1000000L, (int)getpid());
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(log_fd, line, (size_t)n) < 0) {
		/* nowhere else to say it */
	}
	errno = saved;
}
