/*
 * What a JIT may inline instead of calling a helper, as the kernel's verifier inlines array
 * lookups (array_map_gen_lookup(), kernel/bpf/arraymap.c): the address of an ARRAY's values in
 * this process, their stride and the bound. Valid as long as the map handle is open.
 */
#ifndef BPFTIME_MAP_INLINE_H
#define BPFTIME_MAP_INLINE_H

#include <stddef.h>
#include <stdint.h>

#include "bpftime_map.h"

struct bpftime_array_view {
	uint8_t *values;
	uint64_t stride;
	uint32_t max_entries;
};

/* 0, or -EINVAL for anything but an ARRAY (per-CPU values depend on the CPU at run time). */
BPFTIME_API int bpftime_array_view(struct bpftime_map *map, struct bpftime_array_view *out);

static inline void *bpftime_array_view_lookup(const struct bpftime_array_view *v, const void *key)
{
	uint32_t index = *(const uint32_t *)key;
	return index < v->max_entries ? v->values + index * v->stride : NULL;
}

#endif
