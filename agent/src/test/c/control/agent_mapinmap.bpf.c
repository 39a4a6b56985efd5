/*
 * The map-of-maps program of the agent's end-to-end tests: a uprobe on the target's target_fn looks up
 * slot 0 of an ARRAY_OF_MAPS and key 5 of a HASH_OF_MAPS and adds 1 to element 0 of each inner map it
 * finds there; a call that finds no inner map counts in `misses` instead. The loader puts the inner
 * maps into the slots only after the program runs in the target.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct counter {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
};

struct counter misses SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct counter);
} outer_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct counter);
} outer_hash SEC(".maps");

static __always_inline void count_in(void *outer, __u32 key)
{
	__u32 zero = 0;
	void *inner = bpf_map_lookup_elem(outer, &key);
	__u64 *n = inner ? bpf_map_lookup_elem(inner, &zero) : bpf_map_lookup_elem(&misses, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("uprobe")
int on_target_fn(void *ctx)
{
	count_in(&outer_array, 0);
	count_in(&outer_hash, 5);
	return 0;
}
