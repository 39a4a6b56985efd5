/* The trampolines' machine code (see trampoline.h). Encodings: Intel SDM Vol. 2. */
#include <stddef.h>

#include "cpu_features.h"
#include "probe_dispatch.h"
#include "trampoline.h"

#define OFF(field) ((int32_t)offsetof(struct bpftime_pt_regs, field))

/* x86-64 Linux user segment selectors (__USER_CS, __USER_DS in arch/x86/include/asm/segment.h). */
#define USER_CS 0x33
#define USER_SS 0x2b

static const struct {
	uint8_t reg;
	int32_t off;
} gprs[] = {
	{ R15, OFF(r15) }, { R14, OFF(r14) }, { R13, OFF(r13) }, { R12, OFF(r12) }, { RBP, OFF(bp) },
	{ RBX, OFF(bx) },  { R11, OFF(r11) }, { R10, OFF(r10) }, { R9, OFF(r9) },   { R8, OFF(r8) },
	{ RAX, OFF(ax) },  { RCX, OFF(cx) },  { RDX, OFF(dx) },  { RSI, OFF(si) },  { RDI, OFF(di) },
};

/* rsp -> a pt_regs below the red zone; rbx = &regs afterwards (its own value is saved first). */
static void emit_save_regs(struct x86_emit *e, uintptr_t ip, int clear_df)
{
	emit_lea_rsp(e, -TRAMPOLINE_FRAME);
	for (size_t i = 0; i < sizeof(gprs) / sizeof(gprs[0]); i++)
		emit_store(e, gprs[i].reg, gprs[i].off);
	emit_u8(e, 0x9c); /* pushfq: below the frame, which is free */
	emit_u8(e, 0x58); /* pop rax */
	emit_store(e, RAX, OFF(flags));
	emit_lea_from_rsp(e, RAX, TRAMPOLINE_FRAME);
	emit_store(e, RAX, OFF(sp));
	if (ip) {
		emit_movabs(e, RAX, ip);
		emit_store(e, RAX, OFF(ip));
	}
	emit_store_imm(e, OFF(cs), USER_CS);
	emit_store_imm(e, OFF(ss), USER_SS);
	emit_store_imm(e, OFF(orig_ax), -1);
	if (clear_df)
		emit_u8(e, 0xfc); /* cld: the C code assumes DF = 0 (System V ABI 3.2.1) */
	emit_mov_rr(e, RBX, RSP);
}

/*
 * Restores [flags and] the registers from the pt_regs at rsp, then rsp itself. rbp and r13-r15 keep
 * their values: the trampolines never write them, and everything they call (the engine's C code,
 * JIT images, the interpreter, helpers) preserves them as the System V ABI requires; the other
 * callee-saved registers, rbx and r12, hold the trampolines' own values.
 */
static int callee_keeps(uint8_t reg)
{
	return reg == RBP || reg == R13 || reg == R14 || reg == R15;
}

static void emit_restore_regs(struct x86_emit *e, int restore_flags)
{
	if (restore_flags) {
		/* push qword [rsp + flags]; popfq */
		emit_u8(e, 0xff);
		emit_u8(e, 0xb4);
		emit_u8(e, 0x24);
		emit_u32(e, (uint32_t)OFF(flags));
		emit_u8(e, 0x9d);
	}
	for (size_t i = 0; i < sizeof(gprs) / sizeof(gprs[0]); i++)
		if (!callee_keeps(gprs[i].reg))
			emit_load(e, gprs[i].reg, gprs[i].off);
	emit_lea_rsp(e, TRAMPOLINE_FRAME);
}

/* xmm0-7 (ymm0-7): the argument registers (trampoline.h). */
#define ARG_VECTORS 8

static int32_t vector_area(enum trampoline_vectors v)
{
	const struct cpu_features *f = cpu_features();
	if (v == TRAMPOLINE_VEC_FULL)
		return f->xsave ? (int32_t)((f->xsave_size + 63) & ~63u) : 512;
	return ARG_VECTORS * (f->avx ? 32 : 16);
}

/* movups / vmovdqu between vector register n and [rsp + n * width]; store or load. */
static void emit_vector_moves(struct x86_emit *e, enum trampoline_vectors v, int store)
{
	int avx = cpu_features()->avx;
	for (int n = 0; n < ARG_VECTORS; n++) {
		if (avx) {
			emit_u8(e, 0xc5);
			emit_u8(e, 0xfe); /* VEX.256.F3.0F: vmovdqu */
			emit_u8(e, store ? 0x7f : 0x6f);
			emit_u8(e, (uint8_t)(0x84 | n << 3));
			emit_u8(e, 0x24);
			emit_u32(e, (uint32_t)(n * 32));
		} else {
			emit_u8(e, 0x0f);
			emit_u8(e, store ? 0x11 : 0x10); /* movups */
			emit_u8(e, (uint8_t)(0x44 | n << 3));
			emit_u8(e, 0x24);
			emit_u8(e, (uint8_t)(n * 16));
		}
	}
}

/* xsave/xsavec/xrstor (or fxsave/fxrstor) of the user vector state at [rsp]; uses eax and edx. */
static void emit_xstate(struct x86_emit *e, int save)
{
	const struct cpu_features *f = cpu_features();
	if (!f->xsave) {
		static const uint8_t fxsave[] = { 0x48, 0x0f, 0xae, 0x04, 0x24 }, fxrstor[] = { 0x48, 0x0f, 0xae, 0x0c, 0x24 };
		emit_bytes(e, save ? fxsave : fxrstor, 5);
		return;
	}
	if (save) {
		/* XRSTOR faults unless the header's reserved bytes are zero; XSAVE(C) does not write them. */
		for (int i = 0; i < 8; i++)
			emit_store_imm(e, 512 + 8 * i, 0);
	}
	emit_u8(e, 0xb8); /* mov eax, mask low */
	emit_u32(e, (uint32_t)f->xsave_mask);
	emit_u8(e, 0xba); /* mov edx, mask high */
	emit_u32(e, (uint32_t)(f->xsave_mask >> 32));
	static const uint8_t xsave[] = { 0x48, 0x0f, 0xae, 0x24, 0x24 }, xsavec[] = { 0x48, 0x0f, 0xc7, 0x24, 0x24 },
			     xrstor[] = { 0x48, 0x0f, 0xae, 0x2c, 0x24 };
	emit_bytes(e, !save ? xrstor : f->xsavec ? xsavec : xsave, 5);
}

/* Aligns rsp, saves vectors, calls fn with rdi/rsi already set; the result ends in r12 and rax. */
static void emit_call_saving_vectors(struct x86_emit *e, enum trampoline_vectors v, uintptr_t fn)
{
	static const uint8_t and_rsp_m64[] = { 0x48, 0x83, 0xe4, 0xc0 };
	emit_bytes(e, and_rsp_m64, 4);
	emit_u8(e, 0x48);
	emit_u8(e, 0x81);
	emit_u8(e, 0xec); /* sub rsp, imm32 */
	emit_u32(e, (uint32_t)vector_area(v));
	if (v == TRAMPOLINE_VEC_FULL)
		emit_xstate(e, 1);
	else
		emit_vector_moves(e, v, 1);
	emit_movabs(e, RAX, fn);
	emit_u8(e, 0xff);
	emit_u8(e, 0xd0); /* call rax */
	emit_mov_rr(e, R12, RAX);
	if (v == TRAMPOLINE_VEC_FULL)
		emit_xstate(e, 0);
	else
		emit_vector_moves(e, v, 0);
	emit_mov_rr(e, RAX, R12);
	emit_mov_rr(e, RSP, RBX);
}


/*
 * The direct program (trampoline_options.direct_offset), with rdi = site and rsi = rbx = &regs.
 * What the C hit path does around a program, less what only helpers read: the read section as in
 * probe_dispatch.c (word odd, then the program pointer read; the grace period's membarrier orders
 * the two for the writer), the call, the word even again. Leaves 0 in eax (no override) and jumps to
 * the returned rel32; falls through to the gpr_hit call, rdi and rsi as they were, otherwise.
 */
static size_t emit_direct_call(struct x86_emit *e, const struct trampoline_options *o, size_t *no_slot,
			       size_t *nested)
{
	static const uint8_t mov_rax_fs[] = { 0x64, 0x48, 0x8b, 0x04, 0x25 };	/* mov rax, fs:[disp32] */
	static const uint8_t test_rax[] = { 0x48, 0x85, 0xc0 };			/* test rax, rax */
	static const uint8_t load_word[] = { 0x48, 0x8b, 0x08 };			/* mov rcx, [rax] */
	static const uint8_t test_odd[] = { 0xf6, 0xc1, 0x01 };			/* test cl, 1 */
	static const uint8_t mark_odd[] = { 0x48, 0x8d, 0x51, 0x01, 0x48, 0x89, 0x10 }; /* lea rdx, [rcx+1]; mov [rax], rdx */
	static const uint8_t test_r11[] = { 0x4d, 0x85, 0xdb };			/* test r11, r11 */
	static const uint8_t keep[] = { 0x49, 0x89, 0xc4 };			/* mov r12, rax */
	static const uint8_t args[] = { 0x48, 0x89, 0xdf, 0x31, 0xf6 };		/* mov rdi, rbx; xor esi, esi */
	static const uint8_t align16[] = { 0x48, 0x83, 0xe4, 0xf0 };		/* and rsp, -16 */
	static const uint8_t call_r11[] = { 0x41, 0xff, 0xd3 };			/* call r11 */
	static const uint8_t leave[] = { 0x49, 0x83, 0x04, 0x24, 0x01 };		/* add qword [r12], 1: even */
	static const uint8_t no_override[] = { 0x31, 0xc0 };			/* xor eax, eax */
	static const uint8_t unmark[] = { 0x48, 0x83, 0xc1, 0x02, 0x48, 0x89, 0x08 }; /* add rcx, 2; mov [rax], rcx */

	emit_bytes(e, mov_rax_fs, sizeof(mov_rax_fs));
	emit_u32(e, (uint32_t)o->thread_tp_offset);
	emit_bytes(e, test_rax, sizeof(test_rax));
	*no_slot = emit_jcc_forward(e, CC_E);
	emit_bytes(e, load_word, sizeof(load_word));
	emit_bytes(e, test_odd, sizeof(test_odd));
	*nested = emit_jcc_forward(e, CC_NE);
	emit_bytes(e, mark_odd, sizeof(mark_odd));
	emit_u8(e, 0x4c);
	emit_u8(e, 0x8b);
	emit_u8(e, 0x9f); /* mov r11, [rdi + disp32] */
	emit_u32(e, (uint32_t)o->direct_offset);
	emit_bytes(e, test_r11, sizeof(test_r11));
	size_t none = emit_jcc_forward(e, CC_E);
	emit_bytes(e, keep, sizeof(keep));
	emit_bytes(e, args, sizeof(args));
	emit_bytes(e, align16, sizeof(align16));
	emit_bytes(e, call_r11, sizeof(call_r11));
	emit_bytes(e, leave, sizeof(leave));
	emit_mov_rr(e, RSP, RBX);
	emit_bytes(e, no_override, sizeof(no_override));
	emit_u8(e, 0xe9); /* jmp rel32 -> after the hit calls */
	size_t done = e->pos;
	emit_u32(e, 0);
	bind_rel32(e, none);
	emit_bytes(e, unmark, sizeof(unmark));
	return done;
}

size_t trampoline_emit_entry(struct x86_emit *e, void *site, uintptr_t site_addr, probe_entry_fn hit,
			     const struct trampoline_options *o)
{
	emit_save_regs(e, site_addr, o->clear_df);
	emit_movabs(e, RDI, (uintptr_t)site);
	emit_mov_rr(e, RSI, RBX);
	if (o->gpr_hit) {
		size_t no_slot, nested, direct_done = emit_direct_call(e, o, &no_slot, &nested);
		bind_rel32(e, no_slot);
		bind_rel32(e, nested);
		emit_u8(e, 0x80);
		emit_u8(e, 0xbf); /* cmp byte [rdi + disp32], 0 */
		emit_u32(e, (uint32_t)o->gpr_flag_offset);
		emit_u8(e, 0x00);
		emit_u8(e, 0x0f);
		emit_u8(e, 0x84); /* je rel32 -> the saving call */
		size_t to_saving = e->pos;
		emit_u32(e, 0);
		static const uint8_t and_rsp_m16[] = { 0x48, 0x83, 0xe4, 0xf0 };
		emit_bytes(e, and_rsp_m16, 4);
		emit_movabs(e, RAX, (uintptr_t)o->gpr_hit);
		emit_u8(e, 0xff);
		emit_u8(e, 0xd0); /* call rax */
		emit_mov_rr(e, RSP, RBX);
		emit_u8(e, 0xe9); /* jmp rel32 -> after the saving call */
		size_t to_join = e->pos;
		emit_u32(e, 0);
		bind_rel32(e, to_saving);
		emit_call_saving_vectors(e, o->vectors, (uintptr_t)hit);
		bind_rel32(e, to_join);
		bind_rel32(e, direct_done);
	} else {
		emit_call_saving_vectors(e, o->vectors, (uintptr_t)hit);
	}
	emit_u8(e, 0x85);
	emit_u8(e, 0xc0); /* test eax, eax */
	emit_u8(e, 0x0f);
	emit_u8(e, 0x85); /* jnz rel32 -> override tail */
	size_t fixup = e->pos;
	emit_u32(e, 0);
	emit_restore_regs(e, o->restore_flags);
	return fixup;
}

uintptr_t trampoline_emit_tails(struct x86_emit *e, size_t branch_pos, size_t displaced_pos, int restore_flags,
				uintptr_t called_return)
{
	size_t to_call = 0;
	bind_rel32(e, branch_pos);
	if (called_return) {
		static const uint8_t cmp_eax_call[] = { 0x83, 0xf8, PROBE_ENTRY_CALL };
		emit_bytes(e, cmp_eax_call, sizeof(cmp_eax_call));
		to_call = emit_jcc_forward(e, CC_E);
	}
	/* override: rax holds the value the program gave (probe_entry_hit stored it in regs->ax) */
	emit_restore_regs(e, 0);
	emit_u8(e, 0xc3); /* ret: return from the probed function without running it */
	if (!called_return)
		return 0;
	bind_rel32(e, to_call);
	emit_restore_regs(e, restore_flags);
	emit_lea_rsp(e, 8); /* the return address is on the shadow stack; the call writes its slot again */
	emit_u8(e, 0xe8);   /* call rel32 -> the displaced instructions */
	emit_u32(e, (uint32_t)(int32_t)(displaced_pos - (e->pos + 4)));
	uintptr_t return_point = emit_here(e);
	static const uint8_t jmp_rip[] = { 0xff, 0x25, 0, 0, 0, 0 }; /* jmp [rip + 0]: the address follows */
	emit_bytes(e, jmp_rip, sizeof(jmp_rip));
	emit_u64(e, called_return);
	return return_point;
}

/* rax = hit(&regs) with rbx = rsp = &regs, then the real return address it gives into its slot. */
static void emit_return_hit_call(struct x86_emit *e, probe_return_fn hit)
{
	emit_mov_rr(e, RDI, RBX);
	/* No vector register saved: probe_return_hit is GPR-only and saves them itself before running
	 * a program that is not (probe_dispatch.c probe_run_return). */
	static const uint8_t and_rsp_m16[] = { 0x48, 0x83, 0xe4, 0xf0 };
	emit_bytes(e, and_rsp_m16, 4);
	emit_movabs(e, RAX, (uintptr_t)hit);
	emit_u8(e, 0xff);
	emit_u8(e, 0xd0); /* call rax */
	emit_mov_rr(e, RSP, RBX);
	emit_store(e, RAX, TRAMPOLINE_FRAME - 8); /* the slot: rsp + frame - 8 */
}

static void emit_return(struct x86_emit *e, probe_return_fn hit, int called, const struct trampoline_layout *layout,
			uintptr_t run_return)
{
	/* Reached by the function's ret: rsp is one slot above where the return address was. */
	emit_save_regs(e, 0, 0);
	struct return_fast_fixups fast;
	if (layout)
		trampoline_emit_return_fast(e, layout, &fast);
	else
		emit_return_hit_call(e, hit);
	size_t done = e->pos;
	emit_restore_regs(e, 0);
	if (called) {
		/* The function was entered by a call, so the caller's own call is the return-stack
		 * buffer's prediction now: return through the slot. */
		emit_lea_rsp(e, -8);
		emit_u8(e, 0xc3);
	} else {
		/* The function's ret came here unpredicted and consumed the caller's prediction: a `ret`
		 * would consume the next one too. An indirect jump leaves the buffer in step. The slot is
		 * within the red zone below rsp, which a signal frame skips (arch/x86/kernel/signal.c). */
		static const uint8_t jmp_slot[] = { 0xff, 0x64, 0x24, 0xf8 }; /* jmp [rsp - 8] */
		emit_bytes(e, jmp_slot, sizeof(jmp_slot));
	}
	if (layout) {
		trampoline_emit_return_fast_list(e, &fast, run_return, done);
		emit_return_hit_call(e, hit);
		emit_u8(e, 0xe9); /* jmp rel32 -> done */
		emit_u32(e, (uint32_t)(int32_t)((int64_t)done - (int64_t)(e->pos + 4)));
	}
}

void trampoline_emit_return(struct x86_emit *e, probe_return_fn hit, int called)
{
	emit_return(e, hit, called, NULL, 0);
}

void trampoline_emit_return_fast_first(struct x86_emit *e, probe_return_fn hit, int called,
				       const struct trampoline_layout *layout, uintptr_t run_return)
{
	emit_return(e, hit, called, layout, run_return);
}

void trampoline_emit_saving_call(struct x86_emit *e, probe_entry_fn hit)
{
	/* rbx and r12 are callee-saved in C and emit_call_saving_vectors uses them; rdi and rsi pass on. */
	emit_u8(e, 0x53);		    /* push rbx */
	emit_u8(e, 0x41);
	emit_u8(e, 0x54);		    /* push r12 */
	emit_mov_rr(e, RBX, RSP);
	emit_call_saving_vectors(e, TRAMPOLINE_VEC_FULL, (uintptr_t)hit);
	emit_u8(e, 0x41);
	emit_u8(e, 0x5c);		    /* pop r12 */
	emit_u8(e, 0x5b);		    /* pop rbx */
	emit_u8(e, 0xc3);		    /* ret */
}
