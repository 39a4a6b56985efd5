/* The uretprobe fast paths (trampoline_fast.h). Encodings: Intel SDM Vol. 2. */
#include <stddef.h>
#include <string.h>

#include "bpftime_probe.h"
#include "trampoline.h"
#include "trampoline_fast.h"

#define OFF(field) ((int32_t)offsetof(struct bpftime_pt_regs, field))
#define ENTRY_BYTES 24 /* struct shadow_entry: ret, slot | chained << 63, site */

static const uint8_t MOV_STORE[] = { 0x89 }, MOV_LOAD[] = { 0x8b }, LEA[] = { 0x8d }, GRP1_IMM8[] = { 0x83 },
		     CMP_STORE[] = { 0x39 };

static void mov_rax_fs(struct x86_emit *e, int32_t offset)
{
	static const uint8_t op[] = { 0x64, 0x48, 0x8b, 0x04, 0x25 }; /* mov rax, fs:[disp32] */
	emit_bytes(e, op, sizeof(op));
	emit_u32(e, (uint32_t)offset);
}

void trampoline_emit_return_only_flag(struct x86_emit *e, size_t flag_disp)
{
	if (!e->overflow && flag_disp + 5 <= e->cap) {
		/* rip-relative: from the end of the cmp, which ends with its imm8 */
		int32_t rel = (int32_t)(e->pos - (flag_disp + 5));
		memcpy(e->buf + flag_disp, &rel, 4);
	}
	emit_u8(e, 0);
}

/* The three registers the entry path uses, in the red zone below the return address. */
static void red_zone(struct x86_emit *e, int store)
{
	static const uint8_t regs[] = { RAX, RCX, RDX };
	for (int i = 0; i < 3; i++)
		emit_op_mem(e, 1, store ? MOV_STORE : MOV_LOAD, 1, regs[i], RSP, -1, 0, -8 * (i + 1));
}

size_t trampoline_emit_return_only_check(struct x86_emit *e, size_t *flag_disp)
{
	/* what any other hit pays, a branch not taken: the flag is in the trampoline's own memory */
	static const uint8_t cmp_flag[] = { 0x80, 0x3d }; /* cmp byte [rip + disp32], imm8 */
	emit_bytes(e, cmp_flag, sizeof(cmp_flag));
	*flag_disp = e->pos;
	emit_u32(e, 0);
	emit_u8(e, 0);
	return emit_jcc_forward(e, CC_NE);
}

/* jmp rel32 to buffer position pos, already emitted */
static void jmp_back(struct x86_emit *e, size_t pos)
{
	emit_u8(e, 0xe9);
	emit_u32(e, (uint32_t)(int32_t)((int64_t)pos - (int64_t)(e->pos + 4)));
}

uintptr_t trampoline_emit_return_only_path(struct x86_emit *e, const void *site, const struct trampoline_layout *l,
					   size_t check, size_t general, size_t displaced, uintptr_t called_return)
{
	size_t slow[8];
	int n = 0;
	bind_rel32(e, check);
	red_zone(e, 1);
	emit_movabs(e, R11, (uintptr_t)site);
	emit_op_mem(e, 1, GRP1_IMM8, 1, 7, R11, -1, 0, l->site_entry); /* cmp qword [r11 + entry], 0 */
	emit_u8(e, 0);
	slow[n++] = emit_jcc_forward(e, CC_NE); /* the flag was stale */
	mov_rax_fs(e, l->thread_tp_offset);
	static const uint8_t test_rax[] = { 0x48, 0x85, 0xc0 };
	emit_bytes(e, test_rax, sizeof(test_rax));
	slow[n++] = emit_jcc_forward(e, CC_E);
	static const uint8_t test_odd[] = { 0xf6, 0x00, 0x01 }; /* test byte [rax], 1 */
	emit_bytes(e, test_odd, sizeof(test_odd));
	slow[n++] = emit_jcc_forward(e, CC_NE);
	emit_op_mem(e, 0, MOV_LOAD, 1, RCX, RAX, -1, 0, l->thread_depth); /* mov ecx, [rax + depth] */
	static const uint8_t cmp_ecx[] = { 0x81, 0xf9 };		    /* cmp ecx, imm32 */
	emit_bytes(e, cmp_ecx, sizeof(cmp_ecx));
	emit_u32(e, l->shadow_depth);
	slow[n++] = emit_jcc_forward(e, CC_AE);
	static const uint8_t triple[] = { 0x48, 0x8d, 0x14, 0x49 }; /* lea rdx, [rcx + rcx * 2] */
	emit_bytes(e, triple, sizeof(triple));
	emit_op_mem(e, 1, LEA, 1, RDX, RAX, RDX, 3, l->thread_shadow); /* rdx = &shadow[depth] */
	static const uint8_t test_ecx[] = { 0x85, 0xc9 };
	emit_bytes(e, test_ecx, sizeof(test_ecx));
	size_t empty = emit_jcc_forward(e, CC_E);
	emit_op_mem(e, 1, CMP_STORE, 1, RSP, RDX, -1, 0, -ENTRY_BYTES + 8); /* cmp [newest.slot], rsp */
	slow[n++] = emit_jcc_forward(e, CC_BE);
	bind_rel32(e, empty);
	/* The entry is claimed before it is written: a signal handler's probe hit in between pushes
	 * and pops above it instead of over it. */
	emit_op_mem(e, 0, GRP1_IMM8, 1, 0, RAX, -1, 0, l->thread_depth); /* add dword [rax + depth], 1 */
	emit_u8(e, 1);
	emit_op_mem(e, 1, MOV_LOAD, 1, RCX, RSP, -1, 0, 0);	/* the return address */
	emit_op_mem(e, 1, MOV_STORE, 1, RCX, RDX, -1, 0, 0);	/* .ret */
	emit_op_mem(e, 1, MOV_STORE, 1, RSP, RDX, -1, 0, 8);	/* .slot = rsp, .chained = 0 */
	emit_op_mem(e, 1, MOV_STORE, 1, R11, RDX, -1, 0, 16);	/* .site */
	red_zone(e, 0);
	/* the entry by a call, as trampoline_emit_tails's, with a return point of its own */
	emit_lea_rsp(e, 8);
	emit_u8(e, 0xe8); /* call rel32 -> the displaced instructions */
	emit_u32(e, (uint32_t)(int32_t)((int64_t)displaced - (int64_t)(e->pos + 4)));
	uintptr_t return_point = emit_here(e);
	static const uint8_t jmp_rip[] = { 0xff, 0x25, 0, 0, 0, 0 }; /* jmp [rip + 0]: the address follows */
	emit_bytes(e, jmp_rip, sizeof(jmp_rip));
	emit_u64(e, called_return);
	for (int i = 0; i < n; i++)
		bind_rel32(e, slow[i]);
	red_zone(e, 0);
	jmp_back(e, general);
	return return_point;
}

void trampoline_emit_return_fast(struct x86_emit *e, const struct trampoline_layout *l, struct return_fast_fixups *f)
{
	size_t *slow = f->slow;
	int n = 0;
	static const uint8_t test_rax[] = { 0x48, 0x85, 0xc0 }, test_ecx[] = { 0x85, 0xc9 },
			     triple[] = { 0x48, 0x8d, 0x14, 0x49 }, test_odd[] = { 0xf6, 0x00, 0x01 },
			     mov_r12_rax[] = { 0x49, 0x89, 0xc4 }, test_r11[] = { 0x4d, 0x85, 0xdb },
			     args[] = { 0x48, 0x89, 0xdf, 0x31, 0xf6 }, align16[] = { 0x48, 0x83, 0xe4, 0xf0 },
			     call_r11[] = { 0x41, 0xff, 0xd3 };
	mov_rax_fs(e, l->thread_tp_offset);
	emit_bytes(e, test_rax, sizeof(test_rax));
	slow[n++] = emit_jcc_forward(e, CC_E);
	emit_op_mem(e, 0, MOV_LOAD, 1, RCX, RAX, -1, 0, l->thread_depth);
	emit_bytes(e, test_ecx, sizeof(test_ecx));
	slow[n++] = emit_jcc_forward(e, CC_E);
	emit_bytes(e, triple, sizeof(triple));
	emit_op_mem(e, 1, LEA, 1, RDX, RAX, RDX, 3, l->thread_shadow - ENTRY_BYTES); /* rdx = &newest */
	emit_op_mem(e, 1, LEA, 1, RSI, RBX, -1, 0, TRAMPOLINE_FRAME - 8);		/* rsi = the slot */
	emit_op_mem(e, 1, CMP_STORE, 1, RSI, RDX, -1, 0, 8); /* this slot's, chaining to nothing */
	slow[n++] = emit_jcc_forward(e, CC_NE);
	emit_bytes(e, test_odd, sizeof(test_odd));
	slow[n++] = emit_jcc_forward(e, CC_NE);
	/* The entry is read before it is popped: a signal handler's probe hit after the pop may push
	 * over it. */
	emit_op_mem(e, 1, MOV_LOAD, 1, RCX, RDX, -1, 0, 0);	  /* the real return address */
	emit_op_mem(e, 1, MOV_LOAD, 1, R8, RDX, -1, 0, 16);	  /* the site */
	emit_op_mem(e, 0, GRP1_IMM8, 1, 5, RAX, -1, 0, l->thread_depth); /* sub dword [rax + depth], 1 */
	emit_u8(e, 1);
	emit_op_mem(e, 1, MOV_STORE, 1, RCX, RSI, -1, 0, 0);	  /* back in its slot */
	emit_op_mem(e, 1, MOV_STORE, 1, RCX, RBX, -1, 0, OFF(ip)); /* what the kernel shows as ip */
	emit_mov_rr(e, RSI, R8);
	emit_bytes(e, mov_r12_rax, sizeof(mov_r12_rax));
	emit_op_mem(e, 1, GRP1_IMM8, 1, 0, RAX, -1, 0, 0); /* add qword [rax], 1: the read section */
	emit_u8(e, 1);
	emit_op_mem(e, 1, MOV_LOAD, 1, R11, RSI, -1, 0, l->site_ret_direct);
	emit_bytes(e, test_r11, sizeof(test_r11));
	f->list = emit_jcc_forward(e, CC_E);
	emit_bytes(e, args, sizeof(args));
	emit_bytes(e, align16, sizeof(align16));
	emit_bytes(e, call_r11, sizeof(call_r11));
	emit_mov_rr(e, RSP, RBX);
	emit_op_mem(e, 1, GRP1_IMM8, 1, 0, R12, -1, 0, 0); /* add qword [r12], 1: out of it */
	emit_u8(e, 1);
	f->nslow = n;
}

void trampoline_emit_return_fast_list(struct x86_emit *e, const struct return_fast_fixups *f, uintptr_t run_return,
				      size_t done)
{
	static const uint8_t list_args[] = { 0x48, 0x89, 0xc7, 0x48, 0x89, 0xda }, /* mov rdi, rax; mov rdx, rbx */
			     align16[] = { 0x48, 0x83, 0xe4, 0xf0 }, call_rax[] = { 0xff, 0xd0 };
	bind_rel32(e, f->list);
	/* out of the section again: probe_run_return(t, site, regs) enters its own */
	emit_op_mem(e, 1, GRP1_IMM8, 1, 0, RAX, -1, 0, 0);
	emit_u8(e, 1);
	emit_bytes(e, list_args, sizeof(list_args));
	emit_bytes(e, align16, sizeof(align16));
	emit_movabs(e, RAX, run_return);
	emit_bytes(e, call_rax, sizeof(call_rax));
	emit_mov_rr(e, RSP, RBX);
	jmp_back(e, done);
	for (int i = 0; i < f->nslow; i++)
		bind_rel32(e, f->slow[i]);
}
