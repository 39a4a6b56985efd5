/*
 * The kernel figures' programs for the JIT figures (figures_jit_prog.c): the same instructions, so
 * that bpftime.jit.prog.X and kernel.prog.X time one program on two engines.
 */
#ifndef KERNEL_PROG_H
#define KERNEL_PROG_H

#include <stddef.h>

/* The placeholder fd of the array map in a written program; the JIT image relocates it. */
#define KERNEL_PROG_ARRAY_FD 3
/* Operations per run of a map program, and the entries (u32 keys, u64 values) of its map. */
#define KERNEL_PROG_OPS_PER_RUN 16
#define KERNEL_PROG_MAP_ENTRIES 2

/*
 * Writes DIR/<kind>.prog and DIR/<kind>.maps (kind: empty_per16, map_lookup_array, map_lookup_array_key1:
 * the program of a .2threads figure's second thread); 0 or -errno and why.
 */
int kernel_prog_write(const char *kind, const char *dir, char *why, size_t why_len);

#endif
