/* Per-thread state and the start of a new thread or process under the hooks. */
#include <sys/syscall.h>

#include "internal.h"

#define SH_TLS __attribute__((tls_model("initial-exec")))

SH_HIDDEN __thread struct sh_thread sh_thread_state SH_TLS;

/* Where the parent resumes after an in-place clone, clone3 or vfork (gate.S reads it). A vfork
 * child shares it with its sleeping parent; a thread with its own TLS has its own. */
SH_HIDDEN __thread uint64_t bpftime_sh_inplace_resume SH_TLS;

void sh_thread_set_inplace_resume(uint64_t rip)
{
	bpftime_sh_inplace_resume = rip;
}

long sh_thread_dispatch(int on)
{
	long r;

	if (!on)
		r = sh_raw4(SYS_prctl, SH_PR_SET_SYSCALL_USER_DISPATCH, SH_PR_SYS_DISPATCH_OFF, 0, 0);
	else
		r = bpftime_syscall_hooks_raw(SYS_prctl, SH_PR_SET_SYSCALL_USER_DISPATCH,
					      SH_PR_SYS_DISPATCH_ON, (long)bpftime_sh_gate_begin,
					      bpftime_sh_gate_end - bpftime_sh_gate_begin,
					      (long)&sh_selector, 0);
	if (r == 0)
		sh_thread_state.sud_on = on;
	return r;
}

/*
 * Syscall User Dispatch is per task and a new task starts without it (kernel/fork.c:
 * copy_process clears SYSCALL_WORK_SYSCALL_USER_DISPATCH), so every child turns it on for itself
 * before its first instruction of its own, when the process needs it (sud_switch.c): the hooks run
 * its clone's return in the child. Its TLS may be a copy of its parent's or new: whatever it says,
 * the task starts without.
 */
void sh_thread_child_start(int own_memory)
{
	if (own_memory)
		sh_user_memory_refresh_pid();
	sh_thread_state.sud_on = 0;
	if (sh_installed())
		sh_sud_sync_self();
}

void bpftime_syscall_hooks_thread_untraced(int untraced)
{
	sh_thread_state.untraced = untraced != 0;
	if (sh_installed())
		sh_sud_sync_self();
}
