/* The map helpers (kernel/bpf/helpers.c): r1 is the process's struct bpftime_map *. */
#include "bpftime_map.h"
#include "bpftime_spin_lock.h"
#include "helpers_internal.h"

static struct bpftime_map *(*map_resolver)(uint32_t map_id);

void bpftime_helpers_set_map_resolver(struct bpftime_map *(*resolve)(uint32_t map_id))
{
	__atomic_store_n(&map_resolver, resolve, __ATOMIC_RELEASE);
}

/* On an ARRAY_OF_MAPS or HASH_OF_MAPS the kernel returns the inner map itself (array_of_map_lookup_elem(),
 * htab_of_map_lookup_elem()), which the program passes to the map helpers: here the process's handle
 * on the map whose id the slot holds. Other maps give a value's address; a miss costs one type test. */
HELPER(map_lookup_elem)
{
	struct bpftime_map *map = PTR(r1);
	void *value = bpftime_map_lookup_elem(map, PTR(r2));
	struct bpftime_map *(*resolve)(uint32_t);
	uint32_t id;

	if (value || !bpftime_map_is_of_maps(map))
		return (uint64_t)(uintptr_t)value;
	id = bpftime_map_inner_id(map, PTR(r2));
	resolve = __atomic_load_n(&map_resolver, __ATOMIC_ACQUIRE);
	return id && resolve ? (uint64_t)(uintptr_t)resolve(id) : 0;
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
