/*
 * Syscall tracepoints (bpftime_probe.h: bpftime_tracepoint_*): syscalls:sys_enter_NAME / sys_exit_NAME
 * and raw_syscalls:sys_enter / sys_exit inside the process, on the syscall-hooks library. Per syscall
 * number (and for raw_syscalls) a list of programs, published whole under the engine's grace periods
 * (grace_period.h), and per number a route in the hooks:
 *   - nothing attached that sees the number: the hooks pass it straight to the kernel;
 *   - one sys_enter program calling no helper (BPFTIME_PROBE_PROG_F_NO_HELPERS) and nothing else:
 *     the hooks' direct program, called from the entry's fast path with the record built where the
 *     arguments were saved (no callback frame, no vector state, no errno to keep), inside this
 *     engine's read section (the hooks make the thread's word odd around it);
 *   - anything else: the callbacks, which build the record on their frame (the first 8 bytes the
 *     pt_regs address, as the kernel's perf_call_bpf_enter/exit write it) and run each program,
 *     saving the vector state and errno only when a program may touch them (not GPR_ONLY).
 * A hit while the thread already runs programs (a helper's syscall) runs nothing, as the kernel's
 * bpf_prog_active refuses nested tracing programs.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bpftime_helpers.h"
#include "bpftime_probe.h"
#include "bpftime_syscall_ctx.h"
#include "bpftime_syscall_hooks.h"
#include "bpftime_vm.h"
#include "grace_period.h"
#include "thread_state.h"

#define NR_SLOTS BPFTIME_SH_ROUTES
#define RAW NR_SLOTS /* the raw_syscalls list, after the per-number ones */
#define GPR_ONLY __attribute__((target("general-regs-only")))
#define compiler_barrier() __asm__ volatile("" ::: "memory")

/* the hooks make the word a direct program runs in odd and even (bpftime_syscall_hooks.h) */
_Static_assert(__builtin_offsetof(struct probe_thread, word) == 0, "the section word the hooks update");

struct tp_entry {
	int id;
	struct bpftime_probe_prog prog;
	uint64_t cookie;
};

struct tp_list {
	uint32_t n;
	uint32_t pure; /* every program a JIT image calling no helper: no hit, no saving */
	uint32_t gpr;  /* every program a JIT image touching no vector register nor errno */
	struct tp_entry e[];
};

/* [0] enter, [1] exit */
static struct tp_list *lists[2][NR_SLOTS + 1];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int next_id = 1;
static int installed;

static int prog_pure(const struct bpftime_probe_prog *p)
{
	return p->jit && (p->flags & BPFTIME_PROBE_PROG_F_NO_HELPERS);
}

static int prog_gpr(const struct bpftime_probe_prog *p)
{
	return p->jit && (p->flags & (BPFTIME_PROBE_PROG_F_NO_HELPERS | BPFTIME_PROBE_PROG_F_GPR_ONLY));
}

GPR_ONLY static inline const struct tp_list *list_at(int exit, int slot)
{
	return __atomic_load_n(&lists[exit][slot], __ATOMIC_ACQUIRE);
}

GPR_ONLY static inline int list_pure(const struct tp_list *l)
{
	return !l || l->pure;
}

GPR_ONLY static inline int list_gpr(const struct tp_list *l)
{
	return !l || l->gpr;
}

struct tp_hit {
	long nr;
	const uint64_t *args;
	int64_t ret;
	int exit;
	int saving;	      /* vector state and errno saved around this run */
	int retry;	      /* found a list needing the saving without it: run again with it */
	int override;	      /* a sys_enter program called bpf_override_return */
	uint64_t override_rc; /* its value, which the skipped syscall returns */
};

/* Each program, with the thread's hit set to its attachment (bpftime_helpers.h) for the helpers
 * bound to it; a list calling no helper needs no hit. */
GPR_ONLY static void run_list(const struct tp_list *l, void *ctx, struct bpftime_hit *hit)
{
	for (uint32_t i = 0; i < l->n; i++) {
		const struct tp_entry *e = &l->e[i];
		uint64_t r0 = 0;
		if (l->pure) {
			e->prog.jit(ctx, 0);
			continue;
		}
		hit->cookie = e->cookie;
		hit->record = ctx;
		if (e->prog.jit)
			e->prog.jit(ctx, 0);
		else if (e->prog.vm)
			bpftime_vm_exec(e->prog.vm, ctx, 0, &r0);
	}
}

GPR_ONLY static void run_hit(void *arg)
{
	struct tp_hit *h = arg;
	long nr = h->nr;
	int x = h->exit;
	const struct tp_list *l, *raw;
	struct bpftime_pt_regs regs;
	struct probe_thread *t = h->saving ? probe_thread_get() : probe_thread_self;
	uint64_t w;

	if (!t || ((w = t->word) & 1))
		return;
	t->word = w + 1;
	compiler_barrier();
	l = nr >= 0 && nr < NR_SLOTS ? list_at(x, (int)nr) : NULL;
	raw = list_at(x, RAW);
	if (!h->saving && (!list_gpr(l) || !list_gpr(raw))) {
		h->retry = 1;
		goto out;
	}
	/* only helpers read the registers (through the record's head): lists calling none skip
	 * copying them (168 bytes) */
	int pure = list_pure(l) && list_pure(raw);
	if (!pure)
		bpftime_syscall_hooks_regs(&regs);
	/* sys_enter may skip the syscall (bpf_override_return); the value then replaces its result */
	struct bpftime_hit hit = { .regs = (uint64_t *)&regs, .func_arg_cnt = -1,
				   .flags = x ? 0 : BPFTIME_HIT_CAN_OVERRIDE };
	struct bpftime_hit *outer = pure ? NULL : bpftime_hit_enter(&hit);
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
	if (!pure)
		bpftime_hit_leave(outer);
	h->override = hit.override;
	h->override_rc = hit.override_rc;
out:
	compiler_barrier();
	t->word = w + 2;
}

/* Runs the programs of syscall nr; 1 when a sys_enter program asked to skip the syscall (*rc then
 * holds what it returns). */
GPR_ONLY static int dispatch(long nr, const uint64_t args[6], int64_t ret, int exit, int64_t *rc)
{
	const struct tp_list *l = nr >= 0 && nr < NR_SLOTS ? list_at(exit, (int)nr) : NULL;
	const struct tp_list *raw = list_at(exit, RAW);
	struct tp_hit h = { nr, args, ret, exit, 0, 0, 0, 0 };

	if (!l && !raw)
		return 0;
	/* no slot yet: claiming one runs libc code, so it is done with the vector state saved */
	if (probe_thread_self && list_gpr(l) && list_gpr(raw))
		run_hit(&h);
	else
		h.retry = 1;
	if (h.retry) {
		h.retry = 0;
		h.saving = 1;
		bpftime_syscall_hooks_call_saving_vectors(run_hit, &h);
	}
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

int bpftime_tracepoint_install(void)
{
	int err;

	pthread_mutex_lock(&lock);
	if (installed) {
		pthread_mutex_unlock(&lock);
		return 0;
	}
	/* nothing attached: every number passes straight (the callbacks see only numbers from 512,
	 * which raw_syscalls programs must see); direct programs run in the engine's read sections */
	bpftime_syscall_hooks_set_direct_section(probe_thread_self_tp_offset());
	bpftime_syscall_hooks_route(-1, BPFTIME_SH_ROUTE_NONE);
	err = bpftime_syscall_hooks_install(&callbacks);
	installed = err == 0;
	pthread_mutex_unlock(&lock);
	return err;
}

/* Routes nr from the lists in force (lock held): nobody, its one direct program, or the callbacks. */
static void reroute_one(int nr)
{
	const struct tp_list *en = lists[0][nr], *ex = lists[1][nr], *ren = lists[0][RAW], *rex = lists[1][RAW];

	if (!en && !ex && !ren && !rex)
		bpftime_syscall_hooks_route(nr, BPFTIME_SH_ROUTE_NONE);
	else if (!ex && !rex && !ren && en->n == 1 && en->pure)
		bpftime_syscall_hooks_route_direct(nr, en->e[0].prog.jit);
	else
		bpftime_syscall_hooks_route(nr, BPFTIME_SH_ROUTE_CALLBACKS);
}

static void reroute(int slot)
{
	for (int nr = slot == RAW ? 0 : slot; nr < (slot == RAW ? NR_SLOTS : slot + 1); nr++)
		reroute_one(nr);
}

static struct tp_list *list_new(uint32_t n)
{
	struct tp_list *l = malloc(sizeof(*l) + n * sizeof(l->e[0]));
	if (l)
		*l = (struct tp_list){ 0, 1, 1 };
	return l;
}

static void list_append(struct tp_list *l, const struct tp_entry *e)
{
	l->e[l->n++] = *e;
	l->pure &= (uint32_t)prog_pure(&e->prog);
	l->gpr &= (uint32_t)prog_gpr(&e->prog);
}

/* Publishes next in place of the slot's list, routes its numbers again, and frees the old list
 * once no thread can be reading it (lock held). */
static void publish(int exit, int slot, struct tp_list *next)
{
	struct tp_list *old = __atomic_exchange_n(&lists[exit][slot], next, __ATOMIC_ACQ_REL);
	reroute(slot);
	grace_period_wait();
	free(old);
}

int bpftime_tracepoint_attach(const struct bpftime_tracepoint_spec *spec, struct bpftime_probe_prog prog,
			      uint64_t cookie)
{
	int slot, exit, id;
	struct tp_list *old, *next;

	if (!spec || (spec->nr != BPFTIME_TRACEPOINT_RAW && (spec->nr < 0 || spec->nr >= NR_SLOTS)) ||
	    spec->exit > 1 || (!prog.jit && !prog.vm))
		return -EINVAL;
	slot = spec->nr == BPFTIME_TRACEPOINT_RAW ? RAW : spec->nr;
	exit = (int)spec->exit;
	pthread_mutex_lock(&lock);
	if (!installed) {
		pthread_mutex_unlock(&lock);
		return -ENOSYS;
	}
	old = lists[exit][slot];
	next = list_new((old ? old->n : 0) + 1);
	if (!next) {
		pthread_mutex_unlock(&lock);
		return -ENOMEM;
	}
	for (uint32_t i = 0; old && i < old->n; i++)
		list_append(next, &old->e[i]);
	id = next_id++;
	list_append(next, &(struct tp_entry){ id, prog, cookie });
	publish(exit, slot, next);
	pthread_mutex_unlock(&lock);
	return id;
}

int bpftime_tracepoint_detach(int id)
{
	pthread_mutex_lock(&lock);
	for (int x = 0; x < 2; x++) {
		for (int s = 0; s <= NR_SLOTS; s++) {
			struct tp_list *old = lists[x][s], *next = NULL;
			int found = 0;
			for (uint32_t i = 0; old && i < old->n; i++)
				found |= old->e[i].id == id;
			if (!found)
				continue;
			if (old->n > 1) {
				next = list_new(old->n - 1);
				if (!next) {
					pthread_mutex_unlock(&lock);
					return -ENOMEM;
				}
				for (uint32_t i = 0; i < old->n; i++)
					if (old->e[i].id != id)
						list_append(next, &old->e[i]);
			}
			publish(x, s, next);
			pthread_mutex_unlock(&lock);
			return 0;
		}
	}
	pthread_mutex_unlock(&lock);
	return -ENOENT;
}
