/*
 * syscalls:sys_enter_NAME / sys_exit_NAME and raw_syscalls:sys_enter / sys_exit attachments: the
 * probe engine runs them (syscall_tp.c, bpftime_tracepoint_*); this says how a program is flagged.
 */
#include <errno.h>

#include "bpftime_probe.h"
#include "control.h"

int syscall_tp_install(void)
{
	return bpftime_tracepoint_install();
}

int syscall_tp_add(const struct agent_prog *p, int raw, int nr, int exit, uint64_t cookie)
{
	struct bpftime_tracepoint_spec spec = { raw ? BPFTIME_TRACEPOINT_RAW : nr, exit ? 1u : 0u };
	/* as for uprobes (attachments.c): a JIT image with no call reads no hit; one calling only
	 * GPR-safe helpers touches no vector register nor errno */
	struct bpftime_probe_prog prog = { .jit = p->entry, .vm = p->vm };

	if (p->entry && p->calls_nothing)
		prog.flags = BPFTIME_PROBE_PROG_F_GPR_ONLY | BPFTIME_PROBE_PROG_F_NO_HELPERS;
	else if (p->entry && p->gpr_only)
		prog.flags = BPFTIME_PROBE_PROG_F_GPR_ONLY;
	if (!raw && nr == BPFTIME_TRACEPOINT_RAW)
		return -EINVAL;
	return bpftime_tracepoint_attach(&spec, prog, cookie);
}

int syscall_tp_remove(int engine_id)
{
	return bpftime_tracepoint_detach(engine_id);
}
