/*
 * The BPF helper functions of the agent, with the kernel's semantics for tracing programs
 * (kernel/trace/bpf_trace.c, kernel/bpf/helpers.c, ringbuf.c, stackmap.c), and the table both
 * engines call them through.
 *
 * Every helper takes the BPF registers r1..r5 and returns r0. The table is indexed by helper id
 * (include/uapi/linux/bpf.h enum bpf_func_id); an id the runtime lacks holds a stub, and the
 * service refuses programs calling it at load (dev.bpftime.compat.prog.RuntimeHelpers, kept equal
 * to bpftime_helper_supported by a test), so the stub never runs.
 *
 * A map reference in a program is the process's struct bpftime_map * (bpftime_map.h).
 */
#ifndef BPFTIME_HELPERS_H
#define BPFTIME_HELPERS_H

#include <stdint.h>

#define BPFTIME_HELPERS_API __attribute__((visibility("default")))

#ifdef __cplusplus
extern "C" {
#endif

/* Ids 0..211: every helper of Linux 6.2 and later (__BPF_FUNC_MAX_ID is 212 there). */
#define BPFTIME_HELPER_TABLE_SIZE 212

/* BPF_FUNC_tail_call: the JIT calls entry 12 as its tail-call resolver (jit/README.md). */
#define BPFTIME_HELPER_TAIL_CALL 12

/* The table: BPFTIME_HELPER_TABLE_SIZE entries, none NULL. */
BPFTIME_HELPERS_API void *const *bpftime_helper_table(void);

/* 1 when helper id is implemented, else 0: the single source of truth. */
BPFTIME_HELPERS_API int bpftime_helper_supported(uint32_t id);

/*
 * 1 when helper id is GPR-safe, else 0: built with -mgeneral-regs-only, calling no glibc function
 * and writing no errno on any of its paths (system calls raw, copies by its own loops), so a probe
 * hit whose programs call only such helpers may skip saving the interrupted code's vector state and
 * errno (BPFTIME_PROBE_PROG_F_GPR_ONLY). Once bpftime_helpers_init ran. The single source of truth;
 * src/test/c/gpr_helpers_test.c checks every helper marked here with the registers filled.
 */
BPFTIME_HELPERS_API int bpftime_helper_gpr_safe(uint32_t id);

/*
 * Whether a program (slots instruction slots of 8 bytes, as bpf(BPF_PROG_LOAD) takes them) is
 * GPR-only as a JIT image: every call is a bpf-to-bpf call (src_reg 1) or a helper (src_reg 0) for
 * which bpftime_helper_gpr_safe is 1. bpf_tail_call is not: its target may not be. A kfunc call
 * (src_reg 2) is not either. 1 or 0.
 */
BPFTIME_HELPERS_API int bpftime_helpers_prog_gpr_only(const void *insns, uint64_t slots);

/*
 * The once-only work of the helpers (fork handler, the possible CPUs, the vDSO's clock): run before
 * any program, from a thread whose system calls are not traced (the agent's control thread, before
 * its first program). Idempotent. Without it the helpers still work, but a forked child's
 * bpf_get_current_pid_tgid may give its parent's ids and the GPR-safe ones may call glibc.
 */
BPFTIME_HELPERS_API void bpftime_helpers_init(void);

/*
 * Set by the control part: the program with this id, as this process runs it (a JIT image's
 * tail-call entry, or, for the interpreter, its const struct bpftime_vm *), or NULL, also when it
 * needs more stack frames than frames_free (what the JIT's caller has left; the tail call then
 * falls through instead of overrunning the stack; UINT64_MAX from the interpreter, which checks
 * its call depth itself).
 */
BPFTIME_HELPERS_API void bpftime_helpers_set_prog_resolver(void *(*tail_call_entry)(uint32_t prog_id,
										       uint64_t frames_free));

/*
 * Set by the control part: this process's handle on the map with this id, or NULL when the service
 * has not sent it. bpf_map_lookup_elem on a map of maps returns it (the inner map).
 */
struct bpftime_map;
BPFTIME_HELPERS_API void bpftime_helpers_set_map_resolver(struct bpftime_map *(*resolve)(uint32_t map_id));

/* The interpreter's tail-call hook (bpftime_vm_set_tail_call_hook(vm, this, NULL)) over the same resolver. */
BPFTIME_HELPERS_API const void *bpftime_helpers_vm_tail_call(void *cookie, uint64_t prog_array, uint32_t index);

/* Where bpf_trace_printk writes its lines, one write() each; -1 (the default) drops them. */
BPFTIME_HELPERS_API void bpftime_helpers_set_trace_fd(int fd);

/*
 * What the program being run on this thread is attached to, for the helpers bound to a hit.
 * Whoever runs programs fills one on its stack and brackets the runs with enter/leave.
 */
#define BPFTIME_HIT_CAN_OVERRIDE 0x1u /* bpf_override_return may skip the function or syscall */
#define BPFTIME_HIT_RETURN 0x2u       /* a uretprobe: regs->ax is the return value */
#define BPFTIME_HIT_FUNC_ENTRY 0x4u   /* a uprobe at a function's first instruction: the return address is at sp */

struct bpftime_hit {
	uint64_t *regs;          /* struct pt_regs (arch/x86/include/asm/ptrace.h), as 21 words */
	uint64_t func_ip;        /* bpf_get_func_ip */
	uint64_t cookie;         /* bpf_get_attach_cookie */
	const void *record;      /* a syscall tracepoint's record, else NULL */
	int32_t func_arg_cnt;    /* bpf_get_func_arg_cnt; -1: unknown, the six register arguments */
	uint32_t flags;          /* BPFTIME_HIT_* */
	uint32_t override;       /* set by bpf_override_return */
	uint32_t pad;
	uint64_t override_rc;    /* the value given to bpf_override_return */
};

/* Word indexes of struct pt_regs. */
enum bpftime_pt_regs_word {
	BPFTIME_REG_R15, BPFTIME_REG_R14, BPFTIME_REG_R13, BPFTIME_REG_R12, BPFTIME_REG_BP, BPFTIME_REG_BX,
	BPFTIME_REG_R11, BPFTIME_REG_R10, BPFTIME_REG_R9, BPFTIME_REG_R8, BPFTIME_REG_AX, BPFTIME_REG_CX,
	BPFTIME_REG_DX, BPFTIME_REG_SI, BPFTIME_REG_DI, BPFTIME_REG_ORIG_AX, BPFTIME_REG_IP, BPFTIME_REG_CS,
	BPFTIME_REG_FLAGS, BPFTIME_REG_SP, BPFTIME_REG_SS,
};

/* Makes hit the current one of this thread; returns the previous one for leave. */
BPFTIME_HELPERS_API struct bpftime_hit *bpftime_hit_enter(struct bpftime_hit *hit);
BPFTIME_HELPERS_API void bpftime_hit_leave(struct bpftime_hit *prev);

#ifdef __cplusplus
}
#endif

#endif
