/*
 * A ring buffer / perf buffer consumer written only against the kernel's definitions
 * (<linux/bpf.h>: the ring record header and its busy/discard bits; <linux/perf_event.h>:
 * struct perf_event_mmap_page, PERF_RECORD_SAMPLE/LOST), like libbpf's ringbuf.c and the
 * perf_buffer code. It does not use the bpftime library: it is told where to map what.
 *
 *   kernel_abi_consumer ringbuf-kernel <map fd> <size>
 *       the kernel's own BPF_MAP_TYPE_RINGBUF: mmap(fd, 0) and mmap(fd, PAGE), epoll on the fd
 *   kernel_abi_consumer ringbuf <memfd> <eventfd> <consumer off> <producer off> <data off> <size>
 *       a bpftime ring: the consumer page, then the producer page and the data area twice, mapped
 *       as the shim will map them; epoll on the eventfd
 *   kernel_abi_consumer perf <memfd> <eventfd> <mmap off> <data pages>
 *
 * Every wait is epoll_wait(EPOLLET). Before any record arrives it checks that the wait blocks
 * (times out with no event) and then writes "ready\n" to fd 5 if that fd is open. It stops at
 * the record of producer TEST_END_PRODUCER and prints per-producer counts on stdout:
 *   producer <id> records <n> first <seq> last <seq> gaps <g> disorder <d>
 *   total records <n> bytes <b> lost <l> bad <b> wakeups <w> blocked <0|1> seconds <s>
 * Exit status 0 unless a record was corrupt or the stream stalled for 30 s.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "test_record.h"

#define PAGE 4096ul
#define STALL_SECONDS 30

struct stats {
	uint64_t records[TEST_MAX_PRODUCERS];
	uint32_t first[TEST_MAX_PRODUCERS];
	uint32_t last[TEST_MAX_PRODUCERS];
	uint64_t gaps[TEST_MAX_PRODUCERS];
	uint64_t disorder[TEST_MAX_PRODUCERS];
	uint64_t total, bytes, lost, bad, wakeups;
	int blocked, done;
};
static struct stats st;

static void die(const char *what)
{
	fprintf(stderr, "kernel_abi_consumer: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_record(const void *data, uint32_t size)
{
	if (test_record_check(data, size) != 0) {
		st.bad++;
		return;
	}
	const struct test_record *r = data;
	if (r->producer == TEST_END_PRODUCER) {
		st.done = 1;
		return;
	}
	if (r->producer >= TEST_MAX_PRODUCERS) {
		st.bad++;
		return;
	}
	uint32_t p = r->producer;
	if (st.records[p] == 0)
		st.first[p] = r->seq;
	else if (r->seq <= st.last[p])
		st.disorder[p]++;
	else if (r->seq != st.last[p] + 1)
		st.gaps[p] += r->seq - st.last[p] - 1;
	st.last[p] = r->seq;
	st.records[p]++;
	st.total++;
	st.bytes += r->size;
}

/* ---- ring buffer (libbpf ringbuf_process_ring()) ---- */

struct ring {
	unsigned long *consumer_pos;
	const unsigned long *producer_pos;
	const uint8_t *data;
	unsigned long mask;
};

static int ring_consume(struct ring *r)
{
	int got = 0;
	unsigned long cons = *r->consumer_pos;
	for (;;) {
		unsigned long prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
		if (cons >= prod)
			break;
		const uint32_t *hdr = (const uint32_t *)(r->data + (cons & r->mask));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		uint32_t size = len & ~(uint32_t)BPF_RINGBUF_DISCARD_BIT;
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			on_record((const uint8_t *)hdr + BPF_RINGBUF_HDR_SZ, size);
			got++;
		}
		cons += (size + BPF_RINGBUF_HDR_SZ + 7) & ~7ul;
		__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
	}
	return got;
}

/* ---- perf buffer (perf_event_read_simple()) ---- */

struct perf {
	struct perf_event_mmap_page *page;
	uint8_t *data;
	uint64_t size;
	uint8_t copy[65536];
};

static int perf_consume(struct perf *p)
{
	int got = 0;
	uint64_t head = __atomic_load_n(&p->page->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = p->page->data_tail;
	while (tail < head) {
		uint64_t off = tail & (p->size - 1);
		struct perf_event_header *h = (struct perf_event_header *)(p->data + off);
		if (off + h->size > p->size) { /* wrapped: copy it out, as libbpf does */
			uint64_t first = p->size - off;
			memcpy(p->copy, p->data + off, first);
			memcpy(p->copy + first, p->data, h->size - first);
			h = (struct perf_event_header *)p->copy;
		}
		if (h->size < sizeof(*h) || h->size % 8) {
			st.bad++;
			break;
		}
		if (h->type == PERF_RECORD_SAMPLE) {
			uint32_t raw = *(uint32_t *)(h + 1);
			if (sizeof(*h) + 4 + raw != h->size)
				st.bad++;
			else
				on_record((uint8_t *)(h + 1) + 4, raw);
			got++;
		} else if (h->type == PERF_RECORD_LOST) {
			struct { struct perf_event_header h; uint64_t id, lost; } *l = (void *)h;
			st.lost += l->lost;
		} else {
			st.bad++;
		}
		tail += h->size;
	}
	__atomic_store_n(&p->page->data_tail, tail, __ATOMIC_RELEASE);
	return got;
}

static void *map_or_die(void *at, size_t len, int prot, int fd, off_t off)
{
	void *p = mmap(at, len, prot, MAP_SHARED | (at ? MAP_FIXED : 0), fd, off);
	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: see the comment at the top of kernel_abi_consumer.c\n");
		return 2;
	}
	const char *mode = argv[1];
	int fd = atoi(argv[2]);
	int wait_fd;
	struct ring ring = { 0 };
	struct perf *perf = NULL;
	if (!strcmp(mode, "ringbuf-kernel")) {
		unsigned long size = strtoul(argv[3], NULL, 0);
		ring.consumer_pos = map_or_die(NULL, PAGE, PROT_READ | PROT_WRITE, fd, 0);
		uint8_t *p = map_or_die(NULL, PAGE + 2 * size, PROT_READ, fd, PAGE);
		ring.producer_pos = (unsigned long *)p;
		ring.data = p + PAGE;
		ring.mask = size - 1;
		wait_fd = fd;
	} else if (!strcmp(mode, "ringbuf") && argc >= 8) {
		int efd = atoi(argv[3]);
		off_t cons_off = atol(argv[4]), prod_off = atol(argv[5]), data_off = atol(argv[6]);
		unsigned long size = strtoul(argv[7], NULL, 0);
		ring.consumer_pos = map_or_die(NULL, PAGE, PROT_READ | PROT_WRITE, fd, cons_off);
		/* what the shim does for mmap(fd, PAGE, PAGE + 2 * size): producer page, data, data */
		uint8_t *area = mmap(NULL, PAGE + 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (area == MAP_FAILED)
			die("reserve");
		map_or_die(area, PAGE, PROT_READ, fd, prod_off);
		map_or_die(area + PAGE, size, PROT_READ, fd, data_off);
		map_or_die(area + PAGE + size, size, PROT_READ, fd, data_off);
		ring.producer_pos = (unsigned long *)area;
		ring.data = area + PAGE;
		ring.mask = size - 1;
		wait_fd = efd;
	} else if (!strcmp(mode, "perf") && argc >= 6) {
		int efd = atoi(argv[3]);
		off_t off = atol(argv[4]);
		unsigned long pages = strtoul(argv[5], NULL, 0);
		perf = calloc(1, sizeof(*perf));
		perf->page = map_or_die(NULL, (1 + pages) * PAGE, PROT_READ | PROT_WRITE, fd, off);
		perf->data = (uint8_t *)perf->page + perf->page->data_offset;
		perf->size = perf->page->data_size;
		if (perf->page->data_offset != PAGE || perf->size != pages * PAGE) {
			fprintf(stderr, "perf_event_mmap_page: data_offset %llu size %llu vs %lu %lu\n",
				(unsigned long long)perf->page->data_offset, (unsigned long long)perf->size, PAGE,
				pages * PAGE);
			return 1;
		}
		wait_fd = efd;
	} else {
		fprintf(stderr, "kernel_abi_consumer: unknown mode or missing arguments\n");
		return 2;
	}

	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, wait_fd, &ev) != 0)
		die("epoll");
	/* nothing was produced yet: the wait must block until its timeout */
	struct epoll_event out;
	double t0 = now();
	int n = epoll_wait(ep, &out, 1, 200);
	st.blocked = n == 0 && now() - t0 >= 0.19;
	if (write(5, "ready\n", 6) < 0 && errno != EBADF)
		die("write ready");

	double start = now(), last_progress = start;
	while (!st.done) {
		int got = perf ? perf_consume(perf) : ring_consume(&ring);
		if (got) {
			last_progress = now();
			continue;
		}
		if (st.done)
			break;
		n = epoll_wait(ep, &out, 1, 1000);
		if (n > 0)
			st.wakeups++;
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		if (now() - last_progress > STALL_SECONDS) {
			fprintf(stderr, "kernel_abi_consumer: no record for %d s: stalled\n", STALL_SECONDS);
			break;
		}
	}
	for (uint32_t p = 0; p < TEST_MAX_PRODUCERS; p++)
		if (st.records[p])
			printf("producer %u records %llu first %u last %u gaps %llu disorder %llu\n", p,
			       (unsigned long long)st.records[p], st.first[p], st.last[p],
			       (unsigned long long)st.gaps[p], (unsigned long long)st.disorder[p]);
	printf("total records %llu bytes %llu lost %llu bad %llu wakeups %llu blocked %d seconds %.3f\n",
	       (unsigned long long)st.total, (unsigned long long)st.bytes, (unsigned long long)st.lost,
	       (unsigned long long)st.bad, (unsigned long long)st.wakeups, st.blocked, now() - start);
	fflush(stdout);
	return st.done && st.bad == 0 ? 0 : 1;
}
