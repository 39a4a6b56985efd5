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

/* Entry of a probed instruction. Returns 1 when the function must return regs->ax at once. */
uint64_t probe_entry_hit(void *site, struct bpftime_pt_regs *regs);
/* The same, called with no vector register saved, when the site's hint says its programs are
 * GPR-only (BPFTIME_PROBE_PROG_F_GPR_ONLY). */
uint64_t probe_entry_hit_gpr(void *site, struct bpftime_pt_regs *regs);

/* probe_entry_hit with the whole vector state saved around it (generated once; engine lock held
 * for the first call of probe_saving_stub, which returns 0 when it cannot be made). */
uintptr_t probe_saving_stub(void);
uint64_t probe_saving_call(void *site, struct bpftime_pt_regs *regs);

/* A function whose return address was replaced returns. Returns the real return address. */
uint64_t probe_return_hit(struct bpftime_pt_regs *regs);

/* The shared return trampoline (created on first use; engine lock held), 0 when it cannot be. */
uintptr_t probe_return_trampoline(void);

#endif
