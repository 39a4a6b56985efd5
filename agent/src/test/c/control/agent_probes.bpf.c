/*
 * The programs of the agent's end-to-end tests: a uprobe and a uretprobe on the target's target_fn and a
 * syscalls:sys_enter_openat tracepoint count their hits in an array map and send one event each
 * through a perf buffer and a ring buffer. openat counts only opens of paths starting with the
 * loader's marker (agent_marker.bpf.h). The uretprobe counts the
 * returns whose value (ax) is what target_fn returns, 2 * i + 1: odd.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "agent_marker.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct event {
	__u32 pid;
	__u32 kind; /* 1 uprobe, 2 openat */
	__u64 value;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
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
	__uint(max_entries, 1 << 20);
} ring_events SEC(".maps");

/* The x86-64 struct pt_regs (arch/x86/include/asm/ptrace.h): di is the first argument. */
struct regs {
	__u64 r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di;
	__u64 orig_ax, ip, cs, flags, sp, ss;
};

static void count_and_send(void *ctx, __u32 slot, __u32 kind, __u64 value)
{
	__u64 *n = bpf_map_lookup_elem(&hits, &slot);
	struct event e = { .pid = bpf_get_current_pid_tgid() >> 32, .kind = kind, .value = value };
	struct event *r;

	if (n)
		__sync_fetch_and_add(n, 1);
	bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	r = bpf_ringbuf_reserve(&ring_events, sizeof(*r), 0);
	if (r) {
		*r = e;
		bpf_ringbuf_submit(r, 0);
	}
}

/* agent_big.bpf.c makes the uprobe's program large with it; here it is nothing. */
#ifndef AGENT_PROBES_PADDING
#define AGENT_PROBES_PADDING(x)
#endif

SEC("uprobe")
int on_target_fn(struct regs *ctx)
{
	__u64 padding = ctx->di;

	AGENT_PROBES_PADDING(padding);
	count_and_send(ctx, 0, 1, ctx->di);
	return padding == 1 && ctx->di == 2; /* keeps the padding; a uprobe's return value is ignored */
}

SEC("uretprobe")
int on_target_fn_return(struct regs *ctx)
{
	__u32 slot = 2;
	__u64 *n = bpf_map_lookup_elem(&hits, &slot);

	if (n && (ctx->ax & 1))
		__sync_fetch_and_add(n, 1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int on_openat(struct openat_args *ctx)
{
	if (opens_marker(ctx))
		count_and_send(ctx, 1, 2, 0);
	return 0;
}
