/* Tracepoint contexts and the hooked syscall's registers: see bpftime_syscall_ctx.h. */
#include <errno.h>

#include "bpftime_syscall_ctx.h"
#include "internal.h"

void bpftime_trace_head_regs(union bpftime_trace_head *head, const struct bpftime_pt_regs *regs)
{
	head->regs = regs;
}

void bpftime_trace_head_common(union bpftime_trace_head *head, uint16_t type, int32_t tid)
{
	head->common = (struct bpftime_trace_entry){ .common_type = type, .common_pid = tid };
}

void bpftime_sys_enter_ctx_fill(struct bpftime_sys_enter_ctx *c, long nr, const uint64_t args[6])
{
	c->syscall_nr = (int32_t)nr;
	c->pad = 0;
	for (int i = 0; i < 6; i++)
		c->args[i] = args[i];
}

void bpftime_sys_exit_ctx_fill(struct bpftime_sys_exit_ctx *c, long nr, int64_t ret)
{
	c->syscall_nr = (int32_t)nr;
	c->pad = 0;
	c->ret = ret;
}

void bpftime_raw_sys_enter_ctx_fill(struct bpftime_raw_sys_enter_ctx *c, long nr,
				    const uint64_t args[6])
{
	c->id = nr;
	for (int i = 0; i < 6; i++)
		c->args[i] = args[i];
}

void bpftime_raw_sys_exit_ctx_fill(struct bpftime_raw_sys_exit_ctx *c, long nr, int64_t ret)
{
	c->id = nr;
	c->ret = ret;
}

#define USER_CS 0x33 /* arch/x86/include/asm/segment.h: __USER_CS, __USER_DS */
#define USER_DS 0x2b

int bpftime_syscall_hooks_regs(struct bpftime_pt_regs *out)
{
	const struct sh_thread *t = sh_thread_self();
	const struct sh_frame *f = (const struct sh_frame *)t->callback_frame;

	if (!f)
		return -EINVAL;
	*out = (struct bpftime_pt_regs){
		.r15 = f->r15, .r14 = f->r14, .r13 = f->r13, .r12 = f->r12, .rbp = f->rbp,
		.rbx = f->rbx, .r11 = f->rflags, .r10 = f->r10, .r9 = f->r9, .r8 = f->r8,
		.rax = t->callback_is_exit ? f->rax : (uint64_t)-ENOSYS, .rcx = f->rip,
		.rdx = f->rdx, .rsi = f->rsi, .rdi = f->rdi, .orig_rax = (uint64_t)t->callback_nr,
		.rip = f->rip, .cs = USER_CS, .eflags = f->rflags, .rsp = sh_frame_user_sp(f),
		.ss = USER_DS,
	};
	return 0;
}
