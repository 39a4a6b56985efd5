/* Free address space near some code (near_gap.h); no libc: the syscall hooks call it in a hook. */
#include "near_gap.h"
#include "proc_maps_line.h"

#define PAGE 4096ull
#define GROWTH_MARGIN (64ull << 20)
#define LOWEST_ADDRESS (16ull << 20)
#define HIGHEST_ADDRESS 0x7ffffffff000ull

struct best {
	uint64_t at, far;
};

/* How far the farthest pair of bytes of [at, at + size) and [lo, hi) are apart. */
static uint64_t farthest(uint64_t at, uint64_t size, uint64_t lo, uint64_t hi)
{
	uint64_t top = at + size > hi ? at + size : hi, bottom = at < lo ? at : lo;
	return top - bottom;
}

/* The place in the free gap [g_lo, g_hi) nearest to [lo, hi), if it is nearer than the best. */
static void consider_gap(struct best *b, uint64_t g_lo, uint64_t g_hi, uint64_t lo, uint64_t hi, uint64_t size,
			 uint64_t reach)
{
	g_lo = (g_lo < LOWEST_ADDRESS ? LOWEST_ADDRESS : g_lo) + PAGE;
	g_hi = (g_hi > HIGHEST_ADDRESS ? HIGHEST_ADDRESS : g_hi);
	if (g_hi < g_lo + size + PAGE)
		return;
	uint64_t first = (g_lo + PAGE - 1) & ~(PAGE - 1), last = (g_hi - PAGE - size) & ~(PAGE - 1);
	if (last < first)
		return;
	uint64_t at = last < lo ? last : first > lo ? first : lo & ~(PAGE - 1);
	uint64_t far = farthest(at, size, lo, hi);
	if (far < reach && far < b->far)
		*b = (struct best){ at, far };
}

uint64_t near_gap_find(const char *maps, uint64_t lo, uint64_t hi, uint64_t size, uint64_t reach)
{
	struct best b = { 0, ~0ull };
	struct maps_line m;
	uint64_t prev_end = 0;
	int prev_is_heap = 0, got;

	while ((got = maps_line_next(&maps, &m)) != 0) {
		if (got < 0)
			continue;
		int is_stack = m.path_len >= 6 && m.path[0] == '[' && m.path[1] == 's' && m.path[2] == 't' &&
			       m.path[3] == 'a' && m.path[4] == 'c' && m.path[5] == 'k';
		uint64_t g_lo = prev_end + (prev_is_heap ? GROWTH_MARGIN : 0);
		uint64_t g_hi = is_stack ? (m.start > GROWTH_MARGIN ? m.start - GROWTH_MARGIN : 0) : m.start;
		if (g_hi > g_lo)
			consider_gap(&b, g_lo, g_hi, lo, hi, size, reach);
		if (m.end > prev_end)
			prev_end = m.end;
		prev_is_heap = m.path_len == 6 && m.path[0] == '[' && m.path[1] == 'h' && m.path[2] == 'e' &&
			       m.path[3] == 'a' && m.path[4] == 'p' && m.path[5] == ']';
	}
	uint64_t g_lo = prev_end + (prev_is_heap ? GROWTH_MARGIN : 0);
	if (HIGHEST_ADDRESS > g_lo)
		consider_gap(&b, g_lo, HIGHEST_ADDRESS, lo, hi, size, reach);
	return b.at;
}
