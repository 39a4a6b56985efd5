/*
 * Lock words that survive their holder's death, shared by processes through a memfd.
 *
 * Word: 0 = free, else the holder's tid, bit 31 set when a waiter may be sleeping on the futex.
 * Not a pthread mutex: its layout is libc-private and the agent runs inside arbitrary processes.
 * Not the robust-futex list either: glibc owns each thread's list.
 *
 * Recovery rule: a waiter sleeps on the futex at most RECHECK_NS at a time; when it wakes with
 * the lock still held by the same tid, it asks the kernel whether that thread exists
 * (kill(tid, 0) == ESRCH). If not, it replaces the dead holder's tid by its own with a CAS and
 * reports the takeover (return 1). Tids are only reused after pid_max allocations, so a live
 * thread is never mistaken for a dead one; the converse (a dead holder's tid reused meanwhile)
 * only delays recovery until that thread exits. All parties must share one pid namespace.
 */
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bpftime_spin_lock.h"
#include "map_internal.h"

#define LOCK_WAITERS 0x80000000u
#define LOCK_TID_MASK 0x7fffffffu
#define SPINS 200
#define RECHECK_NS 10000000L /* 10 ms */

static inline void cpu_relax(void)
{
	__builtin_ia32_pause();
}

bool thread_is_dead(uint32_t tid)
{
	int saved = errno;
	bool dead = kill((pid_t)tid, 0) == -1 && errno == ESRCH;
	errno = saved;
	return dead;
}

static void futex_wait(_Atomic uint32_t *w, uint32_t expected)
{
	int saved = errno;
	struct timespec ts = { 0, RECHECK_NS };
	syscall(SYS_futex, w, FUTEX_WAIT, expected, &ts, NULL, 0);
	errno = saved;
}

static void futex_wake_one(_Atomic uint32_t *w)
{
	int saved = errno;
	syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
	errno = saved;
}

static int lock_slow(_Atomic uint32_t *w, uint32_t me)
{
	for (int i = 0; i < SPINS; i++) {
		cpu_relax();
		uint32_t v = atomic_load_explicit(w, memory_order_relaxed);
		if (v == 0 && atomic_compare_exchange_weak_explicit(w, &v, me, memory_order_acquire,
								    memory_order_relaxed))
			return 0;
	}
	for (;;) {
		uint32_t v = atomic_load_explicit(w, memory_order_relaxed);
		if (v == 0) {
			/* keep the waiters bit: others may still sleep on the word */
			if (atomic_compare_exchange_strong_explicit(w, &v, me | LOCK_WAITERS, memory_order_acquire,
								    memory_order_relaxed))
				return 0;
			continue;
		}
		if ((v & LOCK_TID_MASK) == me)
			return -EBUSY;
		if (!(v & LOCK_WAITERS)) {
			if (!atomic_compare_exchange_strong_explicit(w, &v, v | LOCK_WAITERS, memory_order_relaxed,
								     memory_order_relaxed))
				continue;
			v |= LOCK_WAITERS;
		}
		futex_wait(w, v);
		if (atomic_load_explicit(w, memory_order_relaxed) == v && thread_is_dead(v & LOCK_TID_MASK)) {
			uint32_t expected = v;
			if (atomic_compare_exchange_strong_explicit(w, &expected, me | LOCK_WAITERS,
								    memory_order_acquire, memory_order_relaxed))
				return 1;
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
	if ((expected & LOCK_TID_MASK) == me)
		return -EBUSY;
	return lock_slow(w, me);
}

void bpftime_lock_release(uint32_t *word)
{
	_Atomic uint32_t *w = (_Atomic uint32_t *)word;
	uint32_t v = atomic_exchange_explicit(w, 0, memory_order_release);
	if (UNLIKELY(v & LOCK_WAITERS))
		futex_wake_one(w);
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
