/*
 * A single-threaded mix of syscalls through libc wrappers and hand-written sites, each checked
 * for its result and errno. argv[1], when given, is a path the workload opens and reports on
 * (the override test denies it).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <cpuid.h>

#include "workload.h"

static int has_avx2(void)
{
	unsigned a, b, c, d;

	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_AVX2);
}

int main(int argc, char **argv)
{
	char buf[256];
	struct utsname u;
	struct timespec ts = { 0, 1000 };
	int fds[2];

	pid_t ppid = getppid();
	CHECK(ppid > 0, "getppid %d", ppid);
	CHECK(asm_raw_syscall(SYS_getppid, 0, 0, 0) == ppid, "raw getppid");

	/* errno is the application's: untouched by a successful call, set by a failing one */
	errno = 1234;
	CHECK(getppid() == ppid && errno == 1234, "errno after getppid %d", errno);
	CHECK(open("/nonexistent/bpftime", O_RDONLY) == -1 && errno == ENOENT, "errno %d", errno);
	CHECK(asm_raw_syscall(SYS_close, 100000, 0, 0) == -EBADF, "raw close of a bad fd");

	int fd = open("/proc/self/stat", O_RDONLY);
	CHECK(fd >= 0, "open /proc/self/stat: %d", errno);
	CHECK(read(fd, buf, sizeof(buf)) > 0, "read");
	CHECK(close(fd) == 0, "close");

	int null = open("/dev/null", O_WRONLY);
	CHECK(null >= 0 && write(null, "hello", 5) == 5, "write /dev/null");
	CHECK(asm_raw_syscall(SYS_write, null, (long)"hello", 5) == 5, "raw write");
	close(null);

	CHECK(pipe(fds) == 0 && write(fds[1], "x", 1) == 1 && read(fds[0], buf, 1) == 1 &&
		      buf[0] == 'x', "pipe");
	close(fds[0]);
	close(fds[1]);

	void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED && munmap(p, 8192) == 0, "mmap");
	CHECK(uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0, "uname");
	CHECK(nanosleep(&ts, NULL) == 0, "nanosleep");
	CHECK(getcwd(buf, sizeof(buf)) != NULL, "getcwd");

	if (has_avx2()) {
		unsigned changed = asm_syscall_keeps_state(SYS_getppid);
		CHECK(changed == 0, "registers or flags changed across a syscall: mask %#x", changed);
	}

	if (argc > 1) {
		errno = 0;
		int r = open(argv[1], O_RDONLY);
		printf("open %s: %d errno %d\n", argv[1], r < 0 ? r : 0, r < 0 ? errno : 0);
	}
	printf("workload_basic ok\n");
	return 0;
}
