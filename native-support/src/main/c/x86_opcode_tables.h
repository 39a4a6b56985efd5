/* Per-opcode operand-encoding attributes of the legacy opcode maps (see x86_opcode_tables.c). */
#ifndef BPFTIME_X86_OPCODE_TABLES_H
#define BPFTIME_X86_OPCODE_TABLES_H

#include <stdint.h>

#define X86_OP_MODRM   0x01 /* a ModR/M byte follows the opcode */
#define X86_OP_IMM8    0x02
#define X86_OP_IMM16   0x04
#define X86_OP_IMMZ    0x08 /* 16 bits with a 66 prefix, else 32 */
#define X86_OP_IMMV    0x10 /* 64 bits with REX.W, 16 with 66, else 32 (B8-BF) */
#define X86_OP_INVALID 0x20 /* invalid in 64-bit mode */
#define X86_OP_SPECIAL 0x40 /* decoded by hand in x86_decode.c */

extern const uint8_t x86_map0[256];
extern const uint8_t x86_map1[256];

#endif
