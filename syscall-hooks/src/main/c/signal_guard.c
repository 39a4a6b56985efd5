/*
 * Keeping SIGSYS and SIGILL deliverable (SIGILL: a site turned into ud2, trap_sites.c; what is
 * said of SIGSYS below holds for both). A Syscall User Dispatch trap is a forced signal: when the thread
 * has SIGSYS blocked the kernel unblocks it and resets its action to the default, killing the
 * process (kernel/signal.c: force_sig_info_to_task). So while the hooks are installed SIGSYS is
 * never blocked and its handler stays ours:
 *   - a mask that would block SIGSYS (rt_sigprocmask, the temporary masks of rt_sigsuspend,
 *     ppoll, pselect6, epoll_pwait(2), io_pgetevents, a handler's sa_mask) runs without it; the
 *     callbacks still see the arguments the application passed;
 *   - rt_sigaction(SIGSYS) is emulated: the application's action is recorded and reported back,
 *     and our handler forwards to it every SIGSYS that is not a dispatch trap (seccomp's, kill's).
 * Pointers come from the application, so they are read with sh_read_user: a bad one still gets
 * the kernel's EFAULT.
 */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>

#include "internal.h"
#include "reserved_signals.h"

#define SH_SA_RESTORER 0x04000000ull /* arch/x86/include/uapi/asm/signal.h */
#define SH_SI_SECCOMP 1		     /* si_code of a seccomp SECCOMP_RET_TRAP */

/* struct sigaction as the kernel's rt_sigaction takes it (include/linux/signal_types.h). */
struct sh_kernel_sigaction {
	uint64_t handler, flags, restorer, mask;
};

/* The application's actions for the signals the hooks own: SIGSYS, SIGILL. */
static struct sh_kernel_sigaction sh_app_action[2];

static struct sh_kernel_sigaction *app_action(long sig)
{
	return sig == SIGSYS ? &sh_app_action[0] : sig == SIGILL ? &sh_app_action[1] : 0;
}

/* Points arg at a copy of the sigset it points to, without the reserved signals (SIGSYS, and
 * SIGTRAP in the agent: reserved_signals.h), when that set blocks one. */
static void sh_strip_set(uint64_t *arg, uint64_t size, struct sh_guard_buf *buf)
{
	uint64_t set;

	if (!*arg || size != sizeof(set) || sh_read_user(&set, *arg, sizeof(set)) < 0)
		return;
	uint64_t reserved = reserved_signals_mask();

	if (!(set & reserved))
		return;
	buf->set = set & ~reserved;
	*arg = (uint64_t)(uintptr_t)&buf->set;
}

/* The same one level down: arg points at { const sigset_t *set; size_t size; }. */
static void sh_strip_indirect_set(uint64_t *arg, struct sh_guard_buf *buf)
{
	uint64_t pair[2], set_ptr;

	if (!*arg || sh_read_user(pair, *arg, sizeof(pair)) < 0)
		return;
	set_ptr = pair[0];
	sh_strip_set(&set_ptr, pair[1], buf);
	if (set_ptr == pair[0])
		return;
	buf->pair[0] = set_ptr;
	buf->pair[1] = pair[1];
	*arg = (uint64_t)(uintptr_t)buf->pair;
}

static int sh_emulate_action(struct sh_kernel_sigaction *app, const uint64_t args[6], int64_t *ret)
{
	struct sh_kernel_sigaction act, old = *app;

	if (args[3] != sizeof(uint64_t)) {
		*ret = -EINVAL;
		return SH_GUARD_EMULATED;
	}
	if (args[1] && sh_read_user(&act, args[1], sizeof(act)) < 0) {
		*ret = -EFAULT;
		return SH_GUARD_EMULATED;
	}
	if (args[2] && sh_write_user(args[2], &old, sizeof(old)) < 0) {
		*ret = -EFAULT;
		return SH_GUARD_EMULATED;
	}
	if (args[1])
		*app = act;
	*ret = 0;
	return SH_GUARD_EMULATED;
}

int sh_guard_prepare(long nr, uint64_t args[6], struct sh_guard_buf *buf, int64_t *ret)
{
	switch (nr) {
	case SYS_rt_sigprocmask:
		if (args[0] != SIG_UNBLOCK)
			sh_strip_set(&args[1], args[3], buf);
		break;
	case SYS_rt_sigaction:
		if (app_action((long)args[0]))
			return sh_emulate_action(app_action((long)args[0]), args, ret);
		if (args[1] && args[3] == sizeof(uint64_t) &&
		    sh_read_user(buf->action, args[1], sizeof(buf->action)) == 0 &&
		    (buf->action[3] & (reserved_signals_mask()))) {
			buf->action[3] &= ~(reserved_signals_mask());
			args[1] = (uint64_t)(uintptr_t)buf->action;
		}
		break;
	case SYS_rt_sigsuspend:
		sh_strip_set(&args[0], args[1], buf);
		break;
	case SYS_ppoll:
		sh_strip_set(&args[3], args[4], buf);
		break;
	case SYS_epoll_pwait:
	case SYS_epoll_pwait2:
		sh_strip_set(&args[4], args[5], buf);
		break;
	case SYS_pselect6:
	case SYS_io_pgetevents:
		sh_strip_indirect_set(&args[5], buf);
		break;
	}
	return SH_GUARD_RUN;
}

int sh_guard_install_handler(int sig, void (*handler)(int, void *, void *))
{
	struct sh_kernel_sigaction act = {
		.handler = (uint64_t)(uintptr_t)handler,
		.flags = SA_SIGINFO | SH_SA_RESTORER,
		.restorer = (uint64_t)(uintptr_t)bpftime_sh_restorer,
		/* all blocked: the handler never runs the syscall, so nothing waits on a signal */
		.mask = ~0ull,
	};
	struct sh_kernel_sigaction old;
	long r = sh_raw4(SYS_rt_sigaction, sig, (long)&act, (long)&old, sizeof(uint64_t));

	if (r == 0)
		*app_action(sig) = old;
	return (int)r;
}

/* A SIGSYS that is not a dispatch trap, or a SIGILL not of our sites, delivered to the
 * application's action as the kernel would have. Runs inside our handler, so with every signal
 * blocked. A fault's signal (SIGILL from the CPU, seccomp's SIGSYS) is forced: ignoring it kills. */
void sh_guard_forward(int sig, void *info, void *uc)
{
	struct sh_kernel_sigaction *app = app_action(sig), a = *app;
	int code = ((siginfo_t *)info)->si_code;
	int forced = sig == SIGSYS ? code == SH_SI_SECCOMP : code > 0;

	if (a.handler == (uint64_t)(uintptr_t)SIG_IGN && !forced)
		return;
	if (a.handler == (uint64_t)(uintptr_t)SIG_DFL ||
	    a.handler == (uint64_t)(uintptr_t)SIG_IGN) {
		/* The default action (core dump): let the kernel take it once our handler returns. */
		struct sh_kernel_sigaction dfl = { 0 };

		sh_raw4(SYS_rt_sigaction, sig, (long)&dfl, 0, sizeof(uint64_t));
		sh_raw3(SYS_tgkill, sh_raw0(SYS_getpid), sh_raw0(SYS_gettid), sig);
		return;
	}
	if (a.flags & SA_RESETHAND)
		app->handler = (uint64_t)(uintptr_t)SIG_DFL;
	if (a.flags & SA_SIGINFO)
		((void (*)(int, void *, void *))(uintptr_t)a.handler)(sig, info, uc);
	else
		((void (*)(int))(uintptr_t)a.handler)(sig);
}
