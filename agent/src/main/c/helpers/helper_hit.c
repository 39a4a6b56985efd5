/*
 * The helpers whose answer depends on what the running program is attached to: the thread's
 * current struct bpftime_hit, set by whoever runs programs (uprobes: probe_dispatch.c; syscall
 * tracepoints: the control part).
 */
#include <errno.h>

#include "helpers_internal.h"

__thread struct bpftime_hit *bpftime_current_hit __attribute__((tls_model("initial-exec")));

struct bpftime_hit *bpftime_hit_enter(struct bpftime_hit *hit)
{
	struct bpftime_hit *prev = bpftime_current_hit;
	bpftime_current_hit = hit;
	return prev;
}

void bpftime_hit_leave(struct bpftime_hit *prev)
{
	bpftime_current_hit = prev;
}

/* bpf_get_func_ip: the probed address (uprobe), the function's address (uretprobe). */
HELPER(get_func_ip)
{
	struct bpftime_hit *h = bpftime_current_hit;
	return h ? h->func_ip : 0;
}

HELPER(get_attach_cookie)
{
	struct bpftime_hit *h = bpftime_current_hit;
	return h ? h->cookie : 0;
}

/* The System V argument registers, in order. */
static const int arg_regs[6] = { BPFTIME_REG_DI, BPFTIME_REG_SI, BPFTIME_REG_DX,
				 BPFTIME_REG_CX, BPFTIME_REG_R8, BPFTIME_REG_R9 };

static uint32_t arg_count(const struct bpftime_hit *h)
{
	return h->func_arg_cnt < 0 || h->func_arg_cnt > 6 ? 6 : (uint32_t)h->func_arg_cnt;
}

/* bpf_get_func_arg(ctx, n, *value): as the kernel inlines it (kernel/bpf/verifier.c
 * do_misc_fixups): n compared as u32 with the argument count, -EINVAL and *value untouched when
 * beyond it. */
HELPER(get_func_arg)
{
	struct bpftime_hit *h = bpftime_current_hit;
	if (!h || !h->regs || (uint32_t)r2 >= arg_count(h))
		return (uint64_t)-EINVAL;
	*(uint64_t *)PTR(r3) = h->regs[arg_regs[(uint32_t)r2]];
	return 0;
}

/* bpf_get_func_ret(ctx, *value): the return value at a return probe; elsewhere -EOPNOTSUPP, as
 * the kernel's fixup makes it outside fexit. */
HELPER(get_func_ret)
{
	struct bpftime_hit *h = bpftime_current_hit;
	if (!h || !h->regs || !(h->flags & BPFTIME_HIT_RETURN))
		return (uint64_t)-EOPNOTSUPP;
	*(uint64_t *)PTR(r2) = h->regs[BPFTIME_REG_AX];
	return 0;
}

HELPER(get_func_arg_cnt)
{
	struct bpftime_hit *h = bpftime_current_hit;
	return h ? arg_count(h) : 0;
}

/* bpf_override_return(regs, rc): the probed function or syscall returns rc without running
 * (kernel/trace/bpf_trace.c: regs_set_return_value and override_function_with_return). */
HELPER(override_return)
{
	struct bpftime_hit *h = bpftime_current_hit;
	if (!h || !(h->flags & BPFTIME_HIT_CAN_OVERRIDE))
		return (uint64_t)-EINVAL;
	if (h->regs)
		h->regs[BPFTIME_REG_AX] = r2;
	h->override = 1;
	h->override_rc = r2;
	return 0;
}
