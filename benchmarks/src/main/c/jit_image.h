/*
 * JIT code of the VM suite: images the Java JitCompiler wrote at build time
 * (dev.bpftime.benchmarks.vm.JitImages), mapped read-execute here and called as C functions, so a
 * run of JIT code costs exactly one indirect call more than the program (jit/README.md: the entry is
 * uint64_t run(void *ctx, uint64_t r2)).
 *
 * File format, little-endian: the 8 bytes "BPFTJIT1", u32 entry offset, u32 code size, the code.
 * The suite's programs call no helper and use no map, so their images have no relocation to fill:
 * the Java step refuses to write one that has.
 *
 * Images of programs that use maps (figures_jit_prog.c) are "BPFTJIT2": u32 entry offset, u32 code
 * size, u32 relocation count, u32 zero, the code, then per relocation u32 code offset, u32 kind
 * (dev.bpftime.jit.Relocation.Kind in declaration order, as agent/'s bpftime_jit_image.h), i32 key,
 * u32 width (4 or 8), i64 addend: the field becomes the resolved value plus the addend, as the agent
 * links images (agent/src/main/c/jit_image.c).
 */
#ifndef JIT_IMAGE_H
#define JIT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define JIT_IMAGE_MAGIC "BPFTJIT1"
#define JIT_IMAGE_LINKED_MAGIC "BPFTJIT2"

/* Relocation kinds (dev.bpftime.jit.Relocation.Kind). */
enum jit_reloc_kind {
	JIT_RELOC_HELPER_TABLE,
	JIT_RELOC_HELPER_COUNT,
	JIT_RELOC_MAP_FD,
	JIT_RELOC_MAP_IDX,
	JIT_RELOC_MAP_VALUE,
	JIT_RELOC_MAP_IDX_VALUE,
};

/* The value of a relocation of the kind and key: 0, or -ENOENT when it names nothing known. */
typedef int (*jit_resolve_fn)(void *arg, uint32_t kind, int32_t key, uint64_t *value);

typedef uint64_t (*jit_entry_fn)(void *ctx, uint64_t r2);

struct jit_code {
	void *base;
	size_t mapped;
	jit_entry_fn entry;
};

/* Checks and maps an image file; 0 or -errno with the reason in why. */
int jit_code_load(const char *path, struct jit_code *out, char *why, size_t why_len);
/* The same for a BPFTJIT2 image, its relocations filled by resolve before it is made executable. */
int jit_code_load_linked(const char *path, jit_resolve_fn resolve, void *arg, struct jit_code *out, char *why,
			 size_t why_len);
void jit_code_unload(struct jit_code *code);

#endif
