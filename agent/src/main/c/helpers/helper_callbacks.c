/*
 * The helpers that call back into the program: bpf_loop (kernel/bpf/bpf_iter.c) and
 * bpf_for_each_map_elem (kernel/bpf/arraymap.c, hashtab.c). The callback is what an lddw of a
 * subprogram gave the program on either engine (struct bpftime_callback, bpftime_vm.h).
 */
#include <errno.h>

#include "bpftime_map.h"
#include "bpftime_vm.h"
#include "helpers_internal.h"

/* BPF_MAX_LOOPS (include/linux/bpf.h) */
#define MAX_LOOPS (8u * 1024 * 1024)
/* MAX_BPF_STACK: no map key is longer (hashtab.c htab_map_alloc_check). */
#define MAX_KEY 512

/* bpf_loop(nr_loops, callback, ctx, flags): the iterations run, the last one included when the
 * callback returned nonzero to stop. */
HELPER(loop)
{
	const struct bpftime_callback *cb = PTR(r2);
	uint32_t nr = (uint32_t)r1;
	if (r4)
		return (uint64_t)-EINVAL;
	/* With flags 0 the kernel inlines the loop (kernel/bpf/verifier.c inline_bpf_loop), whose
	 * refusal is a 32-bit move: -E2BIG zero-extended, as BPF_PROG_TEST_RUN shows it. */
	if (nr > MAX_LOOPS)
		return (uint32_t)-E2BIG;
	for (uint32_t i = 0; i < nr; i++)
		if (bpftime_callback_call(cb, i, r3, 0, 0, 0))
			return (uint64_t)i + 1;
	return nr;
}

/* bpf_for_each_map_elem(map, callback, ctx, flags): callback(map, &key, &value, ctx) for each
 * element (the calling CPU's value of per-CPU maps) until it returns nonzero; the elements
 * visited. */
HELPER(for_each_map_elem)
{
	struct bpftime_map *map = PTR(r1);
	const struct bpftime_callback *cb = PTR(r2);
	if (r4)
		return (uint64_t)-EINVAL;
	uint32_t type = bpftime_map_type(map);
	uint64_t visited = 0;
	if (type == 2 /* ARRAY */ || type == 6 /* PERCPU_ARRAY */) {
		uint32_t n = bpftime_map_max_entries(map);
		for (uint32_t key = 0; key < n; key++) {
			void *value = bpftime_map_lookup_elem(map, &key);
			visited++;
			if (bpftime_callback_call(cb, r1, (uintptr_t)&key, (uintptr_t)value, r3, 0))
				break;
		}
		return visited;
	}
	if (type != 1 && type != 5 && type != 9 && type != 10) /* (PERCPU_)HASH, LRU_(PERCPU_)HASH */
		return (uint64_t)-EINVAL;
	uint64_t keys[2][MAX_KEY / 8];
	int cur = 0;
	if (bpftime_map_sys_get_next_key(map, NULL, keys[cur]) != 0)
		return 0;
	/* A callback deleting the next key sends the walk back to the first: bounded by the map's size. */
	for (uint32_t steps = bpftime_map_max_entries(map); steps > 0; steps--) {
		void *value = bpftime_map_lookup_elem(map, keys[cur]);
		int more = bpftime_map_sys_get_next_key(map, keys[cur], keys[!cur]) == 0;
		if (value) {
			visited++;
			if (bpftime_callback_call(cb, r1, (uintptr_t)keys[cur], (uintptr_t)value, r3, 0))
				break;
		}
		if (!more)
			break;
		cur = !cur;
	}
	return visited;
}
