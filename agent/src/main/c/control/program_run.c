#include "bpftime_map.h"
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

/* bpf_tail_call from a JIT image (jit/README.md): the target's tail-call entry, found by the
 * program id its prog array slot holds; NULL (the call falls through) for an empty slot or a
 * program this process has only as an interpreter VM. */
void *agent_tail_call_resolve(void *ctx, void *prog_array, uint32_t index, uint64_t frames_free)
{
	struct agent_prog *p = objects_prog(bpftime_fd_array_get(prog_array, index));
	return p && p->entry ? p->tail_call_entry : NULL;
}
