/*
 * Executable memory within reach of a rel32 jump from an object's code: a free stretch of the
 * address space close to it, found from /proc/self/maps and claimed with MAP_FIXED_NOREPLACE, so
 * that nothing already mapped is ever replaced.
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "internal.h"
#include "near_gap.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PAGE 4096ull
#define REACH ((1ull << 31) - (1ull << 20)) /* what a rel32 reaches, with a margin */

/* Returns an address of size bytes (read-write, not yet executable) whose every byte a rel32
 * reaches from every byte of [lo, hi), or 0. */
uint64_t sh_alloc_near(uint64_t lo, uint64_t hi, uint64_t size)
{
	char *buf;
	long r, n;
	unsigned long cap = 1 << 20;

	size = (size + PAGE - 1) & ~(PAGE - 1);
	for (int attempt = 0; attempt < 4; attempt++) {
		r = bpftime_syscall_hooks_raw(SYS_mmap, 0, (long)cap, PROT_READ | PROT_WRITE,
					      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r < 0 && r > -4096)
			return 0;
		buf = (char *)r;
		n = sh_proc_read("/proc/self/maps", buf, cap);
		uint64_t at = n > 0 ? near_gap_find(buf, lo, hi, size, REACH) : 0;
		sh_raw2(SYS_munmap, (long)buf, (long)cap);
		if (!at)
			return 0;
		r = bpftime_syscall_hooks_raw(SYS_mmap, (long)at, (long)size, PROT_READ | PROT_WRITE,
					      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (r == (long)at)
			return at;
		if (r >= 0 || r <= -4096)
			sh_raw2(SYS_munmap, r, (long)size); /* an old kernel ignored the flag */
		else if (r != -EEXIST)
			return 0;
		/* another thread took the gap meanwhile: look again */
	}
	return 0;
}
