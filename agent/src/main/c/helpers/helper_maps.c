/* The map helpers (kernel/bpf/helpers.c): r1 is the process's struct bpftime_map *. */
#include "bpftime_map.h"
#include "bpftime_spin_lock.h"
#include "helpers_internal.h"

HELPER(map_lookup_elem)
{
	return (uint64_t)(uintptr_t)bpftime_map_lookup_elem(PTR(r1), PTR(r2));
}

HELPER(map_update_elem)
{
	return (uint64_t)bpftime_map_update_elem(PTR(r1), PTR(r2), PTR(r3), r4);
}

HELPER(map_delete_elem)
{
	return (uint64_t)bpftime_map_delete_elem(PTR(r1), PTR(r2));
}

HELPER(map_lookup_percpu_elem)
{
	return (uint64_t)(uintptr_t)bpftime_map_lookup_percpu_elem(PTR(r1), PTR(r2), (uint32_t)r3);
}

/* bpf_spin_lock / bpf_spin_unlock on a struct bpf_spin_lock inside a map value (kernel/bpf/helpers.c). */
HELPER(spin_lock)
{
	bpftime_bpf_spin_lock(PTR(r1));
	return 0;
}

HELPER(spin_unlock)
{
	bpftime_bpf_spin_unlock(PTR(r1));
	return 0;
}
