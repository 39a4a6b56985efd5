/*
 * What every program of the VM suite includes. Each program is one C file compiled twice: by clang
 * for BPF (-O2 -target bpf -mcpu=v3), run by the interpreter and by JIT code, and by gcc for x86-64,
 * run natively. So it includes no system header, calls no function that is not inlined (a BPF
 * object's .text must be self-contained: no relocations) and keeps its data in the memory region the
 * harness passes, never in globals (those would need map relocations).
 *
 * Entry: u64 bpf_main(u8 *mem, u64 len): r1 = mem, r2 = len, the result in r0. The harness fills
 * mem with the program's input (benchmarks/src/main/c/vm_inputs.c) before the first run; a program
 * may write mem but must give the same result on every run.
 */
#ifndef VM_PROGRAM_H
#define VM_PROGRAM_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;

#define INLINE static inline __attribute__((always_inline))

/* The size of the region every program gets (the harness checks len against it). */
#define VM_MEM_SIZE 65536

/* Native builds rename the entry (-Dbpf_main=vm_native_<name>) so all programs link into one binary. */
u64 bpf_main(u8 *mem, u64 len);

#endif
