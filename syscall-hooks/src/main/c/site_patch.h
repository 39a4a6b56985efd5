/*
 * Rewriting the syscall sites of one object so that they jump to a trampoline instead of
 * entering the kernel. Two forms, each replacing exactly one instruction by one instruction, so
 * that no thread can ever be stopped inside a rewritten sequence, no jump into the middle of one
 * is possible, and each write is a single atomic store (README.md, "Fast path"):
 *   jmp8       the 2-byte `syscall` becomes `jmp rel8` to a 5-byte `jmp rel32` placed in the
 *              padding between two functions within 127 bytes;
 *   displaced  the instruction before the `syscall` (5 bytes or more, one that cannot fault, such
 *              as `mov $nr, %eax`) becomes `jmp rel32`; the trampoline runs it, then the hook,
 *              and resumes after the untouched `syscall` (a jump straight to the `syscall` still
 *              executes it: it is turned into `ud2`, see trap_sites.c).
 * Trampoline of a site: [the displaced instruction] lea -128(%rsp),%rsp; lea resume(%rip),%rcx;
 * jmp *entry(%rip) -- the entry contract of gate.S.
 */
#ifndef SH_SITE_PATCH_H
#define SH_SITE_PATCH_H

#include "site_scan.h"

struct sh_patch_result {
	uint64_t jmp8, displaced, left; /* left: not rewritten */
	uint64_t trapped;		 /* of those left, turned into ud2 (trap_sites.c) */
	uint64_t untrapped;		 /* sites still holding a `syscall` a branch may reach */
};

/* Rewrites what can be of scan's sites in obj. threads_may_run: other threads may be running
 * this code, so only rewrites that are one aligned atomic store are made. */
void sh_patch_object(const struct sh_object *obj, struct sh_scan *scan, int threads_may_run,
		     struct sh_patch_result *res);

#endif
