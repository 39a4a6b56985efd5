/*
 * Re-emits displaced instructions at a trampoline. A relative operand is re-aimed at the original
 * target; a call becomes "push <original return address>; jmp <target>" so the callee returns to
 * the original code and sees the return address it always sees (unwinders and
 * __builtin_return_address are unaffected). The kernel's uprobes and optprobes do the same kinds
 * of fix-ups (arch/x86/kernel/uprobes.c riprel_analyze / branch_setup_xol_ops,
 * arch/x86/kernel/kprobes/core.c __copy_instruction).
 */
#include "x86_relocate.h"

static const char *const refusal_names[] = {
	[X86_RELOC_OK] = "ok",
	[X86_RELOC_UNDECODABLE] = "undecodable instruction",
	[X86_RELOC_TRAP] = "trap instruction (int3, int n, ud2, hlt)",
	[X86_RELOC_FAR] = "far transfer or system instruction",
	[X86_RELOC_XBEGIN] = "xbegin",
	[X86_RELOC_OUT_OF_REACH] = "target out of rel32 reach",
	[X86_RELOC_ADDR32_RIP] = "eip-relative operand",
	[X86_RELOC_CALL_NOT_LAST] = "call before the end of the displaced bytes",
	[X86_RELOC_RSP_CALL] = "indirect call through rsp",
};

const char *x86_reloc_refusal_name(int refusal)
{
	if (refusal < 0 || refusal >= (int)(sizeof(refusal_names) / sizeof(refusal_names[0])))
		return "?";
	return refusal_names[refusal];
}

/* Whether the memory operand's base register is rsp (SIB base 100 without REX.B). */
static int uses_rsp_base(const uint8_t *code, const struct x86_insn *in)
{
	if (in->modrm_off < 0 || x86_modrm_mod(code, in) == 3 || x86_modrm_rm(code, in) != 4)
		return 0;
	return (code[in->sib_off] & 7) == 4 && !(in->rex & 1);
}

int x86_reloc_check(const uint8_t *code, const struct x86_insn *in, int last)
{
	switch (in->flow) {
	case X86_FLOW_TRAP:
		return X86_RELOC_TRAP;
	case X86_FLOW_FAR:
		return X86_RELOC_FAR;
	case X86_FLOW_XBEGIN:
		return X86_RELOC_XBEGIN;
	case X86_FLOW_CALL_REL:
		if (!last)
			return X86_RELOC_CALL_NOT_LAST;
		break;
	case X86_FLOW_CALL_IND:
		if (!last)
			return X86_RELOC_CALL_NOT_LAST;
		if (uses_rsp_base(code, in))
			return X86_RELOC_RSP_CALL;
		break;
	default:
		break;
	}
	if (in->rip_relative && in->addr32)
		return X86_RELOC_ADDR32_RIP;
	return X86_RELOC_OK;
}

/* Copies an instruction to emit_here(e), re-aiming a [rip + disp32] operand at its original target. */
static int copy_fixing_rip(struct x86_emit *e, const uint8_t *code, const struct x86_insn *in, uintptr_t from)
{
	uintptr_t to = emit_here(e);
	size_t at = e->pos;
	emit_bytes(e, code, in->len);
	if (!in->rip_relative || e->overflow)
		return X86_RELOC_OK;
	int32_t old;
	memcpy(&old, code + in->disp_off, 4);
	uintptr_t target = from + in->len + (int64_t)old;
	int64_t disp = (int64_t)target - (int64_t)(to + in->len);
	if (!fits_i32(disp))
		return X86_RELOC_OUT_OF_REACH;
	int32_t d = (int32_t)disp;
	memcpy(e->buf + at + in->disp_off, &d, 4);
	return X86_RELOC_OK;
}

/* push qword [rip + d]: pushes the 8-byte literal d bytes after this instruction's end. */
static void emit_push_rip(struct x86_emit *e, int32_t d)
{
	emit_u8(e, 0xff);
	emit_u8(e, 0x35);
	emit_u32(e, (uint32_t)d);
}

int x86_relocate_one(struct x86_emit *e, const uint8_t *code, const struct x86_insn *in, uintptr_t from, int last)
{
	int r = x86_reloc_check(code, in, last);
	if (r)
		return r;
	uintptr_t next = from + in->len;
	uintptr_t target = next + (int64_t)in->rel;

	switch (in->flow) {
	case X86_FLOW_JMP_REL:
		return emit_jmp(e, target) ? X86_RELOC_OUT_OF_REACH : X86_RELOC_OK;
	case X86_FLOW_JCC_REL:
		return emit_jcc(e, in->cond, target) ? X86_RELOC_OUT_OF_REACH : X86_RELOC_OK;
	case X86_FLOW_LOOP: {
		/* loop/jrcxz have only a rel8 form: "loop +2; jmp +5; jmp target" keeps the prefixes (67
		 * selects ecx) and the condition, and reaches any target. */
		emit_bytes(e, code, in->len - 1);
		emit_u8(e, 0x02);
		emit_u8(e, 0xeb);
		emit_u8(e, 0x05);
		return emit_jmp(e, target) ? X86_RELOC_OUT_OF_REACH : X86_RELOC_OK;
	}
	case X86_FLOW_CALL_REL:
		/* push [rip + 5] (the literal after the jmp); jmp target; dq next */
		emit_push_rip(e, 5);
		if (emit_jmp(e, target))
			return X86_RELOC_OUT_OF_REACH;
		emit_u64(e, next);
		return X86_RELOC_OK;
	case X86_FLOW_CALL_IND: {
		/* push [rip + len]; the same operand with FF /4 (jmp) instead of FF /2 (call); dq next */
		uint8_t copy[X86_MAX_INSN_LEN];
		struct x86_insn as_jmp = *in;
		memcpy(copy, code, in->len);
		copy[in->modrm_off] = (uint8_t)((copy[in->modrm_off] & 0xc7) | 4 << 3);
		as_jmp.flow = X86_FLOW_JMP_IND;
		emit_push_rip(e, in->len);
		r = copy_fixing_rip(e, copy, &as_jmp, from);
		if (r)
			return r;
		emit_u64(e, next);
		return X86_RELOC_OK;
	}
	default:
		return copy_fixing_rip(e, code, in, from);
	}
}
