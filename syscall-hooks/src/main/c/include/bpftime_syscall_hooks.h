/*
 * Syscall hooks inside the traced process: every syscall the process makes, through a libc wrapper
 * or a raw `syscall` instruction anywhere, reaches the installed callbacks once on entry and once
 * on exit, as the kernel's raw_syscalls:sys_enter / sys_exit tracepoints see it. The design (fast
 * path: rewritten syscall sites; complete fallback: Syscall User Dispatch) is in ../README.md.
 *
 * The runtime's own syscalls are never seen: they go through bpftime_syscall_hooks_raw(), and
 * syscalls made while a callback runs (a callback calling libc) pass through untraced.
 */
#ifndef BPFTIME_SYSCALL_HOOKS_H
#define BPFTIME_SYSCALL_HOOKS_H

#include <stdint.h>

#define BPFTIME_SH_API __attribute__((visibility("default")))

/* on_enter's answer: run the syscall, or skip it and return *ret (bpf_override_return). */
#define BPFTIME_SYSCALL_RUN 0
#define BPFTIME_SYSCALL_SKIP 1

/* Callbacks may use SSE/AVX registers (a C callback calling libc does): the hooks then save and
 * restore the interrupted code's extended register state around them (xsavec/xrstor). Without
 * it a callback must leave every vector register untouched (JIT-ed BPF code does). */
#define BPFTIME_SH_CALLBACKS_USE_VECTOR 0x1u
/* The callbacks make no syscall (through libc or not), leave errno and every vector register
 * untouched, and do not call bpftime_syscall_hooks_regs: the hooks then call them directly, without
 * the bookkeeping that tells a callback's own syscalls apart and keeps errno (an agent whose
 * attached programs are JIT images calling no helper, or only such helpers). A callback that breaks
 * the promise may see its own syscalls, recursively. With no on_exit, such an on_enter runs on the
 * entry's fast path (README.md): only the argument registers saved, no frame. */
#define BPFTIME_SH_CALLBACKS_PURE 0x2u

/* Inside a callback that runs without BPFTIME_SH_CALLBACKS_USE_VECTOR (so that its common case,
 * JIT code calling no helper, saves nothing): calls fn(arg) with the interrupted code's vector
 * state and errno saved around it, for the hit that finds it must run code that may touch them
 * (an interpreter program, a helper written in C). The caller itself must touch no vector register
 * before (GPR-only code). fn may make syscalls only in a callback without BPFTIME_SH_CALLBACKS_PURE. */
BPFTIME_SH_API void bpftime_syscall_hooks_call_saving_vectors(void (*fn)(void *arg), void *arg);

struct bpftime_syscall_hooks_callbacks {
	/* Before the syscall. args are the six argument registers (rdi rsi rdx r10 r8 r9). Returns
	 * BPFTIME_SYSCALL_SKIP to skip the syscall: the caller then sees *ret, and on_exit still runs
	 * with it, as sys_exit follows an overridden syscall in the kernel. */
	int (*on_enter)(void *user, long nr, const uint64_t args[6], int64_t *ret);
	/* After the syscall, with its result (a negative errno on failure, as the kernel returns
	 * it). Not called for a syscall that does not return (exit, exit_group, a successful execve
	 * or rt_sigreturn: see README.md for what is reported instead). */
	void (*on_exit)(void *user, long nr, const uint64_t args[6], int64_t ret);
	void *user;
	unsigned flags;
};

/* Counters of what the installation found and what the hooks did (this process only). */
struct bpftime_syscall_hooks_stats {
	uint64_t objects_scanned;	/* ELF objects whose text was searched for syscall sites */
	uint64_t sites_found;		/* `syscall` instructions found at instruction boundaries */
	uint64_t sites_patched_jmp8;	/* rewritten to a 2-byte jump into inter-function padding */
	uint64_t sites_patched_displaced; /* the instruction before rewritten to a 5-byte jump */
	uint64_t sites_left_to_fallback; /* found but not rewritable: they trap (ud2, or SUD) */
	uint64_t fallback_traps;	/* syscalls caught by Syscall User Dispatch (SIGSYS) or a ud2 site */
	uint64_t sites_trapping;	/* of those left, turned into ud2 (SIGILL) */
	uint64_t dispatch_on;		/* 1 while Syscall User Dispatch is needed: some code is uncovered */
};

/* Installs the hooks in this process (once; later calls only replace the callbacks): rewrites the
 * syscall sites of the loaded objects and, when some code is left uncovered, enables the fallback
 * in the calling thread (README.md, "When the fallback is on"). Threads that exist already keep running unhooked except
 * through rewritten sites; threads and processes created later are hooked from their first
 * instruction. Returns 0 or a negative errno (-ENOSYS: no Syscall User Dispatch in this kernel). */
BPFTIME_SH_API int bpftime_syscall_hooks_install(const struct bpftime_syscall_hooks_callbacks *cb);

/* Replaces the callbacks (NULL: none, every syscall passes through). Safe while other threads
 * make syscalls: each syscall sees the old or the new set whole. The struct must stay valid. */
BPFTIME_SH_API void bpftime_syscall_hooks_set_callbacks(const struct bpftime_syscall_hooks_callbacks *cb);

/*
 * Routes: per syscall number (0..511), what the hooks do with it. By default every number goes to
 * the callbacks. A number routed BPFTIME_SH_ROUTE_NONE passes straight to the kernel: no callback
 * sees it, on entry or exit (an agent whose programs are on other syscalls). A number given a direct
 * program (bpftime_syscall_hooks_route_direct) runs it on entry instead of the callbacks, and nothing
 * on exit; while the entry's fast path is open (README.md) it is called right from the entry with
 * the record built where the argument registers were saved. Numbers from 512 always go to the
 * callbacks. Safe while other threads make syscalls: each sees the old or the new route.
 */
#define BPFTIME_SH_ROUTE_CALLBACKS 0u
#define BPFTIME_SH_ROUTE_NONE 1u
#define BPFTIME_SH_ROUTE_DIRECT 2u /* set by bpftime_syscall_hooks_route_direct only */
#define BPFTIME_SH_ROUTES 512
/* nr -1: every number. 0, or -EINVAL (nr or route out of range, or DIRECT). */
BPFTIME_SH_API int bpftime_syscall_hooks_route(long nr, unsigned route);

/*
 * A direct program: called as prog(ctx, 0) with ctx the syscall's sys_enter record as the kernel
 * gives it to a program (bpftime_syscall_ctx.h: struct bpftime_sys_enter_ctx, also a
 * raw_syscalls:sys_enter one), except that its head (the 8 bytes programs may not read) is
 * unspecified; it must not write the record. It must keep the promise of BPFTIME_SH_CALLBACKS_PURE
 * (no vector register, errno untouched, syscalls only through bpftime_syscall_hooks_raw), use no
 * string instruction (the direction flag is the application's) and assume no stack alignment: a
 * JIT-ed BPF program calling no helper does all that.
 *
 * It runs inside a read section of the caller's grace periods, so the caller may free a program
 * once it replaced it and waited: the calling thread's word is the uint64_t that the pointer at
 * thread-pointer offset tls_offset (bpftime_syscall_hooks_set_direct_section) points at; the hooks
 * make it odd (+1) before they read the program and even (+1) after it returned. A thread whose
 * pointer is NULL (no word yet) hands the syscall to on_enter instead, as a number routed to the
 * callbacks (on_exit is not called); one whose word is odd already (a callback's program making a
 * syscall) runs nothing, as the kernel refuses nested tracing programs.
 */
typedef uint64_t (*bpftime_syscall_hooks_prog_fn)(void *ctx, uint64_t zero);
BPFTIME_SH_API void bpftime_syscall_hooks_set_direct_section(intptr_t tls_offset);
/* Routes nr to prog (NULL: to the callbacks). 0, or -EINVAL (nr out of range, no section set). */
BPFTIME_SH_API int bpftime_syscall_hooks_route_direct(long nr, bpftime_syscall_hooks_prog_fn prog);

/* Marks the calling thread as the runtime's own (its syscalls are never traced) or not. */
BPFTIME_SH_API void bpftime_syscall_hooks_thread_untraced(int untraced);

/* A syscall that is never traced: the runtime's own path to the kernel. Returns the kernel's
 * result (-errno on failure); errno is not touched. */
BPFTIME_SH_API long bpftime_syscall_hooks_raw(long nr, long a0, long a1, long a2, long a3, long a4,
					      long a5);

BPFTIME_SH_API void bpftime_syscall_hooks_get_stats(struct bpftime_syscall_hooks_stats *out);

/* Declares the executable mapping holding addr the runtime's own code (a JIT image, trampolines):
 * it holds no syscall of the application's, so it never needs the fallback. What the runtime maps
 * executable from an untraced thread or inside a callback is known as its own already; this is
 * for what it mapped before the installation or from an application thread. 0 or -ENOENT. */
BPFTIME_SH_API int bpftime_syscall_hooks_own_code(const void *addr);

#endif
