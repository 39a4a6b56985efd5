/*
 * Probe targets whose first instructions the tests must know exactly: written in assembly so that
 * no compiler version changes what the engine has to move. Every function has a symbol type and
 * size, as compiled code does, so the engine finds its bounds.
 */
	.text

#define FUNCTION(name) .globl name; .type name, @function; .p2align 4; name:
#define END(name) .size name, . - name

/* long t_inline(a, b, c, d, e, f) = a + 2b + 3c + 4d + 5e + 6f; counts its body's runs in
 * t_inline_body. Displaced by a jump: push, mov, and a rip-relative inc (11 bytes). */
FUNCTION(t_inline)
	push %rbp
	mov %rsp, %rbp
	incq t_inline_body(%rip)
	lea (%rdi, %rsi, 2), %rax
	imul $3, %rdx, %rdx
	add %rdx, %rax
	lea (%rax, %rcx, 4), %rax
	imul $5, %r8, %r8
	add %r8, %rax
	imul $6, %r9, %r9
	add %r9, %rax
	pop %rbp
	ret
END(t_inline)

/* int t_short(int x) = x + 1: 4 bytes, shorter than a jump. */
FUNCTION(t_short)
	lea 1(%rdi), %eax
	ret
END(t_short)

/* long t_riprel(long a) = t_counter + a: the first instruction is rip-relative. */
FUNCTION(t_riprel)
	mov t_counter(%rip), %rax
	add %rdi, %rax
	ret
END(t_riprel)

/* long t_branch_first(long a) = a ? a + 100 : -1: a short conditional branch among the displaced. */
FUNCTION(t_branch_first)
	test %rdi, %rdi
	je 1f
	lea 100(%rdi), %rax
	ret
1:	mov $-1, %rax
	ret
END(t_branch_first)

/* long t_loop_target(long a, long n) = a * n (n > 0): the loop jumps back to offset 2, inside the
 * bytes a jump would replace. */
FUNCTION(t_loop_target)
	xor %eax, %eax
1:	add %rdi, %rax
	dec %rsi
	jnz 1b
	ret
END(t_loop_target)

FUNCTION(t_helper)
	mov $1000, %eax
	ret
END(t_helper)

/* long t_call_first(long a) = a + 1000: the first instruction is a call. */
FUNCTION(t_call_first)
	call t_helper
	add %rdi, %rax
	ret
END(t_call_first)

/* long t_jmp_first(long a) = t_riprel(a): a tail jump only, in its 5-byte form (the assembler would
 * pick the 2-byte one). */
FUNCTION(t_jmp_first)
	.byte 0xe9
	.long t_riprel - . - 4
END(t_jmp_first)

/* long t_fact(long n) = n <= 1 ? 1 : n * t_fact(n - 1), truly recursive. */
FUNCTION(t_fact)
	push %rbx
	mov %rdi, %rbx
	mov $1, %eax
	cmp $1, %rdi
	jle 1f
	lea -1(%rdi), %rdi
	call t_fact
	imul %rbx, %rax
1:	pop %rbx
	ret
END(t_fact)

/* double t_float_args(x0..x7) = x0 + 2x1 + 3x2 + ... + 8x7: all eight vector argument registers are
 * live at the probe. */
FUNCTION(t_float_args)
	endbr64
	addsd %xmm1, %xmm0
	addsd %xmm1, %xmm0
	addsd %xmm2, %xmm0
	addsd %xmm2, %xmm0
	addsd %xmm2, %xmm0
	mulsd .Lfour(%rip), %xmm3
	addsd %xmm3, %xmm0
	mulsd .Lfive(%rip), %xmm4
	addsd %xmm4, %xmm0
	mulsd .Lsix(%rip), %xmm5
	addsd %xmm5, %xmm0
	mulsd .Lseven(%rip), %xmm6
	addsd %xmm6, %xmm0
	mulsd .Leight(%rip), %xmm7
	addsd %xmm7, %xmm0
	ret
END(t_float_args)

/* void t_ymm_store(ymm0 in, void *out /rsi/): stores the whole of ymm0 (a 256-bit argument). */
FUNCTION(t_ymm_store)
	vmovdqu %ymm0, (%rsi)
	vzeroupper
	ret
END(t_ymm_store)

/* void call_ymm_store(const void *in, void *out): ymm0 = in[0..32), then t_ymm_store(ymm0, out). */
FUNCTION(call_ymm_store)
	vmovdqu (%rdi), %ymm0
	call t_ymm_store
	ret
END(call_ymm_store)

/* void t_vec_mid(const void *in, void *out): keeps 64 bytes in ymm8 and ymm15 across the
 * instruction at t_vec_mid_probe (a probe in the middle of a function), then stores them. */
FUNCTION(t_vec_mid)
	vmovdqu (%rdi), %ymm8
	vmovdqu 32(%rdi), %ymm15
	.globl t_vec_mid_probe
t_vec_mid_probe:
	nopl 0(%rax, %rax, 1)
	mov %rdi, %rax
	vmovdqu %ymm8, (%rsi)
	vmovdqu %ymm15, 32(%rsi)
	vzeroupper
	ret
END(t_vec_mid)

/* long t_flags_mid(long a, long b): compares, then the flags must survive the probe at
 * t_flags_mid_probe; returns 1 if a < b (signed) else 0. */
FUNCTION(t_flags_mid)
	xor %eax, %eax
	cmp %rsi, %rdi
	.globl t_flags_mid_probe
t_flags_mid_probe:
	nopl 0(%rax, %rax, 1)
	setl %al
	ret
END(t_flags_mid)

/* long t_redzone_mid(long a, long b) = a + b, kept in the red zone below rsp across the probe at
 * t_redzone_mid_probe (a leaf function may use those 128 bytes without moving rsp). */
FUNCTION(t_redzone_mid)
	mov %rdi, -8(%rsp)
	mov %rsi, -120(%rsp)
	xor %edi, %edi
	xor %esi, %esi
	.globl t_redzone_mid_probe
t_redzone_mid_probe:
	nopl 0(%rax, %rax, 1)
	mov -8(%rsp), %rax
	add -120(%rsp), %rax
	ret
END(t_redzone_mid)

/* void t_zmm_mid(const void *in, void *out) (AVX-512): keeps 64 bytes in zmm20 and a mask in k3
 * across the probe at t_zmm_mid_probe; stores both (the mask at out + 64). */
FUNCTION(t_zmm_mid)
	vmovdqu64 (%rdi), %zmm20
	mov $0x5a5a, %eax
	kmovw %eax, %k3
	.globl t_zmm_mid_probe
t_zmm_mid_probe:
	nopl 0(%rax, %rax, 1)
	vmovdqu64 %zmm20, (%rsi)
	kmovw %k3, %eax
	mov %rax, 64(%rsi)
	vzeroupper
	ret
END(t_zmm_mid)

/* long call_t_inline_regs(void) = t_inline(1, 2, 3, 4, 5, 6) called with known callee-saved
 * registers (rbx 0xb..., rbp 0xbp..., r12-r15 0x12..-0x15..); saves its rsp before the call in
 * t_call_sp and returns at call_t_inline_regs_ret. */
FUNCTION(call_t_inline_regs)
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	sub $8, %rsp
	movabs $0x0b0b0b0b0b0b0b0b, %rbx
	movabs $0x0bb0bb0bb0bb0bb0, %rbp
	movabs $0x1212121212121212, %r12
	movabs $0x1313131313131313, %r13
	movabs $0x1414141414141414, %r14
	movabs $0x1515151515151515, %r15
	mov $1, %edi
	mov $2, %esi
	mov $3, %edx
	mov $4, %ecx
	mov $5, %r8d
	mov $6, %r9d
	mov %rsp, t_call_sp(%rip)
	call t_inline
	.globl call_t_inline_regs_ret
call_t_inline_regs_ret:
	add $8, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
END(call_t_inline_regs)

	.section .rodata
	.p2align 3
.Lfour:	.double 4.0
.Lfive:	.double 5.0
.Lsix:	.double 6.0
.Lseven: .double 7.0
.Leight: .double 8.0

	.data
	.globl t_inline_body, t_counter, t_call_sp
	.p2align 3
t_inline_body: .quad 0
t_counter: .quad 0
t_call_sp: .quad 0

	.section .note.GNU-stack, "", @progbits
