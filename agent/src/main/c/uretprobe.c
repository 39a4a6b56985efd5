#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "code_alloc.h"
#include "probe_dispatch.h"
#include "probe_run.h"
#include "probe_site.h"
#include "trampoline.h"
#include "uretprobe.h"

#define MAX_CHAIN 16

/* The return trampoline a replaced return address leads to, and the one return points jump to. */
static uintptr_t return_trampoline, return_trampoline_called;

static uintptr_t make_return_trampoline(int called)
{
	uint8_t buf[1024];
	struct x86_emit e = { buf, 0, sizeof(buf), 0, 0 };
	const struct trampoline_layout *layout = probe_layout();
	trampoline_emit_return_fast_first(&e, probe_return_hit, called, layout, (uintptr_t)probe_run_return);
	uintptr_t at;
	if (e.overflow || code_alloc_near((uintptr_t)probe_return_hit, e.pos, &at))
		return 0;
	e = (struct x86_emit){ buf, 0, sizeof(buf), at, 0 };
	trampoline_emit_return_fast_first(&e, probe_return_hit, called, layout, (uintptr_t)probe_run_return);
	if (code_write(at, buf, e.pos))
		return 0;
	return at;
}

uintptr_t probe_return_trampoline(void)
{
	if (!return_trampoline)
		__atomic_store_n(&return_trampoline, make_return_trampoline(0), __ATOMIC_RELEASE);
	return return_trampoline;
}

uintptr_t probe_return_trampoline_called(void)
{
	if (!return_trampoline_called)
		return_trampoline_called = make_return_trampoline(1);
	return return_trampoline_called;
}

/* The newest shadow entry for the return address slot at sp, -1 when none. */
static int shadow_find(const struct probe_thread *t, uint64_t sp)
{
	int i = (int)t->depth - 1;
	while (i >= 0 && t->shadow[i].slot != sp)
		i--;
	return i;
}

int uretprobe_push(struct probe_thread *t, struct probe_site *site, struct bpftime_pt_regs *regs, int may_call)
{
	uintptr_t tramp = __atomic_load_n(&return_trampoline, __ATOMIC_ACQUIRE);
	uint64_t *slot = (uint64_t *)(uintptr_t)regs->sp;
	uint64_t ret = *slot;
	if (!tramp)
		return 0;
	/* A tail call from a function whose return is probed finds one of our addresses in the slot:
	 * the return trampoline, or a return point of the caller's site (its live entry says which). */
	int i = t->depth ? shadow_find(t, regs->sp) : -1;
	const struct probe_site *caller = i >= 0 ? t->shadow[i].site : NULL;
	int chained = ret == tramp ||
		      (caller && ret && (ret == caller->return_point || ret == caller->return_point_fast));
	if (chained) {
		if (i < 0) {
			__atomic_fetch_add(&site->misses, 1, __ATOMIC_RELAXED);
			return 0;
		}
		ret = t->shadow[i].ret;
	}
	if (t->depth == SHADOW_DEPTH) {
		/* Entries below the current frame belong to frames longjmp abandoned. */
		uint32_t keep = 0;
		for (uint32_t i = 0; i < t->depth; i++)
			if (t->shadow[i].slot > regs->sp)
				t->shadow[keep++] = t->shadow[i];
		t->depth = keep;
		if (keep == SHADOW_DEPTH) {
			__atomic_fetch_add(&site->misses, 1, __ATOMIC_RELAXED);
			return 0;
		}
	}
	t->shadow[t->depth] = (struct shadow_entry){ ret, regs->sp, chained, site };
	t->depth++;
	if (chained)
		return 0; /* the slot leads to a return trampoline already */
	if (may_call && site->return_point)
		return 1;
	*slot = tramp;
	return 0;
}

static void lost_return_address(void)
{
	static const char msg[] = "bpftime: a uretprobe's return address is lost; aborting\n";
	ssize_t r = write(2, msg, sizeof(msg) - 1);
	(void)r;
	abort();
}

uint64_t probe_return_hit(struct bpftime_pt_regs *regs)
{
	struct probe_thread *t = probe_thread_self;
	uint64_t slot = regs->sp - 8;
	if (t && t->depth && t->shadow[t->depth - 1].slot == slot && !t->shadow[t->depth - 1].chained) {
		/* the common case: the newest entry, alone; read before it is popped, as a signal
		 * handler's probe hit after the pop may push over it */
		struct shadow_entry e = t->shadow[t->depth - 1];
		__asm__ volatile("" ::: "memory");
		t->depth--;
		regs->ip = e.ret;
		probe_run_return(t, e.site, regs);
		return e.ret;
	}
	int i = t ? (int)t->depth - 1 : -1;
	while (i >= 0 && t->shadow[i].slot != slot)
		i--;
	if (i < 0)
		lost_return_address();
	/* The newest entry of this slot leaves, with the older ones of the same slot it chains to (a
	 * tail-call chain), innermost first. Entries above it were left by longjmp, or belong to
	 * another stack of this thread (coroutines): they stay, and those of dead frames go when the
	 * shadow stack fills (uretprobe_push). */
	struct probe_site *sites[MAX_CHAIN];
	uint32_t leave[MAX_CHAIN];
	int n = 0;
	uint64_t ret = t->shadow[i].ret;
	for (int k = i; k >= 0 && n < MAX_CHAIN; k--) {
		if (t->shadow[k].slot != slot)
			continue;
		leave[n] = (uint32_t)k;
		sites[n++] = t->shadow[k].site;
		if (!t->shadow[k].chained)
			break;
	}
	uint32_t keep = 0;
	for (uint32_t k = 0, j = (uint32_t)n; k < t->depth; k++) {
		if (j > 0 && leave[j - 1] == k) {
			j--;
			continue;
		}
		t->shadow[keep++] = t->shadow[k];
	}
	t->depth = keep;
	/* The kernel shows the real return address as the ip of a uretprobe (handle_trampoline). */
	regs->ip = ret;
	for (int k = 0; k < n; k++)
		probe_run_return(t, sites[k], regs);
	return ret;
}
