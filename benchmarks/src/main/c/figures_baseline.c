#include "figures.h"

#include <unistd.h>

/*
 * noipa keeps gcc from proving the function has no effect and deleting the call (noinline alone
 * does not stop interprocedural dead-call elimination); the empty asm is a body it cannot see into.
 */
__attribute__((noinline, noipa)) static void empty_function(void)
{
	__asm__ volatile("");
}

static int no_setup(void **state, char *why, size_t why_len)
{
	(void)why;
	(void)why_len;
	*state = NULL;
	return 0;
}

static void no_teardown(void *state)
{
	(void)state;
}

static int call_empty(void *state, uint64_t ops, char *why, size_t why_len)
{
	(void)state;
	(void)why;
	(void)why_len;
	for (uint64_t i = 0; i < ops; i++)
		empty_function();
	return 0;
}

/* getppid: the cheapest real syscall (glibc does not cache it), the price of one kernel entry and exit. */
static int syscall_getppid(void *state, uint64_t ops, char *why, size_t why_len)
{
	(void)state;
	(void)why;
	(void)why_len;
	for (uint64_t i = 0; i < ops; i++)
		getppid();
	return 0;
}

const struct bench_figure fig_baseline_call_empty = {
	.name = "baseline.call.empty",
	.setup = no_setup,
	.run = call_empty,
	.teardown = no_teardown,
};

const struct bench_figure fig_baseline_syscall_getppid = {
	.name = "baseline.syscall.getppid",
	.setup = no_setup,
	.run = syscall_getppid,
	.teardown = no_teardown,
};
