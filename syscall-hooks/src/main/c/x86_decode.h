/*
 * An x86-64 instruction length decoder: enough of the encoding (Intel SDM vol. 2, chapter 2 and
 * appendix A opcode maps) to find where each instruction starts and ends, whether it is a branch
 * or a syscall, and where a RIP-relative displacement sits. 64-bit mode only. Tested against
 * objdump over whole system libraries (X86DecoderDifferentialTest).
 */
#ifndef SH_X86_DECODE_H
#define SH_X86_DECODE_H

#include <stddef.h>
#include <stdint.h>

enum x86_kind {
	X86_OTHER = 0,	 /* falls through, no RIP use beyond a RIP-relative operand */
	X86_SYSCALL,	 /* 0f 05 */
	X86_NOP,	 /* 90, 66 90, 0f 1f /0 with any prefixes: the assemblers' padding */
	X86_INT3,	 /* cc: padding too */
	X86_JUMP,	 /* jmp rel8/rel32 */
	X86_COND_JUMP,	 /* jcc, loop, jrcxz, xbegin */
	X86_CALL,	 /* call rel32 */
	X86_INDIRECT,	 /* call/jmp through a register or memory, far forms */
	X86_RETURN,	 /* ret, retf, iret */
	X86_TRAP,	 /* int, int1, ud0/ud1/ud2, hlt, sysenter, sysret: never falls through as-is */
};

enum x86_map {
	X86_MAP_ONE_BYTE = 0,
	X86_MAP_0F = 1,
	X86_MAP_0F38 = 2,
	X86_MAP_0F3A = 3,
	X86_MAP_VECTOR = 4, /* VEX, EVEX or XOP encoded */
};

struct x86_insn {
	uint8_t len;
	uint8_t kind;	    /* enum x86_kind */
	uint8_t rip_disp;   /* offset of a RIP-relative disp32, 0 when there is none */
	uint8_t rel_offset; /* offset of a branch's relative displacement, 0 when none */
	uint8_t rel_size;   /* its size: 1 or 4 */
	uint8_t map;	    /* enum x86_map */
	uint8_t opcode;	    /* the opcode byte within its map */
	uint8_t legacy;	    /* number of legacy prefixes (66, 67, f0, f2, f3, segments) */
	uint8_t rex;	    /* the REX prefix in force, 0 when none */
	uint8_t has_modrm;
	uint8_t modrm;
	uint8_t sib;	    /* valid when modrm's mod != 3 and rm == 4 */
};

/* Decodes the instruction at code (avail bytes readable). Returns 0, or -1 for bytes that are
 * not a valid 64-bit instruction this decoder knows, or that run past avail or 15 bytes. */
int x86_decode(const uint8_t *code, size_t avail, struct x86_insn *out);

#endif
