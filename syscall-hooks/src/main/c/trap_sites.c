/*
 * Syscall sites turned into `ud2`: a `syscall` (0f 05) the hooks found at an instruction boundary
 * but could not send to a trampoline, and the `syscall` of every displaced site (only a branch
 * straight to it still executes it, skipping the rewritten instruction before). Changing 05 to 0b
 * is one byte, so one store that no thread can see half done; executing it raises #UD, a SIGILL
 * whose si_addr is the site itself (arch/x86/kernel/traps.c: exc_invalid_op), which the handler
 * (sigsys.c) turns into a hooked syscall exactly as a Syscall User Dispatch trap. With every site
 * so handled an object needs no Syscall User Dispatch (coverage.c). A syscall the kernel restarts
 * after a signal (regs->ip -= 2) runs the ud2 again: the same path, with rax back at its number.
 *
 * The table tells our ud2s from the application's own (__builtin_trap): an open-addressing set
 * that only grows, written under the rewrite lock, read lock-free from the signal handler.
 */
#include "internal.h"

#define SLOTS (1u << 15)

static uint64_t sh_trap_site[SLOTS];
static unsigned sh_trap_count;

static unsigned slot_of(uint64_t addr)
{
	return (unsigned)((addr * 0x9e3779b97f4a7c15ull) >> 49) & (SLOTS - 1);
}

int sh_trap_site_add(uint64_t addr)
{
	if (sh_trap_count >= SLOTS / 2)
		return -1; /* keep probes short: the site stays as it is, under the fallback */
	for (unsigned i = slot_of(addr);; i = (i + 1) & (SLOTS - 1)) {
		uint64_t v = __atomic_load_n(&sh_trap_site[i], __ATOMIC_RELAXED);

		if (v == addr)
			return 0;
		if (!v) {
			__atomic_store_n(&sh_trap_site[i], addr, __ATOMIC_RELEASE);
			sh_trap_count++;
			return 0;
		}
	}
}

int sh_trap_site_known(uint64_t addr)
{
	for (unsigned i = slot_of(addr);; i = (i + 1) & (SLOTS - 1)) {
		uint64_t v = __atomic_load_n(&sh_trap_site[i], __ATOMIC_ACQUIRE);

		if (v == addr)
			return 1;
		if (!v)
			return 0;
	}
}
