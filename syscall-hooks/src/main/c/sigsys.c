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

/* Makes the interrupted context call the entry as a rewritten site would, resuming at resume. */
static void sh_redirect(greg_t *g, uint64_t resume)
{
	SH_COUNT(fallback_traps, 1);
	g[REG_RCX] = (greg_t)resume;
	g[REG_RSP] -= SH_REDZONE + 8;
	*(uint64_t *)(uintptr_t)g[REG_RSP] = (uint64_t)(uintptr_t)bpftime_sh_return;
	g[REG_RIP] = (greg_t)(uintptr_t)bpftime_sh_entry;
}

static void sh_sigsys_handler(int sig, void *info_v, void *uc_v)
{
	siginfo_t *info = info_v;
	ucontext_t *uc = uc_v;
	greg_t *g = uc->uc_mcontext.gregs;

	if (info->si_code != SH_SYS_USER_DISPATCH) {
		if (sh_sud_is_notice(info))
			sh_sud_answer_notice(); /* another thread maps new code (sud_switch.c) */
		else
			sh_guard_forward(sig, info_v, uc_v);
		return;
	}
	/* regs->ip is already past the syscall instruction: it is where the code resumes */
	sh_rewrite_note_trap((uint64_t)g[REG_RIP]);
	sh_redirect(g, (uint64_t)g[REG_RIP]);
}

/* A site turned into ud2 (trap_sites.c): #UD leaves regs->ip at the ud2, rax holds the number. */
static void sh_sigill_handler(int sig, void *info_v, void *uc_v)
{
	siginfo_t *info = info_v;
	ucontext_t *uc = uc_v;
	greg_t *g = uc->uc_mcontext.gregs;

	if (info->si_code != ILL_ILLOPN || !sh_trap_site_known((uint64_t)g[REG_RIP])) {
		sh_guard_forward(sig, info_v, uc_v);
		return;
	}
	sh_redirect(g, (uint64_t)g[REG_RIP] + 2);
}

int sh_sigsys_install(void)
{
	int r = sh_guard_install_handler(SIGSYS, sh_sigsys_handler);

	return r < 0 ? r : sh_guard_install_handler(SIGILL, sh_sigill_handler);
}
