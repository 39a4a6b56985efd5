/*
 * Executable memory within reach of a rel32 jump from an object's code: a free stretch of the
 * address space close to it, found from /proc/self/maps and claimed with MAP_FIXED_NOREPLACE, so
 * that nothing already mapped is ever replaced.
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "internal.h"
#include "proc_maps_line.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PAGE 4096ull
#define REACH ((1ull << 31) - (1ull << 20)) /* what a rel32 reaches, with a margin */

struct candidate {
	uint64_t at, distance;
};

static void consider(struct candidate *best, uint64_t at, uint64_t size, uint64_t lo, uint64_t hi)
{
	uint64_t far = at < lo ? hi - at : at + size - lo;

	if (at < (1ull << 16) || at + size > (1ull << 47) || far >= REACH)
		return;
	if (far < best->distance)
		*best = (struct candidate){ at, far };
}

/* Returns an address of size bytes (read-write, not yet executable) whose every byte a rel32
 * reaches from every byte of [lo, hi), or 0. */
uint64_t sh_alloc_near(uint64_t lo, uint64_t hi, uint64_t size)
{
	char *buf;
	long r, n;
	unsigned long cap = 1 << 20;

	size = (size + PAGE - 1) & ~(PAGE - 1);
	for (int attempt = 0; attempt < 4; attempt++) {
		struct candidate best = { 0, ~0ull };
		uint64_t prev_hi = PAGE * 16;

		r = bpftime_syscall_hooks_raw(SYS_mmap, 0, (long)cap, PROT_READ | PROT_WRITE,
					      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r < 0 && r > -4096)
			return 0;
		buf = (char *)r;
		n = sh_proc_read("/proc/self/maps", buf, cap);
		struct maps_line line;
		int got;
		for (const char *p = buf; n > 0 && (got = maps_line_next(&p, &line)) != 0;) {
			if (got < 0)
				continue;
			uint64_t mlo = line.start, mhi = line.end;
			/* the free gap [prev_hi, mlo): its top end (below the object) or bottom end */
			if (mlo >= prev_hi + size + 2 * PAGE) {
				consider(&best, mlo - PAGE - size, size, lo, hi);
				consider(&best, prev_hi + PAGE, size, lo, hi);
			}
			if (mhi > prev_hi)
				prev_hi = mhi;
		}
		sh_raw2(SYS_munmap, (long)buf, (long)cap);
		if (!best.at)
			return 0;
		r = bpftime_syscall_hooks_raw(SYS_mmap, (long)best.at, (long)size, PROT_READ | PROT_WRITE,
					      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (r == (long)best.at)
			return best.at;
		if (r >= 0 || r <= -4096)
			sh_raw2(SYS_munmap, r, (long)size); /* an old kernel ignored the flag */
		else if (r != -EEXIST)
			return 0;
		/* another thread took the gap meanwhile: look again */
	}
	return 0;
}
