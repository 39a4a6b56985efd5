/*
 * syscalls:sys_enter_NAME / sys_exit_NAME and raw_syscalls:sys_enter / sys_exit attachments: the
 * probe engine runs them (syscall_tp.c, bpftime_tracepoint_*); this keeps which engine id each
 * attachment of the service got.
 */
#include <errno.h>

#include "bpftime_probe.h"
#include "control.h"

#define MAX_TP_ATTACHMENTS 4096

struct tp_attachment {
	uint32_t attach_id;
	int engine_id;
};

static struct tp_attachment table[MAX_TP_ATTACHMENTS];
static unsigned count;

int syscall_tp_install(void)
{
	return bpftime_tracepoint_install();
}

int syscall_tp_add(uint32_t attach_id, const struct agent_prog *p, int raw, int nr, int exit, uint64_t cookie)
{
	struct bpftime_tracepoint_spec spec = { raw ? BPFTIME_TRACEPOINT_RAW : nr, exit ? 1u : 0u };
	/* as for uprobes (attachments.c): a JIT image with no call reads no hit; one calling only
	 * GPR-safe helpers touches no vector register nor errno */
	struct bpftime_probe_prog prog = { .jit = p->entry, .vm = p->vm };
	int id;

	if (p->entry && p->calls_nothing)
		prog.flags = BPFTIME_PROBE_PROG_F_GPR_ONLY | BPFTIME_PROBE_PROG_F_NO_HELPERS;
	else if (p->entry && p->gpr_only)
		prog.flags = BPFTIME_PROBE_PROG_F_GPR_ONLY;

	if (!raw && nr == BPFTIME_TRACEPOINT_RAW)
		return -EINVAL;
	if (count == MAX_TP_ATTACHMENTS)
		return -ENOSPC;
	id = bpftime_tracepoint_attach(&spec, prog, cookie);
	if (id < 0)
		return id;
	table[count++] = (struct tp_attachment){ attach_id, id };
	return 0;
}

int syscall_tp_remove(uint32_t attach_id)
{
	for (unsigned i = 0; i < count; i++) {
		if (table[i].attach_id != attach_id)
			continue;
		int err = bpftime_tracepoint_detach(table[i].engine_id);
		table[i] = table[--count];
		return err;
	}
	return -ENOENT;
}
