/*
 * Branch emulation on saved registers. Condition codes: Intel SDM Vol. 1, appendix B (EFLAGS
 * condition codes); loop and jrcxz: SDM Vol. 2, LOOP/LOOPcc and Jcc.
 */
#include <errno.h>
#include <string.h>

#include "x86_emulate.h"

#define FLAG_CF 0x001u
#define FLAG_PF 0x004u
#define FLAG_ZF 0x040u
#define FLAG_SF 0x080u
#define FLAG_OF 0x800u

static int condition_holds(unsigned cond, uint64_t flags)
{
	int cf = !!(flags & FLAG_CF), pf = !!(flags & FLAG_PF), zf = !!(flags & FLAG_ZF);
	int sf = !!(flags & FLAG_SF), of = !!(flags & FLAG_OF);
	int r;
	switch (cond >> 1) {
	case 0: r = of; break;              /* o / no */
	case 1: r = cf; break;              /* b / ae */
	case 2: r = zf; break;              /* e / ne */
	case 3: r = cf || zf; break;        /* be / a */
	case 4: r = sf; break;              /* s / ns */
	case 5: r = pf; break;              /* p / np */
	case 6: r = sf != of; break;        /* l / ge */
	default: r = zf || sf != of; break; /* le / g */
	}
	return (cond & 1) ? !r : r;
}

static uint64_t *gpr(struct bpftime_pt_regs *regs, unsigned n)
{
	switch (n) {
	case 0: return &regs->ax;
	case 1: return &regs->cx;
	case 2: return &regs->dx;
	case 3: return &regs->bx;
	case 4: return &regs->sp;
	case 5: return &regs->bp;
	case 6: return &regs->si;
	case 7: return &regs->di;
	case 8: return &regs->r8;
	case 9: return &regs->r9;
	case 10: return &regs->r10;
	case 11: return &regs->r11;
	case 12: return &regs->r12;
	case 13: return &regs->r13;
	case 14: return &regs->r14;
	default: return &regs->r15;
	}
}

int x86_can_emulate(const uint8_t *code, const struct x86_insn *in)
{
	switch (in->flow) {
	case X86_FLOW_JMP_REL:
	case X86_FLOW_JCC_REL:
	case X86_FLOW_CALL_REL:
		return 1;
	case X86_FLOW_LOOP:
		return !in->addr32;
	case X86_FLOW_RET:
		return !in->opsize16;
	case X86_FLOW_JMP_IND:
	case X86_FLOW_CALL_IND: {
		/* 64-bit operands in a register or in memory without segment override or 32-bit addressing */
		for (int i = 0; i < in->len && code[i] != 0xff; i++)
			if (code[i] == 0x64 || code[i] == 0x65)
				return 0;
		return !in->opsize16 && !in->addr32;
	}
	default:
		return 0;
	}
}

/* The target of jmp/call r/m64. */
static uint64_t indirect_target(const uint8_t *code, const struct x86_insn *in, struct bpftime_pt_regs *regs)
{
	unsigned mod = x86_modrm_mod(code, in), rm = x86_modrm_rm(code, in);
	unsigned rex_b = in->rex & 1, rex_x = (in->rex >> 1) & 1;
	if (mod == 3)
		return *gpr(regs, rm | rex_b << 3);
	uint64_t ea = 0;
	int64_t disp = 0;
	if (in->disp_size == 1)
		disp = (int8_t)code[in->disp_off];
	else if (in->disp_size == 4) {
		int32_t d;
		memcpy(&d, code + in->disp_off, 4);
		disp = d;
	}
	if (in->rip_relative) {
		ea = regs->ip + in->len;
	} else if (rm == 4) {
		uint8_t sib = code[in->sib_off];
		unsigned base = sib & 7, index = ((sib >> 3) & 7) | rex_x << 3, scale = sib >> 6;
		if (!(base == 5 && mod == 0))
			ea = *gpr(regs, base | rex_b << 3);
		if (index != 4)
			ea += *gpr(regs, index) << scale;
	} else {
		ea = *gpr(regs, rm | rex_b << 3);
	}
	ea += disp;
	uint64_t target;
	memcpy(&target, (const void *)(uintptr_t)ea, 8);
	return target;
}

int x86_emulate(const uint8_t *code, const struct x86_insn *in, struct bpftime_pt_regs *regs)
{
	uint64_t next = regs->ip + in->len;
	uint64_t target = next + (int64_t)in->rel;

	switch (in->flow) {
	case X86_FLOW_JMP_REL:
		regs->ip = target;
		return 0;
	case X86_FLOW_JCC_REL:
		regs->ip = condition_holds(in->cond, regs->flags) ? target : next;
		return 0;
	case X86_FLOW_LOOP: {
		int taken;
		if (in->cond == 3) {
			taken = regs->cx == 0; /* jrcxz */
		} else {
			regs->cx--;
			int zf = !!(regs->flags & FLAG_ZF);
			taken = regs->cx != 0 && (in->cond == 2 || (in->cond == 1 ? zf : !zf));
		}
		regs->ip = taken ? target : next;
		return 0;
	}
	case X86_FLOW_CALL_REL:
		regs->sp -= 8;
		memcpy((void *)(uintptr_t)regs->sp, &next, 8);
		regs->ip = target;
		return 0;
	case X86_FLOW_RET: {
		uint64_t ret;
		memcpy(&ret, (const void *)(uintptr_t)regs->sp, 8);
		regs->sp += 8;
		if (in->imm_size == 2)
			regs->sp += (uint16_t)(code[in->imm_off] | code[in->imm_off + 1] << 8);
		regs->ip = ret;
		return 0;
	}
	case X86_FLOW_JMP_IND:
		regs->ip = indirect_target(code, in, regs);
		return 0;
	case X86_FLOW_CALL_IND:
		target = indirect_target(code, in, regs);
		regs->sp -= 8;
		memcpy((void *)(uintptr_t)regs->sp, &next, 8);
		regs->ip = target;
		return 0;
	default:
		return -EINVAL;
	}
}
