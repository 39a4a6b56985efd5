/*
 * Signals and the hooks: handlers that make syscalls (on the normal stack and on an alternate
 * one), a blocking read interrupted by a signal, a siglongjmp out of a handler, every signal
 * blocked (SIGSYS included, as far as the application can tell) while syscalls go on, and an
 * application that handles SIGSYS itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "workload.h"

static volatile int usr1_seen, alrm_seen, sys_seen;
static sigjmp_buf jump;

static void on_usr1(int sig)
{
	int null = open("/dev/null", O_WRONLY);
	write(null, "hi", 2);
	close(null);
	usr1_seen++;
}

static void on_alrm(int sig)
{
	alrm_seen = getppid() > 0;
}

static void on_usr2(int sig)
{
	siglongjmp(jump, 1);
}

static void on_sys(int sig, siginfo_t *si, void *uc)
{
	sys_seen = si->si_signo == SIGSYS && si->si_code == SI_USER;
}

static void handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigfillset(&sa.sa_mask);
	CHECK(sigaction(sig, &sa, NULL) == 0, "sigaction %d", sig);
}

int main(void)
{
	int fds[2];
	char c;

	handle(SIGUSR1, on_usr1, 0);
	CHECK(kill(getpid(), SIGUSR1) == 0 && usr1_seen == 1, "SIGUSR1 on the normal stack");

	static char alt[64 * 1024];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	CHECK(sigaltstack(&ss, NULL) == 0, "sigaltstack");
	handle(SIGUSR1, on_usr1, SA_ONSTACK);
	CHECK(raise(SIGUSR1) == 0 && usr1_seen == 2, "SIGUSR1 on the alternate stack");

	/* a blocking read that a signal interrupts: EINTR without SA_RESTART */
	CHECK(pipe(fds) == 0, "pipe");
	handle(SIGALRM, on_alrm, 0);
	struct itimerval it = { .it_value = { 0, 20000 } };
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer");
	errno = 0;
	CHECK(read(fds[0], &c, 1) == -1 && errno == EINTR && alrm_seen, "EINTR: errno %d", errno);

	handle(SIGUSR2, on_usr2, 0);
	if (sigsetjmp(jump, 1) == 0) {
		kill(getpid(), SIGUSR2);
		CHECK(0, "siglongjmp did not happen");
	}
	CHECK(getppid() > 0, "syscalls after siglongjmp");

	/* everything blocked, SIGSYS included: syscalls at every kind of site go on */
	sigset_t all, old, now;
	sigfillset(&all);
	CHECK(sigprocmask(SIG_BLOCK, &all, &old) == 0, "block all");
	CHECK(getppid() > 0 && asm_raw_syscall(SYS_getppid, 0, 0, 0) > 0, "syscalls while blocked");
	CHECK(sigprocmask(SIG_SETMASK, &old, &now) == 0, "restore mask");
	CHECK(sigismember(&now, SIGUSR1), "the mask read back blocks SIGUSR1");

	/* an application's own SIGSYS handler gets the SIGSYS sent to it */
	struct sigaction sa, prev;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sys;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGSYS, &sa, &prev) == 0 && prev.sa_handler == SIG_DFL, "sigaction SIGSYS");
	CHECK(kill(getpid(), SIGSYS) == 0 && sys_seen, "SIGSYS handler of the application");
	CHECK(sigaction(SIGSYS, NULL, &prev) == 0 && prev.sa_sigaction == on_sys, "SIGSYS action");

	close(fds[0]);
	close(fds[1]);
	printf("workload_signals ok\n");
	return 0;
}
