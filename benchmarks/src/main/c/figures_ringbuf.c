#define _GNU_SOURCE
#include "figures.h"
#include "kernel_bpf.h"
#include "ring_consumer.h"
#include "two_cpus.h"

#include "bpftime_map.h"
#include "bpftime_ringbuf.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * Ring buffer throughput for 64-byte records, producer and consumer in two processes on two CPUs:
 * one operation is one record written by the producer and read by the consumer (ring_consumer.c),
 * so ns/op is the inverse of the throughput. A run produces ops records and ends when the consumer
 * has read them all; a lost or corrupted record fails the figure.
 *
 * Producers: bpftime's is bpftime_ringbuf_output (bpf_ringbuf_output's implementation) called in a
 * loop, retrying while the ring is full. The kernel's is a program of RECORDS_PER_PROG
 * bpf_ringbuf_output calls run by BPF_PROG_TEST_RUN; the producer asks for only as many program runs
 * as the free space holds, so no record is dropped. Flags 0 in both: the producer wakes the consumer
 * when it has caught up (kernel/bpf/ringbuf.c, bpf_ringbuf_commit), which is what libbpf tools use.
 */

#define RING_SIZE (256 * 1024)
/* Enough records per program run that the test loop's own step (kernel.prog.empty) is under 2 %. */
#define RECORDS_PER_PROG 16
/* A run whose consumer falls this far behind has lost records. */
#define CONSUMER_DEADLINE_NS 10000000000ull

struct ring_state {
	struct ring_counts *counts; /* shared with the consumer */
	pid_t consumer;
	/* bpftime's ring */
	struct bpftime_map *rb;
	/* the kernel's ring, its producer program and the producer's read-only view of the positions */
	int map_fd;
	int prog_fd;
	const unsigned long *consumer_pos;
	const unsigned long *producer_pos;
	void *consumer_page, *producer_page;
	unsigned char packet[64];
	uint64_t record[RING_RECORD_SIZE / 8];
};

static inline void cpu_relax(void)
{
	__builtin_ia32_pause();
}

static void close_ring(void *state)
{
	struct ring_state *s = state;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (s->consumer > 0)
		ring_consumer_stop(s->consumer, s->counts);
	if (s->counts)
		munmap(s->counts, sizeof(*s->counts));
	if (s->consumer_page)
		munmap(s->consumer_page, page);
	if (s->producer_page)
		munmap(s->producer_page, page);
	if (s->prog_fd >= 0)
		close(s->prog_fd);
	if (s->map_fd >= 0)
		close(s->map_fd);
	if (s->rb)
		bpftime_map_close(s->rb);
	free(s);
}

/* A figure's state, producer and consumer on two CPUs; 0, BENCH_SKIP or -errno with why. */
static int new_state(struct ring_state **out, char *why, size_t why_len)
{
	struct ring_state *s;
	int err = figure_state_alloc(2, sizeof(*s), (void **)&s, why, why_len);

	if (err)
		return err;
	s->map_fd = s->prog_fd = -1;
	s->counts = mmap(NULL, sizeof(*s->counts), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->counts == MAP_FAILED) {
		err = -errno;
		snprintf(why, why_len, "mmap of the shared counters: %s", strerror(errno));
		s->counts = NULL;
		close_ring(s);
		return err;
	}
	for (int i = 0; i < RING_RECORD_SIZE / 8; i++)
		s->record[i] = RING_RECORD_WORD(i);
	*out = s;
	return 0;
}

/* Waits until the consumer has read `target` records in all. */
static int wait_consumed(struct ring_state *s, uint64_t target, char *why, size_t why_len)
{
	uint64_t deadline = bench_now_ns() + CONSUMER_DEADLINE_NS;

	for (unsigned spins = 0;; spins++) {
		uint64_t consumed = __atomic_load_n(&s->counts->consumed, __ATOMIC_ACQUIRE);

		if (consumed >= target)
			break;
		if ((spins & 1023) == 0 && bench_now_ns() > deadline) {
			snprintf(why, why_len, "records read by the consumer: actual %llu vs expected %llu after 10 s",
				 (unsigned long long)consumed, (unsigned long long)target);
			return -ETIMEDOUT;
		}
		cpu_relax();
	}
	if (s->counts->bad) {
		snprintf(why, why_len, "records read with a wrong length or content: actual %llu vs expected 0",
			 (unsigned long long)s->counts->bad);
		return -EINVAL;
	}
	return 0;
}

/* ---- bpftime's ring ---- */

static int open_bpftime_ring(void **state, char *why, size_t why_len)
{
	struct ring_source src = { 0 };
	struct ring_state *s;
	int64_t consumer_off, producer_off, data_off, data_size;
	int err = new_state(&s, why, why_len);

	if (err)
		return err;
	err = bpftime_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RING_SIZE, 0, -1, 0, 0, "bench", &s->rb);
	if (err) {
		snprintf(why, why_len, "bpftime_map_create(ringbuf): %s", strerror(-err));
		s->rb = NULL;
		close_ring(s);
		return err;
	}
	err = bpftime_ringbuf_layout(s->rb, &consumer_off, &producer_off, &data_off, &data_size);
	if (err) {
		snprintf(why, why_len, "bpftime_ringbuf_layout: %s", strerror(-err));
		close_ring(s);
		return err;
	}
	src = (struct ring_source){ .fd = bpftime_map_memfd(s->rb), .wait_fd = bpftime_map_eventfd(s->rb),
				    .data_size = (uint64_t)data_size, .consumer_off = consumer_off,
				    .producer_off = producer_off, .data_off = data_off };
	s->consumer = ring_consumer_start(&src, s->counts, why, why_len);
	if (s->consumer < 0) {
		close_ring(s);
		return -EIO;
	}
	*state = s;
	return 0;
}

static int run_bpftime_ring(void *state, uint64_t ops, char *why, size_t why_len)
{
	struct ring_state *s = state;
	uint64_t target = __atomic_load_n(&s->counts->consumed, __ATOMIC_ACQUIRE) + ops;
	cpu_set_t saved;
	int err = pin_to_cpu_index(0, &saved);

	if (err) {
		snprintf(why, why_len, "pinning the producer to the first CPU: %s", strerror(-err));
		return err;
	}

	for (uint64_t done = 0; done < ops && !err;) {
		long rc = bpftime_ringbuf_output(s->rb, s->record, RING_RECORD_SIZE, 0);

		if (rc == 0) {
			done++;
		} else if (rc == -EAGAIN) {
			cpu_relax();
		} else {
			snprintf(why, why_len, "bpftime_ringbuf_output: %s", strerror((int)-rc));
			err = (int)rc;
		}
	}
	if (!err)
		err = wait_consumed(s, target, why, why_len);
	restore_cpus(&saved);
	return err;
}

/* ---- the kernel's ring ---- */

/* RECORDS_PER_PROG times bpf_ringbuf_output(map, r10 - 64, 64, 0); returns the OR of the results. */
static int load_producer(int map_fd, char *why, size_t why_len)
{
	struct bpf_insn p[RING_RECORD_SIZE / 8 + 1 + RECORDS_PER_PROG * 8 + 2];
	uint32_t n = 0;

	for (int i = 0; i < RING_RECORD_SIZE / 8; i++)
		p[n++] = kbpf_insn(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, (int16_t)(-RING_RECORD_SIZE + 8 * i),
				   (int32_t)RING_RECORD_WORD(i));
	p[n++] = kbpf_insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_6, 0, 0, 0);
	for (int i = 0; i < RECORDS_PER_PROG; i++) {
		n += kbpf_ld_map_fd(p + n, BPF_REG_1, map_fd);
		p[n++] = kbpf_insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0);
		p[n++] = kbpf_insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -RING_RECORD_SIZE);
		p[n++] = kbpf_insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, RING_RECORD_SIZE);
		p[n++] = kbpf_insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, 0);
		p[n++] = kbpf_insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_output);
		p[n++] = kbpf_insn(BPF_ALU64 | BPF_OR | BPF_X, BPF_REG_6, BPF_REG_0, 0, 0);
	}
	p[n++] = kbpf_insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_0, BPF_REG_6, 0, 0);
	p[n++] = kbpf_insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return kbpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, p, n, why, why_len);
}

static int open_kernel_ring(void **state, char *why, size_t why_len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct ring_source src;
	struct ring_state *s;
	int err = new_state(&s, why, why_len);

	if (err)
		return err;
	s->map_fd = kbpf_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RING_SIZE);
	if (s->map_fd < 0) {
		err = s->map_fd;
		snprintf(why, why_len, "bpf(BPF_MAP_CREATE, ringbuf): %s", strerror(-err));
		close_ring(s);
		return err == -EPERM ? BENCH_SKIP : err;
	}
	s->prog_fd = load_producer(s->map_fd, why, why_len);
	if (s->prog_fd < 0) {
		err = s->prog_fd;
		close_ring(s);
		return err == -EPERM ? BENCH_SKIP : err;
	}
	/* The producer reads both positions to ask only for runs whose records fit. */
	s->consumer_page = mmap(NULL, page, PROT_READ, MAP_SHARED, s->map_fd, 0);
	s->producer_page = mmap(NULL, page, PROT_READ, MAP_SHARED, s->map_fd, (off_t)page);
	if (s->consumer_page == MAP_FAILED || s->producer_page == MAP_FAILED) {
		snprintf(why, why_len, "mmap of the ring's positions: %s", strerror(errno));
		if (s->consumer_page == MAP_FAILED)
			s->consumer_page = NULL;
		if (s->producer_page == MAP_FAILED)
			s->producer_page = NULL;
		close_ring(s);
		return -EIO;
	}
	s->consumer_pos = s->consumer_page;
	s->producer_pos = s->producer_page;
	src = (struct ring_source){ .fd = s->map_fd, .wait_fd = s->map_fd, .data_size = RING_SIZE, .kernel_layout = 1 };
	s->consumer = ring_consumer_start(&src, s->counts, why, why_len);
	if (s->consumer < 0) {
		close_ring(s);
		return -EIO;
	}
	*state = s;
	return 0;
}

/* Program runs whose records fit in the free space now (kernel/bpf/ringbuf.c refuses a record that
 * would take the producer more than size - 1 bytes ahead of the consumer). */
static uint64_t runs_that_fit(const struct ring_state *s)
{
	unsigned long cons = __atomic_load_n(s->consumer_pos, __ATOMIC_ACQUIRE);
	unsigned long prod = __atomic_load_n(s->producer_pos, __ATOMIC_ACQUIRE);
	unsigned long used = prod - cons;

	return used >= RING_SIZE - 1 ? 0 : (RING_SIZE - 1 - used) / RING_RECORD_SPAN / RECORDS_PER_PROG;
}

static int run_kernel_ring(void *state, uint64_t ops, char *why, size_t why_len)
{
	struct ring_state *s = state;
	uint64_t runs = (ops + RECORDS_PER_PROG - 1) / RECORDS_PER_PROG;
	uint64_t target = __atomic_load_n(&s->counts->consumed, __ATOMIC_ACQUIRE) + runs * RECORDS_PER_PROG;
	cpu_set_t saved;
	int err = pin_to_cpu_index(0, &saved);

	if (err) {
		snprintf(why, why_len, "pinning the producer to the first CPU: %s", strerror(-err));
		return err;
	}

	while (runs && !err) {
		uint64_t fit = runs_that_fit(s);
		uint32_t retval = 0;

		if (!fit) {
			cpu_relax();
			continue;
		}
		if (fit > runs)
			fit = runs;
		err = kbpf_prog_test_run(s->prog_fd, s->packet, sizeof(s->packet), (uint32_t)fit, &retval);
		if (err) {
			snprintf(why, why_len, "bpf(BPF_PROG_TEST_RUN, repeat %llu): %s", (unsigned long long)fit,
				 strerror(-err));
		} else if (retval != 0) {
			snprintf(why, why_len, "bpf_ringbuf_output in the producer: actual %d vs expected 0",
				 (int)retval);
			err = -EIO;
		}
		runs -= fit;
	}
	if (!err)
		err = wait_consumed(s, target, why, why_len);
	restore_cpus(&saved);
	return err;
}

const struct bench_figure fig_kernel_ringbuf_output = {
	.name = "kernel.ringbuf.output.64b",
	.needs_root = 1,
	.setup = open_kernel_ring,
	.run = run_kernel_ring,
	.teardown = close_ring,
};

const struct bench_figure fig_bpftime_ringbuf_output = {
	.name = "bpftime.ringbuf.output.64b",
	.kernel = "kernel.ringbuf.output.64b",
	.setup = open_bpftime_ring,
	.run = run_bpftime_ring,
	.teardown = close_ring,
};
