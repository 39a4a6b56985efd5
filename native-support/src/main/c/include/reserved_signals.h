/*
 * The signals the runtime keeps deliverable in every thread: SIGSYS for the syscall hooks' Syscall
 * User Dispatch traps, SIGTRAP for the probe engine's int3s. Both are forced signals, and a forced
 * signal that is blocked kills the process (kernel/signal.c: force_sig_info_to_task resets its
 * action to the default), so no mask the application sets may block them. One set, kept by both
 * guards: the engine's libc interposition (agent/src/main/c/signal_interpose.c: sigprocmask,
 * pthread_sigmask, sigaction's sa_mask) and the hooks' syscall guard (syscall-hooks/src/main/c/
 * signal_guard.c: rt_sigprocmask and every syscall taking a mask, raw ones included).
 */
#ifndef BPFTIME_RESERVED_SIGNALS_H
#define BPFTIME_RESERVED_SIGNALS_H

#include <stdint.h>

/* Reserves sig (1..64) for the runtime, for the rest of the process's life. */
void reserved_signals_add(int sig);

/* The reserved signals as the kernel's 64-bit sigset: bit sig - 1 for each. */
uint64_t reserved_signals_mask(void);

#endif
