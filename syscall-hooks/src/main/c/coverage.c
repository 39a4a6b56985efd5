/*
 * Whether every `syscall` the application can execute is covered without Syscall User Dispatch
 * (sud_switch.c): each executable mapping is
 *   - text of an ELF object whose every 0f 05 is a rewritten site, a site turned into ud2
 *     (trap_sites.c) or inside an instruction of a function decoded to its end (rewrite.c), or
 *     the object holding the hooks (its syscalls are the runtime's own);
 *   - the runtime's own code (own_code.c: trampolines, the agent's JIT images);
 *   - other code, read-only, without the bytes 0f 05 anywhere;
 *   - or the [vsyscall] page, which the kernel emulates without any syscall entry (and without its
 *     tracepoints: arch/x86/entry/vsyscall/vsyscall_64.c).
 * Anything else (writable code: a JIT's; code without unwind tables holding 0f 05; a library
 * still being mapped) keeps SUD on. Such code can only appear through a syscall the hooks see,
 * before which sh_coverage_exec_change turns SUD on everywhere. A /proc/self/mem write or another
 * process's process_vm_writev/ptrace into our text is not seen (docs: README, known differences).
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "internal.h"
#include "objects.h"

#define SH_SHM_EXEC 0100000 /* include/uapi/linux/shm.h */

static unsigned sh_generation;

unsigned sh_coverage_generation(void)
{
	return __atomic_load_n(&sh_generation, __ATOMIC_SEQ_CST);
}

/* Whether the bytes 0f 05 occur in [lo, hi): read through the kernel, as another thread may
 * unmap the region meanwhile. An unreadable region counts as holding them. */
static int holds_syscall_bytes(uint64_t lo, uint64_t hi)
{
	static uint8_t chunk[4096 + 1]; /* callers hold the rewrite lock */
	uint8_t prev = 0;

	for (uint64_t at = lo; at < hi; at += 4096) {
		if (sh_read_user(chunk + 1, at, 4096) < 0)
			return 1;
		chunk[0] = prev;
		for (int i = 0; i < 4096; i++)
			if (chunk[i] == 0x0f && chunk[i + 1] == 0x05)
				return 1;
		prev = chunk[4096];
	}
	return 0;
}

static int uncovered(void *ctx, uint64_t lo, uint64_t hi, const char perms[4], int vsyscall)
{
	int object;

	(void)ctx;
	if (vsyscall || sh_own_code_covers(lo, hi))
		return 0;
	if (perms[1] == 'w')
		return 1; /* may change without a syscall */
	object = sh_rewrite_range_covered(lo, hi);
	if (object >= 0)
		return !object;
	return perms[0] != 'r' || holds_syscall_bytes(lo, hi);
}

int sh_coverage_complete(void)
{
	if (sh_install_flags() & SH_FLAG_NO_REWRITE)
		return 0;
	return sh_exec_mappings_each(uncovered, 0) == 0;
}

void sh_coverage_release(unsigned generation)
{
	if (sh_coverage_generation() != generation)
		return;
	sh_sud_release();
	/* new code may have come in between: then it must be covered after all */
	if (sh_coverage_generation() != generation)
		sh_sud_require_all();
}

/* Before a syscall of the application: one that may make code executable turns SUD on first. */
void sh_coverage_before(long nr, const uint64_t args[6])
{
	int exec = 0;

	switch (nr) {
	case SYS_mmap:
	case SYS_mprotect:
	case SYS_pkey_mprotect:
		exec = (args[2] & PROT_EXEC) != 0;
		break;
	case SYS_shmat:
		exec = (args[2] & SH_SHM_EXEC) != 0;
		break;
	}
	if (!exec)
		return;
	__atomic_add_fetch(&sh_generation, 1, __ATOMIC_SEQ_CST);
	sh_sud_require_all();
	sh_rewrite_schedule_proof(1);
}

/* After a syscall: the runtime's own executable mappings are remembered as such; an unmapped
 * range is nobody's any more. */
void sh_coverage_after(long nr, const uint64_t args[6], int64_t ret, int own)
{
	uint64_t len = (args[1] + 4095) & ~4095ull;

	if (ret < 0 && ret > -4096)
		return;
	switch (nr) {
	case SYS_mmap:
		sh_own_code_remove((uint64_t)ret, (uint64_t)ret + len);
		if (own && (args[2] & PROT_EXEC))
			sh_own_code_add((uint64_t)ret, (uint64_t)ret + len);
		break;
	case SYS_mprotect:
	case SYS_pkey_mprotect:
		/* not the application's text the runtime patches (uprobes): only memory of no object */
		if (own && (args[2] & PROT_EXEC) && !(args[2] & PROT_WRITE) &&
		    sh_rewrite_range_covered(args[0], args[0] + len) < 0)
			sh_own_code_add(args[0], args[0] + len);
		break;
	case SYS_munmap:
		sh_own_code_remove(args[0], args[0] + len);
		break;
	}
}

struct find {
	uint64_t addr, lo, hi;
};

static int holding(void *ctx, uint64_t lo, uint64_t hi, const char perms[4], int vsyscall)
{
	struct find *f = ctx;

	(void)perms;
	(void)vsyscall;
	if (f->addr < lo || f->addr >= hi)
		return 0;
	f->lo = lo;
	f->hi = hi;
	return 1;
}

int bpftime_syscall_hooks_own_code(const void *addr)
{
	struct find f = { (uint64_t)(uintptr_t)addr, 0, 0 };

	if (sh_exec_mappings_each(holding, &f) != 1)
		return -ENOENT;
	sh_own_code_add(f.lo, f.hi);
	if (sh_installed() && sh_sud_wanted())
		sh_rewrite_schedule_proof(1); /* it may have been all that kept the fallback on */
	return 0;
}
