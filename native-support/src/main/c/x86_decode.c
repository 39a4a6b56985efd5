/*
 * The x86-64 length decoder: legacy prefixes, REX, the legacy maps (tables in x86_opcode_tables.c),
 * VEX, EVEX and XOP, ModR/M with SIB and displacement, immediates. Intel SDM Volume 2, chapter 2
 * (2.1 instruction format, 2.2.1 REX, 2.3 VEX, 2.7 EVEX); AMD APM Volume 3, 1.8 (XOP).
 */
#include <errno.h>
#include <string.h>

#include "x86_insn.h"
#include "x86_opcode_tables.h"

struct cursor {
	const uint8_t *code;
	size_t limit; /* min(avail, 15) */
	size_t pos;
};

static int take(struct cursor *c, uint8_t *b)
{
	if (c->pos >= c->limit)
		return -ENODATA;
	*b = c->code[c->pos++];
	return 0;
}

static int skip(struct cursor *c, size_t n)
{
	if (c->pos + n > c->limit)
		return -ENODATA;
	c->pos += n;
	return 0;
}

static int32_t read_rel(const uint8_t *p, unsigned size)
{
	if (size == 1)
		return (int8_t)p[0];
	if (size == 2)
		return (int16_t)(p[0] | p[1] << 8);
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

/* ModR/M, then SIB and displacement as mod and rm ask (SDM Vol. 2, tables 2-2 and 2-3, 64-bit
 * mode: mod 00 rm 101 is [rip + disp32]; a SIB base of 101 with mod 00 has a disp32 and no base). */
static int decode_modrm(struct cursor *c, struct x86_insn *in, int register_only)
{
	uint8_t modrm, sib;
	int err;

	in->modrm_off = (int8_t)c->pos;
	if ((err = take(c, &modrm)))
		return err;
	unsigned mod = modrm >> 6, rm = modrm & 7;
	if (mod == 3 || register_only)
		return 0;
	if (rm == 4) {
		in->sib_off = (int8_t)c->pos;
		if ((err = take(c, &sib)))
			return err;
		if ((sib & 7) == 5 && mod == 0)
			in->disp_size = 4;
	}
	if (mod == 0 && rm == 5) {
		in->disp_size = 4;
		in->rip_relative = 1;
	} else if (mod == 1) {
		in->disp_size = 1;
	} else if (mod == 2) {
		in->disp_size = 4;
	}
	if (in->disp_size) {
		in->disp_off = (int8_t)c->pos;
		return skip(c, in->disp_size);
	}
	return 0;
}

static int decode_imm(struct cursor *c, struct x86_insn *in, unsigned size)
{
	if (!size)
		return 0;
	in->imm_off = (int8_t)c->pos;
	in->imm_size = (uint8_t)size;
	return skip(c, size);
}

/* The VEX/EVEX/XOP map-1 opcodes with an imm8 (SDM Vol. 2, appendix A, table A-3 under VEX). */
static int vex_map1_has_imm8(uint8_t op)
{
	return (op >= 0x70 && op <= 0x73) || op == 0xc2 || (op >= 0xc4 && op <= 0xc6);
}

/* C5 (2-byte VEX), C4 (3-byte VEX), 62 (EVEX) or 8F (XOP): the payload, then opcode, ModR/M, imm. */
static int decode_vex(struct cursor *c, struct x86_insn *in, uint8_t escape)
{
	uint8_t p0, p1, p2, op;
	unsigned imm = 0;
	int err;

	/* A REX, 66, F2, F3 or LOCK prefix before VEX/EVEX is #UD (SDM Vol. 2, 2.3.2). */
	if (in->rex || in->opsize16 || in->rep)
		return -EINVAL;
	if ((err = take(c, &p0)))
		return err;
	if (escape == 0xc5) {
		in->vex = 2;
		in->map = 1;
	} else if (escape == 0xc4) {
		in->vex = 3;
		in->map = p0 & 0x1f;
		if ((err = take(c, &p1)))
			return err;
		if (in->map < 1 || in->map > 3)
			return -EINVAL;
	} else if (escape == 0x8f) {
		in->vex = 8;
		in->map = p0 & 0x1f;
		if ((err = take(c, &p1)))
			return err;
		if (in->map < 8 || in->map > 10)
			return -EINVAL;
	} else {
		in->vex = 4;
		if ((err = take(c, &p1)) || (err = take(c, &p2)))
			return err;
		in->map = p0 & 7;
		/* P0 bit 3 reserved 0 and P1 bit 2 fixed 1 (SDM Vol. 2, 2.7.1); maps 1-3, 5, 6 exist. */
		if ((p0 & 0x08) || !(p1 & 0x04) || in->map == 0 || in->map == 4 || in->map > 6)
			return -EINVAL;
	}
	if ((err = take(c, &op)))
		return err;
	in->opcode = op;
	/* VZEROUPPER/VZEROALL (VEX.0F 77) are the only ones without ModR/M. */
	if (!(in->vex <= 3 && in->map == 1 && op == 0x77)) {
		if ((err = decode_modrm(c, in, 0)))
			return err;
	}
	if (in->vex == 8)
		imm = in->map == 8 ? 1 : in->map == 10 ? 4 : 0;
	else if (in->map == 3)
		imm = 1;
	else if (in->map == 1 && vex_map1_has_imm8(op))
		imm = 1;
	return decode_imm(c, in, imm);
}

static void classify_map0(const uint8_t *code, struct x86_insn *in)
{
	uint8_t op = in->opcode;

	if (op >= 0x70 && op <= 0x7f) {
		in->flow = X86_FLOW_JCC_REL;
		in->cond = op & 0xf;
	} else if (op >= 0xe0 && op <= 0xe3) {
		in->flow = X86_FLOW_LOOP;
		in->cond = op & 3;
	} else if (op == 0xe8) {
		in->flow = X86_FLOW_CALL_REL;
	} else if (op == 0xe9 || op == 0xeb) {
		in->flow = X86_FLOW_JMP_REL;
	} else if (op == 0xc2 || op == 0xc3) {
		in->flow = X86_FLOW_RET;
	} else if (op == 0xca || op == 0xcb || op == 0xcf) {
		in->flow = X86_FLOW_FAR;
	} else if (op == 0xcc || op == 0xcd || op == 0xf1 || op == 0xf4) {
		in->flow = X86_FLOW_TRAP;
	} else if (op == 0xff) {
		unsigned reg = x86_modrm_reg(code, in);
		if (reg == 2)
			in->flow = X86_FLOW_CALL_IND;
		else if (reg == 4)
			in->flow = X86_FLOW_JMP_IND;
		else if (reg == 3 || reg == 5)
			in->flow = X86_FLOW_FAR;
	} else if (op == 0xc7 && code[in->modrm_off] == 0xf8) {
		in->flow = X86_FLOW_XBEGIN;
	}
	if (in->flow == X86_FLOW_JCC_REL || in->flow == X86_FLOW_LOOP || in->flow == X86_FLOW_CALL_REL ||
	    in->flow == X86_FLOW_JMP_REL || in->flow == X86_FLOW_XBEGIN) {
		in->rel_size = in->imm_size;
		in->rel = read_rel(code + in->imm_off, in->imm_size);
	}
}

static void classify_map1(const uint8_t *code, struct x86_insn *in)
{
	uint8_t op = in->opcode;

	if (op >= 0x80 && op <= 0x8f) {
		in->flow = X86_FLOW_JCC_REL;
		in->cond = op & 0xf;
		in->rel_size = in->imm_size;
		in->rel = read_rel(code + in->imm_off, in->imm_size);
	} else if (op == 0x0b || op == 0xb9 || op == 0xff) {
		in->flow = X86_FLOW_TRAP;
	} else if (op == 0x07 || op == 0x34 || op == 0x35) {
		in->flow = X86_FLOW_FAR;
	}
}

int x86_decode(const uint8_t *code, size_t avail, struct x86_insn *out)
{
	struct x86_insn in;
	struct cursor c = { code, avail < X86_MAX_INSN_LEN ? avail : X86_MAX_INSN_LEN, 0 };
	uint8_t b, attrs;
	int err;

	memset(&in, 0, sizeof(in));
	in.modrm_off = in.sib_off = in.disp_off = in.imm_off = -1;

	for (;;) {
		if ((err = take(&c, &b)))
			return err;
		if (b == 0x66) {
			in.opsize16 = 1;
		} else if (b == 0x67) {
			in.addr32 = 1;
		} else if (b == 0xf2 || b == 0xf3) {
			in.rep = b;
		} else if (b == 0xf0 || b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 ||
			   b == 0x65) {
			/* lock and segment overrides: no effect on length */
		} else if ((b & 0xf0) == 0x40) {
			in.rex = b;
			continue;
		} else {
			break;
		}
		/* A legacy prefix after REX makes the REX ignored (SDM Vol. 2, 2.2.1). */
		in.rex = 0;
	}

	if (b == 0xc4 || b == 0xc5 || b == 0x62 ||
	    (b == 0x8f && c.pos < c.limit && (code[c.pos] & 0x1f) >= 8)) {
		if ((err = decode_vex(&c, &in, b)))
			return err;
		goto done;
	}

	if (b == 0x0f) {
		if ((err = take(&c, &b)))
			return err;
		if (b == 0x38 || b == 0x3a) {
			in.map = b == 0x38 ? 2 : 3;
			if ((err = take(&c, &in.opcode)) || (err = decode_modrm(&c, &in, 0)))
				return err;
			if ((err = decode_imm(&c, &in, in.map == 3)))
				return err;
			goto done;
		}
		in.map = 1;
		in.opcode = b;
		attrs = x86_map1[b];
	} else {
		in.map = 0;
		in.opcode = b;
		attrs = x86_map0[b];
	}
	if (attrs & X86_OP_INVALID)
		return -EINVAL;

	if (attrs & X86_OP_SPECIAL) {
		unsigned imm = 0;
		if (in.map == 0) {
			switch (in.opcode) {
			case 0xa0: case 0xa1: case 0xa2: case 0xa3:
				/* mov AL/rAX <-> moffs: an address-sized absolute offset */
				in.disp_off = (int8_t)c.pos;
				in.disp_size = in.addr32 ? 4 : 8;
				if ((err = skip(&c, in.disp_size)))
					return err;
				break;
			case 0xc8: /* enter Iw, Ib */
				imm = 3;
				break;
			case 0xe8: case 0xe9:
				/* With 66 and no REX.W Intel keeps rel32 and AMD takes rel16: refused as
				 * ambiguous. REX.W makes 66 void (TLS sequences emit 66 66 48 E8). */
				if (in.opsize16 && !(in.rex & 8))
					return -EINVAL;
				imm = 4;
				break;
			case 0x8f: /* pop Ev (grp1A); XOP was handled above */
				if ((err = decode_modrm(&c, &in, 0)))
					return err;
				break;
			case 0xf6: case 0xf7: /* grp3: test Eb,Ib / Ev,Iz when ModR/M.reg is 0 or 1 */
				if ((err = decode_modrm(&c, &in, 0)))
					return err;
				if (x86_modrm_reg(code, &in) < 2)
					imm = in.opcode == 0xf6 ? 1 : (in.opsize16 && !(in.rex & 8)) ? 2 : 4;
				break;
			default:
				return -EINVAL;
			}
		} else {
			if (in.opcode >= 0x80 && in.opcode <= 0x8f) {
				if (in.opsize16 && !(in.rex & 8))
					return -EINVAL;
				imm = 4;
			} else if (in.opcode == 0x78) {
				/* 66: extrq xmm, Ib, Ib; F2: insertq xmm, xmm, Ib, Ib (AMD SSE4a); else vmread */
				if ((err = decode_modrm(&c, &in, 0)))
					return err;
				if (in.opsize16 || in.rep == 0xf2)
					imm = 2;
			} else {
				return -EINVAL;
			}
		}
		if ((err = decode_imm(&c, &in, imm)))
			return err;
	} else {
		unsigned imm = 0;
		if (attrs & X86_OP_MODRM) {
			/* mov to/from control and debug registers ignores mod (SDM Vol. 2, MOV-Move to/from
			 * Control Registers): never a memory operand. */
			int reg_only = in.map == 1 && in.opcode >= 0x20 && in.opcode <= 0x23;
			if ((err = decode_modrm(&c, &in, reg_only)))
				return err;
		}
		if (attrs & X86_OP_IMM8)
			imm += 1;
		if (attrs & X86_OP_IMM16)
			imm += 2;
		if (attrs & X86_OP_IMMZ)
			imm += (in.opsize16 && !(in.rex & 8)) ? 2 : 4;
		if (attrs & X86_OP_IMMV)
			imm += (in.rex & 8) ? 8 : in.opsize16 ? 2 : 4;
		if ((err = decode_imm(&c, &in, imm)))
			return err;
	}

	if (in.map == 0)
		classify_map0(code, &in);
	else
		classify_map1(code, &in);
done:
	if (in.vex && in.map == 0)
		return -EINVAL;
	in.len = (uint8_t)c.pos;
	*out = in;
	return in.len;
}

int x86_reads_flags(const uint8_t *code, const struct x86_insn *in)
{
	uint8_t op = in->opcode;
	unsigned reg = in->modrm_off >= 0 ? x86_modrm_reg(code, in) : 0;
	if (in->vex)
		return 0;
	if (in->map == 0) {
		if ((op >= 0x10 && op <= 0x15) || (op >= 0x18 && op <= 0x1d)) /* adc, sbb */
			return 1;
		if ((op >= 0x70 && op <= 0x7f) || op == 0x9c || op == 0x9f || op == 0xf5 || op == 0xe0 || op == 0xe1)
			return 1;
		if (op >= 0x80 && op <= 0x83 && (reg == 2 || reg == 3)) /* adc/sbb with an immediate */
			return 1;
		if ((op == 0xc0 || op == 0xc1 || (op >= 0xd0 && op <= 0xd3)) && (reg == 2 || reg == 3)) /* rcl, rcr */
			return 1;
		if ((op == 0xda || op == 0xdb) && x86_modrm_mod(code, in) == 3 && reg < 4) /* fcmovcc */
			return 1;
		return 0;
	}
	if (in->map == 1)
		return (op >= 0x40 && op <= 0x4f) || (op >= 0x80 && op <= 0x9f); /* cmovcc, jcc, setcc */
	if (in->map == 2)
		return op == 0xf6 && (in->opsize16 || in->rep == 0xf3); /* adcx, adox */
	return 0;
}
