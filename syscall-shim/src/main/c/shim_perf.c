/*
 * perf_event_open(2) and ioctl(2) on emulated perf event fds. libbpf calls
 * syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, flags) (libbpf.c perf_event_open_probe,
 * perf_buffer__open_cpu_buf); the service decides whether the event is one it emulates (a tracepoint
 * of the emulated tracefs, the emulated uprobe/kprobe PMUs, a BPF output event) and answers PASS for
 * any other, which then goes to the kernel unchanged. An emulated event is a real descriptor like the
 * bpf objects (docs/PROTOCOL.md), so only ioctls on descriptors the fd table knows as perf events are
 * forwarded; every other ioctl goes to libc's untouched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"
#include "shim_wire.h"

/* PERF_FLAG_FD_CLOEXEC of include/uapi/linux/perf_event.h. */
#define SHIM_PERF_FLAG_FD_CLOEXEC (1UL << 3)

long shim_perf_event_open(unsigned long attr, long pid, long cpu, long group_fd, unsigned long flags)
{
	/* pid, cpu and group_fd are ints in the kernel's perf_event_open. */
	uint64_t args[6] = { attr, (uint64_t)(int)pid, (uint64_t)(int)cpu, (uint64_t)(int)group_fd, flags, 0 };
	int passed, saved;
	long r = shim_forward_kind(WIRE_PERF_OPEN, args, attr, attr, &passed);

	if (passed)
		return shim_real_syscall(SYS_perf_event_open, (long)attr, pid, cpu, group_fd, (long)flags, 0);
	if (r >= 0 && !(flags & SHIM_PERF_FLAG_FD_CLOEXEC)) {
		/* Received close-on-exec; the kernel sets it only when asked (perf_event_open f_flags). */
		saved = errno;
		fcntl((int)r, F_SETFD, 0);
		errno = saved;
	}
	return r;
}

typedef int (*ioctl_fn)(int, unsigned long, ...);

SHIM_EXPORT int ioctl(int fd, unsigned long request, ...)
{
	static ioctl_fn next;
	uint32_t kind, id;
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (shim_fdtable_lookup(fd, &kind, &id) && kind == WIRE_OBJ_PERF_EVENT) {
		uint64_t args[6] = { (uint64_t)fd, request, (uint64_t)(unsigned long)arg, 0, 0, 0 };
		return (int)shim_forward_kind(WIRE_PERF_IOCTL, args, 0, 0, NULL);
	}
	if (!__atomic_load_n(&next, __ATOMIC_ACQUIRE))
		__atomic_store_n(&next, (ioctl_fn)dlsym(RTLD_NEXT, "ioctl"), __ATOMIC_RELEASE);
	if (!next) {
		errno = ENOSYS;
		return -1;
	}
	return next(fd, request, arg);
}
