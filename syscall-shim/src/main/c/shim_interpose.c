/*
 * libc symbol interposition of syscall(): libbpf calls syscall(__NR_bpf, cmd, attr, size) (libbpf's
 * bpf.c sys_bpf), so with this library in LD_PRELOAD that call lands here. Only __NR_bpf is ours;
 * every other number goes to libc's syscall() untouched, which sets errno exactly as it would
 * without us.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

typedef long (*syscall_fn)(long, ...);

static syscall_fn next_syscall(void)
{
	static syscall_fn cached;
	syscall_fn fn = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
	if (!fn) {
		fn = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
		__atomic_store_n(&cached, fn, __ATOMIC_RELEASE);
	}
	return fn;
}

long shim_real_syscall(long number, long a0, long a1, long a2, long a3, long a4, long a5)
{
	syscall_fn fn = next_syscall();
	if (!fn) {
		errno = ENOSYS;
		return -1;
	}
	return fn(number, a0, a1, a2, a3, a4, a5);
}

/* Reads six arguments whatever the caller passed: the kernel's calling convention has six argument
 * registers and libc's syscall() does the same, so the extra ones are harmless register values. */
SHIM_EXPORT long syscall(long number, ...)
{
	va_list ap;
	long a[6];

	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);

	if (number == SYS_bpf)
		return shim_bpf(a[0], (unsigned long)a[1], (unsigned long)a[2]);
	if (number == SYS_perf_event_open)
		return shim_perf_event_open((unsigned long)a[0], a[1], a[2], a[3], (unsigned long)a[4]);
	if (number == SYS_close)
		return close((int)a[0]);
	if (number == SYS_close_range)
		return shim_close_range((unsigned)a[0], (unsigned)a[1], (int)a[2]);
	return shim_real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
