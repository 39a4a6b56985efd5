/* Trampoline pools near their targets (see code_alloc.h). */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "code_alloc.h"
#include "proc_maps.h"

#define POOL_SIZE (64ul * 1024)
#define MAX_POOLS 256
/* Keep clear of the ends of the heap and of stacks, which grow into the free space next to them. */
#define GROWTH_MARGIN (64ul << 20)
#define LOWEST_ADDRESS (16ul << 20)
#define HIGHEST_ADDRESS 0x7ffffffff000ul

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

struct gap_search {
	uintptr_t near;
	uintptr_t prev_end;      /* end of the previous mapping */
	int prev_grows_up;       /* the previous mapping is the heap */
	uintptr_t best;
	uintptr_t best_distance;
};

static void consider_gap(struct gap_search *s, uintptr_t lo, uintptr_t hi)
{
	if (lo < LOWEST_ADDRESS)
		lo = LOWEST_ADDRESS;
	if (hi > HIGHEST_ADDRESS)
		hi = HIGHEST_ADDRESS;
	if (hi <= lo || hi - lo < POOL_SIZE)
		return;
	/* The page-aligned candidate closest to near inside [lo, hi - POOL_SIZE]. */
	uintptr_t pg = (uintptr_t)getpagesize();
	uintptr_t first = (lo + pg - 1) & ~(pg - 1), last = (hi - POOL_SIZE) & ~(pg - 1);
	if (last < first)
		return;
	uintptr_t c = s->near < first ? first : s->near > last ? last : s->near & ~(pg - 1);
	uintptr_t d = distance(c, s->near);
	if (d + POOL_SIZE < CODE_ALLOC_REACH && d < s->best_distance) {
		s->best = c;
		s->best_distance = d;
	}
}

static int visit_mapping(void *arg, const struct proc_mapping *m)
{
	struct gap_search *s = arg;
	uintptr_t lo = s->prev_end, hi = m->start;
	if (s->prev_grows_up)
		lo += GROWTH_MARGIN;
	if (strncmp(m->path, "[stack", 6) == 0)
		hi = hi > GROWTH_MARGIN ? hi - GROWTH_MARGIN : 0;
	consider_gap(s, lo, hi);
	s->prev_end = m->end;
	s->prev_grows_up = strcmp(m->path, "[heap]") == 0;
	return 0;
}

static int new_pool(uintptr_t near, struct pool **out)
{
	if (npools == MAX_POOLS)
		return -ENOSPC;
	for (int attempt = 0; attempt < 8; attempt++) {
		struct gap_search s = { .near = near, .best_distance = UINTPTR_MAX };
		int r = proc_maps_each(visit_mapping, &s);
		if (r < 0)
			return r;
		consider_gap(&s, s.prev_end + (s.prev_grows_up ? GROWTH_MARGIN : 0), HIGHEST_ADDRESS);
		if (s.best_distance == UINTPTR_MAX)
			return -ENOMEM;
		void *p = mmap((void *)s.best, POOL_SIZE, PROT_READ | PROT_EXEC,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED) {
			if (errno == EEXIST)
				continue; /* another thread mapped there meanwhile */
			return -errno;
		}
		if (p != (void *)s.best) { /* a kernel older than 4.17 treats the flag as a hint */
			munmap(p, POOL_SIZE);
			continue;
		}
		pools[npools] = (struct pool){ s.best, 0 };
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
