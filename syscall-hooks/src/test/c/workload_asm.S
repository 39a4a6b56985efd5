/*
 * Hand-written syscall sites for the workloads: raw `syscall` instructions outside libc, which
 * the hooks must catch like any other.
 */
	.text

/* long asm_raw_syscall(long nr, long a0, long a1, long a2): a bare site, no libc involved */
	.globl asm_raw_syscall
	.type asm_raw_syscall, @function
asm_raw_syscall:
	mov %rdi, %rax
	mov %rsi, %rdi
	mov %rdx, %rsi
	mov %rcx, %rdx
	syscall
	ret
	.size asm_raw_syscall, . - asm_raw_syscall

/*
 * unsigned asm_syscall_keeps_state(long nr): loads known values into every register the kernel
 * preserves across a syscall (all but rax, rcx, r11), the 16 ymm registers and the direction
 * and carry flags, runs syscall nr (with those values as arguments: use one that ignores them,
 * e.g. getppid), and returns a bit mask of what changed: bit i = ymm i (0..15), bit 16 + j =
 * general register j in the order rbx rbp rdi rsi rdx r8 r9 r10 r12 r13 r14 r15, bit 28 = DF,
 * bit 29 = CF. Needs AVX.
 */
	.globl asm_syscall_keeps_state
	.type asm_syscall_keeps_state, @function
asm_syscall_keeps_state:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	sub $8, %rsp			/* 16-byte alignment */
	mov %rdi, %rax
	/* ymm i = bytes (i + 1) * 0x0f */
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	mov $((\i + 1) * 0x0f), %r11d
	vmovd %r11d, %xmm\i
	vpbroadcastb %xmm\i, %ymm\i
	.endr
	mov $0x1111111111111101, %rbx
	mov $0x2222222222222202, %rbp
	mov $0x3333333333333303, %rdi
	mov $0x4444444444444404, %rsi
	mov $0x5555555555555505, %rdx
	mov $0x6666666666666606, %r8
	mov $0x7777777777777707, %r9
	mov $0x8888888888888808, %r10
	mov $0x9999999999999909, %r12
	mov $0xaaaaaaaaaaaaaa0a, %r13
	mov $0xbbbbbbbbbbbbbb0b, %r14
	mov $0xcccccccccccccc0c, %r15
	std
	stc
	syscall
	pushf
	sub $512, %rsp
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu %ymm\i, (\i * 32)(%rsp)
	.endr
	cld
	xor %eax, %eax
	.macro CHECKGPR reg, value, bit
	mov $\value, %rcx
	cmp %rcx, \reg
	je 1f
	or $(1 << \bit), %eax
1:
	.endm
	CHECKGPR %rbx, 0x1111111111111101, 16
	CHECKGPR %rbp, 0x2222222222222202, 17
	CHECKGPR %rdi, 0x3333333333333303, 18
	CHECKGPR %rsi, 0x4444444444444404, 19
	CHECKGPR %rdx, 0x5555555555555505, 20
	CHECKGPR %r8, 0x6666666666666606, 21
	CHECKGPR %r9, 0x7777777777777707, 22
	CHECKGPR %r10, 0x8888888888888808, 23
	CHECKGPR %r12, 0x9999999999999909, 24
	CHECKGPR %r13, 0xaaaaaaaaaaaaaa0a, 25
	CHECKGPR %r14, 0xbbbbbbbbbbbbbb0b, 26
	CHECKGPR %r15, 0xcccccccccccccc0c, 27
	/* ymm i saved at i * 32: four quadwords of byte (i + 1) * 0x0f each */
	.irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	mov $(((\i + 1) * 0x0f) * 0x0101010101010101), %rcx
	cmp %rcx, (\i * 32)(%rsp)
	jne 3f
	cmp %rcx, (\i * 32 + 8)(%rsp)
	jne 3f
	cmp %rcx, (\i * 32 + 16)(%rsp)
	jne 3f
	cmp %rcx, (\i * 32 + 24)(%rsp)
	je 4f
3:	or $(1 << \i), %eax
4:
	.endr
	mov 512(%rsp), %rcx		/* the flags right after the syscall */
	test $0x400, %ecx
	jnz 1f
	or $(1 << 28), %eax
1:	test $1, %ecx
	jnz 1f
	or $(1 << 29), %eax
1:	add $520, %rsp
	add $8, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	vzeroupper
	ret
	.size asm_syscall_keeps_state, . - asm_syscall_keeps_state

	.section .note.GNU-stack, "", @progbits
