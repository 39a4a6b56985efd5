/*
 * The VM suite (benchmarks/src/bpf/NAME.bpf.c): programs in the style of the bpf-benchmark suite, each
 * one C file compiled by clang for BPF (run by the interpreter and as JIT code) and by gcc for
 * x86-64 (linked into this harness as vm_native_<name>), so every engine runs the same C.
 */
#ifndef VM_SUITE_H
#define VM_SUITE_H

#include <stddef.h>
#include <stdint.h>

/* The memory region every program gets as r1 (its length in r2); VM_MEM_SIZE in vm_program.h. */
#define VM_MEM_SIZE 65536

typedef uint64_t (*vm_native_fn)(uint8_t *mem, uint64_t len);

struct vm_program {
	const char *name; /* benchmarks/src/bpf/<name>.bpf.c */
	vm_native_fn native; /* the same C compiled by gcc */
	void (*fill)(uint8_t *mem, size_t len); /* the program's input, written once before its runs */
};

const struct vm_program *vm_program_find(const char *name);

#include "bench_files.h"

#endif
