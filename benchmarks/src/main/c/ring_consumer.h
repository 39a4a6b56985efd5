/*
 * The consumer of the ring buffer figures: a separate process that maps a BPF ring buffer and
 * drains it as libbpf's ring_buffer__poll does, written against <linux/bpf.h> only (the consumer
 * page, the producer page, the data area mapped twice, 8-byte headers with the busy and discard
 * bits), sleeping in epoll_wait when the ring is empty. The same code reads the kernel's ring and
 * bpftime's.
 */
#ifndef RING_CONSUMER_H
#define RING_CONSUMER_H

#include <stdint.h>
#include <sys/types.h>

/* Every record of the figures: 64 bytes, word i holding RING_RECORD_WORD(i). */
#define RING_RECORD_SIZE 64
#define RING_RECORD_WORD(i) (0x5a5a0000u + (uint32_t)(i))
/* What one record takes in the ring: the 8-byte header and the sample, rounded up to 8. */
#define RING_RECORD_SPAN (RING_RECORD_SIZE + 8)

/* Shared with the consumer (MAP_SHARED memory made before the fork). */
struct ring_counts {
	uint64_t consumed; /* records read so far; the consumer stores it with release order */
	uint64_t bad; /* records whose length or content was not what the producers write */
	int stop;
	int ready;
	int error; /* errno of a failed mmap or epoll set-up in the consumer; it then exits */
};

/* Where the consumer finds the ring. */
struct ring_source {
	int fd; /* mmapped by the consumer */
	int wait_fd; /* what it epolls */
	uint64_t data_size; /* a power of two */
	/*
	 * The kernel's map fd: consumer page at offset 0, producer page at one page, and one mmap of
	 * both the producer page and twice the data from there (kernel/bpf/ringbuf.c maps the data
	 * twice). bpftime's memfd: the three parts at these offsets, the data mapped twice by the reader.
	 */
	int kernel_layout;
	int64_t consumer_off, producer_off, data_off;
};

/* Forks the consumer, pinned to the process's second CPU, and waits until it polls. */
pid_t ring_consumer_start(const struct ring_source *src, struct ring_counts *counts, char *why, size_t why_len);

/* Tells the consumer to stop and reaps it. */
void ring_consumer_stop(pid_t pid, struct ring_counts *counts);

#endif
