/*
 * What the syscall hooks need to know of one instruction (where it ends, whether it is a syscall,
 * padding, a branch, and the fields site_patch.c's displaceable() looks at), taken from the x86-64
 * decoder the probe engine shares (native-support/src/main/c/include/x86_insn.h).
 */
#ifndef SH_INSN_H
#define SH_INSN_H

#include <stddef.h>
#include <stdint.h>

#include "x86_insn.h"

enum sh_insn_kind {
	X86_OTHER = 0,	 /* falls through, no RIP use beyond a RIP-relative operand */
	X86_SYSCALL,	 /* 0f 05 */
	X86_NOP,	 /* 90, 66 90, 0f 1f /0 with any prefixes: the assemblers' padding */
	X86_INT3,	 /* cc: padding too */
	X86_BRANCH,	 /* any relative or indirect jump, call or return */
	X86_TRAP,	 /* int, int1, ud0/ud1/ud2, hlt, sysenter, sysret, far transfers: never falls through as-is */
};

#define X86_MAP_ONE_BYTE 0

struct sh_insn {
	uint8_t len;
	uint8_t kind;	  /* enum sh_insn_kind */
	uint8_t rip_disp; /* offset of a RIP-relative disp32, 0 when there is none */
	uint8_t map;	  /* 0: one-byte map; 1, 2, 3: 0F, 0F 38, 0F 3A; 4: VEX, EVEX or XOP encoded */
	uint8_t opcode;	  /* the opcode byte within its map */
	uint8_t legacy;	  /* number of legacy prefixes (66, 67, f0, f2, f3, segments) */
	uint8_t rex;	  /* the REX prefix in force, 0 when none */
	uint8_t modrm;	  /* 0 when there is none */
	uint8_t sib;	  /* valid when modrm's mod != 3 and rm == 4 */
};

static inline int sh_is_legacy_prefix(uint8_t b)
{
	return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x26 || b == 0x2e ||
	       b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65;
}

/* Decodes the instruction at code (avail bytes readable). Returns 0, or -1 for bytes that are not
 * a valid 64-bit instruction the decoder knows, or that run past avail or 15 bytes. */
static inline int sh_insn_decode(const uint8_t *code, size_t avail, struct sh_insn *out)
{
	struct x86_insn in;

	if (x86_decode(code, avail, &in) < 0)
		return -1;
	uint8_t kind = X86_OTHER, map = in.vex ? 4 : in.map;
	uint8_t modrm = in.modrm_off >= 0 ? code[in.modrm_off] : 0;
	if (map == 1 && in.opcode == 0x05)
		kind = X86_SYSCALL;
	else if ((map == 0 && in.opcode == 0x90 && !(in.rex & 1)) || (map == 1 && in.opcode == 0x1f && !(modrm & 0x38)))
		kind = X86_NOP;
	else if (map == 0 && in.opcode == 0xcc)
		kind = X86_INT3;
	else if (in.flow == X86_FLOW_TRAP || in.flow == X86_FLOW_FAR ||
		 (map == 1 && (in.opcode == 0x07 || in.opcode == 0x34 || in.opcode == 0x35)))
		kind = X86_TRAP;
	else if (in.flow != X86_FLOW_NONE)
		kind = X86_BRANCH;
	uint8_t legacy = 0;
	while (legacy < in.len && sh_is_legacy_prefix(code[legacy]))
		legacy++;
	out->len = in.len;
	out->kind = kind;
	out->rip_disp = in.rip_relative ? (uint8_t)in.disp_off : 0;
	out->map = map;
	out->opcode = in.opcode;
	out->legacy = legacy;
	out->rex = in.rex;
	out->modrm = modrm;
	out->sib = in.sib_off >= 0 ? code[in.sib_off] : 0;
	return 0;
}

#endif
