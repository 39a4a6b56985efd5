/*
 * A byte buffer for generated x86-64 code that knows the address it will run at, and the few
 * encodings the trampolines need (Intel SDM Vol. 2: REX 2.2.1, ModR/M and SIB tables 2-2/2-3).
 * Writing past the end sets `overflow` instead of writing; callers check it once at the end.
 */
#ifndef BPFTIME_X86_EMIT_H
#define BPFTIME_X86_EMIT_H

#include <stdint.h>
#include <string.h>

struct x86_emit {
	uint8_t *buf;
	size_t pos, cap;
	uintptr_t runtime; /* where buf[0] will be executed */
	int overflow;
};

/* General-purpose register numbers as ModR/M encodes them. */
enum x86_reg { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

static inline void emit_bytes(struct x86_emit *e, const void *p, size_t n)
{
	if (e->pos + n > e->cap) {
		e->overflow = 1;
		return;
	}
	memcpy(e->buf + e->pos, p, n);
	e->pos += n;
}

static inline void emit_u8(struct x86_emit *e, uint8_t b)
{
	emit_bytes(e, &b, 1);
}

static inline void emit_u32(struct x86_emit *e, uint32_t v)
{
	emit_bytes(e, &v, 4);
}

static inline void emit_u64(struct x86_emit *e, uint64_t v)
{
	emit_bytes(e, &v, 8);
}

static inline uintptr_t emit_here(const struct x86_emit *e)
{
	return e->runtime + e->pos;
}

static inline int fits_i32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/* op reg, [rsp + disp32] with REX.W (mov store 89, load 8B, lea 8D). */
static inline void emit_rsp_mem(struct x86_emit *e, uint8_t opcode, unsigned reg, int32_t disp)
{
	emit_u8(e, 0x48 | (reg >= 8 ? 4 : 0));
	emit_u8(e, opcode);
	emit_u8(e, 0x84 | (reg & 7) << 3); /* mod 10, rm 100: SIB follows, disp32 */
	emit_u8(e, 0x24);                  /* SIB: base rsp, no index */
	emit_u32(e, (uint32_t)disp);
}

static inline void emit_store(struct x86_emit *e, unsigned reg, int32_t disp)
{
	emit_rsp_mem(e, 0x89, reg, disp);
}

static inline void emit_load(struct x86_emit *e, unsigned reg, int32_t disp)
{
	emit_rsp_mem(e, 0x8b, reg, disp);
}

/* lea rsp, [rsp + disp]: moves the stack pointer without touching the flags. */
static inline void emit_lea_rsp(struct x86_emit *e, int32_t disp)
{
	emit_rsp_mem(e, 0x8d, RSP, disp);
}

/* lea reg, [rsp + disp] */
static inline void emit_lea_from_rsp(struct x86_emit *e, unsigned reg, int32_t disp)
{
	emit_rsp_mem(e, 0x8d, reg, disp);
}

/* mov qword [rsp + disp], imm32 (sign-extended) */
static inline void emit_store_imm(struct x86_emit *e, int32_t disp, int32_t imm)
{
	emit_u8(e, 0x48);
	emit_u8(e, 0xc7);
	emit_u8(e, 0x84);
	emit_u8(e, 0x24);
	emit_u32(e, (uint32_t)disp);
	emit_u32(e, (uint32_t)imm);
}

/* movabs reg, imm64 */
static inline void emit_movabs(struct x86_emit *e, unsigned reg, uint64_t imm)
{
	emit_u8(e, 0x48 | (reg >= 8 ? 1 : 0));
	emit_u8(e, 0xb8 | (reg & 7));
	emit_u64(e, imm);
}

/* mov dst, src (64-bit registers) */
static inline void emit_mov_rr(struct x86_emit *e, unsigned dst, unsigned src)
{
	emit_u8(e, 0x48 | (src >= 8 ? 4 : 0) | (dst >= 8 ? 1 : 0));
	emit_u8(e, 0x89);
	emit_u8(e, 0xc0 | (src & 7) << 3 | (dst & 7));
}

/* jmp rel32 / call rel32 / jcc rel32 to an absolute address; 0, or -1 when out of reach. */
static inline int emit_rel32(struct x86_emit *e, const uint8_t *opcode, size_t oplen, uintptr_t target)
{
	int64_t rel = (int64_t)target - (int64_t)(emit_here(e) + oplen + 4);
	if (!fits_i32(rel))
		return -1;
	emit_bytes(e, opcode, oplen);
	emit_u32(e, (uint32_t)(int32_t)rel);
	return 0;
}

static inline int emit_jmp(struct x86_emit *e, uintptr_t target)
{
	static const uint8_t op[] = { 0xe9 };
	return emit_rel32(e, op, 1, target);
}

static inline int emit_jcc(struct x86_emit *e, unsigned cond, uintptr_t target)
{
	uint8_t op[] = { 0x0f, (uint8_t)(0x80 | cond) };
	return emit_rel32(e, op, 2, target);
}

/* Condition codes of jcc (Intel SDM Vol. 2, Jcc). */
enum { CC_B = 0x2, CC_AE = 0x3, CC_E = 0x4, CC_NE = 0x5, CC_BE = 0x6, CC_A = 0x7 };

/* Points the rel32 at buffer position pos (its branch ends right after it) at the current position. */
static inline void bind_rel32(struct x86_emit *e, size_t pos)
{
	if (!e->overflow && pos + 4 <= e->cap) {
		int32_t rel = (int32_t)(e->pos - (pos + 4));
		memcpy(e->buf + pos, &rel, 4);
	}
}

/* jcc rel32 (0f 8x) / jmp rel32 (e9) with the offset left to bind_rel32; return where it is. */
static inline size_t emit_jcc_forward(struct x86_emit *e, uint8_t cond)
{
	emit_u8(e, 0x0f);
	emit_u8(e, 0x80 | cond);
	size_t pos = e->pos;
	emit_u32(e, 0);
	return pos;
}

static inline size_t emit_jmp_forward(struct x86_emit *e)
{
	emit_u8(e, 0xe9);
	size_t pos = e->pos;
	emit_u32(e, 0);
	return pos;
}

/*
 * op [base + index * 2^scale + disp32] with reg (a register or an opcode extension /digit) in
 * ModR/M.reg; index < 0: none. REX.W when w. Any immediate follows, emitted by the caller.
 */
static inline void emit_op_mem(struct x86_emit *e, int w, const uint8_t *op, size_t oplen, unsigned reg,
			       unsigned base, int index, unsigned scale, int32_t disp)
{
	uint8_t rex = (uint8_t)(0x40 | (w ? 8 : 0) | (reg & 8 ? 4 : 0) | (index >= 8 ? 2 : 0) | (base & 8 ? 1 : 0));
	if (rex != 0x40)
		emit_u8(e, rex);
	emit_bytes(e, op, oplen);
	int sib = index >= 0 || (base & 7) == RSP;
	emit_u8(e, (uint8_t)(0x80 | (reg & 7) << 3 | (sib ? 4 : (base & 7)))); /* mod 10: disp32 */
	if (sib)
		emit_u8(e, (uint8_t)(scale << 6 | ((index >= 0 ? (unsigned)index : RSP) & 7) << 3 | (base & 7)));
	emit_u32(e, (uint32_t)disp);
}

#endif
