/*
 * The contexts a BPF program attached to a syscall tracepoint receives, byte for byte as the
 * kernel builds them, and the registers of the hooked syscall as struct pt_regs.
 *
 * Layouts: the tracefs `format` of each event (/sys/kernel/tracing/events/syscalls/sys_enter_*,
 * sys_exit_*, raw_syscalls/sys_enter, sys_exit), which come from
 *   - include/linux/trace_events.h, struct trace_entry: common_type u16 at 0, common_flags u8 at 2,
 *     common_preempt_count u8 at 3, common_pid s32 at 4;
 *   - kernel/trace/trace_syscalls.c: syscalls:sys_enter_NAME is { int __syscall_nr at 8; each
 *     argument as an 8-byte field from 16 } (syscall_enter_define_fields), sys_exit_NAME is
 *     { int __syscall_nr at 8; long ret at 16 };
 *   - include/trace/events/syscalls.h: raw_syscalls:sys_enter is { long id at 8; unsigned long
 *     args[6] at 16 }, sys_exit is { long id at 8; long ret at 16 }.
 *
 * The first 8 bytes differ between the record and what a program is given: the kernel writes a
 * struct pt_regs pointer over the common fields before it runs the program
 * (kernel/trace/trace_syscalls.c: perf_call_bpf_enter/exit for syscalls:*, kernel/events/core.c:
 * perf_trace_run_bpf_submit for raw_syscalls:*), the verifier refuses a program's own loads
 * there (kernel/trace/bpf_trace.c: tp_prog_is_valid_access, off < sizeof(void *)), and helpers
 * taking the context (bpf_get_stackid, bpf_get_stack, bpf_perf_event_output) read the pointer.
 * So a context for a program is made with bpftime_trace_head_regs, a record for a reader of
 * perf samples with bpftime_trace_head_common.
 */
#ifndef BPFTIME_SYSCALL_CTX_H
#define BPFTIME_SYSCALL_CTX_H

#include <stdint.h>

#include "bpftime_pt_regs.h" /* native-support: struct bpftime_pt_regs */
#include "bpftime_syscall_hooks.h"

struct bpftime_trace_entry {
	uint16_t common_type;
	uint8_t common_flags;
	uint8_t common_preempt_count;
	int32_t common_pid;
};

union bpftime_trace_head {
	struct bpftime_trace_entry common;
	const struct bpftime_pt_regs *regs;
};

/* syscalls:sys_enter_NAME. Only the syscall's own arguments are fields (16 + 8 * nargs bytes in
 * tracefs); all six are filled, as a program never reads past its event's size. */
struct bpftime_sys_enter_ctx {
	union bpftime_trace_head head;
	int32_t syscall_nr;
	uint32_t pad; /* left uninitialized by the kernel; zero here */
	uint64_t args[6];
};

/* syscalls:sys_exit_NAME */
struct bpftime_sys_exit_ctx {
	union bpftime_trace_head head;
	int32_t syscall_nr;
	uint32_t pad;
	int64_t ret;
};

/* raw_syscalls:sys_enter */
struct bpftime_raw_sys_enter_ctx {
	union bpftime_trace_head head;
	int64_t id;
	uint64_t args[6];
};

/* raw_syscalls:sys_exit */
struct bpftime_raw_sys_exit_ctx {
	union bpftime_trace_head head;
	int64_t id;
	int64_t ret;
};

_Static_assert(sizeof(struct bpftime_trace_entry) == 8, "trace_entry");
_Static_assert(__builtin_offsetof(struct bpftime_sys_enter_ctx, syscall_nr) == 8, "sys_enter");
_Static_assert(__builtin_offsetof(struct bpftime_sys_enter_ctx, args) == 16, "sys_enter");
_Static_assert(sizeof(struct bpftime_sys_enter_ctx) == 64, "sys_enter");
_Static_assert(__builtin_offsetof(struct bpftime_sys_exit_ctx, ret) == 16, "sys_exit");
_Static_assert(sizeof(struct bpftime_sys_exit_ctx) == 24, "sys_exit");
_Static_assert(__builtin_offsetof(struct bpftime_raw_sys_enter_ctx, args) == 16, "raw sys_enter");
_Static_assert(sizeof(struct bpftime_raw_sys_enter_ctx) == 64, "raw sys_enter");
_Static_assert(sizeof(struct bpftime_raw_sys_exit_ctx) == 24, "raw sys_exit");

/* The head of a program's context: the registers' address (see above). */
BPFTIME_SH_API void bpftime_trace_head_regs(union bpftime_trace_head *head,
					    const struct bpftime_pt_regs *regs);
/* The head of a record: the event's tracefs id, flags and preempt count 0, the thread id
 * (include/linux/trace_events.h: tracing_generic_entry_update). */
BPFTIME_SH_API void bpftime_trace_head_common(union bpftime_trace_head *head, uint16_t type,
					      int32_t tid);

/* The bodies, from what the hooks' callbacks receive (the head is left as it is). */
BPFTIME_SH_API void bpftime_sys_enter_ctx_fill(struct bpftime_sys_enter_ctx *c, long nr,
					       const uint64_t args[6]);
BPFTIME_SH_API void bpftime_sys_exit_ctx_fill(struct bpftime_sys_exit_ctx *c, long nr, int64_t ret);
BPFTIME_SH_API void bpftime_raw_sys_enter_ctx_fill(struct bpftime_raw_sys_enter_ctx *c, long nr,
						   const uint64_t args[6]);
BPFTIME_SH_API void bpftime_raw_sys_exit_ctx_fill(struct bpftime_raw_sys_exit_ctx *c, long nr,
						  int64_t ret);

/* Inside a callback: the registers of the hooked syscall as the kernel's entry code saves them
 * (arch/x86/entry/entry_64.S, entry_SYSCALL_64: rcx = rip = the resume address, r11 = eflags,
 * orig_rax = the number, rax = -ENOSYS before the syscall runs and its result after). Returns 0,
 * or -EINVAL outside a callback. */
BPFTIME_SH_API int bpftime_syscall_hooks_regs(struct bpftime_pt_regs *out);

#endif
