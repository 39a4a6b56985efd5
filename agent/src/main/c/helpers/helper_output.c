/* Perf buffer and ring buffer output (kernel/trace/bpf_trace.c, kernel/bpf/ringbuf.c). */
#include "bpftime_perfbuf.h"
#include "bpftime_ringbuf.h"
#include "helpers_internal.h"

/* bpf_perf_event_output(ctx, map, flags, data, size) */
HELPER(perf_event_output)
{
	return (uint64_t)bpftime_perf_event_output(PTR(r2), r3, PTR(r4), r5);
}

HELPER(ringbuf_output)
{
	return (uint64_t)bpftime_ringbuf_output(PTR(r1), PTR(r2), r3, r4);
}

HELPER(ringbuf_reserve)
{
	return (uint64_t)(uintptr_t)bpftime_ringbuf_reserve(PTR(r1), r2, r3);
}

HELPER(ringbuf_submit)
{
	bpftime_ringbuf_submit_sample(PTR(r1), r2);
	return 0;
}

HELPER(ringbuf_discard)
{
	bpftime_ringbuf_discard_sample(PTR(r1), r2);
	return 0;
}

HELPER(ringbuf_query)
{
	return bpftime_ringbuf_query(PTR(r1), r2);
}
