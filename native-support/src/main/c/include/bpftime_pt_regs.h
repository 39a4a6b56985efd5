/*
 * The registers of a task as the kernel saves them on x86-64, struct pt_regs field for field
 * (arch/x86/include/asm/ptrace.h), 168 bytes: what uprobe programs get as their context and what
 * a syscall tracepoint's record points at. One definition for the probe engine and the syscall
 * hooks; each field answers to the kernel's name (ax, bp, flags...) and to the UAPI's (rax, rbp,
 * eflags..., arch/x86/include/uapi/asm/ptrace.h), which vmlinux.h-based and older programs use.
 */
#ifndef BPFTIME_PT_REGS_H
#define BPFTIME_PT_REGS_H

#include <stdint.h>

#define BPFTIME_PT_REG(kernel, uapi) \
	union { \
		uint64_t kernel; \
		uint64_t uapi; \
	}

struct bpftime_pt_regs {
	uint64_t r15, r14, r13, r12;
	BPFTIME_PT_REG(bp, rbp);
	BPFTIME_PT_REG(bx, rbx);
	uint64_t r11, r10, r9, r8;
	BPFTIME_PT_REG(ax, rax);
	BPFTIME_PT_REG(cx, rcx);
	BPFTIME_PT_REG(dx, rdx);
	BPFTIME_PT_REG(si, rsi);
	BPFTIME_PT_REG(di, rdi);
	BPFTIME_PT_REG(orig_ax, orig_rax);
	BPFTIME_PT_REG(ip, rip);
	uint64_t cs;
	BPFTIME_PT_REG(flags, eflags);
	BPFTIME_PT_REG(sp, rsp);
	uint64_t ss;
};

#undef BPFTIME_PT_REG

_Static_assert(sizeof(struct bpftime_pt_regs) == 168, "struct pt_regs is 21 words");
_Static_assert(__builtin_offsetof(struct bpftime_pt_regs, orig_ax) == 120, "pt_regs orig_ax");
_Static_assert(__builtin_offsetof(struct bpftime_pt_regs, ss) == 160, "pt_regs ss");

#endif
