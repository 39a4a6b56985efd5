#include "bpftime_helpers.h"
#include "bpftime_vm.h"
#include "control.h"

uint64_t agent_prog_run(const struct agent_prog *p, void *ctx)
{
	uint64_t r0 = 0;

	if (p->entry)
		return p->entry(ctx, 0);
	if (p->vm)
		bpftime_vm_exec(p->vm, ctx, 0, &r0);
	return r0;
}

/* bpf_tail_call from a JIT image (jit/README.md): the target's tail-call entry; NULL (the call
 * falls through) for a program this process runs on the interpreter, whose VM is no code to jump
 * to, and for one needing more stack frames than the caller has left (it would overrun the
 * invocation's frames: the JIT's frame check covers one program only). Interpreted programs tail-call through their VM's hook (objects.c), which finds only VMs. */
static void *jit_tail_call_entry(uint32_t prog_id, uint64_t frames_free)
{
	struct agent_prog *p = objects_prog(prog_id);
	return p && p->entry && p->frames <= frames_free ? p->tail_call_entry : NULL;
}

void agent_tail_calls_init(void)
{
	bpftime_helpers_set_prog_resolver(jit_tail_call_entry);
}
