#include "bench.h"

#include <stdlib.h>
#include <time.h>

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t bench_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t bench_thread_cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(double *values, int n)
{
	qsort(values, (size_t)n, sizeof(*values), compare_doubles);
	if (n % 2)
		return values[n / 2];
	return (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct elapsed {
	uint64_t wall_ns;
	uint64_t cpu_ns;
};

static int timed_run(const struct bench_figure *fig, void *state, uint64_t ops, struct elapsed *elapsed,
		     char *why, size_t why_len)
{
	/* The wall interval encloses the CPU one, so CPU time never exceeds wall time by the clock reads. */
	uint64_t start = bench_now_ns();
	uint64_t cpu_start = bench_thread_cpu_ns();
	int err = fig->run(state, ops, why, why_len);

	elapsed->cpu_ns = bench_thread_cpu_ns() - cpu_start;
	elapsed->wall_ns = bench_now_ns() - start;
	return err;
}

/*
 * Doubles the operation count until one run lasts min_run_ns; these runs also warm caches up. The
 * run must also have kept its thread busy for a quarter of that: on a loaded machine a short run can
 * last min_run_ns only because the thread waited for a CPU (a thread pinned to a busy CPU waits a
 * whole time slice), and stopping there would time a handful of operations. A run that waits by
 * design stops doubling at CALIBRATION_WAIT_LIMIT times min_run_ns.
 */
#define CALIBRATION_WAIT_LIMIT 8
static int calibrate(const struct bench_figure *fig, void *state, const struct bench_config *cfg,
		     uint64_t *ops, char *why, size_t why_len)
{
	struct elapsed elapsed;
	uint64_t n = 1;

	for (;;) {
		int err = timed_run(fig, state, n, &elapsed, why, why_len);

		if (err)
			return err;
		if ((elapsed.wall_ns >= cfg->min_run_ns && elapsed.cpu_ns >= cfg->min_run_ns / 4) ||
		    elapsed.wall_ns >= CALIBRATION_WAIT_LIMIT * cfg->min_run_ns || (fig->max_ops && n * 2 > fig->max_ops))
			break;
		n *= 2;
	}
	*ops = n;
	return 0;
}

int bench_measure(const struct bench_figure *fig, void *state, const struct bench_config *cfg,
		  struct bench_result *out, char *why, size_t why_len)
{
	double per_op[BENCH_MAX_RUNS], cpu_per_op[BENCH_MAX_RUNS];
	struct elapsed elapsed;
	uint64_t ops;
	int runs = cfg->runs < BENCH_MAX_RUNS ? cfg->runs : BENCH_MAX_RUNS;
	int err = calibrate(fig, state, cfg, &ops, why, why_len);

	if (err)
		return err;
	for (int i = 0; i < cfg->warmup_runs; i++) {
		err = timed_run(fig, state, ops, &elapsed, why, why_len);
		if (err)
			return err;
	}
	for (int i = 0; i < runs; i++) {
		err = timed_run(fig, state, ops, &elapsed, why, why_len);
		if (err)
			return err;
		per_op[i] = (double)elapsed.wall_ns / (double)ops;
		cpu_per_op[i] = (double)elapsed.cpu_ns / (double)ops;
	}
	out->ops = ops;
	out->runs = runs;
	out->insns_per_op = 0;
	out->ns_per_op = bench_median(per_op, runs);
	out->cpu_ns_per_op = bench_median(cpu_per_op, runs);
	/* bench_median sorted the array. */
	out->min_ns_per_op = per_op[0];
	out->max_ns_per_op = per_op[runs - 1];
	return 0;
}
