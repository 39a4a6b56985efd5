/* x86-64 instruction lengths: see x86_decode.h. */
#include "x86_decode.h"

#define M 0x01	 /* a ModRM byte follows the opcode */
#define I8 0x02	 /* imm8 */
#define IZ 0x04	 /* imm16 with a 66 prefix, else imm32 */
#define I16 0x08 /* imm16 */
#define IV 0x10	 /* imm16/32/64 by operand size (b8+r) */
#define BAD 0x20 /* invalid in 64-bit mode, or a prefix/escape handled before the table */
#define MO 0x40	 /* moffs: 8 bytes, 4 with a 67 prefix (a0-a3) */
#define G3 0x80	 /* group 3 (f6/f7): the immediate only for /0 and /1 (test) */

/* One-byte opcode map (SDM vol. 2, table A-2), as it applies in 64-bit mode. */
static const uint8_t map1[256] = {
	/*       0     1     2     3     4     5     6     7     8     9     a     b     c     d     e     f */
	/* 0 */ M,    M,    M,    M,    I8,   IZ,   BAD,  BAD,  M,    M,    M,    M,    I8,   IZ,   BAD,  BAD,
	/* 1 */ M,    M,    M,    M,    I8,   IZ,   BAD,  BAD,  M,    M,    M,    M,    I8,   IZ,   BAD,  BAD,
	/* 2 */ M,    M,    M,    M,    I8,   IZ,   BAD,  BAD,  M,    M,    M,    M,    I8,   IZ,   BAD,  BAD,
	/* 3 */ M,    M,    M,    M,    I8,   IZ,   BAD,  BAD,  M,    M,    M,    M,    I8,   IZ,   BAD,  BAD,
	/* 4 */ BAD,  BAD,  BAD,  BAD,  BAD,  BAD,  BAD,  BAD,  BAD,  BAD,  BAD,  BAD,  BAD,  BAD,  BAD,  BAD,
	/* 5 */ 0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
	/* 6 */ BAD,  BAD,  BAD,  M,    BAD,  BAD,  BAD,  BAD,  IZ,   M|IZ, I8,   M|I8, 0,    0,    0,    0,
	/* 7 */ I8,   I8,   I8,   I8,   I8,   I8,   I8,   I8,   I8,   I8,   I8,   I8,   I8,   I8,   I8,   I8,
	/* 8 */ M|I8, M|IZ, BAD,  M|I8, M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
	/* 9 */ 0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    BAD,  0,    0,    0,    0,    0,
	/* a */ MO,   MO,   MO,   MO,   0,    0,    0,    0,    I8,   IZ,   0,    0,    0,    0,    0,    0,
	/* b */ I8,   I8,   I8,   I8,   I8,   I8,   I8,   I8,   IV,   IV,   IV,   IV,   IV,   IV,   IV,   IV,
	/* c */ M|I8, M|I8, I16,  0,    BAD,  BAD,  M|I8, M|IZ, I16|I8, 0,  I16,  0,    0,    I8,   BAD,  0,
	/* d */ M,    M,    M,    M,    BAD,  BAD,  BAD,  0,    M,    M,    M,    M,    M,    M,    M,    M,
	/* e */ I8,   I8,   I8,   I8,   I8,   I8,   I8,   I8,   IZ,   IZ,   BAD,  I8,   0,    0,    0,    0,
	/* f */ BAD,  0,    BAD,  BAD,  0,    0,    M|G3, M|G3, 0,    0,    0,    0,    0,    0,    M,    M,
};

/* Two-byte map, 0f xx (table A-3); 0f a6/a7 are VIA PadLock's xcrypt/xstore, a ModRM form. */
static const uint8_t map2[256] = {
	/*       0     1     2     3     4     5     6     7     8     9     a     b     c     d     e     f */
	/* 0 */ M,    M,    M,    M,    BAD,  0,    0,    0,    0,    0,    BAD,  0,    BAD,  M,    0,    M|I8,
	/* 1 */ M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
	/* 2 */ M,    M,    M,    M,    BAD,  BAD,  BAD,  BAD,  M,    M,    M,    M,    M,    M,    M,    M,
	/* 3 */ 0,    0,    0,    0,    0,    0,    BAD,  0,    BAD,  BAD,  BAD,  BAD,  BAD,  BAD,  BAD,  BAD,
	/* 4 */ M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
	/* 5 */ M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
	/* 6 */ M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
	/* 7 */ M|I8, M|I8, M|I8, M|I8, M,    M,    M,    0,    M,    M,    BAD,  BAD,  M,    M,    M,    M,
	/* 8 */ IZ,   IZ,   IZ,   IZ,   IZ,   IZ,   IZ,   IZ,   IZ,   IZ,   IZ,   IZ,   IZ,   IZ,   IZ,   IZ,
	/* 9 */ M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
	/* a */ 0,    0,    0,    M,    M|I8, M,    M,    M,    0,    0,    0,    M,    M|I8, M,    M,    M,
	/* b */ M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M|I8, M,    M,    M,    M,    M,
	/* c */ M,    M,    M|I8, M,    M|I8, M|I8, M|I8, M,    0,    0,    0,    0,    0,    0,    0,    0,
	/* d */ M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
	/* e */ M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
	/* f */ M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,    M,
};

/* Which VEX/EVEX map-1 opcodes take an imm8: the shifts by immediate, pshufd, cmpps, pinsrw,
 * pextrw, shufps (the same as their legacy 0f forms). */
static int map1_vector_imm(uint8_t op)
{
	return (op >= 0x70 && op <= 0x73) || op == 0xc2 || op == 0xc4 || op == 0xc5 || op == 0xc6;
}

struct cursor {
	const uint8_t *p;
	size_t at, avail;
};

static int next(struct cursor *c, uint8_t *b)
{
	if (c->at >= c->avail || c->at >= 15)
		return -1;
	*b = c->p[c->at++];
	return 0;
}

static int skip(struct cursor *c, size_t n)
{
	if (c->at + n > c->avail || c->at + n > 15)
		return -1;
	c->at += n;
	return 0;
}

/* ModRM, SIB and displacement; records the offset of a RIP-relative disp32. */
static int modrm(struct cursor *c, uint8_t *reg_out, struct x86_insn *out)
{
	uint8_t m, sib;
	unsigned mod, rm;

	if (next(c, &m) < 0)
		return -1;
	out->has_modrm = 1;
	out->modrm = m;
	mod = m >> 6;
	rm = m & 7;
	*reg_out = (m >> 3) & 7;
	if (mod == 3)
		return 0;
	if (rm == 4) {
		if (next(c, &sib) < 0)
			return -1;
		out->sib = sib;
		if (mod == 0 && (sib & 7) == 5)
			return skip(c, 4);
	}
	if (mod == 0 && rm == 5) {
		out->rip_disp = (uint8_t)c->at;
		return skip(c, 4);
	}
	return skip(c, mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

static int vector_insn(struct cursor *c, unsigned map, struct x86_insn *out)
{
	uint8_t op, reg;
	int imm;

	if (next(c, &op) < 0)
		return -1;
	out->map = X86_MAP_VECTOR;
	out->opcode = op;
	if (map == 1 && op == 0x77)
		return 0; /* vzeroupper / vzeroall: no ModRM */
	if (modrm(c, &reg, out) < 0)
		return -1;
	imm = map == 3 || (map == 1 && map1_vector_imm(op));
	return skip(c, imm ? 1 : 0);
}

/* AMD XOP (8f with a map of 8 or more where pop's ModRM would be): 3-byte prefix, opcode,
 * ModRM; map 8 takes an imm8, map 9 none, map 0a an imm32 (AMD APM vol. 6, 1.3). */
static int xop_insn(struct cursor *c, struct x86_insn *out)
{
	uint8_t p0, reg;
	unsigned map;

	if (next(c, &p0) < 0 || skip(c, 1) < 0)
		return -1;
	map = p0 & 0x1f;
	out->map = X86_MAP_VECTOR;
	if (map > 10 || next(c, &out->opcode) < 0 || modrm(c, &reg, out) < 0)
		return -1;
	if (skip(c, map == 8 ? 1 : map == 10 ? 4 : 0) < 0)
		return -1;
	out->len = (uint8_t)c->at;
	return 0;
}

static void classify1(uint8_t op, uint8_t reg, int rex_b, int rep, struct x86_insn *out)
{
	if (op == 0x90 && !rex_b && rep != 0xf3)
		out->kind = X86_NOP;
	else if (op == 0xcc)
		out->kind = X86_INT3;
	else if (op == 0xeb || op == 0xe9)
		out->kind = X86_JUMP;
	else if ((op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3))
		out->kind = X86_COND_JUMP;
	else if (op == 0xe8)
		out->kind = X86_CALL;
	else if (op == 0xc2 || op == 0xc3 || op == 0xca || op == 0xcb || op == 0xcf)
		out->kind = X86_RETURN;
	else if (op == 0xff && reg >= 2 && reg <= 5)
		out->kind = X86_INDIRECT;
	else if (op == 0xcd || op == 0xf1 || op == 0xf4)
		out->kind = X86_TRAP;
	else if (op == 0xc7 && reg == 7)
		out->kind = X86_COND_JUMP; /* xbegin rel32: an abort continues at the target */
	if (out->kind == X86_JUMP || out->kind == X86_COND_JUMP || out->kind == X86_CALL) {
		out->rel_size = (op == 0xe9 || op == 0xe8 || op == 0xc7) ? 4 : 1;
		out->rel_offset = (uint8_t)(out->len - out->rel_size);
	}
}

static void classify2(uint8_t op, uint8_t reg, struct x86_insn *out)
{
	if (op == 0x05)
		out->kind = X86_SYSCALL;
	else if (op == 0x1f && reg == 0)
		out->kind = X86_NOP;
	else if (op >= 0x80 && op <= 0x8f)
		out->kind = X86_COND_JUMP;
	else if (op == 0x0b || op == 0xb9 || op == 0xff || op == 0x34 || op == 0x07 || op == 0x35)
		out->kind = X86_TRAP;
	if (out->kind == X86_COND_JUMP) {
		out->rel_size = 4;
		out->rel_offset = (uint8_t)(out->len - 4);
	}
}

int x86_decode(const uint8_t *code, size_t avail, struct x86_insn *out)
{
	struct cursor c = { code, 0, avail };
	uint8_t b, op, reg = 0, flags;
	int opsize16 = 0, addr32 = 0, rex = 0, rep = 0;
	size_t imm = 0;

	*out = (struct x86_insn){ 0 };
	for (;;) {
		if (next(&c, &b) < 0)
			return -1;
		if (b >= 0x40 && b <= 0x4f) {
			rex = b; /* counts only if the opcode follows: a later prefix clears it */
			continue;
		}
		if (b == 0x66) {
			opsize16 = 1;
		} else if (b == 0x67) {
			addr32 = 1;
		} else if (b == 0xf2 || b == 0xf3) {
			rep = b;
		} else if (b == 0xf0 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 ||
			   b == 0x65) {
			/* lock, segment overrides and branch hints: no effect on the length */
		} else {
			break;
		}
		rex = 0;
		out->legacy++;
	}
	op = b;
	out->rex = (uint8_t)rex;
	out->opcode = op;

	if (op == 0xc5 || op == 0xc4 || op == 0x62) {
		/* VEX (2 or 3 bytes) and EVEX (4 bytes): always these in 64-bit mode */
		uint8_t p0, p1;
		unsigned map;

		if (next(&c, &p0) < 0)
			return -1;
		if (op == 0xc5) {
			map = 1;
		} else if (op == 0xc4) {
			map = p0 & 0x1f;
			if (map < 1 || map > 3 || next(&c, &p1) < 0)
				return -1;
		} else {
			map = p0 & 0x07;
			if (map == 0 || map == 4 || map == 7 || skip(&c, 2) < 0)
				return -1;
		}
		if (vector_insn(&c, map, out) < 0)
			return -1;
		out->len = (uint8_t)c.at;
		return 0;
	}

	if (op != 0x0f) {
		flags = map1[op];
		if (flags & BAD)
			return -1;
		if (op == 0x8f && c.at < c.avail && (c.p[c.at] & 0x1f) >= 8)
			return xop_insn(&c, out);
		if ((flags & M) && modrm(&c, &reg, out) < 0)
			return -1;
		if (flags & I8)
			imm += 1;
		if (flags & I16)
			imm += 2;
		if (flags & IZ)
			imm += (opsize16 && !(rex & 8)) ? 2 : 4;
		if (flags & IV)
			imm += (rex & 8) ? 8 : opsize16 ? 2 : 4;
		if (flags & MO)
			imm += addr32 ? 4 : 8;
		if ((flags & G3) && reg < 2)
			imm += op == 0xf6 ? 1 : (opsize16 && !(rex & 8)) ? 2 : 4;
		if (op == 0xe8 || op == 0xe9)
			imm = 4; /* rel32 whatever the operand size (Intel; compilers never emit 66 here) */
		if (skip(&c, imm) < 0)
			return -1;
		out->len = (uint8_t)c.at;
		classify1(op, reg, rex & 1, rep, out);
		return 0;
	}

	if (next(&c, &op) < 0)
		return -1;
	out->map = X86_MAP_0F;
	out->opcode = op;
	if (op == 0x38 || op == 0x3a) {
		/* three-byte maps: always ModRM; 0f 3a always an imm8 */
		out->map = op == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
		if (next(&c, &out->opcode) < 0 || modrm(&c, &reg, out) < 0 || skip(&c, op == 0x3a) < 0)
			return -1;
		out->len = (uint8_t)c.at;
		return 0;
	}
	flags = map2[op];
	if (flags & BAD)
		return -1;
	if ((flags & M) && modrm(&c, &reg, out) < 0)
		return -1;
	if (flags & I8)
		imm += 1;
	if (flags & IZ)
		imm = 4; /* jcc rel32 */
	if (op == 0x78 && (opsize16 || rep == 0xf2))
		imm += 2; /* SSE4a extrq/insertq with immediates: ib, ib */
	if (skip(&c, imm) < 0)
		return -1;
	out->len = (uint8_t)c.at;
	classify2(op, reg, out);
	return 0;
}
