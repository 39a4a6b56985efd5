/*
 * Saving and restoring the interrupted code's extended register state (x87, SSE, AVX, AVX-512,
 * ...) around callbacks that may use it. The area is 64-byte aligned, sized from CPUID leaf 0xD
 * (xstate.c). XRSTOR refuses (#GP) a header whose reserved bytes are not zero (Intel SDM vol. 1,
 * 13.8), and XSAVE/XSAVEC leave them as they were, so the header is cleared first.
 */
	.text

.macro CLEAR_HEADER
	xor %eax, %eax
	mov %rax, 512(%rdi)
	mov %rax, 520(%rdi)
	mov %rax, 528(%rdi)
	mov %rax, 536(%rdi)
	mov %rax, 544(%rdi)
	mov %rax, 552(%rdi)
	mov %rax, 560(%rdi)
	mov %rax, 568(%rdi)
	mov $-1, %eax
	mov $-1, %edx
.endm

/* void bpftime_sh_xsavec(void *area) */
	.globl bpftime_sh_xsavec
	.hidden bpftime_sh_xsavec
	.type bpftime_sh_xsavec, @function
bpftime_sh_xsavec:
	endbr64
	CLEAR_HEADER
	xsavec64 (%rdi)
	ret
	.size bpftime_sh_xsavec, . - bpftime_sh_xsavec

/* void bpftime_sh_xsave(void *area): CPUs without XSAVEC */
	.globl bpftime_sh_xsave
	.hidden bpftime_sh_xsave
	.type bpftime_sh_xsave, @function
bpftime_sh_xsave:
	endbr64
	CLEAR_HEADER
	xsave64 (%rdi)
	ret
	.size bpftime_sh_xsave, . - bpftime_sh_xsave

/* void bpftime_sh_xrstor(const void *area) */
	.globl bpftime_sh_xrstor
	.hidden bpftime_sh_xrstor
	.type bpftime_sh_xrstor, @function
bpftime_sh_xrstor:
	endbr64
	mov $-1, %eax
	mov $-1, %edx
	xrstor64 (%rdi)
	ret
	.size bpftime_sh_xrstor, . - bpftime_sh_xrstor

	.section .note.GNU-stack, "", @progbits
