/*
 * Finding the syscall sites of an object and the padding near them: each function (FDE range)
 * is decoded from its first byte to its last, so a `syscall` is only ever an instruction the
 * code really contains, never two bytes inside another instruction or data; a function whose
 * decoding fails or does not end exactly at its end is left to the fallback.
 */
#ifndef SH_SITE_SCAN_H
#define SH_SITE_SCAN_H

#include <stdint.h>

#include "objects.h"
#include "sh_insn.h"

struct sh_site {
	uint64_t addr; /* the `syscall` instruction (2 bytes) */
	uint64_t prev; /* the instruction right before it in its function, 0 when none */
	struct sh_insn prev_insn;
	/* the plan (site_patch.c) */
	uint8_t form;
	uint64_t pad, trampoline;
};

/* Bytes between two functions that only padding fills (nop, int3): never executed. */
struct sh_gap {
	uint64_t lo, hi, next_free;
};

struct sh_scan {
	struct sh_site *sites;
	uint64_t nsites, max_sites;
	struct sh_gap *gaps;
	uint64_t ngaps, max_gaps;
	uint64_t functions, functions_refused;
	/* the bytes 0f 05 in the text, and those that are sites or lie inside an instruction of a
	 * function decoded to its end: equal when no `syscall` can hide anywhere else */
	uint64_t pairs_total, pairs_accounted;
};

/* Fills scan (its arrays allocated by the caller) for obj. Returns 0, or -1 when the object has
 * no function table (.eh_frame_hdr) to go by. */
int sh_scan_object(const struct sh_object *obj, struct sh_scan *scan);

#endif
