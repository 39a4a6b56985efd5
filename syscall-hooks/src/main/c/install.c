/* bpftime_syscall_hooks_install: the order in which the pieces come up. */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>

#include "internal.h"
#include "reserved_signals.h"

volatile char sh_selector = SH_SYSCALL_DISPATCH_FILTER_ALLOW;
static int sh_claimed, sh_done;
static unsigned sh_flags;

int sh_installed(void)
{
	return __atomic_load_n(&sh_done, __ATOMIC_ACQUIRE);
}

unsigned sh_install_flags(void)
{
	return sh_flags;
}

int bpftime_syscall_hooks_install(const struct bpftime_syscall_hooks_callbacks *cb)
{
	uint64_t sigsys = 1ull << (SIGSYS - 1) | 1ull << (SIGILL - 1);
	long r;

	bpftime_syscall_hooks_set_callbacks(cb);
	if (__atomic_exchange_n(&sh_claimed, 1, __ATOMIC_ACQ_REL))
		return 0;
	/* OFF with zero arguments is accepted by every kernel that has the feature */
	r = sh_raw4(SYS_prctl, SH_PR_SET_SYSCALL_USER_DISPATCH, SH_PR_SYS_DISPATCH_OFF, 0, 0);
	if (r < 0) {
		__atomic_store_n(&sh_claimed, 0, __ATOMIC_RELEASE);
		return r == -EINVAL ? -ENOSYS : (int)r;
	}
	sh_flags = cb ? cb->flags : 0;
	/* signal_guard.c keeps them out of every mask from now on */
	reserved_signals_add(SIGSYS);
	reserved_signals_add(SIGILL);
	sh_xstate_init();
	sh_user_memory_refresh_pid();
	r = sh_sigsys_install();
	if (r < 0) {
		__atomic_store_n(&sh_claimed, 0, __ATOMIC_RELEASE);
		return (int)r;
	}
	/* Syscall User Dispatch only when some code is left uncovered (sud_switch.c); it stays on
	 * then until new code comes and the scan that follows finds everything covered */
	if (!(sh_flags & SH_FLAG_NO_REWRITE) && sh_rewrite_all_objects(sh_proc_thread_count() != 1))
		__atomic_store_n(&sh_sud_state, 0, __ATOMIC_SEQ_CST);
	sh_raw4(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&sigsys, 0, sizeof(sigsys));
	sh_selector = SH_SYSCALL_DISPATCH_FILTER_BLOCK;
	__atomic_store_n(&sh_done, 1, __ATOMIC_RELEASE);
	sh_fast_path_update();
	/* the last syscall of the installation: from here on this thread is hooked */
	sh_thread_state.sud_on = 0;
	return sh_sud_wanted() ? (int)sh_thread_dispatch(1) : 0;
}
