/*
 * Moving instructions: the copy of the instructions a patch displaces, made to run at another
 * address with the same effect (rip-relative operands and relative branches re-aimed at the
 * original targets, short branches widened, a call made to return where the original returns).
 */
#ifndef BPFTIME_X86_RELOCATE_H
#define BPFTIME_X86_RELOCATE_H

#include <stddef.h>
#include <stdint.h>

#include "x86_emit.h"
#include "x86_insn.h"

/* Why an instruction cannot be moved; 0 when it can. */
enum x86_reloc_refusal {
	X86_RELOC_OK = 0,
	X86_RELOC_UNDECODABLE,   /* the decoder does not know it */
	X86_RELOC_TRAP,          /* int3, int n, ud2, hlt: someone else's breakpoint or a deliberate fault */
	X86_RELOC_FAR,           /* far transfers, sysenter/sysexit/sysret, iret */
	X86_RELOC_XBEGIN,        /* a transaction's abort address is relative */
	X86_RELOC_OUT_OF_REACH,  /* a rip-relative target or branch beyond +-2 GiB of the copy */
	X86_RELOC_ADDR32_RIP,    /* [eip + disp] */
	X86_RELOC_CALL_NOT_LAST, /* a call whose return address would be inside the patched bytes */
	X86_RELOC_RSP_CALL,      /* call [rsp + ...]: its operand moves with the pushed return address */
};

const char *x86_reloc_refusal_name(int refusal);

/* Whether one decoded instruction can be moved at all (the reach is checked when emitting). */
int x86_reloc_check(const uint8_t *code, const struct x86_insn *in, int last);

/*
 * Emits the instruction `in` (bytes at code, originally executed at `from`) into e, to run at
 * emit_here(e). `last` says whether it is the last displaced instruction (a call may only be last).
 * Returns X86_RELOC_OK or a refusal.
 */
int x86_relocate_one(struct x86_emit *e, const uint8_t *code, const struct x86_insn *in, uintptr_t from, int last);

#endif
