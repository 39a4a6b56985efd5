/* Checks of the harness's own logic (median, JSON output), run by `make check` in Maven's test phase. */
#include "bench.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static int passed, failed;

static void expect(int ok, const char *what)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		fprintf(stderr, "FAILED: %s\n", what);
	}
}

static void expect_json(void (*write)(FILE *), const char *expected, const char *what)
{
	char buf[512] = "";
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	write(f);
	fclose(f);
	if (strcmp(buf, expected) != 0)
		fprintf(stderr, "%s: actual %s vs expected %s\n", what, buf, expected);
	expect(strcmp(buf, expected) == 0, what);
}

static const struct bench_figure paired = { .name = "bpftime.x", .kernel = "kernel.x", .baseline = "bpftime.empty" };

static void write_result(FILE *f)
{
	struct bench_result r = { .ns_per_op = 12.5, .cpu_ns_per_op = 12.25, .min_ns_per_op = 12, .max_ns_per_op = 14.25, .ops = 4096, .runs = 11 };

	bench_json_result(f, &paired, &r);
}

static void write_skip(FILE *f)
{
	bench_json_skipped(f, &paired, "needs \"root\"\\\n");
}

/* A figure whose every run costs the number of ops it was asked for times a fixed delay. */
static int sleepy_run(void *state, uint64_t ops, char *why, size_t why_len)
{
	(void)state;
	(void)why;
	(void)why_len;
	for (uint64_t i = 0; i < ops; i++) {
		uint64_t until = bench_now_ns() + 1000;

		while (bench_now_ns() < until)
			;
	}
	return 0;
}

/* The first run only waits (as a thread pinned to a busy CPU does); later ones are sleepy_run's. */
static int waiting_first_run(void *state, uint64_t ops, char *why, size_t why_len)
{
	int *calls = state;

	if ((*calls)++ == 0) {
		struct timespec wait = { .tv_nsec = 2000000 };

		nanosleep(&wait, NULL);
		return 0;
	}
	return sleepy_run(NULL, ops, why, why_len);
}

static int instant_run(void *state, uint64_t ops, char *why, size_t why_len)
{
	(void)state;
	(void)ops;
	(void)why;
	(void)why_len;
	return 0;
}

static int failing_run(void *state, uint64_t ops, char *why, size_t why_len)
{
	(void)state;
	snprintf(why, why_len, "run of %llu ops failed", (unsigned long long)ops);
	return -5;
}

int main(void)
{
	double odd[] = { 5, 1, 3 }, even[] = { 4, 1, 3, 2 }, one[] = { 7 };
	const struct bench_figure sleepy = { .name = "sleepy", .run = sleepy_run };
	const struct bench_figure capped = { .name = "capped", .run = instant_run, .max_ops = 1024 };
	const struct bench_config one_ms = { .min_run_ns = 1000000, .warmup_runs = 0, .runs = 1 };
	const struct bench_config one_second = { .min_run_ns = 1000000000, .warmup_runs = 0, .runs = 1 };
	const struct bench_figure failing = { .name = "failing", .run = failing_run };
	const struct bench_figure waiting = { .name = "waiting", .run = waiting_first_run };
	int waiting_calls = 0;
	const struct bench_config cfg = { .min_run_ns = 100000, .warmup_runs = 1, .runs = 5 };
	struct bench_result r;
	char why[128] = "";

	expect(bench_median(odd, 3) == 3, "median of an odd count is the middle value");
	expect(bench_median(even, 4) == 2.5, "median of an even count is the mean of the two middle values");
	expect(bench_median(one, 1) == 7, "median of one value is that value");

	expect_json(write_result,
		    "{\"name\":\"bpftime.x\",\"kernel\":\"kernel.x\",\"baseline\":\"bpftime.empty\",\"ns_per_op\":12.500,\"cpu_ns_per_op\":12.250,\"ops\":4096,\"runs\":11,"
		    "\"min_ns_per_op\":12.000,\"max_ns_per_op\":14.250}\n",
		    "result line");
	expect_json(write_skip, "{\"name\":\"bpftime.x\",\"kernel\":\"kernel.x\",\"baseline\":\"bpftime.empty\",\"skipped\":\"needs \\\"root\\\"\\\\\\u000a\"}\n",
		    "skip line escapes quotes, backslashes and control characters");

	expect(bench_measure(&sleepy, NULL, &cfg, &r, why, sizeof(why)) == 0, "measuring a working figure succeeds");
	expect(r.runs == 5, "all runs are counted");
	/* 128 ops of 1 us always reach 100 us; fewer may when the machine preempts a run, never more. */
	expect(r.ops >= 1 && r.ops <= 128 && (r.ops & (r.ops - 1)) == 0,
	       "calibration doubles ops until a run lasts 100 us at 1 us per op");
	expect(r.min_ns_per_op <= r.ns_per_op && r.ns_per_op <= r.max_ns_per_op, "median lies within min..max");
	expect(r.ns_per_op >= 1000, "a 1 us operation measures at least 1000 ns");
	expect(r.cpu_ns_per_op > 0 && r.cpu_ns_per_op <= r.max_ns_per_op * 1.01,
	       "a busy loop's CPU time is positive and at most its wall time");

	/* Runs of 1 ms, the first one a 2 ms wait: under the 8 ms that ends calibration anyway. */
	expect(bench_measure(&waiting, &waiting_calls, &one_ms, &r, why, sizeof(why)) == 0 && r.ops > 1,
	       "calibration does not stop at a run that lasted long only by waiting");

	expect(bench_measure(&capped, NULL, &one_second, &r, why, sizeof(why)) == 0 && r.ops == 1024,
	       "calibration stops at the figure's max_ops");

	expect(bench_measure(&failing, NULL, &cfg, &r, why, sizeof(why)) == -5, "a failing run's error is returned");
	expect(strcmp(why, "run of 1 ops failed") == 0, "a failing run's reason is kept");

	printf("bench_selftest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
