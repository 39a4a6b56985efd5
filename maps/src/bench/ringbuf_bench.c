/*
 * Ring buffer throughput for 64-byte records, producer and consumer in different processes:
 * bpftime's ring (bpftime_ringbuf_output from a native producer) against the kernel's
 * BPF_MAP_TYPE_RINGBUF (bpf_ringbuf_output from a BPF program run by BPF_PROG_TEST_RUN, as root).
 * Both consumers are the same code, written against <linux/bpf.h> only; "busy" spins on the
 * producer position, "epoll" sleeps in epoll_wait(EPOLLET) when the ring is empty, as libbpf does.
 * Producers drop records when the ring is full; the figure is records delivered per second, the
 * producer pinned to CPU 0 and the consumer to CPU 1, measured in 50 ms windows: the best window
 * (the pair undisturbed by other processes) and the median.
 *
 *   ringbuf_bench [seconds]
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "bpftime_map.h"
#include "bpftime_ringbuf.h"
#include "kernel_bpf.h"

#define RING_SIZE (256 * 1024)
#define RECORD 64
#define OUTPUTS_PER_RUN 64
#define PAGE 4096ul

#define WINDOW 0.05 /* seconds */
#define MAX_WINDOWS 4096

struct shared {
	volatile int stop, consumer_ready;
	uint64_t attempts, produced, consumed;
	double consume_seconds;
	int windows;
	double window_rate[MAX_WINDOWS]; /* records per second delivered in each 50 ms window */
};
static struct shared *sh;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct ring {
	unsigned long *consumer_pos;
	const unsigned long *producer_pos;
	const uint8_t *data;
	unsigned long mask;
};

/* libbpf's ringbuf_process_ring(), counting records */
static uint64_t drain(struct ring *r)
{
	uint64_t n = 0;
	unsigned long cons = *r->consumer_pos;
	for (;;) {
		unsigned long prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
		if (cons >= prod)
			break;
		const uint32_t *hdr = (const uint32_t *)(r->data + (cons & r->mask));
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		if (!(len & BPF_RINGBUF_DISCARD_BIT))
			n++;
		cons += ((len & ~(uint32_t)BPF_RINGBUF_DISCARD_BIT) + BPF_RINGBUF_HDR_SZ + 7) & ~7ul;
		__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
	}
	return n;
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void consume(struct ring *r, int wait_fd, int use_epoll)
{
	pin(1);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET }, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, wait_fd, &ev);
	sh->consumer_ready = 1;
	uint64_t total = 0, in_window = 0;
	double first = 0, window_start = 0;
	while (!sh->stop) {
		uint64_t n = drain(r);
		if (n && !first)
			first = window_start = now();
		total += n;
		in_window += n;
		if (first) {
			double t = now();
			if (t - window_start >= WINDOW && sh->windows < MAX_WINDOWS) {
				sh->window_rate[sh->windows++] = in_window / (t - window_start);
				in_window = 0;
				window_start = t;
			}
		}
		if (!n && use_epoll)
			epoll_wait(ep, &out, 1, 10);
	}
	total += drain(r);
	sh->consumed = total;
	sh->consume_seconds = now() - first;
	_exit(0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static pid_t start_consumer(struct ring *r, int wait_fd, int use_epoll)
{
	sh->consumer_ready = 0;
	pid_t pid = fork();
	if (pid == 0)
		consume(r, wait_fd, use_epoll);
	while (!sh->consumer_ready)
		;
	return pid;
}

/* The best 50 ms window: what the pair achieves when no other process takes their CPUs. */
static double report(const char *who, const char *how, pid_t consumer)
{
	waitpid(consumer, NULL, 0);
	int n = sh->windows;
	qsort(sh->window_rate, n, sizeof(double), cmp_double);
	double best = n ? sh->window_rate[n - 1] : 0, med = n ? sh->window_rate[n / 2] : 0;
	printf("%-8s %-24s best %6.2f  median %6.2f M records/s  (%llu of %llu records delivered)\n", who, how,
	       best / 1e6, med / 1e6, (unsigned long long)sh->consumed, (unsigned long long)sh->attempts);
	fflush(stdout);
	return best;
}

static double ours(double seconds, uint64_t flags, int use_epoll, const char *how)
{
	struct bpftime_map *rb;
	if (bpftime_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RING_SIZE, 0, -1, 0, 0, "bench", &rb))
		return -1;
	int64_t cons_off, prod_off, data_off, size;
	bpftime_ringbuf_layout(rb, &cons_off, &prod_off, &data_off, &size);
	int fd = bpftime_map_memfd(rb);
	/* the consumer's view, mapped as the shim maps it for an app */
	struct ring r;
	r.consumer_pos = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, cons_off);
	uint8_t *area = mmap(NULL, PAGE + 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mmap(area, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, prod_off);
	mmap(area + PAGE, size, PROT_READ, MAP_SHARED | MAP_FIXED, fd, data_off);
	mmap(area + PAGE + size, size, PROT_READ, MAP_SHARED | MAP_FIXED, fd, data_off);
	r.producer_pos = (unsigned long *)area;
	r.data = area + PAGE;
	r.mask = size - 1;
	memset((void *)sh, 0, sizeof(*sh));
	pid_t consumer = start_consumer(&r, bpftime_map_eventfd(rb), use_epoll);
	pid_t producer = fork();
	if (producer == 0) {
		pin(0);
		uint8_t rec[RECORD] = { 1 };
		uint64_t attempts = 0, ok = 0;
		double end = now() + seconds;
		while (now() < end) {
			for (int i = 0; i < 1024; i++)
				ok += bpftime_ringbuf_output(rb, rec, RECORD, flags) == 0;
			attempts += 1024;
		}
		sh->attempts = attempts;
		sh->produced = ok;
		_exit(0);
	}
	waitpid(producer, NULL, 0);
	sh->stop = 1;
	double rate = report("bpftime", how, consumer);
	bpftime_map_close(rb);
	return rate;
}

static int kernel_ringbuf_prog(int map_fd, uint64_t flags)
{
	struct bpf_insn p[8 + OUTPUTS_PER_RUN * 7 + 2];
	int n = 0;
	for (int i = 0; i < RECORD / 8; i++)
		p[n++] = ST_DW(BPF_REG_10, -RECORD + 8 * i, i);
	for (int i = 0; i < OUTPUTS_PER_RUN; i++) {
		p[n++] = LD_MAP_FD_1(BPF_REG_1, map_fd);
		p[n++] = LD_MAP_FD_2();
		p[n++] = MOV64_REG(BPF_REG_2, BPF_REG_10);
		p[n++] = ADD64_IMM(BPF_REG_2, -RECORD);
		p[n++] = MOV64_IMM(BPF_REG_3, RECORD);
		p[n++] = MOV64_IMM(BPF_REG_4, (int32_t)flags);
		p[n++] = CALL(BPF_FUNC_ringbuf_output);
	}
	p[n++] = MOV64_IMM(BPF_REG_0, 0);
	p[n++] = EXIT();
	return kprog_load(p, n, NULL, 0);
}

static double kernel(double seconds, uint64_t flags, int use_epoll, const char *how)
{
	int fd = kmap_create(BPF_MAP_TYPE_RINGBUF, 0, 0, RING_SIZE);
	int prog = fd >= 0 ? kernel_ringbuf_prog(fd, flags) : -1;
	if (fd < 0 || prog < 0) {
		printf("%-8s %-22s skipped: %s (needs root)\n", "kernel", how, strerror(errno));
		return -1;
	}
	struct ring r;
	r.consumer_pos = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	uint8_t *p = mmap(NULL, PAGE + 2 * RING_SIZE, PROT_READ, MAP_SHARED, fd, PAGE);
	r.producer_pos = (unsigned long *)p;
	r.data = p + PAGE;
	r.mask = RING_SIZE - 1;
	memset((void *)sh, 0, sizeof(*sh));
	pid_t consumer = start_consumer(&r, fd, use_epoll);
	pid_t producer = fork();
	if (producer == 0) {
		pin(0);
		uint64_t runs = 0;
		double end = now() + seconds;
		while (now() < end) {
			kprog_run(prog, 256);
			runs += 256;
		}
		sh->attempts = runs * OUTPUTS_PER_RUN;
		_exit(0);
	}
	waitpid(producer, NULL, 0);
	sh->stop = 1;
	double rate = report("kernel", how, consumer);
	close(prog);
	close(fd);
	return rate;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 1.0;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	signal(SIGPIPE, SIG_IGN);
	struct {
		uint64_t flags;
		int epoll;
		const char *how;
	} cases[] = {
		{ 0, 0, "busy consumer" },
		{ BPF_RB_NO_WAKEUP, 0, "busy, BPF_RB_NO_WAKEUP" },
		{ 0, 1, "epoll consumer" },
	};
	printf("64-byte records, %d KiB ring, producer and consumer in two processes, %.1f s each\n", RING_SIZE / 1024,
	       seconds);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double o = ours(seconds, cases[i].flags, cases[i].epoll, cases[i].how);
		double k = kernel(seconds, cases[i].flags, cases[i].epoll, cases[i].how);
		if (o > 0 && k > 0)
			printf("%-8s %-22s %8.2fx the kernel's rate\n", "ratio", cases[i].how, o / k);
	}
	return 0;
}
