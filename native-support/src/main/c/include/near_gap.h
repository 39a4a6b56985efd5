/*
 * Where to map code that must be within rel32 reach of other code: the free stretch of the address
 * space, found in the text of /proc/self/maps, closest to the code it serves. The probe engine
 * (trampoline pools near probed sites) and the syscall hooks (trampolines near an object's syscall
 * sites) both place their code with it, then map it with MAP_FIXED_NOREPLACE (so nothing already
 * mapped is ever replaced) and look again when another thread took the place meanwhile.
 */
#ifndef BPFTIME_NEAR_GAP_H
#define BPFTIME_NEAR_GAP_H

#include <stdint.h>

/*
 * A page-aligned address of size bytes (a multiple of the page size) in a free gap of maps (the
 * NUL-terminated text of /proc/self/maps), such that every byte of it is less than reach bytes
 * from every byte of [lo, hi), the nearest such; 0 when there is none. A guard page is left at
 * both ends of a gap, and 64 MiB above the heap and below a stack, which grow into the gaps next
 * to them.
 */
uint64_t near_gap_find(const char *maps, uint64_t lo, uint64_t hi, uint64_t size, uint64_t reach);

#endif
