/*
 * The complete fallback: Syscall User Dispatch (prctl PR_SET_SYSCALL_USER_DISPATCH, Linux 5.11,
 * Documentation/admin-guide/syscall-user-dispatch.rst). With the selector at BLOCK, every syscall
 * whose instruction lies outside the gate is stopped before it runs and turned into a SIGSYS
 * (kernel/entry/syscall_user_dispatch.c: the syscall is rolled back, rax = its number again).
 *
 * The handler does not run the syscall: it moves the interrupted context onto the same entry a
 * rewritten site calls, as if it had been called from bpftime_sh_return (rsp below the red
 * zone, rcx = resume address), and returns. rt_sigreturn then restores the application's signal mask
 * and vector state, so the syscall and the callbacks run exactly as on the fast path: with the
 * application's mask (a blocking read stays interruptible), able to clone onto a new stack or
 * vfork, and with our handler no longer on the stack.
 */
#include <signal.h>
#include <ucontext.h>

#include "internal.h"

static void sh_sigsys_handler(int sig, void *info_v, void *uc_v)
{
	siginfo_t *info = info_v;
	ucontext_t *uc = uc_v;
	greg_t *g = uc->uc_mcontext.gregs;

	if (info->si_code != SH_SYS_USER_DISPATCH) {
		sh_guard_forward_sigsys(sig, info_v, uc_v);
		return;
	}
	SH_COUNT(fallback_traps, 1);
	/* regs->ip is already past the syscall instruction: it is where the code resumes */
	sh_rewrite_note_trap((uint64_t)g[REG_RIP]);
	g[REG_RCX] = g[REG_RIP];
	g[REG_RSP] -= SH_REDZONE + 8;
	*(uint64_t *)(uintptr_t)g[REG_RSP] = (uint64_t)(uintptr_t)bpftime_sh_return;
	g[REG_RIP] = (greg_t)(uintptr_t)bpftime_sh_entry;
}

int sh_sigsys_install(void)
{
	return sh_guard_install_handler(sh_sigsys_handler);
}
