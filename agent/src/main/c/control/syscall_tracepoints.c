/*
 * syscalls:sys_enter_NAME / sys_exit_NAME and raw_syscalls:sys_enter / sys_exit inside the process,
 * on the syscall-hooks library: per syscall number (and for raw_syscalls) a list of programs, built
 * by the control thread and published whole; the hooks' callbacks build the tracefs-layout context
 * (bpftime_syscall_ctx.h, the first 8 bytes the syscall's pt_regs address as the kernel's
 * perf_call_bpf_enter/exit write it) and run each program. With nothing attached no callback is
 * installed, so a syscall costs only the hooks' pass-through; the vector state is saved only for
 * hits that may need it (below).
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
	uint32_t pure; /* every program a JIT image with no call instruction: GPR-only, keeps errno */
	struct tp_entry e[];
};

/* [0] enter, [1] exit */
static struct tp_list *lists[2][NR_SLOTS + 1];
static unsigned attached;
static int installed;

/*
 * The callbacks are registered without BPFTIME_SH_CALLBACKS_USE_VECTOR and built GPR-only, so a
 * hook whose programs are all pure saves no vector register. A hit that may run something else (an
 * interpreter program, a program calling a C helper) or must first claim this thread's slot runs
 * through bpftime_syscall_hooks_call_saving_vectors; one that finds, inside its read section, that
 * a list changed to an impure one since it looked leaves the section and does the same.
 */
#define GPR_ONLY __attribute__((target("general-regs-only")))

struct tp_hit {
	long nr;
	const uint64_t *args;
	int64_t ret;
	int exit;
	int saving; /* vector state saved around this run */
	int retry;  /* found an impure list without the saving: run again with it */
	int override;        /* a sys_enter program called bpf_override_return */
	uint64_t override_rc; /* its value, which the skipped syscall returns */
};

GPR_ONLY static int list_pure(const struct tp_list *l)
{
	return !l || l->pure;
}

/* Runs each program; an impure list (one that may call helpers) with the thread's hit set to its
 * attachment (bpftime_helpers.h), for bpf_get_attach_cookie and bpf_override_return. A pure list
 * calls no helper, so it needs no hit (and must not call the C code that would set one). */
GPR_ONLY static void run_list(const struct tp_list *l, void *ctx, struct bpftime_hit *hit)
{
	for (uint32_t i = 0; i < l->n; i++) {
		if (l->pure) {
			l->e[i].prog->entry(ctx, 0);
		} else {
			hit->cookie = l->e[i].cookie;
			hit->record = ctx;
			agent_prog_run(l->e[i].prog, ctx);
		}
	}
}

GPR_ONLY static void run_hit(void *arg)
{
	struct tp_hit *h = arg;
	long nr = h->nr;
	int x = h->exit;
	const struct tp_list *l, *raw;
	struct bpftime_pt_regs regs;
	void *section = read_section_enter();

	if (!section)
		return;
	l = nr >= 0 && nr < NR_SLOTS ? __atomic_load_n(&lists[x][nr], __ATOMIC_ACQUIRE) : NULL;
	raw = __atomic_load_n(&lists[x][RAW], __ATOMIC_ACQUIRE);
	if (!h->saving && (!list_pure(l) || !list_pure(raw))) {
		read_section_leave(section);
		h->retry = 1;
		return;
	}
	/* Only helpers read the registers (programs cannot read the context's head): a pure list
	 * calls none, so its hits skip copying them (168 bytes, about 8 ns a hit). */
	if (h->saving)
		bpftime_syscall_hooks_regs(&regs);
	/* sys_enter may skip the syscall (bpf_override_return); the value then replaces its result */
	struct bpftime_hit hit = { .regs = (uint64_t *)&regs, .func_arg_cnt = -1,
				   .flags = x ? 0 : BPFTIME_HIT_CAN_OVERRIDE };
	struct bpftime_hit *outer = h->saving ? bpftime_hit_enter(&hit) : NULL;
	if (!x) {
		if (raw) {
			struct bpftime_raw_sys_enter_ctx c;
			bpftime_trace_head_regs(&c.head, &regs);
			bpftime_raw_sys_enter_ctx_fill(&c, nr, h->args);
			run_list(raw, &c, &hit);
		}
		if (l) {
			struct bpftime_sys_enter_ctx c;
			bpftime_trace_head_regs(&c.head, &regs);
			bpftime_sys_enter_ctx_fill(&c, nr, h->args);
			run_list(l, &c, &hit);
		}
	} else {
		if (l) {
			struct bpftime_sys_exit_ctx c;
			bpftime_trace_head_regs(&c.head, &regs);
			bpftime_sys_exit_ctx_fill(&c, nr, h->ret);
			run_list(l, &c, &hit);
		}
		if (raw) {
			struct bpftime_raw_sys_exit_ctx c;
			bpftime_trace_head_regs(&c.head, &regs);
			bpftime_raw_sys_exit_ctx_fill(&c, nr, h->ret);
			run_list(raw, &c, &hit);
		}
	}
	if (h->saving)
		bpftime_hit_leave(outer);
	h->override = hit.override;
	h->override_rc = hit.override_rc;
	read_section_leave(section);
}

/* Runs the programs of syscall nr; 1 when a sys_enter program asked to skip the syscall (*rc then
 * holds what it returns). */
GPR_ONLY static int dispatch(long nr, const uint64_t args[6], int64_t ret, int exit, int64_t *rc)
{
	const struct tp_list *l = nr >= 0 && nr < NR_SLOTS ? __atomic_load_n(&lists[exit][nr], __ATOMIC_ACQUIRE) : NULL;
	const struct tp_list *raw = __atomic_load_n(&lists[exit][RAW], __ATOMIC_ACQUIRE);
	struct tp_hit h = { nr, args, ret, exit, 0, 0, 0, 0 };

	if (!l && !raw)
		return 0;
	/* no slot yet: claiming one runs libc code */
	if (read_section_claimed() && list_pure(l) && list_pure(raw)) {
		run_hit(&h);
		if (!h.retry)
			return 0; /* pure programs call no helper: no override */
	}
	h.saving = 1;
	bpftime_syscall_hooks_call_saving_vectors(run_hit, &h);
	if (h.override)
		*rc = (int64_t)h.override_rc;
	return h.override;
}

GPR_ONLY static int on_enter(void *user, long nr, const uint64_t args[6], int64_t *ret)
{
	return dispatch(nr, args, 0, 0, ret) ? BPFTIME_SYSCALL_SKIP : BPFTIME_SYSCALL_RUN;
}

GPR_ONLY static void on_exit_(void *user, long nr, const uint64_t args[6], int64_t ret)
{
	int64_t unused;
	dispatch(nr, args, ret, 1, &unused);
}

static const struct bpftime_syscall_hooks_callbacks callbacks = { .on_enter = on_enter, .on_exit = on_exit_ };

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
	next->pure = list_pure(old) && p->entry && p->calls_nothing;
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
				next->pure = 1;
				for (uint32_t i = 0; i < old->n; i++) {
					if (i == k - 1)
						continue;
					next->e[next->n++] = old->e[i];
					next->pure &= old->e[i].prog->entry && old->e[i].prog->calls_nothing;
				}
			}
			if (--attached == 0)
				bpftime_syscall_hooks_set_callbacks(NULL);
			publish(&lists[x][s], next);
			return 0;
		}
	}
	return -ENOENT;
}
