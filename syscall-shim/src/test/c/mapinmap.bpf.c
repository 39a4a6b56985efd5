/* For libbpf_mapinmap: BTF-defined maps of maps with initializers (libbpf fills their slots at load),
 * and raw tracepoint programs run by BPF_PROG_TEST_RUN whose ctx is one u64, the outer key: each
 * looks the inner map up in the outer map, then element 0 in the inner map, adds 1 to it through
 * the pointer and returns it; 1 when the outer slot is empty, 2 when the inner element is missing. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer_array SEC(".maps") = {
	.values = { &inner_a, &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer_hash SEC(".maps") = {
	.values = { [3] = &inner_b },
};

static __always_inline int through(void *outer, __u32 key)
{
	__u32 zero = 0;
	void *inner = bpf_map_lookup_elem(outer, &key);
	__u64 *value;

	if (!inner)
		return 1;
	value = bpf_map_lookup_elem(inner, &zero);
	if (!value)
		return 2;
	*value += 1;
	return (int)*value;
}

SEC("raw_tp")
int via_array(__u64 *ctx)
{
	return through(&outer_array, (__u32)ctx[0]);
}

SEC("raw_tp")
int via_hash(__u64 *ctx)
{
	return through(&outer_hash, (__u32)ctx[0]);
}

char LICENSE[] SEC("license") = "GPL";
