/*
 * Lock words that survive their holder's death, shared by processes through a memfd.
 *
 * Word: 0 = free, else the holder's thread id. Acquiring is one CAS; releasing is a plain release
 * store, as the kernel's spinlocks do (critical sections here are a few hundred ns at most). A
 * waiter spins, then yields, then sleeps 50 us at a time. Not a pthread mutex: its layout is
 * libc-private and the agent runs inside arbitrary processes. Not the robust-futex list either:
 * glibc owns each thread's list.
 *
 * Recovery rule: a waiter that has slept and still finds the same tid in the word asks the kernel
 * whether that thread exists (kill(tid, 0) == ESRCH). If not, it replaces the dead holder's tid by
 * its own with a CAS and reports the takeover (return 1). Tids are only reused after pid_max
 * allocations, so a live thread is never mistaken for a dead one; the converse (a dead holder's
 * tid reused meanwhile) only delays recovery until that thread exits. All parties must share one
 * pid namespace.
 */
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>

#include "bpftime_gpr_only.h"
#include "bpftime_spin_lock.h"
#include "map_internal.h"

#define SPINS 128
#define YIELDS 64
#define NAP_NS 50000L
#define NAPS_BETWEEN_CHECKS 100 /* check the holder about every 5 ms of sleeping */

/* Raw system calls (bpftime_gpr_only.h): a waiter may be a program's helper on the GPR-only path. */
bool thread_is_dead(uint32_t tid)
{
	return bpftime_raw_syscall(SYS_kill, (long)tid, 0, 0, 0, 0) == -ESRCH;
}

static void nap(void)
{
	struct timespec ts = { 0, NAP_NS };
	bpftime_raw_syscall(SYS_nanosleep, (long)&ts, 0, 0, 0, 0);
}

static int lock_slow(_Atomic uint32_t *w, uint32_t me)
{
	for (uint32_t round = 0;; round++) {
		uint32_t v = atomic_load_explicit(w, memory_order_relaxed);
		if (v == 0) {
			if (atomic_compare_exchange_weak_explicit(w, &v, me, memory_order_acquire, memory_order_relaxed))
				return 0;
			continue;
		}
		if (v == me)
			return -EBUSY;
		if (round < SPINS) {
			__builtin_ia32_pause();
		} else if (round < SPINS + YIELDS) {
			bpftime_raw_syscall(SYS_sched_yield, 0, 0, 0, 0, 0);
		} else {
			nap();
			if ((round - SPINS - YIELDS) % NAPS_BETWEEN_CHECKS == 0 &&
			    atomic_load_explicit(w, memory_order_relaxed) == v && thread_is_dead(v)) {
				uint32_t expected = v;
				if (atomic_compare_exchange_strong_explicit(w, &expected, me, memory_order_acquire,
									    memory_order_relaxed))
					return 1;
			}
		}
	}
}

int bpftime_lock_acquire(uint32_t *word)
{
	_Atomic uint32_t *w = (_Atomic uint32_t *)word;
	uint32_t me = self_tid();
	uint32_t expected = 0;
	if (LIKELY(atomic_compare_exchange_strong_explicit(w, &expected, me, memory_order_acquire,
							    memory_order_relaxed)))
		return 0;
	if (expected == me)
		return -EBUSY;
	return lock_slow(w, me);
}

void bpftime_lock_release(uint32_t *word)
{
	atomic_store_explicit((_Atomic uint32_t *)word, 0, memory_order_release);
}

/* struct bpf_spin_lock is { __u32 val; }: the same word. The verifier guarantees a program never
 * takes a second lock while holding one, so -EBUSY cannot happen from a correct program. */
void bpftime_bpf_spin_lock(void *lock)
{
	bpftime_lock_acquire((uint32_t *)lock);
}

void bpftime_bpf_spin_unlock(void *lock)
{
	bpftime_lock_release((uint32_t *)lock);
}
