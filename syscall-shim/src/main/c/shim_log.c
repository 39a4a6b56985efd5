/*
 * The shim's own log, <runtime dir>/shim.log. The app's stdout and stderr belong to the app, so
 * nothing is ever printed there; without a usable runtime directory nothing is logged at all.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "shim.h"

void shim_log(const char *fmt, ...)
{
	int saved = errno;
	char dir[PATH_MAX], path[PATH_MAX + 16], line[1024];
	struct timespec now;
	struct tm tm;
	va_list ap;
	int n, fd;

	if (shim_runtime_dir(dir) != 0)
		goto out;
	if (snprintf(path, sizeof(path), "%s/shim.log", dir) >= (int)sizeof(path))
		goto out;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ pid %d tid %d: ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     now.tv_nsec / 1000000, (int)getpid(), (int)gettid());
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		goto out;
	/* One write() with O_APPEND: lines of concurrent processes do not interleave. */
	if (write(fd, line, n) < 0) {
		/* Nowhere left to report it. */
	}
	close(fd);
out:
	errno = saved;
}
