/*
 * JIT code of the VM suite: images the Java JitCompiler wrote at build time
 * (dev.bpftime.benchmarks.vm.JitImages), mapped read-execute here and called as C functions, so a
 * run of JIT code costs exactly one indirect call more than the program (jit/README.md: the entry is
 * uint64_t run(void *ctx, uint64_t r2)).
 *
 * File format, little-endian: the 8 bytes "BPFTJIT1", u32 entry offset, u32 code size, the code.
 * The suite's programs call no helper and use no map, so their images have no relocation to fill:
 * the Java step refuses to write one that has.
 */
#ifndef JIT_IMAGE_H
#define JIT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define JIT_IMAGE_MAGIC "BPFTJIT1"

typedef uint64_t (*jit_entry_fn)(void *ctx, uint64_t r2);

struct jit_code {
	void *base;
	size_t mapped;
	jit_entry_fn entry;
};

/* Checks and maps an image file; 0 or -errno with the reason in why. */
int jit_code_load(const char *path, struct jit_code *out, char *why, size_t why_len);
void jit_code_unload(struct jit_code *code);

#endif
