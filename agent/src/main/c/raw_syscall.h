/*
 * System calls without libc, for paths that run inside a probe hit before the engine's recursion
 * guard is up: a probe on a libc function (mmap, syscall, gettid) must not re-enter the engine
 * from the engine itself. They never touch errno (results are -errno).
 */
#ifndef BPFTIME_RAW_SYSCALL_H
#define BPFTIME_RAW_SYSCALL_H

static inline long raw_syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#endif
