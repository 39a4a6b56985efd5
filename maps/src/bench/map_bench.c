/*
 * What a map helper costs: lookup, update and delete ns/op on ARRAY and HASH from native code, with
 * one and two threads (pinned to CPUs 0 and 1), against the kernel's same operations from a BPF
 * program in the same run (BPF_PROG_TEST_RUN with repeat, as root; skipped otherwise).
 *
 * Kernel side: one program does an operation on each of the 1024 keys per run, in the order our
 * side uses them; a program that does the same stores without the helper calls gives the
 * overhead, which is subtracted. Our side subtracts the cost of its loop alone the same way.
 * "lookup inlined" is the array lookup a JIT inlines (bpftime_map_inline.h), as the kernel's
 * verifier does for every array lookup. Each figure is the fastest of 25 timed chunks on both
 * sides, so that other processes on a shared machine inflate neither; rounds take the median. "delete" is timed as a delete+insert pair on both sides (a delete needs a key to
 * delete); "update" replaces an existing key's value.
 *
 *   map_bench [rounds]     prints one line per operation: ours 1T, ours 2T, kernel 1T, kernel 2T
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bpftime_map.h"
#include "bpftime_map_inline.h"
#include "kernel_bpf.h"

#define NKEYS 1024
#define HASH_MAX 4096
#define OPS_PER_RUN NKEYS /* every key once per run, in the order our side uses them */
#define CHUNKS 25          /* timed pieces per measurement; the fastest one counts, on both sides */
#define OURS_OPS 200000L   /* per chunk */
#define KERNEL_REPEAT 200  /* runs of 1024 operations per chunk */

enum op { LOOKUP, LOOKUP_INLINED, UPDATE, DELETE_INSERT, N_OPS, EMPTY = N_OPS };
static const char *op_names[] = { "lookup", "lookup inlined", "update", "delete+insert" };

static uint32_t keys[NKEYS];
static uintptr_t sink; /* written once per thread, so threads share no line in the loop */

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* ---- ours ---- */

struct ours_job {
	struct bpftime_map *m;
	int array, op, cpu, offset;
	double ns_per_op;
};

static void *ours_run(void *arg)
{
	struct ours_job *j = arg;
	pin(j->cpu);
	struct bpftime_map *m = j->m;
	struct bpftime_array_view view;
	bpftime_array_view(m, &view);
	uint64_t v = 1;
	uintptr_t acc = 0;
	double best = 1e300;
	for (int chunk = 0; chunk < CHUNKS; chunk++) {
	double t0 = now_ns();
	for (long i = 0; i < OURS_OPS; i++) {
		/* thread 2 works half a key set away: contention like two CPUs' programs */
		uint32_t k = keys[(i + j->offset) & (NKEYS - 1)];
		switch (j->op) {
		case LOOKUP:
			acc += (uintptr_t)(j->array ? bpftime_array_lookup(m, &k) : bpftime_hash_lookup(m, &k));
			break;
		case LOOKUP_INLINED: /* what a JIT that inlines array lookups runs, as the kernel's does */
			acc += (uintptr_t)bpftime_array_view_lookup(&view, &k);
			__asm__ volatile("" : "+r"(acc));
			break;
		case UPDATE:
			v = i;
			bpftime_map_update_elem(m, &k, &v, BPF_ANY);
			break;
		case DELETE_INSERT:
			bpftime_map_delete_elem(m, &k);
			bpftime_map_update_elem(m, &k, &v, BPF_ANY);
			break;
		default: /* the loop alone: subtracted, as the kernel side subtracts its argument setup */
			acc += k;
			__asm__ volatile("" : "+r"(acc));
			break;
		}
	}
	double t = (now_ns() - t0) / OURS_OPS;
	if (t < best)
		best = t;
	}
	j->ns_per_op = best;
	__atomic_fetch_add(&sink, acc, __ATOMIC_RELAXED);
	return NULL;
}

static double ours(int array, int op, int threads)
{
	struct bpftime_map *m;
	int rc = array ? bpftime_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, NKEYS, 0, -1, 0, 0, "bench", &m)
		       : bpftime_map_create(BPF_MAP_TYPE_HASH, 4, 8, HASH_MAX, 0, -1, 0, 0, "bench", &m);
	if (rc) {
		fprintf(stderr, "create: %d\n", rc);
		exit(1);
	}
	uint64_t v = 0;
	for (int i = 0; i < NKEYS; i++)
		bpftime_map_update_elem(m, &keys[i], &v, BPF_ANY);
	struct ours_job jobs[2];
	pthread_t t[2];
	for (int i = 0; i < threads; i++) {
		jobs[i] = (struct ours_job){ .m = m, .array = array, .op = op, .cpu = i, .offset = i * NKEYS / 2 };
		pthread_create(&t[i], NULL, ours_run, &jobs[i]);
	}
	double sum = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		sum += jobs[i].ns_per_op;
	}
	bpftime_map_close(m);
	return sum / threads; /* ns per op as each thread sees it */
}

static double ours_net(int array, int op, int threads)
{
	return ours(array, op, threads) - ours(array, EMPTY, threads);
}

/* ---- kernel ---- */

/* One program: OPS_PER_RUN operations (or, with calls == 0, only their argument setup). */
static int kernel_prog(int map_fd, int op, int calls, int offset)
{
	static struct bpf_insn p[OPS_PER_RUN * 16 + 4];
	int n = 0;
	for (int i = 0; i < OPS_PER_RUN; i++) {
		p[n++] = ST_W(BPF_REG_10, -4, (int32_t)keys[(i + offset) & (NKEYS - 1)]);
		p[n++] = ST_DW(BPF_REG_10, -16, i);
		for (int rep = 0; rep < (op == DELETE_INSERT ? 2 : 1); rep++) {
			int update = op == UPDATE || (op == DELETE_INSERT && rep == 1);
			p[n++] = LD_MAP_FD_1(BPF_REG_1, map_fd);
			p[n++] = LD_MAP_FD_2();
			p[n++] = MOV64_REG(BPF_REG_2, BPF_REG_10);
			p[n++] = ADD64_IMM(BPF_REG_2, -4);
			if (update) {
				p[n++] = MOV64_REG(BPF_REG_3, BPF_REG_10);
				p[n++] = ADD64_IMM(BPF_REG_3, -16);
				p[n++] = MOV64_IMM(BPF_REG_4, BPF_ANY);
			}
			if (calls)
				p[n++] = CALL(op <= LOOKUP_INLINED ? BPF_FUNC_map_lookup_elem
							   : update ? BPF_FUNC_map_update_elem : BPF_FUNC_map_delete_elem);
		}
	}
	p[n++] = MOV64_IMM(BPF_REG_0, 0);
	p[n++] = EXIT();
	int fd = kprog_load(p, n, NULL, 0);
	if (fd < 0 && geteuid() == 0) {
		static char log[1 << 20]; /* load again with the verifier's log, to say why */
		kprog_load(p, n, log, sizeof(log));
		fprintf(stderr, "BPF_PROG_LOAD: %s\n%.2000s\n", strerror(errno), log);
	}
	return fd;
}

struct kernel_job {
	int prog, cpu;
	double ns_per_run;
};

static void *kernel_run(void *arg)
{
	struct kernel_job *j = arg;
	pin(j->cpu);
	double best = 1e300;
	for (int r = 0; r < CHUNKS; r++) {
		double t = (double)kprog_run(j->prog, KERNEL_REPEAT);
		if (t < best)
			best = t;
	}
	j->ns_per_run = best;
	return NULL;
}

/* ns per run, each thread running its program on its CPU */
static double kernel_per_run(const int *progs, int threads)
{
	struct kernel_job jobs[2];
	pthread_t t[2];
	for (int i = 0; i < threads; i++) {
		jobs[i] = (struct kernel_job){ .prog = progs[i], .cpu = i };
		pthread_create(&t[i], NULL, kernel_run, &jobs[i]);
	}
	double sum = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		sum += jobs[i].ns_per_run;
	}
	return sum / threads;
}

/* ns per operation, or -1 when the kernel side cannot run here. The kernel inlines array lookups
 * into the program itself, so "lookup" and "lookup inlined" are the same program for arrays. */
static double kernel(int array, int op, int threads)
{
	int fd = array ? kmap_create(BPF_MAP_TYPE_ARRAY, 4, 8, NKEYS) : kmap_create(BPF_MAP_TYPE_HASH, 4, 8, HASH_MAX);
	if (fd < 0)
		return -1;
	uint64_t v = 0;
	for (int i = 0; i < NKEYS; i++)
		kmap_update(fd, &keys[i], &v, BPF_ANY);
	int with[2] = { -1, -1 }, without[2] = { -1, -1 };
	double ns = -1;
	for (int t = 0; t < threads; t++) {
		with[t] = kernel_prog(fd, op, 1, t * NKEYS / 2);
		without[t] = kernel_prog(fd, op, 0, t * NKEYS / 2);
	}
	if (with[0] >= 0 && without[0] >= 0 && (threads < 2 || (with[1] >= 0 && without[1] >= 0))) {
		double full = kernel_per_run(with, threads), base = kernel_per_run(without, threads);
		ns = (full - base) / OPS_PER_RUN;
	}
	for (int t = 0; t < 2; t++) {
		if (with[t] >= 0)
			close(with[t]);
		if (without[t] >= 0)
			close(without[t]);
	}
	close(fd);
	return ns;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 3;
	for (int i = 0; i < NKEYS; i++)
		keys[i] = (uint32_t)((i * 389) % NKEYS); /* 389 is odd: a permutation of 0..NKEYS-1 */
	printf("%-6s %-14s %10s %10s %10s %10s %8s\n", "map", "op", "ours 1T", "ours 2T", "kernel 1T", "kernel 2T",
	       "ratio 1T");
	for (int array = 1; array >= 0; array--) {
		for (int op = 0; op < N_OPS; op++) {
			if ((array && op >= UPDATE + 1) || (!array && op == LOOKUP_INLINED))
				continue; /* arrays have no delete; hash lookups are calls in the kernel too */
			double r[4][16];
			for (int k = 0; k < rounds; k++) {
				r[0][k] = ours_net(array, op, 1);
				r[1][k] = ours_net(array, op, 2);
				r[2][k] = kernel(array, op, 1);
				r[3][k] = kernel(array, op, 2);
			}
			double m[4];
			char cell[4][16], ratio[16];
			for (int c = 0; c < 4; c++) {
				m[c] = median(r[c], rounds);
				/* below the loop's own noise: the operation overlaps completely with it */
				snprintf(cell[c], sizeof(cell[c]), c >= 2 && r[c][0] < 0 && m[c] < 0 ? "skipped"
								   : m[c] < 0.5 ? "<0.5" : "%.2f", m[c]);
			}
			snprintf(ratio, sizeof(ratio), m[2] <= 0 || m[0] < 0.5 ? "-" : "%.2fx", m[0] / m[2]);
			printf("%-6s %-14s %10s %10s %10s %10s %8s\n", array ? "array" : "hash", op_names[op], cell[0],
			       cell[1], cell[2], cell[3], ratio);
			fflush(stdout);
		}
	}
	if (geteuid() != 0)
		printf("kernel columns skipped: BPF_PROG_LOAD and BPF_PROG_TEST_RUN need root\n");
	return 0;
}
