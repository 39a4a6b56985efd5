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
extern const struct bench_figure fig_kernel_prog_empty_per16;
extern const struct bench_figure fig_kernel_prog_empty_per16_2t;
extern const struct bench_figure fig_kernel_prog_lookup_array;
extern const struct bench_figure fig_kernel_prog_lookup_array_2t;
extern const struct bench_figure fig_kernel_prog_lookup_hash;
extern const struct bench_figure fig_kernel_prog_lookup_hash_2t;
extern const struct bench_figure fig_kernel_prog_lookup_array_hash;
extern const struct bench_figure fig_kernel_prog_update_array;
extern const struct bench_figure fig_kernel_prog_update_array_2t;
extern const struct bench_figure fig_kernel_prog_update_hash;
extern const struct bench_figure fig_kernel_prog_update_hash_2t;
extern const struct bench_figure fig_kernel_prog_delete_hash;
extern const struct bench_figure fig_kernel_prog_update_delete_hash_2t;

/* figures_bpftime_map.c: the maps library's operations as a BPF helper makes them. */
extern const struct bench_figure fig_bpftime_map_lookup_array;
extern const struct bench_figure fig_bpftime_map_lookup_array_2t;
extern const struct bench_figure fig_bpftime_map_lookup_hash;
extern const struct bench_figure fig_bpftime_map_lookup_hash_2t;
extern const struct bench_figure fig_bpftime_map_update_array;
extern const struct bench_figure fig_bpftime_map_update_array_2t;
extern const struct bench_figure fig_bpftime_map_update_hash;
extern const struct bench_figure fig_bpftime_map_update_hash_2t;
extern const struct bench_figure fig_bpftime_map_delete_hash;
extern const struct bench_figure fig_bpftime_map_update_delete_hash_2t;

/* figures_jit_prog.c: the kernel figures' programs as JIT code of ours, maps inlined as the kernel does. */
extern const struct bench_figure fig_bpftime_jit_prog_empty_per16;
extern const struct bench_figure fig_bpftime_jit_prog_lookup_array;
extern const struct bench_figure fig_bpftime_jit_prog_empty_per16_2t;
extern const struct bench_figure fig_bpftime_jit_prog_lookup_array_2t;

/* figures_ringbuf.c: 64-byte records from a producer to a consumer in another process. */
extern const struct bench_figure fig_kernel_ringbuf_output;
extern const struct bench_figure fig_bpftime_ringbuf_output;

/* figures_shim.c: the map commands of figures_kernel_syscall.c from an application through the shim. */
extern const struct bench_figure fig_bpftime_shim_lookup_array;
extern const struct bench_figure fig_bpftime_shim_lookup_hash;
extern const struct bench_figure fig_bpftime_shim_update_array;
extern const struct bench_figure fig_bpftime_shim_update_hash;

/* figures_start.c: process start to the first bpf() answered, kernel, shim with and without a service. */
extern const struct bench_figure fig_kernel_start_first_bpf;
extern const struct bench_figure fig_bpftime_start_first_bpf_warm;
extern const struct bench_figure fig_bpftime_start_first_bpf_cold;

/* figures_uprobe.c: a uprobe / uretprobe hit, the kernel's and ours, on the same functions. */
#define UPROBE_FIGURES(X) \
	X(baseline_call_lea) X(baseline_call_push_rbp) \
	X(kernel_uprobe_lea) X(kernel_uprobe_lea_count) X(kernel_uprobe_push) X(kernel_uprobe_push_count) \
	X(kernel_uretprobe_lea) X(kernel_uretprobe_lea_count) X(kernel_uretprobe_push) X(kernel_uretprobe_push_count) \
	X(kernel_uprobe_hash_update) X(kernel_uprobe_hash_update_count) \
	X(bpftime_uprobe_lea) X(bpftime_uprobe_lea_count) X(bpftime_uprobe_push) X(bpftime_uprobe_push_count) \
	X(bpftime_uretprobe_lea) X(bpftime_uretprobe_lea_count) X(bpftime_uretprobe_push) X(bpftime_uretprobe_push_count) \
	X(bpftime_uprobe_hash_update) X(bpftime_uprobe_hash_update_count) \
	X(bpftime_uprobe_lea_interp) X(bpftime_uprobe_lea_interp_count) X(bpftime_uprobe_lea_int3) X(bpftime_uprobe_lea_int3_count)

/* figures_tracepoint.c: a syscall tracepoint with a program, the kernel's and ours. */
#define TRACEPOINT_FIGURES(X) \
	X(baseline_syscall_write_5b) \
	X(kernel_tp_getppid) X(kernel_tp_getppid_count) X(kernel_tp_write) X(kernel_tp_write_count) \
	X(bpftime_tp_getppid) X(bpftime_tp_getppid_count) X(bpftime_tp_getppid_count_tgid) X(bpftime_tp_write) \
	X(bpftime_tp_write_count) X(bpftime_tp_write_count_tgid) \
	X(bpftime_hooks_getppid) X(bpftime_tp_getppid_vectors) X(bpftime_tp_getppid_fallback) X(bpftime_tp_getppid_sud_on) \
	X(baseline_syscall_getppid_sud)

/* figures_startup.c: a process started under the probe engine, with and without ten probes. */
#define STARTUP_FIGURES(X) \
	X(baseline_process_start) X(kernel_process_start_10) X(bpftime_process_start_agent) X(bpftime_process_start_engine) \
	X(bpftime_process_start_engine_10)

#define PROBE_FIGURE_DECL(var) extern const struct bench_figure fig_##var;
UPROBE_FIGURES(PROBE_FIGURE_DECL)
TRACEPOINT_FIGURES(PROBE_FIGURE_DECL)
STARTUP_FIGURES(PROBE_FIGURE_DECL)
#define PROBE_FIGURE_REF(var) &fig_##var,
#define PROBE_FIGURE_LIST \
	UPROBE_FIGURES(PROBE_FIGURE_REF) TRACEPOINT_FIGURES(PROBE_FIGURE_REF) STARTUP_FIGURES(PROBE_FIGURE_REF)

/* figures_vm.c: the VM suite natively, as JIT code and on the interpreter. */
#define VM_FIGURE_DECLS(prog) \
	extern const struct bench_figure fig_native_vm_##prog; \
	extern const struct bench_figure fig_bpftime_vm_jit_##prog; \
	extern const struct bench_figure fig_bpftime_vm_interp_##prog
VM_FIGURE_DECLS(sieve);
VM_FIGURE_DECLS(memcpy);
VM_FIGURE_DECLS(strcmp);
VM_FIGURE_DECLS(switch);
VM_FIGURE_DECLS(log2);
VM_FIGURE_DECLS(hash);
VM_FIGURE_DECLS(arith);

#endif
