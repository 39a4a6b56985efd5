/*
 * The functions the uprobe benchmark probes, in assembly so their first instructions are known:
 *   bench_lea   lea; ret          an instruction the kernel single-steps out of line
 *   bench_push  push %rbp; ...    the frame-pointer prologue, which the kernel emulates
 */
	.text
	.globl bench_lea, bench_push
	.type bench_lea, @function
	.p2align 4
bench_lea:
	lea 1(%rdi), %rax
	ret
	.size bench_lea, . - bench_lea

	.type bench_push, @function
	.p2align 4
bench_push:
	push %rbp
	mov %rsp, %rbp
	lea 1(%rdi), %rax
	pop %rbp
	ret
	.size bench_push, . - bench_push

	.section .note.GNU-stack, "", @progbits
