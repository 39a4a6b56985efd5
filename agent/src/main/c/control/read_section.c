/*
 * The read side of the probe engine's grace periods (grace_period.c, thread_state.h) for the
 * program lists of syscall tracepoints, so one writer rule covers uprobes and tracepoints: a thread
 * running programs is odd; a hit while the thread already runs programs (a helper making a
 * syscall) runs nothing, as the kernel's bpf_prog_active refuses nested tracing programs.
 */
#include "control_read_section.h"
#include "grace_period.h"
#include "thread_state.h"

void *read_section_enter(void)
{
	struct probe_thread *t = probe_thread_get();

	if (!t || (t->word & 1))
		return NULL;
	t->word++;
	__asm__ volatile("" ::: "memory");
	return t;
}

int read_section_claimed(void)
{
	return probe_thread_self != NULL;
}

void read_section_leave(void *section)
{
	struct probe_thread *t = section;

	__asm__ volatile("" ::: "memory");
	t->word++;
}

void read_section_synchronize(void)
{
	grace_period_wait();
}
