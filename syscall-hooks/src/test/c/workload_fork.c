/*
 * New processes under the hooks: fork, vfork + exec, posix_spawn (clone3 with CLONE_VM and a new
 * stack), glibc's clone() with CLONE_VM and a new stack running a function, and an exec of this
 * program whose new image must run normally.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "workload.h"

extern char **environ;

static int wait_ok(pid_t pid, int code)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == code;
}

static int clone_child(void *arg)
{
	/* a new stack, shared memory: signal the parent through it */
	*(volatile int *)arg = (int)getppid();
	return 7;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec-child") == 0) {
		/* the new image: a few syscalls, silent */
		CHECK(getppid() > 0, "getppid in exec-ed image");
		CHECK(asm_raw_syscall(SYS_getppid, 0, 0, 0) > 0, "raw");
		return 5;
	}

	pid_t me = getpid();
	pid_t c = fork();
	CHECK(c >= 0, "fork %d", errno);
	if (c == 0) {
		if (getppid() != me)
			_exit(10);
		_exit(asm_raw_syscall(SYS_getppid, 0, 0, 0) == me ? 3 : 11);
	}
	CHECK(wait_ok(c, 3), "fork child");

	c = vfork();
	if (c == 0) {
		execl(argv[0], argv[0], "exec-child", (char *)NULL);
		_exit(12);
	}
	CHECK(c > 0 && wait_ok(c, 5), "vfork + exec");

	char *args[] = { argv[0], "exec-child", NULL };
	pid_t sp;
	CHECK(posix_spawn(&sp, argv[0], NULL, NULL, args, environ) == 0, "posix_spawn");
	CHECK(wait_ok(sp, 5), "posix_spawn child");

	static char stack[64 * 1024] __attribute__((aligned(16)));
	volatile int seen = 0;
	/* CLONE_VFORK: a CLONE_VM child without its own TLS shares the hooks' per-thread state,
	 * which is only sound while its parent sleeps (README.md) */
	c = clone(clone_child, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | SIGCHLD, (void *)&seen);
	CHECK(c > 0 && wait_ok(c, 7) && seen == me, "clone(CLONE_VM) on a new stack: %d", seen);

	printf("workload_fork ok\n");
	return 0;
}
