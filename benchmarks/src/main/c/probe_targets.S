/*
 * The functions the uprobe figures probe, for the kernel's uprobes and ours alike, in assembly so
 * their first instructions are known (the kernel's cost depends on it, arch/x86/kernel/uprobes.c):
 *   bench_lea   lea; ret          an instruction the kernel single-steps out of line (~us)
 *   bench_push  push %rbp; ...    the frame-pointer prologue, which the kernel emulates
 *                                 (push_setup_xol_ops, since Linux 5.x), far cheaper
 * Each is a noinline function called through its address, one call per operation.
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
