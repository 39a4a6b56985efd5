/*
 * The register frame the entry stub (gate.S) builds below the interrupted code's red zone, and
 * the contract between the stub and the C dispatcher. Offsets are fixed: gate.S pushes in this
 * order, and _Static_asserts below keep the two in step.
 */
#ifndef SH_FRAME_H
#define SH_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* Lowest address first (the last pushed). */
struct sh_frame {
	uint64_t r15, r14, r13, r12, rbx; /* kept for bpftime_syscall_hooks_regs only */
	uint64_t rbp;
	uint64_t rdi, rsi, rdx, r10, r8, r9; /* the arguments, in order: &rdi is an args[6] */
	uint64_t rax;	 /* syscall number on entry, result on return */
	uint64_t rip;	 /* where the interrupted code resumes: after its `syscall` */
	uint64_t rflags; /* the interrupted code's flags; r11 on return, as the kernel leaves it */
	uint64_t back;	 /* the return address of the call into the entry (gate.S) */
	/* then the interrupted code's 128-byte red zone, then its stack */
};

#define SH_REDZONE 128

static inline uint64_t sh_frame_user_sp(const struct sh_frame *f)
{
	return (uint64_t)(uintptr_t)(f + 1) + SH_REDZONE;
}

/* What the stub does when bpftime_sh_dispatch returns. */
enum sh_action {
	SH_RETURN = 0, /* resume the interrupted code with rax = frame->rax */
	/* run clone, clone3 or vfork from the gate with the interrupted code's registers and stack
	 * pointer, then bpftime_sh_dispatch_post in the parent and in the child */
	SH_INPLACE_CLONE = 1,
	SH_INPLACE_SIGRETURN = 2, /* run rt_sigreturn with the interrupted code's stack pointer */
	SH_INPLACE_CLONE3 = 3,
	SH_INPLACE_VFORK = 4,
	SH_INPLACE_CLONE_NEWSTACK = 5, /* the same, the child starting on another stack */
	SH_INPLACE_CLONE3_NEWSTACK = 6,
};

/* The numbers gate.S uses; checked against the struct so neither can drift. */
#define SH_FRAME_RBP 40
#define SH_FRAME_RAX 96
#define SH_FRAME_RIP 104
#define SH_FRAME_RFLAGS 112
#define SH_FRAME_BACK 120
#define SH_FRAME_SIZE 128

_Static_assert(offsetof(struct sh_frame, rbp) == SH_FRAME_RBP, "frame layout");
_Static_assert(offsetof(struct sh_frame, rax) == SH_FRAME_RAX, "frame layout");
_Static_assert(offsetof(struct sh_frame, rip) == SH_FRAME_RIP, "frame layout");
_Static_assert(offsetof(struct sh_frame, rflags) == SH_FRAME_RFLAGS, "frame layout");
_Static_assert(offsetof(struct sh_frame, back) == SH_FRAME_BACK, "frame layout");
_Static_assert(sizeof(struct sh_frame) == SH_FRAME_SIZE, "frame layout");

#endif
