/*
 * The ELF objects whose code is mapped in this process (executable, shared libraries, the vDSO),
 * found from /proc/self/maps and their own headers in memory: no loader lock is taken, so this
 * also works from inside any hooked syscall.
 */
#ifndef SH_OBJECTS_H
#define SH_OBJECTS_H

#include <stdint.h>

#define SH_OBJECT_MAX_TEXT 4

struct sh_object {
	uint64_t l_addr;	/* load bias: runtime address = l_addr + p_vaddr */
	uint64_t ident;		/* device and inode of the file (the vDSO: 0) */
	int ntext;
	uint64_t text_lo[SH_OBJECT_MAX_TEXT], text_hi[SH_OBJECT_MAX_TEXT]; /* PF_X segments */
	uint64_t eh_hdr;	/* .eh_frame_hdr, 0 when the object has none */
	uint64_t eh_lo, eh_hi;	/* the segment holding it */
};

/* Calls fn for every such object mapped whole; stops early when fn returns non-zero. Returns 0 or -errno. */
int sh_objects_each(int (*fn)(void *ctx, const struct sh_object *obj), void *ctx);

/* Calls fn for every executable mapping of the process (vsyscall: the kernel's [vsyscall] page);
 * stops at the first non-zero answer and returns it, or -errno. */
int sh_exec_mappings_each(int (*fn)(void *ctx, uint64_t lo, uint64_t hi, const char perms[4], int vsyscall),
			  void *ctx);

#endif
