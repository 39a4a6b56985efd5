/*
 * The native benchmark harness: a figure is a named operation that the harness times on
 * CLOCK_MONOTONIC. It calibrates how many operations make one run last long enough, throws
 * away warm-up runs, and reports the median cost per operation of N runs as one JSON line.
 * Each run is also timed on the thread's CPU clock: on a busy machine the wall time grows by the
 * time other tasks ran, the CPU time does not, so a gap between the two flags a disturbed figure.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* setup() returns this (and a reason) when the figure cannot be measured on this machine. */
#define BENCH_SKIP 1

struct bench_figure {
	/* Dotted name: baseline.*, kernel.*, later bpftime.*; the key of the results file. */
	const char *name;
	/* The kernel figure this one is compared against (ratio ours / kernel), or NULL. */
	const char *kernel;
	/*
	 * Or the figure of the same work compiled natively (native.*) this one is compared against
	 * (ratio ours / native), or NULL; a figure names at most one counterpart.
	 */
	const char *native;
	/*
	 * A figure of the same run whose cost is part of this one's (e.g. the kernel's test-run loop
	 * around a program); the report subtracts it to give the net cost of the operation, or NULL.
	 */
	const char *baseline;
	/* Kernel figures need CAP_BPF / CAP_SYS_ADMIN: skipped with a reason unless euid is 0. */
	int needs_root;
	/*
	 * Runs in a child process of its own (set up, measured, torn down there): for a figure whose
	 * setup changes the whole process for good (the syscall hooks).
	 */
	int own_process;
	/* Largest operation count one run() accepts (e.g. the u32 repeat of PROG_TEST_RUN); 0: no limit. */
	uint64_t max_ops;
	/* Returns 0, BENCH_SKIP or -errno; writes the reason for a skip or an error into why. */
	int (*setup)(void **state, char *why, size_t why_len);
	/* Performs ops operations; returns 0 or -errno (reason in why). */
	int (*run)(void *state, uint64_t ops, char *why, size_t why_len);
	void (*teardown)(void *state);
	/* Optional: instructions one operation executes (a VM figure), reported beside its cost. */
	double (*insns_per_op)(void *state);
};

struct bench_config {
	uint64_t min_run_ns; /* calibration grows ops until one run takes at least this long */
	int warmup_runs;
	int runs;
};

struct bench_result {
	double ns_per_op; /* median of the runs */
	double cpu_ns_per_op; /* median of the runs on CLOCK_THREAD_CPUTIME_ID (user and kernel time) */
	double min_ns_per_op;
	double max_ns_per_op;
	uint64_t ops; /* operations per run */
	int runs;
	double insns_per_op; /* 0: not counted */
};

/*
 * A figure made of a shared setup taking a per-figure config (a cfg_type built from the trailing
 * arguments), a shared run and teardown: defines fig_<var>.
 */
#define BENCH_CONFIGURED_FIGURE(var, cfg_type, configured_setup, run_fn, teardown_fn, fig_name, counterpart, base, \
				own, ...)                                                                         \
	static const cfg_type cfg_##var = { __VA_ARGS__ };                                                        \
	static int setup_##var(void **state, char *why, size_t why_len)                                             \
	{                                                                                                           \
		return configured_setup(&cfg_##var, state, why, why_len);                                           \
	}                                                                                                           \
	const struct bench_figure fig_##var = { .name = fig_name,                                                   \
						.kernel = counterpart,                                              \
						.baseline = base,                                                   \
						.own_process = own,                                                 \
						.setup = setup_##var,                                               \
						.run = run_fn,                                                      \
						.teardown = teardown_fn }

#define BENCH_MAX_RUNS 101

uint64_t bench_now_ns(void);
uint64_t bench_thread_cpu_ns(void);

/* Median of n values (n >= 1); sorts values in place. */
double bench_median(double *values, int n);

/*
 * Times one figure whose setup already succeeded. Returns 0, or -errno from run() with its
 * reason in why.
 */
int bench_measure(const struct bench_figure *fig, void *state, const struct bench_config *cfg,
		  struct bench_result *out, char *why, size_t why_len);

/* JSON lines on out: one object per figure, flushed at once so a crash loses nothing. */
void bench_json_result(FILE *out, const struct bench_figure *fig, const struct bench_result *r);
void bench_json_skipped(FILE *out, const struct bench_figure *fig, const char *reason);
void bench_json_error(FILE *out, const struct bench_figure *fig, const char *reason);
/* Writes s as a JSON string literal, quotes included. */
void bench_json_string(FILE *out, const char *s);

#endif
