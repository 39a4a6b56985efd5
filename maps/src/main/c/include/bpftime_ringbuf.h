/*
 * BPF_MAP_TYPE_RINGBUF with the kernel's layout (kernel/bpf/ringbuf.c): consumer page, producer
 * page, data area mapped twice back to back, 8-byte record headers with BPF_RINGBUF_BUSY_BIT and
 * BPF_RINGBUF_DISCARD_BIT, so a consumer written against <linux/bpf.h> reads it unchanged.
 */
#ifndef BPFTIME_RINGBUF_H
#define BPFTIME_RINGBUF_H

#include <stdint.h>
#include "bpftime_map.h"

/* bpf_ringbuf_reserve: NULL when size is too big, flags are not 0, or the ring is full. */
BPFTIME_API void *bpftime_ringbuf_reserve(struct bpftime_map *rb, uint64_t size, uint64_t flags);
/* bpf_ringbuf_submit / bpf_ringbuf_discard on a sample from bpftime_ringbuf_reserve. */
BPFTIME_API void bpftime_ringbuf_submit(struct bpftime_map *rb, void *sample, uint64_t flags);
BPFTIME_API void bpftime_ringbuf_discard(struct bpftime_map *rb, void *sample, uint64_t flags);
/* The same, for helpers that only get the sample pointer: finds the ring among those this
 * process has mapped. */
BPFTIME_API void bpftime_ringbuf_submit_sample(void *sample, uint64_t flags);
BPFTIME_API void bpftime_ringbuf_discard_sample(void *sample, uint64_t flags);
/* bpf_ringbuf_output: 0, -EINVAL (flags), -EAGAIN (no room). */
BPFTIME_API long bpftime_ringbuf_output(struct bpftime_map *rb, const void *data, uint64_t size, uint64_t flags);
/* bpf_ringbuf_query. */
BPFTIME_API uint64_t bpftime_ringbuf_query(struct bpftime_map *rb, uint64_t flags);

/* Discards records whose reserving thread no longer exists and wakes the consumer if it did
 * (the service calls this when a client dies; producers call it when the ring looks stuck).
 * Returns the number of records discarded. */
BPFTIME_API int bpftime_ringbuf_recover(struct bpftime_map *rb);

/* For the epoll emulation of a consumer's level-triggered wait: drains the wake-up eventfd when
 * the ring holds no data and says whether data is available (1) or not (0). */
BPFTIME_API int bpftime_ringbuf_poll_rearm(struct bpftime_map *rb);

/* What an app's mmap of the ring's fd becomes: map the consumer page (memfd offset
 * *consumer_off, one page) and the producer page followed twice by the data area. */
BPFTIME_API int bpftime_ringbuf_layout(const struct bpftime_map *rb, int64_t *consumer_off,
				       int64_t *producer_off, int64_t *data_off, int64_t *data_size);

#endif
