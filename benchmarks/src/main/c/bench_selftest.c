/*
 * Checks of the harness's own logic (median, JSON output, calibration) and of its clocks, run by
 * `make check` in Maven's test phase, often on a loaded machine. A check that load can defeat (a
 * preempted thread runs late, never early) is made on up to ATTEMPTS fresh measurements and passes
 * when one of them meets it; a broken clock or calibration misses it on every one.
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static int passed, failed;

#define ATTEMPTS 5
#define STR_(x) #x
#define STR(x) STR_(x)

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

static void sleep_ns(long ns)
{
	struct timespec wait = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };

	while (nanosleep(&wait, &wait) != 0)
		;
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
		sleep_ns(2000000);
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

/*
 * The clocks against the kernel's sleep: nanosleep waits at least what it is asked on
 * CLOCK_MONOTONIC, so a 2 ms sleep measures at least 2 ms every time (a clock that loses time or
 * truncates fails), and less than 20 ms at least once (a clock that runs fast or counts in the
 * wrong unit fails). A busy loop until the thread's CPU clock has counted 2 ms takes at least 2 ms
 * of wall time (a CPU clock that runs fast fails) and ends within 2 s (one that does not count fails).
 */
static void clocks(void)
{
	int never_short = 1, once_close = 0;
	uint64_t start, cpu_start, wall;

	for (int i = 0; i < ATTEMPTS; i++) {
		start = bench_now_ns();
		sleep_ns(2000000);
		wall = bench_now_ns() - start;
		never_short &= wall >= 2000000;
		once_close |= wall < 20000000;
	}
	expect(never_short, "a 2 ms nanosleep never measures less than 2 ms");
	expect(once_close, "a 2 ms nanosleep measures under 20 ms at least once in " STR(ATTEMPTS));

	start = bench_now_ns();
	cpu_start = bench_thread_cpu_ns();
	do
		wall = bench_now_ns() - start;
	while (bench_thread_cpu_ns() - cpu_start < 2000000 && wall < 2000000000);
	wall = bench_now_ns() - start;
	/* two clock sources: a little drift */
	expect(wall + wall / 100 >= 2000000, "2 ms of thread CPU time take at least 2 ms of wall time");
	expect(wall < 2000000000, "2 ms of thread CPU time take less than 2 s of wall time");
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

	clocks();

	/*
	 * Calibration doubles ops from 1 until a run lasts 100 us of which a quarter on the CPU, or 800 us
	 * whatever the CPU did: at 1 us per op a power of two up to 1024 on every attempt, whatever the
	 * load; 64 or 128 (64 ops take 64 us and a little, 128 ops 128 us) on an attempt that ran
	 * undisturbed, as at least one of them does.
	 */
	int measured = 1, bounded = 1, within = 1, reached = 0;

	for (int i = 0; i < ATTEMPTS && !reached; i++) {
		measured &= bench_measure(&sleepy, NULL, &cfg, &r, why, sizeof(why)) == 0 && r.runs == 5;
		bounded &= r.ops >= 1 && r.ops <= 1024 && (r.ops & (r.ops - 1)) == 0;
		within &= r.min_ns_per_op <= r.ns_per_op && r.ns_per_op <= r.max_ns_per_op && r.ns_per_op >= 1000 &&
			  r.cpu_ns_per_op > 0 && r.cpu_ns_per_op <= r.max_ns_per_op * 1.01;
		reached |= r.ops == 64 || r.ops == 128;
	}
	expect(measured, "measuring a working figure succeeds and counts all its runs");
	expect(bounded, "calibration's ops is a power of two the 800 us wait limit bounds by 1024");
	expect(within, "a 1 us operation measures at least 1000 ns, the median within min..max, CPU time within wall");
	expect(reached, "calibration stops at 64 or 128 ops of 1 us (a 100 us run) at least once in " STR(ATTEMPTS));

	/*
	 * Runs of 1 ms, the first one a 2 ms wait with no CPU time: calibration must go on past it. A
	 * loaded machine can stretch that wait past the 8 ms that ends calibration anyway; a calibration
	 * that stops at a run long only by waiting stops at 1 op on every attempt.
	 */
	int went_on = 0;

	for (int i = 0; i < ATTEMPTS && !went_on; i++) {
		waiting_calls = 0;
		went_on = bench_measure(&waiting, &waiting_calls, &one_ms, &r, why, sizeof(why)) == 0 && r.ops > 1;
	}
	expect(went_on, "calibration does not stop at a run that lasted long only by waiting");

	expect(bench_measure(&capped, NULL, &one_second, &r, why, sizeof(why)) == 0 && r.ops == 1024,
	       "calibration stops at the figure's max_ops");

	expect(bench_measure(&failing, NULL, &cfg, &r, why, sizeof(why)) == -5, "a failing run's error is returned");
	expect(strcmp(why, "run of 1 ops failed") == 0, "a failing run's reason is kept");

	printf("bench_selftest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
