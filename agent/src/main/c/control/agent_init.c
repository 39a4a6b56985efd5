/*
 * libbpftime-agent.so's entry: before main, the syscall hooks are installed (they must be, before
 * any thread exists, to cover every thread: syscall-hooks/README.md) and the control thread is
 * started. BPFTIME_NO_JIT=1 makes every program run on the interpreter.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

static int hooks_error;

static void after_fork_child(void)
{
	control_after_fork_child();
}

__attribute__((constructor)) static void agent_init(void)
{
	const char *no_jit = getenv("BPFTIME_NO_JIT");

	cred_mirror_init();
	agent_no_jit = no_jit && strcmp(no_jit, "1") == 0;
	hooks_error = syscall_tp_install();
	agent_tail_calls_init();
	pthread_atfork(NULL, NULL, after_fork_child);
	control_sync_before_main();
	control_start();
}

__attribute__((visibility("default"))) int bpftime_agent_syscall_hooks_error(void)
{
	return hooks_error;
}
