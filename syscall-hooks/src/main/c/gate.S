/*
 * The gate: the one code region whose syscalls the kernel never sends to our SIGSYS handler
 * (Syscall User Dispatch's allowed range: the output section bpftime_sh_gate, from
 * __start_bpftime_sh_gate to __stop_bpftime_sh_gate, which also holds the C dispatcher, see
 * SH_GATE). Every syscall the runtime itself makes, and every hooked syscall it performs on the
 * interrupted code's behalf, executes a `syscall` instruction in it.
 *
 * Entry contract of bpftime_sh_entry: it is called (a rewritten site's trampoline calls it; the
 * SIGSYS handler makes the context look so, with bpftime_sh_return as the return address) with
 * rsp = the interrupted code's rsp - 128 - 8 (its red zone stays untouched), rcx = where it
 * resumes (right after its `syscall`), rax = the syscall number, every other register as the
 * interrupted code left it. It returns with rax = the result, rcx = the resume address and
 * r11 = the flags, exactly the registers the kernel's `sysret` would leave
 * (arch/x86/entry/entry_64.S: rcx = rip, r11 = rflags), everything else preserved; the caller
 * then adds 128 to rsp and jumps back. A trampoline jumps back directly: an indirect jump right
 * after a syscall is mispredicted (the kernel clears the branch history on entry), a return
 * is not.
 */
#define SH_FRAME_SIZE 128
#define SH_FRAME_BACK 120
#define SH_RETURN 0
#define SH_INPLACE_CLONE 1
#define SH_INPLACE_SIGRETURN 2
#define SH_INPLACE_CLONE3 3
#define SH_INPLACE_VFORK 4
#define SH_INPLACE_CLONE_NEWSTACK 5
#define SH_INPLACE_CLONE3_NEWSTACK 6

#define SH_NR_TABLE 512
#define SH_THREAD_UNTRACED 20	/* offsetof(struct sh_thread, untraced): internal.h checks it */
#define SH_EFF_DIRECT 1	/* internal.h */
#define SH_EFF_CALLBACK 2

#define NR_rt_sigreturn 15
#define NR_clone 56
#define NR_vfork 58
#define NR_clone3 435

/* The entry's frame, from rsp up: the six argument registers in order (an args[6]), rax, rcx. */
.macro PUSH_ARGS_RAX_RCX
	push %rcx
	push %rax
	push %r9
	push %r8
	push %r10
	push %rdx
	push %rsi
	push %rdi
.endm
.macro POP_ARGS
	pop %rdi
	pop %rsi
	pop %rdx
	pop %r10
	pop %r8
	pop %r9
.endm

	.section bpftime_sh_gate, "ax", @progbits

/* long bpftime_syscall_hooks_raw(long nr, long a0, long a1, long a2, long a3, long a4, long a5) */
	.globl bpftime_syscall_hooks_raw
	.type bpftime_syscall_hooks_raw, @function
bpftime_syscall_hooks_raw:
	endbr64
	mov %rdi, %rax
	mov %rsi, %rdi
	mov %rdx, %rsi
	mov %rcx, %rdx
	mov %r8, %r10
	mov %r9, %r8
	mov 8(%rsp), %r9
	syscall
	ret
	.size bpftime_syscall_hooks_raw, . - bpftime_syscall_hooks_raw

/* The sa_restorer of our SIGSYS handler: its rt_sigreturn must not be trapped itself. */
	.p2align 4
	.globl bpftime_sh_restorer
	.hidden bpftime_sh_restorer
	.type bpftime_sh_restorer, @function
bpftime_sh_restorer:
	mov $NR_rt_sigreturn, %eax
	syscall
	ud2
	.size bpftime_sh_restorer, . - bpftime_sh_restorer

	.p2align 4
	.globl bpftime_sh_entry
	.hidden bpftime_sh_entry
	.type bpftime_sh_entry, @function
bpftime_sh_entry:
	endbr64
	pushfq
/*
 * The fast path (fast_path.c says when it is open: Syscall User Dispatch off, nothing pending; and
 * route.c's table what it does per number): a syscall that needs no frame runs right here, after
 * the direct program or the pure callback if its number has one, with only the registers a C call
 * clobbers saved. The kernel's return clears the branch predictors' state, so after the syscall
 * there is one load, one jrcxz (flags stay the application's) and the return. Stack from rsp up:
 * [rdi rsi rdx r10 r8 r9 = args[6]] [rax] [rcx] [flags] [return address]; from the popfq on, rcx
 * is at -16(%rsp), inside the 128 bytes a signal frame skips.
 */
	movzbl bpftime_sh_fast_mode(%rip), %r11d
	test %r11d, %r11d
	jz .Lfull
	cmp $SH_NR_TABLE - 1, %rax
	ja .Lfull
	lea bpftime_sh_route_eff(%rip), %r11
	movzbl (%r11,%rax), %r11d
	test %r11d, %r11d	/* SH_EFF_PASS */
	jz .Lfast_no_callback
	cmp $SH_EFF_DIRECT, %r11d
	je .Ldirect
	cmp $SH_EFF_CALLBACK, %r11d
	jne .Lfull
	mov sh_thread_state@gottpoff(%rip), %r11
	cmpl $0, %fs:SH_THREAD_UNTRACED(%r11)
	jne .Lfull
	PUSH_ARGS_RAX_RCX
	push %rbp
	mov %rsp, %rbp
	and $-16, %rsp
	sub $16, %rsp
	movq $0, (%rsp)		/* int64_t ret, for a skipped syscall */
	mov bpftime_sh_fast_cb(%rip), %r11
	mov 16(%r11), %rdi	/* user */
	mov %rax, %rsi
	lea 8(%rbp), %rdx
	mov %rsp, %rcx
	cld
	call *(%r11)		/* on_enter */
	mov (%rsp), %r11
	mov %rbp, %rsp
	pop %rbp
	cmp $1, %eax		/* BPFTIME_SYSCALL_SKIP */
	je .Lfast_skip
	POP_ARGS
	pop %rax
	lea 8(%rsp), %rsp
	jmp .Lfast_syscall
/*
 * A direct program (bpftime_syscall_hooks_route_direct), inside the caller's read section (the
 * word the pointer at fs:bpftime_sh_section_tp points at: odd while inside; no pointer yet: the
 * full path hands the syscall to on_enter; odd already: nothing runs), with the sys_enter record
 * built where the argument registers are saved: two more pushes below them, the number
 * (zero-extended: the 4 bytes after __syscall_nr are zero, and raw_syscalls' 8-byte id is the
 * same) and a head programs may not read. The program promises what a pure callback does and uses
 * no string instruction, so nothing else is saved and the direction flag is left as it is.
 */
.Ldirect:
	mov sh_thread_state@gottpoff(%rip), %r11
	cmpl $0, %fs:SH_THREAD_UNTRACED(%r11)
	jne .Lfull
	mov bpftime_sh_section_tp(%rip), %r11
	mov %fs:(%r11), %r11
	test %r11, %r11
	jz .Lfull
	testb $1, (%r11)
	jnz .Lfast_no_callback
	addq $1, (%r11)
	PUSH_ARGS_RAX_RCX
	push %rax
	push %rax
	lea bpftime_sh_direct_prog(%rip), %r11
	mov (%r11,%rax,8), %r11
	mov %rsp, %rdi
	xor %esi, %esi
	test %r11, %r11
	jz 1f
	call *%r11
1:	mov bpftime_sh_section_tp(%rip), %r11
	mov %fs:(%r11), %r11
	addq $1, (%r11)
	lea 16(%rsp), %rsp
	POP_ARGS
	pop %rax
	lea 8(%rsp), %rsp
	jmp .Lfast_syscall
.Lfast_no_callback:
	mov %rcx, -8(%rsp)
.Lfast_syscall:
	/* the flags back as .Lrestore puts them (popfq costs ~20 cycles), popfq for TF, AC, DF */
	mov (%rsp), %r11
	test $0x40500, %r11d
	jnz .Lfast_popf
	mov %rax, %rcx
	mov %r11d, %eax
	shl $8, %eax
	shr $11, %r11d
	and $1, %r11d
	shl $30, %r11d
	add %r11d, %r11d
	sahf
	mov %rcx, %rax
	lea 8(%rsp), %rsp
.Lfast_do_syscall:
	syscall
	movzbl bpftime_sh_fast_mode(%rip), %ecx
	jrcxz .Lfast_closed
	mov -16(%rsp), %rcx
	ret
.Lfast_closed:
	/* it closed meanwhile (another thread turned Syscall User Dispatch on): catch up in C */
	mov -16(%rsp), %rcx
	pushfq
	push %rax
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %r8
	push %r9
	push %r10
	push %r11
	push %rbp
	mov %rsp, %rbp
	and $-16, %rsp
	cld
	call bpftime_sh_fast_closed
	mov %rbp, %rsp
	pop %rbp
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rax
	popfq
	ret
.Lfast_popf:
	popfq
	jmp .Lfast_do_syscall
.Lfast_skip:
	POP_ARGS
	lea 8(%rsp), %rsp
	pop %rcx
	mov %r11, %rax
	mov (%rsp), %r11	/* as sysret leaves it: the flags */
	popfq
	ret

.Lfull:
	PUSH_ARGS_RAX_RCX
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rbp
	cld			/* the C ABI wants DF clear; popfq below restores the caller's */
	and $-16, %rsp
	mov %rbp, %rdi
	call bpftime_sh_dispatch
	mov %rbp, %rsp
	test %eax, %eax
	jnz .Linplace
.Lrestore:
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	POP_ARGS
	/* rsp -> result, resume address, flags. popfq costs ~20 cycles: the arithmetic flags and
	 * DF are put back with cheap instructions instead, popfq kept for TF and AC (rare). */
	mov 16(%rsp), %r11
	test $0x40100, %r11d	/* AC, TF */
	jnz .Lslow_flags
	bt $10, %r11d		/* DF: cleared on entry */
	jnc 1f
	std
1:	mov %r11d, %eax
	shl $8, %eax		/* ah = SF ZF AF PF CF */
	mov %r11d, %ecx
	shr $11, %ecx
	and $1, %ecx
	shl $30, %ecx
	add %ecx, %ecx		/* OF = saved OF: 0x40000000 + itself overflows, 0 does not */
	sahf			/* leaves OF and DF alone */
	mov (%rsp), %rax
	mov 8(%rsp), %rcx
	lea 24(%rsp), %rsp	/* lea, not add: the flags just restored stay */
	ret
.Lslow_flags:
	pop %rax
	pop %rcx
	popfq
	ret

.Linplace:
	cmp $SH_INPLACE_SIGRETURN, %eax
	je .Lsigreturn
	cmp $SH_INPLACE_CLONE3, %eax
	je .Lclone3
	cmp $SH_INPLACE_VFORK, %eax
	je .Lvfork
	cmp $SH_INPLACE_CLONE_NEWSTACK, %eax
	je .Lclone_newstack
	cmp $SH_INPLACE_CLONE3_NEWSTACK, %eax
	je .Lclone3_newstack
	/* SH_INPLACE_CLONE, and the fall back for an unknown action: clone */

/*
 * clone, clone3 and vfork whose child shares this memory run from here with the interrupted
 * code's registers and with rsp = its rsp - 128, where the frame was: the child may start on a
 * new stack, or (vfork) reuse this one while the parent sleeps, so neither may return through a
 * frame below the stack pointer. After the syscall the parent finds its resume address in
 * bpftime_sh_inplace_resume (TLS), the child at -8(%rsp): written just below its stack pointer,
 * inside the 128 bytes a signal frame skips (arch/x86/kernel/signal.c: get_sigframe), so no
 * signal can overwrite it. Both then build a new frame where they stand and leave through
 * .Lrestore and bpftime_sh_return, which add the 128 back: a child on a new stack first steps
 * 128 down so that it starts its own code exactly at the stack pointer the kernel gave it.
 */
.macro INPLACE nr, label, newstack
\label:
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	POP_ARGS
	pop %rax
	pop %rcx
	popfq
	lea 8(%rsp), %rsp	/* the return address: this path leaves through bpftime_sh_return */
	mov %rcx, -8(%rsp)	/* the child's resume address when it keeps this stack */
	syscall
	test %rax, %rax		/* 0 only in the child: C tells the two apart the same way */
	jz 1f
	mov bpftime_sh_inplace_resume@gottpoff(%rip), %rcx
	mov %fs:(%rcx), %rcx
	jmp 2f
1:	mov -8(%rsp), %rcx
	.if \newstack
	lea -128(%rsp), %rsp
	.endif
2:	/* r11 = the flags the kernel saved at the syscall: the interrupted code's */
	sub $8, %rsp		/* the return address, filled in below */
	push %r11
	PUSH_ARGS_RAX_RCX
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rbp
	lea bpftime_sh_return(%rip), %rax
	mov %rax, SH_FRAME_BACK(%rbp)
	cld
	and $-16, %rsp
	mov %rbp, %rdi
	mov $\nr, %esi
	call bpftime_sh_dispatch_post
	mov %rbp, %rsp
	jmp .Lrestore
.endm

	INPLACE NR_clone, .Lclone, 0
	INPLACE NR_clone, .Lclone_newstack, 1
	INPLACE NR_clone3, .Lclone3, 0
	INPLACE NR_clone3, .Lclone3_newstack, 1
	INPLACE NR_vfork, .Lvfork, 0

.Lsigreturn:
	lea SH_FRAME_SIZE + 128(%rbp), %rsp
	mov $NR_rt_sigreturn, %eax
	syscall
	ud2

	.size bpftime_sh_entry, . - bpftime_sh_entry

/* Where the entry returns when no trampoline called it (the SIGSYS handler, the in-place paths):
 * rcx = the resume address, rsp = the interrupted rsp - 128. */
	.globl bpftime_sh_return
	.hidden bpftime_sh_return
	.type bpftime_sh_return, @function
bpftime_sh_return:
	lea 128(%rsp), %rsp
	jmp *%rcx
	.size bpftime_sh_return, . - bpftime_sh_return
	int3 /* the kernel tests the address after a syscall: the last one is never the end */

	.section .note.GNU-stack, "", @progbits
