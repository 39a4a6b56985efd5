/* The signals the runtime keeps deliverable (reserved_signals.h). */
#include "reserved_signals.h"

static uint64_t reserved;

void reserved_signals_add(int sig)
{
	if (sig >= 1 && sig <= 64)
		__atomic_fetch_or(&reserved, 1ull << (sig - 1), __ATOMIC_RELAXED);
}

uint64_t reserved_signals_mask(void)
{
	return __atomic_load_n(&reserved, __ATOMIC_RELAXED);
}
