/*
 * Deciding how to probe an address and building its code. The inline jump is used when the
 * function's bounds are known from its ELF symbol, the 5 bytes fit inside it, every displaced
 * instruction can be moved, and nothing can jump into the displaced bytes: the function is decoded
 * from its start (in the file, unaffected by patches) and no relative branch may target them; away
 * from the function's start an indirect jump (a jump table) refuses too, as the kernel refuses to
 * optimize such kprobes (arch/x86/kernel/kprobes/opt.c can_optimize). Otherwise an int3 whose
 * handler emulates a branch or runs the moved instruction.
 */
#ifndef BPFTIME_PROBE_PLAN_H
#define BPFTIME_PROBE_PLAN_H

#include <stdint.h>

#include "probe_site.h"

/* Builds a new (unpublished, unarmed) site for addr. -EINVAL when addr is not an instruction
 * boundary of its function, -EOPNOTSUPP when the instruction can be neither moved nor emulated,
 * -EBUSY when someone else's breakpoint is there. */
int probe_plan(uintptr_t addr, uint32_t flags, struct probe_site **out);

#endif
