/*
 * What code on the agent's GPR-only path uses instead of libc. A probe hit whose programs call only
 * GPR-safe helpers (bpftime_helper_gpr_safe) runs with the interrupted code's vector registers and
 * errno live, unsaved: the helpers and the program-side map code they call (lookups, updates,
 * deletes, ring and perf buffer output) are compiled with -mgeneral-regs-only and must call nothing
 * that is not, so no glibc function (its memcpy, memset and memcmp use SSE/AVX, its system call
 * wrappers write errno). These are the stand-ins: byte and word loops (the files using them are also
 * built with -fno-tree-loop-distribute-patterns, or gcc turns the loops back into memcpy calls) and
 * a system call that returns -errno.
 */
#ifndef BPFTIME_GPR_ONLY_H
#define BPFTIME_GPR_ONLY_H

#include <stddef.h>
#include <stdint.h>

static inline __attribute__((always_inline)) void bpftime_gpr_copy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	for (; n >= 8; n -= 8, d += 8, s += 8) {
		uint64_t w;
		__builtin_memcpy(&w, s, 8); /* a constant 8: one load, never a call */
		__builtin_memcpy(d, &w, 8);
	}
	for (; n; n--)
		*d++ = *s++;
}

static inline __attribute__((always_inline)) void bpftime_gpr_zero(void *dst, size_t n)
{
	uint8_t *d = dst;
	for (; n >= 8; n -= 8, d += 8)
		__builtin_memset(d, 0, 8);
	for (; n; n--)
		*d++ = 0;
}

/* 1 when the n bytes are equal, else 0. */
static inline __attribute__((always_inline)) int bpftime_gpr_equal(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (; n >= 8; n -= 8, x += 8, y += 8) {
		uint64_t u, v;
		__builtin_memcpy(&u, x, 8);
		__builtin_memcpy(&v, y, 8);
		if (u != v)
			return 0;
	}
	for (; n; n--)
		if (*x++ != *y++)
			return 0;
	return 1;
}

/*
 * A system call of the runtime's own: through the syscall hooks' untraced gate when the process
 * links them (the agent: under Syscall User Dispatch a plain `syscall` here would be trapped and
 * traced as the application's), else a raw `syscall` (the service, the shim, tests). Returns
 * -errno on failure and never touches errno.
 */
long bpftime_syscall_hooks_raw(long nr, long a0, long a1, long a2, long a3, long a4, long a5) __attribute__((weak));

static inline long bpftime_raw_syscall(long nr, long a, long b, long c, long d, long e)
{
	if (bpftime_syscall_hooks_raw)
		return bpftime_syscall_hooks_raw(nr, a, b, c, d, e, 0);
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = 0;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#endif
