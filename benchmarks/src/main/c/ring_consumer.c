#define _GNU_SOURCE
#include "ring_consumer.h"
#include "two_cpus.h"

#include <errno.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct ring_view {
	unsigned long *consumer_pos;
	const unsigned long *producer_pos;
	const uint8_t *data;
	unsigned long mask;
};

static int map_ring(const struct ring_source *src, struct ring_view *v)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *area;
	void *consumer;

	consumer = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, src->fd, src->kernel_layout ? 0 : src->consumer_off);
	if (consumer == MAP_FAILED)
		return errno;
	if (src->kernel_layout) {
		area = mmap(NULL, page + 2 * src->data_size, PROT_READ, MAP_SHARED, src->fd, (off_t)page);
		if (area == MAP_FAILED)
			return errno;
	} else {
		area = mmap(NULL, page + 2 * src->data_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (area == MAP_FAILED ||
		    mmap(area, page, PROT_READ, MAP_SHARED | MAP_FIXED, src->fd, src->producer_off) == MAP_FAILED ||
		    mmap(area + page, src->data_size, PROT_READ, MAP_SHARED | MAP_FIXED, src->fd, src->data_off) == MAP_FAILED ||
		    mmap(area + page + src->data_size, src->data_size, PROT_READ, MAP_SHARED | MAP_FIXED, src->fd,
			 src->data_off) == MAP_FAILED)
			return errno;
	}
	v->consumer_pos = consumer;
	v->producer_pos = (const unsigned long *)area;
	v->data = area + page;
	v->mask = src->data_size - 1;
	return 0;
}

static int record_ok(const uint8_t *sample, uint32_t len)
{
	uint64_t first, last;

	if (len != RING_RECORD_SIZE)
		return 0;
	memcpy(&first, sample, sizeof(first));
	memcpy(&last, sample + RING_RECORD_SIZE - 8, sizeof(last));
	return first == RING_RECORD_WORD(0) && last == RING_RECORD_WORD(RING_RECORD_SIZE / 8 - 1);
}

/* Reads every committed record, as libbpf's ringbuf_process_ring: stops at a busy one. */
static uint64_t drain(struct ring_view *v, struct ring_counts *counts)
{
	unsigned long cons = __atomic_load_n(v->consumer_pos, __ATOMIC_ACQUIRE);
	uint64_t n = 0;

	for (;;) {
		unsigned long prod = __atomic_load_n(v->producer_pos, __ATOMIC_ACQUIRE);

		if (cons >= prod)
			break;
		const uint32_t *header = (const uint32_t *)(v->data + (cons & v->mask));
		uint32_t len = __atomic_load_n(header, __ATOMIC_ACQUIRE);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			if (!record_ok((const uint8_t *)header + BPF_RINGBUF_HDR_SZ, len))
				__atomic_fetch_add(&counts->bad, 1, __ATOMIC_RELAXED);
			n++;
		}
		cons += ((len & ~(uint32_t)BPF_RINGBUF_DISCARD_BIT) + BPF_RINGBUF_HDR_SZ + 7) & ~7ul;
		__atomic_store_n(v->consumer_pos, cons, __ATOMIC_RELEASE);
	}
	return n;
}

static void consume(const struct ring_source *src, struct ring_counts *counts)
{
	struct epoll_event event = { .events = EPOLLIN | EPOLLET }, out;
	struct ring_view v = { 0 };
	uint64_t consumed = 0;
	int epoll_fd, err;

	pin_to_cpu_index(1, NULL);
	err = map_ring(src, &v);
	epoll_fd = err ? -1 : epoll_create1(0);
	if (!err && (epoll_fd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, src->wait_fd, &event) != 0))
		err = errno;
	if (err) {
		counts->error = err;
		__atomic_store_n(&counts->ready, 1, __ATOMIC_RELEASE);
		_exit(1);
	}
	__atomic_store_n(&counts->ready, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&counts->stop, __ATOMIC_ACQUIRE)) {
		uint64_t n = drain(&v, counts);

		if (n) {
			consumed += n;
			__atomic_store_n(&counts->consumed, consumed, __ATOMIC_RELEASE);
		} else {
			/* Edge-triggered: every wake-up of the ring since the last drain reports once. */
			epoll_wait(epoll_fd, &out, 1, 20);
		}
	}
	_exit(0);
}

pid_t ring_consumer_start(const struct ring_source *src, struct ring_counts *counts, char *why, size_t why_len)
{
	struct timespec pause = { .tv_nsec = 100000 };
	pid_t pid;

	memset(counts, 0, sizeof(*counts));
	pid = fork();
	if (pid < 0) {
		snprintf(why, why_len, "fork of the consumer: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		consume(src, counts);
	while (!__atomic_load_n(&counts->ready, __ATOMIC_ACQUIRE))
		nanosleep(&pause, NULL);
	if (counts->error) {
		snprintf(why, why_len, "consumer could not map or epoll the ring: %s", strerror(counts->error));
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

void ring_consumer_stop(pid_t pid, struct ring_counts *counts)
{
	__atomic_store_n(&counts->stop, 1, __ATOMIC_RELEASE);
	waitpid(pid, NULL, 0);
}
