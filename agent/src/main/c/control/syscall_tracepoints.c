/*
 * syscalls:sys_enter_NAME / sys_exit_NAME and raw_syscalls:sys_enter / sys_exit inside the process,
 * on the syscall-hooks library: per syscall number (and for raw_syscalls) a list of programs, built
 * by the control thread and published whole; the hooks' callbacks build the tracefs-layout context
 * (bpftime_syscall_ctx.h, the first 8 bytes the syscall's pt_regs address as the kernel's
 * perf_call_bpf_enter/exit write it) and run each program. With nothing attached no callback is
 * installed, so a syscall costs only the hooks' pass-through.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpftime_helpers.h"
#include "bpftime_syscall_ctx.h"
#include "bpftime_syscall_hooks.h"
#include "control.h"
#include "control_read_section.h"

#define NR_SLOTS 512
#define RAW NR_SLOTS /* the raw_syscalls list, after the per-number ones */

struct tp_entry {
	uint32_t attach_id;
	const struct agent_prog *prog;
	uint64_t cookie;
};

struct tp_list {
	uint32_t n;
	struct tp_entry e[];
};

/* [0] enter, [1] exit */
static struct tp_list *lists[2][NR_SLOTS + 1];
static unsigned attached;
static int installed;

/* Runs each program with the thread's hit set to its attachment (bpftime_helpers.h), for
 * bpf_get_attach_cookie and bpf_override_return; returns whether one asked to override. */
static int run_list(const struct tp_list *l, void *ctx, struct bpftime_hit *hit)
{
	for (uint32_t i = 0; i < l->n; i++) {
		hit->cookie = l->e[i].cookie;
		hit->record = ctx;
		agent_prog_run(l->e[i].prog, ctx);
	}
	return hit->override;
}

static int on_enter(void *user, long nr, const uint64_t args[6], int64_t *ret)
{
	const struct tp_list *l = nr >= 0 && nr < NR_SLOTS ? __atomic_load_n(&lists[0][nr], __ATOMIC_ACQUIRE) : NULL;
	const struct tp_list *raw = __atomic_load_n(&lists[0][RAW], __ATOMIC_ACQUIRE);
	struct bpftime_pt_regs regs;
	void *section;

	if (!l && !raw)
		return BPFTIME_SYSCALL_RUN;
	section = read_section_enter();
	if (!section)
		return BPFTIME_SYSCALL_RUN;
	l = nr >= 0 && nr < NR_SLOTS ? __atomic_load_n(&lists[0][nr], __ATOMIC_ACQUIRE) : NULL;
	raw = __atomic_load_n(&lists[0][RAW], __ATOMIC_ACQUIRE);
	bpftime_syscall_hooks_regs(&regs);
	/* sys_enter may skip the syscall (bpf_override_return); the result then replaces rax */
	struct bpftime_hit hit = { .regs = (uint64_t *)&regs, .func_arg_cnt = -1, .flags = BPFTIME_HIT_CAN_OVERRIDE };
	struct bpftime_hit *outer = bpftime_hit_enter(&hit);
	if (raw) {
		struct bpftime_raw_sys_enter_ctx c;
		bpftime_trace_head_regs(&c.head, &regs);
		bpftime_raw_sys_enter_ctx_fill(&c, nr, args);
		run_list(raw, &c, &hit);
	}
	if (l) {
		struct bpftime_sys_enter_ctx c;
		bpftime_trace_head_regs(&c.head, &regs);
		bpftime_sys_enter_ctx_fill(&c, nr, args);
		run_list(l, &c, &hit);
	}
	bpftime_hit_leave(outer);
	read_section_leave(section);
	if (hit.override) {
		*ret = (int64_t)hit.override_rc;
		return BPFTIME_SYSCALL_SKIP;
	}
	return BPFTIME_SYSCALL_RUN;
}

static void on_exit_(void *user, long nr, const uint64_t args[6], int64_t ret)
{
	const struct tp_list *l = nr >= 0 && nr < NR_SLOTS ? __atomic_load_n(&lists[1][nr], __ATOMIC_ACQUIRE) : NULL;
	const struct tp_list *raw = __atomic_load_n(&lists[1][RAW], __ATOMIC_ACQUIRE);
	struct bpftime_pt_regs regs;
	void *section;

	if (!l && !raw)
		return;
	section = read_section_enter();
	if (!section)
		return;
	l = nr >= 0 && nr < NR_SLOTS ? __atomic_load_n(&lists[1][nr], __ATOMIC_ACQUIRE) : NULL;
	raw = __atomic_load_n(&lists[1][RAW], __ATOMIC_ACQUIRE);
	bpftime_syscall_hooks_regs(&regs);
	struct bpftime_hit hit = { .regs = (uint64_t *)&regs, .func_arg_cnt = -1 };
	struct bpftime_hit *outer = bpftime_hit_enter(&hit);
	if (l) {
		struct bpftime_sys_exit_ctx c;
		bpftime_trace_head_regs(&c.head, &regs);
		bpftime_sys_exit_ctx_fill(&c, nr, ret);
		run_list(l, &c, &hit);
	}
	if (raw) {
		struct bpftime_raw_sys_exit_ctx c;
		bpftime_trace_head_regs(&c.head, &regs);
		bpftime_raw_sys_exit_ctx_fill(&c, nr, ret);
		run_list(raw, &c, &hit);
	}
	bpftime_hit_leave(outer);
	read_section_leave(section);
}

/* Helpers are C and may use vector registers: the hooks save the interrupted code's around us. */
static const struct bpftime_syscall_hooks_callbacks callbacks = {
	.on_enter = on_enter, .on_exit = on_exit_, .flags = BPFTIME_SH_CALLBACKS_USE_VECTOR,
};

int syscall_tp_install(void)
{
	int err = bpftime_syscall_hooks_install(&callbacks);

	bpftime_syscall_hooks_set_callbacks(NULL);
	installed = err == 0;
	return err;
}

/* Publishes next in place of *slot and frees the old list once no thread can be reading it. */
static void publish(struct tp_list **slot, struct tp_list *next)
{
	struct tp_list *old = __atomic_exchange_n(slot, next, __ATOMIC_ACQ_REL);
	read_section_synchronize();
	free(old);
}

int syscall_tp_add(uint32_t attach_id, const struct agent_prog *p, int raw, int nr, int exit, uint64_t cookie)
{
	struct tp_list **slot, *old, *next;
	uint32_t n;

	if (!installed)
		return -ENOSYS;
	if (!raw && (nr < 0 || nr >= NR_SLOTS))
		return -EINVAL;
	slot = &lists[exit ? 1 : 0][raw ? RAW : nr];
	old = *slot;
	n = old ? old->n : 0;
	next = malloc(sizeof(*next) + (n + 1) * sizeof(next->e[0]));
	if (!next)
		return -ENOMEM;
	if (n)
		memcpy(next->e, old->e, n * sizeof(next->e[0]));
	next->e[n] = (struct tp_entry){ attach_id, p, cookie };
	next->n = n + 1;
	publish(slot, next);
	if (attached++ == 0)
		bpftime_syscall_hooks_set_callbacks(&callbacks);
	return 0;
}

int syscall_tp_remove(uint32_t attach_id)
{
	for (int x = 0; x < 2; x++) {
		for (int s = 0; s <= NR_SLOTS; s++) {
			struct tp_list *old = lists[x][s], *next = NULL;
			uint32_t k = 0;
			if (!old)
				continue;
			for (uint32_t i = 0; i < old->n; i++)
				if (old->e[i].attach_id == attach_id)
					k = i + 1;
			if (!k)
				continue;
			if (old->n > 1) {
				next = malloc(sizeof(*next) + (old->n - 1) * sizeof(next->e[0]));
				if (!next)
					return -ENOMEM;
				next->n = 0;
				for (uint32_t i = 0; i < old->n; i++)
					if (i != k - 1)
						next->e[next->n++] = old->e[i];
			}
			if (--attached == 0)
				bpftime_syscall_hooks_set_callbacks(NULL);
			publish(&lists[x][s], next);
			return 0;
		}
	}
	return -ENOENT;
}
