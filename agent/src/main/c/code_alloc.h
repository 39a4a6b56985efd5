/*
 * Executable memory for trampolines, within rel32 reach of the code they serve. Pools are private
 * anonymous mappings (so a forked child owns its copy), mapped read+execute and made writable only
 * while code is written into them. Code is never freed: a site's trampoline is kept for the life of
 * the process and reused when the same site is probed again (probe_site.c), so no thread can ever
 * execute freed code.
 */
#ifndef BPFTIME_CODE_ALLOC_H
#define BPFTIME_CODE_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/* How far (bytes) a pool may be from the code it serves: jumps both ways and the rip-relative
 * operands of moved instructions (themselves within 2 GiB of the original) must stay in rel32 reach. */
#define CODE_ALLOC_REACH (1ul << 30)

/* Reserves len bytes (16-byte aligned) within CODE_ALLOC_REACH of near. Caller holds the engine lock. */
int code_alloc_near(uintptr_t near, size_t len, uintptr_t *out);

/* Writes len bytes at dst (inside a pool): the pages are read+write+execute only during the copy. */
int code_write(uintptr_t dst, const void *src, size_t len);

#endif
