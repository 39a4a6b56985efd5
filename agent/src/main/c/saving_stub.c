/* The saving stub of GPR-only hits (probe_dispatch.h). */
#include "code_alloc.h"
#include "probe_dispatch.h"
#include "trampoline.h"

static uintptr_t stub, return_stub;

static uintptr_t make_stub(probe_entry_fn hit)
{
	uint8_t buf[256];
	struct x86_emit e = { buf, 0, sizeof(buf), 0, 0 };
	trampoline_emit_saving_call(&e, hit);
	uintptr_t at;
	if (e.overflow || code_alloc_near((uintptr_t)hit, e.pos, &at))
		return 0;
	e = (struct x86_emit){ buf, 0, sizeof(buf), at, 0 };
	trampoline_emit_saving_call(&e, hit);
	if (code_write(at, buf, e.pos))
		return 0;
	return at;
}

uintptr_t probe_saving_stub(void)
{
	if (!return_stub)
		__atomic_store_n(&return_stub, make_stub(probe_run_return_saving), __ATOMIC_RELEASE);
	if (!stub && return_stub)
		__atomic_store_n(&stub, make_stub(probe_entry_hit), __ATOMIC_RELEASE);
	return stub;
}

uint64_t probe_saving_call(void *site, struct bpftime_pt_regs *regs)
{
	/* made by the attach that armed the site, before any hit could come here */
	probe_entry_fn call = (probe_entry_fn)__atomic_load_n(&stub, __ATOMIC_ACQUIRE);
	return call(site, regs);
}

uint64_t probe_return_saving_call(void *site, struct bpftime_pt_regs *regs)
{
	probe_entry_fn call = (probe_entry_fn)__atomic_load_n(&return_stub, __ATOMIC_ACQUIRE);
	return call(site, regs);
}
