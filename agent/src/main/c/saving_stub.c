/* The saving stub of GPR-only hits (probe_dispatch.h). */
#include "code_alloc.h"
#include "probe_dispatch.h"
#include "trampoline.h"

static uintptr_t stub;

uintptr_t probe_saving_stub(void)
{
	if (stub)
		return stub;
	uint8_t buf[256];
	struct x86_emit e = { buf, 0, sizeof(buf), 0, 0 };
	trampoline_emit_saving_call(&e, probe_entry_hit);
	uintptr_t at;
	if (e.overflow || code_alloc_near((uintptr_t)probe_entry_hit, e.pos, &at))
		return 0;
	e = (struct x86_emit){ buf, 0, sizeof(buf), at, 0 };
	trampoline_emit_saving_call(&e, probe_entry_hit);
	if (code_write(at, buf, e.pos))
		return 0;
	__atomic_store_n(&stub, at, __ATOMIC_RELEASE);
	return at;
}

uint64_t probe_saving_call(void *site, struct bpftime_pt_regs *regs)
{
	/* made by the attach that armed the site, before any hit could come here */
	probe_entry_fn call = (probe_entry_fn)__atomic_load_n(&stub, __ATOMIC_ACQUIRE);
	return call(site, regs);
}
