#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "int3_trap.h"
#include "probe_dispatch.h"
#include "probe_site.h"
#include "raw_syscall.h"
#include "x86_emulate.h"

/* glibc's exported name of the real sigaction, which signal_interpose.c overrides. */
extern int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);

#define INT3 0xcc

static struct sigaction app_action; /* the application's SIGTRAP disposition */
static pthread_mutex_t app_lock = PTHREAD_MUTEX_INITIALIZER;
static int installed;

int int3_real_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return __sigaction(sig, act, old);
}

static void regs_from_context(struct bpftime_pt_regs *r, const greg_t *g)
{
	r->r15 = g[REG_R15]; r->r14 = g[REG_R14]; r->r13 = g[REG_R13]; r->r12 = g[REG_R12];
	r->bp = g[REG_RBP]; r->bx = g[REG_RBX]; r->r11 = g[REG_R11]; r->r10 = g[REG_R10];
	r->r9 = g[REG_R9]; r->r8 = g[REG_R8]; r->ax = g[REG_RAX]; r->cx = g[REG_RCX];
	r->dx = g[REG_RDX]; r->si = g[REG_RSI]; r->di = g[REG_RDI];
	r->orig_ax = (uint64_t)-1;
	r->ip = g[REG_RIP];
	r->cs = g[REG_CSGSFS] & 0xffff;
	r->flags = g[REG_EFL];
	r->sp = g[REG_RSP];
	r->ss = 0x2b;
}

static void regs_to_context(const struct bpftime_pt_regs *r, greg_t *g)
{
	g[REG_R15] = r->r15; g[REG_R14] = r->r14; g[REG_R13] = r->r13; g[REG_R12] = r->r12;
	g[REG_RBP] = r->bp; g[REG_RBX] = r->bx; g[REG_R11] = r->r11; g[REG_R10] = r->r10;
	g[REG_R9] = r->r9; g[REG_R8] = r->r8; g[REG_RAX] = r->ax; g[REG_RCX] = r->cx;
	g[REG_RDX] = r->dx; g[REG_RSI] = r->si; g[REG_RDI] = r->di;
	g[REG_RIP] = r->ip;
	g[REG_RSP] = r->sp;
}

static void handle_site(struct probe_site *s, greg_t *g)
{
	if (s->trampoline) {
		/* rip -> trampoline is exactly what the jump being written (or removed) would do. */
		g[REG_RIP] = s->trampoline;
		return;
	}
	struct bpftime_pt_regs regs;
	regs_from_context(&regs, g);
	regs.ip = s->addr; /* the kernel shows the probed address, not the one after int3 */
	if (probe_entry_hit_trap(s, &regs)) {
		/* override: return from the function with regs.ax */
		memcpy(&regs.ip, (const void *)(uintptr_t)regs.sp, 8);
		regs.sp += 8;
	} else if (s->emulate) {
		x86_emulate(s->orig, &s->first, &regs);
	} else {
		regs.ip = s->xol;
	}
	regs_to_context(&regs, g);
}

static void block_during(const sigset_t *mask, sigset_t *old)
{
	raw_syscall6(SYS_rt_sigprocmask, SIG_BLOCK, (long)mask, (long)old, _NSIG / 8, 0, 0);
}

static void restore_mask(const sigset_t *old)
{
	raw_syscall6(SYS_rt_sigprocmask, SIG_SETMASK, (long)old, 0, _NSIG / 8, 0, 0);
}

/* What the kernel would have done without a handler: terminate with a core dump. */
static void default_action(int sig, siginfo_t *si, ucontext_t *uc)
{
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	__sigaction(sig, &dfl, NULL);
	greg_t *g = uc->uc_mcontext.gregs;
	if (si->si_code == SI_KERNEL && *(volatile uint8_t *)(uintptr_t)(g[REG_RIP] - 1) == INT3)
		g[REG_RIP] -= 1; /* the same int3 again, now fatal, with the state the app had */
	else
		raw_syscall6(SYS_tgkill, raw_syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0),
			     raw_syscall6(SYS_gettid, 0, 0, 0, 0, 0, 0), sig, 0, 0, 0);
}

static void chain(int sig, siginfo_t *si, ucontext_t *uc)
{
	struct sigaction app = app_action;
	if (!(app.sa_flags & SA_SIGINFO) && app.sa_handler == SIG_IGN) {
		/* A trap the kernel forces on an ignored signal kills (kernel/signal.c
		 * force_sig_info_to_task); a sent one is ignored. */
		if (si->si_code == SI_KERNEL)
			default_action(sig, si, uc);
		return;
	}
	if (!(app.sa_flags & SA_SIGINFO) && app.sa_handler == SIG_DFL) {
		default_action(sig, si, uc);
		return;
	}
	sigset_t mask = app.sa_mask, old;
	if (!(app.sa_flags & SA_NODEFER))
		sigaddset(&mask, sig);
	sigdelset(&mask, SIGTRAP); /* our own int3s must stay deliverable */
	if (app.sa_flags & SA_RESETHAND) {
		pthread_mutex_lock(&app_lock);
		memset(&app_action, 0, sizeof(app_action));
		app_action.sa_handler = SIG_DFL;
		pthread_mutex_unlock(&app_lock);
	}
	block_during(&mask, &old);
	if (app.sa_flags & SA_SIGINFO)
		app.sa_sigaction(sig, si, uc);
	else
		app.sa_handler(sig);
	restore_mask(&old);
}

static void on_sigtrap(int sig, siginfo_t *si, void *ucv)
{
	/* No errno access here: __errno_location may itself be probed. Nothing below sets errno but
	 * the application's own handler, which must keep it as any signal handler must. */
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;
	if (si->si_code == SI_KERNEL) {
		uintptr_t addr = (uintptr_t)g[REG_RIP] - 1;
		struct probe_site *s = site_lookup(addr);
		if (s) {
			if (*(volatile uint8_t *)addr == INT3)
				handle_site(s, g);
			else
				g[REG_RIP] = addr; /* unpatched since the trap: run the original instruction */
			return;
		}
	}
	chain(sig, si, uc);
}

int int3_trap_install(void)
{
	if (installed)
		return 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigtrap;
	/* SA_NODEFER: an int3 inside a handler must reach us (a blocked SIGTRAP on int3 kills,
	 * kernel/signal.c force_sig_info_to_task). */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	pthread_mutex_lock(&app_lock);
	int r = __sigaction(SIGTRAP, &sa, &app_action);
	if (r == 0)
		__atomic_store_n(&installed, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&app_lock);
	return r ? -errno : 0;
}

int int3_trap_installed(void)
{
	return __atomic_load_n(&installed, __ATOMIC_ACQUIRE);
}

int int3_trap_app_sigaction(const struct sigaction *act, struct sigaction *old)
{
	pthread_mutex_lock(&app_lock);
	if (old)
		*old = app_action;
	if (act)
		app_action = *act;
	pthread_mutex_unlock(&app_lock);
	return 0;
}
