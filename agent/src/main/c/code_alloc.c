/* Trampoline pools near their targets (see code_alloc.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "code_alloc.h"
#include "near_gap.h"
#include "proc_maps.h"

#define POOL_SIZE (64ul * 1024)
#define MAX_POOLS 256

struct pool {
	uintptr_t base;
	size_t used;
};

static struct pool pools[MAX_POOLS];
static int npools;

static uintptr_t distance(uintptr_t a, uintptr_t b)
{
	return a > b ? a - b : b - a;
}

static int new_pool(uintptr_t near, struct pool **out)
{
	if (npools == MAX_POOLS)
		return -ENOSPC;
	for (int attempt = 0; attempt < 8; attempt++) {
		char *maps;
		int r = proc_maps_read(&maps);
		if (r < 0)
			return r;
		/* [near, near + POOL_SIZE): any part of the pool is then within reach of near */
		uintptr_t at = (uintptr_t)near_gap_find(maps, near, near + POOL_SIZE, POOL_SIZE, CODE_ALLOC_REACH);
		free(maps);
		if (!at)
			return -ENOMEM;
		void *p = mmap((void *)at, POOL_SIZE, PROT_READ | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED) {
			if (errno == EEXIST)
				continue; /* another thread mapped there meanwhile */
			return -errno;
		}
		if (p != (void *)at) { /* a kernel older than 4.17 treats the flag as a hint */
			munmap(p, POOL_SIZE);
			continue;
		}
		pools[npools] = (struct pool){ at, 0 };
		*out = &pools[npools++];
		return 0;
	}
	return -EAGAIN;
}

int code_alloc_near(uintptr_t near, size_t len, uintptr_t *out)
{
	len = (len + 15) & ~(size_t)15;
	if (len > POOL_SIZE)
		return -E2BIG;
	struct pool *p = NULL;
	for (int i = 0; i < npools; i++) {
		if (pools[i].used + len <= POOL_SIZE &&
		    distance(pools[i].base, near) + POOL_SIZE < CODE_ALLOC_REACH) {
			p = &pools[i];
			break;
		}
	}
	if (!p) {
		int r = new_pool(near, &p);
		if (r)
			return r;
	}
	*out = p->base + p->used;
	p->used += len;
	return 0;
}

int code_write(uintptr_t dst, const void *src, size_t len)
{
	uintptr_t page = (uintptr_t)getpagesize();
	uintptr_t lo = dst & ~(page - 1), hi = (dst + len + page - 1) & ~(page - 1);
	if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE | PROT_EXEC))
		return -errno;
	memcpy((void *)dst, src, len);
	if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_EXEC))
		return -errno;
	return 0;
}
