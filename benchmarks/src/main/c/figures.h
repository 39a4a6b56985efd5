/* Every figure the native harness knows; bench_main.c lists them in the order they run. */
#ifndef FIGURES_H
#define FIGURES_H

#include "bench.h"

/* figures_baseline.c: what the machine itself costs, the yardstick for everything else. */
extern const struct bench_figure fig_baseline_call_empty;
extern const struct bench_figure fig_baseline_syscall_getppid;

/* figures_kernel_syscall.c: bpf() map commands from userspace, as a libbpf tool issues them. */
extern const struct bench_figure fig_kernel_syscall_lookup_array;
extern const struct bench_figure fig_kernel_syscall_lookup_hash;
extern const struct bench_figure fig_kernel_syscall_update_array;
extern const struct bench_figure fig_kernel_syscall_update_hash;

/* figures_kernel_prog.c: programs run in the kernel by BPF_PROG_TEST_RUN, cost per run. */
extern const struct bench_figure fig_kernel_prog_empty;
extern const struct bench_figure fig_kernel_prog_lookup_array;
extern const struct bench_figure fig_kernel_prog_lookup_hash;
extern const struct bench_figure fig_kernel_prog_lookup_array_hash;

#endif
