/*
 * The C half of every hooked syscall: runs the callbacks around the syscall, performs it through
 * the gate, and decides which syscalls must instead run in place (gate.S) because they depend on
 * the interrupted code's exact stack pointer or start a child on another stack.
 *
 * Compiled with -mgeneral-regs-only: the interrupted code's vector registers are live here, and
 * this file must never touch them (nor call memcpy/memset, which do; the Makefile checks).
 */
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "bpftime_syscall_ctx.h"
#include "internal.h"

static const struct bpftime_syscall_hooks_callbacks *sh_callbacks;

const struct bpftime_syscall_hooks_callbacks *sh_callbacks_get(void)
{
	return __atomic_load_n(&sh_callbacks, __ATOMIC_ACQUIRE);
}

void bpftime_syscall_hooks_set_callbacks(const struct bpftime_syscall_hooks_callbacks *cb)
{
	__atomic_store_n(&sh_callbacks, cb, __ATOMIC_RELEASE);
	sh_routes_refresh(cb);
	sh_fast_path_update();
}

/* How deep a callback's own syscalls may sit below its frame: far more than a callback uses,
 * far less than the distance to another thread's stack or a typical sigaltstack. */
#define SH_CALLBACK_STACK_WINDOW (256u << 10)

/*
 * A syscall made while a callback of this thread runs (a callback calling libc) is the
 * runtime's own: it passes untraced. A mark left behind by a callback that never returned (a
 * signal handler that interrupted it and longjmp-ed out) is recognised because the stack has
 * since unwound above it, and dropped.
 */
static int sh_is_callbacks_own(struct sh_thread *t, const struct sh_frame *f)
{
	uintptr_t mark = t->callback_frame, here = (uintptr_t)f;

	if (!mark)
		return 0;
	if (here < mark && mark - here < SH_CALLBACK_STACK_WINDOW)
		return 1;
	if (here >= mark)
		t->callback_frame = 0;
	return 0;
}

/* Calls one callback with the interrupted code's errno and, when asked, vector state kept. */
static int sh_run_callback(const struct bpftime_syscall_hooks_callbacks *cb, struct sh_thread *t,
			   struct sh_frame *f, int is_exit, long nr, const uint64_t *args, int64_t *ret)
{
	uintptr_t outer = t->callback_frame;
	long outer_nr = t->callback_nr;
	int outer_is_exit = t->callback_is_exit;
	int *errno_at = t->errno_at ? t->errno_at : (t->errno_at = &errno), saved_errno = *errno_at;
	int r = BPFTIME_SYSCALL_RUN;

	t->callback_frame = (uintptr_t)f;
	t->callback_nr = nr;
	t->callback_is_exit = is_exit;
	if (__builtin_expect(cb->flags & BPFTIME_SH_CALLBACKS_USE_VECTOR, 0) && sh_xstate_size()) {
		uintptr_t p = (uintptr_t)__builtin_alloca(sh_xstate_size() + 63);
		void *area = (void *)((p + 63) & ~(uintptr_t)63);

		sh_xstate_save(area);
		if (is_exit)
			cb->on_exit(cb->user, nr, args, *ret);
		else
			r = cb->on_enter(cb->user, nr, args, ret);
		sh_xstate_restore(area);
	} else if (is_exit) {
		cb->on_exit(cb->user, nr, args, *ret);
	} else {
		r = cb->on_enter(cb->user, nr, args, ret);
	}
	t->callback_frame = outer;
	t->callback_nr = outer_nr;
	t->callback_is_exit = outer_is_exit;
	*errno_at = saved_errno;
	return r;
}

void bpftime_syscall_hooks_call_saving_vectors(void (*fn)(void *arg), void *arg)
{
	struct sh_thread *t = sh_thread_self();
	int *errno_at = t->errno_at ? t->errno_at : (t->errno_at = &errno), saved_errno = *errno_at;

	if (sh_xstate_size()) {
		uintptr_t p = (uintptr_t)__builtin_alloca(sh_xstate_size() + 63);
		void *area = (void *)((p + 63) & ~(uintptr_t)63);

		sh_xstate_save(area);
		fn(arg);
		sh_xstate_restore(area);
	} else {
		fn(arg);
	}
	*errno_at = saved_errno;
}

static void sh_exit_hook(const struct bpftime_syscall_hooks_callbacks *cb, struct sh_thread *t,
			 struct sh_frame *f, long nr, const uint64_t *args, int64_t ret)
{
	if (cb && cb->on_exit) {
		if (cb->flags & BPFTIME_SH_CALLBACKS_PURE)
			cb->on_exit(cb->user, nr, args, ret);
		else
			sh_run_callback(cb, t, f, 1, nr, args, &ret);
	}
}

/*
 * rt_sigreturn does not return to its caller: the kernel reloads the registers saved in the
 * signal frame, whose ucontext starts at the stack pointer of __restore_rt's syscall
 * (arch/x86/kernel/signal_64.c: frame = regs->sp - sizeof(long), after the handler's ret popped
 * pretcode). sys_exit then reports the restored rax; so do we, before running it.
 */
static int64_t sh_sigreturn_result(const struct sh_frame *f)
{
	const ucontext_t *uc = (const ucontext_t *)(uintptr_t)sh_frame_user_sp(f);

	return uc->uc_mcontext.gregs[REG_RAX];
}

/* A child that shares this memory must not return through this frame (see gate.S). */
static int sh_prepare_inplace(struct sh_frame *f, uint64_t child_sp, int action)
{
	sh_thread_set_inplace_resume(f->rip);
	if (!child_sp)
		return action;
	/* through the kernel: a bad stack then only kills the child, as it would without us */
	sh_write_user(child_sp - 8, &f->rip, sizeof(f->rip));
	return action == SH_INPLACE_CLONE ? SH_INPLACE_CLONE_NEWSTACK : SH_INPLACE_CLONE3_NEWSTACK;
}

/* struct clone_args (include/uapi/linux/sched.h) up to stack_size: flags at 0, stack at 40. */
#define SH_CLONE_ARGS_READ 56
#define SH_CLONE_ARGS_SIZE_VER0 64

static int sh_clone3_action(struct sh_frame *f, const uint64_t *args)
{
	uint64_t ca[SH_CLONE_ARGS_READ / 8];

	if (args[1] < SH_CLONE_ARGS_SIZE_VER0 || sh_read_user(ca, args[0], sizeof(ca)) < 0)
		return SH_RETURN; /* the kernel refuses it: EINVAL or EFAULT */
	if ((ca[0] & CLONE_VM) || ca[5])
		return sh_prepare_inplace(f, ca[5] ? ca[5] + ca[6] : 0, SH_INPLACE_CLONE3);
	return SH_RETURN;
}

static int sh_is_fork_like(long nr)
{
	return nr == SYS_fork || nr == SYS_clone || nr == SYS_clone3;
}

/*
 * Syscalls that need more than being run from the gate: those that must run in place or create a
 * task, and those whose sigset arguments the SIGSYS guard looks at (signal_guard.c).
 */
/* gate.S's fast path reads it too (through route.c's table) */
const uint8_t bpftime_sh_special[SH_NR_TABLE] = {
	[SYS_rt_sigreturn] = 1, [SYS_vfork] = 1,	 [SYS_clone] = 1,	   [SYS_clone3] = 1,
	[SYS_fork] = 1,		[SYS_rt_sigprocmask] = 1, [SYS_rt_sigaction] = 1,  [SYS_rt_sigsuspend] = 1,
	[SYS_ppoll] = 1,	[SYS_pselect6] = 1,	 [SYS_epoll_pwait] = 1,	   [SYS_epoll_pwait2] = 1,
	[SYS_io_pgetevents] = 1,
	/* those that may make code executable or unmap it (coverage.c) */
	[SYS_mmap] = 1,		[SYS_mprotect] = 1,	 [SYS_pkey_mprotect] = 1,  [SYS_shmat] = 1,
	[SYS_munmap] = 1,
};

static int sh_is_special(long nr)
{
	return (unsigned long)nr < SH_NR_TABLE && bpftime_sh_special[nr];
}

/* Syscall User Dispatch as wanted now (sud_switch.c): a thread drops it here, and one that was
 * blocked in a syscall when another turned it on everywhere takes it here. */
static inline void sh_sud_check(struct sh_thread *t, int own)
{
	if (__builtin_expect(!own && (__atomic_load_n(&sh_sud_state, __ATOMIC_ACQUIRE) != 0) != t->sud_on, 0))
		sh_sud_sync_self();
}

static SH_GATE int sh_dispatch_special(const struct bpftime_syscall_hooks_callbacks *cb,
				       struct sh_thread *t, struct sh_frame *f, long nr, int own)
{
	const uint64_t *args = &f->rdi;
	uint64_t run[6] = { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 };
	struct sh_guard_buf guard;
	int64_t ret = 0;
	int action;

	switch (nr) {
	case SYS_rt_sigreturn:
		ret = sh_sigreturn_result(f);
		f->rax = (uint64_t)ret; /* for bpftime_syscall_hooks_regs: gate.S loads the number anew */
		sh_exit_hook(cb, t, f, nr, args, ret);
		return SH_INPLACE_SIGRETURN;
	case SYS_vfork:
		return sh_prepare_inplace(f, 0, SH_INPLACE_VFORK);
	case SYS_clone:
		/* x86-64 order: flags, newsp, parent_tid, child_tid, tls (kernel/fork.c) */
		if ((args[0] & (CLONE_VM | CLONE_VFORK)) || args[1])
			return sh_prepare_inplace(f, args[1], SH_INPLACE_CLONE);
		break;
	case SYS_clone3:
		action = sh_clone3_action(f, args);
		if (action != SH_RETURN)
			return action;
		break;
	}
	if (!own)
		sh_coverage_before(nr, run);
	if (sh_guard_prepare(nr, run, &guard, &ret) == SH_GUARD_RUN)
		ret = sh_syscall6(nr, run[0], run[1], run[2], run[3], run[4], run[5]);
	if (ret == 0 && sh_is_fork_like(nr))
		sh_thread_child_start(1);
	sh_coverage_after(nr, run, ret, own);
	sh_sud_check(t, own);
	f->rax = (uint64_t)ret;
	sh_exit_hook(cb, t, f, nr, args, ret);
	return SH_RETURN;
}

int bpftime_sh_dispatch(struct sh_frame *f) SH_HIDDEN SH_GATE;
int bpftime_sh_dispatch(struct sh_frame *f)
{
	struct sh_thread *t = sh_thread_self();
	const struct bpftime_syscall_hooks_callbacks *cb = sh_callbacks_get(), *exit_cb;
	long nr = (long)f->rax;
	const uint64_t *args = &f->rdi;
	int64_t ret = 0;
	int own = t->untraced || (t->callback_frame && sh_is_callbacks_own(t, f));
	unsigned route = sh_route_of(nr);

	if (__builtin_expect(own, 0))
		cb = 0;
	else
		sh_rewrite_poll();
	/* route.c: a number routed NONE is nobody's; one routed DIRECT runs the direct function on
	 * entry, and on_enter only when that function hands the syscall over */
	if (route == BPFTIME_SH_ROUTE_NONE)
		cb = 0;
	exit_cb = route == BPFTIME_SH_ROUTE_CALLBACKS ? cb : 0;
	if (route == BPFTIME_SH_ROUTE_DIRECT && !own && sh_route_direct(f, nr) != SH_DIRECT_TO_CALLBACKS)
		cb = 0;

	if (cb && cb->on_enter && (cb->flags & BPFTIME_SH_CALLBACKS_PURE)) {
		if (cb->on_enter(cb->user, nr, args, &ret) == BPFTIME_SYSCALL_SKIP) {
			f->rax = (uint64_t)ret;
			sh_exit_hook(exit_cb, t, f, nr, args, ret);
			return SH_RETURN;
		}
	} else if (cb && cb->on_enter &&
		   sh_run_callback(cb, t, f, 0, nr, args, &ret) == BPFTIME_SYSCALL_SKIP) {
		f->rax = (uint64_t)ret;
		sh_exit_hook(exit_cb, t, f, nr, args, ret);
		return SH_RETURN;
	}
	if (__builtin_expect(sh_is_special(nr), 0))
		return sh_dispatch_special(exit_cb, t, f, nr, own);
	ret = sh_syscall6(nr, f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
	sh_sud_check(t, own);
	f->rax = (uint64_t)ret;
	sh_exit_hook(exit_cb, t, f, nr, args, ret);
	return SH_RETURN;
}

/* After an in-place clone, clone3 or vfork, in the parent and in the child (result 0), where
 * the kernel's sys_exit also fires in both (ret_from_fork -> syscall_exit_to_user_mode). */
void bpftime_sh_dispatch_post(struct sh_frame *f, long nr) SH_HIDDEN;
void bpftime_sh_dispatch_post(struct sh_frame *f, long nr)
{
	struct sh_thread *t = sh_thread_self();
	const struct bpftime_syscall_hooks_callbacks *cb = sh_callbacks_get();
	const uint64_t *args = &f->rdi;

	if (f->rax == 0) {
		uint64_t flags = nr == SYS_vfork ? CLONE_VM : args[0];

		if (nr == SYS_clone3)
			flags = *(const uint64_t *)(uintptr_t)args[0]; /* read before the syscall */
		sh_thread_child_start(!(flags & CLONE_VM));
	}
	sh_sud_check(t, t->untraced);
	if (!cb || t->untraced || sh_is_callbacks_own(t, f) || sh_route_of(nr) != BPFTIME_SH_ROUTE_CALLBACKS)
		return;
	sh_exit_hook(cb, t, f, nr, args, (int64_t)f->rax);
}
