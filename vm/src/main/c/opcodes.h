/*
 * The instruction encoding (RFC 9669 sections 3-5; include/uapi/linux/bpf.h and bpf_common.h).
 *
 *   ALU/JMP opcode:  op(4) | source(1) | class(3)      LD/LDX/ST/STX opcode:  mode(3) | size(2) | class(3)
 *
 * One 8-byte slot: opcode, dst (low nibble) and src (high nibble) registers, a signed 16-bit offset
 * and a signed 32-bit immediate. A 64-bit immediate load (lddw) takes two slots.
 */
#ifndef BPFTIME_VM_OPCODES_H
#define BPFTIME_VM_OPCODES_H

#include <stdint.h>

struct bpf_insn {
    uint8_t code;
    uint8_t regs;
    int16_t off;
    int32_t imm;
};

_Static_assert(sizeof(struct bpf_insn) == 8, "an instruction slot is 8 bytes");

#define INSN_DST(insn) ((insn)->regs & 0x0f)
#define INSN_SRC(insn) ((insn)->regs >> 4)

/* classes */
#define BPF_LD 0x00
#define BPF_LDX 0x01
#define BPF_ST 0x02
#define BPF_STX 0x03
#define BPF_ALU 0x04
#define BPF_JMP 0x05
#define BPF_JMP32 0x06
#define BPF_ALU64 0x07
#define BPF_CLASS(code) ((code) & 0x07)

/* operand source of ALU and JMP */
#define BPF_K 0x00
#define BPF_X 0x08

/* ALU operations */
#define BPF_ADD 0x00
#define BPF_SUB 0x10
#define BPF_MUL 0x20
#define BPF_DIV 0x30
#define BPF_OR 0x40
#define BPF_AND 0x50
#define BPF_LSH 0x60
#define BPF_RSH 0x70
#define BPF_NEG 0x80
#define BPF_MOD 0x90
#define BPF_XOR 0xa0
#define BPF_MOV 0xb0
#define BPF_ARSH 0xc0
#define BPF_END 0xd0
#define BPF_OP(code) ((code) & 0xf0)

/* END in the ALU class: BPF_K converts to little-endian, BPF_X to big-endian */
#define BPF_TO_LE BPF_K
#define BPF_TO_BE BPF_X

/* jump operations */
#define BPF_JA 0x00
#define BPF_JEQ 0x10
#define BPF_JGT 0x20
#define BPF_JGE 0x30
#define BPF_JSET 0x40
#define BPF_JNE 0x50
#define BPF_JSGT 0x60
#define BPF_JSGE 0x70
#define BPF_CALL 0x80
#define BPF_EXIT 0x90
#define BPF_JLT 0xa0
#define BPF_JLE 0xb0
#define BPF_JSLT 0xc0
#define BPF_JSLE 0xd0

/* sizes */
#define BPF_W 0x00
#define BPF_H 0x08
#define BPF_B 0x10
#define BPF_DW 0x18
#define BPF_SIZE(code) ((code) & 0x18)

/* modes */
#define BPF_IMM 0x00
#define BPF_ABS 0x20
#define BPF_IND 0x40
#define BPF_MEM 0x60
#define BPF_MEMSX 0x80
#define BPF_ATOMIC 0xc0
#define BPF_MODE(code) ((code) & 0xe0)

/* atomic operations in the immediate; FETCH returns the old value in src */
#define BPF_FETCH 0x01
#define BPF_XCHG (0xe0 | BPF_FETCH)
#define BPF_CMPXCHG (0xf0 | BPF_FETCH)

/* the src field of a call by immediate */
#define BPF_PSEUDO_HELPER 0
#define BPF_PSEUDO_CALL 1
#define BPF_PSEUDO_KFUNC_CALL 2
/* lddw src: the address of a subprogram, a callback (kernel's BPF_PSEUDO_FUNC) */
#define BPF_PSEUDO_FUNC 4

#define OP_LDDW (BPF_LD | BPF_IMM | BPF_DW)
#define OP_JA (BPF_JMP | BPF_JA)
#define OP_GOTOL (BPF_JMP32 | BPF_JA)
#define OP_CALL (BPF_JMP | BPF_CALL)
#define OP_CALLX (BPF_JMP | BPF_CALL | BPF_X)
#define OP_EXIT (BPF_JMP | BPF_EXIT)

#define REG_FP 10

#endif
