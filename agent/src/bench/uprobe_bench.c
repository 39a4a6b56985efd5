/*
 * Cost of a uprobe and a uretprobe hit: bpftime's probe engine against the kernel's uprobes on the
 * same functions in the same run (the kernel's need root), timed as benchmarks/ times every figure
 * (runs grown to >= 50 ms, 2 warm-up runs, median of 11; CPU time beside wall time).
 *
 *   uprobe_bench [--quick] [--images DIR] [NAME-PREFIX...]
 *
 * DIR holds the JIT images of the test programs (ProbeEngineTest writes them to
 * target/native/jit-images); without it the .jit figures are skipped. One JSON object per figure on
 * stdout, in the fields of the harness (benchmarks/src/main/c/bench_json.c), and a table on stderr.
 * Every "count" figure's program counts its hits in an array map; the count must equal the calls
 * made, or the figure is an error: no figure comes from a probe that did not fire.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpftime_probe.h"
#include "support/kernel_uprobe.h"
#include "../test/c/support/test_progs.h"

long bench_lea(long a);
long bench_push(long a);

enum engine { ENGINE_NONE, ENGINE_JIT, ENGINE_INTERP, ENGINE_KERNEL };

struct figure {
	const char *name;
	const char *kernel;   /* the kernel figure it is compared with */
	const char *baseline; /* the figure whose cost is part of this one's */
	long (*target)(long);
	enum engine engine;
	uint32_t kind;        /* BPFTIME_PROBE_ENTRY / RETURN */
	uint32_t flags;       /* BPFTIME_PROBE_F_INT3 */
	int counting;
};

static const struct figure figures[] = {
	{ "baseline.call.lea", NULL, NULL, bench_lea, ENGINE_NONE, 0, 0, 0 },
	{ "baseline.call.push_rbp", NULL, NULL, bench_push, ENGINE_NONE, 0, 0, 0 },
	{ "kernel.uprobe.lea", NULL, "baseline.call.lea", bench_lea, ENGINE_KERNEL, 0, 0, 0 },
	{ "kernel.uprobe.lea.count", NULL, "baseline.call.lea", bench_lea, ENGINE_KERNEL, 0, 0, 1 },
	{ "kernel.uprobe.push_rbp", NULL, "baseline.call.push_rbp", bench_push, ENGINE_KERNEL, 0, 0, 0 },
	{ "kernel.uretprobe.lea", NULL, "baseline.call.lea", bench_lea, ENGINE_KERNEL, 1, 0, 0 },
	{ "kernel.uretprobe.lea.count", NULL, "baseline.call.lea", bench_lea, ENGINE_KERNEL, 1, 0, 1 },
	{ "bpftime.uprobe.lea.jit", "kernel.uprobe.lea", "baseline.call.lea", bench_lea, ENGINE_JIT, 0, 0, 0 },
	{ "bpftime.uprobe.lea.jit.count", "kernel.uprobe.lea.count", "baseline.call.lea", bench_lea, ENGINE_JIT, 0, 0, 1 },
	{ "bpftime.uprobe.lea.interp", "kernel.uprobe.lea", "baseline.call.lea", bench_lea, ENGINE_INTERP, 0, 0, 0 },
	{ "bpftime.uprobe.lea.interp.count", "kernel.uprobe.lea.count", "baseline.call.lea", bench_lea, ENGINE_INTERP, 0, 0, 1 },
	{ "bpftime.uprobe.push_rbp.jit", "kernel.uprobe.push_rbp", "baseline.call.push_rbp", bench_push, ENGINE_JIT, 0, 0, 0 },
	{ "bpftime.uprobe.lea.int3.jit", "kernel.uprobe.lea", "baseline.call.lea", bench_lea, ENGINE_JIT, 0, BPFTIME_PROBE_F_INT3, 0 },
	{ "bpftime.uretprobe.lea.jit", "kernel.uretprobe.lea", "baseline.call.lea", bench_lea, ENGINE_JIT, 1, 0, 0 },
	{ "bpftime.uretprobe.lea.jit.count", "kernel.uretprobe.lea.count", "baseline.call.lea", bench_lea, ENGINE_JIT, 1, 0, 1 },
	{ "bpftime.uretprobe.lea.interp", "kernel.uretprobe.lea", "baseline.call.lea", bench_lea, ENGINE_INTERP, 1, 0, 0 },
};
#define NFIG (sizeof(figures) / sizeof(figures[0]))

static uint64_t min_run_ns = 50000000;
static int runs = 11, warmups = 2;
static int have_jit;

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static volatile long sink;
static uint64_t calls;

static void run(long (*fn)(long), uint64_t ops)
{
	long s = 0;
	for (uint64_t i = 0; i < ops; i++)
		s += fn((long)i);
	sink = s;
	calls += ops;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct result {
	double ns, cpu_ns;
	uint64_t ops;
};

static void measure(const struct figure *f, struct result *r)
{
	uint64_t ops = 1000;
	for (;;) {
		uint64_t t0 = now_ns(CLOCK_MONOTONIC);
		run(f->target, ops);
		if (now_ns(CLOCK_MONOTONIC) - t0 >= min_run_ns || ops >= (1ull << 34))
			break;
		ops *= 2;
	}
	double wall[101], cpu[101];
	for (int i = 0; i < warmups; i++)
		run(f->target, ops);
	for (int i = 0; i < runs; i++) {
		uint64_t t0 = now_ns(CLOCK_MONOTONIC), c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
		run(f->target, ops);
		wall[i] = (double)(now_ns(CLOCK_MONOTONIC) - t0) / ops;
		cpu[i] = (double)(now_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / ops;
	}
	qsort(wall, runs, sizeof(double), cmp_double);
	qsort(cpu, runs, sizeof(double), cmp_double);
	r->ns = wall[runs / 2];
	r->cpu_ns = cpu[runs / 2];
	r->ops = ops;
}

/* Attaches the figure's probe; 0, BENCH_SKIP (1) or -errno with why. */
static int setup(const struct figure *f, int *id, struct kernel_uprobe *k, char *why, size_t len)
{
	if (f->engine == ENGINE_NONE)
		return 0;
	if (f->engine == ENGINE_KERNEL) {
		if (geteuid() != 0) {
			snprintf(why, len, "the kernel's uprobes with BPF need root");
			return 1;
		}
		return kernel_uprobe_attach((const void *)f->target, f->kind == BPFTIME_PROBE_RETURN, f->counting, k, why, len);
	}
	if (f->engine == ENGINE_JIT && !have_jit) {
		snprintf(why, len, "no JIT images (--images DIR, written by ProbeEngineTest to target/native/jit-images)");
		return 1;
	}
	struct bpftime_probe_spec spec = { f->kind, f->flags, NULL, (uintptr_t)f->target };
	*id = bpftime_probe_attach(&spec, progs_get_on(f->counting ? PROG_COUNT : PROG_EMPTY, f->engine == ENGINE_JIT), 0);
	if (*id < 0) {
		snprintf(why, len, "bpftime_probe_attach: %s", strerror(-*id));
		return *id;
	}
	bpftime_probe_poll(5000);
	struct bpftime_probe_info info;
	bpftime_probe_info(*id, &info);
	uint32_t want = f->flags & BPFTIME_PROBE_F_INT3 ? BPFTIME_PROBE_MODE_INT3 : BPFTIME_PROBE_MODE_INLINE;
	if (info.mode != want) {
		snprintf(why, len, "probe mode: actual %u (%s) vs expected %u", info.mode, info.why_int3, want);
		bpftime_probe_detach(*id);
		return -EINVAL;
	}
	return 0;
}

/* Detaches, checking a counting probe's count against the calls made; 0 or -EIO with why. */
static int teardown(const struct figure *f, int id, struct kernel_uprobe *k, char *why, size_t len)
{
	int64_t count = -1;
	if (f->engine == ENGINE_KERNEL) {
		if (f->counting)
			count = kernel_uprobe_count(k);
		kernel_uprobe_detach(k);
	} else if (f->engine != ENGINE_NONE) {
		if (f->counting)
			count = (int64_t)progs_count(COUNT_PLAIN);
		bpftime_probe_detach(id);
	}
	if (f->counting && (uint64_t)count != calls) {
		snprintf(why, len, "hits counted by the program: actual %lld vs expected %llu calls", (long long)count,
			 (unsigned long long)calls);
		return -EIO;
	}
	return 0;
}

static const struct result *find(const char *name, const struct result *results, const int *done)
{
	for (size_t i = 0; i < NFIG; i++)
		if (done[i] && strcmp(figures[i].name, name) == 0)
			return &results[i];
	return NULL;
}

static void json_result(const struct figure *f, const struct result *r)
{
	printf("{\"name\":\"%s\",\"status\":\"ok\",\"ns_per_op\":%.3f,\"cpu_ns_per_op\":%.3f,\"ops\":%llu,\"runs\":%d",
	       f->name, r->ns, r->cpu_ns, (unsigned long long)r->ops, runs);
	if (f->kernel)
		printf(",\"kernel\":\"%s\"", f->kernel);
	if (f->baseline)
		printf(",\"baseline\":\"%s\"", f->baseline);
	printf("}\n");
}

static int selected(const char *name, int argc, char **argv, int first)
{
	if (first >= argc)
		return 1;
	for (int i = first; i < argc; i++)
		if (strncmp(name, argv[i], strlen(argv[i])) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *images = NULL;
	int first = 1;
	while (first < argc && argv[first][0] == '-') {
		if (strcmp(argv[first], "--quick") == 0) {
			min_run_ns = 5000000;
			runs = 3;
			warmups = 1;
			first++;
		} else if (strcmp(argv[first], "--images") == 0 && first + 1 < argc) {
			images = argv[first + 1];
			first += 2;
		} else {
			fprintf(stderr, "usage: uprobe_bench [--quick] [--images DIR] [NAME-PREFIX...]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (progs_init_both(images)) {
		fprintf(stderr, "uprobe_bench: cannot load the programs%s\n", images ? " (images?)" : "");
		return 1;
	}
	have_jit = images != NULL;
	struct result results[NFIG];
	int done[NFIG] = { 0 }, failed = 0;
	for (size_t i = 0; i < NFIG; i++) {
		const struct figure *f = &figures[i];
		if (!selected(f->name, argc, argv, first))
			continue;
		char why[4096] = "";
		int id = -1;
		struct kernel_uprobe k;
		progs_reset();
		int r = setup(f, &id, &k, why, sizeof(why));
		if (r == 1) {
			printf("{\"name\":\"%s\",\"status\":\"skipped\",\"reason\":\"%s\"}\n", f->name, why);
			continue;
		}
		if (r == 0) {
			calls = 0;
			measure(f, &results[i]);
			r = teardown(f, id, &k, why, sizeof(why));
		}
		if (r) {
			printf("{\"name\":\"%s\",\"status\":\"error\",\"reason\":\"%s\"}\n", f->name, why);
			failed = 1;
			continue;
		}
		done[i] = 1;
		json_result(f, &results[i]);
	}
	fprintf(stderr, "%-34s %10s %10s %10s  %s\n", "figure", "ns/op", "cpu ns/op", "net ns", "ours / kernel (net)");
	for (size_t i = 0; i < NFIG; i++) {
		if (!done[i])
			continue;
		const struct figure *f = &figures[i];
		const struct result *b = f->baseline ? find(f->baseline, results, done) : NULL;
		double net = b ? results[i].ns - b->ns : results[i].ns;
		fprintf(stderr, "%-34s %10.2f %10.2f %10.2f", f->name, results[i].ns, results[i].cpu_ns, net);
		const struct result *kr = f->kernel ? find(f->kernel, results, done) : NULL;
		const struct figure *kf = NULL;
		for (size_t j = 0; kr && j < NFIG; j++)
			if (strcmp(figures[j].name, f->kernel) == 0)
				kf = &figures[j];
		if (kr && kf) {
			const struct result *kb = kf->baseline ? find(kf->baseline, results, done) : NULL;
			double knet = kb ? kr->ns - kb->ns : kr->ns;
			fprintf(stderr, "  %.4f (1/%.0f)", net / knet, knet / net);
		}
		fprintf(stderr, "\n");
	}
	return failed;
}
