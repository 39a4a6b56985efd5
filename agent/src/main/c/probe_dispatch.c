#include "bpftime_helpers.h"
#include "bpftime_vm.h"
#include "probe_dispatch.h"
#include "probe_run.h"
#include "probe_site.h"
#include "thread_state.h"
#include "uretprobe.h"

#define compiler_barrier() __asm__ volatile("" ::: "memory")

/* Read sections (grace_period.h): the word is odd inside. A hit inside a section of the same thread
 * (a program's helper reaching a probed function, or a signal handler interrupting a program) runs
 * nothing, as the kernel's bpf_prog_active guard skips nested kprobe programs. */
static inline int section_enter(struct probe_thread *t, uint64_t *w)
{
	*w = t->word;
	if (*w & 1)
		return 0;
	t->word = *w + 1;
	compiler_barrier();
	return 1;
}

static inline void section_leave(struct probe_thread *t, uint64_t w)
{
	compiler_barrier();
	t->word = w + 2;
}

static void miss(struct probe_site *s)
{
	__atomic_fetch_add(&s->misses, 1, __ATOMIC_RELAXED);
}

static inline __attribute__((always_inline)) void run_list(struct probe_thread *t, const struct prog_list *l,
							   struct probe_hit *hit, uint32_t hit_flags)
{
	if (l->no_helpers) {
		/* nothing these programs run reads the hit (include/bpftime_probe.h) */
		for (uint32_t i = 0; i < l->n; i++)
			l->a[i].prog.jit(hit->regs, 0);
		return;
	}
	struct probe_hit *outer = t->hit;
	t->hit = hit;
	/* what the helper table's hit-bound helpers read (helpers/helper_hit.c) */
	struct bpftime_hit bh = { .regs = (uint64_t *)hit->regs, .func_ip = hit->func_ip, .func_arg_cnt = -1,
				  .flags = hit_flags | (hit->can_override ? BPFTIME_HIT_CAN_OVERRIDE : 0) };
	struct bpftime_hit *outer_bh = bpftime_hit_enter(&bh);
	for (uint32_t i = 0; i < l->n; i++) {
		const struct probe_attachment *a = &l->a[i];
		hit->cookie = a->cookie;
		bh.cookie = a->cookie;
		if (a->prog.jit) {
			a->prog.jit(hit->regs, 0);
		} else {
			uint64_t r0;
			bpftime_vm_exec(a->prog.vm, hit->regs, sizeof(*hit->regs), &r0);
		}
	}
	bpftime_hit_leave(outer_bh);
	if (bh.override)
		hit->override = 1;
	t->hit = outer;
}

/* Runs the entry programs l of site s (inside a read section): an enum probe_entry_result. */
static inline __attribute__((always_inline)) uint64_t run_entry(struct probe_thread *t, struct probe_site *s, const struct prog_list *l,
			  struct bpftime_pt_regs *regs, int from_trampoline)
{
	uint64_t override = 0;
	if (l) {
		struct probe_hit hit = { regs, s->addr, 0, s->at_function_start, 0 };
		run_list(t, l, &hit, s->at_function_start ? BPFTIME_HIT_FUNC_ENTRY : 0);
		override = hit.override;
	}
	if (__atomic_load_n(&s->ret, __ATOMIC_ACQUIRE) && uretprobe_push(t, s, regs, from_trampoline && !override))
		return PROBE_ENTRY_CALL;
	return override ? PROBE_ENTRY_OVERRIDE : PROBE_ENTRY_GO_ON;
}

static inline __attribute__((always_inline)) uint64_t entry_hit(void *site, struct bpftime_pt_regs *regs,
								 int from_trampoline)
{
	struct probe_site *s = site;
	struct probe_thread *t = probe_thread_get();
	uint64_t w;
	if (!t || !section_enter(t, &w)) {
		miss(s);
		return 0;
	}
	int saved_errno = *t->errno_ptr;
	uint64_t result = run_entry(t, s, __atomic_load_n(&s->entry, __ATOMIC_ACQUIRE), regs, from_trampoline);
	*t->errno_ptr = saved_errno;
	section_leave(t, w);
	return result;
}

uint64_t probe_entry_hit(void *site, struct bpftime_pt_regs *regs)
{
	return entry_hit(site, regs, 1);
}

uint64_t probe_entry_hit_trap(void *site, struct bpftime_pt_regs *regs)
{
	return entry_hit(site, regs, 0);
}

/*
 * This file is built with -mgeneral-regs-only (agent/Makefile), so that this path, which the
 * trampoline takes with no vector register saved, never touches one itself; nor does uretprobe.c.
 * Whatever else could (claiming a thread slot, a program that is not GPR-only because the list
 * changed since the trampoline read the site's hint) goes through the saving stub.
 */
uint64_t probe_entry_hit_gpr(void *site, struct bpftime_pt_regs *regs)
{
	struct probe_site *s = site;
	struct probe_thread *t = probe_thread_self;
	uint64_t w;
	if (!t)
		return probe_saving_call(site, regs);
	if (!section_enter(t, &w)) {
		miss(s);
		return 0;
	}
	const struct prog_list *l = __atomic_load_n(&s->entry, __ATOMIC_ACQUIRE);
	if (l && !l->gpr_only) {
		section_leave(t, w);
		return probe_saving_call(site, regs);
	}
	uint64_t result = run_entry(t, s, l, regs, 1);
	section_leave(t, w);
	return result;
}

static inline __attribute__((always_inline)) void run_return(struct probe_thread *t, struct probe_site *s,
							     const struct prog_list *l, struct bpftime_pt_regs *regs)
{
	struct probe_hit hit = { regs, s->addr, 0, 0, 0 };
	run_list(t, l, &hit, BPFTIME_HIT_RETURN);
}

uint64_t probe_run_return_saving(void *site, struct bpftime_pt_regs *regs)
{
	struct probe_site *s = site;
	struct probe_thread *t = probe_thread_self;
	int saved_errno = *t->errno_ptr;
	const struct prog_list *l = __atomic_load_n(&s->ret, __ATOMIC_ACQUIRE);
	if (l)
		run_return(t, s, l, regs);
	*t->errno_ptr = saved_errno;
	return 0;
}

/*
 * The return trampoline saves no vector register (xmm0-1 may hold the return value): GPR-only
 * lists run here, any other through the saving stub, which saves the whole vector state and errno
 * around probe_run_return_saving (in the same read section).
 */
void probe_run_return(struct probe_thread *t, struct probe_site *s, struct bpftime_pt_regs *regs)
{
	uint64_t w;
	if (!section_enter(t, &w)) {
		miss(s);
		return;
	}
	const struct prog_list *l = __atomic_load_n(&s->ret, __ATOMIC_ACQUIRE);
	if (l && l->gpr_only)
		run_return(t, s, l, regs);
	else if (l)
		probe_return_saving_call(s, regs);
	section_leave(t, w);
}
