/*
 * When the entry's fast path (gate.S) is open. It runs a syscall with only the registers a C call
 * clobbers saved, no frame for bpftime_syscall_hooks_regs, no bookkeeping, and nothing after the
 * syscall but a check of this byte, so it takes only what needs none of that, as route.c's table
 * says per number: a number nothing wants (no callbacks, or routed BPFTIME_SH_ROUTE_NONE), one
 * routed to the direct function (a JIT-ed sys_enter program calling no helper, with the context
 * built where the arguments were saved), one for an on_enter flagged BPFTIME_SH_CALLBACKS_PURE,
 * without USE_VECTOR, and no on_exit. It is open while Syscall User Dispatch is off (a thread
 * blocked in the fast path's syscall when another turns it on finds the byte 0 on its way back,
 * see sud_switch.c) and no rescan is pending (the full path polls for those). Special syscalls (the
 * table in dispatch.c) and untraced threads always take the full path.
 */
#include "internal.h"

SH_HIDDEN uint8_t bpftime_sh_fast_mode;
/* The callbacks the fast path calls: one pointer, so on_enter and user always come as a pair. */
const struct bpftime_syscall_hooks_callbacks *bpftime_sh_fast_cb;

_Static_assert(__builtin_offsetof(struct sh_thread, untraced) == 20, "gate.S SH_THREAD_UNTRACED");
_Static_assert(__builtin_offsetof(struct bpftime_syscall_hooks_callbacks, on_enter) == 0, "gate.S");
_Static_assert(__builtin_offsetof(struct bpftime_syscall_hooks_callbacks, user) == 16, "gate.S");

static uint8_t compute(void)
{
	return sh_installed() && __atomic_load_n(&sh_sud_state, __ATOMIC_SEQ_CST) == 0 &&
	       !__atomic_load_n(&sh_rewrite_pending, __ATOMIC_SEQ_CST) &&
	       !__atomic_load_n(&sh_proof_countdown, __ATOMIC_SEQ_CST);
}

/* Closes the fast path at once (before what made it unfit takes effect), then reopens it if
 * everything allows; a change racing with this one is seen by the second look. */
void sh_fast_path_update(void)
{
	uint8_t v;

	__atomic_store_n(&bpftime_sh_fast_mode, 0, __ATOMIC_SEQ_CST);
	v = compute();
	__atomic_store_n(&bpftime_sh_fast_mode, v, __ATOMIC_SEQ_CST);
	if (v && compute() != v)
		__atomic_store_n(&bpftime_sh_fast_mode, 0, __ATOMIC_SEQ_CST);
}

void sh_fast_path_close(void)
{
	__atomic_store_n(&bpftime_sh_fast_mode, 0, __ATOMIC_SEQ_CST);
}

/* After a fast-path syscall that found the path closed: what the full path does on its way back. */
void bpftime_sh_fast_closed(void) SH_HIDDEN;
void bpftime_sh_fast_closed(void)
{
	if (!sh_thread_self()->untraced)
		sh_sud_sync_self();
}
