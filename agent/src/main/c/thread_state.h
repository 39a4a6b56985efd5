/*
 * Per-thread state of the probe engine, in slots that outlive their threads:
 *   - the read-side word of grace periods (grace_period.c),
 *   - the hit whose programs run now (what probe helpers read),
 *   - the shadow stack of return addresses that uretprobes replaced (uretprobe.c).
 * A thread claims a slot at its first probe hit; the TLS variable pointing at it is initial-exec,
 * so reading it is one instruction. A slot of a thread that died is reclaimed when slots run out.
 */
#ifndef BPFTIME_THREAD_STATE_H
#define BPFTIME_THREAD_STATE_H

#include <stdint.h>
#include <sys/types.h>

#include "bpftime_probe.h"

#define THREAD_SLOTS 4096
#define SHADOW_DEPTH 128

struct probe_site;

struct shadow_entry {
	uint64_t ret;             /* the real return address */
	uint64_t slot : 63;       /* the stack address it was read from and replaced at */
	uint64_t chained : 1;     /* a tail call: the next older entry of the same slot returns with it */
	struct probe_site *site;  /* whose return programs run */
};

/* What the helpers of the program being run see. */
struct probe_hit {
	struct bpftime_pt_regs *regs;
	uint64_t func_ip;
	uint64_t cookie;
	int can_override;
	int override;
};

struct probe_thread {
	/* Odd while the thread runs programs; +2 for every time it stops (grace_period.c). */
	volatile uint64_t word;
	volatile pid_t tid;       /* the owner, 0 when free */
	uint32_t depth;           /* live shadow entries */
	struct probe_hit *hit;
	int *errno_ptr;           /* the owner's errno, which a hit leaves as it found it */
	struct shadow_entry shadow[SHADOW_DEPTH];
};

extern __thread struct probe_thread *probe_thread_self;

/* Where probe_thread_self is from the thread pointer (fs base): the same in every thread, as the
 * variable is initial-exec (static TLS); generated code reads it as fs:[offset]. */
intptr_t probe_thread_self_tp_offset(void);

/* The caller's slot, claiming one at the first call; NULL when none can be had (the hit is missed). */
struct probe_thread *probe_thread_claim(void);

static inline struct probe_thread *probe_thread_get(void)
{
	struct probe_thread *t = probe_thread_self;
	return t ? t : probe_thread_claim();
}

/* Slots in use so far (the highest index + 1); slots are never unmapped. */
uint32_t probe_thread_count(void);
struct probe_thread *probe_thread_at(uint32_t i);

/* Whether thread tid of this process no longer exists. */
int probe_thread_dead(pid_t tid);

/* Installs the fork handler that gives a child its own slot table (once). */
void probe_thread_init(void);

#endif
