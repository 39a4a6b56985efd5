/* Shared by the helper files only: the helper signature, the guarded user-memory access, the hit. */
#ifndef BPFTIME_HELPERS_INTERNAL_H
#define BPFTIME_HELPERS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "bpftime_gpr_only.h"
#include "bpftime_helpers.h"

#define HELPER(name) uint64_t bpftime_h_##name(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
#define PTR(x) ((void *)(uintptr_t)(x))

/* The kernel half of the x86-64 address space (and non-canonical addresses): never readable here. */
static inline int kernel_address(uint64_t addr, uint64_t size)
{
	return addr >= 0x0000800000000000ull || size > 0x0000800000000000ull - addr;
}

/* Copies with process_vm_readv/writev on this process: 0, or -EFAULT when any byte is not mapped
 * with the access needed (copy_{from,to}_user_nofault). Never faults, never touches errno. */
long user_read(void *dst, uint64_t src, uint64_t size);
long user_write(uint64_t dst, const void *src, uint64_t size);
/* strncpy_from_user_nofault (mm/maccess.c): the length with its NUL, count when cut (dst[count-1]
 * then is NUL), or -EFAULT; dst written as the kernel writes it (user_memory.c). */
long user_read_str(char *dst, uint64_t src, uint64_t count);

/*
 * The helpers' system calls: through the syscall hooks' untraced gate when the agent links them,
 * else a raw `syscall` (bpftime_gpr_only.h). Never touches errno; -errno on failure.
 */
static inline long helper_syscall(long nr, long a, long b, long c, long d, long e)
{
	return bpftime_raw_syscall(nr, a, b, c, d, e);
}

/* helpers_init.c, for helper_task.c: the vDSO's clock_gettime (kernel code built without SSE,
 * arch/x86/Makefile's -mno-sse), NULL when there is none; a fork's child bumps the generation. */
extern int (*helper_vdso_clock_gettime)(long clock, void *ts);
void helper_after_fork_child(void);

/* The user stack as perf_callchain_user() walks it (frame pointers): the probed ip, the return
 * address at a function's entry, then each frame's; at most max entries (helper_stack.c). */
uint32_t user_callchain(const uint64_t *regs, int at_entry, uint64_t *ips, uint32_t max);

/* The current hit of this thread, or NULL. */
extern __thread struct bpftime_hit *bpftime_current_hit __attribute__((tls_model("initial-exec")));

/* This thread's id and the process's, cached and refreshed after fork. */
uint32_t helper_tid(void);
uint32_t helper_tgid(void);

/* The kernel's bpf_bprintf_prepare + bstr_printf (kernel/bpf/helpers.c, lib/vsprintf.c) on the
 * format subset described in bpf_format.c: the snprintf-style length, or -EINVAL. */
long bpf_format(char *out, size_t out_size, const char *fmt, uint64_t fmt_size, const uint64_t *args,
		uint32_t num_args);

/* The helpers, by their kernel names. */
HELPER(map_lookup_elem);
HELPER(map_update_elem);
HELPER(map_delete_elem);
HELPER(map_lookup_percpu_elem);
HELPER(spin_lock);
HELPER(spin_unlock);
HELPER(probe_read);
HELPER(probe_read_user);
HELPER(probe_read_kernel);
HELPER(probe_read_str);
HELPER(probe_read_user_str);
HELPER(probe_read_kernel_str);
HELPER(probe_write_user);
HELPER(ktime_get_ns);
HELPER(ktime_get_boot_ns);
HELPER(ktime_get_coarse_ns);
HELPER(get_prandom_u32);
HELPER(get_smp_processor_id);
HELPER(get_current_pid_tgid);
HELPER(get_current_uid_gid);
HELPER(get_current_comm);
HELPER(current_task_under_cgroup);
HELPER(get_current_cgroup_id);
HELPER(get_current_ancestor_cgroup_id);
HELPER(send_signal);
HELPER(send_signal_thread);
HELPER(trace_printk);
HELPER(snprintf);
HELPER(strncmp);
HELPER(perf_event_output);
HELPER(ringbuf_output);
HELPER(ringbuf_reserve);
HELPER(ringbuf_submit);
HELPER(ringbuf_discard);
HELPER(ringbuf_query);
HELPER(tail_call);
HELPER(get_stack);
HELPER(get_stackid);
HELPER(get_func_ip);
HELPER(get_attach_cookie);
HELPER(get_func_arg);
HELPER(get_func_ret);
HELPER(get_func_arg_cnt);
HELPER(override_return);
HELPER(loop);
HELPER(for_each_map_elem);

#endif
