/*
 * Executable memory of the runtime's own: the trampolines of rewritten sites, and what the
 * runtime maps executable itself (the agent's JIT images and probe trampolines, mapped from its
 * untraced threads or from callbacks). It holds no syscall of the application's, so it never
 * makes Syscall User Dispatch necessary (coverage.c). A small table: entries are added when such
 * a mapping is made and dropped when any munmap or new mapping covers them.
 */
#include "internal.h"

#define MAX_OWN 256
#define CLAIMED 1 /* hi of a slot being filled: no range ends at address 1 */

/* Lock-free (a hook may run in a signal handler that interrupted another): a slot is free when
 * its hi is 0, claimed by a compare-and-swap of hi, published by storing hi last. */
struct own_range {
	uint64_t lo, hi;
};

static struct own_range sh_own[MAX_OWN];

void sh_own_code_add(uint64_t lo, uint64_t hi)
{
	for (int i = 0; i < MAX_OWN; i++) {
		uint64_t free_hi = 0;

		if (__atomic_compare_exchange_n(&sh_own[i].hi, &free_hi, CLAIMED, 0, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED)) {
			__atomic_store_n(&sh_own[i].lo, lo, __ATOMIC_RELAXED);
			__atomic_store_n(&sh_own[i].hi, hi, __ATOMIC_RELEASE);
			return;
		}
	}
	/* a full table: the mapping then counts as the application's (needs the fallback) */
}

void sh_own_code_remove(uint64_t lo, uint64_t hi)
{
	for (int i = 0; i < MAX_OWN; i++) {
		uint64_t h = __atomic_load_n(&sh_own[i].hi, __ATOMIC_ACQUIRE);

		if (h > CLAIMED && __atomic_load_n(&sh_own[i].lo, __ATOMIC_RELAXED) < hi && lo < h)
			__atomic_compare_exchange_n(&sh_own[i].hi, &h, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
	}
}

int sh_own_code_covers(uint64_t lo, uint64_t hi)
{
	/* a mapping may be made of several of our ranges side by side (the kernel merges them) */
	for (uint64_t at = lo; at < hi;) {
		uint64_t next = at;

		for (int i = 0; i < MAX_OWN; i++) {
			uint64_t h = __atomic_load_n(&sh_own[i].hi, __ATOMIC_ACQUIRE);

			if (h > CLAIMED && __atomic_load_n(&sh_own[i].lo, __ATOMIC_RELAXED) <= at && at < h)
				next = h;
		}
		if (next == at)
			return 0;
		at = next;
	}
	return 1;
}
