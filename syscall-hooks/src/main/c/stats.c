/* Counters of what the hooks found and did, for tests and for the agent's diagnostics. */
#include "internal.h"

struct sh_counters sh_counters;

void bpftime_syscall_hooks_get_stats(struct bpftime_syscall_hooks_stats *out)
{
	out->objects_scanned = __atomic_load_n(&sh_counters.objects_scanned, __ATOMIC_RELAXED);
	out->sites_found = __atomic_load_n(&sh_counters.sites_found, __ATOMIC_RELAXED);
	out->sites_patched_jmp8 = __atomic_load_n(&sh_counters.sites_patched_jmp8, __ATOMIC_RELAXED);
	out->sites_patched_displaced =
		__atomic_load_n(&sh_counters.sites_patched_displaced, __ATOMIC_RELAXED);
	out->sites_left_to_fallback =
		__atomic_load_n(&sh_counters.sites_left_to_fallback, __ATOMIC_RELAXED);
	out->fallback_traps = __atomic_load_n(&sh_counters.fallback_traps, __ATOMIC_RELAXED);
	out->sites_trapping = __atomic_load_n(&sh_counters.sites_trapping, __ATOMIC_RELAXED);
	out->dispatch_on = sh_sud_wanted();
}
