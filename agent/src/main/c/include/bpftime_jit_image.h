/*
 * Linking a JIT image in the traced process: the image the service's JIT compiler made
 * (dev.bpftime.jit.JitImage: position-independent code plus relocations, jit/README.md) gets this
 * process's helper table and map addresses and is mapped read+execute.
 */
#ifndef BPFTIME_JIT_IMAGE_H
#define BPFTIME_JIT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "bpftime_probe.h"

/* dev.bpftime.jit.Relocation.Kind, in declaration order. */
enum bpftime_jit_reloc_kind {
	BPFTIME_JIT_RELOC_HELPER_TABLE = 0,  /* 8 bytes: the helper table's address */
	BPFTIME_JIT_RELOC_HELPER_COUNT = 1,  /* 4 bytes: its number of entries */
	BPFTIME_JIT_RELOC_MAP_FD = 2,        /* 8 bytes: a map's address */
	BPFTIME_JIT_RELOC_MAP_IDX = 3,
	BPFTIME_JIT_RELOC_MAP_VALUE = 4,     /* 8 bytes: a map value's address + addend */
	BPFTIME_JIT_RELOC_MAP_IDX_VALUE = 5,
};

struct bpftime_jit_reloc {
	uint32_t offset; /* in the code */
	uint32_t kind;   /* enum bpftime_jit_reloc_kind */
	int32_t key;     /* the map reference (fd or fd_array index) */
	int64_t addend;
};

/* The address a map relocation stands for (the map, or the start of its value), 0 on success. */
typedef int (*bpftime_jit_map_resolver)(void *arg, uint32_t kind, int32_t key, uint64_t *address);

struct bpftime_jit_image;

/*
 * Copies code, fills its relocations, maps it read+execute. -EINVAL for a relocation outside the
 * code or of an unknown kind, an entry outside the code; -ENOENT when the resolver knows no map.
 */
BPFTIME_PROBE_API int bpftime_jit_image_load(const void *code, size_t len, size_t entry_offset,
					     const struct bpftime_jit_reloc *relocs, size_t nrelocs,
					     const void *helper_table, uint32_t helper_count,
					     bpftime_jit_map_resolver resolve, void *arg, struct bpftime_jit_image **out);
BPFTIME_PROBE_API bpftime_jit_fn bpftime_jit_image_entry(const struct bpftime_jit_image *image);
BPFTIME_PROBE_API void bpftime_jit_image_free(struct bpftime_jit_image *image);

#endif
