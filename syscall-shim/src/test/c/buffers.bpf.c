/* Producers for libbpf_buffers: raw tracepoint programs run by BPF_PROG_TEST_RUN whose ctx is one
 * u64, a sequence number; each writes a 16-byte record { seq, seq * 3 } to a perf or ring buffer
 * and returns the helper's result. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 4);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 4096);
} ring SEC(".maps");

SEC("raw_tp")
int to_perf(__u64 *ctx)
{
	__u64 rec[2] = { ctx[0], ctx[0] * 3 };

	return bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, rec, sizeof(rec));
}

SEC("raw_tp")
int to_ring(__u64 *ctx)
{
	__u64 rec[2] = { ctx[0], ctx[0] * 3 };

	return bpf_ringbuf_output(&ring, rec, sizeof(rec), 0);
}

char LICENSE[] SEC("license") = "GPL";
