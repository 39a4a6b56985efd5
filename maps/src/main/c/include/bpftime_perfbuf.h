/*
 * A per-CPU perf buffer with the kernel's layout: struct perf_event_mmap_page followed by 2^n data
 * pages; records are PERF_RECORD_SAMPLE carrying PERF_SAMPLE_RAW, and PERF_RECORD_LOST when
 * records had to be dropped (kernel/events/ring_buffer.c, kernel/trace/bpf_trace.c).
 */
#ifndef BPFTIME_PERFBUF_H
#define BPFTIME_PERFBUF_H

#include <stdint.h>
#include "bpftime_map.h"

/* Writes one PERF_RECORD_SAMPLE: 0, or -ENOSPC when it does not fit (counted as lost). */
BPFTIME_API long bpftime_perfbuf_output(struct bpftime_map *pb, const void *data, uint64_t size);
/* The kernel's wake-up rules from the event's perf_event_attr: every wakeup_events samples unless
 * use_watermark (attr.watermark), and whenever wakeup_watermark bytes (half the buffer when 0) were
 * written since the last such wake-up. Without this call every record wakes the consumer. */
BPFTIME_API void bpftime_perfbuf_set_wakeup(struct bpftime_map *pb, uint32_t wakeup_events,
					    uint32_t wakeup_watermark, int use_watermark);
/* Before a wait on the eventfd: 1 when records are waiting (the kernel's fd would be readable),
 * else drains the eventfd so that the wait blocks until a producer wakes it, and returns 0. */
BPFTIME_API int bpftime_perfbuf_poll_rearm(struct bpftime_map *pb);
/* Records dropped and not yet reported by a PERF_RECORD_LOST. */
BPFTIME_API uint64_t bpftime_perfbuf_lost(const struct bpftime_map *pb);

/* bpf_perf_event_output on a PERF_EVENT_ARRAY: flags is BPF_F_CURRENT_CPU or an index.
 * 0, -EINVAL, -E2BIG (index), -ENOENT (empty slot or unknown buffer), -EOPNOTSUPP (slot's buffer
 * belongs to another CPU), -ENOSPC (full). The slot's id is resolved among the perf buffers this
 * process has opened (their object_id). */
BPFTIME_API long bpftime_perf_event_output(struct bpftime_map *array, uint64_t flags, const void *data,
					   uint64_t size);

#endif
