/*
 * The control part frees programs, maps and buffers once no thread can be running a program that
 * found them: the probe engine's grace periods (grace_period.c), whose read sections cover uprobe
 * hits and syscall tracepoint hits alike (the engine's syscall_tp.c).
 */
#include "control_read_section.h"
#include "grace_period.h"

void read_section_synchronize(void)
{
	grace_period_wait();
}
