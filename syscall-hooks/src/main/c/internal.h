/*
 * Declarations shared by the files of the hooks library. Nothing here is exported: the public
 * API is include/bpftime_syscall_hooks.h.
 */
#ifndef SH_INTERNAL_H
#define SH_INTERNAL_H

#include <stdint.h>

#include "bpftime_syscall_hooks.h"
#include "frame.h"

#define SH_HIDDEN __attribute__((visibility("hidden")))

/* Syscall User Dispatch (include/uapi/linux/prctl.h); glibc 2.36's headers lack some names. */
#define SH_PR_SET_SYSCALL_USER_DISPATCH 59
#define SH_PR_SYS_DISPATCH_OFF 0
#define SH_PR_SYS_DISPATCH_ON 1
#define SH_SYSCALL_DISPATCH_FILTER_ALLOW 0
#define SH_SYSCALL_DISPATCH_FILTER_BLOCK 1
#define SH_SYS_USER_DISPATCH 2 /* si_code of a SIGSYS sent by Syscall User Dispatch */

/* Install-time option: no site is rewritten, Syscall User Dispatch catches everything. For the
 * tests of the fallback alone and for measuring it; not part of the public API. */
#define SH_FLAG_NO_REWRITE 0x10000u

/* The gate (gate.S): the section whose syscalls pass Syscall User Dispatch. C functions that
 * issue syscalls themselves on the hot path are put there too (sh_syscall6). */
#define SH_GATE __attribute__((section("bpftime_sh_gate"), noinline))
extern char __start_bpftime_sh_gate[] SH_HIDDEN;
extern char __stop_bpftime_sh_gate[] SH_HIDDEN;
#define bpftime_sh_gate_begin __start_bpftime_sh_gate
#define bpftime_sh_gate_end __stop_bpftime_sh_gate
extern char bpftime_sh_entry[], bpftime_sh_return[], bpftime_sh_restorer[];

/* A syscall issued where it stands: only inside an SH_GATE function does it pass the fallback. */
static inline __attribute__((always_inline)) long sh_syscall6(long nr, uint64_t a0, uint64_t a1,
							     uint64_t a2, uint64_t a3, uint64_t a4,
							     uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a3;
	register uint64_t r8 __asm__("r8") = a4;
	register uint64_t r9 __asm__("r9") = a5;
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

static inline long sh_raw0(long nr)
{
	return bpftime_syscall_hooks_raw(nr, 0, 0, 0, 0, 0, 0);
}
static inline long sh_raw1(long nr, long a0)
{
	return bpftime_syscall_hooks_raw(nr, a0, 0, 0, 0, 0, 0);
}
static inline long sh_raw2(long nr, long a0, long a1)
{
	return bpftime_syscall_hooks_raw(nr, a0, a1, 0, 0, 0, 0);
}
static inline long sh_raw3(long nr, long a0, long a1, long a2)
{
	return bpftime_syscall_hooks_raw(nr, a0, a1, a2, 0, 0, 0);
}
static inline long sh_raw4(long nr, long a0, long a1, long a2, long a3)
{
	return bpftime_syscall_hooks_raw(nr, a0, a1, a2, a3, 0, 0);
}

/* Per-thread state (thread.c). Initial-exec TLS: gate.S reads inplace_resume with %fs. */
struct sh_thread {
	/* The frame address of the innermost callback call in progress, 0 when none: a syscall
	 * made below it on the same stack is the callback's own and passes untraced. */
	uintptr_t callback_frame;
	long callback_nr;     /* the syscall the innermost callback is about */
	int callback_is_exit; /* ... and whether it runs after it */
	int untraced;	      /* bpftime_syscall_hooks_thread_untraced */
	int sud_on;	      /* Syscall User Dispatch is on in this thread (sud_switch.c) */
	int *errno_at;	      /* this thread's errno, found once */
};
extern __thread struct sh_thread sh_thread_state __attribute__((tls_model("initial-exec")));
static inline struct sh_thread *sh_thread_self(void)
{
	return &sh_thread_state;
}
/* Turns Syscall User Dispatch on or off for the calling thread (and records it in sud_on). */
SH_HIDDEN long sh_thread_dispatch(int on);
/* First thing a new thread or process does after its clone/fork returns in it; own_memory: it
 * got a copy of the address space rather than sharing its parent's. */
SH_HIDDEN void sh_thread_child_start(int own_memory);
SH_HIDDEN void sh_thread_set_inplace_resume(uint64_t rip);

/* The global selector byte every thread's Syscall User Dispatch reads (install.c). */
extern volatile char sh_selector;
SH_HIDDEN int sh_installed(void);
SH_HIDDEN unsigned sh_install_flags(void);

/* Callbacks in force (dispatch.c). */
SH_HIDDEN const struct bpftime_syscall_hooks_callbacks *sh_callbacks_get(void);

/* Extended register state (xstate.c). */
SH_HIDDEN void sh_xstate_init(void);
SH_HIDDEN uint32_t sh_xstate_size(void); /* bytes; 0 when the CPU has no XSAVE */
SH_HIDDEN void sh_xstate_save(void *area);
SH_HIDDEN void sh_xstate_restore(const void *area);

/* Keeping SIGSYS and SIGILL deliverable (signal_guard.c): see there. */
struct sh_guard_buf {
	uint64_t set;	    /* a rewritten sigset */
	uint64_t pair[2];   /* a rewritten {sigset pointer, size} (pselect6, io_pgetevents) */
	uint64_t action[4]; /* a rewritten struct kernel_sigaction */
};
#define SH_GUARD_RUN 0
#define SH_GUARD_EMULATED 1
SH_HIDDEN int sh_guard_prepare(long nr, uint64_t args[6], struct sh_guard_buf *buf, int64_t *ret);
SH_HIDDEN int sh_guard_install_handler(int sig, void (*handler)(int, void *, void *));
SH_HIDDEN void sh_guard_forward(int sig, void *info, void *uc);

/* Safe access to the traced process's memory: -EFAULT instead of a fault (process_vm_readv). */
SH_HIDDEN long sh_read_user(void *dst, uint64_t src, unsigned long len);
SH_HIDDEN long sh_write_user(uint64_t dst, const void *src, unsigned long len);
SH_HIDDEN void sh_user_memory_refresh_pid(void);

/* /proc/self (proc_self.c). */
SH_HIDDEN long sh_proc_read(const char *path, char *buf, unsigned long size);
SH_HIDDEN int sh_proc_thread_count(void);

/* Fallback (sigsys.c): SIGSYS of Syscall User Dispatch, SIGILL of a trapping site. */
SH_HIDDEN int sh_sigsys_install(void);

/* Sites turned into ud2 (trap_sites.c). */
SH_HIDDEN int sh_trap_site_add(uint64_t addr);
SH_HIDDEN int sh_trap_site_known(uint64_t addr);

/* The runtime's own executable memory (own_code.c). */
SH_HIDDEN void sh_own_code_add(uint64_t lo, uint64_t hi);
SH_HIDDEN void sh_own_code_remove(uint64_t lo, uint64_t hi);
SH_HIDDEN int sh_own_code_covers(uint64_t lo, uint64_t hi);

/* Syscall User Dispatch only while needed (sud_switch.c). */
extern int sh_sud_state; /* 0: off everywhere; else on, or being turned on, in every thread */
SH_HIDDEN int sh_sud_wanted(void);
SH_HIDDEN void sh_sud_sync_self(void);
SH_HIDDEN void sh_sud_require_all(void);
SH_HIDDEN void sh_sud_release(void);
SH_HIDDEN int sh_sud_is_notice(const void *siginfo);
SH_HIDDEN void sh_sud_answer_notice(void);

/* The entry's fast path (fast_path.c): closed at once by close, reopened by update when fit. */
SH_HIDDEN void sh_fast_path_update(void);
SH_HIDDEN void sh_fast_path_close(void);
extern const struct bpftime_syscall_hooks_callbacks *bpftime_sh_fast_cb SH_HIDDEN;

/* Syscalls the entry never runs on its fast path (dispatch.c), by number. */
#define SH_NR_TABLE 512
extern const uint8_t bpftime_sh_special[SH_NR_TABLE] SH_HIDDEN;

/* Routes (route.c). What the fast path does with a number (bpftime_sh_route_eff, gate.S): */
#define SH_EFF_PASS 0	  /* straight to the kernel */
#define SH_EFF_DIRECT 1	  /* the direct function, then the syscall */
#define SH_EFF_CALLBACK 2 /* the pure enter-only on_enter, then the syscall */
#define SH_EFF_FULL 3	  /* the full path */
SH_HIDDEN void sh_routes_refresh(const struct bpftime_syscall_hooks_callbacks *cb);
SH_HIDDEN unsigned sh_route_of(long nr); /* BPFTIME_SH_ROUTE_* as set */
/* Runs nr's direct program from the full path; SH_DIRECT_TO_CALLBACKS: the thread has no section
 * word yet, on_enter must see the syscall instead. */
#define SH_DIRECT_TO_CALLBACKS 1
SH_HIDDEN int sh_route_direct(const struct sh_frame *f, long nr);

/* Whether the fallback is needed (coverage.c); callers hold the rewrite lock. */
SH_HIDDEN int sh_coverage_complete(void);
SH_HIDDEN unsigned sh_coverage_generation(void);
SH_HIDDEN void sh_coverage_release(unsigned generation);
SH_HIDDEN void sh_coverage_before(long nr, const uint64_t args[6]);
SH_HIDDEN void sh_coverage_after(long nr, const uint64_t args[6], int64_t ret, int own);

/* Memory a rel32 reaches from all of [lo, hi) (near_alloc.c). */
SH_HIDDEN uint64_t sh_alloc_near(uint64_t lo, uint64_t hi, uint64_t size);

/* Fast path (rewrite.c): rewrites the syscall sites of every loaded object; returns whether the
 * fallback is then unnecessary (coverage.c). */
SH_HIDDEN int sh_rewrite_all_objects(int threads_may_run);
/* 1: [lo, hi) lies in covered objects only; 0: in one not covered; -1: in none known. */
SH_HIDDEN int sh_rewrite_range_covered(uint64_t lo, uint64_t hi);
/* Look at the mappings again after a few hooked syscalls (soon: new code just came). */
SH_HIDDEN void sh_rewrite_schedule_proof(int soon);
extern uint64_t sh_proof_countdown;
/* A SIGSYS came from here: ask for a rescan if it lies outside every object seen so far. */
SH_HIDDEN void sh_rewrite_note_trap(uint64_t site);
/* Called on hooked syscalls in normal context: rescans when a trap asked for it. */
SH_HIDDEN void sh_rewrite_poll_slow(void);
extern uint64_t sh_rewrite_pending;
static inline void sh_rewrite_poll(void)
{
	if (__builtin_expect((__atomic_load_n(&sh_rewrite_pending, __ATOMIC_RELAXED) |
			      __atomic_load_n(&sh_proof_countdown, __ATOMIC_RELAXED)) != 0, 0))
		sh_rewrite_poll_slow();
}

/* Counters (stats.c). */
struct sh_counters {
	uint64_t objects_scanned, sites_found, sites_patched_jmp8, sites_patched_displaced,
		sites_left_to_fallback, fallback_traps, sites_trapping;
};
extern struct sh_counters sh_counters;
#define SH_COUNT(field, n) __atomic_add_fetch(&sh_counters.field, (n), __ATOMIC_RELAXED)

#endif
