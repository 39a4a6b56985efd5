/*
 * Keeping SIGTRAP for the engine while the application runs. These definitions override libc's
 * (the agent is preloaded; a program linking the engine statically gets them too):
 *   - sigaction/signal on SIGTRAP, once the engine's handler is installed, change the disposition
 *     the handler chains to instead of replacing the handler;
 *   - a blocked SIGTRAP at one of the engine's int3s would kill the process (the kernel resets a
 *     blocked forced signal to its default, kernel/signal.c force_sig_info_to_task), so SIGTRAP is
 *     reserved (native-support's reserved_signals.h, with SIGSYS when the syscall hooks are in the
 *     same process) and the reserved signals are left out of the masks the application blocks:
 *     sigprocmask, pthread_sigmask, sa_mask. The hooks' guard does the same for raw syscalls.
 * The old mask the application reads back therefore never shows a reserved signal blocked.
 */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "bpftime_probe.h"
#include "int3_trap.h"
#include "reserved_signals.h"

typedef int (*mask_fn)(int how, const sigset_t *set, sigset_t *old);

/* Whether set blocks a reserved signal; then copy is set without them. */
static int strip_reserved(const sigset_t *set, sigset_t *copy)
{
	uint64_t reserved = reserved_signals_mask();
	int found = 0;
	for (int sig = 1; sig <= 64; sig++)
		found |= (reserved >> (sig - 1) & 1) && sigismember(set, sig) == 1;
	if (!found)
		return 0;
	*copy = *set;
	for (int sig = 1; sig <= 64; sig++)
		if (reserved >> (sig - 1) & 1)
			sigdelset(copy, sig);
	return 1;
}

static const sigset_t *without_reserved(int how, const sigset_t *set, sigset_t *copy)
{
	if (!set || how == SIG_UNBLOCK || !strip_reserved(set, copy))
		return set;
	return copy;
}

__attribute__((visibility("default"))) int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (sig == SIGTRAP && int3_trap_installed())
		return int3_trap_app_sigaction(act, old);
	struct sigaction copy;
	if (act) {
		copy = *act;
		if (strip_reserved(&act->sa_mask, &copy.sa_mask))
			act = &copy;
	}
	return int3_real_sigaction(sig, act, old);
}

/* glibc's signal(): BSD semantics, the handler's own signal blocked while it runs, restarting. */
__attribute__((visibility("default"))) sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction sa, old;
	if (sig <= 0 || sig >= NSIG || handler == SIG_ERR) {
		errno = EINVAL;
		return SIG_ERR;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, sig);
	sa.sa_flags = SA_RESTART;
	if (sigaction(sig, &sa, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

static mask_fn next_sigprocmask, next_pthread_sigmask;

/* Resolved before main: dlsym is not async-signal-safe, masks are changed in signal handlers. */
__attribute__((constructor)) static void resolve_next(void)
{
	reserved_signals_add(SIGTRAP);
	next_sigprocmask = (mask_fn)dlsym(RTLD_NEXT, "sigprocmask");
	next_pthread_sigmask = (mask_fn)dlsym(RTLD_NEXT, "pthread_sigmask");
}

__attribute__((visibility("default"))) int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	sigset_t copy;
	if (!next_sigprocmask)
		resolve_next();
	if (!next_sigprocmask) {
		errno = ENOSYS;
		return -1;
	}
	return next_sigprocmask(how, without_reserved(how, set, &copy), old);
}

__attribute__((visibility("default"))) int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	sigset_t copy;
	if (!next_pthread_sigmask)
		resolve_next();
	if (!next_pthread_sigmask)
		return ENOSYS;
	return next_pthread_sigmask(how, without_reserved(how, set, &copy), old);
}
