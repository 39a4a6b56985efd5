/*
 * The hit paths: what a trampoline or the SIGTRAP handler calls with the registers saved at a
 * probe. They run the attached programs with ctx = &regs, skip the function when a program called
 * bpf_override_return, and arm the return probe of the call.
 */
#ifndef BPFTIME_PROBE_DISPATCH_H
#define BPFTIME_PROBE_DISPATCH_H

#include <stdint.h>

#include "bpftime_probe.h"

struct probe_site;

/* Values a trampoline's hit call returns. */
enum probe_entry_result {
	PROBE_ENTRY_GO_ON,	/* run the displaced instructions and jump back */
	PROBE_ENTRY_OVERRIDE,	/* return from the function with regs->ax at once */
	PROBE_ENTRY_CALL,	/* enter the function by a call from the return point (uretprobe.h) */
};

/* Entry of a probed instruction, from its trampoline: an enum probe_entry_result. */
uint64_t probe_entry_hit(void *site, struct bpftime_pt_regs *regs);
/* The same from the SIGTRAP handler of an int3 site (no trampoline): GO_ON or OVERRIDE. */
uint64_t probe_entry_hit_trap(void *site, struct bpftime_pt_regs *regs);
/* The same, called with no vector register saved, when the site's hint says its programs are
 * GPR-only (BPFTIME_PROBE_PROG_F_GPR_ONLY). */
uint64_t probe_entry_hit_gpr(void *site, struct bpftime_pt_regs *regs);

/* probe_entry_hit with the whole vector state saved around it (generated once; engine lock held
 * for the first call of probe_saving_stub, which returns 0 when it cannot be made). */
uintptr_t probe_saving_stub(void);
uint64_t probe_saving_call(void *site, struct bpftime_pt_regs *regs);

/* Runs the return programs of site (inside the caller's read section), keeping errno; called with
 * the whole vector state saved, through probe_return_saving_call (its stub made with the other). */
uint64_t probe_run_return_saving(void *site, struct bpftime_pt_regs *regs);
uint64_t probe_return_saving_call(void *site, struct bpftime_pt_regs *regs);

/* A function whose return address was replaced returns. Returns the real return address. */
uint64_t probe_return_hit(struct bpftime_pt_regs *regs);

/* The shared return trampoline (created on first use; engine lock held), 0 when it cannot be. */
uintptr_t probe_return_trampoline(void);
/* The same for functions entered by a call: return points jump to it, and it returns by `ret`. */
uintptr_t probe_return_trampoline_called(void);

#endif
