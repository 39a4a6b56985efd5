/*
 * bpftime-bench [--quick | --check] [--list] [NAME_PREFIX...]
 * bpftime-bench --dump-probe-programs DIR
 *
 * Runs every native figure (or those whose name starts with one of the prefixes) and prints one
 * JSON line per figure on stdout; progress goes to stderr. Exit status 1 when a figure failed,
 * 0 when all were measured or skipped with a reason.
 *
 * --check measures nothing: it sets each figure up, runs one operation (which checks its result)
 * and tears it down, ending with "N passed, M failed, K skipped" (Maven's test phase runs it).
 *
 * bpftime-bench --write-programs DIR writes the kernel figures' programs the JIT figures also run
 * (kernel_prog.h); the Makefile calls it, and the Java build step compiles what it wrote.
 */
#include "figures.h"
#include "kernel_prog.h"
#include "probe_programs.h"

#include <errno.h>
#include <sys/wait.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Run order: baselines, kernel figures, then ours; the report pairs figures by name, not by order. */
static const struct bench_figure *const figures[] = {
	&fig_baseline_call_empty,
	&fig_baseline_syscall_getppid,
	&fig_kernel_syscall_lookup_array,
	&fig_kernel_syscall_lookup_hash,
	&fig_kernel_syscall_update_array,
	&fig_kernel_syscall_update_hash,
	&fig_kernel_prog_empty,
	&fig_kernel_prog_empty_per16,
	&fig_kernel_prog_empty_per16_2t,
	&fig_kernel_prog_lookup_array,
	&fig_kernel_prog_lookup_array_2t,
	&fig_kernel_prog_lookup_hash,
	&fig_kernel_prog_lookup_hash_2t,
	&fig_kernel_prog_lookup_array_hash,
	&fig_kernel_prog_update_array,
	&fig_kernel_prog_update_array_2t,
	&fig_kernel_prog_update_hash,
	&fig_kernel_prog_update_hash_2t,
	&fig_kernel_prog_delete_hash,
	&fig_kernel_prog_update_delete_hash_2t,
	&fig_bpftime_map_lookup_array,
	&fig_bpftime_map_lookup_array_2t,
	&fig_bpftime_map_lookup_hash,
	&fig_bpftime_map_lookup_hash_2t,
	&fig_bpftime_map_update_array,
	&fig_bpftime_map_update_array_2t,
	&fig_bpftime_map_update_hash,
	&fig_bpftime_map_update_hash_2t,
	&fig_bpftime_map_delete_hash,
	&fig_bpftime_map_update_delete_hash_2t,
	&fig_bpftime_jit_prog_empty_per16,
	&fig_bpftime_jit_prog_lookup_array,
	&fig_bpftime_jit_prog_empty_per16_2t,
	&fig_bpftime_jit_prog_lookup_array_2t,
	&fig_kernel_ringbuf_output,
	&fig_bpftime_ringbuf_output,
	&fig_bpftime_shim_lookup_array,
	&fig_bpftime_shim_lookup_hash,
	&fig_bpftime_shim_update_array,
	&fig_bpftime_shim_update_hash,
	&fig_kernel_start_first_bpf,
	&fig_bpftime_start_first_bpf_warm,
	&fig_bpftime_start_first_bpf_cold,
	PROBE_FIGURE_LIST
#define VM_FIGURE_LIST(prog) &fig_native_vm_##prog, &fig_bpftime_vm_jit_##prog, &fig_bpftime_vm_interp_##prog
	VM_FIGURE_LIST(sieve),
	VM_FIGURE_LIST(memcpy),
	VM_FIGURE_LIST(strcmp),
	VM_FIGURE_LIST(switch),
	VM_FIGURE_LIST(log2),
	VM_FIGURE_LIST(hash),
	VM_FIGURE_LIST(arith),
};

#define FIGURE_COUNT (sizeof(figures) / sizeof(figures[0]))

/* Full: runs of 50 ms, median of 11. Quick: a smoke run of the same code, figures only indicative. */
static const struct bench_config full_config = { .min_run_ns = 50000000, .warmup_runs = 2, .runs = 11 };
static const struct bench_config quick_config = { .min_run_ns = 5000000, .warmup_runs = 1, .runs = 3 };

static int selected(const char *name, int argc, char **argv, int first_filter)
{
	if (first_filter >= argc)
		return 1;
	for (int i = first_filter; i < argc; i++)
		if (strncmp(name, argv[i], strlen(argv[i])) == 0)
			return 1;
	return 0;
}

/*
 * Runs body(fig, cfg) in a child when the figure asks for a process of its own, else here. The
 * child writes its JSON line to the same stdout; its exit status is body's result.
 */
static int in_own_process(int (*body)(const struct bench_figure *, const struct bench_config *),
			  const struct bench_figure *fig, const struct bench_config *cfg)
{
	int status;
	pid_t pid;

	if (!fig->own_process)
		return body(fig, cfg);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		_exit(body(fig, cfg));
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		fprintf(stderr, "%-40s FAILED: fork/wait: %s\n", fig->name, strerror(errno));
		return 1;
	}
	if (!WIFEXITED(status)) {
		bench_json_error(stdout, fig, "the figure's process died (signal)");
		fprintf(stderr, "%-40s FAILED: its process died of signal %d\n", fig->name, WTERMSIG(status));
		return 1;
	}
	return WEXITSTATUS(status);
}

/* Returns 0 when measured or skipped, 1 when the figure failed. */
static int run_figure(const struct bench_figure *fig, const struct bench_config *cfg)
{
	char why[8192] = "";
	struct bench_result result;
	void *state = NULL;
	int err;

	if (fig->needs_root && geteuid() != 0) {
		snprintf(why, sizeof(why), "needs root for kernel BPF (CAP_BPF and CAP_PERFMON or CAP_SYS_ADMIN); euid is %u",
			 (unsigned)geteuid());
		bench_json_skipped(stdout, fig, why);
		fprintf(stderr, "%-40s skipped: %s\n", fig->name, why);
		return 0;
	}
	err = fig->setup(&state, why, sizeof(why));
	if (err == BENCH_SKIP) {
		bench_json_skipped(stdout, fig, why);
		fprintf(stderr, "%-40s skipped: %s\n", fig->name, why);
		return 0;
	}
	if (err == 0) {
		err = bench_measure(fig, state, cfg, &result, why, sizeof(why));
		if (!err && fig->insns_per_op)
			result.insns_per_op = fig->insns_per_op(state);
		fig->teardown(state);
	}
	if (err) {
		bench_json_error(stdout, fig, why);
		fprintf(stderr, "%-40s FAILED: %s\n", fig->name, why);
		return 1;
	}
	bench_json_result(stdout, fig, &result);
	fprintf(stderr, "%-40s %10.2f ns/op, cpu %.2f (median of %d runs of %llu ops)\n", fig->name,
		result.ns_per_op, result.cpu_ns_per_op, result.runs, (unsigned long long)result.ops);
	return 0;
}

enum check_outcome { CHECK_PASSED, CHECK_FAILED, CHECK_SKIPPED };

/* Sets the figure up, runs one operation and tears it down: the figure works, nothing is timed. */
static int check_figure(const struct bench_figure *fig, const struct bench_config *cfg)
{
	(void)cfg;
	char why[8192] = "";
	void *state = NULL;
	int err;

	if (fig->needs_root && geteuid() != 0) {
		fprintf(stderr, "check %-40s skipped: needs root\n", fig->name);
		return CHECK_SKIPPED;
	}
	err = fig->setup(&state, why, sizeof(why));
	if (err == BENCH_SKIP) {
		fprintf(stderr, "check %-40s skipped: %s\n", fig->name, why);
		return CHECK_SKIPPED;
	}
	if (err == 0) {
		err = fig->run(state, 1, why, sizeof(why));
		fig->teardown(state);
	}
	if (err) {
		fprintf(stderr, "check %-40s FAILED: %s\n", fig->name, why);
		return CHECK_FAILED;
	}
	fprintf(stderr, "check %-40s ok\n", fig->name);
	return CHECK_PASSED;
}

int main(int argc, char **argv)
{
	const struct bench_config *cfg = &full_config;
	int first_filter = 1, failed = 0, list = 0, check = 0;
	int outcomes[3] = { 0 };

	if (argc == 3 && strcmp(argv[1], "--write-programs") == 0) {
		static const char *const kinds[] = { "empty_per16", "map_lookup_array", "map_lookup_array_key1" };
		char why[512];

		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (kernel_prog_write(kinds[k], argv[2], why, sizeof(why))) {
				fprintf(stderr, "%s: %s\n", argv[0], why);
				return 1;
			}
		return 0;
	}

	for (; first_filter < argc && strncmp(argv[first_filter], "--", 2) == 0; first_filter++) {
		if (strcmp(argv[first_filter], "--quick") == 0) {
			cfg = &quick_config;
		} else if (strcmp(argv[first_filter], "--list") == 0) {
			list = 1;
		} else if (strcmp(argv[first_filter], "--check") == 0) {
			check = 1;
		} else if (strcmp(argv[first_filter], "--dump-probe-programs") == 0 && first_filter + 1 < argc) {
			/* the build's step before JitImages compiles them (see probe_programs.h) */
			return probe_programs_dump(argv[first_filter + 1]) ? 1 : 0;
		} else {
			fprintf(stderr, "usage: %s [--quick | --check] [--list] [NAME_PREFIX...]\n", argv[0]);
			return 2;
		}
	}
	for (size_t i = 0; i < FIGURE_COUNT; i++) {
		if (!selected(figures[i]->name, argc, argv, first_filter))
			continue;
		if (list)
			printf("%s\n", figures[i]->name);
		else if (check)
			outcomes[in_own_process(check_figure, figures[i], cfg)]++;
		else
			failed |= in_own_process(run_figure, figures[i], cfg) != 0;
	}
	if (check && !list) {
		printf("bench_check: %d passed, %d failed, %d skipped\n", outcomes[CHECK_PASSED],
		       outcomes[CHECK_FAILED], outcomes[CHECK_SKIPPED]);
		return outcomes[CHECK_FAILED] ? 1 : 0;
	}
	return failed;
}
