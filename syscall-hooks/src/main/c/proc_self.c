/* What /proc/self tells about this process, read with the runtime's own syscalls only. */
#include <fcntl.h>
#include <sys/syscall.h>

#include "internal.h"

/* Reads a whole small /proc file into buf (NUL-terminated); returns its length or -errno. */
long sh_proc_read(const char *path, char *buf, unsigned long size)
{
	long fd = sh_raw3(SYS_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC);
	unsigned long n = 0;

	if (fd < 0)
		return fd;
	while (n + 1 < size) {
		long r = sh_raw3(SYS_read, fd, (long)(buf + n), (long)(size - 1 - n));

		if (r <= 0)
			break;
		n += (unsigned long)r;
	}
	sh_raw1(SYS_close, fd);
	buf[n] = 0;
	return (long)n;
}

/* The Threads: line of /proc/self/status; -1 when it cannot be read. */
int sh_proc_thread_count(void)
{
	char buf[4096];
	const char *p;
	int n = 0;

	if (sh_proc_read("/proc/self/status", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; *p; p++) {
		if (p[0] == '\n' && p[1] == 'T' && p[2] == 'h' && p[3] == 'r' && p[4] == 'e' &&
		    p[5] == 'a' && p[6] == 'd' && p[7] == 's' && p[8] == ':') {
			for (p += 9; *p == ' ' || *p == '\t'; p++)
				;
			while (*p >= '0' && *p <= '9')
				n = n * 10 + (*p++ - '0');
			return n;
		}
	}
	return -1;
}
