/*
 * Lock words in shared memory that survive the death of their holder. A word is 0 when free,
 * else the holder's thread id (bit 31: someone may sleep on it). A waiter that sleeps too long
 * checks whether the holder still exists and, if not, takes the lock over. Used for hash bucket
 * locks, the producer locks of ring and perf buffers, and struct bpf_spin_lock in map values.
 */
#ifndef BPFTIME_SPIN_LOCK_H
#define BPFTIME_SPIN_LOCK_H

#include <stdint.h>
#include "bpftime_map.h"

/* 0: acquired; 1: acquired from a holder that died (the protected data may be half-updated);
 * -EBUSY: the calling thread already holds it (the kernel's answer to a bucket lock recursion). */
BPFTIME_API int bpftime_lock_acquire(uint32_t *word);
BPFTIME_API void bpftime_lock_release(uint32_t *word);

/* bpf_spin_lock / bpf_spin_unlock on a struct bpf_spin_lock (4 bytes) inside a map value. */
BPFTIME_API void bpftime_bpf_spin_lock(void *lock);
BPFTIME_API void bpftime_bpf_spin_unlock(void *lock);

#endif
