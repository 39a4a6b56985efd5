/*
 * Error injection for the agent's end-to-end tests, loaded by agent_loader like agent_probes.bpf.o
 * (same program and map names): opens of paths starting with the marker fail with ENOSPC without
 * reaching the kernel, and target_fn returns 77 without running. The kernel allows
 * bpf_override_return only in kprobes; bpftime allows it at uprobes and at syscall tracepoints.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct pt_regs;

#include "agent_marker.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define ENOSPC 28

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ring_events SEC(".maps");

static void count(__u32 slot)
{
	__u64 *n = bpf_map_lookup_elem(&hits, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
}

SEC("uprobe")
int on_target_fn(void *ctx)
{
	count(0);
	bpf_override_return((struct pt_regs *)ctx, 77);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int on_openat(struct openat_args *ctx)
{
	if (!opens_marker(ctx))
		return 0;
	count(1);
	bpf_override_return((struct pt_regs *)ctx, -ENOSPC);
	return 0;
}
