/*
 * The memory a program may touch in bounds-checking mode: the live stack frames (the current
 * frame and its callers', since a caller may pass a pointer into its frame), the context given to
 * exec, and the regions registered on the VM that exec was called with.
 */
#ifndef BPFTIME_VM_BOUNDS_H
#define BPFTIME_VM_BOUNDS_H

#include <stdbool.h>
#include <stdint.h>

#include "vm_internal.h"

/* [addr, addr + size) lies in [start, start + len), without overflow. */
static inline bool range_contains(uint64_t start, uint64_t len, uint64_t addr, uint64_t size)
{
    return addr >= start && len >= size && addr - start <= len - size;
}

struct access_bounds {
    uint64_t stack_end; /* one past the outermost frame */
    uint64_t ctx;
    uint64_t ctx_len;
    const struct mem_region *regions;
    uint32_t region_count;
};

static inline bool access_allowed(const struct access_bounds *b, uint64_t fp, uint64_t addr, uint64_t size)
{
    uint64_t frame_bottom = fp - BPFTIME_VM_FRAME_BYTES;
    if (range_contains(frame_bottom, b->stack_end - frame_bottom, addr, size) ||
        range_contains(b->ctx, b->ctx_len, addr, size)) {
        return true;
    }
    for (uint32_t i = 0; i < b->region_count; i++) {
        if (range_contains(b->regions[i].start, b->regions[i].len, addr, size)) {
            return true;
        }
    }
    return false;
}

#endif
