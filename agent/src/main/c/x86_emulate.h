/*
 * Emulation of the control-transfer instructions at an int3 probe site: the breakpoint path runs
 * them on the saved registers instead of executing a moved copy (as the kernel's uprobes emulate
 * branches, arch/x86/kernel/uprobes.c branch_emulate_op).
 */
#ifndef BPFTIME_X86_EMULATE_H
#define BPFTIME_X86_EMULATE_H

#include "bpftime_probe.h"
#include "x86_insn.h"

/* Whether x86_emulate can run this instruction. */
int x86_can_emulate(const uint8_t *code, const struct x86_insn *in);

/*
 * Runs the branch `in` (bytes at code, at address regs->ip) on regs: updates ip, and for calls and
 * returns sp and the stack. 0, or -EFAULT when the stack or an indirect operand cannot be accessed.
 */
int x86_emulate(const uint8_t *code, const struct x86_insn *in, struct bpftime_pt_regs *regs);

#endif
