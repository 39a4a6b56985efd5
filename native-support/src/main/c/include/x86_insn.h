/*
 * The x86-64 instruction decoder of the probe engine: lengths and just enough meaning to move
 * instructions elsewhere (relocation) or to emulate a branch. 64-bit mode only. Opcode maps and
 * operand encodings follow the Intel SDM, Volume 2, Appendix A (opcode maps) and chapter 2
 * (instruction format: prefixes, REX, VEX, EVEX, ModR/M, SIB, displacement, immediate).
 */
#ifndef BPFTIME_X86_INSN_H
#define BPFTIME_X86_INSN_H

#include <stddef.h>
#include <stdint.h>

#define X86_MAX_INSN_LEN 15

/* What an instruction does to the flow of control, as far as moving it matters. */
enum x86_flow {
	X86_FLOW_NONE = 0,   /* falls through */
	X86_FLOW_JMP_REL,    /* EB rel8, E9 rel32 */
	X86_FLOW_JCC_REL,    /* 70-7F rel8, 0F 80-8F rel32; cond = low nibble */
	X86_FLOW_CALL_REL,   /* E8 rel32 */
	X86_FLOW_LOOP,       /* E0 loopne, E1 loope, E2 loop, E3 jrcxz: rel8 only */
	X86_FLOW_RET,        /* C3, C2 iw */
	X86_FLOW_JMP_IND,    /* FF /4 */
	X86_FLOW_CALL_IND,   /* FF /2 */
	X86_FLOW_FAR,        /* far jmp/call/ret, iret: never moved or emulated */
	X86_FLOW_XBEGIN,     /* C7 F8 rel32: a relative target hidden in an RTM instruction */
	X86_FLOW_TRAP,       /* int3, int n, int1, ud0/1/2, hlt: never moved */
};

struct x86_insn {
	uint8_t len;
	uint8_t opcode;          /* last opcode byte */
	uint8_t map;             /* 0: one-byte map, 1: 0F, 2: 0F 38, 3: 0F 3A; VEX/EVEX/XOP maps likewise */
	uint8_t vex;             /* 0 legacy, 2/3 VEX (C5/C4), 4 EVEX, 8 XOP */
	uint8_t rex;             /* the REX byte in effect, 0 if none */
	uint8_t opsize16;        /* 66 prefix seen */
	uint8_t addr32;          /* 67 prefix seen */
	uint8_t rep;             /* F2 or F3 seen: that byte, else 0 */
	int8_t modrm_off;        /* offset of the ModR/M byte, -1 if none */
	int8_t sib_off;          /* offset of the SIB byte, -1 if none */
	int8_t disp_off;         /* offset of the displacement, -1 if none */
	uint8_t disp_size;       /* 0, 1, 2, 4 or 8 (moffs) */
	int8_t imm_off;          /* offset of the first immediate byte, -1 if none */
	uint8_t imm_size;        /* total immediate bytes (ENTER: 3) */
	uint8_t rip_relative;    /* ModR/M addresses [rip + disp32] */
	uint8_t flow;            /* enum x86_flow */
	uint8_t cond;            /* condition code of a jcc, or which loop (0-3 for E0-E3) */
	uint8_t rel_size;        /* size of the relative target operand (branches, xbegin): 1, 2 or 4 */
	int32_t rel;             /* its value, sign-extended */
};

/*
 * Decodes the instruction at code (at most avail bytes readable). Returns its length, or
 * -EINVAL for an opcode invalid in 64-bit mode or unknown to the tables, -ENODATA when avail
 * ends inside the instruction (or it would pass 15 bytes).
 */
int x86_decode(const uint8_t *code, size_t avail, struct x86_insn *out);

/* Whether the instruction reads an arithmetic flag it did not set itself (adc/sbb, jcc, setcc,
 * cmovcc, loope/loopne, pushf, lahf, rcl/rcr, cmc, fcmov, adcx/adox): Intel SDM Vol. 1,
 * appendix A, "EFLAGS cross-reference". */
int x86_reads_flags(const uint8_t *code, const struct x86_insn *in);

/* The ModR/M fields of a decoded instruction (valid only when modrm_off >= 0). */
static inline unsigned x86_modrm_mod(const uint8_t *code, const struct x86_insn *in)
{
	return code[in->modrm_off] >> 6;
}
static inline unsigned x86_modrm_reg(const uint8_t *code, const struct x86_insn *in)
{
	return (code[in->modrm_off] >> 3) & 7;
}
static inline unsigned x86_modrm_rm(const uint8_t *code, const struct x86_insn *in)
{
	return code[in->modrm_off] & 7;
}

#endif
