/*
 * Function ranges of a loaded object from its .eh_frame_hdr (PT_GNU_EH_FRAME): the binary search
 * table gives each FDE's start, the FDE its length. Formats: the LSB's "Exception Frame" chapter
 * (Linux Standard Base Core, 10.6) and DWARF 4, 6.4.1 (CIE/FDE). Every read is checked against
 * the readable range the caller names, so a malformed object yields -1, never a fault.
 */
#ifndef SH_EH_FRAME_H
#define SH_EH_FRAME_H

#include <stdint.h>

/* Calls fn(ctx, start, end) for every FDE listed, in ascending start order; for a signal
 * trampoline (CIE augmentation 'S') start is one byte after the FDE's, which is deliberately not
 * an instruction. readable_lo/hi bound
 * the memory that may be read (the segment holding .eh_frame_hdr and .eh_frame). Returns the
 * number of ranges, or -1. */
int sh_eh_frame_ranges(uint64_t hdr, uint64_t readable_lo, uint64_t readable_hi,
		       void (*fn)(void *ctx, uint64_t start, uint64_t end), void *ctx);

#endif
