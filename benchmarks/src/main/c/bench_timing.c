#include "bench.h"

#include <stdlib.h>
#include <time.h>

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
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

static int timed_run(const struct bench_figure *fig, void *state, uint64_t ops, uint64_t *elapsed_ns,
		     char *why, size_t why_len)
{
	uint64_t start = bench_now_ns();
	int err = fig->run(state, ops, why, why_len);

	*elapsed_ns = bench_now_ns() - start;
	return err;
}

/* Doubles the operation count until one run lasts min_run_ns; these runs also warm caches up. */
static int calibrate(const struct bench_figure *fig, void *state, const struct bench_config *cfg,
		     uint64_t *ops, char *why, size_t why_len)
{
	uint64_t n = 1, elapsed;

	for (;;) {
		int err = timed_run(fig, state, n, &elapsed, why, why_len);

		if (err)
			return err;
		if (elapsed >= cfg->min_run_ns || (fig->max_ops && n * 2 > fig->max_ops))
			break;
		n *= 2;
	}
	*ops = n;
	return 0;
}

int bench_measure(const struct bench_figure *fig, void *state, const struct bench_config *cfg,
		  struct bench_result *out, char *why, size_t why_len)
{
	double per_op[BENCH_MAX_RUNS];
	uint64_t ops, elapsed;
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
		per_op[i] = (double)elapsed / (double)ops;
	}
	out->ops = ops;
	out->runs = runs;
	out->ns_per_op = bench_median(per_op, runs);
	/* bench_median sorted the array. */
	out->min_ns_per_op = per_op[0];
	out->max_ns_per_op = per_op[runs - 1];
	return 0;
}
